package store_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
)

// TestStatementPlans asks each engine how it runs the queries of the
// statement and the snapshot, for each shape of scope: none of them may
// read the ledger (movements) or the postings whole, nor walk an index of
// them without a bound. Entries are found by sequence range, in the
// depots asked through movements_depot; the moment a range starts at is
// found through postings_created and movements_posting.
func TestStatementPlans(t *testing.T) {
	t.Parallel()
	// A scan of the ledger's tables, by alias: m and e are movements, p
	// postings; SQLite says SCAN, PostgreSQL Seq Scan or an index scan
	// without a condition.
	sqliteScan := regexp.MustCompile(`(?m)^SCAN [mpe]\b`)
	pgScan := regexp.MustCompile(`(?m)Seq Scan on (movements|postings)`)
	pgIndex := regexp.MustCompile(`(?m)(Index|Index Only) Scan(?: Backward)? using (\w+) on (movements|postings) \w+.*\n(\s+Index Cond: .*)?`)
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := storetest.Build(t, s)
		for _, tc := range []struct {
			name        string
			view        access.View
			depot, item string
			byLot       bool
		}{
			{"everything", access.View{All: true}, "", "", false},
			{"everything by lot", access.View{All: true}, "", "", true},
			{"one item", access.View{All: true}, "", storetest.Tent, false},
			{"one depot", access.View{All: true}, w.DepotA, "", false},
			{"one depot and item by lot", access.View{All: true}, w.DepotB, storetest.Water, true},
			{"a keeper's depots", access.View{Depots: []string{w.DepotA, w.DepotB}}, "", "", false},
			{"a district", access.View{AreaPath: "110000/110111/"}, "", storetest.Tent, true},
			{"an organisation", access.View{Org: w.Bureau}, "", "", false},
			{"an organisation at one depot", access.View{Org: w.Bureau}, w.DepotA, "", true},
		} {
			plans, err := s.StatementPlans(ctx, tc.view, tc.depot, tc.item, tc.byLot)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			for name, plan := range plans {
				if testing.Verbose() {
					t.Logf("%s, %s:\n%s", tc.name, name, plan)
				}
				bad := sqliteScan.FindString(plan) + pgScan.FindString(plan)
				for _, m := range pgIndex.FindAllStringSubmatch(plan, -1) {
					if m[4] == "" || strings.HasSuffix(m[4], "IS NOT NULL)") { // MIN(seq) walking the key
						bad += m[0]
					}
				}
				if bad != "" {
					t.Errorf("%s, %s: reads the ledger whole: %s\n%s", tc.name, name, bad, plan)
				}
			}
		}
	})
}
