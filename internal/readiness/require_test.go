package readiness_test

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/readiness"
)

func TestScenarioValidateNamesField(t *testing.T) {
	known := readiness.Known{Area: func(c string) bool { return c == distA || c == distB || c == distC || c == cityCode }}
	good := func() readiness.Scenario {
		return readiness.Scenario{Code: "s1", NameZH: "情景", Events: []readiness.Event{
			{Hazard: "flood", Level: 2, Areas: []string{distA, distB}},
			{Hazard: "general", Relocated: 500, Areas: []string{cityCode}},
		}}
	}
	if err := good().Validate(known); err != nil {
		t.Fatalf("good scenario: %v", err)
	}
	for _, tc := range []struct {
		name  string
		edit  func(s *readiness.Scenario)
		field string
		kind  apperr.Kind
	}{
		{"unknown area", func(s *readiness.Scenario) { s.Events[0].Areas[1] = "990199" }, "events[0].areas[1]", apperr.NotFound},
		{"unknown area, second event", func(s *readiness.Scenario) { s.Events[1].Areas = []string{"110111"} }, "events[1].areas[0]", apperr.NotFound},
		{"level 5", func(s *readiness.Scenario) { s.Events[0].Level = 5 }, "events[0].level", apperr.Invalid},
		{"negative level", func(s *readiness.Scenario) { s.Events[1].Level = -1 }, "events[1].level", apperr.Invalid},
		{"no events", func(s *readiness.Scenario) { s.Events = nil }, "events", apperr.Invalid},
		{"too many events", func(s *readiness.Scenario) {
			for len(s.Events) <= readiness.MaxEvents {
				s.Events = append(s.Events, s.Events[0])
			}
		}, "events", apperr.Invalid},
		{"neither level nor relocated", func(s *readiness.Scenario) { s.Events[1].Relocated = 0 }, "events[1].relocated", apperr.Invalid},
		{"negative affected", func(s *readiness.Scenario) { s.Events[1].Affected = -5 }, "events[1].affected", apperr.Invalid},
		{"unknown hazard", func(s *readiness.Scenario) { s.Events[0].Hazard = "*" }, "events[0].hazard", apperr.Invalid},
		{"negative teams", func(s *readiness.Scenario) { s.Events[0].Teams = -1 }, "events[0].teams", apperr.Invalid},
		{"NaN days", func(s *readiness.Scenario) { s.Events[0].Days = math.NaN() }, "events[0].days", apperr.Invalid},
		{"no areas", func(s *readiness.Scenario) { s.Events[0].Areas = nil }, "events[0].areas", apperr.Invalid},
		{"no code", func(s *readiness.Scenario) { s.Code = " " }, "code", apperr.Invalid},
		{"no name", func(s *readiness.Scenario) { s.NameZH = "" }, "name_zh", apperr.Invalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := good()
			tc.edit(&s)
			e, ok := apperr.As(s.Validate(known))
			if !ok || e.Field != tc.field || e.Kind != tc.kind {
				t.Errorf("Validate: %+v, want kind %d on %s", e, tc.kind, tc.field)
			}
		})
	}
}

