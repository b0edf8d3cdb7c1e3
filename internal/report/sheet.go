package report

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/stockpile-dev/stockpile/internal/stock"
)

// Cell values other than text and plain numbers are written through these
// types, which choose the number format.
type (
	share  float64   // a ratio, 1 = 100%
	people float64   // a count of people, possibly spread fractionally: shown whole
	tenths float64   // shown with one decimal
	yuan   float64   // an amount of money in yuan: 1,200.50
	day    time.Time // a date
	moment time.Time // a date and time, shown in the zone it carries
)

// none is the row of a view with nothing in it.
const none = "无 None"

// Column widths are kept within these, in widths of the digit 0.
const (
	minWidth = 8
	maxWidth = 60
)

// sheet writes rows to one sheet of a book from the top down, keeping the
// widest cell of each column.
type sheet struct {
	b     *book
	name  string
	row   int       // the last row written, 1-based; 0 before the first
	width []float64 // the widest cell of each column so far
}

// head writes a bold header row and returns its number.
func (s *sheet) head(cells ...string) int {
	s.row++
	for i, c := range cells {
		s.set(i+1, c, s.b.st.head, textWidth(c)*1.1)
	}
	return s.row
}

// add writes a row of values: string, bool (是/否), int, int64 (shown with
// thousands separators), float64, [stock.Quantity], share, people, tenths,
// yuan, day and moment; nil leaves a cell empty.
func (s *sheet) add(values ...any) {
	s.row++
	st := s.b.st
	for i, v := range values {
		col := i + 1
		switch v := v.(type) {
		case nil:
		case string:
			s.set(col, v, 0, textWidth(v))
		case bool:
			s.set(col, yesNo(v), 0, textWidth(yesNo(v)))
		case int:
			s.set(col, v, 0, numWidth(float64(v)))
		case int64:
			s.set(col, v, st.whole, numWidth(float64(v)))
		case float64:
			s.set(col, v, 0, numWidth(v))
		case stock.Quantity:
			style := st.whole
			if !v.Whole() {
				style = st.frac
			}
			s.set(col, v.Float(), style, numWidth(v.Float()))
		case share:
			s.set(col, float64(v), st.share, 8)
		case people:
			s.set(col, float64(v), st.whole, numWidth(math.Round(float64(v))))
		case tenths:
			s.set(col, float64(v), st.tenths, numWidth(float64(v))+2)
		case yuan:
			s.set(col, float64(v), st.yuan, numWidth(math.Round(float64(v)))+3)
		case day:
			s.set(col, time.Time(v), st.day, 11)
		case moment:
			s.set(col, time.Time(v), st.instant, 17)
		default:
			s.b.do(func() error { return fmt.Errorf("cannot write a %T to a cell", v) })
		}
	}
}

func (s *sheet) set(col int, v any, style int, width float64) {
	cell, err := excelize.CoordinatesToCellName(col, s.row)
	if err != nil {
		s.b.do(func() error { return err })
		return
	}
	s.b.do(func() error { return s.b.f.SetCellValue(s.name, cell, v) })
	if style != 0 {
		s.b.do(func() error { return s.b.f.SetCellStyle(s.name, cell, cell, style) })
	}
	for len(s.width) < col {
		s.width = append(s.width, 0)
	}
	s.width[col-1] = max(s.width[col-1], width)
}

// skip leaves a blank row.
func (s *sheet) skip() { s.row++ }

// freeze keeps the first row in view when scrolling.
func (s *sheet) freeze() {
	s.b.do(func() error {
		return s.b.f.SetPanes(s.name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
			Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}})
	})
}

// filter puts the sheet's autofilter on the table from its header row top
// to the last row written, over cols columns. A sheet has one autofilter.
func (s *sheet) filter(top, cols int) {
	from, err := excelize.CoordinatesToCellName(1, top)
	if err != nil {
		s.b.do(func() error { return err })
		return
	}
	to, err := excelize.CoordinatesToCellName(cols, max(s.row, top+1))
	if err != nil {
		s.b.do(func() error { return err })
		return
	}
	s.b.do(func() error { return s.b.f.AutoFilter(s.name, from+":"+to, nil) })
}

// done sets each column as wide as its widest cell, within bounds.
func (s *sheet) done() {
	for i, w := range s.width {
		col, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			s.b.do(func() error { return err })
			return
		}
		w = math.Min(maxWidth, math.Max(minWidth, math.Ceil(w)+2))
		s.b.do(func() error { return s.b.f.SetColWidth(s.name, col, col, w) })
	}
}

// list writes a sheet holding one table: a frozen header row, the rows or
// the "无 None" row, an autofilter and fitted columns.
func (b *book) list(prefix, view string, heads []string, rows [][]any) *sheet {
	s := b.sheet(prefix, view)
	top := s.head(heads...)
	s.freeze()
	for _, r := range rows {
		s.add(r...)
	}
	if len(rows) == 0 {
		s.add(none)
	}
	s.filter(top, len(heads))
	s.done()
	return s
}

// textWidth estimates how wide s shows, counting East Asian wide and
// full-width characters as two.
func textWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case r >= 0x1100 && (r <= 0x115f || (r >= 0x2e80 && r <= 0xa4cf) || (r >= 0xac00 && r <= 0xd7a3) ||
			(r >= 0xf900 && r <= 0xfaff) || (r >= 0xfe30 && r <= 0xfe4f) || (r >= 0xff00 && r <= 0xff60) ||
			(r >= 0xffe0 && r <= 0xffe6) || r >= 0x20000):
			w += 2
		default:
			w++
		}
	}
	return w
}

// numWidth estimates how wide a number shows with thousands separators.
func numWidth(v float64) float64 {
	s := strconv.FormatFloat(math.Abs(v), 'f', -1, 64)
	digits := len(s)
	for i, c := range s {
		if c == '.' {
			digits = i
			break
		}
	}
	w := float64(len(s) + (digits-1)/3)
	if v < 0 {
		w++
	}
	return w
}
