package tabular_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/tabular"
)

// chineseCSV is a table as people type it in Chinese Excel: a title row,
// the header, full-width digits, a thousands separator, trailing spaces.
const chineseCSV = "2026年储备物资清单,,\r\n" +
	"物资编码,物资名称,数量（件）\r\n" +
	"A001,棉帐篷 ,\"1,234\"\r\n" +
	"A002,折叠床,１２３４\r\n"

var chineseRows = [][]string{
	{"2026年储备物资清单"},
	{"物资编码", "物资名称", "数量（件）"},
	{"A001", "棉帐篷 ", "1,234"},
	{"A002", "折叠床", "１２３４"},
}

func TestCSVGBKAsChineseExcelSavesIt(t *testing.T) {
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(chineseCSV)
	if err != nil {
		t.Fatal(err)
	}
	r := open(t, []byte(gbk), tabular.Limits{})
	if r.Format() != tabular.CSV || r.Encoding() != tabular.GB18030 {
		t.Fatalf("format %s, encoding %s; want csv, GB18030", r.Format(), r.Encoding())
	}
	got := rows(t, r)
	if !reflect.DeepEqual(cells(got), chineseRows) {
		t.Fatalf("rows = %q\nwant %q", cells(got), chineseRows)
	}
	if !reflect.DeepEqual(lines(got), []int{1, 2, 3, 4}) {
		t.Errorf("lines = %v", lines(got))
	}
	n, err := tabular.Int(got[2].Cells[2])
	m, err2 := tabular.Int(got[3].Cells[2])
	if err != nil || err2 != nil || n != 1234 || m != 1234 {
		t.Errorf("quantities %d, %d (%v, %v); want 1234, 1234", n, m, err, err2)
	}
	if tabular.Text(got[2].Cells[1]) != "棉帐篷" {
		t.Errorf("Text kept the trailing space: %q", tabular.Text(got[2].Cells[1]))
	}
}

func TestCSVEncodings(t *testing.T) {
	tabbed := strings.ReplaceAll(strings.ReplaceAll(chineseCSV, ",", "\t"), "1\t234", "1,234")
	utf16le, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(tabbed)
	utf16be, _ := unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder().String(chineseCSV)
	gb18030, _ := simplifiedchinese.GB18030.NewEncoder().String(chineseCSV + "B001,𠀀字,1\r\n")
	for _, c := range []struct {
		name, data, encoding string
		extra                int
	}{
		{"UTF-8", chineseCSV, tabular.UTF8, 0},
		{"UTF-8 BOM", "\ufeff" + chineseCSV, tabular.UTF8BOM, 0},
		{"UTF-16LE tab (Excel Unicode text)", utf16le, tabular.UTF16LE, 0},
		{"UTF-16BE", utf16be, tabular.UTF16BE, 0},
		{"GB18030 four-byte", gb18030, tabular.GB18030, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := open(t, []byte(c.data), tabular.Limits{})
			if r.Encoding() != c.encoding {
				t.Errorf("encoding %s; want %s", r.Encoding(), c.encoding)
			}
			got := cells(rows(t, r))
			if len(got) != len(chineseRows)+c.extra || !reflect.DeepEqual(got[:len(chineseRows)], chineseRows) {
				t.Errorf("rows = %q", got)
			}
			if c.extra > 0 && got[4][1] != "𠀀字" {
				t.Errorf("four-byte GB18030 character read as %q", got[4][1])
			}
		})
	}
}

// TestCSVUTF8LateGBK: a file valid UTF-8 for its first 100 KB and GBK
// after is GB18030 throughout; the whole file is checked, not a prefix.
func TestCSVUTF8LateGBK(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("code,name\n")
	for b.Len() < 100<<10 {
		b.WriteString("A001,tent\n")
	}
	tail, _ := simplifiedchinese.GBK.NewEncoder().String("A002,帐篷\n")
	b.WriteString(tail)
	r := open(t, b.Bytes(), tabular.Limits{})
	got := rows(t, r)
	if r.Encoding() != tabular.GB18030 || got[len(got)-1].Cells[1] != "帐篷" {
		t.Fatalf("encoding %s, last row %q", r.Encoding(), got[len(got)-1].Cells)
	}
}

// TestCSVDamagedUTF8: a UTF-8 file with a stray byte (cut short, say) is
// still UTF-8, the byte read as U+FFFD, not the whole file as GB18030.
func TestCSVDamagedUTF8(t *testing.T) {
	data := []byte(chineseCSV + "A003,睡袋,5\r\nA004,帐\xe7")
	r := open(t, data, tabular.Limits{})
	got := cells(rows(t, r))
	if r.Encoding() != tabular.UTF8 || !reflect.DeepEqual(got[:4], chineseRows) || got[5][1] != "帐\ufffd" {
		t.Fatalf("encoding %s, rows %q", r.Encoding(), got)
	}
}

