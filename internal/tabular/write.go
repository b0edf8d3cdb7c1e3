package tabular

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/stockpile-dev/stockpile/internal/csvcell"
)

// utf8BOM starts every CSV file written, so that Excel opens its Chinese
// text as UTF-8 rather than as the system's code page.
const utf8BOM = "\ufeff"

// NewWriter returns a writer of a table with cols to w in format f: a
// header row whose cells give each column's Chinese and English header
// and unit ("物资编码\nItem code" in one xlsx cell, "物资编码 Item code"
// in CSV), which [ReadHeader] reads back, then the rows written. An xlsx
// table is one sheet named sheetName, its header frozen, streamed to a
// temporary file past a few megabytes; a CSV table is UTF-8 with a
// byte-order mark, every text cell passed through [csvcell.Neutralise].
// Nothing reaches w before Close for xlsx; CSV rows go out as written.
func NewWriter(w io.Writer, f Format, sheetName string, cols []Column) (Writer, error) {
	switch f {
	case CSV:
		return newCSVWriter(w, cols)
	case XLSX:
		return newXLSXWriter(w, sheetName, cols)
	}
	return nil, fmt.Errorf("tabular: unknown format %q", f)
}

// headerText is a column's header cell: Chinese, the required mark when
// marked, sep, English, and the unit in full-width brackets.
func headerText(c Column, sep string, mark bool) string {
	s := c.ZH
	if mark && c.Required {
		s += "*"
	}
	if c.EN != "" {
		s += sep + c.EN
	}
	if c.Unit != "" {
		s += "（" + c.Unit + "）"
	}
	return s
}

// csvWriter writes a CSV table.
type csvWriter struct {
	w *csv.Writer
}

func newCSVWriter(w io.Writer, cols []Column) (*csvWriter, error) {
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return nil, err
	}
	c := &csvWriter{w: newCSV(w)}
	head := make([]any, len(cols))
	for i, col := range cols {
		head[i] = headerText(col, " ", false)
	}
	return c, c.Row(head...)
}

func (c *csvWriter) Row(values ...any) error {
	rec := make([]string, len(values))
	for i, v := range values {
		s, err := cellText(v)
		if err != nil {
			return err
		}
		rec[i] = s
		if _, isText := v.(string); isText {
			rec[i] = csvcell.Neutralise(s)
		}
	}
	return c.w.Write(rec)
}

func (c *csvWriter) Close() error {
	c.w.Flush()
	return c.w.Error()
}

// newCSV is a CSV writer with the line ends Excel writes.
func newCSV(w io.Writer) *csv.Writer {
	c := csv.NewWriter(w)
	c.UseCRLF = true
	return c
}

// cellText is a value as a CSV cell shows it.
func cellText(v any) (string, error) {
	switch v := v.(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	case int:
		return strconv.Itoa(v), nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return "", fmt.Errorf("tabular: cannot write %v", v)
		}
		return strconv.FormatFloat(v, 'f', -1, 64), nil
	case bool:
		return yesNo(v), nil
	case time.Time:
		return dateText(v), nil
	}
	return "", fmt.Errorf("tabular: cannot write a %T to a cell", v)
}

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

// dateText is a date as YYYY-MM-DD, with the time when it is not midnight.
func dateText(t time.Time) string {
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.Format(time.DateOnly)
	}
	return t.Format(time.DateTime)
}

// xlsxWriter writes one sheet of a workbook through excelize's stream
// writer.
type xlsxWriter struct {
	w    io.Writer
	f    *excelize.File
	sw   *excelize.StreamWriter
	row  int
	date int // style of date cells
}

func newXLSXWriter(w io.Writer, sheetName string, cols []Column) (*xlsxWriter, error) {
	f := excelize.NewFile()
	x := &xlsxWriter{w: w, f: f}
	if err := x.setup(sheetName, cols); err != nil {
		f.Close()
		return nil, err
	}
	return x, nil
}

// setup names the sheet, sets widths and the frozen header, and writes it.
func (x *xlsxWriter) setup(sheetName string, cols []Column) error {
	name := sheetTitle(sheetName)
	if err := x.f.SetSheetName("Sheet1", name); err != nil {
		return err
	}
	sw, err := x.f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	x.sw = sw
	head, err := headStyle(x.f)
	if err != nil {
		return err
	}
	if x.date, err = x.f.NewStyle(&excelize.Style{NumFmt: 14}); err != nil {
		return err
	}
	cells := make([]any, len(cols))
	for i, c := range cols {
		text := headerText(c, "\n", false)
		cells[i] = excelize.Cell{StyleID: head, Value: text}
		if err := sw.SetColWidth(i+1, i+1, columnWidth(text, c.Example)); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(frozenHeader()); err != nil {
		return err
	}
	x.row = 1
	return sw.SetRow("A1", cells, excelize.RowOpts{Height: headerHeight})
}

func (x *xlsxWriter) Row(values ...any) error {
	x.row++
	cells := make([]any, len(values))
	for i, v := range values {
		switch v := v.(type) {
		case nil, string, int, int64:
			cells[i] = v
		case float64:
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("tabular: cannot write %v", v)
			}
			cells[i] = v
		case bool:
			cells[i] = yesNo(v)
		case time.Time:
			cells[i] = excelize.Cell{StyleID: x.date, Value: v}
		default:
			return fmt.Errorf("tabular: cannot write a %T to a cell", v)
		}
	}
	cell, err := excelize.CoordinatesToCellName(1, x.row)
	if err != nil {
		return err
	}
	return x.sw.SetRow(cell, cells)
}

func (x *xlsxWriter) Close() error {
	defer x.f.Close()
	if err := x.sw.Flush(); err != nil {
		return err
	}
	return x.f.Write(x.w)
}

// headerHeight is the height of a two-line header row, in points.
const headerHeight = 32

// headStyle is the style of header cells: bold, wrapped, on grey.
func headStyle(f *excelize.File) (int, error) { return f.NewStyle(headStyleOf()) }

func headStyleOf() *excelize.Style {
	return &excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E7E6E6"}},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"},
	}
}

// frozenHeader keeps the first row in view when scrolling.
func frozenHeader() *excelize.Panes {
	return &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}
}

// sheetTitle makes s a valid sheet name: without the characters Excel
// forbids, at most 31 characters, "数据 Data" when nothing is left.
func sheetTitle(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	s = strings.Trim(s, "'")
	if r := []rune(s); len(r) > 31 {
		s = string(r[:31])
	}
	if s == "" {
		return "数据 Data"
	}
	return s
}

// Column widths are kept within these, in widths of the digit 0.
const (
	minWidth = 8
	maxWidth = 40
)

// columnWidth fits a column to the longest line of its header and its
// example.
func columnWidth(texts ...string) float64 {
	w := 0.0
	for _, t := range texts {
		for _, line := range strings.Split(t, "\n") {
			w = max(w, textWidth(line))
		}
	}
	return math.Min(maxWidth, math.Max(minWidth, math.Ceil(w)+2))
}

// textWidth estimates how wide s shows, counting East Asian wide and
// full-width characters as two.
func textWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		if r >= 0x1100 && (r <= 0x115f || (r >= 0x2e80 && r <= 0xa4cf) || (r >= 0xac00 && r <= 0xd7a3) ||
			(r >= 0xf900 && r <= 0xfaff) || (r >= 0xfe30 && r <= 0xfe4f) || (r >= 0xff00 && r <= 0xff60) ||
			(r >= 0xffe0 && r <= 0xffe6) || r >= 0x20000) {
			w += 2
		} else {
			w++
		}
	}
	return w
}
