package tabular_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/tabular"
)

var stockCols = []tabular.Column{
	{Key: "item_code", ZH: "物资编码", EN: "Item code", Required: true, Example: "A001"},
	{Key: "quantity", ZH: "数量", EN: "Quantity", Unit: "件", Required: true, Example: "120"},
	{Key: "produced", ZH: "生产日期", EN: "Production date", Example: "2026-01-05"},
	{Key: "level", ZH: "储备级别", EN: "Level", Choices: []tabular.Choice{{Value: "city", ZH: "市级", EN: "City"}, {Value: "district", ZH: "区级", EN: "District"}}},
}

// TestXLSXSerialDates: dates arrive as Excel serial numbers (raw cell
// values, not formatted text) and Date reads them.
func TestXLSXSerialDates(t *testing.T) {
	data := book(t, func(f *excelize.File) {
		set(t, f, map[string]any{"A1": "物资编码", "B1": "生产日期", "A2": "A001", "B2": time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC),
			"A3": "A002", "B3": time.Date(2026, 1, 5, 18, 0, 0, 0, time.UTC), "A4": "A003", "B4": "2026/1/5", "C4": 1234.5})
	})
	r := open(t, data, tabular.Limits{})
	if r.Format() != tabular.XLSX || r.Encoding() != "" {
		t.Fatalf("format %s encoding %q", r.Format(), r.Encoding())
	}
	got := rows(t, r)
	if got[1].Cells[1] != "46027" || got[2].Cells[1] != "46027.75" || got[3].Cells[2] != "1234.5" {
		t.Fatalf("raw values %q", cells(got))
	}
	for _, row := range got[1:] {
		if d, err := tabular.Date(row.Cells[1]); err != nil || d != "2026-01-05" {
			t.Errorf("Date(%q) = %q, %v", row.Cells[1], d, err)
		}
	}
}

// TestXLSXMergedHeader: a header over two rows whose group headings are
// merged across their columns, and a heading merged down both rows; the
// merged value shows in every cell of its range. Row.Line is the sheet's
// row number, blank rows counted.
func TestXLSXMergedHeader(t *testing.T) {
	data := book(t, func(f *excelize.File) {
		set(t, f, map[string]any{"A1": "2026年物资清单", "A3": "物资编码", "B3": "库存 Stock", "B4": "数量", "C4": "生产日期",
			"A6": "A001", "B6": 5, "C6": "2026-01-05"})
		for _, m := range [][2]string{{"A1", "C2"}, {"A3", "A4"}, {"B3", "C3"}} {
			if err := f.MergeCell("Sheet1", m[0], m[1]); err != nil {
				t.Fatal(err)
			}
		}
	})
	got := rows(t, open(t, data, tabular.Limits{}))
	want := [][]string{
		{"2026年物资清单", "2026年物资清单", "2026年物资清单"},
		{"2026年物资清单", "2026年物资清单", "2026年物资清单"},
		{"物资编码", "库存 Stock", "库存 Stock"},
		{"物资编码", "数量", "生产日期"},
		{"A001", "5", "2026-01-05"},
	}
	if !reflect.DeepEqual(cells(got), want) || !reflect.DeepEqual(lines(got), []int{1, 2, 3, 4, 6}) {
		t.Fatalf("rows %q lines %v\nwant %q", cells(got), lines(got), want)
	}
	r := open(t, data, tabular.Limits{})
	h, err := tabular.ReadHeader(r, stockCols[:3])
	if err != nil || h.Line != 4 || h.Index["item_code"] != 0 || h.Index["quantity"] != 1 {
		t.Errorf("ReadHeader = %+v, %v; want line 4", h, err)
	}
	if rest := rows(t, r); len(rest) != 1 || rest[0].Line != 6 {
		t.Errorf("rows after the header %+v; want row 6", rest)
	}
}

