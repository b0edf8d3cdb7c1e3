package web

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/httpx"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// The readiness colour of a depot on the map, from counts of its lots (a
// lot's stock in the depot) and the share of its capacity in use: figures
// that compare across items, where adding up units would add tents to
// tonnes. The legend states the same rule, and the tests check it.
const (
	// mapBadShare: expired plus damaged lots at or above this share of the
	// lots on hand make a depot red.
	mapBadShare = 0.05
	// mapExpiringShare: lots expiring within expiringDays at or above this
	// share make a depot amber.
	mapExpiringShare = 0.10
	// mapFullShare: utilisation at or above this makes a depot amber.
	mapFullShare = 0.90
)

// Readiness classes, named as the badge classes of app.css.
const (
	readinessOK   = "ok"   // green: usable, little expiring
	readinessWarn = "warn" // amber: some expired/damaged, much expiring, or nearly full
	readinessBad  = "bad"  // red: much expired/damaged, or nothing usable
	readinessNone = "none" // grey: no stock
)

// depotReadiness is the colour rule of the map:
//   - grey: no lot on hand;
//   - red: no lot with usable stock (all expired, damaged, pending or
//     reserved), or expired and damaged lots ≥ 5 % of the lots on hand;
//   - amber: any expired or damaged lot, lots expiring within 90 days
//     ≥ 10 %, or utilisation ≥ 90 %;
//   - green: otherwise.
func depotReadiness(d store.DepotSummary) string {
	if d.Lots <= 0 {
		return readinessNone
	}
	bad := d.ExpiredLots + d.DamagedLots
	switch {
	case d.UsableLots <= 0 || lotShare(bad, d.Lots) >= mapBadShare:
		return readinessBad
	case bad > 0 || lotShare(d.ExpiringLots, d.Lots) >= mapExpiringShare || d.Utilisation >= mapFullShare:
		return readinessWarn
	}
	return readinessOK
}

// lotShare is part ÷ whole, 0 when whole is not positive.
func lotShare(part, whole int) float64 {
	if whole <= 0 {
		return 0
	}
	return float64(part) / float64(whole)
}

// mapPageData is what the map page renders on the server: the filters'
// choices and the depot to focus on.
type mapPageData struct {
	Focus     string // depot code from ?depot=, "" for none
	Tiers     []area.Level
	Districts []area.Area
	Rule      mapRule
}

// mapRule is the colour rule's thresholds, in percent for the legend.
type mapRule struct {
	ExpiringDays int     `json:"expiring_days"`
	BadPct       float64 `json:"bad_pct"`
	ExpiringPct  float64 `json:"expiring_pct"`
	FullPct      float64 `json:"full_pct"`
}

func currentMapRule() mapRule {
	return mapRule{ExpiringDays: expiringDays, BadPct: mapBadShare * 100, ExpiringPct: mapExpiringShare * 100,
		FullPct: mapFullShare * 100}
}

// mapPage is 一张图, the map of depots, reserves, incidents and plans.
// ?depot=CODE opens it focused on that depot; an unknown code is a 404.
func (h *handler) mapPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	data := mapPageData{Tiers: []area.Level{area.LevelCity, area.LevelDistrict, area.LevelStreet, area.LevelCommunity},
		Rule: currentMapRule()}
	if code := r.URL.Query().Get("depot"); code != "" {
		d, err := h.store.Depot(ctx, code)
		if err == nil {
			err = h.store.CheckVisible(ctx, visible(ctx), "depot", code)
		}
		if err != nil {
			h.fail(w, r, err)
			return
		}
		data.Focus = d.Code
	}
	areas, err := h.store.Areas(ctx, "")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, a := range areas {
		if a.Level == area.LevelDistrict {
			data.Districts = append(data.Districts, a)
		}
	}
	h.render(w, r, "map", h.newPage(r, "map", "nav.map", data))
}

// mapNames is a name in both languages.
type mapNames struct {
	NameZH string `json:"name_zh"`
	NameEN string `json:"name_en,omitempty"`
}

// mapItem is an item's names and units.
type mapItem struct {
	NameZH string `json:"name_zh"`
	NameEN string `json:"name_en"`
	UnitZH string `json:"unit_zh"`
	UnitEN string `json:"unit_en"`
}

