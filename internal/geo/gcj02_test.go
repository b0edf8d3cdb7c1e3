package geo_test

import (
	"math"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/geo"
)

// tiananmen is central Beijing in WGS-84, the check point of docs/data-sources.md#coordinates.
var tiananmen = geo.Point{Lon: 116.3913, Lat: 39.9054}

func TestWGS84ToGCJ02CheckValue(t *testing.T) {
	got := geo.WGS84ToGCJ02(tiananmen)
	want := geo.Point{Lon: 116.39754, Lat: 39.90680}
	if math.Abs(got.Lon-want.Lon) > 1e-4 || math.Abs(got.Lat-want.Lat) > 1e-4 {
		t.Fatalf("WGS84ToGCJ02(%v) = %.6f,%.6f; want ≈ %.5f,%.5f", tiananmen, got.Lon, got.Lat, want.Lon, want.Lat)
	}
}

// TestWGS84ToGCJ02Reference compares with values computed by the npm package
// coordtransform@2.1.2 (an independent implementation of the same formula).
func TestWGS84ToGCJ02Reference(t *testing.T) {
	for _, c := range []struct{ in, want geo.Point }{
		{tiananmen, geo.Point{Lon: 116.3975409140, Lat: 39.9068011843}},
		{geo.Point{Lon: 115.5, Lat: 40.9}, geo.Point{Lon: 115.5064438284, Lat: 40.9015830829}},
	} {
		got := geo.WGS84ToGCJ02(c.in)
		if math.Abs(got.Lon-c.want.Lon) > 1e-9 || math.Abs(got.Lat-c.want.Lat) > 1e-9 {
			t.Errorf("WGS84ToGCJ02(%v) = %.10f,%.10f; want %.10f,%.10f", c.in, got.Lon, got.Lat, c.want.Lon, c.want.Lat)
		}
	}
}

// TestGCJ02OffsetCentralBeijing checks the size and direction of the shift: about
// 530 m east and 155 m north in central Beijing.
func TestGCJ02OffsetCentralBeijing(t *testing.T) {
	g := geo.WGS84ToGCJ02(tiananmen)
	east := geo.DistanceKm(tiananmen, geo.Point{Lon: g.Lon, Lat: tiananmen.Lat}) * 1000
	north := geo.DistanceKm(tiananmen, geo.Point{Lon: tiananmen.Lon, Lat: g.Lat}) * 1000
	if g.Lon < tiananmen.Lon || g.Lat < tiananmen.Lat {
		t.Fatalf("offset should point north-east, got %v → %v", tiananmen, g)
	}
	if math.Abs(east-530) > 15 || math.Abs(north-155) > 15 {
		t.Fatalf("offset = %.0f m east, %.0f m north; want ≈ 530 m east, 155 m north", east, north)
	}
	t.Logf("central Beijing offset: %.1f m east, %.1f m north", east, north)
}

// TestGCJ02RoundTripBeijing covers Beijing (115.4–117.5°E, 39.4–41.1°N) with a
// grid and checks both directions of the round trip.
func TestGCJ02RoundTripBeijing(t *testing.T) {
	const tol = 1e-6
	worst := 0.0
	n := 0
	for lon := 115.4; lon <= 117.5; lon += 0.05 {
		for lat := 39.4; lat <= 41.1; lat += 0.05 {
			w := geo.Point{Lon: lon, Lat: lat}
			back := geo.GCJ02ToWGS84(geo.WGS84ToGCJ02(w))
			fwd := geo.WGS84ToGCJ02(geo.GCJ02ToWGS84(w))
			for _, r := range []geo.Point{back, fwd} {
				e := math.Max(math.Abs(r.Lon-w.Lon), math.Abs(r.Lat-w.Lat))
				worst = math.Max(worst, e)
				if e >= tol {
					t.Fatalf("round trip of %v gives %.9f,%.9f (error %.2g°)", w, r.Lon, r.Lat, e)
				}
			}
			n++
		}
	}
	if n < 1000 {
		t.Fatalf("grid too small: %d points", n)
	}
	t.Logf("%d grid points, worst round-trip error %.2g°", n, worst)
}

func TestGCJ02OutsideChinaUnchanged(t *testing.T) {
	for _, p := range []geo.Point{
		{Lon: 2.3522, Lat: 48.8566},    // Paris
		{Lon: -74.006, Lat: 40.7128},   // New York
		{Lon: 151.2093, Lat: -33.8688}, // Sydney
		{Lon: 139.9, Lat: 35.7},        // east of the box (Tokyo area)
		{Lon: 100, Lat: 60},            // north of the box
	} {
		if geo.InChina(p) {
			t.Errorf("InChina(%v) = true", p)
		}
		if got := geo.WGS84ToGCJ02(p); got != p {
			t.Errorf("WGS84ToGCJ02(%v) = %v; want unchanged", p, got)
		}
		if got := geo.GCJ02ToWGS84(p); got != p {
			t.Errorf("GCJ02ToWGS84(%v) = %v; want unchanged", p, got)
		}
	}
	for _, p := range []geo.Point{tiananmen, {Lon: 121.47, Lat: 31.23}, {Lon: 87.6, Lat: 43.8}} {
		if !geo.InChina(p) {
			t.Errorf("InChina(%v) = false", p)
		}
		if geo.WGS84ToGCJ02(p) == p {
			t.Errorf("WGS84ToGCJ02(%v) left a point in China unchanged", p)
		}
	}
}
