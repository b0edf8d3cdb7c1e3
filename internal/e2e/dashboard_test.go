package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/stockpile-dev/stockpile/internal/store"
)

// TestDashboard opens the dashboard at office-screen size: the figures the
// server rendered match the store, the readiness chart is drawn, and the
// switch to English works. Then the same on a phone.
func TestDashboard(t *testing.T) {
	s := open(t, 1366, 768, "commander-city")
	s.goTo("/", "dashboard")
	s.shot("dashboard")

	depots, err := s.site.Store.Depots(context.Background(), store.DepotFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.text(`[data-kpi="depots"]`); got != fmt.Sprint(len(depots)) {
		t.Errorf("depot count on the dashboard: %q, want %d", got, len(depots))
	}
	// Readiness by district: three bars a district, each the API's figure,
	// weakest district on top (by in time, then by what it holds itself).
	type bar struct {
		Area          string
		InTime, Local float64
		Coverage      float64
	}
	bars := eval[[]bar](s, `[...document.querySelectorAll('#district-chart .bars-row')].map((r) => {
		const v = (k) => Number(r.querySelector('[data-series="' + k + '"]').dataset.value);
		return { Area: r.dataset.area, InTime: v('in_time'), Coverage: v('coverage'), Local: v('local') }; })`)
	var ov struct {
		Districts []struct {
			Area    string `json:"area"`
			Summary struct {
				InTime   float64 `json:"in_time"`
				Coverage float64 `json:"coverage"`
				Local    float64 `json:"local"`
			} `json:"summary"`
		}
	}
	ovJSON, err := chromedp.Run(s.ctx, chromedp.Evaluate[string](`fetch('/api/readiness').then((r) => r.text())`, chromedp.EvalAwaitPromise))
	if err != nil || json.Unmarshal([]byte(ovJSON), &ov) != nil {
		t.Fatalf("readiness overview: %v", err)
	}
	if len(bars) == 0 || len(bars) != len(ov.Districts) {
		t.Fatalf("%d districts charted, the API has %d", len(bars), len(ov.Districts))
	}
	want := map[string]bar{}
	for _, d := range ov.Districts {
		want[d.Area] = bar{d.Area, d.Summary.InTime, d.Summary.Local, d.Summary.Coverage}
	}
	for i, b := range bars {
		if b != want[b.Area] {
			t.Errorf("district %s: bars %+v, API %+v", b.Area, b, want[b.Area])
		}
		if i > 0 && (bars[i-1].InTime > b.InTime || (bars[i-1].InTime == b.InTime && bars[i-1].Local > b.Local)) {
			t.Errorf("districts %s and %s out of order", bars[i-1].Area, b.Area)
		}
	}
	contains(t, "alerts", s.text("#alerts"), "常备情景")
	contains(t, "totals by district", s.text("#by-district"), "房山区")

	s.do("switch to English", follow(s.site, "#lang-switch", "dashboard"))
	contains(t, "English dashboard", s.text("body"), "Readiness by district", "Alerts")
	s.shot("dashboard-en")
	s.do("switch back", follow(s.site, "#lang-switch", "dashboard"))

	phone := open(t, 390, 844, "commander-city")
	phone.goTo("/", "dashboard")
	if w := eval[int](phone, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the dashboard is %d px wide on a 390 px phone", w)
	}
	phone.shot("dashboard-phone")
}
