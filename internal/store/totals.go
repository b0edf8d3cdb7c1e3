package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/stock"
)

// Stock totals (depot_stock, area_stock) are the sums of the balances per
// depot and item, and per area and item over the area's whole subtree.
// Postings keep them in the same transaction as the balances: the overlay
// adds up what a flush changes per (depot, item) and per (area, item) and
// writes the differences in multi-row statements. Verify recomputes them
// from the ledger.

// totalDelta is a change of one stock total: units on hand, reserved, and
// (depot totals only) lots with stock. mayEmpty is false when the total is
// known to stay above zero: some lot of the depot's item still has stock.
type totalDelta struct {
	qty, reserved, lots int64
	mayEmpty            bool
}

func (d totalDelta) zero() bool { return d.qty == 0 && d.reserved == 0 && d.lots == 0 }

// up reports whether the change only adds and would pass the table's
// checks as a row of its own, so that it can be written as an upsert: a
// new row of the delta itself, or the delta added to the row. Any other
// change must find its row (the checks refuse such a new row even when it
// is not inserted).
func (d totalDelta) up() bool {
	return d.qty >= 0 && d.reserved >= 0 && d.lots >= 0 && d.reserved <= d.qty
}

// totals collects the changes of one flush.
type totals struct {
	depots map[stockKey]*totalDelta // depot, item
	areas  map[stockKey]*totalDelta // area, item
	order  []stockKey               // depot keys in first-touched order
	aorder []stockKey
}

func newTotals() *totals {
	return &totals{depots: map[stockKey]*totalDelta{}, areas: map[stockKey]*totalDelta{}}
}

// add counts the change of one lot's balance at depot, which lies in
// areas (its own and every ancestor); held says whether the depot still
// holds some lot of the item after the posting, so that the totals
// cannot reach zero.
func (t *totals) add(depot int64, h *heldLot, areas []int64, held bool) error {
	if areas == nil { // empty (not nil) for sites and shipments, which no area totals count
		return fmt.Errorf("store: stock totals: no area known for depot %d", depot)
	}
	d := totalDelta{qty: int64(h.now.OnHand - h.stored.OnHand), reserved: int64(h.now.Reserved - h.stored.Reserved)}
	if has := h.now.OnHand != 0; has != h.inTable {
		d.lots = 1
		if !has {
			d.lots = -1
		}
	}
	if d.zero() {
		return nil
	}
	d.mayEmpty = !held
	bump(t.depots, &t.order, stockKey{depot, h.item}, d)
	d.lots = 0
	for _, a := range areas {
		bump(t.areas, &t.aorder, stockKey{a, h.item}, d)
	}
	return nil
}

func bump(m map[stockKey]*totalDelta, order *[]stockKey, k stockKey, d totalDelta) {
	t, ok := m[k]
	if !ok {
		t = &totalDelta{}
		m[k] = t
		*order = append(*order, k)
	}
	t.qty += d.qty
	t.reserved += d.reserved
	t.lots += d.lots
	t.mayEmpty = t.mayEmpty || d.mayEmpty
}

// totalsTable describes one totals table for write.
type totalsTable struct {
	name, key string // table, and its first key column (the second is item_id)
	lots      bool   // has a lots column
}

var (
	depotTotals = totalsTable{name: "depot_stock", key: "depot_id", lots: true}
	areaTotals  = totalsTable{name: "area_stock", key: "area_id"}
)

// write applies the collected changes to both tables.
func (t *totals) write(ctx context.Context, s *Store) error {
	if err := depotTotals.apply(ctx, s, t.depots, t.order); err != nil {
		return err
	}
	return areaTotals.apply(ctx, s, t.areas, t.aorder)
}

