package road

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

// heapItem is a tentative distance in a search's priority queue.
type heapItem struct {
	c cost
	v int32
}

// minHeap is a binary min-heap with lazy deletion: a node may be queued
// several times and stale entries are skipped when popped.
type minHeap []heapItem

func (h *minHeap) push(c cost, v int32) {
	*h = append(*h, heapItem{c, v})
	s := *h
	i := len(s) - 1
	for i > 0 {
		p := (i - 1) / 2
		if s[p].c <= c {
			break
		}
		s[i] = s[p]
		i = p
	}
	s[i] = heapItem{c, v}
}

func (h *minHeap) pop() heapItem {
	s := *h
	top := s[0]
	last := s[len(s)-1]
	s = s[:len(s)-1]
	*h = s
	n := len(s)
	if n == 0 {
		return top
	}
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		if r := l + 1; r < n && s[r].c < s[l].c {
			l = r
		}
		if s[l].c >= last.c {
			break
		}
		s[i] = s[l]
		i = l
	}
	s[i] = last
	return top
}

// search is the reusable state of one Dijkstra search over n nodes. A
// node's distance is valid only if its stamp equals the current round, so
// starting a new search costs nothing.
type search struct {
	dist  []cost
	stamp []uint32
	round uint32
	heap  minHeap
}

func newSearch(n int) *search {
	return &search{dist: make([]cost, n), stamp: make([]uint32, n)}
}

// reset starts a new search.
func (s *search) reset() {
	s.round++
	if s.round == 0 { // wrapped: old stamps could look current
		clear(s.stamp)
		s.round = 1
	}
	s.heap = s.heap[:0]
}

// get returns v's tentative distance, infCost if unvisited.
func (s *search) get(v int32) cost {
	if s.stamp[v] != s.round {
		return infCost
	}
	return s.dist[v]
}

// relax lowers v's distance to c if that is shorter, queueing v.
func (s *search) relax(v int32, c cost) {
	if s.stamp[v] != s.round || c < s.dist[v] {
		s.stamp[v], s.dist[v] = s.round, c
		s.heap.push(c, v)
	}
}

// next pops the closest unsettled node; ok is false when the queue is empty.
func (s *search) next() (v int32, c cost, ok bool) {
	for len(s.heap) > 0 {
		it := s.heap.pop()
		if it.c == s.dist[it.v] { // not a stale entry
			return it.v, it.c, true
		}
	}
	return 0, 0, false
}

// Dijkstra computes the table from every node in from to every node in to
// with one plain Dijkstra search per source on g, stopped once every target
// is settled. It is the reference the contraction hierarchy is tested
// against, and the floor it is measured against. Sources run in parallel on
// GOMAXPROCS goroutines.
func Dijkstra(ctx context.Context, g *Graph, from, to []int32) (Table, error) {
	if err := g.checkNodes(from, to); err != nil {
		return Table{}, err
	}
	tg := newTargets(g.NumNodes(), to)
	best := make([]cost, len(from)*len(to))
	err := parallel(ctx, len(from), func() func(int) {
		s := newSearch(g.NumNodes())
		return func(i int) { g.dijkstraRow(s, from[i], tg, best[i*len(to):(i+1)*len(to)]) }
	})
	if err != nil {
		return Table{}, fmt.Errorf("road: dijkstra: %w", err)
	}
	return newTable(len(from), len(to), best), nil
}

// targets indexes the distinct target nodes of a table.
type targets struct {
	index []int32 // node → index of the target, -1 if not a target
	cols  [][]int // target index → the table columns it fills
}

func newTargets(n int, to []int32) targets {
	tg := targets{index: make([]int32, n)}
	for v := range tg.index {
		tg.index[v] = -1
	}
	for j, t := range to {
		if tg.index[t] < 0 {
			tg.index[t] = int32(len(tg.cols))
			tg.cols = append(tg.cols, nil)
		}
		k := tg.index[t]
		tg.cols[k] = append(tg.cols[k], j)
	}
	return tg
}

// dijkstraRow fills row with the costs from src to the targets.
func (g *Graph) dijkstraRow(s *search, src int32, tg targets, row []cost) {
	for j := range row {
		row[j] = infCost
	}
	left := len(tg.cols)
	s.reset()
	s.relax(src, 0)
	for left > 0 {
		v, c, ok := s.next()
		if !ok {
			return
		}
		if k := tg.index[v]; k >= 0 {
			for _, j := range tg.cols[k] {
				row[j] = c
			}
			left--
		}
		for e := g.first[v]; e < g.first[v+1]; e++ {
			s.relax(g.head[e], c+g.cost[e])
		}
	}
}

// checkNodes rejects node ids outside g.
func (g *Graph) checkNodes(from, to []int32) error {
	n := int32(g.NumNodes())
	for _, list := range [][]int32{from, to} {
		for _, v := range list {
			if v < 0 || v >= n {
				return fmt.Errorf("road: node %d out of range (%d nodes)", v, n)
			}
		}
	}
	return nil
}

// parallel runs task(i) for i in [0, n) on up to GOMAXPROCS goroutines.
// newWorker is called once per goroutine and returns that goroutine's task,
// so each can own its scratch space. It stops early, returning ctx.Err(),
// when ctx is done.
func parallel(ctx context.Context, n int, newWorker func() func(int)) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			task := newWorker()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				task(i)
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}
