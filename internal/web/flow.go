package web

import (
	"cmp"
	"context"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/cst"
	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/httpx"
	"github.com/stockpile-dev/stockpile/internal/shipment"
	"github.com/stockpile-dev/stockpile/internal/site"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/transfer"
)

// The 调运 screen follows what plans and transfers set moving
// (docs/flow.md): the orders (调令 and 调拨单), each shipment from loading
// to signed receipt (签收), and the incident sites' stores (现场库) with
// what is handed out, used up and returned there. Pages are rendered here
// from the store; their actions call the JSON API from flow.js, so every
// rule and refusal is the API's. A button or form is shown only when the
// use case behind it would let the signed-in person act (ops.ShipmentSteps
// for shipments; for the rest, the same scope check the use case makes,
// see may).
func (h *handler) flowRoutes() []route {
	return []route{
		{"GET", "/transfers", access.DispatchRead, h.transfersPage},
		{"GET", "/transfers/{id}", access.DispatchRead, h.transferPage},
		{"GET", "/shipments", access.DispatchRead, h.shipmentsPage},
		{"GET", "/shipments/{id}", access.DispatchRead, h.shipmentPage},
		{"GET", "/sites", access.DispatchRead, h.sitesPage},
		{"GET", "/sites/{code}", access.DispatchRead, h.sitePage},
		// Requests from below, replenishment, donations, emergency
		// purchase and requisitions (requests.go, relief.go,
		// requisitions.go). Their lists read what the JSON API lists under
		// stock.read too, but they are pages of this screen and so open to
		// those who may read dispatch, as the screen's navigation entry is:
		// a partner department (stock.read, not dispatch.read) reads them
		// through the API only.
		{"GET", "/requests", access.DispatchRead, h.requestsPage},
		{"GET", "/requests/{id}", access.DispatchRead, h.requestPage},
		{"GET", "/replenishments", access.DispatchRead, h.replenishmentsPage},
		{"GET", "/donations", access.DispatchRead, h.donationsPage},
		{"GET", "/donations/{id}", access.DispatchRead, h.donationPage},
		{"GET", "/purchases", access.DispatchRead, h.purchasesPage},
		{"GET", "/requisitions", access.DispatchRead, h.requisitionsPage},
		{"GET", "/requisitions/{id}", access.DispatchRead, h.requisitionPage},
	}
}

// flowTabs are the screen's lists; every page of it is open to all who
// may read dispatch.
var flowTabs = []struct{ key, href string }{{"transfers", "/transfers"}, {"shipments", "/shipments"}, {"sites", "/sites"},
	{"requests", "/requests"}, {"replenishments", "/replenishments"}, {"donations", "/donations"},
	{"purchases", "/purchases"}, {"requisitions", "/requisitions"}}

// flowPage is what every page of the screen carries besides its own data.
type flowPage struct {
	Tabs []workTab
	Data any
}

func (h *handler) renderFlow(w http.ResponseWriter, r *http.Request, view, tab, title string, data any) {
	tabs := make([]workTab, len(flowTabs))
	for i, t := range flowTabs {
		tabs[i] = workTab{Key: t.key, Href: t.href, Active: t.key == tab}
	}
	h.render(w, r, view, h.newPage(r, "transfers", title, flowPage{Tabs: tabs, Data: data}))
}

// may reports whether who may take act on the depots (or site stores)
// codes, as the use case will check (ops.Service.May).
func (h *handler) may(ctx context.Context, who access.Actor, act access.Action, codes ...string) (bool, error) {
	return h.ops.May(ctx, who, act, "depot", codes...)
}

// sitePrefix starts the ledger location code of an incident site's store
// (site.LocationCode).
var sitePrefix = strings.TrimSuffix(site.LocationCode("", ""), ":")

// place is a depot, a site store or a shipment's load, named.
type place struct {
	Code, NameZH, NameEN string
	Site                 bool // an incident site's store, whose page is /sites/{code}
}

// flowNames names the places and items a page shows, each looked up once.
type flowNames struct {
	h      *handler
	ctx    context.Context
	places map[string]place
	items  map[string]catalog.Item
	err    error // the first failure to look up a name, other than not found
}

func (h *handler) flowNames(ctx context.Context) *flowNames {
	return &flowNames{h: h, ctx: ctx, places: map[string]place{}, items: map[string]catalog.Item{}}
}

