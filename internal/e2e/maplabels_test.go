package e2e_test

import (
	"os"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
)

// TestMapDistrictLabels opens 一张图 and checks the district labels at the
// default zoom: each visible label's centre lies inside its own district
// (朝阳区 and 顺义区 not on the Capital Airport exclave, the first ring of
// their MultiPolygons), no two visible labels overlap, and all sixteen
// are shown. The district outlines are read here from the basemap file.
func TestMapDistrictLabels(t *testing.T) {
	b, err := os.ReadFile("../web/static/map/beijing-districts.geojson")
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		t.Fatal(err)
	}
	shapes := map[string]orb.Geometry{}
	for _, f := range fc.Features {
		shapes[f.Properties.MustString("code")] = f.Geometry
	}

	s := open(t, 1366, 768, "commander-city")
	s.goTo("/map", "map")
	s.shot("map-labels")

	type label struct {
		Code, Text               string
		Lon, Lat                 float64
		Left, Top, Right, Bottom float64
		Hidden                   bool
	}
	labels := eval[[]label](s, `(() => {
		const map = Stockpile.maps[0];
		const box = map.getContainer().getBoundingClientRect();
		return [...document.querySelectorAll('.district-label [data-district]')].map((span) => {
			const tip = span.closest('.leaflet-tooltip');
			const r = tip.getBoundingClientRect();
			const ll = map.containerPointToLatLng(L.point((r.left + r.right) / 2 - box.left, (r.top + r.bottom) / 2 - box.top));
			const p = Stockpile.maps.length && Stockpile.client.tiles && Stockpile.client.tiles.crs === 'gcj02'
				? Stockpile.coords.gcjToWgs(ll.lng, ll.lat) : [ll.lng, ll.lat];
			return { Code: span.dataset.district, Text: span.textContent, Lon: p[0], Lat: p[1],
				Left: r.left, Top: r.top, Right: r.right, Bottom: r.bottom, Hidden: tip.classList.contains('label-hidden') };
		});
	})()`)
	if len(labels) != len(shapes) {
		t.Fatalf("%d district labels, the basemap has %d districts", len(labels), len(shapes))
	}
	var shown []label
	for _, l := range labels {
		if l.Hidden {
			t.Errorf("%s (%s) is hidden at the default zoom", l.Text, l.Code)
			continue
		}
		shown = append(shown, l)
		g, ok := shapes[l.Code]
		if !ok {
			t.Errorf("label %s names no district of the basemap", l.Code)
			continue
		}
		pt := orb.Point{l.Lon, l.Lat}
		var in bool
		switch g := g.(type) {
		case orb.Polygon:
			in = planar.PolygonContains(g, pt)
		case orb.MultiPolygon:
			// Inside the largest polygon, not merely inside the district.
			best, area := orb.Polygon(nil), -1.0
			for _, p := range g {
				if a := planar.Area(p); a > area {
					best, area = p, a
				}
			}
			in = planar.PolygonContains(best, pt)
		}
		if !in {
			t.Errorf("%s's label centre %.4f, %.4f is outside its district's largest polygon", l.Text, l.Lon, l.Lat)
		}
	}
	for i, a := range shown {
		for _, b := range shown[i+1:] {
			if a.Left < b.Right && b.Left < a.Right && a.Top < b.Bottom && b.Top < a.Bottom {
				t.Errorf("labels %s and %s overlap", a.Text, b.Text)
			}
		}
	}
}
