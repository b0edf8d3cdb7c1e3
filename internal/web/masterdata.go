package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/cst"
	"github.com/stockpile-dev/stockpile/internal/depot"
	"github.com/stockpile-dev/stockpile/internal/org"
	"github.com/stockpile-dev/stockpile/internal/reserve"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// The 基础数据 (master data) screen lists the catalogue, the categories,
// the areas, the organisations, the depots and the agreement and capacity
// reserves, one tab each, with the retired ones behind a switch. Each row
// opens an edit form, a plain POST form, which the use cases (package ops)
// check and record like the JSON API's PUT; its errors are shown beside
// the field they name. Retiring and restoring are buttons, POST forms too.
// Cross-site posts are refused at the edge (request.cross_origin) and the
// session cookie is SameSite=Lax, as for the other forms of the site.

// masterKind is one tab of the screen.
type masterKind struct {
	Key   string        // the tab and URL segment: items, categories, …
	Write access.Action // what editing, retiring and restoring need
	// Columns are the fields listed besides the code and the name, by
	// their JSON names; Fields are the fields of the edit form.
	Columns []string
	Fields  []masterField
	list    func(h *handler, ctx context.Context, ret store.Retirement) ([]any, error)
	get     func(h *handler, ctx context.Context, code string) (any, error)
	update  func(h *handler, ctx context.Context, code string, body []byte) error
	retire  func(h *handler, ctx context.Context, code string, retired bool) error
}

// masterField is a field of an edit form: Name is its JSON name ("point.lon"
// for a nested one), the form's input name and the locale key
// masterdata.f.<Name>.
type masterField struct {
	Name    string
	Type    string   // text, number, quantity, check, date, select, area, org, party
	Options []string // a select's values, labelled masterdata.v.<value>
}

