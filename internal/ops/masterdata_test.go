package ops_test

import (
	"strings"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/org"
	"github.com/stockpile-dev/stockpile/internal/reserve"
	"github.com/stockpile-dev/stockpile/internal/stock"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/audit"
	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/ops"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
)

// TestEditsAreAuditedWhole: an edit, a retirement and a restoration each
// leave one audit record with the state before and after, at the new
// version; a refused one (stale, out of scope, a depot holding stock)
// leaves none and changes nothing.
func TestEditsAreAuditedWhole(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		svc := fixture(t, s)
		city := manager("user:7")
		district := access.Actor{Principal: access.Principal{ID: "user:8"}, Roles: []access.Role{access.RoleManager},
			Scope: access.Scope{AreaPath: "110000/110111/"}}
		trail := func() []audit.Record {
			t.Helper()
			recs, err := s.AuditRecords(ctx, audit.Query{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			return recs
		}
		start := len(trail())

		it, err := s.Item(ctx, storetest.Tent)
		if err != nil {
			t.Fatal(err)
		}
		edit := it
		edit.NameZH, edit.MassT = "单帐篷（新）", 0.02
		got, err := svc.UpdateItem(ctx, city, edit)
		if err != nil || got.Version != 2 || got.MassT != 0.02 {
			t.Fatalf("UpdateItem: %+v, %v", got, err)
		}
		_, err = svc.UpdateItem(ctx, city, edit) // still at version 1
		wantErr(t, err, "edit.stale", "version")
		_, err = svc.UpdateItem(ctx, district, got)
		wantErr(t, err, "auth.out_of_scope", "")

		_, err = svc.SetDepotRetired(ctx, city, "C-TEST-A", true) // holds the fixture's tents
		wantErr(t, err, "depot.not_empty", "")
		d, err := svc.SetDepotRetired(ctx, city, "D-TEST-B", true)
		if err != nil || d.RetiredAt == 0 || d.Version != 2 {
			t.Fatalf("retire D-TEST-B: %+v, %v", d.Depot, err)
		}
		if _, err := svc.SetDepotRetired(ctx, city, "D-TEST-B", false); err != nil {
			t.Fatal(err)
		}

		recs := trail()
		if n := len(recs) - start; n != 3 {
			t.Fatalf("%d records, want 3 (an edit, a retirement, a restoration)", n)
		}
		for i, want := range []struct{ action, id, before, after string }{
			{"depot.restore", "D-TEST-B", `"retired_at":1`, `"retired_at":0`},
			{"depot.retire", "D-TEST-B", `"retired_at":0`, `"version":2`},
			{"item.update", storetest.Tent, `"name_zh":"单帐篷"`, `"name_zh":"单帐篷（新）"`},
		} {
			r := recs[i]
			if r.Action != want.action || r.Object.ID != want.id || r.Principal != "user:7" ||
				!strings.Contains(string(r.Before), want.before[:len(want.before)-1]) || !strings.Contains(string(r.After), want.after) {
				t.Errorf("record %d: %s %s %s → %s, want %+v", i, r.Action, r.Object.ID, r.Before, r.After, want)
			}
		}
		if recs[2].Object.Version != 2 {
			t.Errorf("item.update at version %d, want 2", recs[2].Object.Version)
		}
	})
}

// TestRetiredSourcesAreNotPlanned: a retired agreement reserve is not
// counted by the planner; restored, it is again.
func TestRetiredSourcesAreNotPlanned(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		svc := ops.New(s, ops.Options{})
		storetest.Build(t, s)
		city := manager("user:7")
		a := agreementFixture(t, svc, city)
		plan := func() []string {
			t.Helper()
			p, err := svc.CreatePlan(ctx, city, ops.PlanRequest{New: []dispatch.Incident{incident("R1", 10)}, DryRun: true})
			if err != nil {
				t.Fatal(err)
			}
			var codes []string
			for _, l := range p.Lines {
				codes = append(codes, l.Source.Code)
			}
			return codes
		}
		if got := plan(); !strings.Contains(strings.Join(got, ","), a) {
			t.Fatalf("sources %v, want the agreement %s", got, a)
		}
		if _, err := svc.SetAgreementRetired(ctx, city, a, true); err != nil {
			t.Fatal(err)
		}
		if got := plan(); strings.Contains(strings.Join(got, ","), a) {
			t.Errorf("a retired agreement planned: %v", got)
		}
	})
}

// agreementFixture adds a tent maker in 房山 with an agreement reserve of
// 50 tents valid today, and returns the agreement's code.
func agreementFixture(t *testing.T, svc *ops.Service, who access.Actor) string {
	t.Helper()
	ctx := t.Context()
	if _, err := svc.CreateOrg(ctx, who, org.Org{Code: "FS-TENT", NameZH: "房山帐篷厂", Kind: org.KindEnterprise,
		AreaCode: "110111"}); err != nil {
		t.Fatal(err)
	}
	today := svc.Store().Today()
	a, err := svc.CreateAgreement(ctx, who, reserve.Agreement{Code: "XY-TENT", OrgCode: "FS-TENT", Item: storetest.Tent,
		Quantity: stock.Units(50), DeliveryHours: 2, ValidFrom: today, ValidUntil: today,
		Point: geo.Point{Lon: 116.2, Lat: 39.8}})
	if err != nil {
		t.Fatal(err)
	}
	return a.Code
}
