// Package demo loads the Beijing demo data set into a store: the
// administrative tree, the reserve-holding organisations, about forty depots
// and points, their opening stock as lots in the hash-chained ledger, and
// care schedules with a few past rounds of inspection and maintenance
// (care.go).
//
// What is fact, and where it comes from (each CSV row says so in its source
// column):
//   - data/areas.csv: the city and its 16 districts with their resident
//     population from the 7th national census (2020), which sums to the
//     city's 21,893,095, and their seats' points (AMap, converted to
//     WGS-84); the codes and names of the streets, townships and villages
//     (NBS 统计用区划代码 2023). The Economic-Technological Development Area
//     (BDA) is no census unit, so its population is left empty.
//   - data/depots.csv: the five city depots named in the bureaus' 2024 reply
//     to deputies (seed 000): the city relief depots (市级救灾物资储备库) of
//     the grain and reserves bureau in Daxing, Fangshan and Yanqing
//     (C-DX-RELIEF, C-FS-RELIEF, C-YQ-RELIEF), and the emergency bureau's
//     city flood depot in Daxing (C-DX-FLOOD) and comprehensive depot in
//     Changping (C-CP-COMP).
//   - the total held by city and district depots, 1,884,400 units: what the
//     city and district emergency management systems held in 2020 (seed 001),
//     to which the generated quantities are scaled ([CityDistrictUnits]).
//
// What is illustrative: every depot's location, address and capacity; the
// other two city depots, the district depots and the street points (seed
// 000 and plan 001 say such depots exist, not where); the enterprises of
// data/orgs.csv; every area's terrain; the points of streets and villages; the BDA's
// point; and all stock — which items each depot holds, how many, in which
// lots, with which batch numbers and dates (profiles.go says what each sort
// of depot holds). The stock is generated from a seed (math/rand/v2, PCG),
// so the same seed and the same day give the same ledger, hash for hash.
// The care schedules, their intervals and their past rounds are
// illustrative too.
package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/readiness"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// DefaultSeed is the seed used when Options.Seed is zero.
const DefaultSeed = 2020

// Posting fields of the opening stock.
const (
	Actor  = "demo"
	Reason = "演示数据：期初入库"
)

// Options tune Load. The zero value is ready to use.
type Options struct {
	// Seed drives the generated stock; zero means DefaultSeed.
	Seed int64
	// Today (YYYY-MM-DD) is the day production and expiry dates are drawn
	// around; empty means the store's today ([store.Store.Today]). Lots are
	// generated so that a few percent expire within 90 days of it and a few
	// have already expired.
	Today string
	// Progress, if not nil, is called after each depot's stock is posted,
	// with the number of depots done and the total.
	Progress func(done, total int)
}

// Summary counts what Load created.
type Summary struct {
	Areas   int            `json:"areas"`
	Orgs    int            `json:"orgs"`
	Depots  int            `json:"depots"`
	Items   int            `json:"items"` // distinct catalogue items in stock
	Lots    int            `json:"lots"`
	Entries int            `json:"entries"` // ledger entries
	Units   stock.Quantity `json:"units"`   // total received, all items together

	Agreements int `json:"agreements"` // agreement reserves (协议储备)
	Capacities int `json:"capacities"` // production-capacity reserves (生产能力储备)
}

