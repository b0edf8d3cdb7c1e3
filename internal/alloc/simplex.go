package alloc

import (
	"context"
	"errors"
	"math"
)

// This file holds a primal network simplex for uncapacitated min-cost flow,
// after the one in LEMON (lemon/network_simplex.h, Kovács and Király): a
// spanning-tree basis stored as parent/pred/thread/successor-count arrays,
// block-search pivoting, and Cunningham's strongly feasible trees (the
// leaving arc is the last blocking arc met when walking the cycle from its
// apex in the direction of flow), which rules out cycling under degeneracy.
//
// Every arc is uncapacitated, so a non-tree arc always sits at flow 0 and
// a cycle's blocking arcs are those the pivot would drain. Node n (after
// the n ordinary nodes) is the root. Each ordinary node u has a root arc,
// arc index u, forming the initial tree: u→root carrying supply[u] when
// supply[u] ≥ 0, else root→u carrying −supply[u]. Unlike LEMON's
// artificial arcs these are real arcs with real costs: in Solve they are
// the "unused supply" and "shortage" arcs, so the initial tree is feasible
// and no big-M cost is needed. Root arcs may leave the tree and re-enter.
//
// Potentials follow LEMON: the reduced cost of arc (i,j) is
// cost + pi[i] − pi[j], zero on tree arcs; pi is the negated dual price.

const (
	stateTree  int8 = 0
	stateLower int8 = 1
	dirUp      int8 = 1  // the pred arc goes from the node to its parent
	dirDown    int8 = -1 // the pred arc goes from the parent to the node
)

// errUnbounded is returned for a cycle of negative cost without bound, which
// cannot happen for allocation networks (they are acyclic).
var errUnbounded = errors.New("alloc: internal error: unbounded network")

// ctxCheckEvery is how many pivots run between checks for cancellation.
const ctxCheckEvery = 1024

// simplex is the solver state. A zero simplex is ready for reset; buffers
// are reused across resets.
type simplex struct {
	n    int // ordinary nodes; the root is node n
	root int32

	// Arcs.
	src, dst   []int32
	cost, flow []int64
	state      []int8

	// Spanning tree, per node including the root.
	pi        []int64
	parent    []int32
	pred      []int32
	predDir   []int8
	thread    []int32
	revThread []int32
	succNum   []int32
	lastSucc  []int32
	dirtyRevs []int32

	// Pivot state.
	blockSize int
	nextArc   int
	inArc     int32
	join      int32
	uIn, vIn  int32
	uOut      int32
	delta     int64

	pivots int
}

// reset builds the initial tree for nodes with the given supplies (positive
// supply, negative demand) and root-arc costs, dropping all other arcs.
func (x *simplex) reset(supply, rootCost []int64) {
	n := len(supply)
	x.n, x.root = n, int32(n)
	x.src, x.dst = x.src[:0], x.dst[:0]
	x.cost, x.flow, x.state = x.cost[:0], x.flow[:0], x.state[:0]
	x.pi = resize(x.pi, n+1)
	x.parent = resize(x.parent, n+1)
	x.pred = resize(x.pred, n+1)
	x.predDir = resize(x.predDir, n+1)
	x.thread = resize(x.thread, n+1)
	x.revThread = resize(x.revThread, n+1)
	x.succNum = resize(x.succNum, n+1)
	x.lastSucc = resize(x.lastSucc, n+1)
	x.nextArc, x.pivots = 0, 0

	r := x.root
	x.parent[r], x.pred[r], x.pi[r] = -1, -1, 0
	x.thread[r], x.revThread[0] = 0, r
	x.succNum[r], x.lastSucc[r] = int32(n+1), r-1
	for u := range n {
		u32 := int32(u)
		x.parent[u], x.pred[u] = r, u32
		x.thread[u], x.revThread[u+1] = u32+1, u32
		x.succNum[u], x.lastSucc[u] = 1, u32
		c := rootCost[u]
		if supply[u] >= 0 {
			x.predDir[u], x.pi[u] = dirUp, -c
			x.push(u32, r, c, supply[u], stateTree)
		} else {
			x.predDir[u], x.pi[u] = dirDown, c
			x.push(r, u32, c, -supply[u], stateTree)
		}
	}
	x.setBlockSize()
}

func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

func (x *simplex) push(s, t int32, c, f int64, st int8) {
	x.src = append(x.src, s)
	x.dst = append(x.dst, t)
	x.cost = append(x.cost, c)
	x.flow = append(x.flow, f)
	x.state = append(x.state, st)
}

// addArc adds a non-tree arc at flow 0; the current basis stays valid, so
// the next solve re-optimises from it. Call setBlockSize after a batch.
func (x *simplex) addArc(s, t int32, c int64) int32 {
	x.push(s, t, c, 0, stateLower)
	return int32(len(x.src) - 1)
}

