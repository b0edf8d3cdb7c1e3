package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sync"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/statement"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// This file reads the receipts–issues–balance statement (收发存) and the
// stock held at the end of a day (库存快照) without reading the ledger
// whole. What a depot held at a moment is what it holds now less what the
// entries made since added (closing = now − Σ deltas after the end of the
// period, opening = closing − Σ deltas of the period), or, for a moment
// nearer the start of the ledger than its end, the sum of the entries
// before it (opening = Σ deltas before the period, closing = opening + Σ
// deltas of the period).
//
// A moment becomes a sequence number of the ledger: the entries made at
// or after it are those from the first entry of the first posting made
// then. Postings are made one at a time, and their entries numbered in that
// order, so the number is found through postings_created and
// movements_posting. The entries are then read by sequence range in the
// depots asked (movements_depot is on depot and sequence). A read costs the
// rows of its answer, the entries of its period and those between it and
// the nearer end of the ledger (in its depots), never the whole ledger.
//
// The moment a posting is made is its created_at, the store's clock when it
// was made; if that clock stepped back, the entries made just after a
// period's end could count in the period (as IssuedBetween counts them).

// StatementFilter selects a receipts–issues–balance statement; zero fields
// take their defaults or do not filter.
type StatementFilter struct {
	// From and To are the period, China's dates (YYYY-MM-DD), both
	// included: by default the month of To (or this month) up to today.
	// See statement.NewPeriod.
	From, To    string
	Depot, Item string // codes
}

// AsOfFilter selects the stock held at the end of a day; zero fields take
// their defaults or do not filter.
type AsOfFilter struct {
	// Date is the day (YYYY-MM-DD, China's date) whose end the stock is
	// taken at; "" and days after today are today. See statement.Day.
	Date        string
	Depot, Item string // codes
	ByLot       bool   // a row per depot and lot, rather than per depot and item
}

// AsOfRow is what a depot held of an item, or of one lot of it, at the end
// of a day: stock on hand, reserved units included.
type AsOfRow struct {
	Depot       string         `json:"depot"`
	DepotNameZH string         `json:"depot_name_zh"`
	DepotNameEN string         `json:"depot_name_en,omitempty"`
	Item        string         `json:"item"`
	ItemNameZH  string         `json:"item_name_zh"`
	ItemNameEN  string         `json:"item_name_en,omitempty"`
	UnitZH      string         `json:"unit_zh"`
	UnitEN      string         `json:"unit_en,omitempty"`
	Lot         string         `json:"lot,omitempty"` // by lot only
	Batch       string         `json:"batch,omitempty"`
	ExpiresOn   string         `json:"expires_on,omitempty"`
	Quantity    stock.Quantity `json:"quantity"`
}

// Statement returns the receipts–issues–balance statement of the period f
// gives, a row per depot and item that held stock or moved any in it, in
// depot and item order: opening and closing stock, and what came in and
// went out in each way (statement.Row). Rows are those of the depots view
// shows (and, for a partner's view, of its organisation's lots in other
// depots). An unknown depot or item, or a depot beyond the view, is a
// not-found error; a malformed date or a period that ends before it starts
// is invalid.
func (s *Store) Statement(ctx context.Context, view access.View, f StatementFilter) ([]statement.Row, error) {
	p, err := statement.NewPeriod(f.From, f.To, s.Today())
	if err != nil {
		return nil, err
	}
	start, end := p.Bounds()
	out := []statement.Row{}
	err = s.readSnapshot(ctx, func(tx *Store) error {
		sc, err := tx.ledgerScope(ctx, &view, f.Depot, f.Item, false)
		if err != nil || sc.none {
			return err
		}
		head, err := tx.headSeq(ctx)
		if err != nil {
			return err
		}
		from, err := tx.firstSeqAt(ctx, start.UnixMicro(), head)
		if err != nil {
			return err
		}
		to, err := tx.firstSeqAt(ctx, end.UnixMicro(), head)
		if err != nil {
			return err
		}
		// One end of the period from the nearer end of the ledger, the
		// other from it and the period's entries.
		forward := from-1 <= head+1-to
		at := to
		if forward {
			at = from
		}
		held, err := tx.heldAt(ctx, sc, at, head, forward)
		if err != nil {
			return err
		}
		rows := make(map[asOfKey]*statement.Row, len(held))
		row := func(k asOfKey) *statement.Row {
			r, ok := rows[k]
			if !ok {
				r = &statement.Row{}
				rows[k] = r
			}
			return r
		}
		for k, q := range held {
			if forward {
				row(k).Opening = q
			} else {
				row(k).Closing = q
			}
		}
		if from < to {
			if err := tx.periodMoves(ctx, sc, from, to, row); err != nil {
				return err
			}
		}
		keys := make([]asOfKey, 0, len(rows))
		for k, r := range rows {
			if forward {
				r.Closing = r.Opening + r.In() - r.Out()
			} else {
				r.Opening = r.Closing - r.In() + r.Out()
			}
			if !r.Empty() {
				keys = append(keys, k)
			}
		}
		n, err := tx.ledgerNames(ctx, keys)
		if err != nil {
			return err
		}
		for _, k := range keys {
			r := rows[k]
			d, it := n.depots[k.depot], n.items[k.item]
			r.Depot, r.DepotNameZH, r.DepotNameEN = d[0], d[1], d[2]
			r.Item, r.ItemNameZH, r.ItemNameEN, r.UnitZH, r.UnitEN = it.code, it.zh, it.en, it.unitZH, it.unitEN
			out = append(out, *r)
		}
		return nil
	})
	slices.SortFunc(out, func(a, b statement.Row) int {
		return cmp.Or(cmp.Compare(a.Depot, b.Depot), cmp.Compare(a.Item, b.Item))
	})
	return out, err
}

