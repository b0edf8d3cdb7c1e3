// Package web is Stockpile's browser interface (BRIEF C12 and the screens
// for C5–C11): the map (一张图), the dashboard, stock, dispatch and
// readiness, rendered on the server from html/template with htmx and
// Alpine.js for small interactions, Leaflet for the map and ECharts for
// charts. Everything it serves is embedded in the binary, so `stockpile
// serve` needs no Node toolchain; the third-party files are pinned and
// vendored by scripts/vendor-web.sh.
//
// Pages read the store directly for what they render on the server and call
// the JSON API (package api) from the browser for what changes in place.
// Every label is in Chinese and English: Chinese by default, English by the
// switch in the header (a cookie). The locale files under locale/ hold both.
//
// Every screen but sign-in and the public report of donations (捐赠公示)
// needs a signed-in user whose roles allow the screen's action
// (access.Rules); the navigation and each screen's buttons show only what
// the user may do, and lists show only the stock the user's scope reaches
// (access.Actor.View). The JSON API checks the same rules again for every
// change the pages ask of it.
package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/authn"
	"github.com/stockpile-dev/stockpile/internal/ops"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// TileLayer is an optional raster basemap drawn under the offline district
// boundaries, e.g. Tianditu with a key. CRS says which datum the tiles use:
// "wgs84" (also right for Tianditu's CGCS2000) or "gcj02" (AMap, Tencent),
// in which case the map converts every position before drawing it.
type TileLayer struct {
	URL         string `json:"url"`
	CRS         string `json:"crs"`
	Attribution string `json:"attribution"`
	Subdomains  string `json:"subdomains,omitempty"`
}

// Options configures the handler returned by [NewHandler].
type Options struct {
	Logger *slog.Logger // nil means slog.Default()
	Tiles  *TileLayer   // nil: the offline basemap only
}

// handler holds what the page handlers need.
type handler struct {
	ops    *ops.Service
	store  *store.Store // for reads; every change goes through ops
	logger *slog.Logger
	tiles  *TileLayer
	locale *catalogue
	views  *views
	assets *assets
	nav    []NavItem // the navigation, built once from the screen table
	inbox  inboxCache
}

// NewHandler returns the web interface over the use cases of svc. It
// fails if a template, locale file or asset is broken, or a route names no
// action, so a bad build is caught at start, not by a user.
//
// Every request but those for static files and the language switch passes
// authn.Middleware, which finds who makes it (the session cookie), and
// then the gate of its route, which lets through only those whose roles
// may take the route's action.
func NewHandler(svc *ops.Service, opts Options) (http.Handler, error) {
	h := &handler{ops: svc, store: svc.Store(), logger: opts.Logger, tiles: opts.Tiles}
	if h.logger == nil {
		h.logger = slog.Default()
	}
	if h.tiles != nil && h.tiles.CRS != "wgs84" && h.tiles.CRS != "gcj02" {
		return nil, fmt.Errorf("web: tile layer CRS %q: want wgs84 or gcj02", h.tiles.CRS)
	}
	var err error
	if h.locale, err = loadCatalogue(); err != nil {
		return nil, err
	}
	if h.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	if h.views, err = loadViews(); err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	for _, sc := range h.screens() {
		if sc.path != "" {
			h.nav = append(h.nav, NavItem{Key: sc.key, Path: sc.path, Icon: sc.icon, doors: sc.doors()})
		}
		for _, rt := range sc.routes {
			if err := rt.check(); err != nil {
				return nil, err
			}
			mux.Handle(rt.method+" "+rt.path, h.gate(rt.action, rt.handle))
		}
	}
	mux.Handle("/", h.gate(access.Public, h.notFound))
	outer := http.NewServeMux()
	outer.Handle("GET /static/", h.assets)
	outer.HandleFunc("GET /lang/{lang}", h.switchLanguage)
	outer.Handle("/", authn.Middleware(svc, h.fail, mux))
	return outer, nil
}

// screen is one entry of the navigation and the routes behind it. Later
// capabilities (donations, teams) add their screens here.
type screen struct {
	key    string // page template name and locale key nav.<key>
	path   string // where the navigation links to; "" keeps it out of the navigation
	icon   string // a short symbol shown on narrow screens
	routes []route
}

