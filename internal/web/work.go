package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/approval"
	"github.com/stockpile-dev/stockpile/internal/care"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/cst"
	"github.com/stockpile-dev/stockpile/internal/httpx"
	"github.com/stockpile-dev/stockpile/internal/inbox"
	"github.com/stockpile-dev/stockpile/internal/photo"
	"github.com/stockpile-dev/stockpile/internal/statement"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/stocktake"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// The 作业 screen is the warehouse keeper's day, phone-sized first: scan
// a label and act on the lot, receive, count, approve, care for stock.
// Pages are rendered here; their actions call the JSON API from work.js,
// so every rule is the API's (and the use case's) and a refusal reads the
// same everywhere.
func (h *handler) workRoutes() []route {
	return []route{
		{"GET", "/work", access.StockRead, h.workHome},
		{"GET", "/work/scan", access.StockRead, h.workScan},
		{"GET", "/work/lots/{code}", access.StockRead, h.workLot},
		{"GET", "/work/receive", access.StockPost, h.workReceive},
		{"GET", "/work/counts", access.StockRead, h.workCounts},
		{"GET", "/work/counts/{id}", access.StockRead, h.workCount},
		{"GET", "/work/approvals", access.StockRead, h.workApprovals},
		{"GET", "/work/care", access.StockRead, h.workCare},
		{"GET", "/work/statements", access.StockRead, h.workStatements},
	}
}

// workTabs are the screen's pages, each shown to those who may open it.
var workTabs = []struct {
	key, href string
	act       access.Action
}{
	{"home", "/work", access.StockRead},
	{"receive", "/work/receive", access.StockPost},
	{"counts", "/work/counts", access.StockRead},
	{"approvals", "/work/approvals", access.StockRead},
	{"care", "/work/care", access.StockRead},
	{"statements", "/work/statements", access.StockRead},
}

// workTab is one tab of the screen.
type workTab struct {
	Key, Href string
	Active    bool
}

func workTabsFor(who access.Actor, active string) []workTab {
	var out []workTab
	for _, t := range workTabs {
		if who.Can(t.act) {
			out = append(out, workTab{Key: t.key, Href: t.href, Active: t.key == active})
		}
	}
	return out
}

// workPage is what every page of the screen carries besides its own data.
type workPage struct {
	Tabs []workTab
	Data any
}

func (h *handler) renderWork(w http.ResponseWriter, r *http.Request, status int, view, tab, title string, data any) {
	who := access.FromContext(r.Context())
	h.renderStatus(w, r, status, view, h.newPage(r, "work", title, workPage{Tabs: workTabsFor(who, tab), Data: data}))
}

// workHomeView is the screen's first page: the scan field and the inbox.
type workHomeView struct {
	Code  string        // what was scanned, shown again with its error
	Error *apperr.Error // why the scan found nothing, shown by the field
	Inbox inbox.Inbox
}

func (h *handler) workHome(w http.ResponseWriter, r *http.Request) {
	h.renderWorkHome(w, r, http.StatusOK, workHomeView{})
}

func (h *handler) renderWorkHome(w http.ResponseWriter, r *http.Request, status int, v workHomeView) {
	var err error
	if v.Inbox, err = h.ops.Inbox(r.Context(), access.FromContext(r.Context())); err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderWork(w, r, status, "work", "home", "work.title", v)
}

// workScan opens the lot a label (or a typed code) names. A code that
// finds nothing is said by the scan field, on the page the keeper is on,
// not as an error page: misread (its check character fails), or unknown.
func (h *handler) workScan(w http.ResponseWriter, r *http.Request) {
	text := r.URL.Query().Get("lot")
	code := stock.ScannedLotCode(text)
	if code == "" {
		h.workHome(w, r)
		return
	}
	_, err := h.visibleLot(r.Context(), code)
	if err == nil {
		http.Redirect(w, r, "/work/lots/"+url.PathEscape(code), http.StatusSeeOther)
		return
	}
	e, ok := apperr.As(err)
	if !ok {
		h.fail(w, r, err)
		return
	}
	h.renderWorkHome(w, r, httpx.Explain(h.logger, r, err).Status, workHomeView{Code: text, Error: e})
}

// visibleLot returns the lot code names when the signed-in person may see
// it; a code that fails its check character is lot.misread, and an empty
// one is required.
func (h *handler) visibleLot(ctx context.Context, code string) (stock.Lot, error) {
	if code == "" {
		return stock.Lot{}, apperr.Required("lot", "批次码", "lot code")
	}
	lot, err := h.store.Lot(ctx, code)
	err = stock.Unknown(code, "lot", err)
	if err == nil {
		err = h.store.CheckVisible(ctx, visible(ctx), "lot", code)
	}
	return lot, err
}

