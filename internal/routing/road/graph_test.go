package road

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/geo"
)

func TestBuilder(t *testing.T) {
	var b Builder
	a, c := b.AddNode(geo.Point{Lon: 116, Lat: 40}), b.AddNode(geo.Point{Lon: 116.1, Lat: 40})
	b.AddEdge(a, c, 50, 900)
	b.AddEdge(a, c, 40, 950) // faster parallel edge wins
	b.AddEdge(a, a, 1, 1)    // self-loop dropped
	g, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	if g.NumEdges() != 1 {
		t.Fatalf("%d edges, want 1", g.NumEdges())
	}
	if tenths, meters, ok := g.Edge(a, c); !ok || tenths != 40 || meters != 950 {
		t.Errorf("edge %v %v %v, want 40 950", tenths, meters, ok)
	}
	if _, _, ok := g.Edge(c, a); ok {
		t.Error("reverse edge exists")
	}

	b.AddEdge(a, 7, 1, 1)
	if _, err := b.Build(); err == nil {
		t.Error("edge to unknown node accepted")
	}
	var long Builder
	long.AddNode(geo.Point{})
	long.AddNode(geo.Point{})
	long.AddEdge(0, 1, 1, 1<<28)
	if _, err := long.Build(); err == nil {
		t.Error("edge of 268,436 km accepted")
	}
}

func TestLargestComponent(t *testing.T) {
	// 0⇄1⇄2 is strongly connected, 3→0 and 2→4 hang off it, 5⇄6 is a
	// smaller island.
	var b Builder
	for i := range 7 {
		b.AddNode(geo.Point{Lon: float64(i), Lat: 0})
	}
	for _, e := range [][2]int32{{0, 1}, {1, 0}, {1, 2}, {2, 1}, {3, 0}, {2, 4}, {5, 6}, {6, 5}} {
		b.AddEdge(e[0], e[1], 10, 10)
	}
	g, _ := b.Build()
	sub, old := g.LargestComponent()
	if !slices.Equal(old, []int32{0, 1, 2}) || sub.NumNodes() != 3 || sub.NumEdges() != 4 {
		t.Errorf("component %v with %d edges, want [0 1 2] with 4", old, sub.NumEdges())
	}
	if sub.Point(2) != g.Point(2) {
		t.Error("points not carried over")
	}
}

func TestSyntheticDeterministic(t *testing.T) {
	opt := SyntheticOptions{Rows: 40, Cols: 50, Seed: 3}
	a, err := Synthetic(opt)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Synthetic(opt)
	if !slices.Equal(a.points, b.points) || !slices.Equal(a.head, b.head) || !slices.Equal(a.cost, b.cost) {
		t.Error("same options, different graphs")
	}
	opt.Seed = 4
	c, _ := Synthetic(opt)
	if slices.Equal(a.cost, c.cost) {
		t.Error("different seeds, same graph")
	}
	// Missing streets cut off a few corners, no more.
	if a.NumNodes() < 40*50*95/100 || a.NumNodes() > 40*50 {
		t.Errorf("%d nodes of 2000 kept", a.NumNodes())
	}
	if _, err := Synthetic(SyntheticOptions{Rows: 1, Cols: 10}); err == nil {
		t.Error("1-row grid accepted")
	}
}

func TestSyntheticExpresswaysAreFast(t *testing.T) {
	// Along an expressway row, 64 cells (7.7 km) take about 4.6 minutes at
	// 100 km/h; by 30 km/h streets alone it would be over 15.
	g, _ := Synthetic(SyntheticOptions{Rows: 65, Cols: 65, Seed: 1})
	from := nearestNode(g, geo.Point{Lon: 115.8, Lat: 39.4})
	p := g.points[from]
	to := nearestNode(g, geo.Point{Lon: p.Lon + 64*0.120/(kmPerDegree*math.Cos(p.Lat*math.Pi/180)), Lat: p.Lat})
	tab, err := Dijkstra(context.Background(), g, []int32{from}, []int32{to})
	if err != nil {
		t.Fatal(err)
	}
	if s := tab.Tenths[0] / 10; s < 200 || s > 420 {
		t.Errorf("%d s along the expressway, want about 280", s)
	}
}

// nearestNode is the brute-force nearest node, the reference for snapping.
func nearestNode(g *Graph, p geo.Point) int32 {
	best := int32(-1)
	bestKm := 0.0
	for v, q := range g.points {
		if d := geo.DistanceKm(p, q); best < 0 || d < bestKm {
			best, bestKm = int32(v), d
		}
	}
	return best
}
