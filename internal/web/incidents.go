package web

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/cst"
	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/httpx"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// incidentTypes are the kinds of incident the form offers, each with the
// locale key dispatch.type.<kind>. Stored incidents of other kinds (from
// the API) are shown by their raw type.
var incidentTypes = []string{"flood", "earthquake", "forest-fire", "hazmat", "snowstorm", "geological", "other"}

// typeKey is the locale key of an incident type, or "" for a type the UI
// has no label for.
func typeKey(t string) string {
	if slices.Contains(incidentTypes, t) {
		return "dispatch.type." + t
	}
	return ""
}

// recentPlans is how many plans the incidents screen lists.
const recentPlans = 20

// incidentRow is one incident as listed.
type incidentRow struct {
	Code, Title, Type, TypeKey string
	Level                      int
	Open                       bool
	Sites, Demands             int
	Reported                   string
}

func newIncidentRow(in dispatch.Incident) incidentRow {
	row := incidentRow{Code: in.Code, Title: in.Title, Type: in.Type, TypeKey: typeKey(in.Type), Level: in.Level,
		Open: in.Status != dispatch.IncidentClosed, Sites: len(in.Sites), Reported: cst.Minute(in.ReportedAt)}
	for _, s := range in.Sites {
		row.Demands += len(s.Demands)
	}
	return row
}

// planRow is one plan as listed: its size and how much of the demand it
// leaves short.
type planRow struct {
	ID          int64
	Status      dispatch.PlanStatus
	StatusClass string
	Incidents   []string
	Lines       int
	Short       float64 // share of the demanded units not planned at all
	Created     string
}

// statusClass is the badge colour of a plan status.
func statusClass(s dispatch.PlanStatus) string {
	switch s {
	case dispatch.PlanProposed:
		return "info"
	case dispatch.PlanApproved:
		return "warn"
	case dispatch.PlanExecuted:
		return "ok"
	case dispatch.PlanCancelled:
		return "bad"
	}
	return ""
}

// shortShare is the share of the demanded units a plan's coverage leaves
// short, 0 when nothing was demanded.
func shortShare(cov []dispatch.Coverage) float64 {
	var demand, short stock.Quantity
	for _, c := range cov {
		demand += c.Demand
		short += c.Short
	}
	if demand == 0 {
		return 0
	}
	return float64(short) / float64(demand)
}

// incidentsView is the data of the incidents screen.
type incidentsView struct {
	Incidents []incidentRow
	Plans     []planRow
}

// incidentsPage lists incidents, open ones first, and the recent plans (调度).
func (h *handler) incidentsPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ins, err := h.store.Incidents(ctx, "")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var v incidentsView
	for _, in := range ins {
		v.Incidents = append(v.Incidents, newIncidentRow(in))
	}
	slices.SortStableFunc(v.Incidents, func(a, b incidentRow) int {
		return boolRank(a.Open) - boolRank(b.Open)
	})
	if v.Plans, err = h.planRows(ctx); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, "incidents", h.newPage(r, "dispatch", "dispatch.title", v))
}

// boolRank sorts true before false.
func boolRank(b bool) int {
	if b {
		return 0
	}
	return 1
}

// planRows lists the recent plans with their lines and shortage, which
// only the stored plan bodies hold.
func (h *handler) planRows(ctx context.Context) ([]planRow, error) {
	sums, err := h.store.Plans(ctx, "", recentPlans)
	if err != nil {
		return nil, err
	}
	rows := make([]planRow, 0, len(sums))
	for _, s := range sums {
		p, err := h.store.Plan(ctx, s.ID)
		if err != nil {
			return nil, err
		}
		rows = append(rows, planRow{ID: s.ID, Status: s.Status, StatusClass: statusClass(s.Status),
			Incidents: s.Incidents, Lines: len(p.Lines), Short: shortShare(p.Coverage), Created: cst.Minute(s.CreatedAt)})
	}
	return rows, nil
}

// streetGroup is a district and its streets and townships, for the list
// a site can be picked from.
type streetGroup struct {
	NameZH, NameEN string
	Streets        []area.Area
}

// newIncidentView is the data of the new-incident form.
type newIncidentView struct {
	Code      string // a fresh incident code
	Types     []string
	Districts []streetGroup
}

