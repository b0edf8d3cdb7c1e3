package alloc

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Solve computes an optimal allocation of p: the minimum-cost flow of every
// item from supplies to demands, each unmet unit costing its shortage
// penalty (see [Costs]). Items are independent and solved in parallel by at
// most p.Workers goroutines; the solution does not depend on their number
// or on scheduling.
//
// Solve returns an error for malformed input (negative quantities, nil
// Travel, invalid tiers, priorities or weights, durations beyond a year,
// quantities so large that costs overflow int64) and when ctx is cancelled,
// which it checks between items and every 1024 pivots. Impossible deadlines
// and missing stock are not errors: they show as late lines and as
// shortages with a [Reason].
func Solve(ctx context.Context, p Problem) (*Solution, error) {
	start := time.Now()
	pr, err := prepare(&p)
	if err != nil {
		return nil, err
	}
	if err := pr.fillTravel(ctx); err != nil {
		return nil, err
	}
	results, err := pr.solveItems(ctx)
	if err != nil {
		return nil, err
	}
	sol, err := pr.assemble(results)
	if err != nil {
		return nil, err
	}
	sol.Stats.Workers = pr.workers
	sol.Stats.Duration = time.Since(start)
	return sol, nil
}

// ErrTooLarge is wrapped by the errors of a problem whose quantities and
// weights could overflow the solver's int64 costs; callers tell it apart
// from a broken input with errors.Is.
var ErrTooLarge = errors.New("problem too large for int64 costs")

// Limits that keep every cost, potential and objective within int64.
const (
	maxSpan          = 366 * 24 * time.Hour
	maxPriority      = 1000
	maxRelationCost  = 1e9
	maxWeight        = 1e6
	maxShortage      = 1e9
	maxNodesPerItem  = 1 << 20
	maxPairsPerItem  = 1 << 27 // the omitted-arc matrix takes 8 bytes a pair
	maxObjectivePart = MaxObjective
)

// MaxObjective bounds the worst objective of a problem, every demand left
// short: the sum over all demands of quantity × ShortageWeight × priority,
// and each item's part of it. Solve refuses a larger problem with
// ErrTooLarge; callers can check their input against it first.
const MaxObjective = 1 << 61

// prepared is a validated problem, indexed for solving. It is read-only
// once built, and shared by the workers.
type prepared struct {
	p          *Problem
	costs      Costs
	candidates int // k cheapest arcs per demand to start from; < 0: all
	addPerRow  int // most negative arcs added per demand per pricing pass
	workers    int
	nSrc       int
	travel     []int64 // [site*nSrc+source] in ns; −1 unreachable or unused
	srcUsed    []bool
	siteUsed   []bool
	items      []itemDef
}

// unit is the cost of one unit arriving at arrival for a demand due at
// deadline with priority prio, given the relation's cost.
func (c *Costs) unit(rel int64, arrival, deadline time.Duration, prio int64) int64 {
	u := rel + c.TimeWeight*ceilMinutes(arrival)
	if arrival > deadline {
		u += c.LateWeight * prio * ceilMinutes(arrival-deadline)
	}
	return u
}

// ceilMinutes rounds a non-negative duration up to whole minutes.
func ceilMinutes(d time.Duration) int64 {
	return int64((d + time.Minute - 1) / time.Minute)
}

func prepare(p *Problem) (*prepared, error) {
	pr := &prepared{p: p, costs: p.Costs, candidates: p.Candidates, nSrc: len(p.Sources)}
	if pr.costs == (Costs{}) {
		pr.costs = DefaultCosts()
	}
	if pr.candidates == 0 {
		pr.candidates = defaultCandidates
	}
	pr.addPerRow = addFactor * max(pr.candidates, 1)
	if p.Travel == nil {
		return nil, fmt.Errorf("alloc: Problem.Travel is nil")
	}
	if err := validateCosts(&pr.costs); err != nil {
		return nil, err
	}
	if err := pr.index(); err != nil {
		return nil, err
	}
	if err := pr.checkSizes(); err != nil {
		return nil, err
	}
	pr.workers = p.Workers
	if pr.workers <= 0 {
		pr.workers = runtime.GOMAXPROCS(0)
	}
	pr.workers = max(1, min(pr.workers, len(pr.items)))
	return pr, nil
}

