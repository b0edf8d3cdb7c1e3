package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/stock"
)

// balanceOverlay holds the balances one posting reads and changes, so that
// each line is checked and applied in memory and the posting writes every
// balance it touched once, in a few multi-row statements, when it ends.
//
// This is sound because postings are serialised: every posting takes the
// ledger head row first (a row lock on PostgreSQL; SQLite's BEGIN IMMEDIATE
// holds the write lock), and nothing but a posting writes balances. What a
// posting reads after taking the head therefore stays true until it
// commits. The CHECK (quantity >= 0) on the table remains the last guard.
type balanceOverlay struct {
	s       *Store
	lots    map[balanceKey]*heldLot
	byStock map[stockKey][]balanceKey // lots of an item at a depot that the overlay holds
	loaded  map[stockKey]bool         // byStock holds every lot of the item at the depot
	order   []balanceKey              // first-touched order, for deterministic writes
}

type stockKey struct{ depot, item int64 }

// heldLot is one lot's balance at one depot: what the table holds (stored,
// zero when absent) and what it will hold when the posting commits.
type heldLot struct {
	item      int64
	stored    int64
	inTable   bool
	candidate stock.Candidate // Available is the current quantity
}

func newBalanceOverlay(s *Store) *balanceOverlay {
	return &balanceOverlay{s: s, lots: map[balanceKey]*heldLot{}, byStock: map[stockKey][]balanceKey{},
		loaded: map[stockKey]bool{}}
}

// held returns the balance of lot at depot, reading it on first use.
func (o *balanceOverlay) held(ctx context.Context, depot int64, lot stock.Lot, item int64) (*heldLot, error) {
	k := balanceKey{depot, lot.ID}
	if h, ok := o.lots[k]; ok {
		return h, nil
	}
	var q int64
	err := o.s.queryRow(ctx, `SELECT quantity FROM balances WHERE depot_id = ? AND lot_id = ?`, depot, lot.ID).Scan(&q)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: balance: %w", err)
	}
	h := &heldLot{item: item, stored: q, inTable: err == nil, candidate: stock.Candidate{LotID: lot.ID,
		LotCode: lot.Code, ExpiresOn: lot.ExpiresOn, ProducedOn: lot.ProducedOn, Quality: lot.Quality,
		Available: stock.Quantity(q)}}
	o.add(k, h)
	return h, nil
}

func (o *balanceOverlay) add(k balanceKey, h *heldLot) {
	o.lots[k] = h
	o.order = append(o.order, k)
	sk := stockKey{k.depot, h.item}
	o.byStock[sk] = append(o.byStock[sk], k)
}

// change adds delta to a balance, refusing to take it below zero.
func (o *balanceOverlay) change(ctx context.Context, depot int64, lot stock.Lot, item int64, delta stock.Quantity) error {
	h, err := o.held(ctx, depot, lot, item)
	if err != nil {
		return err
	}
	if h.candidate.Available+delta < 0 {
		return stock.Insufficient(-delta, h.candidate.Available)
	}
	h.candidate.Available += delta
	return nil
}

// candidates returns the lots of an item that a depot holds, for FEFO, as
// they stand after the lines applied so far.
func (o *balanceOverlay) candidates(ctx context.Context, depot, item int64) ([]stock.Candidate, error) {
	sk := stockKey{depot, item}
	if !o.loaded[sk] {
		if err := o.loadStock(ctx, sk); err != nil {
			return nil, err
		}
	}
	var cands []stock.Candidate
	for _, k := range o.byStock[sk] {
		if c := o.lots[k].candidate; c.Available > 0 {
			cands = append(cands, c)
		}
	}
	return cands, nil
}

// loadStock reads every lot of an item at a depot into the overlay; lots it
// already holds keep their in-posting quantities.
func (o *balanceOverlay) loadStock(ctx context.Context, sk stockKey) error {
	rows, err := o.s.query(ctx, `SELECT l.id, l.code, l.expires_on, l.produced_on, l.quality, b.quantity
		FROM balances b JOIN lots l ON l.id = b.lot_id
		WHERE b.depot_id = ? AND b.item_id = ?`, sk.depot, sk.item)
	if err != nil {
		return fmt.Errorf("store: candidates: %w", err)
	}
	cands, err := collect(rows, func(r *sql.Rows) (c stock.Candidate, err error) {
		var q string
		err = r.Scan(&c.LotID, &c.LotCode, &c.ExpiresOn, &c.ProducedOn, &q, &c.Available)
		c.Quality = stock.Quality(q)
		return c, err
	})
	if err != nil {
		return fmt.Errorf("store: candidates: %w", err)
	}
	for _, c := range cands {
		k := balanceKey{sk.depot, c.LotID}
		if _, ok := o.lots[k]; !ok {
			o.add(k, &heldLot{item: sk.item, stored: int64(c.Available), inTable: true, candidate: c})
		}
	}
	o.loaded[sk] = true
	return nil
}

// balanceRowsPerInsert bounds a multi-row balance upsert: 256 rows of four
// values stay far below both engines' limits on bound parameters.
const balanceRowsPerInsert = 256

// flush writes every changed balance: upserts of the new quantities, and
// deletes of balances that reached zero (the table holds stock on hand
// only; left in place, emptied balances would soon outnumber live ones and
// slow every FEFO pick and report).
func (o *balanceOverlay) flush(ctx context.Context) error {
	var upserts, deletes []any
	for _, k := range o.order {
		h := o.lots[k]
		q := int64(h.candidate.Available)
		switch {
		case h.inTable && q == h.stored:
		case q == 0 && h.inTable:
			deletes = append(deletes, k.depot, k.lot)
		case q != 0:
			upserts = append(upserts, k.depot, k.lot, h.item, q)
		}
	}
	if err := o.s.execRows(ctx, `INSERT INTO balances (depot_id, lot_id, item_id, quantity) VALUES `, "(?, ?, ?, ?)",
		` ON CONFLICT (depot_id, lot_id) DO UPDATE SET quantity = excluded.quantity`, 4, balanceRowsPerInsert, upserts); err != nil {
		return fmt.Errorf("store: write balances: %w", err)
	}
	if err := o.s.execRows(ctx, `DELETE FROM balances WHERE (depot_id, lot_id) IN (VALUES `,
		"(CAST(? AS BIGINT), CAST(? AS BIGINT))", `)`,
		2, balanceRowsPerInsert, deletes); err != nil {
		return fmt.Errorf("store: delete empty balances: %w", err)
	}
	return nil
}

// execRows runs prefix + "row, row, …" + suffix over args, width values per
// row, in statements of at most maxRows rows. Statement sizes are powers of
// two, so few distinct texts occur and each is prepared once and reused.
func (s *Store) execRows(ctx context.Context, prefix, row, suffix string, width, maxRows int, args []any) error {
	for len(args) > 0 {
		n := maxRows
		for n*width > len(args) {
			n /= 2
		}
		query := prefix + strings.TrimSuffix(strings.Repeat(row+", ", n), ", ") + suffix
		if _, err := s.exec(ctx, query, args[:n*width]...); err != nil {
			return err
		}
		args = args[n*width:]
	}
	return nil
}

// addNew enters a lot created by this posting, which holds nothing yet.
func (o *balanceOverlay) addNew(depot int64, lot stock.Lot, item int64) {
	o.add(balanceKey{depot, lot.ID}, &heldLot{item: item, candidate: stock.Candidate{LotID: lot.ID,
		LotCode: lot.Code, ExpiresOn: lot.ExpiresOn, ProducedOn: lot.ProducedOn, Quality: lot.Quality}})
}
