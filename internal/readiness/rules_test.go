package readiness_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/readiness"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// TestPurchaseCost (rule 5): each purchase line is costed at its item's
// unit price, and the budgets sum them per holder: the city, then each
// district. Lines of TestAssessHoldings: tents city 50; quilts city 330,
// A 40, C 80. At 100 yuan a tent and 10 a quilt: the city 5,000 + 3,300,
// A 400, C 800; 9,500 in all. Water has no price and no line.
func TestPurchaseCost(t *testing.T) {
	cfg := holdingsConfig()
	cfg.Prices = []readiness.Price{{Item: tent, Yuan: 100, Source: "test"}, {Item: quilt, Yuan: 10, Source: "test", Assumption: true}}
	as := assess(t, newAssessor(t, stockedCity(), cfg),
		readiness.Event{Hazard: "general", Relocated: 1000, Areas: []string{distA, distB, distC}})
	checkIdentities(t, as)
	want := []readiness.Budget{
		{Tier: area.LevelCity, Lines: 2, Cost: 8300},
		{Tier: area.LevelDistrict, Area: distA, AreaZH: "甲区", Lines: 1, Cost: 400},
		{Tier: area.LevelDistrict, Area: distC, AreaZH: "丙区", Lines: 1, Cost: 800},
	}
	if len(as.Budgets) != len(want) {
		t.Fatalf("budgets %+v, want %+v", as.Budgets, want)
	}
	for i, b := range as.Budgets {
		if b != want[i] {
			t.Errorf("budget %d: %+v, want %+v", i, b, want[i])
		}
	}
	if as.PurchaseCost != 9500 {
		t.Errorf("purchase cost %v, want 9500", as.PurchaseCost)
	}
	if p := as.Purchases[1]; p.Item != quilt || p.UnitYuan != 10 || p.Cost != 3300 || !p.Priced || !p.PriceAssumption {
		t.Errorf("quilt line %+v", p)
	}
	if iv := itemOf(t, as, quilt); iv.Cost != 4500 {
		t.Errorf("quilt cost %v, want 3,300 + 400 + 800", iv.Cost)
	}

	// Without prices the lines are unpriced and the budgets count them.
	cfg.Prices = nil
	as = assess(t, newAssessor(t, stockedCity(), cfg),
		readiness.Event{Hazard: "general", Relocated: 1000, Areas: []string{distA, distB, distC}})
	if as.PurchaseCost != 0 || as.Budgets[0].Unpriced != 2 || as.Purchases[0].Priced {
		t.Errorf("unpriced: cost %v, budgets %+v", as.PurchaseCost, as.Budgets)
	}
}

// TestPricesCSV (rule 5): prices import all or nothing, with a report of
// every bad row, and export back to the same prices.
func TestPricesCSV(t *testing.T) {
	known := readiness.Known{Item: func(c string) bool { _, ok := catalogItems()[c]; return ok }}
	good := "item,yuan,assumption,source\n" + tent + ",1500,yes,assumed\n" + quilt + ",150,no,tender 2024\n"
	prices, err := readiness.ImportPrices(good, known)
	if err != nil || len(prices) != 2 || prices[0].Yuan != 1500 || !prices[0].Assumption || prices[1].Source != "tender 2024" {
		t.Fatalf("prices %+v, %v", prices, err)
	}
	again, err := readiness.ImportPrices(string(readiness.ExportPrices(prices)), known)
	if err != nil || len(again) != 2 || again[0] != prices[0] || again[1] != prices[1] {
		t.Errorf("round trip %+v, %v", again, err)
	}
	bad := "item,yuan,assumption,source\n" + tent + ",-1,yes,negative\n9999999,1,no,unknown\n" + quilt + ",x,no,nan\n" + tent + ",2,no,\n"
	_, err = readiness.ImportPrices(bad, known)
	e, ok := asAppErr(err)
	if !ok || e.Code != "prices.import" || len(e.Rows) != 4 || e.Rows[0].Field != "yuan" || e.Rows[1].Field != "item" ||
		e.Rows[2].Field != "yuan" || e.Rows[3].Field != "source" {
		t.Errorf("bad rows: %+v", err)
	}
	if _, err := readiness.ImportPrices("item,price\n", known); fieldCode(err) != "prices.header" {
		t.Errorf("bad header: %v", err)
	}
	// Shipped defaults: every norm's item has a price, each with a source.
	c := readiness.DefaultConfig()
	for _, n := range c.Norms {
		found := false
		for _, p := range c.Prices {
			found = found || (p.Item == n.Item && p.Source != "")
		}
		if !found {
			t.Errorf("no shipped price for %s", n.Item)
		}
	}
	c.Prices = append(c.Prices, c.Prices[0])
	if err := c.Validate(known); fieldOf(err) != "prices["+itoa(len(c.Prices)-1)+"].item" {
		t.Errorf("a repeated price: %v (field %s)", err, fieldOf(err))
	}
}