// masterKinds are the tabs, in order.
var masterKinds = []masterKind{
	{Key: "items", Write: access.CatalogWrite, Columns: []string{"unit_zh", "spec", "purpose", "mass_t"},
		Fields: []masterField{{"name_zh", "text", nil}, {"name_en", "text", nil}, {"unit_zh", "text", nil},
			{"unit_en", "text", nil}, {"counted", "check", nil}, {"spec", "text", nil}, {"shelf_life_days", "number", nil},
			{"purpose", "select", []string{"rescue", "life"}}, {"volume_m3", "number", nil}, {"mass_t", "number", nil}},
		list: func(h *handler, ctx context.Context, ret store.Retirement) ([]any, error) {
			return anys(h.store.Items(ctx, store.ItemFilter{Retired: ret}))
		},
		get: func(h *handler, ctx context.Context, code string) (any, error) { return h.store.Item(ctx, code) },
		update: func(h *handler, ctx context.Context, code string, body []byte) error {
			var v catalog.Item
			return decodeThen(body, &v, func() error { _, err := h.ops.UpdateItem(ctx, access.FromContext(ctx), v); return err })
		},
		retire: func(h *handler, ctx context.Context, code string, retired bool) error {
			_, err := h.ops.SetItemRetired(ctx, access.FromContext(ctx), code, retired)
			return err
		}},
	{Key: "categories", Write: access.CatalogWrite, Columns: []string{"local"},
		Fields: []masterField{{"name_zh", "text", nil}, {"name_en", "text", nil}, {"local", "check", nil}},
		list: func(h *handler, ctx context.Context, ret store.Retirement) ([]any, error) {
			return anys(h.store.CategoryList(ctx, ret))
		},
		get: func(h *handler, ctx context.Context, code string) (any, error) { return h.store.Category(ctx, code) },
		update: func(h *handler, ctx context.Context, code string, body []byte) error {
			var v catalog.Category
			return decodeThen(body, &v, func() error { _, err := h.ops.UpdateCategory(ctx, access.FromContext(ctx), v); return err })
		},
		retire: func(h *handler, ctx context.Context, code string, retired bool) error {
			_, err := h.ops.SetCategoryRetired(ctx, access.FromContext(ctx), code, retired)
			return err
		}},
	{Key: "areas", Write: access.AreaWrite, Columns: []string{"level", "parent_code", "population"},
		Fields: []masterField{{"name_zh", "text", nil}, {"name_en", "text", nil}, {"population", "number", nil},
			{"point.lon", "number", nil}, {"point.lat", "number", nil},
			{"terrain", "select", []string{"", "urban", "plain", "mixed", "mountain"}}},
		list: func(h *handler, ctx context.Context, ret store.Retirement) ([]any, error) {
			return anys(h.store.AreaList(ctx, "", ret))
		},
		get: func(h *handler, ctx context.Context, code string) (any, error) { return h.store.Area(ctx, code) },
		update: func(h *handler, ctx context.Context, code string, body []byte) error {
			var v area.Area // without a boundary: the outline stays
			return decodeThen(body, &v, func() error { _, err := h.ops.UpdateArea(ctx, access.FromContext(ctx), v); return err })
		},
		retire: func(h *handler, ctx context.Context, code string, retired bool) error {
			_, err := h.ops.SetAreaRetired(ctx, access.FromContext(ctx), code, retired)
			return err
		}},
	{Key: "orgs", Write: access.OrgWrite, Columns: []string{"kind", "area_code"},
		Fields: []masterField{{"name_zh", "text", nil}, {"name_en", "text", nil},
			{"kind", "select", []string{"bureau", "department", "enterprise"}}, {"area_code", "area", nil}},
		list: func(h *handler, ctx context.Context, ret store.Retirement) ([]any, error) {
			return anys(h.store.OrgList(ctx, "", ret))
		},
		get: func(h *handler, ctx context.Context, code string) (any, error) { return h.store.Org(ctx, code) },
		update: func(h *handler, ctx context.Context, code string, body []byte) error {
			var v org.Org
			return decodeThen(body, &v, func() error { _, err := h.ops.UpdateOrg(ctx, access.FromContext(ctx), v); return err })
		},
		retire: func(h *handler, ctx context.Context, code string, retired bool) error {
			_, err := h.ops.SetOrgRetired(ctx, access.FromContext(ctx), code, retired)
			return err
		}},
	{Key: "depots", Write: access.DepotWrite, Columns: []string{"tier", "org_code", "area_code", "capacity_m3"},
		Fields: []masterField{{"name_zh", "text", nil}, {"name_en", "text", nil},
			{"kind", "select", []string{"comprehensive", "special"}}, {"org_code", "org", nil}, {"area_code", "area", nil},
			{"point.lon", "number", nil}, {"point.lat", "number", nil}, {"address", "text", nil},
			{"capacity_m3", "number", nil}},
		list: func(h *handler, ctx context.Context, ret store.Retirement) ([]any, error) {
			return anys(h.store.Depots(ctx, store.DepotFilter{View: visible(ctx), Retired: ret}))
		},
		get: func(h *handler, ctx context.Context, code string) (any, error) {
			d, err := h.store.Depot(ctx, code)
			if err == nil {
				err = h.store.CheckVisible(ctx, visible(ctx), "depot", code)
			}
			return d.Depot, err
		},
		update: func(h *handler, ctx context.Context, code string, body []byte) error {
			var v depot.Depot
			return decodeThen(body, &v, func() error { _, err := h.ops.UpdateDepot(ctx, access.FromContext(ctx), v); return err })
		},
		retire: func(h *handler, ctx context.Context, code string, retired bool) error {
			_, err := h.ops.SetDepotRetired(ctx, access.FromContext(ctx), code, retired)
			return err
		}},
	{Key: "agreements", Write: access.ReserveWrite, Columns: []string{"org_name_zh", "item_name_zh", "quantity", "valid_until"},
		Fields: []masterField{{"quantity", "quantity", nil}, {"delivery_hours", "number", nil}, {"valid_from", "date", nil},
			{"valid_until", "date", nil}, {"party", "party", nil}, {"point.lon", "number", nil}, {"point.lat", "number", nil},
			{"note", "text", nil}},
		list: func(h *handler, ctx context.Context, ret store.Retirement) ([]any, error) {
			return anys(h.store.Agreements(ctx, store.ReserveFilter{View: visible(ctx), Retired: ret}))
		},
		get: func(h *handler, ctx context.Context, code string) (any, error) {
			a, err := h.store.Agreement(ctx, code)
			if err == nil {
				err = h.visibleReserve(ctx, "agreement", code)
			}
			return a, err
		},
		update: func(h *handler, ctx context.Context, code string, body []byte) error {
			var v reserve.Agreement
			return decodeThen(body, &v, func() error { _, err := h.ops.UpdateAgreement(ctx, access.FromContext(ctx), v); return err })
		},
		retire: func(h *handler, ctx context.Context, code string, retired bool) error {
			_, err := h.ops.SetAgreementRetired(ctx, access.FromContext(ctx), code, retired)
			return err
		}},
	{Key: "capacities", Write: access.ReserveWrite, Columns: []string{"org_name_zh", "item_name_zh", "per_day", "valid_until"},
		Fields: []masterField{{"per_day", "quantity", nil}, {"lead_hours", "number", nil}, {"valid_from", "date", nil},
			{"valid_until", "date", nil}, {"party", "party", nil}, {"point.lon", "number", nil}, {"point.lat", "number", nil},
			{"note", "text", nil}},
		list: func(h *handler, ctx context.Context, ret store.Retirement) ([]any, error) {
			return anys(h.store.Capacities(ctx, store.ReserveFilter{View: visible(ctx), Retired: ret}))
		},
		get: func(h *handler, ctx context.Context, code string) (any, error) {
			c, err := h.store.Capacity(ctx, code)
			if err == nil {
				err = h.visibleReserve(ctx, "capacity", code)
			}
			return c, err
		},
		update: func(h *handler, ctx context.Context, code string, body []byte) error {
			var v reserve.Capacity
			return decodeThen(body, &v, func() error { _, err := h.ops.UpdateCapacity(ctx, access.FromContext(ctx), v); return err })
		},
		retire: func(h *handler, ctx context.Context, code string, retired bool) error {
			_, err := h.ops.SetCapacityRetired(ctx, access.FromContext(ctx), code, retired)
			return err
		}},
}

