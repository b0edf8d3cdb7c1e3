package web

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/cst"
	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/donation"
	"github.com/stockpile-dev/stockpile/internal/httpx"
	"github.com/stockpile-dev/stockpile/internal/purchase"
	"github.com/stockpile-dev/stockpile/internal/replenish"
	"github.com/stockpile-dev/stockpile/internal/reserve"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// The 调运 screen's pages for replenishment between tiers (补库), donations
// (捐赠, with the public report 捐赠公示) and emergency purchase (紧急采购),
// docs/flow.md. Like the rest of the screen they are rendered here from
// the store, and their forms and buttons call the JSON API from flow.js;
// each is shown only when the use case behind it would let the signed-in
// person act (ops.Service.May, through mayCache and mayDepots).

// mayCache answers ops.Service.May for one person, action and kind of
// place, each code asked once: what a list asks of every row.
type mayCache struct {
	h    *handler
	ctx  context.Context
	who  access.Actor
	act  access.Action
	kind string
	got  map[string]bool
}

func (h *handler) mayCache(ctx context.Context, who access.Actor, act access.Action, kind string) *mayCache {
	return &mayCache{h: h, ctx: ctx, who: who, act: act, kind: kind, got: map[string]bool{}}
}

func (c *mayCache) may(code string) (bool, error) {
	if ok, seen := c.got[code]; seen {
		return ok, nil
	}
	ok, err := c.h.ops.May(c.ctx, c.who, c.act, c.kind, code)
	if err != nil {
		return false, err
	}
	c.got[code] = ok
	return ok, nil
}

// mayDepots lists the depots in use where who may take act, in code
// order: those their view of act shows (a superset: a depot's view is
// where it stands, its scope the tier that holds it), then each checked
// as the use case will (ops.Service.May).
func (h *handler) mayDepots(ctx context.Context, who access.Actor, act access.Action) ([]store.DepotView, error) {
	if !who.Can(act) {
		return nil, nil
	}
	v := who.View(act)
	ds, err := h.store.Depots(ctx, store.DepotFilter{View: &v, Retired: store.InUse})
	if err != nil || len(ds) == 0 {
		return nil, err
	}
	codes := make([]string, len(ds))
	for i, d := range ds {
		codes[i] = d.Code
	}
	places, err := h.store.Places(ctx, "depot", codes...)
	if err != nil {
		return nil, err
	}
	ok := map[string]bool{}
	for _, p := range places {
		ok[p.Depot] = who.Allow(act, p) == nil
	}
	return slices.DeleteFunc(ds, func(d store.DepotView) bool { return !ok[d.Code] }), nil
}

// mayArea reports whether who may take act in area a: what
// ops.Service.May finds for the area's code, whose place is its path,
// without reading the area again.
func mayArea(who access.Actor, act access.Action, a area.Area) bool {
	return who.Can(act) && who.Allow(act, access.Place{AreaPath: a.Path}) == nil
}

// areaIndex is every area, retired ones too, by code, read once for a
// page that names many.
type areaIndex map[string]area.Area

func (h *handler) areaIndex(ctx context.Context) (areaIndex, error) {
	all, err := h.store.AreaList(ctx, "", store.AnyRetirement)
	if err != nil {
		return nil, err
	}
	out := make(areaIndex, len(all))
	for _, a := range all {
		out[a.Code] = a
	}
	return out, nil
}

// of is the area of code, or one named by its code when there is none
// ("" gives the zero area, which templates leave out).
func (x areaIndex) of(code string) area.Area {
	if a, ok := x[code]; ok || code == "" {
		return a
	}
	return area.Area{Code: code, NameZH: code}
}

// inScope lists the areas in use where who may take act, in code order;
// below the city only, if asked.
func (x areaIndex) inScope(who access.Actor, act access.Action, belowCity bool) []area.Area {
	var out []area.Area
	for _, a := range x {
		if a.RetiredAt != 0 || belowCity && (a.Level == area.LevelCity || a.ParentCode == "") || !mayArea(who, act, a) {
			continue
		}
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b area.Area) int { return strings.Compare(a.Path, b.Path) })
	return out
}

