package web

import (
	"net/http"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/cst"
	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/httpx"
	"github.com/stockpile-dev/stockpile/internal/request"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// Requests for supplies from below (需求申报, docs/flow.md): the list, with
// what waits for the signed-in person's areas (?waiting=1, where the inbox
// leads), one request with its steps and the decisions the person may
// take on it, and the form that submits one. Every decision is the JSON
// API's (POST /api/requests/{id}/approve, accept, reject, withdraw); a
// button is shown only when ops.Service.DecideRequest would let the person
// take it.

// requestsLimit is how many requests the list shows, newest first.
const requestsLimit = 200

// requestStatuses are the statuses, in the order of a request's life.
var requestStatuses = []request.Status{request.StatusPending, request.StatusAccepted, request.StatusRejected,
	request.StatusWithdrawn}

// requestClass is the badge colour of a request's status.
func requestClass(s request.Status) string {
	return map[request.Status]string{request.StatusPending: "warn", request.StatusAccepted: "ok",
		request.StatusRejected: "bad"}[s]
}

// requestRow is a request as listed: its area, where it waits and its
// items, named.
type requestRow struct {
	request.Request
	Class         string
	From, At      area.Area
	Lines         []itemLine
	IncidentTitle string
	Created       string
}

func newRequestRow(n *flowNames, areas areaIndex, r request.Request) requestRow {
	row := requestRow{Request: r, Class: requestClass(r.Status), From: areas.of(r.Area), At: areas.of(r.AtArea),
		Created: cst.Minute(r.CreatedAt)}
	for _, l := range r.Lines {
		row.Lines = append(row.Lines, itemLine{Item: n.item(l.Item), Quantity: l.Quantity})
	}
	return row
}

// requestItems lists the items of requests, to name them in one read.
func requestItems(rs ...request.Request) []string {
	var out []string
	for _, r := range rs {
		for _, l := range r.Lines {
			out = append(out, l.Item)
		}
	}
	return out
}

// requestsView is the list, its filters, and the form (新建申报) for those
// who may submit a request for an area below the city (request.submit).
type requestsView struct {
	Rows     []requestRow
	Status   string
	Statuses []request.Status
	Waiting  bool // only those waiting for an area the person may decide for
	Limit    int
	Full     bool
	Areas    []area.Area // the form's areas: in the person's scope, below the city
	Items    []catalog.Item
}

func (h *handler) requestsPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	who := access.FromContext(ctx)
	q := r.URL.Query()
	v := requestsView{Statuses: requestStatuses, Waiting: q.Get("waiting") == "1", Limit: requestsLimit}
	var all []string
	for _, s := range requestStatuses {
		all = append(all, string(s))
	}
	var err error
	v.Status, err = httpx.OneOf(q, "status", all...)
	var rs []request.Request
	if err == nil {
		if v.Waiting {
			v.Status = ""
			rs, err = h.waitingRequests(r, who)
		} else {
			rs, err = h.store.Requests(ctx, store.RequestFilter{Status: v.Status, Limit: requestsLimit})
			v.Full = len(rs) == requestsLimit
		}
	}
	var areas areaIndex
	if err == nil {
		areas, err = h.areaIndex(ctx)
	}
	if err == nil && who.Can(access.RequestSubmit) {
		if v.Areas = areas.inScope(who, access.RequestSubmit, true); len(v.Areas) > 0 {
			v.Items, err = h.formItems(ctx)
		}
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	n := h.flowNames(ctx)
	n.loadItems(requestItems(rs...)...)
	for _, x := range rs {
		v.Rows = append(v.Rows, newRequestRow(n, areas, x))
	}
	if n.err != nil {
		h.fail(w, r, n.err)
		return
	}
	h.renderFlow(w, r, "requests", "requests", "flow.requests.title", v)
}

// waitingRequests are the pending requests waiting for an area who may
// decide for (request.decide), as the inbox counts them.
func (h *handler) waitingRequests(r *http.Request, who access.Actor) ([]request.Request, error) {
	if !who.Can(access.RequestDecide) {
		return nil, nil
	}
	ctx := r.Context()
	rs, err := h.store.Requests(ctx, store.RequestFilter{Status: string(request.StatusPending), Limit: 1000})
	if err != nil {
		return nil, err
	}
	may := h.mayCache(ctx, who, access.RequestDecide, "area")
	var out []request.Request
	for _, x := range rs {
		ok, err := may.may(x.AtArea)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, x)
		}
	}
	return out, nil
}

// requestStep is a decision on a request, its level named.
type requestStep struct {
	request.Step
	Area area.Area
	At   string
}

// requestView is one request: what it asks, its steps, and what the
// signed-in person may do with it now. Approve, accept and reject are the
// waiting level's (request.decide on at_area): approve only below the
// city, accept only at a district or the city, into an open incident;
// withdraw is the requester's (request.submit on the area), while it
// waits.
type requestView struct {
	Row                                           requestRow
	Steps                                         []requestStep
	CanApprove, CanAccept, CanReject, CanWithdraw bool
	Incidents                                     []dispatch.Incident // open ones, to accept into
}

// Decides reports whether the person may take any decision on the request.
func (v requestView) Decides() bool {
	return v.CanApprove || v.CanAccept || v.CanReject || v.CanWithdraw
}

func (h *handler) requestPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	who := access.FromContext(ctx)
	id, err := httpx.ID(r, "id")
	var x request.Request
	if err == nil {
		x, err = h.store.Request(ctx, id)
	}
	var areas areaIndex
	if err == nil {
		areas, err = h.areaIndex(ctx)
	}
	var v requestView
	if err == nil {
		err = h.requestDecisions(r, who, x, areas, &v)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	n := h.flowNames(ctx)
	n.loadItems(requestItems(x)...)
	v.Row = newRequestRow(n, areas, x)
	if x.Incident != "" {
		titles := &incidentTitles{h: h, ctx: ctx, titles: map[string]string{}}
		if v.Row.IncidentTitle, err = titles.title(x.Incident); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	for _, st := range x.Steps {
		v.Steps = append(v.Steps, requestStep{Step: st, Area: areas.of(st.Area), At: cst.Minute(st.At)})
	}
	if n.err != nil {
		h.fail(w, r, n.err)
		return
	}
	h.renderFlow(w, r, "request", "requests", "flow.request.title", v)
}

// requestDecisions sets what who may decide on request x, as
// ops.Service.DecideRequest checks it.
func (h *handler) requestDecisions(r *http.Request, who access.Actor, x request.Request, areas areaIndex, v *requestView) error {
	if x.Status != request.StatusPending {
		return nil
	}
	ctx := r.Context()
	decide, err := h.ops.May(ctx, who, access.RequestDecide, "area", x.AtArea)
	if err != nil {
		return err
	}
	if decide {
		at := areas.of(x.AtArea)
		v.CanApprove = at.ParentCode != ""
		v.CanAccept = at.Level == area.LevelDistrict || at.Level == area.LevelCity
		v.CanReject = true
	}
	if x.CreatedBy == who.ID {
		if v.CanWithdraw, err = h.ops.May(ctx, who, access.RequestSubmit, "area", x.Area); err != nil {
			return err
		}
	}
	if v.CanAccept {
		v.Incidents, err = h.openIncidents(ctx)
	}
	return err
}
