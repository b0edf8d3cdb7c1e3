// Package road computes travel times on a road network: a directed graph
// built from an OpenStreetMap extract ([ReadPBF]) or generated ([Synthetic]),
// contracted into a contraction hierarchy ([Contract]) that answers
// many-to-many travel-time tables in milliseconds ([CH.Matrix]), with plain
// Dijkstra ([Dijkstra]) as the reference. [Open] does all of it for a .pbf
// file, caches the result on disk, and returns a [Router] that implements
// routing.Router for arbitrary coordinates.
//
// Edge weights are whole tenths of a second plus whole metres. Paths are
// compared by time, then by length, so that the shortest path's length is
// well defined and every algorithm here returns exactly the same table.
package road

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/stockpile-dev/stockpile/internal/geo"
)

// cost packs a travel time (tenths of a second, high bits) and a length
// (metres, low meterBits bits) into one integer. Adding two costs adds both
// parts, and comparing costs compares times first and lengths on equal
// times. A path's length must stay below 2^28 m (268,000 km), which any
// road path does.
type cost uint64

const (
	meterBits = 28
	meterMask = 1<<meterBits - 1
	infCost   = cost(math.MaxUint64)
	// maxEdgeTenths keeps a sum of a few million edges far from overflow.
	maxEdgeTenths = 1 << 31
)

func pack(tenths, meters uint32) cost { return cost(tenths)<<meterBits | cost(meters) }

func (c cost) tenths() int64 { return int64(c >> meterBits) }
func (c cost) meters() int64 { return int64(c & meterMask) }

// Graph is a directed road graph in compressed sparse row form: the edges
// leaving node v are first[v] ≤ e < first[v+1]. Nodes are numbered 0…n-1
// and have a position; there are no self-loops and no parallel edges. A
// Graph is immutable and safe for concurrent use.
type Graph struct {
	points []geo.Point
	first  []int32
	head   []int32
	cost   []cost
}

// NumNodes returns the number of nodes.
func (g *Graph) NumNodes() int { return len(g.points) }

// NumEdges returns the number of directed edges.
func (g *Graph) NumEdges() int { return len(g.head) }

// Point returns the position of node v.
func (g *Graph) Point(v int32) geo.Point { return g.points[v] }

// Edge returns the travel time (tenths of a second) and length (metres) of
// the edge u→v, and whether it exists.
func (g *Graph) Edge(u, v int32) (tenths, meters int64, ok bool) {
	for e := g.first[u]; e < g.first[u+1]; e++ {
		if g.head[e] == v {
			return g.cost[e].tenths(), g.cost[e].meters(), true
		}
	}
	return 0, 0, false
}

// Builder assembles a Graph from nodes and edges given in any order. The
// zero Builder is ready to use.
type Builder struct {
	points []geo.Point
	edges  []rawEdge
	err    error // first invalid edge
}

type rawEdge struct {
	from, to int32
	cost     cost
}

// AddNode adds a node at p and returns its id (0, 1, 2, …).
func (b *Builder) AddNode(p geo.Point) int32 {
	b.points = append(b.points, p)
	return int32(len(b.points) - 1)
}

// AddEdge adds the directed edge from→to taking tenths tenths of a second
// over meters metres. Invalid edges are reported by Build.
func (b *Builder) AddEdge(from, to int32, tenths, meters uint32) {
	if tenths >= maxEdgeTenths || meters > meterMask {
		b.err = cmp.Or(b.err, fmt.Errorf("road: edge %d→%d: %d tenths of a second, %d m is too long", from, to, tenths, meters))
		return
	}
	b.edges = append(b.edges, rawEdge{from, to, pack(tenths, meters)})
}

// Build returns the graph. Self-loops are dropped and, of parallel edges,
// the fastest is kept. It fails on an edge naming an unknown node, one
// longer than 2^28 m or slower than 2^31 tenths of a second.
func (b *Builder) Build() (*Graph, error) {
	if b.err != nil {
		return nil, b.err
	}
	n := int32(len(b.points))
	for _, e := range b.edges {
		if e.from < 0 || e.from >= n || e.to < 0 || e.to >= n {
			return nil, fmt.Errorf("road: edge %d→%d: no such node (%d nodes)", e.from, e.to, n)
		}
	}
	return newGraph(slices.Clone(b.points), slices.Clone(b.edges)), nil
}

