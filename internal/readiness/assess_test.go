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
	checkIdentities(t, as)
	if as.At != now.Unix() || as.PlanningDays != 365 || as.WindowHours != 24 || as.DeadlineHours != 1 || as.Stats.Plans != 1 {
		t.Errorf("assessment header: at %d, %d days, %v h window, %v h deadline, %d plans",
			as.At, as.PlanningDays, as.WindowHours, as.DeadlineHours, as.Stats.Plans)
	}
	if len(as.Items) != 2 || as.Items[0].Item != tent || as.Items[1].Item != quilt {
		t.Fatalf("items %+v, want tent then quilt (norm order)", as.Items)
	}
	u := stock.Units
	for _, w := range []readiness.ItemView{
		// Tents: 150 + 75 + 25 required. Physical: every good, unexpired
		// lot, 100 + 30 + 50 + 40 + 5 + 10 (rule 1: a lot due for rotation
		// is still held). D-A's lot T-A1 (30) expires 2026-12-31, within
		// the tent's rotation horizon (a tenth of 3,650 days: 365), so it
		// is listed for rotation as well.
		{Item: tent, Required: u(250), Physical: u(235), Expiring: u(30), Held: u(235), Gap: u(50),
			// Within the hour every depot reaches some district: all 235
			// tents arrive on time, no more than are held (rule 2).
			OnTime: u(235), Within4h: u(235), Within6h: u(235), Within24h: u(235)},
		// Quilts: 600 + 300 + 200 (C's own norm). Physical: C-CITY's 20 +
		// 300 and D-A's 200; none is within the quilt's horizon (183 days
		// of 1,825: up to 2027-01-19). Agreements within 24 h: XY-1
		// 500 − 100 and XY-9 10; XY-2 takes 48 h. Capacity: none, as CN-1's
		// first daily batch is ready at 12 + 24 = 36 h, beyond the window.
		// Gap: the purchase lines, 330 + 40 + 80 (see below).
		{Item: quilt, Required: u(1100), Physical: u(520), Expiring: 0, Agreement: u(410), Capacity: 0,
			Held: u(930), Gap: u(450),
			// On time: the 520 depot quilts (C-CITY and D-A, at most 52 min
			// from any district). Within 4 h also XY-9 (2 h), within 24 h
			// XY-1 (12 h): 930, all that is held.
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

	// Tiers: shares 60/40, the district's part of each district rounded
	// up and the city taking the rest; each district holds its own depots'
	// stock with its streets' (S-C counts for C) and its holders' contract
	// reserves (XY-1's ORG-D is in B; XY-9's holder is unknown: the city's).
	for _, w := range []readiness.TierView{
		{Item: tent, Tier: area.LevelCity, Required: u(150), Held: u(100), Gap: u(50)}, // 90 + 45 + 15
		{Item: tent, Tier: area.LevelDistrict, Area: distA, Required: u(60), Held: u(80), Gap: 0},
		{Item: tent, Tier: area.LevelDistrict, Area: distB, Required: u(30), Held: u(40), Gap: 0},
		{Item: tent, Tier: area.LevelDistrict, Area: distC, Required: u(10), Held: u(15), Gap: 0}, // D-C 5 + S-C 10
		{Item: quilt, Tier: area.LevelCity, Required: u(660), Held: u(330), Gap: u(330)},          // 360 + 180 + 120; 320 + XY-9 10
		{Item: quilt, Tier: area.LevelDistrict, Area: distA, Required: u(240), Held: u(200), Gap: u(40)},
		{Item: quilt, Tier: area.LevelDistrict, Area: distB, Required: u(120), Held: u(400), Gap: 0}, // XY-1
		{Item: quilt, Tier: area.LevelDistrict, Area: distC, Required: u(80), Held: 0, Gap: u(80)},
	} {
		tv, ok := tierAt(as, w.Item, w.Tier, w.Area)
		if !ok || tv.Required != w.Required || tv.Held != w.Held || tv.Gap != w.Gap {
			t.Errorf("tier %s/%s/%s: %+v, want required %s, held %s, gap %s", w.Item, w.Tier, w.Area, tv, w.Required, w.Held, w.Gap)
		}
	}
	if len(as.Tiers) != 8 {
		t.Errorf("%d tier views, want 8: %+v", len(as.Tiers), as.Tiers)
	}
	// Purchases per tier and district (rule 5): B's 280 spare quilts close
	// neither A's gap nor C's, so the list (50 tents, 450 quilts) is the
	// items' gaps, though quilts are held at 930 of 1,100 overall.
	var purchases []readiness.Purchase
	for _, p := range as.Purchases {
		purchases = append(purchases, readiness.Purchase{Item: p.Item, Tier: p.Tier, Area: p.Area, Quantity: p.Quantity})
	}
	wantPurchases := []readiness.Purchase{
		{Item: tent, Tier: area.LevelCity, Quantity: u(50)},
		{Item: quilt, Tier: area.LevelCity, Quantity: u(330)},
		{Item: quilt, Tier: area.LevelDistrict, Area: distA, Quantity: u(40)},
		{Item: quilt, Tier: area.LevelDistrict, Area: distC, Quantity: u(80)},
	}
	if !reflect.DeepEqual(purchases, wantPurchases) {
		t.Errorf("purchases %+v\nwant %+v", purchases, wantPurchases)
	}
	if p := as.Purchases[0]; p.NameZH != "单帐篷" || p.UnitZH != "顶" || p.NameEN == "" || p.UnitEN == "" {
		t.Errorf("purchase line %+v", p)
	}

	// Rotation: the lots within their item's rotation horizon, by date.
	wantRotation := []readiness.RotationLot{
		{Depot: "D-A", DepotZH: "甲区库", Tier: area.LevelDistrict, Item: tent, NameZH: "单帐篷", NameEN: "Single-layer relief tent (12 m²)",
			Lot: "T-A1", ExpiresOn: "2026-12-31", DueOn: "2025-12-31", HorizonDays: 365, Quantity: u(30)},
	}
	if !reflect.DeepEqual(as.Rotation, wantRotation) {
		t.Errorf("rotation %+v\nwant %+v", as.Rotation, wantRotation)
	}

	// Summary: means over the two items of min(1, x ÷ required); local
	// over the six district-item pairs: 80/150, 200/600, 40/75, 0, 15/25, 0.
	want := readiness.Summary{Items: 2, Short: 2,
		Coverage: (235.0/250 + 930.0/1100) / 2,
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

// TestAssessWindowAndRotation: what counts as held moves with the
// delivery window; what is due for rotation moves with the rotation rule,
// but stays held (rule 1).
func TestAssessWindowAndRotation(t *testing.T) {
	u := stock.Units
	tenth := readiness.Rotation{Share: 0.1, Days: 30}
	for _, tc := range []struct {
		name                  string
		window                float64
		rot                   readiness.Rotation
		physical, agree, capa stock.Quantity
		expiring              stock.Quantity
	}{
		// XY-1 (12 h) and XY-9 (2 h). Capacity comes in daily batches, the
		// first a day after the lead: CN-1's at 36 h, CN-2's at 54 h.
		{"24 h window", 24, tenth, u(520), u(410), 0, 0},
		// XY-2 (48 h) too; CN-1's first batch, 240 − 20 reserved.
		{"48 h window", 48, tenth, u(520), u(710), u(220), 0},
		// 60 h: CN-1's batches at 36 h and 60 h (480 − 20) and CN-2's at 54 h (1000).
		{"60 h window", 60, tenth, u(520), u(710), u(1460), 0},
		// XY-1 delivers in exactly 12 h: counted.
		{"12 h window", 12, tenth, u(520), u(410), 0, 0},
		{"6 h window", 6, tenth, u(520), u(10), 0, 0},
		// The last third of 1,825 days: 609 days, to 2028-03-20; both of
		// C-CITY's lots are due, and still held.
		{"a third of the shelf life", 24, readiness.Rotation{Share: 1.0 / 3}, u(520), u(410), 0, u(320)},
		// The quilt's own 365 days from 2026-07-20 (China's date) end on
		// 2027-07-20: Q-C0 is due, Q-C1 (2027-07-21) not.
		{"365 days for quilts", 24, readiness.Rotation{Share: 0.1, Items: []readiness.ItemRotation{{Item: quilt, Days: 365}}},
			u(520), u(410), 0, u(20)},
		{"366 days for quilts", 24, readiness.Rotation{Share: 0.1, Items: []readiness.ItemRotation{{Item: quilt, Days: 366}}},
			u(520), u(410), 0, u(320)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := holdingsConfig()
			cfg.WindowHours, cfg.Rotation = tc.window, tc.rot
			as := assess(t, newAssessor(t, stockedCity(), cfg),
				readiness.Event{Hazard: "general", Relocated: 1000, Areas: []string{cityCode}})
			iv := itemOf(t, as, quilt)
			if iv.Physical != tc.physical || iv.Agreement != tc.agree || iv.Capacity != tc.capa || iv.Expiring != tc.expiring {
				t.Errorf("quilts: physical %s, agreement %s, capacity %s, expiring %s; want %s, %s, %s, %s",
					iv.Physical, iv.Agreement, iv.Capacity, iv.Expiring, tc.physical, tc.agree, tc.capa, tc.expiring)
			}
			if iv.Held != iv.Physical+iv.Agreement+iv.Capacity || iv.Within24h > iv.Held {
				t.Errorf("quilts held %s, within 24 h %s", iv.Held, iv.Within24h)
			}
			checkSummary(t, as.Summary)
			checkIdentities(t, as)
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
	checkIdentities(t, as)
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
	// Held in full city-wide, yet short by tier: the city needs 60 and
	// holds none, B needs 40 and holds 30 (C's 500 are C's).
	if iv.Gap != u(70) {
		t.Errorf("water gap %s, want 60 + 10", iv.Gap)
	}
	want := readiness.Summary{Items: 1, Coverage: 1, InTime: 0.3, Within24: 1, Local: 0.3}
	if s := as.Summary; s.Items != 1 || s.Short != 1 || !near(s.Coverage, want.Coverage) || !near(s.InTime, want.InTime) ||
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
	checkIdentities(t, as)
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

// checkIdentities fails the test where the assessment's figures do not
// add up (rules 2 and 3).
func checkIdentities(t *testing.T, as readiness.Assessment) {
	t.Helper()
	for _, p := range as.Inconsistencies() {
		t.Error(p)
	}
}