// doors are the pages the navigation may link to for the screen: its own
// path with the first route's action, then each other page (a GET route of
// a fixed path) with its own.
func (sc screen) doors() []door {
	out := []door{{sc.path, sc.routes[0].action}}
	for _, rt := range sc.routes[1:] {
		if rt.method == "GET" && rt.path != sc.path && !strings.Contains(rt.path, "{") {
			out = append(out, door{rt.path, rt.action})
		}
	}
	return out
}

// route is one page or partial of a screen, with the action (access.Rules)
// its actor must be allowed. The navigation entry of a screen links to
// the first of its pages its user may open (screen.doors), and is shown
// to those who may open one.
type route struct {
	method, path string
	action       access.Action
	handle       http.HandlerFunc
}

// check refuses a route that names no action, or one the rule table does
// not know (Public and Self are in it): such a route would be closed to
// everyone, or open by mistake.
func (rt route) check() error {
	if _, ok := access.RuleOf(rt.action); !ok {
		return fmt.Errorf("web: route %s %s: action %q is not in access.Rules", rt.method, rt.path, rt.action)
	}
	return nil
}

// screens is the navigation, in order, with every page route and the
// action each needs.
func (h *handler) screens() []screen {
	return []screen{
		{key: "dashboard", path: "/", icon: "▦", routes: []route{
			{"GET", "/{$}", access.StockRead, h.dashboard},
		}},
		{key: "map", path: "/map", icon: "◎", routes: []route{
			{"GET", "/map", access.StockRead, h.mapPage},
			{"GET", "/map/data.json", access.StockRead, h.mapData},
		}},
		{key: "work", path: "/work", icon: "▣", routes: h.workRoutes()},
		{key: "stock", path: "/stock", icon: "▤", routes: []route{
			{"GET", "/stock", access.StockRead, h.stockPage},
			{"GET", "/stock/{tab}", access.StockRead, h.stockTab},
			{"GET", "/stock/verify", access.LedgerVerify, h.stockVerify},
		}},
		{key: "dispatch", path: "/incidents", icon: "➤", routes: []route{
			{"GET", "/incidents", access.DispatchRead, h.incidentsPage},
			{"GET", "/incidents/new", access.IncidentWrite, h.newIncidentPage},
			{"GET", "/plans/{id}", access.DispatchRead, h.planPage},
		}},
		{key: "transfers", path: "/transfers", icon: "⇄", routes: h.flowRoutes()},
		{key: "readiness", path: "/readiness", icon: "◔", routes: []route{
			{"GET", "/readiness", access.ReadinessRead, h.readinessPage},
			{"GET", "/readiness/saved", access.ReadinessRead, h.readinessSaved},
		}},
		{key: "masterdata", path: "/masterdata", icon: "☰", routes: h.masterRoutes()},
		{key: "import", path: "/import", icon: "⇪", routes: []route{
			{"GET", "/import", access.DataImport, h.importPage},
		}},
		{key: "admin", path: "/admin/users", icon: "⚙", routes: []route{
			{"GET", "/admin/users", access.UserManage, h.usersPage},
			{"GET", "/admin/tokens", access.TokenManage, h.tokensPage},
			{"GET", "/admin/webhooks", access.WebhookManage, h.webhooksPage},
			{"GET", "/admin/audit", access.AuditRead, h.auditPage},
		}},
		// The public report of donations (捐赠公示), which anyone may read
		// without signing in: out of the navigation, so that it opens no
		// screen's entry to anyone.
		{key: "donation-report", routes: []route{
			{"GET", "/donations/report", access.Public, h.donationReportPage},
		}},
		{key: "account", routes: []route{
			{"GET", "/login", access.Public, h.loginPage},
			{"POST", "/login", access.Public, h.login},
			{"POST", "/logout", access.Self, h.logout},
			{"GET", "/password", access.Self, h.passwordPage},
			{"POST", "/password", access.Self, h.changePassword},
		}},
	}
}
