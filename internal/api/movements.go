package api

import (
	"net/http"
	"strconv"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/httpx"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// maxMovementsPage is the largest page of GET /api/movements.
const maxMovementsPage = 20000

// postingRequest is the body of POST /api/movements: a posting without
// its actor, which is the request's principal.
type postingRequest struct {
	IdempotencyKey string       `json:"idempotency_key,omitempty"`
	Reason         string       `json:"reason"`
	Lines          []stock.Line `json:"lines"`
}

// createPosting posts a document of movement lines to the ledger, all or
// nothing. The idempotency key comes from the body or the Idempotency-Key
// header; a retry with the same key and body answers 200 with the stored
// result instead of 201.
func (h *handler) createPosting(w http.ResponseWriter, r *http.Request) {
	p, err := h.readPosting(w, r)
	if err != nil {
		h.error(w, r, err)
		return
	}
	res, err := h.ops.Post(r.Context(), actor(r), p)
	if err != nil {
		h.error(w, r, err)
		return
	}
	status := http.StatusCreated
	if res.Replayed {
		status = http.StatusOK
	}
	w.Header().Set("Location", "/api/postings/"+strconv.FormatInt(res.ID, 10))
	h.json(w, r, status, res)
}

// readPosting reads a posting request's body and idempotency key.
func (h *handler) readPosting(w http.ResponseWriter, r *http.Request) (stock.Posting, error) {
	var req postingRequest
	if err := h.decode(w, r, &req); err != nil {
		return stock.Posting{}, err
	}
	key, err := idempotencyKey(r, req.IdempotencyKey)
	return stock.Posting{IdempotencyKey: key, Reason: req.Reason, Lines: req.Lines}, err
}

// idempotencyKey is a request's idempotency key: the Idempotency-Key
// header, or the body's idempotency_key; both may be given if they agree.
func idempotencyKey(r *http.Request, inBody string) (string, error) {
	key := r.Header.Get("Idempotency-Key")
	switch {
	case key == "":
		return inBody, nil
	case inBody != "" && inBody != key:
		return "", apperr.New(apperr.Invalid, "idempotency.key_mismatch",
			"请求头 Idempotency-Key「%s」与请求体中的 idempotency_key「%s」不一致",
			"the Idempotency-Key header %q differs from idempotency_key %q in the body",
			key, inBody).WithField("idempotency_key")
	}
	return key, nil
}

// movementPage is a page of ledger entries. NextAfter is the sequence
// number to pass as ?after= for the next page (or, on the last page, to
// poll for new entries); More says whether the page was full.
type movementPage struct {
	Entries   []stock.Entry `json:"entries"`
	Count     int           `json:"count"`
	NextAfter int64         `json:"next_after"`
	More      bool          `json:"more"`
}

// listMovements lists ledger entries in chain order, a page at a time.
func (h *handler) listMovements(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	posting, err := httpx.Int(q, "posting", 1, 1<<62)
	if err != nil {
		h.error(w, r, err)
		return
	}
	after, err := httpx.Int(q, "after", 0, 1<<62)
	if err != nil {
		h.error(w, r, err)
		return
	}
	limit, err := httpx.Int(q, "limit", 1, maxMovementsPage)
	if err != nil {
		h.error(w, r, err)
		return
	}
	if limit == 0 {
		limit = 100
	}
	entries, err := h.store.Movements(r.Context(), store.MovementFilter{Depot: q.Get("depot"), Lot: q.Get("lot"),
		Item: q.Get("item"), Posting: posting, AfterSeq: after, Limit: int(limit), View: stockView(r)})
	if err != nil {
		h.error(w, r, err)
		return
	}
	page := movementPage{Entries: entries, Count: len(entries), NextAfter: after, More: len(entries) == int(limit)}
	if len(entries) > 0 {
		page.NextAfter = entries[len(entries)-1].Seq
	}
	h.json(w, r, http.StatusOK, page)
}

// getPosting returns a stored posting and its ledger entries.
func (h *handler) getPosting(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ID(r, "id")
	if err != nil {
		h.error(w, r, err)
		return
	}
	res, err := h.store.Posting(r.Context(), id)
	if err == nil {
		err = h.visiblePosting(r, res)
	}
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, res)
}

// verifyLedger checks the hash chain and every balance. It answers 200
// whatever it finds; the report's ok field says whether the ledger holds.
func (h *handler) verifyLedger(w http.ResponseWriter, r *http.Request) {
	rep, err := h.store.Verify(r.Context(), nil)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, rep)
}

// visiblePosting is nil when the actor may see a depot the posting moved
// stock in, and the posting's not-found error otherwise.
func (h *handler) visiblePosting(r *http.Request, res store.PostingResult) error {
	view := stockView(r)
	for _, e := range res.Entries {
		if h.store.CheckVisible(r.Context(), view, "depot", e.DepotCode) == nil {
			return nil
		}
	}
	if view.All {
		return nil
	}
	return apperr.NotFoundf("posting", "单据", strconv.FormatInt(res.ID, 10))
}
