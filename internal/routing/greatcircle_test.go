package routing

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stockpile-dev/stockpile/internal/geo"
)

var (
	tiananmen    = geo.Point{Lon: 116.3913, Lat: 39.9054}
	yanqingSeat  = geo.Point{Lon: 115.9789, Lat: 40.4641}
	chaoyangSeat = geo.Point{Lon: 116.4803, Lat: 39.9202}
	tongzhouSeat = geo.Point{Lon: 116.6527, Lat: 39.9014}
	pingguSeat   = geo.Point{Lon: 117.1058, Lat: 40.1434}
	// Lingshan (灵山), Beijing's highest peak, in western Mentougou.
	lingshan = geo.Point{Lon: 115.4869, Lat: 40.0358}
)

// TestDemoDistrictTerrain: the demo's areas give each district seat its
// district's terrain, and a point far from its district's seat the terrain
// of the area it lies in.
func TestDemoDistrictTerrain(t *testing.T) {
	classify := demoTerrain(t).Classifier()
	for _, c := range []struct {
		name string
		p    geo.Point
		want Terrain
	}{
		{"Tiananmen", tiananmen, Urban},
		{"Chaoyang seat", chaoyangSeat, Urban},
		{"Tongzhou seat", tongzhouSeat, Plain},
		{"Pinggu seat", pingguSeat, Mixed},
		{"Yanqing seat", yanqingSeat, Mountain},
		{"Lingshan", lingshan, Mountain},
		// Northern Huairou, 35 km from its seat: in Huairou's outline,
		// nearest the seat of its township 汤河口镇 (mountain).
		{"Labagoumen", geo.Point{Lon: 116.62, Lat: 40.85}, Mountain},
	} {
		if got := classify(c.p); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// TestNoTerrainIsMixed: without a classifier or a terrain source every
// point is mixed, as with a database whose areas carry no terrain.
//
//	Tiananmen to the Yanqing seat, 71.32 km straight, both ends mixed:
//	1.4 × 71.32 = 99.85 km; 30/40 + 69.85/70 = 1.74786 h
//	1.74786 h × 1.25 × 3600 + 1200 = 9,065.4 s → 9,065 s (2 h 31 min)
func TestNoTerrainIsMixed(t *testing.T) {
	g, err := NewGreatCircle(DefaultProfile(), nil)
	if err != nil {
		t.Fatal(err)
	}
	e := g.Estimate(tiananmen, yanqingSeat)
	if e.Terrain != Mixed || math.Abs(e.RoadKm-99.85) > 0.01 {
		t.Errorf("estimate %+v, want mixed over 99.85 road km", e)
	}
	m, err := g.Matrix(context.Background(), []geo.Point{tiananmen}, []geo.Point{yanqingSeat})
	if err != nil {
		t.Fatal(err)
	}
	if s := m.At(0, 0); s != 9065 {
		t.Errorf("Tiananmen→Yanqing with no terrain data %d s, want 9,065", s)
	}
	empty, err := NewAreaTerrain(nil)
	if err != nil {
		t.Fatal(err)
	}
	if e2, _ := g.WithTerrainSource(fixedSource{c: empty.Classifier()}).EstimateContext(context.Background(), tiananmen, yanqingSeat); e2 != e {
		t.Errorf("a source without areas: %+v, want %+v", e2, e)
	}
}

// TestTiananmenYanqing checks one estimate computed by hand, with the demo's
// areas: Tiananmen in 东城 (urban), the Yanqing seat in 延庆 (mountain).
//
//	straight line: 71.32 km (haversine, mean Earth radius)
//	urban end:     1.3 × 71.32 = 92.72 km;  30/25 + 62.72/70 = 2.0960 h
//	mountain end:  1.5 × 71.32 = 106.98 km; 30/30 + 76.98/70 = 2.0997 h  ← longer
//	total:         2.0997 h × 1.25 × 3600 + 20 × 60 = 10,649 s (2 h 57 min)
func TestTiananmenYanqing(t *testing.T) {
	g, err := NewGreatCircle(DefaultProfile(), demoTerrain(t).Classifier())
	if err != nil {
		t.Fatal(err)
	}
	e := g.Estimate(tiananmen, yanqingSeat)
	if math.Abs(e.StraightKm-71.32) > 0.01 || e.Terrain != Mountain || math.Abs(e.RoadKm-106.98) > 0.02 {
		t.Errorf("estimate %+v, want 71.32 km straight, mountain, 106.98 km by road", e)
	}
	wantDrive := (30.0/30 + (1.5*71.3216-30)/70) * float64(time.Hour)
	if d := math.Abs(float64(e.Drive) - wantDrive); d > float64(time.Second) {
		t.Errorf("drive %v, want %v", e.Drive, time.Duration(wantDrive))
	}
	m, err := g.Matrix(context.Background(), []geo.Point{tiananmen}, []geo.Point{yanqingSeat})
	if err != nil {
		t.Fatal(err)
	}
	if s := m.At(0, 0); s < 10647 || s > 10651 {
		t.Errorf("Tiananmen→Yanqing %d s, want 10,649", s)
	}
	if m.Meters[0] < 106960 || m.Meters[0] > 107000 {
		t.Errorf("Tiananmen→Yanqing %d m, want 106,980", m.Meters[0])
	}
}

// TestShortUrbanTrip checks a leg shorter than LongLegKm, wholly urban
// (东城 to 朝阳's seat, by the demo's areas).
//
//	straight line: 7.767 km; road 1.3 × 7.767 = 10.097 km at 25 km/h = 0.40389 h
//	total: 0.40389 × 1.25 × 3600 + 1200 = 3017.5 s
func TestShortUrbanTrip(t *testing.T) {
	g, _ := NewGreatCircle(DefaultProfile(), demoTerrain(t).Classifier())
	m, err := g.Matrix(context.Background(), []geo.Point{tiananmen}, []geo.Point{chaoyangSeat})
	if err != nil {
		t.Fatal(err)
	}
	if s := m.At(0, 0); s < 3016 || s > 3019 {
		t.Errorf("Tiananmen→Chaoyang seat %d s, want 3017", s)
	}
}

func TestGreatCircleMatrixShape(t *testing.T) {
	g, _ := NewGreatCircle(DefaultProfile(), demoTerrain(t).Classifier())
	from := []geo.Point{tiananmen, yanqingSeat, pingguSeat}
	to := []geo.Point{chaoyangSeat, tiananmen}
	m, err := g.Matrix(context.Background(), from, to)
	if err != nil {
		t.Fatal(err)
	}
	if m.Rows != 3 || m.Cols != 2 || len(m.Seconds) != 6 || len(m.Meters) != 6 {
		t.Fatalf("shape %d×%d, %d seconds, %d meters", m.Rows, m.Cols, len(m.Seconds), len(m.Meters))
	}
	// Same point: handling time only.
	if s := m.At(0, 1); s != 1200 {
		t.Errorf("Tiananmen→Tiananmen %d s, want the 1200 s handling time", s)
	}
	// Symmetric: the terrain choice does not depend on direction.
	back, _ := g.Matrix(context.Background(), to, from)
	for i := range from {
		for j := range to {
			if m.At(i, j) != back.At(j, i) {
				t.Errorf("(%d,%d) %d s but back %d s", i, j, m.At(i, j), back.At(j, i))
			}
		}
	}
}

func TestGreatCircleCustomProfile(t *testing.T) {
	p := DefaultProfile()
	p.Allowance = Allowance{}
	p.Plain = TerrainProfile{Circuity: 1, SpeedKmh: 60}
	p.LongLegKm = 1000
	flat := func(geo.Point) Terrain { return Plain }
	g, err := NewGreatCircle(p, flat)
	if err != nil {
		t.Fatal(err)
	}
	// One degree of latitude, 111.19 km at 60 km/h: 6671 s.
	m, _ := g.Matrix(context.Background(), []geo.Point{{Lon: 116, Lat: 39}}, []geo.Point{{Lon: 116, Lat: 40}})
	if s := m.At(0, 0); s < 6670 || s > 6673 {
		t.Errorf("1° at 60 km/h = %d s, want 6671", s)
	}
}

func TestProfileValidate(t *testing.T) {
	if err := DefaultProfile().Validate(); err != nil {
		t.Fatal(err)
	}
	for name, mutate := range map[string]func(*Profile){
		"circuity < 1":         func(p *Profile) { p.Urban.Circuity = 0.9 },
		"zero speed":           func(p *Profile) { p.Mountain.SpeedKmh = 0 },
		"NaN speed":            func(p *Profile) { p.Mixed.SpeedKmh = math.NaN() },
		"no expressway speed":  func(p *Profile) { p.ExpresswayKmh = 0 },
		"negative contingency": func(p *Profile) { p.Allowance.Contingency = -0.1 },
		"negative handling":    func(p *Profile) { p.Allowance.Handling = -time.Minute },
	} {
		p := DefaultProfile()
		mutate(&p)
		if _, err := NewGreatCircle(p, nil); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestGreatCircleRejectsBadInput(t *testing.T) {
	g, _ := NewGreatCircle(DefaultProfile(), nil)
	_, err := g.Matrix(context.Background(), []geo.Point{tiananmen}, []geo.Point{{Lon: 200, Lat: 40}})
	if err == nil || !strings.Contains(err.Error(), "to[0]") {
		t.Errorf("bad destination: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := g.Matrix(ctx, []geo.Point{tiananmen}, []geo.Point{tiananmen}); err == nil {
		t.Error("cancelled context: no error")
	}
}

// fixedRouter answers every pair with the same time, or Unreachable.
type fixedRouter struct{ seconds int32 }

func (f fixedRouter) Name() string { return "fixed" }

func (f fixedRouter) Matrix(_ context.Context, from, to []geo.Point) (Matrix, error) {
	m := NewMatrix(len(from), len(to), false)
	for k := range m.Seconds {
		if k%2 == 0 {
			m.Seconds[k] = f.seconds
		}
	}
	return m, nil
}

func TestWithAllowance(t *testing.T) {
	r, err := WithAllowance(fixedRouter{seconds: 1000}, Allowance{Contingency: 0.25, Handling: 20 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if r.Name() != "fixed (+25% contingency, +20m0s handling)" {
		t.Errorf("name %q", r.Name())
	}
	m, err := r.Matrix(context.Background(), make([]geo.Point, 2), make([]geo.Point, 1))
	if err != nil {
		t.Fatal(err)
	}
	if m.At(0, 0) != 1250+1200 || m.At(1, 0) != Unreachable {
		t.Errorf("seconds %v, want [2450 Unreachable]", m.Seconds)
	}
	if _, err := WithAllowance(fixedRouter{}, Allowance{Contingency: -1}); err == nil {
		t.Error("negative contingency accepted")
	}
}
