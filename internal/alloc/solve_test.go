package alloc

import (
	"context"
	"errors"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
)

func solveT(t *testing.T, p Problem) *Solution {
	t.Helper()
	sol, err := Solve(context.Background(), p)
	if err != nil {
		t.Fatalf("Solve: %v", err)
	}
	return sol
}

// TestBruteForce compares the optimum with exhaustive enumeration on tiny
// instances: at most 3 supplies and 3 demands per item, quantities ≤ 3.
func TestBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	cfg := genConfig{sources: 3, sites: 3, items: 2, maxQty: 3, batches: 1, demandsPerItem: 1,
		holdP: 0.8, needP: 0.8, unreachableP: 0.2}
	for n := range 400 {
		p := randomProblem(rng, cfg)
		for _, cand := range []int{1, 0, -1} {
			p.Candidates = cand
			sol := solveT(t, p)
			checkSolution(t, &p, sol)
			if want := bruteForce(&p); sol.Objective != want {
				t.Fatalf("instance %d, candidates %d: objective %d, brute force %d", n, cand, sol.Objective, want)
			}
		}
	}
}

// TestSuccessiveShortestPaths compares the optimum with an independent
// min-cost-flow algorithm on medium instances with several batches and
// deadlines per item.
func TestSuccessiveShortestPaths(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	cfg := genConfig{sources: 12, sites: 8, items: 3, maxQty: 20, batches: 3, demandsPerItem: 2,
		holdP: 0.6, needP: 0.7, unreachableP: 0.1}
	if testing.Short() {
		cfg.sources = 6
	}
	for n := range 100 {
		p := randomProblem(rng, cfg)
		for _, cand := range []int{1, 2, -1} {
			p.Candidates = cand
			sol := solveT(t, p)
			checkSolution(t, &p, sol)
			if want := sspObjective(&p); sol.Objective != want {
				t.Fatalf("instance %d, candidates %d: objective %d, SSP %d", n, cand, sol.Objective, want)
			}
		}
	}
}

// TestSparseEqualsFull checks that starting from a few candidate arcs and
// pricing in the rest reaches the full network's optimum, on instances
// large enough for many pricing rounds.
func TestSparseEqualsFull(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	cfg := genConfig{sources: 150, sites: 40, items: 4, maxQty: 5000, batches: 2, demandsPerItem: 2,
		holdP: 0.4, needP: 0.6, unreachableP: 0.05}
	for n := range 10 {
		p := randomProblem(rng, cfg)
		p.Candidates = -1
		full := solveT(t, p)
		checkSolution(t, &p, full)
		for _, cand := range []int{1, 3, 0} {
			p.Candidates = cand
			sparse := solveT(t, p)
			checkSolution(t, &p, sparse)
			if sparse.Objective != full.Objective {
				t.Fatalf("instance %d, candidates %d: sparse %d, full %d", n, cand, sparse.Objective, full.Objective)
			}
			if sparse.Stats.Arcs >= full.Stats.Arcs && cand > 0 {
				t.Errorf("instance %d: sparse used %d arcs of %d", n, sparse.Stats.Arcs, full.Stats.Arcs)
			}
		}
	}
}

// TestDeterministic solves the same input twice, and with different worker
// counts, and expects identical solutions.
func TestDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	cfg := genConfig{sources: 60, sites: 20, items: 12, maxQty: 300, batches: 2, demandsPerItem: 2,
		holdP: 0.5, needP: 0.5, unreachableP: 0.05}
	for range 5 {
		p := randomProblem(rng, cfg)
		var first *Solution
		for _, workers := range []int{1, 4, 0, 3} {
			p.Workers = workers
			sol := solveT(t, p)
			sol.Stats.Duration, sol.Stats.Workers = 0, 0
			if first == nil {
				first = sol
				continue
			}
			if !reflect.DeepEqual(first, sol) {
				t.Fatalf("workers %d: solution differs", workers)
			}
		}
	}
}

// TestPriorities: with too little stock, the higher-priority site is
// served first, even from the other incident's nearer depot.
func TestPriorities(t *testing.T) {
	p := Problem{
		Sources: []Source{{Key: "D", Tier: TierDistrict, District: "A", Supplies: []Supply{{Item: "tent", Qty: 100}}}},
		Sites: []Site{
			{Key: "low", District: "A", Priority: 1, Demands: []Demand{{Item: "tent", Qty: 80, Deadline: 4 * time.Hour}}},
			{Key: "high", District: "B", Priority: 3, Demands: []Demand{{Item: "tent", Qty: 80, Deadline: 4 * time.Hour}}},
		},
		Travel: func(s, t int) (time.Duration, bool) { return time.Duration(1+t) * time.Hour, true },
	}
	sol := solveT(t, p)
	checkSolution(t, &p, sol)
	if len(sol.Shortages) != 1 || sol.Shortages[0].Site != 0 || sol.Shortages[0].Qty != 60 ||
		sol.Shortages[0].Reason != ReasonExhausted {
		t.Fatalf("shortages %+v, want 60 short at the low-priority site", sol.Shortages)
	}
}

