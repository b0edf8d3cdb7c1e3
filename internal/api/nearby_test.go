package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// nearbyOf decodes a nearby response.
func nearbyOf(t *testing.T, rec *httptest.ResponseRecorder) nearbyResponse {
	t.Helper()
	var res nearbyResponse
	decodeBody(t, rec, &res)
	return res
}

// checkNearby checks a nearby answer's own consistency: sorted by arrival,
// each within the window, arrival = ready + travel, the total their sum.
func checkNearby(t *testing.T, res nearbyResponse) {
	t.Helper()
	var total stock.Quantity
	for i, s := range res.Sources {
		if s.ArrivalMin != s.ReadyMin+s.TravelMin || float64(s.ArrivalMin) > res.Hours*60 || s.Usable <= 0 {
			t.Errorf("source %+v: arrival not ready+travel within %v h", s, res.Hours)
		}
		if i > 0 && res.Sources[i-1].ArrivalMin > s.ArrivalMin {
			t.Errorf("sources out of order at %d: %d after %d", i, s.ArrivalMin, res.Sources[i-1].ArrivalMin)
		}
		if (s.Kind == dispatch.SourceAgreement) != (s.ReadyMin > 0) {
			t.Errorf("source %s (%s) ready after %d min", s.Code, s.Kind, s.ReadyMin)
		}
		total += s.Usable
	}
	if total != res.Total {
		t.Errorf("total %s, sources add up to %s", res.Total, total)
	}
}

func TestNearbyStock(t *testing.T) {
	t.Parallel()
	eachDemoAPI(t, func(t *testing.T, a *testAPI) {
		ctx := context.Background()
		const tents = "1010101"
		// Liangxiang, Fangshan: the site of the sample flood incident.
		const at = "&lon=116.146&lat=39.73"
		rec := scenario{name: "tents within 4 h", method: "GET", path: "/api/stock/nearby?item=" + tents + at,
			status: http.StatusOK, want: []string{`"name_zh":"单帐篷"`, `"router":"great-circle`}}.run(t, a)
		four := nearbyOf(t, rec)
		checkNearby(t, four)
		if four.Hours != 4 || four.Item.Code != tents || four.Item.UnitZH == "" || len(four.Sources) == 0 {
			t.Fatalf("4 h answer %+v", four)
		}
		// Each depot's figure is its usable stock of the item.
		for _, s := range four.Sources {
			if s.Kind != dispatch.SourceDepot {
				continue
			}
			rep, err := a.s.Balances(ctx, store.BalanceQuery{Depot: s.Code, Item: tents, GroupBy: "item"})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Totals.Usable != s.Usable {
				t.Errorf("%s: usable %s, balances say %s", s.Code, s.Usable, rep.Totals.Usable)
			}
		}

		// 72 h reach every source in Beijing: all depots with usable tents
		// and every agreement for tents valid today.
		long := nearbyOf(t, a.do("GET", "/api/stock/nearby?item="+tents+at+"&hours=72", "", nil, false))
		checkNearby(t, long)
		rep, err := a.s.Balances(ctx, store.BalanceQuery{Item: tents, GroupBy: "depot"})
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, r := range rep.Rows {
			if r.Usable > 0 {
				want++
			}
		}
		ags, err := a.s.Agreements(ctx, store.ReserveFilter{Item: tents, ActiveOn: a.s.Today()})
		if err != nil {
			t.Fatal(err)
		}
		for _, ag := range ags {
			if ag.Free() > 0 {
				want++
			}
		}
		if len(long.Sources) != want || long.Considered != want {
			t.Errorf("72 h: %d sources (%d considered), want %d", len(long.Sources), long.Considered, want)
		}
		if len(four.Sources) >= len(long.Sources) || four.Total >= long.Total {
			t.Errorf("4 h (%d sources, %s) should be fewer than 72 h (%d, %s)", len(four.Sources), four.Total,
				len(long.Sources), long.Total)
		}

		runScenarios(t, a, []scenario{
			{name: "unknown item", method: "GET", path: "/api/stock/nearby?item=9999999" + at,
				status: http.StatusNotFound, code: "item.not_found", field: "item"},
			{name: "no item", method: "GET", path: "/api/stock/nearby?lon=116.1&lat=39.7",
				status: http.StatusBadRequest, code: "field.required", field: "item"},
			{name: "lon not a number", method: "GET", path: "/api/stock/nearby?item=" + tents + "&lon=east&lat=39.7",
				status: http.StatusBadRequest, code: "param.invalid", field: "lon"},
			{name: "lon out of range", method: "GET", path: "/api/stock/nearby?item=" + tents + "&lon=216.1&lat=39.7",
				status: http.StatusBadRequest, code: "geo.lon_invalid", field: "lon"},
			{name: "no lat", method: "GET", path: "/api/stock/nearby?item=" + tents + "&lon=116.1",
				status: http.StatusBadRequest, code: "field.required", field: "lat"},
			{name: "zero hours", method: "GET", path: "/api/stock/nearby?item=" + tents + at + "&hours=0",
				status: http.StatusBadRequest, code: "nearby.hours_invalid", field: "hours"},
			{name: "100 hours", method: "GET", path: "/api/stock/nearby?item=" + tents + at + "&hours=100",
				status: http.StatusBadRequest, code: "nearby.hours_invalid", field: "hours"},
		})
	})
}
