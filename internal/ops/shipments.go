package ops

import (
	"context"
	"strconv"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/audit"
	"github.com/stockpile-dev/stockpile/internal/shipment"
	"github.com/stockpile-dev/stockpile/internal/site"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/transfer"
)

func shipmentObject(sh shipment.Shipment) audit.Object {
	return audit.Object{Kind: "shipment", ID: strconv.FormatInt(sh.ID, 10)}
}

// shipmentState is what the audit trail keeps of a shipment's step.
func shipmentState(sh shipment.Shipment) map[string]any {
	return map[string]any{"status": sh.Status, "order_id": sh.OrderID, "from": sh.From, "to": sh.To}
}

// route returns the two ends of the order lines a new shipment names (the
// first line's; the store refuses a load of several routes).
func route(o transfer.Order, sh shipment.Shipment) []string {
	if len(sh.Lines) == 0 {
		return nil
	}
	for _, l := range o.Lines {
		for _, lq := range l.Lots {
			if lq.LineID == sh.Lines[0].OrderLine {
				return []string{l.From, l.To}
			}
		}
	}
	return nil
}

// CreateShipment arranges a shipment of an order: who must reach its
// source or its destination (shipment.run). With all, the load is
// everything left of the order's first route with anything left, and sh
// names no lines. Arranged again under its idempotency key, it is
// answered as arranged and recorded once.
func (s *Service) CreateShipment(ctx context.Context, who access.Actor, sh shipment.Shipment, all bool) (shipment.Shipment, error) {
	if !who.Can(access.ShipmentRun) {
		return sh, who.Allow(access.ShipmentRun)
	}
	o, err := s.store.TransferOrder(ctx, sh.OrderID)
	if err != nil {
		return sh, withFieldOf(err, "order_id")
	}
	if all {
		if len(sh.Lines) > 0 {
			return sh, apperr.New(apperr.Invalid, "shipment.all_and_lines", "全部装载与逐行装载只能选一种",
				"a shipment loads all that is left or the lines it names, not both").WithField("all")
		}
		sh.Lines = whatIsLeft(o)
	}
	ends := route(o, sh)
	if ends == nil {
		ends = o.Ends()
	}
	if err := s.allow(ctx, who, access.ShipmentRun, "depot", ends...); err != nil {
		return sh, err
	}
	sh.CreatedBy = who.ID
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		var replayed bool
		if sh, replayed, err = tx.CreateShipment(ctx, sh); err != nil || replayed {
			return err
		}
		return record(ctx, tx, who, "shipment.create", shipmentObject(sh), nil, sh)
	})
	return sh, err
}

// whatIsLeft is the load of a shipment that takes everything left to ship
// on the first route of the order that has anything left.
func whatIsLeft(o transfer.Order) []shipment.Line {
	var out []shipment.Line
	var from, to string
	for _, l := range o.Lines {
		for _, lq := range l.Lots {
			if lq.Left() <= 0 || (from != "" && (l.From != from || l.To != to)) {
				continue
			}
			from, to = l.From, l.To
			out = append(out, shipment.Line{OrderLine: lq.LineID, Quantity: lq.Left()})
		}
	}
	return out
}

func withFieldOf(err error, field string) error {
	if e, ok := apperr.As(err); ok && e.Field == "" {
		return e.WithField(field)
	}
	return err
}

// ActOnShipment takes a step of a shipment (load, depart, deliver,
// cancel): who must reach its source or destination.
func (s *Service) ActOnShipment(ctx context.Context, who access.Actor, id int64, st shipment.Step) (shipment.Shipment, error) {
	before, err := s.shipmentFor(ctx, who, access.ShipmentRun, id, true)
	if err != nil {
		return before, err
	}
	var after shipment.Shipment
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if after, err = tx.ActOnShipment(ctx, id, st, who.ID); err != nil {
			return err
		}
		return record(ctx, tx, who, "shipment."+string(st), shipmentObject(after), shipmentState(before), shipmentState(after))
	})
	return after, err
}

// ShipmentSteps reports which steps who may take on sh now, for screens.
func (s *Service) ShipmentSteps(ctx context.Context, who access.Actor, sh shipment.Shipment) (steps map[shipment.Step]bool, receive bool) {
	steps = map[shipment.Step]bool{}
	if s.allow(ctx, who, access.ShipmentRun, "depot", sh.From, sh.To) == nil {
		for _, st := range shipment.Steps {
			steps[st] = sh.Allows(st)
		}
	}
	receive = sh.CanReceive() && s.allow(ctx, who, access.ShipmentReceive, "depot", sh.To) == nil
	return steps, receive
}

// shipmentFor loads a shipment and checks that who may take act on it:
// at either end, or (receipt) at its destination.
func (s *Service) shipmentFor(ctx context.Context, who access.Actor, act access.Action, id int64, eitherEnd bool) (shipment.Shipment, error) {
	if !who.Can(act) {
		return shipment.Shipment{}, who.Allow(act)
	}
	sh, err := s.store.Shipment(ctx, id)
	if err != nil {
		return sh, err
	}
	places := []string{sh.To}
	if eitherEnd {
		places = append(places, sh.From)
	}
	return sh, s.allow(ctx, who, act, "depot", places...)
}

// ReceiveShipment records a receipt (签收) at a shipment's destination,
// which who must reach. A replay under the receipt's idempotency key is
// answered as it was and not recorded again.
func (s *Service) ReceiveShipment(ctx context.Context, who access.Actor, id int64, r shipment.Receipt) (shipment.Shipment, bool, error) {
	before, err := s.shipmentFor(ctx, who, access.ShipmentReceive, id, false)
	if err != nil {
		return before, false, err
	}
	var after shipment.Shipment
	var replayed bool
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if after, replayed, err = tx.ReceiveShipment(ctx, id, r, who.ID); err != nil || replayed {
			return err
		}
		return record(ctx, tx, who, "shipment.receive", shipmentObject(after), shipmentState(before), r)
	})
	return after, replayed, err
}

// UseSite records a distribution, write-off or return at an incident
// site, which who must reach.
func (s *Service) UseSite(ctx context.Context, who access.Actor, u site.Use) (site.Use, bool, error) {
	if err := s.allow(ctx, who, access.SiteUse, "depot", u.Location); err != nil {
		return u, false, err
	}
	var replayed bool
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		var err error
		if u, replayed, err = tx.UseSite(ctx, u, who.ID); err != nil || replayed {
			return err
		}
		return record(ctx, tx, who, "site."+string(u.Kind), audit.Object{Kind: "site", ID: u.Location}, nil, u)
	})
	return u, replayed, err
}
