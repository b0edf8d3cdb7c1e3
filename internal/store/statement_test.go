package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/cst"
	"github.com/stockpile-dev/stockpile/internal/statement"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
)

// eachAt runs fn on every engine in parallel, each store with a clock of
// its own that fn sets with at("2026-03-05 10:00:00"), China time.
func eachAt(t *testing.T, fn func(t *testing.T, s *store.Store, at func(string))) {
	for _, engine := range storetest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex // guards now
			now := fixedClock()
			s := storetest.Open(t, engine, store.WithClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return now }))
			fn(t, s, func(when string) {
				tm, err := time.ParseInLocation("2006-01-02 15:04:05", when, cst.Zone)
				if err != nil {
					t.Fatal(err)
				}
				mu.Lock()
				defer mu.Unlock()
				now = tm
			})
		})
	}
}

// statementLedger posts three months of movements of tents and water at
// the World's depots A and B, at the times given, and leaves the clock on
// 2026-05-20. By hand, tents at A: March +110 −30 = 80; April −20 (to B)
// −5 (scrap) +3 (return) = 58, a reservation of 10 that counts nowhere;
// May +4 (from B) = 62. Tents at B: April +20 +2 (count gain) −8 = 14;
// May −4 = 10. Water at A: March +50; April −1 (count loss) = 49; May −5
// = 44. By lot, T1 takes every tent movement (it expires first); T2 holds
// 10 tents at A from March 31 on.
func statementLedger(t *testing.T, s *store.Store, w storetest.World, at func(string)) (t1, t2, w1 string) {
	t.Helper()
	ctx := context.Background()
	post := func(when string, lines ...stock.Line) {
		t.Helper()
		at(when)
		if _, err := s.Post(ctx, stock.Posting{Actor: "库管员甲", Reason: "收发存测试 " + when, Lines: lines}); err != nil {
			t.Fatalf("posting at %s: %v", when, err)
		}
	}
	lotOf := func(when string, l stock.Line) string {
		t.Helper()
		at(when)
		res, err := s.Post(ctx, stock.Posting{Actor: "库管员甲", Reason: "采购入库", Lines: []stock.Line{l}})
		if err != nil {
			t.Fatalf("receiving at %s: %v", when, err)
		}
		return res.Entries[0].LotCode
	}
	u := stock.Units
	t1 = lotOf("2026-03-05 10:00:00", stock.Line{Kind: stock.KindReceive, Depot: w.DepotA, Item: storetest.Tent,
		Quantity: u(100), NewLot: &stock.LotSpec{Batch: "T1", ExpiresOn: "2030-01-01"}})
	w1 = lotOf("2026-03-05 11:00:00", stock.Line{Kind: stock.KindReceive, Depot: w.DepotA, Item: storetest.Water,
		Quantity: u(50), NewLot: &stock.LotSpec{Batch: "W1", ExpiresOn: "2027-06-30"}})
	post("2026-03-20 09:00:00", stock.Line{Kind: stock.KindIssue, Depot: w.DepotA, Item: storetest.Tent, Quantity: u(30)})
	// The last second of March, and the first of April.
	t2 = lotOf("2026-03-31 23:59:59", stock.Line{Kind: stock.KindReceive, Depot: w.DepotA, Item: storetest.Tent,
		Quantity: u(10), NewLot: &stock.LotSpec{Batch: "T2", ExpiresOn: "2031-01-01"}})
	post("2026-04-01 00:00:00", stock.Line{Kind: stock.KindTransfer, Depot: w.DepotA, ToDepot: w.DepotB, Item: storetest.Tent,
		Quantity: u(20)})
	post("2026-04-10 15:00:00", stock.Line{Kind: stock.KindScrap, Depot: w.DepotA, Item: storetest.Tent, Lot: t1, Quantity: u(5)})
	post("2026-04-15 16:00:00",
		stock.Line{Kind: stock.KindAdjust, Depot: w.DepotB, Item: storetest.Tent, Lot: t1, Quantity: u(2)},
		stock.Line{Kind: stock.KindAdjust, Depot: w.DepotA, Item: storetest.Water, Lot: w1, Quantity: u(-1)})
	post("2026-04-20 08:00:00", stock.Line{Kind: stock.KindReserve, Depot: w.DepotA, Item: storetest.Tent, Lot: t1, Quantity: u(10)})
	post("2026-04-25 08:00:00", stock.Line{Kind: stock.KindIssue, Depot: w.DepotB, Item: storetest.Tent, Quantity: u(8)})
	post("2026-04-28 08:00:00", stock.Line{Kind: stock.KindReturn, Depot: w.DepotA, Item: storetest.Tent, Lot: t1, Quantity: u(3)})
	post("2026-05-02 08:00:00", stock.Line{Kind: stock.KindRelease, Depot: w.DepotA, Item: storetest.Tent, Lot: t1, Quantity: u(10)})
	post("2026-05-10 08:00:00",
		stock.Line{Kind: stock.KindIssue, Depot: w.DepotA, Item: storetest.Water, Quantity: u(5)},
		stock.Line{Kind: stock.KindTransfer, Depot: w.DepotB, ToDepot: w.DepotA, Item: storetest.Tent, Quantity: u(4)})
	at("2026-05-20 12:00:00")
	return t1, t2, w1
}