// StockAsOf returns what each depot held of each item (or, by lot, of each
// lot) at the end of the day f gives, in depot, item and lot order; only
// what was held, none of what was not. Its view, filters and errors are
// Statement's.
func (s *Store) StockAsOf(ctx context.Context, view access.View, f AsOfFilter) ([]AsOfRow, error) {
	day, err := statement.Day(f.Date, s.Today())
	if err != nil {
		return nil, err
	}
	_, end := statement.Period{From: day, To: day}.Bounds()
	out := []AsOfRow{}
	err = s.readSnapshot(ctx, func(tx *Store) error {
		sc, err := tx.ledgerScope(ctx, &view, f.Depot, f.Item, f.ByLot)
		if err != nil || sc.none {
			return err
		}
		head, err := tx.headSeq(ctx)
		if err != nil {
			return err
		}
		seq, err := tx.firstSeqAt(ctx, end.UnixMicro(), head)
		if err != nil {
			return err
		}
		held, err := tx.heldAt(ctx, sc, seq, head, seq-1 <= head+1-seq)
		if err != nil {
			return err
		}
		keys := make([]asOfKey, 0, len(held))
		for k, q := range held {
			if q != 0 {
				keys = append(keys, k)
			}
		}
		n, err := tx.ledgerNames(ctx, keys)
		if err != nil {
			return err
		}
		for _, k := range keys {
			d, it, l := n.depots[k.depot], n.items[k.item], n.lots[k.lot]
			out = append(out, AsOfRow{Depot: d[0], DepotNameZH: d[1], DepotNameEN: d[2], Item: it.code, ItemNameZH: it.zh,
				ItemNameEN: it.en, UnitZH: it.unitZH, UnitEN: it.unitEN, Lot: l[0], Batch: l[1], ExpiresOn: l[2],
				Quantity: held[k]})
		}
		return nil
	})
	slices.SortFunc(out, func(a, b AsOfRow) int {
		return cmp.Or(cmp.Compare(a.Depot, b.Depot), cmp.Compare(a.Item, b.Item), cmp.Compare(a.ExpiresOn, b.ExpiresOn),
			cmp.Compare(a.Lot, b.Lot))
	})
	return out, err
}

// readSnapshot runs fn on a store whose reads all see one state of the
// database, in a read-only transaction of the read pool (as Verify reads):
// the stock now and the entries since a moment must agree, or a posting
// committed between the two reads would count in one and not the other.
// Within a transaction already, fn runs in it. The snapshot prepares its
// statements for itself, since those shared are the write pool's.
func (s *Store) readSnapshot(ctx context.Context, fn func(tx *Store) error) error {
	if s.tx != nil {
		return fn(s)
	}
	sqlTx, err := s.rdb.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return fmt.Errorf("store: begin read: %w", err)
	}
	defer sqlTx.Rollback()
	tx := *s
	tx.tx, tx.stmts, tx.shared, tx.unshared = sqlTx, map[string]*sql.Stmt{}, new(sync.Map), nil
	return fn(&tx)
}

// asOfKey is a depot's stock of an item, or of one lot of it (lot 0: all
// its lots).
type asOfKey struct{ depot, item, lot int64 }

