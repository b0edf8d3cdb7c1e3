package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
)

// Benchmarks of the ledger on each engine:
//
//	go test -bench . -run '^$' ./internal/store/
//
// They use a small ledger; bench/ledger measures the same operations on a
// ledger of millions of entries and prints them beside the targets.

// benchBatch is the lines per posting of BenchmarkPostBatch, as in
// bench/ledger.
const benchBatch = 1000

// eachEngine runs fn as a sub-benchmark per engine on a fresh store holding
// the storetest World.
func eachEngine(b *testing.B, fn func(b *testing.B, s *store.Store, w storetest.World)) {
	for _, engine := range storetest.Engines {
		b.Run(engine, func(b *testing.B) {
			s := storetest.Open(b, engine)
			fn(b, s, storetest.Build(b, s))
		})
	}
}

// cycler yields lines in cycles of five that leave no stock behind, so that
// any number of them can be posted, in postings of any size: a receipt of a
// new lot at A, an issue from it by lot code, an issue by FEFO, a transfer
// of the rest to B by FEFO, and an issue of it at B by lot code.
type cycler struct {
	w     storetest.World
	items []string
	n     int // lines so far
}

func newCycler(w storetest.World) *cycler {
	return &cycler{w: w, items: []string{storetest.Tent, storetest.Water, storetest.FoldingBed, storetest.Geotextile}}
}

func (c *cycler) line() stock.Line {
	k := c.n / 5
	code := fmt.Sprintf("BENCH-%08d", k)
	item := c.items[k%len(c.items)]
	l := stock.Line{Depot: c.w.DepotA, Item: item}
	switch c.n % 5 {
	case 0:
		l.Kind, l.Quantity = stock.KindReceive, stock.Units(10)
		l.NewLot = &stock.LotSpec{Code: code, Batch: code, ProducedOn: "2025-01-01", ExpiresOn: "2040-01-01"}
	case 1:
		l.Kind, l.Lot, l.Quantity = stock.KindIssue, code, stock.Units(2)
	case 2:
		l.Kind, l.Quantity = stock.KindIssue, stock.Units(2)
	case 3:
		l.Kind, l.ToDepot, l.Quantity = stock.KindTransfer, c.w.DepotB, stock.Units(6)
	case 4:
		l.Kind, l.Depot, l.Lot, l.Quantity = stock.KindIssue, c.w.DepotB, code, stock.Units(6)
	}
	c.n++
	return l
}

func (c *cycler) posting(n int) stock.Posting {
	p := stock.Posting{Actor: "bench", Reason: "benchmark", Lines: make([]stock.Line, n)}
	for i := range p.Lines {
		p.Lines[i] = c.line()
	}
	return p
}

func post(b *testing.B, s *store.Store, p stock.Posting) store.PostingResult {
	b.Helper()
	res, err := s.Post(context.Background(), p)
	if err != nil {
		b.Fatal(err)
	}
	return res
}

// BenchmarkPostBatch posts postings of benchBatch lines; an op is one
// posting.
func BenchmarkPostBatch(b *testing.B) {
	eachEngine(b, func(b *testing.B, s *store.Store, w storetest.World) {
		c := newCycler(w)
		lines := 0
		for b.Loop() {
			post(b, s, c.posting(benchBatch))
			lines += benchBatch
		}
		b.ReportMetric(float64(lines)/b.Elapsed().Seconds(), "movements/s")
	})
}

// BenchmarkPostSingle posts postings of one line each; an op is one
// posting.
func BenchmarkPostSingle(b *testing.B) {
	eachEngine(b, func(b *testing.B, s *store.Store, w storetest.World) {
		c := newCycler(w)
		for b.Loop() {
			post(b, s, c.posting(1))
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "movements/s")
	})
}