// place names the location code; one that no longer exists is shown by
// its code.
func (n *flowNames) place(code string) place {
	if p, ok := n.places[code]; ok {
		return p
	}
	p := place{Code: code, NameZH: code, Site: strings.HasPrefix(code, sitePrefix)}
	d, err := n.h.store.Depot(n.ctx, code)
	switch {
	case err == nil:
		p.NameZH, p.NameEN = d.NameZH, d.NameEN
	case !apperr.IsKind(err, apperr.NotFound) && n.err == nil:
		n.err = err
	}
	n.places[code] = p
	return p
}

// loadItems reads the catalogue entries of codes not yet read.
func (n *flowNames) loadItems(codes ...string) {
	var missing []string
	for _, c := range codes {
		if _, ok := n.items[c]; !ok && !slices.Contains(missing, c) {
			missing = append(missing, c)
		}
	}
	if len(missing) == 0 || n.err != nil {
		return
	}
	got, err := n.h.store.Inventory().Items(n.ctx, missing)
	if err != nil {
		n.err = err
		return
	}
	for _, c := range missing {
		it, ok := got[c]
		if !ok {
			it = catalog.Item{Code: c, NameZH: c}
		}
		n.items[c] = it
	}
}

// item is a catalogue entry loaded by loadItems, or one named by its code.
func (n *flowNames) item(code string) catalog.Item {
	if it, ok := n.items[code]; ok {
		return it
	}
	return catalog.Item{Code: code, NameZH: code}
}

// docNumber is a document's number as it is printed, in the year of its
// making in China: 调〔2026〕12号.
func docNumber(prefix string, at, id int64) string {
	return fmt.Sprintf("%s〔%d〕%d号", prefix, time.Unix(at, 0).In(cst.Zone).Year(), id)
}

// transferClass is the badge colour of an order's status.
func transferClass(s transfer.Status) string {
	switch s {
	case transfer.StatusOrdered:
		return "warn"
	case transfer.StatusExecuted:
		return "ok"
	case transfer.StatusCancelled:
		return "bad"
	}
	return ""
}

// shipmentClass is the badge colour of a shipment's status.
func shipmentClass(s shipment.Status) string {
	switch s {
	case shipment.StatusPlanned, shipment.StatusLoading:
		return "warn"
	case shipment.StatusInTransit, shipment.StatusDelivered:
		return "info"
	case shipment.StatusReceived:
		return "ok"
	case shipment.StatusCancelled:
		return "bad"
	}
	return ""
}

// transferRow is an order as listed: its number, where it moves stock from
// and to, and how much of it has left.
type transferRow struct {
	ID                int64
	Number            string
	Kind              transfer.Kind
	Status            transfer.Status
	Class             string
	Reason            string
	PlanID            int64
	From, To          []place
	Quantity, Shipped stock.Quantity // all items together, to give a share
	Created           string
}

// Share is how much of the order has left its sources.
func (r transferRow) Share() float64 {
	if r.Quantity <= 0 {
		return 0
	}
	return float64(r.Shipped) / float64(r.Quantity)
}

func newTransferRow(n *flowNames, o transfer.Order) transferRow {
	row := transferRow{ID: o.ID, Number: docNumber("调", o.CreatedAt, o.ID), Kind: o.Kind, Status: o.Status,
		Class: transferClass(o.Status), Reason: o.Reason, PlanID: o.PlanID, Created: cst.Minute(o.CreatedAt)}
	for _, l := range o.Lines {
		if !slices.ContainsFunc(row.From, func(p place) bool { return p.Code == l.From }) {
			row.From = append(row.From, n.place(l.From))
		}
		if !slices.ContainsFunc(row.To, func(p place) bool { return p.Code == l.To }) {
			row.To = append(row.To, n.place(l.To))
		}
		for _, lq := range l.Lots {
			row.Quantity += lq.Quantity
			row.Shipped += lq.Shipped
		}
	}
	return row
}

// transfersLimit is how many orders the list shows, newest first.
const transfersLimit = 200

// transfersView is the list of orders, with its filters.
type transfersView struct {
	Rows         []transferRow
	Kind, Status string
	Kinds        []transfer.Kind
	Statuses     []transfer.Status
	Limit        int
	Full         bool // as many rows as the limit: older ones are not shown
}

