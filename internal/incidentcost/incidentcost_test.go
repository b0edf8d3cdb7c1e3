package incidentcost_test

import (
	"testing"

	"github.com/stockpile-dev/stockpile/internal/incidentcost"
	"github.com/stockpile-dev/stockpile/internal/money"
	"github.com/stockpile-dev/stockpile/internal/readiness"
	"github.com/stockpile-dev/stockpile/internal/requisition"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

func TestCompute(t *testing.T) {
	prices := []readiness.Price{{Item: "1010101", Yuan: 1500, Source: "tender", Assumption: false},
		{Item: "1030101", Yuan: 29.99, Source: "assumption: retail", Assumption: true}}
	uses := []incidentcost.Use{
		{Item: "1030101", Distributed: stock.Units(10), Consumed: stock.Quantity(500), Missing: stock.Units(1)},
		{Item: "1010101", Distributed: stock.Units(20), Consumed: stock.Units(5), Damaged: stock.Units(2)},
		{Item: "2050102", Consumed: stock.Units(1)}, // no price
		{Item: "1020101"}, // nothing used: no line
	}
	totals := requisition.Totals{Incident: "FS", Assessed: money.Yuan(12_000), Paid: money.Yuan(2_000),
		Count: map[requisition.Status]int{requisition.Assessed: 2, requisition.Compensated: 1, requisition.Cancelled: 4}}
	r, err := incidentcost.Compute("FS", []string{"SITE:FS:S2", "SITE:FS:S1"}, uses, prices, totals)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Lines) != 3 || r.Lines[0].Item != "1010101" || r.Lines[2].Item != "2050102" || r.Sites[0] != "SITE:FS:S1" {
		t.Fatalf("lines %+v sites %v", r.Lines, r.Sites)
	}
	tent, water, pump := r.Lines[0], r.Lines[1], r.Lines[2]
	if tent.Quantity != stock.Units(27) || *tent.UnitPrice != money.Yuan(1500) || *tent.Cost != money.Yuan(40_500) || !tent.Priced {
		t.Errorf("tents %+v", tent)
	}
	// 11.5 cases at 29.99 = 344.885 → 344.89
	if water.Quantity != stock.Quantity(11_500) || *water.Cost != money.Fen(34_489) || !water.PriceAssumption {
		t.Errorf("water %+v cost %s", water, water.Cost)
	}
	if pump.Priced || pump.UnitPrice != nil || pump.Cost != nil || pump.Quantity != stock.Units(1) {
		t.Errorf("an unpriced line %+v", pump)
	}
	if r.Goods != money.Fen(4_050_000+34_489) || r.Unpriced != 1 || r.Complete {
		t.Errorf("goods %s unpriced %d complete %v", r.Goods, r.Unpriced, r.Complete)
	}
	if r.Compensation != money.Yuan(12_000) || r.CompensationPaid != money.Yuan(2_000) || r.Requisitions != 3 ||
		r.Total != r.Goods+money.Yuan(12_000) {
		t.Errorf("compensation %s paid %s requisitions %d total %s", r.Compensation, r.CompensationPaid, r.Requisitions, r.Total)
	}

	empty, err := incidentcost.Compute("X", nil, nil, prices, requisition.Totals{})
	if err != nil || len(empty.Lines) != 0 || !empty.Complete || empty.Total != 0 || empty.Sites == nil {
		t.Fatalf("nothing used: %+v %v", empty, err)
	}
	huge := []incidentcost.Use{{Item: "1010101", Consumed: stock.MaxQuantity}, {Item: "1010102", Consumed: stock.MaxQuantity}}
	big := []readiness.Price{{Item: "1010101", Yuan: readiness.MaxPriceYuan}, {Item: "1010102", Yuan: readiness.MaxPriceYuan}}
	if _, err := incidentcost.Compute("X", nil, huge, big, requisition.Totals{}); err != nil {
		t.Fatalf("two lines at the bounds: %v", err)
	}
}
