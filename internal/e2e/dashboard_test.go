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
