package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/shipment"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/transfer"
)

// flowIncident is an incident at Datai Subdistrict (大台街道) of
// Mentougou, where the demo's street depot S-110109004-01 holds tents:
// the plan takes its 5 tents from there, so keeper-datai keeps the
// source and manager-datai the site.
func flowIncident(t *testing.T, site *testSite, code string) string {
	t.Helper()
	a, err := site.s.Area(context.Background(), "110109004")
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf(`{"incident": {"code": %q, "title": "大台山洪", "type": "flood", "level": 3, "sites": [
		{"code": "S01", "name": "大台安置点", "area": "110109004", "point": {"lon": %g, "lat": %g},
		 "demands": [{"item": "1010101", "quantity": 5, "within_hours": 4}]}]}}`, code, a.Point.Lon, a.Point.Lat)
}

// flowOrder plans, approves and executes a plan for flowIncident as the
// tester, and returns the plan's id and its one dispatch order.
func flowOrder(t *testing.T, site *testSite, code string) (int64, transfer.Order) {
	t.Helper()
	p := postPlan(t, site, "/api/plans", flowIncident(t, site, code))
	id := strconv.FormatInt(p.ID, 10)
	postPlan(t, site, "/api/plans/"+id+"/approve", `{}`)
	postPlan(t, site, "/api/plans/"+id+"/execute", `{}`)
	orders, err := site.s.TransferOrders(context.Background(), store.TransferFilter{PlanID: p.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(orders) != 1 || len(orders[0].Lines) != 1 || orders[0].Lines[0].From != "S-110109004-01" {
		t.Fatalf("plan %d made orders %+v; want one from S-110109004-01", p.ID, orders)
	}
	return p.ID, orders[0]
}

// postAs posts a JSON body to the API as client, fails unless it
// succeeds, and decodes the answer into out.
func (site *testSite) postAs(t *testing.T, client *http.Client, path, body string, out any) {
	t.Helper()
	req := site.request(t, "POST", path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode >= 300 {
		var e struct{ Error struct{ Message string } }
		_ = json.NewDecoder(res.Body).Decode(&e)
		t.Fatalf("POST %s: %d %s", path, res.StatusCode, e.Error.Message)
	}
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
}

// flowPages fetches pages as each client and fails unless each is a 200
// page with no untranslated key.
type flowPages struct {
	t       *testing.T
	site    *testSite
	clients map[string]*http.Client
}

func (f flowPages) get(user, path string) string {
	f.t.Helper()
	c := f.site.client
	if user != "tester" {
		c = f.clients[user]
	}
	got := f.site.fetch(f.t, c, "GET", path, nil)
	if got.status != http.StatusOK {
		f.t.Fatalf("GET %s as %s: %d\n%.500s", path, user, got.status, got.body)
	}
	if m := untranslated.FindString(got.body); m != "" {
		f.t.Errorf("GET %s as %s: untranslated key %s", path, user, m)
	}
	return got.body
}

// offers checks which of the marks (element ids, or attribute text with
// "=") a page shows user: has must all be there, not none of them.
func (f flowPages) offers(user, path string, has, not []string) string {
	f.t.Helper()
	body := f.get(user, path)
	mark := func(m string) string {
		if strings.Contains(m, "=") {
			return m
		}
		return `id="` + m + `"`
	}
	for _, m := range has {
		if !strings.Contains(body, mark(m)) {
			f.t.Errorf("GET %s as %s: no %s", path, user, mark(m))
		}
	}
	for _, m := range not {
		if strings.Contains(body, mark(m)) {
			f.t.Errorf("GET %s as %s: offers %s", path, user, mark(m))
		}
	}
	return body
}

// TestFlowScreens walks a plan from execution to the site: the order in
// the list and on its page, a shipment arranged, loaded, sent and signed
// for with a discrepancy, the site's store and a distribution there, and
// the plan's progress; at each step every role sees the buttons and forms
// the use cases would let it use, and no others.
func TestFlowScreens(t *testing.T) {
	t.Parallel()
	eachDemoSite(t, func(t *testing.T, site *testSite) {
		f := flowPages{t: t, site: site, clients: map[string]*http.Client{}}
		for _, u := range []string{"viewer-city", "keeper-datai", "keeper-mentougou", "manager-datai", "partner-grain"} {
			f.clients[u] = site.as(t, u)
		}
		contains(t, "no orders yet", f.get("tester", "/transfers"), `id="transfers-empty"`, `data-nav="transfers"`,
			`href="/sites" data-tab="sites"`)
		contains(t, "no sites yet", f.get("tester", "/sites"), `id="sites-empty"`)

		planID, o := flowOrder(t, site, "T-FLOW")
		oid := strconv.FormatInt(o.ID, 10)
		lq := o.Lines[0].Lots[0]
		siteCode := "SITE:T-FLOW:S01" // site.LocationCode
		if o.Lines[0].To != siteCode {
			t.Fatalf("order goes to %s, want %s", o.Lines[0].To, siteCode)
		}

		// The list: the order, its kind and number; the filters.
		body := f.get("viewer-city", "/transfers")
		row := dispatchRow(t, body, `data-transfer="`+oid+`"`)
		contains(t, "order row", row, `data-kind="dispatch"`, `data-status="ordered"`, `href="/transfers/`+oid+`"`, "调令", "待发运",
			"调〔2026〕"+oid+"号", fmt.Sprintf(`href="/plans/%d"`, planID), "大台安置点", "0 / 5")
		contains(t, "dispatch orders", f.get("viewer-city", "/transfers?kind=dispatch&status=ordered"), `data-transfer="`+oid+`"`)
		contains(t, "no transfer orders", f.get("viewer-city", "/transfers?kind=transfer"), `id="transfers-empty"`, "没有符合条件的调拨单")
		if got := site.fetch(t, site.client, "GET", "/transfers?status=shipped", nil); got.status != http.StatusBadRequest ||
			!strings.Contains(got.body, "status") {
			t.Errorf("a status filter of no status: %d %.300s", got.status, got.body)
		}
		if got := site.fetch(t, f.clients["partner-grain"], "GET", "/transfers", nil); got.status != http.StatusForbidden {
			t.Errorf("a partner department opened the orders: %d", got.status)
		}

		// The order: who may ship, execute, cancel; everyone may print.
		page := "/transfers/" + oid
		body = f.offers("tester", page, []string{"ship-form", "transfer-execute", "transfer-cancel", "transfer-print",
			`data-to="` + siteCode + `"`, fmt.Sprintf(`data-order-line="%d" data-left="5" value="5"`, lq.LineID)}, nil)
		contains(t, "order page", body, `data-status="ordered"`, "调〔2026〕"+oid+"号", "帐篷", lq.Lot, `href="/sites/`+siteCode+`"`,
			`href="/api/transfers/`+oid+`/print.pdf"`, `id="shipments-none"`)
		f.offers("viewer-city", page, []string{"transfer-print"}, []string{"ship-form", "transfer-execute", "transfer-cancel"})
		// The keeper of the source may ship and execute it (either end),
		// not cancel it (the manager of the source's task).
		f.offers("keeper-datai", page, []string{"ship-form", "transfer-execute"}, []string{"transfer-cancel"})
		f.offers("keeper-mentougou", page, nil, []string{"ship-form", "transfer-execute", "transfer-cancel"})

		// A shipment of 3 of the 5, arranged by the keeper of the source.
		var sh shipment.Shipment
		site.postAs(t, f.clients["keeper-datai"], "/api/transfers/"+oid+"/shipments", fmt.Sprintf(
			`{"vehicle": "京A12345", "driver": "张师傅", "phone": "138 0000 0000", "lines": [{"order_line": %d, "quantity": 3}]}`,
			lq.LineID), &sh)
		sid := strconv.FormatInt(sh.ID, 10)
		page = "/shipments/" + sid
		body = f.offers("keeper-datai", page, []string{"shipment-stepper", "shipment-print", `data-step="load"`,
			`data-step="depart"`, `data-step="cancel"`}, []string{`data-step="deliver"`, "receipt-form"})
		contains(t, "shipment page", body, `data-status="planned"`, `<li data-stage="planned" class="done current" aria-current="step">`,
			`<li data-stage="loading" class="">`, "京A12345", "张师傅", `href="tel:13800000000"`, `href="/transfers/`+oid+`"`,
			`href="/sites/`+siteCode+`"`, `href="/api/shipments/`+sid+`/waybill.pdf"`, "运〔2026〕"+sid+"号")
		f.offers("viewer-city", page, []string{"shipment-print"}, []string{"data-step=", "receipt-form"})
		f.offers("keeper-mentougou", page, nil, []string{"data-step=", "receipt-form"})
		// The order now has 2 left, and the shipment listed.
		body = f.get("tester", "/transfers/"+oid)
		contains(t, "order with a shipment", dispatchRow(t, body, `data-shipment="`+sid+`"`), `href="/shipments/`+sid+`"`,
			"待装车", "京A12345")
		contains(t, "what is left", body, `data-left="2" value="2"`, "3 / 5")

		// Sent and delivered: the manager of the site may sign for it; the
		// keeper of the source no longer has a step but delivering.
		site.postAs(t, f.clients["keeper-datai"], "/api/shipments/"+sid+"/depart", `{}`, &sh)
		f.offers("keeper-datai", page, []string{`data-step="deliver"`}, []string{`data-step="depart"`, `data-step="cancel"`, "receipt-form"})
		site.postAs(t, f.clients["keeper-datai"], "/api/shipments/"+sid+"/deliver", `{}`, &sh)
		body = f.offers("manager-datai", page, []string{"receipt-form", "receipt-signer", `data-n="1" data-open="3"`},
			[]string{"data-step="})
		contains(t, "receipt form", body, `value="大台街道储备管理员"`, `<li data-stage="delivered" class="done current" aria-current="step">`)
		f.offers("viewer-city", page, nil, []string{"receipt-form"})
		f.offers("keeper-datai", page, nil, []string{"receipt-form", "data-step="})

		// Signed for: 2 in good order, 1 damaged, with a note.
		site.postAs(t, f.clients["manager-datai"], "/api/shipments/"+sid+"/receipts", `{"idempotency_key": "flow-test-1",
			"signer": "李站长", "lines": [{"n": 1, "received": 2, "damaged": 1, "note": "一顶帐篷受潮"}]}`, &sh)
		body = f.offers("manager-datai", page, []string{"receipts"}, []string{"receipt-form", "receipts-none"})
		contains(t, "received", body, `data-status="received"`, "李站长", "一顶帐篷受潮", `<tr data-n="1" class="discrepancy">`,
			`<li data-stage="received" class="done current" aria-current="step">`)

		// The site: listed, its lot, the use form for its manager only.
		contains(t, "site row", dispatchRow(t, f.get("viewer-city", "/sites"), `data-site="`+siteCode+`"`),
			`href="/sites/`+siteCode+`"`, "T-FLOW", "大台山洪", `data-field="on-hand">2<`)
		page = "/sites/" + url.PathEscape(siteCode)
		body = f.offers("manager-datai", page, []string{"site-use-form", `value="distribute" checked`, `value="consume"`,
			`value="return"`, "site-lots-data", `data-lot="` + lq.Lot + `"`}, nil)
		contains(t, "site page", body, "大台安置点", `href="/shipments/`+sid+`"`, `<option value="C-DX-FLOOD">`, `id="site-uses-none"`)
		f.offers("keeper-datai", page, []string{"site-lots"}, []string{"site-use-form"})
		f.offers("viewer-city", page, []string{"site-lots"}, []string{"site-use-form"})

		var u struct{ ID int64 }
		site.postAs(t, f.clients["manager-datai"], "/api/sites/"+url.PathEscape(siteCode)+"/uses",
			`{"kind": "distribute", "recipient": "大台村 3 户", "idempotency_key": "flow-test-use", "lines": [{"item": "1010101", "quantity": 1}]}`, &u)
		contains(t, "a use", dispatchRow(t, f.get("viewer-city", page), fmt.Sprintf(`data-use="%d"`, u.ID)),
			`data-kind="distribute"`, "发放", "大台村 3 户", lq.Lot, "大台街道储备管理员")

		// The plan: its order, each line's state, each site's item.
		body = f.get("viewer-city", fmt.Sprintf("/plans/%d", planID))
		contains(t, "plan progress", body, `id="plan-progress"`, "执行情况", "已按调出库生成调令")
		if strings.Contains(body, "库存已出库") {
			t.Error("the executed plan's hint still says its stock was issued")
		}
		contains(t, "plan order", dispatchRow(t, body, `data-transfer="`+oid+`"`), `href="/transfers/`+oid+`"`, "3 / 5")
		contains(t, "plan line", dispatchRow(t, body, `data-plan-line="`), `data-state="partial"`, "部分签收",
			`data-field="ordered">5<`, `data-field="received">2<`, `data-field="lost">1 / 0<`)
		contains(t, "plan site", dispatchRow(t, body, `data-site="`+siteCode+`"`), `href="/sites/`+siteCode+`"`,
			`data-field="on-hand">1 `, `data-field="distributed">1<`)
		// What the incident used: the tent handed out and the one damaged
		// on the way (物资消耗与成本).
		contains(t, "incident cost", dispatchRow(t, body, `<tr data-item="1010101"`), "发放 1 · 消耗 0 · 损坏 1 · 短少 0")
		contains(t, "incident cost", body, `id="incident-cost"`, `data-incident="T-FLOW"`)

		// English.
		site.fetch(t, f.clients["manager-datai"], "GET", "/lang/en?back=/", nil)
		contains(t, "order in English", f.get("manager-datai", "/transfers/"+oid), `lang="en"`, "Dispatch order #"+oid, "Arrange the shipment")
		contains(t, "shipment in English", f.get("manager-datai", "/shipments/"+sid), "Shipment #"+sid, "Received", "Discrepancy note")
		contains(t, "site in English", f.get("manager-datai", page), "Site store", "Distribute", "Write off as used")
	})
}

// TestFlowErrors: an order, shipment or site that does not exist is the
// 404 page; an id that is not one, the 400 page.
func TestFlowErrors(t *testing.T) {
	t.Parallel()
	eachDemoSite(t, func(t *testing.T, site *testSite) {
		for path, want := range map[string]struct {
			status int
			text   string
		}{
			"/transfers/999999":   {http.StatusNotFound, "999999"},
			"/shipments/999999":   {http.StatusNotFound, "999999"},
			"/sites/SITE:NO:S01":  {http.StatusNotFound, "SITE:NO:S01"},
			"/sites/C-DX-FLOOD":   {http.StatusNotFound, "C-DX-FLOOD"}, // a depot is no site store
			"/transfers/abc":      {http.StatusBadRequest, "参数 id 的值「abc」无效"},
			"/shipments/0":        {http.StatusBadRequest, "参数 id 的值「0」无效"},
			"/transfers?kind=all": {http.StatusBadRequest, "kind"},
		} {
			got := site.fetch(t, site.client, "GET", path, nil)
			if got.status != want.status || !strings.Contains(got.body, want.text) || !strings.Contains(got.body, `data-nav="transfers"`) {
				t.Errorf("GET %s: %d, want %d with %q: %.300s", path, got.status, want.status, want.text, got.body)
			}
		}
	})
}
