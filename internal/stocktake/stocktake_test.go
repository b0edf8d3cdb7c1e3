package stocktake

import (
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

// TestThreshold: a variance is recounted when it is above both the units
// and the share of the book.
func TestThreshold(t *testing.T) {
	th := DefaultThreshold // 2 % and 1 unit
	for _, c := range []struct {
		variance, book int64
		want           bool
	}{
		{1, 10, false},    // one unit: not above 1
		{2, 10, true},     // 20 % and 2 units
		{2, 1000, false},  // 0.2 %
		{-30, 1000, true}, // 3 %, a shortage as much as a surplus
		{2, 0, true},      // found where the book says none
		{0, 0, false},
	} {
		if got := th.Exceeded(stock.Units(c.variance), stock.Units(c.book)); got != c.want {
			t.Errorf("variance %d of %d: %t, want %t", c.variance, c.book, got, c.want)
		}
	}
}

// TestLifeOfACount walks the states of lines and of the count, and the
// adjustments approval posts.
func TestLifeOfACount(t *testing.T) {
	c := Count{ID: 7, Depot: "D1", Status: Open, Threshold: DefaultThreshold,
		Lines: []Line{{Lot: "A", Item: "1010101", State: Pending}, {Lot: "B", Item: "1010101", State: Pending}}}
	rec := func(lot string, counted, book int64) Line {
		t.Helper()
		l, err := c.Record(Entry{Lot: lot, Item: "1010101", Counted: stock.Units(counted), Book: stock.Units(book), By: "k"})
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	if l := rec("A", 100, 100); l.State != Counted {
		t.Fatalf("A: %s", l.State)
	}
	if l := rec("B", 50, 60); l.State != Recount {
		t.Fatalf("B: %s", l.State)
	}
	if _, err := c.Act(ActSubmit, "k"); code(err) != "count.incomplete" {
		t.Fatalf("submit with a recount due: %v", err)
	}
	if l := rec("B", 58, 60); l.State != Recounted || *l.First != stock.Units(50) {
		t.Fatalf("B recounted: %+v", l)
	}
	if l := rec("C", 3, 0); l.State != Recount || len(c.Lines) != 3 {
		t.Fatalf("a lot found on the shelf: %+v, %d lines", l, len(c.Lines))
	}
	rec("C", 3, 0)
	if _, err := c.Record(Entry{Lot: "A", Counted: -1}); code(err) != "count.negative" {
		t.Fatalf("negative count: %v", err)
	}
	tr, err := c.Act(ActSubmit, "k")
	if err != nil || tr.To != Submitted || tr.Posting != nil {
		t.Fatalf("submit: %+v %v", tr, err)
	}
	c.Status = Submitted
	if _, err := c.Record(Entry{Lot: "A", Counted: 1}); code(err) != "count.not_open" {
		t.Fatalf("count after submission: %v", err)
	}
	if _, err := c.Act(ActSubmit, "k"); code(err) != "count.illegal_step" {
		t.Fatalf("submit twice: %v", err)
	}
	tr, err = c.Act(ActApprove, "m")
	if err != nil || tr.To != Approved || tr.Posting == nil {
		t.Fatalf("approve: %+v %v", tr, err)
	}
	p := tr.Posting
	if p.IdempotencyKey != "stocktake:7" || len(p.Lines) != 2 || p.Lines[0].Lot != "B" || p.Lines[0].Quantity != stock.Units(-2) ||
		p.Lines[1].Lot != "C" || p.Lines[1].Quantity != stock.Units(3) || p.Lines[0].Kind != stock.KindAdjust {
		t.Fatalf("adjustments %+v", p)
	}
	if err := p.Validate(); err != nil {
		t.Fatalf("the adjustments do not validate: %v", err)
	}
	for _, a := range []Action{ActReopen, ActCancel} {
		if tr, err := c.Act(a, "m"); err != nil || tr.Posting != nil {
			t.Errorf("%s a submitted count: %+v %v", a, tr, err)
		}
	}
	c.Status = Approved
	for _, a := range []Action{ActSubmit, ActApprove, ActReopen, ActCancel} {
		if _, err := c.Act(a, "m"); code(err) != "count.illegal_step" {
			t.Errorf("%s an approved count: %v", a, err)
		}
	}
}

func TestValidate(t *testing.T) {
	for _, c := range []struct {
		count Count
		code  string
	}{
		{Count{}, "field.required"},
		{Count{Depot: "D", Scope: Scope{Sample: MaxSample + 1}}, "count.sample_range"},
		{Count{Depot: "D", Threshold: Threshold{Percent: 101}}, "count.threshold_range"},
		{Count{Depot: "D", Scope: Scope{Location: "A 1"}}, "location.malformed"},
		{Count{Depot: "D", Scope: Scope{Location: "A-1", Sample: 5}}, ""},
	} {
		if got := code(c.count.Validate()); got != c.code {
			t.Errorf("%+v: %q, want %q", c.count, got, c.code)
		}
	}
	if _, err := ParseAction("freeze"); code(err) != "count.action_invalid" {
		t.Errorf("ParseAction: %v", err)
	}
}
