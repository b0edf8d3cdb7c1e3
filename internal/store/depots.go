package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/depot"
)

// DepotView is a depot with how full it is and the district (区) it lies
// in, which screens and reports group by.
type DepotView struct {
	depot.Depot
	depot.Usage
	District string `json:"district,omitempty"` // district area code; "" for a depot above district level
}

const depotColumns = `d.id, d.code, d.name_zh, d.name_en, d.tier, d.kind, o.code, a.code, d.lat, d.lon,
	d.address, d.capacity_m3, COALESCE(dist.code, ''),
	COALESCE((SELECT SUM(b.quantity * i.volume_m3) FROM balances b JOIN items i ON i.id = b.item_id
		WHERE b.depot_id = d.id), 0) / 1000.0`

const depotFrom = ` FROM depots d JOIN orgs o ON o.id = d.org_id JOIN areas a ON a.id = d.area_id
	LEFT JOIN areas dist ON dist.level = 'district' AND a.path LIKE dist.path || '%' `

func scanDepot(r interface{ Scan(...any) error }) (v DepotView, err error) {
	var tier, kind string
	var used float64
	d := &v.Depot
	err = r.Scan(&d.ID, &d.Code, &d.NameZH, &d.NameEN, &tier, &kind, &d.OrgCode, &d.AreaCode,
		&d.Point.Lat, &d.Point.Lon, &d.Address, &d.CapacityM3, &v.District, &used)
	d.Tier, d.Kind = area.Level(tier), depot.Kind(kind)
	v.Usage = depot.NewUsage(used, d.CapacityM3)
	return v, err
}

// CreateDepot adds a depot; its organisation and area must exist.
func (s *Store) CreateDepot(ctx context.Context, d depot.Depot) (depot.Depot, error) {
	if err := d.Validate(); err != nil {
		return d, err
	}
	o, err := s.Org(ctx, d.OrgCode)
	if err != nil {
		return d, withField(err, "org_code")
	}
	a, err := s.Area(ctx, d.AreaCode)
	if err != nil {
		return d, withField(err, "area_code")
	}
	err = s.queryRow(ctx, `INSERT INTO depots (code, name_zh, name_en, tier, kind, org_id, area_id, lat, lon,
		address, capacity_m3) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		d.Code, d.NameZH, d.NameEN, string(d.Tier), string(d.Kind), o.ID, a.ID, d.Point.Lat, d.Point.Lon,
		d.Address, d.CapacityM3).Scan(&d.ID)
	if err != nil {
		return d, s.alreadyExists(err, "depot", "储备库", d.Code)
	}
	return d, nil
}

// Depot returns the depot with the given code and its usage.
func (s *Store) Depot(ctx context.Context, code string) (DepotView, error) {
	v, err := scanDepot(s.queryRow(ctx, `SELECT `+depotColumns+depotFrom+`WHERE d.code = ?`, code))
	if err != nil {
		return v, notFound(err, "depot", "储备库", code)
	}
	return v, nil
}

// DepotFilter narrows Depots; zero fields do not filter.
type DepotFilter struct {
	Area string // area code: depots in its subtree
	Tier string
	Org  string
	// View limits the rows to what an actor may see (access.Actor.View);
	// nil does not limit.
	View *access.View
}

// Depots lists depots in code order.
func (s *Store) Depots(ctx context.Context, f DepotFilter) ([]DepotView, error) {
	prefix, err := s.subtreePrefix(ctx, f.Area)
	if err != nil {
		return nil, err
	}
	var w where
	w.add("a.path LIKE ?", prefix+"%")
	w.addIf(f.Tier, "d.tier = ?")
	w.addIf(f.Org, "o.code = ?")
	w.visible(f.View, "d", "")
	rows, err := s.query(ctx, `SELECT `+depotColumns+depotFrom+w.String()+`ORDER BY d.code`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: depots: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (DepotView, error) { return scanDepot(r) })
}