func validateCosts(c *Costs) error {
	for r, v := range c.Relation {
		if v < 0 || v > maxRelationCost {
			return fmt.Errorf("alloc: Costs.Relation[%v] = %d outside [0, 1e9]", Relation(r), v)
		}
	}
	if c.TimeWeight < 0 || c.TimeWeight > maxWeight {
		return fmt.Errorf("alloc: Costs.TimeWeight = %d outside [0, 1e6]", c.TimeWeight)
	}
	if c.LateWeight < 0 || c.LateWeight > maxWeight {
		return fmt.Errorf("alloc: Costs.LateWeight = %d outside [0, 1e6]", c.LateWeight)
	}
	if c.ShortageWeight < 1 || c.ShortageWeight > maxShortage {
		return fmt.Errorf("alloc: Costs.ShortageWeight = %d outside [1, 1e9]", c.ShortageWeight)
	}
	return nil
}

// index builds the items: demands first, then the supplies of demanded
// items. District codes are interned in one map so that ids compare.
func (pr *prepared) index() error {
	byName := map[string]int{}
	districts := map[string]int32{}
	if err := pr.indexDemands(byName, districts); err != nil {
		return err
	}
	return pr.indexSupplies(byName, districts)
}

// indexDemands creates one itemDef per demanded item, in order of first
// appearance, with its demand nodes in site and demand order.
func (pr *prepared) indexDemands(byName map[string]int, districts map[string]int32) error {
	p := pr.p
	pr.siteUsed = make([]bool, len(p.Sites))
	for t, site := range p.Sites {
		if site.Priority < 1 || site.Priority > maxPriority {
			return fmt.Errorf("alloc: site %d (%q): priority %d outside [1, %d]", t, site.Key, site.Priority, maxPriority)
		}
		for di, d := range site.Demands {
			if err := checkDemand(d); err != nil {
				return fmt.Errorf("alloc: site %d (%q) demand %d: %w", t, site.Key, di, err)
			}
			if d.Qty == 0 {
				continue
			}
			k, ok := byName[d.Item]
			if !ok {
				k = len(pr.items)
				byName[d.Item] = k
				pr.items = append(pr.items, itemDef{name: d.Item})
			}
			pr.siteUsed[t] = true
			prio := int64(site.Priority)
			dist := int32(-1)
			if !site.Outside {
				dist = districtID(districts, site.District, -1)
			}
			pr.items[k].demands = append(pr.items[k].demands, demandRef{
				site: int32(t), idx: int32(di), dist: dist, outside: site.Outside,
				qty: d.Qty, deadline: d.Deadline, prio: prio, penalty: pr.costs.ShortageWeight * prio,
			})
		}
	}
	return nil
}

func checkDemand(d Demand) error {
	switch {
	case d.Item == "":
		return fmt.Errorf("empty item")
	case d.Qty < 0:
		return fmt.Errorf("item %q: negative quantity %d", d.Item, d.Qty)
	case d.Deadline < -maxSpan || d.Deadline > maxSpan:
		return fmt.Errorf("item %q: deadline %v beyond one year", d.Item, d.Deadline)
	}
	return nil
}

// districtID interns a district code; the empty code maps to none.
func districtID(ids map[string]int32, code string, none int32) int32 {
	if code == "" {
		return none
	}
	id, ok := ids[code]
	if !ok {
		id = int32(len(ids))
		ids[code] = id
	}
	return id
}

