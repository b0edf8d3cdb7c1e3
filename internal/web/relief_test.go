package web_test

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/shipment"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// reliefRequest is a request for 20 tents for a school in Datai (大台街道)
// made for area, under idempotency key key.
func reliefRequest(area, key string) string {
	return fmt.Sprintf(`{"area": %q, "site_name": "大台小学安置点", "point": {"lon": 115.9768, "lat": 39.9712}, "within_hours": 6,
		"lines": [{"item": "1010101", "quantity": 20}], "idempotency_key": %q}`, area, key)
}

// reliefDonation is a company's donation received at depot: 30 tents
// accepted and 5 quilts rejected, kept for Mentougou (110109), anonymous
// in public if asked.
func reliefDonation(depot, key string, anonymous bool) string {
	return fmt.Sprintf(`{"donor": "京华商贸有限公司", "donor_kind": "enterprise", "contact": "13900000000", "anonymous": %t,
		"depot": %q, "restriction": {"area": "110109", "purpose": "仅用于门头沟区"}, "idempotency_key": %q,
		"lines": [{"item": "1010101", "quantity": 30, "check": "accepted"},
		          {"item": "1020101", "quantity": 5, "check": "rejected", "reason": "受潮发霉"}]}`, anonymous, depot, key)
}

// reliefRequisition is a requisition of a pump for incident in area,
// from a person whose identity number is a valid one.
func reliefRequisition(incident, area, key string) string {
	return fmt.Sprintf(`{"incident": %q, "area": %q, "reason": "排涝", "place": "大台村", "idempotency_key": %q,
		"owner": {"kind": "person", "name": "张三", "phone": "13800000000", "id_number": "11010519491231002X"},
		"lines": [{"description": "柴油排涝泵", "item": "2050102", "quantity": 1, "unit": "台", "value_yuan": "20000.50"}]}`,
		incident, area, key)
}

// reliefSupplier lists org in the supplier directory: tents and beds
// (101), a licence valid to 2030 and a certificate expiring 19 days after
// the tests' clock.
func reliefSupplier(org string) string {
	return fmt.Sprintf(`{"org": %q, "contacts": [{"name": "王经理", "role": "销售经理", "phone": "13800000000"}],
		"qualifications": [{"name": "营业执照", "number": "91110111MA0000000X", "valid_until": "2030-12-31"},
		                   {"name": "ISO9001", "number": "00120Q12345", "valid_until": "2026-06-20"}],
		"categories": ["101"]}`, org)
}

// reliefClients signs in the demo accounts the relief tests look through.
func reliefClients(t *testing.T, site *testSite, users ...string) flowPages {
	t.Helper()
	f := flowPages{t: t, site: site, clients: map[string]*http.Client{}}
	for _, u := range users {
		f.clients[u] = site.as(t, u)
	}
	return f
}

