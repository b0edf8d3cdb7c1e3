package alloc

import (
	"fmt"
	"time"
)

// Solution is an optimal allocation. Every unit of every demand appears
// exactly once, either in a Line or in a Shortage.
type Solution struct {
	// Lines are the shipments, ordered by site, demand, source and supply
	// index.
	Lines []Line
	// Shortages are the unmet parts of demands, ordered by site and demand.
	Shortages []Shortage
	// Objective is the total cost: Σ Qty×UnitCost over lines and
	// shortages. It is minimal over all allocations of the model.
	Objective int64
	Stats     Stats

	// nearest holds, per demand, the reachable supplies that arrive
	// soonest; demand (site, d) owns nearest[off[base[site]+d]:off[base[site]+d+1]].
	nearest []Alternative
	off     []int
	base    []int
}

// Line ships Qty of Item from one supply to one demand.
type Line struct {
	Source int // index into Problem.Sources
	Supply int // index into that source's Supplies
	Site   int // index into Problem.Sites
	Demand int // index into that site's Demands
	Item   string
	Qty    int64
	// ReadyAfter, Travel and Arrival = ReadyAfter + Travel are counted
	// from now, like Deadline.
	ReadyAfter time.Duration
	Travel     time.Duration
	Arrival    time.Duration
	Deadline   time.Duration
	Late       bool // Arrival > Deadline
	Relation   Relation
	UnitCost   int64 // cost per unit, see Costs
}

// Shortage is the part of a demand left unmet.
type Shortage struct {
	Site     int // index into Problem.Sites
	Demand   int // index into that site's Demands
	Item     string
	Qty      int64
	Reason   Reason
	UnitCost int64 // ShortageWeight × priority
}

// Reason says why a shortage could not be covered.
type Reason uint8

// Shortage reasons.
const (
	// ReasonNoStock: no source holds any of the item.
	ReasonNoStock Reason = iota + 1
	// ReasonUnreachable: stock exists, but no source holding it can reach
	// the site.
	ReasonUnreachable
	// ReasonExhausted: every reachable unit was allocated, to this site or
	// to others with a stronger claim (priority, deadline, distance).
	ReasonExhausted
	// ReasonTooCostly: reachable stock was left unused because sending it
	// would cost more than the shortage, almost always because it would
	// arrive far too late.
	ReasonTooCostly
	// ReasonDistrictOnly: the site lies outside the home city
	// ([Site.Outside]) and street and district stock, which does not
	// supply such sites, could have covered more: some of it that reaches
	// the site is unused, or it is the only stock that reaches the site.
	ReasonDistrictOnly
)

var reasonNames = [...]string{"", "no-stock", "unreachable", "exhausted", "too-costly", "district-only"}

func (r Reason) String() string {
	if r != 0 && int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return fmt.Sprintf("Reason(%d)", uint8(r))
}

// Alternative is a supply that could reach a demand's site, with what
// became of it, to explain a line or a shortage ("the nearer Fangshan
// depot has only 120").
type Alternative struct {
	Source   int // index into Problem.Sources
	Supply   int // index into that source's Supplies
	Relation Relation
	Arrival  time.Duration // ReadyAfter + travel to the demand's site
	Late     bool          // Arrival > the demand's Deadline
	Qty      int64         // the supply's whole quantity
	Sent     int64         // sent to this demand
	Spare    int64         // left unallocated by the solution
	UnitCost int64         // cost per unit to this demand
	Why      Why
}

// Why says why an alternative did not send (more) to the demand.
type Why uint8

// Why values.
const (
	// WhyExhausted: the supply was fully allocated (possibly to this very
	// demand), so it had nothing more to give.
	WhyExhausted Why = iota + 1
	// WhyCostlier: the supply had spare stock, but a unit from it costs at
	// least as much as what was sent instead (higher tier cost, or a
	// lateness cost), or more than the shortage.
	WhyCostlier
)

func (w Why) String() string {
	switch w {
	case WhyExhausted:
		return "exhausted"
	case WhyCostlier:
		return "costlier"
	}
	return fmt.Sprintf("Why(%d)", uint8(w))
}

// Stats describes the work done.
type Stats struct {
	Items    int // items with demand
	Nodes    int // supply and demand nodes, summed over items
	Arcs     int // source→demand arcs the solver held at the end
	FullArcs int // reachable source→demand pairs (the full network)
	// Pivots counts network simplex pivots; PricingRounds counts passes
	// over the omitted arcs (the last one finds none with negative reduced
	// cost, proving optimality on the full network).
	Pivots        int
	PricingRounds int
	Workers       int
	Duration      time.Duration
}

// Nearest returns the reachable supplies of the demand's item that would
// arrive soonest at the site (at most 3, soonest first, ties by source and
// supply index), with what became of each; street and district stock is
// never among them for a site outside the home city ([Site.Outside]). It is
// empty for an unknown or zero-quantity demand, and when no supply of the
// item can reach the site.
func (s *Solution) Nearest(site, demand int) []Alternative {
	if site < 0 || site+1 >= len(s.base) || demand < 0 || s.base[site]+demand >= s.base[site+1] {
		return nil
	}
	k := s.base[site] + demand
	return s.nearest[s.off[k]:s.off[k+1]:s.off[k+1]]
}

// Alternatives explains Lines[line]: the supplies among [Solution.Nearest]
// that would have arrived strictly sooner, and why they did not send more
// (see [Why]). It is empty when the line comes from (one of) the soonest
// supplies.
func (s *Solution) Alternatives(line int) []Alternative {
	if line < 0 || line >= len(s.Lines) {
		return nil
	}
	l := s.Lines[line]
	var out []Alternative
	for _, a := range s.Nearest(l.Site, l.Demand) {
		if a.Arrival < l.Arrival && (a.Source != l.Source || a.Supply != l.Supply) {
			out = append(out, a)
		}
	}
	return out
}
