package road

import (
	"math"

	"github.com/stockpile-dev/stockpile/internal/geo"
)

// kmPerDegree is the length of a degree of latitude on the mean sphere.
const kmPerDegree = 6371.0088 * math.Pi / 180

// snapIndex finds the graph node nearest to a point. It is a uniform grid
// over the graph's bounding box with about two nodes per cell, cells being
// roughly square on the ground.
type snapIndex struct {
	points           []geo.Point
	minLon, minLat   float64
	cellLon, cellLat float64 // cell size in degrees
	minCellKm        float64 // shortest cell side on the ground
	nx, ny           int
	first            []int32 // nodes of cell c are nodes[first[c]:first[c+1]]
	nodes            []int32
}

func newSnapIndex(g *Graph) *snapIndex {
	ix := &snapIndex{points: g.points}
	minLon, minLat, maxLon, maxLat := bounds(g.points)
	ix.minLon, ix.minLat = minLon, minLat
	// km per degree of longitude at the latitude farthest from the equator,
	// so that minCellKm is a true lower bound.
	lonKm := kmPerDegree * math.Cos(math.Max(math.Abs(minLat), math.Abs(maxLat))*math.Pi/180)
	widthKm := math.Max((maxLon-minLon)*lonKm, 0.001)
	heightKm := math.Max((maxLat-minLat)*kmPerDegree, 0.001)
	cellKm := math.Sqrt(widthKm * heightKm / math.Max(float64(len(g.points))/2, 1))
	ix.nx = max(1, int(math.Ceil(widthKm/cellKm)))
	ix.ny = max(1, int(math.Ceil(heightKm/cellKm)))
	ix.cellLon, ix.cellLat = cellKm/lonKm, cellKm/kmPerDegree
	ix.minCellKm = cellKm
	ix.fill()
	return ix
}

func bounds(pts []geo.Point) (minLon, minLat, maxLon, maxLat float64) {
	minLon, minLat, maxLon, maxLat = math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range pts {
		minLon, maxLon = math.Min(minLon, p.Lon), math.Max(maxLon, p.Lon)
		minLat, maxLat = math.Min(minLat, p.Lat), math.Max(maxLat, p.Lat)
	}
	if len(pts) == 0 {
		return 0, 0, 0, 0
	}
	return minLon, minLat, maxLon, maxLat
}

// cell returns the grid coordinates of p, which may lie outside the grid.
func (ix *snapIndex) cell(p geo.Point) (int, int) {
	return int(math.Floor((p.Lon - ix.minLon) / ix.cellLon)), int(math.Floor((p.Lat - ix.minLat) / ix.cellLat))
}

// fill sorts the nodes into cells (counting sort).
func (ix *snapIndex) fill() {
	cellOf := make([]int32, len(ix.points))
	ix.first = make([]int32, ix.nx*ix.ny+1)
	for v, p := range ix.points {
		x, y := ix.cell(p)
		c := int32(min(max(y, 0), ix.ny-1)*ix.nx + min(max(x, 0), ix.nx-1))
		cellOf[v] = c
		ix.first[c+1]++
	}
	for c := range ix.nx * ix.ny {
		ix.first[c+1] += ix.first[c]
	}
	next := append([]int32(nil), ix.first...)
	ix.nodes = make([]int32, len(ix.points))
	for v, c := range cellOf {
		ix.nodes[next[c]] = int32(v)
		next[c]++
	}
}

// nearest returns the node nearest to p and its distance, searching rings
// of cells outward from p's cell until no unvisited cell can hold a nearer
// node. Of equally near nodes the lowest id wins. ok is false if no node
// lies within maxKm.
func (ix *snapIndex) nearest(p geo.Point, maxKm float64) (v int32, km float64, ok bool) {
	cx, cy := ix.cell(p)
	rMax := max(abs(cx), abs(cx-ix.nx+1), abs(cy), abs(cy-ix.ny+1))
	best, bestKm := int32(-1), math.Inf(1)
	for r := 0; r <= rMax; r++ {
		// A node in ring r is at least r-1 whole cells away from p. The
		// 1% margin covers the sphere's departure from the flat grid.
		bound := float64(r-1) * ix.minCellKm * 0.99
		if bound > maxKm || bound > bestKm {
			break
		}
		ix.scanRing(p, cx, cy, r, &best, &bestKm)
	}
	if best < 0 || bestKm > maxKm {
		return -1, 0, false
	}
	return best, bestKm, true
}

func abs(x int) int { return max(x, -x) }

// scanRing checks the nodes in the cells at Chebyshev distance r from
// (cx, cy).
func (ix *snapIndex) scanRing(p geo.Point, cx, cy, r int, best *int32, bestKm *float64) {
	for y := cy - r; y <= cy+r; y++ {
		if y < 0 || y >= ix.ny {
			continue
		}
		step := 2 * r // only the first and last column, except on the top and bottom rows
		if y == cy-r || y == cy+r || r == 0 {
			step = 1
		}
		for x := cx - r; x <= cx+r; x += step {
			if x < 0 || x >= ix.nx {
				continue
			}
			c := y*ix.nx + x
			for _, v := range ix.nodes[ix.first[c]:ix.first[c+1]] {
				if d := geo.DistanceKm(p, ix.points[v]); d < *bestKm || d == *bestKm && v < *best {
					*best, *bestKm = v, d
				}
			}
		}
	}
}
