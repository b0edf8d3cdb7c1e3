package ops

import (
	"context"
	"strconv"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/approval"
	"github.com/stockpile-dev/stockpile/internal/audit"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// ApprovalPolicy is which movements wait for a second person.
func (s *Service) ApprovalPolicy() approval.Policy { return s.approval }

// ScrapOutcome is what became of a scrap: posted at once, or waiting for
// approval. One of the two is set.
type ScrapOutcome struct {
	Posting  *store.PostingResult `json:"posting,omitempty"`
	Approval *approval.Request    `json:"approval,omitempty"`
}

// Scrap writes stock off (报废) at a depot in who's scope: posted at once
// when the policy lets one person do it, otherwise stored as a request
// for a second person's approval.
func (s *Service) Scrap(ctx context.Context, who access.Actor, p stock.Posting) (ScrapOutcome, error) {
	r, err := approval.NewScrap(p, who.ID)
	if err != nil {
		return ScrapOutcome{}, err
	}
	if err := s.allow(ctx, who, access.StockPost, "depot", r.Depot); err != nil {
		return ScrapOutcome{}, err
	}
	if !s.approval.Needs(p) {
		res, err := s.Post(ctx, who, p)
		return ScrapOutcome{Posting: &res}, err
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if r, err = tx.CreateApproval(ctx, r); err != nil || r.Replayed {
			return err
		}
		return record(ctx, tx, who, "approval.request", approvalObject(r.ID), nil, r)
	})
	return ScrapOutcome{Approval: &r}, err
}

func approvalObject(id int64) audit.Object {
	return audit.Object{Kind: "approval", ID: strconv.FormatInt(id, 10)}
}

// Approval returns a request whose depot who may see; one at a depot
// beyond who's view is not found, as if it did not exist.
func (s *Service) Approval(ctx context.Context, who access.Actor, id int64) (approval.Request, error) {
	if err := who.Allow(access.StockRead); err != nil {
		return approval.Request{}, err
	}
	r, err := s.store.Approval(ctx, id)
	if err != nil {
		return r, err
	}
	if err := s.visibleDepot(ctx, who, r.Depot); err != nil {
		if apperr.IsKind(err, apperr.NotFound) {
			err = apperr.NotFoundf("approval", "审批单", strconv.FormatInt(id, 10))
		}
		return approval.Request{}, err
	}
	return r, nil
}

// Approvals lists the requests at the depots who may see.
func (s *Service) Approvals(ctx context.Context, who access.Actor, f store.ApprovalFilter) ([]approval.Request, error) {
	if err := who.Allow(access.StockRead); err != nil {
		return nil, err
	}
	v := who.View(access.StockRead)
	f.View = &v
	return s.store.Approvals(ctx, f)
}

// Decision is what someone does with a request.
type Decision string

const (
	DecideApprove  Decision = "approve"
	DecideReject   Decision = "reject"
	DecideWithdraw Decision = "withdraw"
)

// DecideApproval approves or rejects a request (scrap.approve, at its
// depot, by someone other than the requester), or withdraws it (the
// requester). The domain decides, the store applies in one transaction.
func (s *Service) DecideApproval(ctx context.Context, who access.Actor, id int64, d Decision, note string) (approval.Request, error) {
	act := access.ScrapApprove
	if d == DecideWithdraw {
		act = access.StockPost
	}
	if !who.Can(act) {
		return approval.Request{}, who.Allow(act)
	}
	r, err := s.store.Approval(ctx, id)
	if err != nil {
		return r, err
	}
	if err := s.allow(ctx, who, act, "depot", r.Depot); err != nil {
		return r, err
	}
	var t approval.Transition
	switch d {
	case DecideApprove:
		t, err = r.Approve(who.ID, note)
	case DecideReject:
		t, err = r.Reject(who.ID, note)
	case DecideWithdraw:
		t, err = r.Withdraw(who.ID)
	default:
		err = apperr.New(apperr.Invalid, "approval.decision_invalid", "审批操作「%s」无效：应为 approve、reject 或 withdraw",
			"decision %q is invalid: want approve, reject or withdraw", string(d))
	}
	if err != nil {
		return r, err
	}
	var out approval.Request
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if out, err = tx.ActOnApproval(ctx, id, t); err != nil {
			return err
		}
		return record(ctx, tx, who, "approval."+string(d), approvalObject(id), statusOf(t.From), statusOf(t.To))
	})
	return out, err
}
