package readiness_test

import (
	"bytes"
	"encoding/csv"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/readiness"
)

func TestDefaultConfigValidates(t *testing.T) {
	c := readiness.DefaultConfig()
	if err := c.Validate(readiness.Known{}); err != nil {
		t.Fatalf("shipped defaults: %v (field %s)", err, fieldOf(err))
	}
	if !c.Default || len(c.Norms) == 0 {
		t.Errorf("defaults: Default %v, %d norms", c.Default, len(c.Norms))
	}
	// Every shipped norm names an item of the shipped catalogue.
	known := readiness.Known{Item: func(code string) bool { _, ok := catalogItems()[code]; return ok }}
	if err := c.Validate(known); err != nil {
		t.Errorf("shipped norms against the shipped catalogue: %v (field %s)", err, fieldOf(err))
	}
	// Figures the rest of the code relies on.
	if c.LifeSupport.Share != 0.012 || c.PlanningDays != 365 || c.WindowHours != 72 || c.DeadlineHours != 4 || c.KeepShare != 0.5 {
		t.Errorf("defaults %+v", c)
	}
	if l := c.Levels[0]; l.Level != 1 || l.Relocated != 50000 {
		t.Errorf("level Ⅰ %+v, want from 50000 people", l)
	}
	if got := c.LevelFor(30000); got != 2 {
		t.Errorf("LevelFor(30000) = %d, want 2 (25000 ≤ 30000 < 50000)", got)
	}
	if got := c.LevelFor(100); got != 0 {
		t.Errorf("LevelFor(100) = %d, want 0 (below Ⅳ's 2500)", got)
	}
}

