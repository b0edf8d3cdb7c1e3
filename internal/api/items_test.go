package api

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/catalog"
)

func TestCatalogue(t *testing.T) {
	t.Parallel()
	_, defaults, err := catalog.Defaults()
	if err != nil {
		t.Fatal(err)
	}
	items := func(test func(catalog.Item) bool, wantCount int) func(*testing.T, *httptest.ResponseRecorder) {
		return func(t *testing.T, rec *httptest.ResponseRecorder) {
			var got struct {
				Items []catalog.Item `json:"items"`
				Count int            `json:"count"`
			}
			decodeBody(t, rec, &got)
			if got.Count != len(got.Items) {
				t.Errorf("count %d, but %d items", got.Count, len(got.Items))
			}
			if wantCount >= 0 && got.Count != wantCount {
				t.Errorf("%d items, want %d", got.Count, wantCount)
			}
			if wantCount != 0 && len(got.Items) == 0 {
				t.Error("no items")
			}
			for _, it := range got.Items {
				if !test(it) {
					t.Errorf("item %s %s does not match the filter", it.Code, it.NameZH)
				}
			}
		}
	}
	all := func(catalog.Item) bool { return true }
	newItem := `{"code":"1010104","name_zh":"救灾单帐篷(加厚)","name_en":"Heavy relief tent","unit_zh":"顶","unit_en":"tent",
		"counted":true,"spec":"12平方米","shelf_life_days":3650,"purpose":"life","volume_m3":0.15}`

	eachAPI(t, func(t *testing.T, a *testAPI) {
		runScenarios(t, a, []scenario{
			{name: "categories", method: "GET", path: "/api/categories", status: 200,
				want: []string{`"categories":[`, `"code":"1"`, `"name_zh":"基本生活保障物资"`, `"count":`}},
			{name: "all items", method: "GET", path: "/api/items", status: 200, check: items(all, len(defaults))},
			{name: "class 2", method: "GET", path: "/api/items?class=2", status: 200,
				check: items(func(it catalog.Item) bool { return it.Code[0] == '2' }, -1)},
			{name: "purpose rescue", method: "GET", path: "/api/items?purpose=rescue", status: 200,
				check: items(func(it catalog.Item) bool { return it.Purpose == catalog.PurposeRescue }, -1)},
			{name: "prefix", method: "GET", path: "/api/items?prefix=10101", status: 200,
				check: items(func(it catalog.Item) bool { return strings.HasPrefix(it.Code, "10101") }, -1)},
			{name: "search zh", method: "GET", path: "/api/items?q=%E5%B8%90%E7%AF%B7", status: 200, // 帐篷
				want: []string{`"name_zh":"单帐篷"`}, check: items(func(it catalog.Item) bool {
					return strings.Contains(it.NameZH, "帐篷")
				}, -1)},
			{name: "search en, any case", method: "GET", path: "/api/items?q=FOLDING", status: 200,
				want: []string{`"code":"1010201"`}},
			{name: "class and prefix that exclude each other", method: "GET", path: "/api/items?class=1&prefix=201",
				status: 200, want: []string{`"items":[]`, `"count":0`}},
			{name: "class 7", method: "GET", path: "/api/items?class=7", status: 400, code: "param.invalid", field: "class"},
			{name: "class not a number", method: "GET", path: "/api/items?class=life", status: 400, code: "param.invalid",
				field: "class"},
			{name: "bad purpose", method: "GET", path: "/api/items?purpose=food", status: 400, code: "param.invalid",
				field: "purpose"},
			{name: "bad prefix", method: "GET", path: "/api/items?prefix=10a", status: 400, code: "param.invalid",
				field: "prefix"},

			{name: "get", method: "GET", path: "/api/items/1010101", status: 200,
				want: []string{`"code":"1010101"`, `"name_zh":"单帐篷"`, `"counted":true`, `"purpose":"life"`}},
			{name: "get unknown", method: "GET", path: "/api/items/1019999", status: 404, code: "item.not_found"},

			{name: "create", method: "POST", path: "/api/items", body: newItem, status: 201,
				want: []string{`"code":"1010104"`, `"name_zh":"救灾单帐篷(加厚)"`},
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					if loc := rec.Header().Get("Location"); loc != "/api/items/1010104" {
						t.Errorf("Location %q", loc)
					}
				}},
			{name: "get created", method: "GET", path: "/api/items/1010104", status: 200,
				want: []string{`"name_en":"Heavy relief tent"`, `"shelf_life_days":3650`, `"volume_m3":0.15`}},
			{name: "create again", method: "POST", path: "/api/items", body: newItem, status: 409, code: "item.exists",
				field: "code"},
			{name: "create in class 4", method: "POST", path: "/api/items", status: 400, code: "catalog.class_unknown",
				field: "code", body: `{"code":"4010101","name_zh":"某物","unit_zh":"件","purpose":"life"}`},
			{name: "create in unknown category", method: "POST", path: "/api/items", status: 400,
				code: "catalog.category_unknown", field: "code",
				body: `{"code":"1019801","name_zh":"某物","unit_zh":"件","purpose":"life"}`},
			{name: "create without unit", method: "POST", path: "/api/items", status: 400, code: "field.required",
				field: "unit_zh", body: `{"code":"1010105","name_zh":"某物","purpose":"life"}`},
			{name: "create with unknown field", method: "POST", path: "/api/items", status: 400,
				code: "request.malformed_json", field: "colour",
				body: `{"code":"1010105","name_zh":"某物","unit_zh":"件","purpose":"life","colour":"green"}`},
			{name: "create with a string for a number", method: "POST", path: "/api/items", status: 400,
				code: "request.malformed_json", field: "shelf_life_days",
				body: `{"code":"1010105","name_zh":"某物","unit_zh":"件","purpose":"life","shelf_life_days":"ten"}`},
			{name: "create with an array", method: "POST", path: "/api/items", body: `[]`, status: 400,
				code: "request.malformed_json"},
		})
	})
}
