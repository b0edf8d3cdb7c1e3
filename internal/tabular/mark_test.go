package tabular_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/stockpile-dev/stockpile/internal/tabular"
)

// TestMarkProblems: the marked copy keeps the rows at their row numbers,
// fills and comments the bad cells, adds the reasons at the end of each bad
// row, and lists every problem on a second sheet.
func TestMarkProblems(t *testing.T) {
	src := []byte("储备清单\r\n物资编码,数量（件）\r\nA001,5\r\nA002,五\r\n\r\nA003,-1\r\n")
	h, err := tabular.ReadHeader(open(t, src, tabular.Limits{}), stockCols[:2])
	if err != nil {
		t.Fatal(err)
	}
	problems := []tabular.Problem{
		{Line: 4, Column: "quantity", Value: "五", Code: "cell.not_a_number", ZH: "「五」不是数字", EN: `"五" is not a number`},
		{Line: 6, Column: "quantity", Value: "-1", Code: "stock.negative", ZH: "数量不能为负", EN: "the quantity is negative"},
		{Line: 6, Code: "item.unknown", ZH: "没有物资 A003", EN: "no item A003"},
	}
	var b bytes.Buffer
	if err := tabular.MarkProblems(&b, open(t, src, tabular.Limits{}), h, problems); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{"数据 Data", "问题 Problems"}) {
		t.Fatalf("sheets %q", got)
	}
	data, _ := f.GetRows("数据 Data")
	want := [][]string{
		{"储备清单"},
		{"物资编码", "数量（件）", "问题 Problems"},
		{"A001", "5"},
		{"A002", "五", "「五」不是数字\n\"五\" is not a number"},
		nil,
		{"A003", "-1", "数量不能为负\nthe quantity is negative\n没有物资 A003\nno item A003"},
	}
	if !reflect.DeepEqual(data, want) {
		t.Errorf("data sheet %q\nwant %q", data, want)
	}
	for cell, bad := range map[string]bool{"B4": true, "B6": true, "A4": false, "B3": false} {
		id, _ := f.GetCellStyle("数据 Data", cell)
		st, _ := f.GetStyle(id)
		red := st != nil && len(st.Fill.Color) > 0 && st.Fill.Color[0] == "FFC7CE"
		if red != bad {
			t.Errorf("%s filled red: %v; want %v", cell, red, bad)
		}
	}
	comments, err := f.GetComments("数据 Data")
	if err != nil || len(comments) != 2 {
		t.Fatalf("comments %+v, %v", comments, err)
	}
	var texts []string
	for _, c := range comments {
		texts = append(texts, c.Cell+": "+c.Text)
	}
	if all := strings.Join(texts, "|"); !strings.Contains(all, "B4: 「五」不是数字") || !strings.Contains(all, "B6: 数量不能为负") {
		t.Errorf("comments %q", texts)
	}
	list, _ := f.GetRows("问题 Problems")
	if len(list) != 4 || !reflect.DeepEqual(list[1], []string{"4", "数量（件）", "五", "cell.not_a_number", "「五」不是数字", `"五" is not a number`}) ||
		list[3][1] != "" || list[3][3] != "item.unknown" {
		t.Errorf("problems sheet %q", list)
	}
}
