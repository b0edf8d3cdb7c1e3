package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/shipment"
	"github.com/stockpile-dev/stockpile/internal/site"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
	"github.com/stockpile-dev/stockpile/internal/transfer"
)

// executedOrder approves and executes a plan for 100 tents from DepotB and
// returns its one dispatch order.
func executedOrder(t *testing.T, s *store.Store) (storetest.World, transfer.Order) {
	t.Helper()
	ctx := context.Background()
	w, pl, in := dispatchWorld(t, s, 100)
	p := newPlan(t, s, pl, in)
	for _, a := range []dispatch.Action{dispatch.ActApprove, dispatch.ActExecute} {
		if _, err := s.ActOnPlan(ctx, p.ID, a, "user:1"); err != nil {
			t.Fatal(err)
		}
	}
	orders, err := s.TransferOrders(ctx, store.TransferFilter{PlanID: p.ID})
	if err != nil || len(orders) != 1 {
		t.Fatalf("orders %+v %v", orders, err)
	}
	return w, orders[0]
}

// load names every lot of an order's lines with what is left of it.
func load(o transfer.Order) []shipment.Line {
	var out []shipment.Line
	for _, l := range o.Lines {
		for _, lq := range l.Lots {
			out = append(out, shipment.Line{OrderLine: lq.LineID, Quantity: lq.Left()})
		}
	}
	return out
}

// at is the stock of an item at a location (depot, shipment or site).
func at(t *testing.T, s *store.Store, location string) (onHand, reserved stock.Quantity) {
	t.Helper()
	rep, err := s.Balances(context.Background(), store.BalanceQuery{Depot: location, Item: storetest.Tent, GroupBy: "item"})
	if err != nil {
		t.Fatal(err)
	}
	return rep.Totals.Quantity, rep.Totals.Reserved
}

func verified(t *testing.T, s *store.Store) {
	t.Helper()
	if rep, err := s.Verify(context.Background(), nil); err != nil || !rep.OK {
		t.Fatalf("verify %+v %v", rep, err)
	}
}

