package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// This file holds the read models of the stock screen and the stock
// workbook (库存): the catalogue with what is held of each item, depots with
// their holder, district and counts, lots with names and owners a page at a
// time, and the ledger newest first. They are views for people, so each row
// carries the names a table shows, in both languages.

// StockItem is a catalogue item with the stock held of it.
type StockItem struct {
	catalog.Item
	GroupZH, GroupEN       string // its 中类 (three-digit category)
	CategoryZH, CategoryEN string // its 小类 (five-digit category)
	Quantity               stock.Quantity
	Reserved               stock.Quantity
	Usable                 stock.Quantity
	Lots, Depots           int
}

// StockItems lists the catalogue items f selects in code order, each with
// the stock held of it, in depot only when depot is not empty. With
// heldOnly it leaves out the items nothing is held of.
func (s *Store) StockItems(ctx context.Context, f ItemFilter, depot string, heldOnly bool) ([]StockItem, error) {
	items, err := s.Items(ctx, f)
	if err != nil {
		return nil, err
	}
	cats, err := s.Categories(ctx)
	if err != nil {
		return nil, err
	}
	names := make(map[string]catalog.Category, len(cats))
	for _, c := range cats {
		names[c.Code] = c
	}
	held, err := s.Balances(ctx, BalanceQuery{Depot: depot, GroupBy: "item", View: f.View})
	if err != nil {
		return nil, err
	}
	byItem := make(map[string]BalanceRow, len(held.Rows))
	for _, r := range held.Rows {
		byItem[r.Item] = r
	}
	out := make([]StockItem, 0, len(items))
	for _, it := range items {
		b, ok := byItem[it.Code]
		if heldOnly && !ok {
			continue
		}
		g, c := names[it.Code[:3]], names[it.CategoryCode()]
		out = append(out, StockItem{Item: it, GroupZH: g.NameZH, GroupEN: g.NameEN, CategoryZH: c.NameZH,
			CategoryEN: c.NameEN, Quantity: b.Quantity, Reserved: b.Reserved, Usable: b.Usable, Lots: b.Lots,
			Depots: b.Depots})
	}
	return out, nil
}

// StockDepot is a depot as the stock screen lists it: with the names of its
// holding organisation and of the district it lies in, and what it holds.
type StockDepot struct {
	DepotView
	OrgZH, OrgEN string
	DistrictZH   string
	DistrictEN   string
	Quantity     stock.Quantity
	Usable       stock.Quantity
	Lots, Items  int
}

// StockDepots lists the depots f selects in code order, or only the depot
// with code when code is not empty (an unknown code is a not-found error).
func (s *Store) StockDepots(ctx context.Context, f DepotFilter, code string) ([]StockDepot, error) {
	var depots []DepotView
	if code != "" {
		d, err := s.Depot(ctx, code)
		if err == nil {
			err = s.CheckVisible(ctx, f.View, "depot", code)
		}
		if err != nil {
			return nil, err
		}
		depots = []DepotView{d}
	} else {
		var err error
		if depots, err = s.Depots(ctx, f); err != nil {
			return nil, err
		}
	}
	orgs, err := s.Orgs(ctx, "")
	if err != nil {
		return nil, err
	}
	orgNames := make(map[string][2]string, len(orgs))
	for _, o := range orgs {
		orgNames[o.Code] = [2]string{o.NameZH, o.NameEN}
	}
	areas, err := s.Areas(ctx, "")
	if err != nil {
		return nil, err
	}
	byCode := make(map[string]area.Area, len(areas))
	for _, a := range areas {
		byCode[a.Code] = a
	}
	held, err := s.Balances(ctx, BalanceQuery{Depot: code, GroupBy: "depot", View: f.View})
	if err != nil {
		return nil, err
	}
	byDepot := make(map[string]BalanceRow, len(held.Rows))
	for _, r := range held.Rows {
		byDepot[r.Depot] = r
	}
	out := make([]StockDepot, 0, len(depots))
	for _, d := range depots {
		v := StockDepot{DepotView: d, OrgZH: orgNames[d.OrgCode][0], OrgEN: orgNames[d.OrgCode][1]}
		v.DistrictZH, v.DistrictEN = byCode[d.District].NameZH, byCode[d.District].NameEN
		b := byDepot[d.Code]
		v.Quantity, v.Usable, v.Lots, v.Items = b.Quantity, b.Usable, b.Lots, b.Items
		out = append(out, v)
	}
	return out, nil
}

