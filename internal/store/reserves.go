package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/reserve"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// ReserveFilter narrows Agreements and Capacities; zero fields do not filter.
type ReserveFilter struct {
	Item     string // item code
	Org      string // enterprise code
	ActiveOn string // YYYY-MM-DD: only reserves valid on that day
	// View limits the reserves to those of organisations an actor may see
	// (access.Actor.View); nil does not limit.
	View *access.View
	// Retired selects by retirement; the zero value lists retired reserves
	// too. Planning and readiness ask for InUse: a retired reserve is not
	// counted.
	Retired Retirement
}

func (f ReserveFilter) where() where {
	var w where
	w.addIf(f.Item, "i.code = ?")
	w.addIf(f.Org, "o.code = ?")
	if f.ActiveOn != "" {
		w.add("r.valid_from <= ? AND r.valid_until >= ?", f.ActiveOn, f.ActiveOn)
	}
	w.visibleOrg(f.View, "o")
	f.Retired.filter(&w, "r")
	return w
}

const agreementSelect = `SELECT r.id, r.code, o.code, o.name_zh, COALESCE(p.code, ''), COALESCE(p.name_zh, ''),
	i.code, i.name_zh, r.quantity, r.reserved, r.delivery_hours, r.valid_from, r.valid_until, r.lat, r.lon, r.note,
	r.retired_at, r.version
	FROM agreement_reserves r JOIN orgs o ON o.id = r.org_id JOIN items i ON i.id = r.item_id
	LEFT JOIN orgs p ON p.id = r.party_id`

func scanAgreement(r interface{ Scan(...any) error }) (a reserve.Agreement, err error) {
	return a, r.Scan(&a.ID, &a.Code, &a.OrgCode, &a.OrgNameZH, &a.Party, &a.PartyNameZH, &a.Item, &a.ItemNameZH, &a.Quantity, &a.Reserved,
		&a.DeliveryHours, &a.ValidFrom, &a.ValidUntil, &a.Point.Lat, &a.Point.Lon, &a.Note, &a.RetiredAt, &a.Version)
}

