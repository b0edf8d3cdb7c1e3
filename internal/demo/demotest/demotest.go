// Package demotest gives tests a store holding the Beijing demo data on
// every engine Stockpile supports (see storetest).
//
// Loading the demo takes seconds under the race detector: on SQLite the
// detector instruments the pure-Go engine as it writes thousands of lots and
// ledger entries, and on PostgreSQL the load is thousands of statements. So
// the demo is loaded once per test binary and engine, and each test gets a
// copy of its own that it may change, in a fraction of the time: on SQLite
// the database file is kept in memory and written to a file per test; on
// PostgreSQL it is a template database copied per test (0.2–0.35 s against
// 2 s to migrate and load on a quiet machine; see testpg.Template).
package demotest

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/demo"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
	"github.com/stockpile-dev/stockpile/internal/testpg"
)

// sqliteTemplate is the SQLite demo database of this test binary.
var sqliteTemplate struct {
	once  sync.Once
	today string // the day the demo's lots are dated around
	db    []byte // the database file
	err   error
}

// pgTemplate is the PostgreSQL demo database of this test binary; pgToday
// is the day it was loaded for, set by the build, which Template.Copy runs
// before it returns to any caller.
var (
	pgTemplate testpg.Template
	pgToday    string
)

// Each runs fn as a subtest per engine, each with its own store holding the
// demo loaded with demo.Options{}. Like storetest.Each, the engine subtests
// run in parallel, so fn must not share mutable state between engines.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store), opts ...store.Option) {
	t.Helper()
	for _, engine := range storetest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			fn(t, Open(t, engine, opts...))
		})
	}
}

// Open returns a store of engine holding the demo; it is closed when the
// test ends. The demo's dates follow the store's today, so each engine's
// template is built with the options of the first test to ask for it, and
// a later test whose clock gives another day fails: use one clock per test
// package.
func Open(t testing.TB, engine string, opts ...store.Option) *store.Store {
	t.Helper()
	var (
		s     *store.Store
		today string
	)
	if engine == "postgres" {
		dsn := pgTemplate.Copy(t, func(ctx context.Context, connURL string) (err error) {
			pgToday, err = loadPostgres(ctx, connURL, opts)
			return err
		})
		s, today = storetest.Attach(t, engine, dsn, opts...), pgToday
	} else {
		sqliteTemplate.once.Do(func() {
			sqliteTemplate.db, sqliteTemplate.err = storetest.SQLiteImage(func(ctx context.Context, s *store.Store) error {
				sqliteTemplate.today = s.Today()
				return load(ctx, s)
			}, opts...)
		})
		if sqliteTemplate.err != nil {
			t.Fatalf("demotest: building the SQLite demo template: %v", sqliteTemplate.err)
		}
		dsn := storetest.DSN(t, engine)
		if err := os.WriteFile(dsn, sqliteTemplate.db, 0o600); err != nil {
			t.Fatalf("demotest: writing the SQLite demo: %v", err)
		}
		s, today = storetest.Attach(t, engine, dsn, opts...), sqliteTemplate.today
	}
	if s.Today() != today {
		t.Fatalf("demotest: the %s demo template is dated %s but this test's store says today is %s; "+
			"use the same clock in every test of the package", engine, today, s.Today())
	}
	return s
}

// load migrates s and loads the demo into it.
func load(ctx context.Context, s *store.Store) error {
	if err := s.Migrate(ctx, nil); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if _, err := demo.Load(ctx, s, demo.Options{}); err != nil {
		return fmt.Errorf("loading the demo: %w", err)
	}
	return nil
}

// loadPostgres fills the empty database at connURL with the demo, through
// a store with opts, and returns the day the demo is dated around.
func loadPostgres(ctx context.Context, connURL string, opts []store.Option) (today string, err error) {
	s, err := store.Open(ctx, connURL, opts...)
	if err != nil {
		return "", err
	}
	defer s.Close()
	return s.Today(), load(ctx, s)
}
