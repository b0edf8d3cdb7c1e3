package ops

import (
	"context"
	"fmt"
	"strconv"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/audit"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// SaveIncident stores an incident, or replaces the one with its code (to
// change its sites and demands, or to close it with status "closed").
// An incident whose demands the planner could not weigh is refused
// (plan.too_large), so that it cannot make every later plan fail.
func (s *Service) SaveIncident(ctx context.Context, who access.Actor, in dispatch.Incident) (dispatch.Incident, error) {
	if err := who.Allow(access.IncidentWrite); err != nil {
		return in, err
	}
	if err := in.Validate(); err != nil {
		return in, err
	}
	if err := s.Planner(nil).CheckSize([]dispatch.Incident{in}); err != nil {
		return in, apperr.Rebase(err, "incidents[0].", "")
	}
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		var err error
		in, err = saveIncident(ctx, tx, who, in)
		return err
	})
	return in, err
}

// saveIncident stores an incident in tx and records it in the audit
// trail, with the stored incident it replaces as before.
func saveIncident(ctx context.Context, tx *store.Store, who access.Actor, in dispatch.Incident) (dispatch.Incident, error) {
	var before any
	if old, err := tx.Incident(ctx, in.Code); err == nil {
		before = old
	} else if !apperr.IsKind(err, apperr.NotFound) {
		return in, err
	}
	in, err := tx.SaveIncident(ctx, in)
	if err != nil {
		return in, err
	}
	return in, record(ctx, tx, who, "incident.save", audit.Object{Kind: "incident", ID: in.Code}, before, in)
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
func (s *Service) CreatePlan(ctx context.Context, who access.Actor, req PlanRequest) (dispatch.Plan, error) {
	if err := who.Allow(access.PlanCreate); err != nil {
		return dispatch.Plan{}, err
	}
	if len(req.New) > 0 && !req.DryRun {
		if err := who.Allow(access.IncidentWrite); err != nil {
			return dispatch.Plan{}, err
		}
	}
	var incidents []dispatch.Incident
	var err error
	switch {
	case len(req.New) > 0 && len(req.Codes) > 0:
		err = apperr.New(apperr.Invalid, "plan.request", "请给出新事件或已有事件编码之一，不能同时给出",
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
			if _, err := saveIncident(ctx, tx, who, incidents[i]); err != nil {
				return apperr.Within(fmt.Sprintf("incidents[%d]", i), err)
			}
		}
		if p, err = tx.CreatePlan(ctx, p); err != nil {
			return err
		}
		return record(ctx, tx, who, "plan.create", planObject(p), nil, summary(p))
	})
	return p, err
}

func planObject(p dispatch.Plan) audit.Object {
	return audit.Object{Kind: "plan", ID: strconv.FormatInt(p.ID, 10)}
}

// planSummary is what the audit trail keeps of a plan: enough to find it
// and see what it was; the plan itself is stored whole with its id.
type planSummary struct {
	Status    dispatch.PlanStatus `json:"status"`
	Incidents []string            `json:"incidents"`
	Lines     int                 `json:"lines"`
	Replaces  int64               `json:"replaces_id,omitempty"`
}

func summary(p dispatch.Plan) planSummary {
	return planSummary{Status: p.Status, Incidents: p.Incidents, Lines: len(p.Lines), Replaces: p.ReplacesID}
}

// allowPlan checks that who may take act on p: every source it draws on
// (depots, agreement and capacity reserves) must be in who's scope.
func (s *Service) allowPlan(ctx context.Context, who access.Actor, act access.Action, p dispatch.Plan) error {
	if !who.Can(act) {
		return who.Allow(act)
	}
	places, err := s.planPlaces(ctx, p)
	if err != nil {
		return err
	}
	return who.Allow(act, places...)
}

// planPlaces is where every source p draws on lies (depots, and the
// organisations of its agreement and capacity reserves).
func (s *Service) planPlaces(ctx context.Context, p dispatch.Plan) ([]access.Place, error) {
	codes := map[string][]string{}
	for _, l := range p.Lines {
		codes[string(l.Source.Kind)] = append(codes[string(l.Source.Kind)], l.Source.Code)
	}
	var places []access.Place
	for kind, list := range codes {
		found, err := s.store.Places(ctx, kind, list...)
		if err != nil {
			return nil, err
		}
		places = append(places, found...)
	}
	return places, nil
}

