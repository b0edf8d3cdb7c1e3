package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/stockpile-dev/stockpile/internal/stock"
)

// Issued is what one depot issued of one item in a period.
type Issued struct {
	Depot, Item          string
	ItemZH, ItemEN, Unit string
	Quantity             stock.Quantity
}

// IssuedBetween sums the issue entries of every depot in the subtree of
// area between from and to (unix microseconds, to excluded), per depot and
// item. It finds the postings made in the period by their time
// (postings_created), then their entries (movements_posting), so that it
// reads the period's entries only.
func (s *Store) IssuedBetween(ctx context.Context, area string, from, to int64) ([]Issued, error) {
	prefix, err := s.subtreePrefix(ctx, area)
	if err != nil {
		return nil, err
	}
	var lo, hi sql.NullInt64
	if err := s.queryRow(ctx, `SELECT MIN(id), MAX(id) FROM postings WHERE created_at >= ? AND created_at < ?`, from, to).
		Scan(&lo, &hi); err != nil {
		return nil, fmt.Errorf("store: issued: %w", err)
	}
	if !lo.Valid {
		return nil, nil
	}
	rows, err := s.query(ctx, `SELECT d.code, i.code, i.name_zh, i.name_en, i.unit_zh, SUM(-m.delta)
		FROM movements m JOIN depots d ON d.id = m.depot_id JOIN areas a ON a.id = d.area_id JOIN items i ON i.id = m.item_id
		WHERE m.posting_id BETWEEN ? AND ? AND m.kind = ? AND a.path LIKE ?
		GROUP BY d.code, i.code, i.name_zh, i.name_en, i.unit_zh ORDER BY i.code, d.code`,
		lo.Int64, hi.Int64, string(stock.EntryIssue), prefix+"%")
	if err != nil {
		return nil, fmt.Errorf("store: issued: %w", err)
	}
	defer rows.Close()
	var out []Issued
	for rows.Next() {
		var r Issued
		if err := rows.Scan(&r.Depot, &r.Item, &r.ItemZH, &r.ItemEN, &r.Unit, &r.Quantity); err != nil {
			return nil, fmt.Errorf("store: issued: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
