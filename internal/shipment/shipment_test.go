package shipment

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

func sample(st Status) Shipment {
	return Shipment{ID: 3, OrderID: 1, From: "D1", To: "SITE:F:S1", Location: "SHIP:1/1", Status: st,
		Lines: []Line{{N: 1, OrderLine: 7, Item: "1010101", Lot: "L1", Quantity: stock.Units(10)},
			{N: 2, OrderLine: 8, Item: "1010101", Lot: "L2", Quantity: stock.Units(5)}}}
}

// TestSteps takes every step from every status: the table's moves are
// allowed, every other is shipment.status, and only departure posts.
func TestSteps(t *testing.T) {
	want := map[Status]map[Step]Status{
		StatusPlanned:   {StepLoad: StatusLoading, StepDepart: StatusInTransit, StepCancel: StatusCancelled},
		StatusLoading:   {StepDepart: StatusInTransit, StepCancel: StatusCancelled},
		StatusInTransit: {StepDeliver: StatusDelivered},
	}
	for _, from := range Statuses {
		for _, st := range Steps {
			tr, err := sample(from).Act(st, "user:1")
			to, ok := want[from][st]
			switch {
			case ok && (err != nil || tr.To != to):
				t.Errorf("%s from %s: %v %v, want %s", st, from, tr.To, err, to)
			case !ok && code(err) != "shipment.status":
				t.Errorf("%s from %s: %v, want shipment.status", st, from, err)
			case ok && (tr.Posting != nil) != (st == StepDepart):
				t.Errorf("%s from %s posts %v", st, from, tr.Posting)
			}
		}
	}
	tr, _ := sample(StatusPlanned).Act(StepDepart, "user:1")
	if len(tr.Posting.Lines) != 4 || tr.Posting.Lines[1].ToDepot != "SHIP:1/1" || tr.Posting.IdempotencyKey != "shipment-3-depart" {
		t.Errorf("departure posting %+v", tr.Posting)
	}
	if _, err := sample(StatusPlanned).Act("fly", "user:1"); code(err) != "shipment.step_invalid" {
		t.Errorf("an unknown step: %v", err)
	}
}

// TestReceive records a partial receipt with a discrepancy, then the rest.
func TestReceive(t *testing.T) {
	sh := sample(StatusInTransit)
	if _, err := sample(StatusPlanned).Receive(Receipt{IdempotencyKey: "k", Signer: "王"}, "u"); code(err) != "receipt.status" {
		t.Errorf("receiving before departure: %v", err)
	}
	cases := []struct {
		name string
		r    Receipt
		want string
	}{
		{"no key", Receipt{Signer: "王", Lines: []ReceiptLine{{N: 1, Received: 1}}}, "receipt.key"},
		{"no signer", Receipt{IdempotencyKey: "k", Lines: []ReceiptLine{{N: 1, Received: 1}}}, "field.required"},
		{"no such line", Receipt{IdempotencyKey: "k", Signer: "王", Lines: []ReceiptLine{{N: 9, Received: 1}}}, "receipt.line"},
		{"twice", Receipt{IdempotencyKey: "k", Signer: "王", Lines: []ReceiptLine{{N: 1, Received: 1}, {N: 1, Received: 1}}},
			"receipt.line_repeated"},
		{"too many", Receipt{IdempotencyKey: "k", Signer: "王", Lines: []ReceiptLine{{N: 2, Received: stock.Units(6)}}},
			"receipt.over_shipped"},
		{"negative", Receipt{IdempotencyKey: "k", Signer: "王", Lines: []ReceiptLine{{N: 2, Received: -1}}}, "receipt.quantity"},
		{"silent damage", Receipt{IdempotencyKey: "k", Signer: "王", Lines: []ReceiptLine{{N: 2, Damaged: 1}}},
			"receipt.note_required"},
		{"nothing", Receipt{IdempotencyKey: "k", Signer: "王", Lines: []ReceiptLine{{N: 2}}}, "receipt.empty"},
	}
	for _, c := range cases {
		if _, err := sh.Receive(c.r, "u"); code(err) != c.want {
			t.Errorf("%s: %v, want %s", c.name, err, c.want)
		}
	}
	tr, err := sh.Receive(Receipt{IdempotencyKey: "k", Signer: "王", Lines: []ReceiptLine{
		{N: 1, Received: stock.Units(8), Damaged: stock.Units(1), Missing: stock.Units(1), Note: "破损一件，少一件"}}}, "u")
	if err != nil || tr.To != StatusDelivered || len(tr.Posting.Lines) != 2 ||
		tr.Posting.Lines[0].Kind != stock.KindTransfer || tr.Posting.Lines[1].Kind != stock.KindScrap ||
		tr.Posting.Lines[1].Quantity != stock.Units(2) {
		t.Fatalf("first receipt %+v %v", tr, err)
	}
	sh.Lines, sh.Status = tr.Lines, tr.To
	tr, err = sh.Receive(Receipt{IdempotencyKey: "k2", Signer: "王", Lines: []ReceiptLine{{N: 2, Received: stock.Units(5)}}}, "u")
	if err != nil || tr.To != StatusReceived || (Shipment{Lines: tr.Lines}).Open() != 0 {
		t.Fatalf("second receipt %+v %v", tr, err)
	}
}
