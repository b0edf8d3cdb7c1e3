package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/web"
)

// postPlan posts to a plan route and returns the plan it answers with.
func postPlan(t *testing.T, site *testSite, path, body string) dispatch.Plan {
	t.Helper()
	var p dispatch.Plan
	site.post(t, path, body, &p)
	return p
}

// dispatchStreets returns the demo's streets and townships, from the store.
func dispatchStreets(t *testing.T, s *store.Store) []area.Area {
	t.Helper()
	all, err := s.Areas(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	var streets []area.Area
	for _, a := range all {
		if a.Level == area.LevelStreet {
			streets = append(streets, a)
		}
	}
	if len(streets) == 0 {
		t.Fatal("the demo has no streets")
	}
	return streets
}

// dispatchRow returns the table row of body that starts with the
// attribute attr, up to its end.
func dispatchRow(t *testing.T, body, attr string) string {
	t.Helper()
	i := strings.Index(body, attr)
	if i < 0 {
		t.Fatalf("no row with %s", attr)
	}
	j := strings.Index(body[i:], "</tr>")
	return body[i : i+j]
}

// dispatchIncident is an incident at two demo streets: tents at the
// first, which the demo holds, and far more quilts at the second than the
// whole city holds, so its coverage is short.
func dispatchIncident(code string, a, b area.Area) string {
	return fmt.Sprintf(`{"incident": {"code": %q, "title": "测试暴雨", "type": "flood", "level": 2, "sites": [
		{"code": "S01", "name": "%s安置点", "point": {"lon": %g, "lat": %g},
		 "demands": [{"item": "1010101", "quantity": 200, "within_hours": 4}]},
		{"code": "S02", "name": "%s安置点", "point": {"lon": %g, "lat": %g},
		 "demands": [{"item": "1020101", "quantity": 50000000, "within_hours": 6}]}]}}`,
		code, a.NameZH, a.Point.Lon, a.Point.Lat, b.NameZH, b.Point.Lon, b.Point.Lat)
}

// TestDispatchScreens walks the dispatch screens: the empty list, a plan
// created through the API listed with its incident, the plan page in
// Chinese and English with its explanations and coverage, approval and
// the stock it reserved.
func TestDispatchScreens(t *testing.T) {
	t.Parallel()
	eachDemoSite(t, func(t *testing.T, site *testSite) {
		body := site.page(t, "/incidents")
		contains(t, "empty incidents", body, `id="dispatch-empty"`, "还没有事件", `id="new-incident"`, `href="/incidents/new"`)

		streets := dispatchStreets(t, site.s)
		p := postPlan(t, site, "/api/plans", dispatchIncident("T-FLOOD-1", streets[0], streets[len(streets)-1]))
		if len(p.Lines) == 0 {
			t.Fatalf("plan %d has no lines", p.ID)
		}
		id := strconv.FormatInt(p.ID, 10)

		body = site.page(t, "/incidents")
		if strings.Contains(body, `id="dispatch-empty"`) {
			t.Error("incidents: still empty after a plan")
		}
		row := dispatchRow(t, body, `data-plan="`+id+`"`)
		contains(t, "plan row", row, `href="/plans/`+id+`"`, `data-status="proposed"`, "待批准", "T-FLOOD-1",
			">"+strconv.Itoa(len(p.Lines))+"<")
		contains(t, "incident row", dispatchRow(t, body, `data-incident="T-FLOOD-1"`), "测试暴雨", "洪涝", "Ⅱ级",
			"2026-06-01 10:00")

		body = site.page(t, "/plans/"+id)
		contains(t, "plan", body, `id="plan-status"`, `data-status="proposed"`, `id="plan-map"`, `id="coverage"`,
			`id="plan-lines"`, `id="approve"`, `id="cancel"`, `id="recompute"`, "测试暴雨", "2026-06-01 10:00")
		if strings.Contains(body, `id="execute"`) || strings.Contains(body, `id="reserved"`) {
			t.Error("a proposed plan offers execute or shows reserved stock")
		}
		for _, l := range p.Lines {
			contains(t, "plan lines", body, html.EscapeString(l.ExplainZH))
		}
		short := 0
		for _, c := range p.Coverage {
			row := dispatchRow(t, body, fmt.Sprintf(`data-site="%s" data-item="%s"`, c.Site, c.Item))
			contains(t, "coverage "+c.Site+"/"+c.Item, row, ">"+web.FormatNumber(c.Demand)+" ", ">"+web.FormatNumber(c.Within4h)+"<",
				">"+web.FormatNumber(c.Within6h)+"<", ">"+web.FormatNumber(c.Within24h)+"<")
			if c.Short > 0 {
				short++
				contains(t, "short row", row, `class="short"`, web.FormatNumber(c.Short), c.ReasonZH)
			}
		}
		if short == 0 {
			t.Error("50,000,000 quilts are not short")
		}
		// The map gets every line's points.
		contains(t, "map data", body, fmt.Sprintf(`"to":{"lon":%g,"lat":%g}`, streets[0].Point.Lon, streets[0].Point.Lat))

		site.page(t, "/lang/en?back=/")
		body = site.page(t, "/plans/"+id)
		contains(t, "plan in English", body, `lang="en"`, "Approve", "Recompute", "Coverage of each demand", "Proposed")
		for _, l := range p.Lines {
			contains(t, "plan lines in English", body, html.EscapeString(l.ExplainEN))
		}
		site.page(t, "/lang/zh?back=/")

		dispatchApproved(t, site, p)
	})
}

// dispatchApproved approves a plan through the API and checks the plan
// page shows it approved with the reserved stock of its depots.
func dispatchApproved(t *testing.T, site *testSite, p dispatch.Plan) {
	t.Helper()
	id := strconv.FormatInt(p.ID, 10)
	postPlan(t, site, "/api/plans/"+id+"/approve", `{}`)
	body := site.page(t, "/plans/"+id)
	// The screen offers what dispatch.Plan.Allows allows: recompute too,
	// as the API does.
	contains(t, "approved plan", body, `data-status="approved"`, "已批准", `id="execute"`, `id="cancel"`, `id="recompute"`,
		`id="reserved"`)
	if strings.Contains(body, `id="approve"`) {
		t.Error("an approved plan offers approval")
	}
	depots := 0
	for _, l := range p.Lines {
		if l.Source.Kind != dispatch.SourceDepot {
			continue
		}
		depots++
		rep, err := site.s.Balances(context.Background(), store.BalanceQuery{Depot: l.Source.Code, Item: l.Item, GroupBy: "item"})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Rows) != 1 || rep.Rows[0].Reserved < l.Quantity {
			t.Fatalf("%s holds %+v reserved of %s; the plan reserved %s", l.Source.Code, rep.Rows, l.Item, l.Quantity)
		}
		contains(t, "reserved at "+l.Source.Code, dispatchRow(t, body, `data-depot="`+l.Source.Code+`" data-item="`+l.Item+`"`),
			">"+web.FormatNumber(rep.Rows[0].Reserved)+" ")
	}
	if depots == 0 {
		t.Error("no depot line to check the reserved stock of")
	}
}

