package readiness_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/readiness"
	"github.com/stockpile-dev/stockpile/internal/routing"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

func TestStanding(t *testing.T) {
	c := readiness.DefaultConfig()
	beijing := area.Area{Code: "110000", Level: area.LevelCity, NameZH: "北京市", Population: 21_858_000}
	sc := c.Standing(beijing, readiness.DefaultPair, "flood")
	if len(sc) != 2 {
		t.Fatalf("%d standing scenarios, want 2", len(sc))
	}
	// 1.2% of 21,858,000 = 262,296 people, for 7 days, across the city.
	life := sc[0]
	want := readiness.Event{Hazard: "general", Areas: []string{"110000"}, Relocated: 262_296, Days: 7}
	if !life.Standing || len(life.Events) != 1 || !eventsEqual(life.Events[0], want) ||
		!strings.Contains(life.NameZH, "1.2%") || !strings.Contains(life.NameZH, "262,296") {
		t.Errorf("life-support scenario %+v", life)
	}
	two := sc[1]
	if !two.Standing || len(two.Events) != 2 ||
		!eventsEqual(two.Events[0], readiness.Event{Hazard: "flood", Level: 2, Areas: []string{"110111"}}) ||
		!eventsEqual(two.Events[1], readiness.Event{Hazard: "flood", Level: 2, Areas: []string{"110109"}}) {
		t.Errorf("two-level-Ⅱ scenario %+v", two)
	}
	if life.Code == two.Code || life.Validate(readiness.Known{}) != nil || two.Validate(readiness.Known{}) != nil {
		t.Errorf("standing scenarios must have distinct codes and validate: %q %q", life.Code, two.Code)
	}

	// A fixed number of people wins over the share.
	c.LifeSupport.People = 500
	if ev := c.Standing(beijing, readiness.DefaultPair, "earthquake")[0].Events[0]; ev.Relocated != 500 {
		t.Errorf("life support with People 500: %+v", ev)
	}
	if ev := c.Standing(beijing, [2]string{"110105", "110108"}, "earthquake")[1].Events[1]; ev.Hazard != "earthquake" || ev.Areas[0] != "110108" {
		t.Errorf("pair event %+v", ev)
	}
}

func eventsEqual(a, b readiness.Event) bool {
	return a.Hazard == b.Hazard && a.Level == b.Level && slices.Equal(a.Areas, b.Areas) && a.Relocated == b.Relocated &&
		a.Affected == b.Affected && a.Teams == b.Teams && a.Days == b.Days
}