// writeNorms writes norms in the CSV form ImportNorms reads, independently
// of the package.
func writeNorms(t *testing.T, norms []readiness.Norm) string {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"hazard", "item", "basis", "quantity", "tier", "assumption", "source", "area", "group"})
	for _, n := range norms {
		yes := "no"
		if n.Assumption {
			yes = "yes"
		}
		w.Write([]string{n.Hazard, n.Item, string(n.Basis), strconv.FormatFloat(n.Quantity, 'g', -1, 64),
			string(n.Tier), yes, n.Source, n.Area, n.Group})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestImportNormsRoundTrip(t *testing.T) {
	norms := append(readiness.DefaultConfig().Norms,
		readiness.Norm{Hazard: "flood", Item: boat, Basis: readiness.PerIncident, Quantity: 2.5, Area: distC,
			Tier: area.LevelDistrict, Source: `a "quoted", comma source`, Assumption: true})
	got, err := readiness.ImportNorms(writeNorms(t, norms), readiness.Known{})
	if err != nil {
		t.Fatal(err)
	}
	again, err := readiness.ImportNorms(string(readiness.ExportNorms(got)), readiness.Known{})
	if err != nil || !reflect.DeepEqual(again, got) {
		t.Fatalf("export then import: %v; changed: %v", err, !reflect.DeepEqual(again, got))
	}
	if !reflect.DeepEqual(got, norms) {
		for i := range norms {
			if i >= len(got) || !reflect.DeepEqual(got[i], norms[i]) {
				t.Fatalf("norm %d: got %+v, want %+v", i, got[min(i, len(got)-1)], norms[i])
			}
		}
		t.Fatalf("got %d norms, want %d", len(got), len(norms))
	}
	// The first shipped norm, read by hand from data/norms.csv.
	first := got[0]
	if first.Hazard != "*" || first.Item != tent || first.Basis != readiness.PerRelocated || first.Quantity != 0.294 ||
		first.Tier != "" || !first.Assumption || !strings.Contains(first.Source, "Sphere") {
		t.Errorf("first shipped norm %+v", first)
	}
}

// TestImportNormsReportsEveryRow: an import with bad rows is refused whole,
// and the report names every bad row with its line and column.
func TestImportNormsReportsEveryRow(t *testing.T) {
	const header = "hazard,item,basis,quantity,tier,assumption,source\n"
	known := readiness.Known{Item: func(code string) bool { return code == tent || code == quilt }}
	file := header +
		"*," + tent + ",relocated,0.3,,yes,src\n" + // good
		"*," + quilt + ",relocated,lots,,no,src\n" + // line 3: quantity not a number
		"*," + quilt + ",relocated,-1,,no,src\n" + // line 4: negative
		"*,9999999,relocated,1,,no,src\n" + // line 5: unknown item
		"*," + quilt + ",relocated,1,,no,\n" + // line 6: no source
		"volcano," + quilt + ",relocated,1,,no,src\n" + // line 7: unknown hazard
		"*," + tent + ",relocated,0.5,,no,src\n" + // line 8: repeats line 2
		"*," + quilt + ",relocated\n" // line 9: too few columns
	norms, err := readiness.ImportNorms(file, known)
	e, ok := apperr.As(err)
	if norms != nil || !ok || e.Code != "norms.import" || !strings.Contains(e.EN, "7 rows") {
		t.Fatalf("import: %d norms, %v", len(norms), err)
	}
	want := []struct {
		line  int
		field string
	}{{3, "quantity"}, {4, "quantity"}, {5, "item"}, {6, "source"}, {7, "hazard"}, {8, "item"}, {9, ""}}
	if len(e.Rows) != len(want) {
		t.Fatalf("rows %+v", e.Rows)
	}
	for i, w := range want {
		r := e.Rows[i]
		if r.Line != w.line || r.Field != w.field || !hasHan(r.ZH) || r.EN == "" {
			t.Errorf("row %d: %+v, want line %d field %q", i, r, w.line, w.field)
		}
	}
	for _, tc := range []struct{ name, file, code string }{
		{"malformed CSV", header + "*,\"1010101,relocated,1,,no,src\n", "norms.csv"},
		{"wrong header", "item,hazard,basis,quantity,tier,assumption,source\n", "norms.header"},
		{"empty", "", "norms.empty"},
	} {
		if _, err := readiness.ImportNorms(tc.file, known); !isCode(err, tc.code) {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
		}
	}
	// A byte-order mark, as Excel writes, is fine.
	if got, err := readiness.ImportNorms("\ufeff"+header+"*,"+tent+",relocated,0.3,,yes,src\n", known); err != nil || len(got) != 1 {
		t.Errorf("with a BOM: %d norms, %v", len(got), err)
	}
}

func isCode(err error, code string) bool {
	e, ok := apperr.As(err)
	return ok && e.Code == code
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

func TestConfigValidateNamesField(t *testing.T) {
	good := func() readiness.Config {
		return testConfig(norm("*", tent, readiness.PerRelocated, 0.25), norm("flood", boat, readiness.PerIncident, 10))
	}
	if err := good().Validate(readiness.Known{}); err != nil {
		t.Fatalf("base config: %v", err)
	}
	onlyTent := readiness.Known{Item: func(c string) bool { return c == tent }, Area: func(c string) bool { return c == distA }}
	for _, tc := range []struct {
		name  string
		edit  func(c *readiness.Config)
		known readiness.Known
		field string
		kind  apperr.Kind
	}{
		{"negative quantity", func(c *readiness.Config) { c.Norms[1].Quantity = -1 }, readiness.Known{}, "norms[1].quantity", apperr.Invalid},
		{"NaN quantity", func(c *readiness.Config) { c.Norms[0].Quantity = math.NaN() }, readiness.Known{}, "norms[0].quantity", apperr.Invalid},
		{"infinite quantity", func(c *readiness.Config) { c.Norms[0].Quantity = math.Inf(1) }, readiness.Known{}, "norms[0].quantity", apperr.Invalid},
		{"missing source", func(c *readiness.Config) { c.Norms[1].Source = "  " }, readiness.Known{}, "norms[1].source", apperr.Invalid},
		{"unknown hazard", func(c *readiness.Config) { c.Norms[1].Hazard = "tsunami" }, readiness.Known{}, "norms[1].hazard", apperr.Invalid},
		{"missing hazard", func(c *readiness.Config) { c.Norms[0].Hazard = "" }, readiness.Known{}, "norms[0].hazard", apperr.Invalid},
		{"unknown basis", func(c *readiness.Config) { c.Norms[0].Basis = "household" }, readiness.Known{}, "norms[0].basis", apperr.Invalid},
		{"unknown item", func(c *readiness.Config) {}, onlyTent, "norms[1].item", apperr.NotFound},
		{"unknown area", func(c *readiness.Config) { c.Norms[0].Area = distB }, onlyTent, "norms[0].area", apperr.NotFound},
		{"unknown tier", func(c *readiness.Config) { c.Norms[0].Tier = "province" }, readiness.Known{}, "norms[0].tier", apperr.Invalid},
		{"shares not adding to 1", func(c *readiness.Config) { c.TierShares[1].Share = 0.3 }, readiness.Known{}, "tier_shares", apperr.Invalid},
		{"NaN share", func(c *readiness.Config) { c.TierShares[0].Share = math.NaN() }, readiness.Known{}, "tier_shares[0].share", apperr.Invalid},
		{"tier twice", func(c *readiness.Config) { c.TierShares[1].Tier = area.LevelCity }, readiness.Known{}, "tier_shares[1].tier", apperr.Invalid},
		{"levels out of order", func(c *readiness.Config) { c.Levels[1], c.Levels[2] = c.Levels[2], c.Levels[1] }, readiness.Known{}, "levels[1].level", apperr.Invalid},
		{"thresholds not falling", func(c *readiness.Config) { c.Levels[2].Relocated = 1000 }, readiness.Known{}, "levels[2].relocated", apperr.Invalid},
		{"three levels", func(c *readiness.Config) { c.Levels = c.Levels[:3] }, readiness.Known{}, "levels", apperr.Invalid},
		{"NaN level days", func(c *readiness.Config) { c.Levels[3].Days = math.NaN() }, readiness.Known{}, "levels[3].days", apperr.Invalid},
		{"planning_days 0", func(c *readiness.Config) { c.PlanningDays = 0 }, readiness.Known{}, "planning_days", apperr.Invalid},
		{"NaN window", func(c *readiness.Config) { c.WindowHours = math.NaN() }, readiness.Known{}, "window_hours", apperr.Invalid},
		{"deadline over 72 h", func(c *readiness.Config) { c.DeadlineHours = 73 }, readiness.Known{}, "deadline_hours", apperr.Invalid},
		{"keep share over 1", func(c *readiness.Config) { c.KeepShare = 1.01 }, readiness.Known{}, "keep_share", apperr.Invalid},
		{"NaN life-support share", func(c *readiness.Config) { c.LifeSupport.Share = math.NaN() }, readiness.Known{}, "life_support.share", apperr.Invalid},
		{"no life-support days", func(c *readiness.Config) { c.LifeSupport.Days = 0 }, readiness.Known{}, "life_support.days", apperr.Invalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := good()
			tc.edit(&c)
			err := c.Validate(tc.known)
			e, ok := apperr.As(err)
			if !ok || e.Field != tc.field || e.Kind != tc.kind {
				t.Errorf("Validate: %#v, want kind %d on field %s", err, tc.kind, tc.field)
			}
		})
	}
}
