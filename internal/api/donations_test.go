package api

import (
	"fmt"
	"testing"
)

// callOff is a call-off of n tents of agreement XY-TENT to the city depot,
// due an hour after the tests' clock, under idempotency key key.
func callOff(key string, n int) string {
	return fmt.Sprintf(`{"agreement":"XY-TENT","depot":"C-TEST-A","quantity":%d,"due_at":%d,"idempotency_key":%q}`,
		n, fixedClock().Unix()+3600, key)
}

// TestDonationsAndPurchases receives a donation with a restriction and a
// rejected line, publishes it, matches it to an open need, and calls off
// an agreement that a plan then counts on; refused requests change nothing.
func TestDonationsAndPurchases(t *testing.T) {
	t.Parallel()
	eachScopeAPI(t, func(t *testing.T, a *testAPI) {
		donate := func(key, lines string) string {
			return `{"donor":"张三","donor_kind":"person","anonymous":true,"depot":"D-TEST-B","idempotency_key":"` + key + `",
				"restriction":{"area":"110111","purpose":"仅用于房山区"},"lines":[` + lines + `]}`
		}
		goods := `{"item":"1010101","quantity":30,"check":"accepted"},{"item":"1010201","quantity":4,"check":"rejected","reason":"锈蚀"}`
		runScenarios(t, a, []scenario{
			{name: "a keeper elsewhere may not receive it", as: "keeper-m", method: "POST", path: "/api/donations",
				body: donate("d1", goods), status: 403, code: "auth.out_of_scope"},
			{name: "a rejected line needs a reason", as: "keeper", method: "POST", path: "/api/donations",
				body: donate("d1", `{"item":"1010101","quantity":30,"check":"rejected"}`), status: 400,
				code: "donation.reason_required", field: "lines[0].reason"},
			{name: "an unknown area", as: "keeper", method: "POST", path: "/api/donations", status: 404, code: "area.not_found",
				body: `{"donor":"张三","donor_kind":"person","depot":"D-TEST-B","idempotency_key":"d0","restriction":{"area":"999"},
					"lines":[{"item":"1010101","quantity":1,"check":"accepted"}]}`, field: "restriction.area"},
			{name: "the keeper receives it", as: "keeper", method: "POST", path: "/api/donations", body: donate("d1", goods),
				status: 201, want: []string{`"id":1`, `"check":"rejected"`, `"restriction":{"area":"110111","purpose":"仅用于房山区"}`},
				check: hasLocation("/api/donations/1")},
			{name: "sent again: once", as: "keeper", method: "POST", path: "/api/donations", body: donate("d1", goods), status: 200,
				want: []string{`"id":1`}},
			{name: "30 tents in stock", as: "keeper", method: "GET", path: "/api/balances?depot=D-TEST-B&group_by=item",
				status: 200, want: []string{`"quantity":30`}},
			{name: "the public report, without signing in", anonymous: true, method: "GET", path: "/api/donations/report",
				status: 200, want: []string{`"donor":"匿名捐赠"`, `"received":30`, `"in_stock":30`, `"purpose":"仅用于房山区"`},
				notWant: []string{"张三"}},
			{name: "an incident needing tents in Fangshan", as: "commander", method: "POST", path: "/api/incidents",
				body: incident("FS-FLOOD", tents(50)), status: 200},
			{name: "the donation matches it", as: "viewer", method: "GET", path: "/api/donations/1/matches", status: 200,
				want: []string{`"count":1`, `"incident":"FS-FLOOD"`, `"open":50`, `"quantity":30`, `"district":"110111"`}},

			{name: "a tent maker", method: "POST", path: "/api/orgs", body: tentMaker, status: 201},
			{name: "its agreement", method: "POST", path: "/api/agreements", body: agreementTent, status: 201},
			{name: "a Fangshan manager may not buy for the city depot", as: "manager-fs", method: "POST", path: "/api/purchases",
				body: callOff("c1", 20), status: 403, code: "auth.out_of_scope"},
			{name: "more than the agreement holds", as: "commander", method: "POST", path: "/api/purchases",
				body: callOff("c1", 1000000), status: 409, code: "reserve.insufficient", field: "quantity"},
			{name: "due in the past", as: "commander", method: "POST", path: "/api/purchases", status: 400, code: "purchase.due",
				body: `{"agreement":"XY-TENT","depot":"C-TEST-A","quantity":1,"due_at":1,"idempotency_key":"c0"}`, field: "due_at"},
			{name: "the commander calls off 20 tents", as: "commander", method: "POST", path: "/api/purchases",
				body: callOff("c1", 20), status: 201, want: []string{`"code":"CO-1"`, `"status":"ordered"`, `"quantity":20`}},
			{name: "a plan counts on them", as: "commander", method: "POST", path: "/api/plans", body: `{"incidents":["FS-FLOOD"]}`,
				status: 201, want: []string{`"kind":"purchase","code":"CO-1"`}},
			{name: "the district keeper may not receive at the city depot", as: "keeper", method: "POST",
				path: "/api/purchases/1/receive", body: `{"quantity":20}`, status: 403, code: "auth.out_of_scope"},
			{name: "more than was ordered arrives", as: "manager", method: "POST", path: "/api/purchases/1/receive",
				body: `{"quantity":21}`, status: 409, code: "purchase.over_delivery", field: "quantity"},
			{name: "the city manager receives 20", as: "manager", method: "POST", path: "/api/purchases/1/receive",
				body: `{"quantity":20,"batch":"2026-12"}`, status: 200, want: []string{`"status":"received"`, `"received":20`}},
			{name: "the same delivery again: recorded once", as: "manager", method: "POST", path: "/api/purchases/1/receive",
				body: `{"quantity":20}`, status: 200, want: []string{`"status":"received"`, `"received":20`}},
			{name: "another delivery of a received call-off", as: "manager", method: "POST", path: "/api/purchases/1/receive",
				body: `{"quantity":5}`, status: 409, code: "purchase.status", field: "status"},
			{name: "the tents are at the city depot", as: "viewer", method: "GET", path: "/api/balances?depot=C-TEST-A&group_by=item",
				status: 200, want: []string{`"quantity":20`}},
			{name: "the ledger holds", as: "viewer", method: "GET", path: "/api/ledger/verify", status: 200, want: []string{`"ok":true`}},
		})
	})
}
