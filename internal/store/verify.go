package store

import (
	"context"
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
}

// VerifyReport is the outcome of Verify.
type VerifyReport struct {
	Entries    int64             `json:"entries"`
	Balances   int64             `json:"balances"`
	OK         bool              `json:"ok"`
	FirstBreak *Breach           `json:"first_break,omitempty"`
	Mismatches []BalanceMismatch `json:"balance_mismatches,omitempty"`
	Elapsed    time.Duration     `json:"elapsed_ns"`
}

// balanceKey identifies a balance.
type balanceKey struct{ depot, lot int64 }

// maxMismatches bounds the mismatches a report lists.
const maxMismatches = 100

// Verify recomputes the hash chain from the first entry and every balance
// from the entries, and reports the first entry that does not check out: one
// whose sequence number, previous hash or own hash is not what the chain
// says, or that drives a balance below zero. progress, if not nil, is called
// every 50,000 entries with the count so far and the expected total.
func (s *Store) Verify(ctx context.Context, progress func(done, total int64)) (VerifyReport, error) {
	start := time.Now()
	var rep VerifyReport
	var head ledgerHead
	if err := s.rdb.QueryRowContext(ctx, `SELECT seq, hash FROM ledger_head WHERE id = 1`).Scan(&head.seq, &head.hash); err != nil {
		return rep, fmt.Errorf("store: verify: %w", err)
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT seq, posting_id, kind, depot_id, lot_id, item_id, delta, actor,
		reason, at, prev_hash, hash FROM movements ORDER BY seq`)
	if err != nil {
		return rep, fmt.Errorf("store: verify: %w", err)
	}
	defer rows.Close()
	sums := map[balanceKey]stock.Quantity{}
	hasher := stock.NewHasher()
	prev := stock.GenesisHash
	breach := func(seq int64, en, zh string) {
		if rep.FirstBreak == nil {
			rep.FirstBreak = &Breach{Seq: seq, Reason: en, ZH: zh}
		}
	}
	var e stock.Entry
	var kind string
	for rows.Next() {
		if err := rows.Scan(&e.Seq, &e.PostingID, &kind, &e.DepotID, &e.LotID, &e.ItemID, &e.Delta, &e.Actor,
			&e.Reason, &e.At, &e.PrevHash, &e.Hash); err != nil {
			return rep, fmt.Errorf("store: verify: %w", err)
		}
		e.Kind = stock.EntryKind(kind)
		rep.Entries++
		switch {
		case e.Seq != rep.Entries:
			breach(e.Seq, fmt.Sprintf("expected entry %d here: entries are missing", rep.Entries),
				fmt.Sprintf("此处应为第 %d 条:有记录缺失", rep.Entries))
		case e.PrevHash != prev:
			breach(e.Seq, "previous-hash link does not match the entry before", "前序哈希与上一条记录不符")
		case hasher.Hash(&e) != e.Hash:
			breach(e.Seq, "entry content does not match its hash: it was altered", "记录内容与其哈希不符:已被篡改")
		}
		prev = e.Hash
		k := balanceKey{e.DepotID, e.LotID}
		sums[k] += e.Delta
		if sums[k] < 0 {
			breach(e.Seq, "balance goes negative after this entry", "该记录使库存变为负数")
		}
		if progress != nil && rep.Entries%50000 == 0 {
			progress(rep.Entries, head.seq)
		}
	}
	if err := rows.Err(); err != nil {
		return rep, fmt.Errorf("store: verify: %w", err)
	}
	if head.seq != rep.Entries || head.hash != prev {
		breach(rep.Entries+1, fmt.Sprintf("ledger head says %d entries, found %d: entries at the end are missing or the head was altered", head.seq, rep.Entries),
			fmt.Sprintf("账本头记录 %d 条,实际 %d 条:末尾记录缺失或账本头被改动", head.seq, rep.Entries))
	}
	if err := s.verifyBalances(ctx, sums, &rep); err != nil {
		return rep, err
	}
	rep.OK = rep.FirstBreak == nil && len(rep.Mismatches) == 0
	rep.Elapsed = time.Since(start)
	if progress != nil {
		progress(rep.Entries, head.seq)
	}
	return rep, nil
}

func (s *Store) verifyBalances(ctx context.Context, sums map[balanceKey]stock.Quantity, rep *VerifyReport) error {
	rows, err := s.rdb.QueryContext(ctx, `SELECT depot_id, lot_id, quantity FROM balances`)
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
		if err := rows.Scan(&m.DepotID, &m.LotID, &m.Stored); err != nil {
			return fmt.Errorf("store: verify balances: %w", err)
		}
		rep.Balances++
		k := balanceKey{m.DepotID, m.LotID}
		seen[k] = true
		if m.Ledger = sums[k]; m.Ledger != m.Stored {
			mismatch(m)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: verify balances: %w", err)
	}
	for k, q := range sums {
		if !seen[k] && q != 0 {
			mismatch(BalanceMismatch{DepotID: k.depot, LotID: k.lot, Ledger: q})
		}
	}
	for i := range rep.Mismatches {
		m := &rep.Mismatches[i]
		err := s.rdb.QueryRowContext(ctx, s.q(`SELECT d.code, l.code FROM depots d, lots l WHERE d.id = ? AND l.id = ?`),
			m.DepotID, m.LotID).Scan(&m.DepotCode, &m.LotCode)
		if err != nil {
			return fmt.Errorf("store: verify balances: %w", err)
		}
	}
	return nil
}
