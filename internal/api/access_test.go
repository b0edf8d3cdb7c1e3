package api

import (
	"context"
	"fmt"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/account"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/depot"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/org"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/webhook"
)

// The scope fixture adds to the World (房山 110111 with C-TEST-A and
// D-TEST-B, both held by the city bureau BJ-EMB) a second district, 门头沟
// 110109, with its bureau and a depot, and a partner department of the
// city, 市粮储局 BJ-GRAIN, holding a depot of its own.
const (
	otherDistrict = "110109"   // 门头沟区
	otherBureau   = "MTG-EMB"  // 门头沟区应急管理局
	depotM        = "D-TEST-M" // 门头沟 district depot
	grainDept     = "BJ-GRAIN" // a partner department
	depotGrain    = "C-GRAIN"  // its depot, in the city's own area
)

// eachScopeAPI is eachAPI with the scope fixture and one principal per
// role, named for it ("admin" … "viewer"; the area roles at city level,
// the keeper keeping D-TEST-B, the partner of BJ-GRAIN), and district
// ones: "manager-fs" and "commander-fs" of 房山, "keeper-m" of D-TEST-M.
func eachScopeAPI(t *testing.T, fn func(t *testing.T, a *testAPI)) {
	eachAPI(t, func(t *testing.T, a *testAPI) {
		addScopeFixture(t, a)
		fn(t, a)
	})
}

func addScopeFixture(t testing.TB, a *testAPI) {
	t.Helper()
	ctx, sys := context.Background(), access.SystemActor("test")
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(a.svc.CreateArea(ctx, sys, area.Area{Code: otherDistrict, ParentCode: a.w.City, Level: area.LevelDistrict,
		NameZH: "门头沟区", NameEN: "Mentougou", Population: 392606, Point: geo.Point{Lon: 116.1019, Lat: 39.9404}}))
	must(a.svc.CreateOrg(ctx, sys, org.Org{Code: otherBureau, NameZH: "门头沟区应急管理局", Kind: org.KindBureau,
		AreaCode: otherDistrict}))
	must(a.svc.CreateOrg(ctx, sys, org.Org{Code: grainDept, NameZH: "北京市粮食和物资储备局", Kind: org.KindDepartment,
		AreaCode: a.w.City}))
	must(a.svc.CreateDepot(ctx, sys, depot.Depot{Code: depotM, NameZH: "测试门头沟库", Tier: area.LevelDistrict,
		Kind: depot.KindComprehensive, OrgCode: otherBureau, AreaCode: otherDistrict,
		Point: geo.Point{Lon: 116.10, Lat: 39.94}, CapacityM3: 500}))
	must(a.svc.CreateDepot(ctx, sys, depot.Depot{Code: depotGrain, NameZH: "测试粮储库", Tier: area.LevelCity,
		Kind: depot.KindSpecial, OrgCode: grainDept, AreaCode: a.w.City,
		Point: geo.Point{Lon: 116.40, Lat: 39.90}, CapacityM3: 500}))

	user := func(name string, role access.Role, areaCode, orgCode string, depots ...string) {
		a.addPrincipal(t, name, account.User{Username: name, Roles: []access.Role{role}, AreaCode: areaCode,
			OrgCode: orgCode, Depots: depots})
	}
	user(string(access.RoleAdmin), access.RoleAdmin, a.w.City, a.w.Bureau)
	user(string(access.RoleCommander), access.RoleCommander, a.w.City, a.w.Bureau)
	user(string(access.RoleManager), access.RoleManager, a.w.City, a.w.Bureau)
	user(string(access.RoleKeeper), access.RoleKeeper, a.w.District, a.w.Bureau, a.w.DepotB)
	user(string(access.RolePartner), access.RolePartner, a.w.City, grainDept)
	user(string(access.RoleViewer), access.RoleViewer, a.w.City, a.w.Bureau)
	user("manager-fs", access.RoleManager, a.w.District, a.w.Bureau)
	user("commander-fs", access.RoleCommander, a.w.District, a.w.Bureau)
	user("keeper-m", access.RoleKeeper, otherDistrict, otherBureau, depotM)
}

// dummyPath fills a route's path parameters with values that name
// nothing, so that a request that passes the gate stops at the handler.
func dummyPath(pattern string) string {
	return strings.NewReplacer("{id}", "999999", "{code}", "NO-SUCH-CODE").Replace(pattern)
}

// TestRoutesByRole walks every route of the route table with every role
// and without credentials, and checks the gate's decision against
// access.Rules: a role the rule does not grant gets 403 auth.forbidden;
// a request without credentials gets 401 auth.required unless the route
// is public; a granted role passes the gate (the handler may then refuse
// the dummy request: a body with an unknown field is 400, an id that
// names nothing 404). A route whose action has no rule fails the test.
//
// Besides the roles, it walks every route as a user still holding a
// one-time password (signed in with a session, as a browser): they may
// take only public and self actions until they change it.
func TestRoutesByRole(t *testing.T) {
	t.Parallel()
	eachScopeAPI(t, func(t *testing.T, a *testAPI) {
		_, oneTime, err := a.svc.CreateUser(context.Background(), access.SystemActor("test"),
			account.User{Username: "fresh", Roles: []access.Role{access.RoleAdmin, access.RoleManager},
				AreaCode: a.w.City, OrgCode: a.w.Bureau}, "")
		if err != nil {
			t.Fatal(err)
		}
		fresh := sessionCookie(a.signIn(t, "fresh", oneTime))
		checked := 0
		for _, rt := range (&handler{}).routes() {
			route := rt.method + " " + rt.path
			rule, ok := access.RuleOf(rt.action)
			if !ok {
				t.Errorf("%s: action %q has no rule in access.Rules", route, rt.action)
				continue
			}
			var body string
			if rt.method != "GET" && rt.method != "DELETE" {
				body = `{"no_such_field":true}`
			}
			for _, who := range append([]string{"anonymous", "one-time password"}, roleNames()...) {
				var headers map[string]string
				switch who {
				case "anonymous":
					headers = map[string]string{"Authorization": ""}
				case "one-time password":
					headers = fresh
				default:
					headers = a.as(t, who).bearer()
				}
				rec := a.do(rt.method, dummyPath(rt.path), body, headers, false)
				checked++
				role := access.Role(who)
				switch {
				case who == "one-time password" && route == "DELETE /api/session":
					if rec.Code != 204 {
						t.Errorf("%s as %s: status %d: %s", route, who, rec.Code, rec.Body)
					}
					fresh = sessionCookie(a.signIn(t, "fresh", oneTime)) // signed out: sign in again
				case rt.action == access.Public:
					if rec.Code == 401 || rec.Code == 403 {
						t.Errorf("%s as %s: public route answered %d: %s", route, who, rec.Code, rec.Body)
					}
				case who == "anonymous":
					if rec.Code != 401 {
						t.Errorf("%s without credentials: status %d, want 401: %s", route, rec.Code, rec.Body)
						continue
					}
					checkError(t, rec, "auth.required", "")
				case who == "one-time password" && rt.action != access.Self:
					if rec.Code != 403 {
						t.Errorf("%s with a one-time password: status %d, want 403: %s", route, rec.Code, rec.Body)
						continue
					}
					checkError(t, rec, "auth.forbidden", "")
				case who == "one-time password":
					if rec.Code == 401 || rec.Code == 403 {
						t.Errorf("%s with a one-time password: status %d: %s", route, rec.Code, rec.Body)
					}
				case rule.Grants[role] == access.Denied:
					if rec.Code != 403 {
						t.Errorf("%s as %s: status %d, want 403 (access.Rules denies %s): %s", route, who, rec.Code,
							rt.action, rec.Body)
						continue
					}
					checkError(t, rec, "auth.forbidden", "")
				default:
					if rec.Code == 401 || rec.Code == 403 {
						t.Errorf("%s as %s: status %d, but access.Rules grants %s: %s", route, who, rec.Code,
							rt.action, rec.Body)
					}
				}
			}
		}
		if want := len((&handler{}).routes()) * (len(access.Roles) + 2); checked != want {
			t.Errorf("checked %d requests, want %d", checked, want)
		}
	})
}

