package api

import (
	"strconv"
	"testing"
)

// tentSupplier lists the tent maker FS-TENT-CO (tentMaker) in the
// supplier directory: tents and beds (101), a licence valid to 2030 and an
// ISO 9001 certificate expiring on 2026-06-20, 19 days after the tests'
// clock.
const tentSupplier = `{"org":"FS-TENT-CO","contacts":[{"name":"王经理","role":"销售经理","phone":"13800000000",
	"email":"wang@example.com"}],"qualifications":[{"name":"营业执照","number":"91110111MA0000000X","valid_until":"2030-12-31"},
	{"name":"ISO9001","number":"00120Q12345","valid_until":"2026-06-20"}],"categories":["101"]}`

// requisitionOf is a requisition of a pump for incident P1 in Fangshan
// (110111), worth 20,000.50 yuan, under idempotency key key.
func requisitionOf(key string) string {
	return `{"incident":"P1","area":"110111","reason":"排涝","place":"良乡","idempotency_key":` + strconv.Quote(key) + `,
		"owner":{"kind":"person","name":"张三","phone":"13800000000"},
		"lines":[{"description":"柴油排涝泵","item":"2050102","quantity":1,"unit":"台","value_yuan":"20000.50"}]}`
}

// TestSuppliersAndRequisitions keeps the supplier directory and follows a
// requisition from record to payment, with the incident's cost; refused
// requests change nothing.
func TestSuppliersAndRequisitions(t *testing.T) {
	t.Parallel()
	eachScopeAPI(t, func(t *testing.T, a *testAPI) {
		runScenarios(t, a, []scenario{
			{name: "a tent maker", method: "POST", path: "/api/orgs", body: tentMaker, status: 201},
			{name: "a district manager may not keep the directory", as: "manager-fs", method: "POST", path: "/api/suppliers",
				body: tentSupplier, status: 403, code: "auth.out_of_scope"},
			{name: "a department is no supplier", as: "manager", method: "POST", path: "/api/suppliers", status: 400,
				body: `{"org":"BJ-EMB","contacts":[{"name":"值班室","phone":"010-12345678"}],
					"qualifications":[{"name":"x","number":"1","valid_until":"2030-01-01"}],"categories":["1"]}`,
				code: "supplier.org_kind", field: "org"},
			{name: "the city manager lists it", as: "manager", method: "POST", path: "/api/suppliers", body: tentSupplier,
				status: 201, want: []string{`"status":"qualified"`, `"name_zh":"房山帐篷厂"`, `"version":1`, `"usable":true`,
					`"next_expiry":"2026-06-20"`}, check: hasLocation("/api/suppliers/FS-TENT-CO")},
			{name: "a stale edit", as: "manager", method: "PUT", path: "/api/suppliers/FS-TENT-CO",
				body: withVersion(tentSupplier, 7), status: 409, code: "edit.stale", field: "version"},
			{name: "an edit", as: "manager", method: "PUT", path: "/api/suppliers/FS-TENT-CO",
				body: withVersion(tentSupplier, 1), status: 200, want: []string{`"version":2`}},
			{name: "reinstating a qualified supplier", as: "manager", method: "POST", path: "/api/suppliers/FS-TENT-CO/reinstate",
				status: 409, code: "supplier.status"},
			{name: "suspending it without a reason", as: "manager", method: "POST", path: "/api/suppliers/FS-TENT-CO/suspend",
				status: 400, code: "supplier.reason_required", field: "reason"},
			{name: "suspending it", as: "manager", method: "POST", path: "/api/suppliers/FS-TENT-CO/suspend",
				body: `{"reason":"质量投诉待查"}`, status: 200, want: []string{`"status":"suspended"`, `"usable":false`}},
			{name: "a viewer finds it expiring", as: "viewer", method: "GET", path: "/api/suppliers?expiring_within=30&category=10101",
				status: 200, want: []string{`"count":1`, `"org":"FS-TENT-CO"`, `"expiring":[{"name":"ISO9001"`}},
			{name: "not within 10 days", as: "viewer", method: "GET", path: "/api/suppliers?expiring_within=10", status: 200,
				want: []string{`"count":0`}},
			{name: "a bad status", as: "viewer", method: "GET", path: "/api/suppliers?status=ok", status: 400,
				code: "param.invalid", field: "status"},

			{name: "a keeper may not requisition", as: "keeper", method: "POST", path: "/api/requisitions",
				body: requisitionOf("r1"), status: 403, code: "auth.forbidden"},
			{name: "no such incident", as: "manager-fs", method: "POST", path: "/api/requisitions", status: 404,
				body: `{"incident":"NONE","area":"110111","reason":"x","place":"y","owner":{"kind":"unit","name":"公司","phone":"13800000000"},
					"lines":[{"description":"船","quantity":1,"unit":"艘","value_yuan":"1"}]}`, code: "incident.not_found", field: "incident"},
			{name: "an incident", as: "commander", method: "POST", path: "/api/incidents", body: incident("P1", tents(5)), status: 200},
			{name: "a value with three decimals", as: "manager-fs", method: "POST", path: "/api/requisitions", status: 400,
				body: `{"incident":"P1","area":"110111","reason":"x","place":"y","owner":{"kind":"unit","name":"公司","phone":"13800000000"},
					"lines":[{"description":"船","quantity":1,"unit":"艘","value_yuan":"1.005"}]}`, code: "money.malformed"},
			{name: "the Fangshan manager requisitions a pump", as: "manager-fs", method: "POST", path: "/api/requisitions",
				body: requisitionOf("r1"), status: 201, want: []string{`"id":1`, `"status":"requisitioned"`, `"value_yuan":"20000.50"`},
				check: hasLocation("/api/requisitions/1")},
			{name: "sent again: once", as: "manager-fs", method: "POST", path: "/api/requisitions", body: requisitionOf("r1"),
				status: 200, want: []string{`"id":1`}},
			{name: "paying before the return", as: "manager-fs", method: "POST", path: "/api/requisitions/1/pay",
				body: `{"voucher":"V-1"}`, status: 409, code: "requisition.status"},
			{name: "a field of another step", as: "manager-fs", method: "POST", path: "/api/requisitions/1/return",
				body: `{"voucher":"V-1","lines":[{"n":1,"condition":"intact"}]}`, status: 400, code: "request.malformed_json", field: "voucher"},
			{name: "returned damaged", as: "manager-fs", method: "POST", path: "/api/requisitions/1/return",
				body: `{"lines":[{"n":1,"condition":"damaged","note":"泵壳开裂"}]}`, status: 200,
				want: []string{`"status":"returned"`, `"condition":"damaged"`}},
			{name: "assessed", as: "commander", method: "POST", path: "/api/requisitions/1/assess",
				body: `{"amount_yuan":"3500.00","basis":"维修报价单"}`, status: 200, want: []string{`"compensation_yuan":"3500.00"`}},
			{name: "paid", as: "manager-fs", method: "POST", path: "/api/requisitions/1/pay", body: `{"voucher":"记-2026-0612"}`,
				status: 200, want: []string{`"status":"compensated"`, `"voucher":"记-2026-0612"`}},
			{name: "the totals", as: "viewer", method: "GET", path: "/api/requisitions/totals?incident=P1", status: 200,
				want: []string{`"assessed_yuan":"3500.00"`, `"paid_yuan":"3500.00"`, `"unpaid_yuan":"0.00"`}},
			{name: "the list", as: "viewer", method: "GET", path: "/api/requisitions?incident=P1&status=compensated", status: 200,
				want: []string{`"count":1`}},
			{name: "the incident's cost", as: "viewer", method: "GET", path: "/api/incidents/P1/cost", status: 200,
				want: []string{`"compensation_yuan":"3500.00"`, `"total_yuan":"3500.00"`, `"complete":true`}},
			{name: "no such incident's cost", as: "viewer", method: "GET", path: "/api/incidents/NONE/cost", status: 404,
				code: "incident.not_found"},
		})
	})
}
