package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// NearbySources returns what could send item somewhere today, unrouted:
// each depot with usable stock of it (good, unexpired, unreserved, as in
// Balances) and each agreement reserve of it valid today with a free
// quantity, ready after its delivery hours. Depots come first, each group
// in code order. view limits them to what an actor may see; nil does not
// limit.
func (s *Store) NearbySources(ctx context.Context, item string, view *access.View) ([]dispatch.NearbySource, error) {
	today := s.Today()
	var w where
	w.visible(view, "d", "l.owner_id")
	rows, err := s.query(ctx, `SELECT d.code, d.name_zh, d.name_en, d.tier, d.lat, d.lon,
		CAST(SUM(`+usableExpr+`) AS BIGINT) AS usable
		FROM balances b JOIN depots d ON d.id = b.depot_id JOIN lots l ON l.id = b.lot_id
		JOIN items i ON i.id = b.item_id
		WHERE i.code = ? AND b.quantity > b.reserved AND d.retired_at = 0 AND d.role = 'depot'`+w.and()+`
		GROUP BY d.code, d.name_zh, d.name_en, d.tier, d.lat, d.lon
		ORDER BY d.code`, append([]any{today, item}, w.args...)...)
	if err != nil {
		return nil, fmt.Errorf("store: nearby depots: %w", err)
	}
	depots, err := collect(rows, func(r *sql.Rows) (x dispatch.NearbySource, err error) {
		x.Kind = dispatch.SourceDepot
		return x, r.Scan(&x.Code, &x.NameZH, &x.NameEN, &x.Tier, &x.Point.Lat, &x.Point.Lon, &x.Usable)
	})
	if err != nil {
		return nil, err
	}
	out := make([]dispatch.NearbySource, 0, len(depots))
	for _, d := range depots {
		if d.Usable > 0 {
			out = append(out, d)
		}
	}
	var ow where
	ow.visibleOrg(view, "o")
	rows, err = s.query(ctx, `SELECT r.code, o.name_zh, o.name_en, r.lat, r.lon, r.quantity - r.reserved,
		r.delivery_hours
		FROM agreement_reserves r JOIN orgs o ON o.id = r.org_id JOIN items i ON i.id = r.item_id
		WHERE i.code = ? AND r.valid_from <= ? AND r.valid_until >= ? AND r.quantity > r.reserved
		AND r.retired_at = 0`+ow.and()+`
		ORDER BY r.code`, append([]any{item, today, today}, ow.args...)...)
	if err != nil {
		return nil, fmt.Errorf("store: nearby agreements: %w", err)
	}
	agreements, err := collect(rows, func(r *sql.Rows) (x dispatch.NearbySource, err error) {
		var hours float64
		var free stock.Quantity
		err = r.Scan(&x.Code, &x.NameZH, &x.NameEN, &x.Point.Lat, &x.Point.Lon, &free, &hours)
		x.Kind, x.Tier, x.Usable, x.ReadyMin = dispatch.SourceAgreement, string(dispatch.SourceAgreement), free,
			dispatch.ReadyMinutes(hours)
		return x, err
	})
	if err != nil {
		return nil, err
	}
	return append(out, agreements...), nil
}
