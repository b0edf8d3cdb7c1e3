package ops

import (
	"context"
	"strconv"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/audit"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/stocktake"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// OpenCount opens a stock-take (盘点) of a depot in who's scope, listing
// the lots its scope selects. A zero threshold takes
// stocktake.DefaultThreshold.
func (s *Service) OpenCount(ctx context.Context, who access.Actor, c stocktake.Count) (stocktake.Count, error) {
	if err := s.allow(ctx, who, access.StockCount, "depot", c.Depot); err != nil {
		return c, err
	}
	if c.Threshold == (stocktake.Threshold{}) {
		c.Threshold = stocktake.DefaultThreshold
	}
	c.CreatedBy = who.ID
	var out stocktake.Count
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		var err error
		if out, err = tx.OpenCount(ctx, c); err != nil {
			return err
		}
		return record(ctx, tx, who, "stocktake.open", countObject(out.ID), nil,
			map[string]any{"depot": out.Depot, "scope": out.Scope, "lots": len(out.Lines)})
	})
	return out, err
}

func countObject(id int64) audit.Object {
	return audit.Object{Kind: "stocktake", ID: strconv.FormatInt(id, 10)}
}

// Count returns a stock-take whose depot who may see; one at a depot
// beyond who's view is not found, as if it did not exist.
func (s *Service) Count(ctx context.Context, who access.Actor, id int64) (stocktake.Count, error) {
	if err := who.Allow(access.StockRead); err != nil {
		return stocktake.Count{}, err
	}
	c, err := s.store.Count(ctx, id)
	if err != nil {
		return c, err
	}
	if err := s.visibleDepot(ctx, who, c.Depot); err != nil {
		if apperr.IsKind(err, apperr.NotFound) {
			err = apperr.NotFoundf("count", "盘点单", strconv.FormatInt(id, 10))
		}
		return stocktake.Count{}, err
	}
	return c, nil
}

// visibleDepot returns a not-found error when depot lies beyond what who
// may read of stock (store.Store.CheckVisible).
func (s *Service) visibleDepot(ctx context.Context, who access.Actor, depot string) error {
	v := who.View(access.StockRead)
	return s.store.CheckVisible(ctx, &v, "depot", depot)
}

// Counts lists the stock-takes of the depots who may see.
func (s *Service) Counts(ctx context.Context, who access.Actor, f store.CountFilter) ([]store.CountSummary, error) {
	if err := who.Allow(access.StockRead); err != nil {
		return nil, err
	}
	v := who.View(access.StockRead)
	f.View = &v
	return s.store.Counts(ctx, f)
}

// RecordCount enters who's count of a lot in an open stock-take of a
// depot in their scope; the lot may be named by its label's text.
func (s *Service) RecordCount(ctx context.Context, who access.Actor, id int64, lot string, counted stock.Quantity) (stocktake.Line, error) {
	c, err := s.store.CountHeader(ctx, id)
	if err != nil {
		return stocktake.Line{}, err
	}
	if err := s.allow(ctx, who, access.StockCount, "depot", c.Depot); err != nil {
		return stocktake.Line{}, err
	}
	return s.store.RecordCount(ctx, id, stock.ScannedLotCode(lot), counted, who.ID)
}

// ActOnCount takes a step of a stock-take's life: the counters submit it
// (stocktake.count); a reserve manager approves it, which posts its
// adjustments, sends it back or cancels it (stocktake.approve). The
// domain decides the step (stocktake.Count.Act), the store applies it.
func (s *Service) ActOnCount(ctx context.Context, who access.Actor, id int64, a stocktake.Action) (stocktake.Count, error) {
	act := access.StockCountDecide
	if a == stocktake.ActSubmit {
		act = access.StockCount
	}
	if !who.Can(act) {
		return stocktake.Count{}, who.Allow(act)
	}
	c, err := s.store.Count(ctx, id)
	if err != nil {
		return c, err
	}
	if err := s.allow(ctx, who, act, "depot", c.Depot); err != nil {
		return c, err
	}
	t, err := c.Act(a, who.ID)
	if err != nil {
		return c, err
	}
	var out stocktake.Count
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if out, err = tx.ActOnCount(ctx, id, t); err != nil {
			return err
		}
		return record(ctx, tx, who, "stocktake."+string(a), countObject(id), statusOf(t.From), statusOf(t.To))
	})
	return out, err
}

// Relocate moves a lot to another storage location (库位) inside a depot
// in who's scope; "" clears it. Not a movement of stock, so an audit
// record rather than a ledger entry.
func (s *Service) Relocate(ctx context.Context, who access.Actor, depot, lot, location string) error {
	if strings.TrimSpace(depot) == "" {
		return apperr.Required("depot", "储备库", "depot")
	}
	if err := s.allow(ctx, who, access.StockPost, "depot", depot); err != nil {
		return err
	}
	if location != "" {
		if err := stock.ValidateLocation(location); err != nil {
			return err
		}
	}
	lot = stock.ScannedLotCode(lot)
	return s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.SetLocation(ctx, depot, lot, location); err != nil {
			return err
		}
		return record(ctx, tx, who, "lot.relocate", audit.Object{Kind: "lot", ID: lot}, nil,
			map[string]string{"depot": depot, "location": location})
	})
}
