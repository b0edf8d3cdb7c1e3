package purchase

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

func TestCallOff(t *testing.T) {
	const now = 1_800_000_000
	c := CallOff{ID: 2, Code: "CO-2", Agreement: "XY", Item: "1010101", Depot: "D1", Quantity: stock.Units(50),
		DueAt: now + 3600, Status: StatusOrdered, IdempotencyKey: "k"}
	if err := c.Validate(now); err != nil {
		t.Fatal(err)
	}
	for name, due := range map[string]int64{"past": now - 1, "now": now, "in two years": now + 2*366*24*3600} {
		d := c
		d.DueAt = due
		if code(d.Validate(now)) != "purchase.due" {
			t.Errorf("due %s: %v", name, d.Validate(now))
		}
	}
	if c.Free() != stock.Units(50) {
		t.Errorf("free %s", c.Free())
	}
	if _, err := c.Receive(Delivery{Quantity: stock.Units(51)}, "u"); code(err) != "purchase.over_delivery" {
		t.Errorf("over-delivery: %v", err)
	}
	p, err := c.Receive(Delivery{Quantity: stock.Units(40), Pending: true}, "u")
	if err != nil || len(p.Lines) != 1 || p.Lines[0].NewLot.Quality != stock.QualityPending || p.Lines[0].NewLot.Batch != "CO-2" ||
		p.IdempotencyKey != "call-off-2-received" {
		t.Errorf("receipt %+v %v", p, err)
	}
	c.Reserved = stock.Units(10)
	if code(c.Cancel()) != "purchase.promised" {
		t.Errorf("cancelling a promised call-off: %v", c.Cancel())
	}
	c.Status = StatusReceived
	if _, err := c.Receive(Delivery{Quantity: 1}, "u"); code(err) != "purchase.status" {
		t.Errorf("receiving twice: %v", err)
	}
	if c.Free() != 0 {
		t.Errorf("a received call-off still free: %s", c.Free())
	}
}
