package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stockpile-dev/stockpile/internal/demo"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
	"github.com/stockpile-dev/stockpile/internal/web"
)

// stockAttr lists the values of attribute attr (data-lot, data-seq …) in
// body, in order.
func stockAttr(body, attr string) []string {
	var out []string
	for _, m := range regexp.MustCompile(attr+`="([^"]*)"`).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// stockNum formats a whole number as the pages do: 12,345.
func stockNum(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// stockLots reads the demo's lot balances from the store.
func stockLots(t *testing.T, s *store.Store, q store.BalanceQuery) []store.BalanceRow {
	t.Helper()
	q.GroupBy = "lot"
	rep, err := s.Balances(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	return rep.Rows
}

// TestStockTabs opens each tab on the demo and checks it shows what the
// store holds.
func TestStockTabs(t *testing.T) {
	t.Parallel()
	eachDemoSite(t, func(t *testing.T, site *testSite) {
		ctx := context.Background()
		lots := stockLots(t, site.s, store.BalanceQuery{})

		// /stock is the lots tab: the first page in depot order, with the count.
		body := site.page(t, "/stock")
		contains(t, "/stock", body, `id="stock-tabs"`, `data-tab="lots" hx-get="/stock/lots" hx-target="#stock-body" hx-push-url="true" class="active"`,
			`id="stock-body"`, `id="stock-filter"`, `id="export-xlsx"`, `href="/api/exports/stock.xlsx"`,
			"批次库存", lots[0].DepotNameZH, lots[0].Lot, lots[0].Batch,
			fmt.Sprintf("显示第 1–500 条，共 %s 条", stockNum(int64(len(lots)))), "下一页", "js/stock.js")
		if shown := stockAttr(body, "data-lot"); len(shown) != 500 || shown[0] != lots[0].Lot || shown[499] != lots[499].Lot {
			t.Errorf("/stock shows %d lots from %v, want the first 500 from %s", len(shown), shown[:min(len(shown), 1)], lots[0].Lot)
		}
		body = site.page(t, "/stock/lots?page=2")
		contains(t, "page 2", body, fmt.Sprintf("显示第 501–%s 条", stockNum(int64(min(1000, len(lots))))), "上一页", lots[500].Lot)

		// The catalogue: item codes and names, with the stock held of each.
		items, err := site.s.StockItems(ctx, store.ItemFilter{}, "", false)
		if err != nil {
			t.Fatal(err)
		}
		var tent store.StockItem
		for _, it := range items {
			if it.Code == "1010101" {
				tent = it
			}
		}
		body = site.page(t, "/stock/items")
		contains(t, "items", body, `data-tab="items" hx-get="/stock/items" hx-target="#stock-body" hx-push-url="true" class="active"`,
			fmt.Sprintf("共 %d 种物资", len(items)), "1010101", tent.NameZH, "101 · 临时住宿", "10 年",
			stockNum(int64(tent.Quantity.Float())), `hx-trigger="keyup changed delay:300ms, search"`)
		if strings.Contains(body, tent.NameEN) {
			t.Errorf("the Chinese catalogue shows the English name %q", tent.NameEN)
		}

		// Depots: names, holder, district, utilisation, links to lots and the map.
		depots, err := site.s.StockDepots(ctx, store.DepotFilter{}, "")
		if err != nil {
			t.Fatal(err)
		}
		body = site.page(t, "/stock/depots")
		d := depots[0]
		contains(t, "depots", body, fmt.Sprintf("共 %d 个储备库", len(depots)), d.NameZH, d.OrgZH, d.DistrictZH,
			`href="/stock/lots?depot=`+d.Code+`"`, `href="/map?depot=`+d.Code+`"`, "stock-bar")
		if got := len(stockAttr(body, "data-depot")); got != len(depots) {
			t.Errorf("depots tab lists %d depots, want %d", got, len(depots))
		}

		// Movements: newest first, with the ledger check.
		page, err := site.s.StockMovements(ctx, store.MovementQuery{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		body = site.page(t, "/stock/movements")
		newest := page.Rows[0]
		contains(t, "movements", body, `id="verify-ledger"`, `<div id="ledger-status" class="muted stock-ledger-idle">`, "尚未校验",
			fmt.Sprintf("共 %s 条台账记录", stockNum(page.Total)), newest.Hash[:12], newest.LotCode, newest.Reason,
			time.UnixMicro(newest.At).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02 15:04:05"),
			"&#43;"+stockNum(int64(newest.Delta.Float())), "更早")
		if seqs := stockAttr(body, "data-seq"); len(seqs) != 100 || seqs[0] != fmt.Sprint(newest.Seq) {
			t.Errorf("movements page: %d entries starting %v, want 100 from %d", len(seqs), seqs[:min(1, len(seqs))], newest.Seq)
		}
		// Earlier, then later again.
		older := fmt.Sprintf("/stock/movements?before=%d", page.Rows[99].Seq)
		body = site.page(t, older)
		if seqs := stockAttr(body, "data-seq"); len(seqs) == 0 || seqs[0] != fmt.Sprint(page.Rows[99].Seq-1) {
			t.Errorf("%s starts at %v, want %d", older, seqs[:min(1, len(seqs))], page.Rows[99].Seq-1)
		}
		contains(t, "earlier page", body, "更新", fmt.Sprintf("after=%d", page.Rows[99].Seq-1))
		body = site.page(t, fmt.Sprintf("/stock/movements?after=%d", page.Rows[99].Seq-1))
		if seqs := stockAttr(body, "data-seq"); len(seqs) != 100 || seqs[0] != fmt.Sprint(newest.Seq) {
			t.Errorf("later page: %d entries from %v, want 100 from %d", len(seqs), seqs[:min(1, len(seqs))], newest.Seq)
		}
	})
}

// TestStockFilters checks that each filter narrows the table to what the
// store says it should.
func TestStockFilters(t *testing.T) {
	t.Parallel()
	eachDemoSite(t, func(t *testing.T, site *testSite) {
		all := stockLots(t, site.s, store.BalanceQuery{})
		depot := all[len(all)/2].Depot
		mine := stockLots(t, site.s, store.BalanceQuery{Depot: depot})
		body := site.page(t, "/stock/lots?depot="+depot)
		shown := stockAttr(body, "data-lot")
		if len(shown) != len(mine) {
			t.Errorf("lots of %s: %d shown, want %d", depot, len(shown), len(mine))
		}
		for i := range min(len(shown), len(mine)) {
			if shown[i] != mine[i].Lot {
				t.Fatalf("lots of %s: row %d is %s, want %s", depot, i, shown[i], mine[i].Lot)
			}
		}
		contains(t, "depot filter", body, `href="/api/exports/stock.xlsx?depot=`+depot+`"`,
			`<option value="`+depot+`" selected>`, "清除筛选", fmt.Sprintf("共 %d 条批次库存", len(mine)))

		// Expiry: expired lots, and lots expiring within 90 days (expired included).
		today, soon := "2026-06-01", "2026-08-30"
		var expired, within []string
		for _, r := range all {
			if r.ExpiresOn != "" && r.ExpiresOn < today {
				expired = append(expired, r.Lot)
			}
			if r.ExpiresOn != "" && r.ExpiresOn <= soon {
				within = append(within, r.Lot)
			}
		}
		if len(expired) == 0 || len(within) <= len(expired) {
			t.Fatalf("demo has %d expired and %d expiring lots; want some of each", len(expired), len(within))
		}
		body = site.page(t, "/stock/lots?days=expired")
		if got := stockAttr(body, "data-lot"); len(got) != len(expired) {
			t.Errorf("expired lots: %d shown, want %d", len(got), len(expired))
		}
		contains(t, "expired", body, `class="badge bad"`, "已过期")
		body = site.page(t, "/stock/lots?days=90")
		if got := stockAttr(body, "data-lot"); len(got) != min(len(within), 500) {
			t.Errorf("lots expiring within 90 days: %d shown, want %d", len(got), len(within))
		}
		contains(t, "within 90 days", body, `class="badge warn"`, "剩 ")

		// Quality, and a combination that matches nothing.
		var good int
		for _, r := range stockLots(t, site.s, store.BalanceQuery{Depot: depot}) {
			if r.Quality == string(stock.QualityGood) {
				good++
			}
		}
		body = site.page(t, "/stock/lots?quality=good&depot="+depot)
		if got := len(stockAttr(body, "data-lot")); got != good {
			t.Errorf("good lots of %s: %d shown, want %d", depot, got, good)
		}
		body = site.page(t, "/stock/lots?depot="+depot+"&item=1010202") // steel bunk beds: not in the demo
		contains(t, "no match", body, "没有符合筛选条件的记录", `href="/stock/lots"`)

		// The catalogue by class and by search.
		body = site.page(t, "/stock/items?class=2")
		if strings.Contains(body, `<td class="mono">1010101</td>`) || !strings.Contains(body, `<td class="mono">2`) {
			t.Error("class 2 filter shows class 1 items or no class 2 item")
		}
		body = site.page(t, "/stock/items?q="+url.QueryEscape("帐篷"))
		contains(t, "search 帐篷", body, "单帐篷", "棉帐篷")
		if strings.Contains(body, "折叠床") {
			t.Error("search 帐篷 shows 折叠床")
		}
		body = site.page(t, "/stock/items?q=10102")
		contains(t, "code prefix", body, "1010201", "折叠床")
		if strings.Contains(body, ">1010101<") {
			t.Error("code prefix 10102 shows 1010101")
		}

		// Depots by tier.
		body = site.page(t, "/stock/depots?tier=city")
		for _, code := range stockAttr(body, "data-depot") {
			d, err := site.s.Depot(context.Background(), code)
			if err != nil || d.Tier != "city" {
				t.Errorf("city filter shows %s (%v, %v)", code, d.Tier, err)
			}
		}

		// Movements of one lot.
		lot := mine[0].Lot
		body = site.page(t, "/stock/movements?lot="+lot)
		entries, err := site.s.Movements(context.Background(), store.MovementFilter{Lot: lot})
		if err != nil {
			t.Fatal(err)
		}
		if got := stockAttr(body, "data-seq"); len(got) != len(entries) || len(got) == 0 {
			t.Errorf("movements of lot %s: %d shown, want %d", lot, len(got), len(entries))
		}
	})
}

// TestStockLotScan: the scan field takes a label's text or a bare code in
// any case and shows that lot on every depot holding it, with its ledger
// and label; a misread code and an unknown one are told apart.
func TestStockLotScan(t *testing.T) {
	t.Parallel()
	eachDemoSite(t, func(t *testing.T, site *testSite) {
		contains(t, "scan form", site.page(t, "/stock/depots"), `id="lot-scan"`, `action="/work/scan"`, `name="lot"`,
			`id="lot-scan-camera" hidden`)
		all := stockLots(t, site.s, store.BalanceQuery{})
		code := all[len(all)/3].Lot
		var held int
		for _, r := range all {
			if r.Lot == code {
				held++
			}
		}
		for _, in := range []string{stock.LabelText(code), strings.ToLower(code), " " + code + " "} {
			body := site.page(t, "/stock/lots?lot="+url.QueryEscape(in))
			shown := stockAttr(body, "data-lot")
			if len(shown) != held {
				t.Errorf("lot=%q: %d rows, want the %d depots holding %s", in, len(shown), held, code)
			}
			for _, l := range shown {
				if l != code {
					t.Errorf("lot=%q shows lot %s", in, l)
				}
			}
			contains(t, "lot "+in, body, `data-scanned="`+code+`"`, `href="/stock/movements?lot=`+code+`"`,
				`href="/api/lots/`+code+`/label.png"`, `name="lot" value="`+code+`"`)
		}
		entries, err := site.s.Movements(context.Background(), store.MovementFilter{Lot: code})
		if err != nil {
			t.Fatal(err)
		}
		if got := stockAttr(site.page(t, "/stock/movements?lot="+url.QueryEscape(stock.LabelText(code))), "data-seq"); len(got) != len(entries) {
			t.Errorf("ledger of a scanned label: %d entries, want %d", len(got), len(entries))
		}

		misread := []byte(code)
		misread[2] = map[bool]byte{true: '1', false: '0'}[misread[2] == '0']
		status, body := site.get(t, "/stock/lots?lot="+string(misread))
		if status != http.StatusBadRequest || !strings.Contains(body, "校验位不符") {
			t.Errorf("misread %s: status %d, want 400 saying the check symbol fails", misread, status)
		}
		status, body = site.get(t, "/stock/lots?lot=HB-2024-0001")
		if status != http.StatusNotFound || !strings.Contains(body, "批次「HB-2024-0001」不存在") {
			t.Errorf("unknown partner code: status %d, want 404 naming it", status)
		}
	})
}

// TestStockHTMX checks the partials htmx swaps in: a tab's body with the
// tabs and export link out of band, a table alone, and the ledger status.
func TestStockHTMX(t *testing.T) {
	t.Parallel()
	eachDemoSite(t, func(t *testing.T, site *testSite) {
		status, body := site.htmx(t, "/stock/depots", "stock-body")
		if status != http.StatusOK || strings.Contains(body, "<html") || strings.Contains(body, `id="stock-body"`) {
			t.Fatalf("tab partial: status %d, whole page or wrapper included:\n%.300s", status, body)
		}
		contains(t, "tab partial", body, `id="stock-filter"`, `id="stock-results"`, `<title>储备库 ·`,
			`<nav id="stock-tabs" class="tabs" aria-label="库存分页" hx-swap-oob="true">`, `id="export-xlsx"`, `hx-swap-oob="true"`)

		depot := stockLots(t, site.s, store.BalanceQuery{})[0].Depot
		status, body = site.htmx(t, "/stock/lots?depot="+depot, "stock-results")
		if status != http.StatusOK || strings.Contains(body, "<html") || strings.Contains(body, `id="stock-filter"`) {
			t.Fatalf("table partial: status %d, more than the table:\n%.300s", status, body)
		}
		contains(t, "table partial", body, "data-lot=", `id="export-links" class="toolbar" hx-swap-oob="true"`,
			`href="/api/exports/stock.xlsx?depot=`+depot+`" download`,
			`href="/api/exports/lots.xlsx?depot=`+depot+`" download`, `href="/api/exports/lots.csv?depot=`+depot+`" download`)

		status, body = site.htmx(t, "/stock/verify", "ledger-status")
		if status != http.StatusOK || strings.Contains(body, "<html") {
			t.Fatalf("verify partial: status %d:\n%.300s", status, body)
		}
		rep, err := site.s.Verify(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		contains(t, "verify", body, `id="ledger-status"`, `data-status="ok"`, "台账完整",
			fmt.Sprintf("%s 条记录的哈希链与 %s 个余额", stockNum(rep.Entries), stockNum(rep.Balances)))

		// Without htmx, verify shows the ledger tab with the status filled in.
		body = site.page(t, "/stock/verify")
		contains(t, "verify page", body, "<html", `data-tab="movements"`, `data-status="ok"`)
	})
}

// TestStockEnglishAndErrors checks the English page and the error pages:
// bad filters are 400 with the message in each language, unknown tabs and
// codes 404.
func TestStockEnglishAndErrors(t *testing.T) {
	t.Parallel()
	eachDemoSite(t, func(t *testing.T, site *testSite) {
		status, body := site.get(t, "/stock/lots?days=abc")
		if status != http.StatusBadRequest {
			t.Errorf("days=abc: status %d, want 400", status)
		}
		contains(t, "days=abc in Chinese", body, "参数 days 的值「abc」无效")
		for path, want := range map[string]int{
			"/stock/nope":                    http.StatusNotFound,
			"/stock/lots?depot=NO-SUCH":      http.StatusNotFound,
			"/stock/movements?lot=NOSUCHLOT": http.StatusNotFound,
			"/stock/items?class=9":           http.StatusBadRequest,
			"/stock/lots?page=0":             http.StatusBadRequest,
			"/stock/movements?before=x":      http.StatusBadRequest,
		} {
			if status, body := site.get(t, path); status != want || !strings.Contains(body, "error-page") {
				t.Errorf("%s: status %d, want %d with the error page", path, status, want)
			}
		}
		if _, body := site.get(t, "/stock/lots?depot=NO-SUCH"); !strings.Contains(body, "储备库「NO-SUCH」不存在") {
			t.Error("unknown depot: no Chinese message")
		}

		depots, err := site.s.StockDepots(context.Background(), store.DepotFilter{}, "")
		if err != nil {
			t.Fatal(err)
		}
		body = site.page(t, "/lang/en?back=/stock/depots")
		contains(t, "depots in English", body, `lang="en"`, "Depots", "Utilisation", "Held by", depots[0].NameEN,
			depots[0].OrgEN, "Export to Excel", "City")
		contains(t, "lots in English", site.page(t, "/stock"), "Showing 1–500 of", "Expires", "Usable", "Good")
		contains(t, "movements in English", site.page(t, "/stock/movements"), "Verify ledger", "Earlier", "Receive")
		status, body = site.get(t, "/stock/lots?days=abc")
		if status != http.StatusBadRequest || !strings.Contains(body, `parameter days=&#34;abc&#34; is invalid`) {
			t.Errorf("days=abc in English: status %d, body lacks the English message", status)
		}
	})
}

// TestStockEmpty checks what a store without stock shows: what to do next.
func TestStockEmpty(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := newTestSite(t, s, web.Options{})
		contains(t, "no stock", site.page(t, "/stock"), "还没有库存", "stockpile demo", "POST /api/movements")
		contains(t, "no depots", site.page(t, "/stock/depots"), "还没有储备库", "POST /api/depots")
		contains(t, "no entries", site.page(t, "/stock/movements"), "台账中还没有记录", `id="verify-ledger"`)
		// The catalogue is installed even without the demo.
		contains(t, "catalogue", site.page(t, "/stock/items"), "1010101")
	}, store.WithClock(fixedClock))
}

// TestStockVerifyBroken alters a ledger entry behind the program's back
// and checks that the check names it.
func TestStockVerifyBroken(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines {
		t.Run(engine, func(t *testing.T) {
			dsn := storetest.DSN(t, engine)
			s := storetest.OpenDSN(t, engine, dsn, store.WithClock(fixedClock))
			if _, err := demo.Load(context.Background(), s, demo.Options{}); err != nil {
				t.Fatal(err)
			}
			site := newTestSite(t, s, web.Options{})
			raw := storetest.Insider(t, engine, dsn)
			if _, err := raw.Exec(`UPDATE movements SET actor = 'someone else' WHERE seq = 7`); err != nil {
				t.Fatal(err)
			}
			_, body := site.htmx(t, "/stock/verify", "ledger-status")
			contains(t, "broken ledger", body, `data-status="broken"`, "台账校验未通过", "第 7 条记录",
				"记录内容与其哈希不符", `href="/stock/movements?before=8"`)
		})
	}
}
