package api

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/store"
)

// TestPushRows: a partner department's system upserts its organisation's
// lots and agreement reserves with its token, row by row as a file import
// would, and a retry under the same key counts once; rows of another
// organisation's depot, unknown columns and a reused key are refused with
// nothing written.
func TestPushRows(t *testing.T) {
	t.Parallel()
	eachScopeAPI(t, func(t *testing.T, a *testAPI) {
		grainStock := `{"rows":[
			{"depot":"C-GRAIN","item":"1010101","batch":"2026-粮储-01","owner":"BJ-GRAIN","quantity":120},
			{"depot":"C-GRAIN","item":"1010201","batch":"2026-粮储-02","quantity":"35","quality":"合格"}]}`
		key := map[string]string{"Idempotency-Key": "grain-2026-12-05-1"}
		var firstID string
		runScenarios(t, a, []scenario{
			{name: "the partner's own depot", method: "POST", path: "/api/upserts/stock", as: "partner", headers: key,
				body: grainStock, status: 201,
				want: []string{`"status":"committed"`, `"new":2`, `"ledger_lines":2`, `"replayed":false`,
					`"idempotency_key":"grain-2026-12-05-1"`},
				check: func(t *testing.T, rec *httptest.ResponseRecorder) { firstID = jsonField(t, rec, "id") }},
			{name: "the same push again", method: "POST", path: "/api/upserts/stock", as: "partner", headers: key,
				body: grainStock, status: 200, want: []string{`"replayed":true`, `"status":"committed"`},
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					if id := jsonField(t, rec, "id"); id != firstID {
						t.Errorf("the retry answered import %s, not %s", id, firstID)
					}
				}},
			{name: "other rows under the same key", method: "POST", path: "/api/upserts/stock", as: "partner", headers: key,
				body: strings.Replace(grainStock, "120", "121", 1), status: 409, code: "idempotency.key_reused",
				field: "Idempotency-Key"},
			{name: "another organisation's depot", method: "POST", path: "/api/upserts/stock", as: "partner",
				body: `{"rows":[{"depot":"D-TEST-B","item":"1010101","batch":"X","quantity":5}]}`, status: 400,
				code: "import.has_problems", want: []string{`"line":2`}},
			{name: "an agreement reserve of its own", method: "POST", path: "/api/upserts/agreements", as: "partner",
				body: `{"idempotency_key":"grain-ag-1","rows":[{"code":"AG-GRAIN-1","org_code":"BJ-GRAIN","item":"1010101",
					"quantity":800,"delivery_hours":12,"valid_from":"2026-01-01","valid_until":"2026-12-31",
					"lon":116.4,"lat":39.9,"crs":"WGS-84"}]}`, status: 201, want: []string{`"new":1`}},
			{name: "one for another organisation", method: "POST", path: "/api/upserts/agreements", as: "partner",
				body: `{"rows":[{"code":"AG-OTHER","org_code":"BJ-EMB","item":"1010101","quantity":1,"delivery_hours":12,
					"valid_from":"2026-01-01","valid_until":"2026-12-31","lon":116.4,"lat":39.9}]}`, status: 400,
				code: "import.has_problems"},
			{name: "a column the kind lacks", method: "POST", path: "/api/upserts/stock", as: "partner",
				body: `{"rows":[{"depot":"C-GRAIN","colour":"red"}]}`, status: 400, code: "push.column_unknown",
				field: "rows[0].colour"},
			{name: "a value that is no cell", method: "POST", path: "/api/upserts/stock", as: "partner",
				body: `{"rows":[{"depot":{"code":"C-GRAIN"}}]}`, status: 400, code: "push.value_invalid", field: "rows[0].depot"},
			{name: "no rows", method: "POST", path: "/api/upserts/stock", as: "partner", body: `{"rows":[]}`, status: 400,
				code: "field.required", field: "rows"},
			{name: "no such kind", method: "POST", path: "/api/upserts/colours", as: "partner", body: `{"rows":[{}]}`,
				status: 404, code: "import.kind_unknown", field: "kind"},
			{name: "keys that disagree", method: "POST", path: "/api/upserts/stock", as: "partner",
				headers: map[string]string{"Idempotency-Key": "a"}, body: `{"idempotency_key":"b","rows":[{}]}`,
				status: 400, code: "idempotency.key_mismatch", field: "idempotency_key"},
			{name: "a viewer may not push", method: "POST", path: "/api/upserts/stock", as: "viewer", body: grainStock,
				status: 403, code: "auth.forbidden"},
		})
		rep, err := a.s.Balances(t.Context(), store.BalanceQuery{Depot: depotGrain, GroupBy: "lot"})
		if err != nil || rep.Totals.Rows != 2 || rep.Totals.Quantity.String() != "155" {
			t.Errorf("the grain depot holds %+v (%v); want the two lots pushed once, 155 units", rep.Totals, err)
		}
	})
}

// jsonField is a top-level field of a JSON response body, as its JSON text.
func jsonField(t *testing.T, rec *httptest.ResponseRecorder, name string) string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("%v: %s", err, rec.Body)
	}
	return string(m[name])
}
