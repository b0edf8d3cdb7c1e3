package report_test

import (
	"bytes"
	"fmt"

	"github.com/xuri/excelize/v2"

	"github.com/stockpile-dev/stockpile/internal/readiness"
	"github.com/stockpile-dev/stockpile/internal/report"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

func ExampleAssessment() {
	as := readiness.Assessment{
		Scenario: readiness.Scenario{Code: "flood-fs", NameZH: "房山暴雨洪涝"},
		Items: []readiness.ItemView{{Item: "TENT-12", NameZH: "12平方米单帐篷", UnitZH: "顶",
			Required: stock.Units(7500), Held: stock.Units(6000), Coverage: 0.8}},
	}
	f, err := report.Assessment(as)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	var buf bytes.Buffer
	if err := report.Write(&buf, f); err != nil {
		fmt.Println(err)
		return
	}

	// Read it back as a spreadsheet user would see it.
	back, err := excelize.OpenReader(&buf)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer back.Close()
	fmt.Println(back.GetSheetList())
	for _, cell := range []string{"F1", "F2", "J2", "K2", "A1"} {
		v, _ := back.GetCellValue("物资", cell)
		fmt.Printf("%s: %s\n", cell, v)
	}
	v, _ := back.GetCellValue("轮换", "A2")
	fmt.Println("轮换 A2:", v)
	// Output:
	// [概览 物资 分级 区域 采购清单 轮换]
	// F1: 需求 Required
	// F2: 7,500
	// J2: 6,000
	// K2: 80.0%
	// A1: 物资编码 Item
	// 轮换 A2: 无 None
}
