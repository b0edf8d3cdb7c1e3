package readiness

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/stockpile-dev/stockpile/internal/alloc"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/cst"
	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// Assessor assesses scenarios against what a city holds.
type Assessor struct {
	Data   Data
	Config Config
	// Planner returns the dispatch planner to use over an inventory (its
	// router and tier costs); the in-time figures come from its plans.
	Planner func(dispatch.Inventory) *dispatch.Planner
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Assessment is a scenario set against the city's holdings (够不够).
type Assessment struct {
	Scenario      Scenario   `json:"scenario"`
	Events        []Resolved `json:"events"`
	At            int64      `json:"at"` // unix seconds
	PlanningDays  int        `json:"planning_days"`
	WindowHours   float64    `json:"window_hours"`
	DeadlineHours float64    `json:"deadline_hours"`
	Summary       Summary    `json:"summary"`
	Items         []ItemView `json:"items"`
	Tiers         []TierView `json:"tiers"`
	Areas         []AreaView `json:"areas"`
	Purchases     []Purchase `json:"purchases"`
	// Budgets are the purchase list's cost per budget holder: the city,
	// then each district (列入本级财政预算); PurchaseCost is their sum, in
	// yuan.
	Budgets      []Budget      `json:"budgets"`
	PurchaseCost float64       `json:"purchase_cost"`
	Rotation     []RotationLot `json:"rotation"`
	Notes        []Note        `json:"notes"`
	Stats        Stats         `json:"stats"`
}

// Summary condenses an assessment into three shares, each the mean over the
// items needed of min(1, x ÷ required): so one item far over its need does
// not hide another missing.
type Summary struct {
	Items    int     `json:"items"`
	Coverage float64 `json:"coverage"`  // held
	InTime   float64 `json:"in_time"`   // arriving by the first-batch deadline
	Within24 float64 `json:"within_24"` // arriving within 24 h
	Short    int     `json:"short"`     // items held below requirement
	// Local is the same mean over hit districts and items of the stock in
	// depots inside the district: how far the first batch can come from
	// the district itself.
	Local float64 `json:"local"`
}

// ItemView is one item: required against held, by reserve mode and in time.
type ItemView struct {
	Item      string          `json:"item"`
	NameZH    string          `json:"name_zh"`
	NameEN    string          `json:"name_en"`
	UnitZH    string          `json:"unit_zh"`
	UnitEN    string          `json:"unit_en"`
	Purpose   catalog.Purpose `json:"purpose"`
	Required  stock.Quantity  `json:"required"`
	Physical  stock.Quantity  `json:"physical"`  // free good depot stock, not expired
	Agreement stock.Quantity  `json:"agreement"` // deliverable within the window
	Capacity  stock.Quantity  `json:"capacity"`  // daily batches ready within the window
	Held      stock.Quantity  `json:"held"`
	Coverage  float64         `json:"coverage"` // held ÷ required
	OnTime    stock.Quantity  `json:"on_time"`  // by the deadline, as planned
	Within4h  stock.Quantity  `json:"within_4h"`
	Within6h  stock.Quantity  `json:"within_6h"`
	Within24h stock.Quantity  `json:"within_24h"`
	InTime    float64         `json:"in_time"` // on time ÷ required
	// Gap is what the tiers must buy: the sum of the item's purchase
	// lines. A tier's surplus does not close another's gap, so an item
	// held above its requirement overall can still have one.
	Gap  stock.Quantity `json:"gap"`
	Cost float64        `json:"cost"` // of the gap, in yuan
	// Reserve is the part of Required the city holds beyond the
	// scenario's own needs, in a scenario that sizes the reserve
	// ([Scenario.ReserveTarget]) under the tier rule: what the city's
	// concurrent Ⅱ responses need above its share, and the redundancy
	// margin. It is in the city's tier row, in no district's.
	Reserve stock.Quantity `json:"reserve"`
	// Expiring is the part of Physical due for rotation (still held).
	Expiring   stock.Quantity `json:"expiring"`
	Sources    []string       `json:"sources"`
	Assumption bool           `json:"assumption"` // some norm behind it is an assumption
	counted    bool
	shelfLife  int
}

// TierView is one item at one reserve tier (分级储备): the city's, or one
// district's (with its streets and communities).
type TierView struct {
	Item     string         `json:"item"`
	NameZH   string         `json:"name_zh"`
	Tier     area.Level     `json:"tier"`
	Area     string         `json:"area,omitempty"` // the district of a district row
	AreaZH   string         `json:"area_name_zh,omitempty"`
	Required stock.Quantity `json:"required"`
	Held     stock.Quantity `json:"held"`
	Coverage float64        `json:"coverage"`
	Gap      stock.Quantity `json:"gap"`
}

// AreaView is one item in one district an event hits.
type AreaView struct {
	Event     int            `json:"event"`
	Area      string         `json:"area"`
	AreaZH    string         `json:"area_name_zh"`
	Item      string         `json:"item"`
	NameZH    string         `json:"name_zh"`
	Required  stock.Quantity `json:"required"`
	Local     stock.Quantity `json:"local"` // free stock in depots inside the district
	OnTime    stock.Quantity `json:"on_time"`
	Within4h  stock.Quantity `json:"within_4h"`
	Within6h  stock.Quantity `json:"within_6h"`
	Within24h stock.Quantity `json:"within_24h"`
	InTime    float64        `json:"in_time"`
}

// Purchase is a line of the purchase list: what the city, or one
// district, must buy to close its gap, and what that costs at the unit
// price of the settings. A tier's surplus does not close another tier's
// gap, nor one district's another's (分级负责, 列入本级财政预算).
type Purchase struct {
	Item     string         `json:"item"`
	NameZH   string         `json:"name_zh"`
	NameEN   string         `json:"name_en"`
	UnitZH   string         `json:"unit_zh"`
	UnitEN   string         `json:"unit_en"`
	Tier     area.Level     `json:"tier"`
	Area     string         `json:"area,omitempty"` // the district of a district line
	AreaZH   string         `json:"area_name_zh,omitempty"`
	Quantity stock.Quantity `json:"quantity"`
	UnitYuan float64        `json:"unit_yuan"`
	Cost     float64        `json:"cost"`   // yuan; 0 when unpriced
	Priced   bool           `json:"priced"` // the item has a unit price
	// PriceAssumption marks a price that is an assumption.
	PriceAssumption bool `json:"price_assumption"`
}

// Budget is what one budget holder must buy: the city, or one district.
type Budget struct {
	Tier     area.Level `json:"tier"`
	Area     string     `json:"area,omitempty"`
	AreaZH   string     `json:"area_name_zh,omitempty"`
	Lines    int        `json:"lines"`
	Cost     float64    `json:"cost"`     // yuan
	Unpriced int        `json:"unpriced"` // lines without a unit price, not in Cost
}

// RotationLot is a held lot due for rotation (轮换): within its item's
// rotation horizon of its expiry (see [Rotation]). It is still counted as
// held.
type RotationLot struct {
	Depot     string     `json:"depot"`
	DepotZH   string     `json:"depot_name_zh"`
	Tier      area.Level `json:"tier"`
	Item      string     `json:"item"`
	NameZH    string     `json:"name_zh"`
	NameEN    string     `json:"name_en"`
	Lot       string     `json:"lot"`
	ExpiresOn string     `json:"expires_on"`
	// DueOn is the date the lot entered its rotation horizon of
	// HorizonDays before expiry.
	DueOn       string         `json:"due_on"`
	HorizonDays int            `json:"horizon_days"`
	Quantity    stock.Quantity `json:"quantity"`
}

// Stats is the work an assessment took.
type Stats struct {
	LoadMs     int64 `json:"load_ms"`
	DispatchMs int64 `json:"dispatch_ms"`
	TotalMs    int64 `json:"total_ms"`
	Plans      int   `json:"plans"`
}

// Assess sets a scenario against the city's holdings: what its events
// need per the norms, what is held per reserve mode and tier, and what the
// dispatch engine can bring to each hit district by 4 h, 6 h and 24 h.
func (a *Assessor) Assess(ctx context.Context, sc Scenario) (Assessment, error) {
	b, err := a.load(ctx)
	if err != nil {
		return Assessment{}, err
	}
	return a.assess(ctx, b, sc)
}

// base is what every assessment of one request reads, read once.
type base struct {
	city      area.Area
	districts []area.Area
	snap      *snapshot // the items of every norm
	holders   map[string]Holder
	loadMs    int64
}

func (a *Assessor) load(ctx context.Context) (*base, error) {
	start := time.Now()
	b := &base{}
	var err error
	if b.city, b.districts, err = a.Data.City(ctx); err != nil {
		return nil, fmt.Errorf("readiness: city: %w", err)
	}
	if b.snap, err = loadSnapshot(ctx, a.Data, newNormIndex(a.Config).items); err != nil {
		return nil, err
	}
	if b.holders, err = a.Data.Holders(ctx); err != nil {
		return nil, fmt.Errorf("readiness: organisations: %w", err)
	}
	b.loadMs = time.Since(start).Milliseconds()
	return b, nil
}

func (a *Assessor) assess(ctx context.Context, b *base, sc Scenario) (Assessment, error) {
	as, _, err := a.assessFull(ctx, b, sc)
	return as, err
}

// assessFull is assess, also returning the dispatch plan behind the
// in-time figures.
func (a *Assessor) assessFull(ctx context.Context, b *base, sc Scenario) (Assessment, dispatch.Plan, error) {
	start := time.Now()
	w, err := a.prepare(b, sc)
	if err != nil {
		return Assessment{}, dispatch.Plan{}, err
	}
	w.out.Stats.LoadMs = b.loadMs
	w.hold(b.snap, b.holders)
	plan, err := w.inTime(ctx, b.snap)
	if err != nil {
		return Assessment{}, plan, err
	}
	w.finish()
	w.out.Stats.TotalMs = b.loadMs + time.Since(start).Milliseconds()
	return w.out, plan, nil
}

// work is one assessment's working state.
type work struct {
	a         *Assessor
	cfg       Config
	now       time.Time
	city      area.Area
	districts []area.Area
	ix        *normIndex
	needs     []need
	capLeft   map[[2]string]float64 // item, district → district tier's cap left (tier rule)
	items     map[string]*ItemView
	order     []string                   // item codes in norm order
	required  map[tierKey]stock.Quantity // per item and budget holder
	held      map[tierKey]stock.Quantity // per item and budget holder
	out       Assessment
}

// tierKey is an item at one budget holder: the city (area empty) or a
// district.
type tierKey struct {
	item string
	tier area.Level
	area string
}

func (a *Assessor) clock() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// prepare resolves the scenario's events and computes what they need.
func (a *Assessor) prepare(b *base, sc Scenario) (*work, error) {
	w := &work{a: a, cfg: a.Config, now: a.clock(), city: b.city, districts: b.districts,
		items: map[string]*ItemView{}, required: map[tierKey]stock.Quantity{}, held: map[tierKey]stock.Quantity{}}
	w.out = Assessment{Scenario: sc, At: w.now.Unix(), PlanningDays: w.cfg.PlanningDays,
		WindowHours: w.cfg.WindowHours, DeadlineHours: w.cfg.DeadlineHours}
	for i, e := range sc.Events {
		r, err := w.cfg.resolve(e, b.districts, b.city.Code)
		if err != nil {
			return nil, apperr.Within(fmt.Sprintf("events[%d]", i), err)
		}
		w.out.Events = append(w.out.Events, r)
		for _, n := range r.Notes {
			if !slices.ContainsFunc(w.out.Notes, func(m Note) bool { return m.ZH == n.ZH }) {
				w.out.Notes = append(w.out.Notes, n)
			}
		}
	}
	w.ix = newNormIndex(w.cfg)
	w.capLeft = map[[2]string]float64{}
	w.needs = w.ix.needs(w.out.Events)
	if r := w.cfg.TierRule; r != nil {
		w.out.Notes = append(w.out.Notes, r.notes(w.cfg, sc.ReserveTarget)...)
	}
	for _, n := range w.needs {
		if _, ok := w.items[n.item]; !ok {
			w.items[n.item] = &ItemView{Item: n.item}
			w.order = append(w.order, n.item)
		}
		iv := w.items[n.item]
		for _, src := range n.sources {
			if !slices.Contains(iv.Sources, src.Source) {
				iv.Sources = append(iv.Sources, src.Source)
			}
			iv.Assumption = iv.Assumption || src.Assumption
		}
	}
	return w, nil
}

// hold counts what is held of each item: free, good, unexpired depot
// stock (lots due for rotation included, and listed as well), agreement
// reserves deliverable within the window and capacity producible in it —
// each contract reserve for the tier of its contracting party, not of the
// enterprise holding it (a reserve without a party for the city) —
// the basis the in-time figures are planned on ([snapshot.basis]).
func (w *work) hold(s *snapshot, holders map[string]Holder) {
	for code, it := range s.items {
		if iv := w.items[code]; iv != nil {
			iv.NameZH, iv.NameEN, iv.UnitZH, iv.UnitEN, iv.Purpose = it.NameZH, it.NameEN, it.UnitZH, it.UnitEN, it.Purpose
			iv.counted, iv.shelfLife = it.Counted, it.ShelfLifeDays
		}
	}
	for _, d := range s.stock {
		if iv := w.items[d.Item]; iv != nil {
			w.holdLots(iv, d)
		}
	}
	for _, ag := range s.agreements {
		iv := w.items[ag.Item]
		if iv != nil && ag.DeliveryHours <= w.cfg.WindowHours && ag.Free() > 0 {
			add(&iv.Agreement, ag.Free())
			w.addHeld(ag.Item, holders[ag.Party], ag.Free())
		}
	}
	window := time.Duration(w.cfg.WindowHours * float64(time.Hour))
	for _, c := range s.capacities {
		// Daily batches as the dispatch engine counts them, the first a day
		// after the lead time.
		var q stock.Quantity
		for _, b := range alloc.CapacityBatches(int64(c.PerDay), time.Duration(c.LeadHours*float64(time.Hour)), window) {
			if b.ReadyAfter <= window {
				add(&q, stock.Quantity(b.Qty))
			}
		}
		add(&q, -c.Reserved)
		if iv := w.items[c.Item]; iv != nil && q > 0 {
			add(&iv.Capacity, q)
			w.addHeld(c.Item, holders[c.Party], q)
		}
	}
	slices.SortFunc(w.out.Rotation, func(a, b RotationLot) int {
		return cmp.Or(cmp.Compare(a.ExpiresOn, b.ExpiresOn), cmp.Compare(a.Depot, b.Depot), cmp.Compare(a.Lot, b.Lot))
	})
}

// holdLots counts a depot's lots of an item as held, and lists those due
// for rotation: expiring within the item's rotation horizon of today, by
// China's calendar.
func (w *work) holdLots(iv *ItemView, d dispatch.DepotStock) {
	days := w.cfg.Rotation.horizon(iv.Item, iv.shelfLife)
	today := w.now.In(cst.Zone)
	horizon := today.AddDate(0, 0, days).Format(stock.DateLayout)
	for _, lot := range d.Lots {
		add(&iv.Physical, lot.Available)
		w.addHeld(iv.Item, Holder{Tier: d.Depot.Tier, District: d.Depot.District}, lot.Available)
		if lot.ExpiresOn == "" || lot.ExpiresOn > horizon {
			continue
		}
		add(&iv.Expiring, lot.Available)
		due := lot.ExpiresOn
		if t, err := time.ParseInLocation(stock.DateLayout, lot.ExpiresOn, cst.Zone); err == nil {
			due = t.AddDate(0, 0, -days).Format(stock.DateLayout)
		}
		w.out.Rotation = append(w.out.Rotation, RotationLot{Depot: d.Depot.Code, DepotZH: d.Depot.NameZH,
			Tier: d.Depot.Tier, Item: d.Item, NameZH: iv.NameZH, NameEN: iv.NameEN, Lot: lot.LotCode,
			ExpiresOn: lot.ExpiresOn, DueOn: due, HorizonDays: days, Quantity: lot.Available})
	}
}

// addHeld counts q of an item towards the budget holder h belongs to.
func (w *work) addHeld(item string, h Holder, q stock.Quantity) {
	tier, code := h.budgetTier()
	k := tierKey{item, tier, code}
	w.held[k] = w.held[k].SaturatingAdd(q)
}

// units turns a required amount into a quantity: whole units, rounded up,
// for counted items. An amount beyond int64 (norms × people × days of an
// absurd but valid configuration) saturates, as the sums of [add] do.
func units(q float64, counted bool) stock.Quantity {
	if counted {
		return thousandths(math.Ceil(q-1e-9) * stock.Scale)
	}
	return thousandths(math.Ceil(q*stock.Scale - 1e-6))
}

// thousandths converts a float count of thousandths to a Quantity,
// saturating at the int64 bounds (a plain conversion of a float beyond
// them is undefined) and taking NaN as 0.
func thousandths(x float64) stock.Quantity {
	switch {
	case x >= math.MaxInt64: // float64(MaxInt64) is 2^63, just beyond it
		return math.MaxInt64
	case x <= math.MinInt64:
		return math.MinInt64
	case math.IsNaN(x):
		return 0
	}
	return stock.Quantity(x)
}

// add adds r to *q, saturating at the int64 bounds. The figures of an
// assessment are sums over every lot, agreement, district and event; they
// are shown and compared, never posted, so a sum past int64 (which takes
// over nine million lots at stock.MaxQuantity) reads as the bound instead
// of failing the assessment.
func add(q *stock.Quantity, r stock.Quantity) { *q = q.SaturatingAdd(r) }

func ratio(x, of stock.Quantity) float64 {
	if of <= 0 {
		return 1
	}
	return float64(x) / float64(of)
}

// inTime plans the scenario's events as concurrent incidents on the
// snapshot, one site per hit district at its reference point, each demand
// due by the first-batch deadline; the plan's coverage gives what arrives
// by 4 h, 6 h and 24 h.
func (w *work) inTime(ctx context.Context, snap *snapshot) (dispatch.Plan, error) {
	incidents := w.incidents(snap)
	start := time.Now()
	basis := snap.basis(w.cfg.WindowHours)
	plan, ok, err := planBounded(ctx, w.a.Planner(basis), basis, incidents)
	if err != nil {
		return plan, fmt.Errorf("readiness: plan %s: %w", w.out.Scenario.Code, err)
	}
	if !ok {
		w.out.Notes = append(w.out.Notes, Note{
			ZH: "需求过大，超出调度计算的数值范围：未计算按时送达量，显示为 0",
			EN: "the demands are beyond the planner's arithmetic: what arrives in time was not computed and shows as 0"})
	}
	w.out.Stats.DispatchMs += time.Since(start).Milliseconds()
	w.out.Stats.Plans++
	type key struct{ incident, site, item string }
	cov := make(map[key]dispatch.Coverage, len(plan.Coverage))
	for _, c := range plan.Coverage {
		cov[key{c.Incident, c.Site, c.Item}] = c
	}
	for _, n := range w.needs {
		e := w.out.Events[n.event]
		h := e.Hits[n.hit]
		c := cov[key{incidents[n.event].Code, h.Area, n.item}]
		iv := w.items[n.item]
		req := units(n.total(), w.counted(snap, n.item))
		add(&iv.Required, req)
		add(&iv.OnTime, c.OnTime)
		add(&iv.Within4h, c.Within4h)
		add(&iv.Within6h, c.Within6h)
		add(&iv.Within24h, c.Within24h)
		w.out.Areas = append(w.out.Areas, AreaView{Event: n.event, Area: h.Area, AreaZH: h.NameZH, Item: n.item,
			NameZH: iv.NameZH, Required: req, Local: snap.local(h.Area, n.item), OnTime: c.OnTime,
			Within4h: c.Within4h, Within6h: c.Within6h, Within24h: c.Within24h, InTime: ratio(c.OnTime, req)})
		w.split(n, e, h.Area, req, iv)
	}
	if w.out.Scenario.ReserveTarget {
		w.reserve(snap)
	}
	return plan, nil
}

// split divides a hit's requirement req of an item between its district
// and the city: the district's part is its own tier's with its streets'
// and communities', plus its part of the untiered need, rounded up like
// req; the city's is the rest. So the tier requirements of an item add up
// to its requirement exactly.
//
// The untiered need of a life-support or rescue item is divided by the
// tier rule: the district takes it up to its cap ([work.districtCap]),
// which every hit of the scenario in the district draws on, and the city
// the rest. Other items, and every item without a tier rule, are divided
// by the tier shares.
func (w *work) split(n need, e Resolved, district string, req stock.Quantity, iv *ItemView) {
	local := n.perTier[area.LevelDistrict.Rank()] + n.perTier[area.LevelStreet.Rank()] + n.perTier[area.LevelCommunity.Rank()]
	if w.ruled(iv) {
		k := [2]string{n.item, district}
		left, ok := w.capLeft[k]
		if !ok {
			left = w.districtCap(iv.Purpose, e.Hazard, district, n.item)
		}
		take := min(left, n.untiered)
		w.capLeft[k] = left - take
		local += take
	} else {
		local += n.shared[area.LevelDistrict.Rank()] + n.shared[area.LevelStreet.Rank()] + n.shared[area.LevelCommunity.Rank()]
	}
	d := min(units(local, iv.counted), req)
	dk := tierKey{n.item, area.LevelDistrict, district}
	ck := tierKey{n.item, area.LevelCity, ""}
	w.required[dk] = w.required[dk].SaturatingAdd(d)
	w.required[ck] = w.required[ck].SaturatingAdd(req - d)
}

// ruled reports whether the tier rule divides an item's requirement: it
// is set and the item is of one of its classes.
func (w *work) ruled(iv *ItemView) bool {
	return w.cfg.TierRule != nil && (iv.Purpose == catalog.PurposeLife || iv.Purpose == catalog.PurposeRescue)
}

// districtCap is what a district's tier holds of an item's untiered need
// under the tier rule: for life support, one district-level Ⅱ relief
// response of its own; for rescue, a response of the rule's district
// level (Ⅲ, 较大) in it; both for the hazard at hand.
func (w *work) districtCap(p catalog.Purpose, hazard, district, item string) float64 {
	r := w.cfg.TierRule
	e := Resolved{Event: Event{Hazard: hazard}}
	h := Hit{Area: district}
	if p == catalog.PurposeLife {
		e.Days = r.DistrictLevel2.Days
		h.Relocated, h.Affected = float64(r.DistrictLevel2.Relocated), float64(r.DistrictLevel2.Relocated)
	} else {
		lv := w.cfg.level(r.RescueDistrictLevel)
		e.Days = lv.Days
		n := float64(w.cfg.planningSize(r.RescueDistrictLevel))
		h.Relocated, h.Affected, h.Teams = n, n, float64(lv.Teams)
	}
	return w.ix.need(e, h, item).untiered
}

// reserve sizes the city's tier of a scenario that sizes the reserve
// under the tier rule: for each life-support item, the city holds at
// least what its concurrent city-level Ⅱ responses need (for the
// scenario's hazard, city-wide norms), whatever the districts leave of the
// scenario's total, and the redundancy margin of the whole. What it holds
// beyond the scenario's own needs is the item's Reserve.
func (w *work) reserve(snap *snapshot) {
	r := w.cfg.TierRule
	if r == nil || len(w.out.Events) == 0 {
		return
	}
	hazard := w.out.Events[0].Hazard
	for _, code := range w.order {
		iv := w.items[code]
		if iv.Purpose != catalog.PurposeLife {
			continue
		}
		ck := tierKey{code, area.LevelCity, ""}
		n := float64(r.CityResponses) * float64(r.CityLevel2.Relocated)
		floor := units(w.ix.need(Resolved{Event: Event{Hazard: hazard, Days: r.CityLevel2.Days}},
			Hit{Area: w.city.Code, Relocated: n, Affected: n}, code).untiered, iv.counted)
		extra := max(0, floor-w.required[ck])
		margin := units(r.Margin*iv.Required.SaturatingAdd(extra).Float(), iv.counted)
		iv.Reserve = extra.SaturatingAdd(margin)
		add(&iv.Required, iv.Reserve)
		w.required[ck] = w.required[ck].SaturatingAdd(iv.Reserve)
	}
}

// planBounded plans incidents with pl for an assessment, which must not
// fail on the size of its own demands. When the demands are too large for
// the planner's arithmetic (plan.too_large), it plans again with each
// demand capped at the most inv could supply of its item: that leaves
// the allocation as it was, since no site can get more than all there is,
// and what arrives in time is all an assessment reads. When even that is
// too large, ok is false and the plan is empty.
func planBounded(ctx context.Context, pl *dispatch.Planner, inv *snapshot, incidents []dispatch.Incident) (p dispatch.Plan, ok bool, err error) {
	p, err = pl.Plan(ctx, incidents)
	if !tooLarge(err) {
		return p, err == nil, err
	}
	capped := capDemands(incidents, inv.supply())
	if len(capped) == 0 {
		return dispatch.Plan{}, true, nil // nothing of what is needed is held anywhere
	}
	p, err = pl.Plan(ctx, capped)
	if tooLarge(err) {
		return dispatch.Plan{}, false, nil
	}
	return p, err == nil, err
}

// tooLarge reports whether err is the planner refusing demands too large
// for its arithmetic (dispatch.Planner restates alloc.ErrTooLarge so).
func tooLarge(err error) bool {
	e, ok := apperr.As(err)
	return ok && e.Code == "plan.too_large"
}

// capDemands returns copies of incidents with each demand at most the
// supply of its item; demands of items with no supply, then sites without
// demands and incidents without sites, are left out.
func capDemands(incidents []dispatch.Incident, supply map[string]stock.Quantity) []dispatch.Incident {
	var out []dispatch.Incident
	for _, in := range incidents {
		var sites []dispatch.Site
		for _, site := range in.Sites {
			var demands []dispatch.Demand
			for _, d := range site.Demands {
				if d.Quantity = min(d.Quantity, supply[d.Item]); d.Quantity > 0 {
					demands = append(demands, d)
				}
			}
			if len(demands) > 0 {
				site.Demands = demands
				sites = append(sites, site)
			}
		}
		if len(sites) > 0 {
			in.Sites = sites
			out = append(out, in)
		}
	}
	return out
}

func (w *work) counted(snap *snapshot, item string) bool {
	it, ok := snap.items[item]
	return !ok || it.Counted
}

// incidents turns the scenario's events into dispatch incidents.
func (w *work) incidents(snap *snapshot) []dispatch.Incident {
	out := make([]dispatch.Incident, len(w.out.Events))
	for i, e := range w.out.Events {
		in := dispatch.Incident{Code: fmt.Sprintf("%s#%d", w.out.Scenario.Code, i+1),
			Title: fmt.Sprintf("%s(%s)", w.out.Scenario.NameZH, e.Hazard), Type: e.Hazard, Level: e.Level,
			Status: dispatch.IncidentOpen, ReportedAt: w.now.Unix()}
		for _, h := range e.Hits {
			site := dispatch.Site{Code: h.Area, Name: h.NameZH, Area: h.Area, Point: w.pointOf(h.Area)}
			for _, n := range w.needs {
				if n.event == i && w.out.Events[n.event].Hits[n.hit].Area == h.Area {
					site.Demands = append(site.Demands, dispatch.Demand{Item: n.item,
						Quantity: units(n.total(), w.counted(snap, n.item)), WithinHours: w.cfg.DeadlineHours})
				}
			}
			if len(site.Demands) > 0 { // a district that needs nothing gets no site
				in.Sites = append(in.Sites, site)
			}
		}
		out[i] = in
	}
	return out
}

func (w *work) pointOf(code string) geo.Point {
	for _, d := range w.districts {
		if d.Code == code {
			return d.Point
		}
	}
	return w.city.Point
}

// finish derives coverage, the tier view, the purchase list with its
// costs, the gaps and the summary.
func (w *work) finish() {
	var sum Summary
	for _, code := range w.order {
		iv := w.items[code]
		iv.Held = iv.Physical.SaturatingAdd(iv.Agreement).SaturatingAdd(iv.Capacity)
		iv.Coverage = ratio(iv.Held, iv.Required)
		iv.InTime = ratio(iv.OnTime, iv.Required)
		w.tierViews(iv)
		w.out.Items = append(w.out.Items, *iv)
		sum.Items++
		sum.Coverage += min(1, iv.Coverage)
		sum.InTime += min(1, iv.InTime)
		sum.Within24 += min(1, ratio(iv.Within24h, iv.Required))
		if iv.Gap > 0 {
			sum.Short++
		}
	}
	if sum.Items > 0 {
		n := float64(sum.Items)
		sum.Coverage, sum.InTime, sum.Within24 = sum.Coverage/n, sum.InTime/n, sum.Within24/n
	}
	for _, av := range w.out.Areas {
		sum.Local += min(1, ratio(av.Local, av.Required)) / float64(len(w.out.Areas))
	}
	w.out.Summary = sum
	w.budgets()
	nonNil(&w.out.Notes)
	nonNil(&w.out.Items)
	nonNil(&w.out.Tiers)
	nonNil(&w.out.Areas)
	nonNil(&w.out.Purchases)
	nonNil(&w.out.Budgets)
	nonNil(&w.out.Rotation)
}

// tierViews lists an item at the city tier and at each district that
// needs it, each with its purchase line, and sets the item's gap and cost
// to their sums.
func (w *work) tierViews(iv *ItemView) {
	keys := []tierKey{{iv.Item, area.LevelCity, ""}}
	for _, d := range w.districts {
		if w.required[tierKey{iv.Item, area.LevelDistrict, d.Code}] > 0 {
			keys = append(keys, tierKey{iv.Item, area.LevelDistrict, d.Code})
		}
	}
	for _, k := range keys {
		need, held := w.required[k], w.held[k]
		if need == 0 && held == 0 {
			continue
		}
		gap := max(0, need-held)
		name := w.areaName(k.area)
		w.out.Tiers = append(w.out.Tiers, TierView{Item: iv.Item, NameZH: iv.NameZH, Tier: k.tier, Area: k.area,
			AreaZH: name, Required: need, Held: held, Coverage: ratio(held, need), Gap: gap})
		if gap > 0 {
			p := w.purchase(iv, k, name, gap)
			add(&iv.Gap, gap)
			iv.Cost += p.Cost
			w.out.Purchases = append(w.out.Purchases, p)
		}
	}
}

// purchase is the line that closes a gap, costed at the item's unit price.
func (w *work) purchase(iv *ItemView, k tierKey, name string, gap stock.Quantity) Purchase {
	p := Purchase{Item: iv.Item, NameZH: iv.NameZH, NameEN: iv.NameEN, UnitZH: iv.UnitZH, UnitEN: iv.UnitEN,
		Tier: k.tier, Area: k.area, AreaZH: name, Quantity: gap}
	if pr, ok := w.cfg.price(iv.Item); ok {
		p.Priced, p.UnitYuan, p.PriceAssumption = true, pr.Yuan, pr.Assumption
		p.Cost = math.Round(gap.Float()*pr.Yuan*100) / 100 // to the fen
	}
	return p
}

// budgets sums the purchase list per budget holder: the city first, then
// the districts in the city's order.
func (w *work) budgets() {
	at := map[string]int{}
	for _, p := range w.out.Purchases {
		i, ok := at[p.Area]
		if !ok {
			i = len(w.out.Budgets)
			at[p.Area] = i
			w.out.Budgets = append(w.out.Budgets, Budget{Tier: p.Tier, Area: p.Area, AreaZH: p.AreaZH})
		}
		b := &w.out.Budgets[i]
		b.Lines++
		b.Cost += p.Cost
		if !p.Priced {
			b.Unpriced++
		}
	}
	order := map[string]int{"": -1}
	for i, d := range w.districts {
		order[d.Code] = i
	}
	slices.SortStableFunc(w.out.Budgets, func(a, b Budget) int { return cmp.Compare(order[a.Area], order[b.Area]) })
	for i := range w.out.Budgets {
		w.out.Budgets[i].Cost = math.Round(w.out.Budgets[i].Cost*100) / 100
		w.out.PurchaseCost += w.out.Budgets[i].Cost
	}
	w.out.PurchaseCost = math.Round(w.out.PurchaseCost*100) / 100
}

// areaName is the Chinese name of a district, "" for the city.
func (w *work) areaName(code string) string {
	for _, d := range w.districts {
		if d.Code == code {
			return d.NameZH
		}
	}
	return ""
}

// nonNil makes an empty list encode as [] rather than null.
func nonNil[T any](s *[]T) {
	if *s == nil {
		*s = []T{}
	}
}