// workLotView is one lot, wherever the person may see it, with what they
// may do with it.
type workLotView struct {
	Lot    stock.Lot
	Status stock.Status
	Item   catalog.Item
	Today  string
	Rows   []store.StockLot // the lot at each depot holding it
	Counts []store.CountSummary
	Photos []photo.Photo // of the postings that moved it at those depots
}

func (h *handler) workLot(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	code := stock.ScannedLotCode(r.PathValue("code"))
	v := workLotView{Today: h.store.Today()}
	var err error
	if v.Lot, err = h.visibleLot(ctx, code); err == nil {
		v.Item, err = h.store.Item(ctx, v.Lot.ItemCode)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Status = v.Lot.Status(v.Today)
	page, err := h.store.StockLots(ctx, store.LotQuery{Lot: code, View: visible(ctx), Limit: 100})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Rows = page.Rows
	var depots []string
	for _, row := range v.Rows {
		depots = append(depots, row.Depot)
	}
	if v.Photos, err = h.store.LotPhotos(ctx, code, depots); err != nil {
		h.fail(w, r, err)
		return
	}
	for _, row := range v.Rows {
		cs, err := h.ops.Counts(ctx, access.FromContext(ctx), store.CountFilter{Depot: row.Depot, Status: stocktake.Open})
		if err != nil {
			h.fail(w, r, err)
			return
		}
		v.Counts = append(v.Counts, cs...)
	}
	h.renderWork(w, r, http.StatusOK, "work-lot", "home", "work.lot.title", v)
}

// workReceiveView is the receipt form: the depots the person may receive
// into and the catalogue's items in use.
type workReceiveView struct {
	Depots []store.DepotView
	Items  []catalog.Item
	Depot  string // preselected
}

func (h *handler) workReceive(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := workReceiveView{Depot: r.URL.Query().Get("depot")}
	var err error
	if v.Depots, err = h.postableDepots(ctx); err != nil {
		h.fail(w, r, err)
		return
	}
	if v.Items, err = h.store.Items(ctx, store.ItemFilter{Retired: store.InUse}); err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderWork(w, r, http.StatusOK, "work-receive", "receive", "work.receive.title", v)
}

// postableDepots are the depots in use where the signed-in person may
// post movements.
func (h *handler) postableDepots(ctx context.Context) ([]store.DepotView, error) {
	v := access.FromContext(ctx).View(access.StockPost)
	return h.store.Depots(ctx, store.DepotFilter{View: &v, Retired: store.InUse})
}

// workCountsView lists stock-takes and offers to open one.
type workCountsView struct {
	Counts []store.CountSummary
	Depots []store.DepotView // where the person may open one
	Status string
}

func (h *handler) workCounts(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	who := access.FromContext(ctx)
	v := workCountsView{Status: r.URL.Query().Get("status")}
	var err error
	if v.Counts, err = h.ops.Counts(ctx, who, store.CountFilter{Status: stocktake.Status(v.Status), Limit: 100}); err != nil {
		h.fail(w, r, err)
		return
	}
	if who.Can(access.StockCount) {
		cv := who.View(access.StockCount)
		if v.Depots, err = h.store.Depots(ctx, store.DepotFilter{View: &cv, Retired: store.InUse}); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	h.renderWork(w, r, http.StatusOK, "work-counts", "counts", "work.counts.title", v)
}

// workCountView is one stock-take: its lines and what may be done next.
type workCountView struct {
	Count    stocktake.Count
	Progress map[string]int // lines by state
	Created  string
}

func (h *handler) workCount(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.fail(w, r, apperr.NotFoundf("count", "盘点单", r.PathValue("id")))
		return
	}
	c, err := h.ops.Count(r.Context(), access.FromContext(r.Context()), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := workCountView{Count: c, Progress: map[string]int{}, Created: cst.Minute(c.CreatedAt / 1_000_000)}
	for state, n := range c.Progress() {
		v.Progress[string(state)] = n
	}
	h.renderWork(w, r, http.StatusOK, "work-count", "counts", "work.count.title", v)
}

// workApprovalsView lists scraps waiting for a second person, and the
// latest decided.
type workApprovalsView struct {
	Pending, Decided []approval.Request
	Me               string
}

func (h *handler) workApprovals(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	who := access.FromContext(ctx)
	all, err := h.ops.Approvals(ctx, who, store.ApprovalFilter{Limit: 100})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := workApprovalsView{Me: who.ID}
	for _, a := range all {
		if a.Status == approval.Pending {
			v.Pending = append(v.Pending, a)
		} else {
			v.Decided = append(v.Decided, a)
		}
	}
	h.renderWork(w, r, http.StatusOK, "work-approvals", "approvals", "work.approvals.title", v)
}

// inboxCache keeps each person's inbox count for the header a short while:
// the header is on every page, the inbox reads several tables.
type inboxCache struct {
	mu   sync.Mutex
	seen map[string]inboxCount
}

type inboxCount struct {
	n  int
	at time.Time
}

// inboxTTL is how long the header's count may lag behind: a page visited
// after an action shows it within this time, the inbox page at once.
const inboxTTL = 20 * time.Second

// InboxCount is the number of things waiting for the signed-in person,
// for the header; 0 when it cannot be had (the inbox page says why).
func (p *page) InboxCount() int {
	if !p.who.Signed() || p.who.MustChangePassword {
		return 0
	}
	return p.h.inbox.count(p.who.ID, func() int {
		b, err := p.h.ops.Inbox(p.ctx, p.who)
		if err != nil {
			p.h.logger.Warn("inbox count", "principal", p.who.ID, "err", err)
			return 0
		}
		return b.Total
	})
}

func (c *inboxCache) count(who string, read func() int) int {
	c.mu.Lock()
	got, ok := c.seen[who]
	c.mu.Unlock()
	if ok && time.Since(got.at) < inboxTTL {
		return got.n
	}
	n := read()
	c.mu.Lock()
	if c.seen == nil || len(c.seen) > 10000 {
		c.seen = map[string]inboxCount{}
	}
	c.seen[who] = inboxCount{n, time.Now()}
	c.mu.Unlock()
	return n
}

// workCareView is the care of stock (养护): rounds due, rotation plans and
// the lots worth rotating, and how full the depots are.
type workCareView struct {
	Due        []store.CareDueRow
	Rotations  []care.Rotation
	Candidates []store.RotationCandidate
	Fill       []store.DepotFill
	Depots     []store.DepotView // where the person may plan a transfer to
	Within     int
}

// careWithin is how far ahead the care page lists rounds due.
const careWithin = 30

func (h *handler) workCare(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	who := access.FromContext(ctx)
	v := workCareView{Within: careWithin}
	var err error
	if v.Due, err = h.ops.CareDue(ctx, who, "", careWithin); err == nil {
		v.Rotations, err = h.ops.Rotations(ctx, who, store.RotationFilter{Status: care.RotationPlanned, Limit: 200})
	}
	if err == nil && who.Can(access.CarePlan) {
		v.Candidates, err = h.ops.RotationCandidates(ctx, who, "")
	}
	if err == nil {
		v.Fill, err = h.ops.DepotFill(ctx, who, care.LevelNearFull)
	}
	if err == nil && who.Can(access.CarePlan) {
		v.Depots, err = h.store.Depots(ctx, store.DepotFilter{Retired: store.InUse})
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderWork(w, r, http.StatusOK, "work-care", "care", "work.care.title", v)
}

// ScrapUnits is the most one scrap line may write off without a second
// person's approval.
func (p *page) ScrapUnits() string { return p.h.ops.ApprovalPolicy().ScrapUnits.String() }

// Qualities are the quality states a lot may be set to.
func (p *page) Qualities() []stock.Quality {
	return []stock.Quality{stock.QualityGood, stock.QualityPending, stock.QualityDamaged}
}

// workStatementsView is the 收发存 statement of a period, or the stock as
// of a day, for the depots the person may see.
type workStatementsView struct {
	Statement statement.Statement
	Filter    store.StatementFilter
	AsOf      string // the day of a snapshot, when one was asked for
	AsOfRows  []store.AsOfRow
	Query     string // the filters, for the export links
	Depots    []store.DepotView
}

func (h *handler) workStatements(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	who := access.FromContext(ctx)
	q := r.URL.Query()
	v := workStatementsView{Filter: store.StatementFilter{From: q.Get("from"), To: q.Get("to"), Depot: q.Get("depot"), Item: q.Get("item")}}
	var err error
	if q.Has("as_of") {
		v.AsOf, v.AsOfRows, err = h.ops.StockAsOf(ctx, who, store.AsOfFilter{Date: q.Get("as_of"), Depot: v.Filter.Depot, Item: v.Filter.Item})
	} else {
		v.Statement, err = h.ops.Statement(ctx, who, v.Filter)
	}
	if err == nil {
		v.Depots, err = h.store.Depots(ctx, store.DepotFilter{View: visible(ctx), Retired: store.InUse})
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Query = url.Values{"from": {v.Statement.From}, "to": {v.Statement.To}, "depot": {v.Filter.Depot}, "item": {v.Filter.Item}}.Encode()
	h.renderWork(w, r, http.StatusOK, "work-statements", "statements", "work.statements.title", v)
}

// Person names the principal who (a "user:<id>" as the ledger and the
// documents record it) for people: the user's name and username, as
// "王芳 (keeper-city)"; anything else (a token, the system) as recorded.
// Names are looked up once per page.
func (p *page) Person(who string) string {
	if name, ok := p.people[who]; ok {
		return name
	}
	name := p.h.store.PersonName(p.ctx, who)
	if p.people == nil {
		p.people = map[string]string{}
	}
	p.people[who] = name
	return name
}
