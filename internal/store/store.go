// Package store keeps Stockpile's data in SQLite (the embedded default) or
// PostgreSQL (production) through one code base. SQL is plain and portable;
// the few differences between the engines live in dialect.go and are chosen
// once, when the store is opened.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Store is a handle on the database. The zero value is not usable: call
// Open. A Store returned to an InTx callback runs every call inside that
// transaction.
type Store struct {
	db      *sql.DB // writes, and reads inside transactions
	rdb     *sql.DB // reads outside transactions (SQLite: a separate pool)
	dialect dialect
	now     func() time.Time
	rebinds *sync.Map   // query text → dialect-specific text
	shared  *sync.Map   // query text → *sql.Stmt prepared on db, for every transaction
	gate    *ledgerGate // whether a long posting holds the ledger (stream.go)

	tx       *sql.Tx
	stmts    map[string]*sql.Stmt // statements of this transaction
	unshared []string             // queries this transaction prepared for itself
}

// Option configures a Store.
type Option func(*Store)

// WithClock sets the clock used to time-stamp ledger entries; tests use it
// to make time deterministic.
func WithClock(now func() time.Time) Option { return func(s *Store) { s.now = now } }

// Now is the store's clock: the time it stamps on what it writes. Code that
// measures against those stamps (the dispatch planner) uses it too.
func (s *Store) Now() time.Time { return s.now() }

// Open connects to the database named by dsn: a "postgres://" or
// "postgresql://" URL selects PostgreSQL, anything else is a SQLite file path
// (created if absent). It does not migrate: call Migrate, or CheckSchema to
// refuse an out-of-date database.
func Open(ctx context.Context, dsn string, opts ...Option) (*Store, error) {
	s := &Store{now: time.Now, rebinds: new(sync.Map), shared: new(sync.Map), gate: new(ledgerGate)}
	for _, o := range opts {
		o(s)
	}
	var err error
	if isPostgres(dsn) {
		s.dialect = postgres{}
	} else {
		s.dialect = sqlite{}
	}
	if s.db, s.rdb, err = s.dialect.open(ctx, dsn); err != nil {
		return nil, fmt.Errorf("store: open %s: %w", s.dialect.name(), err)
	}
	return s, nil
}

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Engine names the database engine: "sqlite" or "postgres".
func (s *Store) Engine() string { return s.dialect.name() }

// Close closes the database.
func (s *Store) Close() error {
	s.shared.Range(func(_, v any) bool {
		v.(*sql.Stmt).Close()
		return true
	})
	err := s.db.Close()
	if s.rdb != s.db {
		err = errors.Join(err, s.rdb.Close())
	}
	return err
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.rdb.PingContext(ctx) }

// InTx runs fn in a transaction and commits if fn returns nil, else rolls
// back. Calls on the Store passed to fn run in the transaction; when s is
// already in one, fn joins it, so store methods compose.
func (s *Store) InTx(ctx context.Context, fn func(tx *Store) error) (err error) {
	if s.tx != nil {
		return fn(s)
	}
	sqlTx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	tx := *s
	tx.tx = sqlTx
	tx.stmts = map[string]*sql.Stmt{}
	defer func() {
		if p := recover(); p != nil {
			sqlTx.Rollback()
			panic(p)
		}
		if err != nil {
			sqlTx.Rollback()
			return
		}
		if err = sqlTx.Commit(); err != nil {
			err = fmt.Errorf("store: commit: %w", err)
		}
		s.share(ctx, tx.unshared)
	}()
	return fn(&tx)
}

// q returns the query text for this engine; queries are written with "?"
// placeholders.
func (s *Store) q(query string) string {
	if !s.dialect.numbered() {
		return query
	}
	if v, ok := s.rebinds.Load(query); ok {
		return v.(string)
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	s.rebinds.Store(query, b.String())
	return b.String()
}

func (s *Store) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s.tx != nil {
		st, err := s.stmt(ctx, query)
		if err != nil {
			return nil, err
		}
		return st.ExecContext(ctx, args...)
	}
	return s.db.ExecContext(ctx, s.q(query), args...)
}

func (s *Store) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s.tx != nil {
		st, err := s.stmt(ctx, query)
		if err != nil {
			return nil, err
		}
		return st.QueryContext(ctx, args...)
	}
	return s.pool(query).QueryContext(ctx, s.q(query), args...)
}

// pool picks the connection pool for a statement outside a transaction:
// the read pool for plain SELECTs, the write pool for anything else
// (INSERT … RETURNING comes through query and queryRow too).
func (s *Store) pool(query string) *sql.DB {
	if strings.HasPrefix(strings.TrimSpace(query), "SELECT") {
		return s.rdb
	}
	return s.db
}

func (s *Store) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if s.tx != nil {
		st, err := s.stmt(ctx, query)
		if err == nil {
			return st.QueryRowContext(ctx, args...)
		}
		return s.tx.QueryRowContext(ctx, s.q(query), args...) // reports err on Scan
	}
	return s.pool(query).QueryRowContext(ctx, s.q(query), args...)
}

// stmt returns query as a statement of the current transaction, reused for
// the rest of it: a posting of many lines prepares each statement once. A
// statement already prepared on the pool is taken from there; one that is
// not yet is prepared for this transaction and shared once it ends.
func (s *Store) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := s.stmts[query]; ok {
		return st, nil
	}
	var st *sql.Stmt
	if v, ok := s.shared.Load(query); ok {
		st = s.tx.StmtContext(ctx, v.(*sql.Stmt))
	} else {
		var err error
		if st, err = s.tx.PrepareContext(ctx, s.q(query)); err != nil {
			return nil, fmt.Errorf("store: prepare: %w", err)
		}
		s.unshared = append(s.unshared, query)
	}
	s.stmts[query] = st
	return st, nil
}

// share prepares on the write pool the statements a transaction had to
// prepare for itself, so that later transactions reuse them. Preparing
// anew in every transaction cost a one-line posting a fifth of its time on
// SQLite and two extra round trips per statement on PostgreSQL. It runs
// after the transaction because SQLite's single write connection is busy
// until then. It is best effort: on failure a later transaction prepares
// the statement for itself again.
func (s *Store) share(ctx context.Context, queries []string) {
	for _, query := range queries {
		if _, ok := s.shared.Load(query); ok {
			continue
		}
		st, err := s.db.PrepareContext(ctx, s.q(query))
		if err != nil {
			return
		}
		if _, loaded := s.shared.LoadOrStore(query, st); loaded {
			st.Close()
		}
	}
}