// roleNames are the names of the principals eachScopeAPI makes per role.
func roleNames() []string {
	var out []string
	for _, r := range access.Roles {
		out = append(out, string(r))
	}
	return out
}

// TestEveryRuleIsWellFormed checks the rule table itself: each action
// once, grants only to known roles, and a description for the docs.
func TestEveryRuleIsWellFormed(t *testing.T) {
	t.Parallel()
	seen := map[access.Action]bool{}
	for _, r := range access.Rules {
		if seen[r.Action] {
			t.Errorf("action %s has two rules", r.Action)
		}
		seen[r.Action] = true
		for role, reach := range r.Grants {
			if !role.Valid() || reach < access.Denied || reach > access.Everywhere {
				t.Errorf("%s grants %q reach %d", r.Action, role, reach)
			}
		}
		if r.ZH == "" || r.EN == "" || !hasHan(r.ZH) {
			t.Errorf("%s lacks its descriptions: %q %q", r.Action, r.ZH, r.EN)
		}
	}
	for _, rt := range (&handler{}).routes() {
		if !seen[rt.action] {
			t.Errorf("%s %s: action %q has no rule", rt.method, rt.path, rt.action)
		}
	}
}

// receiveAt receives n tents at depot as a new lot.
func receiveAt(depot, lot string, n int) string {
	return fmt.Sprintf(`{"reason":"入库","lines":[{"kind":"receive","depot":%q,"item":"1010101","quantity":%d,
		"new_lot":{"code":%q,"batch":"2026-05","produced_on":"2026-05-01"}}]}`, depot, n, lot)
}

// issueAt issues n tents at depot.
func issueAt(depot string, n int) string {
	return fmt.Sprintf(`{"reason":"发放","lines":[{"kind":"issue","depot":%q,"item":"1010101","quantity":%d}]}`, depot, n)
}

// outOfScope is the refusal of an act at a place beyond the actor's scope,
// naming the place.
func outOfScope(place string) func(*testing.T, *httptest.ResponseRecorder) {
	return func(t *testing.T, rec *httptest.ResponseRecorder) {
		t.Helper()
		if !strings.Contains(rec.Body.String(), place) {
			t.Errorf("the refusal does not name %s: %s", place, rec.Body)
		}
	}
}