// TestNormSpecificity: a hazard's own norm overrides the every-hazard one,
// a zero removes the item, and a district's own norm overrides the
// city-wide one in that district only; a hazard of its own outranks a
// district of its own.
func TestNormSpecificity(t *testing.T) {
	cfg := testConfig(
		norm("*", tent, readiness.PerRelocated, 0.25),
		norm("flood", tent, readiness.PerRelocated, 0.5),
		norm("cold-snow", tent, readiness.PerRelocated, 0),
		norm("cold-snow", warmTent, readiness.PerRelocated, 0.25),
		norm("*", quilt, readiness.PerRelocated, 1),
		inArea(norm("*", quilt, readiness.PerRelocated, 2), distC),
		norm("earthquake", quilt, readiness.PerRelocated, 3),
	)
	a := newAssessor(t, newCity(), cfg)
	// 700 people over A (600,000 residents) and C (100,000): 600 and 100.
	for _, tc := range []struct {
		hazard string
		want   map[[2]string]float64
	}{
		{"general", map[[2]string]float64{
			{distA, tent}: 150, {distC, tent}: 25, // 0.25 per person
			{distA, quilt}: 600, {distC, quilt}: 200, // C's own norm: 2 per person
		}},
		{"flood", map[[2]string]float64{
			{distA, tent}: 300, {distC, tent}: 50, // flood's own 0.5 overrides *
			{distA, quilt}: 600, {distC, quilt}: 200,
		}},
		{"cold-snow", map[[2]string]float64{
			// the zero removes single tents; insulated tents instead
			{distA, warmTent}: 150, {distC, warmTent}: 25,
			{distA, quilt}: 600, {distC, quilt}: 200,
		}},
		{"earthquake", map[[2]string]float64{
			{distA, tent}: 150, {distC, tent}: 25,
			// the hazard's own norm beats C's own every-hazard norm
			{distA, quilt}: 1800, {distC, quilt}: 300,
		}},
	} {
		t.Run(tc.hazard, func(t *testing.T) {
			as := assess(t, a, readiness.Event{Hazard: tc.hazard, Relocated: 700, Areas: []string{distA, distC}})
			got := required(as)
			if len(got) != len(tc.want) {
				t.Errorf("required %v, want %v", got, tc.want)
			}
			for k, w := range tc.want {
				if got[k] != w {
					t.Errorf("%s/%s required %v, want %v", k[0], k[1], got[k], w)
				}
			}
		})
	}
}

// TestTierSplit: an untiered norm is split by the tier shares; tiered
// norms give their tier's own requirement and the untiered one covers the
// other tiers.
func TestTierSplit(t *testing.T) {
	cfg := testConfig(
		norm("*", tent, readiness.PerRelocated, 0.25),
		norm("flood", boat, readiness.PerIncident, 10),
		tiered(norm("flood", boat, readiness.PerIncident, 4), area.LevelDistrict),
		tiered(norm("flood", boat, readiness.PerIncident, 1), area.LevelStreet),
	)
	as := assess(t, newAssessor(t, newCity(), cfg),
		readiness.Event{Hazard: "flood", Relocated: 900, Areas: []string{distA, distB}})
	// Tents: 600 + 300 relocated × 0.25 = 150 + 75: 40% to each district
	// (60, 30), the city the rest (90 + 45). Boats per flooded district:
	// city 10 × 0.6 = 6; the district its own 4 and its street's own 1
	// (a street's stock and needs count towards its district).
	want := []struct {
		item     string
		tier     area.Level
		district string
		required float64
	}{
		{tent, area.LevelCity, "", 135}, {tent, area.LevelDistrict, distA, 60}, {tent, area.LevelDistrict, distB, 30},
		{boat, area.LevelCity, "", 12}, {boat, area.LevelDistrict, distA, 5}, {boat, area.LevelDistrict, distB, 5},
	}
	for _, w := range want {
		tv, ok := tierAt(as, w.item, w.tier, w.district)
		if !ok || tv.Required.Float() != w.required {
			t.Errorf("%s at %s %s: %+v, want required %v", w.item, w.tier, w.district, tv, w.required)
		}
	}
	if tv, ok := tierOf(as, tent, area.LevelStreet); ok {
		t.Errorf("tents at street tier %+v: no share, nothing held", tv)
	}
	if iv := itemOf(t, as, boat); iv.Required.Float() != 22 {
		t.Errorf("boats required %v, want 22", iv.Required)
	}
	if iv := itemOf(t, as, tent); iv.Required.Float() != 225 {
		t.Errorf("tents required %v, want 225", iv.Required)
	}
}