func (h *handler) transfersPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	v := transfersView{Kinds: []transfer.Kind{transfer.KindDispatch, transfer.KindTransfer},
		Statuses: []transfer.Status{transfer.StatusOrdered, transfer.StatusExecuted, transfer.StatusCancelled},
		Limit:    transfersLimit}
	var err error
	if v.Kind, err = httpx.OneOf(q, "kind", string(transfer.KindDispatch), string(transfer.KindTransfer)); err == nil {
		v.Status, err = httpx.OneOf(q, "status", string(transfer.StatusOrdered), string(transfer.StatusExecuted),
			string(transfer.StatusCancelled))
	}
	var orders []transfer.Order
	if err == nil {
		orders, err = h.store.TransferOrders(ctx, store.TransferFilter{Kind: v.Kind, Status: v.Status, Limit: transfersLimit})
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	n := h.flowNames(ctx)
	for _, o := range orders {
		v.Rows = append(v.Rows, newTransferRow(n, o))
	}
	if n.err != nil {
		h.fail(w, r, n.err)
		return
	}
	v.Full = len(orders) == transfersLimit
	h.renderFlow(w, r, "transfers", "transfers", "flow.transfers.title", v)
}

// orderLineRow is one lot of an order's line.
type orderLineRow struct {
	LineID                  int64
	Item                    catalog.Item
	Lot                     string
	From, To                place
	Quantity, Shipped, Left stock.Quantity
}

// shipRoute is one source and destination of an order with something
// left to ship, which the signed-in person may arrange a shipment of: a
// shipment takes lots of one route only.
type shipRoute struct {
	From, To place
	Lines    []orderLineRow
}

// shipmentRow is a shipment as listed.
type shipmentRow struct {
	ID              int64
	Status          shipment.Status
	Class           string
	Vehicle, Driver string
	From, To        place
	Quantity        stock.Quantity
	OnRoad          stock.Quantity // what has left and is not yet received or written off
	Created         string
}

func newShipmentRow(n *flowNames, sh shipment.Shipment) shipmentRow {
	row := shipmentRow{ID: sh.ID, Status: sh.Status, Class: shipmentClass(sh.Status), Vehicle: sh.Vehicle, Driver: sh.Driver,
		From: n.place(sh.From), To: n.place(sh.To), Created: cst.Minute(sh.CreatedAt)}
	if sh.Status == shipment.StatusInTransit || sh.Status == shipment.StatusDelivered {
		row.OnRoad = sh.Open()
	}
	for _, l := range sh.Lines {
		row.Quantity += l.Quantity
	}
	return row
}

// transferView is one order: its lines, its shipments and what the
// signed-in person may do with it.
type transferView struct {
	Order     transfer.Order
	Row       transferRow
	Origin    string // what made the order, when not a plan ("preposition:3")
	Lines     []orderLineRow
	Left      stock.Quantity
	Shipments []shipmentRow
	Routes    []shipRoute
	// CanExecute and CanCancel: the order allows the step (ordered, with
	// something left) and the person's roles and scope do
	// (ops.Service.ExecuteTransfer, CancelTransfer).
	CanExecute, CanCancel bool
}

func (h *handler) transferPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := httpx.ID(r, "id")
	var o transfer.Order
	if err == nil {
		o, err = h.store.TransferOrder(ctx, id)
	}
	var shipments []shipment.Shipment
	if err == nil {
		shipments, err = h.store.Shipments(ctx, store.ShipmentFilter{OrderID: id, Limit: 1000})
	}
	var v transferView
	if err == nil {
		v, err = h.buildTransferView(ctx, o, shipments)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderFlow(w, r, "transfer", "transfers", "flow.transfer.title", v)
}

