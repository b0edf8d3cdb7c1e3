package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
	"github.com/stockpile-dev/stockpile/internal/web"
)

// TestDashboard checks the dashboard's figures against the store: depot
// and lot counts, the expired and expiring lots (today is pinned to
// 2026-06-01), and the rows by class, tier and district; then that an
// approved plan shows up as reserved stock and an open incident.
func TestDashboard(t *testing.T) {
	t.Parallel()
	eachDemoSite(t, func(t *testing.T, site *testSite) {
		ctx := context.Background()
		rep, err := site.s.Balances(ctx, store.BalanceQuery{GroupBy: "lot"})
		if err != nil {
			t.Fatal(err)
		}
		var expired, expiring int
		var usable int
		units := map[string]stock.Quantity{}
		for _, r := range rep.Rows {
			if r.Usable > 0 {
				usable++
			}
			units[r.UnitZH] += r.Quantity
			switch {
			case r.ExpiresOn == "":
			case r.ExpiresOn < "2026-06-01":
				expired++
			case r.ExpiresOn <= "2026-08-30": // 90 days on, that day included
				expiring++
			}
		}
		if expired == 0 || expiring == 0 {
			t.Fatalf("the demo should hold expired (%d) and expiring (%d) lots", expired, expiring)
		}
		body := site.page(t, "/")
		contains(t, "dashboard", body,
			`data-kpi="depots">43<`,
			fmt.Sprintf(`data-kpi="usable-lots">%s<`, web.FormatNumber(usable)),
			fmt.Sprintf("%s 个批次已过期", web.FormatNumber(stock.Units(int64(expired)))),
			fmt.Sprintf("%s 个批次将在 90 天内到期", web.FormatNumber(stock.Units(int64(expiring)))),
			`<tr data-key="city">`, `<tr data-key="district">`, "市级", "区级",
			`<tr data-key="110111">`, "房山区", "基本生活保障物资",
			`data-kpi="incidents">0<`, `id="district-chart"`, "js/dashboard.js")

		// No sum of unlike units: quantities are added per unit only.
		if strings.Contains(body, `data-kpi="quantity"`) {
			t.Error("the dashboard still adds up quantities of different units")
		}
		for unit, q := range units {
			contains(t, "by unit", body, fmt.Sprintf(`<tr data-unit="%s">`, unit),
				fmt.Sprintf(`<td>%s</td><td class="num">`, unit), fmt.Sprintf(`<td class="num">%s</td>`, web.FormatNumber(q)))
		}
		if len(units) < 2 {
			t.Errorf("the demo holds stock in %d units; the test needs several", len(units))
		}

		// Each alert's link opens the lots it counts (the lots tab's 90 days
		// include the expired).
		contains(t, "alert links", body, `href="/stock/lots?days=expired"`, `href="/stock/lots?days=90"`)
		if n := len(stockAttr(site.page(t, "/stock/lots?days=expired"), "data-lot")); n != expired {
			t.Errorf("the expired alert's link shows %d lots, want %d", n, expired)
		}
		if n := len(stockAttr(site.page(t, "/stock/lots?days=90"), "data-lot")); n != min(expired+expiring, 500) {
			t.Errorf("the expiring alert's link shows %d lots, want %d", n, expired+expiring)
		}

		en := site.page(t, "/lang/en?back=/")
		contains(t, "dashboard in English", en, "lots have expired", "Fangshan District", "Basic life-support materials", "City")
		site.page(t, "/lang/zh?back=/")

		// Approving a plan reserves stock and opens an incident.
		var plan struct{ ID int64 }
		site.post(t, "/api/plans", `{"incident": {"code": "T-DASH", "title": "测试", "type": "flood", "level": 2,
			"sites": [{"code": "S1", "name": "良乡", "point": {"lon": 116.14, "lat": 39.73},
			"demands": [{"item": "1010101", "quantity": 100, "within_hours": 4}]}]}}`, &plan)
		site.post(t, fmt.Sprintf("/api/plans/%d/approve", plan.ID), `{}`, &plan)
		body = site.page(t, "/")
		contains(t, "after approval", body, `data-kpi="reserved">1<`, "涉及 1 种物资", `data-kpi="incidents">1<`)
	})
}

// TestDashboardEmpty shows what to do on an empty database.
func TestDashboardEmpty(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := newTestSite(t, s, web.Options{})
		body := site.page(t, "/")
		contains(t, "empty dashboard", body, `id="dash-empty"`, "stockpile demo", `data-kpi="depots">0<`)
		if strings.Contains(body, `id="soonest"`) {
			t.Error("an empty database lists expiring lots")
		}
	})
}
