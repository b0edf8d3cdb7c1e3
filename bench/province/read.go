package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"time"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/account"
	"github.com/stockpile-dev/stockpile/internal/api"
	"github.com/stockpile-dev/stockpile/internal/ops"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// filter keeps the reads whose name contains it (-only).
var filter string

// persona is who reads: their view of stock and a token for the API.
type persona struct {
	name   string
	view   access.View
	bearer string
	area   string // the area their pages show (a city or a district)
	depot  string // a depot of theirs
}

// read is one read people make, timed as a whole.
type read struct {
	name string
	do   func(ctx context.Context) error
}

// measure times each read of each persona runs times and prints p50 and
// p99.
func measure(ctx context.Context, s *store.Store, raw *sql.DB, w world, runs int) error {
	h, people, err := personas(ctx, s, w)
	if err != nil {
		return err
	}
	lots, err := s.StockLots(ctx, store.LotQuery{Limit: 1})
	if err != nil {
		return err
	}
	fmt.Printf("%s: %d depots, %d lot balances on hand\n\n", s.Engine(), len(w.depots), lots.Total)
	fmt.Println("| who | read | p50 | p99 |")
	fmt.Println("|---|---|---|---|")
	for _, p := range people {
		for _, r := range reads(s, raw, h, p) {
			if !strings.Contains(r.name, filter) {
				continue
			}
			p50, p99, err := timeRead(ctx, r, runs)
			if err != nil {
				return fmt.Errorf("%s, %s: %w", p.name, r.name, err)
			}
			fmt.Printf("| %s | %s | %s | %s |\n", p.name, r.name, ms(p50), ms(p99))
		}
	}
	return nil
}

