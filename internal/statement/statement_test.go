package statement_test

import (
	"testing"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/statement"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

func TestClassify(t *testing.T) {
	t.Parallel()
	u := stock.Units
	for _, tc := range []struct {
		kind  stock.EntryKind
		delta stock.Quantity
		want  statement.Column
		ok    bool
	}{
		{stock.EntryReceive, u(10), statement.Received, true},
		{stock.EntryTransferIn, u(3), statement.TransferredIn, true},
		{stock.EntryReturn, u(2), statement.Returned, true},
		{stock.EntryAdjust, u(1), statement.CountGain, true},
		{stock.EntryIssue, u(-4), statement.Issued, true},
		{stock.EntryTransferOut, u(-3), statement.TransferredOut, true},
		{stock.EntryScrap, u(-1), statement.Scrapped, true},
		{stock.EntryAdjust, -500, statement.CountLoss, true}, // half a unit lost
		// Reservations change what is reserved, not what is on hand.
		{stock.EntryReserve, u(5), statement.None, true},
		{stock.EntryRelease, u(-5), statement.None, true},
		// Entries that move no units: a lot's quality changing, whatever
		// its kind is called.
		{stock.EntryKind("quality_damaged"), 0, statement.None, true},
		{stock.EntryKind("anything_new"), 0, statement.None, true},
		// Units moved by a kind with no column, or against its kind's
		// direction: the statement would not balance.
		{stock.EntryKind("anything_new"), u(1), statement.None, false},
		{stock.EntryReceive, u(-1), statement.Received, false},
		{stock.EntryIssue, u(1), statement.Issued, false},
	} {
		got, ok := statement.Classify(tc.kind, tc.delta)
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("Classify(%s, %s) = %v, %t; want %v, %t", tc.kind, tc.delta, got, ok, tc.want, tc.ok)
		}
	}
}

// TestColumnsCoverTheLedger: every entry kind of the ledger that moves
// units has a column, in the direction it moves them.
func TestColumnsCoverTheLedger(t *testing.T) {
	t.Parallel()
	for _, k := range []stock.EntryKind{stock.EntryReceive, stock.EntryTransferIn, stock.EntryReturn, stock.EntryAdjust} {
		if c, ok := statement.Classify(k, 1); !ok || !c.In() {
			t.Errorf("%s +1: column %v (%t), want a column in", k, c, ok)
		}
	}
	for _, k := range []stock.EntryKind{stock.EntryIssue, stock.EntryTransferOut, stock.EntryScrap, stock.EntryAdjust} {
		if c, ok := statement.Classify(k, -1); !ok || !c.Out() {
			t.Errorf("%s −1: column %v (%t), want a column out", k, c, ok)
		}
	}
	seen := map[string]bool{}
	for _, c := range statement.Columns {
		zh, en := c.Names()
		if zh == "" || en == "" || seen[zh] || seen[en] || c.In() == c.Out() {
			t.Errorf("column %d: names %q %q, in %t out %t", c, zh, en, c.In(), c.Out())
		}
		seen[zh], seen[en] = true, true
	}
}

// TestRowBalances adds a month's entries to a row and checks the
// statement's equation.
func TestRowBalances(t *testing.T) {
	t.Parallel()
	u := stock.Units
	r := statement.Row{Opening: u(100)}
	entries := []struct {
		kind  stock.EntryKind
		delta stock.Quantity
	}{
		{stock.EntryReceive, u(50)}, {stock.EntryReceive, u(10)}, {stock.EntryTransferIn, u(7)},
		{stock.EntryReturn, u(3)}, {stock.EntryAdjust, u(2)}, {stock.EntryIssue, u(-40)},
		{stock.EntryTransferOut, u(-20)}, {stock.EntryScrap, u(-5)}, {stock.EntryAdjust, u(-1)},
		{stock.EntryReserve, u(30)}, {stock.EntryRelease, u(-30)},
	}
	var net stock.Quantity
	for _, e := range entries {
		c, ok := statement.Classify(e.kind, e.delta)
		if !ok {
			t.Fatalf("%s %s has no column", e.kind, e.delta)
		}
		r.Add(c, e.delta)
		if c != statement.None {
			net += e.delta
		}
	}
	r.Closing = r.Opening + net
	want := statement.Row{Opening: u(100), Received: u(60), TransferredIn: u(7), Returned: u(3), CountGain: u(2),
		Issued: u(40), TransferredOut: u(20), Scrapped: u(5), CountLoss: u(1), Closing: u(106)}
	if r != want {
		t.Fatalf("row\n got %+v\nwant %+v", r, want)
	}
	if !r.Balanced() || r.In() != u(72) || r.Out() != u(66) || r.Get(statement.Scrapped) != u(5) {
		t.Errorf("row %+v: balanced %t, in %s, out %s", r, r.Balanced(), r.In(), r.Out())
	}
	r.Closing++
	if r.Balanced() {
		t.Error("a closing one thousandth off still balances")
	}
	if !(statement.Row{}).Empty() || r.Empty() {
		t.Error("Empty")
	}
}

