package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/e2e"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// Names as a tester typed them into the API (issue 11): were they read as
// HTML, the image would fail to load and its handler set window.__xss (or,
// under the Content-Security-Policy, be refused, which fails the test too).
const (
	hostileDepot = `"><img src=x onerror="window.__xss=1">`
	hostileSite  = `<img src=x onerror="window.__xss=1">`
)

// TestHostileNames creates a depot and an incident site named with HTML
// through the API, plans the incident, and opens every tooltip and popup
// on the map and on the plan page: the names show as typed and nothing runs.
func TestHostileNames(t *testing.T) {
	s := open(t, 1366, 768, "commander-city")
	like := demoDepot(t, s.site)
	code := fmt.Sprintf("E2E-XSS-%d", time.Now().UnixNano()%1e6)
	d := like.Depot
	d.Code, d.NameZH, d.NameEN, d.Address = code, hostileDepot, hostileDepot, ""
	d.Point = geo.Point{Lon: like.Point.Lon + 0.02, Lat: like.Point.Lat + 0.02}
	postJSON(t, s.site, "/api/depots", d, nil)
	plan := planNear(t, s.site, code, hostileSite, d.Point)

	s.goTo("/map", "map")
	s.do("find the depot by its code", chromedp.SendKeys(chromedp.CSS("#depot-search"), code),
		chromedp.WaitVisible(chromedp.CSS(`.depot-popup[data-depot="`+code+`"]`)))
	if got := s.text(`.depot-popup[data-depot="` + code + `"] h3`); got != hostileDepot {
		t.Errorf("depot popup title %q, want %q", got, hostileDepot)
	}
	shown := openOverlays(s)
	s.shot("map-hostile")
	if !slices.Contains(shown, hostileDepot) {
		t.Errorf("no tooltip shows the depot's name as typed in %q", shown)
	}
	contains(t, "map popups", strings.Join(shown, "\n"), hostileSite)
	noScriptRan(s)

	s.goTo(fmt.Sprintf("/plans/%d", plan), "plan")
	shown = openOverlays(s)
	s.shot("plan-hostile")
	contains(t, "plan tooltips", strings.Join(shown, "\n"), hostileSite)
	if got := s.text("#coverage .col-site"); got != hostileSite {
		t.Errorf("coverage site %q, want %q", got, hostileSite)
	}
	noScriptRan(s)
}

// TestPlanRecomputeApproved recomputes an approved plan from its page: the
// stock it reserved is released and the page opens the new plan, proposed.
func TestPlanRecomputeApproved(t *testing.T) {
	s := open(t, 1366, 768, "commander-city")
	like := demoDepot(t, s.site)
	old := planNear(t, s.site, fmt.Sprintf("E2E-RC-%d", time.Now().UnixNano()%1e6), "复算安置点", like.Point)
	postJSON(t, s.site, fmt.Sprintf("/api/plans/%d/approve", old), struct{}{}, nil)

	s.goTo(fmt.Sprintf("/plans/%d", old), "plan")
	if st := s.attr("#plan-status", "data-status"); st != "approved" {
		t.Fatalf("plan status %q, want approved", st)
	}
	if count(s, "#recompute") == 0 {
		t.Fatal("an approved plan offers no recompute")
	}
	s.do("recompute the approved plan", chromedp.Click(chromedp.CSS("#recompute")),
		eventually(fmt.Sprintf(`location.pathname !== '/plans/%d' && (document.body.dataset.ready || '').split(' ').includes('plan')`, old)))
	s.shot("plan-recomputed")
	if st := s.attr("#plan-status", "data-status"); st != "proposed" {
		t.Errorf("recomputed plan status %q, want proposed", st)
	}
	contains(t, "recomputed plan", s.text(".plan-head"), fmt.Sprintf("#%d", old))
	p, err := s.site.Store.Plan(context.Background(), old)
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != dispatch.PlanSuperseded {
		t.Errorf("old plan %d is %s, want superseded", old, p.Status)
	}
}

