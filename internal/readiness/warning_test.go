package readiness_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/readiness"
	"github.com/stockpile-dev/stockpile/internal/warning"
)

func TestReadWarningJSON(t *testing.T) {
	w, err := readiness.ReadWarning(context.Background(), newCity(),
		[]byte(`{"identifier":"W-7","hazard":"flood","level":2,"areas":["990103","990102"],"onset":1784534400}`))
	if err != nil {
		t.Fatal(err)
	}
	want := warning.Warning{Identifier: "W-7", Hazard: "flood", Level: 2, Areas: []string{distC, distB},
		Onset: 1784534400, Source: warning.SourceJSON}
	if w.Identifier != want.Identifier || w.Hazard != want.Hazard || w.Level != want.Level || !slices.Equal(w.Areas, want.Areas) ||
		w.Onset != want.Onset || w.Source != want.Source {
		t.Errorf("warning %+v, want %+v", w, want)
	}

	for _, tc := range []struct {
		name, body, field, code string
	}{
		{"unknown district", `{"identifier":"W","hazard":"flood","level":2,"areas":["110111"]}`, "areas[0]", "warning.area_unknown"},
		{"unknown second district", `{"identifier":"W","hazard":"flood","level":2,"areas":["990101","990104"]}`, "areas[1]", "warning.area_unknown"},
		{"the city itself", `{"identifier":"W","hazard":"flood","level":2,"areas":["990000"]}`, "areas[0]", "warning.area_unknown"},
		{"unknown field", `{"identifier":"W","hazard":"flood","level":2,"areas":["990101"],"district":"x"}`, "", "warning.json"},
		{"bad level", ` {"identifier":"W","hazard":"flood","level":0,"areas":["990101"]}`, "level", "warning.level"},
		{"not JSON", `flood in C`, "", "warning.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readiness.ReadWarning(context.Background(), newCity(), []byte(tc.body))
			e, ok := apperr.As(err)
			if !ok || e.Kind != apperr.Invalid || e.Field != tc.field || e.Code != tc.code {
				t.Errorf("error %#v, want %s on %q", err, tc.code, tc.field)
			}
		})
	}
}

// capAlert is a minimal CAP 1.2 alert with the given area elements.
func capAlert(areas string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>TEST-CAP-1</identifier>
  <sender>测试市气象台</sender>
  <sent>2026-07-20T14:00:00+08:00</sent>
  <status>Actual</status>
  <msgType>Alert</msgType>
  <scope>Public</scope>
  <info>
    <language>zh-CN</language>
    <category>Met</category>
    <event>暴雨</event>
    <urgency>Expected</urgency>
    <severity>Severe</severity>
    <certainty>Likely</certainty>
    <onset>2026-07-20T20:00:00+08:00</onset>
    <headline>测试市气象台发布暴雨橙色预警</headline>
    <parameter><valueName>预警级别</valueName><value>橙色</value></parameter>
    ` + areas + `
  </info>
</alert>`
}

func TestReadWarningCAP(t *testing.T) {
	onset := time.Date(2026, 7, 20, 12, 0, 0, 0, time.UTC).Unix()
	for _, tc := range []struct {
		name  string
		areas string
		want  []string
	}{
		// A 10 km circle around C's reference point (lat,lon radius).
		{"circle", `<area><areaDesc>丙区南部</areaDesc><circle>39.55,116.0 10</circle></area>`, []string{distC}},
		// The city's code covers its districts, in the city's order.
		{"city geocode", `<area><areaDesc>全市</areaDesc><geocode><valueName>行政区划代码</valueName><value>990000</value></geocode></area>`,
			[]string{distA, distB, distC}},
		// By name when there is no geocode or shape.
		{"names", `<area><areaDesc>乙区、丙区</areaDesc></area>`, []string{distB, distC}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Leading white space still marks XML.
			w, err := readiness.ReadWarning(context.Background(), newCity(), []byte("\n  "+capAlert(tc.areas)))
			if err != nil {
				t.Fatalf("%v (field %s)", err, fieldOf(err))
			}
			if w.Source != warning.SourceCAP || w.Identifier != "TEST-CAP-1" || w.Hazard != "flood" || w.Level != 2 ||
				w.Onset != onset || !slices.Equal(w.Areas, tc.want) || !strings.Contains(w.Headline, "暴雨橙色预警") {
				t.Errorf("warning %+v, want flood level 2 from CAP in %v", w, tc.want)
			}
		})
	}

	// An alert for somewhere else names no district of the city.
	_, err := readiness.ReadWarning(context.Background(), newCity(),
		[]byte(capAlert(`<area><areaDesc>房山区</areaDesc><circle>39.7,115.9 5</circle></area>`)))
	if e, ok := apperr.As(err); !ok || e.Code != "cap.no_area" || e.Field != "alert.info[0].area" {
		t.Errorf("alert outside the city: %#v", err)
	}
	// CAP errors name the XML path.
	_, err = readiness.ReadWarning(context.Background(), newCity(), []byte(strings.Replace(capAlert(
		`<area><areaDesc>丙区</areaDesc></area>`), "<status>Actual</status>", "<status>Exercise</status>", 1)))
	if fieldOf(err) != "alert.status" {
		t.Errorf("exercise alert: %v (field %q)", err, fieldOf(err))
	}
}

// TestReadWarningThenRecommend: a warning read from CAP plans like one
// typed in.
func TestReadWarningThenRecommend(t *testing.T) {
	d := forwardCity()
	w, err := readiness.ReadWarning(context.Background(), d,
		[]byte(capAlert(`<area><areaDesc>丙区</areaDesc><circle>39.55,116.0 10</circle></area>`)))
	if err != nil {
		t.Fatal(err)
	}
	// Onset 20:00 +08:00 is 6 h after the test clock: D-B's stock moves.
	rec := recommend(t, d, w, readiness.PrepositionOptions{})
	moved := checkMoves(t, d, rec, map[string]string{distC: "D-C"})
	// Level 2 is planned at Ⅰ's 2000 people: 2000 tents, 1000 quilts; D-B
	// gives half its 300 tents and 400 quilts.
	if moved[moveKey{"D-B", tent}].Float() != 150 || moved[moveKey{"D-B", quilt}].Float() != 200 {
		t.Errorf("moved %v", moved)
	}
	if rec.Scenario.Code != "warning-TEST-CAP-1" || rec.Scenario.NameZH != "预警：测试市气象台发布暴雨橙色预警" {
		t.Errorf("scenario %+v", rec.Scenario)
	}
}
