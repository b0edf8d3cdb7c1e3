package api

import (
	"fmt"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// receiveTentsB puts 100 tents into the district depot 房山 D-TEST-B as lot
// TENT-B; the city depot stays empty, so every plan draws on D-TEST-B.
const receiveTentsB = `{"reason":"区级储备入库","lines":[{"kind":"receive","depot":"D-TEST-B",
	"item":"1010101","quantity":100,"new_lot":{"code":"TENT-B","batch":"2026-05","produced_on":"2026-05-01"}}]}`

// incident returns an incident with one site, 良乡安置点 near the district
// depot, needing the given demands. It is reported now by the wall clock,
// which the planner uses (see TestPlanUsesTheStoreClock).
func incident(code, demands string) string {
	return incidentWith(code, fmt.Sprintf(`"reported_at":%d,`, time.Now().Unix()), demands)
}

// incidentWith is incident with other fields (each followed by a comma)
// in place of reported_at.
func incidentWith(code, fields, demands string) string {
	return fmt.Sprintf(`{"code":%q,"title":"房山区山洪","type":"flood","level":2,%s
		"sites":[{"code":"S1","name":"良乡安置点","point":{"lon":116.14,"lat":39.73},"demands":[%s]}]}`,
		code, fields, demands)
}

// tents is a demand for n tents within 6 hours.
func tents(n int) string {
	return fmt.Sprintf(`{"item":"1010101","quantity":%d,"within_hours":6}`, n)
}

// planFor asks for a plan over an inline incident.
func planFor(incident string) string { return `{"incident":` + incident + `}` }

// decodePlan decodes a plan answer, checking it is one.
func decodePlan(t *testing.T, rec *httptest.ResponseRecorder) dispatch.Plan {
	t.Helper()
	var p dispatch.Plan
	decodeBody(t, rec, &p)
	if p.ID == 0 {
		t.Fatalf("not a plan: %s", rec.Body)
	}
	return p
}

// postingHas checks the ledger posting of the plan answered: its entries
// (GET /api/movements?posting=) must contain each of want. Posting numbers
// are not predicted: PostgreSQL sequences skip the numbers of refused
// postings.
func postingHas(a *testAPI, want ...string) func(*testing.T, *httptest.ResponseRecorder) {
	return func(t *testing.T, rec *httptest.ResponseRecorder) {
		t.Helper()
		p := decodePlan(t, rec)
		if p.PostingID == 0 {
			t.Fatalf("plan %d has no posting: %s", p.ID, rec.Body)
		}
		body := a.do("GET", "/api/movements?posting="+strconv.FormatInt(p.PostingID, 10), "", nil, false).Body.String()
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("posting %d lacks %s\nbody: %s", p.PostingID, w, body)
			}
		}
	}
}

// located checks the Location header of a created plan.
func located(t *testing.T, rec *httptest.ResponseRecorder, id int64) {
	t.Helper()
	if loc := rec.Header().Get("Location"); loc != "/api/plans/"+strconv.FormatInt(id, 10) {
		t.Errorf("Location %q, want /api/plans/%d", loc, id)
	}
}

