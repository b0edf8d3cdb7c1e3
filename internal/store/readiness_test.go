package store_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/readiness"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
	"github.com/stockpile-dev/stockpile/internal/transfer"
	"github.com/stockpile-dev/stockpile/internal/warning"
)

func TestReadinessDataAndSettings(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := storetest.Build(t, s)
		data := s.Readiness()
		city, districts, err := data.City(ctx)
		if err != nil || city.Code != w.City || len(districts) != 1 || districts[0].Population != 1312778 {
			t.Fatalf("city %+v, districts %+v, %v", city, districts, err)
		}
		tiers, err := data.Holders(ctx)
		if err != nil || tiers[w.Bureau].Tier != area.LevelCity || tiers[w.Bureau].District != "" {
			t.Fatalf("org tiers %v, %v", tiers, err)
		}

		cfg, err := s.ReadinessConfig(ctx, w.City)
		if err != nil || !cfg.Default || cfg.City != w.City {
			t.Fatalf("settings before any are stored: default %v, city %q, %v", cfg.Default, cfg.City, err)
		}
		bad := cfg
		bad.Norms = append([]readiness.Norm(nil), cfg.Norms...)
		bad.Norms[1].Item = "9999999"
		if _, err := s.SaveReadinessConfig(ctx, bad, "规划处"); !isField(err, "norms[1].item") {
			t.Fatalf("unknown item: %v", err)
		}
		if got, _ := s.ReadinessConfig(ctx, w.City); !got.Default {
			t.Fatal("a refused config was stored")
		}
		cfg.PlanningDays = 180
		if _, err := s.SaveReadinessConfig(ctx, cfg, "规划处"); err != nil {
			t.Fatal(err)
		}
		got, err := s.ReadinessConfig(ctx, w.City)
		if err != nil || got.Default || got.PlanningDays != 180 || len(got.Norms) != len(cfg.Norms) {
			t.Fatalf("stored settings: default %v, planning days %d, %d norms, %v", got.Default, got.PlanningDays,
				len(got.Norms), err)
		}

		sc := readiness.Scenario{Code: "fs", NameZH: "房山洪涝", Events: []readiness.Event{{Hazard: "flood", Level: 2,
			Areas: []string{w.District}}}}
		if _, err := s.SaveScenario(ctx, sc); err != nil {
			t.Fatal(err)
		}
		sc.NameZH = "房山洪涝(修订)"
		if _, err := s.SaveScenario(ctx, sc); err != nil {
			t.Fatal(err)
		}
		all, err := s.Scenarios(ctx)
		if err != nil || len(all) != 1 || all[0].NameZH != sc.NameZH {
			t.Fatalf("scenarios %+v, %v", all, err)
		}
		sc.Events[0].Areas = []string{"999999"}
		if _, err := s.SaveScenario(ctx, sc); !isField(err, "events[0].areas[0]") {
			t.Fatalf("unknown area: %v", err)
		}
	})
}

func isField(err error, field string) bool {
	e, ok := apperr.As(err)
	return ok && e.Field == field
}

// TestApproveRecommendationsConcurrently approves two recommendations that
// move the same lot at once: exactly one becomes a transfer order, and the
// other is refused as stale with nothing changed.
func TestApproveRecommendationsConcurrently(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := storetest.Build(t, s)
		lot := receive(t, s, w.DepotA, storetest.Tent, "T-A", "2099-01-01", 100).LotCode
		rec := readiness.Recommendation{Warning: warning.Warning{Identifier: "w1", Hazard: "flood", Level: 1,
			Areas: []string{w.District}}, Moves: []readiness.Move{{From: w.DepotA, To: w.DepotB, Area: w.District,
			Item: storetest.Tent, Quantity: stock.Units(70), Lots: []transfer.LotQuantity{{Lot: lot, Quantity: stock.Units(70)}}}}}
		var ids []int64
		for range 2 {
			r, err := s.CreateRecommendation(ctx, rec)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, r.ID)
		}
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i, id := range ids {
			wg.Go(func() { _, errs[i] = s.ApproveRecommendation(ctx, id, "李调度") })
		}
		wg.Wait()
		won, stale := 0, 0
		for _, err := range errs {
			switch e, _ := apperr.As(err); {
			case err == nil:
				won++
			case e != nil && e.Code == "preposition.stale":
				stale++
			default:
				t.Errorf("approve: %v", err)
			}
		}
		if won != 1 || stale != 1 {
			t.Fatalf("%d approved, %d stale", won, stale)
		}
		orders, err := s.TransferOrders(ctx, store.TransferFilter{Status: string(transfer.StatusOrdered), Limit: 10})
		if err != nil || len(orders) != 1 || orders[0].Lines[0].Quantity != stock.Units(70) {
			t.Fatalf("transfer orders %+v, %v", orders, err)
		}
		var statuses []string
		for _, id := range ids {
			r, err := s.Recommendation(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			statuses = append(statuses, r.Status)
		}
		if !(statuses[0] == "approved") != (statuses[1] == "approved") || statuses[0] == statuses[1] {
			t.Errorf("statuses %v: want one approved, one proposed", statuses)
		}
	})
}
