package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/account"
	"github.com/stockpile-dev/stockpile/internal/e2e"
	"github.com/stockpile-dev/stockpile/internal/testpg"
)

// demoSite is one demo site shared by the tests of this package: loading
// the demo takes seconds, and each test works on its own incidents.
var demoSite struct {
	once  sync.Once
	site  *e2e.Site
	logs  strings.Builder
	err   error
	token string // an API token of the tester (see apiTester), for what tests set up through the API
}

// site returns the shared demo site, starting it on first use. Without
// Chromium the test fails (never skips): scripts/test.sh installs it.
func site(t *testing.T) *e2e.Site {
	t.Helper()
	if _, err := e2e.ChromiumPath(); err != nil {
		t.Fatal(err)
	}
	demoSite.once.Do(func() {
		dir, err := os.MkdirTemp("", "stockpile-e2e-")
		if err != nil {
			demoSite.err = err
			return
		}
		s, err := e2e.OpenDemo(context.Background(), filepath.Join(dir, "demo.db"))
		if err != nil {
			demoSite.err = err
			return
		}
		if demoSite.site, demoSite.err = e2e.StartSite(s, &demoSite.logs); demoSite.err == nil {
			demoSite.token, demoSite.err = apiTester(demoSite.site)
		}
	})
	if demoSite.err != nil {
		t.Fatal(demoSite.err)
	}
	return demoSite.site
}

// apiTester creates the tester, an administrator, commander and reserve
// manager of the city who may make every request the tests make through
// the API, and returns an API token of theirs.
func apiTester(site *e2e.Site) (string, error) {
	ctx := context.Background()
	system := access.SystemActor("e2e")
	u := account.User{Username: "e2e-tester", Name: "浏览器测试", AreaCode: "110000", OrgCode: "BJ-EMB",
		Roles: []access.Role{access.RoleAdmin, access.RoleCommander, access.RoleManager}}
	if _, _, err := site.Ops.CreateUser(ctx, system, u, "e2e-tester-password"); err != nil {
		return "", err
	}
	_, token, err := site.Ops.CreateToken(ctx, system, account.Token{Name: "e2e", Username: u.Username,
		ExpiresAt: site.Store.Now().Add(24 * time.Hour).Unix()})
	return token, err
}

// session is a browser tab on the demo site for one test, with helpers
// that fail the test on error and save screenshots as artefacts.
type session struct {
	t    *testing.T
	b    *e2e.Browser
	site *e2e.Site
	ctx  context.Context
	dir  string
	step int
}

// open starts a browser of the given size for t, signed in as the demo
// account user (none when ""); it is closed, and script errors fail the
// test, when t ends.
func open(t *testing.T, width, height int, user string) *session {
	t.Helper()
	return openOn(t, site(t), width, height, user)
}

// pgDemo is the demo site on PostgreSQL, for the flows tested on both
// engines; started on first use, like the SQLite one.
var pgDemo struct {
	once sync.Once
	site *e2e.Site
	logs strings.Builder
	err  error
}

// sites returns the demo site of each engine by name.
func sites(t *testing.T) map[string]*e2e.Site {
	t.Helper()
	sqlite := site(t)
	pgDemo.once.Do(func() {
		// A schema of its own that outlives the test that started it, as
		// the SQLite site's file does: later tests share the site.
		dsn := testpg.Schema(&keepAlive{T: t})
		s, err := e2e.OpenDemo(context.Background(), dsn)
		if err != nil {
			pgDemo.err = err
			return
		}
		pgDemo.site, pgDemo.err = e2e.StartSite(s, &pgDemo.logs)
	})
	if pgDemo.err != nil {
		t.Fatal(pgDemo.err)
	}
	return map[string]*e2e.Site{"sqlite": sqlite, "postgres": pgDemo.site}
}

// keepAlive is a test whose clean-ups wait for the package's tests to end
// (TestMain): the PostgreSQL demo's schema stays for the tests after the
// one that made it.
type keepAlive struct{ *testing.T }

