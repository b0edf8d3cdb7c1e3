package routing

import (
	"fmt"
	"strconv"

	"github.com/stockpile-dev/stockpile/internal/geo"
)

// Terrain is the kind of country a trip end lies in. It selects the
// circuity factor and the speed of the great-circle estimate.
type Terrain uint8

// Terrains, as in the terrain column of the areas.
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

// ParseTerrain reads the names used in the areas' terrain column.
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

// noTerrain classifies as a database without terrain data does: every point
// is Mixed, the middle of the scale (as [AreaTerrain.Classify] when no area
// carries a terrain). Terrain comes from the areas each city loads
// ([AreaTerrain], [TerrainSource]); the program has no table of its own.
func noTerrain(geo.Point) Terrain { return Mixed }
