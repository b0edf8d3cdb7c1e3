package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/ops"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
	"github.com/stockpile-dev/stockpile/internal/web"
)

// TestLayout checks what every page shares: the navigation in Chinese by
// default, the switch to English and back, assets with content hashes,
// caching of hashed assets, and the error page.
func TestLayout(t *testing.T) {
	t.Parallel()
	eachDemoSite(t, func(t *testing.T, site *testSite) {
		body := site.page(t, "/")
		contains(t, "dashboard in Chinese", body, `lang="zh-CN"`, "一张图", "总览", "库存", "调度", "储备评估",
			`href="/lang/en?back=%2F"`)

		// Switching sets a cookie and goes back; every page is then in English.
		body = site.page(t, "/lang/en?back=/stock")
		contains(t, "stock in English", body, `lang="en"`, "Map", "Dashboard", "Readiness", `href="/lang/zh?back=%2Fstock"`)
		contains(t, "map in English", site.page(t, "/map"), `lang="en"`)
		site.page(t, "/lang/zh?back=/")

		// The switch only goes back to this site.
		res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).
			Get(site.srv.URL + "/lang/en?back=//evil.example/x")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if loc := res.Header.Get("Location"); loc != "/" {
			t.Errorf("language switch to another site: Location %q, want /", loc)
		}

		// Hashed assets are cached for a year; others are revalidated.
		i := strings.Index(body, "/static/js/app.js?v=")
		if i < 0 {
			t.Fatal("no hashed link to app.js")
		}
		link := body[i : i+len("/static/js/app.js?v=")+8]
		res, err = site.client.Get(site.srv.URL + link)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
			t.Errorf("GET %s: %d, Cache-Control %q", link, res.StatusCode, res.Header.Get("Cache-Control"))
		}
		if status, _ := site.get(t, "/static/js/nothing.js"); status != http.StatusNotFound {
			t.Errorf("missing asset: status %d", status)
		}

		status, body := site.get(t, "/no/such/page")
		if status != http.StatusNotFound || !strings.Contains(body, "没有这个页面") {
			t.Errorf("unknown page: status %d, body %.200s", status, body)
		}
		// The API still answers in JSON beside the UI.
		status, body = site.get(t, "/api/depots")
		if status != http.StatusOK || !strings.HasPrefix(body, `{"count":`) {
			t.Errorf("API beside the UI: %d %.100s", status, body)
		}
	})
}

// TestTileLayer checks the optional tile layer reaches the page's scripts,
// and a datum other than wgs84 or gcj02 stops the server from starting.
func TestTileLayer(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tiles := &web.TileLayer{URL: "https://webrd0{s}.is.autonavi.com/appmaprsv?x={x}&y={y}&z={z}", CRS: "gcj02",
			Attribution: "© 高德地图", Subdomains: "1234"}
		site := newTestSite(t, s, web.Options{Tiles: tiles})
		contains(t, "map with tiles", site.page(t, "/map"), `"tiles":{"url":"https://webrd0{s}.is.autonavi.com/appmaprsv?x={x}\u0026y={y}\u0026z={z}","crs":"gcj02"`)
		if _, err := web.NewHandler(ops.New(s, ops.Options{}), web.Options{Tiles: &web.TileLayer{URL: "x", CRS: "bd09"}}); err == nil {
			t.Error("a BD-09 tile layer was accepted")
		}
	})
}
