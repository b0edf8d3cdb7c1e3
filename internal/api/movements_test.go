package api

import (
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/store"
)

// Posting bodies shared by the ledger tests. Tents (1010101) are counted;
// geotextile (3010201) is measured in m².
const (
	receiveTents = `{"reason":"年度采购入库","lines":[{"kind":"receive","depot":"C-TEST-A","item":"1010101",
		"quantity":300,"new_lot":{"code":"TENT-A","batch":"2026-03","produced_on":"2026-03-01"}}]}`
	receiveGeotextile = `{"reason":"采购入库","lines":[{"kind":"receive","depot":"D-TEST-B","item":"3010201",
		"quantity":"12.5","new_lot":{"code":"GEO-B","batch":"G1"}}]}`
	issueTents = `{"reason":"房山区汛情调用","lines":[{"kind":"issue","depot":"C-TEST-A","item":"1010101","quantity":20}]}`
	moveTents  = `{"reason":"前置储备","lines":[{"kind":"transfer","depot":"C-TEST-A","to_depot":"D-TEST-B",
		"item":"1010101","quantity":30}]}`
)

func TestReceiveIssueAndLedger(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, a *testAPI) {
		runScenarios(t, a, []scenario{
			{name: "receive", method: "POST", path: "/api/movements", body: receiveTents, status: 201,
				want: []string{`"id":1`, `"replayed":false`, `"kind":"receive"`, `"delta":300`, `"lot":"TENT-A"`,
					`"depot":"C-TEST-A"`, `"item":"1010101"`, `"seq":1`, `"actor":"` + a.testerID() + `"`},
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					if loc := rec.Header().Get("Location"); loc != "/api/postings/1" {
						t.Errorf("Location %q", loc)
					}
				}},
			{name: "receive fractional geotextile", method: "POST", path: "/api/movements", body: receiveGeotextile,
				status: 201, want: []string{`"delta":12.5`, `"lot":"GEO-B"`, `"depot":"D-TEST-B"`}},
			{name: "issue first-expired-first-out", method: "POST", path: "/api/movements", body: issueTents, status: 201,
				want: []string{`"kind":"issue"`, `"delta":-20`, `"lot":"TENT-A"`}},
			{name: "transfer", method: "POST", path: "/api/movements", body: moveTents, status: 201,
				want: []string{`"kind":"transfer_out"`, `"delta":-30`, `"kind":"transfer_in"`, `"delta":30`,
					`"depot":"D-TEST-B"`}},
			{name: "issue more than held", method: "POST", path: "/api/movements", status: 409, code: "stock.insufficient",
				field: "lines[0].quantity", want: []string{"250"},
				body: `{"reason":"调用","lines":[{"kind":"issue","depot":"C-TEST-A","item":"1010101","quantity":1000}]}`},

			{name: "all movements", method: "GET", path: "/api/movements", status: 200,
				want: []string{`"count":5`, `"next_after":5`, `"more":false`}},
			{name: "first page", method: "GET", path: "/api/movements?limit=2", status: 200,
				want: []string{`"seq":1`, `"seq":2`, `"count":2`, `"next_after":2`, `"more":true`}, notWant: []string{`"seq":3`}},
			{name: "second page", method: "GET", path: "/api/movements?after=2&limit=2", status: 200,
				want: []string{`"seq":3`, `"seq":4`, `"next_after":4`, `"more":true`}, notWant: []string{`"seq":2,`, `"seq":5`}},
			{name: "past the end", method: "GET", path: "/api/movements?after=5", status: 200,
				want: []string{`"entries":[]`, `"count":0`, `"next_after":5`, `"more":false`}},
			{name: "by depot", method: "GET", path: "/api/movements?depot=D-TEST-B", status: 200,
				want: []string{`"count":2`, `"lot":"GEO-B"`, `"kind":"transfer_in"`}},
			{name: "by lot", method: "GET", path: "/api/movements?lot=GEO-B", status: 200, want: []string{`"count":1`}},
			{name: "by item", method: "GET", path: "/api/movements?item=1010101", status: 200, want: []string{`"count":4`}},
			{name: "by posting", method: "GET", path: "/api/movements?posting=4", status: 200,
				want: []string{`"count":2`, `"posting_id":4`}},
			{name: "negative limit", method: "GET", path: "/api/movements?limit=-1", status: 400, code: "param.invalid",
				field: "limit"},
			{name: "limit too large", method: "GET", path: "/api/movements?limit=20001", status: 400, code: "param.invalid",
				field: "limit"},
			{name: "bad after", method: "GET", path: "/api/movements?after=x", status: 400, code: "param.invalid",
				field: "after"},
			{name: "bad posting", method: "GET", path: "/api/movements?posting=0", status: 400, code: "param.invalid",
				field: "posting"},

			{name: "posting", method: "GET", path: "/api/postings/1", status: 200,
				want: []string{`"id":1`, `"reason":"年度采购入库"`, `"lot":"TENT-A"`, `"replayed":false`}},
			{name: "unknown posting", method: "GET", path: "/api/postings/999", status: 404, code: "posting.not_found"},
			{name: "posting id not a number", method: "GET", path: "/api/postings/abc", status: 400, code: "param.invalid",
				field: "id"},
			{name: "verify", method: "GET", path: "/api/ledger/verify", status: 200,
				want: []string{`"ok":true`, `"entries":5`, `"balances":3`}, notWant: []string{"first_break"}},
		})

		// What POST answered is what GET /api/postings/{id} answers later.
		posted := a.do("POST", "/api/movements", issueTents, nil, false)
		var fresh, stored store.PostingResult
		decodeBody(t, posted, &fresh)
		decodeBody(t, a.do("GET", "/api/postings/"+strconv.FormatInt(fresh.ID, 10), "", nil, false), &stored)
		if !reflect.DeepEqual(fresh, stored) {
			t.Errorf("POST answered\n%+v\nGET /api/postings answers\n%+v", fresh, stored)
		}
	})
}

