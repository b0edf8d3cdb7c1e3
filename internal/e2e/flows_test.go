package e2e_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/stockpile-dev/stockpile/internal/e2e"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// TestMapFindDepot opens 一张图, finds a depot by name, and asks where tents
// are within 4 hours of a point clicked on the map.
func TestMapFindDepot(t *testing.T) {
	s := open(t, 1366, 768, "viewer-city")
	s.goTo("/map", "map")
	if n := eval[int](s, `window.stockpileMap.depots`); n < 43 {
		t.Errorf("map drew %d depots, want the demo's 43", n)
	}
	s.shot("map")

	s.do("find a depot", chromedp.SendKeys(chromedp.CSS("#depot-search"), "房山区综合"),
		chromedp.WaitVisible(chromedp.CSS(`.depot-popup[data-depot="D-110111-01"]`)))
	contains(t, "depot popup", s.text(".depot-popup"), "房山区综合应急物资储备库")
	// The popup counts lots and items, and gives quantities only per item
	// with their units: never units of different items added up.
	s.do("the depot's items", chromedp.WaitVisible(chromedp.CSS(`.depot-popup .depot-items[data-loaded] li[data-item]`)))
	popup := s.text(".depot-popup")
	contains(t, "depot popup", popup, "在库批次 / 品种", "有可用库存的批次", "天内临期批次", "各物资可用 / 在库")
	if strings.Contains(popup, "在库件数") || strings.Contains(popup, "Units on hand") {
		t.Errorf("the depot popup adds units of different items: %q", popup)
	}
	if n := count(s, ".depot-popup .depot-items li[data-item]"); n == 0 || n > 8 {
		t.Errorf("the depot popup lists %d items, want 1 to 8", n)
	}
	if !eval[bool](s, `[...document.querySelectorAll('.depot-popup .depot-items li[data-item]')].every((li) => /\d \/ [\d,.]+ \S+$/.test(li.textContent))`) {
		t.Errorf("an item of the depot popup has no unit: %q", s.text(".depot-popup .depot-items"))
	}
	contains(t, "legend", s.text("#map-legend"), "批次")
	s.shot("map-depot")

	s.do("type an item", chromedp.SendKeys(chromedp.CSS("#nearby-item"), "1010101"))
	s.do("an exact code picks the item", chromedp.Poll[chromedp.Void](
		`document.querySelector('#nearby-item').value.includes('(1010101)') || null`, chromedp.WithPollingTimeout(10*time.Second)))
	s.do("set the point and search", chromedp.SetValue(chromedp.CSS("#nearby-hours"), "4"),
		// The depot's popup covers the map's middle: close it first.
		chromedp.Click(chromedp.CSS(".leaflet-popup-close-button")),
		chromedp.WaitNotPresent(chromedp.CSS(".depot-popup")),
		clickMap("#map", 0.5, 0.55),
		chromedp.Click(chromedp.CSS("#nearby-go")),
		chromedp.WaitVisible(chromedp.CSS("#nearby-results [data-source]")))
	if n := count(s, "#nearby-results [data-source]"); n == 0 {
		t.Error("no sources of tents within 4 h")
	}
	s.shot("map-nearby")
}

