package api

import (
	"context"
	"crypto/tls"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/account"
	"github.com/stockpile-dev/stockpile/internal/audit"
	"github.com/stockpile-dev/stockpile/internal/authn"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
)

// testClock is a clock a test moves.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// eachClockAPI is eachAPI with a clock per engine that the test moves,
// starting at fixedClock. (eachAPI's engines share one fixed clock.)
func eachClockAPI(t *testing.T, fn func(t *testing.T, a *testAPI, clk *testClock)) {
	for _, engine := range storetest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			clk := &testClock{t: fixedClock()}
			s := storetest.Open(t, engine, store.WithClock(clk.now))
			w := storetest.Build(t, s)
			a := newTestAPI(t, s)
			a.w = w
			fn(t, a, clk)
		})
	}
}

// signInRequest sends POST /api/session for username and password from
// address addr ("" for httptest's 192.0.2.1) with the cookies a browser
// would send (the device cookie).
func (a *testAPI) signInRequest(username, password, addr string, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	body, _ := json.Marshal(map[string]string{"username": username, "password": password})
	req := a.request("POST", "/api/session", string(body), map[string]string{"Authorization": ""}, false)
	if addr != "" {
		req.RemoteAddr = addr + ":41000"
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	return a.serve(req)
}

// signIn signs in and returns the session cookie's value.
func (a *testAPI) signIn(t testing.TB, username, password string) string {
	t.Helper()
	rec := a.signInRequest(username, password, "")
	if rec.Code != 201 {
		t.Fatalf("sign in as %s: status %d: %s", username, rec.Code, rec.Body)
	}
	c := cookieOf(rec, authn.SessionCookie)
	if c == nil || c.Value == "" {
		t.Fatalf("sign in as %s: no session cookie", username)
	}
	return c.Value
}

// sessionCookie is the Cookie header of a session: a browser's request.
func sessionCookie(secret string) map[string]string {
	return map[string]string{"Cookie": authn.SessionCookie + "=" + secret}
}

// cookieOf returns the cookie named name that rec sets, or nil.
func cookieOf(rec *httptest.ResponseRecorder, name string) *http.Cookie {
	for _, c := range rec.Result().Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func TestSignIn(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, a *testAPI) {
		duty := a.addPrincipal(t, "duty", account.User{Username: "duty", Name: "值班员", Roles: []access.Role{access.RoleCommander},
			AreaCode: a.w.City, OrgCode: a.w.Bureau})
		principal := "user:" + strconv.FormatInt(duty.user.ID, 10)

		rec := a.signInRequest("Duty ", testPassword, "") // usernames are case- and space-insensitive
		if rec.Code != 201 {
			t.Fatalf("sign in: status %d: %s", rec.Code, rec.Body)
		}
		for _, w := range []string{`"principal":"` + principal + `"`, `"username":"duty"`, `"name":"值班员"`,
			`"roles":["commander"]`, `"plan.approve"`, `"expires_at":`} {
			if !strings.Contains(rec.Body.String(), w) {
				t.Errorf("sign-in answer lacks %s: %s", w, rec.Body)
			}
		}
		if strings.Contains(rec.Body.String(), "password") && !strings.Contains(rec.Body.String(), "must_change_password") {
			t.Errorf("sign-in answer mentions a password: %s", rec.Body)
		}
		session, device := cookieOf(rec, authn.SessionCookie), cookieOf(rec, authn.DeviceCookie)
		if session == nil || device == nil {
			t.Fatalf("cookies %v", rec.Result().Cookies())
		}
		for _, c := range []*http.Cookie{session, device} {
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure || c.Path != "/" || len(c.Value) < 40 {
				t.Errorf("cookie %s: HttpOnly %v, SameSite %v, Secure %v (plain HTTP), Path %q, value of %d bytes",
					c.Name, c.HttpOnly, c.SameSite, c.Secure, c.Path, len(c.Value))
			}
		}
		if want := int(account.DefaultAbsoluteTimeout / time.Second); session.MaxAge != want {
			t.Errorf("session cookie Max-Age %d, want %d (the absolute expiry, from now)", session.MaxAge, want)
		}

		// Over TLS the cookies are Secure.
		body, _ := json.Marshal(map[string]string{"username": "duty", "password": testPassword})
		req := a.request("POST", "/api/session", string(body), map[string]string{"Authorization": ""}, false)
		req.TLS = &tls.ConnectionState{}
		rec = a.serve(req)
		if rec.Code != 201 {
			t.Fatalf("sign in over TLS: %d %s", rec.Code, rec.Body)
		}
		for _, c := range rec.Result().Cookies() {
			if !c.Secure || !c.HttpOnly {
				t.Errorf("cookie %s over TLS: Secure %v HttpOnly %v", c.Name, c.Secure, c.HttpOnly)
			}
		}

		cookie := sessionCookie(session.Value)
		runScenarios(t, a, []scenario{
			{name: "who am I", headers: cookie, method: "GET", path: "/api/me", status: 200,
				want:    []string{`"principal":"` + principal + `"`, `"username":"duty"`, `"actions":[`, `"incident.write"`},
				notWant: []string{`"user.manage"`, `"public"`}},
			{name: "the commander acts with the session", headers: cookie, method: "POST", path: "/api/incidents",
				body: incident("FS-1", tents(5)), status: 200},
			{name: "but has no rights of a manager", headers: cookie, method: "POST", path: "/api/movements",
				body: receiveTentsB, status: 403, code: "auth.forbidden"},
			{name: "who am I with a token", as: "duty", method: "GET", path: "/api/me", status: 200,
				want: []string{`"principal":"` + duty.ID() + `"`}},
			{name: "without credentials", anonymous: true, method: "GET", path: "/api/me", status: 401, code: "auth.required"},

			{name: "wrong password", method: "POST", path: "/api/session", anonymous: true, status: 401,
				body: `{"username":"duty","password":"not the password"}`, code: "auth.bad_credentials"},
			{name: "unknown user, same answer", method: "POST", path: "/api/session", anonymous: true, status: 401,
				body: `{"username":"nobody","password":"not the password"}`, code: "auth.bad_credentials",
				want: []string{"wrong username or password"}},
			{name: "no body", method: "POST", path: "/api/session", anonymous: true, status: 400,
				code: "request.malformed_json"},
			{name: "an unknown field", method: "POST", path: "/api/session", anonymous: true, status: 400,
				body: `{"username":"duty","password":"x","remember":true}`, code: "request.malformed_json", field: "remember"},
			{name: "refusals are audited", method: "GET", path: "/api/audit?action=session.refused", status: 200,
				want: []string{`"count":2`, `"principal":"anonymous"`, `"object":{"kind":"user","id":"nobody"}`,
					`"object":{"kind":"user","id":"duty"}`, `"after":{"reason":"bad_credentials"}`, `"address":"192.0.2.1"`},
				notWant: []string{"not the password"}},
			{name: "sign-ins are audited", method: "GET", path: "/api/audit?action=session.create", status: 200,
				want: []string{`"count":2`, `"principal":"` + principal + `"`}},

			{name: "sign out", headers: cookie, method: "DELETE", path: "/api/session", status: 204,
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					if c := cookieOf(rec, authn.SessionCookie); c == nil || c.MaxAge >= 0 || c.Value != "" {
						t.Errorf("sign-out does not clear the cookie: %v", rec.Result().Cookies())
					}
				}},
			{name: "the session has ended", headers: cookie, method: "GET", path: "/api/me", status: 401,
				code: "auth.required", check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					if c := cookieOf(rec, authn.SessionCookie); c == nil || c.MaxAge >= 0 {
						t.Errorf("an ended session's cookie is not cleared: %v", rec.Result().Cookies())
					}
				}},
			{name: "and cannot act", headers: cookie, method: "POST", path: "/api/incidents",
				body: incident("FS-2", tents(5)), status: 401, code: "auth.required"},
		})
	})
}

