package api

import (
	"context"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/account"
	"github.com/stockpile-dev/stockpile/internal/cst"
	"github.com/stockpile-dev/stockpile/internal/statement"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// statementLedger posts, at the times given, what TestStatements reads,
// and leaves the clock at fixedClock (2026-06-01 in China). Tents at A:
// April +100 −30 (to B) = 70; May −5 (scrap) = 65. Tents at B: April +30;
// May −10 (issue) +1 (count gain) = 21.
func statementLedger(t *testing.T, a *testAPI, clk *testClock) {
	t.Helper()
	ctx := context.Background()
	var lot string
	for _, p := range []struct {
		at    string
		lines []stock.Line
	}{
		{"2026-04-05 10:00:00", []stock.Line{{Kind: stock.KindReceive, Depot: a.w.DepotA, Item: "1010101",
			Quantity: stock.Units(100), NewLot: &stock.LotSpec{Batch: "T-STMT", ExpiresOn: "2030-01-01"}}}},
		{"2026-04-20 10:00:00", []stock.Line{{Kind: stock.KindTransfer, Depot: a.w.DepotA, ToDepot: a.w.DepotB,
			Item: "1010101", Quantity: stock.Units(30)}}},
		{"2026-05-10 10:00:00", []stock.Line{{Kind: stock.KindScrap, Depot: a.w.DepotA, Item: "1010101", Quantity: stock.Units(5)},
			{Kind: stock.KindIssue, Depot: a.w.DepotB, Item: "1010101", Quantity: stock.Units(10)}}},
		{"2026-05-15 10:00:00", []stock.Line{{Kind: stock.KindAdjust, Depot: a.w.DepotB, Item: "1010101", Quantity: stock.Units(1)}}},
	} {
		at, err := time.ParseInLocation("2006-01-02 15:04:05", p.at, cst.Zone)
		if err != nil {
			t.Fatal(err)
		}
		clk.mu.Lock()
		clk.t = at
		clk.mu.Unlock()
		for i := range p.lines {
			if p.lines[i].Kind == stock.KindScrap || p.lines[i].Kind == stock.KindAdjust {
				p.lines[i].Lot = lot
			}
		}
		res, err := a.s.Post(ctx, stock.Posting{Actor: "库管员", Reason: "收发存 " + p.at, Lines: p.lines})
		if err != nil {
			t.Fatalf("posting at %s: %v", p.at, err)
		}
		lot = res.Entries[0].LotCode
	}
	clk.mu.Lock()
	clk.t = fixedClock()
	clk.mu.Unlock()
}

// statementOf decodes a statement and writes each row as
// "depot item opening in… out… closing", in units.
func statementOf(t *testing.T, rec *httptest.ResponseRecorder) (statement.Period, []string) {
	t.Helper()
	var st statement.Statement
	decodeBody(t, rec, &st)
	var out []string
	for _, r := range st.Rows {
		if !r.Balanced() {
			t.Errorf("%s %s does not balance: %+v", r.Depot, r.Item, r)
		}
		f := []string{r.Depot, r.Item, r.Opening.String()}
		for _, c := range statement.Columns {
			f = append(f, r.Get(c).String())
		}
		out = append(out, strings.Join(append(f, r.Closing.String()), " "))
	}
	return st.Period, out
}

func TestStatements(t *testing.T) {
	t.Parallel()
	eachClockAPI(t, func(t *testing.T, a *testAPI, clk *testClock) {
		statementLedger(t, a, clk)
		a.addPrincipal(t, "keeper", account.User{Username: "keeper-b", Roles: []access.Role{access.RoleKeeper},
			AreaCode: a.w.District, OrgCode: a.w.Bureau, Depots: []string{a.w.DepotB}})
		A, B := a.w.DepotA, a.w.DepotB
		//                 open rcv tin ret gain iss tout scr loss close
		may := []string{A + " 1010101 70 0 0 0 0 0 0 5 0 65", B + " 1010101 30 0 0 0 1 10 0 0 0 21"}
		statementIs := func(from, to string, rows ...string) func(*testing.T, *httptest.ResponseRecorder) {
			return func(t *testing.T, rec *httptest.ResponseRecorder) {
				p, got := statementOf(t, rec)
				if p.From != from || p.To != to || !slices.Equal(got, rows) {
					t.Errorf("statement %s … %s:\n%s\nwant %s … %s:\n%s", p.From, p.To, strings.Join(got, "\n"), from, to,
						strings.Join(rows, "\n"))
				}
			}
		}
		runScenarios(t, a, []scenario{
			{name: "May", method: "GET", path: "/api/statements?from=2026-05-01&to=2026-05-31", status: 200,
				check: statementIs("2026-05-01", "2026-05-31", may...)},
			{name: "April and May", method: "GET", path: "/api/statements?from=2026-04-01&to=2026-05-31", status: 200,
				check: statementIs("2026-04-01", "2026-05-31", A+" 1010101 0 100 0 0 0 0 30 5 0 65",
					B+" 1010101 0 0 30 0 1 10 0 0 0 21")},
			{name: "this month so far, by default", method: "GET", path: "/api/statements", status: 200,
				check: statementIs("2026-06-01", "2026-06-01", A+" 1010101 65 0 0 0 0 0 0 0 0 65",
					B+" 1010101 21 0 0 0 0 0 0 0 0 21")},
			{name: "the month of to, up to today", method: "GET", path: "/api/statements?to=2026-12-31&depot=" + B, status: 200,
				check: statementIs("2026-06-01", "2026-06-01", B+" 1010101 21 0 0 0 0 0 0 0 0 21")},
			{name: "one depot", method: "GET", path: "/api/statements?from=2026-05-01&to=2026-05-31&depot=" + A, status: 200,
				check: statementIs("2026-05-01", "2026-05-31", may[0]),
				want:  []string{`"depot_name_zh":"测试市级库"`, `"unit_zh":"顶"`, `"scrapped":5`, `"closing":65`}},
			{name: "nothing held of an item", method: "GET", path: "/api/statements?item=1030101", status: 200,
				want: []string{`"rows":[]`}},
			{name: "a keeper sees their depot", as: "keeper", method: "GET", path: "/api/statements?from=2026-05-01&to=2026-05-31",
				status: 200, check: statementIs("2026-05-01", "2026-05-31", may[1])},
			{name: "a depot beyond a keeper's", as: "keeper", method: "GET", path: "/api/statements?depot=" + A, status: 404,
				code: "depot.not_found", field: "depot"},
			{name: "ends before it starts", method: "GET", path: "/api/statements?from=2026-05-31&to=2026-05-01", status: 400,
				code: "statement.period_invalid", field: "from"},
			{name: "not a date", method: "GET", path: "/api/statements?to=31.05.2026", status: 400,
				code: "date.malformed", field: "to"},
			{name: "unknown depot", method: "GET", path: "/api/statements?depot=NOPE", status: 404,
				code: "depot.not_found", field: "depot"},
			{name: "unknown item", method: "GET", path: "/api/statements?item=9999999", status: 404,
				code: "item.not_found", field: "item"},
			{name: "anonymous", anonymous: true, method: "GET", path: "/api/statements", status: 401, code: "auth.required"},

			{name: "as of the end of April", method: "GET", path: "/api/stock/as-of?date=2026-04-30", status: 200,
				want: []string{`"date":"2026-04-30"`, `"by":"item"`, `"depot":"` + A + `"`, `"quantity":70`,
					`"depot":"` + B + `"`, `"quantity":30`}, notWant: []string{`"lot"`}},
			{name: "as of the end of April, by lot", method: "GET", path: "/api/stock/as-of?date=2026-04-30&by=lot&depot=" + B,
				status: 200, want: []string{`"by":"lot"`, `"batch":"T-STMT"`, `"expires_on":"2030-01-01"`, `"quantity":30`}},
			{name: "as of a day in the future", method: "GET", path: "/api/stock/as-of?date=2027-01-01", status: 200,
				want: []string{`"date":"2026-06-01"`, `"quantity":65`, `"quantity":21`}},
			{name: "as of before the ledger", method: "GET", path: "/api/stock/as-of?date=2026-04-04", status: 200,
				want: []string{`"rows":[]`}},
			{name: "a keeper's depot as of", as: "keeper", method: "GET", path: "/api/stock/as-of?date=2026-04-30", status: 200,
				want: []string{`"quantity":30`}, notWant: []string{A}},
			{name: "as of no date", method: "GET", path: "/api/stock/as-of?date=2026-02-30", status: 400,
				code: "date.malformed", field: "date"},
			{name: "as of by colour", method: "GET", path: "/api/stock/as-of?by=colour", status: 400,
				code: "param.invalid", field: "by"},
		})
	})
}

// TestStatementExports exports the statement and the snapshot as files:
// the documented header row, the rows of the JSON answer, the caller's
// view, and a bad filter answered as an error before anything is sent.
func TestStatementExports(t *testing.T) {
	t.Parallel()
	eachClockAPI(t, func(t *testing.T, a *testAPI, clk *testClock) {
		statementLedger(t, a, clk)
		keeper := a.addPrincipal(t, "keeper", account.User{Username: "keeper-b", Roles: []access.Role{access.RoleKeeper},
			AreaCode: a.w.District, OrgCode: a.w.Bureau, Depots: []string{a.w.DepotB}})
		A, B := a.w.DepotA, a.w.DepotB
		for _, format := range []string{"csv", "xlsx"} {
			rec := a.do("GET", "/api/exports/statement."+format+"?from=2026-05-01&to=2026-05-31", "", nil, false)
			if cd, want := rec.Header().Get("Content-Disposition"),
				"attachment; filename=stockpile-statement-2026-06-01."+format; cd != want {
				t.Errorf("statement.%s: Content-Disposition %q, want %q", format, cd, want)
			}
			rows := tableOf(t, rec, format)
			for i, h := range rows[0] {
				rows[0][i] = strings.ReplaceAll(h, "\n", " ") // an .xlsx header cell has two lines
			}
			want := [][]string{statementExport.list.Heads,
				{"2026-05-01", "2026-05-31", A, "测试市级库", "1010101", "单帐篷", "顶", "70", "0", "0", "0", "0", "0", "0", "5", "0", "65"},
				{"2026-05-01", "2026-05-31", B, "测试区级库", "1010101", "单帐篷", "顶", "30", "0", "0", "0", "1", "10", "0", "0", "0", "21"}}
			if !slices.EqualFunc(rows, want, slices.Equal) {
				t.Errorf("statement.%s:\n got %q\nwant %q", format, rows, want)
			}
			if h := rows[0]; h[7] != "期初 Opening" || h[12] != "出库/发放 Issued" || h[16] != "期末 Closing" {
				t.Errorf("statement.%s header %q", format, h)
			}
		}
		rows := tableOf(t, a.do("GET", "/api/exports/stock-as-of.csv?date=2026-04-30&by=lot", "", nil, false), "csv")
		if len(rows) != 3 || !slices.Equal(rows[0], asOfExport.list.Heads) || rows[1][0] != "2026-04-30" ||
			rows[1][1] != A || rows[1][7] != "T-STMT" || rows[1][9] != "70" || rows[2][1] != B || rows[2][9] != "30" {
			t.Errorf("stock-as-of.csv by lot: %q", rows)
		}
		rows = tableOf(t, a.do("GET", "/api/exports/stock-as-of.xlsx?date=2026-05-31", "", keeper.bearer(), false), "xlsx")
		if len(rows) != 2 || rows[1][1] != B || rows[1][6] != "" || rows[1][9] != "21" {
			t.Errorf("the keeper's stock-as-of.xlsx: %q", rows)
		}
		for _, tc := range []struct {
			path        string
			status      int
			code, field string
		}{
			{"/api/exports/statement.csv?from=2026-06-30&to=2026-06-01", 400, "statement.period_invalid", "from"},
			{"/api/exports/stock-as-of.xlsx?date=yesterday", 400, "date.malformed", "date"},
			{"/api/exports/statement.xlsx?depot=" + A, 404, "depot.not_found", "depot"}, // beyond the keeper's depot
		} {
			rec := a.do("GET", tc.path, "", keeper.bearer(), false)
			if rec.Code != tc.status {
				t.Fatalf("%s: status %d, want %d", tc.path, rec.Code, tc.status)
			}
			checkError(t, rec, tc.code, tc.field)
		}
	})
}

// TestStatementMatchesTheStore: the store's rows reach the JSON answer
// unchanged, for the period the use case made of the one asked.
func TestStatementMatchesTheStore(t *testing.T) {
	t.Parallel()
	eachClockAPI(t, func(t *testing.T, a *testAPI, clk *testClock) {
		statementLedger(t, a, clk)
		rows, err := a.s.Statement(context.Background(), access.View{All: true},
			store.StatementFilter{From: "2026-04-01", To: "2026-06-30"})
		if err != nil {
			t.Fatal(err)
		}
		var st statement.Statement
		decodeBody(t, a.do("GET", "/api/statements?from=2026-04-01&to=2026-06-30", "", nil, false), &st)
		if st.To != "2026-06-01" || !slices.Equal(st.Rows, rows) {
			t.Errorf("API %s … %s %+v\nstore %+v", st.From, st.To, st.Rows, rows)
		}
	})
}
