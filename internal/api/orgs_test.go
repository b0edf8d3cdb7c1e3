package api

import "testing"

func TestOrgs(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, a *testAPI) {
		civil := `{"code":"FS-CIVIL","name_zh":"房山区民政局","name_en":"Fangshan Civil Affairs","kind":"department","area_code":"110111"}`
		runScenarios(t, a, []scenario{
			{name: "create", method: "POST", path: "/api/orgs", body: civil, status: 201,
				want: []string{`"code":"FS-CIVIL"`, `"kind":"department"`, `"area_code":"110111"`}},
			{name: "get", method: "GET", path: "/api/orgs/FS-CIVIL", status: 200, want: []string{`"name_zh":"房山区民政局"`}},
			{name: "get unknown", method: "GET", path: "/api/orgs/NOPE", status: 404, code: "organisation.not_found"},
			{name: "list all", method: "GET", path: "/api/orgs", status: 200,
				want: []string{`"code":"BJ-EMB"`, `"code":"FS-CIVIL"`, `"count":2`}},
			{name: "list in district", method: "GET", path: "/api/orgs?area=110111", status: 200,
				want: []string{`"code":"FS-CIVIL"`, `"count":1`}, notWant: []string{`"code":"BJ-EMB"`}},
			{name: "list in unknown area", method: "GET", path: "/api/orgs?area=999999", status: 404,
				code: "area.not_found", field: "area"},
			{name: "create again", method: "POST", path: "/api/orgs", body: civil, status: 409, code: "organisation.exists",
				field: "code"},
			{name: "bad kind", method: "POST", path: "/api/orgs", status: 400, code: "org.kind_invalid", field: "kind",
				body: `{"code":"X","name_zh":"某单位","kind":"club","area_code":"110111"}`},
			{name: "unknown area", method: "POST", path: "/api/orgs", status: 404, code: "area.not_found", field: "area_code",
				body: `{"code":"X","name_zh":"某单位","kind":"enterprise","area_code":"999999"}`},
		})
	})
}