// TestScopeOfStockAndReserves checks where the roles that post movements
// and add reserves may do so.
func TestScopeOfStockAndReserves(t *testing.T) {
	t.Parallel()
	eachScopeAPI(t, func(t *testing.T, a *testAPI) {
		runScenarios(t, a, []scenario{
			// A district's reserve manager: the depots of their district.
			{name: "district manager receives at their district's depot", as: "manager-fs", method: "POST",
				path: "/api/movements", body: receiveAt(a.w.DepotB, "TENT-FS", 100), status: 201},
			{name: "district manager receives at another district's depot", as: "manager-fs", method: "POST",
				path: "/api/movements", body: receiveAt(depotM, "TENT-M1", 100), status: 403, code: "auth.out_of_scope",
				check: outOfScope(depotM)},
			// A city depot standing in the district is the city's, not the
			// district's: its tier holds it.
			{name: "district manager receives at the city depot in their district", as: "manager-fs", method: "POST",
				path: "/api/movements", body: receiveAt(a.w.DepotA, "TENT-CITY", 100), status: 403,
				code: "auth.out_of_scope", check: outOfScope(a.w.DepotA)},
			{name: "district manager moves stock out of the district directly", as: "manager-fs", method: "POST",
				path: "/api/movements", status: 403, code: "auth.out_of_scope",
				body: `{"reason":"支援","lines":[{"kind":"transfer","depot":"D-TEST-B","to_depot":"D-TEST-M","item":"1010101","quantity":5}]}`},
			{name: "district manager adds a depot in their district", as: "manager-fs", method: "POST",
				path: "/api/depots", status: 201, body: `{"code":"S-FS-01","name_zh":"城关街道储备点","tier":"street",
				"kind":"comprehensive","org_code":"BJ-EMB","area_code":"110111","point":{"lon":116.14,"lat":39.70},"capacity_m3":50}`},
			{name: "district manager adds a depot in another district", as: "manager-fs", method: "POST",
				path: "/api/depots", status: 403, code: "auth.out_of_scope", body: `{"code":"S-MTG-01","name_zh":"大台街道储备点",
				"tier":"street","kind":"comprehensive","org_code":"MTG-EMB","area_code":"110109","point":{"lon":115.9,"lat":39.9},"capacity_m3":50}`},
			{name: "district manager adds to the city's catalogue", as: "manager-fs", method: "POST", path: "/api/items",
				status: 403, code: "auth.out_of_scope", body: `{"code":"1010104","name_zh":"救灾单帐篷(加厚)","name_en":"Heavy relief tent",
				"unit_zh":"顶","unit_en":"tent","counted":true,"shelf_life_days":3650,"purpose":"life","volume_m3":0.15}`},
			{name: "district manager changes the city's norms", as: "manager-fs", method: "PUT",
				path: "/api/readiness/config", body: configWithQuilts(t, 2), status: 403, code: "auth.out_of_scope"},
			{name: "the city manager receives anywhere", as: "manager", method: "POST", path: "/api/movements",
				body: receiveAt(depotM, "TENT-M1", 100), status: 201},

			// A keeper: their own depots only, even within their district.
			{name: "keeper receives at their depot", as: "keeper", method: "POST", path: "/api/movements",
				body: receiveAt(a.w.DepotB, "TENT-K", 10), status: 201},
			{name: "keeper issues at their depot", as: "keeper", method: "POST", path: "/api/movements",
				body: issueAt(a.w.DepotB, 5), status: 201},
			{name: "keeper receives at another depot of their district", as: "keeper", method: "POST",
				path: "/api/movements", body: receiveAt(a.w.DepotA, "TENT-K2", 10), status: 403, code: "auth.out_of_scope",
				check: outOfScope(a.w.DepotA)},
			{name: "keeper of another district", as: "keeper-m", method: "POST", path: "/api/movements",
				body: issueAt(a.w.DepotB, 1), status: 403, code: "auth.out_of_scope"},
			{name: "keeper adds a depot", as: "keeper", method: "POST", path: "/api/depots", status: 403,
				code: "auth.forbidden", body: `{}`},

			// A partner department: its own organisation's reserves and depots.
			{name: "partner adds an agreement reserve of its own", as: "partner", method: "POST", path: "/api/agreements",
				body: agreementWith("XY-GRAIN", "org_code", `"BJ-GRAIN"`), status: 201,
				want: []string{`"org_code":"BJ-GRAIN"`}},
			// The contracting party (签约主体) decides the tier a reserve counts
			// for, so it must be in scope too when named.
			{name: "partner's own reserve, signed by itself", as: "partner", method: "POST", path: "/api/agreements",
				body: agreementWith("XY-GRAIN2", "org_code", `"BJ-GRAIN","party":"BJ-GRAIN"`), status: 201,
				want: []string{`"party":"BJ-GRAIN"`}},
			{name: "partner's reserve signed as the city's bureau", as: "partner", method: "POST", path: "/api/agreements",
				body: agreementWith("XY-GRAIN3", "org_code", `"BJ-GRAIN","party":"BJ-EMB"`), status: 403,
				code: "auth.out_of_scope", check: outOfScope("BJ-EMB")},
			{name: "a tent maker", as: "manager", method: "POST", path: "/api/orgs", body: tentMaker, status: 201},
			{name: "an enterprise cannot sign for the city", as: "manager", method: "POST", path: "/api/agreements",
				body: agreementWith("XY-ENT", "org_code", `"FS-TENT-CO","party":"FS-TENT-CO"`), status: 400,
				code: "reserve.party_invalid", field: "party"},
			{name: "partner adds one for another organisation", as: "partner", method: "POST", path: "/api/agreements",
				body: agreementWith("XY-EMB", "org_code", `"BJ-EMB"`), status: 403, code: "auth.out_of_scope",
				check: outOfScope("BJ-EMB")},
			{name: "partner adds a capacity reserve for another organisation", as: "partner", method: "POST",
				path: "/api/capacities", body: capacityWith("CN-EMB", "org_code", `"BJ-EMB"`), status: 403,
				code: "auth.out_of_scope"},
			{name: "partner receives at its organisation's depot", as: "partner", method: "POST", path: "/api/movements",
				body: receiveAt(depotGrain, "TENT-G", 50), status: 201},
			{name: "partner receives at the bureau's depot", as: "partner", method: "POST", path: "/api/movements",
				body: receiveAt(a.w.DepotA, "TENT-G2", 50), status: 403, code: "auth.out_of_scope"},
			{name: "a district manager adds no reserve for the city's department", as: "manager-fs", method: "POST",
				path: "/api/agreements", body: agreementWith("XY-G2", "org_code", `"BJ-GRAIN"`), status: 403,
				code: "auth.out_of_scope"},

			// What each sees of the stock (access.Actor.View of stock.read).
			{name: "district manager lists the depots of their district", as: "manager-fs", method: "GET",
				path: "/api/depots", status: 200, want: []string{`"code":"C-TEST-A"`, `"code":"D-TEST-B"`},
				notWant: []string{depotM, depotGrain}},
			{name: "district manager does not see another district's depot", as: "manager-fs", method: "GET",
				path: "/api/depots/" + depotM, status: 404, code: "depot.not_found"},
			{name: "district manager's balances", as: "manager-fs", method: "GET", path: "/api/balances", status: 200,
				want: []string{`"depot":"D-TEST-B"`}, notWant: []string{depotM, depotGrain}},
			{name: "keeper sees their depot", as: "keeper", method: "GET", path: "/api/depots", status: 200,
				want: []string{`"code":"D-TEST-B"`}, notWant: []string{`"code":"C-TEST-A"`, depotM}},
			{name: "partner sees its organisation's depot and reserves", as: "partner", method: "GET",
				path: "/api/depots", status: 200, want: []string{depotGrain}, notWant: []string{"D-TEST-B", depotM}},
			{name: "partner's agreements", as: "partner", method: "GET", path: "/api/agreements", status: 200,
				want: []string{"XY-GRAIN"}},
			{name: "a district commander sees every district's stock", as: "commander-fs", method: "GET",
				path: "/api/balances?group_by=depot", status: 200, want: []string{depotM, `"depot":"D-TEST-B"`, depotGrain}},
			{name: "the city viewer sees every depot", as: "viewer", method: "GET", path: "/api/depots", status: 200,
				want: []string{depotM, "D-TEST-B", depotGrain}},
		})
	})
}

