package warning

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/apperr"
)

// knownBeijing accepts the codes of the Beijing districts.
func knownBeijing(code string) bool { return refSet(beijing)(code) }

func TestValidateJSONWarning(t *testing.T) {
	var w Warning
	in := `{"identifier":"FS-2026-07","headline":"房山区山洪预警","hazard":"flood","level":2,
		"areas":["110111","110109"],"onset":1785369600,"expires":1785456000,"source":"json"}`
	if err := json.Unmarshal([]byte(in), &w); err != nil {
		t.Fatal(err)
	}
	if err := w.Validate(knownBeijing); err != nil {
		t.Fatalf("valid warning refused: %v", err)
	}
	if len(w.Areas) != 2 || w.Level != 2 || w.Onset != 1785369600 {
		t.Errorf("decoded %+v", w)
	}
	out, err := json.Marshal(Warning{Identifier: "x", Hazard: HazardFlood, Level: 1, Areas: []string{"110111"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"identifier":"x","hazard":"flood","level":1,"areas":["110111"]}`; string(out) != want {
		t.Errorf("JSON %s, want %s", out, want)
	}
}

func TestValidateErrors(t *testing.T) {
	valid := Warning{Identifier: "W1", Hazard: HazardFlood, Level: 1, Areas: []string{"110111", "110109"},
		Onset: 1000, Expires: 2000}
	tooMany := make([]string, MaxAreas+1)
	for i := range tooMany {
		tooMany[i] = fmt.Sprint(i)
	}
	for _, c := range []struct {
		name        string
		edit        func(*Warning)
		code, field string
	}{
		{"blank identifier", func(w *Warning) { w.Identifier = "  " }, "warning.identifier", "identifier"},
		{"long identifier", func(w *Warning) { w.Identifier = string(make([]byte, MaxIdentifierLen+1)) }, "warning.identifier", "identifier"},
		{"missing hazard", func(w *Warning) { w.Hazard = "" }, "warning.hazard", "hazard"},
		{"unknown hazard", func(w *Warning) { w.Hazard = "tsunami" }, "warning.hazard", "hazard"},
		{"hazard in Chinese", func(w *Warning) { w.Hazard = "洪涝" }, "warning.hazard", "hazard"},
		{"level 0", func(w *Warning) { w.Level = 0 }, "warning.level", "level"},
		{"level 5", func(w *Warning) { w.Level = 5 }, "warning.level", "level"},
		{"bad source", func(w *Warning) { w.Source = "xml" }, "warning.source", "source"},
		{"negative onset", func(w *Warning) { w.Onset = -1 }, "warning.time", "onset"},
		{"negative expires", func(w *Warning) { w.Onset, w.Expires = 0, -5 }, "warning.time", "expires"},
		{"expires before onset", func(w *Warning) { w.Expires = 999 }, "warning.expires", "expires"},
		{"no areas", func(w *Warning) { w.Areas = nil }, "warning.areas", "areas"},
		{"too many areas", func(w *Warning) { w.Areas = tooMany }, "warning.areas", "areas"},
		{"blank area", func(w *Warning) { w.Areas = []string{"110111", " "} }, "warning.area_blank", "areas[1]"},
		{"duplicate area", func(w *Warning) { w.Areas = []string{"110111", "110109", "110111"} }, "warning.area_duplicate", "areas[2]"},
		{"unknown area", func(w *Warning) { w.Areas = []string{"110111", "310101"} }, "warning.area_unknown", "areas[1]"},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := valid
			c.edit(&w)
			assertErr(t, w.Validate(knownBeijing), apperr.Invalid, c.code, c.field)
		})
	}
}

func TestValidateEdges(t *testing.T) {
	w := Warning{Identifier: "W1", Hazard: HazardColdSnow, Level: 4, Areas: []string{"anything"}}
	if err := w.Validate(nil); err != nil {
		t.Errorf("nil known should accept any code: %v", err)
	}
	w.Expires = 10 // onset 0 means now: no order to check
	if err := w.Validate(nil); err != nil {
		t.Errorf("expires with onset now refused: %v", err)
	}
	w.Onset, w.Expires = 10, 10
	if err := w.Validate(nil); err != nil {
		t.Errorf("expires equal to onset refused: %v", err)
	}
}

func TestHazards(t *testing.T) {
	seen := map[string]bool{}
	for _, h := range Hazards {
		if HazardNameZH(h) == "" || seen[h] {
			t.Errorf("hazard %q has no Chinese name or repeats", h)
		}
		seen[h] = true
	}
	if len(Hazards) != 6 || HazardNameZH("tsunami") != "" {
		t.Errorf("Hazards = %v", Hazards)
	}
}

// assertErr checks that err is an *apperr.Error with the kind, code and
// field, and with both messages.
func assertErr(t *testing.T, err error, kind apperr.Kind, code, field string) {
	t.Helper()
	e, ok := apperr.As(err)
	switch {
	case err == nil:
		t.Fatalf("no error, want %s at %q", code, field)
	case !ok:
		t.Fatalf("error %T %v is not an *apperr.Error", err, err)
	case e.Kind != kind || e.Code != code || e.Field != field:
		t.Fatalf("got kind %d %s at %q (%s), want kind %d %s at %q", e.Kind, e.Code, e.Field, e.EN, kind, code, field)
	case e.ZH == "" || e.EN == "":
		t.Fatalf("missing message: %+v", e)
	}
}
