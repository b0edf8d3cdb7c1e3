package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/account"
	"github.com/stockpile-dev/stockpile/internal/audit"
	"github.com/stockpile-dev/stockpile/internal/authn"
	"github.com/stockpile-dev/stockpile/internal/ops"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
)

// fixedClock pins "today" to 2026-06-01 (China time), so expiry dates in
// the scenarios mean the same on every run.
func fixedClock() time.Time { return time.Date(2026, 6, 1, 2, 0, 0, 0, time.UTC) }

// testAPI is the API under test over one store, with its log captured and
// the principals its requests act as.
type testAPI struct {
	s       *store.Store
	svc     *ops.Service
	h       http.Handler
	w       storetest.World
	logMu   sync.Mutex
	logBuf  bytes.Buffer
	version string
	// principals are the users the requests act as, each with an API token,
	// by the name a scenario gives in as; "" is the tester, whom every
	// request acts as unless it says otherwise.
	principals map[string]principal
}

// principal is a user of the API under test (password testPassword) and
// an API token that acts as them.
type principal struct {
	user   account.User
	secret string // the token's secret, for Authorization: Bearer
	token  account.Token
}

// ID is the principal the token's requests are recorded under ("token:N").
func (p principal) ID() string { return "token:" + strconv.FormatInt(p.token.ID, 10) }

// testerID is the principal the tester's requests are recorded under.
func (a *testAPI) testerID() string { return a.principals[""].ID() }

// bearer is the Authorization header of the token.
func (p principal) bearer() map[string]string {
	return map[string]string{"Authorization": "Bearer " + p.secret}
}

// testPassword is the password of every user the tests create.
const testPassword = "correct horse battery"

// testOptions are the use cases' options in the tests: argon2id at its
// cheapest, since a test signs in far more often than it guards a
// password.
var testOptions = ops.Options{PasswordParams: account.Params{MemoryKiB: 64, Time: 1, Threads: 1}}

// tester is the user every scenario acts as unless it names another: the
// city's administrator, commander and reserve manager at once, who may do
// everything the API offers anywhere in the city.
func tester() account.User {
	return account.User{Username: "tester", Name: "测试员", AreaCode: "110000", OrgCode: "BJ-EMB",
		Roles: []access.Role{access.RoleAdmin, access.RoleCommander, access.RoleManager}}
}

func (a *testAPI) Write(p []byte) (int, error) {
	a.logMu.Lock()
	defer a.logMu.Unlock()
	return a.logBuf.Write(p)
}

func (a *testAPI) log() string {
	a.logMu.Lock()
	defer a.logMu.Unlock()
	return a.logBuf.String()
}

// newTestAPI returns the API over s, which must hold the city 110000 and
// the bureau BJ-EMB (the World fixture or the demo), with the tester
// created and given a token.
func newTestAPI(t testing.TB, s *store.Store) *testAPI {
	t.Helper()
	a := &testAPI{s: s, svc: ops.New(s, testOptions), version: "test-1.0", principals: map[string]principal{}}
	a.handle(Options{})
	a.addPrincipal(t, "", tester())
	return a
}

// handle replaces the handler by one with opts; the log and version are
// the test's unless opts gives its own.
func (a *testAPI) handle(opts Options) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(a, nil))
	}
	if opts.Version == "" {
		opts.Version = a.version
	}
	a.h = NewHandler(a.svc, opts)
}

// addPrincipal creates user u (password testPassword) and a token acting
// as them, through the use cases as the system, and names them for
// scenarios' as.
func (a *testAPI) addPrincipal(t testing.TB, name string, u account.User) principal {
	t.Helper()
	ctx := context.Background()
	sys := access.SystemActor("test")
	u, _, err := a.svc.CreateUser(ctx, sys, u, testPassword)
	if err != nil {
		t.Fatalf("create user %s: %v", u.Username, err)
	}
	tok, secret, err := a.svc.CreateToken(ctx, sys, account.Token{Name: "test " + u.Username, Username: u.Username,
		ExpiresAt: a.s.Now().AddDate(1, 0, 0).Unix()})
	if err != nil {
		t.Fatalf("create token for %s: %v", u.Username, err)
	}
	p := principal{user: u, secret: secret, token: tok}
	a.principals[name] = p
	return p
}