// newGraph sorts the edges into CSR form, dropping self-loops and keeping
// the cheapest of parallel edges. It reorders edges in place.
func newGraph(points []geo.Point, edges []rawEdge) *Graph {
	slices.SortFunc(edges, func(a, b rawEdge) int {
		return cmp.Or(cmp.Compare(a.from, b.from), cmp.Compare(a.to, b.to), cmp.Compare(a.cost, b.cost))
	})
	g := &Graph{points: points, first: make([]int32, len(points)+1)}
	for k, e := range edges {
		if e.from == e.to || (k > 0 && edges[k-1].from == e.from && edges[k-1].to == e.to) {
			continue
		}
		g.first[e.from+1]++
		g.head = append(g.head, e.to)
		g.cost = append(g.cost, e.cost)
	}
	for v := range points {
		g.first[v+1] += g.first[v]
	}
	return g
}

// reverse returns the CSR of the reversed edges: for each node, the nodes
// with an edge into it and the costs of those edges.
func (g *Graph) reverse() (first, tail []int32, c []cost) {
	n := g.NumNodes()
	first = make([]int32, n+1)
	for _, h := range g.head {
		first[h+1]++
	}
	for v := range n {
		first[v+1] += first[v]
	}
	next := slices.Clone(first[:n])
	tail = make([]int32, len(g.head))
	c = make([]cost, len(g.head))
	for u := range n {
		for e := g.first[u]; e < g.first[u+1]; e++ {
			h := g.head[e]
			tail[next[h]], c[next[h]] = int32(u), g.cost[e]
			next[h]++
		}
	}
	return first, tail, c
}

// subgraph returns the graph induced by the nodes with keep[v] true,
// numbered in their old order, and the old id of each new node.
func (g *Graph) subgraph(keep []bool) (*Graph, []int32) {
	newID := make([]int32, g.NumNodes())
	var old []int32
	var points []geo.Point
	for v, k := range keep {
		newID[v] = -1
		if k {
			newID[v] = int32(len(old))
			old = append(old, int32(v))
			points = append(points, g.points[v])
		}
	}
	sub := &Graph{points: points, first: make([]int32, len(old)+1)}
	for i, v := range old {
		for e := g.first[v]; e < g.first[v+1]; e++ {
			if h := newID[g.head[e]]; h >= 0 {
				sub.head = append(sub.head, h)
				sub.cost = append(sub.cost, g.cost[e])
			}
		}
		sub.first[i+1] = int32(len(sub.head))
	}
	return sub, old
}

// Table holds shortest-path travel times and lengths between graph nodes,
// row-major (entry i*Cols+j is from the i-th source to the j-th target).
type Table struct {
	Rows, Cols int
	// Tenths is the travel time in tenths of a second, or NoPath.
	Tenths []int32
	// Meters is the length of that fastest path, or NoPath.
	Meters []int32
}

// NoPath marks an unreachable pair in a Table.
const NoPath int32 = -1

// newTable converts best costs into a Table.
func newTable(rows, cols int, best []cost) Table {
	t := Table{Rows: rows, Cols: cols, Tenths: make([]int32, len(best)), Meters: make([]int32, len(best))}
	for k, c := range best {
		if c == infCost {
			t.Tenths[k], t.Meters[k] = NoPath, NoPath
			continue
		}
		t.Tenths[k] = int32(min(c.tenths(), math.MaxInt32))
		t.Meters[k] = int32(min(c.meters(), math.MaxInt32))
	}
	return t
}

// Progress reports the advance of long preprocessing: stage names the step,
// done counts finished units out of total (0 when unknown). It is called
// from one goroutine at a time, at most a few hundred times per stage. The
// stages of ReadPBF are "ways" (ways kept), "nodes" (positions found of
// those needed) and "components" (nodes kept in the largest component of
// those with an edge); Contract reports "contract" (nodes contracted).
type Progress func(stage string, done, total int)

func (p Progress) report(stage string, done, total int) {
	if p != nil {
		p(stage, done, total)
	}
}
