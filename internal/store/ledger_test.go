package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
)

// fixedClock pins "today" to 2026-06-01 (China time).
func fixedClock() time.Time { return time.Date(2026, 6, 1, 2, 0, 0, 0, time.UTC) }

func receive(t *testing.T, s *store.Store, depot, item, batch, expires string, n int64) stock.Entry {
	t.Helper()
	res, err := s.Post(context.Background(), stock.Posting{Actor: "库管员甲", Reason: "采购入库", Lines: []stock.Line{{
		Kind: stock.KindReceive, Depot: depot, Item: item, Quantity: stock.Units(n),
		NewLot: &stock.LotSpec{Batch: batch, ExpiresOn: expires},
	}}})
	if err != nil {
		t.Fatalf("receive %s: %v", batch, err)
	}
	return res.Entries[0]
}

func balance(t *testing.T, s *store.Store, depot, item string) stock.Quantity {
	t.Helper()
	rep, err := s.Balances(context.Background(), store.BalanceQuery{Depot: depot, Item: item, GroupBy: "item"})
	if err != nil {
		t.Fatal(err)
	}
	return rep.Totals.Quantity
}

func errCode(err error) string {
	if e, ok := apperr.As(err); ok {
		return e.Code
	}
	return fmt.Sprint(err)
}

func TestFEFOIssueAndTransfer(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := storetest.Build(t, s)
		ctx := context.Background()
		late := receive(t, s, w.DepotA, storetest.Water, "W-LATE", "2027-12-31", 100)
		early := receive(t, s, w.DepotA, storetest.Water, "W-EARLY", "2026-09-30", 60)
		receive(t, s, w.DepotA, storetest.Water, "W-GONE", "2026-05-31", 500) // expired yesterday

		res, err := s.Post(ctx, stock.Posting{Actor: "甲", Reason: "发放", Lines: []stock.Line{
			{Kind: stock.KindIssue, Depot: w.DepotA, Item: storetest.Water, Quantity: stock.Units(80)}}})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Entries) != 2 || res.Entries[0].LotCode != early.LotCode || res.Entries[0].Delta != stock.Units(-60) ||
			res.Entries[1].LotCode != late.LotCode || res.Entries[1].Delta != stock.Units(-20) {
			t.Fatalf("FEFO picked %+v, want 60 from %s then 20 from %s", res.Entries, early.LotCode, late.LotCode)
		}
		// 80 usable remain; the expired lot is not issuable.
		_, err = s.Post(ctx, stock.Posting{Actor: "甲", Reason: "发放", Lines: []stock.Line{
			{Kind: stock.KindIssue, Depot: w.DepotA, Item: storetest.Water, Quantity: stock.Units(81)}}})
		if errCode(err) != "stock.insufficient" {
			t.Fatalf("issue beyond usable: got %v, want stock.insufficient", err)
		}
		res, err = s.Post(ctx, stock.Posting{Actor: "甲", Reason: "前置", Lines: []stock.Line{
			{Kind: stock.KindTransfer, Depot: w.DepotA, ToDepot: w.DepotB, Item: storetest.Water, Quantity: stock.Units(30)}}})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Entries) != 2 || res.Entries[0].Kind != stock.EntryTransferOut || res.Entries[1].Kind != stock.EntryTransferIn {
			t.Fatalf("transfer entries %+v", res.Entries)
		}
		if got := balance(t, s, w.DepotB, storetest.Water); got != stock.Units(30) {
			t.Errorf("depot B holds %s, want 30", got)
		}
		if got := balance(t, s, w.DepotA, storetest.Water); got != stock.Units(550) {
			t.Errorf("depot A holds %s, want 550 (50 usable + 500 expired)", got)
		}
		rep, err := s.Verify(ctx, nil)
		if err != nil || !rep.OK || rep.Entries != 7 {
			t.Fatalf("verify: %+v %v", rep, err)
		}
	}, store.WithClock(fixedClock))
}

