package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"time"

	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/demo"
	"github.com/stockpile-dev/stockpile/internal/depot"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/org"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// size is what the generator makes.
type size struct {
	cities, districts, streets int // districts per city, streets per district
	depots, lots, entries      int
	seed                       uint64
}

// world names what was made, for the reads.
type world struct {
	cities    []string            // city area codes
	districts map[string][]string // city → its district codes
	depotsOf  map[string][]string // district → the depots in it, street depots included
	depots    []string
}

// generate fills an empty, migrated store: the area tree, a bureau per
// city and district, the depots, the catalogue and the lots, through the
// store's own calls, receipts in postings of stock.MaxLines lines.
func generate(ctx context.Context, s *store.Store, z size) (world, error) {
	rng := rand.New(rand.NewPCG(z.seed, 14))
	cats, items, err := catalog.Defaults()
	if err != nil {
		return world{}, err
	}
	if _, err := s.InstallCatalogue(ctx, cats, items); err != nil {
		return world{}, err
	}
	// The demo's care schedules, so the care due list has work to do; no
	// round is recorded, so every item under one is due at every depot.
	for _, c := range demo.CareSchedules {
		c.CreatedBy = "bench"
		if _, err := s.CreateCareSchedule(ctx, c); err != nil {
			return world{}, err
		}
	}
	w, err := areas(ctx, s, z, rng)
	if err != nil {
		return w, err
	}
	if err := depots(ctx, s, z, rng, &w); err != nil {
		return w, err
	}
	lots, err := receive(ctx, s, z, rng, w, items)
	if err != nil {
		return w, err
	}
	return w, churn(ctx, s, z, rng, lots)
}

// areas makes the cities (the roots: the schema's levels stop at city, so
// the province is the whole database), their districts and streets, with
// a bureau for each city and district.
func areas(ctx context.Context, s *store.Store, z size, rng *rand.Rand) (world, error) {
	w := world{districts: map[string][]string{}, depotsOf: map[string][]string{}}
	for c := range z.cities {
		city := fmt.Sprintf("44%02d00", c+1)
		lon, lat := 110+rng.Float64()*6, 21+rng.Float64()*4
		if err := place(ctx, s, area.Area{Code: city, Level: area.LevelCity, NameZH: fmt.Sprintf("第%d市", c+1),
			NameEN: fmt.Sprintf("City %d", c+1), Population: 8_000_000, Point: geo.Point{Lon: lon, Lat: lat}}); err != nil {
			return w, err
		}
		w.cities = append(w.cities, city)
		for d := range z.districts {
			dist := fmt.Sprintf("%s%02d", city[:4], d+1)
			if err := place(ctx, s, area.Area{Code: dist, ParentCode: city, Level: area.LevelDistrict,
				NameZH: fmt.Sprintf("第%d市第%d区", c+1, d+1), NameEN: fmt.Sprintf("District %d-%d", c+1, d+1),
				Population: 900_000, Point: geo.Point{Lon: lon + rng.Float64()*0.5, Lat: lat + rng.Float64()*0.5}}); err != nil {
				return w, err
			}
			w.districts[city] = append(w.districts[city], dist)
			for st := range z.streets {
				if err := place(ctx, s, area.Area{Code: fmt.Sprintf("%s%03d", dist, st+1), ParentCode: dist,
					Level: area.LevelStreet, NameZH: fmt.Sprintf("第%d街道", st+1), NameEN: fmt.Sprintf("Street %d", st+1),
					Population: 90_000, Point: geo.Point{Lon: lon, Lat: lat}}); err != nil {
					return w, err
				}
			}
		}
	}
	return w, nil
}

// place creates an area, and a bureau for a city or district.
func place(ctx context.Context, s *store.Store, a area.Area) error {
	if _, err := s.CreateArea(ctx, a); err != nil {
		return err
	}
	if a.Level == area.LevelStreet {
		return nil
	}
	_, err := s.CreateOrg(ctx, org.Org{Code: "EMB-" + a.Code, NameZH: a.NameZH + "应急管理局",
		NameEN: a.NameEN + " emergency bureau", Kind: org.KindBureau, AreaCode: a.Code})
	return err
}

// depots spreads the depots: two per city, four per district, the rest
// over the streets, each held by its city's or district's bureau.
func depots(ctx context.Context, s *store.Store, z size, rng *rand.Rand, w *world) error {
	type slot struct{ area, bureau, district string }
	var slots []slot
	for _, c := range w.cities {
		slots = append(slots, slot{c, c, ""}, slot{c, c, ""})
	}
	for _, c := range w.cities {
		for _, d := range w.districts[c] {
			for range 4 {
				slots = append(slots, slot{d, d, d})
			}
		}
	}
	for i := 0; len(slots) < z.depots; i++ {
		c := w.cities[i%len(w.cities)]
		d := w.districts[c][(i/len(w.cities))%z.districts]
		slots = append(slots, slot{fmt.Sprintf("%s%03d", d, rng.IntN(z.streets)+1), d, d})
	}
	for i, sl := range slots[:z.depots] {
		tier := area.LevelStreet
		switch {
		case sl.district == "":
			tier = area.LevelCity
		case sl.area == sl.district:
			tier = area.LevelDistrict
		}
		code := fmt.Sprintf("D%05d", i+1)
		_, err := s.CreateDepot(ctx, depot.Depot{Code: code, NameZH: fmt.Sprintf("储备库%d", i+1), Tier: tier,
			Kind: depot.KindComprehensive, OrgCode: "EMB-" + sl.bureau, AreaCode: sl.area,
			Point: geo.Point{Lon: 110 + rng.Float64()*6, Lat: 21 + rng.Float64()*4}, CapacityM3: 2000 + float64(rng.IntN(20000))})
		if err != nil {
			return err
		}
		w.depots = append(w.depots, code)
		if sl.district != "" {
			w.depotsOf[sl.district] = append(w.depotsOf[sl.district], code)
		}
	}
	return nil
}

