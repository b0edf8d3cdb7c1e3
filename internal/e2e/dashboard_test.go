package e2e_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/store"
)

// TestDashboard opens the dashboard at office-screen size: the figures the
// server rendered match the store, the readiness chart is drawn, and the
// switch to English works. Then the same on a phone.
func TestDashboard(t *testing.T) {
	s := open(t, 1366, 768)
	s.goTo("/", "dashboard")
	s.shot("dashboard")

	depots, err := s.site.Store.Depots(context.Background(), store.DepotFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.text(`[data-kpi="depots"]`); got != fmt.Sprint(len(depots)) {
		t.Errorf("depot count on the dashboard: %q, want %d", got, len(depots))
	}
	if n := eval[int](s, `document.querySelectorAll('#district-chart canvas').length`); n == 0 {
		t.Error("the readiness chart was not drawn")
	}
	// Three bars a district, weakest on top: by in time, then by what the
	// district holds itself.
	series := eval[[][]float64](s, `echarts.getInstanceByDom(document.querySelector('#district-chart')).getOption().series.map((x) => x.data)`)
	if len(series) != 3 || len(series[0]) != len(series[2]) || len(series[0]) == 0 {
		t.Fatalf("district chart series %v; want in time, coverage and local, a bar per district each", series)
	}
	for i := 1; i < len(series[0]); i++ {
		if a, b := [2]float64{series[0][i-1], series[2][i-1]}, [2]float64{series[0][i], series[2][i]}; a[0] > b[0] || (a[0] == b[0] && a[1] > b[1]) {
			t.Errorf("district chart rows %d and %d out of order: %v then %v", i-1, i, a, b)
		}
	}
	contains(t, "alerts", s.text("#alerts"), "常备情景")
	contains(t, "totals by district", s.text("#by-district"), "房山区")

	s.do("switch to English", follow(s.site, "#lang-switch", "dashboard"))
	contains(t, "English dashboard", s.text("body"), "Readiness by district", "Alerts")
	s.shot("dashboard-en")
	s.do("switch back", follow(s.site, "#lang-switch", "dashboard"))

	phone := open(t, 390, 844)
	phone.goTo("/", "dashboard")
	if w := eval[int](phone, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the dashboard is %d px wide on a 390 px phone", w)
	}
	phone.shot("dashboard-phone")
}