// as returns the principal named name.
func (a *testAPI) as(t testing.TB, name string) principal {
	t.Helper()
	p, ok := a.principals[name]
	if !ok {
		t.Fatalf("no principal %q", name)
	}
	return p
}

// eachAPI runs fn on both engines, each with a fresh store holding the
// default catalogue and the storetest World, and the API over it, acting
// as the tester.
func eachAPI(t *testing.T, fn func(t *testing.T, a *testAPI)) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := storetest.Build(t, s)
		a := newTestAPI(t, s)
		a.w = w
		fn(t, a)
	}, store.WithClock(fixedClock))
}

// scenario is one request and what its response must be, in the manner of
// PocketBase's ApiScenario. Scenarios in a table run in order against one
// store, so later ones see what earlier ones wrote.
type scenario struct {
	name    string
	method  string
	path    string
	body    string
	headers map[string]string
	chunked bool // send the body without a Content-Length
	// Who sends it: the principal named as (testAPI.principals; "" is the
	// tester) with its token, or, with anonymous, nobody. Headers that
	// carry credentials of their own (Authorization, Cookie) replace the
	// token.
	as        string
	anonymous bool

	status  int
	want    []string // substrings the body must contain
	notWant []string // substrings it must not contain
	// For error responses: the error code and field. Every error response
	// must carry both messages and leave the database as it was.
	code  string
	field string
	check func(t *testing.T, rec *httptest.ResponseRecorder) // further checks
}

func runScenarios(t *testing.T, a *testAPI, scenarios []scenario) {
	t.Helper()
	// known is the snapshot of the database as it stands after a refused
	// request (checked to have written nothing), so that the next refused
	// one need not take its own before it; "" after anything else.
	var known string
	for _, sc := range scenarios {
		before := known
		known = ""
		t.Run(sc.name, func(t *testing.T) { _, known = sc.exec(t, a, before) })
	}
}

func (sc scenario) run(t *testing.T, a *testAPI) *httptest.ResponseRecorder {
	t.Helper()
	rec, _ := sc.exec(t, a, "")
	return rec
}

