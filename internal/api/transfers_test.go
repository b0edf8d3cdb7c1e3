package api

import (
	"fmt"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/transfer"
)

// transferOf is an order by 李调度 moving n tents of lot TENT-B (see
// receiveTentsB) from the district depot to the city depot.
func transferOf(n int) string {
	return transferWith(fmt.Sprintf(`{"from":"D-TEST-B","to":"C-TEST-A","item":"1010101","quantity":%d,
		"lots":[{"lot":"TENT-B","quantity":%[1]d}]}`, n))
}

// transferWith is an order by 李调度 with the given lines.
func transferWith(lines string) string {
	return `{"reason":"前置:房山区暴雨红色预警","lines":[` + lines + `]}`
}

// decodeTransfer decodes a transfer order answer, checking it is one.
func decodeTransfer(t *testing.T, rec *httptest.ResponseRecorder) transfer.Order {
	t.Helper()
	var o transfer.Order
	decodeBody(t, rec, &o)
	if o.ID == 0 || o.PostingID == 0 {
		t.Fatalf("not a transfer order with a posting: %s", rec.Body)
	}
	return o
}

// transferPostingHas checks the ledger posting of the transfer order
// answered: its entries must contain each of want.
func transferPostingHas(a *testAPI, want ...string) func(*testing.T, *httptest.ResponseRecorder) {
	return func(t *testing.T, rec *httptest.ResponseRecorder) {
		t.Helper()
		o := decodeTransfer(t, rec)
		body := a.do("GET", "/api/movements?posting="+strconv.FormatInt(o.PostingID, 10), "", nil, false).Body.String()
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("posting %d lacks %s\nbody: %s", o.PostingID, w, body)
			}
		}
	}
}