// TestBases: each basis counts its own unit; the city's code stands for
// every district and people and teams are spread by population.
func TestBases(t *testing.T) {
	cfg := testConfig(
		norm("*", tent, readiness.PerRelocated, 0.25),
		norm("*", water, readiness.PerRelocatedDay, 0.5),
		norm("*", hygiene, readiness.PerAffectedDay, 0.2),
		norm("flood", boat, readiness.PerIncident, 10),
		norm("flood", jacket, readiness.PerTeam, 30),
		norm("flood", geotextil, readiness.PerIncident, 12.5),
	)
	as := assess(t, newAssessor(t, newCity(), cfg), readiness.Event{Hazard: "flood", Areas: []string{cityCode},
		Relocated: 1000, Affected: 5000, Teams: 3, Days: 2})
	// Shares 0.6/0.3/0.1: relocated 600/300/100, affected 3000/1500/500,
	// teams 1.8/0.9/0.3, each rounded up to whole teams: 2/1/1.
	want := map[[2]string]float64{
		{distA, tent}: 150, {distB, tent}: 75, {distC, tent}: 25,
		{distA, water}: 600, {distB, water}: 300, {distC, water}: 100, // 0.5 × people × 2 days
		{distA, hygiene}: 1200, {distB, hygiene}: 600, {distC, hygiene}: 200, // 0.2 × affected × 2 days
		{distA, boat}: 10, {distB, boat}: 10, {distC, boat}: 10,
		{distA, jacket}: 60, {distB, jacket}: 30, {distC, jacket}: 30,
		{distA, geotextil}: 12.5, {distB, geotextil}: 12.5, {distC, geotextil}: 12.5, // measured: not rounded
	}
	got := required(as)
	if len(got) != len(want) {
		t.Errorf("required %v\nwant %v", got, want)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s/%s required %v, want %v", k[0], k[1], got[k], w)
		}
	}
	r := as.Events[0]
	if len(r.Hits) != 3 || !near(r.Hits[0].Relocated, 600) || !near(r.Hits[1].Affected, 1500) || !near(r.Hits[2].Teams, 0.3) {
		t.Errorf("hits %+v", r.Hits)
	}
	if iv := itemOf(t, as, geotextil); iv.Required.Float() != 37.5 {
		t.Errorf("geotextile required %v, want 37.5 m²", iv.Required)
	}
}

// TestCountedItemsRoundUp: a counted item's requirement is rounded up to
// whole units in each district.
func TestCountedItemsRoundUp(t *testing.T) {
	as := assess(t, newAssessor(t, newCity(), testConfig(norm("*", tent, readiness.PerRelocated, 0.25))),
		readiness.Event{Hazard: "general", Relocated: 10, Areas: []string{distA, distB, distC}})
	// 6, 3 and 1 people × 0.25 = 1.5, 0.75, 0.25 tents: 2, 1 and 1.
	got := required(as)
	if got[[2]string{distA, tent}] != 2 || got[[2]string{distB, tent}] != 1 || got[[2]string{distC, tent}] != 1 {
		t.Errorf("required %v, want 2, 1 and 1 tents", got)
	}
}

// TestLevelDefaults: an event given by level is planned at the level's
// size (the next graver level's threshold; Ⅰ its own) with its teams and
// days; an event given by people takes the level they start.
func TestLevelDefaults(t *testing.T) {
	cfg := testConfig(
		norm("*", tent, readiness.PerRelocated, 0.25),
		norm("*", water, readiness.PerRelocatedDay, 0.5),
		norm("flood", jacket, readiness.PerTeam, 30),
	)
	a := newAssessor(t, newCity(), cfg)
	for _, tc := range []struct {
		name                  string
		event                 readiness.Event
		level                 int
		relocated             int64
		teams                 int
		days                  float64
		tents, water, jackets float64
		note                  string
	}{
		// Level Ⅱ: one below Ⅰ's threshold, 1,999 people (rule 8), Ⅱ's 4
		// teams and 2 days: 499.75 tents, rounded up.
		{"level 2", readiness.Event{Hazard: "flood", Level: 2, Areas: []string{distB}}, 2, 1999, 4, 2, 500, 1999, 120, "upper bound, 1,999 people, just below the level Ⅰ threshold of 2,000"},
		// Level Ⅰ: its own threshold, 8 teams, 3 days.
		{"level 1", readiness.Event{Hazard: "flood", Level: 1, Areas: []string{distB}}, 1, 2000, 8, 3, 500, 3000, 240, "threshold, 2,000 people"},
		// Level Ⅳ: one below Ⅲ's threshold, 399, one team, one day.
		{"level 4", readiness.Event{Hazard: "flood", Level: 4, Areas: []string{distB}}, 4, 399, 1, 1, 100, 200, 30, "upper bound, 399 people"},
		// 500 people start level Ⅲ (400 ≤ 500 < 1000): 2 teams, 1 day.
		{"500 people", readiness.Event{Hazard: "flood", Relocated: 500, Areas: []string{distB}}, 3, 500, 2, 1, 125, 250, 60, ""},
		// 50 people are below Ⅳ: planned with Ⅳ's team and day.
		{"50 people", readiness.Event{Hazard: "flood", Relocated: 50, Areas: []string{distB}}, 4, 50, 1, 1, 13, 25, 30, ""},
		// Given teams and days win over the level's.
		{"given teams", readiness.Event{Hazard: "flood", Level: 2, Relocated: 100, Teams: 3, Days: 4, Areas: []string{distB}}, 2, 100, 3, 4, 25, 200, 90, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			as := assess(t, a, tc.event)
			r := as.Events[0]
			if r.Level != tc.level || r.Relocated != tc.relocated || r.Affected != tc.relocated || r.Teams != tc.teams || r.Days != tc.days {
				t.Errorf("resolved level %d, relocated %d, affected %d, teams %d, days %v; want %d, %d, %d, %d, %v",
					r.Level, r.Relocated, r.Affected, r.Teams, r.Days, tc.level, tc.relocated, tc.relocated, tc.teams, tc.days)
			}
			got := required(as)
			if got[[2]string{distB, tent}] != tc.tents || got[[2]string{distB, water}] != tc.water || got[[2]string{distB, jacket}] != tc.jackets {
				t.Errorf("required %v; want %v tents, %v water, %v jackets", got, tc.tents, tc.water, tc.jackets)
			}
			switch {
			case tc.note == "" && len(as.Notes) != 0:
				t.Errorf("notes %+v for an event with its people given", as.Notes)
			case tc.note != "" && (len(as.Notes) != 1 || !strings.Contains(as.Notes[0].EN, tc.note)):
				t.Errorf("notes %+v, want one saying %q", as.Notes, tc.note)
			}
		})
	}
}

