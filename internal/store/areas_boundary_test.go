package store_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/routing"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
)

// TestAreaBoundaries: outlines are stored with areas, returned by Area and
// not by Areas, and classify points; a new area rebuilds the classifier.
func TestAreaBoundaries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		square := func(lon, lat float64) json.RawMessage {
			b, _ := json.Marshal(map[string]any{"type": "Polygon", "coordinates": [][][2]float64{{
				{lon - 0.1, lat - 0.1}, {lon + 0.1, lat - 0.1}, {lon + 0.1, lat + 0.1}, {lon - 0.1, lat - 0.1}}}})
			return b
		}
		for _, a := range []area.Area{
			{Code: "X0", Level: area.LevelCity, NameZH: "甲市", Point: geo.Point{Lon: 110, Lat: 30}},
			{Code: "X1", ParentCode: "X0", Level: area.LevelDistrict, NameZH: "甲区", Terrain: "plain",
				Point: geo.Point{Lon: 110, Lat: 30}, Boundary: square(110, 30)},
			{Code: "X11", ParentCode: "X1", Level: area.LevelStreet, NameZH: "山镇", Terrain: "mountain",
				Point: geo.Point{Lon: 109.95, Lat: 29.95}},
		} {
			if _, err := s.CreateArea(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
		_, err := s.CreateArea(ctx, area.Area{Code: "X2", ParentCode: "X0", Level: area.LevelDistrict, NameZH: "乙区",
			Point: geo.Point{Lon: 111, Lat: 30}, Boundary: json.RawMessage(`{"type":"Point","coordinates":[111,30]}`)})
		if !apperr.IsKind(err, apperr.Invalid) {
			t.Fatalf("a point as outline: %v", err)
		}
		a, err := s.AreaWithBoundary(ctx, "X1")
		if err != nil || len(a.Boundary) == 0 {
			t.Fatalf("X1: %+v, %v", a, err)
		}
		list, err := s.Areas(ctx, "X0")
		if err != nil || len(list) != 3 || list[1].Boundary != nil {
			t.Fatalf("list %+v, %v", list, err)
		}
		classify, err := s.TerrainClassifier(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// In X1's outline: 山镇's seat (0.7 km) beats X1's (6.4 km).
		if got := classify(geo.Point{Lon: 109.955, Lat: 29.955}); got != routing.Mountain {
			t.Errorf("near 山镇: %v", got)
		}
		if got := classify(geo.Point{Lon: 110.01, Lat: 30.0}); got != routing.Plain {
			t.Errorf("X1's seat: %v", got)
		}
		// An urban district outlined around (110.5, 30): the cache is rebuilt.
		if _, err := s.CreateArea(ctx, area.Area{Code: "X3", ParentCode: "X0", Level: area.LevelDistrict, NameZH: "丙区",
			Terrain: "urban", Point: geo.Point{Lon: 110.5, Lat: 30}, Boundary: square(110.5, 30)}); err != nil {
			t.Fatal(err)
		}
		if classify, err = s.TerrainClassifier(ctx); err != nil {
			t.Fatal(err)
		}
		if got := classify(geo.Point{Lon: 110.45, Lat: 29.95}); got != routing.Urban {
			t.Errorf("in 丙区: %v", got)
		}
		districts, err := s.Inventory().Districts(ctx)
		if err != nil || len(districts) != 2 || districts[0].Boundary == nil {
			t.Fatalf("districts %+v, %v", districts, err)
		}
	})
}
