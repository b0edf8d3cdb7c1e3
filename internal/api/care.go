package api

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/care"
	"github.com/stockpile-dev/stockpile/internal/httpx"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// The care of stock in store (docs/care.md): care schedules, the rounds
// due and done, rotation plans and the capacity reminders.

// scheduleRequest is the body of POST /api/care/schedules and PUT
// /api/care/schedules/{code}: a schedule without the fields the server
// sets (created_by, created_at, retired_at), which are refused as unknown
// fields. An edit names the version it was based on.
type scheduleRequest struct {
	Code         string    `json:"code"`
	Kind         care.Kind `json:"kind"`
	Category     string    `json:"category"`
	IntervalDays int       `json:"interval_days"`
	NameZH       string    `json:"name_zh"`
	NameEN       string    `json:"name_en"`
	Guide        string    `json:"guide"`
	Version      int64     `json:"version,omitempty"`
}

func (q scheduleRequest) schedule() care.Schedule {
	return care.Schedule{Code: q.Code, Kind: q.Kind, Category: q.Category, IntervalDays: q.IntervalDays, NameZH: q.NameZH,
		NameEN: q.NameEN, Guide: q.Guide, Version: q.Version}
}

// listCareSchedules lists the care schedules in use (?retired=true: retired
// ones too; only: retired ones only).
func (h *handler) listCareSchedules(w http.ResponseWriter, r *http.Request) {
	ret, err := retirement(r)
	if err != nil {
		h.error(w, r, err)
		return
	}
	scheds, err := h.ops.CareSchedules(r.Context(), actor(r), ret)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, list("schedules", scheds))
}

// createCareSchedule adds a care schedule.
func (h *handler) createCareSchedule(w http.ResponseWriter, r *http.Request) {
	var req scheduleRequest
	if err := h.decode(w, r, &req); err != nil {
		h.error(w, r, err)
		return
	}
	c, err := h.ops.CreateCareSchedule(r.Context(), actor(r), req.schedule())
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.created(w, r, locationOf("care/schedules", c.Code), c)
}

// updateCareSchedule changes the care schedule of the path's code.
func (h *handler) updateCareSchedule(w http.ResponseWriter, r *http.Request) {
	var req scheduleRequest
	if err := h.decodeEdit(w, r, &req, &req.Code); err != nil {
		h.error(w, r, err)
		return
	}
	c, err := h.ops.UpdateCareSchedule(r.Context(), actor(r), req.schedule())
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, c)
}

// DefaultCareWindow is how many days ahead GET /api/care/due looks when
// ?within= is not given.
const DefaultCareWindow = 30

// careDue lists the rounds of care due within ?within= days (default
// DefaultCareWindow, 0 today and overdue only), at ?depot= or every depot
// in view.
func (h *handler) careDue(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	within, err := httpx.Int(q, "within", 0, care.MaxIntervalDays)
	if err != nil {
		h.error(w, r, err)
		return
	}
	if strings.TrimSpace(q.Get("within")) == "" {
		within = DefaultCareWindow
	}
	rows, err := h.ops.CareDue(r.Context(), actor(r), q.Get("depot"), int(within))
	if err != nil {
		h.error(w, r, depotParam(err))
		return
	}
	h.json(w, r, http.StatusOK, list("due", rows))
}

// recordRequest is the body of POST /api/care/records; the server sets
// who recorded it and when.
type recordRequest struct {
	Schedule string       `json:"schedule"`
	Depot    string       `json:"depot"`
	Item     string       `json:"item"`
	DoneOn   string       `json:"done_on"`
	Outcome  care.Outcome `json:"outcome"`
	Findings string       `json:"findings,omitempty"`
}

// createCareRecord records a round of inspection or maintenance done.
func (h *handler) createCareRecord(w http.ResponseWriter, r *http.Request) {
	var req recordRequest
	if err := h.decode(w, r, &req); err != nil {
		h.error(w, r, err)
		return
	}
	rec, err := h.ops.RecordCare(r.Context(), actor(r), care.Record{Schedule: req.Schedule, Depot: req.Depot, Item: req.Item,
		DoneOn: req.DoneOn, Outcome: req.Outcome, Findings: req.Findings})
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.created(w, r, "/api/care/records?depot="+url.QueryEscape(rec.Depot)+"&item="+url.QueryEscape(rec.Item), rec)
}

// listCareRecords lists records of rounds done, latest first, of ?depot=,
// ?item= and ?schedule=, at most ?limit= (default 100).
func (h *handler) listCareRecords(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, err := httpx.Int(q, "limit", 1, 1000)
	if err != nil {
		h.error(w, r, err)
		return
	}
	recs, err := h.ops.CareRecords(r.Context(), actor(r), store.CareRecordFilter{Depot: q.Get("depot"), Item: q.Get("item"),
		Schedule: q.Get("schedule"), Limit: int(limit)})
	if err != nil {
		h.error(w, r, depotParam(err))
		return
	}
	h.json(w, r, http.StatusOK, list("records", recs))
}

