package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
)

func TestMapPage(t *testing.T) {
	t.Parallel()
	eachDemoSite(t, func(t *testing.T, site *testSite) {
		body := site.page(t, "/map")
		contains(t, "map in Chinese", body, `lang="zh-CN"`, `class="main full"`, `class="map-layout"`,
			`id="map"`, `id="map-panel"`, `id="depot-search"`, `id="nearby-item"`, `id="nearby-hours"`, `value="4"`,
			`id="nearby-go"`, `id="nearby-results"`, `id="layer-depots"`, `id="layer-reserves"`, `id="layer-incidents"`,
			`id="layer-lines"`, `<option value="110111">房山区</option>`, `<option value="street">街乡级</option>`,
			"图例与颜色规则", "告警：过期与损坏批次 ≥ 5%", "90 天内临期批次 ≥ 10%", "库容占用 ≥ 90%",
			"/static/vendor/leaflet.markercluster/leaflet.markercluster.js?v=", "/static/js/basemap.js?v=",
			"/static/js/map.js?v=", "/static/css/map.css?v=", `data-focus=""`)

		site.page(t, "/lang/en?back=/map")
		body = site.page(t, "/map")
		contains(t, "map in English", body, `lang="en"`, "Legend and colour rule", "Fangshan District",
			"Alert: expired and damaged lots ≥ 5%", "≥ 10% of lots expiring within 90 days", "≥ 90% full", "Where is an item nearby")
		site.page(t, "/lang/zh?back=/")

		// ?depot= opens the map on that depot; an unknown one is a 404 page.
		contains(t, "focused map", site.page(t, "/map?depot=C-FS-RELIEF"), `data-focus="C-FS-RELIEF"`)
		status, body := site.get(t, "/map?depot=NOPE")
		if status != http.StatusNotFound || !strings.Contains(body, "储备库「NOPE」不存在") {
			t.Errorf("unknown depot: status %d, body %.300s", status, body)
		}
	})
}

// mapJSON mirrors what GET /map/data.json sends.
type mapJSON struct {
	Today string `json:"today"`
	Rule  struct {
		ExpiringDays int     `json:"expiring_days"`
		BadPct       float64 `json:"bad_pct"`
		ExpiringPct  float64 `json:"expiring_pct"`
		FullPct      float64 `json:"full_pct"`
	} `json:"rule"`
	Districts map[string]struct {
		NameZH string `json:"name_zh"`
	} `json:"districts"`
	Orgs map[string]struct {
		NameZH string `json:"name_zh"`
	} `json:"orgs"`
	Items map[string]struct {
		NameZH string `json:"name_zh"`
		UnitZH string `json:"unit_zh"`
	} `json:"items"`
	Depots []struct {
		Code          string    `json:"code"`
		NameZH        string    `json:"name_zh"`
		Tier          string    `json:"tier"`
		Org           string    `json:"org"`
		District      string    `json:"district"`
		Point         geo.Point `json:"point"`
		CapacityM3    float64   `json:"capacity_m3"`
		UsedM3        float64   `json:"used_m3"`
		Utilisation   float64   `json:"utilisation"`
		Lots          int       `json:"lots"`
		Items         int       `json:"items"`
		UsableLots    int       `json:"usable_lots"`
		ReservedLots  int       `json:"reserved_lots"`
		ExpiringLots  int       `json:"expiring_lots"`
		ExpiredLots   int       `json:"expired_lots"`
		DamagedLots   int       `json:"damaged_lots"`
		ExpiringShare float64   `json:"expiring_share"`
		BadShare      float64   `json:"bad_share"`
		Readiness     string    `json:"readiness"`
	} `json:"depots"`
	Reserves []struct {
		Kind  string    `json:"kind"`
		Code  string    `json:"code"`
		Org   string    `json:"org"`
		Item  string    `json:"item"`
		Point geo.Point `json:"point"`
	} `json:"reserves"`
	Incidents []dispatch.Incident `json:"incidents"`
	PlanLines []struct {
		Plan     int64           `json:"plan"`
		Status   string          `json:"status"`
		Incident string          `json:"incident"`
		Site     string          `json:"site"`
		Source   dispatch.Source `json:"source"`
		From     geo.Point       `json:"from"`
		To       geo.Point       `json:"to"`
		Items    []struct {
			Item      string         `json:"item"`
			Quantity  stock.Quantity `json:"quantity"`
			ExplainZH string         `json:"explain_zh"`
			ExplainEN string         `json:"explain_en"`
		} `json:"items"`
	} `json:"plan_lines"`
}