// row is a statement row in units, as a test writes it: depot, item,
// opening, received, transferred in, returned, count gain, issued,
// transferred out, scrapped, count loss, closing.
func row(depot, item string, n ...int64) string {
	return fmt.Sprint(depot, " ", item, " ", n)
}

// units is q in whole units.
func units(q stock.Quantity) int64 { return int64(q / stock.Scale) }

// rowsOf writes statement rows as row does, checking that each balances.
func rowsOf(t *testing.T, rows []statement.Row) []string {
	t.Helper()
	var out []string
	for _, r := range rows {
		if !r.Balanced() {
			t.Errorf("%s %s: closing %s ≠ opening %s + in %s − out %s", r.Depot, r.Item, r.Closing, r.Opening, r.In(), r.Out())
		}
		n := []int64{units(r.Opening)}
		for _, c := range statement.Columns {
			n = append(n, units(r.Get(c)))
		}
		out = append(out, row(r.Depot, r.Item, append(n, units(r.Closing))...))
	}
	return out
}

func TestStatement(t *testing.T) {
	t.Parallel()
	eachAt(t, func(t *testing.T, s *store.Store, at func(string)) {
		ctx := context.Background()
		w := storetest.Build(t, s)
		statementLedger(t, s, w, at)
		A, B, tent, water := w.DepotA, w.DepotB, storetest.Tent, storetest.Water
		all := access.View{All: true}
		for _, tc := range []struct {
			name string
			view access.View
			f    store.StatementFilter
			want []string
		}{
			{"March", all, store.StatementFilter{From: "2026-03-01", To: "2026-03-31"}, []string{
				//          open rcv tin ret gain iss tout scr loss close
				row(A, tent, 0, 110, 0, 0, 0, 30, 0, 0, 0, 80),
				row(A, water, 0, 50, 0, 0, 0, 0, 0, 0, 0, 50)}},
			{"April", all, store.StatementFilter{From: "2026-04-01", To: "2026-04-30"}, []string{
				row(A, tent, 80, 0, 0, 3, 0, 0, 20, 5, 0, 58),
				row(A, water, 50, 0, 0, 0, 0, 0, 0, 0, 1, 49),
				row(B, tent, 0, 0, 20, 0, 2, 8, 0, 0, 0, 14)}},
			{"this month so far, by default", all, store.StatementFilter{}, []string{
				row(A, tent, 58, 0, 4, 0, 0, 0, 0, 0, 0, 62),
				row(A, water, 49, 0, 0, 0, 0, 5, 0, 0, 0, 44),
				row(B, tent, 14, 0, 0, 0, 0, 0, 4, 0, 0, 10)}},
			{"three months, ending in the future", all, store.StatementFilter{From: "2026-03-01", To: "2026-12-31"}, []string{
				row(A, tent, 0, 110, 4, 3, 0, 30, 20, 5, 0, 62),
				row(A, water, 0, 50, 0, 0, 0, 5, 0, 0, 1, 44),
				row(B, tent, 0, 0, 20, 0, 2, 8, 4, 0, 0, 10)}},
			{"the last day of March alone", all, store.StatementFilter{From: "2026-03-31", To: "2026-03-31"}, []string{
				row(A, tent, 70, 10, 0, 0, 0, 0, 0, 0, 0, 80),
				row(A, water, 50, 0, 0, 0, 0, 0, 0, 0, 0, 50)}},
			{"the first day of April alone", all, store.StatementFilter{From: "2026-04-01", To: "2026-04-01"}, []string{
				row(A, tent, 80, 0, 0, 0, 0, 0, 20, 0, 0, 60),
				row(A, water, 50, 0, 0, 0, 0, 0, 0, 0, 0, 50),
				row(B, tent, 0, 0, 20, 0, 0, 0, 0, 0, 0, 20)}},
			{"before the ledger", all, store.StatementFilter{From: "2026-01-01", To: "2026-02-28"}, nil},
			{"one depot", all, store.StatementFilter{From: "2026-04-01", To: "2026-04-30", Depot: B}, []string{
				row(B, tent, 0, 0, 20, 0, 2, 8, 0, 0, 0, 14)}},
			{"one item", all, store.StatementFilter{From: "2026-04-01", To: "2026-04-30", Item: water}, []string{
				row(A, water, 50, 0, 0, 0, 0, 0, 0, 0, 1, 49)}},
			{"a keeper of B sees B alone", access.View{Depots: []string{B}}, store.StatementFilter{From: "2026-03-01", To: "2026-05-31"}, []string{
				row(B, tent, 0, 0, 20, 0, 2, 8, 4, 0, 0, 10)}},
			{"the district sees both", access.View{AreaPath: "110000/110111/"}, store.StatementFilter{From: "2026-04-01", To: "2026-04-30"}, []string{
				row(A, tent, 80, 0, 0, 3, 0, 0, 20, 5, 0, 58),
				row(A, water, 50, 0, 0, 0, 0, 0, 0, 0, 1, 49),
				row(B, tent, 0, 0, 20, 0, 2, 8, 0, 0, 0, 14)}},
			{"another district sees nothing", access.View{AreaPath: "110000/110105/"}, store.StatementFilter{From: "2026-03-01"}, nil},
			// The bureau holds both depots and owns every lot: a view by
			// organisation reads lot by lot and comes to the same.
			{"the bureau's organisation", access.View{Org: w.Bureau}, store.StatementFilter{From: "2026-04-01", To: "2026-04-30"}, []string{
				row(A, tent, 80, 0, 0, 3, 0, 0, 20, 5, 0, 58),
				row(A, water, 50, 0, 0, 0, 0, 0, 0, 0, 1, 49),
				row(B, tent, 0, 0, 20, 0, 2, 8, 0, 0, 0, 14)}},
			{"another organisation", access.View{Org: "BJ-GRAIN"}, store.StatementFilter{From: "2026-03-01"}, nil},
		} {
			got, err := s.Statement(ctx, tc.view, tc.f)
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
				continue
			}
			if g := rowsOf(t, got); strings.Join(g, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("%s:\n got %s\nwant %s", tc.name, strings.Join(g, "\n     "), strings.Join(tc.want, "\n     "))
			}
		}
		got, err := s.Statement(ctx, all, store.StatementFilter{From: "2026-04-01", To: "2026-04-30", Depot: B})
		if err != nil || len(got) != 1 || got[0].DepotNameZH != "测试区级库" || got[0].ItemNameZH == "" || got[0].UnitZH != "顶" {
			t.Errorf("names of a row: %+v, %v", got, err)
		}

		for _, tc := range []struct {
			name        string
			view        access.View
			f           store.StatementFilter
			code, field string
		}{
			{"ends before it starts", all, store.StatementFilter{From: "2026-04-30", To: "2026-04-01"}, "statement.period_invalid", "from"},
			{"not a date", all, store.StatementFilter{To: "30/04/2026"}, "date.malformed", "to"},
			{"unknown depot", all, store.StatementFilter{Depot: "NOPE"}, "depot.not_found", "depot"},
			{"unknown item", all, store.StatementFilter{Item: "9999999"}, "item.not_found", "item"},
			{"a depot beyond the view", access.View{Depots: []string{B}}, store.StatementFilter{Depot: A}, "depot.not_found", "depot"},
		} {
			_, err := s.Statement(ctx, tc.view, tc.f)
			if e, ok := apperr.As(err); !ok || e.Code != tc.code || e.Field != tc.field {
				t.Errorf("%s: %v, want %s on %s", tc.name, err, tc.code, tc.field)
			}
		}
	})
}

