// Package storetest runs a test against every database engine Stockpile
// supports: a fresh SQLite file and a fresh PostgreSQL database, both
// migrated and holding the default catalogue. PostgreSQL is never optional:
// without a server the PostgreSQL half fails (see internal/testpg).
//
// Most tests open one store per engine, and migrating a new database and
// installing the catalogue takes 0.2 s on SQLite and 0.3 s on PostgreSQL
// under the race detector on a quiet machine (over a second on a loaded
// one). So each engine's migrated database is built once per test binary
// and copied for each test: a SQLite file is written from bytes kept in
// memory (13 ms), a PostgreSQL database is created from a template database
// (0.15–0.3 s; see testpg.Template). Every test still gets a private
// database of its own.
package storetest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
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
// The engine subtests run in parallel (t.Parallel): with each other, and
// with other parallel tests when the calling test is parallel too. So fn
// must not share mutable state between engines, such as a clock the test
// moves: such a test opens a store per engine itself, each with its own.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store), opts ...store.Option) {
	t.Helper()
	for _, engine := range Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			fn(t, Open(t, engine, opts...))
		})
	}
}

// DSN returns a connection string for a fresh, empty database of engine:
// a file path that does not exist yet, or a PostgreSQL schema (see
// testpg.Schema).
func DSN(t testing.TB, engine string) string {
	t.Helper()
	if engine == "postgres" {
		return testpg.Schema(t)
	}
	return filepath.Join(t.TempDir(), "stockpile.db")
}

// Open returns a migrated store on a fresh database of engine, with the
// default catalogue installed; it is closed when the test ends. The
// database is a copy of one migrated once per test binary.
func Open(t testing.TB, engine string, opts ...store.Option) *store.Store {
	t.Helper()
	if engine == "postgres" {
		return Attach(t, engine, pgTemplate.Copy(t, buildPostgres), opts...)
	}
	dsn := DSN(t, engine)
	writeSQLite(t, dsn)
	return Attach(t, engine, dsn, opts...)
}

// OpenDSN is Open on a database the caller named, for tests that also reach
// the database behind the store's back (see Insider): it migrates the
// database at dsn and installs the default catalogue. A SQLite path that
// does not exist yet, as DSN returns, starts as a copy of the migrated
// database Open uses, which comes to the same.
func OpenDSN(t testing.TB, engine, dsn string, opts ...store.Option) *store.Store {
	t.Helper()
	if engine == "sqlite" && isPlainPath(dsn) {
		if _, err := os.Stat(dsn); errors.Is(err, fs.ErrNotExist) {
			writeSQLite(t, dsn)
		}
	}
	s := Attach(t, engine, dsn, opts...)
	if err := prepare(context.Background(), s); err != nil {
		t.Fatalf("storetest: %s: %v", engine, err)
	}
	return s
}

// Attach opens the database at dsn as it is, without migrating it, and
// closes the store when the test ends: for a database the caller has
// prepared, such as a copy of a template.
func Attach(t testing.TB, engine, dsn string, opts ...store.Option) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), dsn, opts...)
	if err != nil {
		t.Fatalf("open %s: %v", engine, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// prepare migrates s and installs the default catalogue.
func prepare(ctx context.Context, s *store.Store) error {
	if err := s.Migrate(ctx, nil); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	cats, items, err := catalog.Defaults()
	if err != nil {
		return err
	}
	if _, err := s.InstallCatalogue(ctx, cats, items); err != nil {
		return fmt.Errorf("install catalogue: %w", err)
	}
	return nil
}

// pgTemplate is the migrated PostgreSQL database of this test binary.
var pgTemplate testpg.Template

// buildPostgres migrates the template database at connURL and installs
// the catalogue. No store option matters to the result (the clock only
// stamps when each migration was applied), so none is passed.
func buildPostgres(ctx context.Context, connURL string) error {
	s, err := store.Open(ctx, connURL)
	if err != nil {
		return err
	}
	defer s.Close()
	return prepare(ctx, s)
}

// sqliteTemplate is the migrated SQLite database of this test binary.
var sqliteTemplate struct {
	once sync.Once
	db   []byte // the database file
	err  error
}

// writeSQLite writes the migrated SQLite database to path, building it on
// first use.
func writeSQLite(t testing.TB, path string) {
	t.Helper()
	sqliteTemplate.once.Do(func() {
		sqliteTemplate.db, sqliteTemplate.err = SQLiteImage(func(ctx context.Context, s *store.Store) error {
			return prepare(ctx, s)
		})
	})
	if sqliteTemplate.err != nil {
		t.Fatalf("storetest: building the SQLite template: %v", sqliteTemplate.err)
	}
	if err := os.WriteFile(path, sqliteTemplate.db, 0o600); err != nil {
		t.Fatalf("storetest: writing the SQLite template: %v", err)
	}
}

// SQLiteImage opens a SQLite database in a temporary directory, fills it
// with fill, and returns the bytes of a compact copy of its file (VACUUM
// INTO folds the write-ahead log in), which a test writes to a file of its
// own to start from that data. The store's options are passed on.
func SQLiteImage(fill func(ctx context.Context, s *store.Store) error, opts ...store.Option) (db []byte, err error) {
	dir, err := os.MkdirTemp("", "stockpile-storetest-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	path, copyPath := filepath.Join(dir, "template.db"), filepath.Join(dir, "copy.db")
	s, err := store.Open(ctx, path, opts...)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	if err := fill(ctx, s); err != nil {
		return nil, err
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		return nil, err
	}
	defer raw.Close()
	if _, err := raw.ExecContext(ctx, `VACUUM INTO ?`, copyPath); err != nil {
		return nil, fmt.Errorf("copying the SQLite template: %w", err)
	}
	return os.ReadFile(copyPath)
}

// isPlainPath reports whether dsn is a file path rather than a URI with
// parameters, so that a file can be written there.
func isPlainPath(dsn string) bool {
	return !strings.HasPrefix(dsn, "file:") && !strings.Contains(dsn, "?")
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

// Raw returns a connection to the database at dsn beside the store, to
// look at what it stores or change it behind the store's back.
func Raw(t testing.TB, engine, dsn string) *sql.DB {
	t.Helper()
	driver := "sqlite"
	if engine == "postgres" {
		driver = "pgx"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Insider returns a raw connection to the database at dsn with the
// ledger's and the audit trail's append-only triggers dropped: what
// someone with database rights, but without the program, could do. Tamper
// tests use it to alter rows behind the store's back.
func Insider(t testing.TB, engine, dsn string) *sql.DB {
	t.Helper()
	// IF EXISTS for the audit trail: a database at an older schema version
	// has none yet.
	drop := []string{`DROP TRIGGER movements_no_update`, `DROP TRIGGER movements_no_delete`,
		`DROP TRIGGER IF EXISTS audit_no_update`, `DROP TRIGGER IF EXISTS audit_no_delete`}
	if engine == "postgres" {
		drop = []string{`DROP TRIGGER movements_no_change ON movements`,
			`DROP TRIGGER IF EXISTS audit_no_change ON audit_log`}
	}
	db := Raw(t, engine, dsn)
	for _, q := range drop {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	return db
}
