package readiness_test

import (
	"context"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/readiness"
	"github.com/stockpile-dev/stockpile/internal/reserve"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// TestChainContractReserves: a contract reserve counts in the chain of the
// party that signed it (its Party), wherever the enterprise sits. ORG-D (district B)
// signed for 60 tents in 2 h at B; ORG-C (the city) for 25 tents in 1 h,
// also at B. Level Ⅱ in B needs 500 tents (1,999 × 0.25, rounded up):
//
//	own 4 h     D-B 40 + XY-T 60                       = 100 → 0.20
//	+ city 6 h  + C-CITY 100 + XY-TC 25                 = 225 → 0.45
//	+ all 24 h  + D-A 80 + D-C 5 + S-C 10               = 320 → 0.64
//
// A, with its own 80 tents, starts at 0.16 (the city's XY-TC is not its
// own either, nor B's XY-T); C, with 15, at 0.03: the districts differ.
func TestChainContractReserves(t *testing.T) {
	f := stockedCity()
	f.agreements = append(f.agreements,
		reserve.Agreement{Code: "XY-T", OrgCode: "ORG-D", Party: "ORG-D", Item: tent, Quantity: stock.Units(60), DeliveryHours: 2, Point: pointB},
		reserve.Agreement{Code: "XY-TC", OrgCode: "ORG-C", Party: "ORG-C", Item: tent, Quantity: stock.Units(25), DeliveryHours: 1, Point: pointB})
	a := newAssessor(t, f, testConfig(norm("*", tent, readiness.PerRelocated, 0.25)))
	ov, err := a.Overview(context.Background(), [2]string{distA, distC}, "flood", nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]readiness.Chain{
		distA: {Own4h: 80.0 / 500, City6h: 205.0 / 500, Others24h: 320.0 / 500},
		distB: {Own4h: 100.0 / 500, City6h: 225.0 / 500, Others24h: 320.0 / 500},
		distC: {Own4h: 15.0 / 500, City6h: 140.0 / 500, Others24h: 320.0 / 500},
	}
	for _, dr := range ov.Districts {
		w := want[dr.Area]
		if !near(dr.Chain.Own4h, w.Own4h) || !near(dr.Chain.City6h, w.City6h) || !near(dr.Chain.Others24h, w.Others24h) {
			t.Errorf("district %s chain %+v; want %+v", dr.Area, dr.Chain, w)
		}
		if dr.Chain.City6h < dr.Chain.Own4h || dr.Chain.Others24h < dr.Chain.City6h {
			t.Errorf("district %s chain %+v is not cumulative", dr.Area, dr.Chain)
		}
	}
}

// TestChainWeighsItemsAsSummary: two items, each share capped at 1 and
// weighed equally. District C needs 500 tents and 1,000 cases of water
// (0.5 a person, rounded up from 999.5); water is held at D-C 500 and
// D-B 30. C's own: tents 15 → 0.03, water 500 → 0.5; chain own = (0.03 + 0.5) ÷ 2 = 0.265. With the city (no
// water): tents 115 → 0.23, water 0.5 → 0.365. With B's 30 bottles and
// A's and B's tents: tents 235 → 0.47, water 530 → 0.53 → 0.5.
func TestChainWeighsItemsAsSummary(t *testing.T) {
	a := newAssessor(t, stockedCity(), testConfig(norm("*", tent, readiness.PerRelocated, 0.25),
		norm("*", water, readiness.PerRelocated, 0.5)))
	ov, err := a.Overview(context.Background(), [2]string{distA, distC}, "flood", nil)
	if err != nil {
		t.Fatal(err)
	}
	dr := ov.Districts[2]
	if dr.Area != distC {
		t.Fatalf("district %s, want C", dr.Area)
	}
	want := readiness.Chain{Own4h: (15.0/500 + 500.0/1000) / 2, City6h: (115.0/500 + 500.0/1000) / 2,
		Others24h: (235.0/500 + 530.0/1000) / 2}
	if !near(dr.Chain.Own4h, want.Own4h) || !near(dr.Chain.City6h, want.City6h) || !near(dr.Chain.Others24h, want.Others24h) {
		t.Errorf("C chain %+v; want %+v", dr.Chain, want)
	}
	for _, di := range dr.Items {
		if di.Item == water && (!near(di.Own4h, 0.5) || !near(di.City6h, 0.5) || !near(di.Others24h, 0.53)) {
			t.Errorf("C water %+v", di)
		}
	}
}

// TestNeighbours: support to Tianjin and Langfang is city stock only: a
// level Ⅱ event at the test level Ⅱ threshold (1,000 people) needs 250
// tents, of which C-CITY's 100 arrive within 24 h (about 145 and 75 km
// away at 60 km/h); district depots do not count.
func TestNeighbours(t *testing.T) {
	a := newAssessor(t, stockedCity(), testConfig(norm("*", tent, readiness.PerRelocated, 0.25)))
	ov, err := a.Overview(context.Background(), [2]string{distA, distC}, "flood", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(ov.Neighbours) != 2 {
		t.Fatalf("neighbours %+v", ov.Neighbours)
	}
	for _, n := range ov.Neighbours {
		if n.Relocated != 1000 || !near(n.Within24, 100.0/250) || len(n.Items) != 1 ||
			n.Items[0].Required != stock.Units(250) || !n.Assumption {
			t.Errorf("neighbour %+v", n)
		}
	}
}
