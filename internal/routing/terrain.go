package routing

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"strconv"

	"github.com/stockpile-dev/stockpile/internal/geo"
)

// Terrain is the kind of country a trip end lies in. It selects the
// circuity factor and the speed of the great-circle estimate.
type Terrain uint8

// Terrains, as in the terrain column of the Beijing district table.
const (
	Urban    Terrain = iota // 城六区: dense streets, peak-hour traffic
	Plain                   // plain suburbs (通州, 顺义, 大兴)
	Mixed                   // plain seat, mountainous hinterland (房山, 昌平, 平谷)
	Mountain                // mountain districts (门头沟, 怀柔, 密云, 延庆)
)

var terrainNames = [...]string{Urban: "urban", Plain: "plain", Mixed: "mixed", Mountain: "mountain"}

func (t Terrain) String() string {
	if int(t) < len(terrainNames) {
		return terrainNames[t]
	}
	return "Terrain(" + strconv.Itoa(int(t)) + ")"
}

// ParseTerrain reads the names used in the district table.
func ParseTerrain(s string) (Terrain, error) {
	for t, name := range terrainNames {
		if s == name {
			return Terrain(t), nil
		}
	}
	return 0, fmt.Errorf("routing: unknown terrain %q (want urban, plain, mixed or mountain)", s)
}

// A Classifier tells which terrain a point lies in.
type Classifier func(geo.Point) Terrain

//go:embed data/beijing-districts.csv
var beijingDistrictsCSV []byte

// referencePoint is a district's seat or centroid with the district's terrain.
type referencePoint struct {
	at      geo.Point
	terrain Terrain
}

// BeijingTerrain returns a Classifier for Beijing's 16 districts. A point
// gets the terrain of the district whose seat of government or area
// centroid is nearest to it: the seat alone would misplace the hinterland of
// the large outer districts (Huairou's seat is 34 km south of its centroid),
// the centroid alone would misplace their seat towns. This is a coarse
// Voronoi stand-in for the district boundaries, good enough to pick a speed.
// Points outside Beijing get the terrain of the nearest district.
//
// The table (data/beijing-districts.csv) is copied from the project's domain
// notes; its terrain column is the project's own classification, not an
// official figure. BeijingTerrain panics if the embedded table is malformed,
// which the package tests rule out.
func BeijingTerrain() Classifier {
	refs, err := parseDistricts(beijingDistrictsCSV)
	if err != nil {
		panic(err)
	}
	return func(p geo.Point) Terrain {
		best, bestKm := refs[0].terrain, geo.DistanceKm(p, refs[0].at)
		for _, r := range refs[1:] {
			if d := geo.DistanceKm(p, r.at); d < bestKm {
				best, bestKm = r.terrain, d
			}
		}
		return best
	}
}

// parseDistricts reads code,name_en,terrain,centroid_lat,centroid_lon,
// seat_lat,seat_lon rows into two reference points per district.
func parseDistricts(data []byte) ([]referencePoint, error) {
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("routing: district table: %w", err)
	}
	if len(rows) < 2 {
		return nil, fmt.Errorf("routing: district table is empty")
	}
	var refs []referencePoint
	for i, row := range rows[1:] {
		if len(row) != 7 {
			return nil, fmt.Errorf("routing: district table line %d: %d fields, want 7", i+2, len(row))
		}
		t, err := ParseTerrain(row[2])
		if err != nil {
			return nil, fmt.Errorf("routing: district table line %d: %w", i+2, err)
		}
		var f [4]float64
		for k := range f {
			if f[k], err = strconv.ParseFloat(row[3+k], 64); err != nil {
				return nil, fmt.Errorf("routing: district table line %d: %w", i+2, err)
			}
		}
		refs = append(refs,
			referencePoint{geo.Point{Lat: f[0], Lon: f[1]}, t},
			referencePoint{geo.Point{Lat: f[2], Lon: f[3]}, t})
	}
	return refs, nil
}
