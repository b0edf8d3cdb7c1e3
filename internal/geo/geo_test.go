package geo

import (
	"math"
	"testing"
)

func TestDistanceKm(t *testing.T) {
	tiananmen := Point{Lon: 116.3913, Lat: 39.9054}
	// One degree of latitude is 111.2 km on the mean-radius sphere.
	if d := DistanceKm(tiananmen, Point{Lon: 116.3913, Lat: 40.9054}); math.Abs(d-111.19) > 0.05 {
		t.Errorf("1° of latitude = %.2f km, want 111.19", d)
	}
	// Tiananmen to Yanqing's seat is about 73 km as the crow flies.
	if d := DistanceKm(tiananmen, Point{Lon: 115.9789, Lat: 40.4641}); d < 70 || d > 76 {
		t.Errorf("Tiananmen–Yanqing = %.1f km, want about 73", d)
	}
	if d := DistanceKm(tiananmen, tiananmen); d != 0 {
		t.Errorf("distance to itself = %v", d)
	}
}

func TestPointValid(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	for _, p := range []Point{{Lon: 181}, {Lat: -91}, {Lat: math.NaN()}, {Lon: nan}, {Lat: nan, Lon: nan},
		{Lat: inf}, {Lat: -inf}, {Lon: inf}, {Lon: -inf}, {Lat: 90.000001}, {Lon: -180.000001},
		{Lat: math.MaxFloat64}, {Lon: -math.MaxFloat64}} {
		if p.Valid() {
			t.Errorf("%+v valid", p)
		}
	}
	for _, p := range []Point{{Lon: 116.4, Lat: 39.9}, {Lat: 90, Lon: 180}, {Lat: -90, Lon: -180},
		{Lat: math.Copysign(0, -1), Lon: math.Copysign(0, -1)}, {Lat: 5e-324, Lon: -5e-324}} {
		if !p.Valid() {
			t.Errorf("%+v invalid", p)
		}
	}
}