// masterRoutes are the routes of the screen. It is a screen for those who
// keep master data: the navigation shows it to whoever may add depots
// (depot.write: administrators and reserve managers), and each tab, its
// edit form (?code=) and its posts need the tab's own write action
// (catalog.write for items and categories, area.write, org.write,
// depot.write, reserve.write for the contract reserves, which a partner
// department may open at /masterdata/agreements). Depots and reserves are
// listed as far as the user's stock.read reaches. The supplier directory
// is a tab of its own kind (suppliers.go), opened by supplier.write.
func (h *handler) masterRoutes() []route {
	routes := []route{{"GET", "/masterdata", access.DepotWrite, h.masterList}}
	for _, k := range masterKinds {
		routes = append(routes,
			route{"GET", "/masterdata/" + k.Key, k.Write, h.masterList},
			route{"POST", "/masterdata/" + k.Key + "/{code}", k.Write, h.masterSave},
			route{"POST", "/masterdata/" + k.Key + "/{code}/retire", k.Write, h.masterRetire(true)},
			route{"POST", "/masterdata/" + k.Key + "/{code}/restore", k.Write, h.masterRetire(false)})
	}
	return append(routes, h.supplierRoutes()...)
}

// kindOf is the tab a request's path names (/masterdata/<tab>…; the
// first tab for /masterdata).
func kindOf(r *http.Request) masterKind {
	key, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/masterdata/"), "/")
	if i := slices.IndexFunc(masterKinds, func(k masterKind) bool { return k.Key == key }); i >= 0 {
		return masterKinds[i]
	}
	return masterKinds[0]
}

// masterTab is a tab as the page shows it.
type masterTab struct {
	Key, Href string
	Active    bool
}

