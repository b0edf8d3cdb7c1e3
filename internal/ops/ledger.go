package ops

import (
	"context"
	"strconv"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/approval"
	"github.com/stockpile-dev/stockpile/internal/audit"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/transfer"
)

// Post posts a document of movement lines to the ledger as who, all or
// nothing; a retry with the same idempotency key is stored once (see
// store.Store.Post). Every depot a line touches must be in who's scope.
// The posting's actor is who's id, whatever p says; the ledger entry is
// its own record, so nothing goes to the audit trail.
func (s *Service) Post(ctx context.Context, who access.Actor, p stock.Posting) (store.PostingResult, error) {
	var depots []string
	for _, l := range p.Lines {
		depots = append(depots, l.Depot)
		if l.ToDepot != "" {
			depots = append(depots, l.ToDepot)
		}
	}
	if err := s.allow(ctx, who, access.StockPost, "depot", depots...); err != nil {
		return store.PostingResult{}, err
	}
	if s.approval.Needs(p) {
		return store.PostingResult{}, approval.ErrNeedsApproval(s.approval)
	}
	p.Actor = who.ID
	return s.store.Post(ctx, p)
}

// CreateTransfer orders a transfer between depots, reserving its units at
// the sources, which must be in who's scope.
func (s *Service) CreateTransfer(ctx context.Context, who access.Actor, o transfer.Order) (transfer.Order, error) {
	if err := s.allow(ctx, who, access.TransferCreate, "depot", o.Sources()...); err != nil {
		return o, err
	}
	o.CreatedBy = who.ID
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		var err error
		if o, err = tx.CreateTransferOrder(ctx, o); err != nil {
			return err
		}
		return record(ctx, tx, who, "transfer.create", transferObject(o), nil, o)
	})
	return o, err
}

func transferObject(o transfer.Order) audit.Object {
	return audit.Object{Kind: "transfer", ID: strconv.FormatInt(o.ID, 10)}
}

// ExecuteTransfer carries out an ordered transfer: its units move to the
// destinations in one posting by who. The keeper at either end may: the
// order was approved by someone whose scope covers the sources.
func (s *Service) ExecuteTransfer(ctx context.Context, who access.Actor, id int64) (transfer.Order, error) {
	return s.stepTransfer(ctx, who, id, access.TransferRun, "transfer.execute", (*store.Store).ExecuteTransferOrder)
}

// CancelTransfer cancels an ordered transfer, releasing its units; the
// sources must be in who's scope.
func (s *Service) CancelTransfer(ctx context.Context, who access.Actor, id int64) (transfer.Order, error) {
	return s.stepTransfer(ctx, who, id, access.TransferCancel, "transfer.cancel", (*store.Store).CancelTransferOrder)
}

func (s *Service) stepTransfer(ctx context.Context, who access.Actor, id int64, act access.Action, action string,
	step func(*store.Store, context.Context, int64, string) (transfer.Order, error)) (transfer.Order, error) {
	if !who.Can(act) {
		return transfer.Order{}, who.Allow(act)
	}
	before, err := s.store.TransferOrder(ctx, id)
	if err != nil {
		return before, err
	}
	places := before.Sources()
	if act == access.TransferRun {
		places = before.Ends()
	}
	if err := s.allow(ctx, who, act, "depot", places...); err != nil {
		return before, err
	}
	var after transfer.Order
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if after, err = step(tx, ctx, id, who.ID); err != nil {
			return err
		}
		return record(ctx, tx, who, action, transferObject(after), statusOf(before.Status), statusOf(after.Status))
	})
	return after, err
}

// statusOf is what the audit trail keeps of a status change: the status,
// not the whole object again.
func statusOf[T ~string](status T) map[string]string {
	return map[string]string{"status": string(status)}
}
