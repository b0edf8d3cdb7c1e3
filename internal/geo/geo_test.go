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
	for _, p := range []Point{{Lon: 181}, {Lat: -91}, {Lat: math.NaN()}} {
		if p.Valid() {
			t.Errorf("%+v valid", p)
		}
	}
	if !(Point{Lon: 116.4, Lat: 39.9}).Valid() {
		t.Error("Beijing invalid")
	}
}
