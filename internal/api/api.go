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
	"github.com/stockpile-dev/stockpile/internal/authn"
	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/httpx"
	"github.com/stockpile-dev/stockpile/internal/ops"
	"github.com/stockpile-dev/stockpile/internal/request"
	"github.com/stockpile-dev/stockpile/internal/requisition"
	"github.com/stockpile-dev/stockpile/internal/shipment"
	"github.com/stockpile-dev/stockpile/internal/stocktake"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/supplier"
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
	// EventPoll is how often an event stream looks for new events; zero
	// means DefaultEventPoll.
	EventPoll time.Duration
}

// handler holds everything the route handlers need.
type handler struct {
	ops     *ops.Service
	store   *store.Store // for reads; every change goes through ops
	logger  *slog.Logger
	maxBody int64
	version string
	jobs    *importJobs // commits of imports running now
	// eventPoll is how often an event stream looks for new events.
	eventPoll time.Duration
}

// route is one entry of the route table.
type route struct {
	method string
	path   string        // a ServeMux path pattern, which is also an OpenAPI path template
	action access.Action // the rule (access.Rules) a caller must pass to reach the handler
	handle http.HandlerFunc
}

// NewHandler returns the API over the use cases of svc: the routes of the
// table below on a [http.ServeMux], with unknown paths and wrong methods
// answered in JSON and panics turned into a JSON 500.
func NewHandler(svc *ops.Service, opts Options) http.Handler {
	h := &handler{ops: svc, store: svc.Store(), logger: opts.Logger, maxBody: opts.MaxBodyBytes, version: opts.Version,
		jobs: &importJobs{}, eventPoll: opts.EventPoll}
	if h.eventPoll <= 0 {
		h.eventPoll = DefaultEventPoll
	}
	if h.logger == nil {
		h.logger = slog.Default()
	}
	if h.maxBody <= 0 {
		h.maxBody = DefaultMaxBodyBytes
	}
	mux := http.NewServeMux()
	for _, rt := range h.routes() {
		mux.Handle(rt.method+" "+rt.path, h.gate(rt.action, rt.handle))
	}
	return h.recoverPanics(authn.Middleware(svc, h.error, h.jsonMuxErrors(mux)))
}

// gate lets a request through to a route when its actor's roles may take
// the route's action somewhere (access.Actor.Can); 401 for a request
// without credentials, 403 for a role that may not. Where the act lands
// (which depot, which area) the use case checks, and lists are filtered
// to what the actor may see.
func (h *handler) gate(act access.Action, next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := actor(r).Allow(act); err != nil {
			if apperr.IsKind(err, apperr.Unauthenticated) {
				w.Header().Set("WWW-Authenticate", `Bearer realm="stockpile"`)
			}
			h.error(w, r, err)
			return
		}
		next(w, r)
	})
}

// actor is who makes request r, as the authentication middleware found
// (authn.Middleware).
func actor(r *http.Request) access.Actor { return access.FromContext(r.Context()) }

// stockView is what the stock reads of request r may show: the actor's
// view of access.StockRead.
func stockView(r *http.Request) *access.View {
	v := actor(r).View(access.StockRead)
	return &v
}

