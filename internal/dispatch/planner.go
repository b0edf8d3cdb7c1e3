package dispatch

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/stockpile-dev/stockpile/internal/alloc"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/reserve"
	"github.com/stockpile-dev/stockpile/internal/routing"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// Inventory is what the planner reads: the catalogue, the stock free to
// plan with, contract reserves and the districts. The store implements it;
// tests use fakes.
type Inventory interface {
	// Items returns the catalogue entries of the codes that exist.
	Items(ctx context.Context, codes []string) (map[string]catalog.Item, error)
	// DepotStock returns, per depot and item, the lots that can be planned
	// with today: good quality, not expired, not reserved, FEFO order.
	DepotStock(ctx context.Context, items []string) ([]DepotStock, error)
	// Agreements and Capacities return the contract reserves of the items
	// valid today.
	Agreements(ctx context.Context, items []string) ([]reserve.Agreement, error)
	Capacities(ctx context.Context, items []string) ([]reserve.Capacity, error)
	// Districts returns the districts of the home city (the region the
	// plan serves), with their reference points.
	Districts(ctx context.Context) ([]District, error)
}

// Incoming is stock on its way to a depot: an emergency purchase's
// call-off, counted as there when due.
type Incoming struct {
	Code       string // the call-off, CO-<id>
	SupplierZH string
	Item       string
	Quantity   stock.Quantity // what plans may still count on
	DueAt      int64          // unix seconds
	Depot      DepotInfo
}

// Incomings is an Inventory that also knows of stock on its way. The
// planner asks for it when the Inventory has it (the store does).
type Incomings interface {
	CallOffs(ctx context.Context, items []string) ([]Incoming, error)
}

// OfItems keeps the elements of all whose item (read by itemOf) is one of
// items, in order: how an Inventory that holds every item answers for some.
func OfItems[T any](all []T, items []string, itemOf func(T) string) []T {
	want := make(map[string]bool, len(items))
	for _, it := range items {
		want[it] = true
	}
	var out []T
	for _, x := range all {
		if want[itemOf(x)] {
			out = append(out, x)
		}
	}
	return out
}

// DepotInfo is what the planner needs to know of a depot.
type DepotInfo struct {
	Code     string
	NameZH   string
	NameEN   string
	Tier     area.Level
	District string // district area code; empty for city depots
	Outside  bool   // in a neighbouring province, not the home city
	Point    geo.Point
}

// DepotStock is one item's plannable lots at one depot.
type DepotStock struct {
	Depot DepotInfo
	Item  string
	Lots  []stock.Candidate // Available: free units; FEFO order
}

// District is a district of the home city.
type District struct {
	Code   string
	NameZH string
	Point  geo.Point
	// Boundary is the district's outline (orb.Polygon or orb.MultiPolygon,
	// lon/lat), nil when the area data has none. Once any home district has
	// one, a site in no outline lies outside the home city.
	Boundary orb.Geometry
}

// Contains reports whether p lies inside the district's outline (false when
// it has none).
func (d District) Contains(p geo.Point) bool {
	op := orb.Point{p.Lon, p.Lat}
	switch g := d.Boundary.(type) {
	case orb.Polygon:
		return planar.PolygonContains(g, op)
	case orb.MultiPolygon:
		return planar.MultiPolygonContains(g, op)
	}
	return false
}