func TestPlanLifecycle(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, a *testAPI) {
		var first dispatch.Plan
		start := time.Now().Unix()
		runScenarios(t, a, []scenario{
			{name: "stock in the district depot", method: "POST", path: "/api/movements", body: receiveTentsB, status: 201},
			{name: "plan an inline incident", method: "POST", path: "/api/plans", status: 201,
				body: planFor(incident("FS-FLOOD", tents(100))),
				want: []string{`"id":1`, `"status":"proposed"`, `"incidents":["FS-FLOOD"]`, `"router":`,
					`"kind":"depot"`, `"code":"D-TEST-B"`, `"name_zh":"测试区级库"`, `"relation":"own-district"`,
					`"lots":[{"lot":"TENT-B","quantity":100`, `"site_name":"良乡安置点"`, `"unit_zh":"顶"`,
					`"explain_zh":"从测试区级库（本区）调拨单帐篷 100 顶，预计`,
					`"within_4h":100,"within_6h":100,"within_24h":100,"on_time":100,"planned":100,"short":0`},
				notWant: []string{`"replaces_id"`, `"posting_id"`, `"reason_zh"`, `"late":true`},
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					first = decodePlan(t, rec)
					located(t, rec, first.ID)
				}},
		})
		if t.Failed() {
			return
		}

		// The plan as computed: one line, on time, explained.
		if len(first.Lines) != 1 || len(first.Coverage) != 1 {
			t.Fatalf("plan %+v; want one line and one coverage", first)
		}
		l, c := first.Lines[0], first.Coverage[0]
		if l.Quantity != stock.Units(100) || l.Source.Kind != dispatch.SourceDepot || l.Source.Tier != "district" ||
			len(l.Lots) != 1 || l.Lots[0].Quantity != stock.Units(100) || l.Lots[0].ExpiresOn == "" {
			t.Errorf("line %+v", l)
		}
		if l.Late || l.ETA <= first.CreatedAt || l.ETA > l.Deadline || l.ArrivalMin != l.ReadyMin+l.TravelMin ||
			l.ArrivalMin < 1 || l.ArrivalMin > 60 {
			t.Errorf("line timing: eta %d, created %d, deadline %d, ready %d + travel %d = %d min, late %v",
				l.ETA, first.CreatedAt, l.Deadline, l.ReadyMin, l.TravelMin, l.ArrivalMin, l.Late)
		}
		if d := l.Deadline - start; d < 6*3600-5 || d > 6*3600+5 {
			t.Errorf("deadline %d s after the report, want 6 h", d)
		}
		if !strings.Contains(l.ExplainZH, "分钟后到达") ||
			!strings.Contains(l.ExplainEN, "100 "+l.ItemNameEN+" from D-TEST-B (own-district), arriving in") {
			t.Errorf("explanations %q / %q", l.ExplainZH, l.ExplainEN)
		}
		if c.Demand != stock.Units(100) || c.Item != "1010101" || c.ItemNameZH != "单帐篷" || c.Site != "S1" ||
			c.Deadline != l.Deadline {
			t.Errorf("coverage %+v", c)
		}
		if first.Stats.Sources != 1 || first.Stats.Sites != 1 {
			t.Errorf("stats %+v, want one source and one site", first.Stats)
		}

		var second, third dispatch.Plan
		runScenarios(t, a, []scenario{
			{name: "the incident was stored", method: "GET", path: "/api/incidents/FS-FLOOD", status: 200,
				want: []string{`"code":"FS-FLOOD"`, `"status":"open"`, `"title":"房山区山洪"`, `"level":2`,
					`"reported_at":`, `"demands":[{"item":"1010101","quantity":100,"within_hours":6}]`}},
			{name: "open incidents", method: "GET", path: "/api/incidents?status=open", status: 200,
				want: []string{`"count":1`, `"code":"FS-FLOOD"`}},
			{name: "list plans", method: "GET", path: "/api/plans", status: 200,
				want:    []string{`"plans":[{"id":1,"status":"proposed","incidents":["FS-FLOOD"]`, `"count":1`},
				notWant: []string{`"lines"`}},
			{name: "get the plan", method: "GET", path: "/api/plans/1", status: 200,
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					if got := decodePlan(t, rec); !reflect.DeepEqual(got, first) {
						t.Errorf("GET answers\n%+v\nPOST answered\n%+v", got, first)
					}
				}},
			{name: "nothing reserved before approval", method: "GET", path: "/api/balances?depot=D-TEST-B&group_by=item",
				status: 200, want: []string{`"quantity":100,"reserved":0,"usable":100`}},

			{name: "approve", method: "POST", path: "/api/plans/1/approve", body: `{}`, status: 200,
				want: []string{`"id":1`, `"status":"approved"`, `"posting_id":`, `"code":"D-TEST-B"`},
				// reserve entries in the ledger
				check: postingHas(a, `"count":1`, `"kind":"reserve"`, `"delta":100`, `"lot":"TENT-B"`,
					`"actor":"`+a.testerID()+`"`, `"reason":"批准调度方案 #1"`)},
			{name: "the stock is reserved", method: "GET", path: "/api/balances?depot=D-TEST-B&group_by=item",
				status: 200, want: []string{`"item":"1010101"`, `"quantity":100,"reserved":100,"usable":0`}},
			{name: "reserved stock cannot be issued", method: "POST", path: "/api/movements", status: 409,
				code: "stock.insufficient", field: "lines[0].quantity",
				body: `{"reason":"发放","lines":[{"kind":"issue","depot":"D-TEST-B","item":"1010101","quantity":1}]}`},
			{name: "approve twice", method: "POST", path: "/api/plans/1/approve", status: 409, code: "plan.status",
				field: "status", want: []string{"approved"}},
			{name: "the listed plan is approved", method: "GET", path: "/api/plans?status=approved", status: 200,
				want: []string{`"id":1,"status":"approved"`, `"count":1`}},

			{name: "a second plan finds the depot reserved", method: "POST", path: "/api/plans", status: 201,
				body: `{"incidents":["FS-FLOOD"]}`,
				want: []string{`"id":2`, `"status":"proposed"`, `"lines":[]`, `"planned":0`, `"short":100`,
					`"within_4h":0`, `"reason_zh":"各级储备均无可用库存"`, `"reason_en":"no source holds usable stock of this item"`},
				notWant: []string{`"D-TEST-B"`},
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					second = decodePlan(t, rec)
					located(t, rec, second.ID)
				}},

			{name: "execute", method: "POST", path: "/api/plans/1/execute", body: `{}`, status: 200,
				want: []string{`"status":"executed"`}},
			{name: "execution made a dispatch order to the site, holding the plan's reservation", method: "GET",
				path: "/api/transfers?plan=1", status: 200,
				want: []string{`"count":1`, `"kind":"dispatch"`, `"plan_id":1`, `"status":"ordered"`,
					`"from":"D-TEST-B","to":"SITE:FS-FLOOD:S1"`, `"lot":"TENT-B","quantity":100,"shipped":0`, `"plan_line":1`}},
			{name: "the stock waits for its shipment, reserved", method: "GET", path: "/api/balances?depot=D-TEST-B&group_by=item",
				status: 200, want: []string{`"quantity":100,"reserved":100,"usable":0`}},
			{name: "the ledger holds", method: "GET", path: "/api/ledger/verify", status: 200,
				want: []string{`"ok":true`, `"entries":2`}},
			{name: "cancel an executed plan", method: "POST", path: "/api/plans/1/cancel", status: 409,
				code: "plan.status", field: "status", want: []string{"executed"}},
			{name: "execute twice", method: "POST", path: "/api/plans/1/execute", status: 409, code: "plan.status",
				field: "status"},
			{name: "approve an executed plan", method: "POST", path: "/api/plans/1/approve", status: 409,
				code: "plan.status", field: "status"},
			{name: "recompute an executed plan", method: "POST", path: "/api/plans/1/recompute", status: 409,
				code: "plan.status", field: "status"},

			{name: "restock", method: "POST", path: "/api/movements", status: 201,
				body: strings.NewReplacer(`"quantity":100`, `"quantity":40`, `TENT-B`, `TENT-B2`).Replace(receiveTentsB)},
			{name: "recompute the second plan", method: "POST", path: "/api/plans/2/recompute", status: 201,
				want: []string{`"id":3`, `"status":"proposed"`, `"replaces_id":2`, `"lot":"TENT-B2","quantity":40`,
					`"planned":40`, `"short":60`, `"reason_zh":"可调用库存已全部分配（含优先级更高或时限更紧的需求点）"`},
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					third = decodePlan(t, rec)
					located(t, rec, third.ID)
				}},
			{name: "the second plan is superseded", method: "GET", path: "/api/plans/2", status: 200,
				want: []string{`"id":2`, `"status":"superseded"`}},
			{name: "superseded plans", method: "GET", path: "/api/plans?status=superseded", status: 200,
				want: []string{`"plans":[{"id":2,"status":"superseded"`, `"count":1`}},
			{name: "newest first", method: "GET", path: "/api/plans", status: 200,
				want: []string{`"count":3`}, check: inOrder(`"id":3,"status":"proposed"`, `"id":2,"status":"superseded"`,
					`"id":1,"status":"executed"`)},
			{name: "recompute a superseded plan", method: "POST", path: "/api/plans/2/recompute", status: 409,
				code: "plan.status", field: "status"},
			{name: "approve a superseded plan", method: "POST", path: "/api/plans/2/approve", status: 409,
				code: "plan.status", field: "status"},
			{name: "only the restock is usable", method: "GET", path: "/api/balances?depot=D-TEST-B&group_by=item",
				status: 200, want: []string{`"quantity":140,"reserved":100,"usable":40`}},

			{name: "cancel the proposed plan", method: "POST", path: "/api/plans/3/cancel", status: 200,
				want: []string{`"status":"cancelled"`}, notWant: []string{`"posting_id"`}},
			{name: "cancelling a proposal reserved nothing", method: "GET", path: "/api/balances?depot=D-TEST-B&group_by=item",
				status: 200, want: []string{`"quantity":140,"reserved":100,"usable":40`}},
			{name: "cancel twice", method: "POST", path: "/api/plans/3/cancel", status: 409, code: "plan.status",
				field: "status"},
			{name: "the ledger still holds", method: "GET", path: "/api/ledger/verify", status: 200,
				want: []string{`"ok":true`, `"entries":3`}},
			{name: "refused recomputes stored no plan", method: "GET", path: "/api/plans", status: 200,
				want: []string{`"count":3`}, notWant: []string{`"id":4`}},
		})
		if third.ReplacesID != second.ID || second.ID == 0 || len(third.Coverage) != 1 ||
			third.Coverage[0].Planned != stock.Units(40) {
			t.Errorf("recomputed plan %+v", third)
		}
	})
}