// PlanActions returns the actions who may take on p now: those p's status
// allows and the rules let who take on every source p draws on. Screens
// offer only these. The sources are looked up once for all four.
func (s *Service) PlanActions(ctx context.Context, who access.Actor, p dispatch.Plan) (map[dispatch.Action]bool, error) {
	out := map[dispatch.Action]bool{}
	var places []access.Place
	looked := false
	for _, a := range []dispatch.Action{dispatch.ActApprove, dispatch.ActCancel, dispatch.ActExecute, dispatch.ActRecompute} {
		if !p.Allows(a) || !who.Can(actionOf(a)) {
			continue
		}
		if !looked {
			var err error
			if places, err = s.planPlaces(ctx, p); err != nil {
				return nil, err
			}
			looked = true
		}
		out[a] = who.Allow(actionOf(a), places...) == nil
	}
	return out, nil
}

// actionOf is the permission a plan action needs.
func actionOf(a dispatch.Action) access.Action {
	if a == dispatch.ActExecute {
		return access.PlanExecute
	}
	return access.PlanApprove
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
func (s *Service) ActOnPlan(ctx context.Context, who access.Actor, id int64, a dispatch.Action) (dispatch.Plan, error) {
	if !who.Can(actionOf(a)) {
		return dispatch.Plan{}, who.Allow(actionOf(a))
	}
	before, err := s.store.Plan(ctx, id)
	if err != nil {
		return before, err
	}
	if err := s.allowPlan(ctx, who, actionOf(a), before); err != nil {
		return before, err
	}
	if a == dispatch.ActRecompute {
		return s.recompute(ctx, who, before)
	}
	var after dispatch.Plan
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if _, err := tx.ActOnPlan(ctx, id, a, who.ID); err != nil {
			return err
		}
		if after, err = tx.Plan(ctx, id); err != nil {
			return err
		}
		if a == dispatch.ActExecute { // the dispatch orders it made
			orders, err := tx.TransferOrders(ctx, store.TransferFilter{PlanID: id, Limit: 1000})
			if err != nil {
				return err
			}
			for _, o := range orders {
				if err := record(ctx, tx, who, "transfer.create", transferObject(o), nil, o); err != nil {
					return err
				}
			}
		}
		return record(ctx, tx, who, "plan."+string(a), planObject(after), statusOf(before.Status), statusOf(after.Status))
	})
	return after, err
}

// recompute plans again over the plan's incidents as they stand now
// (closed ones left out) and supersedes the old plan, releasing what it
// reserved; both in one transaction.
func (s *Service) recompute(ctx context.Context, who access.Actor, old dispatch.Plan) (dispatch.Plan, error) {
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
	var p dispatch.Plan
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		var err error
		p, err = tx.ReplacePlan(ctx, old.ID, who.ID, func(inv dispatch.Inventory) (dispatch.Plan, error) {
			return s.Planner(inv).Plan(ctx, incidents)
		})
		if err != nil {
			return err
		}
		if err := record(ctx, tx, who, "plan.recompute", planObject(old), statusOf(old.Status),
			map[string]any{"status": dispatch.PlanSuperseded, "replaced_by": p.ID}); err != nil {
			return err
		}
		return record(ctx, tx, who, "plan.create", planObject(p), nil, summary(p))
	})
	return p, err
}

// Nearby answers "where is item within hours of at": depots with usable
// stock of it and its agreement reserves, routed to at with the planner's
// router, those arriving within hours soonest first. It returns the item
// too, for its names and unit.
func (s *Service) Nearby(ctx context.Context, who access.Actor, item string, at geo.Point, hours float64) (catalog.Item, dispatch.NearbyResult, error) {
	if err := who.Allow(access.StockRead); err != nil {
		return catalog.Item{}, dispatch.NearbyResult{}, err
	}
	it, err := s.store.Item(ctx, item)
	if err != nil {
		return it, dispatch.NearbyResult{}, apperr.Within("item", err)
	}
	view := who.View(access.StockRead)
	candidates, err := s.store.NearbySources(ctx, it.Code, &view)
	if err != nil {
		return it, dispatch.NearbyResult{}, err
	}
	res, err := dispatch.Nearby(ctx, s.router, at, hours, candidates)
	return it, res, err
}