// TestLinesSeeEarlierLines posts one multi-line posting whose later lines
// depend on its earlier ones: stock received, taken by FEFO, emptied and
// refilled within the posting. The balances written at the end and the
// chain must agree with the lines, and verify must find them consistent.
func TestLinesSeeEarlierLines(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := storetest.Build(t, s)
		ctx := context.Background()
		old := receive(t, s, w.DepotA, storetest.Water, "W-OLD", "2098-01-01", 40)
		res, err := s.Post(ctx, stock.Posting{Actor: "甲", Reason: "整理", Lines: []stock.Line{
			{Kind: stock.KindReceive, Depot: w.DepotA, Item: storetest.Water, Quantity: stock.Units(25),
				NewLot: &stock.LotSpec{Batch: "W-NEW", ExpiresOn: "2099-01-01"}},
			// FEFO takes the old lot first, then 10 of the lot received above.
			{Kind: stock.KindIssue, Depot: w.DepotA, Item: storetest.Water, Quantity: stock.Units(50)},
			// The old lot is empty now, so FEFO transfers from the new one...
			{Kind: stock.KindTransfer, Depot: w.DepotA, ToDepot: w.DepotB, Item: storetest.Water, Quantity: stock.Units(15)},
			// ...the receiving depot can issue what it was sent...
			{Kind: stock.KindIssue, Depot: w.DepotB, Item: storetest.Water, Quantity: stock.Units(5)},
			// ...and a return refills the emptied old lot.
			{Kind: stock.KindReturn, Depot: w.DepotA, Item: storetest.Water, Lot: old.LotCode, Quantity: stock.Units(5)},
		}})
		if err != nil {
			t.Fatal(err)
		}
		var deltas []string
		for _, e := range res.Entries {
			deltas = append(deltas, fmt.Sprintf("%s %t %s", e.Kind, e.LotCode == old.LotCode, e.Delta))
		}
		want := []string{"receive false 25", "issue true -40", "issue false -10", "transfer_out false -15",
			"transfer_in false 15", "issue false -5", "return true 5"}
		if fmt.Sprint(deltas) != fmt.Sprint(want) {
			t.Fatalf("entries\n got %v\nwant %v", deltas, want)
		}
		if got := balance(t, s, w.DepotA, storetest.Water); got != stock.Units(5) {
			t.Errorf("depot A holds %s water, want 5", got)
		}
		if got := balance(t, s, w.DepotB, storetest.Water); got != stock.Units(10) {
			t.Errorf("depot B holds %s water, want 10", got)
		}
		_, err = s.Post(ctx, stock.Posting{Actor: "甲", Reason: "发放", Lines: []stock.Line{
			{Kind: stock.KindIssue, Depot: w.DepotA, Item: storetest.Water, Lot: old.LotCode, Quantity: stock.Units(5)},
			{Kind: stock.KindIssue, Depot: w.DepotA, Item: storetest.Water, Lot: old.LotCode, Quantity: stock.Units(1)},
		}})
		if errCode(err) != "stock.insufficient" {
			t.Fatalf("second line overdrawing what the first left: got %v, want stock.insufficient", err)
		}
		rep, err := s.Verify(ctx, nil)
		if err != nil || !rep.OK {
			t.Fatalf("verify: %+v, %v", rep, err)
		}
	})
}

func TestPostingIsAllOrNothing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := storetest.Build(t, s)
		ctx := context.Background()
		e := receive(t, s, w.DepotA, storetest.Tent, "T1", "", 10)
		bad := []struct {
			name string
			line stock.Line
			code string
		}{
			{"overdraw", stock.Line{Kind: stock.KindIssue, Depot: w.DepotA, Item: storetest.Tent, Lot: e.LotCode, Quantity: stock.Units(11)}, "stock.insufficient"},
			{"unknown item", stock.Line{Kind: stock.KindIssue, Depot: w.DepotA, Item: "1999999", Quantity: stock.Units(1)}, "item.not_found"},
			{"unknown depot", stock.Line{Kind: stock.KindIssue, Depot: "NOPE", Item: storetest.Tent, Quantity: stock.Units(1)}, "depot.not_found"},
			{"fractional tent", stock.Line{Kind: stock.KindIssue, Depot: w.DepotA, Item: storetest.Tent, Quantity: 1500}, "quantity.fractional"},
			{"negative", stock.Line{Kind: stock.KindIssue, Depot: w.DepotA, Item: storetest.Tent, Quantity: stock.Units(-1)}, "quantity.not_positive"},
			{"expiry before production", stock.Line{Kind: stock.KindReceive, Depot: w.DepotA, Item: storetest.Tent, Quantity: stock.Units(1),
				NewLot: &stock.LotSpec{Batch: "X", ProducedOn: "2026-05-01", ExpiresOn: "2026-04-01"}}, "lot.expiry_before_production"},
			{"wrong item for lot", stock.Line{Kind: stock.KindIssue, Depot: w.DepotA, Item: storetest.Water, Lot: e.LotCode, Quantity: stock.Units(1)}, "lot.item_mismatch"},
		}
		for _, tc := range bad {
			// A good first line must be rolled back with the bad second one.
			_, err := s.Post(ctx, stock.Posting{Actor: "甲", Reason: "测试", Lines: []stock.Line{
				{Kind: stock.KindIssue, Depot: w.DepotA, Item: storetest.Tent, Lot: e.LotCode, Quantity: stock.Units(2)}, tc.line}})
			if errCode(err) != tc.code {
				t.Errorf("%s: got %v, want %s", tc.name, err, tc.code)
			}
			if ae, ok := apperr.As(err); ok && (ae.ZH == "" || ae.EN == "") {
				t.Errorf("%s: message missing a language: %+v", tc.name, ae)
			}
		}
		if got := balance(t, s, w.DepotA, storetest.Tent); got != stock.Units(10) {
			t.Fatalf("after failed postings depot holds %s, want 10: a failed posting wrote something", got)
		}
		if ms, _ := s.Movements(ctx, store.MovementFilter{}); len(ms) != 1 {
			t.Fatalf("ledger has %d entries, want 1", len(ms))
		}
		// Fractions are fine for measured units.
		if _, err := s.Post(ctx, stock.Posting{Actor: "甲", Reason: "入库", Lines: []stock.Line{{Kind: stock.KindReceive,
			Depot: w.DepotA, Item: storetest.Geotextile, Quantity: 12345, NewLot: &stock.LotSpec{Batch: "G1"}}}}); err != nil {
			t.Fatalf("12.345 m² geotextile: %v", err)
		}
	})
}

