package api

import "testing"

func TestAreas(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, a *testAPI) {
		street := `{"code":"110111001","parent_code":"110111","level":"street","name_zh":"城关街道","name_en":"Chengguan",
			"population":120000,"point":{"lon":116.14,"lat":39.70},"terrain":"plain"}`
		runScenarios(t, a, []scenario{
			{name: "create", method: "POST", path: "/api/areas", body: street, status: 201,
				want: []string{`"code":"110111001"`, `"parent_code":"110111"`, `"path":"110000/110111/110111001/"`}},
			{name: "get", method: "GET", path: "/api/areas/110111001", status: 200,
				want: []string{`"name_zh":"城关街道"`, `"level":"street"`, `"point":{"lon":116.14,"lat":39.7}`}},
			{name: "get unknown", method: "GET", path: "/api/areas/999999", status: 404, code: "area.not_found"},
			{name: "list all", method: "GET", path: "/api/areas", status: 200,
				want: []string{`"code":"110000"`, `"code":"110111"`, `"code":"110111001"`, `"count":3`}},
			{name: "list under district", method: "GET", path: "/api/areas?under=110111", status: 200,
				want: []string{`"code":"110111"`, `"code":"110111001"`, `"count":2`}, notWant: []string{`"code":"110000"`}},
			{name: "list under unknown", method: "GET", path: "/api/areas?under=999999", status: 404,
				code: "area.not_found", field: "under"},
			{name: "create again", method: "POST", path: "/api/areas", body: street, status: 409, code: "area.exists",
				field: "code"},
			{name: "unknown parent", method: "POST", path: "/api/areas", status: 404, code: "area.not_found",
				field: "parent_code",
				body:  `{"code":"120101","parent_code":"120000","level":"district","name_zh":"和平区","point":{"lon":117.2,"lat":39.1}}`},
			{name: "district under a street", method: "POST", path: "/api/areas", status: 400, code: "area.level_order",
				field: "level",
				body:  `{"code":"110111002","parent_code":"110111001","level":"district","name_zh":"错层","point":{"lon":116.1,"lat":39.7}}`},
			{name: "bad level", method: "POST", path: "/api/areas", status: 400, code: "area.level_invalid", field: "level",
				body: `{"code":"110111003","parent_code":"110111","level":"province","name_zh":"错","point":{"lon":116.1,"lat":39.7}}`},
			{name: "path is not input", method: "POST", path: "/api/areas", status: 400, code: "field.required",
				field: "name_zh", body: `{"code":"110111004","parent_code":"110111","level":"street","path":"x/"}`},
		})
	})
}