func (h *handler) buildTransferView(ctx context.Context, o transfer.Order, shipments []shipment.Shipment) (transferView, error) {
	who := access.FromContext(ctx)
	n := h.flowNames(ctx)
	v := transferView{Order: o, Row: newTransferRow(n, o), Left: o.Left()}
	if o.PlanID == 0 {
		v.Origin = o.Origin
	}
	var items []string
	for _, l := range o.Lines {
		items = append(items, l.Item)
	}
	n.loadItems(items...)
	open := o.Status == transfer.StatusOrdered && o.Left() > 0
	for _, l := range o.Lines {
		for _, lq := range l.Lots {
			row := orderLineRow{LineID: lq.LineID, Item: n.item(l.Item), Lot: lq.Lot, From: n.place(l.From), To: n.place(l.To),
				Quantity: lq.Quantity, Shipped: lq.Shipped, Left: lq.Left()}
			v.Lines = append(v.Lines, row)
			if !open || row.Left <= 0 {
				continue
			}
			i := slices.IndexFunc(v.Routes, func(rt shipRoute) bool { return rt.From.Code == l.From && rt.To.Code == l.To })
			if i < 0 {
				i = len(v.Routes)
				v.Routes = append(v.Routes, shipRoute{From: row.From, To: row.To})
			}
			v.Routes[i].Lines = append(v.Routes[i].Lines, row)
		}
	}
	// Only the routes the person may arrange a shipment of (either end in
	// scope, as ops.Service.CreateShipment asks).
	var mine []shipRoute
	for _, rt := range v.Routes {
		ok, err := h.may(ctx, who, access.ShipmentRun, rt.From.Code, rt.To.Code)
		if err != nil {
			return v, err
		}
		if ok {
			mine = append(mine, rt)
		}
	}
	v.Routes = mine
	if open {
		var err error
		if v.CanExecute, err = h.may(ctx, who, access.TransferRun, orderEnds(o, true)...); err != nil {
			return v, err
		}
		if v.CanCancel, err = h.may(ctx, who, access.TransferCancel, orderEnds(o, false)...); err != nil {
			return v, err
		}
	}
	for _, sh := range shipments {
		v.Shipments = append(v.Shipments, newShipmentRow(n, sh))
	}
	return v, n.err
}

// orderEnds lists the sources of an order's lines and, with both, their
// destinations: the places ops.Service checks to execute (either end) or
// cancel (every source) an order.
func orderEnds(o transfer.Order, both bool) []string {
	var out []string
	for _, l := range o.Lines {
		out = append(out, l.From)
		if both {
			out = append(out, l.To)
		}
	}
	return out
}

// shipmentStages are the statuses the stepper shows, in order; a
// cancelled shipment is said beside it.
var shipmentStages = []shipment.Status{shipment.StatusPlanned, shipment.StatusLoading, shipment.StatusInTransit,
	shipment.StatusDelivered, shipment.StatusReceived}

// stage is one status of the stepper.
type stage struct {
	Status        shipment.Status
	Done, Current bool
}

// shipLineRow is one lot on a shipment and what became of it.
type shipLineRow struct {
	shipment.Line
	Item catalog.Item
	Open stock.Quantity
}

// receiptRow is a signed receipt with its lines.
type receiptRow struct {
	shipment.Receipt
	At    string
	Lines []receiptLineRow
}

type receiptLineRow struct {
	shipment.ReceiptLine
	Item catalog.Item
	Lot  string
}

// shipmentView is one shipment: where it is in its life, what it carries
// and what arrived, and what the signed-in person may do with it now.
type shipmentView struct {
	Shipment                             shipment.Shipment
	Number, OrderNumber                  string
	OrderKind                            transfer.Kind
	Class                                string
	From, To                             place
	Stages                               []stage
	Created, Departed, Delivered, Closed string
	Lines                                []shipLineRow
	Open                                 stock.Quantity
	Receipts                             []receiptRow
	// Steps are the steps the person may take now and Receive whether
	// they may sign for it (ops.Service.ShipmentSteps).
	Steps   []shipment.Step
	Receive bool
	Signer  string // who signs, as the receipt form proposes it
}