// TestRequestScreens follows a request for supplies up the chain (需求申报):
// the street's manager submits it, the district sees it waiting (as the
// inbox says) and approves it on, the city accepts it into an incident;
// at each step each role is offered the decisions the use case would let
// it take, and no others.
func TestRequestScreens(t *testing.T) {
	t.Parallel()
	eachDemoSite(t, func(t *testing.T, site *testSite) {
		f := reliefClients(t, site, "manager-datai", "manager-mentougou", "manager-city", "viewer-city", "keeper-datai")
		contains(t, "no requests yet", f.get("viewer-city", "/requests"), `id="requests-empty"`, `href="/requests" data-tab="requests"`)
		// The form offers the areas below the city in the person's scope.
		body := f.offers("manager-datai", "/requests", []string{"request-form", "request-area", "request-lon", "request-lat",
			"request-within", "request-lines", "request-add-line", "request-submit", `value="110109004"`, `value="110109004001"`},
			[]string{`value="110109"`, `value="110000"`})
		contains(t, "item picker", body, `<option value="1010101"`)
		f.offers("manager-city", "/requests", []string{"request-form", `value="110109"`}, []string{`<option value="110000"`})
		f.offers("viewer-city", "/requests", nil, []string{"request-form", "filter-waiting"})
		f.offers("keeper-datai", "/requests", nil, []string{"request-form"})

		var got struct{ Status string }
		site.post(t, "/api/incidents", `{"code": "T-REQ", "title": "大台山洪", "type": "flood", "level": 2, "sites": [{"code": "S01",
			"name": "大台村", "point": {"lon": 115.9768, "lat": 39.9712}, "demands": [{"item": "1010101", "quantity": 5, "within_hours": 4}]}]}`, &got)
		var r struct{ ID int64 }
		site.postAs(t, f.clients["manager-datai"], "/api/requests", reliefRequest("110109004", "req-1"), &r)
		id := strconv.FormatInt(r.ID, 10)
		page := "/requests/" + id
		contains(t, "request row", dispatchRow(t, f.get("viewer-city", "/requests"), `data-request="`+id+`"`),
			`data-status="pending"`, `data-at="110109"`, "待审核", "大台街道", "大台小学安置点", "帐篷", "门头沟区")

		// Waiting for Mentougou: its manager's inbox and filter list it.
		contains(t, "inbox", dispatchLi(t, f.get("manager-mentougou", "/work"), `data-kind="requests_waiting"`),
			`href="/requests?waiting=1"`, "待审核的需求申报")
		contains(t, "waiting", f.get("manager-mentougou", "/requests?waiting=1"), `data-request="`+id+`"`, `id="filter-waiting" checked`)
		f.offers("manager-datai", "/requests?waiting=1", []string{"requests-empty"}, []string{`data-request="` + id + `"`})

		// The district may approve it on, accept it or reject it; the
		// requester may withdraw it; a viewer may do nothing.
		body = f.offers("manager-mentougou", page, []string{"request-decide", "request-approve", "request-accept", "request-reject",
			"request-incident", "request-decision-note"}, []string{"request-withdraw"})
		contains(t, "request page", body, `data-status="pending"`, "大台小学安置点", "115.9768", "大台街道储备管理员", `id="request-steps-none"`)
		f.offers("manager-datai", page, []string{"request-withdraw"}, []string{"request-approve", "request-accept", "request-reject"})
		f.offers("viewer-city", page, nil, []string{"request-decide"})
		f.offers("keeper-datai", page, nil, []string{"request-decide"})

		// Approved on: now the city's, which accepts or rejects but does
		// not approve on (it is the top).
		site.postAs(t, f.clients["manager-mentougou"], "/api"+page+"/approve", `{"note": "属实"}`, &got)
		f.offers("manager-mentougou", page, nil, []string{"request-decide"})
		body = f.offers("manager-city", page, []string{"request-accept", "request-reject"}, []string{"request-approve", "request-withdraw"})
		contains(t, "a step", dispatchRow(t, body, `data-step-n="1"`), `data-decision="approve"`, "同意上报", "门头沟区", "属实",
			"门头沟区储备管理员")

		// Accepted into an open incident: a site of it, and nothing left to decide.
		contains(t, "incident picker", f.get("manager-city", page), `<option value="T-REQ">`)
		site.postAs(t, f.clients["manager-city"], "/api"+page+"/accept", `{"incident": "T-REQ"}`, &got)
		body = f.offers("viewer-city", page, []string{"request-incident-code"}, []string{"request-decide"})
		contains(t, "accepted", body, `data-status="accepted"`, "已采纳", "T-REQ", "REQ-"+id, `data-step-n="2" data-decision="accept"`)
		contains(t, "accepted only", f.get("viewer-city", "/requests?status=accepted"), `data-request="`+id+`"`)
		contains(t, "none rejected", f.get("viewer-city", "/requests?status=rejected"), `id="requests-empty"`)

		site.fetch(t, f.clients["manager-city"], "GET", "/lang/en?back=/", nil)
		contains(t, "in English", f.get("manager-city", page), `lang="en"`, "Request #"+id, "Accepted", "Approved on")
	})
}

// dispatchLi returns the list item of body that starts with the attribute
// attr, up to its end.
func dispatchLi(t *testing.T, body, attr string) string {
	t.Helper()
	i := strings.Index(body, attr)
	if i < 0 {
		t.Fatalf("no item with %s", attr)
	}
	j := strings.Index(body[i:], "</li>")
	return body[i : i+j]
}