// TestUnknownDistrictInAssess: a scenario naming a district of another
// city fails with the event's path.
func TestUnknownDistrictInAssess(t *testing.T) {
	a := newAssessor(t, newCity(), testConfig(norm("*", tent, readiness.PerRelocated, 1)))
	_, err := a.Assess(t.Context(), readiness.Scenario{Code: "x", NameZH: "x", Events: []readiness.Event{
		{Hazard: "flood", Level: 2, Areas: []string{distA}},
		{Hazard: "flood", Level: 2, Areas: []string{"110111"}},
	}})
	if f := fieldOf(err); !strings.HasPrefix(f, "events[1].areas") {
		t.Errorf("error %v on field %q, want events[1].areas…", err, f)
	}
}

// TestDuplicateAreas: an event that names a district twice is refused by
// Validate and, in an assessment that skips validation, counts the district
// once: per-incident norms once, B's own on-time water and local stock
// once.
func TestDuplicateAreas(t *testing.T) {
	known := readiness.Known{Area: func(string) bool { return true }}
	twice := readiness.Scenario{Code: "dup", NameZH: "重复", Events: []readiness.Event{
		{Hazard: "flood", Relocated: 100, Days: 2, Areas: []string{distB, distB}}}}
	if f := fieldOf(twice.Validate(known)); f != "events[0].areas[1]" {
		t.Errorf("Scenario.Validate accepts district %s twice in one event (field %q); want an error on events[0].areas[1]", distB, f)
	}

	a := newAssessor(t, stockedCity(), testConfig(
		norm("*", water, readiness.PerRelocatedDay, 0.5), norm("flood", boat, readiness.PerIncident, 10)))
	double, err := a.Assess(context.Background(), twice)
	if err != nil {
		return // refused: fine
	}
	// Once: 100 cases of water (30 on time from D-B) and 10 boats.
	once := assess(t, a, readiness.Event{Hazard: "flood", Relocated: 100, Days: 2, Areas: []string{distB}})
	for _, item := range []string{water, boat} {
		o, d := itemOf(t, once, item), itemOf(t, double, item)
		if o.Required != d.Required || o.OnTime != d.OnTime {
			t.Errorf("%s with B named twice: required %s, on time %s; named once: %s, %s",
				item, d.Required, d.OnTime, o.Required, o.OnTime)
		}
	}
	if !near(once.Summary.Local, double.Summary.Local) {
		t.Errorf("local share with B named twice %v, once %v", double.Summary.Local, once.Summary.Local)
	}
}
