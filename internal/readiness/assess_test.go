package readiness_test

import (
	"reflect"
	"slices"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/readiness"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// checkSummary checks that a summary's shares lie in [0, 1].
func checkSummary(t *testing.T, s readiness.Summary) {
	t.Helper()
	for name, x := range map[string]float64{"coverage": s.Coverage, "in_time": s.InTime, "within_24": s.Within24, "local": s.Local} {
		if !(x >= 0 && x <= 1) {
			t.Errorf("summary %s = %v, outside [0, 1]: %+v", name, x, s)
		}
	}
	if s.Short < 0 || s.Short > s.Items {
		t.Errorf("summary short %d of %d items", s.Short, s.Items)
	}
}

func holdingsConfig() readiness.Config {
	return testConfig(
		norm("*", tent, readiness.PerRelocated, 0.25),
		norm("*", quilt, readiness.PerRelocated, 1),
		inArea(norm("*", quilt, readiness.PerRelocated, 2), distC),
	)
}

// TestAssessHoldings sets 1000 people relocated across the city (600, 300
// and 100 by district) against the stocked city; every figure is worked
// out by hand from the fixture (see stockedCity).
func TestAssessHoldings(t *testing.T) {
	as := assess(t, newAssessor(t, stockedCity(), holdingsConfig()),
		readiness.Event{Hazard: "general", Relocated: 1000, Areas: []string{distA, distB, distC}})
	checkSummary(t, as.Summary)
	if as.At != now.Unix() || as.PlanningDays != 365 || as.WindowHours != 24 || as.DeadlineHours != 1 || as.Stats.Plans != 1 {
		t.Errorf("assessment header: at %d, %d days, %v h window, %v h deadline, %d plans",
			as.At, as.PlanningDays, as.WindowHours, as.DeadlineHours, as.Stats.Plans)
	}
	if len(as.Items) != 2 || as.Items[0].Item != tent || as.Items[1].Item != quilt {
		t.Fatalf("items %+v, want tent then quilt (norm order)", as.Items)
	}
	u := stock.Units
	for _, w := range []readiness.ItemView{
		// Tents: 150 + 75 + 25 required. Physical: 100 + 50 + 40 + 5 + 10;
		// D-A's lot T-A1 (30) expires 2026-12-31, within the year.
		{Item: tent, Required: u(250), Physical: u(205), Expiring: u(30), Held: u(205), Gap: u(45),
			// Within the hour every depot reaches some district: all 235
			// tents, the expiring lot included, arrive on time.
			OnTime: u(235), Within4h: u(235), Within6h: u(235), Within24h: u(235)},
		// Quilts: 600 + 300 + 200 (C's own norm). Physical: C-CITY's 300
		// (Q-C1 expires 2027-07-21, a day past the horizon) + D-A's 200;
		// Q-C0 (20) expires on the horizon. Agreements within 24 h: XY-1
		// 500 − 100 and XY-9 10; XY-2 takes 48 h. Capacity: none, as CN-1's
		// first daily batch is ready at 12 + 24 = 36 h, beyond the window.
		{Item: quilt, Required: u(1100), Physical: u(500), Expiring: u(20), Agreement: u(410), Capacity: 0,
			Held: u(910), Gap: u(190),
			// On time: the 520 depot quilts (C-CITY, expiring lot included,
			// and D-A, at most 52 min from any district). Within 4 h also
			// XY-9 (2 h), within 24 h XY-1 (12 h); capacity comes after 36 h.
			OnTime: u(520), Within4h: u(530), Within6h: u(530), Within24h: u(930)},
	} {
		iv := itemOf(t, as, w.Item)
		got := readiness.ItemView{Item: iv.Item, Required: iv.Required, Physical: iv.Physical, Expiring: iv.Expiring,
			Agreement: iv.Agreement, Capacity: iv.Capacity, Held: iv.Held, Gap: iv.Gap, OnTime: iv.OnTime,
			Within4h: iv.Within4h, Within6h: iv.Within6h, Within24h: iv.Within24h}
		if !reflect.DeepEqual(got, w) {
			t.Errorf("item %s:\n got %+v\nwant %+v", w.Item, got, w)
		}
		if !near(iv.Coverage, iv.Held.Float()/iv.Required.Float()) || !near(iv.InTime, iv.OnTime.Float()/iv.Required.Float()) {
			t.Errorf("item %s coverage %v, in time %v", w.Item, iv.Coverage, iv.InTime)
		}
		if iv.Within24h < iv.OnTime {
			t.Errorf("item %s: %s within 24 h < %s on time", w.Item, iv.Within24h, iv.OnTime)
		}
	}
	iv := itemOf(t, as, tent)
	if iv.NameZH != "单帐篷" || iv.UnitZH != "顶" || iv.Purpose != catalog.PurposeLife ||
		!slices.Equal(iv.Sources, []string{"test norm " + tent}) || iv.Assumption {
		t.Errorf("tent view %+v", iv)
	}
	if q := itemOf(t, as, quilt); len(q.Sources) != 1 {
		t.Errorf("quilt sources %q: both norms share one source text, listed once", q.Sources)
	}

	// Required per district, and the stock inside each.
	for _, w := range []struct {
		district, item  string
		required, local int64
	}{
		{distA, tent, 150, 80}, {distB, tent, 75, 40}, {distC, tent, 25, 15},
		{distA, quilt, 600, 200}, {distB, quilt, 300, 0}, {distC, quilt, 200, 0},
	} {
		av := areaOf(t, as, w.district, w.item)
		if av.Required != u(w.required) || av.Local != u(w.local) {
			t.Errorf("%s/%s: required %s, local %s; want %d, %d", w.district, w.item, av.Required, av.Local, w.required, w.local)
		}
	}
	var onTime, within24 [2]stock.Quantity
	for _, av := range as.Areas {
		i := slices.Index([]string{tent, quilt}, av.Item)
		onTime[i] += av.OnTime
		within24[i] += av.Within24h
	}
	if onTime != [2]stock.Quantity{u(235), u(520)} || within24 != [2]stock.Quantity{u(235), u(930)} {
		t.Errorf("district figures add up to %v on time and %v within 24 h", onTime, within24)
	}

	// Tiers: shares 60/40; contract reserves count at their holder's tier
	// (XY-9's holder has none: the city's).
	for _, w := range []readiness.TierView{
		{Item: tent, Tier: area.LevelCity, Required: u(150), Held: u(100), Gap: u(50)},
		{Item: tent, Tier: area.LevelDistrict, Required: u(100), Held: u(95), Gap: u(5)},
		{Item: tent, Tier: area.LevelStreet, Required: 0, Held: u(10), Gap: 0},
		{Item: quilt, Tier: area.LevelCity, Required: u(660), Held: u(310), Gap: u(350)}, // 300 + XY-9 10
		{Item: quilt, Tier: area.LevelDistrict, Required: u(440), Held: u(600), Gap: 0},  // 200 + XY-1 400
	} {
		tv, ok := tierOf(as, w.Item, w.Tier)
		if !ok || tv.Required != w.Required || tv.Held != w.Held || tv.Gap != w.Gap {
			t.Errorf("tier %s/%s: %+v, want required %s, held %s, gap %s", w.Item, w.Tier, tv, w.Required, w.Held, w.Gap)
		}
	}
	if len(as.Tiers) != 5 {
		t.Errorf("%d tier views, want 5: %+v", len(as.Tiers), as.Tiers)
	}
	// Purchases per tier: the street's 10 spare tents and the district's
	// 160 spare quilts close no other tier's gap, so the list (55 tents,
	// 350 quilts) exceeds the items' gaps (45, 190).
	var purchases []readiness.Purchase
	for _, p := range as.Purchases {
		purchases = append(purchases, readiness.Purchase{Item: p.Item, Tier: p.Tier, Quantity: p.Quantity})
	}
	wantPurchases := []readiness.Purchase{
		{Item: tent, Tier: area.LevelCity, Quantity: u(50)},
		{Item: tent, Tier: area.LevelDistrict, Quantity: u(5)},
		{Item: quilt, Tier: area.LevelCity, Quantity: u(350)},
	}
	if !reflect.DeepEqual(purchases, wantPurchases) {
		t.Errorf("purchases %+v\nwant %+v", purchases, wantPurchases)
	}
	if p := as.Purchases[0]; p.NameZH != "单帐篷" || p.UnitZH != "顶" || p.NameEN == "" || p.UnitEN == "" {
		t.Errorf("purchase line %+v", p)
	}

	// Rotation: the lots expiring within the planning period, by date.
	wantRotation := []readiness.RotationLot{
		{Depot: "D-A", DepotZH: "甲区库", Tier: area.LevelDistrict, Item: tent, NameZH: "单帐篷", NameEN: "Single-layer relief tent (12 m²)", Lot: "T-A1", ExpiresOn: "2026-12-31", Quantity: u(30)},
		{Depot: "C-CITY", DepotZH: "市级库", Tier: area.LevelCity, Item: quilt, NameZH: "棉被", NameEN: "Cotton quilt", Lot: "Q-C0", ExpiresOn: "2027-07-20", Quantity: u(20)},
	}
	if !reflect.DeepEqual(as.Rotation, wantRotation) {
		t.Errorf("rotation %+v\nwant %+v", as.Rotation, wantRotation)
	}

	// Summary: means over the two items of min(1, x ÷ required); local
	// over the six district-item pairs: 80/150, 200/600, 40/75, 0, 15/25, 0.
	want := readiness.Summary{Items: 2, Short: 2,
		Coverage: (205.0/250 + 910.0/1100) / 2,
		InTime:   (235.0/250 + 520.0/1100) / 2,
		Within24: (235.0/250 + 930.0/1100) / 2,
		Local:    (80.0/150 + 200.0/600 + 40.0/75 + 0 + 15.0/25 + 0) / 6,
	}
	s := as.Summary
	if s.Items != want.Items || s.Short != want.Short || !near(s.Coverage, want.Coverage) || !near(s.InTime, want.InTime) ||
		!near(s.Within24, want.Within24) || !near(s.Local, want.Local) {
		t.Errorf("summary %+v\nwant    %+v", s, want)
	}
}

// TestAssessWindowAndPlanningPeriod: what counts as held moves with the
// delivery window and the planning period.
func TestAssessWindowAndPlanningPeriod(t *testing.T) {
	u := stock.Units
	for _, tc := range []struct {
		name                  string
		window                float64
		days                  int
		physical, agree, capa stock.Quantity
		expiring              stock.Quantity
	}{
		// XY-1 (12 h) and XY-9 (2 h). Capacity comes in daily batches, the
		// first a day after the lead: CN-1's at 36 h, CN-2's at 54 h.
		{"24 h window", 24, 365, u(500), u(410), 0, u(20)},
		// XY-2 (48 h) too; CN-1's first batch, 240 − 20 reserved.
		{"48 h window", 48, 365, u(500), u(710), u(220), u(20)},
		// 60 h: CN-1's batches at 36 h and 60 h (480 − 20) and CN-2's at 54 h (1000).
		{"60 h window", 60, 365, u(500), u(710), u(1460), u(20)},
		// XY-1 delivers in exactly 12 h: counted.
		{"12 h window", 12, 365, u(500), u(410), 0, u(20)},
		{"6 h window", 6, 365, u(500), u(10), 0, u(20)},
		// A 30-day period: Q-C0 (2027-07-20) no longer expires within it.
		{"30-day period", 24, 30, u(520), u(410), 0, 0},
		// A 365-day period from 2026-07-20 ends 2027-07-20; 366 days
		// reach Q-C1's 2027-07-21 as well.
		{"366-day period", 24, 366, u(200), u(410), 0, u(320)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := holdingsConfig()
			cfg.WindowHours, cfg.PlanningDays = tc.window, tc.days
			as := assess(t, newAssessor(t, stockedCity(), cfg),
				readiness.Event{Hazard: "general", Relocated: 1000, Areas: []string{cityCode}})
			iv := itemOf(t, as, quilt)
			if iv.Physical != tc.physical || iv.Agreement != tc.agree || iv.Capacity != tc.capa || iv.Expiring != tc.expiring {
				t.Errorf("quilts: physical %s, agreement %s, capacity %s, expiring %s; want %s, %s, %s, %s",
					iv.Physical, iv.Agreement, iv.Capacity, iv.Expiring, tc.physical, tc.agree, tc.capa, tc.expiring)
			}
			if iv.Held != iv.Physical+iv.Agreement+iv.Capacity || iv.Gap != max(0, iv.Required-iv.Held) {
				t.Errorf("quilts held %s, gap %s", iv.Held, iv.Gap)
			}
			checkSummary(t, as.Summary)
		})
	}
}

