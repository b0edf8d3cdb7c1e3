package api

import (
	"net/http"
	"strconv"

	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/httpx"
	"github.com/stockpile-dev/stockpile/internal/replenish"
	"github.com/stockpile-dev/stockpile/internal/request"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// requestRequest is the body of POST /api/requests.
type requestRequest struct {
	Area           string         `json:"area"`
	SiteName       string         `json:"site_name"`
	Point          geo.Point      `json:"point"`
	WithinHours    float64        `json:"within_hours"`
	Lines          []request.Line `json:"lines"`
	Note           string         `json:"note"`
	IdempotencyKey string         `json:"idempotency_key"`
}

func (h *handler) createRequest(w http.ResponseWriter, r *http.Request) {
	var req requestRequest
	err := h.decode(w, r, &req)
	if err == nil {
		req.IdempotencyKey, err = idempotencyKey(r, req.IdempotencyKey)
	}
	var out request.Request
	if err == nil {
		out, err = h.ops.CreateRequest(r.Context(), actor(r), request.Request{Area: req.Area, SiteName: req.SiteName,
			Point: req.Point, WithinHours: req.WithinHours, Lines: req.Lines, Note: req.Note, IdempotencyKey: req.IdempotencyKey})
	}
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.created(w, r, "/api/requests/"+strconv.FormatInt(out.ID, 10), out)
}

// listRequests lists requests, newest first, of ?status=, waiting for
// ?at_area=, or made by ?area=.
func (h *handler) listRequests(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	status, err := httpx.OneOf(q, "status", string(request.StatusPending), string(request.StatusAccepted),
		string(request.StatusRejected), string(request.StatusWithdrawn))
	var limit int64
	if err == nil {
		limit, err = httpx.Int(q, "limit", 1, 1000)
	}
	if err != nil {
		h.error(w, r, err)
		return
	}
	out, err := h.store.Requests(r.Context(), store.RequestFilter{Status: status, AtArea: q.Get("at_area"), Area: q.Get("area"),
		Limit: int(limit)})
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, list("requests", out))
}

func (h *handler) getRequest(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ID(r, "id")
	var out request.Request
	if err == nil {
		out, err = h.store.Request(r.Context(), id)
	}
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, out)
}

// requestDecision is the body of a decision on a request.
type requestDecision struct {
	Note     string `json:"note"`
	Incident string `json:"incident"`
}

// decideRequest serves approve, accept, reject and withdraw.
func (h *handler) decideRequest(d request.Decision) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := httpx.ID(r, "id")
		var req requestDecision
		if err == nil {
			err = h.decodeOptional(w, r, &req)
		}
		var out request.Request
		if err == nil {
			out, err = h.ops.DecideRequest(r.Context(), actor(r), id, d, req.Note, req.Incident)
		}
		if err != nil {
			h.error(w, r, err)
			return
		}
		h.json(w, r, http.StatusOK, out)
	}
}

// listReplenishments lists replenishment needs between tiers, newest
// first, of ?status=, owed to ?holder= or by ?owed_by=.
func (h *handler) listReplenishments(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	status, err := httpx.OneOf(q, "status", string(replenish.StatusOpen), string(replenish.StatusSettled))
	var limit int64
	if err == nil {
		limit, err = httpx.Int(q, "limit", 1, 1000)
	}
	var out []replenish.Need
	if err == nil {
		out, err = h.store.Replenishments(r.Context(), store.ReplenishFilter{Status: status, Holder: q.Get("holder"),
			OwedBy: q.Get("owed_by"), Limit: int(limit), View: stockView(r)})
	}
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, list("replenishments", out))
}

// settleReplenishment marks a need settled, saying how in the note.
func (h *handler) settleReplenishment(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ID(r, "id")
	var req struct {
		Note string `json:"note"`
	}
	if err == nil {
		err = h.decode(w, r, &req)
	}
	var out replenish.Need
	if err == nil {
		out, err = h.ops.SettleReplenishment(r.Context(), actor(r), id, req.Note)
	}
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, out)
}
