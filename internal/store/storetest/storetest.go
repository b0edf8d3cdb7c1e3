// Package storetest runs a test against every database engine Stockpile
// supports: a fresh SQLite file and a fresh PostgreSQL schema, both migrated
// and holding the default catalogue. PostgreSQL is never optional: without a
// server the PostgreSQL half fails (see internal/testpg).
package storetest

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/depot"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/org"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/testpg"
)

// Engines lists the engines Each runs on.
var Engines = []string{"sqlite", "postgres"}

// Each runs fn as a subtest per engine, each with its own migrated store.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store), opts ...store.Option) {
	t.Helper()
	for _, engine := range Engines {
		t.Run(engine, func(t *testing.T) {
			fn(t, Open(t, engine, opts...))
		})
	}
}

// DSN returns a connection string for a fresh, empty database of engine.
func DSN(t testing.TB, engine string) string {
	t.Helper()
	if engine == "postgres" {
		return testpg.Schema(t)
	}
	return filepath.Join(t.TempDir(), "stockpile.db")
}

// Open returns a migrated store on a fresh database of engine, with the
// default catalogue installed; it is closed when the test ends.
func Open(t testing.TB, engine string, opts ...store.Option) *store.Store {
	t.Helper()
	return OpenDSN(t, engine, DSN(t, engine), opts...)
}

// OpenDSN is Open on a database the caller named, for tests that also reach
// the database behind the store's back (see Insider).
func OpenDSN(t testing.TB, engine, dsn string, opts ...store.Option) *store.Store {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, dsn, opts...)
	if err != nil {
		t.Fatalf("open %s: %v", engine, err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx, nil); err != nil {
		t.Fatalf("migrate %s: %v", engine, err)
	}
	cats, items, err := catalog.Defaults()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.InstallCatalogue(ctx, cats, items); err != nil {
		t.Fatalf("install catalogue on %s: %v", engine, err)
	}
	return s
}

// World is a small fixture: a city with one district, its emergency
// bureau, and two depots.
type World struct {
	City, District string // area codes
	Bureau         string // organisation code
	DepotA, DepotB string // depot codes (city tier, district tier)
}

// Item codes of the default catalogue used by tests.
const (
	Tent       = "1010101" // 单帐篷: counted, 10-year shelf life
	Water      = "1030101" // 瓶装饮用水: counted, 2-year shelf life
	FoldingBed = "1010201" // 折叠床: counted, does not expire
	Geotextile = "3010201" // 土工布: measured in m², fractional allowed
)

// Build creates the World fixture in s.
func Build(t testing.TB, s *store.Store) World {
	t.Helper()
	ctx := context.Background()
	w := World{City: "110000", District: "110111", Bureau: "BJ-EMB", DepotA: "C-TEST-A", DepotB: "D-TEST-B"}
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.CreateArea(ctx, area.Area{Code: w.City, Level: area.LevelCity, NameZH: "北京市", NameEN: "Beijing",
		Population: 21893095, Point: geo.Point{Lon: 116.3913, Lat: 39.9054}}))
	must(s.CreateArea(ctx, area.Area{Code: w.District, ParentCode: w.City, Level: area.LevelDistrict, NameZH: "房山区",
		NameEN: "Fangshan", Population: 1312778, Point: geo.Point{Lon: 116.1329, Lat: 39.7342}, Terrain: "mixed"}))
	must(s.CreateOrg(ctx, org.Org{Code: w.Bureau, NameZH: "北京市应急管理局", Kind: org.KindBureau, AreaCode: w.City}))
	must(s.CreateDepot(ctx, depot.Depot{Code: w.DepotA, NameZH: "测试市级库", Tier: area.LevelCity, Kind: depot.KindComprehensive,
		OrgCode: w.Bureau, AreaCode: w.District, Point: geo.Point{Lon: 116.08, Lat: 39.68}, CapacityM3: 1000}))
	must(s.CreateDepot(ctx, depot.Depot{Code: w.DepotB, NameZH: "测试区级库", Tier: area.LevelDistrict, Kind: depot.KindSpecial,
		OrgCode: w.Bureau, AreaCode: w.District, Point: geo.Point{Lon: 116.13, Lat: 39.73}, CapacityM3: 200}))
	return w
}

// Insider returns a raw connection to the database at dsn with the ledger's
// append-only triggers dropped: what someone with database rights, but
// without the program, could do. Tamper tests use it to alter rows behind
// the store's back.
func Insider(t testing.TB, engine, dsn string) *sql.DB {
	t.Helper()
	driver, drop := "sqlite", []string{`DROP TRIGGER movements_no_update`, `DROP TRIGGER movements_no_delete`}
	if engine == "postgres" {
		driver, drop = "pgx", []string{`DROP TRIGGER movements_no_change ON movements`}
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, q := range drop {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	return db
}