// TestOverview: tents at 0.25 per person in the stocked city (205 held,
// 235 usable today; see stockedCity).
func TestOverview(t *testing.T) {
	a := newAssessor(t, stockedCity(), testConfig(norm("*", tent, readiness.PerRelocated, 0.25)))
	var calls [][2]int
	ov, err := a.Overview(context.Background(), [2]string{distA, distC}, "flood", func(done, total int) {
		calls = append(calls, [2]int{done, total})
	})
	if err != nil {
		t.Fatal(err)
	}
	if ov.City != cityCode || ov.At != now.Unix() || ov.Stats.Plans != 16 {
		t.Errorf("overview city %s, at %d, %d plans", ov.City, ov.At, ov.Stats.Plans)
	}
	if !slices.Equal(calls, [][2]int{{1, 5}, {2, 5}, {3, 5}, {4, 5}, {5, 5}}) {
		t.Errorf("progress %v", calls)
	}
	if len(ov.Scenarios) != 2 || len(ov.Districts) != 3 {
		t.Fatalf("%d scenarios, %d districts; want 2 and 3", len(ov.Scenarios), len(ov.Districts))
	}

	// Standing scenario 1: 1.2% of 1,000,000 = 12,000 people (level Ⅰ
	// here), 3,000 tents; all 235 arrive on time somewhere.
	life := ov.Scenarios[0]
	if ev := life.Events[0]; ev.Relocated != 12000 || ev.Level != 1 || ev.Days != 7 || len(ev.Hits) != 3 {
		t.Errorf("life-support event %+v", ev)
	}
	if iv := itemOf(t, life, tent); iv.Required != stock.Units(3000) || iv.OnTime != stock.Units(235) {
		t.Errorf("life-support tents %+v", iv)
	}
	// Standing scenario 2: level Ⅱ in A and in C at once, each planned one
	// below Ⅰ's threshold (1,999 people, 499.75 tents rounded up to 500),
	// Ⅱ's 4 teams and 2 days.
	two := ov.Scenarios[1]
	if len(two.Events) != 2 {
		t.Fatalf("two-level-Ⅱ events %+v", two.Events)
	}
	for i, d := range []string{distA, distC} {
		ev := two.Events[i]
		if ev.Level != 2 || ev.Relocated != 1999 || ev.Teams != 4 || ev.Days != 2 || len(ev.Hits) != 1 || ev.Hits[0].Area != d {
			t.Errorf("event %d: %+v", i, ev)
		}
	}
	if iv := itemOf(t, two, tent); iv.Required != stock.Units(1000) || iv.OnTime != stock.Units(235) ||
		!near(two.Summary.Coverage, 0.235) || !near(two.Summary.InTime, 0.235) {
		t.Errorf("two-level-Ⅱ tents %+v, summary %+v", iv, two.Summary)
	}

	// Level Ⅱ alone in each district: 500 tents. Held is city-wide (235,
	// D-A's lot due for rotation included);
	// on time within the hour: A all 235; B all but C's 15 (81 and 86
	// min away); C all but B's 40 (81 min). Local: D-A 80, D-B 40, D-C
	// and S-C 15.
	for i, w := range []struct {
		code          string
		name          string
		pop           int64
		inTime, local float64
		chain         readiness.Chain
	}{
		// The chain: each district's own tents within 4 h (everything
		// here is within 85 min), then with C-CITY's 100 within 6 h, then
		// with the other districts' within 24 h: all 235.
		{distA, "甲区", 600_000, 235.0 / 500, 80.0 / 500, readiness.Chain{Own4h: 80.0 / 500, City6h: 180.0 / 500, Others24h: 235.0 / 500}},
		{distB, "乙区", 300_000, 220.0 / 500, 40.0 / 500, readiness.Chain{Own4h: 40.0 / 500, City6h: 140.0 / 500, Others24h: 235.0 / 500}},
		{distC, "丙区", 100_000, 195.0 / 500, 15.0 / 500, readiness.Chain{Own4h: 15.0 / 500, City6h: 115.0 / 500, Others24h: 235.0 / 500}},
	} {
		dr := ov.Districts[i]
		checkSummary(t, dr.Summary)
		s := dr.Summary
		if dr.Area != w.code || dr.NameZH != w.name || dr.Population != w.pop || dr.Hazard != "flood" || dr.Level != 2 ||
			dr.Point != a.Data.(*fakeData).districts[i].Point {
			t.Errorf("district %d: %+v", i, dr)
		}
		if s.Items != 1 || s.Short != 1 || !near(s.Coverage, 235.0/500) || !near(s.InTime, w.inTime) ||
			!near(s.Within24, 235.0/500) || !near(s.Local, w.local) {
			t.Errorf("district %s summary %+v; want coverage 0.47, in time %v, within 24 h 0.47, local %v",
				w.code, s, w.inTime, w.local)
		}
		if !near(dr.Chain.Own4h, w.chain.Own4h) || !near(dr.Chain.City6h, w.chain.City6h) ||
			!near(dr.Chain.Others24h, w.chain.Others24h) {
			t.Errorf("district %s chain %+v; want %+v", w.code, dr.Chain, w.chain)
		}
		// Item by item (one item here): the same shares.
		if len(dr.Items) != 1 {
			t.Fatalf("district %s items %+v; want tents only", w.code, dr.Items)
		}
		if di := dr.Items[0]; di.Item != tent || di.Required != stock.Units(500) || !near(di.Coverage, 235.0/500) ||
			!near(di.InTime, w.inTime) || !near(di.Within24, 235.0/500) || !near(di.Local, w.local) ||
			!near(di.Own4h, w.chain.Own4h) || !near(di.City6h, w.chain.City6h) || !near(di.Others24h, w.chain.Others24h) {
			t.Errorf("district %s tents %+v", w.code, di)
		}
	}
}

