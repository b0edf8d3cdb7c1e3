package road

// LargestComponent returns the largest strongly connected component of g
// (every node in it can reach every other), with nodes in their old order,
// and the old id of each new node. Routing on it never meets a dead end: a
// one-way stub or an island cut off by the extract's border would otherwise
// make some pairs unreachable. Ties between equal components go to the one
// holding the lowest node id.
func (g *Graph) LargestComponent() (*Graph, []int32) {
	comp := g.components()
	size := make(map[int32]int)
	best := int32(-1)
	for _, c := range comp {
		size[c]++
	}
	for _, c := range comp { // first-seen order: lowest node id wins ties
		if best < 0 || size[c] > size[best] {
			best = c
		}
	}
	keep := make([]bool, len(comp))
	for v, c := range comp {
		keep[v] = c == best
	}
	return g.subgraph(keep)
}

// components labels the strongly connected components with Kosaraju's
// algorithm: depth-first post-order on g, then searches on the reversed
// graph in reverse post-order. Both passes are iterative, as road graphs
// have paths far longer than a goroutine stack is comfortable with.
func (g *Graph) components() []int32 {
	order := g.postOrder()
	rFirst, rTail, _ := g.reverse()
	comp := make([]int32, g.NumNodes())
	for v := range comp {
		comp[v] = -1
	}
	var stack []int32
	var next int32
	for k := len(order) - 1; k >= 0; k-- {
		root := order[k]
		if comp[root] >= 0 {
			continue
		}
		comp[root] = next
		stack = append(stack[:0], root)
		for len(stack) > 0 {
			v := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for e := rFirst[v]; e < rFirst[v+1]; e++ {
				if u := rTail[e]; comp[u] < 0 {
					comp[u] = next
					stack = append(stack, u)
				}
			}
		}
		next++
	}
	return comp
}

// postOrder returns g's nodes in depth-first post-order.
func (g *Graph) postOrder() []int32 {
	n := g.NumNodes()
	visited := make([]bool, n)
	order := make([]int32, 0, n)
	type frame struct{ v, e int32 } // node and its next edge to try
	var stack []frame
	for root := range int32(n) {
		if visited[root] {
			continue
		}
		visited[root] = true
		stack = append(stack[:0], frame{root, g.first[root]})
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			if top.e == g.first[top.v+1] {
				order = append(order, top.v)
				stack = stack[:len(stack)-1]
				continue
			}
			h := g.head[top.e]
			top.e++
			if !visited[h] {
				visited[h] = true
				stack = append(stack, frame{h, g.first[h]})
			}
		}
	}
	return order
}