// LotQuery selects lots with stock on hand for StockLots; zero fields do
// not filter.
type LotQuery struct {
	Depot     string        // depot code
	Item      string        // item code
	Lot       string        // lot code
	Quality   stock.Quality // good, pending or damaged
	ExpiresBy string        // YYYY-MM-DD: lots that expire on or before this day, expired ones included
	Expired   bool          // only lots expired by today (China time)
	ByExpiry  bool          // soonest expiry first, rather than by depot and item
	Offset    int
	Limit     int // default 500, at most 200,000
	// View limits the rows to what an actor may see (access.Actor.View);
	// nil does not limit.
	View *access.View
}

// StockLot is the stock of one lot in one depot, with the names a table
// shows.
type StockLot struct {
	Depot, DepotZH, DepotEN string
	Item, ItemZH, ItemEN    string
	UnitZH, UnitEN          string
	Lot, Batch              string
	ProducedOn, ExpiresOn   string // YYYY-MM-DD; ExpiresOn "" when the lot does not expire
	Quality                 stock.Quality
	Location                string // where in the depot (库位), "" when not recorded
	Owner, OwnerZH, OwnerEN string // the organisation holding title (物权)
	Quantity                stock.Quantity
	Reserved                stock.Quantity
	Usable                  stock.Quantity // good, not expired today, not reserved
}

// Status is the lot's status on day today: its quality, or expired.
func (x StockLot) Status(today string) stock.Status {
	return stock.Lot{Quality: x.Quality, ExpiresOn: x.ExpiresOn}.Status(today)
}

// LotPage is a page of StockLots.
type LotPage struct {
	Today string // China's date the expiry and usability were judged on
	Rows  []StockLot
	// Total is how many rows the query matches, on every page; when
	// Capped it is a lower bound (CountCap: "10,000+").
	Total  int
	Capped bool
	More   bool // there are rows after this page
}

// CountCap bounds the counting of rows that no total kept per depot and
// item answers: a page says "10,000+" rather than count the whole ledger.
const CountCap = 10000

// maxLotPage bounds one page of StockLots: a workbook takes them all.
const maxLotPage = 200000

// StockLots lists the depot lots q selects, a page at a time, with how many
// match in all. Filtered by depot, item or neither, in depot order, it
// finds the page's depots from the lot counts of depot_stock, so the page
// costs what its depots hold and the total is exact; other filters read
// one row past the page and count at most CountCap rows.
func (s *Store) StockLots(ctx context.Context, q LotQuery) (LotPage, error) {
	page := LotPage{Today: s.Today()}
	if q.Limit <= 0 {
		q.Limit = 500
	}
	q.Limit, q.Offset = min(q.Limit, maxLotPage), max(q.Offset, 0)
	w := lotWhere(q, page.Today)
	if q.Lot == "" && q.Quality == "" && q.ExpiresBy == "" && !q.Expired && !q.ByExpiry && !byOwner(q.View) {
		return s.lotsByDepot(ctx, q, page)
	}
	from := stockLotFrom + w.String()
	order := `ORDER BY d.code, i.code, l.expires_on, l.code`
	if q.ByExpiry {
		order = `ORDER BY l.expires_on = '', l.expires_on, d.code, i.code, l.code`
	}
	var err error
	if page.Rows, err = s.lotRows(ctx, from+order, page.Today, w.args, q.Limit+1, q.Offset); err != nil {
		return page, err
	}
	page.More = len(page.Rows) > q.Limit
	page.Rows = page.Rows[:min(len(page.Rows), q.Limit)]
	if !page.More && (len(page.Rows) > 0 || q.Offset == 0) {
		page.Total = q.Offset + len(page.Rows)
		return page, nil
	}
	n, err := s.countCapped(ctx, `SELECT 1`+from, w.args)
	page.Total = n
	if n > CountCap {
		page.Total, page.Capped = max(CountCap, q.Offset+len(page.Rows)), true
	}
	return page, err
}

const stockLotFrom = ` FROM balances b JOIN depots d ON d.id = b.depot_id JOIN items i ON i.id = b.item_id
	JOIN lots l ON l.id = b.lot_id JOIN orgs o ON o.id = l.owner_id`

