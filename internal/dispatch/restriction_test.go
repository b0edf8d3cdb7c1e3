package dispatch

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// TestDonorRestrictionsHonoured gives a Daxing depot 50 free tents, 50
// tents donated for Changping only and 40 donated for earthquakes only.
// Daxing's flood site needing 80 gets the 50 free ones and is short 30
// (neither donation may go there); Changping's site needing 30 gets them
// from the Changping donation; the earthquake tents stay.
func TestDonorRestrictionsHonoured(t *testing.T) {
	forNorth := lot("DON-N", "2030-01-01", 50)
	forNorth.Restriction = stock.Restriction{Area: north.Code, Purpose: "定向捐赠昌平区"}
	forQuakes := lot("DON-Q", "2029-01-01", 40)
	forQuakes.Restriction = stock.Restriction{IncidentType: "earthquake"}
	inv := &fakeInventory{stocks: []DepotStock{
		depotStock("DX", area.LevelDistrict, south.Code, south.Point, tent.Code, forQuakes, lot("FREE", "2031-01-01", 50), forNorth),
	}}
	pl := &Planner{Inventory: inv, Router: crowRouter{}, Now: func() time.Time { return now }}
	p, err := pl.Plan(context.Background(), []Incident{
		incident("FLOOD-S", 2, newSite("S", south.Point, Demand{Item: tent.Code, Quantity: stock.Units(80), WithinHours: 6})),
		incident("FLOOD-N", 2, newSite("N", north.Point, Demand{Item: tent.Code, Quantity: stock.Units(30), WithinHours: 6})),
	})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]map[string]stock.Quantity{} // site → lot → quantity
	for _, l := range p.Lines {
		if got[l.Site] == nil {
			got[l.Site] = map[string]stock.Quantity{}
		}
		for _, lp := range l.Lots {
			got[l.Site][lp.Lot] += lp.Quantity
		}
		if l.Site == "N" && !strings.Contains(l.ExplainZH, "捐赠物资") {
			t.Errorf("the donated line does not say so: %s", l.ExplainZH)
		}
	}
	if got["S"]["FREE"] != stock.Units(50) || len(got["S"]) != 1 {
		t.Errorf("Daxing's site got %v; want only the 50 free tents", got["S"])
	}
	if got["N"]["DON-N"] != stock.Units(30) || len(got["N"]) != 1 {
		t.Errorf("Changping's site got %v; want 30 of the Changping donation", got["N"])
	}
	for _, c := range p.Coverage {
		if c.Site == "S" && c.Short != stock.Units(30) {
			t.Errorf("Daxing's site short %s, want 30", c.Short)
		}
	}
}
