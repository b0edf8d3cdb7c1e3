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
	perTier    [4]float64 // indexed by Level.Rank()
	sources    []*Norm
}

func (n need) total() float64 {
	var t float64
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

// need applies, for each basis, the best-fitting norms of an item: norms
// with a tier give that tier's quantity; the untiered norm is split by the
// tier shares over the tiers without a norm of their own.
func (ix *normIndex) need(e Resolved, h Hit, item string) need {
	out := need{item: item}
	for _, b := range Bases {
		best, rows := -1, []*Norm(nil)
		for _, n := range ix.byItem[item] {
			if n.Basis != b {
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
		count := h.count(b, e.Days)
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
			for _, t := range Tiers {
				if !own[t.Rank()] {
					out.perTier[t.Rank()] += untiered.Quantity * count * ix.cfg.share(t)
				}
			}
		}
		for _, n := range rows {
			if n.Quantity > 0 && !slices.Contains(out.sources, n) {
				out.sources = append(out.sources, n)
			}
		}
	}
	return out
}