// TestPlanToSiteAndBack follows an executed plan's order through a
// shipment to a signed receipt at the site, in two parts with a
// discrepancy, and on to distribution, consumption and return, checking
// where every tent is after each step and that the ledger verifies.
func TestPlanToSiteAndBack(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w, o := executedOrder(t, s)
		sh, _, err := s.CreateShipment(ctx, shipment.Shipment{OrderID: o.ID, Vehicle: "京A·12345", Driver: "张师傅",
			Phone: "13800000000", CreatedBy: "user:2", Lines: load(o)})
		if err != nil {
			t.Fatal(err)
		}
		if sh.Status != shipment.StatusPlanned || sh.To != "SITE:FS-FLOOD:S1" || sh.From != w.DepotB {
			t.Fatalf("shipment %+v", sh)
		}
		if o2, _ := s.TransferOrder(ctx, o.ID); o2.Status != transfer.StatusExecuted || o2.Left() != 0 {
			t.Fatalf("order after the whole load is on a shipment: %s, %s left", o2.Status, o2.Left())
		}
		if _, _, err := s.CreateShipment(ctx, shipment.Shipment{OrderID: o.ID, CreatedBy: "user:2", Lines: load(o)}); errCode(err) != "shipment.order_status" {
			t.Fatalf("a second shipment of a fully shipped order: %v", err)
		}
		if _, err := s.ActOnShipment(ctx, sh.ID, shipment.StepDeliver, "user:2"); errCode(err) != "shipment.status" {
			t.Fatalf("delivering before departure: %v", err)
		}
		for _, st := range []shipment.Step{shipment.StepLoad, shipment.StepDepart} {
			if sh, err = s.ActOnShipment(ctx, sh.ID, st, "user:2"); err != nil {
				t.Fatal(err)
			}
		}
		if q, r := at(t, s, w.DepotB); q != 0 || r != 0 {
			t.Fatalf("depot after departure: %s on hand, %s reserved", q, r)
		}
		if q, _ := at(t, s, sh.Location); q != stock.Units(100) {
			t.Fatalf("on the road: %s, want 100", q)
		}
		// The city leads a level-2 response with Fangshan's stock: it owes
		// Fangshan the 100 tents until settled.
		needs, err := s.Replenishments(ctx, store.ReplenishFilter{Status: "open"})
		if err != nil || len(needs) != 1 || needs[0].Holder != w.District || needs[0].OwedBy != w.City ||
			needs[0].Quantity != stock.Units(100) || needs[0].Incident != "FS-FLOOD" {
			t.Fatalf("replenishment needs %+v %v", needs, err)
		}
		if _, err := s.SettleReplenishment(ctx, needs[0].ID, "user:1", ""); errCode(err) != "replenish.note" {
			t.Fatalf("settling without saying how: %v", err)
		}
		if n, err := s.SettleReplenishment(ctx, needs[0].ID, "user:1", "市级调拨单 #9 补库"); err != nil || n.Status != "settled" {
			t.Fatalf("settle: %+v %v", n, err)
		}
		verified(t, s)
		if sh, err = s.ActOnShipment(ctx, sh.ID, shipment.StepDeliver, "user:3"); err != nil || sh.Status != shipment.StatusDelivered {
			t.Fatalf("deliver: %v %v", sh.Status, err)
		}
		// The load is two lots, 60 and 40. First the 60: 58 good, 2 damaged.
		if len(sh.Lines) != 2 || sh.Lines[0].Quantity != stock.Units(60) {
			t.Fatalf("lines %+v", sh.Lines)
		}
		first := shipment.Receipt{IdempotencyKey: "r1", Signer: "李站长", Lines: []shipment.ReceiptLine{
			{N: 1, Received: stock.Units(58), Damaged: stock.Units(2), Note: "两顶帐篷支架断裂"}}}
		sh, replayed, err := s.ReceiveShipment(ctx, sh.ID, first, "user:3")
		if err != nil || replayed || sh.Status != shipment.StatusDelivered || sh.Open() != stock.Units(40) {
			t.Fatalf("first receipt: %v %v %+v", err, replayed, sh)
		}
		if _, replayed, err = s.ReceiveShipment(ctx, sh.ID, first, "user:3"); err != nil || !replayed {
			t.Fatalf("the same receipt again: %v replayed=%v", err, replayed)
		}
		other := first
		other.Lines = []shipment.ReceiptLine{{N: 1, Received: stock.Units(1)}}
		if _, _, err = s.ReceiveShipment(ctx, sh.ID, other, "user:3"); errCode(err) != "idempotency.key_reused" {
			t.Fatalf("another receipt under the key: %v", err)
		}
		over := shipment.Receipt{IdempotencyKey: "r2", Signer: "李站长", Lines: []shipment.ReceiptLine{{N: 2, Received: stock.Units(41)}}}
		if _, _, err = s.ReceiveShipment(ctx, sh.ID, over, "user:3"); errCode(err) != "receipt.over_shipped" {
			t.Fatalf("receiving more than is on the road: %v", err)
		}
		if q, _ := at(t, s, sh.To); q != stock.Units(58) {
			t.Fatalf("site after the first receipt: %s", q)
		}
		rest := shipment.Receipt{IdempotencyKey: "r3", Signer: "李站长", Lines: []shipment.ReceiptLine{{N: 2, Received: stock.Units(40)}}}
		if sh, _, err = s.ReceiveShipment(ctx, sh.ID, rest, "user:3"); err != nil || sh.Status != shipment.StatusReceived {
			t.Fatalf("second receipt: %v %v", err, sh.Status)
		}
		if q, _ := at(t, s, sh.Location); q != 0 {
			t.Fatalf("left on the road after receipt: %s", q)
		}
		if rs, err := s.Receipts(ctx, sh.ID); err != nil || len(rs) != 2 || rs[0].Lines[0].Damaged != stock.Units(2) {
			t.Fatalf("receipts %+v %v", rs, err)
		}
		// At the site: 98 tents.
		sites, err := s.Sites(ctx, "FS-FLOOD")
		if err != nil || len(sites) != 1 || sites[0].OnHand != stock.Units(98) {
			t.Fatalf("sites %+v %v", sites, err)
		}
		lots, err := s.SiteLots(ctx, sites[0].ID)
		if err != nil || len(lots) == 0 {
			t.Fatalf("site lots %+v %v", lots, err)
		}
		lot, held := lots[0].Lot, lots[0].Quantity
		left := held - stock.Units(25) // after distributing 20 and consuming 5
		use := func(k site.UseKind, key string, n stock.Quantity, extra func(*site.Use)) error {
			u := site.Use{Kind: k, Location: sh.To, IdempotencyKey: key,
				Lines: []site.Line{{Item: storetest.Tent, Lot: lot, Quantity: n}}}
			if extra != nil {
				extra(&u)
			}
			_, _, err := s.UseSite(ctx, u, "user:3")
			return err
		}
		recipient := func(u *site.Use) { u.Recipient = "良乡镇受灾群众" }
		back := func(u *site.Use) { u.ToDepot = w.DepotB }
		if err := use(site.Distribute, "d1", stock.Units(20), recipient); err != nil {
			t.Fatal(err)
		}
		if err := use(site.Distribute, "d1", stock.Units(20), recipient); err != nil { // retried: once
			t.Fatal(err)
		}
		if err := use(site.Consume, "c1", stock.Units(5), nil); err != nil {
			t.Fatal(err)
		}
		if err := use(site.Return, "b1", left+stock.Units(1), back); errCode(err) != "stock.insufficient" {
			t.Fatalf("returning more than the site holds: %v", err)
		}
		if err := use(site.Return, "b2", left, back); err != nil {
			t.Fatal(err)
		}
		if q, _ := at(t, s, sh.To); q != stock.Units(98)-held {
			t.Fatalf("site after use: %s, want the other lot's %s", q, stock.Units(98)-held)
		}
		if q, _ := at(t, s, w.DepotB); q != left {
			t.Fatalf("depot after the return: %s, want %s", q, left)
		}
		uses, err := s.SiteUses(ctx, sites[0].ID)
		if err != nil || len(uses) != 3 || uses[0].Kind != site.Return || uses[2].Lines[0].Quantity != stock.Units(20) {
			t.Fatalf("uses %+v %v", uses, err)
		}
		verified(t, s)
	})
}

