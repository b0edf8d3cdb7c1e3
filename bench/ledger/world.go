package main

import (
	"context"
	"fmt"

	_ "modernc.org/sqlite" // for sqlite_version(); the store registers the same driver

	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/depot"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/org"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// world is what the generator posts against.
type world struct {
	depots, items []string
}

// buildWorld migrates s, installs the default catalogue and creates a city,
// its districts, one bureau and nDepots depots; it returns the depot codes
// and the first nItems item codes.
func buildWorld(ctx context.Context, s *store.Store, nDepots, nItems int) (world, error) {
	var w world
	if err := s.Migrate(ctx, nil); err != nil {
		return w, err
	}
	cats, items, err := catalog.Defaults()
	if err != nil {
		return w, err
	}
	if _, err := s.InstallCatalogue(ctx, cats, items); err != nil {
		return w, err
	}
	city := area.Area{Code: "110000", Level: area.LevelCity, NameZH: "北京市", NameEN: "Beijing",
		Point: geo.Point{Lon: 116.3913, Lat: 39.9054}}
	if _, err := s.CreateArea(ctx, city); err != nil {
		return w, err
	}
	const districts = 5
	for k := range districts {
		a := area.Area{Code: fmt.Sprintf("1101%02d", k+1), ParentCode: city.Code, Level: area.LevelDistrict,
			NameZH: fmt.Sprintf("测试区%d", k+1), Point: geo.Point{Lon: 116 + 0.1*float64(k), Lat: 39.8}}
		if _, err := s.CreateArea(ctx, a); err != nil {
			return w, err
		}
	}
	if _, err := s.CreateOrg(ctx, org.Org{Code: "BJ-EMB", NameZH: "北京市应急管理局", Kind: org.KindBureau,
		AreaCode: city.Code}); err != nil {
		return w, err
	}
	for k := range nDepots {
		d := depot.Depot{Code: fmt.Sprintf("D%03d", k+1), NameZH: fmt.Sprintf("测试储备库%d", k+1),
			Tier: area.LevelDistrict, Kind: depot.KindComprehensive, OrgCode: "BJ-EMB",
			AreaCode: fmt.Sprintf("1101%02d", k%districts+1),
			Point:    geo.Point{Lon: 116 + 0.01*float64(k), Lat: 39.7}, CapacityM3: 100000}
		if _, err := s.CreateDepot(ctx, d); err != nil {
			return w, err
		}
		w.depots = append(w.depots, d.Code)
	}
	all, err := s.Items(ctx, store.ItemFilter{})
	if err != nil {
		return w, err
	}
	if len(all) < nItems {
		return w, fmt.Errorf("the catalogue has %d items, want %d", len(all), nItems)
	}
	for _, it := range all[:nItems] {
		w.items = append(w.items, it.Code)
	}
	return w, nil
}
