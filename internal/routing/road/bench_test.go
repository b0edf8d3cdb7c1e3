package road

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/geo"
)

// benchNetwork is a 256 × 256 synthetic network (65,000 nodes) and its
// hierarchy, built once for all benchmarks. bench/dispatch runs the full-size
// comparison.
var benchNetwork = sync.OnceValues(func() (*Graph, *CH) {
	g, err := Synthetic(SyntheticOptions{Rows: 256, Cols: 256, Seed: 1})
	if err != nil {
		panic(err)
	}
	h, err := Contract(context.Background(), g, ContractOptions{})
	if err != nil {
		panic(err)
	}
	return g, h
})

func BenchmarkContract(b *testing.B) {
	g, err := Synthetic(SyntheticOptions{Rows: 128, Cols: 128, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Contract(context.Background(), g, ContractOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(g.NumNodes()), "nodes")
}

// BenchmarkMatrix compares the bucket algorithm with one Dijkstra per
// source, on the same 50 × 60 table, and times the 500 × 60 CH table.
func BenchmarkMatrix(b *testing.B) {
	g, h := benchNetwork()
	ctx := context.Background()
	to := randomNodes(g, 60, 2)
	for _, rows := range []int{50, 500} {
		from := randomNodes(g, rows, 1)
		b.Run(fmt.Sprintf("CH/%dx60", rows), func(b *testing.B) {
			for b.Loop() {
				if _, err := h.Matrix(ctx, from, to); err != nil {
					b.Fatal(err)
				}
			}
		})
		if rows > 50 {
			continue
		}
		b.Run(fmt.Sprintf("Dijkstra/%dx60", rows), func(b *testing.B) {
			for b.Loop() {
				if _, err := Dijkstra(ctx, g, from, to); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRouterMatrix includes snapping 500 + 60 points.
func BenchmarkRouterMatrix(b *testing.B) {
	g, h := benchNetwork()
	r, err := NewRouter(g, h, RouterOptions{})
	if err != nil {
		b.Fatal(err)
	}
	pts := func(nodes []int32) []geo.Point {
		p := make([]geo.Point, len(nodes))
		for i, v := range nodes {
			p[i] = geo.Point{Lon: g.Point(v).Lon + 0.0004, Lat: g.Point(v).Lat}
		}
		return p
	}
	from, to := pts(randomNodes(g, 500, 1)), pts(randomNodes(g, 60, 2))
	for b.Loop() {
		if _, err := r.Matrix(context.Background(), from, to); err != nil {
			b.Fatal(err)
		}
	}
}