// rotationRequest is the body of POST /api/rotations: a plan without the
// fields the server sets (id, status, expires_on, created_by, created_at,
// done_by, done_at, posting_id), which are refused as unknown fields.
type rotationRequest struct {
	Depot     string         `json:"depot"`
	Lot       string         `json:"lot"`
	Item      string         `json:"item,omitempty"`
	Quantity  stock.Quantity `json:"quantity"`
	Method    care.Method    `json:"method"`
	ToDepot   string         `json:"to_depot,omitempty"`
	Recipient string         `json:"recipient,omitempty"`
	DueOn     string         `json:"due_on"`
	Note      string         `json:"note,omitempty"`
}

// createRotation plans a rotation.
func (h *handler) createRotation(w http.ResponseWriter, r *http.Request) {
	var req rotationRequest
	if err := h.decode(w, r, &req); err != nil {
		h.error(w, r, err)
		return
	}
	rot, err := h.ops.PlanRotation(r.Context(), actor(r), care.Rotation{Depot: req.Depot, Lot: stock.ScannedLotCode(req.Lot),
		Item: req.Item, Quantity: req.Quantity, Method: req.Method, ToDepot: req.ToDepot, Recipient: req.Recipient,
		DueOn: req.DueOn, Note: req.Note})
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.created(w, r, "/api/rotations/"+strconv.FormatInt(rot.ID, 10), rot)
}

// listRotations lists rotation plans of ?depot= (either end), ?status=
// and due by ?due_by=, at most ?limit= (default 100): planned ones soonest
// due first, the others newest first.
func (h *handler) listRotations(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	status, err := httpx.OneOf(q, "status", string(care.RotationPlanned), string(care.RotationDone),
		string(care.RotationCancelled))
	if err != nil {
		h.error(w, r, err)
		return
	}
	limit, err := httpx.Int(q, "limit", 1, 1000)
	if err != nil {
		h.error(w, r, err)
		return
	}
	dueBy, err := httpx.Date(q, "due_by")
	if err != nil {
		h.error(w, r, err)
		return
	}
	rots, err := h.ops.Rotations(r.Context(), actor(r), store.RotationFilter{Depot: q.Get("depot"),
		Status: care.RotationStatus(status), DueBy: dueBy, Limit: int(limit)})
	if err != nil {
		h.error(w, r, depotParam(err))
		return
	}
	h.json(w, r, http.StatusOK, list("rotations", rots))
}

// getRotation returns one rotation plan.
func (h *handler) getRotation(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ID(r, "id")
	if err == nil {
		var rot care.Rotation
		if rot, err = h.ops.Rotation(r.Context(), actor(r), id); err == nil {
			h.json(w, r, http.StatusOK, rot)
			return
		}
	}
	h.error(w, r, err)
}

// executeRotation carries out a planned rotation; the body is optional
// and has no fields.
func (h *handler) executeRotation(w http.ResponseWriter, r *http.Request) {
	id, err := h.actionRequest(w, r)
	if err == nil {
		var rot care.Rotation
		if rot, err = h.ops.ExecuteRotation(r.Context(), actor(r), id); err == nil {
			h.json(w, r, http.StatusOK, rot)
			return
		}
	}
	h.error(w, r, err)
}

// cancelRotation cancels a planned rotation; the body is optional and has
// no fields.
func (h *handler) cancelRotation(w http.ResponseWriter, r *http.Request) {
	id, err := h.actionRequest(w, r)
	if err == nil {
		var rot care.Rotation
		if rot, err = h.ops.CancelRotation(r.Context(), actor(r), id); err == nil {
			h.json(w, r, http.StatusOK, rot)
			return
		}
	}
	h.error(w, r, err)
}

// rotationCandidates lists the lots worth rotating now, at ?depot= or
// every depot in view.
func (h *handler) rotationCandidates(w http.ResponseWriter, r *http.Request) {
	cs, err := h.ops.RotationCandidates(r.Context(), actor(r), r.URL.Query().Get("depot"))
	if err != nil {
		h.error(w, r, depotParam(err))
		return
	}
	h.json(w, r, http.StatusOK, list("candidates", cs))
}

// depotParam reports a depot that the ?depot= of a list names but that
// does not exist, or lies outside the principal's view, against the
// parameter; other errors pass as they are.
func depotParam(err error) error {
	if apperr.CodeOf(err) == "depot.not_found" {
		return withField(err, "depot")
	}
	return err
}

// depotFill lists how full the depots in view are, fullest first; with
// ?level=near_full (or full) only those at that level or fuller.
func (h *handler) depotFill(w http.ResponseWriter, r *http.Request) {
	level, err := httpx.OneOf(r.URL.Query(), "level", string(care.LevelNearFull), string(care.LevelFull))
	if err != nil {
		h.error(w, r, err)
		return
	}
	fill, err := h.ops.DepotFill(r.Context(), actor(r), care.Level(level))
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, map[string]any{"depots": fill, "count": len(fill),
		"near_full_share": care.NearFullShare, "full_share": care.FullShare})
}