func (h *handler) shipmentPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := httpx.ID(r, "id")
	var sh shipment.Shipment
	if err == nil {
		sh, err = h.store.Shipment(ctx, id)
	}
	var o transfer.Order
	if err == nil {
		o, err = h.store.TransferOrder(ctx, sh.OrderID)
	}
	var receipts []shipment.Receipt
	if err == nil {
		receipts, err = h.store.Receipts(ctx, id)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	who := access.FromContext(ctx)
	n := h.flowNames(ctx)
	v := shipmentView{Shipment: sh, Number: docNumber("运", sh.CreatedAt, sh.ID), OrderNumber: docNumber("调", o.CreatedAt, o.ID),
		OrderKind: o.Kind, Class: shipmentClass(sh.Status), From: n.place(sh.From), To: n.place(sh.To), Open: sh.Open(),
		Created: cst.Minute(sh.CreatedAt), Departed: cst.Minute(sh.DepartedAt), Delivered: cst.Minute(sh.DeliveredAt),
		Closed: cst.Minute(sh.ReceivedAt), Signer: who.Name}
	cur := slices.Index(shipmentStages, sh.Status)
	for i, s := range shipmentStages {
		v.Stages = append(v.Stages, stage{Status: s, Done: cur >= 0 && i <= cur, Current: i == cur})
	}
	var items []string
	for _, l := range sh.Lines {
		items = append(items, l.Item)
	}
	n.loadItems(items...)
	for _, l := range sh.Lines {
		v.Lines = append(v.Lines, shipLineRow{Line: l, Item: n.item(l.Item), Open: l.Open()})
	}
	for _, rc := range receipts {
		row := receiptRow{Receipt: rc, At: cst.Minute(rc.CreatedAt)}
		for _, rl := range rc.Lines {
			line := receiptLineRow{ReceiptLine: rl}
			if i := slices.IndexFunc(sh.Lines, func(l shipment.Line) bool { return l.N == rl.N }); i >= 0 {
				line.Item, line.Lot = n.item(sh.Lines[i].Item), sh.Lines[i].Lot
			}
			row.Lines = append(row.Lines, line)
		}
		v.Receipts = append(v.Receipts, row)
	}
	steps, receive := h.ops.ShipmentSteps(ctx, who, sh)
	for _, st := range shipment.Steps {
		if steps[st] {
			v.Steps = append(v.Steps, st)
		}
	}
	v.Receive = receive
	if n.err != nil {
		h.fail(w, r, n.err)
		return
	}
	h.renderFlow(w, r, "shipment", "transfers", "flow.shipment.title", v)
}

// siteRow is an incident site's store as listed.
type siteRow struct {
	store.SiteView
	Place         place
	IncidentTitle string
}

// sitesView lists the site stores, of one incident if asked.
type sitesView struct {
	Rows     []siteRow
	Incident string
}

// incidentTitles reads incidents' titles, each once; a deleted incident
// is shown by its code.
type incidentTitles struct {
	h      *handler
	ctx    context.Context
	titles map[string]string
}

func (t *incidentTitles) title(code string) (string, error) {
	if s, ok := t.titles[code]; ok {
		return s, nil
	}
	in, err := t.h.store.Incident(t.ctx, code)
	if err != nil && !apperr.IsKind(err, apperr.NotFound) {
		return "", err
	}
	t.titles[code] = in.Title
	return in.Title, nil
}

func (h *handler) sitesPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := sitesView{Incident: r.URL.Query().Get("incident")}
	sites, err := h.store.Sites(ctx, v.Incident)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	n := h.flowNames(ctx)
	titles := &incidentTitles{h: h, ctx: ctx, titles: map[string]string{}}
	for _, s := range sites {
		row := siteRow{SiteView: s, Place: n.place(s.Code)}
		if row.IncidentTitle, err = titles.title(s.Incident); err != nil {
			h.fail(w, r, err)
			return
		}
		v.Rows = append(v.Rows, row)
	}
	if n.err != nil {
		h.fail(w, r, n.err)
		return
	}
	h.renderFlow(w, r, "sites", "sites", "flow.sites.title", v)
}

// siteLotRow is a lot a site holds.
type siteLotRow struct {
	store.SiteLot
	Item catalog.Item
}

// siteItem is an item a site holds, with its lots, for the use form.
type siteItem struct {
	Item     catalog.Item    `json:"item"`
	Quantity stock.Quantity  `json:"quantity"`
	Lots     []store.SiteLot `json:"lots"`
}

// siteUseRow is a use of a site's stock as listed.
type siteUseRow struct {
	site.Use
	ToDepot place
	Lines   []siteUseLine
	At      string
}

type siteUseLine struct {
	site.Line
	Item catalog.Item
}