// TestDispatchErrors: unknown and malformed plan ids, and a plan stored
// before lines carried points, which still shows.
func TestDispatchErrors(t *testing.T) {
	t.Parallel()
	eachDemoSite(t, func(t *testing.T, site *testSite) {
		status, body := site.get(t, "/plans/999999")
		if status != http.StatusNotFound || !strings.Contains(body, "999999") {
			t.Errorf("unknown plan: %d %.300s", status, body)
		}
		status, body = site.get(t, "/plans/abc")
		if status != http.StatusBadRequest || !strings.Contains(body, "参数 id 的值「abc」无效") {
			t.Errorf("malformed plan id: %d %.300s", status, body)
		}
		site.page(t, "/lang/en?back=/")
		if _, body = site.get(t, "/plans/abc"); !strings.Contains(body, "parameter id=&#34;abc&#34; is invalid") {
			t.Errorf("malformed plan id in English: %.300s", body)
		}
		site.page(t, "/lang/zh?back=/")

		// An old plan: its line has no points; the page shows it and hands
		// the map zero points, which the map skips.
		ctx := context.Background()
		streets := dispatchStreets(t, site.s)
		in := dispatch.Incident{Code: "OLD-1", Title: "旧事件", Type: "fire", Level: 3, Sites: []dispatch.Site{{Code: "S1",
			Name: "旧安置点", Point: streets[0].Point,
			Demands: []dispatch.Demand{{Item: "1010101", Quantity: stock.Units(5), WithinHours: 4}}}}}
		if _, err := site.s.SaveIncident(ctx, in); err != nil {
			t.Fatal(err)
		}
		old, err := site.s.CreatePlan(ctx, dispatch.Plan{Incidents: []string{"OLD-1"}, Router: "old", Lines: []dispatch.Line{{
			Incident: "OLD-1", Site: "S1", SiteName: "旧安置点", Item: "1010101", ItemNameZH: "单帐篷", Quantity: stock.Units(5),
			Source:    dispatch.Source{Kind: dispatch.SourceDepot, Code: "C-DX-RELIEF", NameZH: "旧库", Tier: "city", Relation: "city"},
			ExplainZH: "旧方案的说明", ExplainEN: "an old plan's explanation"}},
			Coverage: []dispatch.Coverage{{Incident: "OLD-1", Site: "S1", Item: "1010101", Demand: stock.Units(5)}}})
		if err != nil {
			t.Fatal(err)
		}
		body = site.page(t, "/plans/"+strconv.FormatInt(old.ID, 10))
		contains(t, "old plan", body, "旧方案的说明", `"from":{"lon":0,"lat":0}`, "fire")
		if (old.Lines[0].Source.Point != geo.Point{}) {
			t.Errorf("old line got a point: %+v", old.Lines[0].Source.Point)
		}
	})
}