// restrictionAreas are the areas a donor may restrict a donation to: the
// city and its districts.
func (x areaIndex) restrictionAreas() []area.Area {
	var out []area.Area
	for _, a := range x {
		if a.RetiredAt == 0 && (a.Level == area.LevelCity || a.Level == area.LevelDistrict) {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(a, b area.Area) int { return strings.Compare(a.Path, b.Path) })
	return out
}

// formItems are the catalogue's items in use, for a form's item picker.
func (h *handler) formItems(ctx context.Context) ([]catalog.Item, error) {
	return h.store.Items(ctx, store.ItemFilter{Retired: store.InUse})
}

// itemLine is a quantity of an item, named.
type itemLine struct {
	Item     catalog.Item
	Quantity stock.Quantity
}

// TypeName names an incident type in the page's language (the form's
// types; another type as stored).
func (p *page) TypeName(t string) string {
	if k := typeKey(t); k != "" {
		return p.T(k)
	}
	return t
}

// ---- 补库 replenishment between tiers ----

// replenishLimit is how many needs the list shows, newest first.
const replenishLimit = 200

// needRow is a replenishment need as listed, with whether the signed-in
// person may mark it settled (replenish.settle on the holder's area).
type needRow struct {
	replenish.Need
	Holder, OwedBy area.Area
	Depot          place
	Item           catalog.Item
	IncidentTitle  string
	Created        string
	Settled        string
	CanSettle      bool
}

type replenishView struct {
	Rows     []needRow
	Status   string
	Statuses []replenish.Status
	Limit    int
	Full     bool
	Open     int // open needs the person may settle
}

func (h *handler) replenishmentsPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	who := access.FromContext(ctx)
	v := replenishView{Statuses: []replenish.Status{replenish.StatusOpen, replenish.StatusSettled}, Limit: replenishLimit}
	var err error
	v.Status, err = httpx.OneOf(r.URL.Query(), "status", string(replenish.StatusOpen), string(replenish.StatusSettled))
	var needs []replenish.Need
	if err == nil {
		view := access.FromContext(ctx).View(access.StockRead)
		needs, err = h.store.Replenishments(ctx, store.ReplenishFilter{Status: v.Status, Limit: replenishLimit, View: &view})
	}
	var areas areaIndex
	if err == nil {
		areas, err = h.areaIndex(ctx)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Full = len(needs) == replenishLimit
	n := h.flowNames(ctx)
	titles := &incidentTitles{h: h, ctx: ctx, titles: map[string]string{}}
	may := h.mayCache(ctx, who, access.ReplenishSettle, "area")
	var items []string
	for _, x := range needs {
		items = append(items, x.Item)
	}
	n.loadItems(items...)
	for _, x := range needs {
		row := needRow{Need: x, Holder: areas.of(x.Holder), OwedBy: areas.of(x.OwedBy), Depot: n.place(x.Depot),
			Item: n.item(x.Item), Created: cst.Minute(x.CreatedAt), Settled: cst.Minute(x.SettledAt)}
		if row.IncidentTitle, err = titles.title(x.Incident); err == nil && x.Status == replenish.StatusOpen {
			row.CanSettle, err = may.may(x.Holder)
		}
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if row.CanSettle {
			v.Open++
		}
		v.Rows = append(v.Rows, row)
	}
	if n.err != nil {
		h.fail(w, r, n.err)
		return
	}
	h.renderFlow(w, r, "replenishments", "replenishments", "flow.replenish.title", v)
}

// ---- 捐赠 donations ----

// donationsLimit is how many donations the list shows, newest first.
const donationsLimit = 200

// donationRow is a donation as listed and on its page.
type donationRow struct {
	donation.Donation
	Depot       place
	At          string
	Lines       []donationLine
	Received    int // lines not rejected
	Restriction restrictionView
}

// donationLine is a line of a donation, its item named.
type donationLine struct {
	donation.Line
	N    int
	Item catalog.Item
}

// restrictionView is a donor's restriction as a page says it.
type restrictionView struct {
	stock.Restriction
	Area area.Area
}

func newDonationRow(n *flowNames, areas areaIndex, d donation.Donation) donationRow {
	row := donationRow{Donation: d, Depot: n.place(d.Depot), At: cst.Minute(d.CreatedAt),
		Restriction: restrictionView{Restriction: d.Restriction, Area: areas.of(d.Restriction.Area)}}
	for i, l := range d.Lines {
		row.Lines = append(row.Lines, donationLine{Line: l, N: i + 1, Item: n.item(l.Item)})
		if l.Check != donation.Rejected {
			row.Received++
		}
	}
	return row
}

// CheckClass is the badge colour of a donation line's quality check.
func (p *page) CheckClass(c donation.Check) string {
	return map[donation.Check]string{donation.Accepted: "ok", donation.Pending: "warn", donation.Rejected: "bad"}[c]
}

// donationsView lists the donations, and holds the intake form (捐赠入库)
// for those who may receive at a depot (donation.receive).
type donationsView struct {
	Rows  []donationRow
	Limit int
	Full  bool
	// The intake form: the depots the person may receive at, the
	// restriction's areas (the city and its districts) and incident types.
	Depots     []store.DepotView
	Items      []catalog.Item
	Areas      []area.Area
	Types      []string
	DonorKinds []donation.DonorKind
	Checks     []donation.Check
}

var donorKinds = []donation.DonorKind{donation.DonorEnterprise, donation.DonorOrganisation, donation.DonorPerson}

func (h *handler) donationsPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	who := access.FromContext(ctx)
	v := donationsView{Limit: donationsLimit, Types: incidentTypes, DonorKinds: donorKinds,
		Checks: []donation.Check{donation.Accepted, donation.Pending, donation.Rejected}}
	ds, err := h.ops.Donations(ctx, who, "", donationsLimit)
	var areas areaIndex
	if err == nil {
		areas, err = h.areaIndex(ctx)
	}
	if err == nil {
		v.Depots, err = h.mayDepots(ctx, who, access.DonationReceive)
	}
	if err == nil && len(v.Depots) > 0 {
		v.Items, err = h.formItems(ctx)
		v.Areas = areas.restrictionAreas()
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Full = len(ds) == donationsLimit
	n := h.flowNames(ctx)
	var items []string
	for _, d := range ds {
		for _, l := range d.Lines {
			items = append(items, l.Item)
		}
	}
	n.loadItems(items...)
	for _, d := range ds {
		v.Rows = append(v.Rows, newDonationRow(n, areas, d))
	}
	if n.err != nil {
		h.fail(w, r, n.err)
		return
	}
	h.renderFlow(w, r, "donations", "donations", "flow.donations.title", v)
}

// matchRow is an open need a donation may meet.
type matchRow struct {
	donation.Match
	Item          catalog.Item
	District      area.Area
	IncidentTitle string
}

// donationView is one donation: its lines and lots, its restriction, and
// the open needs it may meet (ops.Service.DonationMatches). The donor's
// contact is shown to those who may receive at its depot only.
type donationView struct {
	Row         donationRow
	ShowContact bool
	Matches     []matchRow
}

func (h *handler) donationPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	who := access.FromContext(ctx)
	id, err := httpx.ID(r, "id")
	var d donation.Donation
	if err == nil {
		d, err = h.ops.Donation(ctx, access.FromContext(ctx), id)
	}
	var areas areaIndex
	if err == nil {
		areas, err = h.areaIndex(ctx)
	}
	var matches []donation.Match
	if err == nil {
		matches, err = h.ops.DonationMatches(ctx, who, id)
	}
	var v donationView
	if err == nil {
		v.ShowContact, err = h.may(ctx, who, access.DonationReceive, d.Depot)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	n := h.flowNames(ctx)
	items := make([]string, 0, len(d.Lines))
	for _, l := range d.Lines {
		items = append(items, l.Item)
	}
	n.loadItems(items...)
	v.Row = newDonationRow(n, areas, d)
	titles := &incidentTitles{h: h, ctx: ctx, titles: map[string]string{}}
	for _, m := range matches {
		row := matchRow{Match: m, Item: n.item(m.Item), District: areas.of(m.Need.District)}
		if row.IncidentTitle, err = titles.title(m.Incident); err != nil {
			h.fail(w, r, err)
			return
		}
		v.Matches = append(v.Matches, row)
	}
	if n.err != nil {
		h.fail(w, r, n.err)
		return
	}
	h.renderFlow(w, r, "donation", "donations", "flow.donation.title", v)
}

// reportLimit is how many donations the public report lists, newest first.
const reportLimit = 200

// reportRow is a donation as the public report shows it: who gave (or
// 匿名捐赠), when, and per item what was received, is still in stock and
// where the rest went (store.DonationsReport).
type reportRow struct {
	store.DonationReport
	Anonymous bool // the donor asked not to be named: Donor is 匿名捐赠, said in the page's language
	Date      string
	Depot     place
	Items     []reportItem
}

type reportItem struct {
	store.DonationItemTrace
	Item catalog.Item
}

// reportView is the public report, as of Today.
type reportView struct {
	Rows  []reportRow
	Limit int
	Full  bool
	Today string
}

// donationReportPage is the public report (捐赠公示): readable without
// signing in, printable, naming no donor who asked to stay anonymous and
// no contact, depot keeper or lot.
func (h *handler) donationReportPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	rep, err := h.store.DonationsReport(ctx, reportLimit)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := reportView{Limit: reportLimit, Full: len(rep) == reportLimit, Today: h.store.Today()}
	n := h.flowNames(ctx)
	var items []string
	for _, d := range rep {
		for _, it := range d.Items {
			items = append(items, it.Item)
		}
	}
	n.loadItems(items...)
	for _, d := range rep {
		row := reportRow{DonationReport: d, Anonymous: d.Donor == anonymousDonor, Date: dateOf(d.At), Depot: n.place(d.Depot)}
		for _, it := range d.Items {
			name := n.item(it.Item)
			name.NameZH = cmp.Or(it.NameZH, name.NameZH)
			row.Items = append(row.Items, reportItem{DonationItemTrace: it, Item: name})
		}
		v.Rows = append(v.Rows, row)
	}
	if n.err != nil {
		h.fail(w, r, n.err)
		return
	}
	screen := ""
	if access.FromContext(ctx).Can(access.DispatchRead) {
		screen = "transfers"
	}
	h.render(w, r, "donation-report", h.newPage(r, screen, "flow.report.title", v))
}

