package ops

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/cst"
	"github.com/stockpile-dev/stockpile/internal/orderdoc"
	"github.com/stockpile-dev/stockpile/internal/shipment"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/transfer"
)

// The printed documents (调令、调拨单、运输交接单): what the order or the
// shipment says, in the formal layout of package orderdoc, with names
// rather than codes and a QR code that leads back to the record.

// namer looks up the names a document prints, once each.
type namer struct {
	s      *Service
	ctx    context.Context
	depots map[string]string
	items  map[string][3]string // name, unit, spec
}

func (s *Service) namer(ctx context.Context) *namer {
	return &namer{s: s, ctx: ctx, depots: map[string]string{}, items: map[string][3]string{}}
}

func (n *namer) depot(code string) string {
	if name, ok := n.depots[code]; ok {
		return name
	}
	name := code
	if d, err := n.s.store.Depot(n.ctx, code); err == nil {
		name = d.NameZH
	}
	n.depots[code] = name
	return name
}

func (n *namer) item(code string) (name, unit, spec string) {
	x, ok := n.items[code]
	if !ok {
		x = [3]string{code, "", ""}
		if it, err := n.s.store.Item(n.ctx, code); err == nil {
			x = [3]string{it.NameZH, it.UnitZH, it.Spec}
		}
		n.items[code] = x
	}
	return x[0], x[1], x[2]
}

// sign names the city's bureau as the document's issuer, when there is
// one, and marks a cancelled document 已取消 on every page.
func (s *Service) sign(ctx context.Context, d *orderdoc.Document, cancelled bool) {
	if b, err := s.store.CityBureau(ctx); err == nil {
		d.Issuer = b.NameZH
	}
	if cancelled {
		d.Watermark = "已取消"
	}
}

// docNumber is a document's number in the form bureaus use: 调〔2026〕12号.
func docNumber(prefix string, at int64, id int64) string {
	return fmt.Sprintf("%s〔%d〕%d号", prefix, time.Unix(at, 0).In(cst.Zone).Year(), id)
}

// OrderDocument is the printable dispatch order (调令) or transfer order
// (调拨单) id; link is where its QR code leads.
func (s *Service) OrderDocument(ctx context.Context, who access.Actor, id int64, link string) (orderdoc.Document, error) {
	if err := who.Allow(access.DispatchRead); err != nil {
		return orderdoc.Document{}, err
	}
	o, err := s.store.TransferOrder(ctx, id)
	if err != nil {
		return orderdoc.Document{}, err
	}
	n := s.namer(ctx)
	d := orderdoc.Document{Title: "应急物资调拨单", Number: docNumber("调", o.CreatedAt, o.ID),
		IssuedAt: time.Unix(o.CreatedAt, 0), QR: link,
		Fields: []orderdoc.Field{{Label: "事由", Value: o.Reason}, {Label: "状态", Value: orderStatusZH[o.Status]},
			{Label: "下达人", Value: s.store.PersonName(ctx, o.CreatedBy)}},
		Notes: []string{"调出单位凭本单出库，按批次装车；到达后由接收单位清点签收，损坏、短少如实注明。",
			"本单数量为调拨数量；运输和签收情况以系统中的运单和签收记录为准。"},
		Signatures: []string{"签发人", "调出单位（盖章）", "承运人", "接收单位签收"}}
	if o.Kind == transfer.KindDispatch {
		d.Title = "应急物资调令"
		d.Fields = append(d.Fields, orderdoc.Field{Label: "依据", Value: fmt.Sprintf("调度方案 #%d", o.PlanID)})
	}
	s.sign(ctx, &d, o.Status == transfer.StatusCancelled)
	for _, l := range o.Lines {
		name, unit, spec := n.item(l.Item)
		var lots, note []string
		var shipped stock.Quantity
		for _, lq := range l.Lots {
			lots = append(lots, lq.Lot)
			shipped += lq.Shipped
		}
		if shipped > 0 {
			note = append(note, "已发运 "+shipped.String())
		}
		d.Lines = append(d.Lines, orderdoc.Line{Item: name, Spec: spec, Unit: unit, Quantity: l.Quantity.String(),
			Lots: strings.Join(lots, " "), From: n.depot(l.From), To: n.depot(l.To), Note: strings.Join(note, "，")})
	}
	return d, nil
}

var orderStatusZH = map[transfer.Status]string{transfer.StatusOrdered: "已下达，待发运",
	transfer.StatusExecuted: "已全部发运", transfer.StatusCancelled: "已取消"}

// WaybillDocument is the printable hand-over note (运输交接单) of shipment
// id: what was loaded and, once received, what arrived.
func (s *Service) WaybillDocument(ctx context.Context, who access.Actor, id int64, link string) (orderdoc.Document, error) {
	if err := who.Allow(access.DispatchRead); err != nil {
		return orderdoc.Document{}, err
	}
	sh, err := s.store.Shipment(ctx, id)
	if err != nil {
		return orderdoc.Document{}, err
	}
	o, err := s.store.TransferOrder(ctx, sh.OrderID)
	if err != nil {
		return orderdoc.Document{}, err
	}
	n := s.namer(ctx)
	d := orderdoc.Document{Title: "应急物资运输交接单", Number: docNumber("运", sh.CreatedAt, sh.ID),
		IssuedAt: time.Unix(sh.CreatedAt, 0), QR: link,
		Fields: []orderdoc.Field{{Label: "调拨单", Value: docNumber("调", o.CreatedAt, o.ID)},
			{Label: "状态", Value: sh.Status.NameZH()}, {Label: "车辆", Value: sh.Vehicle}, {Label: "驾驶员", Value: sh.Driver},
			{Label: "联系电话", Value: sh.Phone}, {Label: "发车时间", Value: clock(sh.DepartedAt)},
			{Label: "调出", Value: n.depot(sh.From)}, {Label: "送达", Value: n.depot(sh.To)}},
		Notes:      []string{"装车时由调出单位和承运人逐批次核对；到达后接收单位清点，实收、损坏、短少分别填写。"},
		Signatures: []string{"调出单位经办人", "承运人", "接收单位签收人"}}
	s.sign(ctx, &d, sh.Status == shipment.StatusCancelled)
	for _, l := range sh.Lines {
		name, unit, spec := n.item(l.Item)
		d.Lines = append(d.Lines, orderdoc.Line{No: l.N, Item: name, Spec: spec, Unit: unit, Quantity: l.Quantity.String(),
			Lots: l.Lot, From: n.depot(sh.From), To: n.depot(sh.To), Note: receivedNote(l)})
	}
	return d, nil
}

// receivedNote says what became of a line at receipt, as the note column
// of the hand-over note; empty before anything was received.
func receivedNote(l shipment.Line) string {
	if l.Received+l.Damaged+l.Missing == 0 {
		return ""
	}
	parts := []string{"实收 " + l.Received.String()}
	if l.Damaged > 0 {
		parts = append(parts, "损坏 "+l.Damaged.String())
	}
	if l.Missing > 0 {
		parts = append(parts, "短少 "+l.Missing.String())
	}
	if open := l.Open(); open > 0 {
		parts = append(parts, "在途 "+open.String())
	}
	return strings.Join(parts, "，")
}

// clock writes a unix time as China time, "" for zero.
func clock(at int64) string {
	if at == 0 {
		return ""
	}
	return time.Unix(at, 0).In(cst.Zone).Format("2006-01-02 15:04")
}
