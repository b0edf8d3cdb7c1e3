package testpg

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// query runs a one-value query on connURL.
func query[T any](t *testing.T, connURL, q string, args ...any) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, connURL)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(context.Background())
	var v T
	if err := conn.QueryRow(ctx, q, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return v
}

// exec runs statements on connURL.
func exec(t *testing.T, connURL string, stmts ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, connURL)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(context.Background())
	for _, q := range stmts {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func databaseExists(t *testing.T, name string) bool {
	t.Helper()
	return query[bool](t, URL(), "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name)
}

// TestTemplate checks the life of template copies: the template is built
// once, closed to connections, and each copy starts from its data, keeps
// its own changes, and is dropped when its test ends.
func TestTemplate(t *testing.T) {
	var tp Template
	var builds atomic.Int32
	build := func(ctx context.Context, connURL string) error {
		builds.Add(1)
		conn, err := pgx.Connect(ctx, connURL)
		if err != nil {
			return err
		}
		defer conn.Close(context.Background())
		_, err = conn.Exec(ctx, "CREATE TABLE widgets (id int PRIMARY KEY, name text NOT NULL); INSERT INTO widgets VALUES (1, 'bolt')")
		return err
	}
	copies := make([]string, 3)
	t.Run("copies", func(t *testing.T) {
		for i := range copies {
			t.Run("copy", func(t *testing.T) {
				t.Parallel()
				connURL := tp.Copy(t, build)
				copies[i] = query[string](t, connURL, "SELECT current_database()")
				if !strings.HasPrefix(copies[i], dbPrefix) || len(copies[i]) > maxIdentLen {
					t.Errorf("database %q: want prefix %s and at most %d bytes", copies[i], dbPrefix, maxIdentLen)
				}
				if strings.Contains(URL(), "sslmode=disable") && !strings.Contains(connURL, "sslmode=disable") {
					t.Errorf("URL %q lost the sslmode parameter of %q", connURL, URL())
				}
				if n := query[int](t, connURL, "SELECT count(*) FROM widgets"); n != 1 {
					t.Fatalf("copy holds %d widgets, want the template's 1", n)
				}
				// Parallel copies must not see each other's rows.
				exec(t, connURL, "INSERT INTO widgets VALUES (2, 'nut')")
				if n := query[int](t, connURL, "SELECT count(*) FROM widgets"); n != 2 {
					t.Fatalf("copy holds %d widgets after an insert, want 2", n)
				}
			})
		}
	})
	if n := builds.Load(); n != 1 {
		t.Errorf("template built %d times, want once", n)
	}
	if tp.name == "" || !databaseExists(t, tp.name) {
		t.Fatalf("template database %q does not exist", tp.name)
	}
	if query[bool](t, URL(), "SELECT datallowconn FROM pg_database WHERE datname = $1", tp.name) {
		t.Errorf("template %s still allows connections", tp.name)
	}
	for _, name := range copies {
		if name == "" || name == tp.name {
			t.Fatalf("copies %q, template %s: want distinct databases", copies, tp.name)
		}
		if databaseExists(t, name) {
			t.Errorf("database %s still exists after its test ended", name)
		}
	}
	if n := query[int](t, URL(), "SELECT count(*) FROM pg_database WHERE datname = ANY($1)", copies); n != 0 {
		t.Errorf("%d copies left", n)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, URL())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		if err := dropDatabase(ctx, conn, tp.name); err != nil {
			t.Error(err)
		}
	})
}

// TestTemplateBuildError checks that a failed build returns its error
// and leaves no database behind.
func TestTemplateBuildError(t *testing.T) {
	boom := errors.New("boom")
	if _, err := buildTemplate(func(context.Context, string) error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("buildTemplate: %v, want the build's error", err)
	}
	name := fmt.Sprintf("%s%s_template%d", dbPrefix, owner.token, templates.Load())
	if databaseExists(t, name) {
		t.Errorf("the failed build left %s", name)
	}
}

// TestSweep checks that a database of a binary that is gone is dropped and
// one of a live binary (this one) is kept.
func TestSweep(t *testing.T) {
	token, err := ownerToken()
	if err != nil {
		t.Fatal(err)
	}
	dead, alive := dbPrefix+"0dead0ff_leftover", databaseName(token, t.Name())
	exec(t, URL(), "CREATE DATABASE "+dead, "CREATE DATABASE "+alive)
	t.Cleanup(func() { exec(t, URL(), "DROP DATABASE IF EXISTS "+dead, "DROP DATABASE IF EXISTS "+alive) })
	sweep(owner.conn)
	if databaseExists(t, dead) {
		t.Errorf("sweep kept %s, whose binary is gone", dead)
	}
	if !databaseExists(t, alive) {
		t.Errorf("sweep dropped %s, whose binary is running", alive)
	}
}

// TestDatabaseName checks names are valid unquoted identifiers within
// PostgreSQL's limit, carry the token, and are unique.
func TestDatabaseName(t *testing.T) {
	long := "TestSomething/with a very long subtest name: " + strings.Repeat("ÄbC-", 40)
	for _, in := range []string{"TestX", "TestX/sub_case#01", long} {
		a, b := databaseName("0a1b2c3d", in), databaseName("0a1b2c3d", in)
		if a == b {
			t.Errorf("databaseName(%q) returned %q twice", in, a)
		}
		if len(a) > maxIdentLen || !strings.HasPrefix(a, dbPrefix+"0a1b2c3d_") || strings.Contains(a, "__") {
			t.Errorf("databaseName(%q) = %q: bad prefix, doubled _ or longer than %d", in, a, maxIdentLen)
		}
		for _, r := range a {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
				t.Errorf("databaseName(%q) = %q contains %q", in, a, r)
			}
		}
	}
}

// TestWithDatabase checks that both connection string forms name the new
// database and keep their other parameters.
func TestWithDatabase(t *testing.T) {
	got, err := withDatabase("postgres://u@h:5/test?sslmode=disable", "d1")
	if err != nil {
		t.Fatal(err)
	}
	if got != "postgres://u@h:5/d1?sslmode=disable" {
		t.Errorf("URL form: got %q", got)
	}
	got, err = withDatabase("host=h port=5 dbname=test", "d1")
	if err != nil {
		t.Fatal(err)
	}
	if got != "host=h port=5 dbname=test dbname=d1" {
		t.Errorf("keyword form: got %q", got)
	}
	if cfg, err := pgx.ParseConfig(got); err != nil || cfg.Database != "d1" {
		t.Errorf("keyword form %q: database %v, %v; want d1", got, cfg, err)
	}
}