// indexSupplies adds every supply of a demanded item to its item.
func (pr *prepared) indexSupplies(byName map[string]int, districts map[string]int32) error {
	p := pr.p
	pr.srcUsed = make([]bool, len(p.Sources))
	for s, src := range p.Sources {
		if !src.Tier.valid() {
			return fmt.Errorf("alloc: source %d (%q): invalid tier %d", s, src.Key, uint8(src.Tier))
		}
		dist, rel := int32(-2), RelationOf(src.Tier, "", "")
		if src.Tier == TierStreet || src.Tier == TierDistrict {
			if src.District == "" {
				return fmt.Errorf("alloc: source %d (%q): a %v source needs a District", s, src.Key, src.Tier)
			}
			dist = districtID(districts, src.District, -2)
		}
		for si, sup := range src.Supplies {
			if err := checkSupply(sup); err != nil {
				return fmt.Errorf("alloc: source %d (%q) supply %d: %w", s, src.Key, si, err)
			}
			k, ok := byName[sup.Item]
			if !ok || sup.Qty == 0 {
				continue
			}
			it := &pr.items[k]
			it.supplies = append(it.supplies, supplyRef{
				src: int32(s), idx: int32(si), dist: dist, rel: rel, qty: sup.Qty, ready: sup.ReadyAfter,
			})
			if it.total += sup.Qty; it.total > maxObjectivePart {
				return fmt.Errorf("alloc: item %q: total supply overflows: %w", sup.Item, ErrTooLarge)
			}
			pr.srcUsed[s] = true
		}
	}
	return nil
}

func checkSupply(s Supply) error {
	switch {
	case s.Item == "":
		return fmt.Errorf("empty item")
	case s.Qty < 0:
		return fmt.Errorf("item %q: negative quantity %d", s.Item, s.Qty)
	case s.ReadyAfter < 0 || s.ReadyAfter > maxSpan:
		return fmt.Errorf("item %q: ReadyAfter %v outside [0, 1 year]", s.Item, s.ReadyAfter)
	}
	return nil
}

// checkSizes rejects items whose node count or worst-case objective (all
// demand short) would not fit the int64 arithmetic.
func (pr *prepared) checkSizes() error {
	var total int64
	for k := range pr.items {
		it := &pr.items[k]
		m, n := len(it.supplies), len(it.demands)
		if m+n > maxNodesPerItem || m*n > maxPairsPerItem {
			return fmt.Errorf("alloc: item %q: %d supplies × %d demands is too large (at most %d nodes, %d pairs)",
				it.name, m, n, maxNodesPerItem, maxPairsPerItem)
		}
		var worst int64
		for _, d := range it.demands {
			if d.qty > (maxObjectivePart-worst)/d.penalty {
				return fmt.Errorf("alloc: item %q: demand × shortage cost overflows int64; scale quantities or weights down: %w", it.name, ErrTooLarge)
			}
			worst += d.qty * d.penalty
		}
		if total += worst; total > maxObjectivePart {
			return fmt.Errorf("alloc: total demand × shortage cost overflows int64; scale quantities or weights down: %w", ErrTooLarge)
		}
	}
	return nil
}

// fillTravel asks Travel for every (used source, used site) pair, in
// parallel over sites.
func (pr *prepared) fillTravel(ctx context.Context) error {
	nSite := len(pr.p.Sites)
	pr.travel = make([]int64, nSite*pr.nSrc)
	return pr.parallel(ctx, nSite, func(_, t int) error {
		row := pr.travel[t*pr.nSrc : (t+1)*pr.nSrc]
		for s := range row {
			row[s] = -1
			if !pr.siteUsed[t] || !pr.srcUsed[s] {
				continue
			}
			d, ok := pr.p.Travel(s, t)
			if !ok {
				continue
			}
			if d < 0 || d > maxSpan {
				return fmt.Errorf("alloc: travel from source %d (%q) to site %d (%q): %v outside [0, 1 year]",
					s, pr.p.Sources[s].Key, t, pr.p.Sites[t].Key, d)
			}
			row[s] = int64(d)
		}
		return nil
	})
}