// masterListView is the data of a tab's list.
type masterListView struct {
	Tabs        []masterTab
	Kind        masterKind
	Write       string // the tab's write action, for page.Can
	ShowRetired bool
	Rows        []masterRow
	Saved       string // the code just saved, retired or restored
}

// masterRow is a row of a list, read from the record's JSON.
type masterRow struct {
	Code, NameZH, NameEN string
	Cells                []string
	Version              int64
	Retired              string // when, in China time; "" in use
}

// masterList shows a tab: the records in use, or all with ?retired=true;
// with ?code=, the edit form of that record.
func (h *handler) masterList(w http.ResponseWriter, r *http.Request) {
	kind := kindOf(r)
	if r.URL.Query().Has("code") {
		h.masterEdit(w, r, kind, r.URL.Query().Get("code"))
		return
	}
	ctx := r.Context()
	v := masterListView{Tabs: masterTabs(r, kind.Key), Kind: kind, Write: string(kind.Write),
		ShowRetired: r.URL.Query().Get("retired") == "true", Saved: r.URL.Query().Get("saved")}
	ret := store.InUse
	if v.ShowRetired {
		ret = store.AnyRetirement
	}
	records, err := kind.list(h, ctx, ret)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, rec := range records {
		m := asMap(rec)
		row := masterRow{Code: text(m["code"]), NameZH: text(m["name_zh"]), NameEN: text(m["name_en"]),
			Version: int64(number(m["version"])), Retired: retiredText(m["retired_at"])}
		if row.NameZH == "" { // a reserve: its enterprise and item
			row.NameZH = text(m["org_name_zh"]) + " · " + text(m["item_name_zh"])
		}
		for _, c := range kind.Columns {
			row.Cells = append(row.Cells, text(lookup(m, c)))
		}
		v.Rows = append(v.Rows, row)
	}
	h.render(w, r, "masterdata", h.newPage(r, "masterdata", "masterdata.title", v))
}

// masterTabs lists the tabs the user may open, marking active.
func masterTabs(r *http.Request, active string) []masterTab {
	who := access.FromContext(r.Context())
	var out []masterTab
	for _, k := range masterKinds {
		if who.Can(k.Write) {
			out = append(out, masterTab{Key: k.Key, Href: "/masterdata/" + k.Key, Active: k.Key == active})
		}
	}
	if who.Can(supplierTab.read) {
		out = append(out, masterTab{Key: supplierTab.key, Href: "/masterdata/" + supplierTab.key, Active: active == supplierTab.key})
	}
	return out
}

// masterEditView is the data of an edit form.
type masterEditView struct {
	Tabs    []masterTab
	Kind    masterKind
	Write   string
	Code    string
	Name    string
	Version string
	Retired string // when it was retired; "" in use
	Inputs  []masterInput
	Error   *masterError // an error no input names (or any, with Field)
	Areas   []area.Area
	Orgs    []org.Org
	Parties []org.Org
}

// masterInput is one input of the form, with its value.
type masterInput struct {
	masterField
	Value string
	Error *masterError
}

// masterError is a refusal shown on the form.
type masterError struct {
	Field  string
	ZH, EN string
}

// masterEdit shows the edit form of one record.
func (h *handler) masterEdit(w http.ResponseWriter, r *http.Request, kind masterKind, code string) {
	rec, err := kind.get(h, r.Context(), code)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.showEdit(w, r, http.StatusOK, kind, asMap(rec), nil, nil)
}

