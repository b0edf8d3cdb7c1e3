package e2e_test

import (
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/stockpile-dev/stockpile/internal/e2e"
)

// navKeys lists the navigation entries of the page.
func navKeys(s *session) []string {
	s.t.Helper()
	return eval[[]string](s, `[...document.querySelectorAll('[data-nav]')].map((a) => a.dataset.nav)`)
}

// has reports whether an element matches css.
func has(s *session, css string) bool { return count(s, css) > 0 }

// TestSignInPage is the sign-in page on a phone and on a desktop: a wrong
// password is told beside the field, the demo accounts are listed (the
// browser is on the server's machine), and signing in leads back to the
// page asked for.
func TestSignInPage(t *testing.T) {
	phone := open(t, 390, 844, "")
	phone.do("open a page without signing in", chromedp.Navigate(phone.site.URL+"/stock/depots"), e2e.WaitPath("/login", "login"))
	if got := phone.attr(`input[name="next"]`, "value"); got != "/stock/depots" {
		t.Errorf("the form goes on to %q, want /stock/depots", got)
	}
	if n := count(phone, "#demo-accounts tbody tr"); n != 12 {
		t.Errorf("%d demo accounts listed, want 12", n)
	}
	if w := eval[int](phone, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the sign-in page is %d px wide on a 390 px phone", w)
	}
	phone.shot("login-phone")
	phone.do("a wrong password", chromedp.SendKeys(chromedp.CSS("#username"), "viewer-city"),
		chromedp.SendKeys(chromedp.CSS("#password"), "not-my-password"),
		chromedp.Click(chromedp.CSS("#login-submit")), e2e.WaitPath("/login", "login"),
		chromedp.WaitVisible(chromedp.CSS("#password-error")))
	contains(t, "error beside the password", phone.text("#password-error"), "用户名或密码错误")
	if got := eval[string](phone, `document.querySelector('#username').value`); got != "viewer-city" {
		t.Errorf("the username was not kept: %q", got)
	}
	phone.shot("login-wrong-password")
	phone.do("sign in as the viewer", chromedp.Click(chromedp.CSS(`.demo-use[data-username="viewer-city"]`)),
		e2e.WaitPath("/stock/depots", "stock"))
	contains(t, "header", phone.text("#who"), "市级只读用户")
	phone.shot("stock-phone-signed-in")

	desk := open(t, 1366, 768, "")
	desk.goTo("/login", "login")
	desk.shot("login")
}

// TestRoleScreens signs in as a viewer, a duty commander and an
// administrator of the city, each through the sign-in page, and checks
// that each is offered the screens and buttons of their role and no more.
func TestRoleScreens(t *testing.T) {
	like := demoDepot(t, site(t))
	plan := planNear(t, site(t), fmt.Sprintf("E2E-ROLE-%d", time.Now().UnixNano()%1e6), "角色测试安置点", like.Point)
	for _, c := range []struct {
		user     string
		nav      []string
		name     string
		has, not []string // on the incidents page and the plan's page
	}{
		{"viewer-city", []string{"dashboard", "map", "work", "stock", "dispatch", "transfers", "readiness"}, "市级只读用户",
			nil, []string{"#new-incident", "#approve", "#cancel", "#recompute"}},
		{"commander-city", []string{"dashboard", "map", "work", "stock", "dispatch", "transfers", "readiness"}, "市级值班指挥",
			[]string{"#new-incident", "#approve", "#cancel", "#recompute"}, nil},
		{"admin-city", []string{"dashboard", "map", "work", "stock", "dispatch", "transfers", "readiness", "masterdata", "import", "admin"}, "市级系统管理员",
			nil, []string{"#new-incident", "#approve", "#cancel", "#recompute"}},
	} {
		t.Run(c.user, func(t *testing.T) {
			s := open(t, 1366, 768, c.user)
			if got := navKeys(s); !slices.Equal(got, c.nav) {
				t.Errorf("navigation %v, want %v", got, c.nav)
			}
			contains(t, "who is signed in", s.text("#who"), c.name)
			s.shot("dashboard")
			s.do("open the incidents", chromedp.Navigate(s.site.URL+"/incidents"), chromedp.WaitVisible(chromedp.CSS("#plans")))
			incidents := has(s, "#new-incident")
			s.goTo(fmt.Sprintf("/plans/%d", plan), "plan")
			s.shot("plan")
			for _, css := range c.has {
				if !has(s, css) && !(css == "#new-incident" && incidents) {
					t.Errorf("no %s", css)
				}
			}
			for _, css := range c.not {
				if has(s, css) || (css == "#new-incident" && incidents) {
					t.Errorf("offered %s", css)
				}
			}
			s.do("open the readiness screen", chromedp.Navigate(s.site.URL+"/readiness"),
				chromedp.WaitVisible(chromedp.CSS("#rd-builder")))
			if got, want := has(s, "#save-scenario"), c.user == "commander-city"; got != want {
				t.Errorf("save scenario offered: %v, want %v", got, want)
			}
			s.do("sign out", chromedp.Click(chromedp.CSS("#sign-out")), e2e.WaitPath("/login", "login"))
			s.do("the session has ended", chromedp.Navigate(s.site.URL+"/"), e2e.WaitPath("/login", "login"))
		})
	}
}

