package store_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/reserve"
	"github.com/stockpile-dev/stockpile/internal/routing"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
	"github.com/stockpile-dev/stockpile/internal/transfer"
)

// dispatchWorld is the World with 100 tents in the district depot, an
// agreement for 50 more with a supplier, and an incident needing tents.
func dispatchWorld(t *testing.T, s *store.Store, need int64) (storetest.World, *dispatch.Planner, dispatch.Incident) {
	t.Helper()
	w := storetest.Build(t, s)
	ctx := context.Background()
	receive(t, s, w.DepotB, storetest.Tent, "T-OLD", "2098-01-01", 60)
	receive(t, s, w.DepotB, storetest.Tent, "T-NEW", "2099-01-01", 40)
	if _, err := s.CreateAgreement(ctx, reserve.Agreement{Code: "XY-TENT", OrgCode: w.Bureau, Item: storetest.Tent,
		Quantity: stock.Units(50), DeliveryHours: 3, ValidFrom: "2000-01-01", ValidUntil: "2099-12-31",
		Point: geo.Point{Lon: 116.2, Lat: 39.8}}); err != nil {
		t.Fatal(err)
	}
	// Terrain from the World's areas, as the program does (ops.New).
	gc, err := routing.NewGreatCircle(routing.DefaultProfile(), nil)
	if err != nil {
		t.Fatal(err)
	}
	router := gc.WithTerrainSource(s)
	in, err := s.SaveIncident(ctx, dispatch.Incident{Code: "FS-FLOOD", Title: "房山山洪", Type: "flood", Level: 2,
		Sites: []dispatch.Site{{Code: "S1", Name: "良乡安置点", Point: geo.Point{Lon: 116.14, Lat: 39.73},
			Demands: []dispatch.Demand{{Item: storetest.Tent, Quantity: stock.Units(need), WithinHours: 6}}}}})
	if err != nil {
		t.Fatal(err)
	}
	return w, &dispatch.Planner{Inventory: s.Inventory(), Router: router, Now: s.Now}, in
}

func newPlan(t *testing.T, s *store.Store, pl *dispatch.Planner, in dispatch.Incident) dispatch.Plan {
	t.Helper()
	p, err := pl.Plan(context.Background(), []dispatch.Incident{in})
	if err != nil {
		t.Fatal(err)
	}
	if p, err = s.CreatePlan(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPlanLifecycle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w, pl, in := dispatchWorld(t, s, 120)
		p := newPlan(t, s, pl, in)
		got := map[string]stock.Quantity{}
		for _, l := range p.Lines {
			got[l.Source.Code] += l.Quantity
		}
		if got[w.DepotB] != stock.Units(100) || got["XY-TENT"] != stock.Units(20) {
			t.Fatalf("plan lines %+v; want 100 from the district depot and 20 from the agreement", p.Lines)
		}
		if _, err := s.ActOnPlan(ctx, p.ID, dispatch.ActApprove, "user:1"); err != nil {
			t.Fatal(err)
		}
		if rep, _ := s.Balances(ctx, store.BalanceQuery{Depot: w.DepotB, GroupBy: "item"}); rep.Totals.Reserved != stock.Units(100) ||
			rep.Totals.Usable != 0 {
			t.Fatalf("after approval %+v; want all 100 reserved", rep.Totals)
		}
		if a, _ := s.Agreement(ctx, "XY-TENT"); a.Reserved != stock.Units(20) {
			t.Fatalf("agreement reserved %s, want 20", a.Reserved)
		}
		// A second plan now finds only the agreement's 30 left.
		p2 := newPlan(t, s, pl, in)
		if p2.Coverage[0].Planned != stock.Units(30) {
			t.Fatalf("second plan covers %s, want the 30 left", p2.Coverage[0].Planned)
		}
		if _, err := s.ActOnPlan(ctx, p.ID, dispatch.ActApprove, "user:1"); errCode(err) != "plan.status" {
			t.Fatalf("approving twice: %v", err)
		}
		done, err := s.ActOnPlan(ctx, p.ID, dispatch.ActExecute, "user:1")
		if err != nil || done.Status != dispatch.PlanExecuted {
			t.Fatalf("execute: %+v %v", done.Status, err)
		}
		// Execution hands the reservation to one dispatch order per source
		// depot: the tents stay at the depot, reserved, until they ship.
		if rep, _ := s.Balances(ctx, store.BalanceQuery{Depot: w.DepotB, GroupBy: "item"}); rep.Totals.Quantity != stock.Units(100) ||
			rep.Totals.Reserved != stock.Units(100) {
			t.Fatalf("after execution %+v; want 100 on hand, all reserved for the order", rep.Totals)
		}
		orders, err := s.TransferOrders(ctx, store.TransferFilter{PlanID: p.ID})
		if err != nil || len(orders) != 1 || orders[0].Kind != transfer.KindDispatch || orders[0].Left() != stock.Units(100) ||
			orders[0].Lines[0].From != w.DepotB || orders[0].Lines[0].To != "SITE:FS-FLOOD:S1" {
			t.Fatalf("dispatch orders %+v %v; want one of 100 tents from %s to the site", orders, err, w.DepotB)
		}
		if a, _ := s.Agreement(ctx, "XY-TENT"); a.Reserved != 0 || a.Quantity != stock.Units(30) {
			t.Fatalf("agreement after execution %+v; want 30 left, none reserved", a)
		}
		if rep, err := s.Verify(ctx, nil); err != nil || !rep.OK {
			t.Fatalf("verify %+v %v", rep, err)
		}
		// Recomputing the second plan supersedes it.
		if _, err := s.ReplacePlan(ctx, p2.ID, "user:1", func(inv dispatch.Inventory) (dispatch.Plan, error) {
			return (&dispatch.Planner{Inventory: inv, Router: pl.Router}).Plan(ctx, []dispatch.Incident{in})
		}); err != nil {
			t.Fatal(err)
		}
		if old, _ := s.Plan(ctx, p2.ID); old.Status != dispatch.PlanSuperseded {
			t.Fatalf("replaced plan is %s", old.Status)
		}
	})
}

// TestConcurrentApprovalsNeverPromiseTheSameUnits computes several plans
// over the same 100 tents and approves them all at once: exactly one wins,
// the rest are told to recompute, and nothing is reserved twice.
func TestConcurrentApprovalsNeverPromiseTheSameUnits(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w, pl, in := dispatchWorld(t, s, 100)
		const n = 8
		plans := make([]dispatch.Plan, n)
		for i := range plans {
			plans[i] = newPlan(t, s, pl, in)
		}
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range plans {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = s.ActOnPlan(ctx, plans[i].ID, dispatch.ActApprove, "user:1")
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch code := errCode(err); {
			case err == nil:
				won++
			case code != "plan.stale":
				t.Errorf("losing approval: %v, want plan.stale", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d approvals succeeded, want exactly 1", won)
		}
		rep, err := s.Balances(ctx, store.BalanceQuery{Depot: w.DepotB, GroupBy: "item"})
		if err != nil || rep.Totals.Reserved != stock.Units(100) {
			t.Fatalf("reserved %+v, %v; want 100", rep.Totals, err)
		}
		if rep, err := s.Verify(ctx, nil); err != nil || !rep.OK {
			t.Fatalf("verify %+v %v", rep, err)
		}
	})
}