func TestNewPeriod(t *testing.T) {
	t.Parallel()
	const today = "2026-06-17"
	for _, tc := range []struct {
		from, to         string
		wantFrom, wantTo string
		code, field      string
	}{
		{"", "", "2026-06-01", "2026-06-17", "", ""},                     // this month so far
		{"", "2026-03-31", "2026-03-01", "2026-03-31", "", ""},           // the month to ends in
		{"2026-01-01", "", "2026-01-01", "2026-06-17", "", ""},           // up to today
		{"2026-05-01", "2026-05-31", "2026-05-01", "2026-05-31", "", ""}, // a month
		{"2026-05-09", "2026-05-09", "2026-05-09", "2026-05-09", "", ""}, // one day
		{"2026-06-01", "2026-12-31", "2026-06-01", "2026-06-17", "", ""}, // the future is today
		{"2026-07-01", "2026-07-31", "2026-06-17", "2026-06-17", "", ""},
		{"", "2027-01-31", "2026-06-01", "2026-06-17", "", ""},
		{"2026-05-31", "2026-05-01", "", "", "statement.period_invalid", "from"},
		{"2026-07-31", "2026-07-01", "", "", "statement.period_invalid", "from"},
		{"2026/05/01", "", "", "", "date.malformed", "from"},
		{"", "2026-5-1", "", "", "date.malformed", "to"},
		{"", "2026-02-30", "", "", "date.malformed", "to"},
	} {
		p, err := statement.NewPeriod(tc.from, tc.to, today)
		if tc.code != "" {
			e, ok := apperr.As(err)
			if !ok || e.Code != tc.code || e.Field != tc.field || e.Kind != apperr.Invalid || e.ZH == "" || e.EN == "" {
				t.Errorf("NewPeriod(%q, %q): %#v, want %s on %s", tc.from, tc.to, err, tc.code, tc.field)
			}
			continue
		}
		if err != nil || p != (statement.Period{From: tc.wantFrom, To: tc.wantTo}) {
			t.Errorf("NewPeriod(%q, %q) = %+v, %v; want %s … %s", tc.from, tc.to, p, err, tc.wantFrom, tc.wantTo)
		}
	}
	start, end := statement.Period{From: "2026-05-01", To: "2026-05-31"}.Bounds()
	if got := start.UTC().Format("2006-01-02 15:04"); got != "2026-04-30 16:00" {
		t.Errorf("start %s UTC, want 2026-04-30 16:00 (midnight in China)", got)
	}
	if got := end.UTC().Format("2006-01-02 15:04"); got != "2026-05-31 16:00" {
		t.Errorf("end %s UTC, want 2026-05-31 16:00 (the end of May 31 in China)", got)
	}
}

func TestDay(t *testing.T) {
	t.Parallel()
	const today = "2026-06-17"
	for in, want := range map[string]string{"": today, "2026-03-31": "2026-03-31", "2030-01-01": today, today: today} {
		if got, err := statement.Day(in, today); err != nil || got != want {
			t.Errorf("Day(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := statement.Day("yesterday", today); apperr.CodeOf(err) != "date.malformed" {
		t.Errorf("Day(yesterday): %v, want date.malformed", err)
	} else if e, _ := apperr.As(err); e.Field != "date" {
		t.Errorf("field %q, want date", e.Field)
	}
}