// TestIncidentPlanApprove is the commander's path: create an incident by
// clicking a site on the map and picking a street, ask for tents and
// water, get the plan, approve it, and see the stock it reserved.
func TestIncidentPlanApprove(t *testing.T) {
	s := open(t, 1366, 768, "commander-city")
	s.do("open the incidents", chromedp.Navigate(s.site.URL+"/incidents"))
	s.do("new incident", follow(s.site, "#new-incident", "incident-new"))
	code := fmt.Sprintf("E2E-%d", time.Now().UnixNano()%1e6)
	s.do("describe the incident",
		chromedp.SetValue(chromedp.CSS("#incident-code"), code),
		chromedp.SendKeys(chromedp.CSS("#incident-title"), "房山暴雨内涝(浏览器测试)"),
		clickMap("#incident-map", 0.45, 0.6),
		chromedp.WaitVisible(chromedp.CSS(`#sites .site`)))
	s.do("ask for tents at the clicked site",
		chromedp.SendKeys(chromedp.CSS(`#sites .site .demand-item`), "1010101"),
		chromedp.SetValue(chromedp.CSS(`#sites .site .demand-quantity`), "200"),
		chromedp.SetValue(chromedp.CSS(`#sites .site .demand-hours`), "4"))
	s.shot("incident-form")
	s.do("get the plan", chromedp.Click(chromedp.CSS("#submit-incident")), e2e.WaitPath("/plans/", "plan"))
	s.shot("plan")
	if st := s.attr("#plan-status", "data-status"); st != "proposed" {
		t.Fatalf("new plan status %q, want proposed", st)
	}
	if n := count(s, "#plan-lines tbody tr"); n == 0 {
		t.Fatal("the plan has no lines")
	}
	// Scrolled under the sticky header, the map's zoom buttons pass below it.
	if !eval[bool](s, `(() => { const m = document.querySelector('#plan-map'); window.scrollBy(0, m.getBoundingClientRect().top - 10);
		const z = m.querySelector('.leaflet-control-zoom-in').getBoundingClientRect();
		const hit = document.elementFromPoint(z.left + z.width / 2, z.top + z.height / 2); window.scrollTo(0, 0);
		return !!(hit && hit.closest('.topbar')); })()`) {
		t.Error("the map's zoom buttons are drawn over the header")
	}
	contains(t, "explanation", s.text("#plan-lines"), "单帐篷")

	s.do("approve", chromedp.Click(chromedp.CSS("#approve")),
		eventually(`document.querySelector('#plan-status') && document.querySelector('#plan-status').dataset.status === 'approved'`),
		e2e.WaitReady("plan"), chromedp.WaitVisible(chromedp.CSS("#reserved")))
	s.shot("plan-approved")
	reserved := s.text("#reserved")
	contains(t, "reserved stock", reserved, "单帐篷")

	// The ledger agrees: the depots of the plan hold reserved tents.
	rep, err := s.site.Store.Balances(context.Background(), store.BalanceQuery{Item: "1010101", GroupBy: "depot"})
	if err != nil {
		t.Fatal(err)
	}
	var held float64
	for _, r := range rep.Rows {
		held += r.Reserved.Float()
	}
	if held < 200 {
		t.Errorf("tents reserved in the ledger: %v, want at least 200", held)
	}
}

// TestStockScreen switches the stock tabs, verifies the ledger, and checks
// the Excel export link.
func TestStockScreen(t *testing.T) {
	s := open(t, 1366, 768, "manager-city")
	s.goTo("/stock", "stock")
	s.shot("stock")
	for _, tab := range []string{"items", "depots", "movements", "lots"} {
		s.do("tab "+tab, chromedp.Click(chromedp.CSS(`#stock-tabs [data-tab="`+tab+`"]`)),
			chromedp.Poll[chromedp.Void](`location.pathname === '/stock/`+tab+`' || null`, chromedp.WithPollingTimeout(10*time.Second)),
			chromedp.WaitVisible(chromedp.CSS("#stock-body table")))
		if tab == "movements" {
			s.do("verify the ledger", chromedp.Click(chromedp.CSS("#verify-ledger")),
				chromedp.WaitVisible(chromedp.CSS(`#ledger-status[data-status]`)))
			if st := s.attr("#ledger-status", "data-status"); st != "ok" {
				t.Errorf("ledger status %q, want ok", st)
			}
		}
		s.shot("stock-" + tab)
	}
	if href := s.attr("#export-xlsx", "href"); !strings.HasPrefix(href, "/api/exports/stock.xlsx") {
		t.Errorf("export link %q", href)
	}
}

