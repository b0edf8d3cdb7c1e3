package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/approval"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// CreateApproval stores a request waiting for approval; its posting is
// not applied, but each line is checked against the stock now, so that a
// request that could never be approved is refused when it is made. A
// retry under the posting's idempotency key returns the request stored
// the first time (Replayed), or a conflict if it asked for something else.
func (s *Store) CreateApproval(ctx context.Context, r approval.Request) (approval.Request, error) {
	body, err := json.Marshal(r.Posting)
	if err != nil {
		return r, fmt.Errorf("store: approval: %w", err)
	}
	var key sql.NullString
	if k := r.Posting.IdempotencyKey; k != "" {
		key = sql.NullString{String: k, Valid: true}
		if done, err := s.approvalByKey(ctx, r.RequestedBy, k, string(body)); done != nil || err != nil {
			if done != nil {
				return *done, nil
			}
			return r, err
		}
	}
	depotID, err := s.depotID(ctx, r.Depot)
	if err != nil {
		return r, err
	}
	for i, l := range r.Posting.Lines {
		if err := s.checkTakeable(ctx, depotID, l); err != nil {
			return r, stock.LineError(i, err)
		}
	}
	r.Status, r.RequestedAt = approval.Pending, s.now().UnixMicro()
	err = s.queryRow(ctx, `INSERT INTO approvals (kind, depot_id, body, status, requested_by, requested_at, idempotency_key)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, string(r.Kind), depotID, string(body), string(r.Status), r.RequestedBy,
		r.RequestedAt, key).Scan(&r.ID)
	if err != nil {
		return r, fmt.Errorf("store: approval: %w", err)
	}
	return r, nil
}

// approvalByKey returns the request who stored under an idempotency key,
// nil when there is none, or a conflict when it asked for something else.
func (s *Store) approvalByKey(ctx context.Context, who, key, body string) (*approval.Request, error) {
	a, err := scanApproval(s.queryRow(ctx, approvalColumns+`WHERE a.requested_by = ? AND a.idempotency_key = ?`, who, key))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: approval by key: %w", err)
	}
	if stored, _ := json.Marshal(a.Posting); string(stored) != body {
		return nil, apperr.New(apperr.Conflict, "idempotency.key_reused",
			"幂等键「%s」已用于另一笔不同的单据", "idempotency key %q was already used for a different posting", key).
			WithField("idempotency_key")
	}
	a.Replayed = true
	return &a, nil
}

// checkTakeable checks that a line naming a lot could take its quantity
// from the depot now: the lot exists, is of the line's item, and enough of
// it is free (on hand and not reserved).
func (s *Store) checkTakeable(ctx context.Context, depotID int64, l stock.Line) error {
	lot, err := s.Lot(ctx, l.Lot)
	if err != nil {
		return withField(err, "lot")
	}
	if err := stock.CheckLotItem(lot, l.Item); err != nil {
		return err
	}
	var b stock.Balance
	err = s.queryRow(ctx, `SELECT quantity, reserved FROM balances WHERE depot_id = ? AND lot_id = ?`, depotID, lot.ID).
		Scan(&b.OnHand, &b.Reserved)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: balance: %w", err)
	}
	if b.Free() < l.Quantity {
		return stock.Insufficient(l.Quantity, b.Free())
	}
	return nil
}

const approvalColumns = `SELECT a.id, a.kind, d.code, a.body, a.status, a.requested_by, a.requested_at, a.decided_by,
	a.decided_at, a.note, COALESCE(a.posting_id, 0) FROM approvals a JOIN depots d ON d.id = a.depot_id `

func scanApproval(r interface{ Scan(...any) error }) (approval.Request, error) {
	var a approval.Request
	var kind, body, status string
	err := r.Scan(&a.ID, &kind, &a.Depot, &body, &status, &a.RequestedBy, &a.RequestedAt, &a.DecidedBy, &a.DecidedAt,
		&a.Note, &a.PostingID)
	if err != nil {
		return a, err
	}
	a.Kind, a.Status = approval.Kind(kind), approval.Status(status)
	return a, json.Unmarshal([]byte(body), &a.Posting)
}

// Approval returns one request.
func (s *Store) Approval(ctx context.Context, id int64) (approval.Request, error) {
	a, err := scanApproval(s.queryRow(ctx, approvalColumns+`WHERE a.id = ?`, id))
	if err != nil {
		return a, notFound(err, "approval", "审批单", fmt.Sprint(id))
	}
	return a, nil
}

// ApprovalFilter narrows Approvals; zero fields do not filter.
type ApprovalFilter struct {
	Status approval.Status
	Depot  string
	View   *access.View
	Limit  int // default and at most 200
}

// Approvals lists requests, newest first.
func (s *Store) Approvals(ctx context.Context, f ApprovalFilter) ([]approval.Request, error) {
	var w where
	w.addIf(string(f.Status), "a.status = ?")
	w.addIf(f.Depot, "d.code = ?")
	w.visible(f.View, "d", "")
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 200
	}
	rows, err := s.query(ctx, approvalColumns+w.String()+`ORDER BY a.id DESC LIMIT ?`, append(w.args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("store: approvals: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (approval.Request, error) { return scanApproval(r) })
}

// ActOnApproval applies a decision (approval.Request.Approve, Reject,
// Withdraw) in one transaction: the status changes only from pending, and
// an approval posts the request's posting with it, or neither happens.
func (s *Store) ActOnApproval(ctx context.Context, id int64, t approval.Transition) (approval.Request, error) {
	changed := apperr.New(apperr.Conflict, "approval.decided", "审批单 #%d 已被他人处理，请刷新",
		"request #%d was decided meanwhile; reload it", id)
	err := s.guardedStep(ctx, t.Posting, changed, func(tx *Store, postingID any) (sql.Result, error) {
		return tx.exec(ctx, `UPDATE approvals SET status = ?, decided_by = ?, decided_at = ?, note = ?, posting_id = ?
			WHERE id = ? AND status = ?`, string(t.To), t.By, tx.now().UnixMicro(), t.Note, postingID, id, string(t.From))
	})
	if err != nil {
		return approval.Request{}, s.busy(err)
	}
	return s.Approval(ctx, id)
}

// guardedStep takes a step of a document's life in one transaction: it
// posts p (nothing when p is nil or has no lines), then runs update with
// the posting's id (nil when nothing was posted), which must change
// exactly one row — the document still in the status the step was
// decided on — or changed is returned and nothing is kept: someone else
// took a step meanwhile.
func (s *Store) guardedStep(ctx context.Context, p *stock.Posting, changed error,
	update func(tx *Store, postingID any) (sql.Result, error)) error {
	return s.InTx(ctx, func(tx *Store) error {
		var postingID any
		if p != nil && len(p.Lines) > 0 {
			r, err := tx.Post(ctx, *p)
			if err != nil {
				return err
			}
			postingID = r.ID
		}
		res, err := update(tx, postingID)
		if err != nil {
			return fmt.Errorf("store: step: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return changed
		}
		return nil
	})
}
