package api

import (
	"fmt"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/care"
)

// tentSchedule is a care schedule inspecting tents (帐篷, 10101) every 180
// days.
const tentSchedule = `{"code":"TENT-INSPECT","kind":"inspect","category":"10101","interval_days":180,
	"name_zh":"帐篷定期检测","name_en":"Tent inspection","guide":"篷布有无霉变、破损；骨架有无锈蚀"}`

// tentInspected records an inspection of the tents at depot on 20 May.
func tentInspected(depot string) string {
	return fmt.Sprintf(`{"schedule":"TENT-INSPECT","depot":%q,"item":"1010101","done_on":"2026-05-20","outcome":"ok"}`, depot)
}

// drillOf plans using n tents of lot TENT-B (receiveTentsB) in a drill.
func drillOf(n int) string {
	return fmt.Sprintf(`{"depot":"D-TEST-B","lot":"TENT-B","quantity":%d,"method":"drill","recipient":"房山区救援队",
		"due_on":"2026-06-20"}`, n)
}

// receiveWater receives n cases of water as lot code at depot, expiring
// on expires.
func receiveWater(depot, code, expires string, n int) string {
	return fmt.Sprintf(`{"reason":"入库","lines":[{"kind":"receive","depot":%q,"item":"1030101","quantity":%d,
		"new_lot":{"code":%q,"batch":"2024-07","expires_on":%q}}]}`, depot, n, code, expires)
}

