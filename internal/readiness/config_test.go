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

// writeNorms writes norms in the CSV form ParseNorms reads, independently
// of the package.
func writeNorms(t *testing.T, norms []readiness.Norm) string {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"hazard", "item", "basis", "quantity", "tier", "assumption", "source", "area"})
	for _, n := range norms {
		yes := "no"
		if n.Assumption {
			yes = "yes"
		}
		w.Write([]string{n.Hazard, n.Item, string(n.Basis), strconv.FormatFloat(n.Quantity, 'g', -1, 64),
			string(n.Tier), yes, n.Source, n.Area})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestParseNormsRoundTrip(t *testing.T) {
	norms := append(readiness.DefaultConfig().Norms,
		readiness.Norm{Hazard: "flood", Item: boat, Basis: readiness.PerIncident, Quantity: 2.5, Area: distC,
			Tier: area.LevelDistrict, Source: `a "quoted", comma source`, Assumption: true})
	got, err := readiness.ParseNorms(writeNorms(t, norms))
	if err != nil {
		t.Fatal(err)
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

func TestParseNormsErrors(t *testing.T) {
	const header = "hazard,item,basis,quantity,tier,assumption,source\n"
	for _, tc := range []struct {
		name, csv, field, msg string
	}{
		{"quantity not a number", header + "*,1010101,relocated,1,,no,src\n*,1020101,relocated,lots,,no,src\n", "norms[1]", "line 3"},
		{"too few columns", header + "*,1010101,relocated\n", "norms[0]", "want 7 columns"},
		{"malformed CSV", header + "*,\"1010101,relocated,1,,no,src\n", "", "line 2, column"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readiness.ParseNorms(tc.csv)
			e, ok := apperr.As(err)
			if !ok || e.Kind != apperr.Invalid || e.Code != "norms.csv" || e.Field != tc.field || !strings.Contains(e.EN, tc.msg) {
				t.Errorf("error %#v, want Invalid on %s saying %q", err, tc.field, tc.msg)
			}
		})
	}
	// NaN parses as a float; validation is what refuses it.
	norms, err := readiness.ParseNorms(header + "*,1010101,relocated,NaN,,no,src\n")
	if err != nil {
		t.Fatal(err)
	}
	c := testConfig(norms...)
	if err := c.Validate(readiness.Known{}); fieldOf(err) != "norms[0].quantity" {
		t.Errorf("NaN quantity from CSV: %v (field %q), want norms[0].quantity", err, fieldOf(err))
	}
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
