package testpg

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// A Template is a PostgreSQL database built once per test binary, on first
// use, and copied (CREATE DATABASE … TEMPLATE) into a database of its own
// for every test that asks. Each test thus starts from the same data, on a
// private database it may change, without paying to build that data again.
//
// Measured on the project machine (PostgreSQL 15 with fsync on, 2 cores,
// tests under -race), quiet and then loaded by other work: migrating a
// fresh schema and installing the default catalogue takes 0.3 s (1.2–2.1 s
// loaded), and loading the Beijing demo on top 1.7 s more (2.3 s), while
// copying a template database holding either takes 0.15–0.35 s (0.1–0.5 s)
// and dropping the copy 0.02–0.15 s. Copying the demo schema table by table
// inside one database (CREATE TABLE … LIKE, INSERT … SELECT) took 1.0–1.2 s
// loaded, before even recreating its triggers and foreign keys; so
// databases, not schemas, are copied.
//
// Copying needs the CREATEDB privilege, and the template must have no
// connections while it is copied: the build closes what it opened, and then
// connections to the template are disallowed, which also keeps autovacuum
// out.
//
// The zero value is ready to use. A Template must not be copied after
// first use.
type Template struct {
	once sync.Once
	name string // the template database, once built
	err  error  // why it could not be built
}

// Copy returns the connection URL of a new database copied from the
// template, for t alone, and drops that database when t and its subtests
// have finished. On the first call in the test binary the template is
// created empty and build fills it through connURL; build must close every
// connection it opens. Later calls reuse the template and ignore build, so
// every caller should pass the same function (or one building the same
// data). If the template cannot be built, every Copy fails the test with
// the reason.
//
// As with Schema, close pools opened on the URL before the test ends:
// register their Close with t.Cleanup after calling Copy.
//
// The template itself outlives the test binary (nothing runs when a test
// binary exits): the next test binary to create a database on the same
// server drops it, with the per-test databases of any binary that died
// before its cleanups ran. A database belongs to a live binary while that
// binary's session, named in application_name, is connected.
func (tp *Template) Copy(t testing.TB, build func(ctx context.Context, connURL string) error) string {
	t.Helper()
	tp.once.Do(func() { tp.name, tp.err = buildTemplate(build) })
	if tp.err != nil {
		t.Fatalf("testpg: building the template database on %s: %v", redact(URL()), tp.err)
	}
	return createDatabase(t, "TEMPLATE "+pgx.Identifier{tp.name}.Sanitize())
}

// dbPrefix starts the name of every database this package creates, so that
// sweep can tell them from anything else on a shared server. It is followed
// by the creating process's token and "_".
const dbPrefix = "stockpile_test_"

// owner is this test binary's presence on the server: a random token that
// names its databases, and a session that stays connected for the life of
// the binary with the token in its application_name. Other binaries take
// databases whose token has no such session for leftovers and drop them.
var owner struct {
	once  sync.Once
	token string
	conn  *pgx.Conn // never closed: it goes when the process does
	err   error
}

// templates numbers the templates of this binary.
var templates atomic.Int32

// ownerToken returns this binary's token, connecting its session (and
// sweeping the server) on first use.
func ownerToken() (string, error) {
	owner.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
		defer cancel()
		owner.token = randomHex(4)
		cfg, err := pgx.ParseConfig(URL())
		if err != nil {
			owner.err = fmt.Errorf("parsing %s: %w", EnvVar, err)
			return
		}
		cfg.RuntimeParams["application_name"] = appName(owner.token)
		if owner.conn, owner.err = pgx.ConnectConfig(ctx, cfg); owner.err != nil {
			owner.err = unreachable(owner.err)
			return
		}
		sweep(owner.conn)
	})
	return owner.token, owner.err
}

// appName is the application_name of the session of the binary with token.
func appName(token string) string { return appPrefix + token }

// appPrefix starts the application_name of every binary's session.
const appPrefix = "stockpile-testpg-"

// sweep drops the databases of test binaries that are gone: those named
// with a token whose session is no longer connected. It is best effort: a
// database it cannot drop (another role's, say) is left for its owner.
func sweep(conn *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rows, err := conn.Query(ctx, `
		SELECT d.datname FROM pg_database d
		WHERE starts_with(d.datname, $1)
		  AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a
		                  WHERE a.application_name = $3 || split_part(substr(d.datname, $2), '_', 1))`,
		dbPrefix, len(dbPrefix)+1, appPrefix)
	if err != nil {
		return
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return
	}
	for _, name := range names {
		_ = dropDatabase(ctx, conn, name) // best effort, as documented
	}
}