// TestLotScan is the warehouse keeper of the city's flood depot on a
// phone: a handheld scanner types a lot label's text (a lot of their
// depot) and Enter into the scan field, and the page shows that lot; then
// the camera reads a label. Headless Chromium has a synthetic
// camera but no QR detector (BarcodeDetector is there on Android), so the
// test supplies a detector that reports the label once the camera's video
// is playing: what is tested is the page's camera path, not QR decoding.
func TestLotScan(t *testing.T) {
	s := open(t, 390, 844, "keeper-city")
	rep, err := s.site.Store.Balances(context.Background(), store.BalanceQuery{Depot: "C-DX-FLOOD", GroupBy: "lot"})
	if err != nil || len(rep.Rows) < 2 {
		t.Fatalf("demo lots: %d, %v", len(rep.Rows), err)
	}
	first, second := rep.Rows[0].Lot, rep.Rows[len(rep.Rows)-1].Lot
	s.goTo("/stock", "stock")
	s.do("scan a label with a handheld scanner", chromedp.SendKeys(chromedp.CSS("#lot-scan-input"), stock.LabelText(first)+"\r"),
		e2e.WaitPath("/work/lots/", "work"))
	s.shot("lot-scanned")
	if got := s.text("#lot-code"); got != first {
		t.Errorf("scanned lot %q, want %q", got, first)
	}
	if n := count(s, ".depot-stock[data-depot]"); n == 0 {
		t.Error("the scanned lot shows no depot's stock")
	}
	if w := eval[int](s, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the scanned lot is %d px wide on a 390 px phone", w)
	}

	fake := fmt.Sprintf(`window.BarcodeDetector = class {
		async detect(video) { return video.readyState >= 2 && video.videoWidth > 0 ? [{ rawValue: %q, format: 'qr_code' }] : []; }
	};`, stock.LabelText(second))
	if _, err := chromedp.Call(s.ctx, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: fake}); err != nil {
		t.Fatal(err)
	}
	s.do("a browser with a QR detector", chromedp.Navigate(s.site.URL+"/work"), e2e.WaitReady("work"),
		chromedp.WaitVisible(chromedp.CSS("#lot-scan-camera")))
	if w := eval[int](s, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the work screen with the camera button is %d px wide on a 390 px phone", w)
	}
	s.do("scan with the camera", chromedp.Click(chromedp.CSS("#lot-scan-camera")), e2e.WaitPath("/work/lots/"+second, "work"))
	s.shot("lot-camera")
}