// showEdit renders the edit form of the record m, with the values of form
// instead of m's when the form is shown again, and err beside its field.
func (h *handler) showEdit(w http.ResponseWriter, r *http.Request, status int, kind masterKind, m map[string]any,
	form url.Values, fail *masterError) {
	ctx := r.Context()
	v := masterEditView{Tabs: masterTabs(r, kind.Key), Kind: kind, Write: string(kind.Write), Code: text(m["code"]),
		Name: text(m["name_zh"]), Version: text(m["version"]), Retired: retiredText(m["retired_at"])}
	if v.Name == "" {
		v.Name = text(m["org_name_zh"]) + " · " + text(m["item_name_zh"])
	}
	if form != nil {
		v.Version = form.Get("version")
	}
	placed := false
	for _, f := range kind.Fields {
		in := masterInput{masterField: f, Value: text(lookup(m, f.Name))}
		if form != nil {
			in.Value = form.Get(f.Name)
		}
		if fail != nil && (fail.Field == f.Name || strings.HasPrefix(f.Name, fail.Field+".")) {
			in.Error, placed = fail, true
		}
		v.Inputs = append(v.Inputs, in)
	}
	if fail != nil && !placed {
		v.Error = fail
	}
	var err error
	if v.Areas, err = h.store.AreaList(ctx, "", store.InUse); err != nil {
		h.fail(w, r, err)
		return
	}
	orgs, err := h.store.OrgList(ctx, "", store.InUse)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Orgs = orgs
	for _, o := range orgs {
		if o.Kind != org.KindEnterprise {
			v.Parties = append(v.Parties, o)
		}
	}
	h.renderStatus(w, r, status, "masterdata-edit", h.newPage(r, "masterdata", "masterdata.edit.title", v))
}

// masterSave applies a posted edit form; a refusal shows the form again
// with the error beside its field.
func (h *handler) masterSave(w http.ResponseWriter, r *http.Request) {
	kind := kindOf(r)
	code := r.PathValue("code")
	names := []string{"version"}
	for _, f := range kind.Fields {
		names = append(names, f.Name)
	}
	form, err := readForm(w, r, names...)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	values := url.Values{}
	for k, v := range form {
		values.Set(k, v)
	}
	body, fail := h.masterBody(kind, code, form)
	if fail == nil {
		err = kind.update(h, r.Context(), code, body)
		if e, ok := apperr.As(err); ok {
			fail = &masterError{Field: e.Field, ZH: e.ZH, EN: e.EN}
		} else if err != nil {
			h.fail(w, r, err)
			return
		}
	}
	if fail != nil {
		rec, gerr := kind.get(h, r.Context(), code)
		if gerr != nil {
			h.fail(w, r, gerr)
			return
		}
		h.showEdit(w, r, statusOf(err, http.StatusBadRequest), kind, asMap(rec), values, fail)
		return
	}
	http.Redirect(w, r, "/masterdata/"+kind.Key+"?saved="+url.QueryEscape(code), http.StatusSeeOther)
}

// statusOf is the status of a use case's refusal, or def for a form the
// page refused itself.
func statusOf(err error, def int) int {
	if e, ok := apperr.As(err); ok && e.Kind.HTTPStatus() != 0 {
		return e.Kind.HTTPStatus()
	}
	return def
}

// masterBody builds the JSON of an edit from a form: numbers must read as
// numbers (a field error otherwise), a checkbox is true when sent, the
// rest is text; point.lon and point.lat make the object point.
func (h *handler) masterBody(kind masterKind, code string, form map[string]string) ([]byte, *masterError) {
	m := map[string]any{"code": code}
	version, err := strconv.ParseInt(strings.TrimSpace(form["version"]), 10, 64)
	if err != nil {
		return nil, &masterError{Field: "version", ZH: "缺少所依据的版本号，请刷新后重试", EN: "the version the edit is based on is missing: reload and try again"}
	}
	m["version"] = version
	for _, f := range kind.Fields {
		raw := strings.TrimSpace(form[f.Name])
		var val any = form[f.Name]
		switch f.Type {
		case "check":
			val = raw != ""
		case "number":
			if raw == "" {
				continue
			}
			n, err := strconv.ParseFloat(raw, 64)
			if err != nil {
				return nil, &masterError{Field: f.Name, ZH: "「" + raw + "」不是数字", EN: strconv.Quote(raw) + " is not a number"}
			}
			val = n
		case "quantity":
			val = raw
		}
		parent, leaf, nested := strings.Cut(f.Name, ".")
		if !nested {
			m[f.Name] = val
			continue
		}
		sub, _ := m[parent].(map[string]any)
		if sub == nil {
			sub = map[string]any{}
			m[parent] = sub
		}
		sub[leaf] = val
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, &masterError{ZH: "表单无效", EN: "the form is invalid"}
	}
	return b, nil
}