func TestCSVDelimiters(t *testing.T) {
	for _, c := range []struct{ name, data string }{
		{"comma", "编码,名称,说明\nA1,帐篷,\"大;中\tx\"\n"},
		{"tab", "编码\t名称\t说明\nA1\t帐篷\t\"大,中;x\"\n"},
		{"semicolon", "编码;名称;说明\nA1;帐篷;\"大,中\tx\"\n"},
		{"title row without delimiters", "储备清单\n编码;名称;说明\nA1;帐篷;\"大,中\tx\"\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := cells(rows(t, open(t, []byte(c.data), tabular.Limits{})))
			last := got[len(got)-1]
			if len(last) != 3 || last[1] != "帐篷" {
				t.Errorf("last row %q; want 3 cells", last)
			}
		})
	}
}

// TestCSVQuotedNewlines: Row.Line is the physical line a record starts on.
func TestCSVQuotedNewlines(t *testing.T) {
	data := "编码,备注\r\nA1,\"第一行\r\n第二行\"\r\n\r\nA2,\"x\"\"y\"\r\n"
	got := rows(t, open(t, []byte(data), tabular.Limits{}))
	if !reflect.DeepEqual(lines(got), []int{1, 2, 5}) {
		t.Errorf("lines %v; want [1 2 5]", lines(got))
	}
	if got[1].Cells[1] != "第一行\n第二行" || got[2].Cells[1] != `x"y` {
		t.Errorf("cells %q", cells(got))
	}
}

func TestCSVBadQuotes(t *testing.T) {
	data := "编码,名称\nA1,帐篷\nA2,大\"帐篷\"\n"
	r := open(t, []byte(data), tabular.Limits{})
	var err error
	for err == nil {
		_, err = r.Next()
	}
	e, ok := apperr.As(err)
	if !ok || e.Code != "file.bad_quotes" || e.Kind != apperr.Invalid || !strings.Contains(e.ZH, "第 3 行") || !strings.Contains(e.EN, "line 3") {
		t.Fatalf("err = %#v; want file.bad_quotes on line 3", err)
	}
}

// TestCSVRestoresNeutralisedCells: what csvcell.Neutralise wrote comes
// back as it was.
func TestCSVRestoresNeutralisedCells(t *testing.T) {
	data := "a,b,c\n\"'=HYPERLINK(\"\"x\"\")\",-2,'@SUM(A1)\n"
	got := rows(t, open(t, []byte(data), tabular.Limits{}))
	want := []string{`=HYPERLINK("x")`, "-2", "@SUM(A1)"}
	if !reflect.DeepEqual(got[1].Cells, want) {
		t.Errorf("cells %q; want %q", got[1].Cells, want)
	}
}

func TestCSVLimits(t *testing.T) {
	many := strings.Repeat("a,b\n", 11)
	if code, _ := refused([]byte(many), tabular.Limits{MaxRows: 10}); code != "file.too_many_rows" {
		t.Errorf("11 rows, limit 10: %q", code)
	}
	if code, _ := refused([]byte(many), tabular.Limits{MaxRows: 11}); code != "" {
		t.Errorf("11 rows, limit 11: %q", code)
	}
	wide := "a" + strings.Repeat(",a", 5) + "\n" + "b" + strings.Repeat(",", 50) + "\n"
	if code, _ := refused([]byte(wide), tabular.Limits{MaxColumns: 5}); code != "file.too_many_columns" {
		t.Errorf("6 columns, limit 5: %q", code)
	}
	if code, _ := refused([]byte(wide), tabular.Limits{MaxColumns: 6}); code != "" {
		t.Errorf("6 columns and trailing empty ones, limit 6: %q", code)
	}
	if code, _ := refused([]byte(many), tabular.Limits{MaxBytes: 10}); code != "file.too_large" {
		t.Errorf("44 bytes, limit 10: %q", code)
	}
}

func TestOpenRefusesOtherFormats(t *testing.T) {
	ole := append([]byte{0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1}, make([]byte, 512)...)
	for _, c := range []struct {
		name, data, code string
	}{
		{".xls (OLE)", string(ole), "file.legacy_excel"},
		{"empty", "", "file.empty"},
		{"PNG", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "file.not_a_table"},
		{"HTML saved as .xls", "<html><table><tr><td>1</td></tr></table></html>", "file.not_a_table"},
		{"SpreadsheetML 2003", "\ufeff<?xml version=\"1.0\"?><Workbook/>", "file.not_a_table"},
		{"PDF", "%PDF-1.7\n", "file.not_a_table"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := tabular.Open("物资.xls", bytes.NewReader([]byte(c.data)), int64(len(c.data)), tabular.Limits{})
			e, ok := apperr.As(err)
			if !ok || e.Code != c.code || e.Kind != apperr.Invalid || e.ZH == "" || e.EN == "" {
				t.Fatalf("err = %v; want %s", err, c.code)
			}
			if c.code == "file.legacy_excel" && (!strings.Contains(e.ZH, ".xlsx") || !strings.Contains(e.EN, "Save As")) {
				t.Errorf("message does not say to save as .xlsx: %s / %s", e.ZH, e.EN)
			}
		})
	}
}