// TestDeadlineOverridesTier: own-district stock is preferred unless only a
// dearer tier arrives in time.
func TestDeadlineOverridesTier(t *testing.T) {
	p := Problem{
		Sources: []Source{
			{Key: "own", Tier: TierStreet, District: "A", Supplies: []Supply{{Item: "water", Qty: 50}}},
			{Key: "agree", Tier: TierAgreement, Supplies: []Supply{{Item: "water", Qty: 50, ReadyAfter: 30 * time.Minute}}},
		},
		Sites: []Site{{Key: "s", District: "A", Priority: 2, Demands: []Demand{
			{Item: "water", Qty: 30, Deadline: 2 * time.Hour},
			{Item: "water", Qty: 30, Deadline: 24 * time.Hour},
		}}},
		Travel: func(s, t int) (time.Duration, bool) {
			return []time.Duration{3 * time.Hour, time.Hour}[s], true
		},
	}
	sol := solveT(t, p)
	checkSolution(t, &p, sol)
	got := map[[2]int]int64{}
	for _, l := range sol.Lines {
		got[[2]int{l.Source, l.Demand}] += l.Qty
		if l.Late {
			t.Errorf("late line %+v", l)
		}
	}
	want := map[[2]int]int64{{1, 0}: 30, {0, 1}: 30}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("allocation %v, want %v", got, want)
	}
}

// TestReasons covers shortages without a feasible delivery: an item nobody
// holds, a site cut off, and an impossible deadline served late.
func TestReasons(t *testing.T) {
	p := Problem{
		Sources: []Source{{Key: "c", Tier: TierCity, Supplies: []Supply{{Item: "tent", Qty: 10}}}},
		Sites: []Site{
			{Key: "cut", Priority: 1, Demands: []Demand{{Item: "tent", Qty: 5, Deadline: time.Hour}}},
			{Key: "far", Priority: 1, Demands: []Demand{{Item: "tent", Qty: 5, Deadline: time.Minute}, {Item: "boat", Qty: 2, Deadline: time.Hour}}},
		},
		Travel: func(s, t int) (time.Duration, bool) { return 90 * time.Minute, t == 1 },
	}
	sol := solveT(t, p)
	checkSolution(t, &p, sol)
	if len(sol.Lines) != 1 || !sol.Lines[0].Late || sol.Lines[0].Qty != 5 {
		t.Errorf("lines %+v, want one late line of 5", sol.Lines)
	}
	var reasons []Reason
	for _, s := range sol.Shortages {
		reasons = append(reasons, s.Reason)
	}
	if want := []Reason{ReasonUnreachable, ReasonNoStock}; !reflect.DeepEqual(reasons, want) {
		t.Errorf("reasons %v, want %v", reasons, want)
	}
}