func TestStockAsOf(t *testing.T) {
	t.Parallel()
	eachAt(t, func(t *testing.T, s *store.Store, at func(string)) {
		ctx := context.Background()
		w := storetest.Build(t, s)
		t1, t2, w1 := statementLedger(t, s, w, at)
		A, B, tent, water := w.DepotA, w.DepotB, storetest.Tent, storetest.Water
		all := access.View{All: true}
		for _, tc := range []struct {
			name string
			view access.View
			f    store.AsOfFilter
			want []string
		}{
			{"before the ledger", all, store.AsOfFilter{Date: "2026-03-04"}, nil},
			{"the end of March", all, store.AsOfFilter{Date: "2026-03-31"}, []string{A + " " + tent + " 80", A + " " + water + " 50"}},
			{"the end of March 30", all, store.AsOfFilter{Date: "2026-03-30"}, []string{A + " " + tent + " 70", A + " " + water + " 50"}},
			{"the end of April", all, store.AsOfFilter{Date: "2026-04-30"},
				[]string{A + " " + tent + " 58", A + " " + water + " 49", B + " " + tent + " 14"}},
			{"today, by default", all, store.AsOfFilter{}, []string{A + " " + tent + " 62", A + " " + water + " 44", B + " " + tent + " 10"}},
			{"the future is today", all, store.AsOfFilter{Date: "2027-01-01"},
				[]string{A + " " + tent + " 62", A + " " + water + " 44", B + " " + tent + " 10"}},
			{"by lot, the end of April", all, store.AsOfFilter{Date: "2026-04-30", ByLot: true}, []string{
				A + " " + tent + " " + t1 + " 48", A + " " + tent + " " + t2 + " 10", A + " " + water + " " + w1 + " 49",
				B + " " + tent + " " + t1 + " 14"}},
			{"by lot, today", all, store.AsOfFilter{ByLot: true}, []string{
				A + " " + tent + " " + t1 + " 52", A + " " + tent + " " + t2 + " 10", A + " " + water + " " + w1 + " 44",
				B + " " + tent + " " + t1 + " 10"}},
			{"by lot, one item at one depot", all, store.AsOfFilter{Date: "2026-04-30", ByLot: true, Depot: A, Item: tent}, []string{
				A + " " + tent + " " + t1 + " 48", A + " " + tent + " " + t2 + " 10"}},
			{"a keeper of B", access.View{Depots: []string{B}}, store.AsOfFilter{Date: "2026-04-30"}, []string{B + " " + tent + " 14"}},
			{"by organisation, by lot", access.View{Org: w.Bureau}, store.AsOfFilter{Date: "2026-04-30", ByLot: true}, []string{
				A + " " + tent + " " + t1 + " 48", A + " " + tent + " " + t2 + " 10", A + " " + water + " " + w1 + " 49",
				B + " " + tent + " " + t1 + " 14"}},
			{"by organisation", access.View{Org: w.Bureau}, store.AsOfFilter{Date: "2026-04-30"},
				[]string{A + " " + tent + " 58", A + " " + water + " 49", B + " " + tent + " 14"}},
		} {
			got, err := s.StockAsOf(ctx, tc.view, tc.f)
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
				continue
			}
			var g []string
			for _, r := range got {
				f := []string{r.Depot, r.Item}
				if tc.f.ByLot {
					f = append(f, r.Lot)
				} else if r.Lot != "" {
					t.Errorf("%s: lot %s on a row per item", tc.name, r.Lot)
				}
				g = append(g, strings.Join(append(f, r.Quantity.String()), " "))
			}
			// By lot, rows go by expiry within an item: T1 (2030), then T2.
			if strings.Join(g, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("%s:\n got %s\nwant %s", tc.name, strings.Join(g, "\n     "), strings.Join(tc.want, "\n     "))
			}
		}
		got, err := s.StockAsOf(ctx, all, store.AsOfFilter{Date: "2026-04-30", ByLot: true, Depot: B})
		if err != nil || len(got) != 1 || got[0].Batch != "T1" || got[0].ExpiresOn != "2030-01-01" || got[0].DepotNameZH != "测试区级库" {
			t.Errorf("names of a row by lot: %+v, %v", got, err)
		}
		if _, err := s.StockAsOf(ctx, all, store.AsOfFilter{Date: "2026-13-01"}); apperr.CodeOf(err) != "date.malformed" {
			t.Errorf("a month 13: %v, want date.malformed", err)
		}
		if _, err := s.StockAsOf(ctx, access.View{Depots: []string{B}}, store.AsOfFilter{Depot: A}); apperr.CodeOf(err) != "depot.not_found" {
			t.Errorf("a depot beyond the view: %v, want depot.not_found", err)
		}
	})
}

