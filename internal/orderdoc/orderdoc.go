// Package orderdoc prints dispatch documents as PDF, laid out as a Chinese
// government form: the dispatch order (应急物资调拨单, 调令) and the shipment
// waybill or hand-over note (运输交接单).
//
// A document is A4 portrait with 20 mm margins. The first page opens with an optional
// QR code in the top-left corner, the letter-spaced title centred, the number (编号)
// right-aligned under it, the issuing unit and time, and a two-column grid of header
// facts (事由, 依据, 车辆 …). Then comes the ruled table of lines (序号, 物资名称, 规格,
// 单位, 数量, 批次, 调出, 调入, 备注), whose cells wrap and whose header row is repeated
// at the top of every page; a row is never split across pages. The numbered remarks
// (说明) and the signature boxes follow, the boxes kept together on the last page.
// Every page has the footer "第 i 页 共 N 页", every page after the first a running
// head with the title and number, and, if set, a large diagonal watermark such as
// "已取消". Fonts are embedded (package pdffont), so no fonts need to be installed.
//
//	w.Header().Set("Content-Type", "application/pdf")
//	err := orderdoc.Write(w, orderdoc.Document{Title: "应急物资调拨单", Number: "BJ-DO-000012", …})
package orderdoc

import (
	"fmt"
	"io"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/stockpile-dev/stockpile/internal/pdffont"
)

// Document is one printed document. Strings are printed as given, after control
// characters and runs of white space are turned into single spaces. Empty notes and
// signatures are left out; a field with an empty value prints its caption beside a
// blank cell, to be filled in by hand.
type Document struct {
	Title      string    // e.g. "应急物资调拨单", "应急物资调令", "应急物资运输交接单"
	Number     string    // 编号, shown top right, e.g. "BJ-DO-000012"
	Issuer     string    // 签发单位, e.g. "北京市应急管理局"
	IssuedAt   time.Time // shown in China time as 2026年12月06日 15:04; zero leaves it out
	Fields     []Field   // header facts in a two-column grid: 事由, 依据, 车辆, 驾驶员, 电话, 状态 …
	Lines      []Line    // the table; none prints "（无明细）"
	Notes      []string  // numbered remarks under the table (说明)
	Signatures []string  // signature boxes at the foot, e.g. "签发人", "调出单位（盖章）", "承运人", "接收单位签收"
	Watermark  string    // "" or e.g. "已取消", drawn large, light and diagonal on every page
	// QR is "" or a payload or URL drawn as a QR code (error correction level M) in the
	// top-left corner of the first page. Payloads longer than about 300 bytes make the
	// modules too small to print, and Write fails.
	QR string
}

// Field is one header fact: a caption such as 事由 and its value. A value too long
// for half the width takes a row of the grid to itself.
type Field struct{ Label, Value string }

// Line is one row of the table.
type Line struct {
	No       int    // 序号; 0 prints the line's position, counting from 1
	Item     string // 物资名称
	Spec     string // 规格
	Unit     string // 单位
	Quantity string // already formatted, e.g. "1,200"
	Lots     string // batch/lot codes, may be long: wrap
	From     string // 调出单位/库
	To       string // 调入地点
	Note     string // 备注 (e.g. "已发 20，实收 18，短少 2")
}

// Write renders d as an A4 portrait PDF to w. It fails, writing nothing, if the QR
// payload is too long to print.
func Write(w io.Writer, d Document) error {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetTitle(pdffont.Clean(d.Title+" "+d.Number), true)
	pdf.SetAuthor(pdffont.Clean(d.Issuer), true)
	pdf.SetCreator("stockpile", true)
	pen, err := pdffont.Register(pdf)
	if err != nil {
		return fmt.Errorf("orderdoc: %w", err)
	}
	r, err := newRenderer(pdf, pen, d)
	if err != nil {
		return fmt.Errorf("orderdoc: %w", err)
	}
	r.render(paginate(r.blocks(), r.tableHead()))
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("orderdoc: write pdf: %w", err)
	}
	return nil
}