// TestSessionsEnd checks what ends a user's sessions: a password change
// (all but the session that made it), disabling the user, a reset, an
// administrator's end-sessions.
func TestSessionsEnd(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, a *testAPI) {
		duty := a.addPrincipal(t, "duty", account.User{Username: "duty", Roles: []access.Role{access.RoleCommander},
			AreaCode: a.w.City, OrgCode: a.w.Bureau})
		id := strconv.FormatInt(duty.user.ID, 10)
		first, second := sessionCookie(a.signIn(t, "duty", testPassword)), sessionCookie(a.signIn(t, "duty", testPassword))
		const newPassword = "a new long password"
		runScenarios(t, a, []scenario{
			{name: "wrong current password", headers: first, method: "POST", path: "/api/me/password", status: 400,
				code: "password.wrong", field: "old_password",
				body: `{"old_password":"not it at all","new_password":"` + newPassword + `"}`},
			{name: "too short", headers: first, method: "POST", path: "/api/me/password", status: 400,
				code: "password.too_short", field: "new_password",
				body: `{"old_password":"` + testPassword + `","new_password":"short"}`},
			{name: "unchanged", headers: first, method: "POST", path: "/api/me/password", status: 400,
				code: "password.unchanged", field: "new_password",
				body: `{"old_password":"` + testPassword + `","new_password":"` + testPassword + `"}`},
			{name: "a token has no password", as: "duty", method: "POST", path: "/api/me/password", status: 403,
				code: "auth.not_a_user", body: `{"old_password":"` + testPassword + `","new_password":"` + newPassword + `"}`},
			{name: "change the password", headers: first, method: "POST", path: "/api/me/password", status: 204,
				body: `{"old_password":"` + testPassword + `","new_password":"` + newPassword + `"}`},
			{name: "the session that changed it goes on", headers: first, method: "GET", path: "/api/me", status: 200},
			{name: "the other session has ended", headers: second, method: "GET", path: "/api/me", status: 401,
				code: "auth.required"},
			{name: "the old password no longer signs in", method: "POST", path: "/api/session", anonymous: true,
				body: `{"username":"duty","password":"` + testPassword + `"}`, status: 401, code: "auth.bad_credentials"},
			{name: "the new one does", method: "POST", path: "/api/session", anonymous: true,
				body: `{"username":"duty","password":"` + newPassword + `"}`, status: 201},
			{name: "audited", method: "GET", path: "/api/audit?action=user.password_change", status: 200,
				want: []string{`"count":1`, `"object":{"kind":"user","id":"duty","version":1}`}},

			{name: "read the user", method: "GET", path: "/api/users/" + id, status: 200,
				want: []string{`"username":"duty"`, `"version":2`, `"disabled":false`}, notWant: []string{"hash", "argon"}},
			{name: "a stale version", method: "PUT", path: "/api/users/" + id, status: 409, code: "user.stale",
				body: `{"username":"duty","roles":["commander"],"area_code":"110000","org_code":"BJ-EMB","disabled":true,"version":1}`},
			{name: "disable the user", method: "PUT", path: "/api/users/" + id, status: 200,
				body: `{"username":"duty","roles":["commander"],"area_code":"110000","org_code":"BJ-EMB","disabled":true,"version":2}`,
				want: []string{`"disabled":true`, `"version":3`}},
			{name: "their session ends at once", headers: first, method: "GET", path: "/api/me", status: 401,
				code: "auth.required"},
			{name: "their token too", as: "duty", method: "GET", path: "/api/me", status: 401, code: "auth.token_invalid"},
			{name: "they cannot sign in", method: "POST", path: "/api/session", anonymous: true, status: 403,
				body: `{"username":"duty","password":"` + newPassword + `"}`, code: "auth.disabled"},
			{name: "the disabled sign-in is audited", method: "GET", path: "/api/audit?action=session.refused", status: 200,
				want: []string{`"reason":"disabled"`}},
			{name: "enable the user", method: "PUT", path: "/api/users/" + id, status: 200,
				body: `{"username":"duty","roles":["commander"],"area_code":"110000","org_code":"BJ-EMB","version":3}`},
			{name: "the token works again", as: "duty", method: "GET", path: "/api/me", status: 200},

			{name: "sign in again", method: "POST", path: "/api/session", anonymous: true,
				body: `{"username":"duty","password":"` + newPassword + `"}`, status: 201},
			{name: "end their sessions", method: "POST", path: "/api/users/" + id + "/end-sessions", status: 200,
				want: []string{`"ended":1`}},
			{name: "reset their password", method: "POST", path: "/api/users/" + id + "/reset-password", status: 200,
				want: []string{`"one_time_password":"`}},
			{name: "an unknown user", method: "POST", path: "/api/users/999999/reset-password", status: 404,
				code: "user.not_found"},
		})
	})
}