// TestOverviewDefaults runs the shipped configuration with the
// great-circle router over the stocked city: every scenario plans, and
// level Ⅱ is planned one below Beijing's level-Ⅰ threshold of 50,000.
func TestOverviewDefaults(t *testing.T) {
	gc, err := routing.NewGreatCircle(routing.DefaultProfile(), func(geo.Point) routing.Terrain { return routing.Plain })
	if err != nil {
		t.Fatal(err)
	}
	a := &readiness.Assessor{Data: stockedCity(), Config: readiness.DefaultConfig(), Now: clock,
		Planner: func(inv dispatch.Inventory) *dispatch.Planner {
			return &dispatch.Planner{Inventory: inv, Router: gc, Now: clock}
		}}
	ov, err := a.Overview(context.Background(), [2]string{distA, distC}, "flood", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(ov.Scenarios) != 2 || len(ov.Districts) != 3 {
		t.Fatalf("%d scenarios, %d districts", len(ov.Scenarios), len(ov.Districts))
	}
	// 12,000 people start level Ⅳ (from 2,500; Ⅲ starts at 12,500), for
	// the 7 days given. Tents at 0.294 per person: 2116.8, 1058.4 and 352.8
	// by district, each rounded up: 3529, one more than 0.294 × 12,000.
	// The shipped tier rule then makes the city hold two city-level Ⅱ
	// responses, 2 × 49,999 × 0.294 = 29,399.4 → 29,400, of which its share
	// (甲区 2,117 − its cap 5,000 × 0.294 = 1,470: 647) is 28,753 short;
	// and 10 % of 3,529 + 28,753 = 32,282 as margin, 3,229: 35,511.
	life := ov.Scenarios[0]
	if ev := life.Events[0]; ev.Level != 4 || ev.Relocated != 12000 || ev.Days != 7 || ev.Teams != 4 {
		t.Errorf("life-support event %+v", ev)
	}
	if iv := itemOf(t, life, tent); iv.Required != stock.Units(35511) || iv.Reserve != stock.Units(31982) {
		t.Errorf("life-support tents required %s, reserve %s; want 35511, 31982", iv.Required, iv.Reserve)
	}
	two := ov.Scenarios[1]
	for _, ev := range two.Events {
		if ev.Level != 2 || ev.Relocated != 49999 || ev.Affected != 49999 || ev.Teams != 20 || ev.Days != 5 {
			t.Errorf("level Ⅱ event %+v; want 49999 people, 20 teams, 5 days", ev)
		}
	}
	if n := countNotes(two.Notes, "upper bound, 49,999 people"); n != 1 {
		t.Errorf("notes %+v: want the level Ⅱ planning size once", two.Notes)
	}
	// Flood: 20 teams × 30 life jackets per district, 10 assault boats per
	// flooded district; 0.294 × 50,000 = 14,700 tents each.
	for _, w := range []struct {
		item string
		want int64
	}{{jacket, 1200}, {boat, 20}, {tent, 29400}} {
		if iv := itemOf(t, two, w.item); iv.Required != stock.Units(w.want) {
			t.Errorf("%s required %s, want %d", w.item, iv.Required, w.want)
		}
	}
	for _, as := range append(ov.Scenarios, life) {
		checkSummary(t, as.Summary)
	}
	for _, d := range ov.Districts {
		checkSummary(t, d.Summary)
		if d.Summary.Items == 0 || d.Level != 2 {
			t.Errorf("district %+v", d)
		}
		// The summary is the mean of the item-by-item shares.
		if len(d.Items) != d.Summary.Items {
			t.Fatalf("district %s: %d items, summary of %d", d.Area, len(d.Items), d.Summary.Items)
		}
		var mean readiness.Summary
		for _, di := range d.Items {
			for _, x := range []float64{di.Coverage, di.InTime, di.Within24, di.Local} {
				if x < 0 || x > 1 {
					t.Errorf("district %s item %s: share %v outside [0, 1]", d.Area, di.Item, x)
				}
			}
			n := float64(len(d.Items))
			mean.Coverage += di.Coverage / n
			mean.InTime += di.InTime / n
			mean.Within24 += di.Within24 / n
			mean.Local += di.Local / n
		}
		s := d.Summary
		if !near(mean.Coverage, s.Coverage) || !near(mean.InTime, s.InTime) || !near(mean.Within24, s.Within24) || !near(mean.Local, s.Local) {
			t.Errorf("district %s: mean of items %+v, summary %+v", d.Area, mean, s)
		}
	}
}

// TestStandingWithoutPeople: a share of 0 is refused by Validate, and a city
// whose population is unknown gets no life-support scenario rather than
// one planned for some other number of people.
func TestStandingWithoutPeople(t *testing.T) {
	cfg := testConfig(norm("*", tent, readiness.PerRelocated, 0.25))
	cfg.LifeSupport.Share = 0
	if err := cfg.Validate(readiness.Known{}); fieldOf(err) != "life_support.share" {
		t.Errorf("share 0 with no people: %v (field %s), want refused on life_support.share", err, fieldOf(err))
	}
	cfg.LifeSupport.Share = 0.012
	d := stockedCity()
	d.city.Population = 0
	scs := cfg.Standing(d.city, [2]string{distA, distB}, "flood")
	if len(scs) != 1 || scs[0].Code != "standing-two-level-2" {
		t.Fatalf("standing scenarios for a city of unknown population: %+v", scs)
	}
	ov, err := newAssessor(t, d, cfg).Overview(context.Background(), [2]string{distA, distB}, "flood", nil)
	if err != nil || len(ov.Scenarios) != 1 {
		t.Fatalf("overview: %d scenarios, %v", len(ov.Scenarios), err)
	}
}

// countNotes counts the notes whose English text contains s.
func countNotes(notes []readiness.Note, s string) int {
	n := 0
	for _, x := range notes {
		if strings.Contains(x.EN, s) {
			n++
		}
	}
	return n
}
