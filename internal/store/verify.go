package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/stockpile-dev/stockpile/internal/stock"
)

// Breach is the first point where the ledger does not check out.
type Breach struct {
	Seq    int64  `json:"seq"`
	Reason string `json:"reason"` // what failed, in English
	ZH     string `json:"reason_zh"`
}

// BalanceMismatch is a stored balance that differs from the sum of its
// ledger entries.
type BalanceMismatch struct {
	DepotID   int64          `json:"-"`
	LotID     int64          `json:"-"`
	DepotCode string         `json:"depot"`
	LotCode   string         `json:"lot"`
	Stored    stock.Quantity `json:"stored"`
	Ledger    stock.Quantity `json:"ledger"`
	// Reserved units, stored and recomputed, when they differ.
	StoredReserved stock.Quantity `json:"stored_reserved,omitempty"`
	LedgerReserved stock.Quantity `json:"ledger_reserved,omitempty"`
}

// sum is a balance recomputed from the ledger, and its lot's item.
type sum struct {
	qty, reserved stock.Quantity
	item          int64
}

// VerifyReport is the outcome of Verify.
type VerifyReport struct {
	Entries    int64             `json:"entries"`
	Balances   int64             `json:"balances"`
	OK         bool              `json:"ok"`
	FirstBreak *Breach           `json:"first_break,omitempty"`
	Mismatches []BalanceMismatch `json:"balance_mismatches,omitempty"`
	// Totals is the number of stock totals checked (depot_stock and
	// area_stock rows, and totals the ledger says should exist);
	// TotalMismatches lists those that differ from the sums of the
	// ledger (at most 100).
	Totals          int64           `json:"totals"`
	TotalMismatches []TotalMismatch `json:"total_mismatches,omitempty"`
	// BrokenRefs lists references of the entries and lots that lead
	// nowhere (at most 100; verifyrefs.go).
	BrokenRefs []BrokenRef `json:"broken_references,omitempty"`
	// Audit is the check of the audit trail's own chain, read in the same
	// snapshot.
	Audit   AuditReport   `json:"audit"`
	Elapsed time.Duration `json:"elapsed_ns"`
}

// balanceKey identifies a balance.
type balanceKey struct{ depot, lot int64 }

// maxMismatches bounds the mismatches a report lists.
const maxMismatches = 100

// Verify recomputes the hash chain from the first entry, the audit trail's
// chain (VerifyReport.Audit), every balance and every stock total
// from the entries, and reports the first entry that does not check out: one
// whose sequence number, previous hash or own hash is not what the chain
// says, or that drives a balance below zero. progress, if not nil, is called
// every 50,000 entries with the count so far and the expected total.
//
// Verify reads in one read-only transaction, so it judges one state of the
// ledger even while postings commit: the head, the entries and the balances
// must be read from the same snapshot, or the entries and balances a
// posting adds between two reads look like tampering.
func (s *Store) Verify(ctx context.Context, progress func(done, total int64)) (VerifyReport, error) {
	return s.verify(ctx, progress, minRangeEntries)
}

