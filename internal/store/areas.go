package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/org"
	"github.com/stockpile-dev/stockpile/internal/routing"
)

const areaColumns = `a.id, a.code, COALESCE(p.code, ''), a.level, a.name_zh, a.name_en, a.population,
	a.lat, a.lon, a.terrain, a.path`

const areaFrom = ` FROM areas a LEFT JOIN areas p ON p.id = a.parent_id `

func scanArea(r interface{ Scan(...any) error }, extra ...any) (a area.Area, err error) {
	var level string
	err = r.Scan(append([]any{&a.ID, &a.Code, &a.ParentCode, &level, &a.NameZH, &a.NameEN, &a.Population,
		&a.Point.Lat, &a.Point.Lon, &a.Terrain, &a.Path}, extra...)...)
	a.Level = area.Level(level)
	return a, err
}

// CreateArea adds an area under its parent (none for the root).
func (s *Store) CreateArea(ctx context.Context, a area.Area) (area.Area, error) {
	var parent *area.Area
	if a.ParentCode != "" {
		p, err := s.Area(ctx, a.ParentCode)
		if err != nil {
			return a, withField(err, "parent_code")
		}
		parent = &p
	}
	if err := a.Validate(parent); err != nil {
		return a, err
	}
	boundary, err := area.NormalizeBoundary(a.Boundary)
	if err != nil {
		return a, err
	}
	a.Boundary = boundary
	var boundaryText sql.NullString
	if boundary != nil {
		boundaryText = sql.NullString{String: string(boundary), Valid: true}
	}
	a.Path = area.PathUnder(parent, a.Code)
	var parentID sql.NullInt64
	if parent != nil {
		parentID = sql.NullInt64{Int64: parent.ID, Valid: true}
	}
	// The outline's column is named only when there is one, so that areas
	// without one can be written to a schema before "area outlines" (the
	// upgrade tests do).
	cols, marks, args := "", "", []any{a.Code, parentID, string(a.Level), a.NameZH, a.NameEN, a.Population,
		a.Point.Lat, a.Point.Lon, a.Terrain, a.Path}
	if boundaryText.Valid {
		cols, marks, args = ", boundary", ", ?", append(args, boundaryText)
	}
	err = s.queryRow(ctx, `INSERT INTO areas (code, parent_id, level, name_zh, name_en, population, lat, lon,
		terrain, path`+cols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?`+marks+`) RETURNING id`, args...).Scan(&a.ID)
	if err != nil {
		return a, s.alreadyExists(err, "area", "区域", a.Code)
	}
	return a, nil
}

// Area returns the area with the given code, without its outline
// (AreaWithBoundary adds it).
func (s *Store) Area(ctx context.Context, code string) (area.Area, error) {
	a, err := scanArea(s.queryRow(ctx, `SELECT `+areaColumns+areaFrom+`WHERE a.code = ?`, code))
	if err != nil {
		return a, notFound(err, "area", "区域", code)
	}
	return a, nil
}

// AreaWithBoundary returns the area with the given code and its outline.
func (s *Store) AreaWithBoundary(ctx context.Context, code string) (area.Area, error) {
	var boundary sql.NullString
	a, err := scanArea(s.queryRow(ctx, `SELECT `+areaColumns+`, a.boundary`+areaFrom+`WHERE a.code = ?`, code), &boundary)
	if err != nil {
		return a, notFound(err, "area", "区域", code)
	}
	if boundary.Valid && boundary.String != "" {
		a.Boundary = json.RawMessage(boundary.String)
	}
	return a, nil
}

// Areas lists the areas in the subtree under the area with code root (all
// areas when root is empty), parents before children, without their
// outlines (Area gives one with its outline).
func (s *Store) Areas(ctx context.Context, root string) ([]area.Area, error) {
	prefix, err := s.subtreePrefix(ctx, root)
	if err != nil {
		return nil, err
	}
	rows, err := s.query(ctx, `SELECT `+areaColumns+areaFrom+`WHERE a.path LIKE ? ORDER BY a.path`, prefix+"%")
	if err != nil {
		return nil, fmt.Errorf("store: areas: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (area.Area, error) { return scanArea(r) })
}

// subtreePrefix returns the path prefix matching the subtree of code ("" for
// everything).
func (s *Store) subtreePrefix(ctx context.Context, code string) (string, error) {
	if code == "" {
		return "", nil
	}
	a, err := s.Area(ctx, code)
	if err != nil {
		return "", withField(err, "area")
	}
	return a.Path, nil
}

const orgColumns = `o.id, o.code, o.name_zh, o.name_en, o.kind, a.code`

func scanOrg(r interface{ Scan(...any) error }) (o org.Org, err error) {
	var kind string
	err = r.Scan(&o.ID, &o.Code, &o.NameZH, &o.NameEN, &kind, &o.AreaCode)
	o.Kind = org.Kind(kind)
	return o, err
}

// CreateOrg adds an organisation.
func (s *Store) CreateOrg(ctx context.Context, o org.Org) (org.Org, error) {
	if err := o.Validate(); err != nil {
		return o, err
	}
	a, err := s.Area(ctx, o.AreaCode)
	if err != nil {
		return o, withField(err, "area_code")
	}
	err = s.queryRow(ctx, `INSERT INTO orgs (code, name_zh, name_en, kind, area_id) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		o.Code, o.NameZH, o.NameEN, string(o.Kind), a.ID).Scan(&o.ID)
	if err != nil {
		return o, s.alreadyExists(err, "organisation", "单位", o.Code)
	}
	return o, nil
}

