package ops

import (
	"context"
	"fmt"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// SaveIncident stores an incident, or replaces the one with its code (to
// change its sites and demands, or to close it with status "closed").
// An incident whose demands the planner could not weigh is refused
// (plan.too_large), so that it cannot make every later plan fail.
func (s *Service) SaveIncident(ctx context.Context, who access.Principal, in dispatch.Incident) (dispatch.Incident, error) {
	if err := check(who); err != nil {
		return in, err
	}
	if err := in.Validate(); err != nil {
		return in, err
	}
	if err := s.Planner(nil).CheckSize([]dispatch.Incident{in}); err != nil {
		return in, apperr.Rebase(err, "incidents[0].", "")
	}
	return s.store.SaveIncident(ctx, in)
}

// PlanRequest says what to plan for: the incidents given whole in New
// (stored with the plan, each replacing a stored one of its code), the
// stored incidents named by Codes, or, when both are empty, every open
// incident.
type PlanRequest struct {
	New   []dispatch.Incident
	Codes []string
	// DryRun computes the plan without storing the incidents or the plan.
	DryRun bool
}

// CreatePlan computes a dispatch plan and stores it as proposed, with the
// incidents of req.New, in one transaction: a request that is refused
// stores nothing. Errors about req.New name incidents[i]; about req.Codes,
// incidents[i] too. A closed incident is refused (incident.closed).
func (s *Service) CreatePlan(ctx context.Context, who access.Principal, req PlanRequest) (dispatch.Plan, error) {
	if err := check(who); err != nil {
		return dispatch.Plan{}, err
	}
	var incidents []dispatch.Incident
	var err error
	switch {
	case len(req.New) > 0 && len(req.Codes) > 0:
		err = apperr.New(apperr.Invalid, "plan.request", "请给出新事件或已有事件编码之一,不能同时给出",
			"give either new incidents or the codes of stored ones, not both").WithField("incidents")
	case len(req.New) > 0:
		incidents, err = s.revise(ctx, req.New)
	case len(req.Codes) > 0:
		incidents, err = s.named(ctx, req.Codes)
	default:
		incidents, err = s.store.OpenIncidents(ctx)
	}
	if err != nil {
		return dispatch.Plan{}, err
	}
	p, err := s.Planner(s.store.Inventory()).Plan(ctx, incidents)
	if err != nil || req.DryRun {
		return p, err
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		for i := range req.New {
			if _, err := tx.SaveIncident(ctx, incidents[i]); err != nil {
				return apperr.Within(fmt.Sprintf("incidents[%d]", i), err)
			}
		}
		p, err = tx.CreatePlan(ctx, p)
		return err
	})
	return p, err
}

// revise validates new incidents and makes each what it will be once
// stored: open unless closed, reported now unless it replaces an incident
// of its code (whose report time, which deadlines count from, it keeps).
func (s *Service) revise(ctx context.Context, incidents []dispatch.Incident) ([]dispatch.Incident, error) {
	now := s.store.Now()
	seen := map[string]bool{}
	out := make([]dispatch.Incident, len(incidents))
	for i, in := range incidents {
		field := fmt.Sprintf("incidents[%d]", i)
		if err := in.Validate(); err != nil {
			return nil, apperr.Within(field, err)
		}
		if seen[in.Code] {
			return nil, repeated(in.Code, field+".code")
		}
		seen[in.Code] = true
		old, err := s.store.Incident(ctx, in.Code)
		switch {
		case err == nil:
			out[i] = in.Revise(&old, now)
		case apperr.IsKind(err, apperr.NotFound):
			out[i] = in.Revise(nil, now)
		default:
			return nil, err
		}
	}
	return out, nil
}

// named loads the stored incidents of codes, each once.
func (s *Service) named(ctx context.Context, codes []string) ([]dispatch.Incident, error) {
	seen := map[string]bool{}
	out := make([]dispatch.Incident, 0, len(codes))
	for i, code := range codes {
		field := fmt.Sprintf("incidents[%d]", i)
		if seen[code] {
			return nil, repeated(code, field)
		}
		seen[code] = true
		in, err := s.store.Incident(ctx, code)
		if err != nil {
			return nil, apperr.Within(field, err)
		}
		out = append(out, in)
	}
	return out, nil
}

func repeated(code, field string) error {
	return apperr.New(apperr.Invalid, "plan.incident_repeated", "事件 %s 重复列出",
		"incident %s is listed twice", code).WithField(field)
}

// ActOnPlan approves, cancels, executes or recomputes a stored plan, as
// dispatch.Plan.Act decides, in one transaction, and returns the plan as
// it now stands: for recompute, the new plan that supersedes it.
func (s *Service) ActOnPlan(ctx context.Context, who access.Principal, id int64, a dispatch.Action) (dispatch.Plan, error) {
	if err := check(who); err != nil {
		return dispatch.Plan{}, err
	}
	if a == dispatch.ActRecompute {
		return s.recompute(ctx, who, id)
	}
	if _, err := s.store.ActOnPlan(ctx, id, a, who.ID); err != nil {
		return dispatch.Plan{}, err
	}
	return s.store.Plan(ctx, id)
}

// recompute plans again over the plan's incidents as they stand now
// (closed ones left out) and supersedes the old plan, releasing what it
// reserved; both in one transaction.
func (s *Service) recompute(ctx context.Context, who access.Principal, id int64) (dispatch.Plan, error) {
	old, err := s.store.Plan(ctx, id)
	if err != nil {
		return old, err
	}
	if _, err := old.Act(dispatch.ActRecompute, who.ID); err != nil {
		return old, err // refused for its status: say so before looking further
	}
	var incidents []dispatch.Incident
	for _, code := range old.Incidents {
		in, err := s.store.Incident(ctx, code)
		if err != nil {
			return old, err
		}
		if in.Plannable() == nil {
			incidents = append(incidents, in)
		}
	}
	if len(incidents) == 0 {
		return old, apperr.New(apperr.Conflict, "plan.no_incidents", "方案涉及的事件均已结束",
			"every incident of the plan is closed")
	}
	return s.store.ReplacePlan(ctx, id, who.ID, func(inv dispatch.Inventory) (dispatch.Plan, error) {
		return s.Planner(inv).Plan(ctx, incidents)
	})
}

// Nearby answers "where is item within hours of at": depots with usable
// stock of it and its agreement reserves, routed to at with the planner's
// router, those arriving within hours soonest first. It returns the item
// too, for its names and unit.
func (s *Service) Nearby(ctx context.Context, item string, at geo.Point, hours float64) (catalog.Item, dispatch.NearbyResult, error) {
	it, err := s.store.Item(ctx, item)
	if err != nil {
		return it, dispatch.NearbyResult{}, apperr.Within("item", err)
	}
	candidates, err := s.store.NearbySources(ctx, it.Code)
	if err != nil {
		return it, dispatch.NearbyResult{}, err
	}
	res, err := dispatch.Nearby(ctx, s.router, at, hours, candidates)
	return it, res, err
}