func TestCareSchedulesAndRecords(t *testing.T) {
	t.Parallel()
	eachScopeAPI(t, func(t *testing.T, a *testAPI) {
		keeper := a.as(t, "keeper")
		bad := func(edit string) string { return strings.Replace(tentSchedule, `"interval_days":180`, edit, 1) }
		runScenarios(t, a, []scenario{
			{name: "stock at B", method: "POST", path: "/api/movements", body: receiveTentsB, status: 201},
			{name: "stock in Mentougou", method: "POST", path: "/api/movements", body: receiveAt(depotM, "TENT-M", 1), status: 201},
			{name: "nothing is due without a schedule", method: "GET", path: "/api/care/due", status: 200,
				want: []string{`"due":[]`, `"count":0`}},

			// Schedules: the city's manager sets them.
			{name: "a keeper may not set schedules", as: "keeper", method: "POST", path: "/api/care/schedules",
				body: tentSchedule, status: 403, code: "auth.forbidden"},
			{name: "nor a district's manager", as: "manager-fs", method: "POST", path: "/api/care/schedules",
				body: tentSchedule, status: 403, code: "auth.out_of_scope"},
			{name: "no interval", method: "POST", path: "/api/care/schedules", body: bad(`"interval_days":0`),
				status: 400, code: "care.interval_invalid", field: "interval_days"},
			{name: "a category not in the catalogue", method: "POST", path: "/api/care/schedules",
				body: strings.Replace(tentSchedule, `"10101"`, `"10198"`, 1), status: 400, code: "care.category_unknown",
				field: "category"},
			{name: "the server sets who made it", method: "POST", path: "/api/care/schedules", status: 400,
				code: "request.malformed_json", field: "created_by", body: `{"created_by":"李",` + tentSchedule[1:]},
			{name: "the city's manager sets one", as: "manager", method: "POST", path: "/api/care/schedules",
				body: tentSchedule, status: 201,
				want: []string{`"code":"TENT-INSPECT"`, `"kind":"inspect"`, `"interval_days":180`, `"version":1`,
					`"created_by":"` + a.as(t, "manager").ID() + `"`},
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					if loc := rec.Header().Get("Location"); loc != "/api/care/schedules/TENT-INSPECT" {
						t.Errorf("Location %q", loc)
					}
				}},
			{name: "a second TENT-INSPECT", method: "POST", path: "/api/care/schedules", body: tentSchedule, status: 409,
				code: "care_schedule.exists", field: "code"},
			{name: "anyone signed in reads them", as: "viewer", method: "GET", path: "/api/care/schedules", status: 200,
				want: []string{`"count":1`, `"name_zh":"帐篷定期检测"`}},

			// Records: the keeper of a depot records rounds there.
			{name: "the keeper records an inspection at B", as: "keeper", method: "POST", path: "/api/care/records",
				body: tentInspected("D-TEST-B"), status: 201,
				want: []string{`"id":1`, `"schedule":"TENT-INSPECT"`, `"done_on":"2026-05-20"`, `"outcome":"ok"`,
					`"done_by":"` + keeper.ID() + `"`}},
			{name: "but not in Mentougou", as: "keeper", method: "POST", path: "/api/care/records",
				body: tentInspected(depotM), status: 403, code: "auth.out_of_scope"},
			{name: "nor Mentougou's keeper at B", as: "keeper-m", method: "POST", path: "/api/care/records",
				body: tentInspected("D-TEST-B"), status: 403, code: "auth.out_of_scope"},
			{name: "nor a viewer", as: "viewer", method: "POST", path: "/api/care/records",
				body: tentInspected("D-TEST-B"), status: 403, code: "auth.forbidden"},
			{name: "issues need findings", as: "keeper", method: "POST", path: "/api/care/records", status: 400,
				body: strings.Replace(tentInspected("D-TEST-B"), `"ok"`, `"issues"`, 1), code: "care.findings_required",
				field: "findings"},
			{name: "not tomorrow", as: "keeper", method: "POST", path: "/api/care/records", status: 400,
				body: strings.Replace(tentInspected("D-TEST-B"), "2026-05-20", "2026-06-02", 1), code: "care.done_on_future",
				field: "done_on"},
			{name: "not water under the tents' schedule", as: "keeper", method: "POST", path: "/api/care/records",
				body: strings.Replace(tentInspected("D-TEST-B"), "1010101", "1030101", 1), status: 400,
				code: "care.not_applicable", field: "item"},
			{name: "an unknown schedule", as: "keeper", method: "POST", path: "/api/care/records", status: 404,
				body: strings.Replace(tentInspected("D-TEST-B"), "TENT-INSPECT", "NOPE", 1), code: "care_schedule.not_found",
				field: "schedule"},
			{name: "issues with findings", as: "keeper", method: "POST", path: "/api/care/records", status: 201,
				body: `{"schedule":"TENT-INSPECT","depot":"D-TEST-B","item":"1010101","done_on":"2026-05-10","outcome":"issues",
					"findings":"两顶篷布霉变"}`, want: []string{`"findings":"两顶篷布霉变"`}},
			{name: "the records, latest first", method: "GET", path: "/api/care/records?depot=D-TEST-B", status: 200,
				want: []string{`"count":2`}, check: inOrder(`"done_on":"2026-05-20"`, `"done_on":"2026-05-10"`)},
			{name: "Mentougou's keeper sees none", as: "keeper-m", method: "GET", path: "/api/care/records", status: 200,
				want: []string{`"count":0`}},

			// What falls due: B's tents were inspected on 20 May, due 16 November;
			// Mentougou's never, due today.
			{name: "due today", method: "GET", path: "/api/care/due?within=0", status: 200,
				want:    []string{`"count":1`, `"depot":"D-TEST-M"`, `"due_on":"2026-06-01"`, `"days_left":0`, `"status":"due"`},
				notWant: []string{`"depot":"D-TEST-B"`}},
			{name: "due within half a year", method: "GET", path: "/api/care/due?within=200", status: 200,
				want:  []string{`"count":2`, `"last_done":"2026-05-20","due_on":"2026-11-16","days_left":168,"status":"due"`},
				check: inOrder(`"depot":"D-TEST-M"`, `"depot":"D-TEST-B"`)},
			{name: "the keeper sees B only", as: "keeper", method: "GET", path: "/api/care/due?within=200", status: 200,
				want: []string{`"count":1`, `"depot":"D-TEST-B"`, `"item_name_zh":"单帐篷"`, `"quantity":100`}},
			{name: "not another depot", as: "keeper", method: "GET", path: "/api/care/due?depot=" + depotM, status: 404,
				code: "depot.not_found", field: "depot"},
			{name: "a window too wide", method: "GET", path: "/api/care/due?within=9999", status: 400,
				code: "param.invalid", field: "within"},

			// Edits and retirement.
			{name: "a stale edit", method: "PUT", path: "/api/care/schedules/TENT-INSPECT", status: 409, code: "edit.stale",
				field: "version", body: withVersion(bad(`"interval_days":90`), 2)},
			{name: "the code is fixed", method: "PUT", path: "/api/care/schedules/OTHER", status: 400, code: "edit.fixed",
				field: "code", body: withVersion(tentSchedule, 1)},
			{name: "every 90 days", method: "PUT", path: "/api/care/schedules/TENT-INSPECT", status: 200,
				body: withVersion(bad(`"interval_days":90`), 1), want: []string{`"interval_days":90`, `"version":2`},
				check: audited(a, "care_schedule", "TENT-INSPECT", "care_schedule.update", `"interval_days":180`, `"interval_days":90`)},
			{name: "now B's tents are due in August", method: "GET", path: "/api/care/due?within=90&depot=D-TEST-B",
				status: 200, want: []string{`"count":1`, `"due_on":"2026-08-18"`}},
			{name: "retire it", method: "POST", path: "/api/care/schedules/TENT-INSPECT/retire", status: 200,
				check: retiredAt(true)},
			{name: "retired: no more records", as: "keeper", method: "POST", path: "/api/care/records",
				body: tentInspected("D-TEST-B"), status: 409, code: "care.schedule_retired", field: "schedule"},
			{name: "retired: nothing due", method: "GET", path: "/api/care/due?within=365", status: 200,
				want: []string{`"count":0`}},
			{name: "retired ones listed on request", method: "GET", path: "/api/care/schedules?retired=only", status: 200,
				want: []string{`"count":1`}},
		})
	})
}

