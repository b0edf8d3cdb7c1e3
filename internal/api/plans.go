package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// listIncidents lists incidents, newest first, of an optional ?status=.
func (h *handler) listIncidents(w http.ResponseWriter, r *http.Request) {
	status, err := oneOfParam(r.URL.Query(), "status", string(dispatch.IncidentOpen), string(dispatch.IncidentClosed))
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
	in, err := h.store.SaveIncident(r.Context(), in)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, in)
}

// planRequest asks for a plan: over one incident given inline (stored
// first), over the named incidents, or, when both are empty, over every
// open incident.
type planRequest struct {
	Incident  *dispatch.Incident `json:"incident,omitempty"`
	Incidents []string           `json:"incidents,omitempty"`
	Actor     string             `json:"actor,omitempty"`
}

// createPlan computes and stores a plan.
func (h *handler) createPlan(w http.ResponseWriter, r *http.Request) {
	var req planRequest
	if err := h.decode(w, r, &req); err != nil {
		h.error(w, r, err)
		return
	}
	incidents, err := h.planIncidents(r, req)
	if err != nil {
		h.error(w, r, err)
		return
	}
	p, err := h.planner(h.store.Inventory()).Plan(r.Context(), incidents)
	if err == nil {
		p, err = h.store.CreatePlan(r.Context(), p)
	}
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.created(w, r, "/api/plans/"+strconv.FormatInt(p.ID, 10), p)
}

// planner plans over inv with the server's router and the store's clock.
func (h *handler) planner(inv dispatch.Inventory) *dispatch.Planner {
	return &dispatch.Planner{Inventory: inv, Router: h.router, Now: h.store.Now, Costs: h.costs,
		RegionMarginKm: h.margin}
}

func (h *handler) planIncidents(r *http.Request, req planRequest) ([]dispatch.Incident, error) {
	ctx := r.Context()
	switch {
	case req.Incident != nil:
		in, err := h.store.SaveIncident(ctx, *req.Incident)
		if err != nil {
			return nil, apperr.Within("incident.", err)
		}
		return []dispatch.Incident{in}, nil
	case len(req.Incidents) > 0:
		return h.namedIncidents(r, req.Incidents)
	}
	return h.store.OpenIncidents(ctx)
}

// namedIncidents loads the named incidents, each once; a closed one cannot
// be planned for.
func (h *handler) namedIncidents(r *http.Request, codes []string) ([]dispatch.Incident, error) {
	seen := map[string]bool{}
	var out []dispatch.Incident
	for i, code := range codes {
		field := "incidents[" + strconv.Itoa(i) + "]"
		if seen[code] {
			return nil, apperr.New(apperr.Invalid, "plan.incident_repeated", "事件 %s 重复列出",
				"incident %s is listed twice", code).WithField(field)
		}
		seen[code] = true
		in, err := h.store.Incident(r.Context(), code)
		if err != nil {
			return nil, apperr.Within(field, err)
		}
		if in.Status == dispatch.IncidentClosed {
			return nil, apperr.New(apperr.Conflict, "incident.closed", "事件 %s 已结束,不再调度",
				"incident %s is closed; it is no longer planned for", code).WithField(field)
		}
		out = append(out, in)
	}
	return out, nil
}

func actorOr(actor string) string {
	if strings.TrimSpace(actor) == "" {
		return "api"
	}
	return actor
}

// listPlans lists plans, newest first, of an optional ?status=.
func (h *handler) listPlans(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	status, err := oneOfParam(q, "status", string(dispatch.PlanProposed), string(dispatch.PlanApproved),
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

func planID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, badParam("id", r.PathValue("id"), "正整数", "a positive integer")
	}
	return id, nil
}

// getPlan returns one plan with its lines and coverage.
func (h *handler) getPlan(w http.ResponseWriter, r *http.Request) {
	id, err := planID(r)
	if err == nil {
		var p dispatch.Plan
		if p, err = h.store.Plan(r.Context(), id); err == nil {
			h.json(w, r, http.StatusOK, p)
			return
		}
	}
	h.error(w, r, err)
}

// actionRequest names who acts on a plan.
type actionRequest struct {
	Actor string `json:"actor"`
}

// planActionRequest reads the plan id from the path and the actor from the
// optional body.
func (h *handler) planActionRequest(w http.ResponseWriter, r *http.Request) (int64, string, error) {
	id, err := planID(r)
	if err != nil {
		return 0, "", err
	}
	var req actionRequest
	if r.ContentLength != 0 {
		if err := h.decode(w, r, &req); err != nil {
			return 0, "", err
		}
	}
	return id, actorOr(req.Actor), nil
}

// planAction serves approve, cancel and execute.
func (h *handler) planAction(act store.PlanAction) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, actor, err := h.planActionRequest(w, r)
		if err != nil {
			h.error(w, r, err)
			return
		}
		if _, err := h.store.ActOnPlan(r.Context(), id, act, actor); err != nil {
			h.error(w, r, err)
			return
		}
		p, err := h.store.Plan(r.Context(), id)
		if err != nil {
			h.error(w, r, err)
			return
		}
		h.json(w, r, http.StatusOK, p)
	}
}

// recomputePlan plans again over the same incidents as they stand now
// (closed ones left out) and supersedes the old plan, releasing what it
// reserved.
func (h *handler) recomputePlan(w http.ResponseWriter, r *http.Request) {
	id, actor, err := h.planActionRequest(w, r)
	if err != nil {
		h.error(w, r, err)
		return
	}
	old, err := h.store.Plan(r.Context(), id)
	if err != nil {
		h.error(w, r, err)
		return
	}
	var incidents []dispatch.Incident
	for _, code := range old.Incidents {
		in, err := h.store.Incident(r.Context(), code)
		if err != nil {
			h.error(w, r, err)
			return
		}
		if in.Status != dispatch.IncidentClosed {
			incidents = append(incidents, in)
		}
	}
	if len(incidents) == 0 {
		h.error(w, r, apperr.New(apperr.Conflict, "plan.no_incidents", "方案涉及的事件均已结束",
			"every incident of the plan is closed"))
		return
	}
	p, err := h.store.ReplacePlan(r.Context(), id, actor, func(inv dispatch.Inventory) (dispatch.Plan, error) {
		return h.planner(inv).Plan(r.Context(), incidents)
	})
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.created(w, r, "/api/plans/"+strconv.FormatInt(p.ID, 10), p)
}