func TestIdempotencyKey(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, a *testAPI) {
		key := map[string]string{"Idempotency-Key": "PO-2026-0001"}
		var first store.PostingResult
		runScenarios(t, a, []scenario{
			{name: "first", method: "POST", path: "/api/movements", body: receiveTents, headers: key, status: 201,
				want:  []string{`"replayed":false`, `"idempotency_key":"PO-2026-0001"`},
				check: func(t *testing.T, rec *httptest.ResponseRecorder) { decodeBody(t, rec, &first) }},
			{name: "retry", method: "POST", path: "/api/movements", body: receiveTents, headers: key, status: 200,
				want: []string{`"replayed":true`, `"idempotency_key":"PO-2026-0001"`},
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					var again store.PostingResult
					decodeBody(t, rec, &again)
					if !again.Replayed {
						t.Fatal("not replayed")
					}
					again.Replayed = false
					if !reflect.DeepEqual(first, again) {
						t.Errorf("replay differs from the first answer:\n%+v\n%+v", first, again)
					}
				}},
			{name: "counted once", method: "GET", path: "/api/balances?item=1010101&group_by=item", status: 200,
				want: []string{`"quantity":300`, `"rows":1`}},
			{name: "one posting in the ledger", method: "GET", path: "/api/movements", status: 200,
				want: []string{`"count":1`}},
			{name: "key in the body and the same in the header", method: "POST", path: "/api/movements", headers: key,
				status: 200, want: []string{`"replayed":true`},
				body: strings.Replace(receiveTents, `{"reason"`, `{"idempotency_key":"PO-2026-0001","reason"`, 1)},
			{name: "key in the body differs from the header", method: "POST", path: "/api/movements", headers: key,
				status: 400, code: "idempotency.key_mismatch", field: "idempotency_key",
				body: strings.Replace(receiveTents, `{"reason"`, `{"idempotency_key":"PO-2026-0002","reason"`, 1)},
			{name: "same key, different request", method: "POST", path: "/api/movements", body: issueTents, headers: key,
				status: 409, code: "idempotency.key_reused", field: "idempotency_key"},
			{name: "key too long", method: "POST", path: "/api/movements", body: issueTents,
				headers: map[string]string{"Idempotency-Key": strings.Repeat("k", 201)},
				status:  400, code: "posting.key_too_long", field: "idempotency_key"},
			{name: "still counted once", method: "GET", path: "/api/balances?item=1010101&group_by=item", status: 200,
				want: []string{`"quantity":300`}},
		})
	})
}