// TestAssessInTime: water for 100 people for 2 days in B (100 cases). B's
// depot has 30; the rest is in C, 80 km away: 81 minutes, past the
// one-hour deadline but within 4 h.
func TestAssessInTime(t *testing.T) {
	ev := readiness.Event{Hazard: "general", Relocated: 100, Days: 2, Areas: []string{distB}}
	cfg := testConfig(norm("*", water, readiness.PerRelocatedDay, 0.5))
	as := assess(t, newAssessor(t, stockedCity(), cfg), ev)
	checkSummary(t, as.Summary)
	u := stock.Units
	av := areaOf(t, as, distB, water)
	if av.Required != u(100) || av.Local != u(30) || av.OnTime != u(30) || av.Within4h != u(100) ||
		av.Within6h != u(100) || av.Within24h != u(100) || !near(av.InTime, 0.3) {
		t.Errorf("district view %+v; want 100 required, 30 local and on time, 100 within 4 h", av)
	}
	iv := itemOf(t, as, water)
	if iv.OnTime != u(30) || iv.OnTime >= iv.Required || iv.Within24h < iv.OnTime || iv.Held != u(530) {
		t.Errorf("item %+v", iv)
	}
	want := readiness.Summary{Items: 1, Coverage: 1, InTime: 0.3, Within24: 1, Local: 0.3}
	if s := as.Summary; s.Items != 1 || s.Short != 0 || !near(s.Coverage, want.Coverage) || !near(s.InTime, want.InTime) ||
		!near(s.Within24, want.Within24) || !near(s.Local, want.Local) {
		t.Errorf("summary %+v, want %+v", s, want)
	}

	// With a two-hour deadline C's water is on time too.
	cfg.DeadlineHours = 2
	as = assess(t, newAssessor(t, stockedCity(), cfg), ev)
	if av := areaOf(t, as, distB, water); av.OnTime != u(100) || !near(as.Summary.InTime, 1) {
		t.Errorf("2 h deadline: %+v, summary %+v", av, as.Summary)
	}
}

// TestAssessNothingHeld: an item nobody holds is short in full and the
// shares stay in range.
func TestAssessNothingHeld(t *testing.T) {
	as := assess(t, newAssessor(t, newCity(), testConfig(norm("flood", boat, readiness.PerIncident, 10))),
		readiness.Event{Hazard: "flood", Level: 3, Areas: []string{distA}})
	checkSummary(t, as.Summary)
	iv := itemOf(t, as, boat)
	if iv.Required != stock.Units(10) || iv.Held != 0 || iv.Gap != stock.Units(10) || iv.OnTime != 0 || iv.Coverage != 0 {
		t.Errorf("boats %+v", iv)
	}
	if s := as.Summary; s.Items != 1 || s.Short != 1 || s.Coverage != 0 || s.InTime != 0 || s.Local != 0 {
		t.Errorf("summary %+v", s)
	}
	if len(as.Purchases) != 2 || len(as.Rotation) != 0 || as.Notes == nil {
		t.Errorf("purchases %+v, rotation %+v, notes %#v", as.Purchases, as.Rotation, as.Notes)
	}
}
