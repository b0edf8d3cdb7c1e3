package road

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/geo"
)

// randomGraph returns a graph of n nodes with about deg random out-edges
// each, some of them one-way, costs drawn so that ties happen.
func randomGraph(t testing.TB, n, deg int, seed uint64) *Graph {
	rng := rand.New(rand.NewPCG(seed, 1))
	var b Builder
	for range n {
		b.AddNode(geo.Point{Lon: 116 + rng.Float64(), Lat: 39.5 + rng.Float64()})
	}
	for u := range int32(n) {
		for range rng.IntN(2 * deg) {
			v := int32(rng.IntN(n))
			tenths, meters := uint32(1+rng.IntN(50)), uint32(rng.IntN(300))
			b.AddEdge(u, v, tenths, meters)
			if rng.IntN(3) > 0 {
				b.AddEdge(v, u, tenths, meters)
			}
		}
	}
	g, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// randomNodes returns k node ids of g, with repeats possible.
func randomNodes(g *Graph, k int, seed uint64) []int32 {
	rng := rand.New(rand.NewPCG(seed, 2))
	v := make([]int32, k)
	for i := range v {
		v[i] = int32(rng.IntN(g.NumNodes()))
	}
	return v
}

func assertSameTable(t *testing.T, got, want Table) {
	t.Helper()
	if got.Rows != want.Rows || got.Cols != want.Cols {
		t.Fatalf("shape %d×%d, want %d×%d", got.Rows, got.Cols, want.Rows, want.Cols)
	}
	bad := 0
	for k := range want.Tenths {
		if got.Tenths[k] != want.Tenths[k] || got.Meters[k] != want.Meters[k] {
			if bad++; bad <= 5 {
				t.Errorf("(%d,%d): %d/10 s %d m, want %d/10 s %d m", k/want.Cols, k%want.Cols,
					got.Tenths[k], got.Meters[k], want.Tenths[k], want.Meters[k])
			}
		}
	}
	if bad > 5 {
		t.Errorf("… %d differences in all", bad)
	}
}

// TestCHMatchesDijkstra is the property test: on random graphs, with and
// without unreachable pairs, the hierarchy gives exactly Dijkstra's table.
func TestCHMatchesDijkstra(t *testing.T) {
	ctx := context.Background()
	// Random graphs have no hierarchy, so their cores contract into dense
	// cliques: keep them small.
	for seed := range uint64(60) {
		n := 10 + int(seed)*3
		g := randomGraph(t, n, 1+int(seed%3), seed)
		for _, settled := range []int{2, 500} { // tiny witness limit: many extra shortcuts
			h, err := Contract(ctx, g, ContractOptions{WitnessSettled: settled})
			if err != nil {
				t.Fatal(err)
			}
			from, to := randomNodes(g, 15, seed), randomNodes(g, 12, seed+100)
			want, err := Dijkstra(ctx, g, from, to)
			if err != nil {
				t.Fatal(err)
			}
			got, err := h.Matrix(ctx, from, to)
			if err != nil {
				t.Fatal(err)
			}
			t.Run(fmt.Sprintf("seed%d/witness%d", seed, settled), func(t *testing.T) { assertSameTable(t, got, want) })
		}
	}
}

func TestCHMatchesDijkstraSynthetic(t *testing.T) {
	ctx := context.Background()
	g, err := Synthetic(SyntheticOptions{Rows: 70, Cols: 90, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	h, err := Contract(ctx, g, ContractOptions{})
	if err != nil {
		t.Fatal(err)
	}
	from, to := randomNodes(g, 40, 1), randomNodes(g, 30, 2)
	want, _ := Dijkstra(ctx, g, from, to)
	got, err := h.Matrix(ctx, from, to)
	if err != nil {
		t.Fatal(err)
	}
	assertSameTable(t, got, want)
	for k, v := range want.Tenths {
		if v == NoPath {
			t.Fatalf("entry %d unreachable in a strongly connected graph", k)
		}
	}
	again, _ := Contract(ctx, g, ContractOptions{})
	assertSameGraph(t, g, h, g, again) // Contract is deterministic
}

func TestCancelled(t *testing.T) {
	g, err := Synthetic(SyntheticOptions{Rows: 30, Cols: 30})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Contract(ctx, g, ContractOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Contract: %v, want context.Canceled", err)
	}
	h, _ := Contract(context.Background(), g, ContractOptions{})
	nodes := randomNodes(g, 5, 1)
	if _, err := h.Matrix(ctx, nodes, nodes); !errors.Is(err, context.Canceled) {
		t.Errorf("Matrix: %v, want context.Canceled", err)
	}
	if _, err := Dijkstra(ctx, g, nodes, nodes); !errors.Is(err, context.Canceled) {
		t.Errorf("Dijkstra: %v, want context.Canceled", err)
	}
}

func TestMatrixRejectsBadNodes(t *testing.T) {
	g, _ := Synthetic(SyntheticOptions{Rows: 10, Cols: 10})
	h, _ := Contract(context.Background(), g, ContractOptions{})
	bad := []int32{int32(g.NumNodes())}
	if _, err := h.Matrix(context.Background(), bad, []int32{0}); err == nil {
		t.Error("CH: node out of range accepted")
	}
	if _, err := Dijkstra(context.Background(), g, []int32{0}, []int32{-1}); err == nil {
		t.Error("Dijkstra: node -1 accepted")
	}
	// Empty sides are fine.
	if tab, err := h.Matrix(context.Background(), nil, []int32{0}); err != nil || tab.Rows != 0 || tab.Cols != 1 {
		t.Errorf("empty sources: %+v, %v", tab, err)
	}
}
