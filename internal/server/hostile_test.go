package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/account"
	"github.com/stockpile-dev/stockpile/internal/api"
	"github.com/stockpile-dev/stockpile/internal/authn"
	"github.com/stockpile-dev/stockpile/internal/ops"
	"github.com/stockpile-dev/stockpile/internal/server"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
	"github.com/stockpile-dev/stockpile/internal/transfer"
)

// hostileSite is the whole site over a store holding the storetest World
// and 100 tents in depot A, served on a loopback port, with the session
// cookie of the tester (see signInTester), which every request sends unless
// its headers name a Cookie of their own ("" for none).
type hostileSite struct {
	*httptest.Server
	s      *store.Store
	w      storetest.World
	logs   *syncBuffer
	cookie string // "stockpile_session=…"
	tester string // the tester's principal id
}

func newHostileSite(t *testing.T, s *store.Store, opts server.Options) *hostileSite {
	t.Helper()
	site := &hostileSite{s: s, w: storetest.Build(t, s), logs: &syncBuffer{}}
	opts.API.Logger = slog.New(slog.NewTextHandler(site.logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	opts.Web.Logger = opts.API.Logger
	svc := ops.New(s, ops.Options{PasswordParams: testParams})
	if _, err := svc.Post(t.Context(), access.SystemActor("test"), stock.Posting{Reason: "入库", Lines: []stock.Line{{
		Kind: stock.KindReceive, Depot: site.w.DepotA, Item: storetest.Tent, Quantity: stock.Units(100),
		NewLot: &stock.LotSpec{Code: "TENT-A", Batch: "B1"}}}}); err != nil {
		t.Fatal(err)
	}
	h, err := server.New(t.Context(), svc, opts)
	if err != nil {
		t.Fatal(err)
	}
	site.Server = httptest.NewServer(h)
	t.Cleanup(site.Close)
	host := ""
	if len(opts.AllowedHosts) > 0 {
		host = opts.AllowedHosts[0]
	}
	site.signInTester(t, svc, host)
	return site
}

// testParams make password hashes cheap in tests.
var testParams = account.Params{MemoryKiB: 64, Time: 1, Threads: 1}

// testerPassword is the tester's password.
const testerPassword = "tester-password-1"

// signInTester creates the tester, an administrator, commander and reserve
// manager of the city, who may make every request these tests make, and
// signs in through the API for the session cookie, addressing the site
// as host unless that is "".
func (site *hostileSite) signInTester(t *testing.T, svc *ops.Service, host string) {
	t.Helper()
	u, _, err := svc.CreateUser(t.Context(), access.SystemActor("test"), account.User{Username: "tester",
		Roles: []access.Role{access.RoleAdmin, access.RoleCommander, access.RoleManager}, AreaCode: site.w.City,
		OrgCode: site.w.Bureau}, testerPassword)
	if err != nil {
		t.Fatal(err)
	}
	site.tester = u.Actor("").ID
	req, err := http.NewRequest("POST", site.URL+"/api/session",
		strings.NewReader(`{"username":"tester","password":"`+testerPassword+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if host != "" {
		req.Host = host
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	for _, c := range res.Cookies() {
		if c.Name == authn.SessionCookie {
			site.cookie = c.Name + "=" + c.Value
		}
	}
	if res.StatusCode != http.StatusCreated || site.cookie == "" {
		t.Fatalf("signing in as the tester: %d, cookies %v", res.StatusCode, res.Cookies())
	}
}

// send makes a request with JSON content unless headers say otherwise,
// checks its status when want is not 0, and returns the status and body.
func (site *hostileSite) send(t *testing.T, method, path, body string, headers map[string]string, want int) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, site.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Cookie", site.cookie)
	for k, v := range headers {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	res, err := noRedirects.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if want != 0 && res.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d: %s", method, path, res.StatusCode, want, b)
	}
	return res.StatusCode, string(b)
}

// refused sends a request that must be refused with status and code, and
// checks that it changed nothing.
func (site *hostileSite) refused(t *testing.T, method, path, body string, headers map[string]string, status int, code string) {
	t.Helper()
	before := state(t, site.s)
	_, got := site.send(t, method, path, body, headers, status)
	var eb struct {
		Error struct{ Code, Message, MessageZH string }
	}
	if err := json.Unmarshal([]byte(got), &eb); err != nil || eb.Error.Code != code || eb.Error.Message == "" {
		t.Errorf("%s %s: want error %s, got %s", method, path, code, got)
	}
	if after := state(t, site.s); after != before {
		t.Errorf("%s %s was refused but changed the database:\nbefore %s\nafter  %s", method, path, before, after)
	}
}

// state summarises what the requests below could change.
func state(t *testing.T, s *store.Store) string {
	t.Helper()
	ctx := context.Background()
	entries, err := s.Movements(ctx, store.MovementFilter{Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	depots, err := s.Depots(ctx, store.DepotFilter{})
	if err != nil {
		t.Fatal(err)
	}
	plans, err := s.Plans(ctx, "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	incidents, err := s.Incidents(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	orders, err := s.TransferOrders(ctx, store.TransferFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	statuses := make([]string, 0, len(plans)+len(orders))
	for _, p := range plans {
		statuses = append(statuses, string(p.Status))
	}
	for _, o := range orders {
		statuses = append(statuses, string(o.Status))
	}
	return fmt.Sprintf("entries %d, depots %d, incidents %d, plans and orders %v", len(entries), len(depots), len(incidents), statuses)
}

const planBody = `{"incident":{"code":"FS-1","title":"房山暴雨","type":"flood","level":2,"sites":[{"code":"S1","name":"安置点",
	"point":{"lon":116.14,"lat":39.73},"demands":[{"item":"1010101","quantity":10,"within_hours":6}]}]}}`

// TestCrossSiteRequests: a page of another site cannot change anything
// through a user's browser — neither an auto-submitted text/plain form
// nor a no-cors fetch — while the site's own pages and programs can. Every
// request here carries the signed-in tester's session cookie, as a
// browser would send it (SameSite=Lax keeps it off another site's POST in
// today's browsers; the refusal does not depend on that).
func TestCrossSiteRequests(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := newHostileSite(t, s, server.Options{})
		site.send(t, "POST", "/api/plans", planBody, map[string]string{"Sec-Fetch-Site": "same-origin"}, 201)

		form := map[string]string{"Content-Type": "text/plain", "Sec-Fetch-Site": "cross-site",
			"Origin": "http://evil.example"}
		site.refused(t, "POST", "/api/plans/1/approve", `{"x":"=y"}`, form, 403, "request.cross_origin")
		site.refused(t, "POST", "/api/movements", `{"reason":"x","lines":[{"kind":"issue","depot":"C-TEST-A","item":"1010101","quantity":1}]}`,
			map[string]string{"Content-Type": "text/plain", "Origin": "http://evil.example"}, 403, "request.cross_origin")
		// A program (no browser headers) that sends JSON under another
		// type is refused for the type: what a no-cors fetch would send.
		site.refused(t, "POST", "/api/movements", `{"reason":"x","lines":[{"kind":"issue","depot":"C-TEST-A","item":"1010101","quantity":1}]}`,
			map[string]string{"Content-Type": "text/plain;charset=UTF-8"}, 415, "request.unsupported_media_type")
		site.refused(t, "POST", "/api/plans/1/approve", "a=b",
			map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 415, "request.unsupported_media_type")

		// The web's own forms: another site can neither sign a visitor in
		// as someone else (login CSRF), nor sign them out, nor change their
		// password, however the form is sent.
		for _, path := range []string{"/login", "/logout", "/password"} {
			for _, hdr := range []map[string]string{
				{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "cross-site", "Origin": "http://evil.example"},
				{"Content-Type": "application/x-www-form-urlencoded", "Origin": "http://evil.example"},
				{"Content-Type": "text/plain", "Sec-Fetch-Site": "same-site"},
			} {
				site.refused(t, "POST", path, "username=tester&password="+testerPassword+
					"&old_password="+testerPassword+"&new_password=evil-password-1&confirm_password=evil-password-1", hdr,
					403, "request.cross_origin")
			}
		}
		if status, _ := site.send(t, "GET", "/", "", nil, 0); status != http.StatusOK {
			t.Errorf("after the refused sign-out: the tester's dashboard answers %d", status)
		}
		if _, err := ops.New(s, ops.Options{}).SignInCommand(t.Context(), "tester", testerPassword); err != nil {
			t.Errorf("after the refused password change: the tester's password %v", err)
		}

		site.send(t, "POST", "/api/plans/1/approve", "", map[string]string{"Sec-Fetch-Site": "same-origin",
			"Origin": site.URL}, 200)
		if _, body := site.send(t, "GET", "/api/plans/1", "", map[string]string{"Sec-Fetch-Site": "cross-site"}, 200); !strings.Contains(body, `"status":"approved"`) {
			t.Errorf("plan after a same-origin approval: %.200s", body)
		}
	})
}

// TestHostHeader: the site answers only to the names it is allowed,
// against DNS rebinding.
func TestHostHeader(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := newHostileSite(t, s, server.Options{})
		for _, path := range []string{"/", "/api/items", "/healthz", "/static/css/app.css"} {
			site.refused(t, "GET", path, "", map[string]string{"Host": "evil.example"}, 400, "request.host_not_allowed")
		}
		site.refused(t, "POST", "/api/movements", `{"reason":"x","lines":[{"kind":"issue","depot":"C-TEST-A","item":"1010101","quantity":1}]}`,
			map[string]string{"Host": "evil.example:80"}, 400, "request.host_not_allowed")
		for _, host := range []string{"localhost:8080", "127.0.0.1", "[::1]:8080", "LOCALHOST"} {
			site.send(t, "GET", "/healthz", "", map[string]string{"Host": host}, 200)
		}

		named := newHostileSite(t, storetest.Open(t, s.Engine()), server.Options{AllowedHosts: []string{"stockpile.example.gov.cn"}})
		named.send(t, "GET", "/healthz", "", map[string]string{"Host": "stockpile.example.gov.cn:443"}, 200)
		named.refused(t, "GET", "/healthz", "", map[string]string{"Host": "localhost"}, 400, "request.host_not_allowed")
	})
}

// TestTextRules: NUL and invalid UTF-8 are refused alike on both engines,
// in bodies and in the URL, naming the field, and nothing is stored.
func TestTextRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := newHostileSite(t, s, server.Options{})
		depot := func(name string) string {
			return `{"code":"D-NEW","name_zh":"` + name + `","tier":"district","kind":"special","org_code":"BJ-EMB",` +
				`"area_code":"110111","point":{"lon":116.1,"lat":39.7}}`
		}
		site.refused(t, "POST", "/api/depots", depot(`坏\u0000库`), nil, 400, "text.nul")
		site.refused(t, "POST", "/api/depots", depot("坏\xff\xfe库"), nil, 400, "text.invalid_utf8")
		site.refused(t, "POST", "/api/movements", `{"reason":"入\u0000库","lines":[{"kind":"receive","depot":"C-TEST-A","item":"1010101","quantity":1,"new_lot":{"batch":"B"}}]}`,
			nil, 400, "text.nul")
		site.refused(t, "GET", "/api/items/%00", "", nil, 400, "text.nul")
		site.refused(t, "GET", "/api/depots?area=%FF", "", nil, 400, "text.invalid_utf8")
		site.refused(t, "GET", "/stock/lots?q=a%00b", "", nil, 400, "text.nul")
		_, body := site.send(t, "POST", "/api/depots", depot(`新库`), nil, 201)
		if !strings.Contains(body, `"name_zh":"新库"`) {
			t.Errorf("a clean depot: %s", body)
		}
	})
}

