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
// balance it touched once, in a few multi-row statements, when it ends
// (or, for a stream, at the end of each chunk of lines).
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
	// areas maps a depot to its area and every ancestor area, whose stock
	// totals (area_stock) change with the depot's. The poster fills it.
	areas map[int64][]int64
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

func newBalanceOverlay(s *Store, areas map[int64][]int64) *balanceOverlay {
	return &balanceOverlay{s: s, lots: map[balanceKey]*heldLot{}, byStock: map[stockKey][]balanceKey{},
		loaded: map[stockKey]bool{}, areas: areas}
}

func heldFor(lot stock.Lot, item int64) *heldLot {
	return &heldLot{item: item, lot: stock.Candidate{LotID: lot.ID, LotCode: lot.Code, ExpiresOn: lot.ExpiresOn,
		ProducedOn: lot.ProducedOn, Quality: lot.Quality}}
}

// held returns the balance of lot at depot, reading it on first use. When
// the overlay has loaded every lot of the item at the depot (prefetch), a
// lot it does not hold has no balance there and nothing is read.
func (o *balanceOverlay) held(ctx context.Context, depot int64, lot stock.Lot, item int64) (*heldLot, error) {
	k := balanceKey{depot, lot.ID}
	if h, ok := o.lots[k]; ok {
		return h, nil
	}
	h := heldFor(lot, item)
	if o.loaded[stockKey{depot, item}] {
		o.add(k, h)
		return h, nil
	}
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
		if err := o.load(ctx, []stockKey{sk}); err != nil {
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

// stockKeysPerSelect bounds the (depot, item) pairs one prefetch SELECT
// names: 256 pairs are 512 bound values.
const stockKeysPerSelect = 256

// load reads every lot of the given items at the given depots into the
// overlay, in a few multi-row SELECTs; lots it already holds keep their
// in-posting quantities. Reading the stock a posting touches up front, a
// SELECT per 256 (depot, item) pairs instead of one per pair and one per
// named lot, took the statements of a 1,000-line posting from about 1,600
// to about 10.
func (o *balanceOverlay) load(ctx context.Context, keys []stockKey) error {
	var todo []any
	for _, sk := range keys {
		if !o.loaded[sk] {
			o.loaded[sk] = true // set now, so that a key named twice is read once
			todo = append(todo, sk.item, sk.depot)
		}
	}
	for len(todo) > 0 {
		n := stockKeysPerSelect // pairs; a power of two, as in execRows
		for 2*n > len(todo) {
			n /= 2
		}
		if err := o.loadSome(ctx, todo[:2*n]); err != nil {
			return err
		}
		todo = todo[2*n:]
	}
	return nil
}

func (o *balanceOverlay) loadSome(ctx context.Context, args []any) error {
	rows, err := o.s.query(ctx, `SELECT b.depot_id, b.item_id, l.id, l.code, l.expires_on, l.produced_on, l.quality,
		b.quantity, b.reserved FROM `+valuesOf(pairRow, len(args)/2)+` CROSS JOIN balances b CROSS JOIN lots l
		WHERE b.item_id = v.column1 AND b.depot_id = v.column2 AND l.id = b.lot_id`,
		args...)
	if err != nil {
		return fmt.Errorf("store: read balances: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		h := &heldLot{inTable: true}
		var depot int64
		var q string
		if err := rows.Scan(&depot, &h.item, &h.lot.LotID, &h.lot.LotCode, &h.lot.ExpiresOn, &h.lot.ProducedOn, &q,
			&h.stored.OnHand, &h.stored.Reserved); err != nil {
			return fmt.Errorf("store: read balances: %w", err)
		}
		h.lot.Quality = stock.Quality(q)
		h.now = h.stored
		if k := (balanceKey{depot, h.lot.LotID}); o.lots[k] == nil {
			o.add(k, h)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: read balances: %w", err)
	}
	return nil
}

// heldKey names a lot's balance at a depot, with the lot's details.
type heldKey struct {
	balanceKey
	lot  stock.Lot
	item int64
}

// loadLots reads the balances of the given lots at the given depots into
// the overlay, in a few multi-row SELECTs; a lot without one there is
// entered as holding nothing, so that held reads nothing more.
func (o *balanceOverlay) loadLots(ctx context.Context, keys []heldKey) error {
	todo := make([]any, 0, 2*len(keys))
	want := make(map[balanceKey]heldKey, len(keys))
	for _, k := range keys {
		if _, ok := o.lots[k.balanceKey]; !ok && !o.loaded[stockKey{k.depot, k.item}] {
			if _, dup := want[k.balanceKey]; !dup {
				want[k.balanceKey] = k
				todo = append(todo, k.depot, k.lot.ID)
			}
		}
	}
	for len(todo) > 0 {
		n := stockKeysPerSelect
		for 2*n > len(todo) {
			n /= 2
		}
		if err := o.loadLotsSome(ctx, todo[:2*n], want); err != nil {
			return err
		}
		todo = todo[2*n:]
	}
	for _, k := range keys {
		if _, ok := o.lots[k.balanceKey]; !ok && !o.loaded[stockKey{k.depot, k.item}] {
			o.add(k.balanceKey, heldFor(k.lot, k.item))
		}
	}
	return nil
}

func (o *balanceOverlay) loadLotsSome(ctx context.Context, args []any, want map[balanceKey]heldKey) error {
	rows, err := o.s.query(ctx, `SELECT b.depot_id, b.lot_id, b.quantity, b.reserved FROM `+valuesOf(pairRow, len(args)/2)+`
		CROSS JOIN balances b WHERE b.depot_id = v.column1 AND b.lot_id = v.column2`, args...)
	if err != nil {
		return fmt.Errorf("store: read balances: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k balanceKey
		var b stock.Balance
		if err := rows.Scan(&k.depot, &k.lot, &b.OnHand, &b.Reserved); err != nil {
			return fmt.Errorf("store: read balances: %w", err)
		}
		w := want[k]
		h := heldFor(w.lot, w.item)
		h.inTable, h.stored, h.now = true, b, b
		if _, ok := o.lots[k]; !ok {
			o.add(k, h)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: read balances: %w", err)
	}
	return nil
}

// rowsOf is n copies of row separated by commas.
func rowsOf(row string, n int) string {
	return strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}

// pairRow is a row of two integer keys for valuesOf and inValues.
const pairRow = "(CAST(? AS BIGINT), CAST(? AS BIGINT))"

// valuesOf is a table v of n rows, its columns column1, column2, … (the
// name both engines give the columns of VALUES), for a statement to look
// its keys up from: "FROM valuesOf CROSS JOIN t WHERE t.a = v.column1 …".
// SQLite then searches t's index once per row of v. A row-value
// IN (VALUES …) scanned the whole table or index instead (EXPLAIN QUERY
// PLAN: "SCAN balances … LIST SUBQUERY"), so that every posting's cost
// grew with the ledger; and a plain JOIN of 256 rows made SQLite's planner
// scan t and search v ("AUTOMATIC COVERING INDEX"). CROSS JOIN keeps the
// order on SQLite; PostgreSQL plans it as any inner join.
func valuesOf(row string, n int) string {
	return "(VALUES " + rowsOf(row, n) + ") AS v"
}

// inValues is the tail of a condition "(a, b) IN " for statements that
// cannot join (DELETE): a subquery over valuesOf, which SQLite also
// searches an index for, unlike IN (VALUES …).
const inValues = "(SELECT * FROM (VALUES "

// balanceRowsPerInsert bounds a multi-row balance upsert: 256 rows of five
// values stay far below both engines' limits on bound parameters.
const balanceRowsPerInsert = 256

// flush writes every changed balance: upserts of the new quantities, and
// deletes of balances that reached zero (the table holds stock on hand
// only; left in place, emptied balances would soon outnumber live ones and
// slow every FEFO pick and report). It then applies the changes to the
// stock totals per depot and per area (totals.go).
func (o *balanceOverlay) flush(ctx context.Context) error {
	var upserts, deletes []any
	t := newTotals()
	held := map[stockKey]bool{} // the depot holds some of the item after the posting
	for k, h := range o.lots {
		if h.now.OnHand > 0 {
			held[stockKey{k.depot, h.item}] = true
		}
	}
	for _, k := range o.order {
		h := o.lots[k]
		if h.inTable && h.now == h.stored {
			continue
		}
		switch {
		case h.now.OnHand == 0 && h.inTable:
			deletes = append(deletes, k.depot, k.lot)
		case h.now.OnHand != 0:
			upserts = append(upserts, k.depot, k.lot, h.item, int64(h.now.OnHand), int64(h.now.Reserved))
		}
		if err := t.add(k.depot, h, o.areas[k.depot], held[stockKey{k.depot, h.item}]); err != nil {
			return err
		}
	}
	if err := o.s.execRows(ctx, `INSERT INTO balances (depot_id, lot_id, item_id, quantity, reserved) VALUES `,
		"(?, ?, ?, ?, ?)", ` ON CONFLICT (depot_id, lot_id) DO UPDATE SET quantity = excluded.quantity, reserved = excluded.reserved`,
		5, balanceRowsPerInsert, upserts); err != nil {
		return fmt.Errorf("store: write balances: %w", err)
	}
	if err := o.s.execRows(ctx, `DELETE FROM balances WHERE (depot_id, lot_id) IN `+inValues, pairRow, `) AS v)`,
		2, balanceRowsPerInsert, deletes); err != nil {
		return fmt.Errorf("store: delete empty balances: %w", err)
	}
	return t.write(ctx, o.s)
}

// execRows runs prefix + "row, row, …" + suffix over args, width values per
// row, in statements of at most maxRows rows. Statement sizes are powers of
// two, so few distinct texts occur and each is prepared once and reused.
func (s *Store) execRows(ctx context.Context, prefix, row, suffix string, width, maxRows int, args []any) error {
	_, err := s.execRowsCount(ctx, prefix, row, suffix, width, maxRows, args)
	return err
}

// execRowsCount is execRows that also returns the rows the statements
// affected.
func (s *Store) execRowsCount(ctx context.Context, prefix, row, suffix string, width, maxRows int, args []any) (int64, error) {
	var affected int64
	for len(args) > 0 {
		n := maxRows
		for n*width > len(args) {
			n /= 2
		}
		res, err := s.exec(ctx, prefix+rowsOf(row, n)+suffix, args[:n*width]...)
		if err != nil {
			return affected, err
		}
		k, err := res.RowsAffected()
		if err != nil {
			return affected, err
		}
		affected += k
		args = args[n*width:]
	}
	return affected, nil
}
