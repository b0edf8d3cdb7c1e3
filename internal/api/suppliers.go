package api

import (
	"net/http"
	"strconv"

	"github.com/stockpile-dev/stockpile/internal/httpx"
	"github.com/stockpile-dev/stockpile/internal/money"
	"github.com/stockpile-dev/stockpile/internal/requisition"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/supplier"
)

// The directory of qualified suppliers (合格供应商名录), emergency
// requisitions of private goods (紧急征用) and what an incident cost
// (事件物资成本): BRIEF C4 and C11.

// supplierRequest is the body of POST /api/suppliers and PUT
// /api/suppliers/{code}: an entry without the fields the server sets
// (names, created_*, updated_*, standing), which are refused as unknown
// fields. A new entry may name its status (qualified when left out; a
// reason is required otherwise); an edit keeps it, and names the version
// it was based on.
type supplierRequest struct {
	Org            string                   `json:"org"`
	Contacts       []supplier.Contact       `json:"contacts"`
	Qualifications []supplier.Qualification `json:"qualifications"`
	Categories     []string                 `json:"categories"`
	Status         supplier.Status          `json:"status,omitempty"`
	Reason         string                   `json:"reason,omitempty"`
	Note           string                   `json:"note,omitempty"`
	Version        int64                    `json:"version,omitempty"`
}

func (q supplierRequest) supplier() supplier.Supplier {
	return supplier.Supplier{Org: q.Org, Contacts: q.Contacts, Qualifications: q.Qualifications, Categories: q.Categories,
		Status: q.Status, Reason: q.Reason, Note: q.Note, Version: q.Version}
}

// listSuppliers lists the directory: ?category= (a category or item code:
// suppliers of anything in it), ?status=, ?expiring_within=N (those with
// a qualification expiring within N days), ?expired=true (those whose
// every qualification has expired), at most ?limit= (default 500). Each
// entry carries its standing today; ?expiring_within= (default 30) is the
// window of its list of qualifications about to expire.
func (h *handler) listSuppliers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	status, err := httpx.OneOf(q, "status", string(supplier.Qualified), string(supplier.Suspended), string(supplier.Removed))
	if err != nil {
		h.error(w, r, err)
		return
	}
	within, err := httpx.Int(q, "expiring_within", 0, supplier.MaxWithinDays)
	if err != nil {
		h.error(w, r, err)
		return
	}
	expired, err := httpx.OneOf(q, "expired", "true", "false")
	if err != nil {
		h.error(w, r, err)
		return
	}
	limit, err := httpx.Int(q, "limit", 1, 1000)
	if err != nil {
		h.error(w, r, err)
		return
	}
	f := store.SupplierFilter{Category: q.Get("category"), Status: supplier.Status(status),
		Expiring: q.Get("expiring_within") != "", Expired: expired == "true", WithinDays: int(within), Limit: int(limit)}
	xs, err := h.ops.Suppliers(r.Context(), actor(r), f)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, list("suppliers", xs))
}

// getSupplier returns the directory entry of the path's organisation.
func (h *handler) getSupplier(w http.ResponseWriter, r *http.Request) {
	x, err := h.ops.Supplier(r.Context(), actor(r), r.PathValue("code"))
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, x)
}

// createSupplier adds an enterprise to the directory.
func (h *handler) createSupplier(w http.ResponseWriter, r *http.Request) {
	var req supplierRequest
	if err := h.decode(w, r, &req); err != nil {
		h.error(w, r, err)
		return
	}
	x, err := h.ops.CreateSupplier(r.Context(), actor(r), req.supplier())
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.created(w, r, locationOf("suppliers", x.Org), x)
}

// updateSupplier changes the entry of the path's organisation.
func (h *handler) updateSupplier(w http.ResponseWriter, r *http.Request) {
	var req supplierRequest
	if err := h.decodeEdit(w, r, &req, &req.Org); err != nil {
		h.error(w, r, err)
		return
	}
	x, err := h.ops.UpdateSupplier(r.Context(), actor(r), req.supplier())
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, x)
}

// supplierStepRequest is the body of POST /api/suppliers/{code}/suspend,
// /reinstate and /remove: why (required to suspend or remove), and
// optionally the version the step was based on.
type supplierStepRequest struct {
	Reason  string `json:"reason,omitempty"`
	Version int64  `json:"version,omitempty"`
}

// supplierStep serves suspend, reinstate and remove.
func (h *handler) supplierStep(step supplier.Step) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req supplierStepRequest
		if err := h.decodeOptional(w, r, &req); err != nil {
			h.error(w, r, err)
			return
		}
		x, err := h.ops.SetSupplierStatus(r.Context(), actor(r), r.PathValue("code"), step, req.Reason, req.Version)
		if err != nil {
			h.error(w, r, err)
			return
		}
		h.json(w, r, http.StatusOK, x)
	}
}

// requisitionRequest is the body of POST /api/requisitions: a
// requisition without the fields the server sets (id, status, value,
// the steps' fields, created_*, updated_*, version), which are refused as
// unknown fields. The idempotency key is optional: with one, a retry is
// recorded once.
type requisitionRequest struct {
	Incident        string                   `json:"incident"`
	Area            string                   `json:"area"`
	Owner           requisition.Owner        `json:"owner"`
	Lines           []requisitionLineRequest `json:"lines"`
	Reason          string                   `json:"reason"`
	Place           string                   `json:"place"`
	RequisitionedAt int64                    `json:"requisitioned_at,omitempty"`
	IdempotencyKey  string                   `json:"idempotency_key,omitempty"`
}

