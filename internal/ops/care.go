package ops

import (
	"context"
	"strconv"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/audit"
	"github.com/stockpile-dev/stockpile/internal/care"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// The care of stock in store (BRIEF C6): care schedules, records of the
// rounds done, rotation plans, and the lists a screen or an inbox shows
// (what falls due, what is worth rotating, which depots are near full).
// Schedules are the city's, like the catalogue: a city-level scope sets
// them. Records and rotations are a depot's: its keeper records rounds and
// carries out rotations, its manager plans and cancels them.

// CreateCareSchedule adds a care schedule (city scope only); who sets it.
func (s *Service) CreateCareSchedule(ctx context.Context, who access.Actor, c care.Schedule) (care.Schedule, error) {
	if err := s.allowCity(ctx, who, access.CarePlan); err != nil {
		return c, err
	}
	c.CreatedBy = who.ID
	return create(ctx, s, who, "care_schedule", c, (*store.Store).CreateCareSchedule,
		func(v care.Schedule) string { return v.Code })
}

// UpdateCareSchedule changes a care schedule (city scope only): see
// store.Store.UpdateCareSchedule; stale edits are edit.stale.
func (s *Service) UpdateCareSchedule(ctx context.Context, who access.Actor, c care.Schedule) (care.Schedule, error) {
	if err := s.allowCity(ctx, who, access.CarePlan); err != nil {
		return c, err
	}
	return edit(ctx, s, who, "care_schedule.update", "care_schedule", c.Code,
		func(tx *store.Store) (care.Schedule, care.Schedule, error) { return tx.UpdateCareSchedule(ctx, c) },
		func(v care.Schedule) int64 { return v.Version })
}

// SetCareScheduleRetired retires (retired) or restores a care schedule
// (city scope only). A retired schedule leaves the due lists and takes no
// new records; its records stay.
func (s *Service) SetCareScheduleRetired(ctx context.Context, who access.Actor, code string, retired bool) (care.Schedule, error) {
	if err := s.allowCity(ctx, who, access.CarePlan); err != nil {
		return care.Schedule{}, err
	}
	return edit(ctx, s, who, retireAction("care_schedule", retired), "care_schedule", code,
		func(tx *store.Store) (care.Schedule, care.Schedule, error) {
			return tx.SetCareScheduleRetired(ctx, code, retired)
		},
		func(v care.Schedule) int64 { return v.Version })
}

// CareSchedules lists the care schedules, selected by retirement; anyone
// who may read the catalogue may read them.
func (s *Service) CareSchedules(ctx context.Context, who access.Actor, r store.Retirement) ([]care.Schedule, error) {
	if err := who.Allow(access.ReferenceRead); err != nil {
		return nil, err
	}
	return s.store.CareSchedules(ctx, r)
}

// RecordCare records a round of inspection or maintenance done at a depot
// in who's scope (the keeper of the depot, or its manager), as who, with
// an audit record. A record changes no stock: a round that found issues
// may be followed by a quality change in the ledger (Post, kind quality)
// for the lots concerned, or a scrap; the record keeps the findings.
func (s *Service) RecordCare(ctx context.Context, who access.Actor, r care.Record) (care.Record, error) {
	if err := s.allow(ctx, who, access.CareRecord, "depot", r.Depot); err != nil {
		return r, err
	}
	r.DoneBy = who.ID
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		var err error
		if r, err = tx.CreateCareRecord(ctx, r); err != nil {
			return err
		}
		return record(ctx, tx, who, "care_record.create",
			audit.Object{Kind: "care_record", ID: strconv.FormatInt(r.ID, 10)}, nil, r)
	})
	return r, err
}

// CareRecords lists records of rounds done, latest first, at the depots
// who may see (stock.read); f.View is set here.
func (s *Service) CareRecords(ctx context.Context, who access.Actor, f store.CareRecordFilter) ([]care.Record, error) {
	view, err := s.stockView(ctx, who, f.Depot)
	if err != nil {
		return nil, err
	}
	f.View = view
	return s.store.CareRecords(ctx, f)
}

// CareDue lists the rounds of care due within withinDays of today, overdue
// ones first, at the depots who may see (stock.read), or at depot alone:
// what a keeper's to-do list and an inbox show. See store.Store.CareDue.
func (s *Service) CareDue(ctx context.Context, who access.Actor, depot string, withinDays int) ([]store.CareDueRow, error) {
	view, err := s.stockView(ctx, who, depot)
	if err != nil {
		return nil, err
	}
	return s.store.CareDue(ctx, view, depot, s.store.Today(), withinDays)
}

// stockView is who's view of stock (stock.read), after checking that who
// may read stock at all and, when depot is given, that it lies in view
// (a depot outside it is not found, as if it did not exist).
func (s *Service) stockView(ctx context.Context, who access.Actor, depot string) (*access.View, error) {
	if err := who.Allow(access.StockRead); err != nil {
		return nil, err
	}
	v := who.View(access.StockRead)
	if depot != "" {
		if _, err := s.store.Depot(ctx, depot); err != nil {
			return nil, err
		}
		if err := s.store.CheckVisible(ctx, &v, "depot", depot); err != nil {
			return nil, err
		}
	}
	return &v, nil
}

