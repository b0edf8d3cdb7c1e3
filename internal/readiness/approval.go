package readiness

import (
	"fmt"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/transfer"
)

// Approve returns the transfer order that carries out a proposed
// recommendation, ordered by actor (a principal id): one line per move,
// from the lots the recommendation chose. A recommendation that is not
// proposed, or moves nothing, is refused as a conflict. The caller stores
// the order (its lots reserved) and marks the recommendation approved in
// one transaction; when the stock has moved meanwhile, that fails and the
// recommendation should be made again.
func (r Recommendation) Approve(actor string) (transfer.Order, error) {
	if err := r.expectProposed("approve", "批准"); err != nil {
		return transfer.Order{}, err
	}
	if len(r.Moves) == 0 {
		return transfer.Order{}, apperr.New(apperr.Conflict, "preposition.empty", "前置建议 #%d 没有调拨，无需批准",
			"recommendation #%d moves nothing: there is nothing to approve", r.ID)
	}
	o := transfer.Order{Reason: "前置：" + r.Scenario.NameZH, Origin: fmt.Sprintf("preposition:%d", r.ID), CreatedBy: actor}
	for _, m := range r.Moves {
		o.Lines = append(o.Lines, transfer.Line{From: m.From, To: m.To, Item: m.Item, Quantity: m.Quantity, Lots: m.Lots})
	}
	return o, nil
}

// Cancel returns r dropped, or a conflict when it is not proposed.
func (r Recommendation) Cancel() (Recommendation, error) {
	if err := r.expectProposed("cancel", "取消"); err != nil {
		return r, err
	}
	r.Status = RecommendationCancelled
	return r, nil
}

func (r Recommendation) expectProposed(verbEN, verbZH string) error {
	if r.Status == RecommendationProposed {
		return nil
	}
	return apperr.New(apperr.Conflict, "preposition.status", "前置建议 #%[1]d 当前状态为 %[2]s，不能%[3]s",
		"recommendation #%[1]d is %[2]s: it cannot %[4]s", r.ID, r.Status, verbZH, verbEN).WithField("status")
}
