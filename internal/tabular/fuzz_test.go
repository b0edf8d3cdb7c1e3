package tabular_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"github.com/stockpile-dev/stockpile/internal/tabular"
)

// fuzzLimits keep a fuzzed file's work small.
var fuzzLimits = tabular.Limits{MaxBytes: 1 << 20, MaxUncompressed: 8 << 20, MaxSharedStrings: 1 << 20, MaxRows: 2000, MaxColumns: 64}

// readFuzzed opens data, reads its header and every row and parses every
// cell every way; nothing may panic, and a failure must be an error.
func readFuzzed(t *testing.T, data []byte) {
	r, err := tabular.Open("fuzz", bytes.NewReader(data), int64(len(data)), fuzzLimits)
	if err != nil {
		return
	}
	defer r.Close()
	h, err := tabular.ReadHeader(r, stockCols)
	if err != nil && h.Index == nil {
		return
	}
	for n := 0; ; n++ {
		row, err := r.Next()
		if errors.Is(err, io.EOF) || err != nil {
			return
		}
		if n > fuzzLimits.MaxRows || len(row.Cells) > fuzzLimits.MaxColumns {
			t.Fatalf("row %d with %d cells passed the limits", n, len(row.Cells))
		}
		for _, c := range row.Cells {
			tabular.Number(c)
			tabular.Int(c)
			tabular.Date(c)
			tabular.Bool(c)
			tabular.Point(c, "")
			tabular.ParseCRS(c)
		}
	}
}

func FuzzCSV(f *testing.F) {
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String(chineseCSV)
	utf16, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(chineseCSV)
	for _, s := range []string{chineseCSV, gbk, utf16, "\ufeff" + chineseCSV, "a;b;c\n1;2;3\n", "a\tb\n\"x\ny\"\t2\n",
		"a,b\n\"unterminated\n", "a,\"b\"c\n", "\xff\xfe\x00", "46027,2026/1/5,39.9°N\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(readFuzzed)
}

// fuzzBase is a workbook whose sheet and shared strings FuzzXLSX
// replaces.
func fuzzBase(f *testing.F) []byte {
	return book(f, func(x *excelize.File) {
		set(f, x, map[string]any{"A1": "物资编码", "B1": "数量", "A2": "A001", "B2": 12})
	})
}

// FuzzXLSX puts fuzzed XML in the sheet and the shared-string table of a
// sound workbook, so that the XML readers (excelize's and the scan for
// formulas and merged cells) meet it, not the zip checksum.
func FuzzXLSX(f *testing.F) {
	base := fuzzBase(f)
	f.Add(unzipPart(f, base, "xl/worksheets/sheet1.xml"), unzipPart(f, base, "xl/sharedStrings.xml"))
	f.Add([]byte(`<worksheet><sheetData><row r="3"><c r="A3" t="s"><v>0</v></c><c r="B3"><f>1+1</f></c></row>`+
		`<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>`+
		`<mergeCells><mergeCell ref="A1:XFD3"/><mergeCell ref="B2:A1"/></mergeCells></worksheet>`),
		[]byte(`<sst><si><t>物资编码</t></si><si><r><t>富</t></r><r><t>文本</t></r></si></sst>`))
	f.Fuzz(func(t *testing.T, sheet, sst []byte) {
		data := rezip(t, base, map[string]bool{"xl/worksheets/sheet1.xml": true, "xl/sharedStrings.xml": true}, func(zw *zip.Writer) {
			part(t, zw, "xl/worksheets/sheet1.xml", sheet)
			part(t, zw, "xl/sharedStrings.xml", sst)
		})
		readFuzzed(t, data)
	})
}

// FuzzXLSXArchive fuzzes whole files: the zip directory checks.
func FuzzXLSXArchive(f *testing.F) {
	f.Add(fuzzBase(f))
	f.Add(book(f, func(x *excelize.File) {
		set(f, x, map[string]any{"A1": "标题", "A3": "物资编码", "A4": "x"})
		x.MergeCell("Sheet1", "A1", "C2")
		x.SetCellFormula("Sheet1", "B4", "1+1")
	}))
	var b bytes.Buffer
	tabular.Template(&b, tabular.XLSX, "模板", stockCols)
	f.Add(b.Bytes())
	f.Fuzz(readFuzzed)
}
