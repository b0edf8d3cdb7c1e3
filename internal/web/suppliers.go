package web

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/cst"
	"github.com/stockpile-dev/stockpile/internal/httpx"
	"github.com/stockpile-dev/stockpile/internal/org"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/supplier"
)

// The directory of qualified suppliers (合格供应商名录, BRIEF C4 and C11) is
// a tab of 基础数据, like the other tabs a page for those who keep master
// data: it opens to whoever may keep the directory by role
// (supplier.write, reserve managers), and only a city-level scope may
// change it (ops.Service.CreateSupplier and the others check the city),
// so a district manager reads it without the forms. Everyone else reads
// it through the JSON API (reference.read). Its forms call the API from
// flow.js: POST and PUT /api/suppliers, and …/suspend, /reinstate and
// /remove with a reason.

// supplierRoutes are the directory's pages, added to the screen's routes.
func (h *handler) supplierRoutes() []route {
	return []route{
		{"GET", "/masterdata/suppliers", access.SupplierWrite, h.suppliersPage},
		{"GET", "/masterdata/suppliers/{code}", access.SupplierWrite, h.supplierPage},
	}
}

// supplierTab is the directory's tab, shown after the master data kinds'
// to those who may open it.
var supplierTab = struct {
	key  string
	read access.Action
}{"suppliers", access.SupplierWrite}

// supplierStatuses are the directory's statuses, in order.
var supplierStatuses = []supplier.Status{supplier.Qualified, supplier.Suspended, supplier.Removed}

// supplierClass is the badge colour of a supplier's status.
func supplierClass(s supplier.Status) string {
	return map[supplier.Status]string{supplier.Qualified: "ok", supplier.Suspended: "warn", supplier.Removed: "bad"}[s]
}

// supplierWindow is the window, in days, of the list's "expiring" filter
// and of each entry's qualifications about to expire.
const supplierWindow = store.DefaultSupplierWindow

// supplierRow is a directory entry as listed.
type supplierRow struct {
	supplier.Supplier
	Class   string
	Updated string
}

// suppliersView is the directory with its filters and, for a city-level
// scope, the form that lists an enterprise not yet in it.
type suppliersView struct {
	Tabs     []masterTab
	Rows     []supplierRow
	Category string
	Status   string
	Statuses []supplier.Status
	Expiring bool
	Expired  bool
	Window   int
	CanWrite bool
	Orgs     []org.Org // enterprises in use not yet in the directory
}

func (h *handler) suppliersPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	who := access.FromContext(ctx)
	q := r.URL.Query()
	v := suppliersView{Tabs: masterTabs(r, supplierTab.key), Category: strings.TrimSpace(q.Get("category")),
		Statuses: supplierStatuses, Expiring: q.Get("expiring") == "1", Expired: q.Get("expired") == "1", Window: supplierWindow}
	var all []string
	for _, s := range supplierStatuses {
		all = append(all, string(s))
	}
	var err error
	v.Status, err = httpx.OneOf(q, "status", all...)
	var xs []supplier.Supplier
	if err == nil {
		xs, err = h.ops.Suppliers(ctx, who, store.SupplierFilter{Category: v.Category, Status: supplier.Status(v.Status),
			Expiring: v.Expiring, Expired: v.Expired, WithinDays: supplierWindow})
	}
	if err == nil {
		v.CanWrite, err = h.maySuppliers(ctx, who)
	}
	if err == nil && v.CanWrite {
		v.Orgs, err = h.unlistedEnterprises(ctx)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, x := range xs {
		v.Rows = append(v.Rows, supplierRow{Supplier: x, Class: supplierClass(x.Status), Updated: cst.Minute(x.UpdatedAt)})
	}
	h.render(w, r, "suppliers", h.newPage(r, "masterdata", "masterdata.suppliers.title", v))
}

// maySuppliers reports whether who may change the directory: the role,
// and a scope holding the city (as ops.Service.CreateSupplier checks).
func (h *handler) maySuppliers(ctx context.Context, who access.Actor) (bool, error) {
	if !who.Can(access.SupplierWrite) {
		return false, nil
	}
	root, err := h.store.RootPlace(ctx)
	if err != nil {
		return false, err
	}
	return who.Allow(access.SupplierWrite, root) == nil, nil
}

// unlistedEnterprises are the enterprises in use that the directory does
// not hold yet, in code order.
func (h *handler) unlistedEnterprises(ctx context.Context) ([]org.Org, error) {
	orgs, err := h.store.OrgList(ctx, "", store.InUse)
	if err != nil {
		return nil, err
	}
	listed, err := h.store.Suppliers(ctx, store.SupplierFilter{Limit: 1000})
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(orgs, func(o org.Org) bool {
		return o.Kind != org.KindEnterprise || slices.ContainsFunc(listed, func(x supplier.Supplier) bool { return x.Org == o.Code })
	}), nil
}

// supplierView is one directory entry: its contacts, qualifications
// (those expired or about to marked) and categories, and for a city-level
// scope the edit form and the status steps its status allows.
type supplierView struct {
	Tabs     []masterTab
	Supplier supplier.Supplier
	Class    string
	Created  string
	Updated  string
	Today    string
	Soon     string // the last day of the window: a qualification valid until then is about to expire
	CanWrite bool
	Steps    []supplier.Step
}

func (h *handler) supplierPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	who := access.FromContext(ctx)
	x, err := h.ops.Supplier(ctx, who, r.PathValue("code"))
	v := supplierView{Tabs: masterTabs(r, supplierTab.key)}
	if err == nil {
		v.CanWrite, err = h.maySuppliers(ctx, who)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Supplier, v.Class, v.Created, v.Updated = x, supplierClass(x.Status), cst.Minute(x.CreatedAt), cst.Minute(x.UpdatedAt)
	v.Today = h.store.Today()
	if x.Standing != nil {
		v.Today = x.Standing.Today
	}
	v.Soon = stock.AddDays(v.Today, supplierWindow)
	if v.CanWrite {
		for _, s := range []supplier.Step{supplier.StepSuspend, supplier.StepReinstate, supplier.StepRemove} {
			if _, ok := supplier.Next(x.Status, s); ok {
				v.Steps = append(v.Steps, s)
			}
		}
	}
	h.render(w, r, "supplier", h.newPage(r, "masterdata", "masterdata.supplier.title", v))
}
