package tabular

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Sheet names of a template besides its data sheet.
const (
	notesSheet = "说明 Notes"
	listsSheet = "选项 Lists" // hidden: drop-down lists too long to inline
)

// maxInlineList is the longest drop-down list Excel takes written into
// the validation itself; longer ones go to a range of the hidden sheet.
const maxInlineList = 255

// Template writes an empty table for people to fill in, in format f.
//
// An xlsx template has the data sheet first, named title: the header row
// only (Chinese header, a * on required columns, English header on a
// second line, the unit in brackets: "数量*\nQuantity（吨 t）"), frozen,
// with fitted widths and a drop-down list on each column with Choices. Its
// second sheet, "说明 Notes", explains each column (required, unit,
// choices, note) and shows one example row made of Column.Example. The
// data sheet starts empty, so nothing needs skipping on import: the
// example lives on a sheet the reader never picks while the data sheet
// has its header.
//
// A CSV template is the header row alone, "数量* Quantity（吨 t）", in
// UTF-8 with a byte-order mark.
func Template(w io.Writer, f Format, title string, cols []Column) error {
	switch f {
	case CSV:
		return csvTemplate(w, cols)
	case XLSX:
		t := &template{f: excelize.NewFile(), name: sheetTitle(title), cols: cols}
		defer t.f.Close()
		if err := t.write(); err != nil {
			return err
		}
		return t.f.Write(w)
	}
	return fmt.Errorf("tabular: unknown format %q", f)
}

// csvTemplate writes the header row of a CSV template.
func csvTemplate(w io.Writer, cols []Column) error {
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return err
	}
	cw := &csvWriter{w: newCSV(w)}
	head := make([]any, len(cols))
	for i, c := range cols {
		head[i] = headerText(c, " ", true)
	}
	if err := cw.Row(head...); err != nil {
		return err
	}
	return cw.Close()
}

// template is an xlsx template being written.
type template struct {
	f     *excelize.File
	name  string // the data sheet's name
	cols  []Column
	err   error
	lists int // columns of the lists sheet used
}

// do runs step unless an earlier step failed.
func (t *template) do(step func() error) {
	if t.err == nil {
		t.err = step()
	}
}

func (t *template) write() error {
	t.do(func() error { return t.f.SetSheetName("Sheet1", t.name) })
	t.do(func() error { _, err := t.f.NewSheet(notesSheet); return err })
	t.dataSheet()
	t.notes()
	t.do(func() error { t.f.SetActiveSheet(0); return nil })
	return t.err
}

// dataSheet writes the header row, widths, panes and drop-down lists.
func (t *template) dataSheet() {
	head, err := headStyle(t.f)
	t.do(func() error { return err })
	for i, c := range t.cols {
		cell := cellName(i+1, 1)
		text := headerText(c, "\n", true)
		col := colName(i + 1)
		t.do(func() error { return t.f.SetCellValue(t.name, cell, text) })
		t.do(func() error { return t.f.SetCellStyle(t.name, cell, cell, head) })
		t.do(func() error { return t.f.SetColWidth(t.name, col, col, columnWidth(text, c.Example)) })
		if len(c.Choices) > 0 {
			t.dropDown(i+1, c)
		}
	}
	t.do(func() error { return t.f.SetRowHeight(t.name, 1, headerHeight) })
	t.do(func() error { return t.f.SetPanes(t.name, frozenHeader()) })
}

// dropDown puts a list of c's choices on column col below the header.
func (t *template) dropDown(col int, c Column) {
	labels := make([]string, len(c.Choices))
	for i, ch := range c.Choices {
		labels[i] = choiceLabel(ch)
	}
	dv := excelize.NewDataValidation(true)
	dv.SetSqref(fmt.Sprintf("%s2:%s%d", colName(col), colName(col), excelize.TotalRows))
	dv.SetError(excelize.DataValidationErrorStyleStop, "无效值 Invalid value", "请从下拉列表中选择。Choose a value from the list.")
	inline := len(strings.Join(labels, ",")) <= maxInlineList && !strings.ContainsAny(strings.Join(labels, ""), `,"`)
	if inline {
		t.do(func() error { return dv.SetDropList(labels) })
	} else {
		t.do(func() error { return t.listRange(dv, labels) })
	}
	t.do(func() error { return t.f.AddDataValidation(t.name, dv) })
}

// listRange writes labels to a column of the hidden lists sheet and points
// dv at them.
func (t *template) listRange(dv *excelize.DataValidation, labels []string) error {
	if t.lists == 0 {
		if _, err := t.f.NewSheet(listsSheet); err != nil {
			return err
		}
		if err := t.f.SetSheetVisible(listsSheet, false); err != nil {
			return err
		}
	}
	t.lists++
	col := colName(t.lists)
	for i, l := range labels {
		if err := t.f.SetCellStr(listsSheet, cellName(t.lists, i+1), l); err != nil {
			return err
		}
	}
	dv.SetSqrefDropList(fmt.Sprintf("'%s'!$%s$1:$%s$%d", listsSheet, col, col, len(labels)))
	return nil
}

// notes writes the "说明 Notes" sheet: how to fill in the template, an
// example row, and a table of the columns.
func (t *template) notes() {
	head, err := headStyle(t.f)
	t.do(func() error { return err })
	rows := [][]any{
		{fmt.Sprintf("在第一个工作表「%s」中从第 2 行起填写，每行一条，带 * 的列必填。本表只作说明，不会导入。", t.name)},
		{fmt.Sprintf("Fill in the first sheet, %q, from row 2 on, one record per row; columns marked * are required. This sheet is not imported.", t.name)},
		nil,
		{"示例行 Example row"},
	}
	for i, r := range rows {
		t.setRow(i+1, r, 0)
	}
	example, heads := make([]any, len(t.cols)), make([]any, len(t.cols))
	for i, c := range t.cols {
		heads[i], example[i] = headerText(c, "\n", true), c.Example
	}
	t.setRow(5, heads, head)
	t.setRow(6, example, 0)
	t.setRow(8, []any{"列 Column", "必填 Required", "单位 Unit", "可选值 Choices", "说明 Note", "示例 Example"}, head)
	for i, c := range t.cols {
		t.setRow(9+i, t.describe(c), 0)
	}
	for i, w := range []float64{24, 12, 12, 30, 50, 16} {
		col := colName(i + 1)
		t.do(func() error { return t.f.SetColWidth(notesSheet, col, col, w) })
	}
}

// describe is the row of the notes table for one column.
func (t *template) describe(c Column) []any {
	required := "否 No"
	if c.Required {
		required = "是 Yes"
	}
	var choices []string
	for _, ch := range c.Choices {
		choices = append(choices, choiceLabel(ch))
	}
	return []any{headerText(c, " ", false), required, c.Unit, strings.Join(choices, "\n"), c.Note, c.Example}
}

// setRow writes values from column A of row of the notes sheet.
func (t *template) setRow(row int, values []any, style int) {
	if len(values) == 0 {
		return
	}
	cell := cellName(1, row)
	t.do(func() error { return t.f.SetSheetRow(notesSheet, cell, &values) })
	if style != 0 {
		last := cellName(len(values), row)
		t.do(func() error { return t.f.SetCellStyle(notesSheet, cell, last, style) })
	}
}

// cellName is the A1 name of a cell; col and row are valid by
// construction.
func cellName(col, row int) string {
	n, _ := excelize.CoordinatesToCellName(col, row)
	return n
}

// colName is the letter name of a column.
func colName(col int) string {
	n, _ := excelize.ColumnNumberToName(col)
	return n
}