// TestCancelApprovedPlanReleases approves a plan, cancels it, and checks
// that the stock is free again and a new plan can take it.
func TestCancelApprovedPlanReleases(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, a *testAPI) {
		runScenarios(t, a, []scenario{
			{name: "stock", method: "POST", path: "/api/movements", body: receiveTentsB, status: 201},
			{name: "plan", method: "POST", path: "/api/plans", body: planFor(incident("FS-FLOOD", tents(30))),
				status: 201, want: []string{`"id":1`, `"quantity":30`}},
			{name: "approve without a body", method: "POST", path: "/api/plans/1/approve", status: 200,
				want:  []string{`"status":"approved"`},
				check: postingHas(a, `"kind":"reserve"`, `"actor":"`+a.testerID()+`"`, `"delta":30`)},
			{name: "reserved", method: "GET", path: "/api/balances?depot=D-TEST-B&group_by=item", status: 200,
				want: []string{`"quantity":100,"reserved":30,"usable":70`}},
			{name: "cancel", method: "POST", path: "/api/plans/1/cancel", body: `{}`, status: 200,
				want:  []string{`"status":"cancelled"`},
				check: postingHas(a, `"kind":"release"`, `"delta":-30`, `"actor":"`+a.testerID()+`"`, `"reason":"取消调度方案 #1"`)},
			{name: "free again", method: "GET", path: "/api/balances?depot=D-TEST-B&group_by=item", status: 200,
				want: []string{`"quantity":100,"reserved":0,"usable":100`}},
			{name: "execute a cancelled plan", method: "POST", path: "/api/plans/1/execute", status: 409,
				code: "plan.status", field: "status"},
			{name: "a new plan takes it", method: "POST", path: "/api/plans", body: `{}`, status: 201,
				want: []string{`"id":2`, `"incidents":["FS-FLOOD"]`, `"planned":30`, `"short":0`}},
		})
	})
}

