package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/org"
	"github.com/stockpile-dev/stockpile/internal/routing"
)

const areaColumns = `a.id, a.code, COALESCE(p.code, ''), a.level, a.name_zh, a.name_en, a.population,
	a.lat, a.lon, a.terrain, a.path, a.retired_at, a.version`

// retirementStep is the schema step that added retirement and versions
// to master data (migrate.go, "stock totals, retirement, …").
const retirementStep = 7

// retirementSchemas remembers the databases known to be at
// retirementStep or later (a database never goes back).
var retirementSchemas sync.Map // *sql.DB → true

// retirable reports whether the database has the retirement and version
// columns. Only a database held at an older schema lacks them: the
// upgrade tests build their fixtures (areas, organisations, depots) there
// through the store, so the reads those creations make stand 0 and 1 in
// for the columns (areaCols, orgCols). On error it says yes, and the read
// reports what is wrong.
func (s *Store) retirable(ctx context.Context) bool {
	if _, ok := retirementSchemas.Load(s.db); ok {
		return true
	}
	var n int
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version >= ?`, retirementStep).Scan(&n); err != nil || n > 0 {
		retirementSchemas.Store(s.db, true)
		return true
	}
	return false
}

// areaCols is areaColumns for the database's schema (see retirable).
func (s *Store) areaCols(ctx context.Context) string {
	if s.retirable(ctx) {
		return areaColumns
	}
	return strings.Replace(areaColumns, "a.retired_at, a.version", "0, 1", 1)
}

// orgCols is orgColumns for the database's schema (see retirable).
func (s *Store) orgCols(ctx context.Context) string {
	if s.retirable(ctx) {
		return orgColumns
	}
	return strings.Replace(orgColumns, "o.retired_at, o.version", "0, 1", 1)
}

const areaFrom = ` FROM areas a LEFT JOIN areas p ON p.id = a.parent_id `

func scanArea(r interface{ Scan(...any) error }, extra ...any) (a area.Area, err error) {
	var level string
	err = r.Scan(append([]any{&a.ID, &a.Code, &a.ParentCode, &level, &a.NameZH, &a.NameEN, &a.Population,
		&a.Point.Lat, &a.Point.Lon, &a.Terrain, &a.Path, &a.RetiredAt, &a.Version}, extra...)...)
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
		if err := p.CheckInUse(); err != nil {
			return a, withField(err, "parent_code")
		}
		parent = &p
	}
	if err := a.Validate(parent); err != nil {
		return a, err
	}
	a.RetiredAt, a.Version = 0, 1
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
	a, err := scanArea(s.queryRow(ctx, `SELECT `+s.areaCols(ctx)+areaFrom+`WHERE a.code = ?`, code))
	if err != nil {
		return a, notFound(err, "area", "区域", code)
	}
	return a, nil
}

// AreaWithBoundary returns the area with the given code and its outline.
func (s *Store) AreaWithBoundary(ctx context.Context, code string) (area.Area, error) {
	var boundary sql.NullString
	a, err := scanArea(s.queryRow(ctx, `SELECT `+s.areaCols(ctx)+`, a.boundary`+areaFrom+`WHERE a.code = ?`, code), &boundary)
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
// outlines (Area gives one with its outline). Retired areas are listed
// too; AreaList selects by retirement.
func (s *Store) Areas(ctx context.Context, root string) ([]area.Area, error) {
	return s.AreaList(ctx, root, AnyRetirement)
}

// AreaList is Areas selected by retirement.
func (s *Store) AreaList(ctx context.Context, root string, r Retirement) ([]area.Area, error) {
	prefix, err := s.subtreePrefix(ctx, root)
	if err != nil {
		return nil, err
	}
	var w where
	w.add("a.path LIKE ?", prefix+"%")
	r.filter(&w, "a")
	rows, err := s.query(ctx, `SELECT `+s.areaCols(ctx)+areaFrom+w.String()+`ORDER BY a.path`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: areas: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (area.Area, error) { return scanArea(r) })
}

// UpdateArea changes an area's names, population, reference point,
// terrain and outline (area.Area.Revise; an edit without an outline keeps
// the one stored, JSON null removes it), if its version is still
// a.Version (else edit.stale), and bumps the version. It returns the area
// before and after, with their outlines.
func (s *Store) UpdateArea(ctx context.Context, a area.Area) (before, after area.Area, err error) {
	if before, err = s.AreaWithBoundary(ctx, a.Code); err != nil {
		return before, after, err
	}
	if a.Boundary == nil {
		a.Boundary = before.Boundary
	} else if string(a.Boundary) == "null" {
		a.Boundary = nil
	}
	if after, err = before.Revise(a); err != nil {
		return before, after, err
	}
	var parent *area.Area
	if before.ParentCode != "" {
		p, err := s.Area(ctx, before.ParentCode)
		if err != nil {
			return before, after, err
		}
		parent = &p
	}
	if err = after.Validate(parent); err != nil {
		return before, after, err
	}
	boundary, err := area.NormalizeBoundary(after.Boundary)
	if err != nil {
		return before, after, err
	}
	var boundaryText sql.NullString
	if boundary != nil {
		boundaryText = sql.NullString{String: string(boundary), Valid: true}
	}
	if err = s.bump(ctx, "areas", a.Code, a.Version, `name_zh = ?, name_en = ?, population = ?, lat = ?, lon = ?,
		terrain = ?, boundary = ?`, after.NameZH, after.NameEN, after.Population, after.Point.Lat, after.Point.Lon,
		after.Terrain, boundaryText); err != nil {
		return before, after, err
	}
	after, err = s.AreaWithBoundary(ctx, a.Code)
	return before, after, err
}

// SetAreaRetired retires (retired) or restores an area. An area with
// child areas, organisations or depots in use is not retired; one under a
// retired parent is not restored. A retired area takes no new child
// areas, organisations, depots or users.
func (s *Store) SetAreaRetired(ctx context.Context, code string, retired bool) (before, after area.Area, err error) {
	if before, err = s.Area(ctx, code); err != nil {
		return before, after, err
	}
	if retired {
		var n int
		if err = s.queryRow(ctx, `SELECT (SELECT COUNT(*) FROM areas WHERE parent_id = ? AND retired_at = 0)
			+ (SELECT COUNT(*) FROM orgs WHERE area_id = ? AND retired_at = 0)
			+ (SELECT COUNT(*) FROM depots WHERE area_id = ? AND retired_at = 0)`,
			before.ID, before.ID, before.ID).Scan(&n); err != nil {
			return before, after, fmt.Errorf("store: area %s: %w", code, err)
		}
		err = before.CheckRetire(n)
	} else if before.ParentCode != "" {
		var parent area.Area
		if parent, err = s.Area(ctx, before.ParentCode); err == nil {
			err = parent.CheckInUse()
		}
	}
	if err == nil {
		err = s.retire(ctx, "areas", code, before.RetiredAt, before.Version, retired)
	}
	if err != nil {
		return before, after, err
	}
	after, err = s.Area(ctx, code)
	return before, after, err
}

// areaInUse returns the area of code, refused (naming field) when it does
// not exist or is retired.
func (s *Store) areaInUse(ctx context.Context, code, field string) (area.Area, error) {
	a, err := s.Area(ctx, code)
	if err == nil {
		err = a.CheckInUse()
	}
	return a, withField(err, field)
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

const orgColumns = `o.id, o.code, o.name_zh, o.name_en, o.kind, a.code, o.retired_at, o.version`

func scanOrg(r interface{ Scan(...any) error }) (o org.Org, err error) {
	var kind string
	err = r.Scan(&o.ID, &o.Code, &o.NameZH, &o.NameEN, &kind, &o.AreaCode, &o.RetiredAt, &o.Version)
	o.Kind = org.Kind(kind)
	return o, err
}

// CreateOrg adds an organisation.
func (s *Store) CreateOrg(ctx context.Context, o org.Org) (org.Org, error) {
	if err := o.Validate(); err != nil {
		return o, err
	}
	a, err := s.areaInUse(ctx, o.AreaCode, "area_code")
	if err != nil {
		return o, err
	}
	o.RetiredAt, o.Version = 0, 1
	err = s.queryRow(ctx, `INSERT INTO orgs (code, name_zh, name_en, kind, area_id) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		o.Code, o.NameZH, o.NameEN, string(o.Kind), a.ID).Scan(&o.ID)
	if err != nil {
		return o, s.alreadyExists(err, "organisation", "单位", o.Code)
	}
	return o, nil
}