// anonymousDonor is how the report names a donor who asked not to be named.
var anonymousDonor = donation.Donation{Anonymous: true}.PublicDonor()

// dateOf is the day of unix seconds in China, "–" for none.
func dateOf(unix int64) string {
	if unix == 0 {
		return "–"
	}
	return cst.Minute(unix)[:len("2006-01-02")]
}

// ---- 紧急采购 emergency purchase ----

// purchasesLimit is how many call-offs the list shows, newest first.
const purchasesLimit = 200

// callOffRow is a call-off as listed, with the steps the signed-in person
// may take on it: receive its delivery (purchase.receive at its depot),
// cancel it (purchase.order there, and no plan counts on it).
type callOffRow struct {
	purchase.CallOff
	Class      string
	Item       catalog.Item
	Depot      place
	Due        string
	ArrivedAt  string
	Created    string
	Overdue    bool
	CanReceive bool
	CanCancel  bool
}

// callOffClass is the badge colour of a call-off's status.
func callOffClass(s purchase.Status) string {
	return map[purchase.Status]string{purchase.StatusOrdered: "warn", purchase.StatusReceived: "ok",
		purchase.StatusCancelled: "bad"}[s]
}

// agreementChoice is an agreement reserve the order form offers: in use,
// valid today, with something free to call off.
type agreementChoice struct {
	reserve.Agreement
	Item catalog.Item
	Free stock.Quantity
}