// TestTwoKeepersReceiveOneShipment has two people sign for the whole of
// one shipment at the same moment: one receipt is recorded, the other is
// refused, and the site holds the load once.
func TestTwoKeepersReceiveOneShipment(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, o := executedOrder(t, s)
		sh, _, err := s.CreateShipment(ctx, shipment.Shipment{OrderID: o.ID, CreatedBy: "user:2", Lines: load(o)})
		if err != nil {
			t.Fatal(err)
		}
		if sh, err = s.ActOnShipment(ctx, sh.ID, shipment.StepDepart, "user:2"); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := shipment.Receipt{IdempotencyKey: fmt.Sprintf("keeper-%d", i), Signer: fmt.Sprintf("库管员%d", i)}
				for _, l := range sh.Lines {
					r.Lines = append(r.Lines, shipment.ReceiptLine{N: l.N, Received: l.Quantity})
				}
				_, _, errs[i] = s.ReceiveShipment(ctx, sh.ID, r, fmt.Sprintf("user:%d", 10+i))
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch code := errCode(err); {
			case err == nil:
				ok++
			case code != "shipment.changed" && code != "receipt.status" && code != "ledger.busy":
				t.Errorf("the other receipt: %v", err)
			}
		}
		if ok != 1 {
			t.Fatalf("%d receipts recorded, want 1: %v", ok, errs)
		}
		if q, _ := at(t, s, sh.To); q != stock.Units(100) {
			t.Fatalf("site holds %s, want the 100 once", q)
		}
		if rs, _ := s.Receipts(ctx, sh.ID); len(rs) != 1 {
			t.Fatalf("%d receipts stored", len(rs))
		}
		verified(t, s)
	})
}

// TestCancelledShipmentGivesItsLoadBack cancels a shipment before it
// leaves: the order is open again with the load still reserved, and can be
// executed at once.
func TestCancelledShipmentGivesItsLoadBack(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w, o := executedOrder(t, s)
		lines := load(o)[:1]
		lines[0].Quantity = stock.Units(30)
		sh, _, err := s.CreateShipment(ctx, shipment.Shipment{OrderID: o.ID, CreatedBy: "user:2", Lines: lines})
		if err != nil {
			t.Fatal(err)
		}
		if o2, _ := s.TransferOrder(ctx, o.ID); o2.Status != transfer.StatusOrdered || o2.Left() != stock.Units(70) {
			t.Fatalf("order with 30 on a shipment: %s, %s left", o2.Status, o2.Left())
		}
		if _, err := s.ActOnShipment(ctx, sh.ID, shipment.StepCancel, "user:2"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ActOnShipment(ctx, sh.ID, shipment.StepDepart, "user:2"); errCode(err) != "shipment.status" {
			t.Fatalf("departing a cancelled shipment: %v", err)
		}
		if _, r := at(t, s, w.DepotB); r != stock.Units(100) {
			t.Fatalf("reserved after cancelling the shipment: %s", r)
		}
		o2, err := s.ExecuteTransferOrder(ctx, o.ID, "user:2")
		if err != nil || o2.Status != transfer.StatusExecuted {
			t.Fatalf("execute at once: %v %v", o2.Status, err)
		}
		if q, _ := at(t, s, "SITE:FS-FLOOD:S1"); q != stock.Units(100) {
			t.Fatalf("site after executing at once: %s", q)
		}
		verified(t, s)
	})
}