// TestStatementOfManyDepots: a view of more depots than a read lists by
// id reads by sequence and joins the depots, and comes to the same. It
// changes a limit of the package, so it does not run in parallel.
func TestStatementOfManyDepots(t *testing.T) {
	store.SetMaxScopeDepots(t, 1)
	eachAt(t, func(t *testing.T, s *store.Store, at func(string)) {
		ctx := context.Background()
		w := storetest.Build(t, s)
		statementLedger(t, s, w, at)
		district := access.View{AreaPath: "110000/110111/"} // both depots: more than 1
		for _, f := range []store.StatementFilter{{From: "2026-03-01", To: "2026-03-31"}, {From: "2026-04-01", To: "2026-04-30"},
			{Item: storetest.Tent}} {
			want, err := s.Statement(ctx, access.View{All: true}, f)
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.Statement(ctx, district, f)
			if err != nil || strings.Join(rowsOf(t, got), "\n") != strings.Join(rowsOf(t, want), "\n") || len(got) == 0 {
				t.Errorf("%+v: the district's\n%s\n%v\nwant everything's\n%s", f, strings.Join(rowsOf(t, got), "\n"), err,
					strings.Join(rowsOf(t, want), "\n"))
			}
		}
		for _, day := range []string{"2026-03-31", "2026-04-30", ""} {
			want, err := s.StockAsOf(ctx, access.View{All: true}, store.AsOfFilter{Date: day, ByLot: true})
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.StockAsOf(ctx, district, store.AsOfFilter{Date: day, ByLot: true})
			if err != nil || fmt.Sprint(got) != fmt.Sprint(want) || len(got) == 0 {
				t.Errorf("as of %q: the district's %+v, %v; want everything's %+v", day, got, err, want)
			}
		}
		// A keeper's one depot is still read by id, the other not at all.
		got, err := s.Statement(ctx, access.View{Depots: []string{w.DepotB}}, store.StatementFilter{From: "2026-04-01", To: "2026-04-30"})
		if err != nil || len(got) != 1 || got[0].Depot != w.DepotB {
			t.Errorf("a keeper's statement: %+v, %v", got, err)
		}
	})
}

