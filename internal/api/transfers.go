package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/transfer"
)

// transferRequest is the body of POST /api/transfers: a transfer order
// without the fields the server sets (id, status, created_at, posting_id),
// which are refused as unknown fields.
type transferRequest struct {
	Reason    string          `json:"reason"`
	Origin    string          `json:"origin,omitempty"`
	CreatedBy string          `json:"created_by"`
	Lines     []transfer.Line `json:"lines"`
}

// createTransfer stores a transfer order with its units reserved at the
// source depots.
func (h *handler) createTransfer(w http.ResponseWriter, r *http.Request) {
	var req transferRequest
	if err := h.decode(w, r, &req); err != nil {
		h.error(w, r, err)
		return
	}
	o, err := h.store.CreateTransferOrder(r.Context(), transfer.Order{Reason: req.Reason, Origin: req.Origin,
		CreatedBy: req.CreatedBy, Lines: req.Lines})
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.created(w, r, "/api/transfers/"+strconv.FormatInt(o.ID, 10), o)
}

// listTransfers lists transfer orders with their lines, newest first, of
// an optional ?status=, at most ?limit= (default 100).
func (h *handler) listTransfers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	status, err := oneOfParam(q, "status", string(transfer.StatusOrdered), string(transfer.StatusExecuted),
		string(transfer.StatusCancelled))
	if err != nil {
		h.error(w, r, err)
		return
	}
	limit, err := intParam(q, "limit", 1, 1000)
	if err != nil {
		h.error(w, r, err)
		return
	}
	orders, err := h.store.TransferOrders(r.Context(), status, int(limit))
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, list("transfers", orders))
}

// getTransfer returns one transfer order.
func (h *handler) getTransfer(w http.ResponseWriter, r *http.Request) {
	id, err := planID(r) // any positive {id}
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
type transferStep func(s *store.Store, ctx context.Context, id int64, actor string) (transfer.Order, error)

// transferAction serves execute and cancel. The body, {"actor": …}, is
// optional, as for plan actions.
func (h *handler) transferAction(step transferStep) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, actor, err := h.planActionRequest(w, r)
		if err != nil {
			h.error(w, r, err)
			return
		}
		o, err := step(h.store, r.Context(), id, actor)
		if err != nil {
			h.error(w, r, err)
			return
		}
		h.json(w, r, http.StatusOK, o)
	}
}
