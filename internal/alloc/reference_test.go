package alloc

import "math"

// Two solvers independent of the network simplex, used as references:
// exhaustive enumeration for tiny items and successive shortest paths
// (Bellman–Ford) for medium ones. Both build their own costs with
// refUnitCost, so they check the cost model as well.

// refItem is one item of a problem, flattened.
type refItem struct {
	qty     []int64   // supplies
	need    []int64   // demands
	cost    [][]int64 // [supply][demand], −1 if unreachable
	penalty []int64   // per demand
}

// refItems splits p into items (those with demand), in any order.
func refItems(p *Problem) []refItem {
	type sref struct {
		s   int
		sup Supply
	}
	type dref struct {
		t   int
		dem Demand
	}
	supplies := map[string][]sref{}
	demands := map[string][]dref{}
	var names []string
	for t, site := range p.Sites {
		for _, d := range site.Demands {
			if _, ok := demands[d.Item]; !ok {
				names = append(names, d.Item)
			}
			demands[d.Item] = append(demands[d.Item], dref{t, d})
		}
	}
	for s, src := range p.Sources {
		for _, sup := range src.Supplies {
			supplies[sup.Item] = append(supplies[sup.Item], sref{s, sup})
		}
	}
	var out []refItem
	for _, name := range names {
		var it refItem
		for _, s := range supplies[name] {
			it.qty = append(it.qty, s.sup.Qty)
			row := make([]int64, 0, len(demands[name]))
			for _, d := range demands[name] {
				c, ok := refUnitCost(p, s.s, d.t, s.sup, d.dem)
				if !ok {
					c = -1
				}
				row = append(row, c)
			}
			it.cost = append(it.cost, row)
		}
		for _, d := range demands[name] {
			it.need = append(it.need, d.dem.Qty)
			it.penalty = append(it.penalty, shortageCost(p, d.t))
		}
		out = append(out, it)
	}
	return out
}

// bruteForce enumerates every integer allocation of every item and returns
// the least total cost.
func bruteForce(p *Problem) int64 {
	var total int64
	for _, it := range refItems(p) {
		left := append([]int64(nil), it.qty...)
		got := append([]int64(nil), make([]int64, len(it.need))...)
		total += enumerate(&it, 0, left, got)
	}
	return total
}

// enumerate tries every quantity on pair k (supply k/len(need), demand
// k%len(need)) and recurses; at the end unmet demand is short.
func enumerate(it *refItem, k int, left, got []int64) int64 {
	nd := len(it.need)
	if k == len(it.qty)*nd {
		var c int64
		for j, g := range got {
			c += (it.need[j] - g) * it.penalty[j]
		}
		return c
	}
	i, j := k/nd, k%nd
	best := enumerate(it, k+1, left, got)
	if it.cost[i][j] < 0 {
		return best
	}
	for q := int64(1); q <= left[i] && got[j]+q <= it.need[j]; q++ {
		left[i] -= q
		got[j] += q
		if c := enumerate(it, k+1, left, got) + q*it.cost[i][j]; c < best {
			best = c
		}
		left[i] += q
		got[j] -= q
	}
	return best
}

// sspObjective solves every item by successive shortest paths with
// Bellman–Ford on an explicit residual graph and returns the total cost.
func sspObjective(p *Problem) int64 {
	var total int64
	for _, it := range refItems(p) {
		total += ssp(&it)
	}
	return total
}

type refEdge struct {
	to   int
	cap  int64
	cost int64
}

// refGraph is a residual graph for the successive-shortest-path references:
// edge e's reverse is e^1.
type refGraph struct {
	adj   [][]int
	edges []refEdge
}

func (g *refGraph) add(u, v int, c, w int64) {
	g.adj[u] = append(g.adj[u], len(g.edges))
	g.edges = append(g.edges, refEdge{v, c, w})
	g.adj[v] = append(g.adj[v], len(g.edges))
	g.edges = append(g.edges, refEdge{u, 0, -w})
}

// minCostFlow sends as much as can go from src to sink along cheapest paths
// (Bellman–Ford, so negative costs are fine) and returns the total cost.
func (g *refGraph) minCostFlow(src, sink int) int64 {
	var total int64
	for {
		dist, via := bellmanFord(g.adj, g.edges, src)
		if dist[sink] == math.MaxInt64 {
			return total
		}
		f := int64(math.MaxInt64)
		for v := sink; v != src; v = g.edges[via[v]^1].to {
			f = min(f, g.edges[via[v]].cap)
		}
		for v := sink; v != src; v = g.edges[via[v]^1].to {
			g.edges[via[v]].cap -= f
			g.edges[via[v]^1].cap += f
		}
		total += f * dist[sink]
	}
}

// ssp: source → supply (cap qty, 0), supply → demand (cap ∞, cost),
// source → demand (cap need, penalty), demand → sink (cap need, 0). The
// maximum flow is the total need; its minimum cost is the item's optimum.
func ssp(it *refItem) int64 {
	ns, nd := len(it.qty), len(it.need)
	src, sink := ns+nd, ns+nd+1
	g := &refGraph{adj: make([][]int, ns+nd+2)}
	add := g.add
	for i, q := range it.qty {
		add(src, i, q, 0)
		for j := range nd {
			if it.cost[i][j] >= 0 {
				add(i, ns+j, math.MaxInt64/4, it.cost[i][j])
			}
		}
	}
	for j, r := range it.need {
		add(src, ns+j, r, it.penalty[j])
		add(ns+j, sink, r, 0)
	}
	return g.minCostFlow(src, sink)
}

func bellmanFord(adj [][]int, edges []refEdge, src int) ([]int64, []int) {
	dist := make([]int64, len(adj))
	via := make([]int, len(adj))
	for v := range dist {
		dist[v] = math.MaxInt64
	}
	dist[src] = 0
	for range len(adj) {
		changed := false
		for u := range adj {
			if dist[u] == math.MaxInt64 {
				continue
			}
			for _, e := range adj[u] {
				if ed := edges[e]; ed.cap > 0 && dist[u]+ed.cost < dist[ed.to] {
					dist[ed.to], via[ed.to], changed = dist[u]+ed.cost, e, true
				}
			}
		}
		if !changed {
			break
		}
	}
	return dist, via
}

// networkMinCost solves an explicit Network by successive shortest paths:
// a super source feeds every supply node, every demand node drains into a
// super sink, and every arc is uncapacitated.
func networkMinCost(nw *Network) int64 {
	n := len(nw.Supply)
	src, sink := n, n+1
	g := &refGraph{adj: make([][]int, n+2)}
	add := g.add
	for u, b := range nw.Supply {
		if b > 0 {
			add(src, u, b, 0)
		} else if b < 0 {
			add(u, sink, -b, 0)
		}
	}
	for k := range nw.From {
		add(int(nw.From[k]), int(nw.To[k]), math.MaxInt64/4, nw.Cost[k])
	}
	return g.minCostFlow(src, sink)
}
