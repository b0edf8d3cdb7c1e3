package ops_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/ops"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
)

// commander is the city's duty commander; manager a reserve manager of
// the whole installation.
var (
	commander = access.Actor{Principal: access.Principal{ID: "user:42"}, Roles: []access.Role{access.RoleCommander},
		Scope: access.Scope{AreaPath: "110000/"}}
	manager = func(id string) access.Actor {
		return access.Actor{Principal: access.Principal{ID: id}, Roles: []access.Role{access.RoleManager},
			Scope: access.Scope{All: true}}
	}
)

// fixture is a store with the storetest World and 100 tents in depot A,
// and the use cases over it.
func fixture(t *testing.T, s *store.Store) *ops.Service {
	t.Helper()
	w := storetest.Build(t, s)
	svc := ops.New(s, ops.Options{})
	if _, err := svc.Post(t.Context(), access.SystemActor("test"), stock.Posting{Reason: "入库", Lines: []stock.Line{{
		Kind: stock.KindReceive, Depot: w.DepotA, Item: storetest.Tent, Quantity: stock.Units(100),
		NewLot: &stock.LotSpec{Code: "TENT-A", Batch: "B1"}}}}); err != nil {
		t.Fatal(err)
	}
	return svc
}

func incident(code string, tents int64) dispatch.Incident {
	return dispatch.Incident{Code: code, Title: "房山暴雨", Type: "flood", Level: 2, Sites: []dispatch.Site{{
		Code: "S1", Name: "安置点", Point: geo.Point{Lon: 116.14, Lat: 39.73},
		Demands: []dispatch.Demand{{Item: storetest.Tent, Quantity: stock.Units(tents), WithinHours: 6}}}}}
}

func wantErr(t *testing.T, err error, code, field string) {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Code != code || e.Field != field {
		t.Fatalf("error %v (%#v), want %s naming %q", err, e, code, field)
	}
}

// TestClosedIncidentsAreNotPlanned: the rule holds for every way a plan is
// asked for — a new incident, named ones, all open ones, a recompute —
// because the planner itself refuses closed incidents.
func TestClosedIncidentsAreNotPlanned(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		svc := fixture(t, s)
		closed := incident("FS-CLOSED", 10)
		closed.Status = dispatch.IncidentClosed
		_, err := svc.CreatePlan(ctx, commander, ops.PlanRequest{New: []dispatch.Incident{closed}})
		wantErr(t, err, "incident.closed", "incidents[0].status")
		if ins, _ := s.Incidents(ctx, ""); len(ins) != 0 {
			t.Fatalf("a refused plan stored its incident: %+v", ins)
		}

		p, err := svc.CreatePlan(ctx, commander, ops.PlanRequest{New: []dispatch.Incident{incident("FS-1", 10)}})
		if err != nil {
			t.Fatal(err)
		}
		in, err := s.Incident(ctx, "FS-1")
		if err != nil {
			t.Fatal(err)
		}
		in.Status = dispatch.IncidentClosed
		if _, err := svc.SaveIncident(ctx, commander, in); err != nil {
			t.Fatal(err)
		}
		_, err = svc.CreatePlan(ctx, commander, ops.PlanRequest{Codes: []string{"FS-1"}})
		wantErr(t, err, "incident.closed", "incidents[0].status")
		_, err = svc.CreatePlan(ctx, commander, ops.PlanRequest{})
		wantErr(t, err, "plan.no_incidents", "incidents")
		_, err = svc.ActOnPlan(ctx, commander, p.ID, dispatch.ActRecompute)
		wantErr(t, err, "plan.no_incidents", "")
	})
}

