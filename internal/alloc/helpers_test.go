package alloc

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// This file holds the test instance generator and an independent
// reference: costs recomputed from the documented formula, and an
// invariant checker for solutions.

// genConfig sizes a random problem.
type genConfig struct {
	sources, sites, items int
	maxQty                int64
	batches               int     // max supplies per (source, item)
	demandsPerItem        int     // max demands per (site, item)
	holdP, needP          float64 // probability a source holds / a site needs an item
	unreachableP          float64
}

// randomProblem builds a reproducible random problem, with a dense travel
// matrix behind Travel.
func randomProblem(rng *rand.Rand, c genConfig) Problem {
	items := make([]string, c.items)
	for k := range items {
		items[k] = fmt.Sprintf("item%02d", k)
	}
	districts := []string{"110111", "110115", "110106"}
	readies := []time.Duration{0, 0, 0, 30 * time.Minute, 2 * time.Hour, 25 * time.Hour}
	deadlines := []time.Duration{-time.Hour, 0, 20 * time.Minute, time.Hour, 4 * time.Hour, 6 * time.Hour, 24 * time.Hour}
	var p Problem
	for s := range c.sources {
		src := Source{Key: fmt.Sprintf("S%d", s), Tier: Tier(1 + rng.IntN(6)), District: districts[rng.IntN(3)]}
		for _, it := range items {
			if rng.Float64() >= c.holdP {
				continue
			}
			for range 1 + rng.IntN(c.batches) {
				src.Supplies = append(src.Supplies, Supply{Item: it, Qty: rng.Int64N(c.maxQty + 1), ReadyAfter: readies[rng.IntN(len(readies))]})
			}
		}
		p.Sources = append(p.Sources, src)
	}
	for t := range c.sites {
		// Every third site lies outside the home city (no rng draw, so the
		// streams of the other fields are unchanged).
		site := Site{Key: fmt.Sprintf("T%d", t), Incident: "I", District: districts[rng.IntN(3)], Priority: 1 + rng.IntN(3),
			Outside: t%3 == 2}
		for _, it := range items {
			if rng.Float64() >= c.needP {
				continue
			}
			for range 1 + rng.IntN(c.demandsPerItem) {
				site.Demands = append(site.Demands, Demand{Item: it, Qty: rng.Int64N(c.maxQty + 1), Deadline: deadlines[rng.IntN(len(deadlines))]})
			}
		}
		p.Sites = append(p.Sites, site)
	}
	travel := make([]time.Duration, c.sources*c.sites)
	for k := range travel {
		travel[k] = time.Duration(rng.IntN(600*60)) * time.Second
		if rng.Float64() < c.unreachableP {
			travel[k] = -1
		}
	}
	nSites := c.sites
	p.Travel = func(s, t int) (time.Duration, bool) {
		d := travel[s*nSites+t]
		return d, d >= 0
	}
	p.Costs = DefaultCosts()
	switch rng.IntN(4) {
	case 0: // shortages compete with late deliveries
		p.Costs.ShortageWeight = 200 + rng.Int64N(2000)
	case 1: // scrambled tier preferences
		for r := range p.Costs.Relation {
			p.Costs.Relation[r] = rng.Int64N(300)
		}
		p.Costs.LateWeight = rng.Int64N(100)
	}
	return p
}

// refUnitCost recomputes a unit's cost from the documented formula,
// independently of the solver's code; ok is false when the source cannot
// serve the site (unreachable, or street and district stock to a site
// outside the home city).
func refUnitCost(p *Problem, s, t int, sup Supply, dem Demand) (cost int64, ok bool) {
	tr, ok := p.Travel(s, t)
	if !ok || refExcluded(p, s, t) {
		return 0, false
	}
	minutes := func(d time.Duration) int64 {
		m := int64(d / time.Minute)
		if d%time.Minute != 0 {
			m++
		}
		return m
	}
	costs := p.Costs
	if costs == (Costs{}) {
		costs = DefaultCosts()
	}
	src, site := p.Sources[s], p.Sites[t]
	rel := RelationOf(src.Tier, src.District, site.District)
	arr := sup.ReadyAfter + tr
	cost = costs.Relation[rel] + costs.TimeWeight*minutes(arr)
	if arr > dem.Deadline {
		cost += costs.LateWeight * int64(site.Priority) * minutes(arr-dem.Deadline)
	}
	return cost, true
}

// refExcluded reports whether source s may not serve site t: street and
// district stock does not supply a site outside the home city.
func refExcluded(p *Problem, s, t int) bool {
	tier := p.Sources[s].Tier
	return p.Sites[t].Outside && (tier == TierStreet || tier == TierDistrict)
}

// shortageCost is the documented per-unit shortage cost at site t.
func shortageCost(p *Problem, t int) int64 {
	costs := p.Costs
	if costs == (Costs{}) {
		costs = DefaultCosts()
	}
	return costs.ShortageWeight * int64(p.Sites[t].Priority)
}

