package road

import (
	"context"
	"fmt"
	"sync"
)

// CH is a contraction hierarchy of a Graph (Geisberger et al., "Contraction
// Hierarchies: Faster and Simpler Hierarchical Routing in Road Networks",
// WEA 2008). Nodes are contracted one by one, least important first; when
// a node is removed, shortcuts keep the shortest paths through it. A
// shortest path then climbs to higher-ranked nodes from both ends and meets
// at the top, so a query explores a few hundred nodes instead of the whole
// graph.
//
// Inside a CH, nodes are numbered by rank, so arcs always lead from a lower
// to a higher number. A CH is immutable and safe for concurrent use.
type CH struct {
	rank []int32 // graph node → CH node (its rank)
	// up holds, for each CH node, the arcs to higher-ranked nodes weighted
	// by the cost of travelling upward (lower → higher).
	up csr
	// down holds the same arcs weighted by the cost of travelling downward
	// (higher → lower); a target's search climbs it backward.
	down csr

	pool sync.Pool // *queryWorkspace, reused by Matrix
}

type csr struct {
	first []int32
	head  []int32
	cost  []cost
}

// NumNodes returns the number of nodes, the same as the graph's.
func (h *CH) NumNodes() int { return len(h.rank) }

// NumArcs returns the number of upward and downward arcs, shortcuts
// included.
func (h *CH) NumArcs() int { return len(h.up.head) + len(h.down.head) }

// ContractOptions tunes Contract. The zero value selects the defaults.
type ContractOptions struct {
	// WitnessSettled bounds the nodes a witness search may settle before
	// giving up (and adding a shortcut that may be unnecessary); 0 selects
	// 500. Lower is faster to build and slower to query.
	WitnessSettled int
	// Progress, when set, is told how many nodes have been contracted.
	Progress Progress
}

// Contract builds the contraction hierarchy of g.
//
// The node order comes from a priority queue keyed by
// 2 × edge difference (shortcuts added − edges removed) + contracted
// neighbours + hierarchy depth (1 + the depth of the deepest contracted
// neighbour), the last two spreading contraction evenly over the graph.
// Priorities are computed for all nodes at the start (in parallel) and then
// updated lazily: the node at the head of the queue is re-evaluated and
// contracted only if it is still the minimum. Re-evaluating the neighbours
// of every contracted node as well gave 2–3 times the witness searches for
// a hierarchy of the same query speed on the synthetic and Delaware
// networks. Witness searches are Dijkstra searches that skip the node being
// contracted, bounded by the longest path through it and by
// WitnessSettled.
//
// Contract is deterministic; it stops early, with ctx's error, when ctx is
// done.
func Contract(ctx context.Context, g *Graph, opt ContractOptions) (*CH, error) {
	if opt.WitnessSettled <= 0 {
		opt.WitnessSettled = 500
	}
	opt.Progress.report("contract", 0, g.NumNodes())
	c := newContractor(g, opt)
	if err := c.initPriorities(ctx); err != nil {
		return nil, fmt.Errorf("road: contract: %w", err)
	}
	if err := c.run(ctx); err != nil {
		return nil, fmt.Errorf("road: contract: %w", err)
	}
	return c.hierarchy(), nil
}

// arc links a node to a neighbour in the graph that remains to be
// contracted, in both directions at once.
type arc struct {
	to     int32
	fw, bw cost // cost of self→to and of to→self; infCost if no such edge
}

// shortcut is an edge from→to of cost c that replaces a path through the
// node being contracted.
type shortcut struct {
	from, to int32
	c        cost
}

type contractor struct {
	opt ContractOptions
	// adj[v] lists v's arcs to neighbours not yet contracted. Once v is
	// contracted its list is frozen: those arcs are its upward arcs.
	adj     [][]arc
	deleted []int32 // contracted neighbours
	level   []int32 // hierarchy depth: 1 + the deepest contracted neighbour
	queue   *prioQueue
	order   []int32 // nodes in contraction order
	w       *witness
}

func newContractor(g *Graph, opt ContractOptions) *contractor {
	n := g.NumNodes()
	c := &contractor{
		opt:     opt,
		adj:     make([][]arc, n),
		deleted: make([]int32, n),
		level:   make([]int32, n),
		queue:   newPrioQueue(n),
		order:   make([]int32, 0, n),
		w:       newWitness(n),
	}
	for u := range int32(n) {
		for e := g.first[u]; e < g.first[u+1]; e++ {
			c.addArc(u, g.head[e], g.cost[e], infCost)
			c.addArc(g.head[e], u, infCost, g.cost[e])
		}
	}
	return c
}

