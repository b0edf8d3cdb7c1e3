package tabular_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/stockpile-dev/stockpile/internal/tabular"
)

// TestWriterRoundTrip: a table written in either format reads back, its
// header matched and its cells as written, formula-like text included.
func TestWriterRoundTrip(t *testing.T) {
	rowsIn := [][]any{
		{"A001", 120, "2026-01-05", "市级 City"},
		{"=HYPERLINK(\"http://evil.example\")", int64(-2), time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), nil},
		{"棉帐篷\n（大）", 1.5, true, "区级"},
	}
	want := [][]string{
		{"A001", "120", "2026-01-05", "市级 City"},
		{"=HYPERLINK(\"http://evil.example\")", "-2", "2026-01-05"}, // trailing empty cells are dropped
		{"棉帐篷\n（大）", "1.5", "是", "区级"},
	}
	for _, f := range []tabular.Format{tabular.CSV, tabular.XLSX} {
		t.Run(string(f), func(t *testing.T) {
			var b bytes.Buffer
			w, err := tabular.NewWriter(&b, f, "库存 Stock", stockCols)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rowsIn {
				if err := w.Row(r...); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if f == tabular.CSV && !bytes.HasPrefix(b.Bytes(), []byte("\ufeff物资编码 Item code,数量 Quantity（件）")) {
				t.Errorf("CSV starts %q", b.String()[:40])
			}
			r := open(t, b.Bytes(), tabular.Limits{})
			h, err := tabular.ReadHeader(r, stockCols)
			if err != nil || h.Line != 1 || len(h.Index) != len(stockCols) || len(h.Unknown) != 0 {
				t.Fatalf("ReadHeader = %+v, %v", h, err)
			}
			got := cells(rows(t, r))
			if f == tabular.XLSX {
				got[1][2], _ = tabular.Date(got[1][2]) // a date cell reads as its serial
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("rows %q\nwant %q", got, want)
			}
			if f == tabular.CSV && !strings.Contains(b.String(), "\"'=HYPERLINK(") {
				t.Errorf("the formula-like text was not neutralised:\n%s", b.String())
			}
		})
	}
}

func TestWriterRefusesOtherValues(t *testing.T) {
	for _, f := range []tabular.Format{tabular.CSV, tabular.XLSX} {
		w, err := tabular.NewWriter(&bytes.Buffer{}, f, "x", stockCols)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Row(struct{}{}); err == nil {
			t.Errorf("%s: a struct was written", f)
		}
		w.Close()
	}
	if _, err := tabular.NewWriter(&bytes.Buffer{}, "ods", "x", stockCols); err == nil {
		t.Error("an unknown format was accepted")
	}
}

// TestReadHeaderForms: the header cells people and our own files write.
func TestReadHeaderForms(t *testing.T) {
	for _, cell := range []string{"物资编码", "物资编码* Item code（件）", "物资编码\nItem code", "Item code", "item_code", "ITEM CODE",
		"物资编码(件)", " 物资编码 ", "物资编码*", "Ｉｔｅｍ ｃｏｄｅ", "物资编码【件】"} {
		data := "储备清单\r\n" + `"` + cell + `",数量` + "\r\nA001,5\r\n"
		h, err := tabular.ReadHeader(open(t, []byte(data), tabular.Limits{}), stockCols[:2])
		if err != nil || h.Line != 2 || h.Index["item_code"] != 0 || h.Index["quantity"] != 1 {
			t.Errorf("header %q: %+v, %v", cell, h, err)
		}
	}
	// Only some columns named: ReadHeader reads the first data row to be
	// sure, and the reader hands it out again.
	r := open(t, []byte("标题\n物资编码,备注\nA001,x\nA002,y\n"), tabular.Limits{})
	h, err := tabular.ReadHeader(r, []tabular.Column{stockCols[0], stockCols[2]})
	if err != nil || h.Line != 2 || len(h.Index) != 1 || !reflect.DeepEqual(h.Unknown, []string{"备注"}) {
		t.Errorf("ReadHeader = %+v, %v", h, err)
	}
	if got := lines(rows(t, r)); !reflect.DeepEqual(got, []int{3, 4}) {
		t.Errorf("rows after the header on lines %v; want [3 4]", got)
	}
	_, err = tabular.ReadHeader(open(t, []byte("编码,数量\nA001,5\n"), tabular.Limits{}), stockCols[:2])
	if e, ok := asErr(err); !ok || e.Code != "import.column_missing" || e.Field != "item_code" {
		t.Errorf("missing column: %v", err)
	}
	// A header people use for the column in their own files.
	aliased := append([]tabular.Column{}, stockCols[:2]...)
	aliased[0].Aliases = []string{"编码", "物资代码"}
	h, err = tabular.ReadHeader(open(t, []byte("编码,数量\nA001,5\n"), tabular.Limits{}), aliased)
	if err != nil || h.Index["item_code"] != 0 {
		t.Errorf("header by alias: %+v, %v", h, err)
	}
}

