package alloc

import (
	"context"
	"math/rand/v2"
	"testing"
)

// checkTree verifies the spanning-tree bookkeeping (parents, pred arcs,
// thread order, subtree sizes and last successors), flow conservation, and
// zero reduced cost on tree arcs.
func checkTree(t *testing.T, x *simplex, supply []int64) {
	t.Helper()
	n := x.n
	size := make([]int32, n+1)
	for u := range n + 1 {
		size[u] = 1
	}
	// Subtree sizes from parent pointers (walk each node up to the root).
	for u := range n {
		for v := x.parent[u]; v != -1; v = x.parent[v] {
			size[v]++
		}
	}
	for u := range n {
		e := x.pred[u]
		p := x.parent[u]
		if x.state[e] != stateTree {
			t.Fatalf("node %d: pred arc %d not in tree", u, e)
		}
		up := x.src[e] == int32(u) && x.dst[e] == p
		down := x.src[e] == p && x.dst[e] == int32(u)
		if !(x.predDir[u] == dirUp && up || x.predDir[u] == dirDown && down) {
			t.Fatalf("node %d: pred arc %d (%d→%d) does not join it to parent %d", u, e, x.src[e], x.dst[e], p)
		}
		if rc := x.reducedCost(e); rc != 0 {
			t.Fatalf("tree arc %d: reduced cost %d", e, rc)
		}
	}
	// The thread lists each subtree contiguously, starting at its root and
	// ending at lastSucc.
	order := make([]int32, 0, n+1)
	pos := make([]int, n+1)
	for u, k := x.root, 0; k <= n; u, k = x.thread[u], k+1 {
		pos[u] = len(order)
		order = append(order, u)
		if x.revThread[x.thread[u]] != u {
			t.Fatalf("revThread broken at %d", u)
		}
	}
	for u := range n + 1 {
		if x.succNum[u] != size[u] {
			t.Fatalf("node %d: succNum %d, subtree size %d", u, x.succNum[u], size[u])
		}
		if last := order[pos[u]+int(size[u])-1]; x.lastSucc[u] != last {
			t.Fatalf("node %d: lastSucc %d, want %d", u, x.lastSucc[u], last)
		}
		for _, v := range order[pos[u]+1 : pos[u]+int(size[u])] {
			if !isAncestor(x, int32(u), v) {
				t.Fatalf("thread: %d inside the subtree of %d", v, u)
			}
		}
	}
	balance := make([]int64, n+1)
	for e := range x.src {
		if x.flow[e] < 0 || (x.state[e] == stateLower && x.flow[e] != 0) {
			t.Fatalf("arc %d: flow %d state %d", e, x.flow[e], x.state[e])
		}
		balance[x.src[e]] += x.flow[e]
		balance[x.dst[e]] -= x.flow[e]
	}
	for u := range n {
		if balance[u] != supply[u] {
			t.Fatalf("node %d: net outflow %d, supply %d", u, balance[u], supply[u])
		}
	}
}

func isAncestor(x *simplex, a, v int32) bool {
	for ; v != -1; v = x.parent[v] {
		if v == a {
			return true
		}
	}
	return false
}

// TestSimplexRandomDAG runs the simplex on random acyclic networks with
// many ties (degenerate pivots), checking the tree after every pivot and
// optimality (no negative reduced cost) at the end.
func TestSimplexRandomDAG(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	ctx := context.Background()
	for inst := range 300 {
		n := 2 + rng.IntN(25)
		supply := make([]int64, n)
		rootCost := make([]int64, n)
		for u := range n {
			supply[u] = rng.Int64N(7) - 3
			rootCost[u] = rng.Int64N(40)
		}
		var x simplex
		x.reset(supply, rootCost)
		for range rng.IntN(4 * n) {
			a, b := rng.IntN(n), rng.IntN(n)
			if a == b {
				continue
			}
			x.addArc(int32(min(a, b)), int32(max(a, b)), rng.Int64N(5))
		}
		x.setBlockSize()
		checkTree(t, &x, supply)
		for x.findEnteringArc() {
			if err := x.pivot(); err != nil {
				t.Fatalf("instance %d: %v", inst, err)
			}
			checkTree(t, &x, supply)
		}
		if err := x.solve(ctx); err != nil {
			t.Fatal(err)
		}
		for e := range x.src {
			if rc := x.reducedCost(int32(e)); rc < 0 && x.state[e] == stateLower {
				t.Fatalf("instance %d: arc %d has reduced cost %d at the end", inst, e, rc)
			}
		}
	}
}
