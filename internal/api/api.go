// Package api is Stockpile's JSON API over HTTP: the catalogue, areas,
// organisations, depots, lots, balances and the stock ledger.
//
// Every route is listed once, in the route table below; the OpenAPI
// document served at /api/openapi.json describes the same routes, and a
// test keeps the two in step. Responses are JSON objects; errors are
//
//	{"error": {"code": "stock.insufficient", "message": "…", "message_zh": "…", "field": "lines[0].quantity"}}
//
// with a stable code, a message in English and in Chinese, and the offending
// input field when there is one.
package api

import (
	"context"
	_ "embed"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/httpx"
	"github.com/stockpile-dev/stockpile/internal/ops"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// openAPIDoc is the OpenAPI 3.1 description of every route below.
//
//go:embed openapi.json
var openAPIDoc []byte

// DefaultMaxBodyBytes is the request body limit when [Options.MaxBodyBytes]
// is zero: 1 MiB.
const DefaultMaxBodyBytes = 1 << 20

// Options configures the handler returned by [NewHandler].
type Options struct {
	// Logger receives one record per server error (5xx). Nil means
	// slog.Default().
	Logger *slog.Logger
	// MaxBodyBytes bounds a request body; a larger one is refused with 413.
	// Zero or less means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Version is reported by /healthz.
	Version string
}

// handler holds everything the route handlers need.
type handler struct {
	ops     *ops.Service
	store   *store.Store // for reads; every change goes through ops
	logger  *slog.Logger
	maxBody int64
	version string
}

// route is one entry of the route table.
type route struct {
	method string
	path   string // a ServeMux path pattern, which is also an OpenAPI path template
	handle http.HandlerFunc
}

// NewHandler returns the API over the use cases of svc: the routes of the
// table below on a [http.ServeMux], with unknown paths and wrong methods
// answered in JSON and panics turned into a JSON 500.
func NewHandler(svc *ops.Service, opts Options) http.Handler {
	h := &handler{ops: svc, store: svc.Store(), logger: opts.Logger, maxBody: opts.MaxBodyBytes, version: opts.Version}
	if h.logger == nil {
		h.logger = slog.Default()
	}
	if h.maxBody <= 0 {
		h.maxBody = DefaultMaxBodyBytes
	}
	mux := http.NewServeMux()
	for _, rt := range h.routes() {
		mux.HandleFunc(rt.method+" "+rt.path, rt.handle)
	}
	return h.recoverPanics(h.jsonMuxErrors(mux))
}

// principal is who makes request r. Until accounts land, nobody signs in
// and every request acts as anonymous.
func principal(*http.Request) access.Principal { return access.Anonymous() }

// routes is the route table. The handlers are methods of h; the table can
// be built from a zero handler to list the routes.
func (h *handler) routes() []route {
	return []route{
		{"GET", "/healthz", h.health},
		{"GET", "/api/openapi.json", h.openAPI},

		{"GET", "/api/categories", h.listCategories},
		{"GET", "/api/items", h.listItems},
		{"POST", "/api/items", h.createItem},
		{"GET", "/api/items/{code}", h.getItem},

		{"GET", "/api/areas", h.listAreas},
		{"POST", "/api/areas", h.createArea},
		{"GET", "/api/areas/{code}", h.getArea},

		{"GET", "/api/orgs", h.listOrgs},
		{"POST", "/api/orgs", h.createOrg},
		{"GET", "/api/orgs/{code}", h.getOrg},

		{"GET", "/api/depots", h.listDepots},
		{"POST", "/api/depots", h.createDepot},
		{"GET", "/api/depots/{code}", h.getDepot},

		{"GET", "/api/lots", h.listLots},
		{"GET", "/api/lots/{code}", h.getLot},
		{"GET", "/api/lots/{code}/label.png", h.lotLabel},

		{"GET", "/api/balances", h.balances},
		{"GET", "/api/stock/nearby", h.nearbyStock},

		{"POST", "/api/movements", h.createPosting},
		{"GET", "/api/movements", h.listMovements},
		{"GET", "/api/postings/{id}", h.getPosting},
		{"GET", "/api/ledger/verify", h.verifyLedger},
		{"GET", "/api/exports/stock.xlsx", h.exportStock},

		{"GET", "/api/agreements", h.listAgreements},
		{"POST", "/api/agreements", h.createAgreement},
		{"GET", "/api/agreements/{code}", h.getAgreement},
		{"GET", "/api/capacities", h.listCapacities},
		{"POST", "/api/capacities", h.createCapacity},
		{"GET", "/api/capacities/{code}", h.getCapacity},

		{"GET", "/api/incidents", h.listIncidents},
		{"POST", "/api/incidents", h.saveIncident},
		{"GET", "/api/incidents/{code}", h.getIncident},

		{"GET", "/api/plans", h.listPlans},
		{"POST", "/api/plans", h.createPlan},
		{"GET", "/api/plans/{id}", h.getPlan},
		{"POST", "/api/plans/{id}/approve", h.planAction(dispatch.ActApprove)},
		{"POST", "/api/plans/{id}/cancel", h.planAction(dispatch.ActCancel)},
		{"POST", "/api/plans/{id}/execute", h.planAction(dispatch.ActExecute)},
		{"POST", "/api/plans/{id}/recompute", h.planAction(dispatch.ActRecompute)},

		{"GET", "/api/readiness", h.getReadiness},
		{"GET", "/api/readiness/config", h.getReadinessConfig},
		{"PUT", "/api/readiness/config", h.putReadinessConfig},
		{"GET", "/api/readiness/norms", h.getNorms},
		{"PUT", "/api/readiness/norms", h.putNorms},
		{"GET", "/api/scenarios", h.listScenarios},
		{"POST", "/api/scenarios", h.saveScenario},
		{"GET", "/api/scenarios/{code}", h.getScenario},
		{"POST", "/api/assessments", h.createAssessment},

		{"GET", "/api/prepositions", h.listPrepositions},
		{"POST", "/api/prepositions", h.createPreposition},
		{"GET", "/api/prepositions/{id}", h.getPreposition},
		{"POST", "/api/prepositions/{id}/approve", h.approvePreposition},
		{"POST", "/api/prepositions/{id}/cancel", h.cancelPreposition},

		{"GET", "/api/transfers", h.listTransfers},
		{"POST", "/api/transfers", h.createTransfer},
		{"GET", "/api/transfers/{id}", h.getTransfer},
		{"POST", "/api/transfers/{id}/execute", h.transferAction((*ops.Service).ExecuteTransfer)},
		{"POST", "/api/transfers/{id}/cancel", h.transferAction((*ops.Service).CancelTransfer)},
	}
}

// healthTimeout bounds the database check of /healthz, so that a load
// balancer asking it gets a fast answer when the database hangs.
const healthTimeout = 2 * time.Second

// health reports that the server runs and its database answers; 503
// (db.unavailable) within healthTimeout when it does not.
func (h *handler) health(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), healthTimeout)
	defer cancel()
	if err := h.store.Ping(ctx); err != nil {
		h.logger.WarnContext(r.Context(), "api: database ping failed", "engine", h.store.Engine(), "error", err)
		h.writeError(w, r, http.StatusServiceUnavailable, httpx.DatabaseUnavailable())
		return
	}
	h.json(w, r, http.StatusOK, struct {
		Status  string `json:"status"`
		Engine  string `json:"engine"`
		Version string `json:"version"`
	}{"ok", h.store.Engine(), h.version})
}