// Planner computes dispatch plans.
type Planner struct {
	Inventory Inventory
	Router    routing.Router
	// Costs weigh the objective; the zero value means alloc.DefaultCosts().
	Costs alloc.Costs
	// RegionMarginKm is how far beyond the home city's districts a site may
	// lie (support to neighbouring provinces); 0 means 300 km. Farther sites
	// are reported as unmet: their coordinates are almost surely wrong.
	RegionMarginKm float64
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// demandRef ties a solver demand back to the incident's demand.
type demandRef struct{ incident, site, demand int }

// run is one planning run's working state.
type run struct {
	pl        *Planner
	incidents []Incident
	now       time.Time
	items     map[string]catalog.Item
	districts []District
	problem   alloc.Problem
	sources   []Source    // per alloc source
	points    []geo.Point // per alloc source
	depots    []*depotSource
	siteOf    []demandSite // per alloc site
	coverage  map[demandRef]*Coverage
	order     []demandRef
	stats     Stats
}

type demandSite struct {
	incident, site int
	district       string // the home district the site lies in, "" if none
	demands        []int  // alloc demand index → incident demand index
	// outside: the site lies outside the home city (see SiteOutside), so
	// street and district stock does not supply it.
	outside bool
}

type depotSource struct {
	source int                   // alloc source index
	lots   map[string][]lotState // item → FEFO lots
	// restriction is the donors' restriction its lots share: a depot's
	// restricted lots form sources of their own, which reach only the
	// sites the restriction allows.
	restriction stock.Restriction
}

type lotState struct {
	c    stock.Candidate
	left stock.Quantity
}

// Plan solves one plan over the given incidents. A closed incident is
// refused (incident.closed, naming incidents[i]), and so is a set of
// demands too large for the solver's arithmetic (plan.too_large); nothing
// is planned then.
func (pl *Planner) Plan(ctx context.Context, incidents []Incident) (Plan, error) {
	start := time.Now()
	for i, in := range incidents {
		if err := in.Plannable(); err != nil {
			return Plan{}, apperr.Within(fmt.Sprintf("incidents[%d]", i), err)
		}
	}
	if err := pl.CheckSize(incidents); err != nil {
		return Plan{}, err
	}
	r := &run{pl: pl, incidents: incidents, now: pl.clock(), coverage: map[demandRef]*Coverage{}}
	if err := r.load(ctx); err != nil {
		return Plan{}, err
	}
	r.addSites()
	if err := r.addSources(ctx); err != nil {
		return Plan{}, err
	}
	if err := r.route(ctx); err != nil {
		return Plan{}, err
	}
	solveStart := time.Now()
	sol, err := alloc.Solve(ctx, r.problem)
	if errors.Is(err, alloc.ErrTooLarge) {
		return Plan{}, &apperr.Error{Kind: apperr.Invalid, Code: "plan.too_large",
			ZH: "需求数量与优先级过大，超出调度计算的数值范围；请拆分事件或降低优先级",
			EN: "the demands are too large for the planner's arithmetic at their priority; split the incident or lower its priority (" + err.Error() + ")"}
	}
	if err != nil {
		return Plan{}, fmt.Errorf("dispatch: solve: %w", err)
	}
	r.stats.SolveMs = time.Since(solveStart).Milliseconds()
	p := r.plan(sol)
	p.Stats.TotalMs = time.Since(start).Milliseconds()
	return p, nil
}

// CheckSize refuses incidents whose demands, all left short, would cost
// more than the solver can weigh (alloc.MaxObjective): per item and in
// all, quantity × shortage weight × priority. The error (plan.too_large)
// names the demand that crossed the bound, as
// incidents[i].sites[j].demands[k].quantity. Demands of unknown items or
// outside the region count too, so the check needs no data.
func (pl *Planner) CheckSize(incidents []Incident) error {
	weight := pl.Costs.ShortageWeight
	if weight == 0 {
		weight = alloc.DefaultCosts().ShortageWeight
	}
	perItem := map[string]int64{}
	var total int64
	for i, in := range incidents {
		penalty := weight * int64(in.EffectivePriority())
		for j, s := range in.Sites {
			for k, d := range s.Demands {
				q := int64(d.Quantity)
				if penalty <= 0 || q <= 0 {
					continue
				}
				if q > (alloc.MaxObjective-perItem[d.Item])/penalty || q > (alloc.MaxObjective-total)/penalty {
					return apperr.New(apperr.Invalid, "plan.too_large",
						"事件 %s 需求点 %s 的 %s 需求 %s 过大：按优先级 %d 计算，全部短缺的代价超出调度计算的数值范围；请拆分事件、减少数量或降低优先级",
						"incident %s, site %s: the demand of %s for %s is too large: left short at priority %d it would cost more than the planner can weigh; split the incident, lower the quantity or the priority",
						in.Code, s.Code, d.Item, d.Quantity.String(), in.EffectivePriority()).
						WithField(fmt.Sprintf("incidents[%d].sites[%d].demands[%d].quantity", i, j, k))
				}
				perItem[d.Item] += q * penalty
				total += q * penalty
			}
		}
	}
	return nil
}

func (pl *Planner) clock() time.Time {
	if pl.Now != nil {
		return pl.Now()
	}
	return time.Now()
}

func (r *run) load(ctx context.Context) error {
	var codes []string
	for _, in := range r.incidents {
		for _, s := range in.Sites {
			for _, d := range s.Demands {
				codes = append(codes, d.Item)
			}
		}
	}
	slices.Sort(codes)
	codes = slices.Compact(codes)
	var err error
	if r.items, err = r.pl.Inventory.Items(ctx, codes); err != nil {
		return fmt.Errorf("dispatch: items: %w", err)
	}
	if r.districts, err = r.pl.Inventory.Districts(ctx); err != nil {
		return fmt.Errorf("dispatch: districts: %w", err)
	}
	return nil
}

// addSites turns the incidents' sites into solver sites, recording each
// demand's coverage; demands for unknown items and sites outside the region
// go straight to the report as unmet.
func (r *run) addSites() {
	for ii, in := range r.incidents {
		prio := in.EffectivePriority()
		for si, s := range in.Sites {
			far := !r.inRegion(s.Point)
			district, outside := locate(r.districts, s)
			as := alloc.Site{Key: in.Code + "/" + s.Code, Incident: in.Code, District: district, Outside: outside, Priority: prio}
			ds := demandSite{incident: ii, site: si, district: district, outside: outside}
			for di, d := range s.Demands {
				ref := demandRef{ii, si, di}
				cov := &Coverage{Incident: in.Code, Site: s.Code, Item: d.Item, Demand: d.Quantity,
					Deadline: in.Deadline(d).Unix(), Short: d.Quantity}
				r.coverage[ref] = cov
				r.order = append(r.order, ref)
				item, known := r.items[d.Item]
				cov.ItemNameZH = item.NameZH
				switch {
				case !known:
					cov.ReasonZH, cov.ReasonEN = "物资编码不存在", "unknown item code"
				case far:
					cov.ReasonZH = fmt.Sprintf("需求点坐标 %s 超出本市及周边 %.0f 公里范围，请核对", s.Point, r.marginKm())
					cov.ReasonEN = fmt.Sprintf("site coordinates %s lie outside the city and %.0f km around it; check them", s.Point, r.marginKm())
				default:
					as.Demands = append(as.Demands, alloc.Demand{Item: d.Item, Qty: int64(d.Quantity),
						Deadline: in.Deadline(d).Sub(r.now)})
					ds.demands = append(ds.demands, di)
				}
			}
			if len(as.Demands) > 0 {
				r.problem.Sites = append(r.problem.Sites, as)
				r.siteOf = append(r.siteOf, ds)
			}
		}
	}
	r.stats.Sites = len(r.problem.Sites)
}

func (r *run) marginKm() float64 {
	if r.pl.RegionMarginKm > 0 {
		return r.pl.RegionMarginKm
	}
	return 300
}

// inRegion reports whether p lies within the margin of a home district.
func (r *run) inRegion(p geo.Point) bool {
	if len(r.districts) == 0 {
		return true
	}
	for _, d := range r.districts {
		if geo.DistanceKm(p, d.Point) <= r.marginKm() {
			return true
		}
	}
	return false
}

// outlineToleranceDeg is how far outside a district's outline a site still
// counts as in it: 0.01°, about 1.1 km north–south and 0.85 km east–west in
// Beijing, ten times the quantisation of the demo's outlines (1/1024°).
const outlineToleranceDeg = 0.01

// SiteDistrict is the home district of site s among districts, or "" when
// it has none: its area if that is a home district; else the home district
// whose outline contains the site (or lies within outlineToleranceDeg of
// it). When the area data has outlines, a site in none of them lies
// outside the home city (SiteOutside) and has no own district. Only when no
// home district has an outline is the nearest district seat within 60 km
// taken instead.
func SiteDistrict(districts []District, s Site) string {
	code, _ := locate(districts, s)
	return code
}

// SiteOutside reports whether site s lies outside the home city: the area
// data has district outlines, s names no home district as its area, and no
// outline contains it (within outlineToleranceDeg). Street and district
// stock does not supply such a site: support to neighbouring provinces is
// city stock (seed 001: 市级…24小时内支援津冀), with agreement, capacity and
// the neighbouring provinces' own reserves. Without outlines no site is
// known to lie outside.
func SiteOutside(districts []District, s Site) bool {
	_, outside := locate(districts, s)
	return outside
}

// locate is SiteDistrict and SiteOutside in one pass.
func locate(districts []District, s Site) (district string, outside bool) {
	outlined := false
	for _, d := range districts {
		if d.Code == s.Area && s.Area != "" {
			return d.Code, false
		}
		outlined = outlined || d.Boundary != nil
	}
	if outlined {
		best, bestDeg := "", outlineToleranceDeg
		for _, d := range districts {
			if d.Contains(s.Point) {
				return d.Code, false
			}
			if d.Boundary != nil {
				if deg := planar.DistanceFrom(d.Boundary, orb.Point{s.Point.Lon, s.Point.Lat}); deg < bestDeg {
					best, bestDeg = d.Code, deg
				}
			}
		}
		return best, best == ""
	}
	best, bestKm := "", 60.0
	for _, d := range districts {
		if km := geo.DistanceKm(s.Point, d.Point); km < bestKm {
			best, bestKm = d.Code, km
		}
	}
	return best, false
}

// addSources gathers depot stock, agreement and capacity reserves of the
// items some site in the region needs.
func (r *run) addSources(ctx context.Context) error {
	needed := map[string]bool{}
	for _, s := range r.problem.Sites {
		for _, d := range s.Demands {
			needed[d.Item] = true
		}
	}
	if len(needed) == 0 {
		return nil
	}
	items := make([]string, 0, len(needed))
	for it := range needed {
		items = append(items, it)
	}
	sort.Strings(items)
	if err := r.addDepots(ctx, items); err != nil {
		return err
	}
	agreements, err := r.pl.Inventory.Agreements(ctx, items)
	if err != nil {
		return fmt.Errorf("dispatch: agreements: %w", err)
	}
	for _, a := range agreements {
		if a.Free() > 0 {
			ready := time.Duration(a.DeliveryHours * float64(time.Hour))
			r.addSource(Source{Kind: SourceAgreement, Code: a.Code, NameZH: a.OrgNameZH, Tier: "agreement"}, a.Point,
				alloc.Source{Key: a.Code, Tier: alloc.TierAgreement,
					Supplies: []alloc.Supply{{Item: a.Item, Qty: int64(a.Free()), ReadyAfter: ready}}})
		}
	}
	if err := r.addIncoming(ctx, items); err != nil {
		return err
	}
	capacities, err := r.pl.Inventory.Capacities(ctx, items)
	if err != nil {
		return fmt.Errorf("dispatch: capacities: %w", err)
	}
	for _, c := range capacities {
		if supplies := r.capacitySupplies(c); len(supplies) > 0 {
			r.addSource(Source{Kind: SourceCapacity, Code: c.Code, NameZH: c.OrgNameZH, Tier: "capacity"}, c.Point,
				alloc.Source{Key: c.Code, Tier: alloc.TierCapacity, Supplies: supplies})
		}
	}
	r.stats.Sources = len(r.problem.Sources)
	return nil
}

func (r *run) addDepots(ctx context.Context, items []string) error {
	stocks, err := r.pl.Inventory.DepotStock(ctx, items)
	if err != nil {
		return fmt.Errorf("dispatch: depot stock: %w", err)
	}
	byKey := map[string]*depotSource{}
	for _, ds := range stocks {
		groups := map[string][]stock.Candidate{} // restriction key → lots, FEFO kept
		var keys []string
		for _, c := range ds.Lots {
			k := c.Restriction.Key()
			if _, ok := groups[k]; !ok {
				keys = append(keys, k)
			}
			groups[k] = append(groups[k], c)
		}
		for _, k := range keys {
			r.addDepotLots(ds, groups[k], byKey)
		}
	}
	return nil
}

// addDepotLots adds one item's lots of one restriction at a depot to the
// depot's source for that restriction, making it on first use.
func (r *run) addDepotLots(ds DepotStock, lots []stock.Candidate, byKey map[string]*depotSource) {
	var free stock.Quantity
	for _, c := range lots {
		free += c.Available
	}
	if free <= 0 {
		return
	}
	res := lots[0].Restriction
	key := ds.Depot.Code
	if res.Binding() {
		key += "#" + res.Key()
	}
	d := byKey[key]
	if d == nil {
		tier := map[area.Level]alloc.Tier{area.LevelCity: alloc.TierCity, area.LevelDistrict: alloc.TierDistrict}[ds.Depot.Tier]
		if tier == 0 {
			tier = alloc.TierStreet
		}
		if ds.Depot.Outside {
			tier = alloc.TierProvince
		}
		d = &depotSource{source: len(r.problem.Sources), lots: map[string][]lotState{}}
		if res.Binding() {
			d.restriction = res
		}
		byKey[key] = d
		r.depots = append(r.depots, d)
		r.addSource(Source{Kind: SourceDepot, Code: ds.Depot.Code, NameZH: ds.Depot.NameZH, NameEN: ds.Depot.NameEN,
			Tier: string(ds.Depot.Tier)},
			ds.Depot.Point, alloc.Source{Key: key, Tier: tier, District: ds.Depot.District})
	}
	src := &r.problem.Sources[d.source]
	src.Supplies = append(src.Supplies, alloc.Supply{Item: ds.Item, Qty: int64(free)})
	for _, c := range lots {
		d.lots[ds.Item] = append(d.lots[ds.Item], lotState{c: c, left: c.Available})
	}
}

// allows reports whether lots of restriction res may go to solver site i:
// an incident of the restriction's type, in its district, or (for an area
// that is not a home district: the city) anywhere in the home city.
func (r *run) allows(res stock.Restriction, i int) bool {
	ds := r.siteOf[i]
	if res.IncidentType != "" && r.incidents[ds.incident].Type != res.IncidentType {
		return false
	}
	if res.Area == "" {
		return true
	}
	for _, d := range r.districts {
		if d.Code == res.Area {
			return ds.district == res.Area
		}
	}
	return !ds.outside
}

// addIncoming counts call-offs as stock at their depots when due, drawn on
// like agreement reserves (promised on approval).
func (r *run) addIncoming(ctx context.Context, items []string) error {
	in, ok := r.pl.Inventory.(Incomings)
	if !ok {
		return nil
	}
	calls, err := in.CallOffs(ctx, items)
	if err != nil {
		return fmt.Errorf("dispatch: call-offs: %w", err)
	}
	for _, c := range calls {
		if c.Quantity <= 0 {
			continue
		}
		ready := max(time.Unix(c.DueAt, 0).Sub(r.now), 0)
		r.addSource(Source{Kind: SourcePurchase, Code: c.Code, NameZH: c.SupplierZH + "（紧急采购，交" + c.Depot.NameZH + "）",
			Tier: "purchase"}, c.Depot.Point,
			alloc.Source{Key: c.Code, Tier: alloc.TierAgreement,
				Supplies: []alloc.Supply{{Item: c.Item, Qty: int64(c.Quantity), ReadyAfter: ready}}})
	}
	return nil
}

// capacitySupplies expands a capacity reserve into daily batches as far as
// the item's latest deadline needs, less what approved plans took (from the
// earliest days).
func (r *run) capacitySupplies(c reserve.Capacity) []alloc.Supply {
	lead := time.Duration(c.LeadHours * float64(time.Hour))
	taken := int64(c.Reserved)
	var out []alloc.Supply
	for _, b := range alloc.CapacityBatches(int64(c.PerDay), lead, r.problem.LatestDeadline(c.Item)) {
		use := min(taken, b.Qty)
		taken -= use
		if b.Qty > use {
			out = append(out, alloc.Supply{Item: c.Item, Qty: b.Qty - use, ReadyAfter: b.ReadyAfter})
		}
	}
	return out
}

func (r *run) addSource(s Source, p geo.Point, as alloc.Source) {
	s.Point = p
	r.sources = append(r.sources, s)
	r.points = append(r.points, p)
	r.problem.Sources = append(r.problem.Sources, as)
}

// route asks the router for every source-to-site travel time.
func (r *run) route(ctx context.Context) error {
	r.problem.Costs = r.pl.Costs
	sites := make([]geo.Point, len(r.siteOf))
	for i, ds := range r.siteOf {
		sites[i] = r.incidents[ds.incident].Sites[ds.site].Point
	}
	if len(sites) == 0 || len(r.points) == 0 {
		r.problem.Travel = func(int, int) (time.Duration, bool) { return 0, false }
		return nil
	}
	start := time.Now()
	m, err := r.pl.Router.Matrix(ctx, r.points, sites)
	if err != nil {
		return fmt.Errorf("dispatch: travel times: %w", err)
	}
	r.stats.RoutingMs = time.Since(start).Milliseconds()
	for _, s := range m.Seconds {
		if s == routing.Unreachable {
			r.stats.Unreachable++
		}
	}
	restricted := map[int]stock.Restriction{}
	for _, d := range r.depots {
		if d.restriction.Binding() {
			restricted[d.source] = d.restriction
		}
	}
	r.problem.Travel = func(src, site int) (time.Duration, bool) {
		if res, ok := restricted[src]; ok && !r.allows(res, site) {
			return 0, false // the donor's restriction keeps these lots from the site
		}
		return time.Duration(m.At(src, site)) * time.Second, m.Reachable(src, site)
	}
	return nil
}

// minutes rounds a duration up to whole minutes.
func minutes(d time.Duration) int { return int(math.Ceil(d.Minutes())) }