// TestOneTimePassword follows a new user from the one-time password an
// administrator gives them to their first password change: until then
// they may do nothing but change it.
func TestOneTimePassword(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, a *testAPI) {
		var created struct {
			account.User
			OneTimePassword string `json:"one_time_password"`
		}
		scenario{name: "create without a password", method: "POST", path: "/api/users", status: 201,
			body: `{"username":"Keeper.Li","name":"李库管","roles":["keeper"],"area_code":"110111","org_code":"BJ-EMB","depots":["D-TEST-B"]}`,
			want: []string{`"username":"keeper.li"`, `"must_change_password":true`, `"depots":["D-TEST-B"]`},
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				decodeBody(t, rec, &created)
				if loc := rec.Header().Get("Location"); loc != "/api/users/"+strconv.FormatInt(created.ID, 10) {
					t.Errorf("Location %q", loc)
				}
			}}.run(t, a)
		if len(created.OneTimePassword) < 16 {
			t.Fatalf("one-time password %q", created.OneTimePassword)
		}
		cookie := sessionCookie(a.signIn(t, "keeper.li", created.OneTimePassword))
		next := "keeper li's own password"
		runScenarios(t, a, []scenario{
			{name: "who am I", headers: cookie, method: "GET", path: "/api/me", status: 200,
				want: []string{`"must_change_password":true`, `"actions":["self"]`}},
			{name: "nothing else", headers: cookie, method: "POST", path: "/api/movements", status: 403,
				code: "auth.forbidden", body: receiveAt(a.w.DepotB, "TENT-L", 5)},
			{name: "not even a read", headers: cookie, method: "GET", path: "/api/balances", status: 403,
				code: "auth.forbidden"},
			{name: "change it", headers: cookie, method: "POST", path: "/api/me/password", status: 204,
				body: `{"old_password":"` + created.OneTimePassword + `","new_password":"` + next + `"}`},
			{name: "now the keeper may act", headers: cookie, method: "POST", path: "/api/movements", status: 201,
				body: receiveAt(a.w.DepotB, "TENT-L", 5)},
			{name: "a duplicate username", method: "POST", path: "/api/users", status: 409, code: "user.exists",
				field: "username", body: `{"username":"keeper.li","roles":["viewer"],"area_code":"110000","org_code":"BJ-EMB"}`},
			{name: "a bad username", method: "POST", path: "/api/users", status: 400, code: "user.username_invalid",
				field: "username", body: `{"username":"李","roles":["viewer"],"area_code":"110000","org_code":"BJ-EMB"}`},
			{name: "no roles", method: "POST", path: "/api/users", status: 400, code: "user.roles_required",
				field: "roles", body: `{"username":"nobody","roles":[],"area_code":"110000","org_code":"BJ-EMB"}`},
			{name: "an unknown role", method: "POST", path: "/api/users", status: 400, code: "user.role_invalid",
				field: "roles[1]", body: `{"username":"nobody","roles":["viewer","root"],"area_code":"110000","org_code":"BJ-EMB"}`},
			{name: "a keeper without depots", method: "POST", path: "/api/users", status: 400, code: "user.depots_required",
				field: "depots", body: `{"username":"nobody","roles":["keeper"],"area_code":"110000","org_code":"BJ-EMB"}`},
			{name: "a password that is the username", method: "POST", path: "/api/users", status: 400,
				code: "password.is_username", field: "password",
				body: `{"username":"nobody1234","password":"NOBODY1234","roles":["viewer"],"area_code":"110000","org_code":"BJ-EMB"}`},
			{name: "an unknown area", method: "POST", path: "/api/users", status: 404, code: "area.not_found",
				field: "area_code", body: `{"username":"nobody","roles":["viewer"],"area_code":"999999","org_code":"BJ-EMB"}`},
		})
	})
}