func TestTransferLifecycle(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, a *testAPI) {
		var first transfer.Order
		runScenarios(t, a, []scenario{
			{name: "stock in the district depot", method: "POST", path: "/api/movements", body: receiveTentsB, status: 201},
			{name: "order 60 tents to the city depot", method: "POST", path: "/api/transfers", body: transferOf(60),
				status: 201,
				want: []string{`"id":1`, `"status":"ordered"`, `"reason":"前置:房山区暴雨红色预警"`, `"created_by":"` + a.testerID() + `"`,
					`"created_at":` + strconv.FormatInt(fixedClock().Unix(), 10), `"posting_id":`,
					`"lines":[{"from":"D-TEST-B","to":"C-TEST-A","item":"1010101","quantity":60,"lots":[{"lot":"TENT-B","quantity":60,"shipped":0,"line_id":1}]}]`},
				notWant: []string{`"origin"`},
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					first = decodeTransfer(t, rec)
					if loc := rec.Header().Get("Location"); loc != "/api/transfers/1" {
						t.Errorf("Location %q, want /api/transfers/1", loc)
					}
					transferPostingHas(a, `"count":1`, `"kind":"reserve"`, `"delta":60`, `"lot":"TENT-B"`,
						`"actor":"`+a.testerID()+`"`, `"reason":"下达调拨单 #1 前置:房山区暴雨红色预警"`)(t, rec)
				}},
			{name: "the tents are reserved", method: "GET", path: "/api/balances?depot=D-TEST-B&group_by=item",
				status: 200, want: []string{`"quantity":100,"reserved":60,"usable":40`}},
			{name: "reserved tents cannot be issued", method: "POST", path: "/api/movements", status: 409,
				code: "stock.insufficient", field: "lines[0].quantity",
				body: `{"reason":"发放","lines":[{"kind":"issue","depot":"D-TEST-B","item":"1010101","quantity":41}]}`},
			{name: "get the order", method: "GET", path: "/api/transfers/1", status: 200,
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					if got := decodeTransfer(t, rec); !reflect.DeepEqual(got, first) {
						t.Errorf("GET answers\n%+v\nPOST answered\n%+v", got, first)
					}
				}},
			{name: "list ordered", method: "GET", path: "/api/transfers?status=ordered", status: 200,
				want: []string{`"transfers":[{"id":1,"status":"ordered"`, `"count":1`, `"lots":[{"lot":"TENT-B"`}},

			{name: "execute", method: "POST", path: "/api/transfers/1/execute", body: `{}`, status: 200,
				want: []string{`"id":1`, `"status":"executed"`},
				check: transferPostingHas(a, `"count":3`, `"kind":"release"`, `"delta":-60`, `"kind":"transfer_out"`,
					`"kind":"transfer_in"`, `"depot":"C-TEST-A"`, `"actor":"`+a.testerID()+`"`, `"reason":"执行调拨单 #1 前置:房山区暴雨红色预警"`)},
			{name: "the source holds the rest, none reserved", method: "GET",
				path: "/api/balances?depot=D-TEST-B&group_by=item", status: 200,
				want: []string{`"quantity":40,"reserved":0,"usable":40`}},
			{name: "the lot moved to the destination", method: "GET", path: "/api/balances?depot=C-TEST-A", status: 200,
				want: []string{`"depot":"C-TEST-A"`, `"lot":"TENT-B"`, `"quantity":60,"reserved":0,"usable":60`}},
			{name: "the ledger holds", method: "GET", path: "/api/ledger/verify", status: 200,
				want: []string{`"ok":true`, `"entries":5`}},
			{name: "execute twice", method: "POST", path: "/api/transfers/1/execute", status: 409,
				code: "transfer.status", field: "status", want: []string{"executed"}},
			{name: "cancel an executed order", method: "POST", path: "/api/transfers/1/cancel", body: `{}`,
				status: 409, code: "transfer.status", field: "status"},

			{name: "order 30 more", method: "POST", path: "/api/transfers", body: transferOf(30), status: 201,
				want: []string{`"id":2`, `"status":"ordered"`}},
			{name: "reserved again", method: "GET", path: "/api/balances?depot=D-TEST-B&group_by=item", status: 200,
				want: []string{`"quantity":40,"reserved":30,"usable":10`}},
			{name: "cancel without a body", method: "POST", path: "/api/transfers/2/cancel", status: 200,
				want:  []string{`"id":2`, `"status":"cancelled"`},
				check: transferPostingHas(a, `"count":1`, `"kind":"release"`, `"delta":-30`, `"actor":"`+a.testerID()+`"`)},
			{name: "released", method: "GET", path: "/api/balances?depot=D-TEST-B&group_by=item", status: 200,
				want: []string{`"quantity":40,"reserved":0,"usable":40`}},
			{name: "execute a cancelled order", method: "POST", path: "/api/transfers/2/execute", status: 409,
				code: "transfer.status", field: "status", want: []string{"cancelled"}},

			{name: "newest first", method: "GET", path: "/api/transfers", status: 200, want: []string{`"count":2`},
				check: inOrder(`"id":2,"status":"cancelled"`, `"id":1,"status":"executed"`)},
			{name: "limit", method: "GET", path: "/api/transfers?limit=1", status: 200,
				want: []string{`"count":1`, `"id":2`}, notWant: []string{`"id":1`}},
			{name: "executed only", method: "GET", path: "/api/transfers?status=executed", status: 200,
				want: []string{`"count":1`, `"id":1,"status":"executed"`}},
			{name: "the ledger still holds", method: "GET", path: "/api/ledger/verify", status: 200,
				want: []string{`"ok":true`, `"entries":7`}},
		})
	})
}

