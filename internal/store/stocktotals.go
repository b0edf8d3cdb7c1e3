package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// This file reads the totals of stock (per depot and item) without
// scanning lots: what a depot holds of an item comes from depot_stock,
// which every posting keeps; only the exceptions are read lot by lot,
// through their indexes: balances of lots that are not good, that expire
// by a horizon (expired ones included), or that have stock reserved. Every
// other balance is good, unexpired and unreserved, so all of it is usable.
// A read's cost then follows its answer: the depot × item rows asked for
// and the lots that need attention, not the whole ledger.

// TotalsQuery selects the totals of StockTotals; zero fields do not
// filter.
type TotalsQuery struct {
	Depot, Item string // codes
	Area        string // area code: depots in its subtree
	// Horizon is the last day (YYYY-MM-DD) on which an expiry counts as
	// expiring; "" or a day before today counts only what has expired.
	Horizon string
	// View limits the rows to what an actor may see (access.Actor.View);
	// nil does not limit.
	View *access.View
	// DepotsOnly applies View to depots alone: a partner's view then
	// shows the depots its organisation holds, with all they hold, and not
	// its lots in other depots.
	DepotsOnly bool
}

// DepotItemTotal is the stock one depot holds of one item, with the names
// a table shows. Lots counts the lots of the item in the depot with stock
// on hand; the other *Lots count those of them in each state, as
// DepotSummary does.
type DepotItemTotal struct {
	Depot, DepotZH, DepotEN    string
	Item, ItemZH, ItemEN       string
	UnitZH, UnitEN             string
	Quantity, Reserved, Usable stock.Quantity
	Expiring, Expired, Damaged stock.Quantity
	VolumeM3                   float64
	Lots, UsableLots           int
	ReservedLots, ExpiringLots int
	ExpiredLots, DamagedLots   int
}

// StockTotals is the answer to a TotalsQuery.
type StockTotals struct {
	Today, Horizon string
	Rows           []DepotItemTotal // in depot, item order
	// Exceptions are the lot balances that are not usable in full: not
	// good, expired or reserved, and those expiring by Horizon; in depot,
	// item, expiry and lot order (as Balances by lot).
	Exceptions []BalanceRow
}

// StockTotals returns what each depot holds of each item, as q selects,
// with the lot balances that need attention. For a view that reaches lots
// by their owner (a partner's) it sums balances, since depot_stock does not
// tell owners apart; that view's answer is its organisation's lots.
func (s *Store) StockTotals(ctx context.Context, q TotalsQuery) (StockTotals, error) {
	t := StockTotals{Today: s.Today(), Horizon: max(q.Horizon, s.Today())}
	prefix, err := s.subtreePrefix(ctx, q.Area)
	if err != nil {
		return t, err
	}
	names, err := s.totalNames(ctx)
	if err != nil {
		return t, err
	}
	if t.Rows, err = s.depotItemRows(ctx, q, prefix, names); err != nil {
		return t, err
	}
	if t.Exceptions, err = s.stockExceptions(ctx, q, prefix, t.Horizon, names); err != nil {
		return t, err
	}
	t.apply()
	return t, nil
}

// byOwner reports whether view v shows lots by their owner, which the
// totals per depot cannot answer.
func byOwner(v *access.View) bool { return v != nil && !v.All && v.Org != "" }

// totalsWhere filters rows of depots d, areas a and items i by q; owner
// is the column of the lots' owner a view by owner reaches them by.
func totalsWhere(q TotalsQuery, prefix, owner string) where {
	var w where
	if q.DepotsOnly {
		owner = ""
	}
	w.addIf(q.Depot, "d.code = ?")
	w.addIf(q.Item, "i.code = ?")
	if prefix != "" {
		w.add("d.area_id IN (SELECT id FROM areas WHERE path LIKE ?)", prefix+"%")
	}
	w.visible(q.View, "d", owner)
	return w
}

