package api

import (
	"context"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
)

func TestBalances(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, a *testAPI) {
		runScenarios(t, a, []scenario{
			{name: "empty", method: "GET", path: "/api/balances", status: 200,
				want: []string{`"group_by":"lot"`, `"today":"2026-06-01"`, `"rows":[]`,
					`"totals":{"rows":0,"quantity":0,"reserved":0,"usable":0,"volume_m3":0}`}},
			{name: "receive tents", method: "POST", path: "/api/movements", body: receiveTents, status: 201},
			{name: "receive geotextile", method: "POST", path: "/api/movements", body: receiveGeotextile, status: 201},
			{name: "issue tents", method: "POST", path: "/api/movements", body: issueTents, status: 201},
			{name: "move tents", method: "POST", path: "/api/movements", body: moveTents, status: 201},

			{name: "by depot", method: "GET", path: "/api/balances?depot=C-TEST-A", status: 200,
				want: []string{`"depot":"C-TEST-A"`, `"lot":"TENT-A"`, `"quantity":250`, `"usable":250`,
					`"totals":{"rows":1,"quantity":250,"reserved":0,"usable":250`},
				notWant: []string{`"depot":"D-TEST-B"`}},
			{name: "by depot, per item", method: "GET", path: "/api/balances?depot=D-TEST-B&group_by=item", status: 200,
				want: []string{`"group_by":"item"`, `"item":"1010101"`, `"quantity":30`, `"item":"3010201"`,
					`"quantity":12.5`, `"totals":{"rows":2,"quantity":42.5`}},
			{name: "by item, per depot", method: "GET", path: "/api/balances?item=1010101&group_by=depot", status: 200,
				want: []string{`"depot":"C-TEST-A"`, `"quantity":250`, `"depot":"D-TEST-B"`, `"quantity":30`,
					`"totals":{"rows":2,"quantity":280,"reserved":0,"usable":280`}},
			// One lot, part of it moved to the other depot: lots counts
			// a lot once in each depot holding it (depot_stock.lots).
			{name: "by item, per item", method: "GET", path: "/api/balances?item=1010101&group_by=item", status: 200,
				want: []string{`"item_name_zh":"单帐篷"`, `"unit_zh":"顶"`, `"lots":2`, `"depots":2`,
					`"totals":{"rows":1,"quantity":280`}},
			{name: "by city", method: "GET", path: "/api/balances?area=110000", status: 200,
				want: []string{`"totals":{"rows":3,"quantity":292.5,"reserved":0,"usable":292.5`}},
			{name: "by district, per depot", method: "GET", path: "/api/balances?area=110111&group_by=depot", status: 200,
				want: []string{`"items":1`, `"items":2`, `"totals":{"rows":2,"quantity":292.5`}},
			{name: "unknown area", method: "GET", path: "/api/balances?area=999999", status: 404, code: "area.not_found",
				field: "area"},
			{name: "unknown depot", method: "GET", path: "/api/balances?depot=NOPE", status: 200,
				want: []string{`"rows":[]`}},
			{name: "bad grouping", method: "GET", path: "/api/balances?group_by=colour", status: 400, code: "param.invalid",
				field: "group_by"},
			{name: "depot usage follows stock", method: "GET", path: "/api/depots/D-TEST-B", status: 200,
				notWant: []string{`"used_m3":0,`}},
		})
	})
}

// TestVerifyReportsABrokenLedger alters a balance behind the program's
// back: verification still answers 200, and says ok:false.
func TestVerifyReportsABrokenLedger(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.DSN(t, engine)
			s := storetest.OpenDSN(t, engine, dsn, store.WithClock(fixedClock))
			w := storetest.Build(t, s)
			a := newTestAPI(t, s)
			a.w = w
			scenario{name: "receive", method: "POST", path: "/api/movements", body: receiveTents, status: 201}.run(t, a)
			scenario{name: "intact", method: "GET", path: "/api/ledger/verify", status: 200,
				want: []string{`"ok":true`}}.run(t, a)

			if _, err := storetest.Insider(t, engine, dsn).ExecContext(ctx, `UPDATE balances SET quantity = quantity + 1000`); err != nil {
				t.Fatal(err)
			}
			scenario{name: "tampered", method: "GET", path: "/api/ledger/verify", status: 200,
				want: []string{`"ok":false`, `"balance_mismatches":[{`, `"stored":301`, `"ledger":300`}}.run(t, a)
		})
	}
}
