package api

import (
	"net/http"
	"strconv"

	"github.com/stockpile-dev/stockpile/internal/donation"
	"github.com/stockpile-dev/stockpile/internal/httpx"
	"github.com/stockpile-dev/stockpile/internal/purchase"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// donationRequest is the body of POST /api/donations.
type donationRequest struct {
	Donor          string             `json:"donor"`
	DonorKind      donation.DonorKind `json:"donor_kind"`
	Contact        string             `json:"contact"`
	Anonymous      bool               `json:"anonymous"`
	Depot          string             `json:"depot"`
	Restriction    stock.Restriction  `json:"restriction"`
	Note           string             `json:"note"`
	IdempotencyKey string             `json:"idempotency_key"`
	Lines          []donation.Line    `json:"lines"`
}

// receiveDonation records a donation's intake: 201, or 200 for the same
// intake sent again under its idempotency key.
func (h *handler) receiveDonation(w http.ResponseWriter, r *http.Request) {
	var req donationRequest
	err := h.decode(w, r, &req)
	if err == nil {
		req.IdempotencyKey, err = idempotencyKey(r, req.IdempotencyKey)
	}
	if err != nil {
		h.error(w, r, err)
		return
	}
	for i := range req.Lines {
		req.Lines[i].Lot = "" // the server's to set
	}
	d, replayed, err := h.ops.ReceiveDonation(r.Context(), actor(r), donation.Donation{Donor: req.Donor, DonorKind: req.DonorKind,
		Contact: req.Contact, Anonymous: req.Anonymous, Depot: req.Depot, Restriction: req.Restriction, Note: req.Note,
		IdempotencyKey: req.IdempotencyKey, Lines: req.Lines})
	if err != nil {
		h.error(w, r, err)
		return
	}
	if replayed {
		h.json(w, r, http.StatusOK, d)
		return
	}
	h.created(w, r, "/api/donations/"+strconv.FormatInt(d.ID, 10), d)
}

func (h *handler) listDonations(w http.ResponseWriter, r *http.Request) {
	limit, err := httpx.Int(r.URL.Query(), "limit", 1, 1000)
	if err != nil {
		h.error(w, r, err)
		return
	}
	out, err := h.ops.Donations(r.Context(), actor(r), r.URL.Query().Get("depot"), int(limit))
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, list("donations", out))
}

func (h *handler) getDonation(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ID(r, "id")
	var d donation.Donation
	if err == nil {
		d, err = h.ops.Donation(r.Context(), actor(r), id)
	}
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, d)
}

// donationMatches lists the open needs a donation may meet.
func (h *handler) donationMatches(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ID(r, "id")
	var out []donation.Match
	if err == nil {
		out, err = h.ops.DonationMatches(r.Context(), actor(r), id)
	}
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, list("matches", out))
}

// donationReport is the public report (捐赠公示): no sign-in needed.
func (h *handler) donationReport(w http.ResponseWriter, r *http.Request) {
	limit, err := httpx.Int(r.URL.Query(), "limit", 1, 500)
	if err != nil {
		h.error(w, r, err)
		return
	}
	out, err := h.store.DonationsReport(r.Context(), int(limit))
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, list("donations", out))
}

// callOffRequest is the body of POST /api/purchases.
type callOffRequest struct {
	Agreement      string         `json:"agreement"`
	Depot          string         `json:"depot"`
	Quantity       stock.Quantity `json:"quantity"`
	DueAt          int64          `json:"due_at"`
	Note           string         `json:"note"`
	IdempotencyKey string         `json:"idempotency_key"`
}

func (h *handler) createCallOff(w http.ResponseWriter, r *http.Request) {
	var req callOffRequest
	err := h.decode(w, r, &req)
	if err == nil {
		req.IdempotencyKey, err = idempotencyKey(r, req.IdempotencyKey)
	}
	if err != nil {
		h.error(w, r, err)
		return
	}
	c, err := h.ops.CreateCallOff(r.Context(), actor(r), purchase.CallOff{Agreement: req.Agreement, Depot: req.Depot,
		Quantity: req.Quantity, DueAt: req.DueAt, Note: req.Note, IdempotencyKey: req.IdempotencyKey})
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.created(w, r, "/api/purchases/"+strconv.FormatInt(c.ID, 10), c)
}

func (h *handler) listCallOffs(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	status, err := httpx.OneOf(q, "status", string(purchase.StatusOrdered), string(purchase.StatusReceived),
		string(purchase.StatusCancelled))
	var limit int64
	if err == nil {
		limit, err = httpx.Int(q, "limit", 1, 1000)
	}
	if err != nil {
		h.error(w, r, err)
		return
	}
	out, err := h.store.CallOffs(r.Context(), stockView(r), status, int(limit))
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, list("purchases", out))
}

func (h *handler) getCallOff(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ID(r, "id")
	var c purchase.CallOff
	if err == nil {
		c, err = h.store.CallOff(r.Context(), id)
	}
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, c)
}

func (h *handler) receiveCallOff(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ID(r, "id")
	var d purchase.Delivery
	if err == nil {
		err = h.decode(w, r, &d)
	}
	var c purchase.CallOff
	if err == nil {
		c, err = h.ops.ReceiveCallOff(r.Context(), actor(r), id, d)
	}
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, c)
}

func (h *handler) cancelCallOff(w http.ResponseWriter, r *http.Request) {
	id, err := h.actionRequest(w, r)
	var c purchase.CallOff
	if err == nil {
		c, err = h.ops.CancelCallOff(r.Context(), actor(r), id)
	}
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, c)
}