// setBlockSize sets the block-search block to √arcs (at least 10), as
// LEMON does.
func (x *simplex) setBlockSize() {
	x.blockSize = max(int(math.Sqrt(float64(len(x.src)))), 10)
}

// reducedCost returns the reduced cost of arc e.
func (x *simplex) reducedCost(e int32) int64 {
	return x.cost[e] + x.pi[x.src[e]] - x.pi[x.dst[e]]
}

// pivotOn performs a pivot on arc e if its reduced cost is negative; used
// for heuristic initial pivots.
func (x *simplex) pivotOn(e int32) error {
	if x.state[e] != stateLower || x.reducedCost(e) >= 0 {
		return nil
	}
	x.inArc = e
	return x.pivot()
}

// solve pivots until no arc has a negative reduced cost.
func (x *simplex) solve(ctx context.Context) error {
	for n := 1; x.findEnteringArc(); n++ {
		if err := x.pivot(); err != nil {
			return err
		}
		if n%ctxCheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
	}
	return nil
}

func (x *simplex) pivot() error {
	x.pivots++
	x.findJoinNode()
	change, ok := x.findLeavingArc()
	if !ok {
		return errUnbounded
	}
	x.changeFlow(change)
	if change {
		x.updateTreeStructure()
		x.updatePotential()
	}
	return nil
}

// findEnteringArc is LEMON's block search: scan arcs cyclically from where
// the last search stopped, in blocks of blockSize, and take the most
// negative reduced cost of the first block that has one.
func (x *simplex) findEnteringArc() bool {
	var min int64
	cnt := x.blockSize
	m := len(x.src)
	in := int32(-1)
	src, dst, cost, state, pi := x.src[:m], x.dst[:m], x.cost[:m], x.state[:m], x.pi
	e := x.nextArc
	for ; e < m; e++ {
		if c := int64(state[e]) * (cost[e] + pi[src[e]] - pi[dst[e]]); c < min {
			min, in = c, int32(e)
		}
		if cnt--; cnt == 0 {
			if min < 0 {
				goto found
			}
			cnt = x.blockSize
		}
	}
	for e = 0; e < x.nextArc; e++ {
		if c := int64(state[e]) * (cost[e] + pi[src[e]] - pi[dst[e]]); c < min {
			min, in = c, int32(e)
		}
		if cnt--; cnt == 0 {
			if min < 0 {
				goto found
			}
			cnt = x.blockSize
		}
	}
	if min >= 0 {
		return false
	}
found:
	x.nextArc, x.inArc = e, in
	if x.nextArc >= m {
		x.nextArc = 0
	}
	return true
}

// findJoinNode finds the apex of the cycle closed by the entering arc.
func (x *simplex) findJoinNode() {
	u, v := x.src[x.inArc], x.dst[x.inArc]
	for u != v {
		if x.succNum[u] < x.succNum[v] {
			u = x.parent[u]
		} else {
			v = x.parent[v]
		}
	}
	x.join = u
}

// findLeavingArc finds the blocking arc by Cunningham's rule and the amount
// delta to push. It reports whether the leaving arc differs from the
// entering one (always, here) and false when nothing blocks.
func (x *simplex) findLeavingArc() (change, ok bool) {
	first, second := x.src[x.inArc], x.dst[x.inArc]
	x.delta = math.MaxInt64
	result := 0
	// Flow runs from the join down to first, so arcs pointing up drain.
	for u := first; u != x.join; u = x.parent[u] {
		if x.predDir[u] == dirUp {
			if d := x.flow[x.pred[u]]; d < x.delta {
				x.delta, x.uOut, result = d, u, 1
			}
		}
	}
	// Flow runs from second up to the join, so arcs pointing down drain;
	// <= keeps the last blocking arc in the direction of flow.
	for u := second; u != x.join; u = x.parent[u] {
		if x.predDir[u] == dirDown {
			if d := x.flow[x.pred[u]]; d <= x.delta {
				x.delta, x.uOut, result = d, u, 2
			}
		}
	}
	if result == 1 {
		x.uIn, x.vIn = first, second
	} else {
		x.uIn, x.vIn = second, first
	}
	return result != 0, result != 0
}

// changeFlow augments delta around the cycle and updates arc states.
func (x *simplex) changeFlow(change bool) {
	if d := x.delta; d > 0 {
		x.flow[x.inArc] += d
		for u := x.src[x.inArc]; u != x.join; u = x.parent[u] {
			x.flow[x.pred[u]] -= int64(x.predDir[u]) * d
		}
		for u := x.dst[x.inArc]; u != x.join; u = x.parent[u] {
			x.flow[x.pred[u]] += int64(x.predDir[u]) * d
		}
	}
	if change {
		x.state[x.inArc] = stateTree
		x.state[x.pred[x.uOut]] = stateLower
	}
}

