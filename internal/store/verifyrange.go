package store

import (
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/stockpile-dev/stockpile/internal/stock"
)

// The chain check parallelises: an entry's hash depends on its own content
// and its prev_hash only, so ranges of sequence numbers are read and hashed
// at once, each by its own connection, and only the links between ranges
// and the running balances are put together in order afterwards. Entries
// up to the head read in Verify's snapshot never change (they are
// append-only), so reading them from other connections sees the same rows.
//
// A balance must not go below zero, nor its reservation outside 0 and the
// quantity, after any entry. Each range keeps, per balance, its sums and
// the lowest running values within the range; added to what the ranges
// before it sum to, they show whether a limit was crossed. Any breach sends
// Verify to the sequential pass (verifyChain), which names the first
// entry that breaks; the parallel pass only ever answers "clean".

// minRangeEntries is the fewest entries worth a range of their own.
const minRangeEntries = 20000

// rangeSum is one balance's change over a range of entries, and the lowest
// running quantity, reservation and free quantity within it.
type rangeSum struct {
	qty, reserved        stock.Quantity
	minQty, minRes, minF stock.Quantity
	item                 int64
}

// chainRange is the outcome of checking entries lo..hi.
type chainRange struct {
	lo, hi    int64
	n         int64
	firstPrev string // prev_hash of the first entry
	lastHash  string
	bad       bool
	sums      map[balanceKey]*rangeSum
}

// verifyChainParallel checks entries 1..head.seq in ranges, in parallel,
// and returns the recomputed balances, or clean false when anything fails
// to check out.
func (s *Store) verifyChainParallel(ctx context.Context, tx *sql.Tx, head ledgerHead, minRange int64,
	progress func(done, total int64), rep *VerifyReport) (map[balanceKey]sum, bool, error) {
	var lo, hi sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT MIN(seq), MAX(seq) FROM movements`).Scan(&lo, &hi); err != nil {
		return nil, false, fmt.Errorf("store: verify: %w", err)
	}
	if head.seq == 0 || lo.Int64 != 1 || hi.Int64 != head.seq {
		return nil, false, nil
	}
	ranges := splitRanges(head.seq, s.verifyWorkers(), minRange)
	var done atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, len(ranges))
	for i := range ranges {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.checkRange(ctx, ranges[i], &done)
		}()
	}
	waitWithProgress(&wg, progress, &done, head.seq)
	for _, err := range errs {
		if err != nil {
			return nil, false, err
		}
	}
	sums, clean := mergeRanges(ranges, head)
	rep.Entries = done.Load()
	return sums, clean, nil
}

// verifyWorkers is how many ranges read at once: two per core, since a
// worker waits for rows part of the time, and on SQLite at most one less
// than the read pool's connections, one of which holds Verify's snapshot.
func (s *Store) verifyWorkers() int {
	n := 2 * runtime.GOMAXPROCS(0)
	if s.rdb.Stats().MaxOpenConnections > 0 {
		n = min(n, s.rdb.Stats().MaxOpenConnections-1)
	}
	return max(n, 1)
}

func splitRanges(total int64, workers int, minRange int64) []*chainRange {
	n := max(min(int64(workers), total/minRange), 1)
	out := make([]*chainRange, n)
	for i := range out {
		out[i] = &chainRange{lo: total*int64(i)/n + 1, hi: total * int64(i+1) / n,
			sums: map[balanceKey]*rangeSum{}}
	}
	return out
}

func waitWithProgress(wg *sync.WaitGroup, progress func(done, total int64), done *atomic.Int64, total int64) {
	finished := make(chan struct{})
	go func() {
		wg.Wait()
		close(finished)
	}()
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-finished:
			return
		case <-tick.C:
			if progress != nil {
				progress(done.Load(), total)
			}
		}
	}
}

// checkRange reads and checks the entries of r; it stops at the first
// that does not check out.
func (s *Store) checkRange(ctx context.Context, r *chainRange, done *atomic.Int64) error {
	rows, err := s.rdb.QueryContext(ctx, s.q(`SELECT seq, posting_id, kind, depot_id, lot_id, item_id, delta, actor,
		reason, at, prev_hash, hash FROM movements WHERE seq BETWEEN ? AND ? ORDER BY seq`), r.lo, r.hi)
	if err != nil {
		return fmt.Errorf("store: verify: %w", err)
	}
	defer rows.Close()
	hasher := stock.NewHasher()
	var e stock.Entry
	var kind, prev string
	var kinds = map[string]stock.EntryKind{} // interned: one string per kind, not per entry
	for rows.Next() {
		if err := rows.Scan(&e.Seq, &e.PostingID, &kind, &e.DepotID, &e.LotID, &e.ItemID, &e.Delta, &e.Actor,
			&e.Reason, &e.At, &e.PrevHash, &e.Hash); err != nil {
			return fmt.Errorf("store: verify: %w", err)
		}
		k, ok := kinds[kind]
		if !ok {
			k = stock.EntryKind(kind)
			kinds[kind] = k
		}
		e.Kind = k
		if r.n == 0 {
			r.firstPrev = e.PrevHash
		}
		if e.Seq != r.lo+r.n || (r.n > 0 && e.PrevHash != prev) || hasher.Hash(&e) != e.Hash {
			r.bad = true
			return nil
		}
		prev = e.Hash
		r.n++
		r.add(&e)
		if r.n%4096 == 0 {
			done.Add(4096)
		}
	}
	done.Add(r.n % 4096)
	r.lastHash = prev
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: verify: %w", err)
	}
	return nil
}

func (r *chainRange) add(e *stock.Entry) {
	k := balanceKey{e.DepotID, e.LotID}
	b := r.sums[k]
	if b == nil {
		b = &rangeSum{item: e.ItemID}
		r.sums[k] = b
	}
	if e.Kind.Reservation() {
		b.reserved += e.Delta
		b.minRes = min(b.minRes, b.reserved)
	} else {
		b.qty += e.Delta
		b.minQty = min(b.minQty, b.qty)
	}
	b.minF = min(b.minF, b.qty-b.reserved)
}

// mergeRanges links the ranges in order and adds up their balances; clean
// is false if a link, a count or a limit on a balance fails.
func mergeRanges(ranges []*chainRange, head ledgerHead) (map[balanceKey]sum, bool) {
	prev := stock.GenesisHash
	size := 0
	for _, r := range ranges {
		size = max(size, len(r.sums))
	}
	sums := make(map[balanceKey]sum, size)
	for _, r := range ranges {
		if r.bad || r.n != r.hi-r.lo+1 || r.firstPrev != prev {
			return nil, false
		}
		prev = r.lastHash
		for k, d := range r.sums {
			b := sums[k]
			if b.qty+d.minQty < 0 || b.reserved+d.minRes < 0 || b.qty-b.reserved+d.minF < 0 {
				return nil, false
			}
			b.qty, b.reserved, b.item = b.qty+d.qty, b.reserved+d.reserved, d.item
			sums[k] = b
		}
	}
	return sums, prev == head.hash
}
