package geo

import "math"

// GCJ-02 ("国测局坐标", Mars coordinates) is the datum that the law of the People's
// Republic of China requires of published maps: it is WGS-84 shifted by a
// deliberately non-linear, undocumented-but-well-known offset of a few hundred
// metres (about 530 m east and 155 m north in central Beijing). Chinese web maps
// and their APIs — AMap/Gaode, Tencent, and (after a further BD-09 shift) Baidu —
// draw their tiles and return their geocodes in GCJ-02, so a WGS-84 point put on
// such a map unconverted lands visibly off its street.
//
// This project stores every coordinate as WGS-84 (see Point) and converts only at
// the edges: WGS84ToGCJ02 when a point is sent to a GCJ-02 map or API, and
// GCJ02ToWGS84 when GCJ-02 data (AMap-derived boundaries, AMap geocodes) comes in.
// Tianditu (CGCS2000) and OpenStreetMap tiles take WGS-84 directly.
//
// The forward formula below is the standard published one (as in eviltransform
// and coordtransform, on the Krasovsky 1940 ellipsoid). Maps of other countries
// are not shifted, so the algorithm leaves points outside a rough bounding box
// of China (InChina) unchanged, and so do both conversions here.

const (
	// Semi-major axis and first eccentricity squared of the Krasovsky 1940
	// ellipsoid, the constants of the published GCJ-02 formula.
	gcjA  = 6378245.0
	gcjEE = 0.00669342162296594323

	// gcjInverseTol is the residual, in degrees, at which GCJ02ToWGS84 stops
	// iterating (about 0.1 mm on the ground).
	gcjInverseTol = 1e-9
	// gcjInverseMaxIter bounds the fixed-point iteration; it converges in 3–5
	// steps inside China because the offset varies slowly with position.
	gcjInverseMaxIter = 30
)

// InChina reports whether p lies in the rough bounding box of China used by the
// standard GCJ-02 algorithm (longitude 72.004–137.8347°E, latitude
// 0.8293–55.8271°N). The box also covers neighbouring countries; it is only the
// algorithm's cut-off, not a border test.
func InChina(p Point) bool {
	return p.Lon >= 72.004 && p.Lon <= 137.8347 && p.Lat >= 0.8293 && p.Lat <= 55.8271
}

// WGS84ToGCJ02 converts a WGS-84 point to GCJ-02, for display on Chinese web maps
// (AMap, Tencent). Points outside InChina are returned unchanged.
func WGS84ToGCJ02(p Point) Point {
	if !InChina(p) {
		return p
	}
	dLon, dLat := gcjOffset(p)
	return Point{Lon: p.Lon + dLon, Lat: p.Lat + dLat}
}

// GCJ02ToWGS84 converts a GCJ-02 point (e.g. from AMap data) back to WGS-84. The
// forward transform has no closed-form inverse, so it is inverted by fixed-point
// iteration, w ← w + (g − WGS84ToGCJ02(w)), until the forward transform of the
// result matches p to better than 1e-9° (required: 1e-7°). Points outside InChina
// are returned unchanged.
func GCJ02ToWGS84(p Point) Point {
	if !InChina(p) {
		return p
	}
	w := p
	for i := 0; i < gcjInverseMaxIter; i++ {
		dLon, dLat := gcjOffset(w)
		rLon := p.Lon - (w.Lon + dLon)
		rLat := p.Lat - (w.Lat + dLat)
		if math.Abs(rLon) < gcjInverseTol && math.Abs(rLat) < gcjInverseTol {
			break
		}
		w.Lon += rLon
		w.Lat += rLat
	}
	return w
}

// gcjOffset returns the GCJ-02 minus WGS-84 offset, in degrees of longitude and
// latitude, at the WGS-84 point p (the standard formula, without the InChina cut).
func gcjOffset(p Point) (dLon, dLat float64) {
	x, y := p.Lon-105.0, p.Lat-35.0
	dLat = gcjTransformLat(x, y)
	dLon = gcjTransformLon(x, y)
	radLat := p.Lat / 180.0 * math.Pi
	magic := math.Sin(radLat)
	magic = 1 - gcjEE*magic*magic
	sqrtMagic := math.Sqrt(magic)
	dLat = (dLat * 180.0) / ((gcjA * (1 - gcjEE)) / (magic * sqrtMagic) * math.Pi)
	dLon = (dLon * 180.0) / (gcjA / sqrtMagic * math.Cos(radLat) * math.Pi)
	return dLon, dLat
}

// gcjTransformLat is the latitude polynomial-plus-sines of the published formula,
// in metres-like units on the Krasovsky ellipsoid; x, y are lon−105, lat−35.
func gcjTransformLat(x, y float64) float64 {
	ret := -100.0 + 2.0*x + 3.0*y + 0.2*y*y + 0.1*x*y + 0.2*math.Sqrt(math.Abs(x))
	ret += (20.0*math.Sin(6.0*x*math.Pi) + 20.0*math.Sin(2.0*x*math.Pi)) * 2.0 / 3.0
	ret += (20.0*math.Sin(y*math.Pi) + 40.0*math.Sin(y/3.0*math.Pi)) * 2.0 / 3.0
	ret += (160.0*math.Sin(y/12.0*math.Pi) + 320*math.Sin(y*math.Pi/30.0)) * 2.0 / 3.0
	return ret
}

// gcjTransformLon is the longitude counterpart of gcjTransformLat.
func gcjTransformLon(x, y float64) float64 {
	ret := 300.0 + x + 2.0*y + 0.1*x*x + 0.1*x*y + 0.1*math.Sqrt(math.Abs(x))
	ret += (20.0*math.Sin(6.0*x*math.Pi) + 20.0*math.Sin(2.0*x*math.Pi)) * 2.0 / 3.0
	ret += (20.0*math.Sin(x*math.Pi) + 40.0*math.Sin(x/3.0*math.Pi)) * 2.0 / 3.0
	ret += (150.0*math.Sin(x/12.0*math.Pi) + 300.0*math.Sin(x/30.0*math.Pi)) * 2.0 / 3.0
	return ret
}