// Org returns the organisation with the given code.
func (s *Store) Org(ctx context.Context, code string) (org.Org, error) {
	o, err := scanOrg(s.queryRow(ctx, `SELECT `+s.orgCols(ctx)+` FROM orgs o JOIN areas a ON a.id = o.area_id
		WHERE o.code = ?`, code))
	if err != nil {
		return o, notFound(err, "organisation", "单位", code)
	}
	return o, nil
}

// Orgs lists the organisations tied to areas in the subtree of areaCode (all
// when empty), in code order, retired ones too; OrgList selects by
// retirement.
func (s *Store) Orgs(ctx context.Context, areaCode string) ([]org.Org, error) {
	return s.OrgList(ctx, areaCode, AnyRetirement)
}

// OrgList is Orgs selected by retirement.
func (s *Store) OrgList(ctx context.Context, areaCode string, r Retirement) ([]org.Org, error) {
	prefix, err := s.subtreePrefix(ctx, areaCode)
	if err != nil {
		return nil, err
	}
	var w where
	w.add("a.path LIKE ?", prefix+"%")
	r.filter(&w, "o")
	rows, err := s.query(ctx, `SELECT `+s.orgCols(ctx)+` FROM orgs o JOIN areas a ON a.id = o.area_id`+w.String()+
		`ORDER BY o.code`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: orgs: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (org.Org, error) { return scanOrg(r) })
}

