package alloc

// ranked is an arc candidate: a key (cost, reduced cost or arrival) and a
// supply index. Ranked values are totally ordered by key, then index, so
// every selection below is deterministic.
type ranked struct {
	key int64
	i   int32
}

func (a ranked) less(b ranked) bool {
	return a.key < b.key || (a.key == b.key && a.i < b.i)
}

// insertRanked keeps list sorted and at most k long; for small k.
func insertRanked(list []ranked, r ranked, k int) []ranked {
	if len(list) == k {
		if !r.less(list[k-1]) {
			return list
		}
		list = list[:k-1]
	}
	p := len(list)
	for p > 0 && r.less(list[p-1]) {
		p--
	}
	list = append(list, ranked{})
	copy(list[p+1:], list[p:])
	list[p] = r
	return list
}

// topK selects the k least values offered, in O(log k) per value that
// enters: a max-heap whose root is the worst value kept.
type topK struct {
	k int
	h []ranked
}

func (t *topK) reset(k int) { t.k, t.h = k, t.h[:0] }

// full reports whether k values are kept, so that a newcomer must beat
// worst() to enter.
func (t *topK) full() bool { return len(t.h) == t.k }

func (t *topK) worst() ranked { return t.h[0] }

// offer considers r.
func (t *topK) offer(r ranked) {
	h := t.h
	if len(h) < t.k {
		h = append(h, r)
		for c := len(h) - 1; c > 0; {
			p := (c - 1) / 2
			if !h[p].less(h[c]) {
				break
			}
			h[p], h[c] = h[c], h[p]
			c = p
		}
		t.h = h
		return
	}
	if !r.less(h[0]) {
		return
	}
	h[0] = r
	siftDown(h, 0)
}

func siftDown(h []ranked, p int) {
	for {
		c := 2*p + 1
		if c >= len(h) {
			return
		}
		if c+1 < len(h) && h[c].less(h[c+1]) {
			c++
		}
		if !h[p].less(h[c]) {
			return
		}
		h[p], h[c] = h[c], h[p]
		p = c
	}
}

// sorted returns the kept values in increasing order (heap sort in place);
// the topK must be reset before further use.
func (t *topK) sorted() []ranked {
	h := t.h
	for end := len(h) - 1; end > 0; end-- {
		h[0], h[end] = h[end], h[0]
		siftDown(h[:end], 0)
	}
	return h
}
