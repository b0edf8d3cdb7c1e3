package demo_test

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/demo/demotest"
	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/routing"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// TestBoundariesMatchBasemap: the demo's district outlines are the web
// basemap's, byte for byte, so the map and the routing agree.
func TestBoundariesMatchBasemap(t *testing.T) {
	a, err := os.ReadFile("data/district-boundaries.geojson")
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("../web/static/map/beijing-districts.geojson")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("data/district-boundaries.geojson differs from the web basemap: copy it again")
	}
}

// TestDemoTerrainFromAreas: with the demo loaded, terrain and own districts
// come from the areas in the database. From the Fangshan district depot
// (D-110111-01, by 良乡, plain) to the 河北镇 site of
// testdata/incident-fangshan-flood.json (河北村, mountain), 19.3764 km
// straight: mountain, 1.5 × 19.3764 km / 30 km/h = 0.96882 h,
// × 1.25 × 3600 s + 1,200 s = 5,560 s; without terrain data both ends are
// mixed (as the Beijing table once built into the program had them, in
// Fangshan): 1.4 × 19.3764 / 40 = 0.67817 h → 4,252 s.
func TestDemoTerrainFromAreas(t *testing.T) {
	t.Parallel()
	depot := geo.Point{Lon: 116.1553, Lat: 39.7181}
	hebei := geo.Point{Lon: 115.9420, Lat: 39.7770}
	zhuozhou := geo.Point{Lon: 115.9740, Lat: 39.4854}
	demotest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		fs, err := s.AreaWithBoundary(ctx, "110111")
		if err != nil || len(fs.Boundary) == 0 {
			t.Fatalf("房山区 has no outline: %v", err)
		}
		list, err := s.Areas(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range list {
			if a.Boundary != nil {
				t.Fatalf("the list carries %s's outline", a.Code)
			}
		}
		classify, err := s.TerrainClassifier(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got := classify(hebei); got != routing.Mountain {
			t.Errorf("河北镇 site: %v, want mountain", got)
		}
		g, err := routing.NewGreatCircle(routing.DefaultProfile(), nil)
		if err != nil {
			t.Fatal(err)
		}
		m, err := g.WithTerrainSource(s).Matrix(ctx, []geo.Point{depot}, []geo.Point{hebei})
		if err != nil {
			t.Fatal(err)
		}
		if got := m.At(0, 0); got != 5560 {
			t.Errorf("depot to 河北镇: %d s, want 5,560", got)
		}
		if m, err = g.Matrix(ctx, []geo.Point{depot}, []geo.Point{hebei}); err != nil {
			t.Fatal(err)
		} else if got := m.At(0, 0); got != 4252 {
			t.Errorf("depot to 河北镇 without terrain data: %d s, want 4,252", got)
		}
		districts, err := s.Inventory().Districts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got := dispatch.SiteDistrict(districts, dispatch.Site{Point: zhuozhou}); got != "" {
			t.Errorf("涿州 has own district %q, want none", got)
		}
		if got := dispatch.SiteDistrict(districts, dispatch.Site{Point: hebei}); got != "110111" {
			t.Errorf("河北镇 site in district %q, want 110111", got)
		}
	})
}