// apply writes the changes in at most three kinds of multi-row statement:
// an upsert of the changes that only add, an UPDATE of those that take
// away, and a DELETE of the rows the latter may have left at zero (the
// tables hold stock on hand only, as balances do). The DELETE is left out
// for totals of a depot that still holds some of the item, and of its
// areas: most postings then write each table in one or two statements.
func (tt totalsTable) apply(ctx context.Context, s *Store, m map[stockKey]*totalDelta, order []stockKey) error {
	width := 4
	if tt.lots {
		width = 5
	}
	var ups, downs, emptied []any
	nDown := int64(0)
	for _, k := range order {
		d := m[k]
		if d.zero() {
			continue
		}
		row := []any{k.depot, k.item, d.qty, d.reserved, d.lots}[:width]
		if d.up() {
			ups = append(ups, row...)
			continue
		}
		downs = append(downs, row...)
		nDown++
		if d.qty < 0 && d.mayEmpty {
			emptied = append(emptied, k.depot, k.item)
		}
	}
	cols := tt.key + ", item_id, quantity, reserved"
	set := "quantity = " + tt.name + ".quantity + excluded.quantity, reserved = " + tt.name + ".reserved + excluded.reserved"
	if tt.lots {
		cols += ", lots"
		set += ", lots = " + tt.name + ".lots + excluded.lots"
	}
	if err := s.execRows(ctx, "INSERT INTO "+tt.name+" ("+cols+") VALUES ", "("+placeholders(width)+")",
		" ON CONFLICT ("+tt.key+", item_id) DO UPDATE SET "+set, width, balanceRowsPerInsert, ups); err != nil {
		return fmt.Errorf("store: write %s: %w", tt.name, err)
	}
	if err := tt.takeAway(ctx, s, width, downs, nDown); err != nil {
		return err
	}
	if err := s.execRows(ctx, "DELETE FROM "+tt.name+" WHERE quantity = 0 AND ("+tt.key+", item_id) IN "+inValues,
		pairRow, ") AS v)", 2, balanceRowsPerInsert, emptied); err != nil {
		return fmt.Errorf("store: delete empty %s: %w", tt.name, err)
	}
	return nil
}

// takeAway adds the changes that take stock away to their rows, which
// must all exist: a missing row means the totals were out of step with
// the balances before this posting, which Verify reports.
func (tt totalsTable) takeAway(ctx context.Context, s *Store, width int, downs []any, n int64) error {
	cols := "k, i, q, r, n"[:3*width-2]
	set := "quantity = " + tt.name + ".quantity + v.q, reserved = " + tt.name + ".reserved + v.r"
	if tt.lots {
		set += ", lots = " + tt.name + ".lots + v.n"
	}
	row := "(" + strings.TrimSuffix(strings.Repeat("CAST(? AS BIGINT), ", width), ", ") + ")"
	got, err := s.execRowsCount(ctx, "WITH v ("+cols+") AS (VALUES ", row,
		") UPDATE "+tt.name+" SET "+set+" FROM v WHERE "+tt.name+"."+tt.key+" = v.k AND "+tt.name+".item_id = v.i",
		width, balanceRowsPerInsert, downs)
	if err != nil {
		return fmt.Errorf("store: write %s: %w", tt.name, err)
	}
	if got != n {
		return fmt.Errorf("store: write %s: %d of %d rows to take stock from are missing: the totals are out of step with the balances (stockpile verify reports it)",
			tt.name, n-got, n)
	}
	return nil
}

// TotalMismatch is a stock total (depot_stock or area_stock) that differs
// from the sum of the ledger entries of the depot, or of every depot in the
// area's subtree.
type TotalMismatch struct {
	Scope          string         `json:"scope"` // "depot" or "area"
	Code           string         `json:"code"`  // the depot's or area's code
	Item           string         `json:"item"`
	Stored         stock.Quantity `json:"stored"`
	Ledger         stock.Quantity `json:"ledger"`
	StoredReserved stock.Quantity `json:"stored_reserved,omitempty"`
	LedgerReserved stock.Quantity `json:"ledger_reserved,omitempty"`
	StoredLots     int64          `json:"stored_lots,omitempty"` // depot totals: lots with stock
	LedgerLots     int64          `json:"ledger_lots,omitempty"`
}

// total is a stock total: units on hand, reserved, lots with stock.
type total struct {
	qty, reserved stock.Quantity
	lots          int64
}