// TestIncidentNewPage: the form lists every demo street under its
// district, and offers the types and levels in both languages.
func TestIncidentNewPage(t *testing.T) {
	t.Parallel()
	eachDemoSite(t, func(t *testing.T, site *testSite) {
		body := site.page(t, "/incidents/new")
		contains(t, "form", body, `id="incident-form"`, `id="incident-code"`, `value="2026-0601-1000"`, `id="incident-title"`,
			`id="incident-type"`, `id="incident-level"`, `id="incident-map"`, `id="street-select"`, `id="street-add"`,
			`id="sites"`, `id="submit-incident"`, "森林火灾", "Ⅰ级", `<optgroup label="东城区">`)
		streets := dispatchStreets(t, site.s)
		for _, a := range streets {
			contains(t, "streets", body, fmt.Sprintf(`<option value="%s" data-lon="%g" data-lat="%g" data-district="%s" data-name="%s">`,
				a.Code, a.Point.Lon, a.Point.Lat, a.ParentCode, a.NameZH))
		}
		if n := strings.Count(body, `data-district="`); n != len(streets) {
			t.Errorf("%d streets listed, the demo has %d", n, len(streets))
		}

		// A code in use gets a suffix, so saving the form cannot replace it.
		in := dispatch.Incident{Code: "2026-0601-1000", Title: "已有", Type: "flood", Level: 4, Sites: []dispatch.Site{{Code: "S1",
			Point: streets[0].Point, Demands: []dispatch.Demand{{Item: "1010101", Quantity: stock.Units(1), WithinHours: 4}}}}}
		if _, err := site.s.SaveIncident(context.Background(), in); err != nil {
			t.Fatal(err)
		}
		contains(t, "fresh code", site.page(t, "/incidents/new"), `value="2026-0601-1000-2"`)

		site.page(t, "/lang/en?back=/")
		body = site.page(t, "/incidents/new")
		contains(t, "form in English", body, "New incident", "Forest fire", "Level I", streets[0].NameEN, "Save and compute the plan")
	})
}