// depotItemRows reads the totals per depot and item: from depot_stock, or
// summed from balances for a view by owner. It reads ids and numbers
// only, and names the rows from the depots and items (few, beside the
// rows), which keeps a province's hundreds of thousands of rows cheap.
func (s *Store) depotItemRows(ctx context.Context, q TotalsQuery, prefix string, n totalNames) ([]DepotItemTotal, error) {
	var query string
	var w where
	if byOwner(q.View) && !q.DepotsOnly {
		w = totalsWhere(q, prefix, "l.owner_id")
		query = `SELECT b.depot_id, b.item_id, CAST(SUM(b.quantity) AS BIGINT), CAST(SUM(b.reserved) AS BIGINT), COUNT(*)
			FROM balances b JOIN depots d ON d.id = b.depot_id JOIN areas a ON a.id = d.area_id
			JOIN items i ON i.id = b.item_id JOIN lots l ON l.id = b.lot_id` + w.String() + `GROUP BY b.depot_id, b.item_id`
	} else {
		w = totalsWhere(q, prefix, "")
		w.add("s.quantity > 0")
		query = `SELECT s.depot_id, s.item_id, s.quantity, s.reserved, s.lots
			FROM depot_stock s JOIN depots d ON d.id = s.depot_id JOIN areas a ON a.id = d.area_id
			JOIN items i ON i.id = s.item_id` + w.String()
	}
	rows, err := s.query(ctx, query, w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: stock totals: %w", err)
	}
	type raw struct {
		depot, item     int64
		quantity, resvd stock.Quantity
		lots            int
	}
	got, err := collect(rows, func(r *sql.Rows) (x raw, err error) {
		return x, r.Scan(&x.depot, &x.item, &x.quantity, &x.resvd, &x.lots)
	})
	if err != nil {
		return nil, err
	}
	out := make([]DepotItemTotal, len(got))
	for i, g := range got {
		d, it := n.depots[g.depot], n.items[g.item]
		out[i] = DepotItemTotal{Depot: d[0], DepotZH: d[1], DepotEN: d[2], Item: it.code, ItemZH: it.zh, ItemEN: it.en,
			UnitZH: it.unitZH, UnitEN: it.unitEN, Quantity: g.quantity, Reserved: g.resvd, Lots: g.lots,
			VolumeM3: float64(g.quantity) * it.volume / 1000.0}
	}
	slices.SortFunc(out, func(a, b DepotItemTotal) int {
		return cmp.Or(cmp.Compare(a.Depot, b.Depot), cmp.Compare(a.Item, b.Item))
	})
	return out, nil
}

// itemName is what a total shows of its item.
type itemName struct {
	code, zh, en, unitZH, unitEN string
	volume                       float64
}

// totalNames are the code and names of every depot and item by id.
type totalNames struct {
	depots map[int64][3]string
	items  map[int64]itemName
}

