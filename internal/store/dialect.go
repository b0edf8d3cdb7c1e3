package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	msqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect is everything that differs between the engines.
type dialect interface {
	name() string
	// open returns the write pool and the read pool (which may be the same).
	open(ctx context.Context, dsn string) (w, r *sql.DB, err error)
	// numbered reports whether placeholders are $1, $2… rather than ?.
	numbered() bool
	// ddl rewrites the portable tokens in a migration statement.
	ddl(stmt string) string
	// isUniqueViolation reports whether err is a unique-constraint failure.
	isUniqueViolation(err error) bool
	// reserveIDs returns n ids for new rows of table, whose id column is
	// {{id}}, all above after; the caller inserts the rows with them.
	reserveIDs(ctx context.Context, s *Store, table string, n int, after int64) ([]int64, error)
	// lockWait returns the statements that bound the wait for a row lock in
	// the current transaction and lift the bound again; "" when the engine
	// waits for its whole database lock instead (SQLite's busy timeout).
	lockWait() (bound, lift string)
	// isLockTimeout reports whether err is a lock not granted in time.
	isLockTimeout(err error) bool
	// entryArrays returns an INSERT of ledger entries that takes one array
	// per column ($1 seq … $12 hash), or "" when the engine has none.
	entryArrays() string
}

type sqlite struct{}

func (sqlite) name() string   { return "sqlite" }
func (sqlite) numbered() bool { return false }

// open uses one connection for writes, so writers queue in Go instead of
// failing with SQLITE_BUSY, and BEGIN IMMEDIATE, so a transaction takes the
// write lock before it reads; readers get their own pool, which WAL lets run
// beside the writer.
//
// The writer keeps a 64 MiB page cache instead of SQLite's default 2 MiB: a
// posting touches pages all over the ledger's indexes, and with the default
// cache most of them are read back from the file for every posting.
// Every connection maps the file into memory (up to 1 GiB), so the pages
// missing from its cache cost a memory access rather than a read system
// call; a large private cache per reader would slow full scans (Verify).
//
// The writer keeps statement journals in memory (temp_store): a multi-row
// statement that may fail a constraint half-way journals every page it
// touches, and in a file that was a fifth of a posting's time. It also
// checkpoints the WAL every 64 MiB rather than every 4 MiB, so a page
// rewritten by many postings is copied back into the database once.
func (sqlite) open(ctx context.Context, path string) (*sql.DB, *sql.DB, error) {
	base := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
		"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=mmap_size(1073741824)"
	w, err := sql.Open("sqlite", base+"&_pragma=cache_size(-65536)&_pragma=temp_store(MEMORY)"+
		"&_pragma=wal_autocheckpoint(16384)&_txlock=immediate")
	if err != nil {
		return nil, nil, err
	}
	w.SetMaxOpenConns(1)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, nil, err
	}
	r, err := sql.Open("sqlite", base+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, nil, err
	}
	r.SetMaxOpenConns(4)
	return w, r, nil
}

func (sqlite) ddl(stmt string) string {
	return strings.NewReplacer("{{id}}", "INTEGER PRIMARY KEY", "{{bool}}", "INTEGER", "{{blob}}", "BLOB").Replace(stmt)
}

func (sqlite) isUniqueViolation(err error) bool {
	var e *msqlite.Error
	return errors.As(err, &e) && (e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
}

// reserveIDs takes the ids after the largest in table: the write lock,
// held from BEGIN IMMEDIATE, keeps them free until the transaction ends.
func (sqlite) reserveIDs(ctx context.Context, s *Store, table string, n int, after int64) ([]int64, error) {
	var top int64
	if err := s.queryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM `+table).Scan(&top); err != nil {
		return nil, err
	}
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = max(top, after) + int64(i) + 1
	}
	return ids, nil
}

func (sqlite) lockWait() (string, string) { return "", "" }

func (sqlite) entryArrays() string { return "" }

func (sqlite) isLockTimeout(err error) bool {
	var e *msqlite.Error
	return errors.As(err, &e) && e.Code()&0xff == sqlite3.SQLITE_BUSY
}

type postgres struct{}

// reserveIDs draws from the identity column's sequence, as a default id
// would, so that rows inserted without an id never collide with these.
func (postgres) reserveIDs(ctx context.Context, s *Store, table string, n int, _ int64) ([]int64, error) {
	rows, err := s.query(ctx, `SELECT nextval(pg_get_serial_sequence('`+table+`', 'id')) FROM generate_series(1, ?)`, n)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r *sql.Rows) (id int64, err error) { return id, r.Scan(&id) })
}

func (postgres) lockWait() (string, string) {
	return `SET LOCAL lock_timeout = '` + ledgerLockWait + `'`, `SET LOCAL lock_timeout TO DEFAULT`
}

// entryArrays binds twelve arrays instead of twelve values per row: a
// posting's entries then cost one statement, which the server parses and
// binds once, rather than one of 1,536 parameters per 128 rows. In an A/B
// run of bench/ledger (30,000 lines, loaded machine) the batched rate went
// from 13 % to 17 % of the CopyFrom ceiling.
func (postgres) entryArrays() string {
	return `INSERT INTO movements (seq, posting_id, kind, depot_id, lot_id, item_id, delta, actor, reason, at,
		prev_hash, hash) SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::text[], ?::bigint[], ?::bigint[],
		?::bigint[], ?::bigint[], ?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[])`
}

// isLockTimeout: 55P03 is lock_not_available, what lock_timeout raises.
func (postgres) isLockTimeout(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && e.Code == "55P03"
}

func (postgres) name() string   { return "postgres" }
func (postgres) numbered() bool { return true }

func (postgres) open(ctx context.Context, dsn string) (*sql.DB, *sql.DB, error) {
	if u, err := url.Parse(dsn); err == nil && u.Query().Get("sslmode") == "" && isLocal(u.Hostname()) {
		q := u.Query()
		q.Set("sslmode", "disable")
		u.RawQuery = q.Encode()
		dsn = u.String()
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, nil, err
	}
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(16)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, db, nil
}

func isLocal(host string) bool { return host == "127.0.0.1" || host == "localhost" || host == "::1" }

func (postgres) ddl(stmt string) string {
	return strings.NewReplacer("{{id}}", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
		"{{bool}}", "BOOLEAN", "{{blob}}", "BYTEA").Replace(stmt)
}

func (postgres) isUniqueViolation(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && e.Code == "23505"
}

// Unavailable reports whether err says the database could not be reached
// or did not answer — refused or dropped connections, timeouts, a server
// shutting down or starting up, SQLite's lock still held after the busy
// timeout — rather than that it refused a statement. Such errors are
// worth retrying later; the HTTP surfaces answer them with 503.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	var netErr net.Error
	var connectErr *pgconn.ConnectError
	var pgErr *pgconn.PgError
	var liteErr *msqlite.Error
	switch {
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone), errors.Is(err, io.ErrUnexpectedEOF),
		errors.As(err, &netErr), errors.As(err, &connectErr), pgconn.Timeout(err):
		return true
	case errors.As(err, &pgErr):
		// Class 08 is connection exceptions; 57P01-57P03 the server shutting
		// down or starting; 53300 too many connections.
		return strings.HasPrefix(pgErr.Code, "08") || pgErr.Code == "57P01" || pgErr.Code == "57P02" ||
			pgErr.Code == "57P03" || pgErr.Code == "53300"
	case errors.As(err, &liteErr):
		code := liteErr.Code() & 0xff // the primary result code
		return code == sqlite3.SQLITE_BUSY || code == sqlite3.SQLITE_LOCKED
	}
	return false
}