// TestRotationSettings (rule 1): the rotation rule is validated naming
// its field, and a stored configuration without one takes the default.
func TestRotationSettings(t *testing.T) {
	for _, tc := range []struct {
		rot   readiness.Rotation
		field string
	}{
		{readiness.Rotation{Share: 0, Days: 90}, "rotation.share"},
		{readiness.Rotation{Share: 1.5}, "rotation.share"},
		{readiness.Rotation{Share: 0.3, Days: -1}, "rotation.days"},
		{readiness.Rotation{Share: 0.3, Items: []readiness.ItemRotation{{Item: tent, Days: 4000}}}, "rotation.items[0].days"},
		{readiness.Rotation{Share: 0.3, Items: []readiness.ItemRotation{{Item: tent, Days: 9}, {Item: tent, Days: 9}}}, "rotation.items[1].item"},
	} {
		c := testConfig()
		c.Rotation = tc.rot
		if err := c.Validate(readiness.Known{}); fieldOf(err) != tc.field {
			t.Errorf("%+v: %v, want field %s", tc.rot, err, tc.field)
		}
	}
	old := readiness.Config{}.WithDefaults()
	if old.Rotation.Share != readiness.DefaultRotation.Share || old.Rotation.Days != 90 || len(old.Prices) == 0 {
		t.Errorf("defaults filled in: %+v, %d prices", old.Rotation, len(old.Prices))
	}
	// Instant noodles (180 days): due in their last 60 days by default.
	d := readiness.DefaultConfig()
	if d.Rotation.Share != 1.0/3 || d.Rotation.Days != 90 {
		t.Errorf("default rotation %+v", d.Rotation)
	}
}

// TestZeroPopulation (rule 3): a district without residents takes none of
// a city-wide event's people, so it needs nothing, not even a per-district
// kit, and gets no dispatch site.
func TestZeroPopulation(t *testing.T) {
	f := stockedCity()
	f.districts = append(f.districts, area.Area{Code: "990104", ParentCode: cityCode, Level: area.LevelDistrict,
		NameZH: "开发区", Population: 0, Point: pointA})
	cfg := testConfig(norm("*", tent, readiness.PerRelocated, 0.25), norm("*", boat, readiness.PerIncident, 2))
	as := assess(t, newAssessor(t, f, cfg), readiness.Event{Hazard: "general", Relocated: 1000, Areas: []string{cityCode}})
	checkIdentities(t, as)
	for _, av := range as.Areas {
		if av.Area == "990104" {
			t.Errorf("the district without residents needs %s of %s", av.Required, av.Item)
		}
	}
	// Boats: 2 for each of A, B, C; tents 150 + 75 + 25.
	if b := itemOf(t, as, boat); b.Required != stock.Units(6) {
		t.Errorf("boats required %s, want 6", b.Required)
	}
	if tv := itemOf(t, as, tent); tv.Required != stock.Units(250) {
		t.Errorf("tents required %s, want 250", tv.Required)
	}
	if _, ok := tierAt(as, tent, area.LevelDistrict, "990104"); ok {
		t.Error("a tier row for the district without residents")
	}
	// Named alone, it shares the event's people evenly: all of them.
	as = assess(t, newAssessor(t, f, cfg), readiness.Event{Hazard: "general", Relocated: 100, Areas: []string{"990104"}})
	if tv := itemOf(t, as, tent); tv.Required != stock.Units(25) {
		t.Errorf("named alone: tents %s, want 25", tv.Required)
	}
}

// TestChinaDate (rule 8): the rotation horizon counts from China's date.
// At 20:00 UTC on 19 July it is already 20 July in Beijing: 365 days reach
// 2027-07-20, so Q-C0 (expiring that day) is due; counted from the UTC
// date it would not be.
func TestChinaDate(t *testing.T) {
	late := time.Date(2026, 7, 19, 20, 0, 0, 0, time.UTC)
	cfg := holdingsConfig()
	cfg.Rotation = readiness.Rotation{Share: 0.1, Items: []readiness.ItemRotation{{Item: quilt, Days: 365}}}
	a := &readiness.Assessor{Data: stockedCity(), Config: cfg, Now: func() time.Time { return late },
		Planner: func(inv dispatch.Inventory) *dispatch.Planner {
			return &dispatch.Planner{Inventory: inv, Router: crowRouter{}, Now: func() time.Time { return late }}
		}}
	as, err := a.Assess(context.Background(), readiness.Scenario{Code: "t", NameZH: "t",
		Events: []readiness.Event{{Hazard: "general", Relocated: 1000, Areas: []string{cityCode}}}})
	if err != nil {
		t.Fatal(err)
	}
	if iv := itemOf(t, as, quilt); iv.Expiring != stock.Units(20) {
		t.Errorf("quilts due %s, want Q-C0's 20", iv.Expiring)
	}
}

// TestLifeSupportLabel (rule 8): the standing scenario says where its
// number comes from.
func TestLifeSupportLabel(t *testing.T) {
	city := area.Area{Code: "110000", Population: 21_893_095}
	c := readiness.DefaultConfig()
	c.LifeSupport.People = 280_000
	life := c.Standing(city, readiness.DefaultPair, "flood")[0]
	for _, s := range []string{life.NameZH, life.NameEN} {
		if !strings.Contains(s, "280,000") || !strings.Contains(s, "262,717") || !strings.Contains(s, "1.2%") {
			t.Errorf("label %q: want the plan's 280,000 and 1.2%% of the census, 262,717", s)
		}
	}
	c.LifeSupport.People = 0
	life = c.Standing(city, readiness.DefaultPair, "flood")[0]
	if !strings.Contains(life.NameZH, "262,717") || !strings.Contains(life.NameZH, "21,893,095") {
		t.Errorf("label %q", life.NameZH)
	}
}

func asAppErr(err error) (*apperr.Error, bool) { return apperr.As(err) }

// fieldCode is the code of an apperr error, or "".
func fieldCode(err error) string {
	if e, ok := apperr.As(err); ok {
		return e.Code
	}
	return ""
}

func itoa(i int) string { return strconv.Itoa(i) }
