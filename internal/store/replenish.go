package store

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/replenish"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// replenishSchema is step 15's part for replenishment between tiers.
var replenishSchema = []string{
	`CREATE TABLE replenishments (
		id          {{id}},
		holder      TEXT NOT NULL,
		owed_by     TEXT NOT NULL,
		depot_id    BIGINT NOT NULL REFERENCES depots (id),
		item_id     BIGINT NOT NULL REFERENCES items (id),
		quantity    BIGINT NOT NULL CHECK (quantity > 0),
		incident    TEXT NOT NULL,
		order_id    BIGINT NOT NULL REFERENCES transfer_orders (id),
		status      TEXT NOT NULL CHECK (status IN ('open', 'settled')),
		settled_by  TEXT NOT NULL DEFAULT '',
		settled_at  BIGINT NOT NULL DEFAULT 0,
		note        TEXT NOT NULL DEFAULT '',
		created_at  BIGINT NOT NULL
	)`,
	`CREATE INDEX replenishments_holder ON replenishments (status, holder)`,
	`CREATE INDEX replenishments_owed ON replenishments (status, owed_by)`,
}

// recordReplenishment records, for stock that left its depot on order
// lines (line id → quantity moved) towards an incident's site, what the
// level leading the response owes the level that held it
// (replenish.Owed). Lines to depots, or within one level, record nothing.
func (s *Store) recordReplenishment(ctx context.Context, moved map[int64]stock.Quantity) error {
	type key struct {
		order, depot, item       int64
		holder, leader, incident string
	}
	owed := map[key]stock.Quantity{}
	var keys []key
	levels := map[string]int{}   // incident → response level, read once
	codes := map[string]string{} // area path → code, read once
	areaAt := func(path string) (string, error) {
		if c, ok := codes[path]; ok {
			return c, nil
		}
		c, err := s.areaCodeAt(ctx, path)
		codes[path] = c
		return c, err
	}
	for _, line := range slices.Sorted(maps.Keys(moved)) {
		q := moved[line]
		if q <= 0 {
			continue
		}
		var tier, fromPath, toPath, incident string
		var orderID, depotID, itemID int64
		err := s.queryRow(ctx, `SELECT ol.order_id, f.id, ol.item_id, f.tier, fa.path, ta.path, x.incident FROM order_lines ol
			JOIN depots f ON f.id = ol.from_id JOIN areas fa ON fa.id = f.area_id JOIN depots t ON t.id = ol.to_id
			JOIN areas ta ON ta.id = t.area_id JOIN incident_sites x ON x.location_id = t.id WHERE ol.id = ?`, line).
			Scan(&orderID, &depotID, &itemID, &tier, &fromPath, &toPath, &incident)
		if err == sql.ErrNoRows {
			continue // to a depot: a transfer, not a use
		}
		if err != nil {
			return fmt.Errorf("store: replenishment of order line %d: %w", line, err)
		}
		level, ok := levels[incident]
		if !ok {
			in, err := s.Incident(ctx, incident)
			if err != nil {
				return err
			}
			level, levels[incident] = in.Level, in.Level
		}
		city, err := areaAt(tierPath(fromPath, "city"))
		if err != nil {
			return err
		}
		holder := city
		if tier != "city" {
			if holder, err = areaAt(tierPath(fromPath, "district")); err != nil {
				return err
			}
		}
		district := ""
		if p := tierPath(toPath, "district"); p != tierPath(toPath, "city") {
			if district, err = areaAt(p); err != nil {
				return err
			}
		}
		leader := replenish.Leader(level, city, district)
		if !replenish.Owed(holder, leader) {
			continue
		}
		k := key{orderID, depotID, itemID, holder, leader, incident}
		if _, ok := owed[k]; !ok {
			keys = append(keys, k)
		}
		owed[k] += q
	}
	for _, k := range keys { // one need per order, depot and item, however many lots
		if _, err := s.exec(ctx, `INSERT INTO replenishments (holder, owed_by, depot_id, item_id, quantity, incident, order_id,
			status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, k.holder, k.leader, k.depot, k.item, int64(owed[k]), k.incident,
			k.order, string(replenish.StatusOpen), s.now().Unix()); err != nil {
			return fmt.Errorf("store: replenishment: %w", err)
		}
	}
	return nil
}

// areaCodeAt is the code of the area on path.
func (s *Store) areaCodeAt(ctx context.Context, path string) (string, error) {
	var code string
	if err := s.queryRow(ctx, `SELECT code FROM areas WHERE path = ?`, path).Scan(&code); err != nil {
		return "", fmt.Errorf("store: area on %q: %w", path, err)
	}
	return code, nil
}

const needColumns = `SELECT r.id, r.holder, r.owed_by, d.code, i.code, r.quantity, r.incident, r.order_id, r.status,
	r.settled_by, r.settled_at, r.note, r.created_at FROM replenishments r JOIN depots d ON d.id = r.depot_id
	JOIN items i ON i.id = r.item_id`

func scanNeed(r interface{ Scan(...any) error }) (n replenish.Need, err error) {
	var status string
	err = r.Scan(&n.ID, &n.Holder, &n.OwedBy, &n.Depot, &n.Item, &n.Quantity, &n.Incident, &n.OrderID, &status,
		&n.SettledBy, &n.SettledAt, &n.Note, &n.CreatedAt)
	n.Status = replenish.Status(status)
	return n, err
}

// ReplenishFilter selects replenishment needs.
type ReplenishFilter struct {
	Status string
	Holder string       // area code
	OwedBy string       // area code
	Limit  int          // 1 to 1000, else 100
	View   *access.View // of the depots whose stock was used; nil: all
}

// Replenishments lists replenishment needs, newest first.
func (s *Store) Replenishments(ctx context.Context, f ReplenishFilter) ([]replenish.Need, error) {
	var w where
	w.addIf(f.Status, "r.status = ?")
	w.addIf(f.Holder, "r.holder = ?")
	w.addIf(f.OwedBy, "r.owed_by = ?")
	w.visible(f.View, "d", "")
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	rows, err := s.query(ctx, needColumns+w.String()+`ORDER BY r.id DESC LIMIT `+strconv.Itoa(limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: replenishments: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (replenish.Need, error) { return scanNeed(r) })
}

// Replenishment returns one need.
func (s *Store) Replenishment(ctx context.Context, id int64) (replenish.Need, error) {
	n, err := scanNeed(s.queryRow(ctx, needColumns+` WHERE r.id = ?`, id))
	if err != nil {
		return n, notFound(err, "replenish", "补库记录", strconv.FormatInt(id, 10))
	}
	return n, nil
}

// SettleReplenishment marks a need settled (replenish.Need.Settle).
func (s *Store) SettleReplenishment(ctx context.Context, id int64, actor, note string) (replenish.Need, error) {
	var out replenish.Need
	err := s.InTx(ctx, func(tx *Store) error {
		n, err := tx.Replenishment(ctx, id)
		if err != nil {
			return err
		}
		if out, err = n.Settle(actor, tx.now().Unix(), note); err != nil {
			return err
		}
		res, err := tx.exec(ctx, `UPDATE replenishments SET status = ?, settled_by = ?, settled_at = ?, note = ?
			WHERE id = ? AND status = ?`, string(out.Status), out.SettledBy, out.SettledAt, out.Note, id, string(replenish.StatusOpen))
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k != 1 {
			return apperr.New(apperr.Conflict, "replenish.changed", "补库记录 #%d 已被他人处理，请刷新",
				"replenishment need #%d was changed meanwhile; reload it", id)
		}
		return nil
	})
	return out, err
}