// TestPostingRejectsBadInput sends each kind of bad posting and checks the
// status, the stable code, the field, both messages, and (in the scenario
// runner) that nothing was written.
func TestPostingRejectsBadInput(t *testing.T) {
	t.Parallel()
	line := func(fields string) string {
		return `{"reason":"入库","lines":[{` + fields + `}]}`
	}
	big := `{"reason":"` + strings.Repeat("很", 1<<20) + `","lines":[]}` // 3 MiB of reason
	twoMiB := `{"reason":"` + strings.Repeat("x", 2<<20) + `","lines":[]}`
	eachAPI(t, func(t *testing.T, a *testAPI) {
		runScenarios(t, a, []scenario{
			{name: "stock to start with", method: "POST", path: "/api/movements", body: receiveTents, status: 201},

			{name: "unknown item", method: "POST", path: "/api/movements", status: 404, code: "item.not_found",
				field: "lines[0].item", body: line(`"kind":"issue","depot":"C-TEST-A","item":"1019999","quantity":1`)},
			{name: "unknown depot", method: "POST", path: "/api/movements", status: 404, code: "depot.not_found",
				field: "lines[0].depot", body: line(`"kind":"issue","depot":"NOPE","item":"1010101","quantity":1`)},
			{name: "unknown destination depot", method: "POST", path: "/api/movements", status: 404,
				code: "depot.not_found", field: "lines[0].to_depot",
				body: line(`"kind":"transfer","depot":"C-TEST-A","to_depot":"NOPE","item":"1010101","quantity":1`)},
			{name: "unknown lot", method: "POST", path: "/api/movements", status: 404, code: "lot.not_found",
				field: "lines[0].lot", body: line(`"kind":"issue","depot":"C-TEST-A","item":"1010101","lot":"NOPE","quantity":1`)},
			{name: "negative quantity", method: "POST", path: "/api/movements", status: 400, code: "quantity.not_positive",
				field: "lines[0].quantity", body: line(`"kind":"issue","depot":"C-TEST-A","item":"1010101","quantity":-5`)},
			{name: "zero quantity", method: "POST", path: "/api/movements", status: 400, code: "quantity.not_positive",
				field: "lines[0].quantity", body: line(`"kind":"issue","depot":"C-TEST-A","item":"1010101","quantity":0`)},
			{name: "1.5 tents", method: "POST", path: "/api/movements", status: 400, code: "quantity.fractional",
				field: "lines[0].quantity", want: []string{"1.5", "顶"},
				body: line(`"kind":"receive","depot":"C-TEST-A","item":"1010101","quantity":1.5,"new_lot":{"batch":"B"}`)},
			{name: "four decimal places", method: "POST", path: "/api/movements", status: 400, code: "quantity.malformed",
				field: "quantity", body: line(`"kind":"receive","depot":"D-TEST-B","item":"3010201","quantity":1.2345,"new_lot":{"batch":"B"}`)},
			{name: "exponent", method: "POST", path: "/api/movements", status: 400, code: "quantity.malformed",
				field: "quantity", body: line(`"kind":"issue","depot":"C-TEST-A","item":"1010101","quantity":1e3`)},
			{name: "expiry before production", method: "POST", path: "/api/movements", status: 400,
				code: "lot.expiry_before_production", field: "lines[0].new_lot.expires_on",
				body: line(`"kind":"receive","depot":"C-TEST-A","item":"1010101","quantity":5,
					"new_lot":{"batch":"B","produced_on":"2026-05-01","expires_on":"2026-04-01"}`)},
			{name: "bad production date", method: "POST", path: "/api/movements", status: 400, code: "date.malformed",
				field: "lines[0].new_lot.produced_on",
				body:  line(`"kind":"receive","depot":"C-TEST-A","item":"1010101","quantity":5,"new_lot":{"batch":"B","produced_on":"2026-5-1"}`)},
			{name: "new lot without batch", method: "POST", path: "/api/movements", status: 400, code: "field.required",
				field: "lines[0].new_lot.batch",
				body:  line(`"kind":"receive","depot":"C-TEST-A","item":"1010101","quantity":5,"new_lot":{}`)},
			{name: "new lot code taken", method: "POST", path: "/api/movements", status: 409, code: "lot.exists",
				field: "lines[0].new_lot.code",
				body:  line(`"kind":"receive","depot":"C-TEST-A","item":"1010101","quantity":5,"new_lot":{"code":"TENT-A","batch":"B"}`)},
			{name: "bad kind", method: "POST", path: "/api/movements", status: 400, code: "line.kind_invalid",
				field: "lines[0].kind", body: line(`"kind":"steal","depot":"C-TEST-A","item":"1010101","quantity":1`)},
			{name: "a body cannot name who acts", method: "POST", path: "/api/movements", status: 400,
				code: "request.malformed_json", field: "actor",
				body: `{"actor":"王库管","reason":"入库","lines":[{"kind":"issue","depot":"C-TEST-A","item":"1010101","quantity":1}]}`},
			{name: "no lines", method: "POST", path: "/api/movements", status: 400, code: "field.required", field: "lines",
				body: `{"reason":"入库","lines":[]}`},
			{name: "second line fails, first is not kept", method: "POST", path: "/api/movements", status: 409,
				code: "stock.insufficient", field: "lines[1].quantity", want: []string{"第 2 行", "line 2"},
				body: `{"reason":"入库后发放","lines":[
					{"kind":"receive","depot":"C-TEST-A","item":"1010101","quantity":10,"new_lot":{"batch":"B2"}},
					{"kind":"issue","depot":"D-TEST-B","item":"1010101","quantity":10}]}`},

			{name: "malformed JSON", method: "POST", path: "/api/movements", status: 400, code: "request.malformed_json",
				body: `{"reason":"入库","lines":[`},
			{name: "syntax error", method: "POST", path: "/api/movements", status: 400, code: "request.malformed_json",
				want: []string{"byte"}, body: `{"actor" "王库管"}`},
			{name: "empty body", method: "POST", path: "/api/movements", status: 400, code: "request.malformed_json"},
			{name: "wrong type", method: "POST", path: "/api/movements", status: 400, code: "request.malformed_json",
				field: "lines", want: []string{"array"}, body: `{"reason":"入库","lines":{}}`},
			{name: "unknown field", method: "POST", path: "/api/movements", status: 400, code: "request.malformed_json",
				field: "urgent", want: []string{`urgent`}, body: `{"reason":"入库","urgent":true,"lines":[]}`},
			{name: "unknown field in a line", method: "POST", path: "/api/movements", status: 400,
				code: "request.malformed_json", field: "qty",
				body: line(`"kind":"issue","depot":"C-TEST-A","item":"1010101","qty":1`)},
			{name: "trailing data", method: "POST", path: "/api/movements", status: 400, code: "request.malformed_json",
				body: issueTents + issueTents},
			{name: "2 MiB body", method: "POST", path: "/api/movements", body: twoMiB, status: 413, code: "request.too_large"},
			{name: "3 MiB body without Content-Length", method: "POST", path: "/api/movements", body: big, chunked: true,
				status: 413, code: "request.too_large"},
			{name: "nothing changed", method: "GET", path: "/api/balances?group_by=item", status: 200,
				want: []string{`"rows":1`, `"quantity":300`}},
		})
	})
}