// TestScopeOfDispatch checks the cross-scope decisions of dispatch and
// transfers (docs/access.md): a district commander plans over all stock
// but approves only plans whose every source is in their district, and
// the city commander approves cross-district draws (跨区调用由市级统一
// 调度); a transfer is ordered and cancelled by a manager of its sources
// and executed from either end.
func TestScopeOfDispatch(t *testing.T) {
	t.Parallel()
	eachScopeAPI(t, func(t *testing.T, a *testAPI) {
		runScenarios(t, a, []scenario{
			{name: "stock only in Mentougou", method: "POST", path: "/api/movements",
				body: receiveAt(depotM, "TENT-M", 100), status: 201},
			{name: "a Fangshan commander plans over every district's stock", as: "commander-fs", method: "POST",
				path: "/api/plans", body: planFor(incident("FS-FLOOD", tents(40))), status: 201,
				want: []string{`"id":1`, `"code":"D-TEST-M"`}},
			{name: "but may not approve a draw on another district", as: "commander-fs", method: "POST",
				path: "/api/plans/1/approve", status: 403, code: "auth.out_of_scope", check: outOfScope(depotM)},
			{name: "nor cancel it", as: "commander-fs", method: "POST", path: "/api/plans/1/cancel", status: 403,
				code: "auth.out_of_scope"},
			{name: "nor recompute it", as: "commander-fs", method: "POST", path: "/api/plans/1/recompute", status: 403,
				code: "auth.out_of_scope"},
			{name: "a manager may not approve plans at all", as: "manager", method: "POST", path: "/api/plans/1/approve",
				status: 403, code: "auth.forbidden"},
			{name: "the city commander approves the cross-district draw", as: "commander", method: "POST",
				path: "/api/plans/1/approve", status: 200, want: []string{`"status":"approved"`}},
			{name: "the Fangshan commander may not execute it", as: "commander-fs", method: "POST",
				path: "/api/plans/1/execute", status: 403, code: "auth.out_of_scope"},
			{name: "the city commander executes it", as: "commander", method: "POST", path: "/api/plans/1/execute",
				status: 200, want: []string{`"status":"executed"`}},
			{name: "which makes dispatch order #1 from Mentougou to the site", as: "commander-fs", method: "GET",
				path: "/api/transfers?plan=1", status: 200,
				want: []string{`"id":1`, `"kind":"dispatch"`, `"from":"D-TEST-M","to":"SITE:FS-FLOOD:S1"`}},

			{name: "stock in Fangshan", method: "POST", path: "/api/movements", body: receiveAt(a.w.DepotB, "TENT-B", 100),
				status: 201},
			{name: "a plan on Fangshan's own stock", as: "commander-fs", method: "POST", path: "/api/plans",
				body: planFor(incident("FS-FLOOD-2", tents(20))), status: 201,
				want: []string{`"id":2`, `"code":"D-TEST-B"`}, notWant: []string{depotM}},
			{name: "the Fangshan commander approves it", as: "commander-fs", method: "POST", path: "/api/plans/2/approve",
				status: 200, want: []string{`"status":"approved"`}},

			// Transfers: the manager of the source orders; either end executes.
			{name: "a Fangshan manager may not order from Mentougou", as: "manager-fs", method: "POST",
				path: "/api/transfers", status: 403, code: "auth.out_of_scope",
				body: transferWith(`{"from":"D-TEST-M","to":"D-TEST-B","item":"1010101","quantity":10,"lots":[{"lot":"TENT-M","quantity":10}]}`)},
			{name: "the city manager orders from Mentougou to Fangshan", as: "manager", method: "POST",
				path: "/api/transfers", status: 201, want: []string{`"id":2`, `"status":"ordered"`},
				body: transferWith(`{"from":"D-TEST-M","to":"D-TEST-B","item":"1010101","quantity":10,"lots":[{"lot":"TENT-M","quantity":10}]}`)},
			{name: "a Fangshan manager may not cancel it", as: "manager-fs", method: "POST", path: "/api/transfers/2/cancel",
				status: 403, code: "auth.out_of_scope"},
			{name: "a keeper may not cancel a transfer", as: "keeper-m", method: "POST", path: "/api/transfers/2/cancel",
				status: 403, code: "auth.forbidden"},
			{name: "a keeper of neither end may not execute it", as: "partner", method: "POST",
				path: "/api/transfers/2/execute", status: 403, code: "auth.forbidden"},
			{name: "the keeper at the destination executes it", as: "keeper", method: "POST",
				path: "/api/transfers/2/execute", status: 200, want: []string{`"status":"executed"`}},
			{name: "the stock arrived", as: "keeper", method: "GET", path: "/api/balances?depot=D-TEST-B&group_by=item",
				status: 200, want: []string{`"quantity":110`}},

			{name: "a Fangshan manager orders out of Fangshan", as: "manager-fs", method: "POST", path: "/api/transfers",
				status: 201, want: []string{`"id":3`},
				body: transferWith(`{"from":"D-TEST-B","to":"D-TEST-M","item":"1010101","quantity":5,"lots":[{"lot":"TENT-B","quantity":5}]}`)},
			{name: "a keeper at neither end", as: "keeper", method: "POST", path: "/api/transfers/3/cancel",
				status: 403, code: "auth.forbidden"},
			{name: "the keeper at the other district's destination executes it", as: "keeper-m", method: "POST",
				path: "/api/transfers/3/execute", status: 200, want: []string{`"status":"executed"`}},
		})
	})
}

// TestViewerOnlyReads checks that a viewer reads, and that every route
// that changes something refuses them, but for their own session and
// password and the assessment (a read that takes its scenario in a POST).
func TestViewerOnlyReads(t *testing.T) {
	t.Parallel()
	eachScopeAPI(t, func(t *testing.T, a *testAPI) {
		runScenarios(t, a, []scenario{
			{name: "balances", as: "viewer", method: "GET", path: "/api/balances", status: 200},
			{name: "plans", as: "viewer", method: "GET", path: "/api/plans", status: 200},
			{name: "readiness settings", as: "viewer", method: "GET", path: "/api/readiness/config", status: 200},
			{name: "verify the ledger", as: "viewer", method: "GET", path: "/api/ledger/verify", status: 200},
			{name: "the audit trail", as: "viewer", method: "GET", path: "/api/audit", status: 403, code: "auth.forbidden"},
			{name: "users", as: "viewer", method: "GET", path: "/api/users", status: 403, code: "auth.forbidden"},
		})
		allowed := []string{"POST /api/session", "DELETE /api/session", "POST /api/me/password", "POST /api/assessments"}
		var scenarios []scenario
		for _, rt := range (&handler{}).routes() {
			route := rt.method + " " + rt.path
			if rt.method == "GET" || slices.Contains(allowed, route) {
				continue
			}
			scenarios = append(scenarios, scenario{name: route, as: "viewer", method: rt.method, path: dummyPath(rt.path),
				body: "{}", status: 403, code: "auth.forbidden"})
		}
		if len(scenarios) < 25 {
			t.Fatalf("only %d routes change something?", len(scenarios))
		}
		runScenarios(t, a, scenarios)
	})
}

