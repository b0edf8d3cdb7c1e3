package tabular

import (
	"errors"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Sheet names and limits of a marked copy.
const (
	markedSheet   = "数据 Data"
	problemsSheet = "问题 Problems"
	problemsHead  = "问题 Problems"
	// maxComments bounds the cell comments of a marked copy; cells past it
	// are still coloured and listed.
	maxComments = 10_000
)

// MarkProblems writes to w an .xlsx copy of the table src reads, for the
// person who sent it to fix: every cell a problem names (by Problem.Line
// and the column key of Problem.Column, found through h) is filled red
// with a comment giving the reason in Chinese and English, each row with a
// problem gets the reasons in a "问题 Problems" column after its cells (a
// problem with no column, or one the file lacks, is shown there only), and
// a second sheet, "问题 Problems", lists every problem: row, column, value,
// code, reason in Chinese, reason in English. Rows keep their row numbers
// (Row.Line), so the messages' row numbers match the copy.
//
// src must be a fresh reader of the same file the problems were found in
// (Open it again); MarkProblems reads it to the end but does not close it.
// Cells are written as text, as they were read.
func MarkProblems(w io.Writer, src Reader, h Header, problems []Problem) error {
	m := &marker{f: excelize.NewFile(), h: h, byLine: map[int][]Problem{}, names: map[string]string{}}
	defer m.f.Close()
	for _, p := range problems {
		m.byLine[p.Line] = append(m.byLine[p.Line], p)
	}
	if err := m.setup(); err != nil {
		return err
	}
	if err := m.copyRows(src); err != nil {
		return err
	}
	if err := m.sw.Flush(); err != nil {
		return err
	}
	if err := m.list(problems); err != nil {
		return err
	}
	return m.f.Write(w)
}

// marker is a marked copy being written.
type marker struct {
	f             *excelize.File
	sw            *excelize.StreamWriter
	h             Header
	byLine        map[int][]Problem
	names         map[string]string // column key → the file's header cell
	width         int               // cells in the header row
	bad, note, hd int               // styles
	comments      int
}

func (m *marker) setup() error {
	if err := m.f.SetSheetName("Sheet1", markedSheet); err != nil {
		return err
	}
	var err error
	style := func(s *excelize.Style) int {
		id, e := m.f.NewStyle(s)
		err = errors.Join(err, e)
		return id
	}
	m.bad = style(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFC7CE"}},
		Font: &excelize.Font{Color: "9C0006"}})
	m.note = style(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFEB9C"}},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	m.hd = style(headStyleOf())
	if err != nil {
		return err
	}
	m.sw, err = m.f.NewStreamWriter(markedSheet)
	return err
}

// copyRows streams src into the data sheet, marking as it goes.
func (m *marker) copyRows(src Reader) error {
	for {
		row, err := src.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if row.Line > excelize.TotalRows {
			return nil
		}
		if err := m.copyRow(row); err != nil {
			return err
		}
	}
}

// copyRow writes one row, marked.
func (m *marker) copyRow(row Row) error {
	cells := make([]any, len(row.Cells))
	for i, v := range row.Cells {
		cells[i] = v
	}
	if row.Line == m.h.Line {
		m.header(row, &cells)
	}
	var reasons []string
	for _, p := range m.byLine[row.Line] {
		reasons = append(reasons, p.ZH+"\n"+p.EN)
		i, ok := m.h.Index[p.Column]
		if p.Column == "" || !ok {
			continue
		}
		for len(cells) <= i {
			cells = append(cells, nil)
		}
		cells[i] = excelize.Cell{StyleID: m.bad, Value: cellValue(cells[i])}
		if err := m.comment(i+1, row.Line, p); err != nil {
			return err
		}
	}
	if len(reasons) > 0 {
		at := max(m.width, len(row.Cells))
		for len(cells) <= at {
			cells = append(cells, nil)
		}
		cells[at] = excelize.Cell{StyleID: m.note, Value: strings.Join(reasons, "\n")}
	}
	return m.sw.SetRow(cellName(1, row.Line), cells)
}

// header notes the header row's width and cells, and heads the problems
// column.
func (m *marker) header(row Row, cells *[]any) {
	m.width = len(row.Cells)
	for k, i := range m.h.Index {
		if i < len(row.Cells) {
			m.names[k] = strings.ReplaceAll(Text(row.Cells[i]), "\n", " ")
		}
		m.width = max(m.width, i+1)
	}
	for len(*cells) < m.width {
		*cells = append(*cells, nil)
	}
	*cells = append(*cells, excelize.Cell{StyleID: m.hd, Value: problemsHead})
}

// cellValue is the value a cell of a row being marked holds.
func cellValue(v any) any {
	if c, ok := v.(excelize.Cell); ok {
		return c.Value
	}
	return v
}

// comment attaches p's reason to a cell, up to maxComments.
func (m *marker) comment(col, row int, p Problem) error {
	if m.comments >= maxComments {
		return nil
	}
	m.comments++
	return m.f.AddComment(markedSheet, excelize.Comment{Cell: cellName(col, row), Author: "Stockpile",
		Text: p.ZH + "\n" + p.EN, Width: 300, Height: 80})
}

// list writes the problems sheet.
func (m *marker) list(problems []Problem) error {
	if _, err := m.f.NewSheet(problemsSheet); err != nil {
		return err
	}
	sw, err := m.f.NewStreamWriter(problemsSheet)
	if err != nil {
		return err
	}
	for i, w := range []float64{8, 24, 20, 28, 50, 60} {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(frozenHeader()); err != nil {
		return err
	}
	head := []any{"行 Row", "列 Column", "值 Value", "代码 Code", "原因 Reason", "Reason"}
	for i, v := range head {
		head[i] = excelize.Cell{StyleID: m.hd, Value: v}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	for i, p := range problems {
		col := p.Column
		if n := m.names[p.Column]; n != "" {
			col = n
		}
		if err := sw.SetRow(cellName(1, i+2), []any{p.Line, col, p.Value, p.Code, p.ZH, p.EN}); err != nil {
			return err
		}
		if i+2 >= excelize.TotalRows {
			break
		}
	}
	return sw.Flush()
}