// totalNames reads the code and names of every depot and item by id.
func (s *Store) totalNames(ctx context.Context) (totalNames, error) {
	n := totalNames{depots: map[int64][3]string{}, items: map[int64]itemName{}}
	rows, err := s.query(ctx, `SELECT id, code, name_zh, name_en FROM depots`)
	if err != nil {
		return n, fmt.Errorf("store: stock totals: %w", err)
	}
	for rows.Next() {
		var id int64
		var d [3]string
		if err := rows.Scan(&id, &d[0], &d[1], &d[2]); err != nil {
			rows.Close()
			return n, fmt.Errorf("store: stock totals: %w", err)
		}
		n.depots[id] = d
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return n, err
	}
	rows, err = s.query(ctx, `SELECT id, code, name_zh, name_en, unit_zh, unit_en, volume_m3 FROM items`)
	if err != nil {
		return n, fmt.Errorf("store: stock totals: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var it itemName
		if err := rows.Scan(&id, &it.code, &it.zh, &it.en, &it.unitZH, &it.unitEN, &it.volume); err != nil {
			return n, fmt.Errorf("store: stock totals: %w", err)
		}
		n.items[id] = it
	}
	return n, rows.Err()
}

// narrow reports whether q reaches a part of the data below a root area:
// a depot, a keeper's depots, a district or below. Its lots that need
// attention are then best found from its depots' balances; for a root or
// everything, from the lots in those states (lots_state), whose number
// follows the answer.
func narrow(q TotalsQuery, prefix string) bool {
	below := func(path string) bool { return strings.Count(path, "/") >= 2 }
	if q.Depot != "" || below(prefix) {
		return true
	}
	v := q.View
	return v != nil && !v.All && v.Org == "" && (below(v.AreaPath) || v.AreaPath == "" && len(v.Depots) > 0)
}

// attention is the condition on a lot that needs attention (not good, or
// expiring by a horizon, the one argument). For a narrow query it keeps
// the planner off lots_state (an expression on the columns is not
// indexed, on either engine), so that the query starts from the depots.
func attention(narrow bool) string {
	quality, expires := "l.quality", "l.expires_on"
	if narrow {
		quality, expires = "(l.quality || '')", "(l.expires_on || '')"
	}
	return "(" + quality + " IN ('pending', 'damaged') OR (" + quality + " = 'good' AND " + expires + " > '' AND " +
		expires + " <= ?))"
}

// exceptionColumns are the columns of a lot balance the totals correct
// by, with ids for the names.
const exceptionColumns = `SELECT b.depot_id, b.item_id, l.code, l.batch, l.expires_on, l.quality, b.quantity, b.reserved, ` +
	usableExpr

// exceptionRows reads lot balances of exceptionColumns and names them.
func exceptionRows(rows *sql.Rows, n totalNames) ([]BalanceRow, error) {
	return collect(rows, func(r *sql.Rows) (x BalanceRow, err error) {
		var depot, item int64
		err = r.Scan(&depot, &item, &x.Lot, &x.Batch, &x.ExpiresOn, &x.Quality, &x.Quantity, &x.Reserved, &x.Usable)
		d, it := n.depots[depot], n.items[item]
		x.Depot, x.DepotNameZH, x.DepotNameEN = d[0], d[1], d[2]
		x.Item, x.ItemNameZH, x.ItemNameEN, x.UnitZH, x.UnitEN = it.code, it.zh, it.en, it.unitZH, it.unitEN
		x.VolumeM3 = float64(x.Quantity) * it.volume / 1000.0
		return x, err
	})
}

const lotBalanceColumns = `SELECT d.code, d.name_zh, d.name_en, i.code, i.name_zh, i.name_en, i.unit_zh, i.unit_en, l.code,
	l.batch, l.expires_on, l.quality, b.location, b.quantity, b.reserved, ` + usableExpr + `, b.quantity * i.volume_m3 / 1000.0`

func scanLotBalance(r *sql.Rows) (x BalanceRow, err error) {
	return x, r.Scan(&x.Depot, &x.DepotNameZH, &x.DepotNameEN, &x.Item, &x.ItemNameZH, &x.ItemNameEN, &x.UnitZH,
		&x.UnitEN, &x.Lot, &x.Batch, &x.ExpiresOn, &x.Quality, &x.Location, &x.Quantity, &x.Reserved, &x.Usable, &x.VolumeM3)
}

// stockExceptions reads the balances of lots that are not good or expire
// by horizon (through lots_state and balances_lot), and those with stock
// reserved (through balances_reserved), each once.
func (s *Store) stockExceptions(ctx context.Context, q TotalsQuery, prefix, horizon string, n totalNames) ([]BalanceRow, error) {
	from := ` FROM lots l JOIN balances b ON b.lot_id = l.id JOIN depots d ON d.id = b.depot_id
		JOIN areas a ON a.id = d.area_id JOIN items i ON i.id = b.item_id`
	w := totalsWhere(q, prefix, "l.owner_id")
	w.add(attention(narrow(q, prefix)), horizon)
	byLot, err := s.query(ctx, exceptionColumns+from+w.String(), append([]any{s.Today()}, w.args...)...)
	if err != nil {
		return nil, fmt.Errorf("store: stock exceptions: %w", err)
	}
	out, err := exceptionRows(byLot, n)
	if err != nil {
		return nil, err
	}
	w = totalsWhere(q, prefix, "l.owner_id")
	w.add("b.reserved > 0")
	reserved, err := s.query(ctx, exceptionColumns+` FROM balances b JOIN lots l ON l.id = b.lot_id
		JOIN depots d ON d.id = b.depot_id JOIN areas a ON a.id = d.area_id JOIN items i ON i.id = b.item_id`+w.String(),
		append([]any{s.Today()}, w.args...)...)
	if err != nil {
		return nil, fmt.Errorf("store: stock exceptions: %w", err)
	}
	more, err := exceptionRows(reserved, n)
	if err != nil {
		return nil, err
	}
	seen := make(map[[2]string]bool, len(out))
	for _, r := range out {
		seen[[2]string{r.Depot, r.Lot}] = true
	}
	for _, r := range more {
		if !seen[[2]string{r.Depot, r.Lot}] {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b BalanceRow) int {
		return cmp.Or(cmp.Compare(a.Depot, b.Depot), cmp.Compare(a.Item, b.Item), cmp.Compare(a.ExpiresOn, b.ExpiresOn),
			cmp.Compare(a.Lot, b.Lot))
	})
	return out, nil
}

// apply starts every row as all usable, then corrects it by the
// exceptions that lie in it.
func (t *StockTotals) apply() {
	at := make(map[[2]string]int, len(t.Rows))
	for i := range t.Rows {
		r := &t.Rows[i]
		r.Usable, r.UsableLots = r.Quantity-r.Reserved, r.Lots
		at[[2]string{r.Depot, r.Item}] = i
	}
	for _, e := range t.Exceptions {
		i, ok := at[[2]string{e.Depot, e.Item}]
		if !ok {
			continue // posted between the two reads
		}
		t.Rows[i].except(e, t.Today, t.Horizon)
	}
}

// except counts one lot balance that is not plainly usable.
func (r *DepotItemTotal) except(e BalanceRow, today, horizon string) {
	r.Usable -= e.Quantity - e.Reserved - e.Usable
	if e.Usable <= 0 {
		r.UsableLots--
	}
	if e.Reserved > 0 {
		r.ReservedLots++
	}
	expired := e.ExpiresOn != "" && e.ExpiresOn < today
	switch {
	case expired:
		r.Expired += e.Quantity
		r.ExpiredLots++
	case e.Quality == string(stock.QualityDamaged):
		r.Damaged += e.Quantity
		r.DamagedLots++
	case e.Quality == string(stock.QualityGood) && e.ExpiresOn != "" && e.ExpiresOn <= horizon:
		r.Expiring += e.Quantity
		r.ExpiringLots++
	}
}
