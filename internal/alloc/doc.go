// Package alloc is Stockpile's exact allocation solver: it decides which
// source sends how much of each relief item to which incident site, given
// stock, lead times, travel times, deadlines and priorities. It is pure Go
// with no I/O; the dispatch service feeds it and explains its answer.
//
// # Model
//
// Items are independent (no shared vehicles), so each item is its own
// min-cost flow problem, a transportation problem with shortage:
//
//   - a supply node per [Supply] (a source's quantity of the item, ready
//     after a delay: 0 for depot stock, the lead time of an agreement
//     reserve, one node per daily batch of a production-capacity reserve,
//     see [CapacityBatches]);
//   - a demand node per [Demand] (a site's quantity due by a deadline,
//     weighted by the site's priority);
//   - an arc from every supply to every demand whose site its source can
//     reach ([TravelFunc]), costing per unit a tier cost for the (source,
//     site) [Relation], a weight per minute of arrival and a weight per
//     minute late × priority (see [Costs]); street and district stock has
//     no arc at all to a site outside the home city ([Site.Outside]);
//   - a shortage arc into every demand costing ShortageWeight × priority
//     per unit, so that unmet demand is reported, never dropped, and an
//     arc absorbing unused supply at no cost.
//
// All sites of all open incidents are solved together, so priorities
// arbitrate between incidents. Quantities and costs are int64 and the
// solution is integral; [Solve] rejects inputs whose costs could overflow.
// Impossible deadlines and missing stock are not errors: they show as late
// lines and as shortages with a [Reason], and [Solution.Alternatives] tells
// why a nearer source did not send (more).
//
// # Algorithm
//
// Each item is solved exactly by a primal network simplex (after LEMON's:
// spanning-tree basis with thread indices, block-search pivoting, strongly
// feasible trees by Cunningham's leaving-arc rule against cycling) in
// integer arithmetic. The shortage and unused-supply arcs form the initial
// basis, so no artificial big-M arcs are needed.
//
// The full network has an arc per reachable (supply, demand) pair, most of
// which an optimum never uses. Solve starts each item from the 32 cheapest
// arcs per demand, optimises, then prices every omitted arc with the node
// potentials; arcs with a negative reduced cost are added and the simplex
// resumes from its current basis. When a pricing pass finds none, the
// flow is optimal on the full network: the final pass is the proof. Arcs
// dearer than the demand's shortage cost are never added, since a shortage
// dominates them.
//
// Items are solved in parallel by a bounded pool of workers and assembled
// in a fixed order, with ties broken by index throughout, so the output is
// deterministic. [BuildNetwork] writes out the full network, to check Solve
// against other solvers (see bench/dispatch).
//
// Memory is O(supplies × demands) per item being solved, for the costs of
// the omitted arcs.
package alloc