func (site *testSite) mapData(t *testing.T) mapJSON {
	t.Helper()
	res, err := site.client.Get(site.srv.URL + "/map/data.json")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("map data: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	var m mapJSON
	if err := json.NewDecoder(res.Body).Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

// send makes an API call through the site and returns the status and the
// decoded body.
func (site *testSite) send(t *testing.T, method, path, body string, out any) int {
	t.Helper()
	req, err := http.NewRequest(method, site.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := site.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if out != nil {
		if err := json.NewDecoder(res.Body).Decode(out); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
	}
	return res.StatusCode
}

// lotFigures counts a depot's lots (a lot's stock in a depot) the way the
// map's rule reads them: usable (some usable stock), reserved (some set
// aside), expiring (good, not expired, expiring within 90 days), expired,
// and damaged (not expired). Counts of lots compare across items, where
// quantities would add tents to tonnes.
type lotFigures struct{ lots, usable, reserved, expiring, expired, damaged int }

func figuresFromLots(t *testing.T, s *store.Store) map[string]*lotFigures {
	t.Helper()
	rep, err := s.Balances(context.Background(), store.BalanceQuery{GroupBy: "lot"})
	if err != nil {
		t.Fatal(err)
	}
	today, _ := time.Parse(stock.DateLayout, rep.Today)
	horizon := today.AddDate(0, 0, 90).Format(stock.DateLayout)
	out := map[string]*lotFigures{}
	for _, r := range rep.Rows {
		f := out[r.Depot]
		if f == nil {
			f = &lotFigures{}
			out[r.Depot] = f
		}
		f.lots++
		if r.Usable > 0 {
			f.usable++
		}
		if r.Reserved > 0 {
			f.reserved++
		}
		expired := r.ExpiresOn != "" && r.ExpiresOn < rep.Today
		switch {
		case expired:
			f.expired++
		case r.Quality == "damaged":
			f.damaged++
		case r.Quality == "good" && r.ExpiresOn != "" && r.ExpiresOn <= horizon:
			f.expiring++
		}
	}
	return out
}

// wantReadiness is the colour rule as the legend states it, over lots.
func wantReadiness(f lotFigures, utilisation float64) string {
	bad := f.expired + f.damaged
	switch {
	case f.lots == 0:
		return "none"
	case f.usable == 0 || float64(bad) >= 0.05*float64(f.lots):
		return "bad"
	case bad > 0 || float64(f.expiring) >= 0.10*float64(f.lots) || utilisation >= 0.90:
		return "warn"
	}
	return "ok"
}

func TestMapData(t *testing.T) {
	t.Parallel()
	eachDemoSite(t, func(t *testing.T, site *testSite) {
		ctx := context.Background()
		m := site.mapData(t)
		if m.Today != "2026-06-01" || m.Rule.ExpiringDays != 90 || m.Rule.BadPct != 5 || m.Rule.ExpiringPct != 10 ||
			m.Rule.FullPct != 90 {
			t.Errorf("today %s, rule %+v", m.Today, m.Rule)
		}
		if len(m.Depots) != 43 {
			t.Fatalf("%d depots, want the 43 of the demo", len(m.Depots))
		}
		lots := figuresFromLots(t, site.s)
		classes := map[string]int{}
		for _, d := range m.Depots {
			if !d.Point.Valid() || d.Point.Lon < 115 || d.Point.Lon > 118 || d.Point.Lat < 39 || d.Point.Lat > 41.5 {
				t.Errorf("%s: point %v is not in Beijing", d.Code, d.Point)
			}
			if m.Orgs[d.Org].NameZH == "" || m.Districts[d.District].NameZH == "" {
				t.Errorf("%s: org %q or district %q has no name", d.Code, d.Org, d.District)
			}
			f := lots[d.Code]
			if f == nil {
				f = &lotFigures{}
			}
			got := lotFigures{d.Lots, d.UsableLots, d.ReservedLots, d.ExpiringLots, d.ExpiredLots, d.DamagedLots}
			if got != *f {
				t.Errorf("%s: figures %+v, its lots count %+v", d.Code, got, *f)
			}
			if d.Lots > 0 && (d.ExpiringShare != float64(d.ExpiringLots)/float64(d.Lots) ||
				d.BadShare != float64(d.ExpiredLots+d.DamagedLots)/float64(d.Lots)) {
				t.Errorf("%s: shares %v %v of %d lots", d.Code, d.ExpiringShare, d.BadShare, d.Lots)
			}
			want := wantReadiness(*f, d.Utilisation)
			if d.Readiness != want {
				t.Errorf("%s: readiness %s, the rule says %s (%+v)", d.Code, d.Readiness, want, d)
			}
			classes[d.Readiness]++
		}
		if classes["ok"] == 0 || classes["ok"] == len(m.Depots) {
			t.Errorf("readiness classes %v: the rule should tell the demo depots apart", classes)
		}

		// One depot's figures against the balance report and its usage.
		const fs = "C-FS-RELIEF"
		rep, err := site.s.Balances(ctx, store.BalanceQuery{Depot: fs, GroupBy: "depot"})
		if err != nil {
			t.Fatal(err)
		}
		dv, err := site.s.Depot(ctx, fs)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range m.Depots {
			if d.Code != fs {
				continue
			}
			r := rep.Rows[0]
			if d.Lots != r.Lots || d.Items != r.Items ||
				fmt.Sprintf("%.3f", d.UsedM3) != fmt.Sprintf("%.3f", r.VolumeM3) || d.CapacityM3 != dv.CapacityM3 ||
				fmt.Sprintf("%.6f", d.Utilisation) != fmt.Sprintf("%.6f", dv.Utilisation) ||
				d.NameZH != dv.NameZH || d.Tier != "city" || d.District != "110111" {
				t.Errorf("%s on the map %+v; balances %+v; depot %+v", fs, d, r, dv)
			}
		}

		// The demo's 8 agreement and 4 capacity reserves, with their items named.
		kinds := map[string]int{}
		for _, r := range m.Reserves {
			kinds[r.Kind]++
			if !r.Point.Valid() || r.Point == (geo.Point{}) || m.Items[r.Item].NameZH == "" || m.Orgs[r.Org].NameZH == "" {
				t.Errorf("reserve %+v lacks a point or names", r)
			}
		}
		if kinds["agreement"] != 8 || kinds["capacity"] != 4 {
			t.Errorf("reserves by kind %v, want 8 agreements and 4 capacities", kinds)
		}
		if len(m.Incidents) != 0 || len(m.PlanLines) != 0 {
			t.Errorf("before any incident: %d incidents, %d lines", len(m.Incidents), len(m.PlanLines))
		}
		testMapIncidents(t, site)
	})
}

// testMapIncidents creates the sample flood and plans for it through the
// API, and follows the map's incidents and plan lines through the plan's
// life.
func testMapIncidents(t *testing.T, site *testSite) {
	incident, err := os.ReadFile("../../testdata/incident-fangshan-flood.json")
	if err != nil {
		t.Fatal(err)
	}
	var first dispatch.Plan
	if st := site.send(t, "POST", "/api/plans", `{"incident": `+string(incident)+`}`, &first); st != http.StatusCreated {
		t.Fatalf("create plan: %d", st)
	}
	m := site.mapData(t)
	if len(m.Incidents) != 1 || m.Incidents[0].Code != "2026-FS-FLOOD" || len(m.Incidents[0].Sites) != 2 {
		t.Fatalf("open incidents %+v", m.Incidents)
	}
	for _, s := range m.Incidents[0].Sites {
		for _, d := range s.Demands {
			if m.Items[d.Item].NameZH == "" {
				t.Errorf("demand item %s has no name", d.Item)
			}
		}
	}
	checkLines := func(m mapJSON, p dispatch.Plan, status string) {
		t.Helper()
		if len(m.PlanLines) == 0 {
			t.Fatalf("no plan lines for plan %d", p.ID)
		}
		sites := map[string]geo.Point{}
		for _, s := range m.Incidents[0].Sites {
			sites[s.Code] = s.Point
		}
		var drawn stock.Quantity
		for _, l := range m.PlanLines {
			if l.Plan != p.ID || l.Status != status || l.Incident != "2026-FS-FLOOD" {
				t.Errorf("line of plan %d %s for %s, want plan %d %s", l.Plan, l.Status, l.Incident, p.ID, status)
			}
			if l.To != sites[l.Site] || l.From == (geo.Point{}) || l.From != l.Source.Point || len(l.Items) == 0 {
				t.Errorf("line %s → %s: from %v to %v", l.Source.Code, l.Site, l.From, l.To)
			}
			for _, it := range l.Items {
				if it.ExplainZH == "" || it.ExplainEN == "" {
					t.Errorf("line %s → %s, item %s: no explanation", l.Source.Code, l.Site, it.Item)
				}
				drawn += it.Quantity
			}
		}
		var planned stock.Quantity
		for _, l := range p.Lines {
			planned += l.Quantity
		}
		if drawn != planned || planned == 0 {
			t.Errorf("lines carry %s, the plan %s", drawn, planned)
		}
	}
	checkLines(m, first, "proposed")

	// Approving reserves the stock: the map shows it on the source depots.
	if st := site.send(t, "POST", fmt.Sprintf("/api/plans/%d/approve", first.ID), `{}`, nil); st != http.StatusOK {
		t.Fatalf("approve: %d", st)
	}
	m = site.mapData(t)
	checkLines(m, first, "approved")
	reserved := map[string]int{} // depot → lots with stock reserved
	for _, d := range m.Depots {
		reserved[d.Code] = d.ReservedLots
	}
	for _, l := range first.Lines {
		if l.Source.Kind == dispatch.SourceDepot && reserved[l.Source.Code] <= 0 {
			t.Errorf("depot %s sends stock for an approved plan but shows nothing reserved", l.Source.Code)
		}
	}

	// A newer plan for the incident is the one drawn; cancelled, the
	// approved one is drawn again.
	var second dispatch.Plan
	if st := site.send(t, "POST", "/api/plans", `{"incidents":["2026-FS-FLOOD"]}`, &second); st != http.StatusCreated {
		t.Fatalf("second plan: %d", st)
	}
	checkLines(site.mapData(t), second, "proposed")
	if st := site.send(t, "POST", fmt.Sprintf("/api/plans/%d/cancel", second.ID), `{}`, nil); st != http.StatusOK {
		t.Fatalf("cancel: %d", st)
	}
	checkLines(site.mapData(t), first, "approved")

	// A closed incident leaves the map with its lines.
	var in dispatch.Incident
	if err := json.Unmarshal(incident, &in); err != nil {
		t.Fatal(err)
	}
	in.Status = dispatch.IncidentClosed
	body, _ := json.Marshal(in)
	if st := site.send(t, "POST", "/api/incidents", string(body), nil); st != http.StatusOK {
		t.Fatalf("close incident: %d", st)
	}
	if m := site.mapData(t); len(m.Incidents) != 0 || len(m.PlanLines) != 0 {
		t.Errorf("after closing: %d incidents, %d lines", len(m.Incidents), len(m.PlanLines))
	}
}
