package main

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stockpile-dev/stockpile/bench/internal/benchdb"
)

// The ceiling of the batched postings is what the engine takes to store
// the same ledger entries with nothing else to do: on SQLite a bare
// multi-row INSERT of the rows into a scratch table of the same columns
// (primary key only: no other index, no foreign keys, no triggers), on
// PostgreSQL a pgx CopyFrom into such a table. Both commit once per
// posting's worth of entries, as the postings did. The posting rate is
// then set beside the rate of lines whose entries the ceiling stores.

// scratchTable has the movements' columns, and nothing else.
const scratchTable = `CREATE TABLE bench_scratch (
	seq BIGINT PRIMARY KEY, posting_id BIGINT NOT NULL, kind TEXT NOT NULL, depot_id BIGINT NOT NULL,
	lot_id BIGINT NOT NULL, item_id BIGINT NOT NULL, delta BIGINT NOT NULL, actor TEXT NOT NULL,
	reason TEXT NOT NULL, at BIGINT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)`

const movementColumns = `seq, posting_id, kind, depot_id, lot_id, item_id, delta, actor, reason, at, prev_hash, hash`

// ceilingRows is how many rows one INSERT writes: 128 rows of 12 values,
// as the store's own entry inserts.
const ceilingRows = 128

// ceiling is a timed bare write of the batched phase's entries.
type ceiling struct {
	entries int64
	elapsed time.Duration
	how     string
}

// measureCeiling reads the first n entries back and times writing them to
// a scratch table, perTx entries per transaction.
func measureCeiling(ctx context.Context, db *benchdb.DB, n, perTx int64) (ceiling, error) {
	if db.Engine == "postgres" {
		return copyCeiling(ctx, db.DSN, n, perTx)
	}
	return insertCeiling(ctx, db.DSN, n, perTx)
}

// readEntries reads the entries up to seq n; mark is the engine's
// placeholder.
func readEntries(ctx context.Context, db *sql.DB, mark string, n int64) ([][]any, error) {
	rows, err := db.QueryContext(ctx, `SELECT `+movementColumns+` FROM movements WHERE seq <= `+mark+` ORDER BY seq`, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]any
	for rows.Next() {
		var seq, posting, depot, lot, item, delta, at int64
		var kind, actor, reason, prev, hash string
		if err := rows.Scan(&seq, &posting, &kind, &depot, &lot, &item, &delta, &actor, &reason, &at, &prev, &hash); err != nil {
			return nil, err
		}
		out = append(out, []any{seq, posting, kind, depot, lot, item, delta, actor, reason, at, prev, hash})
	}
	return out, rows.Err()
}

func insertCeiling(ctx context.Context, path string, n, perTx int64) (ceiling, error) {
	c := ceiling{how: "bare multi-row INSERT"}
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)"+
		"&_pragma=synchronous(NORMAL)&_pragma=cache_size(-65536)&_pragma=temp_store(MEMORY)"+
		"&_pragma=wal_autocheckpoint(16384)&_txlock=immediate")
	if err != nil {
		return c, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	rows, err := readEntries(ctx, db, "?", n)
	if err != nil {
		return c, err
	}
	if _, err := db.ExecContext(ctx, scratchTable); err != nil {
		return c, err
	}
	defer db.ExecContext(context.Background(), `DROP TABLE bench_scratch`)
	// Prepared up front: the pool's one connection is taken by each
	// transaction, which cannot prepare on the pool then.
	stmts := map[int]*sql.Stmt{}
	for k := 1; k <= ceilingRows; k *= 2 {
		row := "(" + strings.TrimSuffix(strings.Repeat("?, ", 12), ", ") + ")"
		st, err := db.PrepareContext(ctx, `INSERT INTO bench_scratch (`+movementColumns+`) VALUES `+
			strings.TrimSuffix(strings.Repeat(row+", ", k), ", "))
		if err != nil {
			return c, err
		}
		defer st.Close()
		stmts[k] = st
	}
	t0 := time.Now()
	for len(rows) > 0 {
		batch := rows[:min(int64(len(rows)), perTx)]
		rows = rows[len(batch):]
		if err := insertBatch(ctx, db, stmts, batch); err != nil {
			return c, err
		}
		c.entries += int64(len(batch))
	}
	c.elapsed = time.Since(t0)
	return c, nil
}

// insertBatch inserts rows in one transaction, in statements of at most
// ceilingRows rows.
func insertBatch(ctx context.Context, db *sql.DB, stmts map[int]*sql.Stmt, rows [][]any) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for len(rows) > 0 {
		k := ceilingRows
		for k > len(rows) {
			k /= 2
		}
		st := stmts[k]
		args := make([]any, 0, 12*k)
		for _, r := range rows[:k] {
			args = append(args, r...)
		}
		if _, err := tx.StmtContext(ctx, st).ExecContext(ctx, args...); err != nil {
			return err
		}
		rows = rows[k:]
	}
	return tx.Commit()
}

func copyCeiling(ctx context.Context, dsn string, n, perTx int64) (ceiling, error) {
	c := ceiling{how: "pgx CopyFrom"}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return c, err
	}
	defer conn.Close(context.Background())
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return c, err
	}
	rows, err := readEntries(ctx, db, "$1", n)
	db.Close()
	if err != nil {
		return c, err
	}
	if _, err := conn.Exec(ctx, scratchTable); err != nil {
		return c, err
	}
	defer conn.Exec(context.Background(), `DROP TABLE bench_scratch`)
	cols := strings.Split(strings.ReplaceAll(movementColumns, " ", ""), ",")
	t0 := time.Now()
	for len(rows) > 0 {
		batch := rows[:min(int64(len(rows)), perTx)]
		rows = rows[len(batch):]
		tx, err := conn.Begin(ctx)
		if err != nil {
			return c, err
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"bench_scratch"}, cols, pgx.CopyFromRows(batch)); err != nil {
			tx.Rollback(ctx)
			return c, fmt.Errorf("copy: %w", err)
		}
		if err := tx.Commit(ctx); err != nil {
			return c, err
		}
		c.entries += int64(len(batch))
	}
	c.elapsed = time.Since(t0)
	return c, nil
}