// lotWhere filters the lots of StockLots by q.
func lotWhere(q LotQuery, today string) where {
	var w where
	w.add("b.quantity > 0")
	w.addIf(q.Depot, "d.code = ?")
	w.addIf(q.Item, "i.code = ?")
	w.addIf(q.Lot, "l.code = ?")
	w.addIf(string(q.Quality), "l.quality = ?")
	if q.ExpiresBy != "" {
		w.add("l.expires_on <> '' AND l.expires_on <= ?", q.ExpiresBy)
	}
	if q.Expired {
		w.add("l.expires_on <> '' AND l.expires_on < ?", today)
	}
	w.visible(q.View, "d", "l.owner_id")
	return w
}

// lotsByDepot finds the depots page q covers from their lot counts and
// reads its rows from them alone.
func (s *Store) lotsByDepot(ctx context.Context, q LotQuery, page LotPage) (LotPage, error) {
	var w where
	w.add("s.quantity > 0")
	w.addIf(q.Depot, "d.code = ?")
	w.addIf(q.Item, "i.code = ?")
	w.visible(q.View, "d", "")
	rows, err := s.query(ctx, `SELECT d.id, CAST(SUM(s.lots) AS BIGINT) FROM depot_stock s
		JOIN depots d ON d.id = s.depot_id JOIN items i ON i.id = s.item_id`+w.String()+`GROUP BY d.id, d.code ORDER BY d.code`,
		w.args...)
	if err != nil {
		return page, fmt.Errorf("store: stock lots: %w", err)
	}
	counts, err := collect(rows, func(r *sql.Rows) (c [2]int64, err error) { return c, r.Scan(&c[0], &c[1]) })
	if err != nil {
		return page, err
	}
	var ids []any
	skip := int64(-1)
	for _, c := range counts {
		from := int64(page.Total)
		page.Total += int(c[1])
		if int64(page.Total) > int64(q.Offset) && from < int64(q.Offset+q.Limit) {
			if skip < 0 {
				skip = int64(q.Offset) - from
			}
			ids = append(ids, c[0])
		}
	}
	page.More = q.Offset+q.Limit < page.Total
	if len(ids) == 0 {
		return page, nil
	}
	var lw where
	lw.add("b.depot_id IN ("+placeholders(len(ids))+")", ids...)
	lw.addIf(q.Item, "i.code = ?")
	page.Rows, err = s.lotRows(ctx, stockLotFrom+lw.String()+`ORDER BY d.code, i.code, l.expires_on, l.code`, page.Today,
		lw.args, q.Limit, int(skip))
	return page, err
}

// lotRows reads rows of StockLots from FROM…ORDER BY clause tail.
func (s *Store) lotRows(ctx context.Context, tail, today string, args []any, limit, offset int) ([]StockLot, error) {
	rows, err := s.query(ctx, `SELECT d.code, d.name_zh, d.name_en, i.code, i.name_zh, i.name_en, i.unit_zh,
		i.unit_en, l.code, l.batch, l.produced_on, l.expires_on, l.quality, o.code, o.name_zh, o.name_en,
		b.quantity, b.reserved, b.location, `+usableExpr+tail+` LIMIT ? OFFSET ?`, append(append([]any{today}, args...), limit, offset)...)
	if err != nil {
		return nil, fmt.Errorf("store: stock lots: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (x StockLot, err error) {
		var quality string
		err = r.Scan(&x.Depot, &x.DepotZH, &x.DepotEN, &x.Item, &x.ItemZH, &x.ItemEN, &x.UnitZH, &x.UnitEN,
			&x.Lot, &x.Batch, &x.ProducedOn, &x.ExpiresOn, &quality, &x.Owner, &x.OwnerZH, &x.OwnerEN,
			&x.Quantity, &x.Reserved, &x.Location, &x.Usable)
		x.Quality = stock.Quality(quality)
		return x, err
	})
}