// TestTemplate: the xlsx template reads back with every column and no data
// row; choices become drop-down lists, a long list on a hidden sheet; the
// notes sheet holds the example row.
func TestTemplate(t *testing.T) {
	cols := append([]tabular.Column{}, stockCols...)
	var many []tabular.Choice
	for _, name := range strings.Split("东城区 西城区 朝阳区 海淀区 丰台区 石景山区 门头沟区 房山区 通州区 顺义区 昌平区 大兴区 怀柔区 平谷区 密云区 延庆区", " ") {
		many = append(many, tabular.Choice{Value: name, ZH: name, EN: "District of Beijing, " + name})
	}
	cols = append(cols, tabular.Column{Key: "district", ZH: "区", EN: "District", Choices: many})
	var b bytes.Buffer
	if err := tabular.Template(&b, tabular.XLSX, "库存导入 Stock import", cols); err != nil {
		t.Fatal(err)
	}
	r := open(t, b.Bytes(), tabular.Limits{})
	h, err := tabular.ReadHeader(r, cols)
	if err != nil || len(h.Index) != len(cols) || h.Line != 1 {
		t.Fatalf("ReadHeader(template) = %+v, %v", h, err)
	}
	if rest := rows(t, r); len(rest) != 0 {
		t.Errorf("the template has data rows: %q", cells(rest))
	}
	f, err := excelize.OpenReader(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{"库存导入 Stock import", "说明 Notes", "选项 Lists"}) {
		t.Errorf("sheets %q", got)
	}
	if v, _ := f.GetSheetVisible("选项 Lists"); v {
		t.Error("the lists sheet is visible")
	}
	head, _ := f.GetCellValue("库存导入 Stock import", "B1")
	if head != "数量*\nQuantity（件）" {
		t.Errorf("header B1 = %q", head)
	}
	dvs, err := f.GetDataValidations("库存导入 Stock import")
	if err != nil || len(dvs) != 2 {
		t.Fatalf("data validations %d, %v", len(dvs), err)
	}
	formulas := dvs[0].Formula1 + " | " + dvs[1].Formula1
	if !strings.Contains(formulas, "市级 City,区级 District") || !strings.Contains(formulas, "'选项 Lists'!$A$1:$A$16") {
		t.Errorf("drop-down lists %s", formulas)
	}
	example, _ := f.GetRows("说明 Notes")
	if len(example) < 6 || !reflect.DeepEqual(example[5][:3], []string{"A001", "120", "2026-01-05"}) {
		t.Errorf("notes sheet rows %q", example)
	}
}

func TestTemplateCSV(t *testing.T) {
	var b bytes.Buffer
	if err := tabular.Template(&b, tabular.CSV, "x", stockCols); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), "\ufeff物资编码* Item code,数量* Quantity（件）,生产日期 Production date,储备级别 Level\r\n") {
		t.Errorf("CSV template %q", b.String())
	}
	h, err := tabular.ReadHeader(open(t, b.Bytes(), tabular.Limits{}), stockCols)
	if err != nil || len(h.Index) != len(stockCols) {
		t.Errorf("ReadHeader = %+v, %v", h, err)
	}
}