// exec sends the request and checks the response. For a refused request it
// also checks that the database is as before (before, or a snapshot taken
// now if that is ""), and returns the snapshot after.
func (sc scenario) exec(t *testing.T, a *testAPI, before string) (*httptest.ResponseRecorder, string) {
	t.Helper()
	if sc.status >= 400 && before == "" {
		before = snapshot(t, a.s)
	}
	rec := a.do(sc.method, sc.path, sc.body, a.credentials(t, sc), sc.chunked)
	body := rec.Body.String()
	if rec.Code != sc.status {
		t.Fatalf("%s %s: status %d, want %d; body %s", sc.method, sc.path, rec.Code, sc.status, body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") && sc.check == nil &&
		rec.Code != http.StatusNoContent {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
	for _, s := range sc.want {
		if !strings.Contains(body, s) {
			t.Errorf("body lacks %s\nbody: %s", s, body)
		}
	}
	for _, s := range sc.notWant {
		if strings.Contains(body, s) {
			t.Errorf("body contains %s\nbody: %s", s, body)
		}
	}
	var after string
	if sc.status >= 400 {
		checkError(t, rec, sc.code, sc.field)
		after = snapshot(t, a.s)
		if b, x := before, after; b != x {
			if sc.method == "POST" && sc.path == "/api/session" {
				b, x = withoutRefusals(b), withoutRefusals(x)
			}
			if b != x {
				t.Errorf("a refused request changed the database:\nbefore %s\nafter  %s", before, after)
			}
		}
	}
	if sc.check != nil {
		sc.check(t, rec)
	}
	return rec, after
}

// credentials are the scenario's headers with the credentials it sends.
func (a *testAPI) credentials(t testing.TB, sc scenario) map[string]string {
	t.Helper()
	h := map[string]string{}
	switch {
	case sc.anonymous:
		h["Authorization"] = ""
	case sc.as != "":
		h = a.as(t, sc.as).bearer()
	}
	maps.Copy(h, sc.headers)
	return h
}

// do sends one request through the handler, with the tester's token unless
// headers carry an Authorization or Cookie header of their own; an empty
// header value sends no such header (Authorization: "" is an anonymous
// request).
func (a *testAPI) do(method, path, body string, headers map[string]string, chunked bool) *httptest.ResponseRecorder {
	return a.serve(a.request(method, path, body, headers, chunked))
}

// request builds the request do sends.
func (a *testAPI) request(method, path, body string, headers map[string]string, chunked bool) *http.Request {
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, r)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if chunked {
		req.ContentLength = -1
	}
	_, auth := headers["Authorization"]
	_, cookie := headers["Cookie"]
	if !auth && !cookie {
		req.Header.Set("Authorization", "Bearer "+a.principals[""].secret)
	}
	for k, v := range headers {
		if v == "" {
			req.Header.Del(k)
			continue
		}
		req.Header.Set(k, v)
	}
	return req
}

// serve sends req through the handler.
func (a *testAPI) serve(req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	a.h.ServeHTTP(rec, req)
	return rec
}

// checkError checks the error envelope: the stable code, the field, and a
// message in each language.
func checkError(t *testing.T, rec *httptest.ResponseRecorder, code, field string) {
	t.Helper()
	var eb errorBody
	dec := json.NewDecoder(bytes.NewReader(rec.Body.Bytes())) // leave the body for further checks
	dec.DisallowUnknownFields()
	if err := dec.Decode(&eb); err != nil {
		t.Fatalf("error response is not the error envelope: %v", err)
	}
	e := eb.Error
	if code == "" {
		t.Fatalf("scenario gives no error code; got %q (%s)", e.Code, e.Message)
	}
	if e.Code != code {
		t.Errorf("error code %q, want %q (%s)", e.Code, code, e.Message)
	}
	if e.Field != field {
		t.Errorf("error field %q, want %q (%s)", e.Field, field, e.Message)
	}
	if strings.TrimSpace(e.Message) == "" || !hasHan(e.MessageZH) || hasHan(e.Message) {
		t.Errorf("want an English message and a Chinese one; got %q and %q", e.Message, e.MessageZH)
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// snapshot summarises everything a request could write. The ledger is
// append-only and every change of stock (a lot, a balance, a reservation)
// is an entry, so the newest entry and the count stand for all of it; the
// balance totals are there to catch a change made beside the ledger.
//
// Accounts and the audit trail are in it too: a refused request must not
// add a user, change one, issue or revoke a token, or leave an audit
// record, any more than it may add stock. What it leaves out on purpose
// is what a request writes without changing anything: a session's or a
// token's last-used time (written at most once a minute, outside the
// request's transaction) and the sign-in throttle's failure counts
// (sign_in_failures), which only a refused sign-in writes.
//
// A refused sign-in is the one refusal that is audited ("session.refused",
// 全程留痕 includes attempts). So the trail appears twice: as the newest
// record that is not a refused sign-in, and, after " | ", as the whole
// trail's head. exec compares the whole snapshot for every refused request
// but POST /api/session, for which it compares withoutRefusals of it: a
// refused sign-in may add "session.refused" records and nothing else.
func snapshot(t *testing.T, s *store.Store) string {
	t.Helper()
	ctx := context.Background()
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("snapshot: %v", err)
		}
	}
	items, err := s.Items(ctx, store.ItemFilter{})
	check(err)
	master, err := s.MasterDataState(ctx) // edits, retirements and restorations of master data
	check(err)
	areas, err := s.Areas(ctx, "")
	check(err)
	orgs, err := s.Orgs(ctx, "")
	check(err)
	depots, err := s.Depots(ctx, store.DepotFilter{})
	check(err)
	ledger, err := s.StockMovements(ctx, store.MovementQuery{Limit: 1})
	check(err)
	var head string
	if len(ledger.Rows) > 0 {
		head = fmt.Sprintf("%d/%s", ledger.Rows[0].Seq, ledger.Rows[0].Hash)
	}
	bal, err := s.Balances(ctx, store.BalanceQuery{})
	check(err)
	agreements, err := s.Agreements(ctx, store.ReserveFilter{})
	check(err)
	capacities, err := s.Capacities(ctx, store.ReserveFilter{})
	check(err)
	var held, promised stock.Quantity
	for _, a := range agreements {
		held, promised = held+a.Quantity, promised+a.Reserved
	}
	for _, c := range capacities {
		promised += c.Reserved
	}
	incidents, err := s.Incidents(ctx, "")
	check(err)
	plans, err := s.Plans(ctx, "", 1000)
	check(err)
	var planStatus []string
	for _, p := range plans {
		planStatus = append(planStatus, string(p.Status))
	}
	cfg, err := s.ReadinessConfig(ctx, "110000")
	check(err)
	cfgJSON, _ := json.Marshal(cfg)
	scs, err := s.Scenarios(ctx)
	check(err)
	recs, err := s.Recommendations(ctx, "", 1000)
	check(err)
	var recStatus []string
	for _, r := range recs {
		recStatus = append(recStatus, r.Status)
	}
	orders, err := s.TransferOrders(ctx, store.TransferFilter{Limit: 1000})
	check(err)
	users, err := s.Users(ctx, "")
	check(err)
	var userVersions []string
	for _, u := range users {
		userVersions = append(userVersions, fmt.Sprintf("%s@%d", u.Username, u.Version))
	}
	tokens, err := s.Tokens(ctx, "")
	check(err)
	var tokenStates []string
	for _, tk := range tokens {
		tokenStates = append(tokenStates, fmt.Sprintf("%d/%d", tk.ID, tk.RevokedAt))
	}
	trail, err := s.AuditRecords(ctx, audit.Query{Limit: 1})
	check(err)
	var audited, trailHead int64
	if len(trail) > 0 {
		trailHead = trail[0].Seq
	}
	for before := int64(0); ; {
		page, err := s.AuditRecords(ctx, audit.Query{Before: before, Limit: 50})
		check(err)
		i := slices.IndexFunc(page, func(r audit.Record) bool { return r.Action != "session.refused" })
		if i >= 0 {
			audited = page[i].Seq
		}
		if i >= 0 || len(page) == 0 {
			break
		}
		before = page[len(page)-1].Seq
	}
	lastEvent, err := s.LastEventID(ctx) // the change feed: refused sign-ins' records are events too
	check(err)
	careState, err := s.CareState(ctx) // care schedules, records and rotation plans
	check(err)
	return "care=" + careState + " " + fmt.Sprintf("master=%d items=%d areas=%d orgs=%d depots=%d ledger=%d@%s balances=%d/%s/%s reserves=%d/%d/%s/%s "+
		"incidents=%d plans=%v readiness=%x scenarios=%d prepositions=%v transfers=%d users=%v tokens=%v audit=%d"+
		" | trail=%d events=%d",
		master, len(items), len(areas), len(orgs), len(depots), ledger.Total, head, bal.Totals.Rows, bal.Totals.Quantity,
		bal.Totals.Reserved, len(agreements), len(capacities), held, promised, len(incidents), planStatus,
		sha256.Sum256(cfgJSON), len(scs), recStatus, len(orders), userVersions, tokenStates, audited, trailHead, lastEvent)
}

// withoutRefusals is a snapshot without the head of the audit trail: what
// a refused sign-in must leave as it was (see snapshot).
func withoutRefusals(snap string) string {
	s, _, _ := strings.Cut(snap, " | ")
	return s
}

// decodeBody decodes a JSON response into v.
func decodeBody(t *testing.T, rec *httptest.ResponseRecorder, v any) {
	t.Helper()
	if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
		t.Fatalf("decode %s: %v", rec.Body, err)
	}
}

func TestHealthz(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, a *testAPI) {
		runScenarios(t, a, []scenario{
			{name: "ok", method: "GET", path: "/healthz", status: 200,
				want: []string{`"status":"ok"`, `"engine":"` + a.s.Engine() + `"`, `"version":"test-1.0"`}},
			{name: "HEAD", method: "HEAD", path: "/healthz", status: 200},
		})
		if a.s.Engine() != "sqlite" && a.s.Engine() != "postgres" {
			t.Errorf("engine %q", a.s.Engine())
		}
	})
}