// timeRead runs r runs times, after one run to warm the caches.
func timeRead(ctx context.Context, r read, runs int) (p50, p99 time.Duration, err error) {
	if err := r.do(ctx); err != nil {
		return 0, 0, err
	}
	ds := make([]time.Duration, runs)
	for i := range ds {
		start := time.Now()
		if err := r.do(ctx); err != nil {
			return 0, 0, err
		}
		ds[i] = time.Since(start)
	}
	slices.Sort(ds)
	return ds[len(ds)/2], ds[(len(ds)*99+99)/100-1], nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

// personas signs in a provincial commander, a city commander and a
// district keeper (through API tokens) and returns the API handler.
func personas(ctx context.Context, s *store.Store, w world) (http.Handler, []persona, error) {
	svc := ops.New(s, ops.Options{})
	city := w.cities[0]
	district := w.districts[city][0]
	keeps := w.depotsOf[district]
	suffix := fmt.Sprint(time.Now().Unix())
	people := []persona{
		{name: "province commander", view: access.View{All: true}, area: city, depot: w.depots[0]},
		{name: "city commander", view: access.View{AreaPath: city + "/"}, area: city, depot: w.depots[0]},
		{name: "district keeper", view: access.View{Depots: keeps}, area: district, depot: keeps[0]},
		{name: "city reserve manager", view: access.View{AreaPath: city + "/"}, area: city, depot: w.depots[0]},
	}
	users := []account.User{
		{Username: "prov-" + suffix, Roles: []access.Role{access.RoleAdmin}, AreaCode: city, OrgCode: "EMB-" + city},
		{Username: "city-" + suffix, Roles: []access.Role{access.RoleCommander}, AreaCode: city, OrgCode: "EMB-" + city},
		{Username: "keeper-" + suffix, Roles: []access.Role{access.RoleKeeper}, AreaCode: district,
			OrgCode: "EMB-" + district, Depots: keeps},
		{Username: "manager-" + suffix, Roles: []access.Role{access.RoleManager}, AreaCode: city, OrgCode: "EMB-" + city},
	}
	sys := access.SystemActor("bench")
	for i, u := range users {
		if _, _, err := svc.CreateUser(ctx, sys, u, "bench-password-"+suffix); err != nil {
			return nil, nil, err
		}
		_, secret, err := svc.CreateToken(ctx, sys, account.Token{Name: "bench", Username: u.Username,
			ExpiresAt: time.Now().AddDate(0, 0, 1).Unix()})
		if err != nil {
			return nil, nil, err
		}
		people[i].bearer = "Bearer " + secret
	}
	// The provincial commander's API reads act as an administrator of one
	// city (the schema has no province level); their store reads see all.
	return api.NewHandler(svc, api.Options{}), people, nil
}

// reads are the reads a persona makes.
func reads(s *store.Store, raw *sql.DB, h http.Handler, p persona) []read {
	v := &p.view
	horizon := stock.AddDays(s.Today(), stock.RotationDays)
	rs := []read{
		{"dashboard (totals, depots, areas)", func(ctx context.Context) error {
			if _, err := s.StockTotals(ctx, store.TotalsQuery{Horizon: horizon, View: v}); err != nil {
				return err
			}
			if _, err := s.Depots(ctx, store.DepotFilter{View: v}); err != nil {
				return err
			}
			_, err := s.Areas(ctx, "")
			return err
		}},
		{"dashboard, before (every lot)", func(ctx context.Context) error {
			_, err := s.Balances(ctx, store.BalanceQuery{GroupBy: "lot", View: v})
			return err
		}},
		{"stock: catalogue page", func(ctx context.Context) error {
			_, err := s.StockItems(ctx, store.ItemFilter{View: v}, "", false)
			return err
		}},
		{"stock: depots page", func(ctx context.Context) error {
			_, err := s.StockDepots(ctx, store.DepotFilter{View: v}, "")
			return err
		}},
		{"balances by item, one depot", balances(s, v, store.BalanceQuery{Depot: p.depot})},
		{"balances by item, " + p.area, balances(s, v, store.BalanceQuery{Area: p.area})},
		{"lots page 1", lotsPage(s, v, 0)},
		{"lots page 100", lotsPage(s, v, 99*100)},
		{"lots page 1, expiring (capped count)", func(ctx context.Context) error {
			_, err := s.StockLots(ctx, store.LotQuery{View: v, Limit: 100, ExpiresBy: horizon, ByExpiry: true})
			return err
		}},
		{"movements page 1", func(ctx context.Context) error {
			_, err := s.StockMovements(ctx, store.MovementQuery{View: v, Limit: 100})
			return err
		}},
		{"map data", func(ctx context.Context) error {
			_, err := s.DepotSummaries(ctx, 90, v)
			return err
		}},
		{"GET /api/depots", get(h, p, "/api/depots")},
		{"GET /api/exports/lots.csv?depot=…", get(h, p, "/api/exports/lots.csv?depot="+p.depot)},
		{"GET /api/exports/report.xlsx?area=…", get(h, p, "/api/exports/report.xlsx?area="+p.area)},
		// The warehouse keeper's screens (作业): the inbox behind every
		// page's header, care due, the month's 收发存 and yesterday's stock.
		{"作业: GET /api/inbox", get(h, p, "/api/inbox")},
		{"作业: GET /api/care/due?within=30", get(h, p, "/api/care/due?within=30")},
		{"作业: GET /api/statements (this month)", get(h, p, "/api/statements")},
		{"作业: GET /api/stock/as-of (yesterday)", get(h, p, "/api/stock/as-of?date="+stock.AddDays(s.Today(), -1))},
	}
	if raw != nil {
		rs = append(rs, read{"lots page 1, before (COUNT(*) of all, then sort)", oldLotsPage(raw, v)})
	}
	return rs
}

func balances(s *store.Store, v *access.View, q store.BalanceQuery) func(context.Context) error {
	q.GroupBy, q.View = "item", v
	return func(ctx context.Context) error {
		_, err := s.Balances(ctx, q)
		return err
	}
}

func lotsPage(s *store.Store, v *access.View, offset int) func(context.Context) error {
	return func(ctx context.Context) error {
		_, err := s.StockLots(ctx, store.LotQuery{View: v, Limit: 100, Offset: offset})
		return err
	}
}

// oldLotsPage is the lots page as it was before depot_stock (SQLite
// only): the count of every matching lot balance, then the page, sorted.
func oldLotsPage(raw *sql.DB, v *access.View) func(context.Context) error {
	cond, args := "1 = 1", []any{}
	switch {
	case v.AreaPath != "":
		cond, args = "d.area_id IN (SELECT id FROM areas WHERE path LIKE ?)", []any{v.AreaPath + "%"}
	case len(v.Depots) > 0:
		cond = "d.code IN (?" + strings.Repeat(", ?", len(v.Depots)-1) + ")"
		for _, d := range v.Depots {
			args = append(args, d)
		}
	}
	from := ` FROM balances b JOIN depots d ON d.id = b.depot_id JOIN items i ON i.id = b.item_id
		JOIN lots l ON l.id = b.lot_id JOIN orgs o ON o.id = l.owner_id WHERE b.quantity > 0 AND ` + cond
	return func(ctx context.Context) error {
		var n int
		if err := raw.QueryRowContext(ctx, `SELECT COUNT(*)`+from, args...).Scan(&n); err != nil {
			return err
		}
		rows, err := raw.QueryContext(ctx, `SELECT d.code, i.code, l.code, l.expires_on, o.name_zh, b.quantity`+from+
			` ORDER BY d.code, i.code, l.expires_on, l.code LIMIT 100`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
		}
		return rows.Err()
	}
}

// get asks the API for path as p and reads the whole answer.
func get(h http.Handler, p persona, path string) func(context.Context) error {
	return func(ctx context.Context) error {
		req := httptest.NewRequestWithContext(ctx, "GET", path, nil)
		req.Header.Set("Authorization", p.bearer)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			return fmt.Errorf("GET %s: %d %.200s", path, rec.Code, rec.Body.String())
		}
		_, err := io.Copy(io.Discard, rec.Body)
		return err
	}
}
