package alloc

import (
	"cmp"
	"slices"
	"time"
)

// extract turns the optimal flow of an item into lines, shortages,
// alternatives and the item's objective.
func (w *worker) extract(it *itemDef, res *itemResult) {
	x := &w.x
	m, n := len(it.supplies), len(it.demands)
	w.spare = resize(w.spare, m)
	for i := range m {
		w.spare[i] = x.flow[i] // flow on i→root is the unused supply
	}
	perDemand := make([][]Line, n)
	for e := m + n; e < len(x.src); e++ {
		if f := x.flow[e]; f > 0 {
			i, j := int(x.src[e]), int(x.dst[e])-m
			l := w.line(it, i, j)
			l.Qty = f
			perDemand[j] = append(perDemand[j], l)
			res.objective += f * x.cost[e]
		}
	}
	res.nearest = make([][]Alternative, n)
	for j := range n {
		sortLines(perDemand[j])
		res.lines = append(res.lines, perDemand[j]...)
		if short := x.flow[m+j]; short > 0 {
			d := &it.demands[j]
			res.objective += short * d.penalty
			res.shortages = append(res.shortages, Shortage{
				Site: int(d.site), Demand: int(d.idx), Item: it.name,
				Qty: short, Reason: w.reason(it, j), UnitCost: d.penalty,
			})
		}
		res.nearest[j] = w.alternatives(it, j, perDemand[j])
	}
}

// sortLines orders one demand's lines by source and supply index (unique
// per line).
func sortLines(ls []Line) {
	slices.SortFunc(ls, func(a, b Line) int {
		return cmp.Or(cmp.Compare(a.Source, b.Source), cmp.Compare(a.Supply, b.Supply))
	})
}

// line describes supply i → demand j, without quantity. The cost is
// recomputed with the same function the arcs were priced with.
func (w *worker) line(it *itemDef, i, j int) Line {
	pr := w.pr
	s, d := &it.supplies[i], &it.demands[j]
	tr := time.Duration(pr.travel[int(d.site)*pr.nSrc+int(s.src)])
	arr := s.ready + tr
	return Line{
		Source: int(s.src), Supply: int(s.idx), Site: int(d.site), Demand: int(d.idx),
		Item: it.name, ReadyAfter: s.ready, Travel: tr, Arrival: arr,
		Deadline: d.deadline, Late: arr > d.deadline, Relation: relation(s, d),
		UnitCost: pr.pairCost(s, d, int64(tr)),
	}
}

// reason explains the shortage of demand j.
func (w *worker) reason(it *itemDef, j int) Reason {
	if it.total == 0 {
		return ReasonNoStock
	}
	pr := w.pr
	d := &it.demands[j]
	travel := pr.travel[int(d.site)*pr.nSrc : (int(d.site)+1)*pr.nSrc]
	// local: street or district stock reaches the site but may not serve
	// it (Site.Outside); spareLocal: some of it is unused.
	reachable, local, spareLocal := false, false, false
	for i := range it.supplies {
		s := &it.supplies[i]
		if travel[s.src] < 0 {
			continue
		}
		if excluded(s, d) {
			local = true
			spareLocal = spareLocal || w.spare[i] > 0
			continue
		}
		if w.spare[i] > 0 {
			return ReasonTooCostly
		}
		reachable = true
	}
	switch {
	case spareLocal || (local && !reachable):
		return ReasonDistrictOnly
	case !reachable:
		return ReasonUnreachable
	}
	return ReasonExhausted
}

// alternatives describes demand j's nearest supplies.
func (w *worker) alternatives(it *itemDef, j int, lines []Line) []Alternative {
	near := w.near[j]
	if len(near) == 0 {
		return nil
	}
	out := make([]Alternative, len(near))
	for r, nr := range near {
		l := w.line(it, int(nr.i), j)
		a := Alternative{
			Source: l.Source, Supply: l.Supply, Relation: l.Relation,
			Arrival: l.Arrival, Late: l.Late, Qty: it.supplies[nr.i].qty,
			Spare: w.spare[nr.i], UnitCost: l.UnitCost, Why: WhyCostlier,
		}
		for _, sent := range lines {
			if sent.Source == a.Source && sent.Supply == a.Supply {
				a.Sent = sent.Qty
			}
		}
		if a.Spare == 0 {
			a.Why = WhyExhausted
		}
		out[r] = a
	}
	return out
}
