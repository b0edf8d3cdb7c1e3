package api

import (
	"net/http"
	"strconv"

	"github.com/stockpile-dev/stockpile/internal/approval"
	"github.com/stockpile-dev/stockpile/internal/httpx"
	"github.com/stockpile-dev/stockpile/internal/ops"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/stocktake"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// countRequest is the body of POST /api/counts.
type countRequest struct {
	Depot     string               `json:"depot"`
	Scope     stocktake.Scope      `json:"scope"`
	Threshold *stocktake.Threshold `json:"threshold,omitempty"` // default stocktake.DefaultThreshold
	Note      string               `json:"note,omitempty"`
}

// openCount opens a stock-take of a depot.
func (h *handler) openCount(w http.ResponseWriter, r *http.Request) {
	var req countRequest
	if err := h.decode(w, r, &req); err != nil {
		h.error(w, r, err)
		return
	}
	c := stocktake.Count{Depot: req.Depot, Scope: req.Scope, Note: req.Note}
	if req.Threshold != nil {
		c.Threshold = *req.Threshold
	}
	c, err := h.ops.OpenCount(r.Context(), actor(r), c)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.created(w, r, "/api/counts/"+strconv.FormatInt(c.ID, 10), c)
}

// listCounts lists stock-takes, newest first, with their progress: of a
// ?depot= and a ?status=.
func (h *handler) listCounts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	status, err := httpx.OneOf(q, "status", string(stocktake.Open), string(stocktake.Submitted),
		string(stocktake.Approved), string(stocktake.Cancelled))
	if err != nil {
		h.error(w, r, err)
		return
	}
	counts, err := h.ops.Counts(r.Context(), actor(r), store.CountFilter{Depot: q.Get("depot"), Status: stocktake.Status(status)})
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, list("counts", counts))
}

// getCount returns a stock-take with its lines.
func (h *handler) getCount(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ID(r, "id")
	if err == nil {
		var c stocktake.Count
		if c, err = h.ops.Count(r.Context(), actor(r), id); err == nil {
			h.json(w, r, http.StatusOK, c)
			return
		}
	}
	h.error(w, r, err)
}

// countLineRequest is the body of POST /api/counts/{id}/lines: what was
// found of one lot, named by its code or its label's scanned text.
type countLineRequest struct {
	Lot     string         `json:"lot"`
	Counted stock.Quantity `json:"counted"`
}

// recordCount enters a count of one lot and answers with its line.
func (h *handler) recordCount(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ID(r, "id")
	if err != nil {
		h.error(w, r, err)
		return
	}
	var req countLineRequest
	if err := h.decode(w, r, &req); err != nil {
		h.error(w, r, err)
		return
	}
	line, err := h.ops.RecordCount(r.Context(), actor(r), id, req.Lot, req.Counted)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, line)
}

// countAction serves submit, approve, reopen and cancel; the body is
// optional and has no fields.
func (h *handler) countAction(a stocktake.Action) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := h.actionRequest(w, r)
		if err != nil {
			h.error(w, r, err)
			return
		}
		c, err := h.ops.ActOnCount(r.Context(), actor(r), id, a)
		if err != nil {
			h.error(w, r, err)
			return
		}
		h.json(w, r, http.StatusOK, c)
	}
}

// scrap writes stock off: 201 with the posting when one person may, 202
// with the request for approval when a second person must approve it.
func (h *handler) scrap(w http.ResponseWriter, r *http.Request) {
	p, err := h.readPosting(w, r)
	if err != nil {
		h.error(w, r, err)
		return
	}
	out, err := h.ops.Scrap(r.Context(), actor(r), p)
	switch {
	case err != nil:
		h.error(w, r, err)
	case out.Approval != nil:
		w.Header().Set("Location", "/api/approvals/"+strconv.FormatInt(out.Approval.ID, 10))
		status := http.StatusAccepted
		if out.Approval.Replayed {
			status = http.StatusOK
		}
		h.json(w, r, status, out)
	default:
		h.created(w, r, "/api/postings/"+strconv.FormatInt(out.Posting.ID, 10), out)
	}
}

// listApprovals lists requests waiting for or decided by a second person,
// newest first: of a ?status= and a ?depot=.
func (h *handler) listApprovals(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	status, err := httpx.OneOf(q, "status", string(approval.Pending), string(approval.Approved),
		string(approval.Rejected), string(approval.Withdrawn))
	if err != nil {
		h.error(w, r, err)
		return
	}
	reqs, err := h.ops.Approvals(r.Context(), actor(r), store.ApprovalFilter{Status: approval.Status(status), Depot: q.Get("depot")})
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, list("approvals", reqs))
}

// getApproval returns one request.
func (h *handler) getApproval(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ID(r, "id")
	if err == nil {
		var a approval.Request
		if a, err = h.ops.Approval(r.Context(), actor(r), id); err == nil {
			h.json(w, r, http.StatusOK, a)
			return
		}
	}
	h.error(w, r, err)
}

// decisionRequest is the body of a decision: a remark, or the reason of a
// rejection (required).
type decisionRequest struct {
	Note string `json:"note,omitempty"`
}

// decide serves approve, reject and withdraw.
func (h *handler) decide(d ops.Decision) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := httpx.ID(r, "id")
		if err != nil {
			h.error(w, r, err)
			return
		}
		var req decisionRequest
		if err := h.decodeOptional(w, r, &req); err != nil {
			h.error(w, r, err)
			return
		}
		a, err := h.ops.DecideApproval(r.Context(), actor(r), id, d, req.Note)
		if err != nil {
			h.error(w, r, err)
			return
		}
		h.json(w, r, http.StatusOK, a)
	}
}

// relocateRequest is the body of POST /api/lots/{code}/relocate.
type relocateRequest struct {
	Depot    string `json:"depot"`
	Location string `json:"location"` // "" clears it
}

// relocate moves a lot to another storage location inside a depot.
func (h *handler) relocate(w http.ResponseWriter, r *http.Request) {
	var req relocateRequest
	if err := h.decode(w, r, &req); err != nil {
		h.error(w, r, err)
		return
	}
	if err := h.ops.Relocate(r.Context(), actor(r), req.Depot, r.PathValue("code"), req.Location); err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, req)
}

// inbox answers what waits for the caller (待办).
func (h *handler) inbox(w http.ResponseWriter, r *http.Request) {
	b, err := h.ops.Inbox(r.Context(), actor(r))
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, b)
}