// addArc merges the costs fw (from→to) and bw (to→from) into from's arc to
// to, keeping the cheaper of old and new.
func (c *contractor) addArc(from, to int32, fw, bw cost) {
	list := c.adj[from]
	for i := range list {
		if list[i].to == to {
			list[i].fw = min(list[i].fw, fw)
			list[i].bw = min(list[i].bw, bw)
			return
		}
	}
	c.adj[from] = append(list, arc{to: to, fw: fw, bw: bw})
}

// removeArc deletes from's arc to to.
func (c *contractor) removeArc(from, to int32) {
	list := c.adj[from]
	for i := range list {
		if list[i].to == to {
			list[i] = list[len(list)-1]
			c.adj[from] = list[:len(list)-1]
			return
		}
	}
}

// initPriorities simulates the contraction of every node, in parallel.
func (c *contractor) initPriorities(ctx context.Context) error {
	n := len(c.adj)
	prio := make([]int32, n)
	const chunk = 4096
	err := parallel(ctx, (n+chunk-1)/chunk, func() func(int) {
		w := newWitness(n)
		return func(k int) {
			for v := k * chunk; v < min(n, (k+1)*chunk); v++ {
				prio[v] = c.priority(int32(v), w)
			}
		}
	})
	if err != nil {
		return err
	}
	for v, p := range prio {
		c.queue.push(int32(v), p)
	}
	return nil
}

// run contracts the nodes in priority order.
func (c *contractor) run(ctx context.Context) error {
	n := len(c.adj)
	step := max(n/100, 1)
	for c.queue.len() > 0 {
		v := c.queue.min()
		if p := c.priority(v, c.w); p > c.queue.key(v) {
			c.queue.update(v, p) // lazy update: v was underestimated
			continue
		}
		c.queue.pop()
		c.contract(v, c.w.found) // the shortcuts priority just found
		if len(c.order)%step == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			c.opt.Progress.report("contract", len(c.order), n)
		}
	}
	c.opt.Progress.report("contract", n, n)
	return nil
}

// priority is the importance of contracting v now: low values go first.
func (c *contractor) priority(v int32, w *witness) int32 {
	added := len(c.shortcuts(v, w))
	removed := 0
	for _, a := range c.adj[v] {
		if a.fw != infCost {
			removed++
		}
		if a.bw != infCost {
			removed++
		}
	}
	return 2*int32(added-removed) + c.deleted[v] + c.level[v]
}

// contract removes v from the remaining graph, adding shortcuts scs.
func (c *contractor) contract(v int32, scs []shortcut) {
	for _, a := range c.adj[v] {
		c.removeArc(a.to, v)
		c.deleted[a.to]++
		c.level[a.to] = max(c.level[a.to], c.level[v]+1)
	}
	for _, s := range scs {
		c.addArc(s.from, s.to, s.c, infCost)
		c.addArc(s.to, s.from, infCost, s.c)
	}
	c.order = append(c.order, v)
}

// shortcuts returns the shortcuts that contracting v requires: for each
// pair of neighbours u→v→x whose path through v no witness search can
// match without v. The slice is w's and is valid until w's next use.
func (c *contractor) shortcuts(v int32, w *witness) []shortcut {
	w.found = w.found[:0]
	arcs := c.adj[v]
	for _, in := range arcs {
		if in.bw == infCost {
			continue
		}
		u := in.to
		w.start(u)
		var limit cost
		targets := 0
		for _, out := range arcs {
			if out.fw != infCost && out.to != u {
				limit = max(limit, in.bw+out.fw)
				w.markTarget(out.to)
				targets++
			}
		}
		if targets == 0 {
			continue
		}
		w.run(c.adj, v, limit, targets, c.opt.WitnessSettled)
		for _, out := range arcs {
			if out.fw == infCost || out.to == u {
				continue
			}
			if via := in.bw + out.fw; w.get(out.to) > via {
				w.found = append(w.found, shortcut{u, out.to, via})
			}
		}
	}
	return w.found
}

// witness is the scratch space of witness searches.
type witness struct {
	search
	target []uint32 // target[v] == round: v is a target of this search
	found  []shortcut
}

