package ops

import (
	"context"
	"strconv"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/audit"
	"github.com/stockpile-dev/stockpile/internal/incidentcost"
	"github.com/stockpile-dev/stockpile/internal/requisition"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// Emergency requisitions of private goods (紧急征用, BRIEF C11) and what an
// incident cost (事件物资成本). A requisition lies in an area: the
// commander records and follows requisitions anywhere, a reserve manager
// those in their area (requisition.write); whoever reads incidents and
// plans reads them (dispatch.read), and the cost of an incident.

// actRequisitionRead reads requisitions, their totals and incident costs.
const actRequisitionRead = access.DispatchRead

func requisitionObject(x requisition.Requisition) audit.Object {
	return audit.Object{Kind: "requisition", ID: strconv.FormatInt(x.ID, 10), Version: x.Version}
}

// CreateRequisition records a requisition in an area of who's scope, as
// who, with an audit record, in one transaction; see
// store.Store.CreateRequisition. Under an idempotency key a retry is
// recorded once (replayed true) and audited once.
func (s *Service) CreateRequisition(ctx context.Context, who access.Actor, x requisition.Requisition, key string) (requisition.Requisition, bool, error) {
	if err := s.allow(ctx, who, access.RequisitionWrite, "area", x.Area); err != nil {
		return x, false, err
	}
	x.CreatedBy = who.ID
	var replayed bool
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		var err error
		if x, replayed, err = tx.CreateRequisition(ctx, x, key); err != nil || replayed {
			return err
		}
		return record(ctx, tx, who, "requisition.create", requisitionObject(x), nil, x)
	})
	return x, replayed, err
}

// ActOnRequisition takes a step of a requisition in an area of who's
// scope (return, assess, pay, cancel), as who, with an audit record of
// the requisition before and after, in one transaction. A step the
// status does not allow is requisition.status; one taken by someone else
// meanwhile requisition.changed.
func (s *Service) ActOnRequisition(ctx context.Context, who access.Actor, id int64, a requisition.Act) (requisition.Requisition, error) {
	if !who.Can(access.RequisitionWrite) {
		return requisition.Requisition{}, who.Allow(access.RequisitionWrite)
	}
	x, err := s.store.Requisition(ctx, id)
	if err != nil {
		return x, err
	}
	if err := s.allow(ctx, who, access.RequisitionWrite, "area", x.Area); err != nil {
		return x, err
	}
	var after requisition.Requisition
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		before, a2, err := tx.ActOnRequisition(ctx, id, a, who.ID)
		if err != nil {
			return err
		}
		after = a2
		return record(ctx, tx, who, "requisition."+string(a.Step), requisitionObject(after), before, after)
	})
	return after, err
}

// Requisition returns a requisition (dispatch.read).
func (s *Service) Requisition(ctx context.Context, who access.Actor, id int64) (requisition.Requisition, error) {
	if err := who.Allow(actRequisitionRead); err != nil {
		return requisition.Requisition{}, err
	}
	x, err := s.store.Requisition(ctx, id)
	if err != nil {
		return x, err
	}
	xs, err := s.maskOwners(ctx, who, []requisition.Requisition{x})
	return xs[0], err
}

// maskOwners hides the owners' ID numbers of the requisitions who may not
// act on (requisition.write in their area): personal data is for those who
// handle the compensation.
func (s *Service) maskOwners(ctx context.Context, who access.Actor, xs []requisition.Requisition) ([]requisition.Requisition, error) {
	may := map[string]bool{}
	for i, x := range xs {
		ok, seen := may[x.Area]
		if !seen {
			var err error
			if ok, err = s.May(ctx, who, access.RequisitionWrite, "area", x.Area); err != nil {
				return xs, err
			}
			may[x.Area] = ok
		}
		if !ok {
			xs[i].Owner = x.Owner.Masked()
		}
	}
	return xs, nil
}

// Requisitions lists requisitions by incident, status and area, newest
// first (dispatch.read).
func (s *Service) Requisitions(ctx context.Context, who access.Actor, f store.RequisitionFilter) ([]requisition.Requisition, error) {
	if err := who.Allow(actRequisitionRead); err != nil {
		return nil, err
	}
	xs, err := s.store.Requisitions(ctx, f)
	if err != nil {
		return nil, err
	}
	return s.maskOwners(ctx, who, xs)
}

// RequisitionTotals sums the requisitions per incident, or of one
// incident (dispatch.read): how many in each status, the estimated value,
// the compensation assessed and paid.
func (s *Service) RequisitionTotals(ctx context.Context, who access.Actor, incident string) ([]requisition.Totals, error) {
	if err := who.Allow(actRequisitionRead); err != nil {
		return nil, err
	}
	return s.store.RequisitionTotals(ctx, incident)
}

// IncidentCost is what an incident used, at the readiness price list's
// unit prices, with its requisitions' compensation as a line of its own
// (dispatch.read); see store.Store.IncidentCost.
func (s *Service) IncidentCost(ctx context.Context, who access.Actor, incident string) (incidentcost.Report, error) {
	if err := who.Allow(actRequisitionRead); err != nil {
		return incidentcost.Report{}, err
	}
	return s.store.IncidentCost(ctx, incident)
}