// TestSupplyScreens receives a donation and follows it to the public
// report (捐赠公示, open without signing in, naming no anonymous donor),
// calls off an agreement reserve and receives it, and settles the
// replenishment a city-led response owes a district; at each step each
// role is offered the forms and buttons the use cases would let it use,
// and no others.
func TestSupplyScreens(t *testing.T) {
	t.Parallel()
	eachDemoSite(t, func(t *testing.T, site *testSite) {
		f := reliefClients(t, site, "keeper-city", "keeper-datai", "viewer-city", "manager-city", "manager-mentougou",
			"manager-datai", "commander-city")
		anonymous := site.newClient()

		// 捐赠: the intake form for keepers and managers, of their depots.
		contains(t, "no donations", f.get("viewer-city", "/donations"), `id="donations-empty"`, `id="donation-report-link"`)
		f.offers("viewer-city", "/donations", nil, []string{"donation-form"})
		f.offers("keeper-city", "/donations", []string{"donation-form", "donation-depot", "donation-donor", "donation-kind",
			"donation-anonymous", "donation-restrict-area", "donation-restrict-type", "donation-purpose", "donation-lines",
			"donation-add-line", "donation-submit", `<option value="C-DX-FLOOD">`, `<option value="110109">`, `<option value="flood">`,
			`value="rejected"`}, []string{`<option value="S-110109004-01">`})
		f.offers("keeper-datai", "/donations", []string{`<option value="S-110109004-01">`}, []string{`<option value="C-DX-FLOOD">`})

		var d struct {
			ID    int64
			Lines []struct{ Lot string }
		}
		site.postAs(t, f.clients["keeper-city"], "/api/donations", reliefDonation("C-DX-FLOOD", "don-1", true), &d)
		did := strconv.FormatInt(d.ID, 10)
		contains(t, "donation row", dispatchRow(t, f.get("viewer-city", "/donations"), `data-donation="`+did+`"`),
			`href="/donations/`+did+`"`, "京华商贸有限公司", "企业", "匿名", "帐篷 × 30", "合格", "拒收", "仅限 门头沟区", "仅用于门头沟区")
		// An open need in Mentougou the donation may meet.
		postPlan(t, site, "/api/plans", flowIncident(t, site, "T-DON")) // proposed: it covers nothing yet
		page := "/donations/" + did
		body := f.offers("keeper-city", page, []string{"donation-contact-text", "donation-items", "donation-matches"}, []string{"matches-none"})
		contains(t, "donation page", body, "13900000000", `href="/work/lots/`+d.Lines[0].Lot+`"`, `data-check="rejected"`, "受潮发霉",
			"匿名捐赠", "市级防汛库库管")
		contains(t, "a match", dispatchRow(t, body, `data-match="T-DON/S01/1010101"`), "大台安置点", "门头沟区", `data-field="quantity">5 `)
		f.offers("viewer-city", page, []string{"donation-matches", "donation-donor-name"}, []string{"donation-contact-text"})

		// 捐赠公示: anyone, signed in or not; the donor unnamed, no contact.
		got := site.fetch(t, anonymous, "GET", "/donations/report", nil)
		if got.status != http.StatusOK {
			t.Fatalf("the public report signed out: %d %.300s", got.status, got.body)
		}
		contains(t, "public report", got.body, `id="donation-report"`, `id="report-print"`, `id="sign-in"`, "匿名捐赠",
			`data-donation="`+did+`"`, `data-field="received">30 顶`, `data-field="in-stock">30 顶`, "仅用于门头沟区")
		for _, no := range []string{"京华商贸", "13900000000", `data-nav=`, `id="flow-tabs"`, d.Lines[0].Lot} {
			if strings.Contains(got.body, no) {
				t.Errorf("the public report shows %q", no)
			}
		}
		contains(t, "report signed in", f.get("viewer-city", "/donations/report"), `id="report-back"`, `data-nav="transfers" class="active"`)
		// Every other page of the screen asks to sign in.
		for _, p := range []string{"/donations", page, "/requests", "/replenishments", "/purchases", "/requisitions", "/shipments"} {
			if got := site.fetch(t, anonymous, "GET", p, nil); got.status != http.StatusSeeOther {
				t.Errorf("GET %s signed out: %d", p, got.status)
			}
		}

		// 紧急采购: the order form for those who may call off for a depot.
		body = f.offers("commander-city", "/purchases", []string{"purchase-form", "purchase-agreement", "purchase-depot",
			"purchase-quantity", "purchase-due", "purchase-submit", `<option value="XY-TENT-TENTS"`, `<option value="C-DX-FLOOD">`}, nil)
		contains(t, "no call-offs", body, `id="purchases-empty"`)
		f.offers("manager-mentougou", "/purchases", []string{"purchase-form", `<option value="D-110109-01">`}, []string{`<option value="C-DX-FLOOD">`})
		f.offers("keeper-city", "/purchases", nil, []string{"purchase-form", "purchase-order"})
		f.offers("viewer-city", "/purchases", nil, []string{"purchase-form"})
		var c struct {
			ID   int64
			Code string
		}
		site.postAs(t, f.clients["commander-city"], "/api/purchases", fmt.Sprintf(`{"agreement": "XY-TENT-TENTS", "depot": "C-DX-FLOOD",
			"quantity": 10, "due_at": %d, "idempotency_key": "co-1"}`, fixedClock().Unix()+3*3600), &c)
		cid := strconv.FormatInt(c.ID, 10)
		contains(t, "call-off row", dispatchRow(t, f.get("viewer-city", "/purchases"), `data-purchase="`+cid+`"`),
			`data-status="ordered"`, c.Code, "已下单", "帐篷", "XY-TENT-TENTS", "2026-06-01 13:00")
		// The keeper receives, the commander cancels, the city manager both.
		f.offers("keeper-city", "/purchases", []string{"receive-form-" + cid}, []string{"cancel-" + cid})
		f.offers("commander-city", "/purchases", []string{"cancel-" + cid}, []string{"receive-form-" + cid})
		f.offers("manager-city", "/purchases", []string{"receive-form-" + cid, "cancel-" + cid}, nil)
		f.offers("keeper-datai", "/purchases", nil, []string{"purchase-actions"})
		site.postAs(t, f.clients["keeper-city"], "/api/purchases/"+cid+"/receive", `{"quantity": 8, "batch": "2026-06"}`, &c)
		body = f.offers("manager-city", "/purchases", nil, []string{"receive-form-" + cid, "cancel-" + cid})
		contains(t, "received", dispatchRow(t, body, `data-purchase="`+cid+`"`), `data-status="received"`, "已到货", "实到 8",
			`href="/work/lots/`)

		// 补库: a city-led response (level 2) takes the Datai street depot's
		// tents: the city owes Mentougou, whose manager settles it.
		a, err := site.s.Area(t.Context(), "110109004")
		if err != nil {
			t.Fatal(err)
		}
		p := postPlan(t, site, "/api/plans", fmt.Sprintf(`{"incident": {"code": "T-RPL", "title": "大台山洪", "type": "flood",
			"level": 2, "sites": [{"code": "S01", "name": "大台安置点", "area": "110109004", "point": {"lon": %g, "lat": %g},
			"demands": [{"item": "1010101", "quantity": 5, "within_hours": 4}]}]}}`, a.Point.Lon, a.Point.Lat))
		pid := strconv.FormatInt(p.ID, 10)
		postPlan(t, site, "/api/plans/"+pid+"/approve", `{}`)
		postPlan(t, site, "/api/plans/"+pid+"/execute", `{}`)
		orders, err := site.s.TransferOrders(t.Context(), store.TransferFilter{PlanID: p.ID})
		if err != nil || len(orders) != 1 {
			t.Fatalf("orders of plan %d: %v %v", p.ID, orders, err)
		}
		var sh shipment.Shipment
		site.post(t, fmt.Sprintf("/api/transfers/%d/shipments", orders[0].ID), `{"vehicle": "京A00002", "all": true}`, &sh)
		f.offers("manager-datai", "/shipments?arriving=1", []string{"shipments-empty"}, nil)
		site.post(t, fmt.Sprintf("/api/shipments/%d/depart", sh.ID), `{}`, &sh)
		needs, err := site.s.Replenishments(t.Context(), store.ReplenishFilter{})
		if err != nil || len(needs) != 1 {
			t.Fatalf("replenishment needs: %+v %v", needs, err)
		}
		nid := strconv.FormatInt(needs[0].ID, 10)

		// 运单: on the road to Datai's site, for Datai's manager to sign for.
		sid := strconv.FormatInt(sh.ID, 10)
		contains(t, "inbox arriving", dispatchLi(t, f.get("manager-datai", "/work"), `data-kind="shipments_arriving"`),
			`href="/shipments?arriving=1"`, "待签收的运单")
		contains(t, "arriving", dispatchRow(t, f.get("manager-datai", "/shipments?arriving=1"), `data-shipment="`+sid+`"`),
			`data-status="in_transit"`, "京A00002", "大台安置点")
		f.offers("keeper-city", "/shipments?arriving=1", []string{"shipments-empty"}, []string{`data-shipment="` + sid + `"`})
		contains(t, "all shipments", f.get("viewer-city", "/shipments?status=in_transit"), `data-shipment="`+sid+`"`)
		contains(t, "none loading", f.get("viewer-city", "/shipments?status=loading"), `id="shipments-empty"`)

		contains(t, "inbox owed", dispatchLi(t, f.get("manager-mentougou", "/work"), `data-kind="replenish_owed"`),
			`href="/replenishments"`, "待结算的补库")
		body = f.offers("manager-mentougou", "/replenishments", []string{"settle-" + nid, "settle-note-" + nid}, nil)
		contains(t, "need row", dispatchRow(t, body, `data-need="`+nid+`"`), `data-status="open"`, `data-holder="110109"`,
			"门头沟区", "北京市", "帐篷", "T-RPL", fmt.Sprintf(`href="/transfers/%d"`, orders[0].ID), "待补库")
		f.offers("manager-datai", "/replenishments", nil, []string{"settle-" + nid})
		f.offers("viewer-city", "/replenishments", nil, []string{"settle-" + nid})
		var n struct{ Status string }
		site.postAs(t, f.clients["manager-mentougou"], "/api/replenishments/"+nid+"/settle", `{"note": "市级调拨单 #99 补回"}`, &n)
		body = f.offers("manager-mentougou", "/replenishments?status=settled", nil, []string{"settle-" + nid})
		contains(t, "settled", dispatchRow(t, body, `data-need="`+nid+`"`), `data-status="settled"`, "已结算", "市级调拨单 #99 补回",
			"门头沟区储备管理员")
		contains(t, "none open", f.get("viewer-city", "/replenishments?status=open"), `id="replenish-empty"`)

		site.fetch(t, anonymous, "GET", "/lang/en?back=/", nil)
		contains(t, "public report in English", site.fetch(t, anonymous, "GET", "/donations/report", nil).body, `lang="en"`,
			"Public report of donations", "Anonymous donor")
	})
}

