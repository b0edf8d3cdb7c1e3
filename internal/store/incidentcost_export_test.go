package store

import (
	"context"
	"database/sql"
	"strings"
)

// IncidentCostPlans returns how the engine would run each query of
// IncidentCost for the incident of code, by name: sites, uses, writeoffs
// and requisitions. PostgreSQL is told to avoid sequential scans where it
// can, since the tables of a test are too small for it to prefer an
// index; a sequential scan it still shows has no index to use.
func (s *Store) IncidentCostPlans(ctx context.Context, code string) (map[string]string, error) {
	plans := map[string]string{}
	err := s.InTx(ctx, func(tx *Store) error {
		explain := "EXPLAIN QUERY PLAN "
		if tx.dialect.name() == "postgres" {
			explain = "EXPLAIN "
			if _, err := tx.exec(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
				return err
			}
		}
		for name, q := range map[string]string{
			"sites":        `SELECT d.code FROM incident_sites x JOIN depots d ON d.id = x.location_id WHERE x.incident = ?`,
			"uses":         incidentUsesQuery,
			"writeoffs":    incidentWriteOffsQuery,
			"requisitions": requisitionTotalsSelect + ` WHERE incident = ? ` + requisitionTotalsGroup,
		} {
			rows, err := tx.query(ctx, explain+q, code)
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