// masterRetire retires (retired) or restores a record, then shows the list
// with the retired records; a refusal shows the record's form with it.
func (h *handler) masterRetire(retired bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		kind := kindOf(r)
		code := r.PathValue("code")
		err := kind.retire(h, r.Context(), code, retired)
		if e, ok := apperr.As(err); ok && e.Kind != apperr.NotFound && e.Kind != apperr.Forbidden {
			rec, gerr := kind.get(h, r.Context(), code)
			if gerr != nil {
				h.fail(w, r, gerr)
				return
			}
			h.showEdit(w, r, e.Kind.HTTPStatus(), kind, asMap(rec), nil, &masterError{ZH: e.ZH, EN: e.EN})
			return
		}
		if err != nil {
			h.fail(w, r, err)
			return
		}
		http.Redirect(w, r, "/masterdata/"+kind.Key+"?retired=true&saved="+url.QueryEscape(code), http.StatusSeeOther)
	}
}

// visibleReserve is a not-found error when the reserve of kind and code
// lies beyond the reader's stock.read, as the JSON API answers.
func (h *handler) visibleReserve(ctx context.Context, kind, code string) error {
	view := visible(ctx)
	places, err := h.store.Places(ctx, kind, code)
	if err != nil || view.All || (len(places) == 1 && view.Shows(places[0])) {
		return err
	}
	return apperr.NotFoundf(kind, map[string]string{"agreement": "协议储备", "capacity": "产能储备"}[kind], code)
}

// HasArea, HasOrg and HasParty report whether a choice of the form's
// lists is code (or code is empty): a record whose area or organisation
// is retired since keeps it as a choice of its own.
func (v masterEditView) HasArea(code string) bool {
	return code == "" || slices.ContainsFunc(v.Areas, func(a area.Area) bool { return a.Code == code })
}

func (v masterEditView) HasOrg(code string) bool {
	return code == "" || slices.ContainsFunc(v.Orgs, func(o org.Org) bool { return o.Code == code })
}

func (v masterEditView) HasParty(code string) bool {
	return code == "" || slices.ContainsFunc(v.Parties, func(o org.Org) bool { return o.Code == code })
}

// Label is the locale key of a field or column.
func (masterKind) Label(name string) string { return "masterdata.f." + name }

// Selected reports whether an option is the input's value.
func (in masterInput) Selected(v string) bool { return in.Value == v }

// anys turns a typed list into a list of any, passing err on.
func anys[T any](rows []T, err error) ([]any, error) {
	out := make([]any, len(rows))
	for i, r := range rows {
		out[i] = r
	}
	return out, err
}

// decodeThen decodes body, an edit's JSON, into v and runs then.
func decodeThen(body []byte, v any, then func() error) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return apperr.New(apperr.Invalid, "request.malformed_json", "表单无效：%v", "the form is invalid: %v", err)
	}
	return then()
}

// asMap is a record as its JSON object.
func asMap(v any) map[string]any {
	b, _ := json.Marshal(v)
	m := map[string]any{}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	_ = dec.Decode(&m)
	return m
}

// lookup finds a field of m by its JSON name, "point.lon" inside point.
func lookup(m map[string]any, name string) any {
	parent, leaf, nested := strings.Cut(name, ".")
	if !nested {
		return m[name]
	}
	sub, _ := m[parent].(map[string]any)
	return sub[leaf]
}

// text shows a JSON value in a form or a cell.
func text(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		if v {
			return "✓"
		}
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// number reads a JSON number, 0 for anything else.
func number(v any) float64 {
	n, _ := v.(json.Number)
	f, _ := n.Float64()
	return f
}

// retiredText is when a record was retired (unix µs), as a minute in
// China time, or "" when it is in use.
func retiredText(v any) string {
	us := int64(number(v))
	if us == 0 {
		return ""
	}
	return cst.Minute(us / 1_000_000)
}
