package orderdoc_test

import (
	"bytes"
	"fmt"
	"log"
	"time"

	"github.com/stockpile-dev/stockpile/internal/cst"
	"github.com/stockpile-dev/stockpile/internal/orderdoc"
)

func ExampleWrite() {
	d := orderdoc.Document{
		Title:    "应急物资调拨单",
		Number:   "BJ-DO-000012",
		Issuer:   "北京市应急管理局",
		IssuedAt: time.Date(2026, 12, 6, 15, 4, 0, 0, cst.Zone),
		Fields: []orderdoc.Field{
			{Label: "事由", Value: "门头沟区暴雨转移安置群众急需生活类物资"},
			{Label: "车辆", Value: "京A·12345"},
			{Label: "驾驶员", Value: "李强"},
		},
		Lines: []orderdoc.Line{{
			No: 1, Item: "帐篷 3×4m Tent", Spec: "12 m²", Unit: "顶", Quantity: "1,200",
			Lots: "B2026-07-0001, B2026-07-0002", From: "通州储备库", To: "奥林匹克公园安置点",
		}},
		Notes:      []string{"接收单位核对无误后签收。"},
		Signatures: []string{"签发人", "调出单位（盖章）", "承运人", "接收单位签收"},
		QR:         "https://stockpile.example/dispatch/BJ-DO-000012",
	}
	var pdf bytes.Buffer // an http.ResponseWriter or an *os.File in real use
	if err := orderdoc.Write(&pdf, d); err != nil {
		log.Fatal(err)
	}
	fmt.Println(bytes.HasPrefix(pdf.Bytes(), []byte("%PDF-")))
	// Output: true
}
