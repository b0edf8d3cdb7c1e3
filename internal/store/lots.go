package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

const lotColumns = `l.id, l.code, i.code, l.batch, l.produced_on, l.expires_on, l.quality, o.code, l.created_at`

const lotFrom = ` FROM lots l JOIN items i ON i.id = l.item_id JOIN orgs o ON o.id = l.owner_id `

func scanLot(r interface{ Scan(...any) error }) (l stock.Lot, err error) {
	var quality string
	err = r.Scan(&l.ID, &l.Code, &l.ItemCode, &l.Batch, &l.ProducedOn, &l.ExpiresOn, &quality, &l.OwnerCode, &l.CreatedAt)
	l.Quality = stock.Quality(quality)
	return l, err
}

// Lot returns the lot with the given code.
func (s *Store) Lot(ctx context.Context, code string) (stock.Lot, error) {
	l, err := scanLot(s.queryRow(ctx, `SELECT `+lotColumns+lotFrom+`WHERE l.code = ?`, code))
	if err != nil {
		return l, notFound(err, "lot", "批次", code)
	}
	return l, nil
}

// LotFilter narrows Lots; zero fields do not filter.
type LotFilter struct {
	Item           string // item code
	Depot          string // depot code: lots with stock there
	ExpiringBefore string // YYYY-MM-DD: lots expiring before this day
	Limit          int    // default 1000
	// View limits the lots to those with stock where an actor may see, or
	// owned by its organisation (access.Actor.View); nil does not limit.
	View *access.View
}

// Lots lists lots by expiry date (soonest first), then code.
func (s *Store) Lots(ctx context.Context, f LotFilter) ([]stock.Lot, error) {
	if f.Limit <= 0 || f.Limit > 10000 {
		f.Limit = 1000
	}
	var w where
	w.addIf(f.Item, "i.code = ?")
	w.addIf(f.Depot, `EXISTS (SELECT 1 FROM balances b JOIN depots d ON d.id = b.depot_id
		WHERE b.lot_id = l.id AND d.code = ? AND b.quantity > 0)`)
	w.addIf(f.ExpiringBefore, "l.expires_on <> '' AND l.expires_on < ?")
	if f.View != nil && !f.View.All {
		var in where
		in.visible(f.View, "d", "")
		w.add(`(EXISTS (SELECT 1 FROM balances b JOIN depots d ON d.id = b.depot_id WHERE b.lot_id = l.id AND`+
			in.conds[0]+`) OR l.owner_id IN (SELECT id FROM orgs WHERE code = ?))`, append(in.args, f.View.Org)...)
	}
	rows, err := s.query(ctx, `SELECT `+lotColumns+lotFrom+w.String()+
		`ORDER BY l.expires_on = '', l.expires_on, l.code LIMIT ?`, append(w.args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("store: lots: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (stock.Lot, error) { return scanLot(r) })
}
