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

// DepotSummaries returns every depot in use (a retired one holds nothing
// and takes part in no movement), in code order, with its stock figures,
// counting as expiring what expires within expiringDays of today. Its cost
// follows the depots and what they hold per item (StockTotals), not their
// lots. view limits the depots to what an actor may see; nil does not
// limit. A depot shows all it holds, whoever owns the lots.
func (s *Store) DepotSummaries(ctx context.Context, expiringDays int, view *access.View) ([]DepotSummary, error) {
	t, err := time.Parse(stock.DateLayout, s.Today())
	if err != nil {
		return nil, fmt.Errorf("store: depot summaries: %w", err)
	}
	var w where
	w.add("d.retired_at = 0 AND d.role = 'depot'")
	w.visible(view, "d", "")
	rows, err := s.query(ctx, `SELECT d.code, d.name_zh, d.name_en, d.tier, d.kind, o.code, o.name_zh, o.name_en,
		a.code, a.path, d.lat, d.lon, d.address, d.capacity_m3
		FROM depots d JOIN orgs o ON o.id = d.org_id JOIN areas a ON a.id = d.area_id`+w.String()+`ORDER BY d.code`,
		w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: depot summaries: %w", err)
	}
	out, err := collect(rows, scanDepotSummary)
	if err != nil {
		return nil, err
	}
	if err := s.nameDistricts(ctx, out); err != nil {
		return nil, err
	}
	totals, err := s.StockTotals(ctx, TotalsQuery{Horizon: t.AddDate(0, 0, expiringDays).Format(stock.DateLayout),
		View: view, DepotsOnly: true})
	if err != nil {
		return nil, err
	}
	return foldSummaries(out, totals.Rows), nil
}

// foldSummaries adds the totals per depot and item to the depots' figures.
func foldSummaries(out []DepotSummary, rows []DepotItemTotal) []DepotSummary {
	at := make(map[string]int, len(out))
	for i, d := range out {
		at[d.Code] = i
	}
	used := make([]float64, len(out))
	for _, r := range rows {
		i, ok := at[r.Depot]
		if !ok {
			continue
		}
		v := &out[i]
		v.Quantity, v.Reserved, v.Usable = v.Quantity+r.Quantity, v.Reserved+r.Reserved, v.Usable+r.Usable
		v.Expiring, v.Expired, v.Damaged = v.Expiring+r.Expiring, v.Expired+r.Expired, v.Damaged+r.Damaged
		v.Lots, v.Items, v.UsableLots, v.ReservedLots = v.Lots+r.Lots, v.Items+1, v.UsableLots+r.UsableLots, v.ReservedLots+r.ReservedLots
		v.ExpiringLots, v.ExpiredLots, v.DamagedLots = v.ExpiringLots+r.ExpiringLots, v.ExpiredLots+r.ExpiredLots, v.DamagedLots+r.DamagedLots
		used[i] += r.VolumeM3
	}
	for i := range out {
		out[i].Usage = depot.NewUsage(used[i], out[i].CapacityM3)
	}
	return out
}

// nameDistricts turns each summary's area path (in District as
// scanned) into the code of the district it lies in, "" above district
// level: a lookup of the few district paths rather than a join of every
// depot with every area.
func (s *Store) nameDistricts(ctx context.Context, out []DepotSummary) error {
	districts, err := s.districtPaths(ctx)
	if err != nil {
		return fmt.Errorf("store: depot summaries: %w", err)
	}
	for i := range out {
		out[i].District = districtOf(districts, out[i].District)
	}
	return nil
}

// districtPaths maps the path of every district to its code.
func (s *Store) districtPaths(ctx context.Context) (map[string]string, error) {
	rows, err := s.query(ctx, `SELECT path, code FROM areas WHERE level = 'district'`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	districts := map[string]string{}
	for rows.Next() {
		var path, code string
		if err := rows.Scan(&path, &code); err != nil {
			return nil, err
		}
		districts[path] = code
	}
	return districts, rows.Err()
}

// districtOf returns the code of the district whose path begins path, ""
// for a path above district level.
func districtOf(districts map[string]string, path string) string {
	for j := range len(path) {
		if path[j] == '/' {
			if code, ok := districts[path[:j+1]]; ok {
				return code
			}
		}
	}
	return ""
}

func scanDepotSummary(r *sql.Rows) (v DepotSummary, err error) {
	var tier, kind string
	d := &v.Depot
	err = r.Scan(&d.Code, &d.NameZH, &d.NameEN, &tier, &kind, &d.OrgCode, &v.OrgNameZH, &v.OrgNameEN,
		&d.AreaCode, &v.District, &d.Point.Lat, &d.Point.Lon, &d.Address, &d.CapacityM3)
	d.Tier, d.Kind = area.Level(tier), depot.Kind(kind)
	return v, err
}