func TestUnknownRouteAndWrongMethodAreJSON(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, a *testAPI) {
		allow := func(want string) func(*testing.T, *httptest.ResponseRecorder) {
			return func(t *testing.T, rec *httptest.ResponseRecorder) {
				if got := rec.Header().Get("Allow"); got != want {
					t.Errorf("Allow %q, want %q", got, want)
				}
			}
		}
		runScenarios(t, a, []scenario{
			{name: "unknown path", method: "GET", path: "/api/nothing", status: 404, code: "request.route_not_found"},
			{name: "root", method: "GET", path: "/", status: 404, code: "request.route_not_found"},
			{name: "below an item", method: "GET", path: "/api/items/1010101/more", status: 404, code: "request.route_not_found"},
			{name: "empty code", method: "GET", path: "/api/items/", status: 404, code: "request.route_not_found"},
			{name: "DELETE an item", method: "DELETE", path: "/api/items/1010101", status: 405,
				code: "request.method_not_allowed", check: allow("GET, HEAD, PUT")},
			{name: "POST healthz", method: "POST", path: "/healthz", body: "{}", status: 405,
				code: "request.method_not_allowed", check: allow("GET, HEAD")},
			{name: "PUT movements", method: "PUT", path: "/api/movements", body: "{}", status: 405,
				code: "request.method_not_allowed", check: allow("GET, HEAD, POST")},
			{name: "unclean path is redirected", method: "GET", path: "/api//items", status: 307,
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					if loc := rec.Header().Get("Location"); loc != "/api/items" {
						t.Errorf("Location %q", loc)
					}
				}},
		})
	})
}