// TestOutsideSite: street and district stock never supplies a site outside
// the home city, however near or cheap. The outside site needs 10 tents;
// the district depot (10 min away) holds 100, the street depot (5 min) 5,
// the city depot (60 min) 4. Everything else being dearer than a shortage
// (1,000,000 × 2), the site gets the city's 4 (30 + 60 = 90 a unit) and 6
// are short with ReasonDistrictOnly; an inside site of the same district
// draws its own district's stock instead (street 5 at 0 + 5, district 5 at
// 0 + 10). With no street or district stock, and the city's 4 taken by a
// site of priority 10, the outside site is short of all 10, exhausted.
func TestOutsideSite(t *testing.T) {
	sources := func() []Source {
		return []Source{
			{Key: "district", Tier: TierDistrict, District: "110111", Supplies: []Supply{{Item: "tent", Qty: 100}}},
			{Key: "street", Tier: TierStreet, District: "110111", Supplies: []Supply{{Item: "tent", Qty: 5}}},
			{Key: "city", Tier: TierCity, Supplies: []Supply{{Item: "tent", Qty: 4}}},
		}
	}
	travel := func(s, t int) (time.Duration, bool) {
		return []time.Duration{10 * time.Minute, 5 * time.Minute, 60 * time.Minute}[s], true
	}
	outside := Site{Key: "zhuozhou", District: "110111", Outside: true, Priority: 2,
		Demands: []Demand{{Item: "tent", Qty: 10, Deadline: 24 * time.Hour}}}
	p := Problem{Sources: sources(), Sites: []Site{outside}, Travel: travel, Candidates: -1}
	sol := solveT(t, p)
	checkSolution(t, &p, sol)
	if len(sol.Lines) != 1 || sol.Lines[0].Source != 2 || sol.Lines[0].Qty != 4 || sol.Lines[0].UnitCost != 90 ||
		sol.Lines[0].Relation != RelCity {
		t.Fatalf("lines %+v, want 4 from the city at 90", sol.Lines)
	}
	if len(sol.Shortages) != 1 || sol.Shortages[0].Qty != 6 || sol.Shortages[0].Reason != ReasonDistrictOnly {
		t.Fatalf("shortages %+v, want 6 district-only", sol.Shortages)
	}
	if want := int64(4*90 + 6*2_000_000); sol.Objective != want {
		t.Errorf("objective %d, want %d", sol.Objective, want)
	}
	for _, a := range sol.Nearest(0, 0) {
		if a.Source != 2 {
			t.Errorf("nearest lists excluded source %d", a.Source)
		}
	}
	nw, err := BuildNetwork(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if len(nw.From) != 3+1+1 || sol.Stats.FullArcs != 1 { // 3 unused-supply arcs, 1 shortage, 1 city arc
		t.Errorf("network has %d arcs, stats %+v; want 5 and 1 full arc", len(nw.From), sol.Stats)
	}

	inside := outside
	inside.Key, inside.Outside = "fangshan", false
	p.Sites = []Site{inside}
	sol = solveT(t, p)
	checkSolution(t, &p, sol)
	if len(sol.Lines) != 2 || sol.Lines[0].Source != 0 || sol.Lines[0].Qty != 5 || sol.Lines[1].Source != 1 ||
		sol.Lines[1].Qty != 5 || len(sol.Shortages) != 0 {
		t.Fatalf("inside: lines %+v shortages %+v, want 5 from the district and 5 from the street depot", sol.Lines, sol.Shortages)
	}

	first := Site{Key: "first", Priority: 10, Demands: []Demand{{Item: "tent", Qty: 4, Deadline: 24 * time.Hour}}}
	p.Sites = []Site{outside, first}
	p.Sources = sources()
	p.Sources[0].Supplies, p.Sources[1].Supplies = nil, nil
	p.Sources[2].Supplies[0].Qty = 4
	sol = solveT(t, p)
	checkSolution(t, &p, sol)
	if len(sol.Shortages) != 1 || sol.Shortages[0].Site != 0 || sol.Shortages[0].Qty != 10 || sol.Shortages[0].Reason != ReasonExhausted {
		t.Fatalf("no local stock: shortages %+v, want 10 exhausted", sol.Shortages)
	}
}

// TestAlternatives explains a line by a nearer, exhausted depot.
func TestAlternatives(t *testing.T) {
	p := Problem{
		Sources: []Source{
			{Key: "fangshan", Tier: TierDistrict, District: "110111", Supplies: []Supply{{Item: "tent", Qty: 120}}},
			{Key: "daxing-city", Tier: TierCity, Supplies: []Supply{{Item: "tent", Qty: 1000}}},
			{Key: "agreement", Tier: TierAgreement, Supplies: []Supply{{Item: "tent", Qty: 1000, ReadyAfter: 10 * time.Minute}}},
		},
		Sites: []Site{{Key: "s", District: "110111", Priority: 2, Demands: []Demand{{Item: "tent", Qty: 420, Deadline: 4 * time.Hour}}}},
		Travel: func(s, t int) (time.Duration, bool) {
			return []time.Duration{40 * time.Minute, 100 * time.Minute, 20 * time.Minute}[s], true
		},
	}
	sol := solveT(t, p)
	checkSolution(t, &p, sol)
	if len(sol.Lines) != 2 || sol.Lines[1].Source != 1 || sol.Lines[1].Qty != 300 {
		t.Fatalf("lines %+v", sol.Lines)
	}
	alts := sol.Alternatives(1)
	if len(alts) != 2 {
		t.Fatalf("alternatives %+v", alts)
	}
	if a := alts[0]; a.Source != 2 || a.Why != WhyCostlier || a.Spare != 1000 {
		t.Errorf("first alternative %+v, want the agreement, costlier", a)
	}
	if a := alts[1]; a.Source != 0 || a.Why != WhyExhausted || a.Sent != 120 || a.Qty != 120 {
		t.Errorf("second alternative %+v, want Fangshan, exhausted", a)
	}
	if len(sol.Alternatives(0)) != 1 || sol.Nearest(0, 1) != nil || sol.Nearest(5, 0) != nil {
		t.Errorf("bad Nearest bounds")
	}
}

func TestErrors(t *testing.T) {
	travel := func(s, t int) (time.Duration, bool) { return time.Hour, true }
	ok := func() Problem {
		return Problem{
			Sources: []Source{{Key: "a", Tier: TierCity, Supplies: []Supply{{Item: "x", Qty: 1}}}},
			Sites:   []Site{{Key: "b", Priority: 1, Demands: []Demand{{Item: "x", Qty: 1}}}},
			Travel:  travel,
		}
	}
	cases := []struct {
		name string
		edit func(*Problem)
		want string
	}{
		{"nil travel", func(p *Problem) { p.Travel = nil }, "Travel is nil"},
		{"negative supply", func(p *Problem) { p.Sources[0].Supplies[0].Qty = -1 }, "negative quantity"},
		{"negative demand", func(p *Problem) { p.Sites[0].Demands[0].Qty = -5 }, "negative quantity"},
		{"no tier", func(p *Problem) { p.Sources[0].Tier = 0 }, "invalid tier"},
		{"no district", func(p *Problem) { p.Sources[0].Tier = TierStreet }, "needs a District"},
		{"priority", func(p *Problem) { p.Sites[0].Priority = 0 }, "priority 0"},
		{"empty item", func(p *Problem) { p.Sites[0].Demands[0].Item = "" }, "empty item"},
		{"ready", func(p *Problem) { p.Sources[0].Supplies[0].ReadyAfter = -time.Hour }, "ReadyAfter"},
		{"shortage weight", func(p *Problem) { p.Costs = DefaultCosts(); p.Costs.ShortageWeight = 0 }, "ShortageWeight"},
		{"negative travel", func(p *Problem) {
			p.Travel = func(int, int) (time.Duration, bool) { return -time.Second, true }
		}, "travel from source 0"},
		{"overflow", func(p *Problem) { p.Sites[0].Demands[0].Qty = 1 << 60 }, "overflows"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := ok()
			c.edit(&p)
			_, err := Solve(context.Background(), p)
			if err == nil || !strings.HasPrefix(err.Error(), "alloc: ") || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one mentioning %q", err, c.want)
			}
		})
	}
}