// TestSelfLockout checks that an administrator signed in cannot disable
// themselves or drop their own administrator role.
func TestSelfLockout(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, a *testAPI) {
		me := a.principals[""].user
		cookie := sessionCookie(a.signIn(t, me.Username, testPassword))
		path := "/api/users/" + strconv.FormatInt(me.ID, 10)
		runScenarios(t, a, []scenario{
			{name: "disable myself", headers: cookie, method: "PUT", path: path, status: 409, code: "user.self_lockout",
				body: `{"username":"tester","roles":["admin","commander","manager"],"area_code":"110000","org_code":"BJ-EMB","disabled":true,"version":1}`},
			{name: "drop my administrator role", headers: cookie, method: "PUT", path: path, status: 409,
				code: "user.self_lockout",
				body: `{"username":"tester","roles":["commander"],"area_code":"110000","org_code":"BJ-EMB","version":1}`},
			{name: "rename myself", headers: cookie, method: "PUT", path: path, status: 200,
				body: `{"username":"tester","name":"测试管理员","roles":["admin","commander","manager"],"area_code":"110000","org_code":"BJ-EMB","version":1}`,
				want: []string{`"name":"测试管理员"`}},
		})
	})
}

// TestUsersInScope checks that a district administrator manages the
// users of their district only.
func TestUsersInScope(t *testing.T) {
	t.Parallel()
	eachScopeAPI(t, func(t *testing.T, a *testAPI) {
		a.addPrincipal(t, "admin-fs", account.User{Username: "admin-fs", Roles: []access.Role{access.RoleAdmin},
			AreaCode: a.w.District, OrgCode: a.w.Bureau})
		keeper, viewer := a.as(t, "keeper"), a.as(t, "viewer")
		runScenarios(t, a, []scenario{
			{name: "the district's users", as: "admin-fs", method: "GET", path: "/api/users", status: 200,
				want:    []string{`"username":"keeper"`, `"username":"manager-fs"`, `"username":"admin-fs"`},
				notWant: []string{`"username":"viewer"`, `"username":"keeper-m"`, `"username":"tester"`}},
			{name: "a user of the city", as: "admin-fs", method: "GET",
				path: "/api/users/" + strconv.FormatInt(viewer.user.ID, 10), status: 403, code: "auth.out_of_scope"},
			{name: "add a user to the district", as: "admin-fs", method: "POST", path: "/api/users", status: 201,
				body: `{"username":"viewer-fs","roles":["viewer"],"area_code":"110111","org_code":"BJ-EMB"}`},
			{name: "add a user to the city", as: "admin-fs", method: "POST", path: "/api/users", status: 403,
				code: "auth.out_of_scope", body: `{"username":"viewer-2","roles":["viewer"],"area_code":"110000","org_code":"BJ-EMB"}`},
			{name: "move a district user to the city", as: "admin-fs", method: "PUT", status: 403, code: "auth.out_of_scope",
				path: "/api/users/" + strconv.FormatInt(keeper.user.ID, 10),
				body: `{"username":"keeper","roles":["keeper"],"area_code":"110000","org_code":"BJ-EMB","depots":["D-TEST-B"],"version":1}`},
			{name: "a token for a district user", as: "admin-fs", method: "POST", path: "/api/tokens", status: 201,
				body: `{"name":"库管终端","username":"keeper","expires_at":` + strconv.FormatInt(a.s.Now().AddDate(0, 6, 0).Unix(), 10) + `}`},
			{name: "a token for a city user", as: "admin-fs", method: "POST", path: "/api/tokens", status: 403,
				code: "auth.out_of_scope",
				body: `{"name":"x","username":"viewer","expires_at":` + strconv.FormatInt(a.s.Now().AddDate(0, 6, 0).Unix(), 10) + `}`},
			{name: "revoke a city user's token", as: "admin-fs", method: "POST", status: 403, code: "auth.out_of_scope",
				path: "/api/tokens/" + strconv.FormatInt(viewer.token.ID, 10) + "/revoke"},
			{name: "the district's tokens", as: "admin-fs", method: "GET", path: "/api/tokens", status: 200,
				want: []string{`"username":"keeper"`}, notWant: []string{`"username":"viewer"`}},
			{name: "a district administrator may not search the city's trail", as: "admin-fs", method: "GET",
				path: "/api/audit?limit=1", status: 403, code: "auth.out_of_scope"},
		})
	})
}