// maxScopeDepots bounds the depots a read lists by id to follow
// movements_depot; a view of more depots reads the entries of the period by
// sequence alone and keeps those of its depots. (A variable for the tests.)
var maxScopeDepots = 500

// ledgerScope is what part of the stock a statement or snapshot reads.
type ledgerScope struct {
	ids   []any // the depots read, by id (movements_depot); nil: not limited by a list
	view  where // the view's conditions on depots d and lots l, which the reads then join
	join  bool  // the reads join depots d
	owner bool  // the view reaches lots by their owner: the reads join lots l, and stock is read by lot
	item  int64 // the item read, 0 for all
	byLot bool  // stock is kept per lot
	none  bool  // the view shows no depot: nothing to read
}

// ledgerScope resolves the depot and item codes and the view into the
// depots and item that reads of the ledger are limited to.
func (s *Store) ledgerScope(ctx context.Context, view *access.View, depot, item string, byLot bool) (ledgerScope, error) {
	sc := ledgerScope{byLot: byLot}
	if item != "" {
		if err := s.queryRow(ctx, `SELECT id FROM items WHERE code = ?`, item).Scan(&sc.item); err != nil {
			return sc, withField(notFound(err, "item", "物资", item), "item")
		}
	}
	if depot != "" {
		var id int64
		if err := s.queryRow(ctx, `SELECT id FROM depots WHERE code = ?`, depot).Scan(&id); err != nil {
			return sc, withField(notFound(err, "depot", "储备库", depot), "depot")
		}
		if !byOwner(view) { // a partner's lots may lie in a depot it does not hold
			if err := s.CheckVisible(ctx, view, "depot", depot); err != nil {
				return sc, withField(err, "depot")
			}
		}
		sc.ids = []any{id}
	}
	switch {
	case view == nil || view.All:
	case byOwner(view):
		sc.join, sc.owner = true, true
		sc.view.visible(view, "d", "l.owner_id")
	case depot == "":
		var w where
		w.visible(view, "d", "")
		rows, err := s.query(ctx, `SELECT d.id FROM depots d`+w.String()+`ORDER BY d.id`, w.args...)
		if err != nil {
			return sc, fmt.Errorf("store: statement scope: %w", err)
		}
		ids, err := collect(rows, func(r *sql.Rows) (id any, err error) {
			var n int64
			err = r.Scan(&n)
			return n, err
		})
		switch {
		case err != nil:
			return sc, err
		case len(ids) == 0:
			sc.none = true
		case len(ids) <= maxScopeDepots:
			sc.ids = ids
		default:
			sc.join = true
			sc.view.visible(view, "d", "")
		}
	}
	return sc, nil
}

// where returns the scope's conditions on the rows of table alias t,
// which has depot_id and item_id columns.
func (sc ledgerScope) where(t string) where {
	var w where
	if sc.ids != nil {
		w.add(t+".depot_id IN ("+placeholders(len(sc.ids))+")", sc.ids...)
	}
	if sc.item != 0 {
		w.add(t+".item_id = ?", sc.item)
	}
	w.conds = append(w.conds, sc.view.conds...)
	w.args = append(w.args, sc.view.args...)
	return w
}

// joins returns the joins the scope's conditions need on table alias t.
func (sc ledgerScope) joins(t string) string {
	j := ""
	if sc.join {
		j += " JOIN depots d ON d.id = " + t + ".depot_id"
	}
	if sc.owner {
		j += " JOIN lots l ON l.id = " + t + ".lot_id"
	}
	return j
}

// headSeq returns the sequence number of the last entry of the ledger.
func (s *Store) headSeq(ctx context.Context) (int64, error) {
	var head int64
	if err := s.queryRow(ctx, `SELECT seq FROM ledger_head WHERE id = 1`).Scan(&head); err != nil {
		return 0, fmt.Errorf("store: ledger head: %w", err)
	}
	return head, nil
}

// firstSeqQuery finds the first entry made at or after a time (unix
// microseconds): the first of the first posting made then that has
// entries (postings_created, movements_posting). It takes the least of the
// posting's sequence numbers as an expression (seq + 0), since PostgreSQL
// answers MIN of a bare column by walking the primary key from the start
// of the ledger until it meets one of the posting's entries (60,000 rows
// for a posting after 60,000 entries, in BenchmarkStatement).
const firstSeqQuery = `SELECT MIN(m.seq + 0) FROM movements m WHERE m.posting_id = (SELECT p.id FROM postings p
	WHERE p.created_at >= ? AND EXISTS (SELECT 1 FROM movements e WHERE e.posting_id = p.id)
	ORDER BY p.created_at, p.id LIMIT 1)`

