package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/depot"
	"github.com/stockpile-dev/stockpile/internal/org"
)

// DepotView is a depot with how full it is and the district (区) it lies
// in, which screens and reports group by.
type DepotView struct {
	depot.Depot
	depot.Usage
	District string `json:"district,omitempty"` // district area code; "" for a depot above district level
}

const depotColumns = `d.id, d.code, d.name_zh, d.name_en, d.tier, d.kind, o.code, a.code, d.lat, d.lon,
	d.address, d.capacity_m3, d.retired_at, d.version, a.path,
	COALESCE((SELECT SUM(s.quantity * i.volume_m3) FROM depot_stock s JOIN items i ON i.id = s.item_id
		WHERE s.depot_id = d.id), 0) / 1000.0`

// depotFrom reads a depot with its organisation and area; the district is
// found from the area's path afterwards (nameDepotDistricts): joining
// every depot with every district by path prefix took 2.7 s for the
// depot list of a province of 5,000 depots.
const depotFrom = ` FROM depots d JOIN orgs o ON o.id = d.org_id JOIN areas a ON a.id = d.area_id `

// scanDepot reads a depot; District holds the area's path until
// nameDepotDistricts turns it into the district's code.
func scanDepot(r interface{ Scan(...any) error }) (v DepotView, err error) {
	var tier, kind string
	var used float64
	d := &v.Depot
	err = r.Scan(&d.ID, &d.Code, &d.NameZH, &d.NameEN, &tier, &kind, &d.OrgCode, &d.AreaCode,
		&d.Point.Lat, &d.Point.Lon, &d.Address, &d.CapacityM3, &d.RetiredAt, &d.Version, &v.District, &used)
	d.Tier, d.Kind = area.Level(tier), depot.Kind(kind)
	v.Usage = depot.NewUsage(used, d.CapacityM3)
	return v, err
}

// CreateDepot adds a depot; its organisation and area must exist and be
// in use.
func (s *Store) CreateDepot(ctx context.Context, d depot.Depot) (depot.Depot, error) {
	if err := d.Validate(); err != nil {
		return d, err
	}
	o, err := s.orgInUse(ctx, d.OrgCode, "org_code")
	if err != nil {
		return d, err
	}
	a, err := s.areaInUse(ctx, d.AreaCode, "area_code")
	if err != nil {
		return d, err
	}
	d.RetiredAt, d.Version = 0, 1
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
	vs := []DepotView{v}
	err = s.nameDepotDistricts(ctx, vs)
	return vs[0], err
}

// nameDepotDistricts turns each depot's area path (in District as
// scanned) into the code of its district.
func (s *Store) nameDepotDistricts(ctx context.Context, vs []DepotView) error {
	districts, err := s.districtPaths(ctx)
	if err != nil {
		return fmt.Errorf("store: depots: %w", err)
	}
	for i := range vs {
		vs[i].District = districtOf(districts, vs[i].District)
	}
	return nil
}

// DepotFilter narrows Depots; zero fields do not filter.
type DepotFilter struct {
	Area string // area code: depots in its subtree
	Tier string
	Org  string
	// View limits the rows to what an actor may see (access.Actor.View);
	// nil does not limit.
	View *access.View
	// Retired selects by retirement; the zero value lists retired depots
	// too (the API and the screens ask for InUse unless told otherwise).
	Retired Retirement
}

// Depots lists depots in code order.
func (s *Store) Depots(ctx context.Context, f DepotFilter) ([]DepotView, error) {
	prefix, err := s.subtreePrefix(ctx, f.Area)
	if err != nil {
		return nil, err
	}
	var w where
	w.add("a.path LIKE ?", prefix+"%")
	w.add("d.role = 'depot'") // sites and shipments are ledger locations, not depots
	w.addIf(f.Tier, "d.tier = ?")
	w.addIf(f.Org, "o.code = ?")
	w.visible(f.View, "d", "")
	f.Retired.filter(&w, "d")
	rows, err := s.query(ctx, `SELECT `+depotColumns+depotFrom+w.String()+`ORDER BY d.code`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: depots: %w", err)
	}
	vs, err := collect(rows, func(r *sql.Rows) (DepotView, error) { return scanDepot(r) })
	if err != nil {
		return nil, err
	}
	return vs, s.nameDepotDistricts(ctx, vs)
}