// verify is Verify with ranges of at least minRange entries checked in
// parallel (verifyrange.go).
func (s *Store) verify(ctx context.Context, progress func(done, total int64), minRange int64) (VerifyReport, error) {
	start := time.Now()
	var rep VerifyReport
	// REPEATABLE READ gives PostgreSQL a snapshot for the whole transaction;
	// SQLite's transactions are serializable anyway, and a read transaction
	// in WAL mode keeps its snapshot from its first read until it ends.
	tx, err := s.rdb.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return rep, fmt.Errorf("store: verify: %w", err)
	}
	defer tx.Rollback()
	var head ledgerHead
	if err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM ledger_head WHERE id = 1`).Scan(&head.seq, &head.hash); err != nil {
		return rep, fmt.Errorf("store: verify: %w", err)
	}
	sums, clean, err := s.verifyChainParallel(ctx, tx, head, minRange, progress, &rep)
	if err != nil {
		return rep, err
	}
	if !clean {
		// Something does not check out: the sequential pass names the
		// first entry that breaks, exactly as it always has.
		rep.Entries = 0
		if sums, err = verifyChain(ctx, tx, head, progress, &rep); err != nil {
			return rep, err
		}
	}
	if err := s.verifyBalances(ctx, tx, sums, &rep); err != nil {
		return rep, err
	}
	if err := verifyTotals(ctx, tx, sums, &rep); err != nil {
		return rep, err
	}
	if err := verifyRefs(ctx, tx, sums, &rep); err != nil {
		return rep, err
	}
	if rep.Audit, err = verifyAudit(ctx, tx); err != nil {
		return rep, err
	}
	rep.OK = rep.FirstBreak == nil && len(rep.Mismatches) == 0 && len(rep.TotalMismatches) == 0 &&
		len(rep.BrokenRefs) == 0 && rep.Audit.OK
	rep.Elapsed = time.Since(start)
	if progress != nil {
		progress(rep.Entries, head.seq)
	}
	return rep, nil
}

// verifyBatch is the number of entries readEntries hands over at a time.
const verifyBatch = 1024

// readEntries sends every ledger entry, in chain order, to out in batches,
// reusing the batches that come back on free. It stops early when ctx is
// done.
func readEntries(ctx context.Context, tx *sql.Tx, out chan<- []stock.Entry, free <-chan []stock.Entry) error {
	rows, err := tx.QueryContext(ctx, `SELECT seq, posting_id, kind, depot_id, lot_id, item_id, delta, actor,
		reason, at, prev_hash, hash FROM movements ORDER BY seq`)
	if err != nil {
		return fmt.Errorf("store: verify: %w", err)
	}
	defer rows.Close()
	send := func(batch []stock.Entry) error {
		select {
		case out <- batch:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	batch := make([]stock.Entry, 0, verifyBatch)
	var kind string
	for rows.Next() {
		batch = append(batch, stock.Entry{})
		e := &batch[len(batch)-1]
		if err := rows.Scan(&e.Seq, &e.PostingID, &kind, &e.DepotID, &e.LotID, &e.ItemID, &e.Delta, &e.Actor,
			&e.Reason, &e.At, &e.PrevHash, &e.Hash); err != nil {
			return fmt.Errorf("store: verify: %w", err)
		}
		e.Kind = stock.EntryKind(kind)
		if len(batch) < verifyBatch {
			continue
		}
		if err := send(batch); err != nil {
			return err
		}
		select {
		case batch = <-free:
			batch = batch[:0]
		default:
			batch = make([]stock.Entry, 0, verifyBatch)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: verify: %w", err)
	}
	if len(batch) > 0 {
		return send(batch)
	}
	return nil
}

func (s *Store) verifyBalances(ctx context.Context, tx *sql.Tx, sums map[balanceKey]sum, rep *VerifyReport) error {
	rows, err := tx.QueryContext(ctx, `SELECT depot_id, lot_id, quantity, reserved FROM balances`)
	if err != nil {
		return fmt.Errorf("store: verify balances: %w", err)
	}
	defer rows.Close()
	seen := make(map[balanceKey]bool, len(sums))
	mismatch := func(m BalanceMismatch) {
		if len(rep.Mismatches) < maxMismatches {
			rep.Mismatches = append(rep.Mismatches, m)
		}
	}
	for rows.Next() {
		var m BalanceMismatch
		if err := rows.Scan(&m.DepotID, &m.LotID, &m.Stored, &m.StoredReserved); err != nil {
			return fmt.Errorf("store: verify balances: %w", err)
		}
		rep.Balances++
		k := balanceKey{m.DepotID, m.LotID}
		seen[k] = true
		b := sums[k]
		m.Ledger, m.LedgerReserved = b.qty, b.reserved
		if m.Ledger != m.Stored || m.LedgerReserved != m.StoredReserved {
			mismatch(m)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: verify balances: %w", err)
	}
	for k, b := range sums {
		if !seen[k] && (b.qty != 0 || b.reserved != 0) {
			mismatch(BalanceMismatch{DepotID: k.depot, LotID: k.lot, Ledger: b.qty, LedgerReserved: b.reserved})
		}
	}
	for i := range rep.Mismatches {
		m := &rep.Mismatches[i]
		err := tx.QueryRowContext(ctx, s.q(`SELECT d.code, l.code FROM depots d, lots l WHERE d.id = ? AND l.id = ?`),
			m.DepotID, m.LotID).Scan(&m.DepotCode, &m.LotCode)
		if err != nil {
			return fmt.Errorf("store: verify balances: %w", err)
		}
	}
	return nil
}

// verifyChain checks the chain and recomputes every balance in one pass
// in chain order, and records the first entry that does not check out.
func verifyChain(ctx context.Context, tx *sql.Tx, head ledgerHead, progress func(done, total int64),
	rep *VerifyReport) (map[balanceKey]sum, error) {
	// Decoding the rows takes about twice as long as hashing and summing
	// them, and both are CPU-bound: a second goroutine reads the entries in
	// batches while this one checks them, so Verify runs on two cores.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []stock.Entry, 2)
	free := make(chan []stock.Entry, 3)
	var readErr error
	go func() {
		defer close(batches)
		readErr = readEntries(ctx, tx, batches, free)
	}()
	sums := map[balanceKey]sum{}
	hasher := stock.NewHasher()
	prev := stock.GenesisHash
	breach := func(seq int64, en, zh string) {
		if rep.FirstBreak == nil {
			rep.FirstBreak = &Breach{Seq: seq, Reason: en, ZH: zh}
		}
	}
	for batch := range batches {
		for i := range batch {
			e := &batch[i]
			rep.Entries++
			switch {
			case e.Seq != rep.Entries:
				breach(e.Seq, fmt.Sprintf("expected entry %d here: entries are missing", rep.Entries),
					fmt.Sprintf("此处应为第 %d 条：有记录缺失", rep.Entries))
			case e.PrevHash != prev:
				breach(e.Seq, "previous-hash link does not match the entry before", "前序哈希与上一条记录不符")
			case hasher.Hash(e) != e.Hash:
				breach(e.Seq, "entry content does not match its hash: it was altered", "记录内容与其哈希不符：已被篡改")
			}
			prev = e.Hash
			k := balanceKey{e.DepotID, e.LotID}
			b := sums[k]
			b.item = e.ItemID
			if e.Kind.Reservation() {
				b.reserved += e.Delta
			} else {
				b.qty += e.Delta
			}
			sums[k] = b
			switch {
			case b.qty < 0:
				breach(e.Seq, "balance goes negative after this entry", "该记录使库存变为负数")
			case b.reserved < 0 || b.reserved > b.qty:
				breach(e.Seq, "reserved units fall outside 0 and the quantity on hand after this entry",
					"该记录使预留数量小于 0 或超过在库数量")
			}
			if progress != nil && rep.Entries%50000 == 0 {
				progress(rep.Entries, head.seq)
			}
		}
		select {
		case free <- batch:
		default:
		}
	}
	if readErr != nil {
		return nil, readErr
	}
	if head.seq != rep.Entries || head.hash != prev {
		breach(rep.Entries+1, fmt.Sprintf("ledger head says %d entries, found %d: entries at the end are missing or the head was altered", head.seq, rep.Entries),
			fmt.Sprintf("账本头记录 %d 条，实际 %d 条：末尾记录缺失或账本头被改动", head.seq, rep.Entries))
	}
	return sums, nil
}