// TestStaleApproval computes two plans over the same stock: the first to be
// approved wins, the second is told to recompute and changes nothing.
func TestStaleApproval(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, a *testAPI) {
		runScenarios(t, a, []scenario{
			{name: "stock", method: "POST", path: "/api/movements", body: receiveTentsB, status: 201},
			{name: "first plan", method: "POST", path: "/api/plans", body: planFor(incident("FS-FLOOD", tents(80))),
				status: 201, want: []string{`"id":1`, `"planned":80`}},
			{name: "second plan over the same stock", method: "POST", path: "/api/plans",
				body: `{"incidents":["FS-FLOOD"]}`, status: 201, want: []string{`"id":2`, `"planned":80`}},
			{name: "approve the first", method: "POST", path: "/api/plans/1/approve", status: 200,
				want: []string{`"status":"approved"`}},
			{name: "approve the second", method: "POST", path: "/api/plans/2/approve", status: 409,
				code: "plan.stale", want: []string{"recompute", "重新计算"}},
			{name: "the second is still proposed", method: "GET", path: "/api/plans/2", status: 200,
				want: []string{`"status":"proposed"`}, notWant: []string{`"posting_id"`}},
			{name: "only the first is reserved", method: "GET", path: "/api/balances?depot=D-TEST-B&group_by=item",
				status: 200, want: []string{`"quantity":100,"reserved":80,"usable":20`}},
			{name: "recompute the second", method: "POST", path: "/api/plans/2/recompute", status: 201,
				want: []string{`"id":3`, `"replaces_id":2`, `"planned":20`, `"short":60`}},
			{name: "which can be approved", method: "POST", path: "/api/plans/3/approve", status: 200,
				want: []string{`"status":"approved"`}},
			{name: "all reserved", method: "GET", path: "/api/balances?depot=D-TEST-B&group_by=item",
				status: 200, want: []string{`"quantity":100,"reserved":100,"usable":0`}},
			{name: "the ledger holds", method: "GET", path: "/api/ledger/verify", status: 200, want: []string{`"ok":true`}},
		})
	})
}