// CreateAgreement registers an agreement reserve (协议储备); its enterprise
// and item must exist.
func (s *Store) CreateAgreement(ctx context.Context, a reserve.Agreement) (reserve.Agreement, error) {
	if err := a.Validate(); err != nil {
		return a, err
	}
	orgID, itemID, err := s.reserveRefs(ctx, a.OrgCode, a.Item, a.Quantity, "quantity")
	if err != nil {
		return a, err
	}
	partyID, err := s.reserveParty(ctx, a.Party)
	if err != nil {
		return a, err
	}
	err = s.queryRow(ctx, `INSERT INTO agreement_reserves (code, org_id, item_id, quantity, delivery_hours,
		valid_from, valid_until, lat, lon, note, party_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		a.Code, orgID, itemID, int64(a.Quantity), a.DeliveryHours, a.ValidFrom, a.ValidUntil,
		a.Point.Lat, a.Point.Lon, a.Note, partyID).Scan(&a.ID)
	if err != nil {
		return a, s.alreadyExists(err, "agreement", "协议储备", a.Code)
	}
	return s.Agreement(ctx, a.Code)
}

// Agreement returns an agreement reserve by its code.
func (s *Store) Agreement(ctx context.Context, code string) (reserve.Agreement, error) {
	a, err := scanAgreement(s.queryRow(ctx, agreementSelect+` WHERE r.code = ?`, code))
	if err != nil {
		return a, notFound(err, "agreement", "协议储备", code)
	}
	return a, nil
}

// Agreements lists agreement reserves in code order.
func (s *Store) Agreements(ctx context.Context, f ReserveFilter) ([]reserve.Agreement, error) {
	w := f.where()
	rows, err := s.query(ctx, agreementSelect+w.String()+` ORDER BY r.code`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: agreements: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (reserve.Agreement, error) { return scanAgreement(r) })
}

const capacitySelect = `SELECT r.id, r.code, o.code, o.name_zh, COALESCE(p.code, ''), COALESCE(p.name_zh, ''),
	i.code, i.name_zh, r.per_day, r.lead_hours, r.reserved, r.valid_from, r.valid_until, r.lat, r.lon, r.note,
	r.retired_at, r.version
	FROM capacity_reserves r JOIN orgs o ON o.id = r.org_id JOIN items i ON i.id = r.item_id
	LEFT JOIN orgs p ON p.id = r.party_id`

func scanCapacity(r interface{ Scan(...any) error }) (c reserve.Capacity, err error) {
	return c, r.Scan(&c.ID, &c.Code, &c.OrgCode, &c.OrgNameZH, &c.Party, &c.PartyNameZH, &c.Item, &c.ItemNameZH, &c.PerDay, &c.LeadHours,
		&c.Reserved, &c.ValidFrom, &c.ValidUntil, &c.Point.Lat, &c.Point.Lon, &c.Note, &c.RetiredAt, &c.Version)
}

// CreateCapacity registers a production-capacity reserve (生产能力储备).
func (s *Store) CreateCapacity(ctx context.Context, c reserve.Capacity) (reserve.Capacity, error) {
	if err := c.Validate(); err != nil {
		return c, err
	}
	orgID, itemID, err := s.reserveRefs(ctx, c.OrgCode, c.Item, c.PerDay, "per_day")
	if err != nil {
		return c, err
	}
	partyID, err := s.reserveParty(ctx, c.Party)
	if err != nil {
		return c, err
	}
	err = s.queryRow(ctx, `INSERT INTO capacity_reserves (code, org_id, item_id, per_day, lead_hours,
		valid_from, valid_until, lat, lon, note, party_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		c.Code, orgID, itemID, int64(c.PerDay), c.LeadHours, c.ValidFrom, c.ValidUntil,
		c.Point.Lat, c.Point.Lon, c.Note, partyID).Scan(&c.ID)
	if err != nil {
		return c, s.alreadyExists(err, "capacity", "产能储备", c.Code)
	}
	return s.Capacity(ctx, c.Code)
}

// Capacity returns a production-capacity reserve by its code.
func (s *Store) Capacity(ctx context.Context, code string) (reserve.Capacity, error) {
	c, err := scanCapacity(s.queryRow(ctx, capacitySelect+` WHERE r.code = ?`, code))
	if err != nil {
		return c, notFound(err, "capacity", "产能储备", code)
	}
	return c, nil
}

// Capacities lists production-capacity reserves in code order.
func (s *Store) Capacities(ctx context.Context, f ReserveFilter) ([]reserve.Capacity, error) {
	w := f.where()
	rows, err := s.query(ctx, capacitySelect+w.String()+` ORDER BY r.code`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: capacities: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (reserve.Capacity, error) { return scanCapacity(r) })
}

// reserveRefs resolves a reserve's enterprise and item, both in use, and
// checks the quantity (in field) against the item's unit.
func (s *Store) reserveRefs(ctx context.Context, orgCode, itemCode string, q stock.Quantity, field string) (orgID, itemID int64, err error) {
	o, err := s.orgInUse(ctx, orgCode, "org_code")
	if err != nil {
		return 0, 0, err
	}
	it, err := s.Item(ctx, itemCode)
	if err == nil {
		err = it.CheckInUse()
	}
	if err != nil {
		return 0, 0, withField(err, "item")
	}
	if err := stock.CheckUnit(q, it.Counted, it.UnitZH, it.UnitEN); err != nil {
		return 0, 0, withField(err, field)
	}
	return o.ID, it.ID, nil
}

// reserveParty resolves a contract reserve's contracting party: the
// organisation named, which must be a bureau or a department
// ([reserve.CheckParty]); none named is the city's bureau (the bureau of
// the city-level area), or no party at all while there is none, which
// readiness counts for the city as well.
func (s *Store) reserveParty(ctx context.Context, code string) (sql.NullInt64, error) {
	if code == "" {
		var id sql.NullInt64
		err := s.queryRow(ctx, `SELECT MIN(o.id) FROM orgs o JOIN areas a ON a.id = o.area_id
			WHERE a.level = 'city' AND o.kind = 'bureau'`).Scan(&id)
		if err != nil {
			return id, fmt.Errorf("store: city bureau: %w", err)
		}
		return id, nil
	}
	o, err := s.orgInUse(ctx, code, "party")
	if err != nil {
		return sql.NullInt64{}, err
	}
	if err := reserve.CheckParty(o); err != nil {
		return sql.NullInt64{}, err
	}
	return sql.NullInt64{Int64: o.ID, Valid: true}, nil
}

// UpdateAgreement changes an agreement reserve's quantity, delivery hours,
// validity, place, note and contracting party (reserve.Agreement.Revise),
// if its version is still a.Version (else edit.stale), and bumps the
// version. It returns the agreement before and after.
func (s *Store) UpdateAgreement(ctx context.Context, a reserve.Agreement) (before, after reserve.Agreement, err error) {
	if before, err = s.Agreement(ctx, a.Code); err != nil {
		return before, after, err
	}
	if after, err = before.Revise(a); err != nil {
		return before, after, err
	}
	it, err := s.Item(ctx, before.Item)
	if err != nil {
		return before, after, err
	}
	if err = stock.CheckUnit(after.Quantity, it.Counted, it.UnitZH, it.UnitEN); err != nil {
		return before, after, withField(err, "quantity")
	}
	partyID, err := s.editedParty(ctx, before.Party, after.Party)
	if err != nil {
		return before, after, err
	}
	if err = s.bump(ctx, "agreement_reserves", a.Code, a.Version, `quantity = ?, delivery_hours = ?, valid_from = ?,
		valid_until = ?, lat = ?, lon = ?, note = ?, party_id = ?`, int64(after.Quantity), after.DeliveryHours,
		after.ValidFrom, after.ValidUntil, after.Point.Lat, after.Point.Lon, after.Note, partyID); err != nil {
		return before, after, err
	}
	after, err = s.Agreement(ctx, a.Code)
	return before, after, err
}

// UpdateCapacity changes a production-capacity reserve as UpdateAgreement
// changes an agreement.
func (s *Store) UpdateCapacity(ctx context.Context, c reserve.Capacity) (before, after reserve.Capacity, err error) {
	if before, err = s.Capacity(ctx, c.Code); err != nil {
		return before, after, err
	}
	if after, err = before.Revise(c); err != nil {
		return before, after, err
	}
	it, err := s.Item(ctx, before.Item)
	if err != nil {
		return before, after, err
	}
	if err = stock.CheckUnit(after.PerDay, it.Counted, it.UnitZH, it.UnitEN); err != nil {
		return before, after, withField(err, "per_day")
	}
	partyID, err := s.editedParty(ctx, before.Party, after.Party)
	if err != nil {
		return before, after, err
	}
	if err = s.bump(ctx, "capacity_reserves", c.Code, c.Version, `per_day = ?, lead_hours = ?, valid_from = ?,
		valid_until = ?, lat = ?, lon = ?, note = ?, party_id = ?`, int64(after.PerDay), after.LeadHours,
		after.ValidFrom, after.ValidUntil, after.Point.Lat, after.Point.Lon, after.Note, partyID); err != nil {
		return before, after, err
	}
	after, err = s.Capacity(ctx, c.Code)
	return before, after, err
}

// editedParty resolves the contracting party of an edited reserve: the
// one it had may stay even if retired since; a new one must be in use.
func (s *Store) editedParty(ctx context.Context, was, party string) (sql.NullInt64, error) {
	if party != "" && party == was {
		o, err := s.Org(ctx, party)
		if err != nil {
			return sql.NullInt64{}, withField(err, "party")
		}
		return sql.NullInt64{Int64: o.ID, Valid: true}, nil
	}
	return s.reserveParty(ctx, party)
}

// SetAgreementRetired retires (retired) or restores an agreement reserve.
// One with units promised to approved plans is not retired; one whose
// enterprise or item is retired is not restored. Planning and readiness
// do not count a retired reserve.
func (s *Store) SetAgreementRetired(ctx context.Context, code string, retired bool) (before, after reserve.Agreement, err error) {
	if before, err = s.Agreement(ctx, code); err != nil {
		return before, after, err
	}
	if retired {
		err = reserve.CheckRetire(code, before.Reserved)
	} else {
		_, _, err = s.reserveRefs(ctx, before.OrgCode, before.Item, before.Quantity, "quantity")
	}
	if err == nil {
		err = s.retire(ctx, "agreement_reserves", code, before.RetiredAt, before.Version, retired)
	}
	if err != nil {
		return before, after, err
	}
	after, err = s.Agreement(ctx, code)
	return before, after, err
}

// SetCapacityRetired retires (retired) or restores a production-capacity
// reserve, as SetAgreementRetired does an agreement.
func (s *Store) SetCapacityRetired(ctx context.Context, code string, retired bool) (before, after reserve.Capacity, err error) {
	if before, err = s.Capacity(ctx, code); err != nil {
		return before, after, err
	}
	if retired {
		err = reserve.CheckRetire(code, before.Reserved)
	} else {
		_, _, err = s.reserveRefs(ctx, before.OrgCode, before.Item, before.PerDay, "per_day")
	}
	if err == nil {
		err = s.retire(ctx, "capacity_reserves", code, before.RetiredAt, before.Version, retired)
	}
	if err != nil {
		return before, after, err
	}
	after, err = s.Capacity(ctx, code)
	return before, after, err
}

// PromiseReserve changes by delta the part of a contract reserve (kind
// "agreement" or "capacity") promised to approved plans. A promise beyond what an
// agreement holds, or a release of more than was promised, changes nothing
// and is a conflict, so two plans can never promise the same units.
func (s *Store) PromiseReserve(ctx context.Context, kind, code string, delta stock.Quantity) error {
	if kind == string(dispatch.SourcePurchase) {
		return s.promiseCallOff(ctx, code, delta)
	}
	query := `UPDATE capacity_reserves SET reserved = reserved + ? WHERE code = ? AND reserved + ? >= 0`
	args := []any{int64(delta), code, int64(delta)}
	if kind == "agreement" {
		query = `UPDATE agreement_reserves SET reserved = reserved + ? WHERE code = ? AND reserved + ? >= 0
			AND reserved + ? <= quantity`
		args = append(args, int64(delta))
	}
	res, err := s.exec(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("store: promise %s %s: %w", kind, code, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return apperr.New(apperr.Conflict, "reserve.insufficient",
			"储备 %s 可承诺数量不足（变动 %s）", "reserve %s cannot promise this much (change %s)",
			code, delta.String()).WithField("source")
	}
	return nil
}