// TestRecomputeApproved: an approved plan may be recomputed (the rule the
// API and the screens share); its reservation is released and the new
// plan counts on that stock again.
func TestRecomputeApproved(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		svc := fixture(t, s)
		p, err := svc.CreatePlan(ctx, commander, ops.PlanRequest{New: []dispatch.Incident{incident("FS-1", 60)}})
		if err != nil {
			t.Fatal(err)
		}
		if p, err = svc.ActOnPlan(ctx, commander, p.ID, dispatch.ActApprove); err != nil || !p.Allows(dispatch.ActRecompute) {
			t.Fatalf("approved plan %+v allows recompute: %v", p.Status, err)
		}
		next, err := svc.ActOnPlan(ctx, commander, p.ID, dispatch.ActRecompute)
		if err != nil {
			t.Fatal(err)
		}
		old, err := s.Plan(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if old.Status != dispatch.PlanSuperseded || next.Status != dispatch.PlanProposed || next.ReplacesID != p.ID {
			t.Errorf("after recompute: old %s, new %s replacing #%d", old.Status, next.Status, next.ReplacesID)
		}
		if got := planned(next); got != stock.Units(60) {
			t.Errorf("the recomputed plan sends %s tents, want 60: the old reservation was not released", got)
		}
		rep, err := s.Balances(ctx, store.BalanceQuery{Depot: "C-TEST-A", GroupBy: "item"})
		if err != nil || len(rep.Rows) != 1 || rep.Rows[0].Reserved != 0 {
			t.Errorf("reserved after recompute: %+v, %v", rep.Rows, err)
		}
		entries, err := s.Movements(ctx, store.MovementFilter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries[1:] {
			if e.Actor != commander.ID {
				t.Errorf("entry %d (%s) recorded actor %q, want the principal %q", e.Seq, e.Kind, e.Actor, commander.ID)
			}
		}
		if _, err := svc.ActOnPlan(ctx, commander, p.ID, dispatch.ActRecompute); err == nil {
			t.Error("a superseded plan was recomputed again")
		}
	})
}

func planned(p dispatch.Plan) stock.Quantity {
	var q stock.Quantity
	for _, l := range p.Lines {
		q += l.Quantity
	}
	return q
}

// TestTooLargeStoresNothing: demands the planner cannot weigh are refused
// before anything is stored, so they cannot make later plans fail.
func TestTooLargeStoresNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		svc := fixture(t, s)
		big := incident("FS-BIG", 900_000_000)
		big.Level = 1
		_, err := svc.CreatePlan(ctx, commander, ops.PlanRequest{New: []dispatch.Incident{big}})
		wantErr(t, err, "plan.too_large", "incidents[0].sites[0].demands[0].quantity")
		_, err = svc.SaveIncident(ctx, commander, big)
		wantErr(t, err, "plan.too_large", "sites[0].demands[0].quantity")
		if ins, _ := s.Incidents(ctx, ""); len(ins) != 0 {
			t.Errorf("refused incidents were stored: %d", len(ins))
		}
		if _, err := svc.CreatePlan(ctx, commander, ops.PlanRequest{New: []dispatch.Incident{incident("FS-1", 10)}}); err != nil {
			t.Errorf("a plan after the refusals: %v", err)
		}
	})
}

// TestPrincipalIsChecked: a malformed principal id is refused before
// anything is looked at; a good one is what the ledger records.
func TestPrincipalIsChecked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := fixture(t, s)
		issue := stock.Posting{Reason: "发放", Lines: []stock.Line{{Kind: stock.KindIssue, Depot: "C-TEST-A",
			Item: storetest.Tent, Quantity: stock.Units(1)}}}
		_, err := svc.Post(ctx, manager(""), issue)
		wantErr(t, err, "auth.required", "")
		for _, bad := range []string{"王库管", "user:", "user:4 2", "admin:1"} {
			_, err := svc.Post(ctx, manager(bad), issue)
			wantErr(t, err, "principal.invalid", "")
		}
		res, err := svc.Post(ctx, manager("token:7"), issue)
		if err != nil || res.Actor != "token:7" || res.Entries[0].Actor != "token:7" {
			t.Errorf("posting by token:7: %+v, %v", res, err)
		}
	})
}

// TestRevisedIncidentKeepsItsClock: an incident given again under its code
// keeps the report time its deadlines count from.
func TestRevisedIncidentKeepsItsClock(t *testing.T) {
	var now atomic.Int64 // unix seconds; only ever moves on
	now.Store(time.Date(2026, 6, 1, 2, 0, 0, 0, time.UTC).Unix())
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		svc := fixture(t, s)
		first, err := svc.SaveIncident(ctx, commander, incident("FS-1", 10))
		if err != nil {
			t.Fatal(err)
		}
		now.Add(3600)
		p, err := svc.CreatePlan(ctx, commander, ops.PlanRequest{New: []dispatch.Incident{incident("FS-1", 20)}})
		if err != nil {
			t.Fatal(err)
		}
		again, err := s.Incident(ctx, "FS-1")
		if err != nil || again.ReportedAt != first.ReportedAt || again.Sites[0].Demands[0].Quantity != stock.Units(20) {
			t.Errorf("revised incident %+v (%v), first reported at %d", again, err, first.ReportedAt)
		}
		if p.Coverage[0].Deadline != first.ReportedAt+6*3600 {
			t.Errorf("plan deadline %d, want the first report + 6 h (%d)", p.Coverage[0].Deadline, first.ReportedAt+6*3600)
		}
	}, store.WithClock(func() time.Time { return time.Unix(now.Load(), 0) }))
}