// TestPlanUnmetNeeds: needs the planner cannot meet are part of the plan,
// with a reason, not errors.
func TestPlanUnmetNeeds(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, a *testAPI) {
		far := strings.Replace(incident("TIBET", tents(10)), `{"lon":116.14,"lat":39.73}`, `{"lon":100,"lat":30}`, 1)
		runScenarios(t, a, []scenario{
			{name: "stock", method: "POST", path: "/api/movements", body: receiveTentsB, status: 201},
			{name: "unknown item", method: "POST", path: "/api/plans", status: 201,
				body: planFor(incident("FS-ODD", tents(5)+`,{"item":"1019999","quantity":5,"within_hours":6}`)),
				want: []string{`"item":"1019999","item_name_zh":"","demand":5`, `"planned":0,"short":5`,
					`"reason_zh":"物资编码不存在"`, `"reason_en":"unknown item code"`,
					// the known item is still planned
					`"item":"1010101","item_name_zh":"单帐篷","demand":5`, `"planned":5,"short":0`}},
			{name: "site outside the region", method: "POST", path: "/api/plans", body: planFor(far), status: 201,
				want: []string{`"lines":[]`, `"incidents":["TIBET"]`, `"planned":0,"short":10`,
					`"reason_zh":"需求点坐标 30.00000,100.00000 超出本市及周边 300 公里范围，请核对"`, `"reason_en":"site coordinates`}},
			{name: "more than there is", method: "POST", path: "/api/plans", status: 201,
				body: planFor(incident("FS-BIG", tents(150))),
				want: []string{`"demand":150`, `"planned":100,"short":50`, `"quantity":100`,
					`"reason_en":"every reachable unit is already allocated, some to sites with a stronger claim"`}},
			{name: "three plans, nothing reserved", method: "GET", path: "/api/balances?depot=D-TEST-B&group_by=item",
				status: 200, want: []string{`"quantity":100,"reserved":0,"usable":100`}},
			{name: "the plans", method: "GET", path: "/api/plans?status=proposed", status: 200,
				want: []string{`"count":3`}},
		})
	})
}

