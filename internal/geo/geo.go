// Package geo holds the geographic value types shared by every domain
// package. Coordinates are WGS-84 (EPSG:4326); conversion to GCJ-02 for
// Chinese web tiles happens only at the rendering edge.
package geo

import (
	"fmt"
	"math"
)

// Point is a WGS-84 position. It is a value type with no identity.
type Point struct {
	Lon float64 `json:"lon"`
	Lat float64 `json:"lat"`
}

// Valid reports whether p lies within the WGS-84 coordinate range:
// latitude −90 to 90, longitude −180 to 180. NaN and ±Inf are not
// coordinates (every comparison with NaN is false, and ±Inf is out of
// range), so they are refused too.
func (p Point) Valid() bool {
	return p.Lat >= -90 && p.Lat <= 90 && p.Lon >= -180 && p.Lon <= 180
}

// IsZero reports whether p is the zero point, which stands for "not
// known" (0,0 lies in the Gulf of Guinea, far from any depot).
func (p Point) IsZero() bool { return p == Point{} }

func (p Point) String() string { return fmt.Sprintf("%.5f,%.5f", p.Lat, p.Lon) }

const earthRadiusKm = 6371.0088 // IUGG mean radius

// DistanceKm returns the great-circle (haversine) distance between a and b.
func DistanceKm(a, b Point) float64 {
	rad := math.Pi / 180
	dLat := (b.Lat - a.Lat) * rad
	dLon := (b.Lon - a.Lon) * rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) +
		math.Cos(a.Lat*rad)*math.Cos(b.Lat*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthRadiusKm * math.Asin(math.Min(1, math.Sqrt(h)))
}