// PlanRotation plans a rotation of a lot out of a depot in who's scope
// before the lot expires (care.plan), as who, with an audit record. A
// transfer's destination may lie anywhere, as for transfer orders.
// Nothing is reserved: the plan is checked against the stock free now,
// and the ledger checks again when it is carried out.
func (s *Service) PlanRotation(ctx context.Context, who access.Actor, r care.Rotation) (care.Rotation, error) {
	if err := s.allow(ctx, who, access.CarePlan, "depot", r.Depot); err != nil {
		return r, err
	}
	r.CreatedBy = who.ID
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		var err error
		if r, err = tx.CreateRotation(ctx, r); err != nil {
			return err
		}
		return record(ctx, tx, who, "rotation.create", rotationObject(r), nil, r)
	})
	return r, err
}

func rotationObject(r care.Rotation) audit.Object {
	return audit.Object{Kind: "rotation", ID: strconv.FormatInt(r.ID, 10)}
}

// ExecuteRotation carries out a planned rotation at a depot in who's
// scope (care.record: its keeper or manager): in one transaction the plan
// becomes done, its posting (an issue from the lot, or a transfer) goes
// to the ledger as who, and the audit trail records the status change.
func (s *Service) ExecuteRotation(ctx context.Context, who access.Actor, id int64) (care.Rotation, error) {
	return s.stepRotation(ctx, who, id, access.CareRecord, "rotation.execute", (*store.Store).ExecuteRotation)
}

// CancelRotation cancels a planned rotation at a depot in who's scope
// (care.plan), with an audit record; nothing is posted.
func (s *Service) CancelRotation(ctx context.Context, who access.Actor, id int64) (care.Rotation, error) {
	return s.stepRotation(ctx, who, id, access.CarePlan, "rotation.cancel", (*store.Store).CancelRotation)
}

func (s *Service) stepRotation(ctx context.Context, who access.Actor, id int64, act access.Action, action string,
	step func(*store.Store, context.Context, int64, string) (care.Rotation, error)) (care.Rotation, error) {
	if !who.Can(act) {
		return care.Rotation{}, who.Allow(act)
	}
	before, err := s.store.Rotation(ctx, id)
	if err != nil {
		return before, err
	}
	if err := s.allow(ctx, who, act, "depot", before.Depot); err != nil {
		return before, err
	}
	var after care.Rotation
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if after, err = step(tx, ctx, id, who.ID); err != nil {
			return err
		}
		state := map[string]any{"status": after.Status}
		if after.PostingID != 0 {
			state["posting_id"] = after.PostingID
		}
		return record(ctx, tx, who, action, rotationObject(after), statusOf(before.Status), state)
	})
	return after, err
}

// Rotation returns a rotation plan whose depot, or destination, who may
// see (stock.read); any other is not found.
func (s *Service) Rotation(ctx context.Context, who access.Actor, id int64) (care.Rotation, error) {
	if err := who.Allow(access.StockRead); err != nil {
		return care.Rotation{}, err
	}
	r, err := s.store.Rotation(ctx, id)
	if err != nil {
		return r, err
	}
	v := who.View(access.StockRead)
	err = s.store.CheckVisible(ctx, &v, "depot", r.Depot)
	if err != nil && r.ToDepot != "" {
		err = s.store.CheckVisible(ctx, &v, "depot", r.ToDepot)
	}
	if err != nil {
		return care.Rotation{}, care.RotationNotFound(id)
	}
	return r, nil
}

// Rotations lists rotation plans at the depots who may see (stock.read):
// planned ones soonest due first, the others newest first; f.View is set
// here.
func (s *Service) Rotations(ctx context.Context, who access.Actor, f store.RotationFilter) ([]care.Rotation, error) {
	view, err := s.stockView(ctx, who, f.Depot)
	if err != nil {
		return nil, err
	}
	f.View = view
	return s.store.Rotations(ctx, f)
}

// RotationCandidates lists the lots worth rotating now at the depots who
// may see (stock.read), or at depot alone: good lots expiring within
// stock.RotationDays that no planned rotation names yet.
func (s *Service) RotationCandidates(ctx context.Context, who access.Actor, depot string) ([]store.RotationCandidate, error) {
	view, err := s.stockView(ctx, who, depot)
	if err != nil {
		return nil, err
	}
	return s.store.RotationCandidates(ctx, view, depot, s.store.Today())
}

// DepotFill lists how full the depots who may see (stock.read) are,
// fullest first; with atLeast (care.LevelNearFull, care.LevelFull) only
// those at that level or fuller: the capacity reminders (库容提醒).
func (s *Service) DepotFill(ctx context.Context, who access.Actor, atLeast care.Level) ([]store.DepotFill, error) {
	view, err := s.stockView(ctx, who, "")
	if err != nil {
		return nil, err
	}
	all, err := s.store.DepotFill(ctx, view)
	if err != nil || atLeast == "" {
		return all, err
	}
	out := all[:0]
	for _, f := range all {
		if f.Level.Rank() <= atLeast.Rank() {
			out = append(out, f)
		}
	}
	return out, nil
}