// siteView is one site store: what it holds, what was done with it,
// what is on its way to it, and the use form when the signed-in person
// may use its stock (ops.Service.UseSite).
type siteView struct {
	Site          store.SiteView
	Place         place
	IncidentTitle string
	Lots          []siteLotRow
	Items         []siteItem
	Uses          []siteUseRow
	Shipments     []shipmentRow
	CanUse        bool
	Kinds         []site.UseKind
	Depots        []store.DepotView // where a return may go
}

func (h *handler) sitePage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sv, err := h.store.Site(ctx, r.PathValue("code"))
	var lots []store.SiteLot
	var uses []site.Use
	var shipments []shipment.Shipment
	if err == nil {
		lots, err = h.store.SiteLots(ctx, sv.ID)
	}
	if err == nil {
		uses, err = h.store.SiteUses(ctx, sv.ID)
	}
	if err == nil {
		shipments, err = h.store.Shipments(ctx, store.ShipmentFilter{To: sv.Code, Limit: 100})
	}
	var v siteView
	if err == nil {
		v, err = h.buildSiteView(ctx, sv, lots, uses, shipments)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderFlow(w, r, "site", "sites", "flow.site.title", v)
}

func (h *handler) buildSiteView(ctx context.Context, sv store.SiteView, lots []store.SiteLot, uses []site.Use,
	shipments []shipment.Shipment) (siteView, error) {
	who := access.FromContext(ctx)
	n := h.flowNames(ctx)
	v := siteView{Site: sv, Place: n.place(sv.Code), Kinds: site.UseKinds}
	titles := &incidentTitles{h: h, ctx: ctx, titles: map[string]string{}}
	var err error
	if v.IncidentTitle, err = titles.title(sv.Incident); err != nil {
		return v, err
	}
	var items []string
	for _, l := range lots {
		items = append(items, l.Item)
	}
	for _, u := range uses {
		for _, l := range u.Lines {
			items = append(items, l.Item)
		}
	}
	n.loadItems(items...)
	for _, l := range lots {
		v.Lots = append(v.Lots, siteLotRow{SiteLot: l, Item: n.item(l.Item)})
		i := slices.IndexFunc(v.Items, func(x siteItem) bool { return x.Item.Code == l.Item })
		if i < 0 {
			i = len(v.Items)
			v.Items = append(v.Items, siteItem{Item: n.item(l.Item)})
		}
		v.Items[i].Quantity += l.Quantity
		v.Items[i].Lots = append(v.Items[i].Lots, l)
	}
	for _, u := range uses {
		row := siteUseRow{Use: u, At: cst.Minute(u.CreatedAt)}
		if u.ToDepot != "" {
			row.ToDepot = n.place(u.ToDepot)
		}
		for _, l := range u.Lines {
			row.Lines = append(row.Lines, siteUseLine{Line: l, Item: n.item(l.Item)})
		}
		v.Uses = append(v.Uses, row)
	}
	for _, sh := range shipments {
		v.Shipments = append(v.Shipments, newShipmentRow(n, sh))
	}
	if v.CanUse, err = h.may(ctx, who, access.SiteUse, sv.Code); err != nil {
		return v, err
	}
	if v.CanUse && len(v.Items) > 0 {
		if v.Depots, err = h.store.Depots(ctx, store.DepotFilter{Retired: store.InUse}); err != nil {
			return v, err
		}
	}
	return v, n.err
}

// planProgressView is how far an executed plan has come: its orders, each
// line's state and numbers (store.Store.PlanProgress), and what each site
// holds and did with each item.
type planProgressView struct {
	Orders []transferRow
	Lines  []progressLine
	Sites  []progressSite
}

// progressLine is a plan line with its progress; Ordered is 0 for a line
// no order carries (agreement and capacity reserves).
type progressLine struct {
	lineRow
	store.LineProgress
	State string
}

// progressSite is one item at one site of the plan.
type progressSite struct {
	store.SiteProgress
	SiteName string
	Item     catalog.Item
}

// progressClass is the badge colour of a plan line's state.
func progressClass(state string) string {
	return map[string]string{"pending": "warn", "moving": "info", "partial": "warn", "received": "ok"}[state]
}

// Tel is a link that dials phone: its digits, + and - only.
func (p *page) Tel(phone string) template.URL {
	var b strings.Builder
	for _, r := range phone {
		if r >= '0' && r <= '9' || r == '+' || r == '-' {
			b.WriteRune(r)
		}
	}
	return template.URL("tel:" + b.String())
}

