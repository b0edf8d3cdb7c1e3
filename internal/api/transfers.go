package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/httpx"
	"github.com/stockpile-dev/stockpile/internal/ops"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/transfer"
)

// transferRequest is the body of POST /api/transfers: a transfer order
// without the fields the server sets (id, status, created_by, created_at,
// posting_id), which are refused as unknown fields.
type transferRequest struct {
	Reason string          `json:"reason"`
	Origin string          `json:"origin,omitempty"`
	Lines  []transfer.Line `json:"lines"`
}

// createTransfer stores a transfer order with its units reserved at the
// source depots.
func (h *handler) createTransfer(w http.ResponseWriter, r *http.Request) {
	var req transferRequest
	if err := h.decode(w, r, &req); err != nil {
		h.error(w, r, err)
		return
	}
	o, err := h.ops.CreateTransfer(r.Context(), actor(r), transfer.Order{Reason: req.Reason, Origin: req.Origin,
		Lines: req.Lines})
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.created(w, r, "/api/transfers/"+strconv.FormatInt(o.ID, 10), o)
}

// listTransfers lists transfer orders with their lines, newest first, of
// an optional ?status=, ?kind= and ?plan=, at most ?limit= (default 100).
func (h *handler) listTransfers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var f store.TransferFilter
	var err error
	var limit, plan int64
	if f.Status, err = httpx.OneOf(q, "status", string(transfer.StatusOrdered), string(transfer.StatusExecuted),
		string(transfer.StatusCancelled)); err == nil {
		if f.Kind, err = httpx.OneOf(q, "kind", string(transfer.KindTransfer), string(transfer.KindDispatch)); err == nil {
			if limit, err = httpx.Int(q, "limit", 1, 1000); err == nil {
				plan, err = httpx.Int(q, "plan", 1, 1<<62)
			}
		}
	}
	if err != nil {
		h.error(w, r, err)
		return
	}
	f.Limit, f.PlanID = int(limit), plan
	orders, err := h.store.TransferOrders(r.Context(), f)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, list("transfers", orders))
}

// getTransfer returns one transfer order.
func (h *handler) getTransfer(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ID(r, "id") // any positive {id}
	if err == nil {
		var o transfer.Order
		if o, err = h.store.TransferOrder(r.Context(), id); err == nil {
			h.json(w, r, http.StatusOK, o)
			return
		}
	}
	h.error(w, r, err)
}

// transferStep is a step of a stored transfer order.
type transferStep func(svc *ops.Service, ctx context.Context, who access.Actor, id int64) (transfer.Order, error)

// transferAction serves execute and cancel. The body is optional and has
// no fields, as for plan actions.
func (h *handler) transferAction(step transferStep) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := h.actionRequest(w, r)
		if err != nil {
			h.error(w, r, err)
			return
		}
		o, err := step(h.ops, r.Context(), actor(r), id)
		if err != nil {
			h.error(w, r, err)
			return
		}
		h.json(w, r, http.StatusOK, o)
	}
}