// firstSeqAt returns the sequence number of the first entry made at or
// after at (unix microseconds); with none, head + 1, the number the next
// entry will take.
func (s *Store) firstSeqAt(ctx context.Context, at, head int64) (int64, error) {
	var seq sql.NullInt64
	if err := s.queryRow(ctx, firstSeqQuery, at).Scan(&seq); err != nil {
		return 0, fmt.Errorf("store: ledger at a time: %w", err)
	}
	if seq.Valid {
		return seq.Int64, nil
	}
	return head + 1, nil
}

// onHand is the condition on ledger entries m that change the stock on
// hand, with its arguments: those that move units and are no reservation.
func onHand() (string, []any) {
	args := make([]any, len(statement.OffHand))
	for i, k := range statement.OffHand {
		args[i] = string(k)
	}
	return "m.delta <> 0 AND m.kind NOT IN (" + placeholders(len(args)) + ")", args
}

// heldAt returns the stock on hand in the scope just before entry seq
// of a ledger whose last entry is head: forward, the sum of the entries
// before it; otherwise what is held now (depot_stock, or balances by lot or
// for a view by owner) less what the entries from seq on added. Forward
// suits a moment nearer the start of the ledger than its end.
func (s *Store) heldAt(ctx context.Context, sc ledgerScope, seq, head int64, forward bool) (map[asOfKey]stock.Quantity, error) {
	held := map[asOfKey]stock.Quantity{}
	if forward {
		query, args := sc.sumQuery(1, seq)
		return held, s.sumInto(ctx, held, sc.byLot, query, args)
	}
	query, args := sc.heldQuery()
	if err := s.sumInto(ctx, held, sc.byLot, query, args); err != nil {
		return nil, err
	}
	since := map[asOfKey]stock.Quantity{}
	query, args = sc.sumQuery(seq, head+1)
	if err := s.sumInto(ctx, since, sc.byLot, query, args); err != nil {
		return nil, err
	}
	for k, q := range since {
		held[k] -= q
	}
	return held, nil
}

// heldQuery is the query of the stock on hand now in the scope: rows of
// depot, item, lot (0 from depot_stock) and quantity.
func (sc ledgerScope) heldQuery() (string, []any) {
	if sc.byLot || sc.owner {
		w := sc.where("b")
		w.add("b.quantity > 0")
		return `SELECT b.depot_id, b.item_id, b.lot_id, b.quantity FROM balances b` + sc.joins("b") + w.String(), w.args
	}
	w := sc.where("s")
	w.add("s.quantity > 0")
	return `SELECT s.depot_id, s.item_id, 0, s.quantity FROM depot_stock s` + sc.joins("s") + w.String(), w.args
}

// sumQuery is the query of what the entries in the scope from seq from up
// to seq to added to the stock on hand: rows of depot, item, lot (by lot,
// else 0) and quantity. The range is bounded at both ends even where one
// would do, so that SQLite reads it by sequence number rather than walk
// movements_depot whole for the order of the grouping.
func (sc ledgerScope) sumQuery(from, to int64) (string, []any) {
	lot, group := "0", "m.depot_id, m.item_id"
	if sc.byLot {
		lot, group = "m.lot_id", group+", m.lot_id"
	}
	w := sc.where("m")
	w.add("m.seq >= ? AND m.seq < ?", from, to)
	hand, handArgs := onHand()
	w.add(hand, handArgs...)
	return `SELECT m.depot_id, m.item_id, ` + lot + `, CAST(SUM(m.delta) AS BIGINT) FROM movements m` + sc.joins("m") +
		w.String() + `GROUP BY ` + group, w.args
}

// sumInto adds up the quantities of query's rows (depot, item, lot,
// quantity) into sums, per lot only when byLot.
func (s *Store) sumInto(ctx context.Context, sums map[asOfKey]stock.Quantity, byLot bool, query string, args []any) error {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("store: stock at a time: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k asOfKey
		var q stock.Quantity
		if err := rows.Scan(&k.depot, &k.item, &k.lot, &q); err != nil {
			return fmt.Errorf("store: stock at a time: %w", err)
		}
		if !byLot {
			k.lot = 0
		}
		sums[k] += q
	}
	return rows.Err()
}