// atExit are the clean-ups keepAlive put off.
var atExit []func()

func (keepAlive) Cleanup(f func()) { atExit = append(atExit, f) }

func TestMain(m *testing.M) {
	code := m.Run()
	for _, f := range atExit {
		f()
	}
	os.Exit(code)
}

// openOn is open on a given site.
func openOn(t *testing.T, st *e2e.Site, width, height int, user string) *session {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	b, err := e2e.NewBrowser(ctx, width, height)
	if err != nil {
		t.Fatal(err)
	}
	dir, err := e2e.ArtifactDir()
	if err != nil {
		t.Fatal(err)
	}
	s := &session{t: t, b: b, site: st, ctx: b.Ctx, dir: dir}
	t.Cleanup(func() {
		for _, e := range b.Errors() {
			t.Errorf("script error in the page: %s", e)
		}
		b.Close()
	})
	if user != "" {
		s.do("sign in as "+user, e2e.SignIn(st, user))
	}
	return s
}

// do runs browser actions, failing the test with what was being done.
func (s *session) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	s.t.Helper()
	if err := chromedp.Do(s.ctx, actions...); err != nil {
		s.shot("failed-" + strings.ReplaceAll(what, " ", "-"))
		s.t.Fatalf("%s: %v", what, err)
	}
}

// goTo opens path and waits until the screen says it is ready.
func (s *session) goTo(path, ready string) {
	s.t.Helper()
	s.do("open "+path, chromedp.Navigate(s.site.URL+path), e2e.WaitReady(ready))
}

// text returns the visible text of the first element matching css.
func (s *session) text(css string) string {
	s.t.Helper()
	sel, _ := json.Marshal(css)
	// Found and read in one evaluation: a node the page replaces between
	// the two (a popup re-rendered as its data arrives) is otherwise gone
	// when its text is asked for ("No node with given id found").
	if _, err := chromedp.Run(s.ctx, chromedp.WaitReady(chromedp.CSS(css))); err != nil {
		s.t.Fatalf("text of %s: %v", css, err)
	}
	return eval[string](s, `(document.querySelector(`+string(sel)+`) || {innerText: ""}).innerText`)
}

// eval evaluates a JavaScript expression and returns its value.
func eval[T any](s *session, expr string) T {
	s.t.Helper()
	v, err := chromedp.Run(s.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		s.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// shot saves a full-page screenshot named after the test and the step.
func (s *session) shot(name string) {
	s.t.Helper()
	// Let map animations and the progress bar's fade finish, so the
	// picture shows what a user would look at. The whole page is taken
	// from the top, so that the sticky header is drawn there and not
	// across the middle where the page was scrolled to.
	_ = chromedp.Do(s.ctx, chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
	_ = chromedp.Do(s.ctx, chromedp.Poll[chromedp.Void](`!document.querySelector('.leaflet-zoom-anim') || null`,
		chromedp.WithPollingTimeout(3*time.Second)), chromedp.Sleep(400*time.Millisecond))
	png, err := chromedp.Run(s.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		s.t.Logf("screenshot %s: %v", name, err)
		return
	}
	s.step++
	file := filepath.Join(s.dir, strings.ReplaceAll(s.t.Name(), "/", "-")+"-"+twoDigits(s.step)+"-"+name+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		s.t.Fatal(err)
	}
	s.t.Logf("screenshot %s", file)
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + string(rune('0'+n))
	}
	return string(rune('0'+n/10)) + string(rune('0'+n%10))
}

// contains fails unless got contains every want.
func contains(t *testing.T, what, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s: missing %q in %.300q", what, w, got)
		}
	}
}

// attr returns an attribute of the first element matching css.
func (s *session) attr(css, name string) string {
	s.t.Helper()
	return eval[string](s, fmt.Sprintf(`(document.querySelector(%q) || {getAttribute: () => ''}).getAttribute(%q) || ''`, css, name))
}