// UpdateOrg changes an organisation's names, kind and area
// (org.Org.Revise), if its version is still o.Version (else edit.stale),
// and bumps the version. A new area must be in use. It returns the
// organisation before and after.
func (s *Store) UpdateOrg(ctx context.Context, o org.Org) (before, after org.Org, err error) {
	if before, err = s.Org(ctx, o.Code); err != nil {
		return before, after, err
	}
	if after, err = before.Revise(o); err != nil {
		return before, after, err
	}
	var a area.Area
	if after.AreaCode == before.AreaCode {
		a, err = s.Area(ctx, after.AreaCode)
	} else {
		a, err = s.areaInUse(ctx, after.AreaCode, "area_code")
	}
	if err != nil {
		return before, after, withField(err, "area_code")
	}
	if err = s.bump(ctx, "orgs", o.Code, o.Version, `name_zh = ?, name_en = ?, kind = ?, area_id = ?`,
		after.NameZH, after.NameEN, string(after.Kind), a.ID); err != nil {
		return before, after, err
	}
	after, err = s.Org(ctx, o.Code)
	return before, after, err
}

// SetOrgRetired retires (retired) or restores an organisation. One that
// holds depots or contract reserves in use is not retired; one in a
// retired area is not restored. A retired organisation takes no new
// depots, reserves or users.
func (s *Store) SetOrgRetired(ctx context.Context, code string, retired bool) (before, after org.Org, err error) {
	if before, err = s.Org(ctx, code); err != nil {
		return before, after, err
	}
	if retired {
		var n int
		if err = s.queryRow(ctx, `SELECT (SELECT COUNT(*) FROM depots WHERE org_id = ? AND retired_at = 0)
			+ (SELECT COUNT(*) FROM agreement_reserves WHERE org_id = ? AND retired_at = 0)
			+ (SELECT COUNT(*) FROM capacity_reserves WHERE org_id = ? AND retired_at = 0)`,
			before.ID, before.ID, before.ID).Scan(&n); err != nil {
			return before, after, fmt.Errorf("store: organisation %s: %w", code, err)
		}
		err = before.CheckRetire(n)
	} else {
		_, err = s.areaInUse(ctx, before.AreaCode, "area_code")
	}
	if err == nil {
		err = s.retire(ctx, "orgs", code, before.RetiredAt, before.Version, retired)
	}
	if err != nil {
		return before, after, err
	}
	after, err = s.Org(ctx, code)
	return before, after, err
}

// placesInUse refuses a new user placed in a retired area or
// organisation (either code may be empty: none).
func (s *Store) placesInUse(ctx context.Context, areaCode, orgCode string) error {
	if areaCode != "" {
		if _, err := s.areaInUse(ctx, areaCode, "area_code"); err != nil {
			return err
		}
	}
	if orgCode != "" {
		if _, err := s.orgInUse(ctx, orgCode, "org_code"); err != nil {
			return err
		}
	}
	return nil
}

// orgInUse returns the organisation of code, refused (naming field) when
// it does not exist or is retired.
func (s *Store) orgInUse(ctx context.Context, code, field string) (org.Org, error) {
	o, err := s.Org(ctx, code)
	if err == nil {
		err = o.CheckInUse()
	}
	return o, withField(err, field)
}

// TerrainClassifier implements routing.TerrainSource: it classifies points
// by the areas in the database, their outlines and terrains
// (routing.AreaTerrain), so each city's terrain comes from the areas it
// loads. An area whose terrain is empty or not one of urban, plain, mixed
// and mountain takes its nearest ancestor's. The classifier is rebuilt only
// when areas were added or edited since the last call (areas are never
// deleted; an edit bumps an area's version), by this process or another.
func (s *Store) TerrainClassifier(ctx context.Context) (routing.Classifier, error) {
	var n, maxID, versions int64
	versionSum := "0"
	if s.retirable(ctx) {
		versionSum = "COALESCE(SUM(version), 0)"
	}
	if err := s.queryRow(ctx, `SELECT COUNT(*), COALESCE(MAX(id), 0), `+versionSum+` FROM areas`).
		Scan(&n, &maxID, &versions); err != nil {
		return nil, fmt.Errorf("store: terrain: %w", err)
	}
	key := terrainKey{n, maxID, versions}
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

type terrainKey struct{ count, maxID, versions int64 }

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