// TestRequisitionScreens records a requisition (征用) in Datai and takes
// it through its return, assessment and payment, with each incident's
// totals and the plan page's cost of its incident (物资消耗与成本); and
// keeps the supplier directory, a tab of 基础数据 for city managers. At
// each step each role is offered what the use cases would let it do.
func TestRequisitionScreens(t *testing.T) {
	t.Parallel()
	eachDemoSite(t, func(t *testing.T, site *testSite) {
		f := reliefClients(t, site, "manager-datai", "manager-mentougou", "manager-city", "commander-city", "viewer-city", "keeper-datai")
		planID, _ := flowOrder(t, site, "T-RQ") // executed: the plan page shows its incident's cost

		contains(t, "no requisitions", f.get("viewer-city", "/requisitions"), `id="requisitions-empty"`)
		f.offers("viewer-city", "/requisitions", nil, []string{"requisition-form"})
		f.offers("keeper-datai", "/requisitions", nil, []string{"requisition-form"})
		f.offers("commander-city", "/requisitions", []string{"requisition-form", `<option value="110000">`, `<option value="T-RQ">`}, nil)
		f.offers("manager-datai", "/requisitions", []string{"requisition-form", "req-incident", "req-area", "req-owner-kind",
			"req-owner-name", "req-owner-phone", "req-owner-id", "req-reason", "req-place", "req-at", "requisition-lines",
			"requisition-add-line", "requisition-submit", `<option value="110109004">`}, []string{`<option value="110109">`})

		var x struct{ ID int64 }
		site.postAs(t, f.clients["manager-datai"], "/api/requisitions", reliefRequisition("T-RQ", "110109004", "rq-1"), &x)
		id := strconv.FormatInt(x.ID, 10)
		page := "/requisitions/" + id
		body := f.get("viewer-city", "/requisitions?incident=T-RQ")
		contains(t, "requisition row", dispatchRow(t, body, `data-requisition="`+id+`"`), `data-status="requisitioned"`,
			`href="/requisitions/`+id+`"`, "已征用", "大台山洪", "大台街道", "张三", "柴油排涝泵 × 1 台", "¥20000.50")
		contains(t, "totals", dispatchRow(t, body, `data-incident="T-RQ"`), `data-field="value">¥20000.50`, "已征用 1")
		contains(t, "none compensated", f.get("viewer-city", "/requisitions?status=compensated"), `id="requisitions-empty"`)

		// Its own area's managers may return or cancel it; a viewer reads
		// it, the owner's identity number masked.
		body = f.offers("manager-datai", page, []string{"step-return-form", "step-cancel-form", "requisition-id-number"},
			[]string{"step-assess-form", "step-pay-form"})
		contains(t, "requisition page", body, "11010519491231002X", "排涝", "大台村", `href="tel:13800000000"`, "柴油排涝泵")
		f.offers("manager-mentougou", page, []string{"step-return-form"}, nil)
		body = f.offers("viewer-city", page, nil, []string{"requisition-steps"})
		contains(t, "masked", body, "**************002X")
		if strings.Contains(body, "11010519491231002X") {
			t.Error("a viewer sees the owner's identity number")
		}
		f.offers("keeper-datai", page, nil, []string{"requisition-steps"})

		var y struct{ Status string }
		site.postAs(t, f.clients["manager-datai"], "/api"+page+"/return", `{"lines": [{"n": 1, "condition": "damaged", "note": "泵壳开裂"}]}`, &y)
		body = f.offers("manager-datai", page, []string{"step-assess-form"}, []string{"step-return-form", "step-cancel-form", "step-pay-form"})
		contains(t, "returned", body, `data-status="returned"`, `data-condition="damaged"`, "损坏", "泵壳开裂")
		site.postAs(t, f.clients["commander-city"], "/api"+page+"/assess", `{"amount_yuan": "3500", "basis": "维修报价单"}`, &y)
		contains(t, "assessed", f.offers("commander-city", page, []string{"step-pay-form"}, []string{"step-assess-form"}),
			`id="requisition-compensation">¥3500.00`, "维修报价单")

		// The plan's incident: what it used and its compensation.
		body = f.get("viewer-city", fmt.Sprintf("/plans/%d", planID))
		contains(t, "incident cost", body, `id="incident-cost"`, `data-incident="T-RQ"`, "物资消耗与成本",
			`data-field="compensation"><span>¥3500.00`, `data-field="total"><strong>¥3500.00`, `href="/requisitions?incident=T-RQ"`)

		// 供应商: a tab of 基础数据 for reserve managers; the city's keep it.
		body = f.offers("manager-city", "/masterdata/suppliers", []string{"supplier-filters", "filter-category", "filter-expiring",
			"filter-expired", "supplier-form", "supplier-org", "supplier-contact-lines", "supplier-qualification-lines",
			"supplier-add-contact", "supplier-add-qualification", "supplier-submit", `<option value="ENT-TENT">`,
			`href="/masterdata/suppliers" data-tab="suppliers" class="active"`}, []string{`<option value="BJ-EMB">`})
		contains(t, "empty directory", body, `id="suppliers-empty"`)
		contains(t, "masterdata tab", f.get("manager-city", "/masterdata/items"), `data-tab="suppliers"`)
		var s struct{ Org string }
		site.postAs(t, f.clients["manager-city"], "/api/suppliers", reliefSupplier("ENT-TENT"), &s)
		contains(t, "supplier row", dispatchRow(t, f.get("manager-mentougou", "/masterdata/suppliers?expiring=1&category=10101"),
			`data-supplier="ENT-TENT"`), `data-status="qualified"`, `href="/masterdata/suppliers/ENT-TENT"`, "合格", "101", "可采购",
			"1 项资质临期", "王经理")
		contains(t, "none expired", f.get("manager-city", "/masterdata/suppliers?expired=1"), `id="suppliers-empty"`)
		page = "/masterdata/suppliers/ENT-TENT"
		body = f.offers("manager-city", page, []string{"supplier-steps", "supplier-suspend", "supplier-remove", "supplier-edit",
			"supplier-form", `data-version="1"`, `value="王经理"`, `value="2030-12-31"`}, []string{"supplier-reinstate", "supplier-org"})
		contains(t, "supplier page", body, `data-qualification="00120Q12345" data-expiring`, "临期", "营业执照")
		f.offers("manager-mentougou", page, []string{"supplier-qualifications"}, []string{"supplier-steps", "supplier-form"})
		f.offers("manager-mentougou", "/masterdata/suppliers", []string{"suppliers-readonly"}, []string{"supplier-form"})
		site.postAs(t, f.clients["manager-city"], "/api/suppliers/ENT-TENT/suspend", `{"reason": "质量投诉待查"}`, &s)
		body = f.offers("manager-city", page, []string{"supplier-reinstate", "supplier-remove"}, []string{"supplier-suspend"})
		contains(t, "suspended", body, `data-status="suspended"`, "质量投诉待查", "不可采购")

		site.fetch(t, f.clients["manager-city"], "GET", "/lang/en?back=/", nil)
		contains(t, "suppliers in English", f.get("manager-city", page), `lang="en"`, "Suspended", "Reinstate", "Qualifications")
		contains(t, "requisition in English", f.get("manager-city", "/requisitions/"+id), "Requisition #"+id, "Compensation assessed")
	})
}
