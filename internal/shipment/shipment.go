// Package shipment is a shipment (运输/发运) of a dispatch or transfer
// order: one vehicle's load from one source depot to one destination (a
// depot or an incident site's temporary store, 现场库), followed from
// loading to signed receipt (签收).
//
// Stock on the road is in a ledger location of its own, one per shipment,
// so that it is never lost between two balances nor counted twice:
// departure moves the loaded lots from the source (releasing the order's
// reservation) into the shipment's location; a receipt moves what arrived
// on to the destination and writes off, with a reason, what arrived
// damaged or not at all. Every step is decided here as a [Transition] that
// the store applies in one transaction.
package shipment

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// Status is where a shipment is in its life.
type Status string

const (
	StatusPlanned   Status = "planned"    // 待装车: created with its load
	StatusLoading   Status = "loading"    // 装车中: being loaded at the source
	StatusInTransit Status = "in_transit" // 在途: left the source, stock on the road
	StatusDelivered Status = "delivered"  // 已送达: arrived, not all received yet
	StatusReceived  Status = "received"   // 已签收: every unit received or accounted for
	StatusCancelled Status = "cancelled"  // 已取消: before departure; the load stays reserved for the order
)

// Statuses lists the statuses in the order of a shipment's life.
var Statuses = []Status{StatusPlanned, StatusLoading, StatusInTransit, StatusDelivered, StatusReceived, StatusCancelled}

// NameZH names a status in Chinese.
func (s Status) NameZH() string {
	return map[Status]string{StatusPlanned: "待装车", StatusLoading: "装车中", StatusInTransit: "在途",
		StatusDelivered: "已送达", StatusReceived: "已签收", StatusCancelled: "已取消"}[s]
}

// Shipment is one vehicle's load from one source to one destination.
type Shipment struct {
	ID      int64  `json:"id"`
	OrderID int64  `json:"order_id"`
	From    string `json:"from"` // source depot code
	To      string `json:"to"`   // destination: a depot or a site location
	// Location is the ledger location of the stock on the road.
	Location string `json:"location"`
	Status   Status `json:"status"`
	Vehicle  string `json:"vehicle"` // plate number, free text until a fleet registry exists
	Driver   string `json:"driver"`
	Phone    string `json:"phone"`
	Note     string `json:"note,omitempty"`

	CreatedBy   string `json:"created_by"`
	CreatedAt   int64  `json:"created_at"`
	DepartedAt  int64  `json:"departed_at,omitempty"`
	DeliveredAt int64  `json:"delivered_at,omitempty"`
	ReceivedAt  int64  `json:"received_at,omitempty"`
	PostingID   int64  `json:"posting_id,omitempty"` // the ledger posting of the last step that moved stock
	Version     int64  `json:"version"`
	// IdempotencyKey, when given, stores a retried arrangement once.
	IdempotencyKey string `json:"idempotency_key,omitempty"`
	Lines          []Line `json:"lines"`
}

// Line is one lot on a shipment, and what became of it at receipt.
type Line struct {
	N         int            `json:"n"`
	OrderLine int64          `json:"order_line"` // the order's line (lot) it ships
	Item      string         `json:"item"`
	Lot       string         `json:"lot"`
	Quantity  stock.Quantity `json:"quantity"`
	Received  stock.Quantity `json:"received"`
	Damaged   stock.Quantity `json:"damaged"`
	Missing   stock.Quantity `json:"missing"`
}

// Open is what of a line is still on the road: neither received nor
// written off as damaged or missing.
func (l Line) Open() stock.Quantity { return l.Quantity - l.Received - l.Damaged - l.Missing }

// Open is what of the whole shipment is still on the road.
func (s Shipment) Open() stock.Quantity {
	var n stock.Quantity
	for _, l := range s.Lines {
		n += l.Open()
	}
	return n
}

// Free-text limits: a plate, a name and a phone number fit in far less.
const (
	maxField = 100
	maxNote  = 1000
)

// Validate checks a new shipment before it is stored: a load of at least
// one lot, each with a quantity above 0, and the free fields in bounds.
func (s Shipment) Validate() error {
	for _, f := range []struct {
		name, zh, value string
		max             int
	}{{"vehicle", "车辆", s.Vehicle, maxField}, {"driver", "驾驶员", s.Driver, maxField},
		{"phone", "联系电话", s.Phone, maxField}, {"note", "备注", s.Note, maxNote}} {
		if err := checkText(f.name, f.zh, f.value, f.max); err != nil {
			return err
		}
	}
	if len(s.IdempotencyKey) > 200 {
		return apperr.New(apperr.Invalid, "shipment.key", "幂等键最多 200 个字符", "the idempotency key holds at most 200 characters").
			WithField("idempotency_key")
	}
	if len(s.Lines) == 0 {
		return apperr.New(apperr.Invalid, "shipment.empty", "运单没有装载明细", "the shipment loads nothing").WithField("lines")
	}
	if len(s.Lines) > stock.MaxLines/2 {
		return apperr.New(apperr.Invalid, "shipment.too_many_lines", "一张运单最多 %d 个批次",
			"a shipment may carry at most %d lots", stock.MaxLines/2).WithField("lines")
	}
	seen := map[int64]bool{}
	for i, l := range s.Lines {
		field := fmt.Sprintf("lines[%d]", i)
		switch {
		case l.OrderLine <= 0:
			return apperr.Required(field+".order_line", "调拨单明细", "the order line shipped")
		case seen[l.OrderLine]:
			return apperr.New(apperr.Invalid, "shipment.line_repeated", "调拨单明细 %d 在运单中重复",
				"order line %d appears twice on the shipment", l.OrderLine).WithField(field + ".order_line")
		case l.Quantity <= 0:
			return apperr.New(apperr.Invalid, "shipment.quantity", "装载数量须大于 0", "the quantity loaded must be above 0").
				WithField(field + ".quantity")
		}
		if err := l.Quantity.CheckRange(); err != nil {
			return apperr.Within(field, err)
		}
		seen[l.OrderLine] = true
	}
	return nil
}

func checkText(field, zh, v string, max int) error {
	if !utf8.ValidString(v) || strings.ContainsAny(v, "\x00") {
		return apperr.New(apperr.Invalid, "shipment.text", "%s含有无效字符", "%s holds invalid characters", zh).WithField(field)
	}
	if n := utf8.RuneCountInString(v); n > max {
		return &apperr.Error{Kind: apperr.Invalid, Code: "shipment.text_too_long", Field: field,
			ZH: fmt.Sprintf("%s最多 %d 个字符（现有 %d 个）", zh, max, n),
			EN: fmt.Sprintf("%s may have at most %d characters (it has %d)", field, max, n)}
	}
	return nil
}