// updateTreeStructure replaces the leaving arc by the entering one in the
// tree, re-hanging the subtree between u_out and u_in (the "stem") from
// v_in. A line-by-line port of LEMON's routine of the same name.
func (x *simplex) updateTreeStructure() {
	parent, thread, revThread := x.parent, x.thread, x.revThread
	succNum, lastSucc := x.succNum, x.lastSucc
	uIn, vIn, uOut, join := x.uIn, x.vIn, x.uOut, x.join

	oldRevThread := revThread[uOut]
	oldSuccNum := succNum[uOut]
	oldLastSucc := lastSucc[uOut]
	vOut := parent[uOut]

	if uIn == uOut {
		parent[uIn] = vIn
		x.pred[uIn] = x.inArc
		x.predDir[uIn] = x.dirOf(uIn)
		if thread[vIn] != uOut {
			after := thread[oldLastSucc]
			thread[oldRevThread] = after
			revThread[after] = oldRevThread
			after = thread[vIn]
			thread[vIn] = uOut
			revThread[uOut] = vIn
			thread[oldLastSucc] = after
			revThread[after] = oldLastSucc
		}
	} else {
		threadContinue := thread[vIn]
		if oldRevThread == vIn {
			threadContinue = thread[oldLastSucc]
		}
		stem, parStem := uIn, vIn
		last := lastSucc[uIn]
		after := thread[last]
		thread[vIn] = uIn
		x.dirtyRevs = append(x.dirtyRevs[:0], vIn)
		for stem != uOut {
			nextStem := parent[stem]
			thread[last] = nextStem
			x.dirtyRevs = append(x.dirtyRevs, last)

			before := revThread[stem]
			thread[before] = after
			revThread[after] = before

			parent[stem] = parStem
			parStem = stem
			stem = nextStem

			if lastSucc[stem] == lastSucc[parStem] {
				last = revThread[parStem]
			} else {
				last = lastSucc[stem]
			}
			after = thread[last]
		}
		parent[uOut] = parStem
		thread[last] = threadContinue
		revThread[threadContinue] = last
		lastSucc[uOut] = last

		if oldRevThread != vIn {
			thread[oldRevThread] = after
			revThread[after] = oldRevThread
		}
		for _, u := range x.dirtyRevs {
			revThread[thread[u]] = u
		}

		var tmpSc int32
		tmpLs := lastSucc[uOut]
		for u, p := uOut, parent[uOut]; u != uIn; u, p = p, parent[p] {
			x.pred[u] = x.pred[p]
			x.predDir[u] = -x.predDir[p]
			tmpSc += succNum[u] - succNum[p]
			succNum[u] = tmpSc
			lastSucc[p] = tmpLs
		}
		x.pred[uIn] = x.inArc
		x.predDir[uIn] = x.dirOf(uIn)
		succNum[uIn] = oldSuccNum
	}

	upLimitOut := int32(-1)
	if lastSucc[join] == vIn {
		upLimitOut = join
	}
	lastSuccOut := lastSucc[uOut]
	for u := vIn; u != -1 && lastSucc[u] == vIn; u = parent[u] {
		lastSucc[u] = lastSuccOut
	}
	if join != oldRevThread && vIn != oldRevThread {
		for u := vOut; u != upLimitOut && lastSucc[u] == oldLastSucc; u = parent[u] {
			lastSucc[u] = oldRevThread
		}
	} else if lastSuccOut != oldLastSucc {
		for u := vOut; u != upLimitOut && lastSucc[u] == oldLastSucc; u = parent[u] {
			lastSucc[u] = lastSuccOut
		}
	}
	for u := vIn; u != join; u = parent[u] {
		succNum[u] += oldSuccNum
	}
	for u := vOut; u != join; u = parent[u] {
		succNum[u] -= oldSuccNum
	}
}

// dirOf is the direction of the entering arc seen from u, its new child end.
func (x *simplex) dirOf(u int32) int8 {
	if u == x.src[x.inArc] {
		return dirUp
	}
	return dirDown
}

// updatePotential shifts the potentials of the re-hung subtree so that the
// entering arc's reduced cost becomes zero.
func (x *simplex) updatePotential() {
	sigma := x.pi[x.vIn] - x.pi[x.uIn] - int64(x.predDir[x.uIn])*x.cost[x.inArc]
	end := x.thread[x.lastSucc[x.uIn]]
	for u := x.uIn; u != end; u = x.thread[u] {
		x.pi[u] += sigma
	}
}
