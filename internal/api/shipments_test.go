package api

import (
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"
)

// pdfText checks that a PDF answer holds every one of want in its text
// (poppler's pdftotext).
func pdfText(want ...string) func(*testing.T, *httptest.ResponseRecorder) {
	return func(t *testing.T, rec *httptest.ResponseRecorder) {
		t.Helper()
		isPDF(t, rec)
		cmd := exec.Command("pdftotext", "-layout", "-", "-")
		cmd.Stdin = strings.NewReader(rec.Body.String())
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("pdftotext: %v", err)
		}
		text := strings.Join(strings.Fields(string(out)), " ")
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("the PDF lacks %q:\n%s", w, text)
			}
		}
	}
}

// TestFromPlanToSiteAndBack walks an executed plan's dispatch order
// through a shipment to a signed receipt with a discrepancy and on to
// the site's use of the tents, as the people whose job each step is; every
// refused request leaves the database as it was.
func TestFromPlanToSiteAndBack(t *testing.T) {
	t.Parallel()
	eachScopeAPI(t, func(t *testing.T, a *testAPI) {
		const siteStore = "/api/sites/SITE:FS-FLOOD:S1"
		receipt := func(key, lines string) string {
			return `{"idempotency_key":"` + key + `","signer":"良乡安置点 李站长","lines":[` + lines + `]}`
		}
		runScenarios(t, a, []scenario{
			{name: "stock in Fangshan", method: "POST", path: "/api/movements", body: receiveTentsB, status: 201},
			{name: "a plan for 40 tents", as: "commander", method: "POST", path: "/api/plans",
				body: planFor(incident("FS-FLOOD", tents(40))), status: 201},
			{name: "approved", as: "commander", method: "POST", path: "/api/plans/1/approve", status: 200},
			{name: "executed", as: "commander", method: "POST", path: "/api/plans/1/execute", status: 200},
			{name: "the dispatch order", as: "viewer", method: "GET", path: "/api/transfers/1", status: 200,
				want: []string{`"kind":"dispatch"`, `"to":"SITE:FS-FLOOD:S1"`, `"line_id":1`, `"plan_line":1`}},
			{name: "printed as 调令", as: "viewer", method: "GET", path: "/api/transfers/1/print.pdf", status: 200,
				check: pdfText("应 急 物 资 调 令", "调〔", "北京市应急管理局", "单帐篷", "40", "TENT-B", "测试区级库", "签发人")},

			{name: "a keeper at neither end may not ship it", as: "keeper-m", method: "POST",
				path: "/api/transfers/1/shipments", body: `{}`, status: 403, code: "auth.out_of_scope"},
			{name: "nor a viewer", as: "viewer", method: "POST", path: "/api/transfers/1/shipments", body: `{}`,
				status: 403, code: "auth.forbidden"},
			{name: "more than the order holds", as: "keeper", method: "POST", path: "/api/transfers/1/shipments",
				body: `{"lines":[{"order_line":1,"quantity":41}]}`, status: 409, code: "shipment.over_order",
				field: "lines[0].quantity"},
			{name: "a line of no such order", as: "keeper", method: "POST", path: "/api/transfers/1/shipments",
				body: `{"lines":[{"order_line":99,"quantity":1}]}`, status: 404, code: "shipment.order_line", field: "lines[0].order_line"},
			{name: "the source's keeper loads 40 on a truck", as: "keeper", method: "POST", path: "/api/transfers/1/shipments",
				body:   `{"vehicle":"京A·12345","driver":"张师傅","phone":"13800000000","lines":[{"order_line":1,"quantity":40}]}`,
				status: 201, want: []string{`"status":"planned"`, `"location":"SHIP:1/1"`, `"vehicle":"京A·12345"`},
				check: hasLocation("/api/shipments/1")},
			{name: "the order is all on its way", as: "viewer", method: "GET", path: "/api/transfers/1", status: 200,
				want: []string{`"status":"executed"`, `"shipped":40`}},
			{name: "nothing to receive before it leaves", as: "manager-fs", method: "POST", path: "/api/shipments/1/receipts",
				body: receipt("r0", `{"n":1,"received":40}`), status: 409, code: "receipt.status", field: "status"},
			{name: "delivered before it left", as: "keeper", method: "POST", path: "/api/shipments/1/deliver",
				status: 409, code: "shipment.status", field: "status"},
			{name: "loading", as: "keeper", method: "POST", path: "/api/shipments/1/load", status: 200,
				want: []string{`"status":"loading"`}},
			{name: "departs", as: "keeper", method: "POST", path: "/api/shipments/1/depart", status: 200,
				want: []string{`"status":"in_transit"`, `"departed_at":`}},
			{name: "the tents are on the road", as: "viewer", method: "GET", path: "/api/balances?depot=SHIP:1/1&group_by=item",
				status: 200, want: []string{`"quantity":40,"reserved":0`}},
			{name: "the city owes Fangshan for its 40 tents", as: "viewer", method: "GET", path: "/api/replenishments?status=open",
				status: 200, want: []string{`"count":1`, `"holder":"110111","owed_by":"110000"`, `"quantity":40`}},
			{name: "Fangshan's manager may settle it, saying how", as: "manager-fs", method: "POST",
				path: "/api/replenishments/1/settle", body: `{"note":""}`, status: 400, code: "replenish.note", field: "note"},
			{name: "a keeper may not", as: "keeper", method: "POST", path: "/api/replenishments/1/settle",
				body: `{"note":"已补"}`, status: 403, code: "auth.forbidden"},
			{name: "and left the depot", as: "viewer", method: "GET", path: "/api/balances?depot=D-TEST-B&group_by=item",
				status: 200, want: []string{`"quantity":60,"reserved":0,"usable":60`}},
			{name: "the waybill", as: "viewer", method: "GET", path: "/api/shipments/1/waybill.pdf", status: 200,
				check: pdfText("应 急 物 资 运 输 交 接 单", "京A·12345", "张师傅", "在途", "承运人")},
			{name: "the source's keeper may not sign at the site", as: "keeper", method: "POST",
				path: "/api/shipments/1/receipts", body: receipt("r1", `{"n":1,"received":40}`), status: 403,
				code: "auth.out_of_scope"},
			{name: "more than is on the road", as: "manager-fs", method: "POST", path: "/api/shipments/1/receipts",
				body: receipt("r1", `{"n":1,"received":39,"missing":2,"note":"点数不符"}`), status: 409,
				code: "receipt.over_shipped", field: "lines[0].received"},
			{name: "damage without a word on it", as: "manager-fs", method: "POST", path: "/api/shipments/1/receipts",
				body: receipt("r1", `{"n":1,"received":30,"damaged":1}`), status: 400, code: "receipt.note_required", field: "lines[0].note"},
			{name: "no idempotency key", as: "manager-fs", method: "POST", path: "/api/shipments/1/receipts",
				body: receipt("", `{"n":1,"received":30}`), status: 400, code: "receipt.key", field: "idempotency_key"},
			{name: "30 good and one torn", as: "manager-fs", method: "POST", path: "/api/shipments/1/receipts",
				body: receipt("r1", `{"n":1,"received":30,"damaged":1,"note":"一顶篷布撕裂"}`), status: 201,
				want: []string{`"status":"delivered"`, `"received":30,"damaged":1,"missing":0`}},
			{name: "the same receipt again is recorded once", as: "manager-fs", method: "POST",
				path: "/api/shipments/1/receipts", body: receipt("r1", `{"n":1,"received":30,"damaged":1,"note":"一顶篷布撕裂"}`),
				status: 200, want: []string{`"received":30,"damaged":1`}},
			{name: "the rest, one missing", as: "manager-fs", method: "POST", path: "/api/shipments/1/receipts",
				body: receipt("r2", `{"n":1,"received":8,"missing":1,"note":"少一顶"}`), status: 201,
				want: []string{`"status":"received"`, `"received":38,"damaged":1,"missing":1`, `"received_at":`}},
			{name: "the shipment with its receipts", as: "viewer", method: "GET", path: "/api/shipments/1", status: 200,
				want: []string{`"receipts":[{`, `"signer":"良乡安置点 李站长"`, `"note":"少一顶"`}},
			{name: "the site holds 38", as: "viewer", method: "GET", path: siteStore, status: 200,
				want: []string{`"on_hand":38`, `"lot":"TENT-B"`, `"incident":"FS-FLOOD"`}},

			{name: "a keeper may not hand out at the site", as: "keeper", method: "POST", path: siteStore + "/uses",
				body:   `{"kind":"distribute","recipient":"村民","idempotency_key":"u0","lines":[{"item":"1010101","quantity":1}]}`,
				status: 403, code: "auth.forbidden"},
			{name: "handing out to nobody", as: "manager-fs", method: "POST", path: siteStore + "/uses",
				body:   `{"kind":"distribute","idempotency_key":"u1","lines":[{"item":"1010101","quantity":1}]}`,
				status: 400, code: "field.required", field: "recipient"},
			{name: "30 handed out", as: "manager-fs", method: "POST", path: siteStore + "/uses",
				body:   `{"kind":"distribute","recipient":"良乡镇受灾群众","idempotency_key":"u1","lines":[{"item":"1010101","quantity":30}]}`,
				status: 201, want: []string{`"kind":"distribute"`, `"posting_id":`}},
			{name: "returning more than the site holds", as: "manager-fs", method: "POST", path: siteStore + "/uses",
				body:   `{"kind":"return","to_depot":"D-TEST-B","idempotency_key":"u2","lines":[{"item":"1010101","quantity":9}]}`,
				status: 409, code: "stock.insufficient", field: "lines[0].quantity"},
			{name: "returning to a shipment", as: "manager-fs", method: "POST", path: siteStore + "/uses",
				body:   `{"kind":"return","to_depot":"SHIP:1/1","idempotency_key":"u2","lines":[{"item":"1010101","quantity":1}]}`,
				status: 400, code: "site_use.to_depot", field: "to_depot"},
			{name: "8 back to the depot", as: "manager-fs", method: "POST", path: siteStore + "/uses",
				body:   `{"kind":"return","to_depot":"D-TEST-B","idempotency_key":"u2","lines":[{"item":"1010101","quantity":8}]}`,
				status: 201},
			{name: "the plan followed to its end", as: "viewer", method: "GET", path: "/api/plans/1/progress", status: 200,
				want: []string{`"plan_line":1,"ordered":40,"loading":0,"on_road":0,"received":38,"damaged":1,"missing":1,"direct":0`,
					`"on_hand":0,"distributed":30,"consumed":0,"returned":8`}},
			{name: "the depot has its 8 back", as: "viewer", method: "GET", path: "/api/balances?depot=D-TEST-B&group_by=item",
				status: 200, want: []string{`"quantity":68,"reserved":0,"usable":68`}},
			{name: "the ledger holds", as: "viewer", method: "GET", path: "/api/ledger/verify", status: 200,
				want: []string{`"ok":true`}},
		})
	})
}
