package store_test

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/demo"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
)

// The reads of totals (StockTotals and what stands on it: Balances by item
// and by depot, DepotSummaries, a depot's usage) come from depot_stock and
// the lots that need attention. These tests hold them to what summing
// every lot balance (Balances by lot, which scans) gives, on random
// postings and on the demo, on both engines, for each kind of view.

// lotOracle sums lot balances per depot and item as the totals should.
func lotOracle(lots []store.BalanceRow, today, horizon string) map[[2]string]store.DepotItemTotal {
	out := map[[2]string]store.DepotItemTotal{}
	for _, b := range lots {
		k := [2]string{b.Depot, b.Item}
		r := out[k]
		r.Depot, r.Item = b.Depot, b.Item
		r.Quantity += b.Quantity
		r.Reserved += b.Reserved
		r.Usable += b.Usable
		r.VolumeM3 += b.VolumeM3
		r.Lots++
		if b.Usable > 0 {
			r.UsableLots++
		}
		if b.Reserved > 0 {
			r.ReservedLots++
		}
		expired := b.ExpiresOn != "" && b.ExpiresOn < today
		switch {
		case expired:
			r.Expired += b.Quantity
			r.ExpiredLots++
		case b.Quality == "damaged":
			r.Damaged += b.Quantity
			r.DamagedLots++
		case b.Quality == "good" && b.ExpiresOn != "" && b.ExpiresOn <= horizon:
			r.Expiring += b.Quantity
			r.ExpiringLots++
		}
		out[k] = r
	}
	return out
}

// sameTotal compares the figures of two totals, volumes within rounding.
func sameTotal(a, b store.DepotItemTotal) bool {
	v := math.Abs(a.VolumeM3-b.VolumeM3) < 1e-6
	a.VolumeM3, b.VolumeM3 = 0, 0
	a.DepotZH, a.DepotEN, a.ItemZH, a.ItemEN, a.UnitZH, a.UnitEN = "", "", "", "", "", ""
	return v && a == b
}

// checkTotals compares every read of totals with the oracle for view.
func checkTotals(t *testing.T, s *store.Store, view *access.View) {
	t.Helper()
	ctx := context.Background()
	horizon := stock.AddDays(s.Today(), 30)
	lots, err := s.Balances(ctx, store.BalanceQuery{GroupBy: "lot", View: view})
	if err != nil {
		t.Fatal(err)
	}
	want := lotOracle(lots.Rows, s.Today(), horizon)
	got, err := s.StockTotals(ctx, store.TotalsQuery{Horizon: horizon, View: view})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Rows) != len(want) {
		t.Fatalf("view %+v: %d depot × item rows, want %d", view, len(got.Rows), len(want))
	}
	for _, r := range got.Rows {
		if w := want[[2]string{r.Depot, r.Item}]; !sameTotal(r, w) {
			t.Errorf("view %+v: %s × %s:\n got %+v\nwant %+v", view, r.Depot, r.Item, r, w)
		}
	}
	checkGrouped(t, s, view, lots.Rows)
}

