// Package report renders readiness assessments as Excel workbooks (.xlsx),
// for the reserve staff who take the figures into their own spreadsheets,
// briefings and purchase requests (报表).
//
// Every figure is written as a number, never as text, so that a workbook
// sums, sorts, filters and charts without retyping: quantities in units
// (a [stock.Quantity] of 1500 is 1.5), shares and coverage as ratios
// (1 = 100%) under a percent format, dates as Excel dates. Sheet names are
// Chinese and each header cell carries both languages ("需求 Required"),
// Chinese first. Each sheet freezes its header row and filters its table; a
// view with no rows keeps its header over one row reading "无 None", so a
// workbook always has the same sheets in the same order.
//
// The functions build the whole workbook in memory. The caller owns the
// returned [excelize.File] and should Close it when done.
package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/stockpile-dev/stockpile/internal/readiness"
)

// The views of an assessment, one sheet each, in this order.
const (
	viewSummary    = "概览"
	viewItems      = "物资"
	viewTiers      = "分级"
	viewAreas      = "区域"
	viewPurchases  = "采购清单"
	viewRotation   = "轮换"
	viewDistricts  = "各区"
	viewNeighbours = "津冀支援"
)

// Assessment renders one assessment as a workbook of six sheets: 概览
// (the scenario, its events and notes), 物资 (items), 分级 (tiers), 区域
// (districts hit), 采购清单 (purchases) and 轮换 (rotation lots).
func Assessment(as readiness.Assessment) (*excelize.File, error) {
	b, err := newBook(title(as), as.At)
	if err != nil {
		return nil, err
	}
	b.assessment("", as)
	return b.close()
}

// Overview renders a city's standing readiness: a sheet 各区 with every
// district's summary, its delivery chain (own stock within 4 h, with city
// stock within 6 h, with other districts' within 24 h) and a bar chart of
// in-time share and coverage by district; a sheet 津冀支援 with what city
// stock gets to each neighbouring province's relief site within 24 h;
// then the six sheets of [Assessment] for each scenario, named
// "情景1 概览", "情景1 物资" … "情景2 概览" … in the order of ov.Scenarios. The
// chart is left out when there are no districts, as it would have nothing
// to draw.
func Overview(ov readiness.Overview) (*excelize.File, error) {
	t := "应急物资储备常备情景与各区保障能力 Standing readiness"
	if ov.City != "" {
		t += " " + ov.City
	}
	b, err := newBook(t, ov.At)
	if err != nil {
		return nil, err
	}
	b.districts(ov.Districts)
	b.neighbours(ov.Neighbours, ov.Scenarios)
	for i, as := range ov.Scenarios {
		b.assessment(fmt.Sprintf("情景%d", i+1), as)
	}
	return b.close()
}

// Write writes f to w as an .xlsx file: a shorthand for handlers and
// commands that stream a workbook out. It does not close f.
func Write(w io.Writer, f *excelize.File) error {
	if err := f.Write(w); err != nil {
		return fmt.Errorf("report: write: %w", err)
	}
	return nil
}

func title(as readiness.Assessment) string {
	t := "应急物资储备评估 Readiness assessment"
	if name := strings.TrimSpace(as.Scenario.NameZH); name != "" {
		t += ":" + name
	}
	return t
}

// book is a workbook being written. Its first error is kept and every later
// call does nothing, so that writers read as a list of cells; close
// reports the error.
type book struct {
	f     *excelize.File
	st    styles
	names names
	first bool  // the next sheet takes the place of the default Sheet1
	err   error // the first error; later calls do nothing
}

// styles are the cell styles of a book, by what they show.
type styles struct {
	head    int // bold header row
	whole   int // a whole quantity or a count of people: 1,200
	frac    int // a fractional quantity: 1,200.5
	share   int // a ratio: 75.0%
	tenths  int // teams spread over districts: 2.5
	yuan    int // money: 1,200.50
	day     int // a date: 2025-07-01
	instant int // a date and time: 2025-07-01 10:00
}

func newBook(title string, at int64) (*book, error) {
	b := &book{f: excelize.NewFile(), first: true}
	b.styles()
	props := &excelize.DocProperties{Title: title, Creator: "stockpile", Language: "zh-CN"}
	if at != 0 {
		props.Created = time.Unix(at, 0).UTC().Format(time.RFC3339)
		props.Modified = props.Created
	}
	b.do(func() error { return b.f.SetDocProps(props) })
	if b.err != nil {
		_ = b.f.Close()
		return nil, b.err
	}
	return b, nil
}

func (b *book) do(fn func() error) {
	if b.err == nil {
		if err := fn(); err != nil {
			b.err = fmt.Errorf("report: %w", err)
		}
	}
}

func (b *book) style(s *excelize.Style) int {
	var id int
	b.do(func() (err error) {
		id, err = b.f.NewStyle(s)
		return err
	})
	return id
}

func (b *book) styles() {
	custom := func(code string) *excelize.Style { return &excelize.Style{CustomNumFmt: &code} }
	b.st = styles{
		head: b.style(&excelize.Style{
			Font:      &excelize.Font{Bold: true},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
			Border:    []excelize.Border{{Type: "bottom", Color: "8EA9DB", Style: 1}},
			Alignment: &excelize.Alignment{Vertical: "center"},
		}),
		whole:   b.style(&excelize.Style{NumFmt: 3}), // #,##0
		frac:    b.style(custom("#,##0.###")),
		share:   b.style(custom("0.0%")),
		tenths:  b.style(custom("#,##0.0")),
		yuan:    b.style(custom("#,##0.00")),
		day:     b.style(custom("yyyy-mm-dd")),
		instant: b.style(custom("yyyy-mm-dd hh:mm")),
	}
}

// close returns the finished file, or closes it and returns the first error.
func (b *book) close() (*excelize.File, error) {
	if b.err != nil {
		_ = b.f.Close()
		return nil, b.err
	}
	return b.f, nil
}

// sheet adds a sheet named after view, with prefix before it when not
// empty, made valid and unique.
func (b *book) sheet(prefix, view string) *sheet {
	name := b.names.unique(sheetName(prefix, view))
	s := &sheet{b: b, name: name}
	if b.first {
		b.first = false
		b.do(func() error { return b.f.SetSheetName(b.f.GetSheetName(0), name) })
	} else {
		b.do(func() error { _, err := b.f.NewSheet(name); return err })
	}
	return s
}
