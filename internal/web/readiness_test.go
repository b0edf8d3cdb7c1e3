package web_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"strings"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/readiness"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// readinessIDs are the elements the browser tests find the screen by.
var readinessIDs = []string{"readiness-kpis", "readiness-map", "district-chart", "item-chart", "purchase-budget", "purchase-list",
	"export-xlsx", "scenario-form", "assess", "preposition-form", "preposition-go", "preposition-result"}

// TestReadinessPage checks the 储备评估 screen in both languages: its
// stable ids, the export link, the forms' districts and hazards from the
// store, the catalogue names handed to the script, and the choice of the
// second standing scenario by ?pair= and ?hazard=.
func TestReadinessPage(t *testing.T) {
	t.Parallel()
	eachDemoSite(t, func(t *testing.T, site *testSite) {
		ctx := context.Background()
		city, districts, err := site.s.Readiness().City(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(districts) < 16 {
			t.Fatalf("demo city %s has %d districts", city.Code, len(districts))
		}
		body := site.page(t, "/readiness")
		for _, id := range readinessIDs {
			contains(t, "readiness ids", body, `id="`+id+`"`)
		}
		contains(t, "readiness in Chinese", body, `lang="zh-CN"`, "储备评估", "自建情景", "物资前置", "采购清单", "导出 Excel",
			"暴雨洪涝", "森林草原火灾", "危险化学品事故", "低温雨雪冰冻", "Ⅱ级 橙色",
			`href="/api/readiness?format=xlsx&amp;hazard=flood&amp;pair=110111%2C110109"`,
			"js/readiness.js?v=", "vendor/echarts/echarts.common.min.js?v=", "vendor/leaflet/leaflet.js?v=")
		// Every district is a choice in the pair, the builder and the
		// warning; the standing pair is preselected.
		for _, d := range districts {
			if n := strings.Count(body, `value="`+d.Code+`"`); n != 4 {
				t.Errorf("district %s (%s) offered %d times, want 4 (pair ×2, scenario, warning)", d.Code, d.NameZH, n)
			}
			contains(t, "district names", body, "> "+d.NameZH+"</label>")
		}
		// The rotation list is headed by its rule (lots in their item's
		// rotation window, still held), not by the planning period; the
		// messages the script shows are in the page too.
		contains(t, "rotation rule", body, "轮换清单（进入轮换期、仍计入储备的批次）", "保质期的最后 1/3（",
			"到期前 90 天", "采购预算（列入本级财政预算）", "金额（元）")
		for _, old := range []string{"规划期内到期", "天规划期内"} {
			if strings.Contains(body, old) {
				t.Errorf("the readiness page still says %q", old)
			}
		}
		contains(t, "default pair", body, `<option value="110111" selected>房山区</option>`, `<option value="110109" selected>门头沟区</option>`)

		// The script gets the catalogue, the districts and the depots in
		// both languages, since the API names them in Chinese only.
		items, err := site.s.Items(ctx, store.ItemFilter{})
		if err != nil || len(items) == 0 {
			t.Fatalf("items: %d, %v", len(items), err)
		}
		it := items[len(items)/2]
		type named struct {
			Code   string `json:"code,omitempty"`
			NameZH string `json:"name_zh"`
			NameEN string `json:"name_en"`
			UnitZH string `json:"unit_zh,omitempty"`
			UnitEN string `json:"unit_en,omitempty"`
		}
		names, _ := json.Marshal(named{NameZH: it.NameZH, NameEN: it.NameEN, UnitZH: it.UnitZH, UnitEN: it.UnitEN})
		contains(t, "item names for the script", body, `"`+it.Code+`":`+string(names))
		cityJSON, _ := json.Marshal(named{Code: city.Code, NameZH: city.NameZH, NameEN: city.NameEN})
		contains(t, "settings for the script", body, `"city":`+string(cityJSON), `"pair":["110111","110109"]`, `"deadline_hours":`,
			`"depots":{"`)

		// The export link gives the workbook.
		res, err := site.client.Get(site.srv.URL + "/api/readiness?format=xlsx&hazard=flood&pair=110111%2C110109")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), "spreadsheetml") {
			t.Errorf("export link: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}

		// Another pair and hazard, as the API's ?pair=a,b and as the page's
		// own form sends them (pair=a&pair=b).
		for _, q := range []string{"pair=110108,110105&hazard=earthquake", "pair=110108&pair=110105&hazard=earthquake"} {
			body = site.page(t, "/readiness?"+q)
			contains(t, q, body, `href="/api/readiness?format=xlsx&amp;hazard=earthquake&amp;pair=110108%2C110105"`,
				`<option value="110108" selected>海淀区</option>`, `<option value="110105" selected>朝阳区</option>`,
				`<option value="earthquake" selected>地震</option>`, "每区单独发生Ⅱ级地震")
		}

		body = site.page(t, "/lang/en?back=/readiness")
		contains(t, "readiness in English", body, `lang="en"`, "Readiness", "Build a scenario", "Pre-positioning",
			"Purchase list", "Export to Excel", "Forest fire", "Hazmat accident", "level Ⅱ orange", "Recommend moves",
			"Rotation list (lots due for rotation, still counted as held)", "in the last 1/3 of the item&#39;s shelf life",
			"Purchase budget", "Cost (yuan)")
		for _, d := range districts {
			contains(t, "English district names", body, "> "+html.EscapeString(d.NameEN)+"</label>")
		}
		if strings.Contains(body, "储备评估") {
			t.Error("English page still shows the Chinese title")
		}
	})
}

// TestReadinessPageErrors checks that a bad ?pair= or ?hazard= gives a 400
// page with the reason in the user's language, as the API would refuse it.
func TestReadinessPageErrors(t *testing.T) {
	t.Parallel()
	eachDemoSite(t, func(t *testing.T, site *testSite) {
		cases := []struct{ query, zh, en string }{
			{"pair=110108", "两个区编码", "two district codes"},
			{"pair=110108,999999", "「999999」不是本市的区", `"999999" is not a district of the city`},
			{"hazard=volcano", "参数 hazard 的值「volcano」无效", `parameter hazard="volcano" is invalid`},
		}
		for _, c := range cases {
			status, body := site.get(t, "/readiness?"+c.query)
			if status != http.StatusBadRequest || !strings.Contains(body, c.zh) {
				t.Errorf("%s: status %d, want 400 with %q\n%.300s", c.query, status, c.zh, body)
			}
		}
		site.page(t, "/lang/en?back=/")
		for _, c := range cases {
			status, body := site.get(t, "/readiness?"+c.query)
			if status != http.StatusBadRequest || !strings.Contains(html.UnescapeString(body), c.en) {
				t.Errorf("%s in English: status %d, want 400 with %q", c.query, status, c.en)
			}
		}
	})
}

// TestReadinessSaved checks the saved scenarios: none at first (with what
// to do), then a scenario saved in the store is listed with its events,
// on the page and in the partial the page reloads after saving.
func TestReadinessSaved(t *testing.T) {
	t.Parallel()
	eachDemoSite(t, func(t *testing.T, site *testSite) {
		// The messages of the whole page are also in the script's JSON, so look
		// for the empty state's element.
		const empty = `<div class="empty rd-empty-small">还没有保存的情景`
		contains(t, "no saved scenarios", site.page(t, "/readiness"), empty)

		sc := readiness.Scenario{Code: "mtg-quake", NameZH: "门头沟地震演练", NameEN: "Mentougou earthquake drill",
			Events: []readiness.Event{
				{Hazard: "earthquake", Level: 1, Areas: []string{"110109", "110111"}},
				{Hazard: "cold-snow", Relocated: 3000, Areas: []string{"110119"}},
			}}
		if _, err := site.s.SaveScenario(context.Background(), sc); err != nil {
			t.Fatal(err)
		}
		want := []string{`data-code="mtg-quake"`, "门头沟地震演练", "地震 Ⅰ级 · 门头沟区、房山区", "低温雨雪冰冻 3,000 人 · 延庆区",
			`data-act="assess"`, `data-act="edit"`, `data-act="export"`}
		body := site.page(t, "/readiness")
		contains(t, "saved scenario on the page", body, want...)
		if strings.Contains(body, empty) {
			t.Error("the empty state is shown beside a saved scenario")
		}

		status, part := site.get(t, "/readiness/saved")
		if status != http.StatusOK || strings.Contains(part, "<html") {
			t.Fatalf("saved partial: status %d, a whole page: %v", status, strings.Contains(part, "<html"))
		}
		contains(t, "saved partial", part, append(want, `id="saved-scenarios"`)...)

		site.page(t, "/lang/en?back=/")
		_, part = site.get(t, "/readiness/saved")
		contains(t, "saved partial in English", part, "Mentougou earthquake drill",
			"Earthquake level Ⅰ · Mentougou District, Fangshan District", "Cold and snow 3,000 people · Yanqing District", "Assess")
	})
}
