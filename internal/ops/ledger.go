package ops

import (
	"context"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/transfer"
)

// Post posts a document of movement lines to the ledger as who, all or
// nothing; a retry with the same idempotency key is stored once (see
// store.Store.Post). The posting's actor is who's id, whatever p says.
func (s *Service) Post(ctx context.Context, who access.Principal, p stock.Posting) (store.PostingResult, error) {
	if err := check(who); err != nil {
		return store.PostingResult{}, err
	}
	p.Actor = who.ID
	return s.store.Post(ctx, p)
}

// CreateTransfer orders a transfer between depots, reserving its units at
// the sources, ordered by who.
func (s *Service) CreateTransfer(ctx context.Context, who access.Principal, o transfer.Order) (transfer.Order, error) {
	if err := check(who); err != nil {
		return o, err
	}
	o.CreatedBy = who.ID
	return s.store.CreateTransferOrder(ctx, o)
}

// ExecuteTransfer carries out an ordered transfer: its units move to the
// destinations in one posting by who.
func (s *Service) ExecuteTransfer(ctx context.Context, who access.Principal, id int64) (transfer.Order, error) {
	if err := check(who); err != nil {
		return transfer.Order{}, err
	}
	return s.store.ExecuteTransferOrder(ctx, id, who.ID)
}

// CancelTransfer cancels an ordered transfer, releasing its units.
func (s *Service) CancelTransfer(ctx context.Context, who access.Principal, id int64) (transfer.Order, error) {
	if err := check(who); err != nil {
		return transfer.Order{}, err
	}
	return s.store.CancelTransferOrder(ctx, id, who.ID)
}
