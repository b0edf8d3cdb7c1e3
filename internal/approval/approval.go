// Package approval is the second person's approval (审批) of a movement
// that one person may not make alone: today a scrap (报废) above the
// policy's threshold. The requester's posting waits, unapplied, until
// someone else with the right approves it, which posts it, or rejects it
// with a reason; the requester may withdraw it meanwhile.
package approval

import (
	"fmt"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// Kind is what a request asks to approve.
type Kind string

// KindScrap is a scrap posting (报废).
const KindScrap Kind = "scrap"

// Status is where a request stands.
type Status string

const (
	Pending   Status = "pending"
	Approved  Status = "approved"  // its posting is in the ledger
	Rejected  Status = "rejected"  // refused, with a reason
	Withdrawn Status = "withdrawn" // taken back by the requester
)

// Policy says which movements need a second person.
type Policy struct {
	// ScrapUnits is the most one scrap line may write off without
	// approval; 0 sends every scrap to approval.
	ScrapUnits stock.Quantity `json:"scrap_units"`
}

// DefaultPolicy lets a keeper scrap up to 10 units of a lot alone.
var DefaultPolicy = Policy{ScrapUnits: stock.Units(10)}

// Needs reports whether posting p must wait for approval: one of its scrap
// lines writes off more than the threshold.
func (pol Policy) Needs(p stock.Posting) bool {
	for _, l := range p.Lines {
		if l.Kind == stock.KindScrap && l.Quantity > pol.ScrapUnits {
			return true
		}
	}
	return false
}

// Request is a posting waiting for approval.
type Request struct {
	ID          int64         `json:"id"`
	Kind        Kind          `json:"kind"`
	Depot       string        `json:"depot"`
	Posting     stock.Posting `json:"posting"`
	Status      Status        `json:"status"`
	RequestedBy string        `json:"requested_by"`
	RequestedAt int64         `json:"requested_at"`
	DecidedBy   string        `json:"decided_by,omitempty"`
	DecidedAt   int64         `json:"decided_at,omitempty"`
	Note        string        `json:"note,omitempty"` // the reason of a rejection, or the approver's remark
	PostingID   int64         `json:"posting_id,omitempty"`
	// Replayed is set on the answer to a retry under the same
	// idempotency key: the request stored the first time.
	Replayed bool `json:"replayed,omitempty"`
}

// NewScrap makes the request for a scrap posting by who: every line a
// scrap at one depot, with a reason (the scrap's cause: 霉变、破损、过期).
func NewScrap(p stock.Posting, who string) (Request, error) {
	p.Actor = who
	if err := p.Validate(); err != nil {
		return Request{}, err
	}
	r := Request{Kind: KindScrap, Depot: p.Lines[0].Depot, Posting: p, Status: Pending, RequestedBy: who}
	for i, l := range p.Lines {
		if l.Kind != stock.KindScrap || l.Depot != r.Depot {
			return r, apperr.New(apperr.Invalid, "approval.scrap_only", "第 %d 行：报废审批单只能包含同一储备库的报废行",
				"line %d: a scrap request holds scrap lines of one depot only", i+1).WithField(fmt.Sprintf("lines[%d].kind", i))
		}
	}
	return r, nil
}

// Transition is what a decision does: the new status and, on approval,
// the posting to apply. The store applies it in one transaction.
type Transition struct {
	From, To Status
	By, Note string
	Posting  *stock.Posting
}

// Approve decides approval by who, someone other than the requester. The
// posting keeps the requester as its actor (they scrap the units) and
// names the approver in its reason; its idempotency key is the request's,
// so it is applied once.
func (r Request) Approve(who, note string) (Transition, error) {
	if err := r.decidable(who, true); err != nil {
		return Transition{}, err
	}
	p := r.Posting
	p.Actor = r.RequestedBy
	p.Reason = strings.TrimSpace(p.Reason) + "（审批 approved by " + who + "）"
	p.IdempotencyKey = fmt.Sprintf("approval:%d", r.ID)
	return Transition{From: r.Status, To: Approved, By: who, Note: note, Posting: &p}, nil
}

// Reject decides rejection by who, with a reason.
func (r Request) Reject(who, note string) (Transition, error) {
	if err := r.decidable(who, true); err != nil {
		return Transition{}, err
	}
	if strings.TrimSpace(note) == "" {
		return Transition{}, apperr.Required("note", "驳回理由", "reason for the rejection")
	}
	return Transition{From: r.Status, To: Rejected, By: who, Note: note}, nil
}

// Withdraw takes the request back; only the requester may.
func (r Request) Withdraw(who string) (Transition, error) {
	if err := r.decidable(who, false); err != nil {
		return Transition{}, err
	}
	if who != r.RequestedBy {
		return Transition{}, apperr.New(apperr.Forbidden, "approval.not_requester", "只有申请人可以撤回审批单 #%d",
			"only the requester may withdraw request #%d", r.ID)
	}
	return Transition{From: r.Status, To: Withdrawn, By: who}, nil
}

// decidable refuses a request no longer pending and, when second is set,
// a decision by the requester.
func (r Request) decidable(who string, second bool) error {
	if r.Status != Pending {
		return apperr.New(apperr.Conflict, "approval.decided", "审批单 #%d 已处理（%s）",
			"request #%d was already decided (%s)", r.ID, string(r.Status))
	}
	if second && who == r.RequestedBy {
		return apperr.New(apperr.Forbidden, "approval.self", "审批单 #%d 须由申请人以外的人审批",
			"request #%d must be decided by someone other than its requester", r.ID)
	}
	return nil
}

// ErrNeedsApproval refuses a posting the policy sends to approval when it
// is posted directly.
func ErrNeedsApproval(pol Policy) error {
	return apperr.New(apperr.Conflict, "scrap.approval_required",
		"单行报废超过 %s 须经第二人审批：请提交报废审批（POST /api/scraps）",
		"a scrap of more than %s on one line needs a second person's approval: submit it for approval (POST /api/scraps)",
		pol.ScrapUnits.String())
}