// TestPlanRequestErrors sends each kind of bad plan request.
func TestPlanRequestErrors(t *testing.T) {
	t.Parallel()
	demand := func(d string) string { return planFor(incident("FS-BAD", d)) }
	eachAPI(t, func(t *testing.T, a *testAPI) {
		incidents := func(want int) scenario {
			return scenario{name: "incidents stored", method: "GET", path: "/api/incidents", status: 200,
				want: []string{`"count":` + strconv.Itoa(want)}, notWant: []string{`"FS-BAD"`}}
		}
		runScenarios(t, a, []scenario{
			{name: "no incidents at all", method: "POST", path: "/api/plans", body: `{}`, status: 409,
				code: "plan.no_incidents", field: "incidents"},
			{name: "no plans", method: "GET", path: "/api/plans", status: 200, want: []string{`"plans":[]`, `"count":0`}},

			{name: "level 5", method: "POST", path: "/api/plans", status: 400, code: "incident.level_invalid",
				field: "incident.level", body: strings.Replace(demand(tents(5)), `"level":2`, `"level":5`, 1)},
			{name: "level 0", method: "POST", path: "/api/plans", status: 400, code: "incident.level_invalid",
				field: "incident.level", body: strings.Replace(demand(tents(5)), `"level":2`, `"level":0`, 1)},
			{name: "no title", method: "POST", path: "/api/plans", status: 400, code: "field.required",
				field: "incident.title", body: strings.Replace(demand(tents(5)), `"title":"房山区山洪"`, `"title":" "`, 1)},
			{name: "bad status", method: "POST", path: "/api/plans", status: 400, code: "incident.status_invalid",
				field: "incident.status", body: strings.Replace(demand(tents(5)), `"level":2`, `"level":2,"status":"done"`, 1)},
			{name: "missing sites", method: "POST", path: "/api/plans", status: 400, code: "field.required",
				field: "incident.sites",
				body:  `{"incident":{"code":"FS-BAD","title":"房山区山洪","type":"flood","level":2,"sites":[]}}`},
			{name: "site without a point", method: "POST", path: "/api/plans", status: 400, code: "geo.point_invalid",
				field: "incident.sites[0].point",
				body:  strings.Replace(demand(tents(5)), `"point":{"lon":116.14,"lat":39.73},`, ``, 1)},
			{name: "site without demands", method: "POST", path: "/api/plans", status: 400, code: "field.required",
				field: "incident.sites[0].demands", body: demand("")},
			{name: "negative quantity", method: "POST", path: "/api/plans", status: 400, code: "quantity.not_positive",
				field: "incident.sites[0].demands[0].quantity", body: demand(tents(-5))},
			{name: "second demand with zero quantity", method: "POST", path: "/api/plans", status: 400,
				code: "quantity.not_positive", field: "incident.sites[0].demands[1].quantity",
				body: demand(tents(5) + "," + tents(0))},
			{name: "within 0 hours", method: "POST", path: "/api/plans", status: 400, code: "demand.within_invalid",
				field: "incident.sites[0].demands[0].within_hours",
				body:  demand(`{"item":"1010101","quantity":5,"within_hours":0}`)},
			{name: "demand without item", method: "POST", path: "/api/plans", status: 400, code: "field.required",
				field: "incident.sites[0].demands[0].item", body: demand(`{"quantity":5,"within_hours":6}`)},
			{name: "duplicate site", method: "POST", path: "/api/plans", status: 400, code: "site.duplicate",
				field: "incident.sites[1].code",
				body: `{"incident":{"code":"FS-BAD","title":"t","level":3,"sites":[
					{"code":"S1","point":{"lon":116.14,"lat":39.73},"demands":[` + tents(1) + `]},
					{"code":"S1","point":{"lon":116.15,"lat":39.74},"demands":[` + tents(1) + `]}]}}`},
			{name: "malformed quantity", method: "POST", path: "/api/plans", status: 400, code: "quantity.malformed",
				field: "quantity", body: demand(`{"item":"1010101","quantity":"lots","within_hours":6}`)},
			{name: "unknown field in a demand", method: "POST", path: "/api/plans", status: 400,
				code: "request.malformed_json", field: "urgent",
				body: demand(`{"item":"1010101","quantity":5,"within_hours":6,"urgent":true}`)},
			{name: "unknown field", method: "POST", path: "/api/plans", status: 400, code: "request.malformed_json",
				field: "incident_code", body: `{"incident_code":"FS-BAD"}`},
			{name: "incidents not an array", method: "POST", path: "/api/plans", status: 400,
				code: "request.malformed_json", field: "incidents", body: `{"incidents":"FS-BAD"}`},
			{name: "empty body", method: "POST", path: "/api/plans", status: 400, code: "request.malformed_json"},
			{name: "too large", method: "POST", path: "/api/plans", status: 413, code: "request.too_large",
				body: `{"incidents":["` + strings.Repeat("x", 2<<20) + `"]}`},
			{name: "unknown incident", method: "POST", path: "/api/plans", body: `{"incidents":["NOPE"]}`, status: 404,
				code: "incident.not_found", field: "incidents[0]", want: []string{"NOPE"}},
			incidents(0),
			{name: "no plans either", method: "GET", path: "/api/plans", status: 200, want: []string{`"count":0`}},

			{name: "store an incident", method: "POST", path: "/api/incidents", body: incident("FS-OK", tents(5)),
				status: 200, want: []string{`"code":"FS-OK"`, `"status":"open"`}},
			{name: "unknown second incident", method: "POST", path: "/api/plans", status: 404,
				body: `{"incidents":["FS-OK","NOPE"]}`, code: "incident.not_found", field: "incidents[1]"},
			{name: "close it", method: "POST", path: "/api/incidents", status: 200,
				body: strings.Replace(incident("FS-OK", tents(5)), `"level":2`, `"level":2,"status":"closed"`, 1),
				want: []string{`"status":"closed"`}},
			{name: "closed incidents are not planned for", method: "POST", path: "/api/plans", body: `{}`,
				status: 409, code: "plan.no_incidents", field: "incidents"},
			{name: "closed incidents", method: "GET", path: "/api/incidents?status=closed", status: 200,
				want: []string{`"count":1`, `"code":"FS-OK"`}},
			{name: "open incidents", method: "GET", path: "/api/incidents?status=open", status: 200,
				want: []string{`"incidents":[]`, `"count":0`}},
			{name: "bad incident status filter", method: "GET", path: "/api/incidents?status=active", status: 400,
				code: "param.invalid", field: "status"},
			{name: "unknown incident code", method: "GET", path: "/api/incidents/NOPE", status: 404,
				code: "incident.not_found"},
			{name: "bad incident", method: "POST", path: "/api/incidents", status: 400, code: "field.required",
				field: "code", body: strings.Replace(incident("X", tents(1)), `"code":"X"`, `"code":""`, 1)},
			incidents(1),

			{name: "plan id not a number", method: "GET", path: "/api/plans/abc", status: 400, code: "param.invalid",
				field: "id"},
			{name: "plan id zero", method: "GET", path: "/api/plans/0", status: 400, code: "param.invalid", field: "id"},
			{name: "approve plan abc", method: "POST", path: "/api/plans/abc/approve", status: 400,
				code: "param.invalid", field: "id"},
			{name: "recompute plan -1", method: "POST", path: "/api/plans/-1/recompute", status: 400,
				code: "param.invalid", field: "id"},
			{name: "unknown plan", method: "GET", path: "/api/plans/999", status: 404, code: "plan.not_found"},
			{name: "approve unknown plan", method: "POST", path: "/api/plans/999/approve", status: 404,
				code: "plan.not_found"},
			{name: "cancel unknown plan", method: "POST", path: "/api/plans/999/cancel", body: `{}`,
				status: 404, code: "plan.not_found"},
			{name: "recompute unknown plan", method: "POST", path: "/api/plans/999/recompute", status: 404,
				code: "plan.not_found"},
			{name: "bad plan status filter", method: "GET", path: "/api/plans?status=done", status: 400,
				code: "param.invalid", field: "status"},
			{name: "DELETE a plan", method: "DELETE", path: "/api/plans/1", status: 405,
				code: "request.method_not_allowed"},
		})
	})
}

