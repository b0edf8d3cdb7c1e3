// Package testpg gives tests an isolated PostgreSQL schema or database of
// their own.
//
// Tests in this project need a real PostgreSQL server: the storage layer relies on
// PostgreSQL behaviour (transactions, constraints, locking) that a fake would not
// reproduce faithfully. Each test gets a private place on one shared server, so
// tests can run in parallel without seeing each other's data:
//   - Schema: a fresh schema and a connection URL whose search_path points at it,
//     so unqualified table names land there. Creating one costs milliseconds and
//     needs no CREATEDB; it is for tests that start from nothing.
//   - Template.Copy: a database copied from a template built once per test
//     binary, for tests that all start from the same data (a migrated schema,
//     the demo). See Template for the measurements behind the choice.
//
// The server comes from STOCKPILE_TEST_PG, which scripts/test.sh sets after making sure
// a server is running (starting a throwaway cluster when needed). Without a reachable
// server, tests fail loudly; they never skip, so a missing database can't pass
// unnoticed as a green run.
package testpg

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvVar names the environment variable holding the test server's connection URL.
// It is exported so that other test helpers and error messages refer to one spelling.
const EnvVar = "STOCKPILE_TEST_PG"

// DefaultURL is used when EnvVar is unset: the local development server with trust
// authentication that the project's machines run on 127.0.0.1:5432.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// connectTimeout bounds how long Schema and its cleanup wait for the server, so that
// a missing server produces a quick, clear failure instead of a hung test binary.
const connectTimeout = 5 * time.Second

// maxIdentLen is PostgreSQL's identifier length limit (NAMEDATALEN-1); longer names
// are silently truncated by the server, which could make two schema names collide.
const maxIdentLen = 63

// URL returns the connection URL of the PostgreSQL server used by tests: the value
// of STOCKPILE_TEST_PG if set, otherwise DefaultURL. Tests normally call Schema
// instead, which returns a URL scoped to a private schema.
func URL() string {
	if u := strings.TrimSpace(os.Getenv(EnvVar)); u != "" {
		return u
	}
	return DefaultURL
}

// Schema creates a fresh, uniquely named schema for the calling test on the server
// given by URL, arranges for it to be dropped (with everything in it) when the test
// and its subtests finish, and returns a connection URL for the same server whose
// search_path selects that schema. Anything the test creates without a schema
// qualifier therefore lives in the private schema and disappears afterwards.
//
// If PostgreSQL cannot be reached, Schema fails the test with t.Fatalf. It never
// skips: PostgreSQL is a hard requirement of the test suite, and scripts/test.sh
// provides one automatically.
//
// The returned URL keeps the original URL's other parameters (such as sslmode).
// Because the cleanup drops the schema, connections and pools opened with the URL
// should be closed before it runs; registering their Close with t.Cleanup after
// calling Schema does that, since cleanups run in last-in, first-out order.
func Schema(t testing.TB) string {
	t.Helper()
	base := URL()

	ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("testpg: PostgreSQL is required for this test but is not reachable at %s: %v\n"+
			"Run the tests with scripts/test.sh (it starts a PostgreSQL server if needed), "+
			"or set %s to the URL of a server you can create schemas on.",
			redact(base), err, EnvVar)
	}
	defer conn.Close(context.Background())

	name := schemaName(t.Name())
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatalf("testpg: creating schema %s on %s: %v", name, redact(base), err)
	}

	t.Cleanup(func() {
		// A new connection is used because the one above is closed when Schema returns:
		// holding one connection per test for the test's whole life would exhaust
		// max_connections in large parallel runs.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("testpg: connecting to drop schema %s: %v", name, err)
			return
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{name}.Sanitize()+" CASCADE"); err != nil {
			t.Errorf("testpg: dropping schema %s: %v", name, err)
		}
	})

	u, err := withSearchPath(base, name)
	if err != nil {
		t.Fatalf("testpg: building connection URL for schema %s: %v", name, err)
	}
	return u
}

// SchemaName returns the schema selected by a URL returned from Schema (its
// search_path parameter), or "" if there is none. Tests use it to qualify names or
// to inspect the catalog for their own schema.
func SchemaName(connURL string) string {
	if u, err := url.Parse(connURL); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		return u.Query().Get("search_path")
	}
	// Keyword/value form: find the search_path=... pair appended by withSearchPath.
	for _, f := range strings.Fields(connURL) {
		if v, ok := strings.CutPrefix(f, "search_path="); ok {
			return strings.Trim(v, "'")
		}
	}
	return ""
}

// schemaName builds a schema name from a test name: "t_", the test name lowercased
// with every character outside [a-z0-9] turned into '_' (so it needs no quoting and
// is readable in psql), truncated so that the whole name fits PostgreSQL's 63-byte
// limit, then "_" and 8 random hex digits so repeated or parallel runs of the same
// test never clash.
func schemaName(testName string) string {
	var b strings.Builder
	lastUnderscore := false
	for _, r := range strings.ToLower(testName) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			lastUnderscore = false
		} else if !lastUnderscore {
			b.WriteByte('_')
			lastUnderscore = true
		}
	}
	const prefix = "t_"
	suffix := "_" + randomHex(4)
	slug := strings.Trim(b.String(), "_")
	if max := maxIdentLen - len(prefix) - len(suffix); len(slug) > max {
		slug = strings.TrimRight(slug[:max], "_")
	}
	return prefix + slug + suffix
}

// randomHex returns n random bytes as 2n hex digits, used to make schema names unique.
func randomHex(n int) string {
	buf := make([]byte, n)
	_, _ = rand.Read(buf) // crypto/rand.Read never fails on supported platforms.
	return hex.EncodeToString(buf)
}

// withSearchPath returns connURL with the search_path runtime parameter set to schema.
// pgx passes URL query parameters it does not recognise to the server as run-time
// parameters, so every connection made with the result starts in that schema.
// Keyword/value connection strings ("host=... user=...") are supported too.
func withSearchPath(connURL, schema string) (string, error) {
	if strings.HasPrefix(connURL, "postgres://") || strings.HasPrefix(connURL, "postgresql://") {
		u, err := url.Parse(connURL)
		if err != nil {
			return "", err
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String(), nil
	}
	return strings.TrimSpace(connURL) + " search_path=" + schema, nil
}

// redact hides the password in a connection URL so failure messages can show which
// server was tried without leaking credentials into CI logs.
func redact(connURL string) string {
	u, err := url.Parse(connURL)
	if err != nil || u.User == nil {
		return connURL
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
