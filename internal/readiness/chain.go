package readiness

import (
	"context"
	"fmt"
	"reflect"
	"sync"

	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/routing"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// The deadlines of the reserve plan's delivery chain (seed 001 储备规划
// 二(三)): the first batch of district stock within 4 h, city stock within
// 6 h, and city stock supporting Tianjin and Hebei within 24 h — the last
// also the deadline of what other districts add.
const (
	ChainOwnHours    = 4
	ChainCityHours   = 6
	ChainOthersHours = 24
)

// Chain is the delivery chain of a district's level Ⅱ event, as
// cumulative shares of what it requires: what the district's own stock
// delivers within 4 h (its district, street and community depots, and the
// contract reserves it signed); with city stock added, within 6 h; with
// every other district's stock added too, within 24 h. Each is the mean
// over the event's items of min(1, delivered ÷ required), weighted as a
// [Summary] weighs items, so City6h ≥ Own4h and Others24h ≥ City6h.
type Chain struct {
	Own4h     float64 `json:"own_4h"`
	City6h    float64 `json:"city_6h"`
	Others24h float64 `json:"others_24h"`
}

// NeighbourSupport is what city stock alone gets to a relief site in a
// neighbouring province within 24 h (seed 001: 市级应急物资具备24小时内支援
// 津冀地区的能力), for a modest level Ⅱ relief event there: the requirement
// of a level Ⅱ event of [Config.Levels]' level Ⅱ threshold, the smallest
// level Ⅱ event. Within24 is the mean share over its items, as in
// [Chain]; Items carry the per-item shares in their Within24 and
// Others24h.
type NeighbourSupport struct {
	Code       string         `json:"code"`
	NameZH     string         `json:"name_zh"`
	NameEN     string         `json:"name_en"`
	Province   string         `json:"province_zh"`
	Point      geo.Point      `json:"point"`
	Relocated  int64          `json:"relocated"`
	Within24   float64        `json:"within_24h"`
	Items      []DistrictItem `json:"items"`
	Assumption bool           `json:"assumption"` // the site and the event's size are assumptions
}

// NeighbourSite is a place in a neighbouring province the city supports.
type NeighbourSite struct {
	Code     string
	NameZH   string
	NameEN   string
	Province string
	Point    geo.Point
}

// DefaultNeighbours are the assumed relief sites of the 津冀 support: the
// centre of Tianjin (天津市区, near the municipal government) and 廊坊
// (Langfang, Hebei), the Hebei city between Beijing and Tianjin. Both are
// assumptions, documented in docs/readiness.md.
var DefaultNeighbours = []NeighbourSite{
	{Code: "tianjin", NameZH: "天津市区", NameEN: "Tianjin (city centre)", Province: "天津市",
		Point: geo.Point{Lat: 39.0842, Lon: 117.2009}},
	{Code: "langfang", NameZH: "河北廊坊", NameEN: "Langfang, Hebei", Province: "河北省",
		Point: geo.Point{Lat: 39.5380, Lon: 116.6837}},
}

// stage is one link of the chain: the stock it may draw on, and its
// deadline.
type stage int

const (
	stageOwn stage = iota
	stageCity
	stageAll
)

var stageHours = [...]float64{ChainOwnHours, ChainCityHours, ChainOthersHours}

// restrict is the inventory cut to the stock a stage of district's chain
// may draw on: the district's own (depots whose budget holder is the
// district, its streets' and communities' included, and contract reserves
// its party signed, as [work.hold] counts them), plus the city's, plus
// everything. A nil result means there is nothing to plan with.
func restrict(basis *snapshot, holders map[string]Holder, district string, st stage) *snapshot {
	if st == stageAll {
		return basis
	}
	allowed := func(h Holder) bool {
		tier, code := h.budgetTier()
		if tier == area.LevelCity {
			return st >= stageCity
		}
		return code == district
	}
	c := *basis
	c.byDistrict = nil
	c.stock = nil
	c.agreements = nil
	c.capacities = nil
	for _, d := range basis.stock {
		if allowed(Holder{Tier: d.Depot.Tier, District: d.Depot.District}) {
			c.stock = append(c.stock, d)
		}
	}
	for _, ag := range basis.agreements {
		if allowed(holders[ag.Party]) {
			c.agreements = append(c.agreements, ag)
		}
	}
	for _, cp := range basis.capacities {
		if allowed(holders[cp.Party]) {
			c.capacities = append(c.capacities, cp)
		}
	}
	if len(c.stock)+len(c.agreements)+len(c.capacities) == 0 {
		return nil
	}
	return &c
}

// chainIncident is the district event of as planned as one site per hit
// district, each demand due within hours.
func chainIncident(as Assessment, points map[string]geo.Point, reported int64, hours float64) dispatch.Incident {
	in := dispatch.Incident{Code: fmt.Sprintf("%s/chain-%gh", as.Scenario.Code, hours), Title: as.Scenario.NameZH,
		Level: 2, Status: dispatch.IncidentOpen, ReportedAt: reported}
	if len(as.Events) > 0 {
		in.Type, in.Level = as.Events[0].Hazard, as.Events[0].Level
	}
	at := map[string]int{}
	for _, av := range as.Areas {
		if av.Required <= 0 {
			continue
		}
		i, ok := at[av.Area]
		if !ok {
			i = len(in.Sites)
			at[av.Area] = i
			in.Sites = append(in.Sites, dispatch.Site{Code: av.Area, Name: av.AreaZH, Area: av.Area, Point: points[av.Area]})
		}
		in.Sites[i].Demands = append(in.Sites[i].Demands, dispatch.Demand{Item: av.Item, Quantity: av.Required,
			WithinHours: hours})
	}
	return in
}

// chain plans the three stages of a district's chain for as, the
// assessment of its level Ⅱ event, and sets the chain shares of items
// (which districtItems made of as). A stage with no stock to draw on is
// not planned: it delivers nothing.
func (a *Assessor) chain(ctx context.Context, b *base, basis *snapshot, as Assessment, district string,
	points map[string]geo.Point, items []DistrictItem) (Chain, Stats, error) {
	var stats Stats
	var got [3]map[string]stock.Quantity
	for st := stageOwn; st <= stageAll; st++ {
		got[st] = map[string]stock.Quantity{}
		inv := restrict(basis, b.holders, district, st)
		if inv == nil {
			continue
		}
		in := chainIncident(as, points, as.At, stageHours[st])
		if len(in.Sites) == 0 {
			continue
		}
		plan, ok, err := planBounded(ctx, a.Planner(inv), inv, []dispatch.Incident{in})
		if err != nil {
			return Chain{}, stats, fmt.Errorf("readiness: chain %s (%gh): %w", district, stageHours[st], err)
		}
		stats.Plans++
		stats.DispatchMs += plan.Stats.TotalMs
		if !ok {
			continue
		}
		for _, c := range plan.Coverage {
			var q stock.Quantity
			switch st {
			case stageOwn:
				q = c.Within4h
			case stageCity:
				q = c.Within6h
			default:
				q = c.Within24h
			}
			got[st][c.Item] = got[st][c.Item].SaturatingAdd(q)
		}
	}
	var ch Chain
	n := 0
	for _, iv := range as.Items {
		own := min(1, ratio(got[stageOwn][iv.Item], iv.Required))
		city := max(own, min(1, ratio(got[stageCity][iv.Item], iv.Required)))
		others := max(city, min(1, ratio(got[stageAll][iv.Item], iv.Required)))
		ch.Own4h += own
		ch.City6h += city
		ch.Others24h += others
		n++
		for i := range items {
			if items[i].Item == iv.Item {
				items[i].Own4h, items[i].City6h, items[i].Others24h = own, city, others
			}
		}
	}
	if n > 0 {
		ch.Own4h, ch.City6h, ch.Others24h = ch.Own4h/float64(n), ch.City6h/float64(n), ch.Others24h/float64(n)
	}
	return ch, stats, nil
}

// neighbours plans what city stock alone gets to each neighbour site
// within 24 h, for an event needing what req (an assessment of a level Ⅱ
// event of the size wanted) requires.
func (a *Assessor) neighbours(ctx context.Context, b *base, basis *snapshot, req Assessment, relocated int64) ([]NeighbourSupport, Stats, error) {
	var stats Stats
	out := []NeighbourSupport{}
	city := restrict(basis, b.holders, "", stageCity)
	for _, site := range DefaultNeighbours {
		ns := NeighbourSupport{Code: site.Code, NameZH: site.NameZH, NameEN: site.NameEN, Province: site.Province,
			Point: site.Point, Relocated: relocated, Assumption: true, Items: []DistrictItem{}}
		in := dispatch.Incident{Code: "neighbour-" + site.Code, Title: site.NameZH + " Ⅱ级响应支援", Level: 2,
			Status: dispatch.IncidentOpen, ReportedAt: req.At}
		if len(req.Events) > 0 {
			in.Type = req.Events[0].Hazard
		}
		s := dispatch.Site{Code: site.Code, Name: site.NameZH, Point: site.Point}
		for _, iv := range req.Items {
			if iv.Required > 0 {
				s.Demands = append(s.Demands, dispatch.Demand{Item: iv.Item, Quantity: iv.Required, WithinHours: ChainOthersHours})
			}
		}
		got := map[string]stock.Quantity{}
		if city != nil && len(s.Demands) > 0 {
			in.Sites = []dispatch.Site{s}
			plan, ok, err := planBounded(ctx, a.Planner(city), city, []dispatch.Incident{in})
			if err != nil {
				return nil, stats, fmt.Errorf("readiness: support to %s: %w", site.Code, err)
			}
			stats.Plans++
			stats.DispatchMs += plan.Stats.TotalMs
			if ok {
				for _, c := range plan.Coverage {
					got[c.Item] = got[c.Item].SaturatingAdd(c.Within24h)
				}
			}
		}
		n := 0
		for _, iv := range req.Items {
			share := min(1, ratio(got[iv.Item], iv.Required))
			ns.Within24 += share
			n++
			if iv.Required > 0 {
				ns.Items = append(ns.Items, DistrictItem{Item: iv.Item, Required: iv.Required, Within24: share,
					Others24h: share})
			}
		}
		if n > 0 {
			ns.Within24 /= float64(n)
		}
		out = append(out, ns)
	}
	return out, stats, nil
}

// memoRouter remembers the travel times its router gave, pair by pair, so
// that the many plans of an overview, which draw on the same depots for the
// same district sites, ask the router for each trip once.
type memoRouter struct {
	r     routing.Router
	mu    sync.Mutex
	trips map[[2]geo.Point]int32
	dists map[[2]geo.Point]int32
}

func newMemoRouter(r routing.Router) *memoRouter {
	return &memoRouter{r: r, trips: map[[2]geo.Point]int32{}, dists: map[[2]geo.Point]int32{}}
}

func (m *memoRouter) Name() string { return m.r.Name() }

func (m *memoRouter) Matrix(ctx context.Context, from, to []geo.Point) (routing.Matrix, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var missing []geo.Point
	seen := map[geo.Point]bool{}
	for _, f := range from {
		if seen[f] {
			continue
		}
		for _, t := range to {
			if _, ok := m.trips[[2]geo.Point{f, t}]; !ok {
				missing = append(missing, f)
				seen[f] = true
				break
			}
		}
	}
	withMeters := true
	if len(missing) > 0 {
		sub, err := m.r.Matrix(ctx, missing, to)
		if err != nil {
			return routing.Matrix{}, err
		}
		for i, f := range missing {
			for j, t := range to {
				k := [2]geo.Point{f, t}
				m.trips[k] = sub.Seconds[i*sub.Cols+j]
				if sub.Meters != nil {
					m.dists[k] = sub.Meters[i*sub.Cols+j]
				} else {
					withMeters = false
				}
			}
		}
	}
	for _, f := range from {
		for _, t := range to {
			if _, ok := m.dists[[2]geo.Point{f, t}]; !ok {
				withMeters = false
			}
		}
	}
	out := routing.NewMatrix(len(from), len(to), withMeters)
	for i, f := range from {
		for j, t := range to {
			k := [2]geo.Point{f, t}
			out.Seconds[i*len(to)+j] = m.trips[k]
			if withMeters {
				out.Meters[i*len(to)+j] = m.dists[k]
			}
		}
	}
	return out, nil
}

// memoized returns the assessor with its planners routing through one
// memoRouter per underlying router, for the plans of one overview.
func (a *Assessor) memoized() *Assessor {
	c := *a
	var mu sync.Mutex
	memos := map[any]*memoRouter{}
	c.Planner = func(inv dispatch.Inventory) *dispatch.Planner {
		pl := a.Planner(inv)
		if pl == nil || pl.Router == nil || !hashable(pl.Router) {
			return pl
		}
		mu.Lock()
		m := memos[pl.Router]
		if m == nil {
			m = newMemoRouter(pl.Router)
			memos[pl.Router] = m
		}
		mu.Unlock()
		cp := *pl
		cp.Router = m
		return &cp
	}
	return &c
}

// hashable reports whether x can be a map key without panicking.
func hashable(x any) bool { return reflect.TypeOf(x).Comparable() }