// TestPlanActionBodies checks the optional action body.
func TestPlanActionBodies(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, a *testAPI) {
		runScenarios(t, a, []scenario{
			{name: "stock", method: "POST", path: "/api/movements", body: receiveTentsB, status: 201},
			{name: "plan", method: "POST", path: "/api/plans", body: planFor(incident("FS-FLOOD", tents(10))),
				status: 201},
			{name: "unknown field", method: "POST", path: "/api/plans/1/approve", body: `{"force":true}`,
				status: 400, code: "request.malformed_json", field: "force"},
			{name: "not an object", method: "POST", path: "/api/plans/1/approve", body: `["x"]`, status: 400,
				code: "request.malformed_json"},
			{name: "still proposed", method: "GET", path: "/api/plans/1", status: 200,
				want: []string{`"status":"proposed"`}},
			{name: "chunked body", method: "POST", path: "/api/plans/1/approve", body: `{}`,
				chunked: true, status: 200, want: []string{`"status":"approved"`},
				check: postingHas(a, `"actor":"`+a.testerID()+`"`, `"kind":"reserve"`)},
		})
	})
}

// TestPlanUsesTheStoreClock: an incident stored without reported_at is
// reported at the store's clock, and the planner measures arrivals from
// the same clock. (With the wall clock instead, a pinned store clock put
// every deadline months away from "now".)
func TestPlanUsesTheStoreClock(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, a *testAPI) {
		body := planFor(incidentWith("FS-FLOOD", "", tents(10)))
		runScenarios(t, a, []scenario{
			{name: "stock", method: "POST", path: "/api/movements", body: receiveTentsB, status: 201},
			{name: "plan", method: "POST", path: "/api/plans", body: body, status: 201,
				want:    []string{`"created_at":` + strconv.FormatInt(fixedClock().Unix(), 10), `"within_4h":10`},
				notWant: []string{`"late":true`}},
		})
	})
}