// TestXLSXFirstVisibleSheetWithData: hidden and empty sheets are passed
// over.
func TestXLSXFirstVisibleSheetWithData(t *testing.T) {
	data := book(t, func(f *excelize.File) {
		for _, s := range []string{"隐藏", "空", "数据"} {
			if _, err := f.NewSheet(s); err != nil {
				t.Fatal(err)
			}
		}
		f.DeleteSheet("Sheet1")
		f.SetCellValue("隐藏", "A1", "secret")
		f.SetCellValue("数据", "B2", "visible")
		f.SetActiveSheet(2)
		if err := f.SetSheetVisible("隐藏", false); err != nil {
			t.Fatal(err)
		}
	})
	if wb := unzipPart(t, data, "xl/workbook.xml"); !bytes.Contains(wb, []byte(`state="hidden"`)) {
		t.Fatalf("the test sheet is not hidden: %s", wb)
	}
	got := rows(t, open(t, data, tabular.Limits{}))
	if len(got) != 1 || got[0].Line != 2 || !reflect.DeepEqual(got[0].Cells, []string{"", "visible"}) {
		t.Fatalf("rows %+v", got)
	}
}

// TestXLSXFormulas: a formula's cached value is read; a formula without
// one refuses the file, naming the cell.
func TestXLSXFormulas(t *testing.T) {
	cached := book(t, func(f *excelize.File) {
		set(t, f, map[string]any{"A1": "数量", "A2": 2, "A3": 3})
		f.SetCellFormula("Sheet1", "A4", "A2+A3")
	})
	// excelize writes no cached value; put one in as Excel would.
	withValue := replacePart(t, cached, "xl/worksheets/sheet1.xml", func(s string) string {
		return strings.Replace(s, "<f>A2+A3</f>", "<f>A2+A3</f><v>5</v>", 1)
	})
	if !bytes.Contains(unzipPart(t, withValue, "xl/worksheets/sheet1.xml"), []byte("<v>5</v>")) {
		t.Fatal("the test file has no cached value")
	}
	got := rows(t, open(t, withValue, tabular.Limits{}))
	if len(got) != 4 || got[3].Cells[0] != "5" {
		t.Errorf("rows %q; want the cached 5 in A4", cells(got))
	}
	code, err := refused(cached, tabular.Limits{})
	if code != "file.formula_without_value" {
		t.Fatalf("formula without value: %v", err)
	}
	if e, _ := apperr.As(err); !strings.Contains(e.ZH, "A4") || !strings.Contains(e.EN, "A4") || !strings.Contains(e.ZH, "Sheet1") {
		t.Errorf("message does not name the cell: %s / %s", e.ZH, e.EN)
	}
}