func TestIdempotentPosting(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := storetest.Build(t, s)
		ctx := context.Background()
		p := stock.Posting{IdempotencyKey: "po-2026-0001", Actor: "甲", Reason: "入库", Lines: []stock.Line{{
			Kind: stock.KindReceive, Depot: w.DepotA, Item: storetest.FoldingBed, Quantity: stock.Units(40),
			NewLot: &stock.LotSpec{Batch: "B1"}}}}
		first, err := s.Post(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		again, err := s.Post(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		if !again.Replayed || again.ID != first.ID || len(again.Entries) != 1 || again.Entries[0].Hash != first.Entries[0].Hash {
			t.Fatalf("retry: %+v, want replay of %+v", again, first)
		}
		if got := balance(t, s, w.DepotA, storetest.FoldingBed); got != stock.Units(40) {
			t.Fatalf("after retry depot holds %s, want 40", got)
		}
		p.Lines[0].Quantity = stock.Units(41)
		if _, err := s.Post(ctx, p); errCode(err) != "idempotency.key_reused" {
			t.Fatalf("same key, different body: %v", err)
		}
	})
}

// TestConcurrentIssuersNeverOverdraw has 60 goroutines race to issue 3 units
// each from a lot of 100: exactly 33 may succeed, the rest must be refused,
// and the balance must end at 1, never below zero.
func TestConcurrentIssuersNeverOverdraw(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := storetest.Build(t, s)
		ctx := context.Background()
		e := receive(t, s, w.DepotA, storetest.Tent, "T-RACE", "", 100)
		const issuers = 60
		var ok, refused atomic.Int32
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range issuers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, err := s.Post(ctx, stock.Posting{IdempotencyKey: fmt.Sprintf("race-%d", i), Actor: fmt.Sprintf("issuer-%d", i),
					Reason: "抢发", Lines: []stock.Line{{Kind: stock.KindIssue, Depot: w.DepotA, Item: storetest.Tent,
						Lot: e.LotCode, Quantity: stock.Units(3)}}})
				switch {
				case err == nil:
					ok.Add(1)
				case errCode(err) == "stock.insufficient":
					refused.Add(1)
				default:
					t.Errorf("issuer %d: unexpected error %v", i, err)
				}
			}()
		}
		close(start)
		wg.Wait()
		if ok.Load() != 33 || refused.Load() != issuers-33 {
			t.Fatalf("%d succeeded, %d refused; want 33 and %d", ok.Load(), refused.Load(), issuers-33)
		}
		if got := balance(t, s, w.DepotA, storetest.Tent); got != stock.Units(1) {
			t.Fatalf("balance %s, want 1", got)
		}
		rep, err := s.Verify(ctx, nil)
		if err != nil || !rep.OK || rep.Entries != 34 {
			t.Fatalf("verify after race: %+v %v", rep, err)
		}
	})
}

func TestSchemaCheck(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			s, err := store.Open(ctx, storetest.DSN(t, engine))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if err := s.CheckSchema(ctx); errCode(err) != "store.schema_outdated" {
				t.Fatalf("empty database: %v", err)
			}
			var steps int
			if err := s.Migrate(ctx, func(int, string) { steps++ }); err != nil || steps != store.LatestVersion() {
				t.Fatalf("migrate: %d steps, %v", steps, err)
			}
			if err := s.Migrate(ctx, func(int, string) { steps++ }); err != nil || steps != store.LatestVersion() {
				t.Fatalf("second migrate applied again: %d steps, %v", steps, err)
			}
			if err := s.CheckSchema(ctx); err != nil {
				t.Fatal(err)
			}
		})
	}
}

