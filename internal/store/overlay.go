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
// commits. The table's checks (quantity >= 0, 0 <= reserved <= quantity)
// remain the last guard.
type balanceOverlay struct {
	s       *Store
	lots    map[balanceKey]*heldLot
	byStock map[stockKey][]balanceKey // lots of an item at a depot that the overlay holds
	loaded  map[stockKey]bool         // byStock holds every lot of the item at the depot
	order   []balanceKey              // first-touched order, for deterministic writes
}

type stockKey struct{ depot, item int64 }

// heldLot is one lot's balance at one depot: what the table holds (stored,
// zero when absent) and what it will hold when the posting commits (now).
type heldLot struct {
	item    int64
	inTable bool
	stored  stock.Balance
	now     stock.Balance
	lot     stock.Candidate // the lot's details; Available is unused
}

func newBalanceOverlay(s *Store) *balanceOverlay {
	return &balanceOverlay{s: s, lots: map[balanceKey]*heldLot{}, byStock: map[stockKey][]balanceKey{},
		loaded: map[stockKey]bool{}}
}

func heldFor(lot stock.Lot, item int64) *heldLot {
	return &heldLot{item: item, lot: stock.Candidate{LotID: lot.ID, LotCode: lot.Code, ExpiresOn: lot.ExpiresOn,
		ProducedOn: lot.ProducedOn, Quality: lot.Quality}}
}

// held returns the balance of lot at depot, reading it on first use.
func (o *balanceOverlay) held(ctx context.Context, depot int64, lot stock.Lot, item int64) (*heldLot, error) {
	k := balanceKey{depot, lot.ID}
	if h, ok := o.lots[k]; ok {
		return h, nil
	}
	h := heldFor(lot, item)
	err := o.s.queryRow(ctx, `SELECT quantity, reserved FROM balances WHERE depot_id = ? AND lot_id = ?`, depot, lot.ID).
		Scan(&h.stored.OnHand, &h.stored.Reserved)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: balance: %w", err)
	}
	h.inTable, h.now = err == nil, h.stored
	o.add(k, h)
	return h, nil
}

func (o *balanceOverlay) add(k balanceKey, h *heldLot) {
	o.lots[k] = h
	o.order = append(o.order, k)
	sk := stockKey{k.depot, h.item}
	o.byStock[sk] = append(o.byStock[sk], k)
}

// addNew enters a lot created by this posting, which holds nothing yet.
func (o *balanceOverlay) addNew(depot int64, lot stock.Lot, item int64) {
	o.add(balanceKey{depot, lot.ID}, heldFor(lot, item))
}

// change applies one entry's delta to the lot's balance at the depot by
// the ledger's rules (stock.Balance.Apply).
func (o *balanceOverlay) change(ctx context.Context, kind stock.EntryKind, depot int64, lot stock.Lot, item int64, delta stock.Quantity) error {
	h, err := o.held(ctx, depot, lot, item)
	if err != nil {
		return err
	}
	return h.now.Apply(lot.Code, kind, delta)
}

// candidates returns the lots of an item that a depot holds, for FEFO, as
// they stand after the lines applied so far; Available is the free part.
func (o *balanceOverlay) candidates(ctx context.Context, depot, item int64) ([]stock.Candidate, error) {
	sk := stockKey{depot, item}
	if !o.loaded[sk] {
		if err := o.loadStock(ctx, sk); err != nil {
			return nil, err
		}
	}
	var cands []stock.Candidate
	for _, k := range o.byStock[sk] {
		h := o.lots[k]
		if free := h.now.Free(); free > 0 {
			c := h.lot
			c.Available = free
			cands = append(cands, c)
		}
	}
	return cands, nil
}

// loadStock reads every lot of an item at a depot into the overlay; lots it
// already holds keep their in-posting quantities.
func (o *balanceOverlay) loadStock(ctx context.Context, sk stockKey) error {
	rows, err := o.s.query(ctx, `SELECT l.id, l.code, l.expires_on, l.produced_on, l.quality, b.quantity, b.reserved
		FROM balances b JOIN lots l ON l.id = b.lot_id
		WHERE b.depot_id = ? AND b.item_id = ?`, sk.depot, sk.item)
	if err != nil {
		return fmt.Errorf("store: candidates: %w", err)
	}
	hs, err := collect(rows, func(r *sql.Rows) (*heldLot, error) {
		h := &heldLot{item: sk.item, inTable: true}
		var q string
		err := r.Scan(&h.lot.LotID, &h.lot.LotCode, &h.lot.ExpiresOn, &h.lot.ProducedOn, &q, &h.stored.OnHand, &h.stored.Reserved)
		h.lot.Quality = stock.Quality(q)
		h.now = h.stored
		return h, err
	})
	if err != nil {
		return fmt.Errorf("store: candidates: %w", err)
	}
	for _, h := range hs {
		k := balanceKey{sk.depot, h.lot.LotID}
		if _, ok := o.lots[k]; !ok {
			o.add(k, h)
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
		switch {
		case h.inTable && h.now == h.stored:
		case h.now.OnHand == 0 && h.inTable:
			deletes = append(deletes, k.depot, k.lot)
		case h.now.OnHand != 0:
			upserts = append(upserts, k.depot, k.lot, h.item, int64(h.now.OnHand), int64(h.now.Reserved))
		}
	}
	if err := o.s.execRows(ctx, `INSERT INTO balances (depot_id, lot_id, item_id, quantity, reserved) VALUES `,
		"(?, ?, ?, ?, ?)", ` ON CONFLICT (depot_id, lot_id) DO UPDATE SET quantity = excluded.quantity, reserved = excluded.reserved`,
		5, balanceRowsPerInsert, upserts); err != nil {
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