// Load loads the demo data set into s, whole or not at all (one
// transaction). It installs the default catalogue first (items already there
// are kept), so a freshly migrated database is enough. It refuses, with a
// Conflict error coded "demo.not_empty", a database that already has depots,
// so the demo is never loaded twice or on top of real data.
//
// The opening stock of each depot is one posting with the idempotency key
// "demo-<depot code>", posted by Actor with Reason.
func Load(ctx context.Context, s *store.Store, opts Options) (Summary, error) {
	var sum Summary
	if opts.Seed == 0 {
		opts.Seed = DefaultSeed
	}
	if opts.Today == "" {
		opts.Today = s.Today()
	}
	today, err := time.Parse(stock.DateLayout, opts.Today)
	if err != nil {
		return sum, apperr.New(apperr.Invalid, "date.malformed",
			"日期「%s」格式错误：应为 YYYY-MM-DD", "date %q is malformed: want YYYY-MM-DD", opts.Today).WithField("today")
	}
	data, err := readData()
	if err != nil {
		return sum, err
	}
	areas, err := parentsFirst(data.areas)
	if err != nil {
		return sum, err
	}
	cats, items, err := catalog.Defaults()
	if err != nil {
		return sum, err
	}
	err = s.InTx(ctx, func(tx *store.Store) error {
		sum = Summary{}
		existing, err := tx.Depots(ctx, store.DepotFilter{})
		if err != nil {
			return err
		}
		if len(existing) > 0 {
			return apperr.New(apperr.Conflict, "demo.not_empty",
				"数据库中已有 %d 个储备库：演示数据只能载入空数据库",
				"the database already has %d depots: demo data loads into an empty database only", len(existing))
		}
		if _, err := tx.InstallCatalogue(ctx, cats, items); err != nil {
			return err
		}
		if err := create(ctx, tx, areas, data, &sum); err != nil {
			return err
		}
		if err := createReserves(ctx, tx, data.reserves, today, &sum); err != nil {
			return err
		}
		if _, err := tx.SaveReadinessConfig(ctx, ReadinessConfig(), Actor); err != nil {
			return err
		}
		catalogue, err := tx.Items(ctx, store.ItemFilter{})
		if err != nil {
			return err
		}
		byCode := make(map[string]catalog.Item, len(catalogue))
		for _, it := range catalogue {
			byCode[it.Code] = it
		}
		plans, err := plan(opts.Seed, today, data.depots, areas, byCode)
		if err != nil {
			return err
		}
		if err := post(ctx, tx, plans, opts.Progress, &sum); err != nil {
			return err
		}
		return createCare(ctx, tx, plans, today)
	})
	if err != nil {
		return Summary{}, err
	}
	return sum, nil
}

// create adds the areas (parents first), organisations and depots.
func create(ctx context.Context, tx *store.Store, areas []areaRow, data dataSet, sum *Summary) error {
	for _, a := range areas {
		if _, err := tx.CreateArea(ctx, a.Area); err != nil {
			return fmt.Errorf("demo data: %s line %d (area %s): %w", areasFile, a.line, a.Code, err)
		}
		sum.Areas++
	}
	for _, o := range data.orgs {
		if _, err := tx.CreateOrg(ctx, o.Org); err != nil {
			return fmt.Errorf("demo data: %s line %d (organisation %s): %w", orgsFile, o.line, o.Code, err)
		}
		sum.Orgs++
	}
	for _, d := range data.depots {
		if _, err := tx.CreateDepot(ctx, d.Depot); err != nil {
			return fmt.Errorf("demo data: %s line %d (depot %s): %w", depotsFile, d.line, d.Code, err)
		}
		sum.Depots++
	}
	return nil
}

// post receives each depot's opening stock as one posting.
func post(ctx context.Context, tx *store.Store, plans []depotPlan, progress func(done, total int), sum *Summary) error {
	held := map[string]bool{}
	for i, dp := range plans {
		p := stock.Posting{IdempotencyKey: "demo-" + dp.depot.Code, Actor: Actor, Reason: Reason}
		for _, ip := range dp.items {
			held[ip.item.Code] = true
			for _, l := range ip.lots {
				p.Lines = append(p.Lines, stock.Line{Kind: stock.KindReceive, Depot: dp.depot.Code, Item: ip.item.Code,
					Quantity: l.qty, NewLot: &stock.LotSpec{Batch: l.batch, ProducedOn: l.produced}})
				sum.Units += l.qty
			}
		}
		if len(p.Lines) == 0 {
			return fmt.Errorf("demo: depot %s: nothing to stock", dp.depot.Code)
		}
		res, err := tx.Post(ctx, p)
		if err != nil {
			return fmt.Errorf("demo: opening stock of depot %s: %w", dp.depot.Code, err)
		}
		sum.Lots += len(p.Lines)
		sum.Entries += len(res.Entries)
		if progress != nil {
			progress(i+1, len(plans))
		}
	}
	sum.Items = len(held)
	return nil
}

// ReadinessConfig is Beijing's readiness settings: the shipped defaults,
// with the standing life-support scenario at the reserve plan's own figure
// of 280,000 people (约28万人, 1.2% of the residents it planned for; 1.2% of
// the 2020 census would be 262,717).
func ReadinessConfig() readiness.Config {
	c := readiness.DefaultConfig()
	c.City = "110000"
	c.LifeSupport.People = 280000
	c.LifeSupport.Source = "北京市“十四五”应急物资储备规划： 满足全市1.2%常住人口，约28万人的应急生活保障需求； 7 days assumed"
	return c
}
