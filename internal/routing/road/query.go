package road

import (
	"context"
	"fmt"
	"sync"
)

// bucketEntry records, in the bucket of some CH node x, that the downward
// path from x to target col costs c.
type bucketEntry struct {
	col int32
	c   cost
}

// queryWorkspace is one goroutine's scratch space for Matrix.
type queryWorkspace struct {
	s       *search
	entries []located
}

// located is a bucket entry together with the node it belongs to.
type located struct {
	at int32
	bucketEntry
}

// Matrix computes the table from every graph node in from to every graph
// node in to with the bucket-based many-to-many algorithm (Knopp et al.,
// "Computing Many-to-Many Shortest Paths Using Highway Hierarchies",
// ALENEX 2007): an upward search backward from each target leaves
// (target, cost) entries in buckets at the nodes it settles; an upward
// search forward from each source scans the buckets of the nodes it
// settles, and the cheapest source→meeting node→target sum is the answer.
// Both kinds of search use stall-on-demand. Searches run in parallel on
// GOMAXPROCS goroutines; the result does not depend on their number.
func (h *CH) Matrix(ctx context.Context, from, to []int32) (Table, error) {
	n := int32(h.NumNodes())
	for _, list := range [][]int32{from, to} {
		for _, v := range list {
			if v < 0 || v >= n {
				return Table{}, fmt.Errorf("road: node %d out of range (%d nodes)", v, n)
			}
		}
	}
	first, buckets, err := h.fillBuckets(ctx, to)
	if err != nil {
		return Table{}, fmt.Errorf("road: matrix: %w", err)
	}
	best := make([]cost, len(from)*len(to))
	err = h.parallel(ctx, len(from), func(ws *queryWorkspace, i int) {
		row := best[i*len(to) : (i+1)*len(to)]
		h.scanBuckets(ws.s, h.rank[from[i]], first, buckets, row)
	})
	if err != nil {
		return Table{}, fmt.Errorf("road: matrix: %w", err)
	}
	return newTable(len(from), len(to), best), nil
}

// parallel runs task(ws, i) for i in [0, n) like the package's parallel,
// giving each goroutine a workspace from h's pool, and returns them to the
// pool afterwards.
func (h *CH) parallel(ctx context.Context, n int, task func(ws *queryWorkspace, i int)) error {
	used := h.parallelKeep(ctx, n, task)
	h.release(used.ws)
	return used.err
}

type parallelResult struct {
	ws  []*queryWorkspace
	err error
}

// parallelKeep is parallel without releasing the workspaces: the caller
// reads them, then gives them back with release.
func (h *CH) parallelKeep(ctx context.Context, n int, task func(ws *queryWorkspace, i int)) parallelResult {
	var mu sync.Mutex // guards res.ws
	var res parallelResult
	res.err = parallel(ctx, n, func() func(int) {
		ws, ok := h.pool.Get().(*queryWorkspace)
		if !ok {
			ws = &queryWorkspace{s: newSearch(h.NumNodes())}
		}
		ws.entries = ws.entries[:0]
		mu.Lock()
		res.ws = append(res.ws, ws)
		mu.Unlock()
		return func(i int) { task(ws, i) }
	})
	return res
}

func (h *CH) release(ws []*queryWorkspace) {
	for _, w := range ws {
		h.pool.Put(w)
	}
}

// fillBuckets runs the backward search of every target and returns the
// buckets in CSR form: the entries of CH node x are buckets[first[x]:first[x+1]].
func (h *CH) fillBuckets(ctx context.Context, to []int32) (first []int32, buckets []bucketEntry, err error) {
	used := h.parallelKeep(ctx, len(to), func(ws *queryWorkspace, j int) {
		h.upward(ws.s, h.rank[to[j]], &h.down, &h.up, func(x int32, c cost) {
			ws.entries = append(ws.entries, located{x, bucketEntry{int32(j), c}})
		})
	})
	defer h.release(used.ws)
	if used.err != nil {
		return nil, nil, used.err
	}
	// Counting sort by node: count into first[x+1], sum, then fill using
	// first[x] as x's cursor, which leaves first shifted by one node.
	n := h.NumNodes()
	first = make([]int32, n+1)
	total := 0
	for _, ws := range used.ws {
		for _, e := range ws.entries {
			first[e.at+1]++
		}
		total += len(ws.entries)
	}
	for x := range n {
		first[x+1] += first[x]
	}
	buckets = make([]bucketEntry, total)
	for _, ws := range used.ws {
		for _, e := range ws.entries {
			buckets[first[e.at]] = e.bucketEntry
			first[e.at]++
		}
	}
	copy(first[1:], first[:n])
	first[0] = 0
	return first, buckets, nil
}

// scanBuckets runs the forward search from CH node src and lowers row[j] to
// the cost of every source→meeting node→target j combination it finds.
func (h *CH) scanBuckets(s *search, src int32, first []int32, buckets []bucketEntry, row []cost) {
	for j := range row {
		row[j] = infCost
	}
	h.upward(s, src, &h.up, &h.down, func(x int32, c cost) {
		for _, b := range buckets[first[x]:first[x+1]] {
			if d := c + b.c; d < row[b.col] {
				row[b.col] = d
			}
		}
	})
}

// upward runs a complete upward search from src over g, calling visit for
// every settled node that is not stalled. stall holds the same arcs as g
// weighted in the opposite direction: a node x is stalled (neither visited
// nor expanded) when some higher neighbour y already reached has
// dist(y) + cost(y→x) < dist(x), since no shortest path then climbs
// through x.
func (h *CH) upward(s *search, src int32, g, stall *csr, visit func(x int32, c cost)) {
	s.reset()
	s.relax(src, 0)
	for {
		x, c, ok := s.next()
		if !ok {
			return
		}
		if h.stalled(s, x, c, stall) {
			continue
		}
		visit(x, c)
		for e := g.first[x]; e < g.first[x+1]; e++ {
			s.relax(g.head[e], c+g.cost[e])
		}
	}
}

func (h *CH) stalled(s *search, x int32, c cost, stall *csr) bool {
	for e := stall.first[x]; e < stall.first[x+1]; e++ {
		if d := s.get(stall.head[e]); d != infCost && d+stall.cost[e] < c {
			return true
		}
	}
	return false
}