func TestServerErrorsAreGenericAndLoggedOnce(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, a *testAPI) {
		a.s.Close()
		rec := a.do("GET", "/api/items", "", nil, false)
		if rec.Code != 500 {
			t.Fatalf("status %d, want 500: %s", rec.Code, rec.Body)
		}
		checkError(t, rec, "internal", "")
		if strings.Contains(rec.Body.String(), "closed") || strings.Contains(rec.Body.String(), "store:") {
			t.Errorf("500 leaks the cause: %s", rec.Body)
		}
		if n := strings.Count(a.log(), "internal error"); n != 1 {
			t.Errorf("logged %d times, want once:\n%s", n, a.log())
		}
		if !strings.Contains(a.log(), "closed") {
			t.Errorf("log lacks the cause:\n%s", a.log())
		}

		// A load balancer asks without credentials (with a token, the
		// middleware's lookup of it would fail first).
		rec = a.do("GET", "/healthz", "", map[string]string{"Authorization": ""}, false)
		if rec.Code != 503 {
			t.Fatalf("healthz on a closed store: status %d, want 503: %s", rec.Code, rec.Body)
		}
		checkError(t, rec, "db.unavailable", "")
	})
}

func TestMaxBodyBytesOption(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, a *testAPI) {
		a.handle(Options{MaxBodyBytes: 100})
		body := `{"code":"110111005","parent_code":"110111","level":"street","name_zh":"一个名字很长很长很长很长的街道"}`
		runScenarios(t, a, []scenario{
			{name: "over the limit", method: "POST", path: "/api/areas", body: body, status: 413,
				code: "request.too_large", want: []string{"100"}},
			{name: "over the limit, no Content-Length", method: "POST", path: "/api/areas", body: body, chunked: true,
				status: 413, code: "request.too_large"},
			{name: "under the limit", method: "POST", path: "/api/areas", status: 201,
				body: `{"code":"X1","parent_code":"110111","level":"street","name_zh":"街"}`},
		})
	})
}