func newWitness(n int) *witness {
	return &witness{search: *newSearch(n), target: make([]uint32, n)}
}

// start begins a search from src.
func (w *witness) start(src int32) {
	w.reset()
	w.relax(src, 0)
}

func (w *witness) markTarget(v int32) { w.target[v] = w.round }

// run continues the search without passing through skip, until every
// target is settled, the next node is farther than limit, or maxSettled
// nodes are settled.
func (w *witness) run(adj [][]arc, skip int32, limit cost, targets, maxSettled int) {
	for settled := 0; settled < maxSettled; settled++ {
		v, d, ok := w.next()
		if !ok || d > limit {
			return
		}
		if w.target[v] == w.round {
			if targets--; targets == 0 {
				return
			}
		}
		for _, a := range adj[v] {
			if a.fw != infCost && a.to != skip {
				w.relax(a.to, d+a.fw)
			}
		}
	}
}

// hierarchy numbers the nodes by contraction order and collects each
// node's frozen arcs as its upward and downward arcs.
func (c *contractor) hierarchy() *CH {
	n := len(c.adj)
	h := &CH{rank: make([]int32, n)}
	for r, v := range c.order {
		h.rank[v] = int32(r)
	}
	h.up.first = make([]int32, n+1)
	h.down.first = make([]int32, n+1)
	for r, v := range c.order {
		for _, a := range c.adj[v] {
			if a.fw != infCost {
				h.up.head = append(h.up.head, h.rank[a.to])
				h.up.cost = append(h.up.cost, a.fw)
			}
			if a.bw != infCost {
				h.down.head = append(h.down.head, h.rank[a.to])
				h.down.cost = append(h.down.cost, a.bw)
			}
		}
		h.up.first[r+1] = int32(len(h.up.head))
		h.down.first[r+1] = int32(len(h.down.head))
	}
	return h
}

// prioQueue is a binary min-heap of nodes keyed by priority, ties broken by
// node id, with the position of each node so that keys can change.
type prioQueue struct {
	keys []int32 // node → priority
	pos  []int32 // node → index in heap, -1 if absent
	heap []int32
}

func newPrioQueue(n int) *prioQueue {
	q := &prioQueue{keys: make([]int32, n), pos: make([]int32, n), heap: make([]int32, 0, n)}
	for v := range q.pos {
		q.pos[v] = -1
	}
	return q
}

func (q *prioQueue) len() int          { return len(q.heap) }
func (q *prioQueue) min() int32        { return q.heap[0] }
func (q *prioQueue) key(v int32) int32 { return q.keys[v] }
func (q *prioQueue) less(a, b int32) bool {
	return q.keys[a] < q.keys[b] || q.keys[a] == q.keys[b] && a < b
}

func (q *prioQueue) push(v, p int32) {
	q.keys[v] = p
	q.pos[v] = int32(len(q.heap))
	q.heap = append(q.heap, v)
	q.up(len(q.heap) - 1)
}

func (q *prioQueue) pop() int32 {
	v := q.heap[0]
	last := q.heap[len(q.heap)-1]
	q.heap = q.heap[:len(q.heap)-1]
	q.pos[v] = -1
	if len(q.heap) > 0 {
		q.heap[0], q.pos[last] = last, 0
		q.down(0)
	}
	return v
}

// update changes v's priority if v is queued.
func (q *prioQueue) update(v, p int32) {
	i := q.pos[v]
	if i < 0 {
		return
	}
	q.keys[v] = p
	q.up(int(i))
	q.down(int(q.pos[v]))
}

func (q *prioQueue) up(i int) {
	v := q.heap[i]
	for i > 0 {
		p := (i - 1) / 2
		if !q.less(v, q.heap[p]) {
			break
		}
		q.heap[i] = q.heap[p]
		q.pos[q.heap[i]] = int32(i)
		i = p
	}
	q.heap[i], q.pos[v] = v, int32(i)
}

func (q *prioQueue) down(i int) {
	v := q.heap[i]
	n := len(q.heap)
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		if r := l + 1; r < n && q.less(q.heap[r], q.heap[l]) {
			l = r
		}
		if !q.less(q.heap[l], v) {
			break
		}
		q.heap[i] = q.heap[l]
		q.pos[q.heap[i]] = int32(i)
		i = l
	}
	q.heap[i], q.pos[v] = v, int32(i)
}