// TestThrottle runs on a clock of its own: failed sign-ins slow down the
// account and the address with growing delays; a browser that signed in
// to the account before is exempt from both; nothing is ever locked.
func TestThrottle(t *testing.T) {
	t.Parallel()
	eachClockAPI(t, func(t *testing.T, a *testAPI, clk *testClock) {
		refused := func(rec *httptest.ResponseRecorder, status int, code, says string) {
			t.Helper()
			if rec.Code != status {
				t.Fatalf("status %d, want %d: %s", rec.Code, status, rec.Body)
			}
			checkError(t, rec, code, "")
			if !strings.Contains(rec.Body.String(), says) {
				t.Errorf("refusal does not say %q: %s", says, rec.Body)
			}
		}
		const attacker, office, elsewhere = "203.0.113.9", "198.51.100.7", "198.51.100.8"

		// The user signs in once from the office: their browser is known.
		rec := a.signInRequest("tester", testPassword, office)
		if rec.Code != 201 {
			t.Fatalf("sign in: %d %s", rec.Code, rec.Body)
		}
		device := cookieOf(rec, authn.DeviceCookie)

		// Someone guesses. Five failures are free; then each waits.
		guesses := 0
		for i := range account.AccountBackoff.Free + 1 {
			refused(a.signInRequest("tester", fmt.Sprintf("guess %d wrong", i), attacker), 401, "auth.bad_credentials", "")
			guesses++
		}
		refused(a.signInRequest("tester", "guess again", attacker), 429, "auth.throttled", "1 s")
		refused(a.signInRequest("tester", testPassword, attacker), 429, "auth.throttled", "1 s")  // not even tried
		refused(a.signInRequest("tester", testPassword, elsewhere), 429, "auth.throttled", "1 s") // the account waits
		clk.advance(time.Second)
		refused(a.signInRequest("tester", "guess 7 wrong", attacker), 401, "auth.bad_credentials", "")
		guesses++
		refused(a.signInRequest("tester", "guess again", attacker), 429, "auth.throttled", "2 s") // doubled

		// The duty commander's own browser is not held up by them.
		if rec := a.signInRequest("tester", testPassword, office, device); rec.Code != 201 {
			t.Fatalf("known browser: %d %s", rec.Code, rec.Body)
		}
		// Nor is it after the longest wait of an account.
		for range 20 {
			switch rec := a.signInRequest("tester", "guess on", attacker); rec.Code {
			case 401:
				guesses++
			case 429:
			default:
				t.Fatalf("guess: %d %s", rec.Code, rec.Body)
			}
			clk.advance(account.AccountBackoff.Max)
		}
		rec = a.signInRequest("tester", testPassword, elsewhere)
		if rec.Code != 201 {
			t.Fatalf("after %v the account must be open again: %d %s", account.AccountBackoff.Max, rec.Code, rec.Body)
		}

		// An address guessing across accounts is slowed whatever the account.
		clk.advance(account.AddressBackoff.Forget)
		for i := range account.AddressBackoff.Free + 1 {
			refused(a.signInRequest(fmt.Sprintf("user%d", i), "whatever it is", "192.0.2.200"), 401, "auth.bad_credentials", "")
		}
		refused(a.signInRequest("someone-else", "whatever it is", "192.0.2.200"), 429, "auth.throttled", "1 s")
		refused(a.signInRequest("tester", testPassword, "192.0.2.200"), 429, "auth.throttled", "1 s")
		if rec := a.signInRequest("tester", testPassword, "192.0.2.200", device); rec.Code != 201 {
			t.Errorf("a known browser behind a throttled address: %d %s", rec.Code, rec.Body)
		}

		// Each failure is in the audit trail, with its address; the
		// attempts refused for their wait were not tried.
		var page struct {
			Records []audit.Record `json:"records"`
		}
		decodeBody(t, a.do("GET", "/api/audit?action=session.refused&limit=500", "", nil, false), &page)
		addresses := map[string]int{}
		for _, r := range page.Records {
			addresses[r.Address]++
		}
		if addresses[attacker] != guesses || addresses["192.0.2.200"] != account.AddressBackoff.Free+1 {
			t.Errorf("refusals by address %v", addresses)
		}
	})
}

