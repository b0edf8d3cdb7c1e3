package tabular_test

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/tabular"
)

// A CSV file as people send it: a title row above the header, a header
// with both languages and a unit, a thousands separator, a date with
// slashes and full-width digits.
func ExampleReadHeader() {
	data := "2026年期初库存\n物资编码 Item code,数量（件）,生产日期\nA001,\"1,200\",2026/1/5\nA002,３５,20260105\n"
	cols := []tabular.Column{
		{Key: "item_code", ZH: "物资编码", EN: "Item code", Required: true},
		{Key: "quantity", ZH: "数量", EN: "Quantity", Unit: "件", Required: true},
		{Key: "produced", ZH: "生产日期", EN: "Production date"},
	}
	r, err := tabular.Open("期初库存.csv", strings.NewReader(data), int64(len(data)), tabular.Limits{})
	if err != nil {
		panic(err)
	}
	defer r.Close()
	h, err := tabular.ReadHeader(r, cols)
	if err != nil {
		panic(err)
	}
	fmt.Println("header on row", h.Line)
	for {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		n, _ := tabular.Int(h.Cell(row, "quantity"))
		d, _ := tabular.Date(h.Cell(row, "produced"))
		fmt.Println(row.Line, h.Cell(row, "item_code"), n, d)
	}
	// Output:
	// header on row 2
	// 3 A001 1200 2026-01-05
	// 4 A002 35 2026-01-05
}

func ExampleDate() {
	for _, s := range []string{"2026年1月5日", "46027", "2026-02-30"} {
		d, err := tabular.Date(s)
		fmt.Printf("%q %q %v\n", s, d, err)
	}
	// Output:
	// "2026年1月5日" "2026-01-05" <nil>
	// "46027" "2026-01-05" <nil>
	// "2026-02-30" "" "2026-02-30" is not a date (such as 2026-01-05)
}