// checkGrouped compares Balances by item and by depot with the lot rows
// summed (Lots counting a lot once per depot that holds it).
func checkGrouped(t *testing.T, s *store.Store, view *access.View, lots []store.BalanceRow) {
	t.Helper()
	for _, by := range []string{"item", "depot"} {
		rep, err := s.Balances(context.Background(), store.BalanceQuery{GroupBy: by, View: view})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]store.BalanceRow{}
		seen := map[string]map[string]bool{}
		for _, b := range lots {
			k, other := b.Item, b.Depot
			if by == "depot" {
				k, other = b.Depot, b.Item
			}
			r := want[k]
			r.Quantity, r.Reserved, r.Usable = r.Quantity+b.Quantity, r.Reserved+b.Reserved, r.Usable+b.Usable
			r.VolumeM3 += b.VolumeM3
			r.Lots++
			if seen[k] == nil {
				seen[k] = map[string]bool{}
			}
			if !seen[k][other] {
				seen[k][other] = true
				if by == "item" {
					r.Depots++
				} else {
					r.Items++
				}
			}
			want[k] = r
		}
		if len(rep.Rows) != len(want) {
			t.Fatalf("by %s: %d rows, want %d", by, len(rep.Rows), len(want))
		}
		keys := make([]string, 0, len(rep.Rows))
		for _, r := range rep.Rows {
			k := cmp.Or(r.Item, r.Depot)
			if by == "depot" {
				k = r.Depot
			}
			keys = append(keys, k)
			w := want[k]
			if r.Quantity != w.Quantity || r.Reserved != w.Reserved || r.Usable != w.Usable || r.Lots != w.Lots ||
				r.Depots != w.Depots || r.Items != w.Items || math.Abs(r.VolumeM3-w.VolumeM3) > 1e-6 {
				t.Errorf("by %s, %s: got %+v, want %+v", by, k, r, w)
			}
		}
		if !slices.IsSorted(keys) {
			t.Errorf("by %s: rows not in code order: %v", by, keys)
		}
	}
}

// checkSummaries compares the map's depot figures and the depots' usage
// with the lots of each depot summed.
func checkSummaries(t *testing.T, s *store.Store, view *access.View) {
	t.Helper()
	ctx := context.Background()
	sums, err := s.DepotSummaries(ctx, 30, view)
	if err != nil {
		t.Fatal(err)
	}
	lots, err := s.Balances(ctx, store.BalanceQuery{GroupBy: "lot"})
	if err != nil {
		t.Fatal(err)
	}
	per := lotOracle(lots.Rows, s.Today(), stock.AddDays(s.Today(), 30))
	for _, d := range sums {
		var w store.DepotItemTotal
		items := 0
		for k, r := range per {
			if k[0] != d.Code {
				continue
			}
			items++
			w.Quantity, w.Reserved, w.Usable = w.Quantity+r.Quantity, w.Reserved+r.Reserved, w.Usable+r.Usable
			w.Expiring, w.Expired, w.Damaged = w.Expiring+r.Expiring, w.Expired+r.Expired, w.Damaged+r.Damaged
			w.Lots, w.UsableLots, w.ReservedLots = w.Lots+r.Lots, w.UsableLots+r.UsableLots, w.ReservedLots+r.ReservedLots
			w.ExpiringLots, w.ExpiredLots, w.DamagedLots = w.ExpiringLots+r.ExpiringLots, w.ExpiredLots+r.ExpiredLots, w.DamagedLots+r.DamagedLots
			w.VolumeM3 += r.VolumeM3
		}
		got := store.DepotItemTotal{Quantity: d.Quantity, Reserved: d.Reserved, Usable: d.Usable, Expiring: d.Expiring,
			Expired: d.Expired, Damaged: d.Damaged, Lots: d.Lots, UsableLots: d.UsableLots, ReservedLots: d.ReservedLots,
			ExpiringLots: d.ExpiringLots, ExpiredLots: d.ExpiredLots, DamagedLots: d.DamagedLots, VolumeM3: d.UsedM3}
		if !sameTotal(got, w) || d.Items != items {
			t.Errorf("map, %s: got %+v (%d items)\nwant %+v (%d items)", d.Code, got, d.Items, w, items)
		}
		dv, err := s.Depot(ctx, d.Code)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(dv.UsedM3-w.VolumeM3) > 1e-6 {
			t.Errorf("depot %s used %.6f m³, lots sum to %.6f", d.Code, dv.UsedM3, w.VolumeM3)
		}
	}
}