// TestAnonymousChangesNothing sends every route that is not a GET without
// credentials, each with a body the tester's own request succeeds with
// (checked after), against targets that exist: each is refused with 401
// and leaves the database as it was (runScenarios compares snapshots). A
// new route must be added to the table.
func TestAnonymousChangesNothing(t *testing.T) {
	t.Parallel()
	eachScopeAPI(t, func(t *testing.T, a *testAPI) {
		viewer := a.as(t, "viewer")
		uid, tid := strconv.FormatInt(viewer.user.ID, 10), strconv.FormatInt(viewer.token.ID, 10)
		expires := strconv.FormatInt(a.s.Now().AddDate(1, 0, 0).Unix(), 10)
		warning := `{"warning":{"identifier":"W-1","hazard":"flood","level":1,"areas":["110109"]},"deadline_hours":0.2,"lead_hours":12}`
		// The targets: stock, three proposed plans, two ordered transfers,
		// two proposed pre-positionings.
		runScenarios(t, a, []scenario{
			{name: "stock", method: "POST", path: "/api/movements", body: receiveTentsB, status: 201},
			{name: "a little in Mentougou", method: "POST", path: "/api/movements", body: receiveAt(depotM, "TENT-M", 1),
				status: 201},
			{name: "norms", method: "PUT", path: "/api/readiness/config", body: configWithQuilts(t, 2), status: 200},
			{name: "plan 1", method: "POST", path: "/api/plans", body: planFor(incident("P1", tents(10))), status: 201},
			{name: "plan 2", method: "POST", path: "/api/plans", body: planFor(incident("P2", tents(10))), status: 201},
			{name: "plan 3", method: "POST", path: "/api/plans", body: planFor(incident("P3", tents(10))), status: 201},
			{name: "transfer 1", method: "POST", path: "/api/transfers", body: transferOf(10), status: 201},
			{name: "transfer 2", method: "POST", path: "/api/transfers", body: transferOf(10), status: 201},
			{name: "pre-positioning 1", method: "POST", path: "/api/prepositions", body: warning, status: 201},
			{name: "pre-positioning 2", method: "POST", path: "/api/prepositions", body: warning, status: 201},
			{name: "rotation 1", method: "POST", path: "/api/rotations", body: drillOf(1), status: 201},
			{name: "rotation 2", method: "POST", path: "/api/rotations", body: drillOf(1), status: 201},
			// The warehouse (warehouse_test.go): water at B's location Z-99, two
			// scraps of it waiting for a second person, a count of Z-99.
			{name: "water at Z-99", method: "POST", path: "/api/movements", status: 201,
				body: `{"reason":"入库","lines":[{"kind":"receive","depot":"D-TEST-B","item":"1030101","quantity":100,
					"new_lot":{"code":"WATER-W","batch":"W1","expires_on":"2027-06-01"},"location":"Z-99"}]}`},
			{name: "scrap request 1", as: "keeper", method: "POST", path: "/api/scraps",
				body: scrapAt("D-TEST-B", "1030101", "WATER-W", 20), status: 202},
			{name: "scrap request 2", as: "keeper", method: "POST", path: "/api/scraps",
				body: scrapAt("D-TEST-B", "1030101", "WATER-W", 20), status: 202},
			{name: "count 1", method: "POST", path: "/api/counts", body: `{"depot":"D-TEST-B","scope":{"location":"Z-99"}}`,
				status: 201},
		})
		// A webhook whose receiver failed until it paused.
		me := a.principals[""]
		hook, err := a.svc.CreateWebhook(t.Context(), me.token.Actor(me.user, "test"), "https://partner.example/old", nil)
		if err != nil {
			t.Fatal(err)
		}
		for range webhook.MaxFailures {
			hook = hook.Failed(a.s.Now())
		}
		if err := a.s.SaveWebhookState(t.Context(), hook); err != nil {
			t.Fatal(err)
		}
		config := a.do("GET", "/api/readiness/config", "", nil, false).Body.String()
		norms := a.do("GET", "/api/readiness/norms", "", nil, false).Body.String()
		prices := a.do("GET", "/api/readiness/prices", "", nil, false).Body.String()
		csv := map[string]string{"Content-Type": "text/csv"}

		writes := []struct {
			route, path, body string
			headers           map[string]string
			status            int // the tester's
		}{
			{"POST /api/session", "/api/session", `{"username":"tester","password":"` + testPassword + `"}`, nil, 201},
			{"DELETE /api/session", "/api/session", "", nil, 204},
			{"POST /api/me/password", "/api/me/password", `{"old_password":"` + testPassword + `","new_password":"another long password"}`,
				nil, 403}, // a token has no password (auth.not_a_user); TestSessions changes one
			{"POST /api/users", "/api/users", `{"username":"newbie","roles":["viewer"],"area_code":"110000","org_code":"BJ-EMB"}`,
				nil, 201},
			{"PUT /api/users/{id}", "/api/users/" + uid, `{"username":"viewer","name":"改名","roles":["viewer","keeper"],
				"area_code":"110111","org_code":"BJ-EMB","depots":["D-TEST-B"],"version":1}`, nil, 200},
			{"POST /api/users/{id}/reset-password", "/api/users/" + uid + "/reset-password", "", nil, 200},
			{"POST /api/users/{id}/end-sessions", "/api/users/" + uid + "/end-sessions", "", nil, 200},
			{"POST /api/tokens", "/api/tokens", `{"name":"粮储系统","username":"viewer","expires_at":` + expires + `}`, nil, 201},
			{"POST /api/tokens/{id}/revoke", "/api/tokens/" + tid + "/revoke", "", nil, 200},
			{"POST /api/items", "/api/items", `{"code":"1010104","name_zh":"救灾单帐篷(加厚)","name_en":"Heavy relief tent",
				"unit_zh":"顶","unit_en":"tent","counted":true,"shelf_life_days":3650,"purpose":"life","volume_m3":0.15}`, nil, 201},
			{"POST /api/areas", "/api/areas", `{"code":"X1","parent_code":"110111","level":"street","name_zh":"街"}`, nil, 201},
			{"POST /api/orgs", "/api/orgs", tentMaker, nil, 201},
			{"POST /api/depots", "/api/depots", `{"code":"S-CG-01","name_zh":"城关街道储备点","tier":"street",
				"kind":"comprehensive","org_code":"BJ-EMB","area_code":"110111","point":{"lon":116.14,"lat":39.70},"capacity_m3":50}`, nil, 201},
			{"POST /api/movements", "/api/movements", receiveTents, nil, 201},
			{"POST /api/agreements", "/api/agreements", agreementTent, nil, 201},
			{"POST /api/capacities", "/api/capacities", capacityTent, nil, 201},
			// Master data: edits, retirements and restorations (masterdata_test.go).
			{"PUT /api/agreements/{code}", "/api/agreements/XY-TENT", withVersion(agreementTent, 1), nil, 200},
			{"POST /api/agreements/{code}/retire", "/api/agreements/XY-TENT/retire", "", nil, 200},
			{"PUT /api/capacities/{code}", "/api/capacities/CN-TENT", withVersion(capacityTent, 1), nil, 200},
			{"POST /api/capacities/{code}/retire", "/api/capacities/CN-TENT/retire", "", nil, 200},
			{"PUT /api/orgs/{code}", "/api/orgs/FS-TENT-CO", withVersion(tentMaker, 1), nil, 200},
			{"POST /api/orgs/{code}/retire", "/api/orgs/FS-TENT-CO/retire", "", nil, 200},
			{"POST /api/orgs/{code}/restore", "/api/orgs/FS-TENT-CO/restore", "", nil, 200},
			{"POST /api/agreements/{code}/restore", "/api/agreements/XY-TENT/restore", "", nil, 200},
			{"POST /api/capacities/{code}/restore", "/api/capacities/CN-TENT/restore", "", nil, 200},
			// The supplier directory and requisitions (suppliers_test.go): the tent
			// maker listed, edited, suspended, reinstated and removed; two
			// requisitions for incident P1, the first returned, assessed and paid,
			// the second cancelled.
			{"POST /api/suppliers", "/api/suppliers", tentSupplier, nil, 201},
			{"PUT /api/suppliers/{code}", "/api/suppliers/FS-TENT-CO", withVersion(tentSupplier, 1), nil, 200},
			{"POST /api/suppliers/{code}/suspend", "/api/suppliers/FS-TENT-CO/suspend", `{"reason":"质量投诉待查"}`, nil, 200},
			{"POST /api/suppliers/{code}/reinstate", "/api/suppliers/FS-TENT-CO/reinstate", "", nil, 200},
			{"POST /api/suppliers/{code}/remove", "/api/suppliers/FS-TENT-CO/remove", `{"reason":"停产"}`, nil, 200},
			{"POST /api/requisitions", "/api/requisitions", requisitionOf("r1"), nil, 201},
			{"POST /api/requisitions", "/api/requisitions", requisitionOf("r2"), nil, 201},
			{"POST /api/requisitions/{id}/return", "/api/requisitions/1/return", `{"lines":[{"n":1,"condition":"intact"}]}`, nil, 200},
			{"POST /api/requisitions/{id}/assess", "/api/requisitions/1/assess", `{"amount_yuan":"800.00","basis":"租金标准"}`, nil, 200},
			{"POST /api/requisitions/{id}/pay", "/api/requisitions/1/pay", `{"voucher":"记-1"}`, nil, 200},
			{"POST /api/requisitions/{id}/cancel", "/api/requisitions/2/cancel", `{"reason":"误录"}`, nil, 200},
			{"POST /api/categories", "/api/categories", `{"code":"305","name_zh":"其他工程类","local":true}`, nil, 201},
			{"PUT /api/categories/{code}", "/api/categories/305", `{"name_zh":"其他工程保障类","local":true,"version":1}`, nil, 200},
			{"POST /api/categories/{code}/retire", "/api/categories/305/retire", "", nil, 200},
			{"POST /api/categories/{code}/restore", "/api/categories/305/restore", "", nil, 200},
			{"PUT /api/items/{code}", "/api/items/1010104", withVersion(`{"name_zh":"救灾单帐篷(加厚)","unit_zh":"顶",
				"counted":true,"purpose":"life","mass_t":0.03}`, 1), nil, 200},
			{"POST /api/items/{code}/retire", "/api/items/1010104/retire", "", nil, 200},
			{"POST /api/items/{code}/restore", "/api/items/1010104/restore", "", nil, 200},
			{"PUT /api/areas/{code}", "/api/areas/X1", `{"name_zh":"一街","version":1}`, nil, 200},
			{"POST /api/areas/{code}/retire", "/api/areas/X1/retire", "", nil, 200},
			{"POST /api/areas/{code}/restore", "/api/areas/X1/restore", "", nil, 200},
			{"PUT /api/depots/{code}", "/api/depots/S-CG-01", withVersion(`{"name_zh":"城关街道储备点","tier":"street",
				"kind":"comprehensive","org_code":"BJ-EMB","area_code":"110111","point":{"lon":116.14,"lat":39.70},"capacity_m3":80}`, 1), nil, 200},
			{"POST /api/depots/{code}/retire", "/api/depots/S-CG-01/retire", "", nil, 200},
			{"POST /api/depots/{code}/restore", "/api/depots/S-CG-01/restore", "", nil, 200},
			{"POST /api/incidents", "/api/incidents", incident("I1", tents(5)), nil, 200},
			{"POST /api/plans", "/api/plans", planFor(incident("P4", tents(5))), nil, 201},
			{"POST /api/plans/{id}/approve", "/api/plans/1/approve", "", nil, 200},
			{"POST /api/plans/{id}/cancel", "/api/plans/2/cancel", "", nil, 200},
			{"POST /api/plans/{id}/execute", "/api/plans/1/execute", "", nil, 200},
			{"POST /api/plans/{id}/recompute", "/api/plans/3/recompute", "", nil, 201},
			{"PUT /api/readiness/config", "/api/readiness/config", `{"config":` + config + `}`, nil, 200},
			{"PUT /api/readiness/norms", "/api/readiness/norms", norms, csv, 200},
			{"PUT /api/readiness/prices", "/api/readiness/prices", prices, csv, 200},
			{"POST /api/scenarios", "/api/scenarios", floodScenario, nil, 200},
			{"POST /api/assessments", "/api/assessments", `{"scenario":` + floodScenario + `}`, nil, 200},
			{"POST /api/prepositions", "/api/prepositions", warning, nil, 201},
			{"POST /api/prepositions/{id}/approve", "/api/prepositions/1/approve", "", nil, 200},
			{"POST /api/prepositions/{id}/cancel", "/api/prepositions/2/cancel", "", nil, 200},
			{"POST /api/transfers", "/api/transfers", transferOf(5), nil, 201},
			{"POST /api/transfers/{id}/execute", "/api/transfers/1/execute", "", nil, 200},
			{"POST /api/transfers/{id}/cancel", "/api/transfers/2/cancel", "", nil, 200},
			// From order to site (shipments_test.go): the dispatch order of plan 1
			// (#3, to SITE:P1:S1) shipped whole, cancelled, shipped again and
			// received; the site consumes a tent.
			{"POST /api/transfers/{id}/shipments", "/api/transfers/3/shipments", `{"vehicle":"京A·12345","all":true}`, nil, 201},
			{"POST /api/shipments/{id}/cancel", "/api/shipments/1/cancel", "", nil, 200},
			{"POST /api/transfers/{id}/shipments", "/api/transfers/3/shipments", `{"vehicle":"京A·12345","all":true}`, nil, 201},
			{"POST /api/shipments/{id}/load", "/api/shipments/2/load", "", nil, 200},
			{"POST /api/shipments/{id}/depart", "/api/shipments/2/depart", "", nil, 200},
			{"POST /api/shipments/{id}/deliver", "/api/shipments/2/deliver", "", nil, 200},
			{"POST /api/shipments/{id}/receipts", "/api/shipments/2/receipts",
				`{"idempotency_key":"r1","signer":"收货人","lines":[{"n":1,"received":10}]}`, nil, 201},
			{"POST /api/sites/{code}/uses", "/api/sites/SITE:P1:S1/uses",
				`{"kind":"consume","idempotency_key":"u1","lines":[{"item":"1010101","quantity":1}]}`, nil, 201},
			// Requests (requests_test.go): street X1's first request approved on and
			// accepted by the city into incident I1, the second rejected, the third withdrawn.
			{"POST /api/requests", "/api/requests", supplyRequest("q1"), nil, 201},
			{"POST /api/requests", "/api/requests", supplyRequest("q2"), nil, 201},
			{"POST /api/requests", "/api/requests", supplyRequest("q3"), nil, 201},
			{"POST /api/requests/{id}/approve", "/api/requests/1/approve", "", nil, 200},
			{"POST /api/requests/{id}/accept", "/api/requests/1/accept", `{"incident":"I1"}`, nil, 200},
			{"POST /api/requests/{id}/reject", "/api/requests/2/reject", `{"note":"重复申报"}`, nil, 200},
			{"POST /api/requests/{id}/withdraw", "/api/requests/3/withdraw", "", nil, 200},
			// The city led plan 1's response (level 2) with Fangshan's tents: it owes them back.
			{"POST /api/replenishments/{id}/settle", "/api/replenishments/1/settle", `{"note":"调拨单 #9 补库"}`, nil, 200},
			// Donations and emergency purchase (donations_test.go): a donation; two
			// call-offs of the agreement, the first received, the second cancelled.
			{"POST /api/donations", "/api/donations", `{"donor":"爱心企业","donor_kind":"enterprise","depot":"D-TEST-B",
				"idempotency_key":"d1","lines":[{"item":"1010101","quantity":3,"check":"accepted"}]}`, nil, 201},
			{"POST /api/purchases", "/api/purchases", callOff("c1", 2), nil, 201},
			{"POST /api/purchases", "/api/purchases", callOff("c2", 1), nil, 201},
			{"POST /api/purchases/{id}/receive", "/api/purchases/1/receive", `{"quantity":2,"batch":"B1"}`, nil, 200},
			{"POST /api/purchases/{id}/cancel", "/api/purchases/2/cancel", "", nil, 200},
			// The care of stock (care_test.go): a schedule, a record under it, its edit
			// and retirement; a third rotation, the first carried out, the second cancelled.
			{"POST /api/care/schedules", "/api/care/schedules", tentSchedule, nil, 201},
			{"POST /api/care/records", "/api/care/records", tentInspected("D-TEST-B"), nil, 201},
			{"PUT /api/care/schedules/{code}", "/api/care/schedules/TENT-INSPECT", withVersion(tentSchedule, 1), nil, 200},
			{"POST /api/care/schedules/{code}/retire", "/api/care/schedules/TENT-INSPECT/retire", "", nil, 200},
			{"POST /api/rotations", "/api/rotations", drillOf(1), nil, 201},
			{"POST /api/rotations/{id}/execute", "/api/rotations/1/execute", "", nil, 200},
			{"POST /api/rotations/{id}/cancel", "/api/rotations/2/cancel", "", nil, 200},
			// The warehouse (warehouse_test.go): a third scrap request; the first
			// approved, the second rejected, the third withdrawn. A second count of
			// Z-99 counted, submitted, sent back, submitted again and approved; the
			// first cancelled. The water moved to Z-98.
			{"POST /api/scraps", "/api/scraps", scrapAt("D-TEST-B", "1030101", "WATER-W", 15), nil, 202},
			{"POST /api/approvals/{id}/approve", "/api/approvals/1/approve", "", nil, 200},
			{"POST /api/approvals/{id}/reject", "/api/approvals/2/reject", `{"note":"数量有误"}`, nil, 200},
			{"POST /api/approvals/{id}/withdraw", "/api/approvals/3/withdraw", "", nil, 200},
			{"POST /api/counts", "/api/counts", `{"depot":"D-TEST-B","scope":{"location":"Z-99"}}`, nil, 201},
			{"POST /api/counts/{id}/lines", "/api/counts/2/lines", `{"lot":"STOCKPILE:LOT:WATER-W","counted":80}`, nil, 200},
			{"POST /api/counts/{id}/submit", "/api/counts/2/submit", "", nil, 200},
			{"POST /api/counts/{id}/reopen", "/api/counts/2/reopen", "", nil, 200},
			{"POST /api/counts/{id}/submit", "/api/counts/2/submit", "", nil, 200},
			{"POST /api/counts/{id}/approve", "/api/counts/2/approve", "", nil, 200},
			{"POST /api/counts/{id}/cancel", "/api/counts/1/cancel", "", nil, 200},
			{"POST /api/lots/{code}/relocate", "/api/lots/WATER-W/relocate", `{"depot":"D-TEST-B","location":"Z-98"}`, nil, 200},
			{"POST /api/postings/{id}/photos", "/api/postings/1/photos", tinyPNG(t), map[string]string{"Content-Type": "image/png"}, 201},
			// Imports (imports_test.go): two previewed, one committed, one discarded.
			{"POST /api/imports", "/api/imports?kind=orgs", "code,name_zh,kind,area_code\nIMP-ORG,导入单位,enterprise,110111\n",
				csv, 201},
			{"POST /api/imports", "/api/imports?kind=orgs", "code,name_zh,kind,area_code\nIMP-ORG2,导入单位二,enterprise,110111\n",
				csv, 201},
			{"POST /api/imports/{id}/commit", "/api/imports/1/commit", "", nil, 200},
			{"POST /api/imports/{id}/discard", "/api/imports/2/discard", "", nil, 200},
			{"POST /api/webhooks", "/api/webhooks", `{"url":"https://partner.example/hook","kinds":["ledger."]}`, nil, 201},
			{"POST /api/webhooks/{id}/resume", "/api/webhooks/" + strconv.FormatInt(hook.ID, 10) + "/resume", "", nil, 200},
			{"POST /api/upserts/{kind}", "/api/upserts/orgs",
				`{"rows":[{"code":"PUSH-ORG","name_zh":"推送单位","kind":"enterprise","area_code":"110111"}]}`, nil, 201},
		}
		listed := map[string]bool{}
		for _, w := range writes {
			listed[w.route] = true
		}
		for _, rt := range (&handler{}).routes() {
			if route := rt.method + " " + rt.path; rt.method != "GET" && !listed[route] {
				t.Errorf("route %s is missing from the table", route)
			}
		}

		var anonymous, tester []scenario
		for _, w := range writes {
			method, _, _ := strings.Cut(w.route, " ")
			sc := scenario{name: w.route, method: method, path: w.path, body: w.body, headers: w.headers,
				anonymous: true, status: 401, code: "auth.required"}
			if w.route == "POST /api/session" { // public: an anonymous sign-in with a wrong password
				sc.body, sc.code = `{"username":"tester","password":"wrong password"}`, "auth.bad_credentials"
			}
			anonymous = append(anonymous, sc)
			sc.anonymous, sc.body, sc.status, sc.code = false, w.body, w.status, ""
			if w.status == 403 {
				sc.code = "auth.not_a_user"
			}
			tester = append(tester, sc)
		}
		t.Run("anonymous", func(t *testing.T) { runScenarios(t, a, anonymous) })
		t.Run("tester", func(t *testing.T) { runScenarios(t, a, tester) })
	})
}