// TestRecomputeApprovedPlanUsesItsOwnStock: recomputing an approved plan
// plans with the stock that plan reserved, since superseding it releases
// that stock in the same transaction, before the new plan is computed.
func TestRecomputeApprovedPlanUsesItsOwnStock(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, a *testAPI) {
		runScenarios(t, a, []scenario{
			{name: "stock", method: "POST", path: "/api/movements", body: receiveTentsB, status: 201},
			{name: "plan", method: "POST", path: "/api/plans", body: planFor(incident("FS-FLOOD", tents(100))),
				status: 201},
			{name: "approve", method: "POST", path: "/api/plans/1/approve", status: 200},
			{name: "recompute", method: "POST", path: "/api/plans/1/recompute", status: 201,
				want: []string{`"replaces_id":1`, `"planned":100,"short":0`, `"code":"D-TEST-B"`}},
		})
	})
}

// TestPlanNamingAnIncidentTwice: {"incidents":["A","A"]} must not plan for
// A twice, doubling every demand; it is refused (400, field incidents[1]).
func TestPlanNamingAnIncidentTwice(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, a *testAPI) {
		runScenarios(t, a, []scenario{
			{name: "stock", method: "POST", path: "/api/movements", body: receiveTentsB, status: 201},
			{name: "incident", method: "POST", path: "/api/incidents", body: incident("FS-FLOOD", tents(30)), status: 200},
		})
		runScenarios(t, a, []scenario{
			{name: "named twice", method: "POST", path: "/api/plans", body: `{"incidents":["FS-FLOOD","FS-FLOOD"]}`,
				status: 400, code: "plan.incident_repeated", field: "incidents[1]"},
		})
	})
}