// TestTransferRequestErrors sends bad orders: each is refused with the
// field it concerns, and none is stored or reserves anything.
func TestTransferRequestErrors(t *testing.T) {
	t.Parallel()
	line := func(from, to, item, qty, lots string) string {
		return fmt.Sprintf(`{"from":%q,"to":%q,"item":%q,"quantity":%s,"lots":[%s]}`, from, to, item, qty, lots)
	}
	tents := func(n int) string { return fmt.Sprintf(`{"lot":"TENT-B","quantity":%d}`, n) }
	good := line("D-TEST-B", "C-TEST-A", "1010101", "10", tents(10))
	eachAPI(t, func(t *testing.T, a *testAPI) {
		nothingStored := []scenario{
			{name: "no order stored", method: "GET", path: "/api/transfers", status: 200,
				want: []string{`"transfers":[]`, `"count":0`}},
			{name: "nothing reserved", method: "GET", path: "/api/balances?depot=D-TEST-B&group_by=item", status: 200,
				want: []string{`"quantity":100,"reserved":0,"usable":100`}},
		}
		runScenarios(t, a, []scenario{
			{name: "stock", method: "POST", path: "/api/movements", body: receiveTentsB, status: 201},

			{name: "same depot", method: "POST", path: "/api/transfers", status: 400, code: "transfer.same_depot",
				field: "lines[0].to", body: transferWith(line("D-TEST-B", "D-TEST-B", "1010101", "10", tents(10)))},
			{name: "second line without a destination", method: "POST", path: "/api/transfers", status: 400,
				code: "field.required", field: "lines[1].to",
				body: transferWith(good + "," + line("D-TEST-B", "", "1010101", "10", tents(10)))},
			{name: "no source", method: "POST", path: "/api/transfers", status: 400, code: "field.required",
				field: "lines[0].from", body: transferWith(line("", "C-TEST-A", "1010101", "10", tents(10)))},
			{name: "zero quantity", method: "POST", path: "/api/transfers", status: 400, code: "transfer.quantity",
				field: "lines[0].quantity", body: transferWith(line("D-TEST-B", "C-TEST-A", "1010101", "0", tents(10)))},
			{name: "lots short of the line", method: "POST", path: "/api/transfers", status: 400,
				code: "transfer.lots_sum", field: "lines[0].lots",
				body: transferWith(line("D-TEST-B", "C-TEST-A", "1010101", "10", tents(6)))},
			{name: "no lots", method: "POST", path: "/api/transfers", status: 400, code: "transfer.lots_sum",
				field: "lines[0].lots", body: transferWith(line("D-TEST-B", "C-TEST-A", "1010101", "10", ""))},
			{name: "no lines", method: "POST", path: "/api/transfers", status: 400, code: "transfer.empty",
				field: "lines", body: transferWith("")},
			{name: "the server sets who orders", method: "POST", path: "/api/transfers", status: 400,
				code: "request.malformed_json", field: "created_by", body: `{"created_by":"李调度",` + transferOf(10)[1:]},
			{name: "fractional tents", method: "POST", path: "/api/transfers", status: 400, code: "quantity.fractional",
				field: "lines[0].lots[0].quantity",
				body:  transferWith(line("D-TEST-B", "C-TEST-A", "1010101", "2.5", `{"lot":"TENT-B","quantity":2.5}`))},
			{name: "the server sets the id", method: "POST", path: "/api/transfers", status: 400,
				code: "request.malformed_json", field: "id", body: `{"id":5,` + transferOf(10)[1:]},
			{name: "the server sets the status", method: "POST", path: "/api/transfers", status: 400,
				code: "request.malformed_json", field: "status", body: `{"status":"executed",` + transferOf(10)[1:]},
			{name: "malformed quantity", method: "POST", path: "/api/transfers", status: 400,
				code: "quantity.malformed", field: "quantity",
				body: transferWith(line("D-TEST-B", "C-TEST-A", "1010101", `"many"`, tents(10)))},
			{name: "empty body", method: "POST", path: "/api/transfers", status: 400, code: "request.malformed_json"},

			{name: "more than there is", method: "POST", path: "/api/transfers", body: transferOf(101), status: 409,
				code: "transfer.stale", field: "lines[0].lots[0].quantity",
				want: []string{"insufficient stock: need 101, available 100", "order again", "重新下单"}},
			{name: "two lines, together more than there is", method: "POST", path: "/api/transfers", status: 409,
				code: "transfer.stale", field: "lines[1].lots[0].quantity",
				body: transferWith(line("D-TEST-B", "C-TEST-A", "1010101", "60", tents(60)) + "," +
					line("D-TEST-B", "C-TEST-A", "1010101", "50", tents(50)))},
			{name: "from a depot without the lot", method: "POST", path: "/api/transfers", status: 409,
				code: "transfer.stale", field: "lines[0].lots[0].quantity",
				body: transferWith(line("C-TEST-A", "D-TEST-B", "1010101", "10", tents(10)))},
			{name: "unknown lot", method: "POST", path: "/api/transfers", status: 404, code: "lot.not_found",
				field: "lines[0].lots[0].lot",
				body:  transferWith(line("D-TEST-B", "C-TEST-A", "1010101", "10", `{"lot":"NOPE","quantity":10}`))},
			{name: "lot of another item", method: "POST", path: "/api/transfers", status: 400, code: "lot.item_mismatch",
				field: "lines[0].lots[0].lot", body: transferWith(line("D-TEST-B", "C-TEST-A", "1030101", "10", tents(10)))},
			{name: "unknown item", method: "POST", path: "/api/transfers", status: 404, code: "item.not_found",
				field: "lines[0].item", body: transferWith(line("D-TEST-B", "C-TEST-A", "1019999", "10", tents(10)))},
			{name: "unknown source", method: "POST", path: "/api/transfers", status: 404, code: "depot.not_found",
				field: "lines[0].from", body: transferWith(line("NOPE", "C-TEST-A", "1010101", "10", tents(10)))},
			{name: "unknown destination on the second line", method: "POST", path: "/api/transfers", status: 404,
				code: "depot.not_found", field: "lines[1].to",
				body: transferWith(good + "," + line("D-TEST-B", "NOPE", "1010101", "10", tents(10)))},
		})
		runScenarios(t, a, nothingStored)

		runScenarios(t, a, []scenario{
			{name: "id not a number", method: "GET", path: "/api/transfers/abc", status: 400, code: "param.invalid",
				field: "id"},
			{name: "id zero", method: "POST", path: "/api/transfers/0/execute", status: 400, code: "param.invalid",
				field: "id"},
			{name: "unknown order", method: "GET", path: "/api/transfers/999", status: 404, code: "transfer.not_found"},
			{name: "execute an unknown order", method: "POST", path: "/api/transfers/999/execute", status: 404,
				code: "transfer.not_found"},
			{name: "cancel an unknown order", method: "POST", path: "/api/transfers/999/cancel", body: `{}`,
				status: 404, code: "transfer.not_found"},
			{name: "bad status filter", method: "GET", path: "/api/transfers?status=done", status: 400,
				code: "param.invalid", field: "status"},
			{name: "bad limit", method: "GET", path: "/api/transfers?limit=0", status: 400, code: "param.invalid",
				field: "limit"},
			{name: "DELETE an order", method: "DELETE", path: "/api/transfers/1", status: 405,
				code: "request.method_not_allowed"},
		})

		// PostgreSQL sequences skip the numbers of refused orders.
		var path string
		runScenarios(t, a, []scenario{
			{name: "a good order", method: "POST", path: "/api/transfers", body: transferOf(10), status: 201,
				check: func(t *testing.T, rec *httptest.ResponseRecorder) { path = rec.Header().Get("Location") }},
		})
		if t.Failed() {
			return
		}
		runScenarios(t, a, []scenario{
			{name: "unknown field in the action", method: "POST", path: path + "/execute",
				body: `{"force":true}`, status: 400, code: "request.malformed_json", field: "force"},
			{name: "not an object", method: "POST", path: path + "/cancel", body: `["x"]`, status: 400,
				code: "request.malformed_json"},
			{name: "still ordered", method: "GET", path: path, status: 200, want: []string{`"status":"ordered"`}},
		})
	})
}
