// Package demotest gives tests a store holding the Beijing demo data on
// every engine Stockpile supports (see storetest).
//
// Loading the demo takes seconds on SQLite under the race detector, which
// instruments the pure-Go SQLite engine as it writes thousands of lots and
// ledger entries. So for SQLite the demo is loaded once per test binary into
// a template, kept in memory, and each test writes a copy of it to a file of
// its own: every test still gets a private database it may change, in
// milliseconds. On PostgreSQL each test loads the demo into its own schema.
package demotest

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/demo"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
)

// template is the SQLite demo database of this test binary.
var template struct {
	once  sync.Once
	today string // the day the demo's lots are dated around
	db    []byte // the database file
	err   error
}

// Each runs fn as a subtest per engine, each with its own store holding the
// demo loaded with demo.Options{}.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store), opts ...store.Option) {
	t.Helper()
	for _, engine := range storetest.Engines {
		t.Run(engine, func(t *testing.T) { fn(t, Open(t, engine, opts...)) })
	}
}

// Open returns a store of engine holding the demo; it is closed when the
// test ends. The demo's dates follow the store's today, so the SQLite
// template is built with the first caller's options, and a later caller
// whose clock gives another day fails: use one clock per test package.
func Open(t testing.TB, engine string, opts ...store.Option) *store.Store {
	t.Helper()
	if engine != "sqlite" {
		s := storetest.Open(t, engine, opts...)
		if _, err := demo.Load(context.Background(), s, demo.Options{}); err != nil {
			t.Fatalf("demotest: loading the demo on %s: %v", engine, err)
		}
		return s
	}
	template.once.Do(func() { template.today, template.db, template.err = build(opts) })
	if template.err != nil {
		t.Fatalf("demotest: building the SQLite demo template: %v", template.err)
	}
	dsn := storetest.DSN(t, engine)
	if err := os.WriteFile(dsn, template.db, 0o600); err != nil {
		t.Fatal(err)
	}
	s := storetest.OpenDSN(t, engine, dsn, opts...)
	if s.Today() != template.today {
		t.Fatalf("demotest: the demo template is dated %s but this test's store says today is %s; "+
			"use the same clock in every test of the package", template.today, s.Today())
	}
	return s
}

// build loads the demo into a fresh SQLite file and returns its day and
// a compact copy of the file (VACUUM INTO folds the write-ahead log in).
func build(opts []store.Option) (today string, db []byte, err error) {
	dir, err := os.MkdirTemp("", "stockpile-demotest-")
	if err != nil {
		return "", nil, err
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	path, copyPath := filepath.Join(dir, "demo.db"), filepath.Join(dir, "copy.db")
	s, err := store.Open(ctx, path, opts...)
	if err != nil {
		return "", nil, err
	}
	defer s.Close()
	if err := s.Migrate(ctx, nil); err != nil {
		return "", nil, err
	}
	if _, err := demo.Load(ctx, s, demo.Options{}); err != nil {
		return "", nil, err
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		return "", nil, err
	}
	defer raw.Close()
	if _, err := raw.ExecContext(ctx, `VACUUM INTO ?`, copyPath); err != nil {
		return "", nil, err
	}
	db, err = os.ReadFile(copyPath)
	return s.Today(), db, err
}