// TestRotationLifecycle: a manager plans a donation of water nearing
// expiry, the depot's keeper carries it out; the lot's balance drops by
// the quantity and the ledger holds the keeper's issue entry. Refused
// requests change nothing.
func TestRotationLifecycle(t *testing.T) {
	t.Parallel()
	eachScopeAPI(t, func(t *testing.T, a *testAPI) {
		keeper, manager := a.as(t, "keeper"), a.as(t, "manager")
		donate := `{"depot":"D-TEST-B","lot":"WATER-B","quantity":40,"method":"donate","recipient":"房山区红十字会",
			"due_on":"2026-06-20","note":"汛前轮换"}`
		var posting int64
		runScenarios(t, a, []scenario{
			{name: "water expiring in July at B", method: "POST", path: "/api/movements",
				body: receiveWater("D-TEST-B", "WATER-B", "2026-07-15", 100), status: 201},
			{name: "water expired in May in Mentougou", method: "POST", path: "/api/movements",
				body: receiveWater(depotM, "WATER-OLD", "2026-05-01", 10), status: 201},
			{name: "tents at B", method: "POST", path: "/api/movements", body: receiveTentsB, status: 201},

			{name: "candidates", method: "GET", path: "/api/rotations/candidates", status: 200,
				want:    []string{`"count":1`, `"lot":"WATER-B"`, `"expires_on":"2026-07-15"`, `"days_left":44`, `"free":100`},
				notWant: []string{`"TENT-B"`, `"WATER-OLD"`}},
			{name: "Mentougou's keeper has none", as: "keeper-m", method: "GET", path: "/api/rotations/candidates",
				status: 200, want: []string{`"count":0`}},

			{name: "a keeper may not plan", as: "keeper", method: "POST", path: "/api/rotations", body: donate,
				status: 403, code: "auth.forbidden"},
			{name: "a donation needs a recipient", as: "manager", method: "POST", path: "/api/rotations", status: 400,
				body: strings.Replace(donate, "房山区红十字会", "", 1), code: "field.required", field: "recipient"},
			{name: "not more than there is", as: "manager", method: "POST", path: "/api/rotations", status: 409,
				body: strings.Replace(donate, `"quantity":40`, `"quantity":101`, 1), code: "rotation.insufficient",
				field: "quantity"},
			{name: "not an expired lot: scrap it", as: "manager", method: "POST", path: "/api/rotations", status: 409,
				body: `{"depot":"D-TEST-M","lot":"WATER-OLD","quantity":10,"method":"drill","due_on":"2026-06-20"}`,
				code: "rotation.lot_expired", field: "lot", want: []string{"scrap it", "报废"}},
			{name: "not after the lot expires", as: "manager", method: "POST", path: "/api/rotations", status: 400,
				body: strings.Replace(donate, "2026-06-20", "2026-07-16", 1), code: "rotation.due_after_expiry",
				field: "due_on"},
			{name: "the server sets the status", as: "manager", method: "POST", path: "/api/rotations", status: 400,
				body: `{"status":"done",` + donate[1:], code: "request.malformed_json", field: "status"},
			{name: "the manager plans the donation", as: "manager", method: "POST", path: "/api/rotations", body: donate,
				status: 201,
				want: []string{`"id":1`, `"status":"planned"`, `"item":"1030101"`, `"quantity":40`, `"method":"donate"`,
					`"expires_on":"2026-07-15"`, `"created_by":"` + manager.ID() + `"`},
				notWant: []string{`"posting_id"`, `"done_by"`}},
			{name: "no longer a candidate", method: "GET", path: "/api/rotations/candidates", status: 200,
				want: []string{`"count":0`}},
			{name: "planned, for the keeper", as: "keeper", method: "GET", path: "/api/rotations?status=planned",
				status: 200, want: []string{`"count":1`, `"id":1`}},
			{name: "due by 20 June", as: "keeper", method: "GET", path: "/api/rotations?status=planned&due_by=2026-06-20",
				status: 200, want: []string{`"count":1`}},
			{name: "not due by 19 June", as: "keeper", method: "GET", path: "/api/rotations?status=planned&due_by=2026-06-19",
				status: 200, want: []string{`"count":0`}},
			{name: "a malformed day", method: "GET", path: "/api/rotations?due_by=20260619", status: 400,
				code: "param.invalid", field: "due_by"},
			{name: "Mentougou's keeper does not see it", as: "keeper-m", method: "GET", path: "/api/rotations/1",
				status: 404, code: "rotation.not_found"},
			{name: "nor may carry it out", as: "keeper-m", method: "POST", path: "/api/rotations/1/execute", status: 403,
				code: "auth.out_of_scope"},
			{name: "nor may a viewer", as: "viewer", method: "POST", path: "/api/rotations/1/execute", status: 403,
				code: "auth.forbidden"},

			{name: "the keeper carries it out", as: "keeper", method: "POST", path: "/api/rotations/1/execute", status: 200,
				want: []string{`"status":"done"`, `"done_by":"` + keeper.ID() + `"`, `"posting_id":`},
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					var r care.Rotation
					decodeBody(t, rec, &r)
					posting = r.PostingID
				}},
			{name: "the lot's balance dropped by 40", method: "GET", path: "/api/balances?depot=D-TEST-B&item=1030101&group_by=item",
				status: 200, want: []string{`"quantity":60,"reserved":0,"usable":60`}},
			{name: "execute twice", as: "keeper", method: "POST", path: "/api/rotations/1/execute", status: 409,
				code: "rotation.status", field: "status", want: []string{"done"}},
			{name: "cancel a done plan", as: "manager", method: "POST", path: "/api/rotations/1/cancel", status: 409,
				code: "rotation.status", field: "status"},

			{name: "a drill of tents", as: "manager", method: "POST", path: "/api/rotations", body: drillOf(5), status: 201,
				want: []string{`"id":2`}},
			{name: "the keeper may not cancel it", as: "keeper", method: "POST", path: "/api/rotations/2/cancel",
				status: 403, code: "auth.forbidden"},
			{name: "the manager cancels it", as: "manager", method: "POST", path: "/api/rotations/2/cancel", body: `{}`,
				status: 200, want: []string{`"status":"cancelled"`}, notWant: []string{`"posting_id"`}},
			{name: "a cancelled plan is not carried out", as: "keeper", method: "POST", path: "/api/rotations/2/execute",
				status: 409, code: "rotation.status", field: "status", want: []string{"cancelled"}},
			{name: "an unknown plan", as: "keeper", method: "POST", path: "/api/rotations/99/execute", status: 404,
				code: "rotation.not_found"},
			{name: "the tents are all there", method: "GET", path: "/api/balances?depot=D-TEST-B&item=1010101&group_by=item",
				status: 200, want: []string{`"quantity":100,`}},

			{name: "done ones", method: "GET", path: "/api/rotations?status=done", status: 200,
				want: []string{`"count":1`, `"id":1`}},
			{name: "all, newest first", method: "GET", path: "/api/rotations?depot=D-TEST-B", status: 200,
				want: []string{`"count":2`}, check: inOrder(`"id":2`, `"id":1`)},
			{name: "the ledger holds", method: "GET", path: "/api/ledger/verify", status: 200, want: []string{`"ok":true`}},
		})
		runScenarios(t, a, []scenario{
			{name: "the ledger has the keeper's issue entry", method: "GET",
				path: "/api/movements?posting=" + strconv.FormatInt(posting, 10), status: 200,
				want: []string{`"count":1`, `"kind":"issue"`, `"delta":-40`, `"lot":"WATER-B"`, `"actor":"` + keeper.ID() + `"`,
					`"reason":"轮换 #1：捐赠给 房山区红十字会"`}},
			{name: "the audit trail has the execution", method: "GET", path: "/api/audit?kind=rotation&id=1&action=rotation.execute",
				status: 200, want: []string{`"principal":"` + keeper.ID() + `"`, `"status":"done"`}},
		})
	})
}