// BenchmarkBalanceByDepot reports a depot's stock per lot, with 200 lots
// on hand there and a history of 20,000 movements behind them. The stock
// stands at B, where the cycles issue by lot code only, so FEFO never
// touches it.
func BenchmarkBalanceByDepot(b *testing.B) {
	eachEngine(b, func(b *testing.B, s *store.Store, w storetest.World) {
		ctx := context.Background()
		items, err := s.Items(ctx, store.ItemFilter{})
		if err != nil {
			b.Fatal(err)
		}
		p := stock.Posting{Actor: "bench", Reason: "benchmark stock"}
		for i := range 200 {
			p.Lines = append(p.Lines, stock.Line{Kind: stock.KindReceive, Depot: w.DepotB, Item: items[i%40].Code,
				Quantity: stock.Units(100), NewLot: &stock.LotSpec{Batch: fmt.Sprint("S", i),
					ProducedOn: "2025-01-01", ExpiresOn: fmt.Sprintf("2030-01-%02d", 1+i%28)}})
		}
		post(b, s, p)
		c := newCycler(w)
		for range 20 {
			post(b, s, c.posting(benchBatch))
		}
		var rows int
		for b.Loop() {
			rep, err := s.Balances(ctx, store.BalanceQuery{Depot: w.DepotB, GroupBy: "lot"})
			if err != nil {
				b.Fatal(err)
			}
			rows = len(rep.Rows)
		}
		if rows != 200 {
			b.Fatalf("%d rows, want 200", rows)
		}
	})
}

// BenchmarkVerify verifies a ledger of 20,000 movements (24,000 entries);
// an op is one Verify.
func BenchmarkVerify(b *testing.B) {
	eachEngine(b, func(b *testing.B, s *store.Store, w storetest.World) {
		c := newCycler(w)
		for range 20 {
			post(b, s, c.posting(benchBatch))
		}
		var entries int64
		for b.Loop() {
			rep, err := s.Verify(context.Background(), nil)
			if err != nil {
				b.Fatal(err)
			}
			if !rep.OK {
				b.Fatalf("verify: %+v", rep)
			}
			entries += rep.Entries
		}
		b.ReportMetric(float64(entries)/b.Elapsed().Seconds(), "entries/s")
	})
}

// BenchmarkStatement makes May's receipts–issues–balance statement and the
// stock at the end of January 31, with 600 entries in May behind a history
// of 6,000 or 60,000 entries in January (history=5k, 50k lines): an op's
// time follows May's entries and the answer, not the history.
func BenchmarkStatement(b *testing.B) {
	ctx := context.Background()
	all := access.View{All: true}
	for _, history := range []int{5, 50} { // postings of benchBatch lines
		for _, engine := range storetest.Engines {
			b.Run(fmt.Sprintf("%s/history=%dk", engine, history), func(b *testing.B) {
				now := time.Date(2026, 1, 10, 2, 0, 0, 0, time.UTC)
				s := storetest.Open(b, engine, store.WithClock(func() time.Time { return now }))
				c := newCycler(storetest.Build(b, s))
				for range history {
					post(b, s, c.posting(benchBatch))
				}
				now = time.Date(2026, 5, 10, 2, 0, 0, 0, time.UTC)
				post(b, s, c.posting(500))
				now = time.Date(2026, 5, 20, 2, 0, 0, 0, time.UTC)
				b.Run("statement", func(b *testing.B) {
					for b.Loop() {
						rows, err := s.Statement(ctx, all, store.StatementFilter{From: "2026-05-01", To: "2026-05-31"})
						if err != nil || len(rows) != 8 {
							b.Fatalf("%d rows, %v; want 8 (4 items at 2 depots)", len(rows), err)
						}
					}
				})
				b.Run("as-of", func(b *testing.B) {
					for b.Loop() {
						if _, err := s.StockAsOf(ctx, all, store.AsOfFilter{Date: "2026-01-31"}); err != nil {
							b.Fatal(err)
						}
					}
				})
			})
		}
	}
}