// randomLedger posts n random postings on the World's two depots:
// receipts of every quality with expiries from the past to years ahead,
// issues, transfers (which split lots across depots) and reservations.
func randomLedger(t *testing.T, s *store.Store, w storetest.World, n int, seed uint64) {
	t.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(seed, 7))
	items := []string{storetest.Tent, storetest.Water, storetest.FoldingBed, storetest.Geotextile}
	depots := []string{w.DepotA, w.DepotB}
	qualities := []stock.Quality{stock.QualityGood, stock.QualityGood, stock.QualityPending, stock.QualityDamaged}
	var lots []stock.Entry
	for i := 0; i < n; i++ {
		item, dep := items[rng.IntN(len(items))], depots[rng.IntN(2)]
		var line stock.Line
		switch k := rng.IntN(5); {
		case k < 2 || len(lots) == 0:
			exp := ""
			if item != storetest.FoldingBed {
				exp = stock.AddDays(s.Today(), rng.IntN(120)-20)
			}
			line = stock.Line{Kind: stock.KindReceive, Depot: dep, Item: item, Quantity: stock.Units(int64(10 + rng.IntN(90))),
				NewLot: &stock.LotSpec{Batch: fmt.Sprintf("B%03d", i), ExpiresOn: exp, Quality: qualities[rng.IntN(4)]}}
		default:
			l := lots[rng.IntN(len(lots))]
			kinds := []stock.Kind{stock.KindIssue, stock.KindTransfer, stock.KindReserve}
			line = stock.Line{Kind: kinds[k-2], Depot: l.DepotCode, Item: l.ItemCode, Lot: l.LotCode,
				Quantity: stock.Units(int64(1 + rng.IntN(8)))}
			if line.Kind == stock.KindTransfer {
				line.ToDepot = depots[0]
				if l.DepotCode == depots[0] {
					line.ToDepot = depots[1]
				}
			}
		}
		res, err := s.Post(ctx, stock.Posting{Actor: "库管员甲", Reason: "随机", Lines: []stock.Line{line}})
		if err != nil {
			continue // an issue beyond what is usable is refused, as it should be
		}
		if line.Kind == stock.KindReceive {
			lots = append(lots, res.Entries[0])
		}
	}
}

// views are the kinds of view the reads must answer alike.
func views(w storetest.World) []*access.View {
	return []*access.View{nil, {All: true}, {AreaPath: w.City + "/" + w.District + "/"}, {Depots: []string{w.DepotB}},
		{Org: w.Bureau}, {AreaPath: "999999/"}}
}

func TestTotalsAgreeWithLots(t *testing.T) {
	t.Parallel()
	eachMapStore(t, func(t *testing.T, s *store.Store, now *time.Time) {
		w := storetest.Build(t, s)
		randomLedger(t, s, w, 150, 1)
		*now = now.AddDate(0, 0, 10) // some lots expire, others come within the horizon
		requireEveryState(t, s)
		for _, v := range views(w) {
			checkTotals(t, s, v)
			checkSummaries(t, s, v)
		}
	})
}

func TestTotalsAgreeWithLotsOnTheDemo(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if _, err := demo.Load(context.Background(), s, demo.Options{}); err != nil {
			t.Fatal(err)
		}
		for _, v := range []*access.View{nil, {AreaPath: "110000/110111/"}, {Depots: []string{"C-FS-RELIEF"}}} {
			checkTotals(t, s, v)
			checkSummaries(t, s, v)
		}
	})
}

// requireEveryState fails unless the ledger has lots in every state the
// totals correct for, so that the comparisons test something.
func requireEveryState(t *testing.T, s *store.Store) {
	t.Helper()
	got, err := s.StockTotals(context.Background(), store.TotalsQuery{Horizon: stock.AddDays(s.Today(), 30)})
	if err != nil {
		t.Fatal(err)
	}
	var sum store.DepotItemTotal
	for _, r := range got.Rows {
		sum.ExpiredLots += r.ExpiredLots
		sum.DamagedLots += r.DamagedLots
		sum.ExpiringLots += r.ExpiringLots
		sum.ReservedLots += r.ReservedLots
		sum.Lots += r.Lots
		sum.UsableLots += r.UsableLots
	}
	if sum.ExpiredLots == 0 || sum.DamagedLots == 0 || sum.ExpiringLots == 0 || sum.ReservedLots == 0 ||
		sum.UsableLots == sum.Lots {
		t.Fatalf("the random ledger lacks a state: %+v", sum)
	}
}