// TestAdminUsersAndTokens is the city administrator adding a warehouse
// keeper (the one-time password shown once), issuing an API token to the
// grain bureau's system and revoking it, and finding all of it in the
// audit trail; then the same screens on a phone.
func TestAdminUsersAndTokens(t *testing.T) {
	s := open(t, 1366, 900, "admin-city")
	s.goTo("/admin/users", "admin")
	username := fmt.Sprintf("e2e-keeper-%d", time.Now().UnixNano()%1e6)
	s.do("fill in a keeper",
		chromedp.SendKeys(chromedp.CSS(`#user-form input[name="username"]`), username),
		chromedp.SendKeys(chromedp.CSS(`#user-form input[name="name"]`), "浏览器测试库管"),
		chromedp.Click(chromedp.CSS(`#user-form input[name="roles"][value="keeper"]`)),
		chromedp.SetValue(chromedp.CSS(`#user-form select[name="area_code"]`), "110109"),
		chromedp.SetValue(chromedp.CSS(`#user-form select[name="org_code"]`), "110109-EMB"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('#user-form select[name="depots"] option[value="D-110109-01"]').selected = true`))
	// The list is reloaded after the one-time password shows: wait for the
	// new row, not for any row.
	s.do("add the keeper", chromedp.Click(chromedp.CSS("#user-save")), chromedp.WaitVisible(chromedp.CSS("#secret-value")),
		eventually(fmt.Sprintf(`document.querySelector('#users').textContent.includes(%q)`, username)))
	password := s.text("#secret-value")
	if len(password) < 10 {
		t.Errorf("one-time password %q", password)
	}
	contains(t, "the new keeper listed", s.text("#users"), username, "浏览器测试库管", "待改密码")
	s.shot("users-added")

	// Change the keeper's name, then disable them, then give them a new
	// one-time password: each through the row's buttons.
	id := eval[string](s, fmt.Sprintf(`[...document.querySelectorAll('#users tr[data-user]')].find((r) => r.textContent.includes(%q)).dataset.user`, username))
	rowOf := func(css string) string { return fmt.Sprintf(`#users tr[data-user="%s"] %s`, id, css) }
	s.do("edit the keeper", chromedp.Click(chromedp.CSS(rowOf(`button[data-act="edit"]`))),
		chromedp.WaitVisible(chromedp.CSS("#user-cancel")))
	if got := eval[string](s, `document.querySelector('#user-form select[name="area_code"]').value`); got != "110109" {
		t.Errorf("the form edits a user of area %q, want 110109", got)
	}
	s.do("rename and save", chromedp.SetValue(chromedp.CSS(`#user-form input[name="name"]`), "改名后的库管"),
		// A click by coordinates missed the button now and then while the
		// page above it settled; the button's own click does not.
		chromedp.Evaluate[chromedp.Void](`document.querySelector('#user-save').click()`),
		eventually(fmt.Sprintf(`document.querySelector(%q).textContent.includes('改名后的库管')`, rowOf("td"))))
	// The row's buttons by their own click too: the list is reloaded after
	// each change, and a click by coordinates may land while it settles.
	press := func(css string) string { return fmt.Sprintf(`document.querySelector(%q).click()`, css) }
	s.do("disable the keeper", chromedp.WaitVisible(chromedp.CSS(rowOf(`button[data-act="disable"]`))),
		chromedp.Evaluate[chromedp.Void](press(rowOf(`button[data-act="disable"]`))), chromedp.WaitVisible(chromedp.CSS(rowOf(`[data-state="disabled"]`))))
	s.do("reset the keeper's password", chromedp.WaitVisible(chromedp.CSS(rowOf(`button[data-act="reset"]`))),
		chromedp.Evaluate[chromedp.Void](press(rowOf(`button[data-act="reset"]`))),
		eventually(fmt.Sprintf(`document.querySelector('#secret-value') && document.querySelector('#secret-value').textContent !== %q`, password)))
	s.shot("users-changed")

	s.goTo("/admin/tokens", "admin")
	s.do("issue a token", chromedp.SendKeys(chromedp.CSS(`#token-form input[name="name"]`), "粮食局储备系统(测试)"),
		chromedp.SetValue(chromedp.CSS(`#token-form select[name="username"]`), "partner-grain"),
		chromedp.Click(chromedp.CSS("#token-create")), chromedp.WaitVisible(chromedp.CSS("#secret-value")))
	secret := s.text("#secret-value")
	if !strings.HasPrefix(secret, "spk_") {
		t.Errorf("token secret %q", secret)
	}
	s.shot("token-issued")
	// The token works for the API, as the grain bureau's system would use it.
	req, _ := http.NewRequest("GET", s.site.URL+"/api/me", nil)
	req.Header.Set("Authorization", "Bearer "+secret)
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != http.StatusOK {
		t.Errorf("GET /api/me with the new token: %v %v", res, err)
	} else {
		res.Body.Close()
	}
	row := `#tokens tr[data-state="active"] button[data-act="revoke"]`
	s.do("revoke it", chromedp.Click(chromedp.CSS(row)),
		chromedp.WaitVisible(chromedp.CSS(`#tokens tr[data-state="revoked"]`)))
	s.shot("token-revoked")

	s.goTo("/admin/webhooks", "admin")
	s.do("register a webhook", chromedp.SendKeys(chromedp.CSS(`#webhook-form input[name="url"]`), "https://grain.example/stockpile"),
		chromedp.SendKeys(chromedp.CSS(`#webhook-form input[name="kinds"]`), "ledger., plan."),
		chromedp.Click(chromedp.CSS("#webhook-create")), chromedp.WaitVisible(chromedp.CSS("#secret-value")),
		chromedp.WaitVisible(chromedp.CSS(`#webhooks [data-webhook][data-state="active"]`)))
	if hookSecret := s.text("#secret-value"); !strings.HasPrefix(hookSecret, "whsec_") {
		t.Errorf("webhook secret %q", hookSecret)
	}
	s.shot("webhook-registered")

	s.goTo("/admin/audit?action=token.", "admin")
	actions := eval[[]string](s, `[...document.querySelectorAll('#audit tr[data-action]')].map((r) => r.dataset.action)`)
	if len(actions) < 2 || actions[0] != "token.revoke" || actions[1] != "token.create" {
		t.Errorf("audit trail of tokens: %v", actions)
	}
	s.goTo("/admin/audit", "admin")
	s.do("open a record's change", chromedp.Click(chromedp.CSS(`#audit tr[data-action] details summary`)))
	s.shot("audit")

	phone := open(t, 390, 844, "admin-city")
	for _, path := range []string{"/admin/users", "/admin/tokens", "/admin/webhooks", "/admin/audit"} {
		phone.goTo(path, "admin")
		if w := eval[int](phone, `document.documentElement.scrollWidth`); w > 390 {
			t.Errorf("%s is %d px wide on a 390 px phone", path, w)
		}
		phone.shot(strings.ReplaceAll(strings.TrimPrefix(path, "/"), "/", "-") + "-phone")
	}
}

// TestKeeperScope: a warehouse keeper of Mentougou District sees their
// depot's stock, on the stock screen and on the map, and nothing else.
func TestKeeperScope(t *testing.T) {
	s := open(t, 1366, 768, "keeper-mentougou")
	if got := navKeys(s); !slices.Equal(got, []string{"dashboard", "map", "work", "stock", "dispatch", "transfers", "import"}) {
		t.Errorf("a keeper's navigation: %v", got)
	}
	s.shot("dashboard")
	s.do("open the depots", chromedp.Navigate(s.site.URL+"/stock/depots"), e2e.WaitReady("stock"))
	depots := eval[[]string](s, `[...document.querySelectorAll('#stock-body tr[data-depot]')].map((r) => r.dataset.depot)`)
	if !slices.Equal(depots, []string{"D-110109-01"}) {
		t.Errorf("the keeper's depots tab lists %v", depots)
	}
	s.do("open the lots", chromedp.Navigate(s.site.URL+"/stock/lots"), e2e.WaitReady("stock"))
	where := eval[[]string](s, `[...new Set([...document.querySelectorAll('#stock-body tr[data-lot] td:first-child a')].map((a) => a.getAttribute('href')))]`)
	if !slices.Equal(where, []string{"/stock/lots?depot=D-110109-01"}) {
		t.Errorf("the keeper's lots lie in %v", where)
	}
	s.shot("lots")
	s.goTo("/map", "map")
	if n := eval[int](s, `window.stockpileMap.depots`); n != 1 {
		t.Errorf("the keeper's map draws %d depots, want 1", n)
	}
	s.shot("map")

	phone := open(t, 390, 844, "keeper-mentougou")
	phone.goTo("/stock/lots", "stock")
	if w := eval[int](phone, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the keeper's lots are %d px wide on a 390 px phone", w)
	}
	phone.shot("lots-phone")
}

// TestCrossSiteForm: a page of another site, open in the browser of a
// signed-in commander, posts forms to Stockpile, to sign them out and to
// post a movement through the API; both are refused, and the commander is
// still signed in.
func TestCrossSiteForm(t *testing.T) {
	s := open(t, 1366, 768, "commander-city")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	// Another site: localhost is not 127.0.0.1, so the browser marks
	// its requests to Stockpile cross-site.
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	evil := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><title>prize</title>
<form id="out" method="post" action="%[1]s/logout"><button id="go-out">claim your prize</button></form>
<form id="move" method="post" action="%[1]s/api/movements" enctype="text/plain">
<input name='{"reason":"x","lines":[{"kind":"issue","depot":"C-DX-FLOOD","item":"1010101","quantity":1,"x":"' value='"}]}'>
<button id="go-move">claim another</button></form>`, s.site.URL)
	})}
	go func() { _ = evil.Serve(ln) }()
	t.Cleanup(func() { evil.Close() })
	page := "http://localhost:" + port + "/"

	for _, button := range []string{"#go-out", "#go-move"} {
		s.do("open the other site", chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS(button)))
		s.do("submit its form", chromedp.Click(chromedp.CSS(button)), eventually(`location.host !== 'localhost:`+port+`'`),
			chromedp.WaitReady(chromedp.CSS("body")))
		contains(t, "refusal of "+button, s.text("body"), "request.cross_origin")
	}
	s.shot("cross-site-refused")
	s.do("back on Stockpile, still signed in", chromedp.Navigate(s.site.URL+"/incidents"),
		chromedp.WaitVisible(chromedp.CSS("#sign-out")))
	if !has(s, "#new-incident") {
		t.Error("the commander lost their session or their role")
	}
}