// parallel runs fn(g, k) for k in 0..n-1 on pr.workers goroutines, g
// being the goroutine's number, and returns the error of the lowest k that
// failed; it stops handing out work after an error or a cancellation.
func (pr *prepared) parallel(ctx context.Context, n int, fn func(g, k int) error) error {
	errs := make([]error, n)
	var next atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	for g := range min(pr.workers, n) {
		wg.Go(func() {
			for {
				k := int(next.Add(1) - 1)
				if k >= n || failed.Load() {
					return
				}
				if err := ctx.Err(); err != nil {
					errs[k] = fmt.Errorf("alloc: %w", err)
				} else {
					errs[k] = fn(g, k)
				}
				if errs[k] != nil {
					failed.Store(true)
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// solveItems solves every item, each goroutine reusing its worker's
// buffers from item to item.
func (pr *prepared) solveItems(ctx context.Context) ([]*itemResult, error) {
	results := make([]*itemResult, len(pr.items))
	workers := make([]worker, pr.workers)
	err := pr.parallel(ctx, len(pr.items), func(g, k int) error {
		w := &workers[g]
		w.pr = pr
		r, err := w.solveItem(ctx, &pr.items[k])
		if err != nil {
			return fmt.Errorf("alloc: item %q: %w", pr.items[k].name, err)
		}
		results[k] = r
		return nil
	})
	return results, err
}

// assemble merges the item results in item order, then sorts lines and
// shortages by site and demand.
func (pr *prepared) assemble(results []*itemResult) (*Solution, error) {
	sol := &Solution{}
	sol.base = make([]int, len(pr.p.Sites)+1)
	for t, s := range pr.p.Sites {
		sol.base[t+1] = sol.base[t] + len(s.Demands)
	}
	nearest := make([][]Alternative, sol.base[len(pr.p.Sites)])
	for k, r := range results {
		sol.Lines = append(sol.Lines, r.lines...)
		sol.Shortages = append(sol.Shortages, r.shortages...)
		if r.objective > maxObjectivePart-sol.Objective {
			return nil, fmt.Errorf("alloc: objective overflows int64: %w", ErrTooLarge)
		}
		sol.Objective += r.objective
		for j, d := range pr.items[k].demands {
			nearest[sol.base[d.site]+int(d.idx)] = r.nearest[j]
		}
		st := &sol.Stats
		st.Items++
		st.Nodes += r.nodes
		st.Arcs += r.arcs
		st.FullArcs += r.fullArcs
		st.Pivots += r.pivots
		st.PricingRounds += r.rounds
	}
	sol.Lines = sortByDemand(sol.Lines, sol.base, func(l *Line) (int, int) { return l.Site, l.Demand })
	sol.Shortages = sortByDemand(sol.Shortages, sol.base, func(s *Shortage) (int, int) { return s.Site, s.Demand })
	sol.off = make([]int, len(nearest)+1)
	for k, a := range nearest {
		sol.nearest = append(sol.nearest, a...)
		sol.off[k+1] = len(sol.nearest)
	}
	return sol, nil
}

// sortByDemand is a stable counting sort of xs by (site, demand), given
// base[site], the number of demands of the sites before it.
func sortByDemand[T any](xs []T, base []int, key func(*T) (site, demand int)) []T {
	pos := make([]int, base[len(base)-1]+1)
	for k := range xs {
		t, d := key(&xs[k])
		pos[base[t]+d+1]++
	}
	for k := 1; k < len(pos); k++ {
		pos[k] += pos[k-1]
	}
	out := make([]T, len(xs))
	for k := range xs {
		t, d := key(&xs[k])
		out[pos[base[t]+d]] = xs[k]
		pos[base[t]+d]++
	}
	return out
}