// TestStockLotsPages walks every page of StockLots, in the fast way (by
// depot, from depot_stock's lot counts) and the other (with a filter on
// the lots), and finds the rows of one scan of every lot, in order, with
// the exact total on each page.
func TestStockLotsPages(t *testing.T) {
	t.Parallel()
	eachMapStore(t, func(t *testing.T, s *store.Store, now *time.Time) {
		ctx := context.Background()
		w := storetest.Build(t, s)
		randomLedger(t, s, w, 120, 2)
		for _, v := range views(w) {
			for _, q := range []store.LotQuery{{View: v}, {View: v, Item: storetest.Water}, {View: v, Depot: w.DepotB},
				{View: v, Quality: stock.QualityGood}} {
				all, err := s.Balances(ctx, store.BalanceQuery{GroupBy: "lot", View: v, Item: q.Item, Depot: q.Depot})
				if err != nil {
					t.Fatal(err)
				}
				var want []string
				for _, b := range all.Rows {
					if q.Quality == "" || b.Quality == string(q.Quality) {
						want = append(want, b.Depot+"/"+b.Lot)
					}
				}
				for _, limit := range []int{7, 50} {
					if got := walkLots(t, s, q, limit, len(want)); !slices.Equal(got, want) {
						t.Errorf("%+v by %d:\n got %v\nwant %v", q, limit, got, want)
					}
				}
			}
		}
	})
}

// walkLots reads every page of q, checking the total and More on each.
func walkLots(t *testing.T, s *store.Store, q store.LotQuery, limit, total int) []string {
	t.Helper()
	var got []string
	q.Limit = limit
	for q.Offset = 0; ; q.Offset += limit {
		page, err := s.StockLots(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != total || page.Capped {
			t.Fatalf("%+v: total %d (capped %v), want %d", q, page.Total, page.Capped, total)
		}
		for _, l := range page.Rows {
			got = append(got, l.Depot+"/"+l.Lot)
		}
		if page.More != (q.Offset+len(page.Rows) < total) {
			t.Fatalf("%+v: More %v with %d of %d read", q, page.More, q.Offset+len(page.Rows), total)
		}
		if !page.More {
			return got
		}
	}
}

// TestStockMovementsPages walks the ledger back and forth a page at a
// time and finds every entry once, with Older and Newer telling the ends.
func TestStockMovementsPages(t *testing.T) {
	t.Parallel()
	eachMapStore(t, func(t *testing.T, s *store.Store, now *time.Time) {
		ctx := context.Background()
		w := storetest.Build(t, s)
		randomLedger(t, s, w, 60, 3)
		for _, v := range views(w) {
			all, err := s.StockMovements(ctx, store.MovementQuery{View: v, Limit: 20000})
			if err != nil {
				t.Fatal(err)
			}
			if all.Older || all.Newer || all.Total != int64(len(all.Rows)) {
				t.Fatalf("view %+v: one page of all: older %v, newer %v, total %d of %d", v, all.Older, all.Newer,
					all.Total, len(all.Rows))
			}
			var back []int64
			q := store.MovementQuery{View: v, Limit: 9}
			for {
				page, err := s.StockMovements(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				for _, m := range page.Rows {
					back = append(back, m.Seq)
				}
				if page.Newer != (q.Before > 0 && len(all.Rows) > 0) {
					t.Fatalf("view %+v before %d: newer %v", v, q.Before, page.Newer)
				}
				if !page.Older {
					break
				}
				q.Before = page.Rows[len(page.Rows)-1].Seq
			}
			want := make([]int64, len(all.Rows))
			for i, m := range all.Rows {
				want[i] = m.Seq
			}
			if !slices.Equal(back, want) {
				t.Errorf("view %+v: paged back %v, want %v", v, back, want)
			}
		}
	})
}