// receive posts the lots: each depot holds a random fifth of the
// catalogue, several lots of each; 97 % good, 2 % pending, 1 % damaged; expiry
// up to six years ahead of the generator's clock (a year back), so that
// about 2 % have expired when read.
func receive(ctx context.Context, s *store.Store, z size, rng *rand.Rand, w world, items []catalog.Item) ([]stock.Entry, error) {
	start := time.Now()
	var held []stock.Entry
	done := 0
	lines := make([]stock.Line, 0, stock.MaxLines)
	flush := func() error {
		if len(lines) == 0 {
			return nil
		}
		res, err := s.Post(ctx, stock.Posting{Actor: "system:bench", Reason: "省级数据集入库", Lines: lines})
		if err != nil {
			return err
		}
		for i, e := range res.Entries {
			if i%10 == 0 && lines[i].NewLot.Quality == "" {
				held = append(held, e) // good lots to issue from and reserve later
			}
		}
		lines = lines[:0]
		done += len(res.Entries)
		fmt.Fprintf(os.Stderr, "\rlots %d / %d (%.0f/s)   ", done, z.lots, float64(done)/time.Since(start).Seconds())
		return nil
	}
	perDepot := z.lots / len(w.depots)
	for i, d := range w.depots {
		n := perDepot
		if i < z.lots%len(w.depots) {
			n++
		}
		held := make([]catalog.Item, 0, len(items)/5+1)
		for _, k := range rng.Perm(len(items))[:len(items)/5+1] {
			held = append(held, items[k])
		}
		for j := range n {
			it := held[rng.IntN(len(held))]
			lines = append(lines, receipt(d, it, j, s.Today(), rng))
			if len(lines) == stock.MaxLines {
				if err := flush(); err != nil {
					return nil, err
				}
			}
		}
	}
	err := flush()
	fmt.Fprintln(os.Stderr)
	return held, err
}

// receipt is one lot received.
func receipt(depotCode string, it catalog.Item, n int, today string, rng *rand.Rand) stock.Line {
	spec := &stock.LotSpec{Batch: fmt.Sprintf("%s-%d", depotCode, n)}
	if it.ShelfLifeDays > 0 {
		spec.ExpiresOn = stock.AddDays(today, 330+rng.IntN(1870))
	}
	switch q := rng.IntN(100); {
	case q < 2:
		spec.Quality = stock.QualityPending
	case q < 3:
		spec.Quality = stock.QualityDamaged
	}
	return stock.Line{Kind: stock.KindReceive, Depot: depotCode, Item: it.Code, Quantity: stock.Units(int64(10 + rng.IntN(500))),
		NewLot: spec}
}

// churn reserves one unit of a tenth of the lots kept aside and, to reach
// z.entries ledger entries, issues one unit at a time from them, never
// the last unit of a lot.
func churn(ctx context.Context, s *store.Store, z size, rng *rand.Rand, lots []stock.Entry) error {
	left := make([]int64, len(lots))
	var lines []stock.Line
	for i, e := range lots {
		left[i] = int64(e.Delta/stock.Units(1)) - 1
		if rng.IntN(10) == 0 {
			lines = append(lines, stock.Line{Kind: stock.KindReserve, Depot: e.DepotCode, Item: e.ItemCode, Lot: e.LotCode,
				Quantity: stock.Units(1)})
		}
	}
	if err := post(ctx, s, "方案预留", lines); err != nil {
		return err
	}
	posted, start := z.lots+len(lines), time.Now()
	for posted < z.entries {
		lines = lines[:0]
		for tries := 0; len(lines) < stock.MaxLines && posted+len(lines) < z.entries && tries < 10*stock.MaxLines; tries++ {
			i := rng.IntN(len(lots))
			if left[i] <= 1 {
				continue
			}
			left[i]--
			e := lots[i]
			lines = append(lines, stock.Line{Kind: stock.KindIssue, Depot: e.DepotCode, Item: e.ItemCode, Lot: e.LotCode,
				Quantity: stock.Units(1)})
		}
		if len(lines) == 0 {
			return fmt.Errorf("the lots kept aside ran out after %d entries", posted)
		}
		if err := post(ctx, s, "省级数据集出库", lines); err != nil {
			return err
		}
		posted += len(lines)
		fmt.Fprintf(os.Stderr, "\rentries %d / %d (%.0f/s)   ", posted, z.entries, float64(posted-z.lots)/time.Since(start).Seconds())
	}
	return nil
}

// post posts lines, if any, in one posting.
func post(ctx context.Context, s *store.Store, reason string, lines []stock.Line) error {
	if len(lines) == 0 {
		return nil
	}
	_, err := s.Post(ctx, stock.Posting{Actor: "system:bench", Reason: reason, Lines: lines})
	return err
}
