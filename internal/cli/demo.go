package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/stockpile-dev/stockpile/internal/demo"
	"github.com/stockpile-dev/stockpile/internal/store"
)

func (a *app) demoCommand() *cobra.Command {
	var seed int64
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Load the Beijing demo data 载入北京演示数据",
		Long: `Create the schema if needed and load the Beijing demo data set into an empty
database: the 16 districts and the Economic-Technological Development Area
(2020 census population), streets and communities, reserve-holding
departments, about 40 depots including the city depots named in the bureau's
2024 reply, and about 1.9 million units of stock in lots with expiry dates.
Generated deterministically from --seed.`,
		Example: `  stockpile demo --db demo.db
  stockpile demo --db postgres://localhost/stockpile`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withStore(cmd.Context(), migrateSchema, func(s *store.Store) error {
				return a.loadDemo(cmd.Context(), s, seed)
			})
		},
	}
	cmd.Flags().Int64Var(&seed, "seed", 2020, "random seed of the generated stock")
	return cmd
}

// loadDemoIfEmpty loads the demo data unless the database already has
// depots (serve --demo on an existing database just serves it).
func (a *app) loadDemoIfEmpty(ctx context.Context, s *store.Store) error {
	ds, err := s.Depots(ctx, store.DepotFilter{})
	if err != nil || len(ds) > 0 {
		return err
	}
	return a.loadDemo(ctx, s, 2020)
}

func (a *app) loadDemo(ctx context.Context, s *store.Store, seed int64) error {
	update, finish := a.progress("loading demo 载入演示数据")
	sum, err := demo.Load(ctx, s, demo.Options{Seed: seed, Progress: func(done, total int) {
		update(int64(done), int64(total))
	}})
	finish()
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "demo loaded 演示数据已载入：%d areas, %d organisations, %d depots, %d items, %d lots, %d ledger entries, %s units, %d agreement and %d capacity reserves\n",
		sum.Areas, sum.Orgs, sum.Depots, sum.Items, sum.Lots, sum.Entries, sum.Units, sum.Agreements, sum.Capacities)
	return nil
}
