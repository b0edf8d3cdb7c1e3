package api

import (
	"context"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/account"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/geo"
)

// supplyRequest is a request of street X1 for 5 tents under key.
func supplyRequest(key string) string {
	return `{"area":"X1","site_name":"城关小学","point":{"lon":116.14,"lat":39.70},"within_hours":6,
		"lines":[{"item":"1010101","quantity":5}],"idempotency_key":"` + key + `"}`
}

// TestRequestChain has a community ask for tents, its street approve the
// request on, the district accept it into an incident, and the planner plan
// for it; a level the request does not wait for may not decide it.
func TestRequestChain(t *testing.T) {
	t.Parallel()
	eachScopeAPI(t, func(t *testing.T, a *testAPI) {
		ctx, sys := context.Background(), access.SystemActor("test")
		for _, ar := range []area.Area{
			{Code: "110111001", ParentCode: a.w.District, Level: area.LevelStreet, NameZH: "城关街道", Point: geo.Point{Lon: 116.14, Lat: 39.70}},
			{Code: "110111001001", ParentCode: "110111001", Level: area.LevelCommunity, NameZH: "东关社区", Point: geo.Point{Lon: 116.141, Lat: 39.701}},
		} {
			if _, err := a.svc.CreateArea(ctx, sys, ar); err != nil {
				t.Fatal(err)
			}
		}
		a.addPrincipal(t, "mgr-community", account.User{Username: "mgr-community", Roles: []access.Role{access.RoleManager},
			AreaCode: "110111001001", OrgCode: a.w.Bureau})
		a.addPrincipal(t, "mgr-street", account.User{Username: "mgr-street", Roles: []access.Role{access.RoleManager},
			AreaCode: "110111001", OrgCode: a.w.Bureau})
		ask := func(key string) string {
			return `{"area":"110111001001","site_name":"东关小学安置点","point":{"lon":116.141,"lat":39.701},"within_hours":6,
				"lines":[{"item":"1010101","quantity":20}],"idempotency_key":"` + key + `"}`
		}
		runScenarios(t, a, []scenario{
			{name: "stock in Fangshan", method: "POST", path: "/api/movements", body: receiveTentsB, status: 201},
			{name: "the incident", as: "commander", method: "POST", path: "/api/incidents", body: incident("FS-FLOOD", tents(10)), status: 200},
			{name: "a community may not ask for another", as: "mgr-community", method: "POST", path: "/api/requests",
				body: `{"area":"110111001","site_name":"某处","point":{"lon":116.14,"lat":39.70},"within_hours":6,
					"lines":[{"item":"1010101","quantity":1}],"idempotency_key":"x"}`, status: 403, code: "auth.out_of_scope"},
			{name: "the community asks for 20 tents", as: "mgr-community", method: "POST", path: "/api/requests", body: ask("r1"),
				status: 201, want: []string{`"id":1`, `"status":"pending"`, `"at_area":"110111001"`}},
			{name: "the community may not decide for its street", as: "mgr-community", method: "POST",
				path: "/api/requests/1/approve", status: 403, code: "auth.out_of_scope"},
			{name: "the street approves it on", as: "mgr-street", method: "POST", path: "/api/requests/1/approve",
				body: `{"note":"属实"}`, status: 200, want: []string{`"at_area":"110111"`, `"decision":"approve"`}},
			{name: "a street cannot accept", as: "mgr-street", method: "POST", path: "/api/requests/1/accept",
				body: `{"incident":"FS-FLOOD"}`, status: 403, code: "auth.out_of_scope"},
			{name: "accepting needs an incident", as: "manager-fs", method: "POST", path: "/api/requests/1/accept",
				status: 400, code: "field.required", field: "incident"},
			{name: "rejecting needs a reason", as: "manager-fs", method: "POST", path: "/api/requests/1/reject",
				status: 400, code: "field.required", field: "note"},
			{name: "the district accepts it into the incident", as: "manager-fs", method: "POST", path: "/api/requests/1/accept",
				body: `{"incident":"FS-FLOOD"}`, status: 200, want: []string{`"status":"accepted"`, `"site":"REQ-1"`}},
			{name: "decided once", as: "manager-fs", method: "POST", path: "/api/requests/1/reject", body: `{"note":"重复"}`,
				status: 409, code: "request.status", field: "status"},
			{name: "the incident has the site", as: "viewer", method: "GET", path: "/api/incidents/FS-FLOOD", status: 200,
				want: []string{`"code":"REQ-1"`, `"name":"东关小学安置点"`, `"quantity":20`}},
			{name: "and the planner plans for it", as: "commander", method: "POST", path: "/api/plans",
				body: `{"incidents":["FS-FLOOD"]}`, status: 201, want: []string{`"site":"REQ-1"`}},
			{name: "another request", as: "mgr-community", method: "POST", path: "/api/requests", body: ask("r2"), status: 201,
				want: []string{`"id":2`}},
			{name: "withdrawn by its requester", as: "mgr-community", method: "POST", path: "/api/requests/2/withdraw",
				status: 200, want: []string{`"status":"withdrawn"`}},
			{name: "waiting for the street: none", as: "mgr-street", method: "GET", path: "/api/requests?status=pending&at_area=110111001",
				status: 200, want: []string{`"count":0`}},
		})
	})
}