// periodMoves adds the entries from seq from up to seq to in the scope to
// the rows per depot and item, each in its statement column.
func (s *Store) periodMoves(ctx context.Context, sc ledgerScope, from, to int64, row func(asOfKey) *statement.Row) error {
	query, args := sc.periodQuery(from, to)
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("store: statement: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k asOfKey
		var kind string
		var in int
		var q stock.Quantity
		if err := rows.Scan(&k.depot, &k.item, &kind, &in, &q); err != nil {
			return fmt.Errorf("store: statement: %w", err)
		}
		c, ok := statement.Classify(stock.EntryKind(kind), q)
		if !ok {
			return fmt.Errorf("store: statement: entries of kind %q moved %s units, which fit no column", kind, q)
		}
		row(k).Add(c, q)
	}
	return rows.Err()
}

// periodQuery is the query of what the entries in the scope from seq
// from up to seq to moved, per depot, item, kind and direction: rows of
// depot, item, kind, 1 (in) or 0 (out) and quantity.
func (sc ledgerScope) periodQuery(from, to int64) (string, []any) {
	w := sc.where("m")
	w.add("m.seq >= ? AND m.seq < ?", from, to)
	hand, args := onHand()
	w.add(hand, args...)
	const sign = `CASE WHEN m.delta > 0 THEN 1 ELSE 0 END`
	return `SELECT m.depot_id, m.item_id, m.kind, ` + sign + `, CAST(SUM(m.delta) AS BIGINT) FROM movements m` +
		sc.joins("m") + w.String() + `GROUP BY m.depot_id, m.item_id, m.kind, ` + sign, w.args
}

// ledgerNames are the codes and names of the depots, items and lots of
// some stock, by id.
type ledgerNames struct {
	depots map[int64][3]string // code, name_zh, name_en
	items  map[int64]itemName
	lots   map[int64][3]string // code, batch, expires_on
}

// ledgerNames reads the names of the depots, items and lots keys hold,
// a few hundred at a time by id: as many as the answer has, not the
// catalogue.
func (s *Store) ledgerNames(ctx context.Context, keys []asOfKey) (ledgerNames, error) {
	n := ledgerNames{depots: map[int64][3]string{}, items: map[int64]itemName{}, lots: map[int64][3]string{}}
	var depots, items, lots []int64
	for _, k := range keys {
		if _, ok := n.depots[k.depot]; !ok {
			n.depots[k.depot] = [3]string{}
			depots = append(depots, k.depot)
		}
		if _, ok := n.items[k.item]; !ok {
			n.items[k.item] = itemName{}
			items = append(items, k.item)
		}
		if _, ok := n.lots[k.lot]; !ok && k.lot != 0 {
			n.lots[k.lot] = [3]string{}
			lots = append(lots, k.lot)
		}
	}
	err := s.byIDs(ctx, `SELECT id, code, name_zh, name_en FROM depots`, depots, func(r *sql.Rows) error {
		var id int64
		var d [3]string
		err := r.Scan(&id, &d[0], &d[1], &d[2])
		n.depots[id] = d
		return err
	})
	if err == nil {
		err = s.byIDs(ctx, `SELECT id, code, name_zh, name_en, unit_zh, unit_en FROM items`, items, func(r *sql.Rows) error {
			var id int64
			var it itemName
			err := r.Scan(&id, &it.code, &it.zh, &it.en, &it.unitZH, &it.unitEN)
			n.items[id] = it
			return err
		})
	}
	if err == nil {
		err = s.byIDs(ctx, `SELECT id, code, batch, expires_on FROM lots`, lots, func(r *sql.Rows) error {
			var id int64
			var l [3]string
			err := r.Scan(&id, &l[0], &l[1], &l[2])
			n.lots[id] = l
			return err
		})
	}
	return n, err
}

// byIDs runs query (a SELECT of one table) on the rows with the ids given,
// a few hundred at a time, and hands each row to scan.
func (s *Store) byIDs(ctx context.Context, query string, ids []int64, scan func(*sql.Rows) error) error {
	const chunk = 500
	for start := 0; start < len(ids); start += chunk {
		part := ids[start:min(start+chunk, len(ids))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		rows, err := s.query(ctx, query+` WHERE id IN (`+placeholders(len(part))+`)`, args...)
		if err != nil {
			return fmt.Errorf("store: names: %w", err)
		}
		for rows.Next() {
			if err := scan(rows); err != nil {
				rows.Close()
				return fmt.Errorf("store: names: %w", err)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: names: %w", err)
		}
	}
	return nil
}