// TestBadCredentials checks that a request with credentials that do not
// work is refused with 401 before it reaches a route, and changes nothing.
func TestBadCredentials(t *testing.T) {
	t.Parallel()
	eachScopeAPI(t, func(t *testing.T, a *testAPI) {
		bearer := func(s string) map[string]string { return map[string]string{"Authorization": s} }
		viewer, keeper := a.as(t, "viewer"), a.as(t, "keeper")
		invalidToken := func(t *testing.T, rec *httptest.ResponseRecorder) {
			if got := rec.Header().Get("WWW-Authenticate"); !strings.Contains(got, `error="invalid_token"`) {
				t.Errorf("WWW-Authenticate %q", got)
			}
		}
		runScenarios(t, a, []scenario{
			{name: "an unknown token", method: "POST", path: "/api/movements", body: receiveTentsB,
				headers: bearer("Bearer spk_no-such-token"), status: 401, code: "auth.token_invalid", check: invalidToken},
			{name: "an unknown token on a public route", method: "GET", path: "/healthz",
				headers: bearer("Bearer spk_no-such-token"), status: 401, code: "auth.token_invalid"},
			{name: "another scheme", method: "GET", path: "/api/items", headers: bearer("Basic dGVzdGVyOnB3"),
				status: 401, code: "auth.scheme"},
			{name: "an empty bearer", method: "GET", path: "/api/items", headers: bearer("Bearer "), status: 401,
				code: "auth.scheme"},
			{name: "an overlong token", method: "GET", path: "/api/items", headers: bearer("Bearer " + strings.Repeat("x", 300)),
				status: 401, code: "auth.scheme"},
			{name: "a password as a token", method: "GET", path: "/api/items", headers: bearer("Bearer " + testPassword),
				status: 401, code: "auth.token_invalid"},
			{name: "a session cookie that names no session", method: "GET", path: "/api/items",
				headers: map[string]string{"Cookie": "stockpile_session=nothing"}, status: 401, code: "auth.required"},

			{name: "the viewer's token works", as: "viewer", method: "GET", path: "/api/items", status: 200},
			{name: "revoke it", method: "POST", path: "/api/tokens/" + strconv.FormatInt(viewer.token.ID, 10) + "/revoke",
				status: 200, want: []string{`"revoked_at":`}},
			{name: "a revoked token", as: "viewer", method: "GET", path: "/api/items", status: 401,
				code: "auth.token_invalid", check: invalidToken},
			{name: "a revoked token may not sign out either", as: "viewer", method: "DELETE", path: "/api/session",
				status: 401, code: "auth.token_invalid"},

			{name: "the keeper's token works", as: "keeper", method: "POST", path: "/api/movements",
				body: receiveAt(a.w.DepotB, "TENT-K", 5), status: 201},
			{name: "disable the keeper", method: "PUT", path: "/api/users/" + strconv.FormatInt(keeper.user.ID, 10),
				status: 200, body: `{"username":"keeper","roles":["keeper"],"area_code":"110111","org_code":"BJ-EMB",
				"depots":["D-TEST-B"],"disabled":true,"version":1}`, want: []string{`"disabled":true`}},
			{name: "a disabled user's token", as: "keeper", method: "POST", path: "/api/movements",
				body: receiveAt(a.w.DepotB, "TENT-K2", 5), status: 401, code: "auth.token_invalid"},
		})
	})
}

