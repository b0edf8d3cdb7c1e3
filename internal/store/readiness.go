package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/readiness"
)

// Readiness returns the store as what readiness assessments read. Use one
// per assessment, like [Store.Inventory].
func (s *Store) Readiness() readiness.Data { return &inventory{s: s} }

// City returns the home city (the root with the most districts) and its
// districts.
func (inv *inventory) City(ctx context.Context) (area.Area, []area.Area, error) {
	idx, err := inv.districts(ctx)
	if err != nil {
		return area.Area{}, nil, err
	}
	if idx.home == "" {
		return area.Area{}, nil, fmt.Errorf("store: city: no district is loaded")
	}
	city, err := inv.s.Area(ctx, idx.home)
	if err != nil {
		return city, nil, err
	}
	all, err := inv.s.AreaList(ctx, idx.home, InUse) // a retired district is not assessed
	if err != nil {
		return city, nil, err
	}
	var districts []area.Area
	for _, a := range all {
		if a.Level == area.LevelDistrict && a.ParentCode == city.Code {
			districts = append(districts, a)
		}
	}
	return city, districts, nil
}

// Holders returns the tier of each organisation: the level of its area
// and the district that area lies in. Readiness counts a contract reserve
// for its contracting party's tier and district (the bureau that signed
// it), not the enterprise's.
func (inv *inventory) Holders(ctx context.Context) (map[string]readiness.Holder, error) {
	idx, err := inv.districts(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := inv.s.query(ctx, `SELECT o.code, a.level, a.path FROM orgs o JOIN areas a ON a.id = o.area_id`)
	if err != nil {
		return nil, fmt.Errorf("store: organisation tiers: %w", err)
	}
	defer rows.Close()
	out := map[string]readiness.Holder{}
	for rows.Next() {
		var code, level, path string
		if err := rows.Scan(&code, &level, &path); err != nil {
			return nil, fmt.Errorf("store: organisation tiers: %w", err)
		}
		out[code] = readiness.Holder{Tier: area.Level(level), District: idx.district(path)}
	}
	return out, rows.Err()
}

// Known returns lookups of the item and area codes that exist, for
// validating readiness settings and scenarios.
func (s *Store) Known(ctx context.Context) (readiness.Known, error) {
	items, err := s.codes(ctx, `SELECT code FROM items`)
	if err != nil {
		return readiness.Known{}, err
	}
	areas, err := s.codes(ctx, `SELECT code FROM areas`)
	if err != nil {
		return readiness.Known{}, err
	}
	return readiness.Known{Item: func(c string) bool { return items[c] }, Area: func(c string) bool { return areas[c] }}, nil
}

func (s *Store) codes(ctx context.Context, q string) (map[string]bool, error) {
	rows, err := s.query(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("store: codes: %w", err)
	}
	list, err := collect(rows, func(r *sql.Rows) (c string, err error) { return c, r.Scan(&c) })
	out := make(map[string]bool, len(list))
	for _, c := range list {
		out[c] = true
	}
	return out, err
}

// ReadinessConfig returns a city's readiness settings, or the shipped
// defaults (marked Default) when it has none.
func (s *Store) ReadinessConfig(ctx context.Context, city string) (readiness.Config, error) {
	var body string
	err := s.queryRow(ctx, `SELECT body FROM readiness_configs WHERE area_code = ?`, city).Scan(&body)
	if err == sql.ErrNoRows {
		c := readiness.DefaultConfig()
		c.City = city
		return c, nil
	}
	if err != nil {
		return readiness.Config{}, fmt.Errorf("store: readiness settings: %w", err)
	}
	var c readiness.Config
	if err := json.Unmarshal([]byte(body), &c); err != nil {
		return c, fmt.Errorf("store: readiness settings: %w", err)
	}
	return c.WithDefaults(), nil
}

// SaveReadinessConfig validates and stores a city's readiness settings,
// replacing what it had; on a validation error nothing is stored.
func (s *Store) SaveReadinessConfig(ctx context.Context, c readiness.Config, actor string) (readiness.Config, error) {
	known, err := s.Known(ctx)
	if err != nil {
		return c, err
	}
	if !known.Area(c.City) {
		return c, apperr.NotFoundf("area", "区域", c.City).WithField("city")
	}
	if err := c.Validate(known); err != nil {
		return c, err
	}
	c.Default = false
	body, _ := json.Marshal(c)
	now := s.now().Unix()
	err = s.InTx(ctx, func(tx *Store) error {
		if _, err := tx.exec(ctx, `DELETE FROM readiness_configs WHERE area_code = ?`, c.City); err != nil {
			return err
		}
		_, err := tx.exec(ctx, `INSERT INTO readiness_configs (area_code, body, updated_at, updated_by) VALUES (?, ?, ?, ?)`,
			c.City, string(body), now, actor)
		return err
	})
	if err != nil {
		return c, fmt.Errorf("store: save readiness settings: %w", err)
	}
	return c, nil
}

// SaveScenario validates and stores a scenario, replacing the one with the
// same code.
func (s *Store) SaveScenario(ctx context.Context, sc readiness.Scenario) (readiness.Scenario, error) {
	known, err := s.Known(ctx)
	if err != nil {
		return sc, err
	}
	if err := sc.Validate(known); err != nil {
		return sc, err
	}
	body, _ := json.Marshal(sc)
	now := s.now().Unix()
	err = s.InTx(ctx, func(tx *Store) error {
		res, err := tx.exec(ctx, `UPDATE scenarios SET body = ?, updated_at = ? WHERE code = ?`, string(body), now, sc.Code)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
		_, err = tx.exec(ctx, `INSERT INTO scenarios (code, body, created_at, updated_at) VALUES (?, ?, ?, ?)`,
			sc.Code, string(body), now, now)
		return err
	})
	if err != nil {
		return sc, fmt.Errorf("store: save scenario %s: %w", sc.Code, err)
	}
	return sc, nil
}

// Scenario returns a stored scenario by its code.
func (s *Store) Scenario(ctx context.Context, code string) (readiness.Scenario, error) {
	var sc readiness.Scenario
	var body string
	if err := s.queryRow(ctx, `SELECT body FROM scenarios WHERE code = ?`, code).Scan(&body); err != nil {
		return sc, notFound(err, "scenario", "情景", code)
	}
	return sc, json.Unmarshal([]byte(body), &sc)
}

// Scenarios lists the stored scenarios by code.
func (s *Store) Scenarios(ctx context.Context) ([]readiness.Scenario, error) {
	rows, err := s.query(ctx, `SELECT body FROM scenarios ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("store: scenarios: %w", err)
	}
	return collectBodies[readiness.Scenario](rows)
}

// collectBodies decodes rows of one JSON body column.
func collectBodies[T any](rows *sql.Rows) ([]T, error) {
	return collect(rows, func(r *sql.Rows) (v T, err error) {
		var body string
		if err = r.Scan(&body); err != nil {
			return v, err
		}
		return v, json.Unmarshal([]byte(body), &v)
	})
}

// HomeReadinessConfig returns the readiness settings of the home city.
func (s *Store) HomeReadinessConfig(ctx context.Context) (readiness.Config, error) {
	city, _, err := s.Readiness().City(ctx)
	if err != nil {
		return readiness.Config{}, err
	}
	return s.ReadinessConfig(ctx, city.Code)
}