// newIncidentPage is where an incident is created by clicking sites on a
// map or picking streets, with what each site needs by when.
func (h *handler) newIncidentPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	groups, err := h.streetGroups(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	code, err := h.freshIncidentCode(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := newIncidentView{Code: code, Types: incidentTypes, Districts: groups}
	h.render(w, r, "incident-new", h.newPage(r, "dispatch", "dispatch.new.title", v))
}

// streetGroups lists the streets and townships in use under their
// districts, in code order.
func (h *handler) streetGroups(ctx context.Context) ([]streetGroup, error) {
	areas, err := h.store.AreaList(ctx, "", store.InUse)
	if err != nil {
		return nil, err
	}
	index := map[string]int{}
	var groups []streetGroup
	for _, a := range areas {
		if a.Level != area.LevelDistrict {
			continue
		}
		index[a.Code] = len(groups)
		groups = append(groups, streetGroup{NameZH: a.NameZH, NameEN: a.NameEN})
	}
	for _, a := range areas {
		if i, ok := index[a.ParentCode]; ok && a.Level == area.LevelStreet {
			groups[i].Streets = append(groups[i].Streets, a)
		}
	}
	return slices.DeleteFunc(groups, func(g streetGroup) bool { return len(g.Streets) == 0 }), nil
}

// freshIncidentCode proposes a code from the current minute in China time
// (2026-1123-0915), with a suffix when that code is taken: saving an
// incident under an existing code would replace it.
func (h *handler) freshIncidentCode(ctx context.Context) (string, error) {
	base := h.store.Now().In(cst.Zone).Format("2006-0102-1504")
	code := base
	for n := 2; ; n++ {
		_, err := h.store.Incident(ctx, code)
		if apperr.IsKind(err, apperr.NotFound) {
			return code, nil
		}
		if err != nil {
			return "", err
		}
		code = fmt.Sprintf("%s-%d", base, n)
	}
}

// planPage shows one plan: its lines on a map, the coverage of each
// demand, every line's explanation, the actions its status allows and,
// once approved, the stock it holds reserved.
func (h *handler) planPage(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p, err := h.store.Plan(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v, err := h.buildPlanView(r.Context(), language(r), p)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, "plan", h.newPage(r, "dispatch", "dispatch.plan.title", v))
}

// planView is the data of the plan screen.
type planView struct {
	Plan        dispatch.Plan
	StatusClass string
	Created     string
	Incidents   []incidentRow
	Totals      planTotals
	Coverage    []coverageRow
	Lines       []lineRow
	Reserved    []reservedDepot    // depot stock held for the plan, while it is approved
	Promised    []lineRow          // agreement and capacity lines, promised while approved
	Progress    *planProgressView  // once executed: its orders, shipments and sites (执行情况)
	Costs       []incidentCostView // once executed: what each incident used and cost (物资消耗与成本)
	Map         planMap
	// The actions the user may take on the plan now
	// (ops.Service.PlanActions): its status allows them, the user's roles
	// too, and every source it draws on is in their scope.
	CanApprove, CanCancel, CanExecute, CanRecompute bool
}

// planTotals sums a plan for its header. Units of different items are
// added only to give shares.
type planTotals struct {
	Sources, Sites     int
	OnTime, Short      float64 // shares of the demanded units
	ShortRows, Demands int
}

// coverageRow is what a plan does for one demand of one site.
type coverageRow struct {
	dispatch.Coverage
	SiteName       string
	ItemNameEN     string
	UnitZH, UnitEN string
	WithinHours    float64
	IsShort        bool
}

// lineRow is one line of a plan, with what the page shows beside it.
type lineRow struct {
	dispatch.Line
	UnitEN   string
	Arrival  string // how long until it arrives, in the page's language
	ETA      string
	Deadline string
}

// reservedDepot is what one depot of an approved plan holds reserved now.
type reservedDepot struct {
	Code, NameZH, NameEN string
	Rows                 []reservedRow
}

// reservedRow is one item reserved at a depot: by every approved plan,
// and by this one.
type reservedRow struct {
	Item, NameZH, NameEN, UnitZH, UnitEN string
	Reserved, ThisPlan                   stock.Quantity
}

// planMap is what the plan's map draws: a route per source and site (its
// items in the label), the sources and the sites. A zero point (plans
// stored before lines carried points) is skipped by the page.
type planMap struct {
	Routes  []mapRoute `json:"routes"`
	Sources []mapPlace `json:"sources"`
	Sites   []mapPlace `json:"sites"`
}

type mapRoute struct {
	From     geo.Point `json:"from"`
	To       geo.Point `json:"to"`
	Relation string    `json:"relation"`
	Late     bool      `json:"late"`
	Label    string    `json:"label"`
}

type mapPlace struct {
	Point    geo.Point `json:"point"`
	Name     string    `json:"name"`
	Relation string    `json:"relation,omitempty"` // sources: how they relate to the sites they serve
}

// buildPlanView gathers what the plan screen shows, in the language lang for
// the parts built here (durations, map labels).
func (h *handler) buildPlanView(ctx context.Context, lang string, p dispatch.Plan) (planView, error) {
	v := planView{Plan: p, StatusClass: statusClass(p.Status), Created: cst.Minute(p.CreatedAt)}
	who := access.FromContext(ctx)
	can, err := h.ops.PlanActions(ctx, who, p)
	if err != nil {
		return v, err
	}
	v.CanApprove, v.CanCancel = can[dispatch.ActApprove], can[dispatch.ActCancel]
	v.CanExecute, v.CanRecompute = can[dispatch.ActExecute], can[dispatch.ActRecompute]
	incidents, err := h.planIncidents(ctx, p)
	if err != nil {
		return v, err
	}
	items, err := h.planItems(ctx, p)
	if err != nil {
		return v, err
	}
	for _, in := range incidents {
		v.Incidents = append(v.Incidents, newIncidentRow(in))
	}
	v.Coverage, v.Totals = coverageRows(p, incidents, items)
	for _, l := range p.Lines {
		row := lineRow{Line: l, UnitEN: items[l.Item].UnitEN,
			Arrival: durationText(lang, l.ArrivalMin), ETA: cst.Minute(l.ETA), Deadline: cst.Minute(l.Deadline)}
		v.Lines = append(v.Lines, row)
		if p.Status == dispatch.PlanApproved && l.Source.Kind != dispatch.SourceDepot {
			v.Promised = append(v.Promised, row)
		}
	}
	v.Map = newPlanMap(lang, v.Lines, incidents)
	v.Totals.Sources, v.Totals.Sites = len(v.Map.Sources), len(v.Map.Sites)
	if p.Status == dispatch.PlanApproved {
		if v.Reserved, err = h.reservedStock(ctx, p); err != nil {
			return v, err
		}
	}
	if p.Status == dispatch.PlanExecuted {
		if v.Progress, err = h.planProgress(ctx, p, v.Lines, incidents, items); err != nil {
			return v, err
		}
		if v.Costs, err = h.incidentCosts(ctx, incidents); err != nil {
			return v, err
		}
	}
	return v, nil
}

// planIncidents loads the incidents a plan was made for; one deleted
// since is left out rather than failing the page.
func (h *handler) planIncidents(ctx context.Context, p dispatch.Plan) ([]dispatch.Incident, error) {
	var out []dispatch.Incident
	for _, code := range p.Incidents {
		in, err := h.store.Incident(ctx, code)
		if apperr.IsKind(err, apperr.NotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, in)
	}
	return out, nil
}

// planItems loads the catalogue entries of the items a plan mentions, for
// their English names and units.
func (h *handler) planItems(ctx context.Context, p dispatch.Plan) (map[string]catalog.Item, error) {
	var codes []string
	for _, c := range p.Coverage {
		codes = append(codes, c.Item)
	}
	slices.Sort(codes)
	return h.store.Inventory().Items(ctx, slices.Compact(codes))
}

// coverageRows turns a plan's coverage into table rows with site names,
// units and deadlines in hours, and sums the shares for the header.
func coverageRows(p dispatch.Plan, incidents []dispatch.Incident, items map[string]catalog.Item) ([]coverageRow, planTotals) {
	type siteKey struct{ incident, site string }
	names := map[siteKey]string{}
	reported := map[string]int64{}
	for _, in := range incidents {
		reported[in.Code] = in.ReportedAt
		for _, s := range in.Sites {
			names[siteKey{in.Code, s.Code}] = cmp.Or(s.Name, s.Code)
		}
	}
	var rows []coverageRow
	var t planTotals
	var demand, onTime, short stock.Quantity
	for _, c := range p.Coverage {
		it := items[c.Item]
		row := coverageRow{Coverage: c, SiteName: cmp.Or(names[siteKey{c.Incident, c.Site}], c.Site),
			ItemNameEN: it.NameEN, UnitZH: it.UnitZH, UnitEN: it.UnitEN, IsShort: c.Short > 0}
		if r, ok := reported[c.Incident]; ok {
			row.WithinHours = float64(c.Deadline-r) / 3600
		}
		if row.IsShort {
			t.ShortRows++
		}
		demand += c.Demand
		onTime += c.OnTime
		short += c.Short
		rows = append(rows, row)
	}
	t.Demands = len(rows)
	if demand > 0 {
		t.OnTime, t.Short = float64(onTime)/float64(demand), float64(short)/float64(demand)
	}
	return rows, t
}

// newPlanMap groups a plan's lines into one route per source and site.
func newPlanMap(lang string, lines []lineRow, incidents []dispatch.Incident) planMap {
	m := planMap{Routes: []mapRoute{}, Sources: []mapPlace{}, Sites: []mapPlace{}}
	// A depot and an agreement may share a code: sources are told apart
	// by kind too, as on the map.
	type source struct{ kind, code string }
	type route struct {
		source
		incident, site string
	}
	routeOf := map[route]int{}
	seenSource := map[source]bool{}
	for _, l := range lines {
		src := source{string(l.Source.Kind), l.Source.Code}
		key := route{src, l.Incident, l.Site}
		i, ok := routeOf[key]
		if !ok {
			i = len(m.Routes)
			routeOf[key] = i
			m.Routes = append(m.Routes, mapRoute{From: l.Source.Point, To: l.SitePoint, Relation: l.Source.Relation,
				Label: pick(lang, l.Source.NameZH, l.Source.NameEN) + " → " + cmp.Or(l.SiteName, l.Site) + ":"})
		}
		r := &m.Routes[i]
		r.Late = r.Late || l.Late
		r.Label += fmt.Sprintf(" %s %s %s;", pick(lang, l.ItemNameZH, l.ItemNameEN), l.Quantity, pick(lang, l.UnitZH, l.UnitEN))
		if !seenSource[src] {
			seenSource[src] = true
			m.Sources = append(m.Sources, mapPlace{Point: l.Source.Point, Name: pick(lang, l.Source.NameZH, l.Source.NameEN),
				Relation: l.Source.Relation})
		}
	}
	for _, in := range incidents {
		for _, s := range in.Sites {
			m.Sites = append(m.Sites, mapPlace{Point: s.Point, Name: in.Title + " · " + cmp.Or(s.Name, s.Code)})
		}
	}
	return m
}

// reservedStock reads, for each depot of an approved plan, the items it
// holds reserved now (by this and any other approved plan) beside what
// this plan reserved there.
func (h *handler) reservedStock(ctx context.Context, p dispatch.Plan) ([]reservedDepot, error) {
	type depotItem struct{ depot, item string }
	mine := map[depotItem]stock.Quantity{}
	var depots []reservedDepot
	for _, l := range p.Lines {
		if l.Source.Kind != dispatch.SourceDepot {
			continue
		}
		if !slices.ContainsFunc(depots, func(d reservedDepot) bool { return d.Code == l.Source.Code }) {
			depots = append(depots, reservedDepot{Code: l.Source.Code, NameZH: l.Source.NameZH, NameEN: l.Source.NameEN})
		}
		mine[depotItem{l.Source.Code, l.Item}] += l.Quantity
	}
	for i := range depots {
		rep, err := h.store.Balances(ctx, store.BalanceQuery{Depot: depots[i].Code, GroupBy: "item"})
		if err != nil {
			return nil, err
		}
		for _, b := range rep.Rows {
			if b.Reserved <= 0 {
				continue
			}
			depots[i].Rows = append(depots[i].Rows, reservedRow{Item: b.Item, NameZH: b.ItemNameZH, NameEN: b.ItemNameEN,
				UnitZH: b.UnitZH, UnitEN: b.UnitEN, Reserved: b.Reserved,
				ThisPlan: mine[depotItem{depots[i].Code, b.Item}]})
		}
	}
	return depots, nil
}