func TestXLSXZipBomb(t *testing.T) {
	base := book(t, func(f *excelize.File) { set(t, f, map[string]any{"A1": "x"}) })
	// A sheet of 8 MiB of one repeated row compresses about 1000 to 1.
	var huge bytes.Buffer
	huge.WriteString(`<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	for huge.Len() < 8<<20 {
		huge.WriteString(`<row><c t="inlineStr"><is><t>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</t></is></c></row>`)
	}
	huge.WriteString(`</sheetData></worksheet>`)
	bomb := rezip(t, base, map[string]bool{"xl/worksheets/sheet1.xml": true}, func(zw *zip.Writer) {
		part(t, zw, "xl/worksheets/sheet1.xml", huge.Bytes())
	})
	if len(bomb) > 1<<20 {
		t.Fatalf("the bomb is %d bytes; the test wants a small one", len(bomb))
	}
	if code, err := refused(bomb, tabular.Limits{}); code != "file.zip_bomb" {
		t.Errorf("ratio bomb: %v", err)
	}
	if code, err := refused(bomb, tabular.Limits{MaxRatio: 10000, MaxUncompressed: 4 << 20}); code != "file.zip_bomb" {
		t.Errorf("size bomb: %v", err)
	}
	if code, err := refused(bomb, tabular.Limits{MaxRatio: 10000}); code != "" {
		t.Errorf("with the ratio allowed, the file reads: %v", err)
	}
}

// TestXLSXLyingSizes: a part that decompresses to more than its declared
// size is refused, not read to its end.
func TestXLSXLyingSizes(t *testing.T) {
	base := book(t, func(f *excelize.File) { set(t, f, map[string]any{"A1": "x"}) })
	wb := unzipPart(t, base, "xl/workbook.xml")
	big := append(bytes.Clone(wb), bytes.Repeat([]byte(" "), 1<<20)...)
	lying := rezip(t, base, map[string]bool{"xl/workbook.xml": true}, func(zw *zip.Writer) {
		raw := deflate(t, big)
		w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/workbook.xml", Method: zip.Deflate,
			CompressedSize64: uint64(len(raw)), UncompressedSize64: uint64(len(wb)), CRC32: crc(big)})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(raw)
	})
	code, err := refused(lying, tabular.Limits{})
	if code != "file.corrupt" && code != "file.zip_bomb" {
		t.Errorf("lying size: %v", err)
	}
}

func TestXLSXUnsafePaths(t *testing.T) {
	base := book(t, func(f *excelize.File) { set(t, f, map[string]any{"A1": "x"}) })
	for _, name := range []string{"../evil", "xl/../../evil.xml", "/etc/passwd", `xl\worksheets\sheet1.xml`, "C:/evil", "xl/worksheets/sheet1.xml"} {
		t.Run(name, func(t *testing.T) {
			data := rezip(t, base, nil, func(zw *zip.Writer) { part(t, zw, name, []byte("x")) })
			if code, err := refused(data, tabular.Limits{}); code != "file.unsafe_path" {
				t.Errorf("entry %q: %v", name, err)
			}
		})
	}
}

func TestXLSXSharedStringsLimit(t *testing.T) {
	data := book(t, func(f *excelize.File) {
		for i := 1; i <= 200; i++ {
			f.SetCellValue("Sheet1", fmt.Sprintf("A%d", i), fmt.Sprintf("物资名称 %d", i))
		}
	})
	if code, err := refused(data, tabular.Limits{MaxSharedStrings: 1 << 10}); code != "file.shared_strings_too_large" {
		t.Errorf("shared strings over 1 KiB: %v", err)
	}
	if code, err := refused(data, tabular.Limits{}); code != "" {
		t.Errorf("default limits: %v", err)
	}
}

func TestXLSXLimits(t *testing.T) {
	data := book(t, func(f *excelize.File) {
		for i := 1; i <= 20; i++ {
			f.SetCellValue("Sheet1", fmt.Sprintf("A%d", i), i)
		}
		f.SetCellValue("Sheet1", "J3", "wide")
		f.MergeCell("Sheet1", "A25", "XFD25")
		f.SetCellValue("Sheet1", "A25", "merged across the sheet")
	})
	for _, c := range []struct {
		lim  tabular.Limits
		code string
	}{
		{tabular.Limits{MaxRows: 20}, "file.too_many_rows"},
		{tabular.Limits{MaxColumns: 9}, "file.too_many_columns"},
		{tabular.Limits{MaxColumns: 100}, ""}, // the merge across the sheet is cut at the limit
		{tabular.Limits{MaxEntries: 3}, "file.too_many_entries"},
		{tabular.Limits{MaxMergedCells: 0}, ""},
		{tabular.Limits{MaxBytes: 100}, "file.too_large"},
	} {
		if code, err := refused(data, c.lim); code != c.code {
			t.Errorf("%+v: %v; want %q", c.lim, err, c.code)
		}
	}
}

func TestXLSXNotAWorkbook(t *testing.T) {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	part(t, zw, "mimetype", []byte("application/vnd.oasis.opendocument.spreadsheet"))
	zw.Close()
	if code, err := refused(b.Bytes(), tabular.Limits{}); code != "file.not_a_table" {
		t.Errorf("an .ods file: %v", err)
	}
	if code, err := refused([]byte("PK\x03\x04 truncated"), tabular.Limits{}); code != "file.corrupt" {
		t.Errorf("a truncated zip: %v", err)
	}
}

// TestXLSXPartTooLarge: a part other than a sheet (here an image) over
// MaxPart is refused before anything is decompressed.
func TestXLSXPartTooLarge(t *testing.T) {
	base := book(t, func(f *excelize.File) { set(t, f, map[string]any{"A1": "x"}) })
	image := make([]byte, 1<<20)
	rand.NewChaCha8([32]byte{1}).Read(image)
	data := rezip(t, base, nil, func(zw *zip.Writer) { part(t, zw, "xl/media/image1.png", image) })
	if code, err := refused(data, tabular.Limits{MaxPart: 512 << 10}); code != "file.part_too_large" {
		t.Errorf("a 1 MiB image, limit 512 KiB: %v", err)
	}
	if code, err := refused(data, tabular.Limits{}); code != "" {
		t.Errorf("default limits: %v", err)
	}
}
