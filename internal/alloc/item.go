package alloc

import (
	"context"
	"math"
	"time"
)

// This file solves one item: it builds the item's network (supply nodes,
// demand nodes and the root), starts from the cheapest candidate arcs per
// demand and prices in the omitted arcs until none has a negative reduced
// cost.

// noArc marks an omitted-arc cost matrix entry that needs no pricing: the
// pair is unreachable, already in the network, or never worth using.
const noArc = math.MaxInt64

// Parameters of the candidate strategy, tuned on the bench/dispatch
// instances by counting pivot-search and pricing work: fewer candidates
// mean more pricing passes over the omitted arcs, more mean a slower
// search for entering arcs.
const (
	defaultCandidates = 32 // cheapest arcs per demand to start from
	addFactor         = 4  // a pricing pass adds up to addFactor × candidates arcs per demand
	nearestPerDemand  = 3  // alternatives kept per demand
)

// supplyRef is one supply node of an item.
type supplyRef struct {
	src, idx int32    // source and supply index
	dist     int32    // source's district id for own-district matching, -2 if none (not street or district stock)
	rel      Relation // relation to sites outside its district
	qty      int64
	ready    time.Duration
}

// demandRef is one demand node of an item.
type demandRef struct {
	site, idx int32
	dist      int32 // site's district id, -1 if none
	outside   bool  // site outside the home city: no street or district stock
	qty       int64
	deadline  time.Duration
	prio      int64
	penalty   int64 // ShortageWeight × priority
}

// itemDef is an item's share of the problem.
type itemDef struct {
	name     string
	supplies []supplyRef
	demands  []demandRef
	total    int64 // total supply
}

// itemResult is what solving one item yields; Solve assembles these.
type itemResult struct {
	lines     []Line
	shortages []Shortage
	nearest   [][]Alternative // per demand node
	objective int64
	nodes     int
	arcs      int
	fullArcs  int
	pivots    int
	rounds    int
}

// worker holds the buffers one goroutine reuses from item to item.
type worker struct {
	pr       *prepared
	x        simplex
	omitted  []int64 // [j*m+i]: cost of omitted arc i→j, or noArc
	supply   []int64
	rootCost []int64
	best     topK // cheapest arcs of the current demand
	near     [][]ranked
	firstArc []int32 // per demand, its cheapest arc (for initial pivots)
	spare    []int64
	found    topK    // most negative reduced costs of a row in a pricing pass
	rowMin   []int64 // per demand, a lower bound on its omitted arcs' costs
}