// TestStatementMatchesTheLedger: a statement of every day from the first
// entry to today, and the stock at the end of each day, agree with the
// entries summed from the start, read whole.
func TestStatementMatchesTheLedger(t *testing.T) {
	t.Parallel()
	eachAt(t, func(t *testing.T, s *store.Store, at func(string)) {
		ctx := context.Background()
		w := storetest.Build(t, s)
		statementLedger(t, s, w, at)
		entries, err := s.Movements(ctx, store.MovementFilter{Limit: 20000})
		if err != nil {
			t.Fatal(err)
		}
		// held is what the ledger says each depot held of each item at the
		// end of day, summed from the first entry.
		held := func(day string) map[string]stock.Quantity {
			out := map[string]stock.Quantity{}
			for _, e := range entries {
				if cst.Date(time.UnixMicro(e.At)) <= day && !e.Kind.Reservation() {
					out[e.DepotCode+" "+e.ItemCode] += e.Delta
				}
			}
			return out
		}
		all := access.View{All: true}
		for day := "2026-03-04"; day <= "2026-05-20"; day = stock.AddDays(day, 1) {
			want := held(day)
			got, err := s.StockAsOf(ctx, all, store.AsOfFilter{Date: day})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, r := range got {
				if q := want[r.Depot+" "+r.Item]; q != r.Quantity || q == 0 {
					t.Errorf("%s: %s %s holds %s, the ledger says %s", day, r.Depot, r.Item, r.Quantity, q)
				}
			}
			for _, q := range want {
				if q != 0 {
					n++
				}
			}
			if n != len(got) {
				t.Errorf("%s: %d rows, the ledger has stock of %d", day, len(got), n)
			}
			// The statement of the next day starts from this day's end
			// and ends at the next day's.
			next := stock.AddDays(day, 1)
			rows, err := s.Statement(ctx, all, store.StatementFilter{From: next, To: next})
			if err != nil {
				t.Fatal(err)
			}
			after := held(next)
			for _, r := range rows {
				k := r.Depot + " " + r.Item
				if !r.Balanced() || r.Opening != want[k] || (next <= "2026-05-20" && r.Closing != after[k]) {
					t.Errorf("%s: %+v; the ledger says %s at the start, %s at the end", next, r, want[k], after[k])
				}
			}
		}
	})
}