// mapDepot is one depot as the map draws it. Org and District are codes
// into the payload's dictionaries, to keep 5,000 depots small. Its stock
// figures are counts of lots and items and volumes, which compare across
// items; quantities, which do not, come per item with their units when a
// popup asks (GET /api/balances?depot=&group_by=item).
type mapDepot struct {
	Code         string     `json:"code"`
	NameZH       string     `json:"name_zh"`
	NameEN       string     `json:"name_en,omitempty"`
	Tier         area.Level `json:"tier"`
	Kind         string     `json:"kind"`
	Org          string     `json:"org"`
	Area         string     `json:"area"`
	District     string     `json:"district,omitempty"`
	Point        geo.Point  `json:"point"`
	CapacityM3   float64    `json:"capacity_m3"`
	UsedM3       float64    `json:"used_m3"`
	Utilisation  float64    `json:"utilisation"`
	Lots         int        `json:"lots"`
	Items        int        `json:"items"`
	UsableLots   int        `json:"usable_lots"`
	ReservedLots int        `json:"reserved_lots"`
	ExpiringLots int        `json:"expiring_lots"`
	ExpiredLots  int        `json:"expired_lots"`
	DamagedLots  int        `json:"damaged_lots"`
	// ExpiringShare and BadShare are the expiring lots and the expired
	// plus damaged lots as shares of the lots on hand.
	ExpiringShare float64 `json:"expiring_share"`
	BadShare      float64 `json:"bad_share"`
	Readiness     string  `json:"readiness"`
}

// mapReserve is an agreement or capacity reserve valid today.
type mapReserve struct {
	Kind       dispatch.SourceKind `json:"kind"` // agreement or capacity
	Code       string              `json:"code"`
	Org        string              `json:"org"`
	Item       string              `json:"item"`
	Point      geo.Point           `json:"point"`
	Quantity   stock.Quantity      `json:"quantity,omitempty"` // agreement: contracted
	PerDay     stock.Quantity      `json:"per_day,omitempty"`  // capacity: output a day
	Reserved   stock.Quantity      `json:"reserved"`
	Hours      float64             `json:"hours"` // agreement: delivery hours; capacity: lead hours
	ValidUntil string              `json:"valid_until"`
}

// mapLineItem is one item a plan line carries, with its explanation.
type mapLineItem struct {
	Item       string         `json:"item"`
	NameZH     string         `json:"name_zh"`
	NameEN     string         `json:"name_en"`
	UnitZH     string         `json:"unit_zh"`
	UnitEN     string         `json:"unit_en"`
	Quantity   stock.Quantity `json:"quantity"`
	ArrivalMin int            `json:"arrival_min"`
	Late       bool           `json:"late"`
	ExplainZH  string         `json:"explain_zh"`
	ExplainEN  string         `json:"explain_en"`
}

// mapPlanLine is one source-to-site route of a plan: every item the plan
// sends that way, drawn as one line.
type mapPlanLine struct {
	Plan     int64               `json:"plan"`
	Status   dispatch.PlanStatus `json:"status"`
	Incident string              `json:"incident"`
	Site     string              `json:"site"`
	SiteName string              `json:"site_name"`
	Source   dispatch.Source     `json:"source"`
	From     geo.Point           `json:"from"`
	To       geo.Point           `json:"to"`
	Items    []mapLineItem       `json:"items"`
}

// mapPayload is GET /map/data.json: everything the map draws.
type mapPayload struct {
	Today     string               `json:"today"`
	Rule      mapRule              `json:"rule"`
	Districts map[string]mapNames  `json:"districts"`
	Orgs      map[string]mapNames  `json:"orgs"`
	Items     map[string]mapItem   `json:"items"`
	Depots    []mapDepot           `json:"depots"`
	Reserves  []mapReserve         `json:"reserves"`
	Incidents []dispatch.Incident  `json:"incidents"`
	PlanLines []mapPlanLine        `json:"plan_lines"`
	points    map[string]geo.Point // source code → point, for old plans
	catalogue map[string]catalog.Item
}