// countCapped counts the rows of query (a SELECT) up to one past
// CountCap.
func (s *Store) countCapped(ctx context.Context, query string, args []any) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM (`+query+` LIMIT `+fmt.Sprint(CountCap+1)+`) c`, args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count: %w", err)
	}
	return n, nil
}

// MovementQuery selects ledger entries for StockMovements, newest first;
// zero fields do not filter.
type MovementQuery struct {
	Depot, Item, Lot string // codes
	// Before pages back: entries with a sequence number below it. After
	// pages forward: entries above it. With neither, the newest entries.
	Before, After int64
	Limit         int // default 100, at most 20,000
	// View limits the rows to what an actor may see (access.Actor.View);
	// nil does not limit.
	View *access.View
}

// StockMovement is a ledger entry with the names a table shows.
type StockMovement struct {
	stock.Entry
	DepotZH, DepotEN string
	ItemZH, ItemEN   string
	UnitZH, UnitEN   string
}

// MovementPage is a page of ledger entries, newest first.
type MovementPage struct {
	Rows []StockMovement
	// Total is how many entries the filters match, on every page; when
	// Capped it is a lower bound (CountCap: "10,000+").
	Total  int64
	Capped bool
	Older  bool // there are matching entries before this page
	Newer  bool // there are matching entries after it
}

// StockMovements returns a page of the ledger entries q selects, newest
// first, and whether there are more on either side. It reads the page and
// one probe on each side, and counts at most CountCap entries, so its cost
// follows the page rather than the ledger.
func (s *Store) StockMovements(ctx context.Context, q MovementQuery) (MovementPage, error) {
	var page MovementPage
	if q.Limit <= 0 {
		q.Limit = 100
	}
	q.Limit = min(q.Limit, 20000)
	var w where
	w.addIf(q.Depot, "d.code = ?")
	w.addIf(q.Lot, "l.code = ?")
	w.addIf(q.Item, "i.code = ?")
	w.visible(q.View, "d", "l.owner_id")
	n, err := s.countCapped(ctx, `SELECT 1`+movementFrom+w.String(), w.args)
	if err != nil {
		return page, err
	}
	page.Total, page.Capped = int64(min(n, CountCap)), n > CountCap
	if page.Rows, err = s.movementRows(ctx, q, w); err != nil {
		return page, err
	}
	if k := len(page.Rows); k > 0 {
		page.Newer, err = s.movementExists(ctx, w, "m.seq > ?", page.Rows[0].Seq)
		if err == nil {
			page.Older, err = s.movementExists(ctx, w, "m.seq < ?", page.Rows[k-1].Seq)
		}
		return page, err
	}
	// An empty page past either end still leads back to the entries.
	page.Older = q.After > 0 && page.Total > 0
	page.Newer = q.Before > 0 && page.Total > 0
	return page, nil
}

const movementFrom = ` FROM movements m JOIN depots d ON d.id = m.depot_id JOIN lots l ON l.id = m.lot_id
	JOIN items i ON i.id = m.item_id`

// movementRows reads the page of q, newest first.
func (s *Store) movementRows(ctx context.Context, q MovementQuery, w where) ([]StockMovement, error) {
	order := "DESC"
	switch {
	case q.After > 0:
		w.add("m.seq > ?", q.After)
		order = "ASC"
	case q.Before > 0:
		w.add("m.seq < ?", q.Before)
	}
	rows, err := s.query(ctx, `SELECT m.seq, m.posting_id, m.kind, m.depot_id, m.lot_id, m.item_id, m.delta,
		m.actor, m.reason, m.at, m.prev_hash, m.hash, d.code, l.code, i.code, d.name_zh, d.name_en, i.name_zh,
		i.name_en, i.unit_zh, i.unit_en`+movementFrom+w.String()+`ORDER BY m.seq `+order+` LIMIT ?`,
		append(w.args, q.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("store: stock movements: %w", err)
	}
	out, err := collect(rows, func(r *sql.Rows) (x StockMovement, err error) {
		var kind string
		e := &x.Entry
		err = r.Scan(&e.Seq, &e.PostingID, &kind, &e.DepotID, &e.LotID, &e.ItemID, &e.Delta, &e.Actor, &e.Reason,
			&e.At, &e.PrevHash, &e.Hash, &e.DepotCode, &e.LotCode, &e.ItemCode, &x.DepotZH, &x.DepotEN,
			&x.ItemZH, &x.ItemEN, &x.UnitZH, &x.UnitEN)
		e.Kind = stock.EntryKind(kind)
		return x, err
	})
	if order == "ASC" {
		slices.Reverse(out)
	}
	return out, err
}

// movementExists reports whether an entry w selects meets cond too.
func (s *Store) movementExists(ctx context.Context, w where, cond string, seq int64) (bool, error) {
	w.add(cond, seq)
	rows, err := s.query(ctx, `SELECT 1`+movementFrom+w.String()+`LIMIT 1`, w.args...)
	if err != nil {
		return false, fmt.Errorf("store: stock movements: %w", err)
	}
	defer rows.Close()
	return rows.Next(), rows.Err()
}
