package routing

import (
	"context"
	"encoding/csv"
	"errors"
	"math"
	"os"
	"strconv"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/stockpile-dev/stockpile/internal/geo"
)

// square is a closed ring around (lon, lat) with half-side h degrees.
func square(lon, lat, h float64) orb.Ring {
	return orb.Ring{{lon - h, lat - h}, {lon + h, lat - h}, {lon + h, lat + h}, {lon - h, lat + h}, {lon - h, lat - h}}
}

// TestAreaTerrainLevels checks the descent on a hand-made tree:
//
//	C  city, no outline, no terrain, seat (116.0, 40.0)
//	├─ A district, mixed, outline: square ±0.2° around (116.0, 40.0) with a
//	│  hole ±0.02° around (116.1, 40.1); seat (116.0, 40.0)
//	│  ├─ A1 street, mountain, no outline, seat (115.85, 40.0)
//	│  └─ A2 street, terrain empty, no outline, seat (116.15, 40.0)
//	└─ B district, plain, no outline, seat (116.6, 40.0)
func TestAreaTerrainLevels(t *testing.T) {
	outline := orb.Polygon{square(116.0, 40.0, 0.2), square(116.1, 40.1, 0.02)}
	at, err := NewAreaTerrain([]TerrainArea{
		{Code: "C", Seat: geo.Point{Lon: 116.0, Lat: 40.0}},
		{Code: "A", Parent: "C", Terrain: Mixed, HasTerrain: true, Seat: geo.Point{Lon: 116.0, Lat: 40.0}, Boundary: outline},
		{Code: "A1", Parent: "A", Terrain: Mountain, HasTerrain: true, Seat: geo.Point{Lon: 115.85, Lat: 40.0}},
		{Code: "A2", Parent: "A", Seat: geo.Point{Lon: 116.15, Lat: 40.0}},
		{Code: "B", Parent: "C", Terrain: Plain, HasTerrain: true, Seat: geo.Point{Lon: 116.6, Lat: 40.0}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name    string
		p       geo.Point
		code    string
		terrain Terrain
	}{
		// 0.03° from A1's seat, 0.12° from A's: A1.
		{"west of A, near A1", geo.Point{Lon: 115.88, Lat: 40.0}, "A1", Mountain},
		// 0.01° from A's seat, 0.06° from A1 and A2 (≈ 5 km): A itself.
		{"A's seat town", geo.Point{Lon: 116.0, Lat: 40.01}, "A", Mixed},
		// A2 has no terrain of its own: A's.
		{"near A2", geo.Point{Lon: 116.16, Lat: 40.0}, "A2", Mixed},
		// Inside A's outline but nearer B's seat (0.42°) than any other
		// seat? No: 0.19° east of A's seat, 0.41° west of B's. The outline
		// decides, not the seat: A, then A2's seat (0.04°) is nearest.
		{"east edge of A", geo.Point{Lon: 116.19, Lat: 40.0}, "A2", Mixed},
		// Outside A's outline: C's children without outline (B) compete with
		// C's own seat: 0.1° from B, 0.5° from C.
		{"near B", geo.Point{Lon: 116.5, Lat: 40.0}, "B", Plain},
		// In the hole of A's outline, nearer C's seat (0.14°) than B's
		// (0.51°): C, which has no terrain, nor any ancestor; the nearest
		// seat with a terrain is A's (0.14°, A2 is 0.11°: A2 has none; A1
		// is 0.27°, B 0.51°).
		{"hole in A", geo.Point{Lon: 116.1, Lat: 40.1}, "C", Mixed},
		// Far north: nearer C's seat than B's; nearest seat with terrain is
		// A1 (115.85, 40.0) at 1.0° vs A's 1.0° lat and 0.15° lon: A1.
		{"north, outside", geo.Point{Lon: 115.85, Lat: 41.0}, "C", Mountain},
	} {
		if got := at.Locate(c.p); got != c.code {
			t.Errorf("%s: Locate = %q, want %q", c.name, got, c.code)
		}
		if got := at.Classify(c.p); got != c.terrain {
			t.Errorf("%s: Classify = %v, want %v", c.name, got, c.terrain)
		}
	}
}

func TestAreaTerrainEmptyAndErrors(t *testing.T) {
	at, err := NewAreaTerrain(nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := at.Classify(tiananmen); got != Mixed || at.Locate(tiananmen) != "" {
		t.Errorf("no areas: %v in %q, want mixed in none", got, at.Locate(tiananmen))
	}
	for name, areas := range map[string][]TerrainArea{
		"duplicate":      {{Code: "A"}, {Code: "A"}},
		"orphan":         {{Code: "A", Parent: "X"}},
		"child first":    {{Code: "B", Parent: "A"}, {Code: "A"}},
		"line as border": {{Code: "A", Boundary: orb.LineString{{116, 40}, {117, 40}}}},
	} {
		if _, err := NewAreaTerrain(areas); err == nil {
			t.Errorf("%s: NewAreaTerrain succeeded", name)
		}
	}
}

// demoTerrain builds an AreaTerrain from the demo's areas and district
// outlines, as the store does after loading the demo.
func demoTerrain(t *testing.T) *AreaTerrain {
	t.Helper()
	f, err := os.Open("../demo/data/areas.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("../demo/data/district-boundaries.geojson")
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(raw)
	if err != nil {
		t.Fatal(err)
	}
	outline := map[string]orb.Geometry{}
	for _, ft := range fc.Features {
		outline[ft.Properties.MustString("code")] = ft.Geometry
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	var areas []TerrainArea
	for _, r := range rows[1:] {
		a := TerrainArea{Code: r[col["code"]], Parent: r[col["parent_code"]], Boundary: outline[r[col["code"]]]}
		a.Seat.Lat, _ = strconv.ParseFloat(r[col["lat"]], 64)
		a.Seat.Lon, _ = strconv.ParseFloat(r[col["lon"]], 64)
		if tr, err := ParseTerrain(r[col["terrain"]]); err == nil {
			a.Terrain, a.HasTerrain = tr, true
		}
		areas = append(areas, a)
	}
	at, err := NewAreaTerrain(areas)
	if err != nil {
		t.Fatal(err)
	}
	if len(outline) != 16 {
		t.Fatalf("%d outlines, want 16", len(outline))
	}
	return at
}

var (
	// The 河北镇 resettlement site of testdata/incident-fangshan-flood.json,
	// in Fangshan's western mountains.
	hebeiSite = geo.Point{Lon: 115.9420, Lat: 39.7770}
	// 房山区综合应急物资储备库 (D-110111-01), by 良乡.
	fangshanDepot = geo.Point{Lon: 116.1553, Lat: 39.7181}
	// 涿州市 (Hebei) city centre, outside Beijing.
	zhuozhou = geo.Point{Lon: 115.9740, Lat: 39.4854}
)

func TestAreaTerrainDemo(t *testing.T) {
	at := demoTerrain(t)
	for _, c := range []struct {
		name    string
		p       geo.Point
		code    string
		terrain Terrain
	}{
		// In 房山's outline; of 房山 and its streets and their villages
		// (no outlines), 河北村's seat is nearest (0.5 km).
		{"河北镇 site", hebeiSite, "110111107211", Mountain},
		{"房山区 depot by 良乡", fangshanDepot, "110111008", Plain},
		{"Tiananmen", tiananmen, "110101", Urban},
		// 中关村: in 海淀's outline; 海淀's seat (3 km) is nearer than its
		// listed streets 香山 and 苏家坨 (mixed): urban, not mixed.
		{"中关村", geo.Point{Lon: 116.3105, Lat: 39.9830}, "110108", Urban},
		{"Lingshan", lingshan, "110109106209", Mountain},
		// A district's seat is its own nearest seat: the district's terrain.
		{"Yanqing seat", yanqingSeat, "110119", Mountain},
	} {
		if got := at.Locate(c.p); got != c.code {
			t.Errorf("%s: Locate = %q, want %q", c.name, got, c.code)
		}
		if got := at.Classify(c.p); got != c.terrain {
			t.Errorf("%s: Classify = %v, want %v", c.name, got, c.terrain)
		}
	}
	// 涿州 lies in no district outline.
	if code := at.Locate(zhuozhou); len(code) == 6 && code != "110000" {
		t.Errorf("涿州 placed in district %s", code)
	}
}

type fixedSource struct {
	c   Classifier
	err error
}

func (f fixedSource) TerrainClassifier(context.Context) (Classifier, error) { return f.c, f.err }

// TestHebeiTownTravelTime: from the Fangshan district depot to the 河北镇
// site, 19.3764 km in a straight line (haversine).
//
//	without terrain data, both ends "mixed" (as the Beijing table once built
//	into the program also had them: both nearest Fangshan's seat):
//	  1.4 × 19.3764 = 27.127 km road, all local, / 40 km/h = 0.67817 h
//	  0.67817 h × 1.25 × 3600 + 1200 = 4,251.8 s → 4,252 s (1 h 11 min)
//	with the demo's areas, the site in 河北镇 (mountain), the depot in 良乡 (plain):
//	  mountain: 1.5 × 19.3764 = 29.065 km, / 30 km/h = 0.96882 h  ← longer
//	  plain:    1.3 × 19.3764 = 25.189 km, / 45 km/h = 0.55976 h
//	  0.96882 h × 1.25 × 3600 + 1200 = 5,559.7 s → 5,560 s (1 h 33 min)
//
// The estimate without terrain is 23.5 % shorter; the one from the area
// data 30.8 % longer.
func TestHebeiTownTravelTime(t *testing.T) {
	ctx := context.Background()
	before, err := NewGreatCircle(DefaultProfile(), nil)
	if err != nil {
		t.Fatal(err)
	}
	after := before.WithTerrainSource(fixedSource{c: demoTerrain(t).Classifier()})
	for _, c := range []struct {
		name    string
		g       *GreatCircle
		seconds int32
		terrain Terrain
	}{{"no terrain data", before, 4252, Mixed}, {"area data", after, 5560, Mountain}} {
		m, err := c.g.Matrix(ctx, []geo.Point{fangshanDepot}, []geo.Point{hebeiSite})
		if err != nil {
			t.Fatal(err)
		}
		if got := m.At(0, 0); got != c.seconds {
			t.Errorf("%s: %d s, want %d", c.name, got, c.seconds)
		}
		e, err := c.g.EstimateContext(ctx, fangshanDepot, hebeiSite)
		if err != nil {
			t.Fatal(err)
		}
		if e.Terrain != c.terrain || math.Abs(e.StraightKm-19.3764) > 0.0005 {
			t.Errorf("%s: %+v, want %v over 19.3764 km", c.name, e, c.terrain)
		}
	}
	// A failing source fails the matrix rather than falling back silently.
	broken := before.WithTerrainSource(fixedSource{err: errors.New("database down")})
	if _, err := broken.Matrix(ctx, []geo.Point{fangshanDepot}, []geo.Point{hebeiSite}); err == nil {
		t.Error("Matrix with a failing terrain source succeeded")
	}
}
