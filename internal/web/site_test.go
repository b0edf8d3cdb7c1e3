package web_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/account"
	"github.com/stockpile-dev/stockpile/internal/demo"
	"github.com/stockpile-dev/stockpile/internal/demo/demotest"
	"github.com/stockpile-dev/stockpile/internal/ops"
	"github.com/stockpile-dev/stockpile/internal/server"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/web"
)

// fixedClock pins "today" to 2026-06-01 (China time), so expiry alerts and
// plan times are the same in every run.
func fixedClock() time.Time { return time.Date(2026, 6, 1, 2, 0, 0, 0, time.UTC) }

// testSite is the whole site (web and API) over a store holding the
// Beijing demo, with a browser-like client that keeps cookies, signed in
// as the tester (see signInTester).
type testSite struct {
	s      *store.Store
	svc    *ops.Service
	srv    *httptest.Server
	client *http.Client
	logs   strings.Builder
	// demo holds the demo accounts' passwords, by username, on a demo site.
	demo map[string]string
}

// testParams make password hashes cheap, so that a test can sign in
// often; what a hash costs is not what these tests are about.
var testParams = account.Params{MemoryKiB: 64, Time: 1, Threads: 1}

// eachDemoSite runs fn against the demo site: on SQLite and on PostgreSQL
// for the tests in storeChecks, on SQLite alone for the others.
func eachDemoSite(t *testing.T, fn func(t *testing.T, site *testSite)) {
	t.Helper()
	site := func(t *testing.T, s *store.Store) { fn(t, newDemoSite(t, s)) }
	if storeChecks[t.Name()] {
		demotest.Each(t, site, store.WithClock(fixedClock))
		return
	}
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		site(t, demotest.Open(t, "sqlite", store.WithClock(fixedClock)))
	})
}

// storeChecks names the demo-site tests that check what the store does
// through the site, and so run on both engines: they write through it
// (plans approved, stock reserved) and compare its figures with the store's,
// or they exercise queries that only the web screens use and no store test
// covers on both engines (StockItems, StockDepots, StockLots with its
// filters and by lot code). The other demo-site tests check rendering:
// navigation, languages, error pages, partials and forms drawn from data
// whose queries the store and API tests run on both engines. That does not
// depend on the engine, so they run on SQLite: their PostgreSQL halves took
// 24 s of the package's 86 s under -race (each loaded the demo), against
// 11 s for their SQLite halves.
var storeChecks = map[string]bool{
	"TestDashboard":       true, // figures against Balances, then a plan approved and its reservation shown
	"TestDispatchScreens": true, // a plan created and approved through the API, the stock it reserved
	"TestMapData":         true, // map figures against the lots, after plans approved and cancelled
	"TestStockTabs":       true, // StockItems, StockDepots: web-only queries
	"TestStockFilters":    true, // StockLots and its filters: web-only SQL
	"TestStockLotScan":    true, // StockLots by lot code, on every depot holding it: web-only SQL
	"TestReadScope":       true, // what each demo account sees: the store's View filters, web-only queries
	"TestFlowScreens":     true, // a plan executed, shipped and signed for through the API; progress and sites as the store keeps them
	// Requests, donations, call-offs, replenishment and requisitions
	// decided through the API, each screen's figures as the store keeps them.
	"TestRequestScreens":     true,
	"TestSupplyScreens":      true,
	"TestRequisitionScreens": true,
}

// newTestSite serves the site over s, signed in as the tester.
func newTestSite(t *testing.T, s *store.Store, opts web.Options) *testSite {
	t.Helper()
	site := startSite(t, s, opts)
	site.signInTester(t)
	return site
}

// newDemoSite serves the site over s, which holds the demo, with the
// demo's accounts (ops.Service.AddDemoAccounts), signed in as the tester.
func newDemoSite(t *testing.T, s *store.Store) *testSite {
	t.Helper()
	site := startSite(t, s, web.Options{})
	made, err := site.svc.AddDemoAccounts(t.Context(), demo.Accounts())
	if err != nil || len(made) == 0 {
		t.Fatalf("demo accounts: %d, %v", len(made), err)
	}
	site.demo = map[string]string{}
	for _, a := range made {
		site.demo[a.Username] = a.Password
	}
	site.signInTester(t)
	return site
}