// demoDepot returns a depot of the demo, to copy and plan near.
func demoDepot(t *testing.T, site *e2e.Site) store.DepotView {
	t.Helper()
	ds, err := site.Store.Depots(context.Background(), store.DepotFilter{})
	if err != nil || len(ds) == 0 {
		t.Fatalf("demo depots: %d, %v", len(ds), err)
	}
	return ds[0]
}

// planNear stores an incident with one site at p needing 20 tents within
// 4 h, named siteName, through the API, and returns its plan's id.
func planNear(t *testing.T, site *e2e.Site, code, siteName string, p geo.Point) int64 {
	t.Helper()
	type demand struct {
		Item     string  `json:"item"`
		Quantity float64 `json:"quantity"`
		Within   float64 `json:"within_hours"`
	}
	type incidentSite struct {
		Code    string    `json:"code"`
		Name    string    `json:"name"`
		Point   geo.Point `json:"point"`
		Demands []demand  `json:"demands"`
	}
	body := map[string]any{"incident": map[string]any{"code": code, "title": siteName + "(浏览器测试)", "type": "flood", "level": 2,
		"sites": []incidentSite{{Code: "S01", Name: siteName, Point: p, Demands: []demand{{"1010101", 20, 4}}}}}}
	var plan struct {
		ID int64 `json:"id"`
	}
	postJSON(t, site, "/api/plans", body, &plan)
	if plan.ID == 0 {
		t.Fatal("no plan id in the answer")
	}
	return plan.ID
}

// postJSON posts body as JSON to the site's API, as the tester (see
// apiTester), and decodes the answer into out (unless nil), failing the
// test on any status but 2xx.
func postJSON(t *testing.T, site *e2e.Site, path string, body, out any) {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest("POST", site.URL+path, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+demoSite.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	answer, _ := io.ReadAll(res.Body)
	if res.StatusCode/100 != 2 {
		t.Fatalf("POST %s: %d %s", path, res.StatusCode, answer)
	}
	if out != nil {
		if err := json.Unmarshal(answer, out); err != nil {
			t.Fatalf("POST %s: %v in %s", path, err, answer)
		}
	}
}

// openOverlays opens every tooltip, then every popup, of every layer on
// the page's maps (as hovering and clicking each would) and returns the
// text each showed. It fails the test if one holds an image named x: a
// name read as HTML (which is gone again once the map moves on).
func openOverlays(s *session) []string {
	s.t.Helper()
	got := eval[struct {
		Shown []string
		HTML  int
	}](s, `(() => {
		const shown = [];
		let html = 0;
		const text = (o) => {
			const e = o && o.getElement();
			if (!e) return;
			shown.push(e.textContent);
			if (e.querySelector('img[src="x"]')) html++;
		};
		for (const m of Stockpile.maps) {
			const layers = [];
			m.eachLayer((l) => layers.push(l));
			for (const l of layers) {
				const tip = l.getTooltip && l.getTooltip();
				if (!tip || tip === l) continue;
				if (!tip.options.permanent) l.openTooltip(); // a district's name is always open
				text(tip);
			}
			for (const l of layers) if (l.getPopup && l.getPopup() && l.getPopup() !== l) { l.openPopup(); text(l.getPopup()); }
		}
		return { Shown: shown, HTML: html };
	})()`)
	if got.HTML > 0 {
		s.t.Errorf("%d tooltips or popups read a name as HTML", got.HTML)
	}
	return got.Shown
}

// noScriptRan fails the test if a name was read as HTML: an image with
// src=x in the page, or its handler run.
func noScriptRan(s *session) {
	s.t.Helper()
	time.Sleep(300 * time.Millisecond) // time for a broken image's error event
	if eval[bool](s, `window.__xss !== undefined`) {
		s.t.Error("a name was run as script")
	}
	if n := count(s, `img[src="x"]`); n > 0 {
		s.t.Errorf("%d names were read as HTML", n)
	}
}
