package readiness_test

import (
	"context"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/readiness"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// ruleConfig is testConfig with a tier rule: the city holds two city-level
// Ⅱ responses of 1,000 people for 2 days, each district one district-level
// Ⅱ response of 100 people for 1 day, a 10 % margin, and rescue stock of a
// level Ⅲ response (400 people, 2 teams) in each district.
func ruleConfig(norms ...readiness.Norm) readiness.Config {
	c := testConfig(norms...)
	c.TierRule = &readiness.TierRule{CityResponses: 2,
		CityLevel2:     readiness.ReliefResponse{Relocated: 1000, Days: 2, Source: "test city Ⅱ"},
		DistrictLevel2: readiness.ReliefResponse{Relocated: 100, Days: 1, Source: "test district Ⅱ"},
		Margin:         0.1, RescueDistrictLevel: 3}
	return c
}

func tierRequired(t *testing.T, as readiness.Assessment, item string, tier area.Level, district string) stock.Quantity {
	t.Helper()
	tv, ok := tierAt(as, item, tier, district)
	if !ok {
		t.Fatalf("no %s row for %s at %s", tier, item, district)
	}
	return tv.Required
}

// Rule 4, life support: 1,000 people city-wide (600/300/100) need 300, 150
// and 50 tents at 0.5 a person. Each district holds one district-level Ⅱ
// response, 100 × 0.5 = 50 tents; the city the rest, 250 + 100 = 350. The
// city must hold two city-level Ⅱ responses, 2 × 1,000 × 0.5 = 1,000: 650
// more; the margin is 10 % of 500 + 650 = 115. Requirement 1,265, the
// city's 1,115 of it, reserve 765.
func TestTierRuleLifeSupport(t *testing.T) {
	a := newAssessor(t, newCity(), ruleConfig(norm("*", tent, readiness.PerRelocated, 0.5)))
	as, err := a.Assess(context.Background(), readiness.Scenario{Code: "reserve", NameZH: "储备规模", ReserveTarget: true,
		Events: []readiness.Event{{Hazard: "general", Areas: []string{cityCode}, Relocated: 1000, Days: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	iv := itemOf(t, as, tent)
	if iv.Required != stock.Units(1265) || iv.Reserve != stock.Units(765) {
		t.Errorf("required %s, reserve %s; want 1265, 765", iv.Required, iv.Reserve)
	}
	for d, want := range map[string]int64{"": 1115, distA: 50, distB: 50, distC: 50} {
		tier := area.LevelDistrict
		if d == "" {
			tier = area.LevelCity
		}
		if got := tierRequired(t, as, tent, tier, d); got != stock.Units(want) {
			t.Errorf("tier %s %q: required %s, want %d", tier, d, got, want)
		}
	}
	if bad := as.Inconsistencies(); len(bad) > 0 {
		t.Errorf("inconsistencies: %v", bad)
	}
	// Without ReserveTarget an event is only divided: 300 + 150 + 50.
	as = assess(t, a, readiness.Event{Hazard: "general", Areas: []string{cityCode}, Relocated: 1000, Days: 1})
	if iv := itemOf(t, as, tent); iv.Required != stock.Units(500) || iv.Reserve != 0 {
		t.Errorf("plain event: required %s, reserve %s; want 500, 0", iv.Required, iv.Reserve)
	}
	if got := tierRequired(t, as, tent, area.LevelCity, ""); got != stock.Units(350) {
		t.Errorf("plain event: city %s, want 350", got)
	}
}

// Rule 4, rescue: a level Ⅱ flood in 甲区 deploys 4 teams; at 2 boats a
// team that is 8 boats. The district holds a level Ⅲ response's, 2 teams ×
// 2 = 4; the city the other 4 (重大). A level Ⅲ flood stays the district's.
func TestTierRuleRescue(t *testing.T) {
	a := newAssessor(t, newCity(), ruleConfig(norm("flood", boat, readiness.PerTeam, 2)))
	as := assess(t, a, readiness.Event{Hazard: "flood", Level: 2, Areas: []string{distA}})
	if d, c := tierRequired(t, as, boat, area.LevelDistrict, distA), tierRequired(t, as, boat, area.LevelCity, ""); d != stock.Units(4) || c != stock.Units(4) {
		t.Errorf("level Ⅱ: district %s, city %s; want 4, 4", d, c)
	}
	as = assess(t, a, readiness.Event{Hazard: "flood", Level: 3, Areas: []string{distA}})
	if d := tierRequired(t, as, boat, area.LevelDistrict, distA); d != stock.Units(4) {
		t.Errorf("level Ⅲ: district %s, want 4", d)
	}
	if tv, ok := tierAt(as, boat, area.LevelCity, ""); ok && tv.Required != 0 {
		t.Errorf("level Ⅲ: city row %+v, want none", tv)
	}
}

// Rule 6: XY-1 (400 free quilts, 12 h) is held by ORG-D in 乙区. Signed by
// the city (ORG-C), it counts for the city, not 乙区; without a party, for
// the city too.
func TestContractPartyDecidesTier(t *testing.T) {
	ev := readiness.Event{Hazard: "general", Areas: []string{cityCode}, Relocated: 1000, Days: 1}
	cfg := testConfig(norm("*", quilt, readiness.PerRelocated, 1))
	base := assess(t, newAssessor(t, stockedCity(), cfg), ev)
	for _, party := range []string{"ORG-C", ""} {
		f := stockedCity()
		f.agreements[0].Party = party
		as := assess(t, newAssessor(t, f, cfg), ev)
		bc, _ := tierAt(base, quilt, area.LevelCity, "")
		ac, _ := tierAt(as, quilt, area.LevelCity, "")
		bb, _ := tierAt(base, quilt, area.LevelDistrict, distB)
		ab, _ := tierAt(as, quilt, area.LevelDistrict, distB)
		if ac.Held-bc.Held != stock.Units(400) || bb.Held-ab.Held != stock.Units(400) {
			t.Errorf("party %q: city held %s → %s, 乙区 %s → %s; want 400 moved to the city", party, bc.Held, ac.Held, bb.Held, ab.Held)
		}
	}
}

// Rule 7: a norm for infants (10 % of residents, 丙区 20 %) at 1 tent per
// infant: 1,000 people (600/300/100) have 60 + 30 + 20 = 110 infants.
func TestSpecialGroupNorm(t *testing.T) {
	n := norm("*", tent, readiness.PerRelocated, 1)
	n.Group = "infant"
	cfg := testConfig(n)
	cfg.Groups = []readiness.Group{{Code: "infant", NameZH: "婴幼儿", Share: 0.1, Source: "test",
		Areas: []readiness.AreaShare{{Area: distC, Share: 0.2}}}}
	as := assess(t, newAssessor(t, newCity(), cfg), readiness.Event{Hazard: "general", Areas: []string{cityCode}, Relocated: 1000, Days: 1})
	req := required(as)
	for d, want := range map[string]float64{distA: 60, distB: 30, distC: 20} {
		if got := req[[2]string{d, tent}]; got != want {
			t.Errorf("%s: %g tents, want %g", d, got, want)
		}
	}
	cfg.Norms[0].Group = "nobody"
	if err := cfg.Validate(readiness.Known{}); fieldOf(err) != "norms[0].group" {
		t.Errorf("unknown group: %v (field %q), want norms[0].group", err, fieldOf(err))
	}
	cfg.Norms[0].Group = "infant"
	cfg.Groups[0].Areas[0].Share = 2
	if err := cfg.Validate(readiness.Known{}); fieldOf(err) != "groups[0].areas[0].share" {
		t.Errorf("bad share: field %q", fieldOf(err))
	}
}

// The settings refuse a bad tier rule naming the field.
func TestTierRuleValidation(t *testing.T) {
	for field, edit := range map[string]func(*readiness.TierRule){
		"tier_rule.margin":                 func(r *readiness.TierRule) { r.Margin = 1.5 },
		"tier_rule.city_responses":         func(r *readiness.TierRule) { r.CityResponses = -1 },
		"tier_rule.rescue_district_level":  func(r *readiness.TierRule) { r.RescueDistrictLevel = 0 },
		"tier_rule.city_level2.relocated":  func(r *readiness.TierRule) { r.CityLevel2.Relocated = 0 },
		"tier_rule.district_level2.days":   func(r *readiness.TierRule) { r.DistrictLevel2.Days = 0 },
		"tier_rule.district_level2.source": func(r *readiness.TierRule) { r.DistrictLevel2.Source = "" },
	} {
		c := readiness.DefaultConfig()
		edit(c.TierRule)
		if err := c.Validate(readiness.Known{}); fieldOf(err) != field {
			t.Errorf("%s: got %v (field %q)", field, err, fieldOf(err))
		}
	}
}