var _ = errors.New

// TestReservations sets units aside for a plan: they stay on hand, but no
// issue may take them until they are released, and Verify recomputes them.
func TestReservations(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := storetest.Build(t, s)
		ctx := context.Background()
		lot := receive(t, s, w.DepotA, storetest.Tent, "T-R", "", 100).LotCode
		post := func(lines ...stock.Line) error {
			_, err := s.Post(ctx, stock.Posting{Actor: "指挥员", Reason: "方案 1", Lines: lines})
			return err
		}
		line := func(kind stock.Kind, n int64) stock.Line {
			return stock.Line{Kind: kind, Depot: w.DepotA, Item: storetest.Tent, Lot: lot, Quantity: stock.Units(n)}
		}
		fefo := stock.Line{Kind: stock.KindIssue, Depot: w.DepotA, Item: storetest.Tent, Quantity: stock.Units(71)}
		if err := post(line(stock.KindReserve, 30)); err != nil {
			t.Fatal(err)
		}
		if err := post(fefo); errCode(err) != "stock.insufficient" {
			t.Fatalf("FEFO issue of 71 with 30 of 100 reserved: got %v, want stock.insufficient", err)
		}
		if err := post(line(stock.KindIssue, 71)); errCode(err) != "stock.insufficient" {
			t.Fatalf("named-lot issue of 71 with 30 of 100 reserved: got %v, want stock.insufficient", err)
		}
		if err := post(line(stock.KindReserve, 71)); errCode(err) != "stock.insufficient" {
			t.Fatalf("reserving 71 more: got %v, want stock.insufficient", err)
		}
		if err := post(line(stock.KindRelease, 31)); errCode(err) != "stock.not_reserved" {
			t.Fatalf("releasing 31 of 30: got %v, want stock.not_reserved", err)
		}
		// Executing a plan: release what it reserved and issue it, at once.
		if err := post(line(stock.KindRelease, 30), line(stock.KindIssue, 30)); err != nil {
			t.Fatal(err)
		}
		fefo.Quantity = stock.Units(70)
		if err := post(fefo); err != nil {
			t.Fatalf("issuing the 70 left: %v", err)
		}
		rep, err := s.Verify(ctx, nil)
		if err != nil || !rep.OK || rep.Entries != 5 {
			t.Fatalf("verify: %+v, %v", rep, err)
		}
	})
}

// TestUpgradeKeepsBalances fills a database at schema version 1, the
// schema before reservations, and upgrades it: every balance survives with
// nothing reserved, and the new rule (reserved within what is on hand)
// holds. SQLite rebuilds the table on the way, so this is not a formality.
func TestUpgradeKeepsBalances(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.DSN(t, engine)
			s, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if err := s.MigrateTo(ctx, 1); err != nil {
				t.Fatal(err)
			}
			w := storetest.Build(t, s)
			raw := storetest.Insider(t, engine, dsn)
			for _, q := range []string{
				`INSERT INTO items (code, name_zh, unit_zh, counted, purpose) VALUES ('1010101', '单帐篷', '顶', ` +
					map[string]string{"sqlite": "1", "postgres": "TRUE"}[engine] + `, 'life')`,
				`INSERT INTO lots (code, item_id, batch, quality, owner_id, created_at)
				 SELECT 'LOT-V1', i.id, 'B1', 'good', o.id, 0 FROM items i, orgs o WHERE i.code = '1010101' AND o.code = '` + w.Bureau + `'`,
				`INSERT INTO balances (depot_id, lot_id, item_id, quantity)
				 SELECT d.id, l.id, l.item_id, 7000 FROM depots d, lots l WHERE d.code = '` + w.DepotA + `' AND l.code = 'LOT-V1'`,
			} {
				mustExec(t, raw, q)
			}
			if err := s.Migrate(ctx, nil); err != nil {
				t.Fatalf("upgrade: %v", err)
			}
			rep, err := s.Balances(ctx, store.BalanceQuery{Depot: w.DepotA})
			if err != nil || len(rep.Rows) != 1 || rep.Rows[0].Quantity != stock.Units(7) || rep.Rows[0].Reserved != 0 {
				t.Fatalf("after the upgrade: %+v, %v", rep.Rows, err)
			}
			if _, err := raw.Exec(`UPDATE balances SET reserved = 8000`); err == nil {
				t.Fatal("reserving more than is on hand was accepted")
			}
		})
	}
}