// UpdateDepot changes a depot's names, kind, organisation, area, position,
// address and capacity (depot.Depot.Revise), if its version is still
// d.Version (else edit.stale), and bumps the version. A new organisation
// or area must be in use. A depot moved to another area takes its stock
// totals with it, in the same transaction: its depot_stock rows leave the
// area_stock of the old area and every ancestor and join those of the new
// area and its ancestors (moveAreaStock). It returns the depot before and
// after.
func (s *Store) UpdateDepot(ctx context.Context, d depot.Depot) (before, after DepotView, err error) {
	if before, err = s.Depot(ctx, d.Code); err != nil {
		return before, after, err
	}
	revised, err := before.Depot.Revise(d)
	if err != nil {
		return before, after, err
	}
	after.Depot = revised
	var o org.Org
	if revised.OrgCode == before.OrgCode {
		o, err = s.Org(ctx, revised.OrgCode)
	} else {
		o, err = s.orgInUse(ctx, revised.OrgCode, "org_code")
	}
	if err != nil {
		return before, after, withField(err, "org_code")
	}
	oldArea, err := s.Area(ctx, before.AreaCode)
	if err != nil {
		return before, after, err
	}
	newArea := oldArea
	if revised.AreaCode != before.AreaCode {
		if newArea, err = s.areaInUse(ctx, revised.AreaCode, "area_code"); err != nil {
			return before, after, err
		}
	}
	if err = s.bump(ctx, "depots", d.Code, d.Version, `name_zh = ?, name_en = ?, kind = ?, org_id = ?, area_id = ?,
		lat = ?, lon = ?, address = ?, capacity_m3 = ?`, revised.NameZH, revised.NameEN, string(revised.Kind), o.ID,
		newArea.ID, revised.Point.Lat, revised.Point.Lon, revised.Address, revised.CapacityM3); err != nil {
		return before, after, err
	}
	if newArea.ID != oldArea.ID {
		if err = s.moveAreaStock(ctx, before.ID, oldArea.Path, newArea.Path); err != nil {
			return before, after, err
		}
	}
	after, err = s.Depot(ctx, d.Code)
	return before, after, err
}

// moveAreaStock moves the stock totals of the depot with id from the area
// at path from, and every ancestor of it, to the area at path to and its
// ancestors: area_stock holds per area the sum over the depots of its
// whole subtree, and an area's ancestors are the areas whose path is a
// prefix of its own. Rows that reach zero are deleted. Ancestors the two
// share lose the stock and get it back.
func (s *Store) moveAreaStock(ctx context.Context, depotID int64, from, to string) error {
	if _, err := s.exec(ctx, `UPDATE area_stock SET
		quantity = quantity - (SELECT s.quantity FROM depot_stock s WHERE s.depot_id = ? AND s.item_id = area_stock.item_id),
		reserved = reserved - (SELECT s.reserved FROM depot_stock s WHERE s.depot_id = ? AND s.item_id = area_stock.item_id)
		WHERE area_id IN (SELECT id FROM areas WHERE ? LIKE path || '%')
		AND item_id IN (SELECT item_id FROM depot_stock WHERE depot_id = ?)`, depotID, depotID, from, depotID); err != nil {
		return fmt.Errorf("store: move stock totals from %s: %w", from, err)
	}
	if _, err := s.exec(ctx, `DELETE FROM area_stock WHERE quantity = 0
		AND area_id IN (SELECT id FROM areas WHERE ? LIKE path || '%')`, from); err != nil {
		return fmt.Errorf("store: move stock totals from %s: %w", from, err)
	}
	if _, err := s.exec(ctx, `INSERT INTO area_stock (area_id, item_id, quantity, reserved)
		SELECT a.id, s.item_id, s.quantity, s.reserved FROM depot_stock s, areas a
		WHERE s.depot_id = ? AND s.quantity > 0 AND ? LIKE a.path || '%'
		ON CONFLICT (area_id, item_id) DO UPDATE SET quantity = area_stock.quantity + excluded.quantity,
		reserved = area_stock.reserved + excluded.reserved`, depotID, to); err != nil {
		return fmt.Errorf("store: move stock totals to %s: %w", to, err)
	}
	return nil
}

// SetDepotRetired retires (retired) or restores a depot. A depot that
// holds stock is not retired (depot.not_empty: move the stock first); one
// whose organisation or area is retired is not restored. A retired depot
// is no source or destination of plans, transfers and pre-positioning.
func (s *Store) SetDepotRetired(ctx context.Context, code string, retired bool) (before, after DepotView, err error) {
	if before, err = s.Depot(ctx, code); err != nil {
		return before, after, err
	}
	if retired {
		var held int64
		if err = s.queryRow(ctx, `SELECT COALESCE(SUM(quantity), 0) FROM balances WHERE depot_id = ?`,
			before.ID).Scan(&held); err != nil {
			return before, after, fmt.Errorf("store: depot %s: %w", code, err)
		}
		err = before.CheckRetire(held)
	} else {
		if _, err = s.orgInUse(ctx, before.OrgCode, "org_code"); err == nil {
			_, err = s.areaInUse(ctx, before.AreaCode, "area_code")
		}
	}
	if err == nil {
		err = s.retire(ctx, "depots", code, before.RetiredAt, before.Version, retired)
	}
	if err != nil {
		return before, after, err
	}
	after, err = s.Depot(ctx, code)
	return before, after, err
}