// ProgressClass is progressClass for templates.
func (p *page) ProgressClass(state string) string { return progressClass(state) }

// planProgress gathers the progress of executed plan p, whose lines the
// plan page has made (rows), for its incidents and items.
func (h *handler) planProgress(ctx context.Context, p dispatch.Plan, rows []lineRow, incidents []dispatch.Incident,
	items map[string]catalog.Item) (*planProgressView, error) {
	orders, err := h.store.TransferOrders(ctx, store.TransferFilter{PlanID: p.ID, Limit: 1000})
	if err != nil {
		return nil, err
	}
	lines, sites, err := h.store.PlanProgress(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	n := h.flowNames(ctx)
	v := &planProgressView{}
	for i := len(orders) - 1; i >= 0; i-- { // oldest first, as the plan made them
		v.Orders = append(v.Orders, newTransferRow(n, orders[i]))
	}
	byLine := map[int64]store.LineProgress{}
	for _, lp := range lines {
		byLine[lp.PlanLine] = lp
	}
	for _, row := range rows {
		lp := byLine[row.ID]
		v.Lines = append(v.Lines, progressLine{lineRow: row, LineProgress: lp, State: lp.State()})
	}
	siteNames := map[string]string{}
	for _, in := range incidents {
		for _, s := range in.Sites {
			siteNames[in.Code+"\x00"+s.Code] = cmp.Or(s.Name, s.Code)
		}
	}
	for _, sp := range sites {
		it, ok := items[sp.Item]
		if !ok {
			it = catalog.Item{Code: sp.Item, NameZH: sp.Item}
		}
		v.Sites = append(v.Sites, progressSite{SiteProgress: sp, Item: it,
			SiteName: cmp.Or(siteNames[sp.Incident+"\x00"+sp.Site], sp.Site)})
	}
	return v, n.err
}

// shipmentsLimit is how many shipments the list shows, newest first.
const shipmentsLimit = 200

// shipmentsView lists shipments, of one status if asked; Arriving keeps
// those on the road or delivered to a place the signed-in person signs
// for (shipment.receive), as the inbox counts them (ops.Service.Inbox).
type shipmentsView struct {
	Rows     []shipmentRow
	Status   string
	Statuses []shipment.Status
	Arriving bool
	Limit    int
	Full     bool
}

func (h *handler) shipmentsPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	v := shipmentsView{Statuses: shipment.Statuses, Arriving: q.Get("arriving") == "1", Limit: shipmentsLimit}
	var all []string
	for _, s := range shipment.Statuses {
		all = append(all, string(s))
	}
	status, err := httpx.OneOf(q, "status", all...)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var ships []shipment.Shipment
	if v.Arriving {
		ships, err = h.arrivingShipments(ctx, access.FromContext(ctx))
	} else {
		v.Status = status
		ships, err = h.store.Shipments(ctx, store.ShipmentFilter{Status: status, Limit: shipmentsLimit})
		v.Full = len(ships) == shipmentsLimit
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	n := h.flowNames(ctx)
	for _, sh := range ships {
		v.Rows = append(v.Rows, newShipmentRow(n, sh))
	}
	if n.err != nil {
		h.fail(w, r, n.err)
		return
	}
	h.renderFlow(w, r, "shipments", "shipments", "flow.shipments.list_title", v)
}

// arrivingShipments are the shipments on the road or delivered to a place
// who may sign for (ops.Service.May of shipment.receive on the
// destination), newest first.
func (h *handler) arrivingShipments(ctx context.Context, who access.Actor) ([]shipment.Shipment, error) {
	if !who.Can(access.ShipmentReceive) {
		return nil, nil
	}
	var out []shipment.Shipment
	may := h.mayCache(ctx, who, access.ShipmentReceive, "depot")
	for _, st := range []shipment.Status{shipment.StatusInTransit, shipment.StatusDelivered} {
		got, err := h.store.Shipments(ctx, store.ShipmentFilter{Status: string(st), Limit: 1000})
		if err != nil {
			return nil, err
		}
		for _, sh := range got {
			ok, err := may.may(sh.To)
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, sh)
			}
		}
	}
	slices.SortFunc(out, func(a, b shipment.Shipment) int { return cmp.Compare(b.ID, a.ID) })
	return out, nil
}
