package api

import (
	"net/http"
	"strconv"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/httpx"
	"github.com/stockpile-dev/stockpile/internal/ops"
)

// listIncidents lists incidents, newest first, of an optional ?status=.
func (h *handler) listIncidents(w http.ResponseWriter, r *http.Request) {
	status, err := httpx.OneOf(r.URL.Query(), "status", string(dispatch.IncidentOpen), string(dispatch.IncidentClosed))
	if err != nil {
		h.error(w, r, err)
		return
	}
	ins, err := h.store.Incidents(r.Context(), status)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, list("incidents", ins))
}

// getIncident returns one incident.
func (h *handler) getIncident(w http.ResponseWriter, r *http.Request) {
	in, err := h.store.Incident(r.Context(), r.PathValue("code"))
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, in)
}

// saveIncident creates an incident or replaces the one with its code (to
// update its sites and demands, or close it with "status": "closed").
func (h *handler) saveIncident(w http.ResponseWriter, r *http.Request) {
	var in dispatch.Incident
	if err := h.decode(w, r, &in); err != nil {
		h.error(w, r, err)
		return
	}
	in, err := h.ops.SaveIncident(r.Context(), actor(r), in)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, in)
}

// planRequest asks for a plan: over one incident given inline (stored
// with the plan), over the named incidents, or, when both are empty, over
// every open incident.
type planRequest struct {
	Incident  *dispatch.Incident `json:"incident,omitempty"`
	Incidents []string           `json:"incidents,omitempty"`
}

// createPlan computes and stores a plan.
func (h *handler) createPlan(w http.ResponseWriter, r *http.Request) {
	var req planRequest
	if err := h.decode(w, r, &req); err != nil {
		h.error(w, r, err)
		return
	}
	pr := ops.PlanRequest{Codes: req.Incidents}
	if req.Incident != nil {
		pr.New = []dispatch.Incident{*req.Incident}
	}
	p, err := h.ops.CreatePlan(r.Context(), actor(r), pr)
	if err != nil {
		if req.Incident != nil {
			err = apperr.Rebase(err, "incidents[0]", "incident")
		}
		h.error(w, r, err)
		return
	}
	h.created(w, r, "/api/plans/"+strconv.FormatInt(p.ID, 10), p)
}

// listPlans lists plans, newest first, of an optional ?status=.
func (h *handler) listPlans(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	status, err := httpx.OneOf(q, "status", string(dispatch.PlanProposed), string(dispatch.PlanApproved),
		string(dispatch.PlanExecuted), string(dispatch.PlanCancelled), string(dispatch.PlanSuperseded))
	if err != nil {
		h.error(w, r, err)
		return
	}
	ps, err := h.store.Plans(r.Context(), status, 100)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, list("plans", ps))
}

// getPlan returns one plan with its lines and coverage.
func (h *handler) getPlan(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ID(r, "id")
	if err == nil {
		var p dispatch.Plan
		if p, err = h.store.Plan(r.Context(), id); err == nil {
			h.json(w, r, http.StatusOK, p)
			return
		}
	}
	h.error(w, r, err)
}

// actionRequest reads the {id} of an action route and its optional body,
// which has no fields: whoever acts is the request's principal. A body
// that tries to name someone else ("actor") is refused as an unknown
// field.
func (h *handler) actionRequest(w http.ResponseWriter, r *http.Request) (int64, error) {
	id, err := httpx.ID(r, "id")
	if err != nil {
		return 0, err
	}
	return id, h.decodeOptional(w, r, &struct{}{})
}

// planAction serves approve, cancel, execute and recompute. Recompute
// answers 201 with the new plan, which supersedes the old one.
func (h *handler) planAction(a dispatch.Action) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := h.actionRequest(w, r)
		if err != nil {
			h.error(w, r, err)
			return
		}
		p, err := h.ops.ActOnPlan(r.Context(), actor(r), id, a)
		switch {
		case err != nil:
			h.error(w, r, err)
		case a == dispatch.ActRecompute:
			h.created(w, r, "/api/plans/"+strconv.FormatInt(p.ID, 10), p)
		default:
			h.json(w, r, http.StatusOK, p)
		}
	}
}