func TestCancelled(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	p := randomProblem(rng, genConfig{sources: 20, sites: 5, items: 5, maxQty: 10, batches: 1, demandsPerItem: 1, holdP: 0.5, needP: 0.5})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Solve(ctx, p); !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
}

func TestEmpty(t *testing.T) {
	sol := solveT(t, Problem{Travel: func(int, int) (time.Duration, bool) { return 0, true }})
	if len(sol.Lines) != 0 || sol.Objective != 0 {
		t.Fatalf("%+v", sol)
	}
}

func TestCapacityBatches(t *testing.T) {
	bs := CapacityBatches(500, 12*time.Hour, 60*time.Hour)
	want := []Batch{{500, 36 * time.Hour}, {500, 60 * time.Hour}, {500, 84 * time.Hour}}
	if !reflect.DeepEqual(bs, want) {
		t.Fatalf("batches %v, want %v", bs, want)
	}
	if bs := CapacityBatches(500, 48*time.Hour, 4*time.Hour); len(bs) != 1 {
		t.Fatalf("past the horizon: %v, want one batch", bs)
	}
	if CapacityBatches(0, 0, time.Hour) != nil {
		t.Fatal("zero capacity gives batches")
	}
	p := Problem{Sites: []Site{{Demands: []Demand{{Item: "a", Qty: 1, Deadline: 6 * time.Hour}, {Item: "a", Qty: 1, Deadline: 24 * time.Hour}}}}}
	if h := p.LatestDeadline("a"); h != 24*time.Hour {
		t.Fatalf("LatestDeadline %v", h)
	}
}

func TestStrings(t *testing.T) {
	if RelOtherDistrict.String() != "other-district" || TierAgreement.String() != "agreement" ||
		ReasonTooCostly.String() != "too-costly" || ReasonDistrictOnly.String() != "district-only" || WhyExhausted.String() != "exhausted" || Relation(9).String() != "Relation(9)" {
		t.Fatal("bad names")
	}
}

// TestBuildNetwork checks the exported network's shape and that its
// minimum cost, found by an independent solver, is Solve's objective.
func TestBuildNetwork(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	cfg := genConfig{sources: 10, sites: 6, items: 3, maxQty: 15, batches: 2, demandsPerItem: 2,
		holdP: 0.6, needP: 0.7, unreachableP: 0.1}
	for n := range 40 {
		p := randomProblem(rng, cfg)
		nw, err := BuildNetwork(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		sol := solveT(t, p)
		if len(nw.Supply) != sol.Stats.Nodes+sol.Stats.Items || len(nw.From) != sol.Stats.FullArcs+sol.Stats.Nodes ||
			nw.Components != sol.Stats.Items {
			t.Fatalf("instance %d: network %d nodes %d arcs, stats %+v", n, len(nw.Supply), len(nw.From), sol.Stats)
		}
		var sum int64
		for _, b := range nw.Supply {
			sum += b
		}
		if got := networkMinCost(nw); sum != 0 || got != sol.Objective {
			t.Fatalf("instance %d: network min cost %d (supply sum %d), Solve %d", n, got, sum, sol.Objective)
		}
	}
}
