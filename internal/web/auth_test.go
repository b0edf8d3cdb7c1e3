package web_test

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/account"
	"github.com/stockpile-dev/stockpile/internal/demo"
	"github.com/stockpile-dev/stockpile/internal/shipment"
	"github.com/stockpile-dev/stockpile/internal/stocktake"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/web"
)

// answer is a response as the tests look at it: not followed if it is a
// redirect.
type answer struct {
	status   int
	location string
	body     string
}

// fetch sends a request with client's cookies and returns the answer
// without following a redirect; headers are set on the request.
func (site *testSite) fetch(t *testing.T, client *http.Client, method, path string, form url.Values, headers ...string) answer {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := site.request(t, method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	c := *client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return answer{status: res.StatusCode, location: res.Header.Get("Location"), body: string(b)}
}

// demoActors returns the demo accounts' actors by username, as the rules
// see them.
func demoActors(t *testing.T, site *testSite) map[string]access.Actor {
	t.Helper()
	users, err := site.s.Users(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]access.Actor{}
	for _, u := range users {
		if _, ok := site.demo[u.Username]; ok {
			out[u.Username] = u.Actor("")
		}
	}
	if len(out) != len(demo.Accounts()) {
		t.Fatalf("%d demo accounts in the store, want %d", len(out), len(demo.Accounts()))
	}
	return out
}

// screenPaths gives the routes with a wildcard a path to try.
func screenPaths(t *testing.T, site *testSite) map[string]string {
	t.Helper()
	streets := dispatchStreets(t, site.s)
	p := postPlan(t, site, "/api/plans", dispatchIncident("T-ACCESS", streets[0], streets[1]))
	lots := stockLots(t, site.s, store.BalanceQuery{})
	c, err := site.s.OpenCount(context.Background(), stocktake.Count{Depot: lots[0].Depot, CreatedBy: "test",
		Threshold: stocktake.DefaultThreshold})
	if err != nil {
		t.Fatal(err)
	}
	// An executed plan's order, a shipment of it and the site it goes to.
	_, o := flowOrder(t, site, "T-ACCESS-FLOW")
	var sh shipment.Shipment
	site.post(t, fmt.Sprintf("/api/transfers/%d/shipments", o.ID), `{"vehicle": "京A00001", "all": true}`, &sh)
	// A request, a donation, a requisition and a supplier, as the tester
	// (a city manager and commander) records them.
	var req, don, rq struct{ ID int64 }
	site.post(t, "/api/requests", reliefRequest("110109004", "access-request"), &req)
	site.post(t, "/api/donations", reliefDonation("C-DX-FLOOD", "access-donation", false), &don)
	site.post(t, "/api/requisitions", reliefRequisition("T-ACCESS-FLOW", "110109004", "access-requisition"), &rq)
	var sup struct{ Org string }
	site.post(t, "/api/suppliers", reliefSupplier("ENT-TENT"), &sup)
	return map[string]string{"/{$}": "/", "/stock/{tab}": "/stock/depots", "/plans/{id}": fmt.Sprintf("/plans/%d", p.ID),
		"/work/lots/{code}": "/work/lots/" + lots[0].Lot, "/work/counts/{id}": fmt.Sprintf("/work/counts/%d", c.ID),
		"/transfers/{id}": fmt.Sprintf("/transfers/%d", o.ID), "/shipments/{id}": fmt.Sprintf("/shipments/%d", sh.ID),
		"/sites/{code}": "/sites/" + o.Lines[0].To, "/requests/{id}": fmt.Sprintf("/requests/%d", req.ID),
		"/donations/{id}": fmt.Sprintf("/donations/%d", don.ID), "/requisitions/{id}": fmt.Sprintf("/requisitions/%d", rq.ID),
		"/masterdata/suppliers/{code}": "/masterdata/suppliers/" + sup.Org}
}

// scopedPaths are pages of one thing that lies in some scopes only: a role
// allowed the route but without the thing in view gets 404, as the API
// answers, rather than the page.
var scopedPaths = map[string]bool{"/work/lots/{code}": true, "/work/counts/{id}": true}

// TestScreenAccess opens every page route of the screen table as nobody
// and as a demo account of each role, and checks the answer against
// access.Rules (the gate asks the roles, not the scope):
// nobody is sent to sign in (and back), a role the rules allow gets the
// page, any other the 403 page. A route without an action, or with one
// the rules do not know, fails the test (and stops the server at start).
func TestScreenAccess(t *testing.T) {
	t.Parallel()
	eachDemoSite(t, func(t *testing.T, site *testSite) {
		paths := screenPaths(t, site)
		actors := demoActors(t, site)
		clients := map[string]*http.Client{"": site.newClient()}
		for _, name := range []string{"admin-city", "commander-mentougou", "manager-datai", "keeper-datai",
			"partner-grain", "viewer-mentougou"} {
			clients[name] = site.as(t, name)
		}
		for _, r := range access.Roles {
			if !slices.ContainsFunc(slices.Collect(maps.Keys(clients)), func(n string) bool { return actors[n].Has(r) }) {
				t.Errorf("no account of role %s tried", r)
			}
		}
		gets := 0
		for _, rt := range web.Routes() {
			if _, known := access.RuleOf(rt.Action); !known {
				t.Errorf("%s %s names action %q, which access.Rules does not have", rt.Method, rt.Path, rt.Action)
				continue
			}
			if rt.Method != "GET" {
				continue
			}
			gets++
			path := rt.Path
			if p, ok := paths[path]; ok {
				path = p
			}
			if strings.Contains(path, "{") {
				t.Errorf("no path to try for %s", rt.Path)
				continue
			}
			for name, c := range clients {
				got := site.fetch(t, c, "GET", path, nil)
				who := actors[name]
				switch {
				case name == "" && rt.Action != access.Public:
					if want := "/login?next=" + url.QueryEscape(path); got.status != http.StatusSeeOther || got.location != want {
						t.Errorf("GET %s without signing in: %d to %q, want 303 to %q", path, got.status, got.location, want)
					}
				case path == "/login" && name != "":
					if got.status != http.StatusSeeOther || got.location != "/" {
						t.Errorf("GET /login signed in as %s: %d to %q, want 303 to /", name, got.status, got.location)
					}
				case scopedPaths[rt.Path] && who.Can(rt.Action) && got.status == http.StatusNotFound:
				case rt.Action == access.Public || who.Can(rt.Action):
					if got.status != http.StatusOK {
						t.Errorf("GET %s as %s (%s may): %d, want 200: %.300s", path, name, rt.Action, got.status, got.body)
					}
				default:
					rule, _ := access.RuleOf(rt.Action)
					if got.status != http.StatusForbidden || !strings.Contains(got.body, "您的角色无权"+rule.ZH) {
						t.Errorf("GET %s as %s (%s may not): %d, want the 403 page: %.300s", path, name, rt.Action, got.status, got.body)
					}
				}
			}
		}
		if gets < 15 {
			t.Errorf("only %d page routes tried", gets)
		}
		// The 403 page is in the user's language.
		viewer := clients["viewer-mentougou"]
		site.fetch(t, viewer, "GET", "/lang/en?back=/", nil)
		if got := site.fetch(t, viewer, "GET", "/admin/users", nil); got.status != http.StatusForbidden ||
			!strings.Contains(got.body, "your role may not manage users in scope") || !strings.Contains(got.body, `lang="en"`) {
			t.Errorf("403 in English: %d %.300s", got.status, got.body)
		}
	})
}

// TestSignIn signs in through the form: a wrong password or an unknown
// user is told so beside the field, a disabled account too, and the right
// password goes on to the page asked for, but never to another site; too
// many failures make the next attempt wait, and the form says how long.
func TestSignIn(t *testing.T) {
	t.Parallel()
	eachDemoSite(t, func(t *testing.T, site *testSite) {
		c := site.newClient()
		got := site.fetch(t, c, "GET", "/stock/lots?depot=C-DX-FLOOD", nil)
		if got.status != http.StatusSeeOther || got.location != "/login?next=%2Fstock%2Flots%3Fdepot%3DC-DX-FLOOD" {
			t.Fatalf("a page without signing in: %d to %q", got.status, got.location)
		}
		got = site.fetch(t, c, "GET", got.location, nil)
		contains(t, "sign-in page", got.body, `id="login-form"`, `name="next" value="/stock/lots?depot=C-DX-FLOOD"`,
			`autocomplete="current-password"`)
		if strings.Contains(got.body, `id="sign-out"`) || strings.Contains(got.body, `data-nav=`) {
			t.Error("the sign-in page shows the navigation or a sign-out button")
		}

		en := site.newClient()
		site.fetch(t, en, "GET", "/lang/en?back=/login", nil)
		got = site.fetch(t, en, "GET", "/login", nil)
		contains(t, "sign-in page in English", got.body, `lang="en"`, "Sign in", "Demo accounts", "warehouse keeper")
		if m := untranslated.FindString(got.body); m != "" {
			t.Errorf("sign-in page: untranslated key %s", m)
		}

		for _, bad := range []url.Values{
			{"username": {"viewer-city"}, "password": {"not-the-password"}},
			{"username": {"nobody-here"}, "password": {"whatever-password"}},
		} {
			got = site.fetch(t, c, "POST", "/login", bad)
			if got.status != http.StatusUnauthorized {
				t.Errorf("sign in as %s with a wrong password: %d", bad.Get("username"), got.status)
			}
			contains(t, "wrong password", got.body, `<p class="field-error" id="password-error" role="alert">用户名或密码错误</p>`,
				`aria-describedby="password-error"`, `value="`+bad.Get("username")+`"`)
		}

		disabled := account.User{Username: "gone", Roles: []access.Role{access.RoleViewer}, AreaCode: "110000",
			OrgCode: "BJ-EMB", Disabled: true}
		if _, _, err := site.svc.CreateUser(t.Context(), access.SystemActor("test"), disabled, "gone-password-1"); err != nil {
			t.Fatal(err)
		}
		got = site.fetch(t, c, "POST", "/login", url.Values{"username": {"gone"}, "password": {"gone-password-1"}})
		if got.status != http.StatusForbidden || !strings.Contains(got.body, "该账号已停用") {
			t.Errorf("a disabled account: %d %.300s", got.status, got.body)
		}

		form := url.Values{"username": {"viewer-city"}, "password": {site.demo["viewer-city"]}, "next": {"/stock/depots"}}
		if got = site.fetch(t, c, "POST", "/login", form); got.status != http.StatusSeeOther || got.location != "/stock/depots" {
			t.Errorf("sign in with next: %d to %q", got.status, got.location)
		}
		contains(t, "signed in", site.fetch(t, c, "GET", "/stock/depots", nil).body, `id="sign-out"`, "市级只读用户", "只读")

		// Signed out: the session ends on the server too.
		if got = site.fetch(t, c, "POST", "/logout", url.Values{}); got.status != http.StatusSeeOther || got.location != "/login" {
			t.Errorf("sign out: %d to %q", got.status, got.location)
		}
		if got = site.fetch(t, c, "GET", "/", nil); got.status != http.StatusSeeOther {
			t.Errorf("after signing out: %d", got.status)
		}

		// Too many failures: the next attempt waits, and is told how long.
		slow := site.newClient()
		for range 6 {
			site.fetch(t, slow, "POST", "/login", url.Values{"username": {"keeper-city"}, "password": {"guess-guess-1"}})
		}
		got = site.fetch(t, slow, "POST", "/login", url.Values{"username": {"keeper-city"}, "password": {site.demo["keeper-city"]}})
		if got.status != http.StatusTooManyRequests || !strings.Contains(got.body, `id="password-error"`) ||
			!strings.Contains(got.body, "秒后再试") {
			t.Errorf("throttled: %d %.300s", got.status, got.body)
		}
	})
}

// TestNextPath: after signing in, only a path on this site is followed.
func TestNextPath(t *testing.T) {
	t.Parallel()
	for next, want := range map[string]string{
		"/stock/lots?depot=A":        "/stock/lots?depot=A",
		"/plans/3":                   "/plans/3",
		"":                           "/",
		"//evil.example/x":           "/",
		"https://evil.example/x":     "/",
		"http:evil.example":          "/",
		`/\evil.example`:             "/",
		`\\evil.example`:             "/",
		"/%5Cevil.example":           "/%5Cevil.example",
		"/%2F%2Fevil.example":        "/evil.example",
		"/./..//evil.example":        "/evil.example",
		"javascript:alert(1)":        "/",
		"/\t/evil.example":           "/",
		"evil.example":               "/",
		"/login?next=/stock":         "/",
		"/logout":                    "/",
		"/a/../../login?next=//evil": "/",
	} {
		if got := web.NextPath(next); got != want {
			t.Errorf("next %q: %q, want %q", next, got, want)
		}
		if got := web.NextPath(next); strings.HasPrefix(got, "//") || !strings.HasPrefix(got, "/") || strings.Contains(got, `\`) {
			t.Errorf("next %q leaves the site: %q", next, got)
		}
	}
}

// TestOpenRedirect: the sign-in form and the language switch send the
// browser on only within the site, whatever next or back says.
func TestOpenRedirect(t *testing.T) {
	t.Parallel()
	eachDemoSite(t, func(t *testing.T, site *testSite) {
		local := func(what string, got answer) {
			t.Helper()
			u, err := url.Parse(got.location)
			if got.status != http.StatusSeeOther || err != nil || u.Host != "" || u.Scheme != "" ||
				!strings.HasPrefix(got.location, "/") || strings.HasPrefix(got.location, "//") || strings.Contains(got.location, `\`) {
				t.Errorf("%s: %d to %q, want a path on this site", what, got.status, got.location)
			}
		}
		for _, next := range []string{"//evil.example/x", "https://evil.example", `/\evil.example`, "/%2F%2Fevil.example",
			"/%5C%5Cevil.example", "javascript:alert(1)"} {
			c := site.newClient()
			local("sign in with next "+next, site.fetch(t, c, "POST", "/login", url.Values{"username": {"viewer-city"},
				"password": {site.demo["viewer-city"]}, "next": {next}}))
			local("signed in, /login?next="+next, site.fetch(t, c, "GET", "/login?next="+url.QueryEscape(next), nil))
			local("language switch back to "+next, site.fetch(t, c, "GET", "/lang/en?back="+url.QueryEscape(next), nil))
		}
	})
}

// TestDemoAccountsLocal: the sign-in page lists the demo accounts, with
// their passwords and a button that signs in as each, only to a browser
// on the server's own machine, and never through a proxy; an account
// whose password was changed is no longer listed.
func TestDemoAccountsLocal(t *testing.T) {
	t.Parallel()
	eachDemoSite(t, func(t *testing.T, site *testSite) {
		h, err := web.NewHandler(site.svc, web.Options{})
		if err != nil {
			t.Fatal(err)
		}
		login := func(remote string, headers ...string) string {
			req := httptest.NewRequest("GET", "/login", nil)
			req.RemoteAddr = remote
			for i := 0; i+1 < len(headers); i += 2 {
				req.Header.Set(headers[i], headers[i+1])
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				t.Fatalf("GET /login from %s: %d", remote, rec.Code)
			}
			return rec.Body.String()
		}
		for _, remote := range []string{"127.0.0.1:40000", "[::1]:40000"} {
			body := login(remote)
			contains(t, "demo accounts from "+remote, body, `id="demo-accounts"`, "js/login.js")
			for _, u := range demo.Accounts() {
				contains(t, "demo account "+u.Username, body, `data-username="`+u.Username+`" data-password="`+site.demo[u.Username]+`"`,
					`>`+site.demo[u.Username]+`</td>`)
			}
			contains(t, "demo roles and scope", body, "库管", "门头沟区", "D-110109-01", "协作部门", "BJ-GRAIN")
		}
		for _, c := range [][]string{{"203.0.113.7:40000"}, {"10.1.2.3:40000"}, {"127.0.0.1:40000", "X-Forwarded-For", "203.0.113.7"},
			{"127.0.0.1:40000", "X-Real-Ip", "203.0.113.7"}, {"127.0.0.1:40000", "Forwarded", "for=203.0.113.7"}} {
			body := login(c[0], c[1:]...)
			if strings.Contains(body, "demo-accounts") || strings.Contains(body, site.demo["admin-city"]) {
				t.Errorf("demo accounts listed to %v", c)
			}
			contains(t, "sign-in page for "+c[0], body, `id="login-form"`)
		}

		viewer, err := site.svc.SignInCommand(t.Context(), "viewer-city", site.demo["viewer-city"])
		if err != nil {
			t.Fatal(err)
		}
		if err := site.svc.ChangePassword(t.Context(), viewer, "", site.demo["viewer-city"], "my-own-password-1"); err != nil {
			t.Fatal(err)
		}
		body := login("127.0.0.1:40000")
		if strings.Contains(body, `data-username="viewer-city"`) || !strings.Contains(body, `data-username="viewer-mentougou"`) {
			t.Error("a demo account with a changed password is still listed, or the others are not")
		}
	})
}

// TestMustChangePassword: a user with a one-time password is sent to the
// password page from every page until they have chosen their own, which
// the page checks (the two entries agree, the old one is right, the new
// one is long enough) before it sends them on.
func TestMustChangePassword(t *testing.T) {
	t.Parallel()
	eachDemoSite(t, func(t *testing.T, site *testSite) {
		u := account.User{Username: "newcomer", Name: "新同事", Roles: []access.Role{access.RoleViewer}, AreaCode: "110109",
			OrgCode: "110109-EMB"}
		_, once, err := site.svc.CreateUser(t.Context(), access.SystemActor("test"), u, "")
		if err != nil {
			t.Fatal(err)
		}
		c := site.newClient()
		got := site.fetch(t, c, "POST", "/login", url.Values{"username": {"newcomer"}, "password": {once}, "next": {"/stock"}})
		if got.status != http.StatusSeeOther || got.location != "/password?next=%2Fstock" {
			t.Fatalf("sign in with a one-time password: %d to %q", got.status, got.location)
		}
		for _, path := range []string{"/", "/stock/lots", "/map", "/incidents", "/admin/users", "/login"} {
			got = site.fetch(t, c, "GET", path, nil)
			if got.status != http.StatusSeeOther || !strings.HasPrefix(got.location, "/password?next=") {
				t.Errorf("GET %s before changing the password: %d to %q", path, got.status, got.location)
			}
		}
		if got = site.fetch(t, c, "GET", "/map/data.json", nil, "Accept", "application/json"); got.status != http.StatusForbidden ||
			!strings.Contains(got.body, `"code":"auth.forbidden"`) {
			t.Errorf("the map's data before changing the password: %d %.200s", got.status, got.body)
		}
		got = site.fetch(t, c, "GET", "/password?next=%2Fstock", nil)
		contains(t, "password page", got.body, `id="must-change"`, "须修改密码", "新同事", `name="next" value="/stock"`)
		if strings.Contains(got.body, "data-nav=") {
			t.Error("the navigation is offered before the password is changed")
		}

		for _, c2 := range []struct {
			form  url.Values
			field string
			text  string
		}{
			{url.Values{"old_password": {once}, "new_password": {"a-new-password-1"}, "confirm_password": {"another-one-22"}},
				"confirm_password", "两次输入的新密码不一致"},
			{url.Values{"old_password": {"wrong-wrong-1"}, "new_password": {"a-new-password-1"}, "confirm_password": {"a-new-password-1"}},
				"old_password", "原密码不正确"},
			{url.Values{"old_password": {once}, "new_password": {"short"}, "confirm_password": {"short"}},
				"new_password", "密码至少 10 个字符"},
		} {
			c2.form.Set("next", "/stock")
			got = site.fetch(t, c, "POST", "/password", c2.form)
			if got.status != http.StatusBadRequest {
				t.Errorf("password change refused for %s: %d", c2.field, got.status)
			}
			contains(t, "password refused for "+c2.field, got.body, `id="`+c2.field+`-error" role="alert">`+c2.text)
		}
		got = site.fetch(t, c, "POST", "/password", url.Values{"old_password": {once}, "new_password": {"a-new-password-1"},
			"confirm_password": {"a-new-password-1"}, "next": {"/stock"}})
		if got.status != http.StatusSeeOther || got.location != "/stock" {
			t.Fatalf("password changed: %d to %q %.300s", got.status, got.location, got.body)
		}
		got = site.fetch(t, c, "GET", "/stock", nil)
		if got.status != http.StatusOK || !strings.Contains(got.body, `data-nav="stock"`) {
			t.Errorf("after the change: %d", got.status)
		}
		// The new password signs in; the old one no longer does.
		if got = site.fetch(t, site.newClient(), "POST", "/login", url.Values{"username": {"newcomer"}, "password": {once}}); got.status != http.StatusUnauthorized {
			t.Errorf("the one-time password after the change: %d", got.status)
		}
		site.signIn(t, site.newClient(), "newcomer", "a-new-password-1")
	})
}

// navOf lists the navigation entries of a page.
func navOf(body string) []string { return stockAttr(body, "data-nav") }

// TestRoleButtons signs in as several demo accounts and checks the
// navigation and each screen's buttons show what their roles may do, and
// only that.
func TestRoleButtons(t *testing.T) {
	t.Parallel()
	eachDemoSite(t, func(t *testing.T, site *testSite) {
		plan := screenPaths(t, site)["/plans/{id}"]
		for _, c := range []struct {
			user     string
			nav      []string
			has, not []string // element ids on the pages below
		}{
			{"viewer-city", []string{"dashboard", "map", "work", "stock", "dispatch", "transfers", "readiness"},
				[]string{"verify-ledger", "district-chart"},
				[]string{"new-incident", "approve", "cancel", "recompute", "save-scenario", "preposition-form"}},
			{"commander-city", []string{"dashboard", "map", "work", "stock", "dispatch", "transfers", "readiness"},
				[]string{"new-incident", "approve", "cancel", "recompute", "save-scenario", "preposition-form"},
				[]string{"verify-ledger"}},
			// The demo plan draws on city and other districts' depots: a
			// district commander may see it but not act on it.
			{"commander-mentougou", []string{"dashboard", "map", "work", "stock", "dispatch", "transfers", "readiness"},
				[]string{"new-incident", "save-scenario"},
				[]string{"approve", "cancel", "recompute", "verify-ledger"}},
			{"manager-city", []string{"dashboard", "map", "work", "stock", "dispatch", "transfers", "readiness", "masterdata", "import", "admin"},
				[]string{"verify-ledger", "save-scenario", "preposition-form"},
				[]string{"new-incident", "approve", "cancel", "recompute"}},
			{"admin-city", []string{"dashboard", "map", "work", "stock", "dispatch", "transfers", "readiness", "masterdata", "import", "admin"},
				[]string{"verify-ledger"},
				[]string{"new-incident", "approve", "save-scenario", "preposition-form"}},
			{"keeper-datai", []string{"dashboard", "map", "work", "stock", "dispatch", "transfers", "import"}, nil,
				[]string{"district-chart", "verify-ledger", "new-incident", "approve"}},
			// 基础数据 and 系统管理 lead a partner to the tabs it may open:
			// its reserves and its webhooks.
			{"partner-grain", []string{"dashboard", "map", "work", "stock", "masterdata", "import", "admin"},
				[]string{`href="/masterdata/agreements" data-nav="masterdata"`, `href="/admin/webhooks" data-nav="admin"`},
				[]string{"district-chart", "data-kpi=\"incidents\"", "layer-incidents", "verify-ledger"}},
		} {
			client := site.as(t, c.user)
			var all strings.Builder
			for _, path := range []string{"/", "/map", "/stock/movements", "/incidents", plan, "/readiness"} {
				got := site.fetch(t, client, "GET", path, nil)
				if got.status == http.StatusOK {
					all.WriteString(got.body)
				}
				if path == "/" && !slices.Equal(navOf(got.body), c.nav) {
					t.Errorf("%s: navigation %v, want %v", c.user, navOf(got.body), c.nav)
				}
			}
			body := all.String()
			for _, id := range c.has {
				if !strings.Contains(id, "=") {
					id = `id="` + id + `"`
				}
				if !strings.Contains(body, id) {
					t.Errorf("%s: no %s", c.user, id)
				}
			}
			for _, id := range c.not {
				if !strings.Contains(id, "=") {
					id = `id="` + id + `"`
				}
				if strings.Contains(body, id) {
					t.Errorf("%s is offered %s", c.user, id)
				}
			}
			approve := strings.Contains(body, `"can_approve":true`)
			// Pre-positioning approval is offered by role: the recommendation
			// and its sources do not exist until the user asks for one; the
			// API refuses an approval beyond the commander's scope.
			if want := strings.HasPrefix(c.user, "commander-"); strings.Contains(body, `"can_approve"`) && approve != want {
				t.Errorf("%s: pre-positioning approval offered %v", c.user, approve)
			}
		}
	})
}