// TestSessionExpiry runs on a clock of its own: a session ends after 12
// idle hours and 7 days after sign-in however busy, and its last-seen
// time is written at most once a minute.
func TestSessionExpiry(t *testing.T) {
	t.Parallel()
	eachClockAPI(t, func(t *testing.T, a *testAPI, clk *testClock) {
		ctx := context.Background()
		secret := a.signIn(t, "tester", testPassword)
		cookie := sessionCookie(secret)
		lastSeen := func() int64 {
			t.Helper()
			se, _, err := a.s.Session(ctx, account.HashSecret(secret))
			if err != nil {
				t.Fatal(err)
			}
			return se.LastSeen
		}
		me := scenario{name: "me", headers: cookie, method: "GET", path: "/api/me", status: 200}
		ended := scenario{name: "ended", headers: cookie, method: "GET", path: "/api/me", status: 401, code: "auth.required"}
		start := clk.now().Unix()

		clk.advance(59 * time.Second)
		me.run(t, a)
		if got := lastSeen(); got != start {
			t.Errorf("after 59 s last seen %d, want %d (not written again)", got, start)
		}
		clk.advance(time.Second)
		me.run(t, a)
		if got := lastSeen(); got != start+60 {
			t.Errorf("after 60 s last seen %d, want %d", got, start+60)
		}
		clk.advance(account.DefaultIdleTimeout - time.Second)
		me.run(t, a)
		clk.advance(account.DefaultIdleTimeout)
		ended.run(t, a)

		// Busy all week: it ends 7 days after sign-in all the same.
		secret = a.signIn(t, "tester", testPassword)
		me.headers, ended.headers = sessionCookie(secret), sessionCookie(secret)
		signedIn := clk.now()
		for clk.now().Add(11 * time.Hour).Before(signedIn.Add(account.DefaultAbsoluteTimeout)) {
			clk.advance(11 * time.Hour)
			me.run(t, a)
		}
		clk.advance(signedIn.Add(account.DefaultAbsoluteTimeout).Sub(clk.now()))
		ended.run(t, a)
	})
}