// solveItem solves item it to optimality.
func (w *worker) solveItem(ctx context.Context, it *itemDef) (*itemResult, error) {
	m, n := len(it.supplies), len(it.demands)
	res := &itemResult{nodes: m + n}
	w.resetNodes(it)
	w.buildArcs(it, res)
	for _, e := range w.firstArc {
		if e >= 0 {
			if err := w.x.pivotOn(e); err != nil {
				return nil, err
			}
		}
	}
	for {
		if err := w.x.solve(ctx); err != nil {
			return nil, err
		}
		res.rounds++
		if w.priceOmitted(m, n) == 0 {
			break
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	res.pivots = w.x.pivots
	res.arcs = len(w.x.src) - m - n
	w.extract(it, res)
	return res, nil
}

// resetNodes sets up the nodes and the initial tree: all supply unused, all
// demand short.
func (w *worker) resetNodes(it *itemDef) {
	m, n := len(it.supplies), len(it.demands)
	w.supply = resize(w.supply, m+n)
	w.rootCost = resize(w.rootCost, m+n)
	for i, s := range it.supplies {
		w.supply[i], w.rootCost[i] = s.qty, 0
	}
	for j, d := range it.demands {
		w.supply[m+j], w.rootCost[m+j] = -d.qty, d.penalty
	}
	w.x.reset(w.supply, w.rootCost)
}

// buildArcs computes every reachable arc's cost, adds the k cheapest per
// demand to the network (all of them when Candidates < 0) and keeps the
// rest in the omitted matrix for pricing. It also records each demand's
// nearest supplies.
func (w *worker) buildArcs(it *itemDef, res *itemResult) {
	m, n := len(it.supplies), len(it.demands)
	w.omitted = resize(w.omitted, m*n)
	w.firstArc = resize(w.firstArc, n)
	w.rowMin = resize(w.rowMin, n)
	if cap(w.near) < n {
		w.near = make([][]ranked, n)
	}
	w.near = w.near[:n]
	for j := range it.demands {
		row := w.omitted[j*m : (j+1)*m]
		res.fullArcs += w.costRow(it, &it.demands[j], row, j)
		w.firstArc[j], w.rowMin[j] = -1, noArc
		if w.pr.candidates < 0 {
			w.addAll(row, j)
			continue
		}
		// When the list is full, every omitted arc costs at least as
		// much as the dearest candidate; otherwise none was omitted.
		if w.best.full() {
			w.rowMin[j] = w.best.worst().key
		}
		for r, b := range w.best.sorted() {
			e := w.x.addArc(b.i, int32(m+j), b.key)
			row[b.i] = noArc
			if r == 0 {
				w.firstArc[j] = e
			}
		}
	}
	w.x.setBlockSize()
}

// addAll moves every arc of demand j's row into the network, the cheapest
// first (for the initial pivot).
func (w *worker) addAll(row []int64, j int) {
	m := len(row)
	cheapest := -1
	for i, c := range row {
		if c != noArc && (cheapest < 0 || c < row[cheapest]) {
			cheapest = i
		}
	}
	if cheapest < 0 {
		return
	}
	w.firstArc[j] = w.x.addArc(int32(cheapest), int32(m+j), row[cheapest])
	row[cheapest] = noArc
	for i, c := range row {
		if c != noArc {
			w.x.addArc(int32(i), int32(m+j), c)
			row[i] = noArc
		}
	}
}

// costRow fills row with the cost of every supply to demand d (noArc when
// unreachable or never worth it), offers each arc to w.best (the k
// cheapest) and each supply to w.near[j] (the soonest). It returns the
// number of supplies that can reach the site.
func (w *worker) costRow(it *itemDef, d *demandRef, row []int64, j int) int {
	pr := w.pr
	travel := pr.travel[int(d.site)*pr.nSrc : (int(d.site)+1)*pr.nSrc]
	near := w.near[j][:0]
	w.best.reset(pr.candidates)
	reachable := 0
	for i := range it.supplies {
		s := &it.supplies[i]
		tr := travel[s.src]
		if tr < 0 || excluded(s, d) {
			row[i] = noArc
			continue
		}
		reachable++
		if arr := int64(s.ready) + tr; len(near) < nearestPerDemand || arr < near[nearestPerDemand-1].key {
			near = insertRanked(near, ranked{arr, int32(i)}, nearestPerDemand)
		}
		c := pr.pairCost(s, d, tr)
		if c >= d.penalty { // a shortage is never dearer: drop the arc
			row[i] = noArc
			continue
		}
		row[i] = c
		if w.best.k > 0 && (!w.best.full() || c < w.best.worst().key) {
			w.best.offer(ranked{c, int32(i)})
		}
	}
	w.near[j] = near
	return reachable
}

// excluded reports whether supply s may not serve demand d at all: street
// and district stock does not supply a site outside the home city.
func excluded(s *supplyRef, d *demandRef) bool { return d.outside && s.dist >= 0 }

// relation returns the relation of supply s to demand d's site.
func relation(s *supplyRef, d *demandRef) Relation {
	if s.dist == d.dist {
		return RelOwnDistrict
	}
	return s.rel
}

// pairCost is the unit cost of supply s to demand d, travel tr apart (ns).
func (pr *prepared) pairCost(s *supplyRef, d *demandRef, tr int64) int64 {
	c := &pr.costs
	return c.unit(c.Relation[relation(s, d)], s.ready+time.Duration(tr), d.deadline, d.prio)
}

// priceOmitted computes the reduced cost of every omitted arc with the
// current potentials and adds, per demand, the most negative ones (at most
// addPerRow). It returns how many it added; zero proves the current flow
// optimal on the full network.
func (w *worker) priceOmitted(m, n int) int {
	pi := w.x.pi
	limit := w.pr.addPerRow
	added := 0
	for j := range n {
		// The candidate network is optimal, so its root arcs have reduced
		// cost ≥ 0: every supply's potential is ≥ the root's, 0. Hence
		// rc(i,j) ≥ c(i,j) − π_j, and rows whose cheapest omitted arc
		// costs at least π_j hold no negative arc (noArc never does).
		pj := pi[m+j]
		if w.rowMin[j] >= pj {
			continue
		}
		row := w.omitted[j*m : (j+1)*m]
		w.found.reset(limit)
		rowMin := int64(noArc)
		for i, c := range row {
			if c < pj {
				if rc := c + pi[i] - pj; rc < 0 {
					w.found.offer(ranked{rc, int32(i)})
					continue
				}
			}
			rowMin = min(rowMin, c)
		}
		if w.found.full() { // negative arcs may be left out: rescan next time
			rowMin = -1
		}
		for _, f := range w.found.sorted() {
			w.x.addArc(f.i, int32(m+j), row[f.i])
			row[f.i] = noArc
		}
		w.rowMin[j] = rowMin
		added += len(w.found.h)
	}
	if added > 0 {
		w.x.setBlockSize()
	}
	return added
}