// requisitionLineRequest is one line of a requisitionRequest.
type requisitionLineRequest struct {
	Description string         `json:"description"`
	Item        string         `json:"item,omitempty"`
	Quantity    stock.Quantity `json:"quantity"`
	Unit        string         `json:"unit"`
	Value       money.Fen      `json:"value_yuan"`
}

func (q requisitionRequest) requisition() requisition.Requisition {
	x := requisition.Requisition{Incident: q.Incident, Area: q.Area, Owner: q.Owner, Reason: q.Reason, Place: q.Place,
		RequisitionedAt: q.RequisitionedAt}
	for _, l := range q.Lines {
		x.Lines = append(x.Lines, requisition.Line{Description: l.Description, Item: l.Item, Quantity: l.Quantity,
			Unit: l.Unit, Value: l.Value})
	}
	return x
}

// createRequisition records a requisition; a retry under the same
// idempotency key answers 200 with the one recorded the first time.
func (h *handler) createRequisition(w http.ResponseWriter, r *http.Request) {
	var req requisitionRequest
	if err := h.decode(w, r, &req); err != nil {
		h.error(w, r, err)
		return
	}
	x, replayed, err := h.ops.CreateRequisition(r.Context(), actor(r), req.requisition(), req.IdempotencyKey)
	switch {
	case err != nil:
		h.error(w, r, err)
	case replayed:
		h.json(w, r, http.StatusOK, x)
	default:
		h.created(w, r, "/api/requisitions/"+strconv.FormatInt(x.ID, 10), x)
	}
}

// listRequisitions lists requisitions of ?incident=, ?status= and ?area=
// (its subtree), newest first, at most ?limit= (default 200).
func (h *handler) listRequisitions(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var statuses []string
	for _, s := range requisition.Statuses {
		statuses = append(statuses, string(s))
	}
	status, err := httpx.OneOf(q, "status", statuses...)
	if err != nil {
		h.error(w, r, err)
		return
	}
	limit, err := httpx.Int(q, "limit", 1, 1000)
	if err != nil {
		h.error(w, r, err)
		return
	}
	xs, err := h.ops.Requisitions(r.Context(), actor(r), store.RequisitionFilter{Incident: q.Get("incident"),
		Status: requisition.Status(status), Area: q.Get("area"), Limit: int(limit)})
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, list("requisitions", xs))
}

// requisitionTotals sums the requisitions of each incident, or of
// ?incident=.
func (h *handler) requisitionTotals(w http.ResponseWriter, r *http.Request) {
	ts, err := h.ops.RequisitionTotals(r.Context(), actor(r), r.URL.Query().Get("incident"))
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, list("totals", ts))
}

// getRequisition returns one requisition.
func (h *handler) getRequisition(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ID(r, "id")
	if err == nil {
		var x requisition.Requisition
		if x, err = h.ops.Requisition(r.Context(), actor(r), id); err == nil {
			h.json(w, r, http.StatusOK, x)
			return
		}
	}
	h.error(w, r, err)
}

// The bodies of POST /api/requisitions/{id}/return, /assess, /pay and
// /cancel: what each step records (requisition.Act); a field of another
// step is refused as unknown.
type (
	returnRequest struct {
		At    int64                    `json:"at,omitempty"`
		Lines []requisition.ReturnLine `json:"lines"`
		Note  string                   `json:"note,omitempty"`
	}
	assessRequest struct {
		Amount *money.Fen `json:"amount_yuan"`
		Basis  string     `json:"basis"`
	}
	payRequest struct {
		At      int64  `json:"at,omitempty"`
		Voucher string `json:"voucher"`
	}
	cancelRequest struct {
		Reason string `json:"reason"`
	}
)

// requisitionStep serves return, assess, pay and cancel.
func (h *handler) requisitionStep(step requisition.Step) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := httpx.ID(r, "id")
		if err != nil {
			h.error(w, r, err)
			return
		}
		a := requisition.Act{Step: step}
		switch step {
		case requisition.StepReturn:
			var q returnRequest
			err = h.decode(w, r, &q)
			a.At, a.Lines, a.Note = q.At, q.Lines, q.Note
		case requisition.StepAssess:
			var q assessRequest
			err = h.decode(w, r, &q)
			a.Amount, a.Basis = q.Amount, q.Basis
		case requisition.StepPay:
			var q payRequest
			err = h.decode(w, r, &q)
			a.At, a.Voucher = q.At, q.Voucher
		case requisition.StepCancel:
			var q cancelRequest
			err = h.decode(w, r, &q)
			a.Reason = q.Reason
		}
		if err != nil {
			h.error(w, r, err)
			return
		}
		x, err := h.ops.ActOnRequisition(r.Context(), actor(r), id, a)
		if err != nil {
			h.error(w, r, err)
			return
		}
		h.json(w, r, http.StatusOK, x)
	}
}

// incidentCost is what the path's incident used, at the readiness price
// list's unit prices, with its requisitions' compensation.
func (h *handler) incidentCost(w http.ResponseWriter, r *http.Request) {
	c, err := h.ops.IncidentCost(r.Context(), actor(r), r.PathValue("code"))
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, c)
}