// Org returns the organisation with the given code.
func (s *Store) Org(ctx context.Context, code string) (org.Org, error) {
	o, err := scanOrg(s.queryRow(ctx, `SELECT `+orgColumns+` FROM orgs o JOIN areas a ON a.id = o.area_id
		WHERE o.code = ?`, code))
	if err != nil {
		return o, notFound(err, "organisation", "单位", code)
	}
	return o, nil
}

// Orgs lists the organisations tied to areas in the subtree of areaCode (all
// when empty), in code order.
func (s *Store) Orgs(ctx context.Context, areaCode string) ([]org.Org, error) {
	prefix, err := s.subtreePrefix(ctx, areaCode)
	if err != nil {
		return nil, err
	}
	rows, err := s.query(ctx, `SELECT `+orgColumns+` FROM orgs o JOIN areas a ON a.id = o.area_id
		WHERE a.path LIKE ? ORDER BY o.code`, prefix+"%")
	if err != nil {
		return nil, fmt.Errorf("store: orgs: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (org.Org, error) { return scanOrg(r) })
}

// TerrainClassifier implements routing.TerrainSource: it classifies points
// by the areas in the database, their outlines and terrains
// (routing.AreaTerrain), so each city's terrain comes from the areas it
// loads. An area whose terrain is empty or not one of urban, plain, mixed
// and mountain takes its nearest ancestor's. The classifier is rebuilt only
// when areas were added since the last call (areas are never updated or
// deleted), by this process or another.
func (s *Store) TerrainClassifier(ctx context.Context) (routing.Classifier, error) {
	var n, maxID int64
	if err := s.queryRow(ctx, `SELECT COUNT(*), COALESCE(MAX(id), 0) FROM areas`).Scan(&n, &maxID); err != nil {
		return nil, fmt.Errorf("store: terrain: %w", err)
	}
	key := terrainKey{n, maxID}
	cacheAny, _ := terrainCaches.LoadOrStore(s.db, &terrainCache{})
	cache := cacheAny.(*terrainCache)
	cache.mu.Lock()
	defer cache.mu.Unlock()
	if cache.at != nil && cache.key == key {
		return cache.at.Classifier(), nil
	}
	areas, err := s.TerrainAreas(ctx)
	if err != nil {
		return nil, err
	}
	at, err := routing.NewAreaTerrain(areas)
	if err != nil {
		return nil, fmt.Errorf("store: terrain: %w", err)
	}
	if s.tx == nil { // a transaction's areas may yet be rolled back
		cache.key, cache.at = key, at
	}
	return at.Classifier(), nil
}

type terrainKey struct{ count, maxID int64 }

// terrainCache holds the last classifier built from one database.
type terrainCache struct {
	mu  sync.Mutex
	key terrainKey
	at  *routing.AreaTerrain
}

var terrainCaches sync.Map // *sql.DB → *terrainCache

// TerrainAreas reads every area with its terrain and outline, parents
// before children.
func (s *Store) TerrainAreas(ctx context.Context) ([]routing.TerrainArea, error) {
	rows, err := s.query(ctx, `SELECT a.code, COALESCE(p.code, ''), a.terrain, a.lat, a.lon, a.boundary`+areaFrom+
		`ORDER BY a.path`)
	if err != nil {
		return nil, fmt.Errorf("store: terrain areas: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (routing.TerrainArea, error) {
		var ta routing.TerrainArea
		var terrain string
		var boundary sql.NullString
		if err := r.Scan(&ta.Code, &ta.Parent, &terrain, &ta.Seat.Lat, &ta.Seat.Lon, &boundary); err != nil {
			return ta, err
		}
		if t, err := routing.ParseTerrain(terrain); err == nil {
			ta.Terrain, ta.HasTerrain = t, true
		}
		if boundary.Valid && boundary.String != "" {
			g, err := area.ParseBoundary([]byte(boundary.String))
			if err != nil {
				return ta, fmt.Errorf("area %s: %w", ta.Code, err)
			}
			ta.Boundary = g
		}
		return ta, nil
	})
}