// TestTokens issues, uses and revokes an API token, and checks that its
// secret is shown once and stored nowhere: only its SHA-256.
func TestTokens(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			dsn := storetest.DSN(t, engine)
			s := storetest.OpenDSN(t, engine, dsn, store.WithClock(fixedClock))
			w := storetest.Build(t, s)
			a := newTestAPI(t, s)
			a.w = w
			a.addPrincipal(t, "grain", account.User{Username: "grain", Roles: []access.Role{access.RoleViewer},
				AreaCode: w.City, OrgCode: w.Bureau})
			now := fixedClock()
			expiry := func(d time.Duration) string { return strconv.FormatInt(now.Add(d).Unix(), 10) }

			var issued struct {
				account.Token
				Secret string `json:"secret"`
			}
			scenario{name: "issue", method: "POST", path: "/api/tokens", status: 201,
				body: `{"name":"粮储局接口","username":"grain","expires_at":` + expiry(365*24*time.Hour) + `}`,
				want: []string{`"name":"粮储局接口"`, `"username":"grain"`, `"created_by":"` + a.testerID() + `"`,
					`"secret":"spk_`},
				notWant: []string{`"hash"`, `"last_used"`, `"revoked_at"`},
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					decodeBody(t, rec, &issued)
					if loc := rec.Header().Get("Location"); loc != "/api/tokens/"+strconv.FormatInt(issued.ID, 10) {
						t.Errorf("Location %q", loc)
					}
				}}.run(t, a)
			if len(issued.Secret) != len("spk_")+43 {
				t.Errorf("secret %q: want spk_ and 256 bits in base64url", issued.Secret)
			}
			bearer := map[string]string{"Authorization": "Bearer " + issued.Secret}
			id := strconv.FormatInt(issued.ID, 10)
			runScenarios(t, a, []scenario{
				{name: "the token acts as its user", headers: bearer, method: "GET", path: "/api/me", status: 200,
					want: []string{`"principal":"token:` + id + `"`, `"name":"粮储局接口"`, `"roles":["viewer"]`}},
				{name: "with the user's rights", headers: bearer, method: "POST", path: "/api/movements",
					body: receiveTentsB, status: 403, code: "auth.forbidden"},
				{name: "listed without its secret", method: "GET", path: "/api/tokens", status: 200,
					want: []string{`"id":` + id + `,"name":"粮储局接口"`, `"last_used":`}, notWant: []string{issued.Secret, `"hash"`}},
				{name: "an expiry beyond two years", method: "POST", path: "/api/tokens", status: 400,
					code: "token.expiry_invalid", field: "expires_at",
					body: `{"name":"x","username":"grain","expires_at":` + expiry(account.MaxTokenLifetime+time.Hour) + `}`},
				{name: "an expiry in the past", method: "POST", path: "/api/tokens", status: 400,
					code: "token.expiry_invalid", field: "expires_at",
					body: `{"name":"x","username":"grain","expires_at":` + expiry(-time.Hour) + `}`},
				{name: "no name", method: "POST", path: "/api/tokens", status: 400, code: "token.name_invalid", field: "name",
					body: `{"name":" ","username":"grain","expires_at":` + expiry(time.Hour) + `}`},
				{name: "an unknown user", method: "POST", path: "/api/tokens", status: 404, code: "user.not_found",
					field: "username", body: `{"name":"x","username":"nobody","expires_at":` + expiry(time.Hour) + `}`},
				{name: "a secret of its own", method: "POST", path: "/api/tokens", status: 400,
					code: "request.malformed_json", field: "secret",
					body: `{"name":"x","username":"grain","expires_at":` + expiry(time.Hour) + `,"secret":"spk_mine"}`},
				{name: "revoke", method: "POST", path: "/api/tokens/" + id + "/revoke", status: 200,
					want: []string{`"revoked_at":1780279200`}},
				{name: "a revoked token", headers: bearer, method: "GET", path: "/api/me", status: 401,
					code: "auth.token_invalid"},
				{name: "revoke again", method: "POST", path: "/api/tokens/" + id + "/revoke", status: 200,
					want: []string{`"revoked_at":1780279200`}},
				{name: "revoke an unknown token", method: "POST", path: "/api/tokens/999999/revoke", status: 404,
					code: "token.not_found"},
				// Revoking again changes nothing and records nothing.
				{name: "audited", method: "GET", path: "/api/audit?kind=token&id=" + id, status: 200,
					want: []string{`"count":2`, `"action":"token.revoke"`, `"action":"token.create"`}},
			})

			// The database holds the secret's SHA-256 and nowhere the secret.
			db := storetest.Raw(t, engine, dsn)
			var hash string
			if err := db.QueryRow(`SELECT hash FROM api_tokens WHERE id = ` + id).Scan(&hash); err != nil {
				t.Fatal(err)
			}
			if hash != account.HashSecret(issued.Secret) {
				t.Errorf("stored hash %q is not the SHA-256 of the secret", hash)
			}
			secretPart := strings.TrimPrefix(issued.Secret, "spk_")
			for table, text := range dumpTables(t, engine, db) {
				if strings.Contains(text, secretPart) {
					t.Errorf("table %s holds the token's secret", table)
				}
				if strings.Contains(text, testPassword) {
					t.Errorf("table %s holds a password in clear", table)
				}
			}
		})
	}
}

// dumpTables returns every row of every table of db as text, by table.
func dumpTables(t *testing.T, engine string, db *sql.DB) map[string]string {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'table'`
	if engine == "postgres" {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`
	}
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	if len(tables) < 10 {
		t.Fatalf("found %d tables: %v", len(tables), tables)
	}
	out := map[string]string{}
	for _, table := range tables {
		rows, err := db.Query(`SELECT * FROM ` + table)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		var b strings.Builder
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				if raw, ok := v.([]byte); ok {
					v = string(raw)
				}
				fmt.Fprintf(&b, "%v\t", v)
			}
			b.WriteString("\n")
		}
		rows.Close()
		out[table] = b.String()
	}
	if out["api_tokens"] == "" || out["audit_log"] == "" {
		t.Fatalf("the dump missed the tokens or the audit trail: %v", tables)
	}
	return out
}