// TestDepotFillReminds: a depot above 85 % of its capacity is near full.
func TestDepotFillReminds(t *testing.T) {
	t.Parallel()
	eachScopeAPI(t, func(t *testing.T, a *testAPI) {
		runScenarios(t, a, []scenario{
			// 1,500 tents of 0.12 m³ take 180 of D-TEST-B's 200 m³.
			{name: "tents at B", method: "POST", path: "/api/movements", body: receiveAt("D-TEST-B", "TENT-MANY", 1500),
				status: 201},
			{name: "all depots, the fullest first", method: "GET", path: "/api/depots/fill", status: 200,
				want: []string{`"count":4`, `"near_full_share":0.85`, `"full_share":1`,
					`"depot":"D-TEST-B","name_zh":"测试区级库","name_en":"","tier":"district","capacity_m3":200,"used_m3":180,"share":0.9,"level":"near_full"`},
				check: inOrder(`"depot":"D-TEST-B"`, `"level":"ok"`)},
			{name: "near full or fuller", method: "GET", path: "/api/depots/fill?level=near_full", status: 200,
				want: []string{`"count":1`, `"depot":"D-TEST-B"`}},
			{name: "full", method: "GET", path: "/api/depots/fill?level=full", status: 200, want: []string{`"count":0`}},
			{name: "the keeper of B is reminded", as: "keeper", method: "GET", path: "/api/depots/fill?level=near_full",
				status: 200, want: []string{`"count":1`, `"depot":"D-TEST-B"`}},
			{name: "Mentougou's keeper is not", as: "keeper-m", method: "GET", path: "/api/depots/fill?level=near_full",
				status: 200, want: []string{`"count":0`}},
			{name: "a level that is none", method: "GET", path: "/api/depots/fill?level=half", status: 400,
				code: "param.invalid", field: "level"},
		})
	})
}