// verifyTotals recomputes the stock totals from the ledger's balances
// (sums) and compares them with the stored ones.
func verifyTotals(ctx context.Context, tx *sql.Tx, sums map[balanceKey]sum, rep *VerifyReport) error {
	areas, err := depotAreas(ctx, tx)
	if err != nil {
		return err
	}
	depots, byArea := map[stockKey]total{}, map[stockKey]total{}
	for k, b := range sums {
		if b.qty == 0 && b.reserved == 0 {
			continue
		}
		t := depots[stockKey{k.depot, b.item}]
		t.qty, t.reserved = t.qty+b.qty, t.reserved+b.reserved
		if b.qty != 0 {
			t.lots++
		}
		depots[stockKey{k.depot, b.item}] = t
		for _, a := range areas[k.depot] {
			t := byArea[stockKey{a, b.item}]
			t.qty, t.reserved = t.qty+b.qty, t.reserved+b.reserved
			byArea[stockKey{a, b.item}] = t
		}
	}
	if err := compareTotals(ctx, tx, "depot", `SELECT depot_id, item_id, quantity, reserved, lots FROM depot_stock`,
		depots, rep); err != nil {
		return err
	}
	if err := compareTotals(ctx, tx, "area", `SELECT area_id, item_id, quantity, reserved, 0 FROM area_stock`,
		byArea, rep); err != nil {
		return err
	}
	return nameTotals(ctx, tx, rep.TotalMismatches)
}

// depotAreas maps every depot to its area and the area's ancestors.
func depotAreas(ctx context.Context, tx *sql.Tx) (map[int64][]int64, error) {
	pathID := map[string]int64{}
	rows, err := tx.QueryContext(ctx, `SELECT id, path FROM areas`)
	if err != nil {
		return nil, fmt.Errorf("store: verify totals: %w", err)
	}
	if _, err := collect(rows, func(r *sql.Rows) (struct{}, error) {
		var id int64
		var p string
		err := r.Scan(&id, &p)
		pathID[p] = id
		return struct{}{}, err
	}); err != nil {
		return nil, fmt.Errorf("store: verify totals: %w", err)
	}
	out := map[int64][]int64{}
	rows, err = tx.QueryContext(ctx, `SELECT d.id, a.path FROM depots d JOIN areas a ON a.id = d.area_id WHERE d.role = 'depot'`)
	if err != nil {
		return nil, fmt.Errorf("store: verify totals: %w", err)
	}
	_, err = collect(rows, func(r *sql.Rows) (struct{}, error) {
		var id int64
		var p string
		if err := r.Scan(&id, &p); err != nil {
			return struct{}{}, err
		}
		for _, ap := range ancestorPaths(p) {
			if a, ok := pathID[ap]; ok {
				out[id] = append(out[id], a)
			}
		}
		return struct{}{}, nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: verify totals: %w", err)
	}
	return out, nil
}

// compareTotals reads the stored totals of one scope and reports those
// that differ from want, including rows missing from either side.
func compareTotals(ctx context.Context, tx *sql.Tx, scope, query string, want map[stockKey]total, rep *VerifyReport) error {
	rows, err := tx.QueryContext(ctx, query)
	if err != nil {
		return fmt.Errorf("store: verify %s totals: %w", scope, err)
	}
	defer rows.Close()
	seen := make(map[stockKey]bool, len(want))
	mismatch := func(k stockKey, stored, ledger total) {
		if len(rep.TotalMismatches) < maxMismatches {
			rep.TotalMismatches = append(rep.TotalMismatches, TotalMismatch{Scope: scope, Code: fmt.Sprint(k.depot),
				Item: fmt.Sprint(k.item), Stored: stored.qty, Ledger: ledger.qty, StoredReserved: stored.reserved,
				LedgerReserved: ledger.reserved, StoredLots: stored.lots, LedgerLots: ledger.lots})
		}
	}
	for rows.Next() {
		var k stockKey
		var t total
		if err := rows.Scan(&k.depot, &k.item, &t.qty, &t.reserved, &t.lots); err != nil {
			return fmt.Errorf("store: verify %s totals: %w", scope, err)
		}
		rep.Totals++
		seen[k] = true
		if w := want[k]; w != t {
			mismatch(k, t, w)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: verify %s totals: %w", scope, err)
	}
	for k, w := range want {
		if !seen[k] {
			rep.Totals++
			mismatch(k, total{}, w)
		}
	}
	return nil
}

// nameTotals replaces the ids compareTotals put in the mismatches by codes.
func nameTotals(ctx context.Context, tx *sql.Tx, ms []TotalMismatch) error {
	for i := range ms {
		m := &ms[i]
		table := map[string]string{"depot": "depots", "area": "areas"}[m.Scope]
		err := tx.QueryRowContext(ctx, `SELECT t.code, i.code FROM `+table+` t, items i WHERE t.id = `+m.Code+
			` AND i.id = `+m.Item).Scan(&m.Code, &m.Item)
		if err != nil {
			return fmt.Errorf("store: verify totals: %w", err)
		}
	}
	return nil
}
