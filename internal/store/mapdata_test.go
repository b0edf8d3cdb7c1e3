package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/reserve"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
)

// mapWorld fills depot A of the World with stock in every state the map
// tells apart, on 2026-06-01, then moves the clock to 2026-06-20:
//   - 100 good tents to 2099, 30 of them reserved;
//   - 5 damaged tents to 2099;
//   - 50 water expiring 2026-07-01 (within 90 days of the 20th);
//   - 20 water expiring 2026-06-10 (expired by the 20th).
//
// It adds two tent agreements: one valid with 10 of 50 promised, ready in
// 3 h, and one that lapsed at the end of 2025.
func mapWorld(t *testing.T, s *store.Store, now *time.Time) storetest.World {
	t.Helper()
	ctx := context.Background()
	w := storetest.Build(t, s)
	tents := receive(t, s, w.DepotA, storetest.Tent, "T-GOOD", "2099-01-01", 100).LotCode
	receive(t, s, w.DepotA, storetest.Water, "W-SOON", "2026-07-01", 50)
	receive(t, s, w.DepotA, storetest.Water, "W-OLD", "2026-06-10", 20)
	_, err := s.Post(ctx, stock.Posting{Actor: "库管员甲", Reason: "退回入库", Lines: []stock.Line{{
		Kind: stock.KindReceive, Depot: w.DepotA, Item: storetest.Tent, Quantity: stock.Units(5),
		NewLot: &stock.LotSpec{Batch: "T-DMG", ExpiresOn: "2099-01-01", Quality: stock.QualityDamaged}}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Post(ctx, stock.Posting{Actor: "指挥员", Reason: "方案 1", Lines: []stock.Line{{
		Kind: stock.KindReserve, Depot: w.DepotA, Item: storetest.Tent, Lot: tents, Quantity: stock.Units(30)}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []reserve.Agreement{
		{Code: "XY-TENT", ValidFrom: "2026-01-01", ValidUntil: "2026-12-31", DeliveryHours: 3, Point: geo.Point{Lon: 116.2, Lat: 39.8}},
		{Code: "XY-OLD", ValidFrom: "2025-01-01", ValidUntil: "2025-12-31", DeliveryHours: 1, Point: geo.Point{Lon: 116.1, Lat: 39.7}},
	} {
		a.OrgCode, a.Item, a.Quantity = w.Bureau, storetest.Tent, stock.Units(50)
		if _, err := s.CreateAgreement(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.PromiseReserve(ctx, "agreement", "XY-TENT", stock.Units(10)); err != nil {
		t.Fatal(err)
	}
	*now = now.AddDate(0, 0, 19)
	return w
}

// eachMapStore runs fn on both engines with a clock fn can move.
func eachMapStore(t *testing.T, fn func(t *testing.T, s *store.Store, now *time.Time)) {
	t.Helper()
	for _, engine := range storetest.Engines {
		t.Run(engine, func(t *testing.T) {
			now := time.Date(2026, 6, 1, 2, 0, 0, 0, time.UTC)
			s := storetest.Open(t, engine, store.WithClock(func() time.Time { return now }))
			fn(t, s, &now)
		})
	}
}

func TestDepotSummaries(t *testing.T) {
	t.Parallel()
	eachMapStore(t, func(t *testing.T, s *store.Store, now *time.Time) {
		ctx := context.Background()
		w := mapWorld(t, s, now)
		sums, err := s.DepotSummaries(ctx, 90, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(sums) != 2 || sums[0].Code != w.DepotA || sums[1].Code != w.DepotB {
			t.Fatalf("summaries %+v", sums)
		}
		a, b := sums[0], sums[1]
		want := store.DepotSummary{Quantity: stock.Units(175), Reserved: stock.Units(30), Usable: stock.Units(120),
			Expiring: stock.Units(50), Expired: stock.Units(20), Damaged: stock.Units(5), Lots: 4, Items: 2,
			UsableLots: 2, ReservedLots: 1, ExpiringLots: 1, ExpiredLots: 1, DamagedLots: 1}
		got := store.DepotSummary{Quantity: a.Quantity, Reserved: a.Reserved, Usable: a.Usable, Expiring: a.Expiring,
			Expired: a.Expired, Damaged: a.Damaged, Lots: a.Lots, Items: a.Items, UsableLots: a.UsableLots,
			ReservedLots: a.ReservedLots, ExpiringLots: a.ExpiringLots, ExpiredLots: a.ExpiredLots, DamagedLots: a.DamagedLots}
		if got != want {
			t.Errorf("depot A figures\n got %+v\nwant %+v", got, want)
		}
		if a.District != w.District || a.OrgCode != w.Bureau || a.OrgNameZH != "北京市应急管理局" ||
			a.NameZH != "测试市级库" || a.CapacityM3 != 1000 || a.Point != (geo.Point{Lon: 116.08, Lat: 39.68}) {
			t.Errorf("depot A identity %+v", a)
		}
		// The figures agree with the balance report and the depot's usage.
		rep, err := s.Balances(ctx, store.BalanceQuery{Depot: w.DepotA, GroupBy: "depot"})
		if err != nil {
			t.Fatal(err)
		}
		if r := rep.Rows[0]; r.Quantity != a.Quantity || r.Reserved != a.Reserved || r.Usable != a.Usable {
			t.Errorf("balances %+v, summary %+v", r, a)
		}
		dv, err := s.Depot(ctx, w.DepotA)
		if err != nil {
			t.Fatal(err)
		}
		if diff := dv.UsedM3 - a.UsedM3; diff > 1e-9 || diff < -1e-9 || a.UsedM3 <= 0 ||
			a.Utilisation != a.UsedM3/1000 {
			t.Errorf("used %v (utilisation %v), depot says %v", a.UsedM3, a.Utilisation, dv.UsedM3)
		}
		// An empty depot is listed with zeros.
		if b.Quantity != 0 || b.Usable != 0 || b.Lots != 0 || b.UsedM3 != 0 || b.District != w.District {
			t.Errorf("empty depot B %+v", b)
		}
		// A shorter horizon no longer counts the water of 1 July as expiring.
		sums, err = s.DepotSummaries(ctx, 5, nil)
		if err != nil {
			t.Fatal(err)
		}
		if sums[0].Expiring != 0 || sums[0].Expired != stock.Units(20) || sums[0].ExpiringLots != 0 || sums[0].ExpiredLots != 1 {
			t.Errorf("5-day horizon: expiring %s expired %s", sums[0].Expiring, sums[0].Expired)
		}
		// A retired depot is off the map.
		if _, _, err := s.SetDepotRetired(ctx, w.DepotB, true); err != nil {
			t.Fatal(err)
		}
		if sums, err = s.DepotSummaries(ctx, 90, nil); err != nil || len(sums) != 1 || sums[0].Code != w.DepotA {
			t.Errorf("with depot B retired: %+v, %v; want depot A alone", sums, err)
		}
	})
}

func TestNearbySources(t *testing.T) {
	t.Parallel()
	eachMapStore(t, func(t *testing.T, s *store.Store, now *time.Time) {
		ctx := context.Background()
		w := mapWorld(t, s, now)
		got, err := s.NearbySources(ctx, storetest.Tent, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := []dispatch.NearbySource{
			{Kind: dispatch.SourceDepot, Code: w.DepotA, NameZH: "测试市级库", Tier: "city",
				Point: geo.Point{Lon: 116.08, Lat: 39.68}, Usable: stock.Units(70)},
			{Kind: dispatch.SourceAgreement, Code: "XY-TENT", NameZH: "北京市应急管理局", Tier: "agreement",
				Point: geo.Point{Lon: 116.2, Lat: 39.8}, Usable: stock.Units(40), ReadyMin: 180},
		}
		if len(got) != len(want) {
			t.Fatalf("tent sources %+v, want %+v", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("source %d\n got %+v\nwant %+v", i, got[i], want[i])
			}
		}
		// Only the water that has not expired counts; no agreement holds water.
		got, err = s.NearbySources(ctx, storetest.Water, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Code != w.DepotA || got[0].Usable != stock.Units(50) {
			t.Errorf("water sources %+v", got)
		}
		if got, err := s.NearbySources(ctx, storetest.FoldingBed, nil); err != nil || len(got) != 0 {
			t.Errorf("folding beds: %+v %v", got, err)
		}
	})
}
