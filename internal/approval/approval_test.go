package approval

import (
	"strings"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

func code(err error) string {
	if e, ok := apperr.As(err); ok {
		return e.Code
	}
	return ""
}

func scrap(depot string, n int64) stock.Line {
	return stock.Line{Kind: stock.KindScrap, Depot: depot, Item: "1010101", Lot: "A", Quantity: stock.Units(n)}
}

func TestPolicy(t *testing.T) {
	pol := DefaultPolicy
	if pol.Needs(stock.Posting{Lines: []stock.Line{scrap("D", 10)}}) {
		t.Error("10 units need approval")
	}
	if !pol.Needs(stock.Posting{Lines: []stock.Line{scrap("D", 3), scrap("D", 11)}}) {
		t.Error("11 units on one line need no approval")
	}
	if pol.Needs(stock.Posting{Lines: []stock.Line{{Kind: stock.KindIssue, Depot: "D", Item: "1", Quantity: stock.Units(500)}}}) {
		t.Error("an issue needs approval")
	}
	if !(Policy{}).Needs(stock.Posting{Lines: []stock.Line{scrap("D", 1)}}) {
		t.Error("a zero threshold lets a scrap through")
	}
}

func TestDecisions(t *testing.T) {
	if _, err := NewScrap(stock.Posting{Reason: "x", Lines: []stock.Line{scrap("D", 20), scrap("E", 20)}}, "k"); code(err) != "approval.scrap_only" {
		t.Fatalf("two depots: %v", err)
	}
	r, err := NewScrap(stock.Posting{Reason: "霉变", Lines: []stock.Line{scrap("D", 20)}}, "k")
	if err != nil || r.Depot != "D" || r.Status != Pending || r.Posting.Actor != "k" {
		t.Fatalf("request %+v %v", r, err)
	}
	r.ID = 3
	if _, err := r.Approve("k", ""); code(err) != "approval.self" {
		t.Fatalf("self-approval: %v", err)
	}
	if _, err := r.Reject("m", " "); code(err) != "field.required" {
		t.Fatalf("rejection without a reason: %v", err)
	}
	if _, err := r.Withdraw("m"); code(err) != "approval.not_requester" {
		t.Fatalf("withdrawn by another: %v", err)
	}
	tr, err := r.Approve("m", "属实")
	if err != nil || tr.To != Approved || tr.Posting.Actor != "k" || tr.Posting.IdempotencyKey != "approval:3" ||
		!strings.Contains(tr.Posting.Reason, "m") {
		t.Fatalf("approval %+v %v", tr, err)
	}
	r.Status = Approved
	if _, err := r.Withdraw("k"); code(err) != "approval.decided" {
		t.Fatalf("withdraw a decided request: %v", err)
	}
}