// openAPI serves the embedded OpenAPI document.
func (h *handler) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(openAPIDoc)
}

// jsonMuxErrors answers the requests mux has no route for, a 404 or a 405
// that ServeMux would write as plain text, with a JSON error instead.
func (h *handler) jsonMuxErrors(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		// Let the mux decide between 404 and 405 (and the Allow header),
		// then drop its plain-text body. Anything else, such as a redirect
		// to a cleaned path, the mux answers itself.
		rec := &muxErrorRecorder{header: http.Header{}}
		next.ServeHTTP(rec, r)
		switch rec.status {
		case http.StatusNotFound:
			h.writeError(w, r, http.StatusNotFound, &apperr.Error{Code: "request.route_not_found",
				ZH: fmt.Sprintf("没有这个接口:%s %s", r.Method, r.URL.Path),
				EN: fmt.Sprintf("no such route: %s %s", r.Method, r.URL.Path)})
		case http.StatusMethodNotAllowed:
			w.Header().Set("Allow", rec.header.Get("Allow"))
			h.writeError(w, r, http.StatusMethodNotAllowed, &apperr.Error{Code: "request.method_not_allowed",
				ZH: fmt.Sprintf("%s 不支持 %s 方法,可用:%s", r.URL.Path, r.Method, rec.header.Get("Allow")),
				EN: fmt.Sprintf("%s does not allow %s; allowed: %s", r.URL.Path, r.Method, rec.header.Get("Allow"))})
		default:
			mux.ServeHTTP(w, r)
		}
	})
}

// muxErrorRecorder keeps the status and headers a ServeMux error handler
// writes and discards its body.
type muxErrorRecorder struct {
	header http.Header
	status int
}

func (m *muxErrorRecorder) Header() http.Header { return m.header }

func (m *muxErrorRecorder) WriteHeader(status int) {
	if m.status == 0 {
		m.status = status
	}
}

func (m *muxErrorRecorder) Write(b []byte) (int, error) {
	m.WriteHeader(http.StatusOK)
	return len(b), nil
}

// recoverPanics turns a panic in a handler into a logged JSON 500.
func (h *handler) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				h.error(w, r, fmt.Errorf("panic: %v\n%s", p, debug.Stack()))
			}
		}()
		next.ServeHTTP(w, r)
	})
}