// TestReadinessScreen opens the readiness view: the standing scenarios,
// the district layer, the charts and the purchase list.
func TestReadinessScreen(t *testing.T) {
	s := open(t, 1366, 768, "viewer-city")
	s.goTo("/readiness", "readiness")
	s.shot("readiness")
	if n := count(s, "#district-chart canvas"); n == 0 {
		t.Error("no district chart")
	}
	if n := count(s, "#readiness-map path.leaflet-interactive, #readiness-map canvas"); n == 0 {
		t.Error("no district layer on the readiness map")
	}
	contains(t, "purchase list", s.text("#purchase-list"), "单帐篷")

	// The screen is ES modules, and every module it imports is fetched
	// with its content hash (assets.go), so none is revalidated or stale.
	modules := eval[[]string](s, `performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.includes('/static/js/readiness'))`)
	if len(modules) < 5 {
		t.Errorf("the readiness screen loaded %d modules: %v", len(modules), modules)
	}
	for _, m := range modules {
		if !strings.Contains(m, "?v=") {
			t.Errorf("module fetched without its hash: %s", m)
		}
	}

	// Where the overview carries each district's delivery chain (own stock
	// within 4 h, city stock within 6 h, other districts within 24 h), the
	// map opens on the first link, and a district's popup shows all three.
	chain, err := chromedp.Run(s.ctx, chromedp.Evaluate[bool](`fetch('/api/readiness').then((r) => r.json()).then((ov) => ov.districts.some((d) => d.chain))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if chain {
		if m := eval[string](s, `document.querySelector('#map-measure').value`); m != "own_4h" {
			t.Errorf("with the chain, the map opens on %q, want own_4h", m)
		}
		contains(t, "legend", s.text("#readiness-map .rd-legend-title"), "本区4小时")
	}
	s.do("click 房山", chromedp.Evaluate[chromedp.Void](`(() => { const m = Stockpile.maps[0]; const l = Object.values(m._layers)
		.find((x) => x.feature && x.feature.properties.code === '110111'); l.fire('click', { latlng: l.getBounds().getCenter() }); })()`),
		chromedp.WaitVisible(chromedp.CSS(`#readiness-map .rd-popup[data-district="110111"]`)))
	popup := s.text("#readiness-map .rd-popup")
	if chain {
		contains(t, "district popup", popup, "房山区", "本区4小时", "市级6小时", "其他区24小时", "%")
	} else {
		contains(t, "district popup", popup, "房山区", "%")
	}
	s.shot("readiness-popup")

	// One item's coverage by district, on the map and in the chart: the
	// chart's bars are the API's figures for tents, district by district.
	s.do("show tents' coverage by district", chromedp.SetValue(chromedp.CSS("#map-item"), "1010101"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('#map-item').dispatchEvent(new Event('change'))`),
		chromedp.SetValue(chromedp.CSS("#map-measure"), "coverage"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('#map-measure').dispatchEvent(new Event('change'))`))
	contains(t, "legend", s.text("#readiness-map .rd-legend-title"), "单帐篷")
	chart := eval[[]float64](s, `echarts.getInstanceByDom(document.querySelector('#district-chart')).getOption().series[0].data.slice().sort()`)
	api, err := chromedp.Run(s.ctx, chromedp.Evaluate[[]float64](`fetch('/api/readiness').then((r) => r.json()).then((ov) =>
		ov.districts.map((d) => d.items.find((i) => i.item === '1010101').coverage).sort())`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if len(chart) == 0 || fmt.Sprint(chart) != fmt.Sprint(api) {
		t.Errorf("tents by district: chart %v, API %v", chart, api)
	}
	// The chart's tooltip is the page's own (ECharts' is markup the
	// Content-Security-Policy refuses): a district and its shares.
	s.do("point at a district's bars", chromedp.Evaluate[chromedp.Void](`echarts.getInstanceByDom(document.querySelector('#district-chart'))
		.dispatchAction({ type: 'showTip', seriesIndex: 0, dataIndex: 0 })`),
		chromedp.WaitVisible(chromedp.CSS("#district-chart .chart-tip")))
	contains(t, "chart tooltip", s.text("#district-chart .chart-tip"), "区", "%")
	s.shot("readiness-tents")

	phone := open(t, 390, 844, "viewer-city")
	phone.goTo("/readiness", "readiness")
	phone.shot("readiness-phone")
}

// TestReadinessBudget is a commander reading the first standing scenario's
// money and lists: the purchase budget per holder (市级, then each
// district) adds up to the API's purchase cost, purchase lines and tier
// rows name their district, lines show their cost, and the rotation list
// is headed by its rule (lots in their rotation window, still held), not
// by the planning period.
func TestReadinessBudget(t *testing.T) {
	s := open(t, 1366, 900, "commander-city")
	s.goTo("/readiness", "readiness")
	s.do("wait for the budget", chromedp.WaitVisible(chromedp.CSS("#purchase-budget table.rd-budget tbody tr")))

	type budget struct {
		Cost  float64 `json:"cost"`
		Lines int     `json:"lines"`
		Area  string  `json:"area"`
	}
	type scenario struct {
		Code         string   `json:"code"`
		PurchaseCost float64  `json:"purchase_cost"`
		Budgets      []budget `json:"budgets"`
		Purchases    int      `json:"purchases"`
	}
	api, err := chromedp.Run(s.ctx, chromedp.Evaluate[scenario](`fetch('/api/readiness').then((r) => r.json()).then((ov) => {
		const as = ov.scenarios[0];
		return { code: as.scenario.code, purchase_cost: as.purchase_cost, budgets: as.budgets, purchases: as.purchases.length };
	})`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if len(api.Budgets) == 0 || api.Purchases == 0 {
		t.Fatalf("the first standing scenario has %d budgets and %d purchase lines", len(api.Budgets), api.Purchases)
	}
	// One row per budget holder and the total, whose cost is the API's,
	// formatted as the screen formats money (whole yuan, separators).
	if n := count(s, "#purchase-budget tbody tr"); n != len(api.Budgets)+1 {
		t.Errorf("budget rows = %d, want %d holders and the total", n, len(api.Budgets))
	}
	total := eval[string](s, fmt.Sprintf(`Math.round(%v).toLocaleString('zh-CN')`, api.PurchaseCost))
	budgetText := s.text("#purchase-budget")
	contains(t, "budget", budgetText, "采购预算", "市级", "房山区", "门头沟区", "合计", total)
	sum := 0.0
	for _, b := range api.Budgets {
		sum += b.Cost
	}
	if math.Abs(sum-api.PurchaseCost) > 0.01 {
		t.Errorf("budgets add up to %v, purchase cost %v", sum, api.PurchaseCost)
	}
	if got := s.text("#purchase-budget tbody tr:last-child td:last-child"); !strings.Contains(got, total) {
		t.Errorf("the total row shows %q, want %s", got, total)
	}

	// Purchase lines and tier rows name their district in the page's
	// language; lines show a unit price and a cost column.
	contains(t, "purchase list", s.text("#purchase-list thead"), "预算主体", "单价（元）", "金额（元）")
	contains(t, "purchase list", s.text("#purchase-list tbody"), "市级", "房山区")
	contains(t, "tier rows", s.text("#tier-table tbody"), "市级", "房山区")
	contains(t, "item table", s.text("#item-table thead"), "金额（元）")

	// The rotation list says what it lists.
	rotation := eval[string](s, `document.querySelector('#rotation-list').closest('.card').innerText`)
	contains(t, "rotation list", rotation, "轮换清单（进入轮换期、仍计入储备的批次）", "保质期的最后 1/3")
	if strings.Contains(rotation, "规划期") {
		t.Errorf("the rotation list still speaks of the planning period: %.200q", rotation)
	}
	s.do("scroll to the purchase list", chromedp.Evaluate[chromedp.Void](`document.querySelector('#purchase-budget').scrollIntoView()`))
	s.shot("readiness-budget")

	// In English, district names come from the page's names.
	s.do("switch to English", chromedp.Navigate(s.site.URL+"/lang/en?back=/readiness"), e2e.WaitReady("readiness"),
		chromedp.WaitVisible(chromedp.CSS("#purchase-budget table.rd-budget tbody tr")))
	contains(t, "English budget", s.text("#purchase-budget"), "Purchase budget", "City", "Total", total)
	contains(t, "English purchase list", s.text("#purchase-list tbody"), "Fangshan")
	if strings.ContainsAny(s.text("#purchase-list tbody"), "区市") {
		t.Errorf("the English purchase list shows Chinese: %.300q", s.text("#purchase-list tbody"))
	}
	s.shot("readiness-budget-en")
}

// TestPreposition is the duty officer acting on a red rainstorm warning for
// 门头沟 and 房山: ask for a pre-positioning recommendation with a 1.5 h
// deadline, see the moves with coverage before and after, and approve it,
// which creates a transfer order.
func TestPreposition(t *testing.T) {
	s := open(t, 1366, 768, "commander-city")
	s.goTo("/readiness", "readiness")
	s.do("describe the warning",
		chromedp.Click(chromedp.CSS(`#preposition-form input[name="areas"][value="110109"]`)),
		chromedp.Click(chromedp.CSS(`#preposition-form input[name="areas"][value="110111"]`)),
		chromedp.SetValue(chromedp.CSS(`#preposition-form select[name="level"]`), "1"),
		chromedp.SetValue(chromedp.CSS(`#preposition-form input[name="deadline_hours"]`), "1.5"),
		chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('#preposition-form select, #preposition-form input').forEach((e) => e.dispatchEvent(new Event(e.tagName === 'SELECT' ? 'change' : 'input', { bubbles: true })))`))
	s.do("recommend", chromedp.Click(chromedp.CSS("#preposition-go")),
		chromedp.WaitVisible(chromedp.CSS("#preposition-moves tbody tr")))
	s.shot("preposition")
	if n := count(s, "#preposition-moves tbody tr"); n == 0 {
		t.Fatal("no moves recommended for a red warning at a 1.5 h deadline")
	}
	contains(t, "before and after", s.text("#preposition-result"), "前置前", "前置后")
	s.do("approve", chromedp.Click(chromedp.CSS("#preposition-approve")), chromedp.WaitVisible(chromedp.CSS("#transfer-order")))
	id := s.attr("#transfer-order", "data-id")
	if id == "" {
		t.Fatal("approval created no transfer order")
	}
	s.shot("preposition-approved")
}

// TestMapCoordinates checks the browser's GCJ-02 conversion, used when the
// map draws over AMap-style tiles, against the Go one over Beijing.
func TestMapCoordinates(t *testing.T) {
	s := open(t, 800, 600, "viewer-city")
	s.goTo("/map", "map")
	for _, p := range []geo.Point{{Lon: 116.3913, Lat: 39.9054}, {Lon: 115.97, Lat: 40.45}, {Lon: 117.2, Lat: 39.6}} {
		want := geo.WGS84ToGCJ02(p)
		got := eval[[2]float64](s, fmt.Sprintf(`Stockpile.coords.wgsToGcj(%v, %v)`, p.Lon, p.Lat))
		if math.Abs(got[0]-want.Lon) > 1e-9 || math.Abs(got[1]-want.Lat) > 1e-9 {
			t.Errorf("wgsToGcj(%v) in the browser = %v, Go = %v", p, got, want)
		}
		back := eval[[2]float64](s, fmt.Sprintf(`Stockpile.coords.gcjToWgs(%v, %v)`, want.Lon, want.Lat))
		if math.Abs(back[0]-p.Lon) > 1e-6 || math.Abs(back[1]-p.Lat) > 1e-6 {
			t.Errorf("gcjToWgs(wgsToGcj(%v)) in the browser = %v", p, back)
		}
	}
}

// TestMapDepotPopupEnglish opens a depot's popup on the English map: lots
// and items counted, quantities only per item with their units.
func TestMapDepotPopupEnglish(t *testing.T) {
	s := open(t, 1366, 768, "commander-city")
	s.do("switch to English", chromedp.Navigate(s.site.URL+"/lang/en?back=/map"), e2e.WaitReady("map"))
	s.do("open on a depot", chromedp.Navigate(s.site.URL+"/map?depot=C-FS-RELIEF"), e2e.WaitReady("map"),
		chromedp.WaitVisible(chromedp.CSS(`.depot-popup[data-depot="C-FS-RELIEF"] .depot-items[data-loaded] li[data-item]`)))
	popup := s.text(".depot-popup")
	contains(t, "depot popup", popup, "Lots / items on hand", "Lots with usable stock", "Usable / on hand, per item")
	if strings.Contains(popup, "Units on hand") || strings.Contains(popup, "在库") {
		t.Errorf("the English popup adds units or shows Chinese labels: %q", popup)
	}
	contains(t, "legend", s.text("#map-legend"), "Shares are of the lots on hand")
	s.shot("map-depot-en")
}