type purchasesView struct {
	Rows     []callOffRow
	Actions  []callOffRow // ordered call-offs the person may receive or cancel
	Status   string
	Statuses []purchase.Status
	Limit    int
	Full     bool
	// The order form (下单), for those who may call off for a depot.
	CanOrder   bool
	Agreements []agreementChoice
	Depots     []store.DepotView
}

func (h *handler) purchasesPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	who := access.FromContext(ctx)
	v := purchasesView{Statuses: []purchase.Status{purchase.StatusOrdered, purchase.StatusReceived, purchase.StatusCancelled},
		Limit: purchasesLimit, CanOrder: who.Can(access.PurchaseOrder)}
	var err error
	v.Status, err = httpx.OneOf(r.URL.Query(), "status", string(purchase.StatusOrdered), string(purchase.StatusReceived),
		string(purchase.StatusCancelled))
	var cs []purchase.CallOff
	if err == nil {
		view := who.View(access.StockRead)
		cs, err = h.store.CallOffs(ctx, &view, v.Status, purchasesLimit)
	}
	if err == nil && v.CanOrder {
		err = h.orderChoices(ctx, who, &v)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Full = len(cs) == purchasesLimit
	n := h.flowNames(ctx)
	var items []string
	for _, c := range cs {
		items = append(items, c.Item)
	}
	n.loadItems(items...)
	now := h.store.Now().Unix()
	receive := h.mayCache(ctx, who, access.PurchaseReceive, "depot")
	order := h.mayCache(ctx, who, access.PurchaseOrder, "depot")
	for _, c := range cs {
		row := callOffRow{CallOff: c, Class: callOffClass(c.Status), Item: n.item(c.Item), Depot: n.place(c.Depot),
			Due: cst.Minute(c.DueAt), ArrivedAt: cst.Minute(c.ReceivedAt), Created: cst.Minute(c.CreatedAt),
			Overdue: c.Status == purchase.StatusOrdered && c.DueAt < now}
		if c.Status == purchase.StatusOrdered {
			if row.CanReceive, err = receive.may(c.Depot); err == nil {
				row.CanCancel, err = order.may(c.Depot)
			}
			if err != nil {
				h.fail(w, r, err)
				return
			}
		}
		v.Rows = append(v.Rows, row)
		if row.CanReceive || row.CanCancel {
			v.Actions = append(v.Actions, row)
		}
	}
	if n.err != nil {
		h.fail(w, r, n.err)
		return
	}
	h.renderFlow(w, r, "purchases", "purchases", "flow.purchases.title", v)
}

// orderChoices fills the order form's agreements (in use, valid today,
// something free) and the depots who may call off for.
func (h *handler) orderChoices(ctx context.Context, who access.Actor, v *purchasesView) error {
	today := h.store.Today()
	as, err := h.store.Agreements(ctx, store.ReserveFilter{ActiveOn: today, Retired: store.InUse})
	if err != nil {
		return err
	}
	var items []string
	for _, a := range as {
		items = append(items, a.Item)
	}
	n := h.flowNames(ctx)
	n.loadItems(items...)
	for _, a := range as {
		if a.Free() > 0 && a.ValidFrom <= today && today <= a.ValidUntil {
			v.Agreements = append(v.Agreements, agreementChoice{Agreement: a, Item: n.item(a.Item), Free: a.Free()})
		}
	}
	if n.err != nil {
		return n.err
	}
	v.Depots, err = h.mayDepots(ctx, who, access.PurchaseOrder)
	return err
}

// openIncidents are the incidents still open, newest first: those a
// request may be accepted into.
func (h *handler) openIncidents(ctx context.Context) ([]dispatch.Incident, error) {
	return h.store.Incidents(ctx, string(dispatch.IncidentOpen))
}
