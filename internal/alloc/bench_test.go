package alloc

import (
	"context"
	"math/rand/v2"
	"testing"
)

// cityScale is about a city's worth of sources, sites and items.
var cityScale = genConfig{sources: 500, sites: 60, items: 40, maxQty: 500_000, batches: 2, demandsPerItem: 2,
	holdP: 0.3, needP: 0.5, unreachableP: 0.02}

func benchSolve(b *testing.B, c genConfig, candidates, workers int) {
	p := randomProblem(rand.New(rand.NewPCG(21, 22)), c)
	p.Candidates, p.Workers = candidates, workers
	ctx := context.Background()
	var st Stats
	for b.Loop() {
		sol, err := Solve(ctx, p)
		if err != nil {
			b.Fatal(err)
		}
		st = sol.Stats
	}
	b.ReportMetric(float64(st.Pivots), "pivots")
	b.ReportMetric(float64(st.Arcs), "arcs")
	b.ReportMetric(float64(st.FullArcs), "full-arcs")
}

// BenchmarkSolve compares the candidate strategy with solving every item on
// its full network, and one worker with GOMAXPROCS workers.
func BenchmarkSolve(b *testing.B) {
	b.Run("city", func(b *testing.B) { benchSolve(b, cityScale, 0, 0) })
	b.Run("city/1-worker", func(b *testing.B) { benchSolve(b, cityScale, 0, 1) })
	b.Run("city/full-network", func(b *testing.B) { benchSolve(b, cityScale, -1, 0) })
}

// BenchmarkSimplex measures the network simplex alone on one dense
// transportation problem (all arcs from the start).
func BenchmarkSimplex(b *testing.B) {
	rng := rand.New(rand.NewPCG(23, 24))
	const m, n = 400, 60
	supply := make([]int64, m+n)
	rootCost := make([]int64, m+n)
	for i := range m {
		supply[i] = 1 + rng.Int64N(1000)
	}
	for j := range n {
		supply[m+j], rootCost[m+j] = -(1 + rng.Int64N(5000)), 1_000_000
	}
	cost := make([]int64, m*n)
	for k := range cost {
		cost[k] = rng.Int64N(10_000)
	}
	var x simplex
	for b.Loop() {
		x.reset(supply, rootCost)
		for j := range n {
			for i := range m {
				x.addArc(int32(i), int32(m+j), cost[j*m+i])
			}
		}
		x.setBlockSize()
		if err := x.solve(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(x.pivots), "pivots")
}
