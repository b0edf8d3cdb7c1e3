// Package transfer is the transfer order (调拨单): an order to move stock
// from one depot to another, such as moving supplies forward before a
// forecast disaster (应急物资前置, BRIEF C9).
//
// An order is created with its units reserved at the source depots, so no
// plan or other order can take them; executing it releases the reservation
// and posts the transfer in one ledger posting; cancelling it releases the
// reservation. Like a dispatch plan's, each step is a ledger posting, so the
// ledger tells who ordered, moved or cancelled what.
package transfer

import (
	"fmt"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// Status is where a transfer order is in its life.
type Status string

const (
	StatusOrdered   Status = "ordered"   // units reserved at the sources
	StatusExecuted  Status = "executed"  // units moved to the destinations
	StatusCancelled Status = "cancelled" // reservation released
)

// Kind is what an order moves stock for.
type Kind string

const (
	// KindTransfer moves stock between depots (调拨单): pre-positioning,
	// rebalancing, replenishment.
	KindTransfer Kind = "transfer"
	// KindDispatch sends stock to an incident's sites (调令), made when a
	// dispatch plan is executed.
	KindDispatch Kind = "dispatch"
)

// Order is a transfer order: lines of stock to move between depots, or
// from depots to incident sites.
type Order struct {
	ID     int64  `json:"id"`
	Status Status `json:"status"`
	Kind   Kind   `json:"kind"`
	// PlanID is the dispatch plan a dispatch order carries out.
	PlanID int64 `json:"plan_id,omitempty"`
	// Reason says why, in words a warehouse keeper reads on the order,
	// e.g. "前置:房山区暴雨红色预警".
	Reason string `json:"reason"`
	// Origin names what produced the order, e.g. "preposition:3".
	Origin    string `json:"origin,omitempty"`
	CreatedBy string `json:"created_by"`
	CreatedAt int64  `json:"created_at"` // unix seconds
	// PostingID is the ledger posting of the last step.
	PostingID int64  `json:"posting_id,omitempty"`
	Lines     []Line `json:"lines"`
}

// Line moves a quantity of one item from one depot to another; Lots names
// the source lots (FEFO when the order was made) and how much of each.
type Line struct {
	From     string         `json:"from"`
	To       string         `json:"to"`
	Item     string         `json:"item"`
	Quantity stock.Quantity `json:"quantity"`
	Lots     []LotQuantity  `json:"lots"`
}

// LotQuantity is the part of a line taken from one lot.
type LotQuantity struct {
	Lot      string         `json:"lot"`
	Quantity stock.Quantity `json:"quantity"`
	// Shipped is how much of it has left the source, on shipments or by
	// executing the order; the rest stays reserved there.
	Shipped stock.Quantity `json:"shipped"`
	// LineID is the stored order line (one per lot), which shipments
	// name; PlanLine the dispatch plan line it carries out, if any.
	LineID   int64 `json:"line_id,omitempty"`
	PlanLine int64 `json:"plan_line,omitempty"`
}

// Left is what is still to ship: reserved at the source.
func (lq LotQuantity) Left() stock.Quantity { return lq.Quantity - lq.Shipped }

// Sources lists the source depots of the order's lines: the places a
// person must reach to order or cancel it.
func (o Order) Sources() []string {
	var out []string
	for _, l := range o.Lines {
		out = append(out, l.From)
	}
	return out
}

// Ends lists the sources and destinations of the order's lines: executing
// it is for a person at either end.
func (o Order) Ends() []string {
	var out []string
	for _, l := range o.Lines {
		out = append(out, l.From, l.To)
	}
	return out
}

// Left is what of the whole order is still to ship.
func (o Order) Left() stock.Quantity {
	var n stock.Quantity
	for _, l := range o.Lines {
		for _, lq := range l.Lots {
			n += lq.Left()
		}
	}
	return n
}

// Validate checks an order before it is stored: every line names two
// different depots, an item, and lots that add up to its quantity.
func (o Order) Validate() error {
	if strings.TrimSpace(o.CreatedBy) == "" {
		return apperr.Required("created_by", "下单人", "who orders the transfer")
	}
	if len(o.Lines) == 0 {
		return apperr.New(apperr.Invalid, "transfer.empty", "调拨单没有明细", "the transfer order has no lines").
			WithField("lines")
	}
	for i, l := range o.Lines {
		if err := l.validate(); err != nil {
			if e, ok := apperr.As(err); ok {
				return e.WithField(fmt.Sprintf("lines[%d].%s", i, e.Field))
			}
			return err
		}
	}
	return nil
}

func (l Line) validate() error {
	switch {
	case l.From == "":
		return apperr.Required("from", "调出库", "source depot")
	case l.To == "":
		return apperr.Required("to", "调入库", "destination depot")
	case l.From == l.To:
		return apperr.New(apperr.Invalid, "transfer.same_depot", "调出库与调入库相同（%s）",
			"source and destination are the same depot (%s)", l.From).WithField("to")
	case l.Item == "":
		return apperr.Required("item", "物资", "item")
	case l.Quantity <= 0:
		return apperr.New(apperr.Invalid, "transfer.quantity", "调拨数量须大于 0", "the quantity must be above 0").
			WithField("quantity")
	}
	if err := l.Quantity.CheckRange(); err != nil {
		return err
	}
	var sum stock.Quantity
	for j, lq := range l.Lots {
		if lq.Lot == "" || lq.Quantity <= 0 {
			return apperr.New(apperr.Invalid, "transfer.lot", "批次须有编号和大于 0 的数量",
				"each lot needs a code and a quantity above 0").WithField("lots")
		}
		if err := lq.Quantity.CheckRange(); err != nil {
			return apperr.Within(fmt.Sprintf("lots[%d]", j), err)
		}
		sum += lq.Quantity // an int64 holds 9 million lots at MaxQuantity, far more than a request can carry
	}
	if sum != l.Quantity {
		return apperr.New(apperr.Invalid, "transfer.lots_sum", "各批次数量之和 %s 不等于调拨数量 %s",
			"the lots add up to %s, not the line's %s", sum.String(), l.Quantity.String()).WithField("lots")
	}
	return nil
}

// Reserve returns the posting that sets a new order's units aside.
func (o Order) Reserve() stock.Posting {
	return o.posting("下达调拨单", "ordered", stock.KindReserve)
}

// Execute returns the posting that carries out an ordered transfer at
// once, without shipments: the reservation of what is still to ship is
// released and those units move to the destinations, in one posting.
func (o Order) Execute(actor string) (stock.Posting, error) {
	if err := o.expect("execute", "执行"); err != nil {
		return stock.Posting{}, err
	}
	p := o.posting("执行调拨单", string(StatusExecuted), stock.KindRelease, stock.KindTransfer)
	p.Actor = actor
	return p, nil
}

// Cancel returns the posting that releases what of an ordered transfer
// is still to ship; shipments on the road go on.
func (o Order) Cancel(actor string) (stock.Posting, error) {
	if err := o.expect("cancel", "取消"); err != nil {
		return stock.Posting{}, err
	}
	p := o.posting("取消调拨单", string(StatusCancelled), stock.KindRelease)
	p.Actor = actor
	return p, nil
}

func (o Order) expect(verbEN, verbZH string) error {
	if o.Status == StatusOrdered && o.Left() > 0 {
		return nil
	}
	return apperr.New(apperr.Conflict, "transfer.status",
		"调拨单 #%[1]d 当前状态为 %[2]s，不能%[3]s", "transfer order #%[1]d is %[2]s: it cannot %[4]s",
		o.ID, string(o.Status), verbZH, verbEN).WithField("status")
}

// posting builds one posting with, per lot of every line with units left
// to ship, one ledger line of each kind. Its idempotency key ties it to
// the order and step, so a step retried after a lost reply is not posted
// twice.
func (o Order) posting(reason, step string, kinds ...stock.Kind) stock.Posting {
	p := stock.Posting{Actor: o.CreatedBy, Reason: fmt.Sprintf("%s #%d %s", reason, o.ID, o.Reason),
		IdempotencyKey: fmt.Sprintf("transfer-%d-%s", o.ID, step)}
	for _, l := range o.Lines {
		for _, lq := range l.Lots {
			if lq.Left() <= 0 {
				continue
			}
			for _, k := range kinds {
				sl := stock.Line{Kind: k, Depot: l.From, Item: l.Item, Lot: lq.Lot, Quantity: lq.Left()}
				if k == stock.KindTransfer {
					sl.ToDepot = l.To
				}
				p.Lines = append(p.Lines, sl)
			}
		}
	}
	return p
}
