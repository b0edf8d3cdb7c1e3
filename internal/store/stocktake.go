package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/stocktake"
)

// OpenCount stores a new stock-take of c.Depot with the lots its scope
// lists (those with stock there now), all pending, and returns it with its
// id. A cycle-count sample takes the lots counted longest ago at the depot,
// never-counted first.
func (s *Store) OpenCount(ctx context.Context, c stocktake.Count) (stocktake.Count, error) {
	if err := c.Validate(); err != nil {
		return c, err
	}
	c.Status, c.CreatedAt, c.Version, c.Lines = stocktake.Open, s.now().UnixMicro(), 1, nil
	err := s.InTx(ctx, func(tx *Store) error {
		depotID, err := tx.depotID(ctx, c.Depot)
		if err != nil {
			return err
		}
		scope, _ := json.Marshal(c.Scope)
		if err := tx.queryRow(ctx, `INSERT INTO stock_counts (depot_id, scope, status, recount_pct, recount_units, note,
			created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, depotID, string(scope), string(c.Status),
			c.Threshold.Percent, int64(c.Threshold.Units), c.Note, c.CreatedBy, c.CreatedAt).Scan(&c.ID); err != nil {
			return fmt.Errorf("store: open count: %w", err)
		}
		return tx.listCountLots(ctx, c, depotID)
	})
	if err != nil {
		return c, err
	}
	return s.Count(ctx, c.ID)
}

// listCountLots enters the lots a count's scope lists as pending lines.
func (s *Store) listCountLots(ctx context.Context, c stocktake.Count, depotID int64) error {
	var w where
	w.add("b.depot_id = ?", depotID)
	w.add("b.quantity > 0")
	if c.Scope.Location != "" {
		w.add(`b.location LIKE ? ESCAPE '\'`, literalPrefix(c.Scope.Location))
	}
	if c.Scope.Category != "" {
		w.add("i.code LIKE ?", likePrefix(c.Scope.Category))
	}
	order, limit := "ORDER BY b.location, i.code, b.lot_id", ""
	if c.Scope.Sample > 0 {
		order = `ORDER BY COALESCE((SELECT MAX(cl.counted_at) FROM count_lines cl WHERE cl.lot_id = b.lot_id), 0), b.lot_id`
		limit = fmt.Sprintf(" LIMIT %d", c.Scope.Sample)
	}
	_, err := s.exec(ctx, `INSERT INTO count_lines (count_id, lot_id, item_id, location, state)
		SELECT ?, b.lot_id, b.item_id, b.location, 'pending' FROM balances b JOIN items i ON i.id = b.item_id`+
		w.String()+order+limit, append([]any{c.ID}, w.args...)...)
	if err != nil {
		return fmt.Errorf("store: list count lots: %w", err)
	}
	return nil
}

func (s *Store) depotID(ctx context.Context, code string) (int64, error) {
	var id int64
	err := s.queryRow(ctx, `SELECT id FROM depots WHERE code = ?`, code).Scan(&id)
	if err != nil {
		return 0, withField(notFound(err, "depot", "储备库", code), "depot")
	}
	return id, nil
}

const countColumns = `SELECT c.id, d.code, c.scope, c.status, c.recount_pct, c.recount_units, c.note, c.created_by,
	c.created_at, c.decided_by, c.decided_at, COALESCE(c.posting_id, 0), c.version FROM stock_counts c
	JOIN depots d ON d.id = c.depot_id `

func scanCount(r interface{ Scan(...any) error }) (stocktake.Count, error) {
	var c stocktake.Count
	var scope, status string
	err := r.Scan(&c.ID, &c.Depot, &scope, &status, &c.Threshold.Percent, &c.Threshold.Units, &c.Note, &c.CreatedBy,
		&c.CreatedAt, &c.DecidedBy, &c.DecidedAt, &c.PostingID, &c.Version)
	if err != nil {
		return c, err
	}
	c.Status = stocktake.Status(status)
	return c, json.Unmarshal([]byte(scope), &c.Scope)
}

// Count returns a stock-take with its lines, in the order they are walked
// (storage location, item, lot).
func (s *Store) Count(ctx context.Context, id int64) (stocktake.Count, error) {
	c, err := s.CountHeader(ctx, id)
	if err != nil {
		return c, err
	}
	c.Lines, err = s.countLines(ctx, id, "")
	return c, err
}

// CountHeader returns a stock-take without its lines.
func (s *Store) CountHeader(ctx context.Context, id int64) (stocktake.Count, error) {
	c, err := scanCount(s.queryRow(ctx, countColumns+`WHERE c.id = ?`, id))
	if err != nil {
		return c, notFound(err, "count", "盘点单", fmt.Sprint(id))
	}
	return c, nil
}

// countLines reads a stock-take's lines, or only the line of lotCode.
func (s *Store) countLines(ctx context.Context, id int64, lotCode string) ([]stocktake.Line, error) {
	var w where
	w.add("cl.count_id = ?", id)
	w.addIf(lotCode, "l.code = ?")
	rows, err := s.query(ctx, `SELECT l.code, i.code, cl.location, cl.state, cl.book, COALESCE(cl.book_seq, 0), cl.counted,
		cl.counted_by, cl.counted_at, cl.first_count, cl.first_book, cl.first_by, i.name_zh, i.name_en, i.unit_zh, l.batch
		FROM count_lines cl JOIN lots l ON l.id = cl.lot_id JOIN items i ON i.id = cl.item_id`+w.String()+
		`ORDER BY cl.location, i.code, l.code`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: count lines: %w", err)
	}
	return collect(rows, scanCountLine)
}

func scanCountLine(r *sql.Rows) (stocktake.Line, error) {
	var l stocktake.Line
	var state string
	var book, counted, first, firstBook sql.NullInt64
	err := r.Scan(&l.Lot, &l.Item, &l.Location, &state, &book, &l.BookSeq, &counted, &l.CountedBy, &l.CountedAt,
		&first, &firstBook, &l.FirstBy, &l.ItemZH, &l.ItemEN, &l.UnitZH, &l.Batch)
	l.State = stocktake.LineState(state)
	l.Book, l.Counted, l.First, l.FirstBook = quantityOf(book), quantityOf(counted), quantityOf(first), quantityOf(firstBook)
	return l, err
}

func quantityOf(n sql.NullInt64) *stock.Quantity {
	if !n.Valid {
		return nil
	}
	q := stock.Quantity(n.Int64)
	return &q
}

func nullQuantity(q *stock.Quantity) any {
	if q == nil {
		return nil
	}
	return int64(*q)
}

// CountFilter narrows Counts; zero fields do not filter.
type CountFilter struct {
	Depot  string
	Status stocktake.Status
	View   *access.View
	Limit  int // default and at most 200
}

// CountSummary is a stock-take in a list: its lines by state instead of
// the lines.
type CountSummary struct {
	stocktake.Count
	Lines    int `json:"lines"`
	Pending  int `json:"pending"`
	Recount  int `json:"recount"`
	Variance int `json:"with_variance"` // counted lines whose count differs from the book
}

// Counts lists stock-takes, newest first, with their progress.
func (s *Store) Counts(ctx context.Context, f CountFilter) ([]CountSummary, error) {
	var w where
	w.addIf(f.Depot, "d.code = ?")
	w.addIf(string(f.Status), "c.status = ?")
	w.visible(f.View, "d", "")
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 200
	}
	rows, err := s.query(ctx, countColumns+w.String()+`ORDER BY c.id DESC LIMIT ?`, append(w.args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("store: counts: %w", err)
	}
	counts, err := collect(rows, func(r *sql.Rows) (CountSummary, error) {
		c, err := scanCount(r)
		return CountSummary{Count: c}, err
	})
	if err != nil || len(counts) == 0 {
		return counts, err
	}
	return counts, s.countProgress(ctx, counts)
}

// countProgress fills in the lines of each count by state.
func (s *Store) countProgress(ctx context.Context, counts []CountSummary) error {
	at := map[int64]*CountSummary{}
	args := make([]any, len(counts))
	for i := range counts {
		at[counts[i].ID] = &counts[i]
		args[i] = counts[i].ID
	}
	rows, err := s.query(ctx, `SELECT count_id, state, COUNT(*), SUM(CASE WHEN counted <> book THEN 1 ELSE 0 END)
		FROM count_lines WHERE count_id IN (`+placeholders(len(args))+`) GROUP BY count_id, state`, args...)
	if err != nil {
		return fmt.Errorf("store: count progress: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var state string
		var n int
		var variance sql.NullInt64
		if err := rows.Scan(&id, &state, &n, &variance); err != nil {
			return fmt.Errorf("store: count progress: %w", err)
		}
		c := at[id]
		c.Lines += n
		c.Variance += int(variance.Int64)
		switch stocktake.LineState(state) {
		case stocktake.Pending:
			c.Pending += n
		case stocktake.Recount:
			c.Recount += n
		}
	}
	return rows.Err()
}

// RecordCount enters a count of one lot: the book quantity is read in the
// same transaction, after taking the ledger head, so it is the balance as
// of a definite ledger position (BookSeq) and no posting lands between
// reading it and recording the count. Two people counting the same count
// are serialised by the count's row.
func (s *Store) RecordCount(ctx context.Context, id int64, lotCode string, counted stock.Quantity, by string) (stocktake.Line, error) {
	var line stocktake.Line
	err := s.InTx(ctx, func(tx *Store) error {
		head, err := tx.takeHead(ctx, true)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE stock_counts SET version = version + 1 WHERE id = ?`, id); err != nil {
			return fmt.Errorf("store: count %d: %w", id, err)
		}
		// The count with the one line it records: a count of thousands of
		// lots is not read whole for each lot scanned.
		c, err := tx.CountHeader(ctx, id)
		if err != nil {
			return err
		}
		if c.Lines, err = tx.countLines(ctx, id, lotCode); err != nil {
			return err
		}
		e, err := tx.countEntry(ctx, c, lotCode, counted, by)
		if err != nil {
			return err
		}
		e.BookSeq = head.seq
		if line, err = c.Record(e); err != nil {
			return err
		}
		return tx.saveCountLine(ctx, id, line)
	})
	return line, s.busy(err)
}

// countEntry looks up the lot a count names and its book quantity at the
// count's depot now.
func (s *Store) countEntry(ctx context.Context, c stocktake.Count, lotCode string, counted stock.Quantity, by string) (stocktake.Entry, error) {
	e := stocktake.Entry{Lot: lotCode, Counted: counted, By: by, At: s.now().UnixMicro()}
	lot, err := s.Lot(ctx, lotCode)
	if err != nil {
		return e, stock.Unknown(lotCode, "lot", withField(err, "lot"))
	}
	e.Item = lot.ItemCode
	item, err := s.Item(ctx, lot.ItemCode)
	if err != nil {
		return e, err
	}
	if err := stock.CheckUnit(counted, item.Counted, item.UnitZH, item.UnitEN); err != nil {
		return e, withField(err, "counted") // not 1.5 tents
	}
	err = s.queryRow(ctx, `SELECT b.quantity, b.location FROM balances b JOIN depots d ON d.id = b.depot_id
		WHERE d.code = ? AND b.lot_id = ?`, c.Depot, lot.ID).Scan(&e.Book, &e.Location)
	if errors.Is(err, sql.ErrNoRows) {
		err = nil // found on the shelf, not in the book
	}
	if err != nil {
		return e, fmt.Errorf("store: book quantity: %w", err)
	}
	return e, nil
}

// saveCountLine writes a line as Record left it.
func (s *Store) saveCountLine(ctx context.Context, id int64, l stocktake.Line) error {
	_, err := s.exec(ctx, `INSERT INTO count_lines (count_id, lot_id, item_id, location, state, book, book_seq, counted,
		counted_by, counted_at, first_count, first_book, first_by)
		SELECT ?, l.id, l.item_id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM lots l WHERE l.code = ?
		ON CONFLICT (count_id, lot_id) DO UPDATE SET state = excluded.state, book = excluded.book,
		book_seq = excluded.book_seq, counted = excluded.counted, counted_by = excluded.counted_by,
		counted_at = excluded.counted_at, first_count = excluded.first_count, first_book = excluded.first_book,
		first_by = excluded.first_by`,
		id, l.Location, string(l.State), nullQuantity(l.Book), l.BookSeq, nullQuantity(l.Counted), l.CountedBy, l.CountedAt,
		nullQuantity(l.First), nullQuantity(l.FirstBook), l.FirstBy, l.Lot)
	if err != nil {
		return fmt.Errorf("store: save count line: %w", err)
	}
	return nil
}

// ActOnCount applies a transition a stock-take's domain decided
// (stocktake.Count.Act) in one transaction: the status changes only from
// the one it was decided on, and an approval posts its adjustments with
// it, or neither happens. A count changed meanwhile is a conflict.
func (s *Store) ActOnCount(ctx context.Context, id int64, t stocktake.Transition) (stocktake.Count, error) {
	// Who decided is who approved or cancelled it; submitting and sending
	// back are steps of the counting, recorded in the audit.
	by, at := "", int64(0)
	if t.To == stocktake.Approved || t.To == stocktake.Cancelled {
		by, at = t.By, s.now().UnixMicro()
	}
	changed := apperr.New(apperr.Conflict, "count.changed", "盘点 #%d 已被他人处理，请刷新",
		"stock-take #%d was changed meanwhile; reload it", id)
	err := s.guardedStep(ctx, t.Posting, changed, func(tx *Store, postingID any) (sql.Result, error) {
		return tx.exec(ctx, `UPDATE stock_counts SET status = ?, decided_by = ?, decided_at = ?, posting_id = ?,
			version = version + 1 WHERE id = ? AND status = ?`, string(t.To), by, at, postingID, id, string(t.From))
	})
	if err != nil {
		return stocktake.Count{}, s.busy(err)
	}
	return s.Count(ctx, id)
}

// SetLocation records where in a depot a lot lies (库位), "" for nowhere
// in particular. The depot must hold some of the lot.
func (s *Store) SetLocation(ctx context.Context, depotCode, lotCode, location string) error {
	res, err := s.exec(ctx, `UPDATE balances SET location = ? WHERE depot_id = (SELECT id FROM depots WHERE code = ?)
		AND lot_id = (SELECT id FROM lots WHERE code = ?) AND quantity > 0`, location, depotCode, lotCode)
	if err != nil {
		return fmt.Errorf("store: set location: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return apperr.New(apperr.Conflict, "lot.not_at_depot", "储备库 %s 没有批次 %s 的库存",
			"depot %s holds none of lot %s", depotCode, lotCode).WithField("lot")
	}
	return nil
}

// literalPrefix is a LIKE pattern (with ESCAPE '\') for values starting
// with p, whose own % and _ — a storage location may hold _ — are taken
// literally.
func literalPrefix(p string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(p) + "%"
}
