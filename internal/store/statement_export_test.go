package store

import (
	"context"
	"database/sql"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/access"
)

// SetMaxScopeDepots sets how many depots a statement lists by id, until
// the test ends: a test that sets it must not run in parallel with others.
func SetMaxScopeDepots(t interface{ Cleanup(func()) }, n int) {
	was := maxScopeDepots
	maxScopeDepots = n
	t.Cleanup(func() { maxScopeDepots = was })
}

// StatementPlans returns how the engine would run each query Statement and
// StockAsOf make for view and the depot and item codes (by lot when
// byLot), by name: first (the sequence number of a moment), held (the
// stock now), before and since (the entries before and from a sequence
// number) and period. PostgreSQL is told to avoid sequential scans where
// it can, since the tables of a test are too small for it to prefer an
// index; a sequential scan it still shows has no index to use.
func (s *Store) StatementPlans(ctx context.Context, view access.View, depot, item string, byLot bool) (map[string]string, error) {
	plans := map[string]string{}
	err := s.readSnapshot(ctx, func(tx *Store) error {
		explain := "EXPLAIN QUERY PLAN "
		if tx.dialect.name() == "postgres" {
			explain = "EXPLAIN "
			if _, err := tx.exec(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
				return err
			}
		}
		sc, err := tx.ledgerScope(ctx, &view, depot, item, byLot)
		if err != nil {
			return err
		}
		type query struct {
			text string
			args []any
		}
		queries := map[string]query{"first": {firstSeqQuery, []any{int64(0)}}}
		for name, q := range map[string]func() (string, []any){
			"held":   sc.heldQuery,
			"before": func() (string, []any) { return sc.sumQuery(1, 1000) },
			"since":  func() (string, []any) { return sc.sumQuery(1000, 2000) },
			"period": func() (string, []any) { return sc.periodQuery(1, 2) },
		} {
			text, args := q()
			queries[name] = query{text, args}
		}
		for name, q := range queries {
			rows, err := tx.query(ctx, explain+q.text, q.args...)
			if err != nil {
				return err
			}
			cols, _ := rows.Columns()
			var lines []string
			for rows.Next() {
				cells := make([]sql.NullString, len(cols))
				ptrs := make([]any, len(cols))
				for i := range cells {
					ptrs[i] = &cells[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					rows.Close()
					return err
				}
				lines = append(lines, cells[len(cells)-1].String) // SQLite's detail, PostgreSQL's line
			}
			rows.Close()
			plans[name] = strings.Join(lines, "\n")
		}
		return nil
	})
	return plans, err
}