// key indexes a supply (source, supply) or a demand (site, demand).
type key struct{ a, b int }

// checkSolution verifies a solution's invariants against the problem and
// returns its objective recomputed from the lines and shortages.
func checkSolution(t *testing.T, p *Problem, sol *Solution) int64 {
	t.Helper()
	sent := map[key]int64{}     // per (source, supply)
	received := map[key]int64{} // per (site, demand)
	var obj int64
	for k, l := range sol.Lines {
		sup := p.Sources[l.Source].Supplies[l.Supply]
		dem := p.Sites[l.Site].Demands[l.Demand]
		tr, _ := p.Travel(l.Source, l.Site)
		want, ok := refUnitCost(p, l.Source, l.Site, sup, dem)
		switch {
		case !ok:
			t.Fatalf("line %d: unreachable or excluded pair %+v", k, l)
		case l.Qty <= 0:
			t.Fatalf("line %d: quantity %d", k, l.Qty)
		case sup.Item != l.Item || dem.Item != l.Item:
			t.Fatalf("line %d: item %q from %q to %q", k, l.Item, sup.Item, dem.Item)
		case l.ReadyAfter != sup.ReadyAfter || l.Travel != tr || l.Arrival != l.ReadyAfter+l.Travel:
			t.Fatalf("line %d: times %+v, travel %v", k, l, tr)
		case l.Deadline != dem.Deadline || l.Late != (l.Arrival > dem.Deadline):
			t.Fatalf("line %d: late flag %+v, deadline %v", k, l, dem.Deadline)
		case l.UnitCost != want:
			t.Fatalf("line %d: unit cost %d, want %d", k, l.UnitCost, want)
		case l.Relation != RelationOf(p.Sources[l.Source].Tier, p.Sources[l.Source].District, p.Sites[l.Site].District):
			t.Fatalf("line %d: relation %v", k, l.Relation)
		}
		if k > 0 && !linesOrdered(sol.Lines[k-1], l) {
			t.Fatalf("lines %d and %d out of order", k-1, k)
		}
		sent[key{l.Source, l.Supply}] += l.Qty
		received[key{l.Site, l.Demand}] += l.Qty
		obj += l.Qty * l.UnitCost
	}
	for s, src := range p.Sources {
		for si, sup := range src.Supplies {
			if sent[key{s, si}] > sup.Qty {
				t.Fatalf("source %d supply %d overdrawn: %d > %d", s, si, sent[key{s, si}], sup.Qty)
			}
		}
	}
	for k, sh := range sol.Shortages {
		if sh.Qty <= 0 || sh.UnitCost != shortageCost(p, sh.Site) || sh.Item != p.Sites[sh.Site].Demands[sh.Demand].Item {
			t.Fatalf("shortage %d: %+v", k, sh)
		}
		checkReason(t, p, sol, sh, sent)
		received[key{sh.Site, sh.Demand}] += sh.Qty
		obj += sh.Qty * sh.UnitCost
	}
	for st, site := range p.Sites {
		for d, dem := range site.Demands {
			if got := received[key{st, d}]; got != dem.Qty {
				t.Fatalf("site %d demand %d: delivered + short = %d, want %d", st, d, got, dem.Qty)
			}
		}
	}
	if obj != sol.Objective {
		t.Fatalf("objective %d, recomputed %d", sol.Objective, obj)
	}
	return obj
}

func linesOrdered(a, b Line) bool {
	if a.Site != b.Site {
		return a.Site < b.Site
	}
	if a.Demand != b.Demand {
		return a.Demand < b.Demand
	}
	if a.Source != b.Source {
		return a.Source < b.Source
	}
	return a.Supply < b.Supply
}

// checkReason verifies a shortage's reason against the final allocation.
func checkReason(t *testing.T, p *Problem, sol *Solution, sh Shortage, sent map[key]int64) {
	t.Helper()
	var stock int64
	reachable, spare, local, spareLocal := false, false, false, false
	for s, src := range p.Sources {
		for si, sup := range src.Supplies {
			if sup.Item != sh.Item || sup.Qty == 0 {
				continue
			}
			stock += sup.Qty
			if _, ok := p.Travel(s, sh.Site); !ok {
				continue
			}
			if refExcluded(p, s, sh.Site) {
				local = true
				spareLocal = spareLocal || sent[key{s, si}] < sup.Qty
				continue
			}
			reachable = true
			spare = spare || sent[key{s, si}] < sup.Qty
		}
	}
	want := ReasonExhausted
	switch {
	case stock == 0:
		want = ReasonNoStock
	case spare:
		want = ReasonTooCostly
	case spareLocal || (local && !reachable):
		want = ReasonDistrictOnly
	case !reachable:
		want = ReasonUnreachable
	}
	if sh.Reason != want {
		t.Fatalf("shortage %+v: reason %v, want %v", sh, sh.Reason, want)
	}
}