// routes is the route table. The handlers are methods of h; the table can
// be built from a zero handler to list the routes.
func (h *handler) routes() []route {
	return append([]route{
		{"GET", "/healthz", access.Public, h.health},
		{"GET", "/api/openapi.json", access.Public, h.openAPI},

		{"POST", "/api/session", access.Public, h.signIn},
		{"DELETE", "/api/session", access.Self, h.signOut},
		{"GET", "/api/me", access.Self, h.getMe},
		{"POST", "/api/me/password", access.Self, h.changePassword},

		{"GET", "/api/users", access.UserManage, h.listUsers},
		{"POST", "/api/users", access.UserManage, h.createUser},
		{"GET", "/api/users/{id}", access.UserManage, h.getUser},
		{"PUT", "/api/users/{id}", access.UserManage, h.updateUser},
		{"POST", "/api/users/{id}/reset-password", access.UserManage, h.resetPassword},
		{"POST", "/api/users/{id}/end-sessions", access.UserManage, h.endSessions},
		{"GET", "/api/tokens", access.TokenManage, h.listTokens},
		{"POST", "/api/tokens", access.TokenManage, h.createToken},
		{"POST", "/api/tokens/{id}/revoke", access.TokenManage, h.revokeToken},
		{"GET", "/api/audit", access.AuditRead, h.listAudit},
		{"GET", "/api/events", access.EventRead, h.listEvents},
		{"GET", "/api/webhooks", access.WebhookManage, h.listWebhooks},
		{"POST", "/api/webhooks", access.WebhookManage, h.createWebhook},
		{"GET", "/api/webhooks/{id}/deliveries", access.WebhookManage, h.webhookDeliveries},
		{"POST", "/api/webhooks/{id}/resume", access.WebhookManage, h.resumeWebhook},

		{"GET", "/api/categories", access.ReferenceRead, h.listCategories},
		{"POST", "/api/categories", access.CatalogWrite, h.createCategory},
		{"PUT", "/api/categories/{code}", access.CatalogWrite, h.updateCategory},
		{"POST", "/api/categories/{code}/retire", access.CatalogWrite, retire(h, (*ops.Service).SetCategoryRetired, true)},
		{"POST", "/api/categories/{code}/restore", access.CatalogWrite, retire(h, (*ops.Service).SetCategoryRetired, false)},
		{"GET", "/api/items", access.ReferenceRead, h.listItems},
		{"POST", "/api/items", access.CatalogWrite, h.createItem},
		{"GET", "/api/items/{code}", access.ReferenceRead, h.getItem},
		{"PUT", "/api/items/{code}", access.CatalogWrite, h.updateItem},
		{"POST", "/api/items/{code}/retire", access.CatalogWrite, retire(h, (*ops.Service).SetItemRetired, true)},
		{"POST", "/api/items/{code}/restore", access.CatalogWrite, retire(h, (*ops.Service).SetItemRetired, false)},

		{"GET", "/api/areas", access.ReferenceRead, h.listAreas},
		{"POST", "/api/areas", access.AreaWrite, h.createArea},
		{"GET", "/api/areas/{code}", access.ReferenceRead, h.getArea},
		{"PUT", "/api/areas/{code}", access.AreaWrite, h.updateArea},
		{"POST", "/api/areas/{code}/retire", access.AreaWrite, retire(h, (*ops.Service).SetAreaRetired, true)},
		{"POST", "/api/areas/{code}/restore", access.AreaWrite, retire(h, (*ops.Service).SetAreaRetired, false)},

		{"GET", "/api/orgs", access.ReferenceRead, h.listOrgs},
		{"POST", "/api/orgs", access.OrgWrite, h.createOrg},
		{"GET", "/api/orgs/{code}", access.ReferenceRead, h.getOrg},
		{"PUT", "/api/orgs/{code}", access.OrgWrite, h.updateOrg},
		{"POST", "/api/orgs/{code}/retire", access.OrgWrite, retire(h, (*ops.Service).SetOrgRetired, true)},
		{"POST", "/api/orgs/{code}/restore", access.OrgWrite, retire(h, (*ops.Service).SetOrgRetired, false)},

		{"GET", "/api/depots", access.StockRead, h.listDepots},
		{"POST", "/api/depots", access.DepotWrite, h.createDepot},
		{"GET", "/api/depots/{code}", access.StockRead, h.getDepot},
		{"PUT", "/api/depots/{code}", access.DepotWrite, h.updateDepot},
		{"POST", "/api/depots/{code}/retire", access.DepotWrite, retire(h, (*ops.Service).SetDepotRetired, true)},
		{"POST", "/api/depots/{code}/restore", access.DepotWrite, retire(h, (*ops.Service).SetDepotRetired, false)},

		{"GET", "/api/lots", access.StockRead, h.listLots},
		{"GET", "/api/lots/{code}", access.StockRead, h.getLot},
		{"GET", "/api/lots/{code}/label.png", access.StockRead, h.lotLabel},
		{"GET", "/api/lots/{code}/label.pdf", access.StockRead, h.lotLabelPDF},
		{"GET", "/api/labels.pdf", access.StockRead, h.labelsPDF},
		{"POST", "/api/lots/{code}/relocate", access.StockPost, h.relocate},

		{"GET", "/api/balances", access.StockRead, h.balances},
		{"GET", "/api/stock/nearby", access.StockRead, h.nearbyStock},
		{"GET", "/api/stock/as-of", access.StockRead, h.stockAsOf},
		{"GET", "/api/statements", access.StockRead, h.getStatement},

		{"POST", "/api/movements", access.StockPost, h.createPosting},
		{"GET", "/api/movements", access.StockRead, h.listMovements},
		{"GET", "/api/postings/{id}", access.StockRead, h.getPosting},
		{"GET", "/api/postings/{id}/photos", access.StockRead, h.listPhotos},
		{"POST", "/api/postings/{id}/photos", access.StockPost, h.addPhoto},
		{"GET", "/api/photos/{id}", access.StockRead, h.getPhoto},
		{"GET", "/api/ledger/verify", access.LedgerVerify, h.verifyLedger},
		{"POST", "/api/scraps", access.StockPost, h.scrap},
		{"GET", "/api/approvals", access.StockRead, h.listApprovals},
		{"GET", "/api/approvals/{id}", access.StockRead, h.getApproval},
		{"POST", "/api/approvals/{id}/approve", access.ScrapApprove, h.decide(ops.DecideApprove)},
		{"POST", "/api/approvals/{id}/reject", access.ScrapApprove, h.decide(ops.DecideReject)},
		{"POST", "/api/approvals/{id}/withdraw", access.StockPost, h.decide(ops.DecideWithdraw)},
		{"GET", "/api/counts", access.StockRead, h.listCounts},
		{"POST", "/api/counts", access.StockCount, h.openCount},
		{"GET", "/api/counts/{id}", access.StockRead, h.getCount},
		{"POST", "/api/counts/{id}/lines", access.StockCount, h.recordCount},
		{"POST", "/api/counts/{id}/submit", access.StockCount, h.countAction(stocktake.ActSubmit)},
		{"POST", "/api/counts/{id}/approve", access.StockCountDecide, h.countAction(stocktake.ActApprove)},
		{"POST", "/api/counts/{id}/reopen", access.StockCountDecide, h.countAction(stocktake.ActReopen)},
		{"POST", "/api/counts/{id}/cancel", access.StockCountDecide, h.countAction(stocktake.ActCancel)},
		{"GET", "/api/inbox", access.Self, h.inbox},
		{"GET", "/api/exports/stock.xlsx", access.StockRead, h.exportStock},
		{"GET", "/api/exports/statement.xlsx", access.StockRead, h.exportList(statementExport, "xlsx")},
		{"GET", "/api/exports/statement.csv", access.StockRead, h.exportList(statementExport, "csv")},
		{"GET", "/api/exports/stock-as-of.xlsx", access.StockRead, h.exportList(asOfExport, "xlsx")},
		{"GET", "/api/exports/stock-as-of.csv", access.StockRead, h.exportList(asOfExport, "csv")},

		{"GET", "/api/imports/kinds", access.ReferenceRead, h.listImportKinds},
		{"GET", "/api/imports/kinds/{kind}/template", access.ReferenceRead, h.importTemplate},
		{"POST", "/api/imports", access.DataImport, h.createImport},
		{"GET", "/api/imports/{id}", access.DataImport, h.getImport},
		{"GET", "/api/imports/{id}/problems.xlsx", access.DataImport, h.importProblems},
		{"POST", "/api/imports/{id}/commit", access.DataImport, h.commitImport},
		{"POST", "/api/imports/{id}/discard", access.DataImport, h.discardImport},
		{"POST", "/api/upserts/{kind}", access.DataImport, h.pushRows},
		{"GET", "/api/agreements", access.StockRead, h.listAgreements},
		{"POST", "/api/agreements", access.ReserveWrite, h.createAgreement},
		{"GET", "/api/agreements/{code}", access.StockRead, h.getAgreement},
		{"PUT", "/api/agreements/{code}", access.ReserveWrite, h.updateAgreement},
		{"POST", "/api/agreements/{code}/retire", access.ReserveWrite, retire(h, (*ops.Service).SetAgreementRetired, true)},
		{"POST", "/api/agreements/{code}/restore", access.ReserveWrite, retire(h, (*ops.Service).SetAgreementRetired, false)},
		{"GET", "/api/capacities", access.StockRead, h.listCapacities},
		{"POST", "/api/capacities", access.ReserveWrite, h.createCapacity},
		{"GET", "/api/capacities/{code}", access.StockRead, h.getCapacity},
		{"PUT", "/api/capacities/{code}", access.ReserveWrite, h.updateCapacity},
		{"POST", "/api/capacities/{code}/retire", access.ReserveWrite, retire(h, (*ops.Service).SetCapacityRetired, true)},
		{"POST", "/api/capacities/{code}/restore", access.ReserveWrite, retire(h, (*ops.Service).SetCapacityRetired, false)},

		{"GET", "/api/incidents", access.DispatchRead, h.listIncidents},
		{"POST", "/api/incidents", access.IncidentWrite, h.saveIncident},
		{"GET", "/api/incidents/{code}", access.DispatchRead, h.getIncident},

		{"GET", "/api/plans", access.DispatchRead, h.listPlans},
		{"POST", "/api/plans", access.PlanCreate, h.createPlan},
		{"GET", "/api/plans/{id}", access.DispatchRead, h.getPlan},
		{"POST", "/api/plans/{id}/approve", access.PlanApprove, h.planAction(dispatch.ActApprove)},
		{"POST", "/api/plans/{id}/cancel", access.PlanApprove, h.planAction(dispatch.ActCancel)},
		{"POST", "/api/plans/{id}/execute", access.PlanExecute, h.planAction(dispatch.ActExecute)},
		{"POST", "/api/plans/{id}/recompute", access.PlanApprove, h.planAction(dispatch.ActRecompute)},

		{"GET", "/api/readiness", access.ReadinessRead, h.getReadiness},
		{"GET", "/api/readiness/config", access.ReadinessRead, h.getReadinessConfig},
		{"PUT", "/api/readiness/config", access.ReadinessConfigure, h.putReadinessConfig},
		{"GET", "/api/readiness/norms", access.ReadinessRead, h.getNorms},
		{"PUT", "/api/readiness/norms", access.ReadinessConfigure, h.putNorms},
		{"GET", "/api/readiness/prices", access.ReadinessRead, h.getPrices},
		{"PUT", "/api/readiness/prices", access.ReadinessConfigure, h.putPrices},
		{"GET", "/api/scenarios", access.ReadinessRead, h.listScenarios},
		{"POST", "/api/scenarios", access.ScenarioWrite, h.saveScenario},
		{"GET", "/api/scenarios/{code}", access.ReadinessRead, h.getScenario},
		{"POST", "/api/assessments", access.ReadinessRead, h.createAssessment},

		{"GET", "/api/prepositions", access.DispatchRead, h.listPrepositions},
		{"POST", "/api/prepositions", access.PrepositionCreate, h.createPreposition},
		{"GET", "/api/prepositions/{id}", access.DispatchRead, h.getPreposition},
		{"POST", "/api/prepositions/{id}/approve", access.PrepositionApprove, h.approvePreposition},
		{"POST", "/api/prepositions/{id}/cancel", access.PrepositionApprove, h.cancelPreposition},

		{"GET", "/api/transfers", access.DispatchRead, h.listTransfers},
		{"POST", "/api/transfers", access.TransferCreate, h.createTransfer},
		{"GET", "/api/transfers/{id}", access.DispatchRead, h.getTransfer},
		{"POST", "/api/transfers/{id}/execute", access.TransferRun, h.transferAction((*ops.Service).ExecuteTransfer)},
		{"POST", "/api/transfers/{id}/cancel", access.TransferCancel, h.transferAction((*ops.Service).CancelTransfer)},
		{"GET", "/api/transfers/{id}/print.pdf", access.DispatchRead, h.printOrder},
		{"POST", "/api/transfers/{id}/shipments", access.ShipmentRun, h.createShipment},

		// From order to site and back (shipments.go, docs/flow.md).
		{"GET", "/api/shipments", access.DispatchRead, h.listShipments},
		{"GET", "/api/shipments/{id}", access.DispatchRead, h.getShipment},
		{"GET", "/api/shipments/{id}/waybill.pdf", access.DispatchRead, h.printWaybill},
		{"POST", "/api/shipments/{id}/load", access.ShipmentRun, h.shipmentStep(shipment.StepLoad)},
		{"POST", "/api/shipments/{id}/depart", access.ShipmentRun, h.shipmentStep(shipment.StepDepart)},
		{"POST", "/api/shipments/{id}/deliver", access.ShipmentRun, h.shipmentStep(shipment.StepDeliver)},
		{"POST", "/api/shipments/{id}/cancel", access.ShipmentRun, h.shipmentStep(shipment.StepCancel)},
		{"POST", "/api/shipments/{id}/receipts", access.ShipmentReceive, h.receiveShipment},
		// The supplier directory, requisitions and incident costs (suppliers.go, BRIEF C4, C11).
		{"GET", "/api/suppliers", access.ReferenceRead, h.listSuppliers},
		{"POST", "/api/suppliers", access.SupplierWrite, h.createSupplier},
		{"GET", "/api/suppliers/{code}", access.ReferenceRead, h.getSupplier},
		{"PUT", "/api/suppliers/{code}", access.SupplierWrite, h.updateSupplier},
		{"POST", "/api/suppliers/{code}/suspend", access.SupplierWrite, h.supplierStep(supplier.StepSuspend)},
		{"POST", "/api/suppliers/{code}/reinstate", access.SupplierWrite, h.supplierStep(supplier.StepReinstate)},
		{"POST", "/api/suppliers/{code}/remove", access.SupplierWrite, h.supplierStep(supplier.StepRemove)},
		{"GET", "/api/requisitions", access.DispatchRead, h.listRequisitions},
		{"POST", "/api/requisitions", access.RequisitionWrite, h.createRequisition},
		{"GET", "/api/requisitions/totals", access.DispatchRead, h.requisitionTotals},
		{"GET", "/api/requisitions/{id}", access.DispatchRead, h.getRequisition},
		{"POST", "/api/requisitions/{id}/return", access.RequisitionWrite, h.requisitionStep(requisition.StepReturn)},
		{"POST", "/api/requisitions/{id}/assess", access.RequisitionWrite, h.requisitionStep(requisition.StepAssess)},
		{"POST", "/api/requisitions/{id}/pay", access.RequisitionWrite, h.requisitionStep(requisition.StepPay)},
		{"POST", "/api/requisitions/{id}/cancel", access.RequisitionWrite, h.requisitionStep(requisition.StepCancel)},
		{"GET", "/api/incidents/{code}/cost", access.DispatchRead, h.incidentCost},

		{"GET", "/api/sites", access.DispatchRead, h.listSites},
		{"GET", "/api/sites/{code}", access.DispatchRead, h.getSite},
		{"POST", "/api/sites/{code}/uses", access.SiteUse, h.useSite},
		{"GET", "/api/plans/{id}/progress", access.DispatchRead, h.planProgress},

		// Requests for supplies from lower tiers (requests.go, docs/flow.md).
		{"GET", "/api/requests", access.DispatchRead, h.listRequests},
		{"POST", "/api/requests", access.RequestSubmit, h.createRequest},
		{"GET", "/api/requests/{id}", access.DispatchRead, h.getRequest},
		{"POST", "/api/requests/{id}/approve", access.RequestDecide, h.decideRequest(request.Approve)},
		{"POST", "/api/requests/{id}/accept", access.RequestDecide, h.decideRequest(request.Accept)},
		{"POST", "/api/requests/{id}/reject", access.RequestDecide, h.decideRequest(request.Reject)},
		{"POST", "/api/requests/{id}/withdraw", access.RequestSubmit, h.decideRequest(request.Withdraw)},
		{"GET", "/api/replenishments", access.StockRead, h.listReplenishments},
		{"POST", "/api/replenishments/{id}/settle", access.ReplenishSettle, h.settleReplenishment},

		// Donations and emergency purchase (donations.go, docs/flow.md).
		{"GET", "/api/donations", access.DispatchRead, h.listDonations},
		{"POST", "/api/donations", access.DonationReceive, h.receiveDonation},
		{"GET", "/api/donations/report", access.Public, h.donationReport},
		{"GET", "/api/donations/{id}", access.DispatchRead, h.getDonation},
		{"GET", "/api/donations/{id}/matches", access.DispatchRead, h.donationMatches},
		{"GET", "/api/purchases", access.StockRead, h.listCallOffs},
		{"POST", "/api/purchases", access.PurchaseOrder, h.createCallOff},
		{"GET", "/api/purchases/{id}", access.StockRead, h.getCallOff},
		{"POST", "/api/purchases/{id}/receive", access.PurchaseReceive, h.receiveCallOff},
		{"POST", "/api/purchases/{id}/cancel", access.PurchaseOrder, h.cancelCallOff},

		// The care of stock in store (care.go, docs/care.md).
		{"GET", "/api/care/schedules", access.ReferenceRead, h.listCareSchedules},
		{"POST", "/api/care/schedules", access.CarePlan, h.createCareSchedule},
		{"PUT", "/api/care/schedules/{code}", access.CarePlan, h.updateCareSchedule},
		{"POST", "/api/care/schedules/{code}/retire", access.CarePlan, retire(h, (*ops.Service).SetCareScheduleRetired, true)},
		{"GET", "/api/care/due", access.StockRead, h.careDue},
		{"GET", "/api/care/records", access.StockRead, h.listCareRecords},
		{"POST", "/api/care/records", access.CareRecord, h.createCareRecord},
		{"GET", "/api/rotations", access.StockRead, h.listRotations},
		{"POST", "/api/rotations", access.CarePlan, h.createRotation},
		{"GET", "/api/rotations/candidates", access.StockRead, h.rotationCandidates},
		{"GET", "/api/rotations/{id}", access.StockRead, h.getRotation},
		{"POST", "/api/rotations/{id}/execute", access.CareRecord, h.executeRotation},
		{"POST", "/api/rotations/{id}/cancel", access.CarePlan, h.cancelRotation},
		{"GET", "/api/depots/fill", access.StockRead, h.depotFill},
	}, h.exportRoutes()...) // GET /api/exports/<list>.xlsx|csv (exports.go)
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
				ZH: fmt.Sprintf("没有这个接口：%s %s", r.Method, r.URL.Path),
				EN: fmt.Sprintf("no such route: %s %s", r.Method, r.URL.Path)})
		case http.StatusMethodNotAllowed:
			w.Header().Set("Allow", rec.header.Get("Allow"))
			h.writeError(w, r, http.StatusMethodNotAllowed, &apperr.Error{Code: "request.method_not_allowed",
				ZH: fmt.Sprintf("%s 不支持 %s 方法，可用：%s", r.URL.Path, r.Method, rec.header.Get("Allow")),
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
