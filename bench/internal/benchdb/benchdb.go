// Package benchdb gives the benchmark programs a fresh, empty database of
// either engine and says what it runs on: a SQLite file in a temporary
// directory, or a new schema on a PostgreSQL server, dropped afterwards.
package benchdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	_ "modernc.org/sqlite" // for sqlite_version(); the store registers the same driver
)

// DB is a fresh, empty database of one engine and how to get rid of it.
type DB struct {
	Engine  string // "sqlite" or "postgres"
	DSN     string // what store.Open takes
	Where   string // for the report: the file, or the schema
	Version string
	// Size is the on-disk size, for the report.
	Size func() string
	// Drop removes the database.
	Drop func() error
	// Tidy, if not nil, does what the server would have done on its own
	// after bulk writes; it returns what it did, for the report.
	Tidy func(ctx context.Context) (string, error)
}

// New makes a fresh database of engine ("sqlite" or "postgres"; pg is the
// server's URL). name prefixes the PostgreSQL schema.
func New(ctx context.Context, engine, pg, name string) (*DB, error) {
	switch engine {
	case "sqlite":
		return NewSQLite(ctx)
	case "postgres":
		return NewPostgres(ctx, pg, name)
	}
	return nil, fmt.Errorf("unknown engine %q: want sqlite or postgres", engine)
}

// NewSQLite makes a database in a new temporary directory.
func NewSQLite(ctx context.Context) (*DB, error) {
	dir, err := os.MkdirTemp("", "stockpile-bench-")
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "bench.db")
	db := &DB{Engine: "sqlite", DSN: path, Where: path, Drop: func() error { return os.RemoveAll(dir) }}
	db.Size = func() string {
		var n int64
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if fi, err := os.Stat(path + suffix); err == nil {
				n += fi.Size()
			}
		}
		return MiB(n)
	}
	c, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		return db, err
	}
	defer c.Close()
	if err := c.QueryRowContext(ctx, `SELECT sqlite_version()`).Scan(&db.Version); err != nil {
		return db, err
	}
	db.Version = "SQLite " + db.Version + " (modernc.org/sqlite " + ModuleVersion("modernc.org/sqlite") + ")"
	return db, nil
}

// NewPostgres makes a new schema on the server at base; the store reaches
// it through the search_path URL parameter.
func NewPostgres(ctx context.Context, base, name string) (*DB, error) {
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(cctx, base)
	if err != nil {
		return nil, fmt.Errorf("postgres at %s: %w (start it, or pass -pg, or -engines sqlite)", Redact(base), err)
	}
	defer conn.Close(context.Background())
	b := make([]byte, 4)
	rand.Read(b)
	schema := "bench_" + name + "_" + hex.EncodeToString(b)
	ident := pgx.Identifier{schema}.Sanitize()
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+ident); err != nil {
		return nil, fmt.Errorf("postgres: create schema: %w", err)
	}
	db := &DB{Engine: "postgres", Where: Redact(base) + " schema " + schema}
	db.Drop = func() error {
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
	db.Size = func() string {
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
		return MiB(n)
	}
	db.Tidy = func(ctx context.Context) (string, error) { return vacuum(ctx, base, schema) }
	if err := conn.QueryRow(ctx, `SELECT version()`).Scan(&db.Version); err != nil {
		return db, err
	}
	u, err := url.Parse(base)
	if err != nil {
		return db, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	db.DSN = u.String()
	return db, nil
}

// vacuum runs VACUUM ANALYZE on the tables of schema when the server's
// autovacuum is off, as test servers often have it: otherwise tables
// updated by nearly every line carry a score of dead row versions per
// live one and no planner statistics, and reads measure that rather than
// what a production server, whose autovacuum keeps up, would answer.
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
	return fmt.Sprintf("autovacuum is off on this server: VACUUM ANALYZE of the schema (%s)",
		time.Since(start).Round(100*time.Millisecond)), nil
}

// Machine describes the machine a benchmark runs on, for its report.
func Machine() string {
	return fmt.Sprintf("%d CPUs (%s), %s/%s, %s", runtime.NumCPU(), cpuModel(), runtime.GOOS, runtime.GOARCH,
		runtime.Version())
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown model"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown model"
}

// ModuleVersion is the version of the module path this program was built
// with.
func ModuleVersion(path string) string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, m := range bi.Deps {
			if m.Path == path {
				return m.Version
			}
		}
	}
	return "?"
}

// Redact hides the password of a database URL.
func Redact(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.User == nil {
		return u
	}
	if _, has := p.User.Password(); has {
		p.User = url.UserPassword(p.User.Username(), "xxxxx")
	}
	return p.String()
}

// MiB formats a size in bytes.
func MiB(n int64) string { return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20)) }