func TestPanicIsJSON500(t *testing.T) {
	t.Parallel()
	var logBuf bytes.Buffer
	h := &handler{logger: slog.New(slog.NewTextHandler(&logBuf, nil))}
	rec := httptest.NewRecorder()
	h.recoverPanics(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") })).
		ServeHTTP(rec, httptest.NewRequest("GET", "/api/items", nil))
	if rec.Code != 500 {
		t.Fatalf("status %d", rec.Code)
	}
	checkError(t, rec, "internal", "")
	if !strings.Contains(logBuf.String(), "boom") {
		t.Errorf("panic not logged: %s", logBuf.String())
	}
}

func TestOpenAPIServed(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, a *testAPI) {
		rec := scenario{name: "doc", method: "GET", path: "/api/openapi.json", status: 200,
			want: []string{`"openapi": "3.1.0"`}}.run(t, a)
		var doc map[string]any
		decodeBody(t, rec, &doc)
		if doc["paths"] == nil || doc["components"] == nil {
			t.Error("document lacks paths or components")
		}
	})
}

// TestOpenAPIMatchesRoutes keeps the OpenAPI document and the route table in
// step: every route is documented with its method, every documented
// operation is a route, every path parameter is declared, and every $ref
// resolves. And the security of every operation: the document requires
// the session cookie or a bearer token everywhere, public operations
// (access.Public) lift that with security: [], every operation names the
// route's action in x-stockpile-action, and those that need credentials
// document 401 (and 403, but for the actions of anyone signed in).
func TestOpenAPIMatchesRoutes(t *testing.T) {
	t.Parallel()
	type parameter struct {
		Ref      string `json:"$ref"`
		Name     string `json:"name"`
		In       string `json:"in"`
		Required bool   `json:"required"`
	}
	type requirement map[string][]string
	type operation struct {
		OperationID string                     `json:"operationId"`
		Action      access.Action              `json:"x-stockpile-action"`
		Security    *[]requirement             `json:"security"`
		Parameters  []parameter                `json:"parameters"`
		Responses   map[string]json.RawMessage `json:"responses"`
	}
	type securityScheme struct {
		Type   string `json:"type"`
		In     string `json:"in"`
		Name   string `json:"name"`
		Scheme string `json:"scheme"`
	}
	type enum struct {
		Enum []string `json:"enum"`
	}
	var doc struct {
		OpenAPI    string                                `json:"openapi"`
		Security   []requirement                         `json:"security"`
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Parameters      map[string]parameter       `json:"parameters"`
			Schemas         map[string]json.RawMessage `json:"schemas"`
			SecuritySchemes map[string]securityScheme  `json:"securitySchemes"`
			Responses       map[string]json.RawMessage `json:"responses"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1.") {
		t.Errorf("openapi %q, want 3.1.x", doc.OpenAPI)
	}

	// The security schemes, and the requirement of either everywhere.
	schemes := doc.Components.SecuritySchemes
	if c := schemes["cookie"]; c.Type != "apiKey" || c.In != "cookie" || c.Name != authn.SessionCookie {
		t.Errorf("securitySchemes.cookie %+v, want an apiKey in the cookie %s", c, authn.SessionCookie)
	}
	if b := schemes["bearer"]; b.Type != "http" || b.Scheme != "bearer" {
		t.Errorf("securitySchemes.bearer %+v, want http bearer", b)
	}
	if !reflect.DeepEqual(doc.Security, []requirement{{"cookie": {}}, {"bearer": {}}}) {
		t.Errorf("global security %v, want the cookie or the bearer token", doc.Security)
	}
	for _, name := range []string{"Unauthorized", "Forbidden", "Throttled"} {
		if doc.Components.Responses[name] == nil {
			t.Errorf("components/responses lacks %s", name)
		}
	}
	var roles, actions enum
	json.Unmarshal(doc.Components.Schemas["Role"], &roles)
	json.Unmarshal(doc.Components.Schemas["Action"], &actions)
	var wantRoles, wantActions []string
	for _, r := range access.Roles {
		wantRoles = append(wantRoles, string(r))
	}
	for _, r := range access.Rules {
		wantActions = append(wantActions, string(r.Action))
	}
	if !slices.Equal(roles.Enum, wantRoles) {
		t.Errorf("schemas/Role enum %v, want access.Roles %v", roles.Enum, wantRoles)
	}
	if !slices.Equal(actions.Enum, wantActions) {
		t.Errorf("schemas/Action enum %v, want the actions of access.Rules %v", actions.Enum, wantActions)
	}

	routes := map[string]access.Action{}
	for _, rt := range (&handler{}).routes() {
		key := rt.method + " " + rt.path
		if _, ok := routes[key]; ok {
			t.Errorf("route %s listed twice", key)
		}
		routes[key] = rt.action
	}
	methods := map[string]bool{"get": true, "put": true, "post": true, "delete": true, "options": true,
		"head": true, "patch": true, "trace": true}
	documented := map[string]bool{}
	operationIDs := map[string]bool{}
	for path, item := range doc.Paths {
		for m, raw := range item {
			if !methods[m] {
				continue
			}
			key := strings.ToUpper(m) + " " + path
			documented[key] = true
			action, ok := routes[key]
			if !ok {
				t.Errorf("openapi.json documents %s, which is not a route", key)
			}
			var op operation
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Errorf("%s: %v", key, err)
				continue
			}
			if ok && op.Action != action {
				t.Errorf("%s: x-stockpile-action %q, but the route table says %q", key, op.Action, action)
			}
			switch {
			case action == access.Public:
				if op.Security == nil || len(*op.Security) != 0 {
					t.Errorf("%s: a public operation must declare security: []", key)
				}
			case op.Security != nil:
				t.Errorf("%s: only public operations override the global security", key)
			default:
				if op.Responses["401"] == nil {
					t.Errorf("%s: needs credentials but documents no 401", key)
				}
				if op.Responses["403"] == nil && action != access.Self {
					t.Errorf("%s: may be refused for the role or scope but documents no 403", key)
				}
			}
			if key == "POST /api/session" && op.Responses["429"] == nil {
				t.Errorf("%s: documents no 429 (auth.throttled)", key)
			}
			if op.OperationID == "" || operationIDs[op.OperationID] {
				t.Errorf("%s: operationId %q missing or not unique", key, op.OperationID)
			}
			operationIDs[op.OperationID] = true
			if len(op.Responses) == 0 {
				t.Errorf("%s: no responses", key)
			}
			declared := map[string]bool{}
			for _, p := range op.Parameters {
				if p.Ref != "" {
					p = doc.Components.Parameters[strings.TrimPrefix(p.Ref, "#/components/parameters/")]
				}
				if p.In == "path" {
					declared[p.Name] = p.Required
				}
			}
			for _, seg := range strings.Split(path, "/") {
				if name, ok := strings.CutPrefix(seg, "{"); ok {
					name = strings.TrimSuffix(name, "}")
					if !declared[name] {
						t.Errorf("%s: path parameter %s is not declared as a required path parameter", key, name)
					}
				}
			}
		}
	}
	for key := range routes {
		if !documented[key] {
			t.Errorf("route %s is missing from openapi.json", key)
		}
	}

	for _, name := range []string{"Item", "Category", "Area", "Org", "Depot", "Lot", "Posting", "Line", "LotSpec",
		"Entry", "PostingResult", "BalanceReport", "VerifyReport", "Error", "User", "Me", "Token", "IssuedToken",
		"AuditRecord"} {
		if doc.Components.Schemas[name] == nil {
			t.Errorf("components/schemas lacks %s", name)
		}
	}

	var whole any
	if err := json.Unmarshal(openAPIDoc, &whole); err != nil {
		t.Fatal(err)
	}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if ref, ok := x.(string); ok && k == "$ref" && resolve(whole, ref) == nil {
					t.Errorf("$ref %s does not resolve", ref)
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(whole)
}

// resolve follows a local JSON pointer reference ("#/a/b") in doc.
func resolve(doc any, ref string) any {
	p, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil
	}
	cur := doc
	for _, seg := range strings.Split(p, "/") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		seg = strings.NewReplacer("~1", "/", "~0", "~").Replace(seg)
		if cur, ok = m[seg]; !ok {
			return nil
		}
	}
	return cur
}