// mapData is the JSON the map draws: depots with their stock figures and
// readiness colour, contract reserves, open incidents with their sites, and
// the lines of each open incident's latest proposed or approved plan; the
// depots and reserves the actor's scope reaches, and incidents and plans
// for one who may read them. It
// takes a fixed number of queries however many depots there are, and one
// more per plan drawn.
func (h *handler) mapData(w http.ResponseWriter, r *http.Request) {
	p, err := h.buildMapPayload(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	if err := httpx.WriteJSON(w, http.StatusOK, p); err != nil {
		h.fail(w, r, fmt.Errorf("web: map data: %w", err))
	}
}

func (h *handler) buildMapPayload(ctx context.Context) (*mapPayload, error) {
	p := &mapPayload{Today: h.store.Today(), Rule: currentMapRule(), Districts: map[string]mapNames{},
		Orgs: map[string]mapNames{}, Items: map[string]mapItem{}, Depots: []mapDepot{}, Reserves: []mapReserve{},
		Incidents: []dispatch.Incident{}, PlanLines: []mapPlanLine{}, points: map[string]geo.Point{}}
	for _, step := range []func(context.Context) error{p.loadNames(h.store), p.loadDepots(h.store),
		p.loadReserves(h.store), p.loadIncidents(h.store)} {
		if err := step(ctx); err != nil {
			return nil, fmt.Errorf("web: map data: %w", err)
		}
	}
	return p, nil
}

// loadNames reads the districts, organisations and catalogue the other
// parts refer to by code.
func (p *mapPayload) loadNames(s *store.Store) func(context.Context) error {
	return func(ctx context.Context) error {
		areas, err := s.Areas(ctx, "")
		if err != nil {
			return err
		}
		for _, a := range areas {
			if a.Level == area.LevelDistrict {
				p.Districts[a.Code] = mapNames{a.NameZH, a.NameEN}
			}
		}
		orgs, err := s.Orgs(ctx, "")
		if err != nil {
			return err
		}
		for _, o := range orgs {
			p.Orgs[o.Code] = mapNames{o.NameZH, o.NameEN}
		}
		items, err := s.Items(ctx, store.ItemFilter{})
		if err != nil {
			return err
		}
		p.catalogue = map[string]catalog.Item{}
		for _, it := range items {
			p.catalogue[it.Code] = it
		}
		return nil
	}
}

// useItem adds an item to the payload's dictionary.
func (p *mapPayload) useItem(code string) {
	if it, ok := p.catalogue[code]; ok {
		p.Items[code] = mapItem{it.NameZH, it.NameEN, it.UnitZH, it.UnitEN}
	}
}

func (p *mapPayload) loadDepots(s *store.Store) func(context.Context) error {
	return func(ctx context.Context) error {
		sums, err := s.DepotSummaries(ctx, expiringDays, visible(ctx))
		if err != nil {
			return err
		}
		for _, d := range sums {
			md := mapDepot{Code: d.Code, NameZH: d.NameZH, NameEN: d.NameEN, Tier: d.Tier, Kind: string(d.Kind),
				Org: d.OrgCode, Area: d.AreaCode, District: d.District, Point: d.Point, CapacityM3: d.CapacityM3,
				UsedM3: d.UsedM3, Utilisation: d.Utilisation, Lots: d.Lots, Items: d.Items,
				UsableLots: d.UsableLots, ReservedLots: d.ReservedLots, ExpiringLots: d.ExpiringLots,
				ExpiredLots: d.ExpiredLots, DamagedLots: d.DamagedLots,
				ExpiringShare: lotShare(d.ExpiringLots, d.Lots), BadShare: lotShare(d.ExpiredLots+d.DamagedLots, d.Lots),
				Readiness: depotReadiness(d)}
			p.Depots = append(p.Depots, md)
			p.points[d.Code] = d.Point
		}
		return nil
	}
}

func (p *mapPayload) loadReserves(s *store.Store) func(context.Context) error {
	return func(ctx context.Context) error {
		active := store.ReserveFilter{ActiveOn: s.Today(), View: visible(ctx)}
		ags, err := s.Agreements(ctx, active)
		if err != nil {
			return err
		}
		for _, a := range ags {
			p.Reserves = append(p.Reserves, mapReserve{Kind: dispatch.SourceAgreement, Code: a.Code, Org: a.OrgCode,
				Item: a.Item, Point: a.Point, Quantity: a.Quantity, Reserved: a.Reserved, Hours: a.DeliveryHours,
				ValidUntil: a.ValidUntil})
			p.useItem(a.Item)
			p.points[a.Code] = a.Point
		}
		caps, err := s.Capacities(ctx, active)
		if err != nil {
			return err
		}
		for _, c := range caps {
			p.Reserves = append(p.Reserves, mapReserve{Kind: dispatch.SourceCapacity, Code: c.Code, Org: c.OrgCode,
				Item: c.Item, Point: c.Point, PerDay: c.PerDay, Reserved: c.Reserved, Hours: c.LeadHours,
				ValidUntil: c.ValidUntil})
			p.useItem(c.Item)
			p.points[c.Code] = c.Point
		}
		return nil
	}
}

// mapPlanStatuses are the plans whose lines the map draws: not yet done,
// not withdrawn.
var mapPlanStatuses = []dispatch.PlanStatus{dispatch.PlanProposed, dispatch.PlanApproved}

// loadIncidents reads the open incidents and, for each, the lines of its
// latest proposed or approved plan, for one who may read them.
func (p *mapPayload) loadIncidents(s *store.Store) func(context.Context) error {
	return func(ctx context.Context) error {
		if !access.FromContext(ctx).Can(access.DispatchRead) {
			return nil
		}
		open, err := s.Incidents(ctx, string(dispatch.IncidentOpen))
		if err != nil {
			return err
		}
		p.Incidents = open
		if len(open) == 0 {
			return nil
		}
		for _, in := range open {
			for _, site := range in.Sites {
				for _, d := range site.Demands {
					p.useItem(d.Item)
				}
			}
		}
		// Open plans by status, so executed and cancelled ones, however
		// many, never crowd them out.
		var plans []store.PlanSummary
		for _, st := range mapPlanStatuses {
			ps, err := s.Plans(ctx, string(st), 1000)
			if err != nil {
				return err
			}
			plans = append(plans, ps...)
		}
		slices.SortFunc(plans, func(a, b store.PlanSummary) int { return cmp.Compare(b.ID, a.ID) })
		latest := map[string]int64{} // incident → plan
		for _, ps := range plans {   // newest first
			for _, code := range ps.Incidents {
				if _, seen := latest[code]; !seen {
					latest[code] = ps.ID
				}
			}
		}
		loaded := map[int64]bool{}
		for _, in := range open {
			id, ok := latest[in.Code]
			if !ok || loaded[id] {
				continue
			}
			loaded[id] = true
			plan, err := s.Plan(ctx, id)
			if err != nil {
				return err
			}
			p.addPlanLines(plan, latest)
		}
		return nil
	}
}

// addPlanLines adds the lines of plan for the incidents whose latest plan it
// is, one map line per source and site.
func (p *mapPayload) addPlanLines(plan dispatch.Plan, latest map[string]int64) {
	type key struct{ incident, site, kind, source string }
	index := map[key]int{}
	for _, l := range plan.Lines {
		if latest[l.Incident] != plan.ID {
			continue
		}
		k := key{l.Incident, l.Site, string(l.Source.Kind), l.Source.Code}
		i, ok := index[k]
		if !ok {
			from := l.Source.Point
			if from == (geo.Point{}) {
				from = p.points[l.Source.Code]
			}
			i = len(p.PlanLines)
			index[k] = i
			p.PlanLines = append(p.PlanLines, mapPlanLine{Plan: plan.ID, Status: plan.Status, Incident: l.Incident,
				Site: l.Site, SiteName: l.SiteName, Source: l.Source, From: from, To: p.sitePoint(l)})
		}
		pl := &p.PlanLines[i]
		pl.Items = append(pl.Items, mapLineItem{Item: l.Item, NameZH: l.ItemNameZH, NameEN: l.ItemNameEN,
			UnitZH: l.UnitZH, UnitEN: l.UnitEN, Quantity: l.Quantity, ArrivalMin: l.ArrivalMin, Late: l.Late, ExplainZH: l.ExplainZH,
			ExplainEN: l.ExplainEN})
	}
}

// sitePoint is where a plan line goes: its recorded point, or the site's
// point in the open incident for plans stored before lines recorded it.
func (p *mapPayload) sitePoint(l dispatch.Line) geo.Point {
	if l.SitePoint != (geo.Point{}) {
		return l.SitePoint
	}
	for _, in := range p.Incidents {
		if in.Code != l.Incident {
			continue
		}
		for _, s := range in.Sites {
			if s.Code == l.Site {
				return s.Point
			}
		}
	}
	return geo.Point{}
}
