package readiness

import (
	"slices"

	"github.com/stockpile-dev/stockpile/internal/area"
)

// Tiers are the reserve tiers requirements are split over, top down.
var Tiers = []area.Level{area.LevelCity, area.LevelDistrict, area.LevelStreet, area.LevelCommunity}

// need is what one event needs of one item in one district, per tier.
type need struct {
	event, hit int
	item       string
	perTier    [4]float64 // of norms with a tier, indexed by Level.Rank()
	// untiered is what norms without a tier ask for: divided over the
	// tiers by the tier rule or the tier shares (see [work.split]).
	untiered float64
	shared   [4]float64 // untiered split by the tier shares
	sources  []*Norm
}

func (n need) total() float64 {
	t := n.untiered
	for _, q := range n.perTier {
		t += q
	}
	return t
}

// normIndex finds the norms that apply to an event in a district.
type normIndex struct {
	cfg    Config
	byItem map[string][]*Norm // item → its norms, in configuration order
	items  []string           // items with norms, in first-seen order
}

func newNormIndex(c Config) *normIndex {
	ix := &normIndex{cfg: c, byItem: map[string][]*Norm{}}
	for i := range c.Norms {
		n := &c.Norms[i]
		if _, ok := ix.byItem[n.Item]; !ok {
			ix.items = append(ix.items, n.Item)
		}
		ix.byItem[n.Item] = append(ix.byItem[n.Item], n)
	}
	return ix
}

// specificity ranks how closely a norm fits a hazard and district: -1 when
// it does not apply; a hazard of its own beats a district of its own.
func specificity(n *Norm, hazard, district string) int {
	s := 0
	switch n.Hazard {
	case hazard:
		s += 2
	case AnyHazard:
	default:
		return -1
	}
	switch n.Area {
	case district:
		s++
	case "":
	default:
		return -1
	}
	return s
}

// needs returns what the resolved events need, per event, district and
// item, with the tier split; items no norm asks for are left out.
func (ix *normIndex) needs(events []Resolved) []need {
	var out []need
	for ei, e := range events {
		for hi, h := range e.Hits {
			for _, item := range ix.items {
				n := ix.need(e, h, item)
				if n.total() > 0 {
					n.event, n.hit = ei, hi
					out = append(out, n)
				}
			}
		}
	}
	return out
}

// need applies, for each basis and special group (none, or one of the
// configuration's), the best-fitting norms of an item: norms with a tier
// give that tier's quantity; the untiered norm gives the untiered need,
// less what tiers with a norm of their own hold under the tier shares
// (the split of [work.split]). A group's norm counts the group's share of
// the district's people.
func (ix *normIndex) need(e Resolved, h Hit, item string) need {
	out := need{item: item}
	groups := []string{""}
	for _, n := range ix.byItem[item] {
		if n.Group != "" && !slices.Contains(groups, n.Group) {
			groups = append(groups, n.Group)
		}
	}
	for _, g := range groups {
		share := 1.0
		if g != "" {
			gr, ok := ix.cfg.group(g)
			if !ok {
				continue
			}
			share = gr.share(h.Area)
		}
		ix.needOf(&out, e, h, item, g, share)
	}
	return out
}

// needOf adds to out what the norms of one group ("" for everyone)
// ask for, per basis, with count scaled by the group's share.
func (ix *normIndex) needOf(out *need, e Resolved, h Hit, item, group string, share float64) {
	for _, b := range Bases {
		best, rows := -1, []*Norm(nil)
		for _, n := range ix.byItem[item] {
			if n.Basis != b || n.Group != group {
				continue
			}
			switch s := specificity(n, e.Hazard, h.Area); {
			case s > best:
				best, rows = s, []*Norm{n}
			case s == best && s >= 0:
				rows = append(rows, n)
			}
		}
		if best < 0 {
			continue
		}
		count := h.count(b, e.Days) * share
		var untiered *Norm
		var own [4]bool
		for _, n := range rows {
			if n.Tier == "" {
				untiered = n
				continue
			}
			out.perTier[n.Tier.Rank()] += n.Quantity * count
			own[n.Tier.Rank()] = true
		}
		if untiered != nil {
			// Tiers with a norm of their own give up their share of the
			// untiered norm; the rest is the untiered need, with its split
			// by the tier shares kept for items the tier rule leaves alone.
			for _, t := range Tiers {
				if !own[t.Rank()] {
					q := untiered.Quantity * count * ix.cfg.share(t)
					out.shared[t.Rank()] += q
					out.untiered += q
				}
			}
		}
		for _, n := range rows {
			if n.Quantity > 0 && !slices.Contains(out.sources, n) {
				out.sources = append(out.sources, n)
			}
		}
	}
}