// startSite serves the whole site over s, signed in as no one.
func startSite(t *testing.T, s *store.Store, opts web.Options) *testSite {
	t.Helper()
	site := &testSite{s: s, svc: ops.New(s, ops.Options{PasswordParams: testParams})}
	opts.Logger = slog.New(slog.NewTextHandler(&site.logs, nil))
	h, err := server.New(t.Context(), site.svc, server.Options{Web: opts})
	if err != nil {
		t.Fatal(err)
	}
	site.srv = httptest.NewServer(h)
	t.Cleanup(site.srv.Close)
	site.client = site.newClient()
	return site
}

// newClient returns a client with its own cookies, as a browser has.
func (site *testSite) newClient() *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		panic(err) // cannot happen: no options
	}
	return &http.Client{Jar: jar}
}

// testerPassword is the tester's password.
const testerPassword = "tester-password-1"

// signInTester creates the tester and signs the site's client in as them:
// an administrator, commander and reserve manager of the city, who may
// open every screen and take every action the existing page tests take;
// on a store without the city, an administrator of the whole
// installation, as the first one is.
func (site *testSite) signInTester(t *testing.T) {
	t.Helper()
	u := account.User{Username: "tester", Name: "测试员", Roles: []access.Role{access.RoleAdmin}}
	if _, err := site.s.Area(t.Context(), "110000"); err == nil {
		u.Roles = []access.Role{access.RoleAdmin, access.RoleCommander, access.RoleManager}
		u.AreaCode, u.OrgCode = "110000", "BJ-EMB"
	}
	if _, _, err := site.svc.CreateUser(t.Context(), access.SystemActor("test"), u, testerPassword); err != nil {
		t.Fatal(err)
	}
	site.signIn(t, site.client, "tester", testerPassword)
}

// signIn signs client in through the sign-in form, failing the test
// unless it is sent on as a signed-in user.
func (site *testSite) signIn(t *testing.T, client *http.Client, username, password string) {
	t.Helper()
	res, err := client.PostForm(site.srv.URL+"/login", url.Values{"username": {username}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || !strings.Contains(string(b), `id="sign-out"`) {
		t.Fatalf("signing in as %s: status %d at %s\n%.500s", username, res.StatusCode, res.Request.URL, b)
	}
}

// as returns a client signed in as the demo account username.
func (site *testSite) as(t *testing.T, username string) *http.Client {
	t.Helper()
	pw, ok := site.demo[username]
	if !ok {
		t.Fatalf("no demo account %s", username)
	}
	c := site.newClient()
	site.signIn(t, c, username, pw)
	return c
}

// do sends req with the site's client and returns the status and body.
func (site *testSite) do(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	res, err := site.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(b)
}

// get fetches path and returns the status and body.
func (site *testSite) get(t *testing.T, path string) (int, string) {
	t.Helper()
	return site.do(t, site.request(t, "GET", path, nil))
}

// htmx fetches path as htmx does, for the element with id target.
func (site *testSite) htmx(t *testing.T, path, target string) (int, string) {
	t.Helper()
	req := site.request(t, "GET", path, nil)
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-Target", target)
	return site.do(t, req)
}

// post posts a JSON body to the API, fails unless it succeeds, and decodes
// the answer into out.
func (site *testSite) post(t *testing.T, path, body string, out any) {
	t.Helper()
	req := site.request(t, "POST", path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	status, answer := site.do(t, req)
	if status >= 300 {
		t.Fatalf("POST %s: %d %s", path, status, answer)
	}
	if err := json.Unmarshal([]byte(answer), out); err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
}

func (site *testSite) request(t *testing.T, method, path string, body io.Reader) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, site.srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// page fetches path, fails unless it is a 200 HTML page, and returns the body.
func (site *testSite) page(t *testing.T, path string) string {
	t.Helper()
	status, body := site.get(t, path)
	if status != http.StatusOK {
		t.Fatalf("GET %s: status %d\n%s", path, status, body)
	}
	if m := untranslated.FindString(body); m != "" {
		t.Errorf("GET %s: untranslated key %s", path, m)
	}
	return body
}

// untranslated matches a locale key shown in place of its message.
var untranslated = regexp.MustCompile(`\[[a-z]+(\.[a-z0-9_-]+)+\]`)

// contains fails for each want missing from body.
func contains(t *testing.T, what, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s: missing %q", what, w)
		}
	}
}