// TestClientGoneIsNotAnError: a client that goes away mid-request is
// logged as such, not as an error of the server.
func TestClientGoneIsNotAnError(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	var logs syncBuffer
	svc := ops.New(s, ops.Options{PasswordParams: testParams})
	h := api.NewHandler(svc, api.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	u, _, err := svc.CreateUser(t.Context(), access.SystemActor("test"), account.User{Username: "tester",
		Roles: []access.Role{access.RoleAdmin}}, testerPassword)
	if err != nil {
		t.Fatal(err)
	}
	_, token, err := svc.CreateToken(t.Context(), access.SystemActor("test"), account.Token{Name: "test",
		Username: u.Username, ExpiresAt: s.Now().Add(time.Hour).Unix()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequestWithContext(ctx, "GET", "/api/items", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if strings.Contains(logs.String(), "level=ERROR") || !strings.Contains(logs.String(), "abandoned") {
		t.Errorf("a request abandoned by its client was logged as: %s", logs.String())
	}
}

// TestSameRulesAsDomain: the transfer order an approved recommendation
// makes names who approved it (a principal id), whatever the request.
func TestTransferNamesPrincipal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := newHostileSite(t, s, server.Options{})
		_, body := site.send(t, "POST", "/api/transfers", `{"reason":"前置","lines":[{"from":"C-TEST-A","to":"D-TEST-B",
			"item":"1010101","quantity":5,"lots":[{"lot":"TENT-A","quantity":5}]}]}`, nil, 201)
		var o transfer.Order
		if err := json.Unmarshal([]byte(body), &o); err != nil || o.CreatedBy != site.tester {
			t.Errorf("order created by %q (%v), want the principal %s", o.CreatedBy, err, site.tester)
		}
	})
}

// noRedirects is a client that shows redirects rather than follows them.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// waitFor polls f every 50 ms until it is true or d has passed, and
// returns how long it took.
func waitFor(t *testing.T, d time.Duration, what string, f func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !f() {
		if time.Since(start) > d {
			t.Fatalf("%s: not after %v", what, d)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return time.Since(start)
}
