package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"
	_ "modernc.org/sqlite" // for sqlite_version(); the store registers the same driver

	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/depot"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/org"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// database is a fresh, empty database of one engine and how to get rid of it.
type database struct {
	engine  string
	dsn     string
	where   string // for the report: the file, or the schema
	version string
	size    func() string // on-disk size, for the report
	drop    func() error
	// tidy, if not nil, does what the server would have done on its own
	// after the postings; it returns what it did, for the report.
	tidy func(ctx context.Context) (string, error)
}

// newSQLite makes a database in a new temporary directory.
func newSQLite(ctx context.Context) (*database, error) {
	dir, err := os.MkdirTemp("", "stockpile-bench-")
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "ledger.db")
	db := &database{engine: "sqlite", dsn: path, where: path, drop: func() error { return os.RemoveAll(dir) }}
	db.size = func() string {
		var n int64
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if fi, err := os.Stat(path + suffix); err == nil {
				n += fi.Size()
			}
		}
		return mib(n)
	}
	c, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		return db, err
	}
	defer c.Close()
	if err := c.QueryRowContext(ctx, `SELECT sqlite_version()`).Scan(&db.version); err != nil {
		return db, err
	}
	db.version = "SQLite " + db.version + " (modernc.org/sqlite " + moduleVersion("modernc.org/sqlite") + ")"
	return db, nil
}

// newPostgres makes a new schema on the server at base; the store reaches
// it through the search_path URL parameter.
func newPostgres(ctx context.Context, base string) (*database, error) {
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(cctx, base)
	if err != nil {
		return nil, fmt.Errorf("postgres at %s: %w (start it, or pass -pg, or -engines sqlite)", redact(base), err)
	}
	defer conn.Close(context.Background())
	b := make([]byte, 4)
	rand.Read(b)
	schema := "bench_ledger_" + hex.EncodeToString(b)
	ident := pgx.Identifier{schema}.Sanitize()
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+ident); err != nil {
		return nil, fmt.Errorf("postgres: create schema: %w", err)
	}
	db := &database{engine: "postgres", where: redact(base) + " schema " + schema}
	db.drop = func() error {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+ident+" CASCADE")
		return err
	}
	db.size = func() string {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			return "?"
		}
		defer conn.Close(ctx)
		var n int64
		err = conn.QueryRow(ctx, `SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0)::bigint
			FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = $1 AND c.relkind IN ('r', 'm')`, schema).Scan(&n)
		if err != nil {
			return "?"
		}
		return mib(n)
	}
	db.tidy = func(ctx context.Context) (string, error) { return vacuum(ctx, base, schema) }
	if err := conn.QueryRow(ctx, `SELECT version()`).Scan(&db.version); err != nil {
		return db, err
	}
	u, err := url.Parse(base)
	if err != nil {
		return db, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	db.dsn = u.String()
	return db, nil
}

// vacuum runs VACUUM ANALYZE on the tables of schema when the server's
// autovacuum is off, as test servers often have it: otherwise the balances,
// updated by nearly every line, carry a score of dead row versions per live
// one and no planner statistics, and the balance queries measure that
// rather than what a production server, whose autovacuum keeps up, would
// answer.
func vacuum(ctx context.Context, base, schema string) (string, error) {
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		return "", err
	}
	defer conn.Close(context.Background())
	var on string
	if err := conn.QueryRow(ctx, `SHOW autovacuum`).Scan(&on); err != nil {
		return "", err
	}
	if on == "on" {
		return "", nil
	}
	rows, err := conn.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename`, schema)
	if err != nil {
		return "", err
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return "", err
	}
	start := time.Now()
	for _, t := range tables {
		if _, err := conn.Exec(ctx, "VACUUM ANALYZE "+pgx.Identifier{schema, t}.Sanitize()); err != nil {
			return "", err
		}
	}
	return fmt.Sprintf("autovacuum is off on this server: VACUUM ANALYZE of the schema after the postings, before the queries (%s)",
		time.Since(start).Round(100*time.Millisecond)), nil
}

// world is what the generator posts against.
type world struct {
	depots, items []string
}

// buildWorld migrates s, installs the default catalogue and creates a city,
// its districts, one bureau and nDepots depots; it returns the depot codes
// and the first nItems item codes.
func buildWorld(ctx context.Context, s *store.Store, nDepots, nItems int) (world, error) {
	var w world
	if err := s.Migrate(ctx, nil); err != nil {
		return w, err
	}
	cats, items, err := catalog.Defaults()
	if err != nil {
		return w, err
	}
	if _, err := s.InstallCatalogue(ctx, cats, items); err != nil {
		return w, err
	}
	city := area.Area{Code: "110000", Level: area.LevelCity, NameZH: "北京市", NameEN: "Beijing",
		Point: geo.Point{Lon: 116.3913, Lat: 39.9054}}
	if _, err := s.CreateArea(ctx, city); err != nil {
		return w, err
	}
	const districts = 5
	for k := range districts {
		a := area.Area{Code: fmt.Sprintf("1101%02d", k+1), ParentCode: city.Code, Level: area.LevelDistrict,
			NameZH: fmt.Sprintf("测试区%d", k+1), Point: geo.Point{Lon: 116 + 0.1*float64(k), Lat: 39.8}}
		if _, err := s.CreateArea(ctx, a); err != nil {
			return w, err
		}
	}
	if _, err := s.CreateOrg(ctx, org.Org{Code: "BJ-EMB", NameZH: "北京市应急管理局", Kind: org.KindBureau,
		AreaCode: city.Code}); err != nil {
		return w, err
	}
	for k := range nDepots {
		d := depot.Depot{Code: fmt.Sprintf("D%03d", k+1), NameZH: fmt.Sprintf("测试储备库%d", k+1),
			Tier: area.LevelDistrict, Kind: depot.KindComprehensive, OrgCode: "BJ-EMB",
			AreaCode: fmt.Sprintf("1101%02d", k%districts+1),
			Point:    geo.Point{Lon: 116 + 0.01*float64(k), Lat: 39.7}, CapacityM3: 100000}
		if _, err := s.CreateDepot(ctx, d); err != nil {
			return w, err
		}
		w.depots = append(w.depots, d.Code)
	}
	all, err := s.Items(ctx, store.ItemFilter{})
	if err != nil {
		return w, err
	}
	if len(all) < nItems {
		return w, fmt.Errorf("the catalogue has %d items, want %d", len(all), nItems)
	}
	for _, it := range all[:nItems] {
		w.items = append(w.items, it.Code)
	}
	return w, nil
}

func redact(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.User == nil {
		return u
	}
	if _, has := p.User.Password(); has {
		p.User = url.UserPassword(p.User.Username(), "xxxxx")
	}
	return p.String()
}

func mib(n int64) string { return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20)) }
