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
	// Readiness by district: the delivery chain, one stacked bar a
	// district (own stock within 4 h, with the city's within 6 h, with
	// other districts' within 24 h), each the API's figure, weakest
	// district on top; and the districts do not all show the same figure.
	type bar struct {
		Area                     string
		Own4h, City6h, Others24h float64
	}
	bars := eval[[]bar](s, `[...document.querySelectorAll('#district-chart .bars-row')].map((r) => {
		const v = (k) => Number(r.querySelector('[data-series="' + k + '"]').dataset.value);
		return { Area: r.dataset.area, Own4h: v('own_4h'), City6h: v('city_6h'), Others24h: v('others_24h') }; })`)
	var ov struct {
		Districts []struct {
			Area  string `json:"area"`
			Chain struct {
				Own4h     float64 `json:"own_4h"`
				City6h    float64 `json:"city_6h"`
				Others24h float64 `json:"others_24h"`
			} `json:"chain"`
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
		want[d.Area] = bar{d.Area, d.Chain.Own4h, d.Chain.City6h, d.Chain.Others24h}
	}
	for i, b := range bars {
		if b != want[b.Area] {
			t.Errorf("district %s: bars %+v, API %+v", b.Area, b, want[b.Area])
		}
		if i > 0 && (bars[i-1].Own4h > b.Own4h || (bars[i-1].Own4h == b.Own4h && bars[i-1].City6h > b.City6h)) {
			t.Errorf("districts %s and %s out of order", bars[i-1].Area, b.Area)
		}
	}
	if first, last := bars[0], bars[len(bars)-1]; !(last.Own4h-first.Own4h >= 0.1) {
		t.Errorf("the weakest district %s (%.3f within 4 h) and the strongest %s (%.3f) are not told apart",
			first.Area, first.Own4h, last.Area, last.Own4h)
	}
	// The weakest district's own segment is visibly shorter than the
	// strongest's.
	widths := eval[[]float64](s, `[...document.querySelectorAll('#district-chart .bars-row [data-series="own_4h"]')].map((e) => e.getBoundingClientRect().width)`)
	if len(widths) != len(bars) || !(widths[len(widths)-1] > widths[0]+10) {
		t.Errorf("own-stock segments %v: the weakest is not visibly shorter", widths)
	}
	contains(t, "chain legend", s.text("#district-chart"), "本区4小时", "市级6小时", "其他区24小时")
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
