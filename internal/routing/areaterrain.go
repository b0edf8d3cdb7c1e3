package routing

import (
	"context"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/stockpile-dev/stockpile/internal/geo"
)

// TerrainArea is one node of the administrative tree as terrain
// classification sees it.
type TerrainArea struct {
	Code   string
	Parent string // parent's code; empty for a root
	// Terrain is the area's terrain; HasTerrain is false when the area
	// record leaves it empty (the area then takes its nearest ancestor's).
	Terrain    Terrain
	HasTerrain bool
	Seat       geo.Point    // reference point (seat of government)
	Boundary   orb.Geometry // orb.Polygon or orb.MultiPolygon, lon/lat; nil when none
}

// AreaTerrain classifies points by the area data of the database: each city
// loads its own areas, outlines and terrains.
type AreaTerrain struct {
	byCode   map[string]*terrainNode
	roots    []*terrainNode
	withData []*terrainNode // areas with a terrain of their own
}

type terrainNode struct {
	TerrainArea
	bound    orb.Bound
	children []*terrainNode
}

// NewAreaTerrain builds a classifier over areas, which must list parents
// before children. It fails on a duplicate code or an unknown parent.
func NewAreaTerrain(areas []TerrainArea) (*AreaTerrain, error) {
	at := &AreaTerrain{byCode: make(map[string]*terrainNode, len(areas))}
	for _, a := range areas {
		if _, dup := at.byCode[a.Code]; dup {
			return nil, fmt.Errorf("routing: area %s listed twice", a.Code)
		}
		n := &terrainNode{TerrainArea: a}
		switch a.Boundary.(type) {
		case nil:
		case orb.Polygon, orb.MultiPolygon:
			n.bound = a.Boundary.Bound()
		default:
			return nil, fmt.Errorf("routing: area %s: boundary is a %s, want a polygon", a.Code, a.Boundary.GeoJSONType())
		}
		if a.Parent == "" {
			at.roots = append(at.roots, n)
		} else {
			p := at.byCode[a.Parent]
			if p == nil {
				return nil, fmt.Errorf("routing: area %s: parent %s not listed before it", a.Code, a.Parent)
			}
			p.children = append(p.children, n)
		}
		at.byCode[a.Code] = n
		if a.HasTerrain {
			at.withData = append(at.withData, n)
		}
	}
	return at, nil
}

func (n *terrainNode) contains(p geo.Point) bool {
	if n.Boundary == nil {
		return false
	}
	op := orb.Point{p.Lon, p.Lat}
	if !n.bound.Contains(op) {
		return false
	}
	switch g := n.Boundary.(type) {
	case orb.Polygon:
		return planar.PolygonContains(g, op)
	case orb.MultiPolygon:
		return planar.MultiPolygonContains(g, op)
	}
	return false
}

// Locate returns the code of the smallest area the point is placed in, or ""
// when there are no areas. Starting from the roots, it descends level by
// level:
//
//   - into the child whose outline contains the point;
//   - else, among the children without an outline and the current area
//     itself, to the one whose seat is nearest (a child without an outline
//     is placed by its seat, as a coarse Voronoi cell); staying when the
//     current area's own seat is nearest;
//
// so the seat fallback is used only where no area with an outline contains
// the point. At the top, a root is taken by its outline, else the nearest
// root seat without an outline.
func (at *AreaTerrain) Locate(p geo.Point) string {
	var cur *terrainNode
	level := at.roots
	for len(level) > 0 {
		next := pick(level, cur, p)
		if next == nil {
			break
		}
		cur = next
		level = cur.children
	}
	if cur == nil {
		return ""
	}
	return cur.Code
}

// pick chooses among the areas of one level (the children of cur, or the
// roots when cur is nil); nil means staying at cur.
func pick(level []*terrainNode, cur *terrainNode, p geo.Point) *terrainNode {
	for _, n := range level {
		if n.contains(p) {
			return n
		}
	}
	var best *terrainNode
	bestKm := -1.0
	if cur != nil {
		bestKm = geo.DistanceKm(p, cur.Seat)
	}
	for _, n := range level {
		if n.Boundary != nil {
			continue
		}
		if km := geo.DistanceKm(p, n.Seat); bestKm < 0 || km < bestKm {
			best, bestKm = n, km
		}
	}
	return best
}

// Classify returns the terrain of the area [AreaTerrain.Locate] places p in,
// or of its nearest ancestor with a terrain. Where none has one (a point in
// no outline of a city whose root has no terrain), it is the terrain of the
// area with a terrain whose seat is nearest; with no terrain data at all,
// Mixed, the middle of the scale.
func (at *AreaTerrain) Classify(p geo.Point) Terrain {
	for n := at.byCode[at.Locate(p)]; n != nil; n = at.byCode[n.Parent] {
		if n.HasTerrain {
			return n.Terrain
		}
	}
	best, bestKm := Mixed, -1.0
	for _, n := range at.withData {
		if km := geo.DistanceKm(p, n.Seat); bestKm < 0 || km < bestKm {
			best, bestKm = n.Terrain, km
		}
	}
	return best
}

// Classifier returns Classify as a [Classifier].
func (at *AreaTerrain) Classifier() Classifier { return at.Classify }

// A TerrainSource gives the classifier of the current area data; the store
// implements it, so that terrain comes from the areas each city loads.
// Implementations are safe for concurrent use and may cache.
type TerrainSource interface {
	TerrainClassifier(ctx context.Context) (Classifier, error)
}
