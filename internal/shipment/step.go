package shipment

import (
	"fmt"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// Step is what a person does to a shipment, besides receiving it.
type Step string

const (
	StepLoad    Step = "load"    // 开始装车
	StepDepart  Step = "depart"  // 发车: the load leaves the source
	StepDeliver Step = "deliver" // 送达: the vehicle is at the destination
	StepCancel  Step = "cancel"  // 取消: before departure
)

// Steps lists the steps in the order screens offer them.
var Steps = []Step{StepLoad, StepDepart, StepDeliver, StepCancel}

// stepRule says from which statuses a step may be taken and where it leads.
var stepRule = map[Step]struct {
	from []Status
	to   Status
	zh   string
}{
	StepLoad:    {[]Status{StatusPlanned}, StatusLoading, "开始装车"},
	StepDepart:  {[]Status{StatusPlanned, StatusLoading}, StatusInTransit, "发车"},
	StepDeliver: {[]Status{StatusInTransit}, StatusDelivered, "确认送达"},
	StepCancel:  {[]Status{StatusPlanned, StatusLoading}, StatusCancelled, "取消"},
}

// Allows reports whether a shipment of s's status may take step st. It is
// the one rule: Act refuses what it does not allow, and screens offer only
// what it allows.
func (s Shipment) Allows(st Step) bool {
	r, ok := stepRule[st]
	if !ok {
		return false
	}
	for _, from := range r.from {
		if s.Status == from {
			return true
		}
	}
	return false
}

// CanReceive reports whether a receipt may be recorded: the shipment has
// left and something of it is still on the road.
func (s Shipment) CanReceive() bool {
	return (s.Status == StatusInTransit || s.Status == StatusDelivered) && s.Open() > 0
}

// Transition is what a step changes: the shipment's new status and the
// ledger posting it takes (nil when no stock moves).
type Transition struct {
	To      Status
	Posting *stock.Posting
	// Lines are the shipment's lines after the step (receipts change them).
	Lines []Line
}

// Act returns the transition step st makes of s, done by actor (a
// principal id, which the ledger records), or shipment.status when s's
// status does not allow it. Departure moves the load from the source into
// the shipment's location and releases the order's reservation of it.
func (s Shipment) Act(st Step, actor string) (Transition, error) {
	if !s.Allows(st) {
		return Transition{}, s.wrongStatus(st)
	}
	t := Transition{To: stepRule[st].to, Lines: s.Lines}
	if st == StepDepart {
		p := stock.Posting{Actor: actor, Reason: fmt.Sprintf("运单 #%d 发车（调拨单 #%d）", s.ID, s.OrderID),
			IdempotencyKey: fmt.Sprintf("shipment-%d-depart", s.ID)}
		for _, l := range s.Lines {
			p.Lines = append(p.Lines,
				stock.Line{Kind: stock.KindRelease, Depot: s.From, Item: l.Item, Lot: l.Lot, Quantity: l.Quantity},
				stock.Line{Kind: stock.KindTransfer, Depot: s.From, ToDepot: s.Location, Item: l.Item, Lot: l.Lot, Quantity: l.Quantity})
		}
		t.Posting = &p
	}
	return t, nil
}

func (s Shipment) wrongStatus(st Step) error {
	r, ok := stepRule[st]
	if !ok {
		return apperr.New(apperr.Invalid, "shipment.step_invalid", "未知的运单操作「%s」", "unknown shipment step %q", string(st))
	}
	return apperr.New(apperr.Conflict, "shipment.status",
		"运单 #%[1]d 当前状态为「%[2]s」，不能%[3]s", "shipment #%[1]d is %[4]s: it cannot %[5]s",
		s.ID, s.Status.NameZH(), r.zh, string(s.Status), string(st)).WithField("status")
}
