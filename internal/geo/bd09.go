package geo

import "math"

// BD-09 ("百度坐标") is Baidu Maps' datum: GCJ-02 shifted once more by
// Baidu's own published formula (a small rotation and scaling about the
// origin plus a fixed offset of 0.0065° east and 0.006° north). Baidu's
// map, geocoder and the coordinates people copy out of it are BD-09; a
// BD-09 point is converted to WGS-84 in two steps, BD-09 → GCJ-02 →
// WGS-84. Unlike GCJ-02, the shift applies everywhere, not only in China.

const (
	// bdXPi is the constant of Baidu's formula, π·3000/180.
	bdXPi = math.Pi * 3000.0 / 180.0
	// bdInverseTol and bdInverseMaxIter bound the iteration of
	// BD09ToGCJ02, as gcjInverseTol and gcjInverseMaxIter do for GCJ-02.
	bdInverseTol     = 1e-10
	bdInverseMaxIter = 30
)

// GCJ02ToBD09 converts a GCJ-02 point to BD-09, Baidu's forward formula.
func GCJ02ToBD09(p Point) Point {
	x, y := p.Lon, p.Lat
	z := math.Sqrt(x*x+y*y) + 0.00002*math.Sin(y*bdXPi)
	theta := math.Atan2(y, x) + 0.000003*math.Cos(x*bdXPi)
	return Point{Lon: z*math.Cos(theta) + 0.0065, Lat: z*math.Sin(theta) + 0.006}
}

// BD09ToGCJ02 converts a BD-09 point (from Baidu Maps) to GCJ-02. It starts
// from the commonly published approximate inverse and refines it by
// fixed-point iteration until GCJ02ToBD09 of the result matches p to
// better than 1e-10°.
func BD09ToGCJ02(p Point) Point {
	g := bd09ToGCJ02Approx(p)
	for range bdInverseMaxIter {
		b := GCJ02ToBD09(g)
		rLon, rLat := p.Lon-b.Lon, p.Lat-b.Lat
		if math.Abs(rLon) < bdInverseTol && math.Abs(rLat) < bdInverseTol {
			break
		}
		g.Lon += rLon
		g.Lat += rLat
	}
	return g
}

// bd09ToGCJ02Approx is the inverse formula as Baidu-converting libraries
// publish it, exact to about 1e-6°.
func bd09ToGCJ02Approx(p Point) Point {
	x, y := p.Lon-0.0065, p.Lat-0.006
	z := math.Sqrt(x*x+y*y) - 0.00002*math.Sin(y*bdXPi)
	theta := math.Atan2(y, x) - 0.000003*math.Cos(x*bdXPi)
	return Point{Lon: z * math.Cos(theta), Lat: z * math.Sin(theta)}
}

// BD09ToWGS84 converts a BD-09 point to WGS-84, through GCJ-02.
func BD09ToWGS84(p Point) Point { return GCJ02ToWGS84(BD09ToGCJ02(p)) }

// WGS84ToBD09 converts a WGS-84 point to BD-09, for display on Baidu Maps.
func WGS84ToBD09(p Point) Point { return GCJ02ToBD09(WGS84ToGCJ02(p)) }