// TestExpiredToken runs on a clock of its own: a token works until its
// expiry and not a second after.
func TestExpiredToken(t *testing.T) {
	t.Parallel()
	eachClockAPI(t, func(t *testing.T, a *testAPI, clk *testClock) {
		_, secret, err := a.svc.CreateToken(context.Background(), access.SystemActor("test"),
			account.Token{Name: "短期", Username: "tester", ExpiresAt: clk.now().Add(time.Hour).Unix()})
		if err != nil {
			t.Fatal(err)
		}
		short := map[string]string{"Authorization": "Bearer " + secret}
		scenario{name: "fresh", method: "GET", path: "/api/items", headers: short, status: 200}.run(t, a)
		clk.advance(time.Hour - time.Second)
		scenario{name: "a second before expiry", method: "GET", path: "/api/items", headers: short, status: 200}.run(t, a)
		clk.advance(time.Second)
		scenario{name: "expired", method: "POST", path: "/api/movements", body: receiveTentsB, headers: short,
			status: 401, code: "auth.token_invalid"}.run(t, a)
	})
}

// TestPrincipalIsRecorded checks that the ledger and the audit trail name
// who acted: the token ("token:N") for a request with a token, the user
// ("user:N") for one with a session.
func TestPrincipalIsRecorded(t *testing.T) {
	t.Parallel()
	eachScopeAPI(t, func(t *testing.T, a *testAPI) {
		mgr := a.as(t, "manager-fs")
		session := a.signIn(t, mgr.user.Username, testPassword)
		userID := "user:" + strconv.FormatInt(mgr.user.ID, 10)
		cookie := sessionCookie(session)
		var viaToken, viaSession store.PostingResult
		runScenarios(t, a, []scenario{
			{name: "receive with a token", as: "manager-fs", method: "POST", path: "/api/movements",
				body: receiveAt(a.w.DepotB, "TENT-T", 10), status: 201, want: []string{`"actor":"` + mgr.ID() + `"`},
				check: func(t *testing.T, rec *httptest.ResponseRecorder) { decodeBody(t, rec, &viaToken) }},
			{name: "receive with a session", headers: cookie, method: "POST", path: "/api/movements",
				body: receiveAt(a.w.DepotB, "TENT-S", 10), status: 201, want: []string{`"actor":"` + userID + `"`},
				check: func(t *testing.T, rec *httptest.ResponseRecorder) { decodeBody(t, rec, &viaSession) }},
			{name: "the ledger names both", method: "GET", path: "/api/movements?depot=D-TEST-B", status: 200,
				want: []string{`"actor":"` + mgr.ID() + `"`, `"actor":"` + userID + `"`}},
			{name: "an area added with a token", as: "manager-fs", method: "POST", path: "/api/areas", status: 201,
				body: `{"code":"110111001","parent_code":"110111","level":"street","name_zh":"城关街道"}`},
			{name: "an area added with a session", headers: cookie, method: "POST", path: "/api/areas", status: 201,
				body: `{"code":"110111002","parent_code":"110111","level":"street","name_zh":"良乡镇"}`},
			{name: "the audit trail names the token", method: "GET", path: "/api/audit?kind=area&id=110111001",
				status: 200, want: []string{`"count":1`, `"principal":"` + mgr.ID() + `"`, `"action":"area.create"`,
					`"object":{"kind":"area","id":"110111001","version":1}`, `"address":"192.0.2.1"`}},
			{name: "the audit trail names the user", method: "GET", path: "/api/audit?kind=area&id=110111002",
				status: 200, want: []string{`"count":1`, `"principal":"` + userID + `"`}},
			{name: "and their sign-in", method: "GET", path: "/api/audit?principal=" + userID + "&action=session.create",
				status: 200, want: []string{`"count":1`}},
		})
		for _, p := range []store.PostingResult{viaToken, viaSession} {
			if len(p.Entries) == 0 || p.Entries[0].Actor != p.Actor {
				t.Errorf("posting %+v: its entries name another actor", p)
			}
		}
	})
}
