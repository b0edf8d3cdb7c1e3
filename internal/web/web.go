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
package web

import (
	"fmt"
	"log/slog"
	"net/http"

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
}

// NewHandler returns the web interface over the use cases of svc. It
// fails if a template, locale file or asset is broken, so a bad build is
// caught at start, not by a user.
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
	mux.Handle("GET /static/", h.assets)
	mux.HandleFunc("GET /lang/{lang}", h.switchLanguage)
	for _, sc := range h.screens() {
		if sc.path != "" {
			h.nav = append(h.nav, NavItem{Key: sc.key, Path: sc.path, Icon: sc.icon})
		}
		for _, rt := range sc.routes {
			mux.HandleFunc(rt.method+" "+rt.path, rt.handle)
		}
	}
	mux.HandleFunc("/", h.notFound)
	return mux, nil
}

// screen is one entry of the navigation and the routes behind it. Later
// capabilities (orders and shipments, donations, stock-take, teams) add
// their screens here.
type screen struct {
	key    string // page template name and locale key nav.<key>
	path   string // where the navigation links to; "" keeps it out of the navigation
	icon   string // a short symbol shown on narrow screens
	routes []route
}

type route struct {
	method, path string
	handle       http.HandlerFunc
}

// screens is the navigation, in order, with every page route.
func (h *handler) screens() []screen {
	return []screen{
		{key: "dashboard", path: "/", icon: "▦", routes: []route{
			{"GET", "/{$}", h.dashboard},
		}},
		{key: "map", path: "/map", icon: "◎", routes: []route{
			{"GET", "/map", h.mapPage},
			{"GET", "/map/data.json", h.mapData},
		}},
		{key: "stock", path: "/stock", icon: "▤", routes: []route{
			{"GET", "/stock", h.stockPage},
			{"GET", "/stock/{tab}", h.stockTab},
			{"GET", "/stock/verify", h.stockVerify},
		}},
		{key: "dispatch", path: "/incidents", icon: "➤", routes: []route{
			{"GET", "/incidents", h.incidentsPage},
			{"GET", "/incidents/new", h.newIncidentPage},
			{"GET", "/plans/{id}", h.planPage},
		}},
		{key: "readiness", path: "/readiness", icon: "◔", routes: []route{
			{"GET", "/readiness", h.readinessPage},
			{"GET", "/readiness/saved", h.readinessSaved},
		}},
	}
}
