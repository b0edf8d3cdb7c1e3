package ops

import (
	"context"
	"strconv"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/audit"
	"github.com/stockpile-dev/stockpile/internal/donation"
	"github.com/stockpile-dev/stockpile/internal/purchase"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// ReceiveDonation records a donation's intake at a depot in who's scope
// (donation.receive). A replay under its idempotency key is answered as
// recorded and not recorded again.
func (s *Service) ReceiveDonation(ctx context.Context, who access.Actor, d donation.Donation) (donation.Donation, bool, error) {
	if err := s.allow(ctx, who, access.DonationReceive, "depot", d.Depot); err != nil {
		return d, false, err
	}
	var replayed bool
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		var err error
		if d, replayed, err = tx.ReceiveDonation(ctx, d, who.ID); err != nil || replayed {
			return err
		}
		return record(ctx, tx, who, "donation.receive", audit.Object{Kind: "donation", ID: strconv.FormatInt(d.ID, 10)}, nil, d)
	})
	return d, replayed, err
}

// Donations lists donations, newest first (dispatch.read: relief goods
// are for whoever plans relief); a donor's contact only to those who may
// receive donations at its depot.
func (s *Service) Donations(ctx context.Context, who access.Actor, depot string, limit int) ([]donation.Donation, error) {
	if err := who.Allow(access.DispatchRead); err != nil {
		return nil, err
	}
	ds, err := s.store.Donations(ctx, nil, depot, limit)
	if err != nil {
		return nil, err
	}
	return s.hideContacts(ctx, who, ds)
}

// Donation returns a donation (dispatch.read), its donor's contact only to
// those who may receive donations at its depot.
func (s *Service) Donation(ctx context.Context, who access.Actor, id int64) (donation.Donation, error) {
	if err := who.Allow(access.DispatchRead); err != nil {
		return donation.Donation{}, err
	}
	d, err := s.store.Donation(ctx, id)
	if err != nil {
		return d, err
	}
	ds, err := s.hideContacts(ctx, who, []donation.Donation{d})
	return ds[0], err
}

// hideContacts blanks the donors' contacts where who may not receive
// donations: personal data is for the depot that deals with the donor.
func (s *Service) hideContacts(ctx context.Context, who access.Actor, ds []donation.Donation) ([]donation.Donation, error) {
	may := map[string]bool{}
	for i, d := range ds {
		ok, seen := may[d.Depot]
		if !seen {
			var err error
			if ok, err = s.May(ctx, who, access.DonationReceive, "depot", d.Depot); err != nil {
				return ds, err
			}
			may[d.Depot] = ok
		}
		if !ok {
			ds[i].Contact = ""
		}
	}
	return ds, nil
}

// DonationMatches pairs a donation with the open needs its restriction
// allows, nearest first from its depot.
func (s *Service) DonationMatches(ctx context.Context, who access.Actor, id int64) ([]donation.Match, error) {
	if err := who.Allow(access.DispatchRead); err != nil {
		return nil, err
	}
	d, err := s.store.Donation(ctx, id)
	if err != nil {
		return nil, err
	}
	dep, err := s.store.Depot(ctx, d.Depot)
	if err != nil {
		return nil, err
	}
	items := make([]string, 0, len(d.Lines))
	for _, l := range d.Lines {
		items = append(items, l.Item)
	}
	needs, districts, err := s.store.OpenNeeds(ctx, items)
	if err != nil {
		return nil, err
	}
	return d.Matches(dep.Point, needs, districts), nil
}

func callOffObject(c purchase.CallOff) audit.Object {
	return audit.Object{Kind: "purchase", ID: c.Code}
}

// CreateCallOff orders an emergency purchase against an agreement reserve,
// delivered to a depot in who's scope (purchase.order).
//
// The agreement's contracting party (the bureau that signed it) must be in
// who's scope too: a district does not call off the city's agreements.
func (s *Service) CreateCallOff(ctx context.Context, who access.Actor, c purchase.CallOff) (purchase.CallOff, error) {
	if err := s.allow(ctx, who, access.PurchaseOrder, "depot", c.Depot); err != nil {
		return c, err
	}
	if a, err := s.store.Agreement(ctx, c.Agreement); err == nil && a.Party != "" {
		if err := s.allow(ctx, who, access.PurchaseOrder, "org", a.Party); err != nil {
			return c, err
		}
	}
	c.CreatedBy = who.ID
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		var err error
		if c, err = tx.CreateCallOff(ctx, c); err != nil {
			return err
		}
		return record(ctx, tx, who, "purchase.order", callOffObject(c), nil, c)
	})
	return c, err
}

// ReceiveCallOff puts a call-off's delivery into its depot, which who must
// reach (purchase.receive).
func (s *Service) ReceiveCallOff(ctx context.Context, who access.Actor, id int64, d purchase.Delivery) (purchase.CallOff, error) {
	return s.stepCallOff(ctx, who, id, access.PurchaseReceive, "purchase.receive",
		func(tx *store.Store) (purchase.CallOff, error) { return tx.ReceiveCallOff(ctx, id, d, who.ID) })
}

// CancelCallOff cancels a call-off no plan counts on (purchase.order).
func (s *Service) CancelCallOff(ctx context.Context, who access.Actor, id int64) (purchase.CallOff, error) {
	return s.stepCallOff(ctx, who, id, access.PurchaseOrder, "purchase.cancel",
		func(tx *store.Store) (purchase.CallOff, error) { return tx.CancelCallOff(ctx, id) })
}

func (s *Service) stepCallOff(ctx context.Context, who access.Actor, id int64, act access.Action, action string,
	step func(*store.Store) (purchase.CallOff, error)) (purchase.CallOff, error) {
	if !who.Can(act) {
		return purchase.CallOff{}, who.Allow(act)
	}
	before, err := s.store.CallOff(ctx, id)
	if err != nil {
		return before, err
	}
	if err := s.allow(ctx, who, act, "depot", before.Depot); err != nil {
		return before, err
	}
	var after purchase.CallOff
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if after, err = step(tx); err != nil {
			return err
		}
		return record(ctx, tx, who, action, callOffObject(after), statusOf(before.Status), statusOf(after.Status))
	})
	return after, err
}
