package ops

import (
	"context"
	"strconv"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/audit"
	"github.com/stockpile-dev/stockpile/internal/replenish"
	"github.com/stockpile-dev/stockpile/internal/request"
	"github.com/stockpile-dev/stockpile/internal/store"
)

func requestObject(r request.Request) audit.Object {
	return audit.Object{Kind: "request", ID: strconv.FormatInt(r.ID, 10)}
}

// CreateRequest submits a request for supplies (需求申报) for an area in
// who's scope (request.submit).
func (s *Service) CreateRequest(ctx context.Context, who access.Actor, r request.Request) (request.Request, error) {
	if err := s.allow(ctx, who, access.RequestSubmit, "area", r.Area); err != nil {
		return r, err
	}
	r.CreatedBy = who.ID
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		var err error
		if r, err = tx.CreateRequest(ctx, r); err != nil {
			return err
		}
		return record(ctx, tx, who, "request.submit", requestObject(r), nil, r)
	})
	return r, err
}

// DecideRequest approves on, accepts or rejects a request as the level it
// waits for, which who must speak for (request.decide); or withdraws it,
// by its requester.
func (s *Service) DecideRequest(ctx context.Context, who access.Actor, id int64, d request.Decision, note, incident string) (request.Request, error) {
	act := access.RequestDecide
	if d == request.Withdraw {
		act = access.RequestSubmit
	}
	if !who.Can(act) {
		return request.Request{}, who.Allow(act)
	}
	before, err := s.store.Request(ctx, id)
	if err != nil {
		return before, err
	}
	place := before.AtArea
	if d == request.Withdraw || place == "" {
		place = before.Area
	}
	if err := s.allow(ctx, who, act, "area", place); err != nil {
		return before, err
	}
	var after request.Request
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if after, err = tx.DecideRequest(ctx, id, d, who.ID, note, incident); err != nil {
			return err
		}
		return record(ctx, tx, who, "request."+string(d), requestObject(after),
			map[string]string{"status": string(before.Status), "at_area": before.AtArea},
			map[string]string{"status": string(after.Status), "at_area": after.AtArea, "site": after.Site})
	})
	return after, err
}

// SettleReplenishment marks a replenishment need settled, by someone whose
// scope holds the area that is owed (replenish.settle).
func (s *Service) SettleReplenishment(ctx context.Context, who access.Actor, id int64, note string) (replenish.Need, error) {
	if !who.Can(access.ReplenishSettle) {
		return replenish.Need{}, who.Allow(access.ReplenishSettle)
	}
	before, err := s.store.Replenishment(ctx, id)
	if err != nil {
		return before, err
	}
	if err := s.allow(ctx, who, access.ReplenishSettle, "area", before.Holder); err != nil {
		return before, err
	}
	var after replenish.Need
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if after, err = tx.SettleReplenishment(ctx, id, who.ID, note); err != nil {
			return err
		}
		return record(ctx, tx, who, "replenish.settle", audit.Object{Kind: "replenish", ID: strconv.FormatInt(id, 10)},
			statusOf(before.Status), after)
	})
	return after, err
}
