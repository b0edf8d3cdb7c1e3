package alloc

import "context"

// Network is a Problem written out as one explicit min-cost-flow network,
// to check Solve against other solvers or to inspect the model. Every arc
// is uncapacitated with lower bound 0.
type Network struct {
	// Supply is each node's supply (positive) or demand (negative). The
	// sum over each item's component is zero.
	Supply []int64
	// From, To and Cost describe arc k; costs are as in [Costs].
	From, To []int32
	Cost     []int64
	// Components is the number of item components.
	Components int
}

// BuildNetwork returns the full network that Solve optimises. For each item
// with demand, in order of first appearance among the sites' demands, it
// has a component of consecutive nodes: one per (non-zero) supply of the
// item, one per (non-zero) demand, and a root whose supply balances the
// component. Its arcs are: supply → root (unused stock, cost 0), root →
// demand (shortage, ShortageWeight × priority), and supply → demand for
// every pair whose source reaches the site and may serve it (street and
// district stock never serves a [Site.Outside]) — the full network,
// including pairs Solve never prices in. Its minimum cost equals Solve's Objective.
// Errors are those of Solve.
func BuildNetwork(ctx context.Context, p Problem) (*Network, error) {
	pr, err := prepare(&p)
	if err != nil {
		return nil, err
	}
	if err := pr.fillTravel(ctx); err != nil {
		return nil, err
	}
	nw := &Network{Components: len(pr.items)}
	for k := range pr.items {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		pr.appendComponent(nw, &pr.items[k])
	}
	return nw, nil
}

// appendComponent adds item it's nodes and arcs to nw.
func (pr *prepared) appendComponent(nw *Network, it *itemDef) {
	base := int32(len(nw.Supply))
	m, n := int32(len(it.supplies)), int32(len(it.demands))
	root := base + m + n
	arc := func(from, to int32, c int64) {
		nw.From = append(nw.From, from)
		nw.To = append(nw.To, to)
		nw.Cost = append(nw.Cost, c)
	}
	balance := int64(0)
	for i, s := range it.supplies {
		nw.Supply = append(nw.Supply, s.qty)
		balance -= s.qty
		arc(base+int32(i), root, 0)
	}
	for j, d := range it.demands {
		nw.Supply = append(nw.Supply, -d.qty)
		balance += d.qty
		arc(root, base+m+int32(j), d.penalty)
	}
	nw.Supply = append(nw.Supply, balance)
	for j := range it.demands {
		d := &it.demands[j]
		travel := pr.travel[int(d.site)*pr.nSrc : (int(d.site)+1)*pr.nSrc]
		for i := range it.supplies {
			s := &it.supplies[i]
			if tr := travel[s.src]; tr >= 0 && !excluded(s, d) {
				arc(base+int32(i), base+m+int32(j), pr.pairCost(s, d, tr))
			}
		}
	}
}
