package api

import "testing"

func TestDepots(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, a *testAPI) {
		street := `{"code":"S-CG-01","name_zh":"城关街道储备点","tier":"street","kind":"comprehensive","org_code":"BJ-EMB",
			"area_code":"110111","point":{"lon":116.14,"lat":39.70},"address":"城关街道政府院内","capacity_m3":50}`
		runScenarios(t, a, []scenario{
			{name: "create", method: "POST", path: "/api/depots", body: street, status: 201,
				want: []string{`"code":"S-CG-01"`, `"tier":"street"`, `"capacity_m3":50`, `"used_m3":0`, `"utilisation":0`}},
			{name: "get", method: "GET", path: "/api/depots/S-CG-01", status: 200,
				want: []string{`"name_zh":"城关街道储备点"`, `"org_code":"BJ-EMB"`, `"address":"城关街道政府院内"`}},
			{name: "get unknown", method: "GET", path: "/api/depots/NOPE", status: 404, code: "depot.not_found"},
			{name: "list all", method: "GET", path: "/api/depots", status: 200,
				want: []string{`"code":"C-TEST-A"`, `"code":"D-TEST-B"`, `"code":"S-CG-01"`, `"count":3`}},
			{name: "list by tier", method: "GET", path: "/api/depots?tier=district", status: 200,
				want: []string{`"code":"D-TEST-B"`, `"count":1`}},
			{name: "list by org", method: "GET", path: "/api/depots?org=BJ-EMB", status: 200, want: []string{`"count":3`}},
			{name: "list by unknown org", method: "GET", path: "/api/depots?org=NOPE", status: 200,
				want: []string{`"depots":[]`, `"count":0`}},
			{name: "list by area", method: "GET", path: "/api/depots?area=110111&tier=city", status: 200,
				want: []string{`"code":"C-TEST-A"`, `"count":1`}},
			{name: "bad tier", method: "GET", path: "/api/depots?tier=province", status: 400, code: "param.invalid",
				field: "tier"},
			{name: "unknown area", method: "GET", path: "/api/depots?area=999999", status: 404, code: "area.not_found",
				field: "area"},
			{name: "create again", method: "POST", path: "/api/depots", body: street, status: 409, code: "depot.exists",
				field: "code"},
			{name: "unknown org", method: "POST", path: "/api/depots", status: 404, code: "organisation.not_found",
				field: "org_code", body: `{"code":"X","name_zh":"某库","tier":"street","kind":"special","org_code":"NOPE",
				"area_code":"110111","point":{"lon":116.1,"lat":39.7}}`},
			{name: "no position", method: "POST", path: "/api/depots", status: 400, code: "geo.point_invalid",
				field: "point", body: `{"code":"X","name_zh":"某库","tier":"street","kind":"special","org_code":"BJ-EMB",
				"area_code":"110111"}`},
			{name: "usage is read-only", method: "POST", path: "/api/depots", status: 400, code: "request.malformed_json",
				field: "used_m3", body: `{"code":"X","name_zh":"某库","tier":"street","kind":"special","org_code":"BJ-EMB",
				"area_code":"110111","point":{"lon":116.1,"lat":39.7},"used_m3":3}`},
		})
	})
}
