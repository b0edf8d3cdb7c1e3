package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/depot"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// DepotSummary is a depot with the state of its stock as the map shows it:
// how full it is, what is usable, reserved, expiring soon, expired or
// damaged. Quantities add units of different items, as BalanceTotals do.
type DepotSummary struct {
	depot.Depot
	depot.Usage
	OrgNameZH string `json:"org_name_zh"`
	OrgNameEN string `json:"org_name_en,omitempty"`
	District  string `json:"district,omitempty"` // district area code; empty above district level
	// Quantity is on hand; Reserved is set aside for approved plans; Usable
	// is good, unexpired and unreserved (as in Balances).
	Quantity stock.Quantity `json:"quantity"`
	Reserved stock.Quantity `json:"reserved"`
	Usable   stock.Quantity `json:"usable"`
	// Expiring is good stock not yet expired that expires on or before the
	// summary's horizon; Expired has passed its expiry date (any quality);
	// Damaged is damaged and not expired, so the two do not overlap.
	Expiring stock.Quantity `json:"expiring"`
	Expired  stock.Quantity `json:"expired"`
	Damaged  stock.Quantity `json:"damaged"`
	Lots     int            `json:"lots"`
	Items    int            `json:"items"`
	// The lots (a lot's stock in the depot) in each state, which unlike
	// the quantities can be compared across items: UsableLots have some
	// usable stock, ReservedLots some reserved; ExpiringLots, ExpiredLots
	// and DamagedLots are as Expiring, Expired and Damaged.
	UsableLots   int `json:"usable_lots"`
	ReservedLots int `json:"reserved_lots"`
	ExpiringLots int `json:"expiring_lots"`
	ExpiredLots  int `json:"expired_lots"`
	DamagedLots  int `json:"damaged_lots"`
}

// DepotSummaries returns every depot, in code order, with its stock figures,
// counting as expiring what expires within expiringDays of today. It is one
// query however many depots there are, for the map of all depots. view
// limits the depots to what an actor may see; nil does not limit.
func (s *Store) DepotSummaries(ctx context.Context, expiringDays int, view *access.View) ([]DepotSummary, error) {
	today := s.Today()
	t, err := time.Parse(stock.DateLayout, today)
	if err != nil {
		return nil, fmt.Errorf("store: depot summaries: %w", err)
	}
	horizon := t.AddDate(0, 0, expiringDays).Format(stock.DateLayout)
	var w where
	w.visible(view, "d", "")
	rows, err := s.query(ctx, `SELECT d.code, d.name_zh, d.name_en, d.tier, d.kind, o.code, o.name_zh, o.name_en,
		a.code, COALESCE(dist.code, ''), d.lat, d.lon, d.address, d.capacity_m3,
		COALESCE(t.quantity, 0), COALESCE(t.reserved, 0), COALESCE(t.usable, 0), COALESCE(t.expiring, 0),
		COALESCE(t.expired, 0), COALESCE(t.damaged, 0), COALESCE(t.volume, 0) / 1000.0,
		COALESCE(t.lots, 0), COALESCE(t.items, 0), COALESCE(t.usable_lots, 0), COALESCE(t.reserved_lots, 0),
		COALESCE(t.expiring_lots, 0), COALESCE(t.expired_lots, 0), COALESCE(t.damaged_lots, 0)
		FROM depots d JOIN orgs o ON o.id = d.org_id JOIN areas a ON a.id = d.area_id
		LEFT JOIN areas dist ON dist.level = 'district' AND a.path LIKE dist.path || '%'
		LEFT JOIN (SELECT b.depot_id,
			CAST(SUM(b.quantity) AS BIGINT) AS quantity,
			CAST(SUM(b.reserved) AS BIGINT) AS reserved,
			CAST(SUM(`+usableExpr+`) AS BIGINT) AS usable,
			CAST(SUM(CASE WHEN l.quality = 'good' AND l.expires_on <> '' AND l.expires_on >= ? AND l.expires_on <= ?
				THEN b.quantity ELSE 0 END) AS BIGINT) AS expiring,
			CAST(SUM(CASE WHEN l.expires_on <> '' AND l.expires_on < ? THEN b.quantity ELSE 0 END) AS BIGINT) AS expired,
			CAST(SUM(CASE WHEN l.quality = 'damaged' AND (l.expires_on = '' OR l.expires_on >= ?)
				THEN b.quantity ELSE 0 END) AS BIGINT) AS damaged,
			SUM(b.quantity * i.volume_m3) AS volume,
			COUNT(*) AS lots, COUNT(DISTINCT b.item_id) AS items,
			SUM(CASE WHEN (`+usableExpr+`) > 0 THEN 1 ELSE 0 END) AS usable_lots,
			SUM(CASE WHEN b.reserved > 0 THEN 1 ELSE 0 END) AS reserved_lots,
			SUM(CASE WHEN l.quality = 'good' AND l.expires_on <> '' AND l.expires_on >= ? AND l.expires_on <= ?
				THEN 1 ELSE 0 END) AS expiring_lots,
			SUM(CASE WHEN l.expires_on <> '' AND l.expires_on < ? THEN 1 ELSE 0 END) AS expired_lots,
			SUM(CASE WHEN l.quality = 'damaged' AND (l.expires_on = '' OR l.expires_on >= ?)
				THEN 1 ELSE 0 END) AS damaged_lots
			FROM balances b JOIN lots l ON l.id = b.lot_id JOIN items i ON i.id = b.item_id
			WHERE b.quantity > 0 GROUP BY b.depot_id) t ON t.depot_id = d.id`+w.String()+`ORDER BY d.code`,
		append([]any{today, today, horizon, today, today, today, today, horizon, today, today}, w.args...)...)
	if err != nil {
		return nil, fmt.Errorf("store: depot summaries: %w", err)
	}
	return collect(rows, scanDepotSummary)
}

func scanDepotSummary(r *sql.Rows) (v DepotSummary, err error) {
	var tier, kind string
	var used float64
	d := &v.Depot
	err = r.Scan(&d.Code, &d.NameZH, &d.NameEN, &tier, &kind, &d.OrgCode, &v.OrgNameZH, &v.OrgNameEN,
		&d.AreaCode, &v.District, &d.Point.Lat, &d.Point.Lon, &d.Address, &d.CapacityM3,
		&v.Quantity, &v.Reserved, &v.Usable, &v.Expiring, &v.Expired, &v.Damaged, &used, &v.Lots, &v.Items,
		&v.UsableLots, &v.ReservedLots, &v.ExpiringLots, &v.ExpiredLots, &v.DamagedLots)
	d.Tier, d.Kind = area.Level(tier), depot.Kind(kind)
	v.Usage = depot.NewUsage(used, d.CapacityM3)
	return v, err
}