// TestTokenLastUsed runs on a clock of its own: a token's last use is
// written at most once a minute.
func TestTokenLastUsed(t *testing.T) {
	t.Parallel()
	eachClockAPI(t, func(t *testing.T, a *testAPI, clk *testClock) {
		ctx := context.Background()
		p := a.principals[""]
		lastUsed := func() int64 {
			t.Helper()
			tk, err := a.s.Token(ctx, p.token.ID)
			if err != nil {
				t.Fatal(err)
			}
			return tk.LastUsed
		}
		if got := lastUsed(); got != 0 {
			t.Fatalf("unused token last used at %d", got)
		}
		use := scenario{name: "use", method: "GET", path: "/api/items?class=1", status: 200}
		start := clk.now().Unix()
		use.run(t, a)
		if got := lastUsed(); got != start {
			t.Errorf("first use: last used %d, want %d", got, start)
		}
		for range 3 {
			clk.advance(19 * time.Second)
			use.run(t, a)
		}
		if got := lastUsed(); got != start {
			t.Errorf("57 s later: last used %d, want %d (not written again)", got, start)
		}
		clk.advance(3 * time.Second)
		use.run(t, a)
		if got := lastUsed(); got != start+60 {
			t.Errorf("60 s later: last used %d, want %d", got, start+60)
		}
	})
}

// TestAuditSearch checks the filters of GET /api/audit.
func TestAuditSearch(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, a *testAPI) {
		tester := a.testerID()
		runScenarios(t, a, []scenario{
			{name: "an area", method: "POST", path: "/api/areas", status: 201,
				body: `{"code":"110111001","parent_code":"110111","level":"street","name_zh":"城关街道"}`},
			{name: "an organisation", method: "POST", path: "/api/orgs", body: tentMaker, status: 201},
			{name: "a refused sign-in", method: "POST", path: "/api/session", anonymous: true, status: 401,
				code: "auth.bad_credentials", body: `{"username":"tester","password":"wrong password"}`},
			{name: "a sign-in", method: "POST", path: "/api/session", anonymous: true, status: 201,
				body: `{"username":"tester","password":"` + testPassword + `"}`},

			{name: "everything, newest first", method: "GET", path: "/api/audit", status: 200,
				check: inOrder(`"action":"session.create"`, `"action":"session.refused"`, `"action":"org.create"`,
					`"action":"area.create"`, `"action":"token.create"`, `"action":"user.create"`)},
			{name: "by principal", method: "GET", path: "/api/audit?principal=" + tester, status: 200,
				want: []string{`"count":2`, `"action":"org.create"`, `"action":"area.create"`}},
			{name: "by object", method: "GET", path: "/api/audit?kind=org&id=FS-TENT-CO", status: 200,
				want: []string{`"count":1`, `"object":{"kind":"org","id":"FS-TENT-CO","version":1}`,
					`"after":{"code":"FS-TENT-CO"`}, notWant: []string{`"before"`}},
			{name: "by kind", method: "GET", path: "/api/audit?kind=area", status: 200, want: []string{`"count":1`}},
			{name: "by action prefix", method: "GET", path: "/api/audit?action=session.", status: 200,
				want: []string{`"count":2`}},
			{name: "by action", method: "GET", path: "/api/audit?action=session.create", status: 200,
				want: []string{`"count":1`}},
			{name: "by day", method: "GET", path: "/api/audit?from=2026-06-01&to=2026-06-01", status: 200,
				want: []string{`"count":6`}},
			{name: "before the day", method: "GET", path: "/api/audit?to=2026-05-31", status: 200,
				want: []string{`"count":0`, `"records":[]`}},
			{name: "after the day", method: "GET", path: "/api/audit?from=2026-06-02", status: 200,
				want: []string{`"count":0`}},
			{name: "a page", method: "GET", path: "/api/audit?limit=2", status: 200,
				want: []string{`"count":2`, `"seq":6`, `"seq":5`}},
			{name: "the next page", method: "GET", path: "/api/audit?limit=2&before=5", status: 200,
				want: []string{`"count":2`, `"seq":4`, `"seq":3`}},
			{name: "chained", method: "GET", path: "/api/audit?limit=1&before=2", status: 200,
				want: []string{`"seq":1`, `"prev_hash":"0000000000000000000000000000000000000000000000000000000000000000"`, `"hash":"`}},
			{name: "a bad date", method: "GET", path: "/api/audit?from=yesterday", status: 400, code: "param.invalid",
				field: "from"},
			{name: "too large a page", method: "GET", path: "/api/audit?limit=501", status: 400, code: "param.invalid",
				field: "limit"},
			{name: "a bad page mark", method: "GET", path: "/api/audit?before=-1", status: 400, code: "param.invalid",
				field: "before"},
		})
	})
}