// buildTemplate creates an empty database, fills it with build, and closes
// it to connections; it returns the database's name.
func buildTemplate(build func(ctx context.Context, connURL string) error) (_ string, err error) {
	token, err := ownerToken()
	if err != nil {
		return "", err
	}
	name := fmt.Sprintf("%s%s_template%d", dbPrefix, token, templates.Add(1))
	// Loading the demo takes seconds under the race detector; allow for a
	// loaded machine.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, URL())
	if err != nil {
		return "", unreachable(err)
	}
	defer conn.Close(context.Background())
	// template0 rather than the default template1, which a server's
	// administrator may have added objects to.
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()+" TEMPLATE template0"); err != nil {
		return "", createFailed(name, err)
	}
	defer func() {
		if err != nil {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			_ = dropDatabase(ctx, conn, name) // the build's error matters more
		}
	}()
	connURL, err := withDatabase(URL(), name)
	if err != nil {
		return "", fmt.Errorf("connection URL for %s: %w", name, err)
	}
	if err := build(ctx, connURL); err != nil {
		return "", fmt.Errorf("filling %s: %w", name, err)
	}
	if _, err := conn.Exec(ctx, "ALTER DATABASE "+pgx.Identifier{name}.Sanitize()+" ALLOW_CONNECTIONS false"); err != nil {
		return "", fmt.Errorf("closing %s to connections: %w", name, err)
	}
	return name, nil
}

// createDatabase creates a database for t with the given CREATE DATABASE
// options, registers its drop with t.Cleanup, and returns its URL.
func createDatabase(t testing.TB, options string) string {
	t.Helper()
	token, err := ownerToken()
	if err != nil {
		t.Fatalf("testpg: %v", err)
	}
	name := databaseName(token, t.Name())
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, URL())
	if err != nil {
		t.Fatalf("testpg: %v", unreachable(err))
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()+" "+options); err != nil {
		t.Fatalf("testpg: %v", createFailed(name, err))
	}
	t.Cleanup(func() {
		// A new connection, as in Schema: one held per test for the test's
		// whole life would exhaust max_connections in parallel runs.
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		conn, err := pgx.Connect(ctx, URL())
		if err != nil {
			t.Errorf("testpg: connecting to drop database %s: %v", name, err)
			return
		}
		defer conn.Close(context.Background())
		if err := dropDatabase(ctx, conn, name); err != nil {
			t.Errorf("testpg: %v", err)
		}
	})
	connURL, err := withDatabase(URL(), name)
	if err != nil {
		t.Fatalf("testpg: connection URL for database %s: %v", name, err)
	}
	return connURL
}

// dropDatabase drops the database name if it exists, closing connections
// left on it (WITH (FORCE), PostgreSQL 13 and later; older servers get a
// plain DROP, which fails if any remain).
func dropDatabase(ctx context.Context, conn *pgx.Conn, name string) error {
	q := "DROP DATABASE IF EXISTS " + pgx.Identifier{name}.Sanitize()
	_, err := conn.Exec(ctx, q+" WITH (FORCE)")
	if pgErr := (*pgconn.PgError)(nil); errors.As(err, &pgErr) && pgErr.Code == "42601" { // syntax_error
		_, err = conn.Exec(ctx, q)
	}
	if err != nil {
		return fmt.Errorf("dropping database %s: %w", name, err)
	}
	return nil
}

// unreachable explains a failure to connect to the test server.
func unreachable(err error) error {
	return fmt.Errorf("PostgreSQL is required for this test but is not reachable at %s "+
		"(run the tests with scripts/test.sh, which starts a PostgreSQL server if needed, "+
		"or set %s to the URL of a server you can create databases on): %w",
		redact(URL()), EnvVar, err)
}

// createFailed explains a failed CREATE DATABASE, naming the privilege it
// needs when that is what is missing.
func createFailed(name string, err error) error {
	if pgErr := (*pgconn.PgError)(nil); errors.As(err, &pgErr) && pgErr.Code == "42501" { // insufficient_privilege
		return fmt.Errorf("creating database %s (the tests copy template databases, so the role in %s needs "+
			"CREATEDB: ALTER ROLE … CREATEDB): %w", name, EnvVar, err)
	}
	return fmt.Errorf("creating database %s: %w", name, err)
}

// databaseName builds a database name for a test of the binary with token:
// dbPrefix, the token, the test name as schemaName spells it, and 8 random
// hex digits, within PostgreSQL's 63-byte limit.
func databaseName(token, testName string) string {
	prefix := dbPrefix + token + "_"
	slug := strings.TrimPrefix(schemaName(testName), "t_")
	if max := maxIdentLen - len(prefix); len(slug) > max {
		// Keep the random tail that makes the name unique.
		slug = strings.TrimLeft(slug[len(slug)-max:], "_")
	}
	return prefix + slug
}

// withDatabase returns connURL naming database name instead of its own.
// Keyword/value connection strings ("host=... user=...") are supported too.
func withDatabase(connURL, name string) (string, error) {
	if strings.HasPrefix(connURL, "postgres://") || strings.HasPrefix(connURL, "postgresql://") {
		u, err := url.Parse(connURL)
		if err != nil {
			return "", err
		}
		u.Path, u.RawPath = "/"+name, ""
		return u.String(), nil
	}
	// Later keywords override earlier ones.
	return strings.TrimSpace(connURL) + " dbname=" + name, nil
}
