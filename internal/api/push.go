package api

import (
	"net/http"

	"github.com/stockpile-dev/stockpile/internal/ops"
)

// pushRequest is the body of POST /api/upserts/{kind}.
type pushRequest struct {
	IdempotencyKey string           `json:"idempotency_key,omitempty"`
	Rows           []map[string]any `json:"rows"`
}

// pushResult is the import a push made, and whether it is the answer to
// an earlier request under the same key.
type pushResult struct {
	ops.Import
	Replayed bool `json:"replayed"`
}

// pushRows upserts rows another system pushes, as an import of kind
// previewed and committed in one request (ops.PushRows): 201 with the
// import, 200 with the first answer for a retry under the same
// idempotency key (body or Idempotency-Key header), 400 import.has_problems
// with every row's problems and nothing written.
func (h *handler) pushRows(w http.ResponseWriter, r *http.Request) {
	var req pushRequest
	if err := h.decode(w, r, &req); err != nil {
		h.error(w, r, err)
		return
	}
	key, err := idempotencyKey(r, req.IdempotencyKey)
	if err != nil {
		h.error(w, r, err)
		return
	}
	im, replayed, err := h.ops.PushRows(r.Context(), actor(r), r.PathValue("kind"), key, req.Rows)
	if err != nil {
		h.error(w, r, err)
		return
	}
	status := http.StatusCreated
	if replayed {
		status = http.StatusOK
	}
	w.Header().Set("Cache-Control", "no-store") // a push of users holds one-time passwords
	h.json(w, r, status, pushResult{Import: im, Replayed: replayed})
}
