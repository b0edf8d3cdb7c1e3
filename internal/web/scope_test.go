package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// TestReadScope signs in as demo accounts of different scopes and checks
// that the dashboard, the stock tabs and the map show the depots, lots and
// ledger entries their scope reaches (access.Actor.View), as the store
// counts them, and that a depot beyond it is not found; incidents and
// plans are on the map only for those who may read them.
func TestReadScope(t *testing.T) {
	t.Parallel()
	eachDemoSite(t, func(t *testing.T, site *testSite) {
		ctx := context.Background()
		streets := dispatchStreets(t, site.s)
		postPlan(t, site, "/api/plans", dispatchIncident("T-SCOPE", streets[0], streets[1]))
		all, err := site.s.Depots(ctx, store.DepotFilter{})
		if err != nil {
			t.Fatal(err)
		}
		actors := demoActors(t, site)
		for _, c := range []struct {
			user   string
			depots func(codes []string) bool // what the expected depots must be like
		}{
			{"keeper-mentougou", func(codes []string) bool { return slices.Equal(codes, []string{"D-110109-01"}) }},
			{"manager-mentougou", func(codes []string) bool {
				return slices.Contains(codes, "D-110109-01") && slices.Contains(codes, "S-110109004-01") && len(codes) < len(all)
			}},
			{"partner-grain", func(codes []string) bool { return len(codes) > 0 && len(codes) < len(all) }},
			{"commander-city", func(codes []string) bool { return len(codes) == len(all) }},
		} {
			t.Run(c.user, func(t *testing.T) {
				who := actors[c.user]
				view := who.View(access.StockRead)
				ds, err := site.s.Depots(ctx, store.DepotFilter{View: &view})
				if err != nil {
					t.Fatal(err)
				}
				var want []string
				for _, d := range ds {
					want = append(want, d.Code)
				}
				if !c.depots(want) {
					t.Fatalf("%s's scope reaches %v: not what the demo gives them", c.user, want)
				}
				client := site.as(t, c.user)
				page := func(path string) string {
					t.Helper()
					got := site.fetch(t, client, "GET", path, nil)
					if got.status != http.StatusOK {
						t.Fatalf("GET %s as %s: %d", path, c.user, got.status)
					}
					return got.body
				}

				if got := stockAttr(page("/stock/depots"), "data-depot"); !slices.Equal(got, want) {
					t.Errorf("depots tab: %v, want %v", got, want)
				}
				contains(t, "dashboard", page("/"), `data-kpi="depots">`+strconv.Itoa(len(want))+`<`)

				lots, err := site.s.StockLots(ctx, store.LotQuery{View: &view, Limit: 500})
				if err != nil {
					t.Fatal(err)
				}
				body := page("/stock/lots")
				if n := len(stockAttr(body, "data-lot")); n != len(lots.Rows) || n == 0 {
					t.Errorf("lots tab: %d lots, the store shows %s %d", n, c.user, len(lots.Rows))
				}
				if view.Org == "" {
					for _, m := range regexp.MustCompile(`<td><a href="/stock/lots\?depot=([^"]+)">`).FindAllStringSubmatch(body, -1) {
						if !slices.Contains(want, m[1]) {
							t.Errorf("lots tab shows a lot in %s", m[1])
							break
						}
					}
				}
				moves, err := site.s.StockMovements(ctx, store.MovementQuery{View: &view, Limit: 100})
				if err != nil {
					t.Fatal(err)
				}
				if n := len(stockAttr(page("/stock/movements"), "data-seq")); n != len(moves.Rows) {
					t.Errorf("ledger tab: %d entries, the store shows %s %d", n, c.user, len(moves.Rows))
				}
				choices := stockAttr(page("/stock/lots"), `option value`)
				for _, d := range all {
					if slices.Contains(choices, d.Code) != slices.Contains(want, d.Code) {
						t.Errorf("depot filter offers %s: %v", d.Code, slices.Contains(choices, d.Code))
					}
				}

				var data struct {
					Depots    []struct{ Code string }
					Incidents []struct{ Code string }
				}
				if err := json.Unmarshal([]byte(page("/map/data.json")), &data); err != nil {
					t.Fatal(err)
				}
				var onMap []string
				for _, d := range data.Depots {
					onMap = append(onMap, d.Code)
				}
				if !slices.Equal(onMap, want) {
					t.Errorf("map: depots %v, want %v", onMap, want)
				}
				if dispatch := who.Can(access.DispatchRead); dispatch != (len(data.Incidents) > 0) {
					t.Errorf("map: %d incidents for one who may read them: %v", len(data.Incidents), dispatch)
				}

				for _, d := range all {
					if slices.Contains(want, d.Code) {
						continue
					}
					for _, path := range []string{"/stock/lots?depot=" + d.Code, "/map?depot=" + d.Code} {
						if got := site.fetch(t, client, "GET", path, nil); got.status != http.StatusNotFound ||
							!strings.Contains(got.body, d.Code) {
							t.Errorf("GET %s, beyond %s's scope: %d, want 404", path, c.user, got.status)
						}
					}
					break
				}
			})
		}
	})
}
