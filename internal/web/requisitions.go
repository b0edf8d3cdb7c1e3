package web

import (
	"context"
	"net/http"
	"slices"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/contact"
	"github.com/stockpile-dev/stockpile/internal/cst"
	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/httpx"
	"github.com/stockpile-dev/stockpile/internal/incidentcost"
	"github.com/stockpile-dev/stockpile/internal/requisition"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// Emergency requisitions of private goods (紧急征用) and what an incident
// cost (物资消耗与成本), BRIEF C11: the requisitions by incident and status
// with each incident's totals, one requisition with its lines and the
// steps of its life (return with each line's condition, assess the
// compensation, pay it, or cancel before the return), and the form that
// records one. Every change is the JSON API's (POST /api/requisitions and
// /api/requisitions/{id}/<step>); a step is offered only when the status
// allows it (requisition.Next) and the person's scope holds the
// requisition's area (ops.Service.ActOnRequisition).

// requisitionsLimit is how many requisitions the list shows, newest first.
const requisitionsLimit = 200

// requisitionClass is the badge colour of a requisition's status.
func requisitionClass(s requisition.Status) string {
	return map[requisition.Status]string{requisition.Requisitioned: "warn", requisition.Returned: "info",
		requisition.Assessed: "info", requisition.Compensated: "ok", requisition.Cancelled: "bad"}[s]
}

// requisitionRow is a requisition as listed.
type requisitionRow struct {
	requisition.Requisition
	Class         string
	Area          area.Area
	IncidentTitle string
	At            string // requisitioned at
}

// totalsRow is an incident's requisitions summed.
type totalsRow struct {
	requisition.Totals
	IncidentTitle string
}

// requisitionsView lists the requisitions of an incident and a status if
// asked, the totals per incident, and the form (登记征用) for those who
// may record one in an area of their scope (requisition.write).
type requisitionsView struct {
	Rows      []requisitionRow
	Totals    []totalsRow
	Incident  string
	Status    string
	Statuses  []requisition.Status
	Limit     int
	Full      bool
	Incidents []dispatch.Incident // the filter's and the form's choices
	// The form.
	Areas      []area.Area
	Items      []catalog.Item
	OwnerKinds []contact.IDKind
}

func (h *handler) requisitionsPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	who := access.FromContext(ctx)
	q := r.URL.Query()
	v := requisitionsView{Statuses: requisition.Statuses, Limit: requisitionsLimit, Incident: q.Get("incident"),
		OwnerKinds: []contact.IDKind{contact.IDUnit, contact.IDPerson}}
	var all []string
	for _, s := range requisition.Statuses {
		all = append(all, string(s))
	}
	var err error
	v.Status, err = httpx.OneOf(q, "status", all...)
	var xs []requisition.Requisition
	if err == nil {
		xs, err = h.ops.Requisitions(ctx, who, store.RequisitionFilter{Incident: v.Incident,
			Status: requisition.Status(v.Status), Limit: requisitionsLimit})
	}
	var totals []requisition.Totals
	if err == nil {
		totals, err = h.ops.RequisitionTotals(ctx, who, v.Incident)
	}
	if err == nil {
		v.Incidents, err = h.store.Incidents(ctx, "")
	}
	var areas areaIndex
	if err == nil {
		areas, err = h.areaIndex(ctx)
	}
	if err == nil && who.Can(access.RequisitionWrite) && len(v.Incidents) > 0 {
		if v.Areas = areas.inScope(who, access.RequisitionWrite, false); len(v.Areas) > 0 {
			v.Items, err = h.formItems(ctx)
		}
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Full = len(xs) == requisitionsLimit
	titles := incidentTitleMap(v.Incidents)
	for _, x := range xs {
		v.Rows = append(v.Rows, requisitionRow{Requisition: x, Class: requisitionClass(x.Status), Area: areas.of(x.Area),
			IncidentTitle: titles[x.Incident], At: cst.Minute(x.RequisitionedAt)})
	}
	for _, t := range totals {
		v.Totals = append(v.Totals, totalsRow{Totals: t, IncidentTitle: titles[t.Incident]})
	}
	// Open incidents first in the pickers, as they are the ones goods are
	// requisitioned for now.
	slices.SortStableFunc(v.Incidents, func(a, b dispatch.Incident) int {
		return boolRank(a.Status != dispatch.IncidentClosed) - boolRank(b.Status != dispatch.IncidentClosed)
	})
	h.renderFlow(w, r, "requisitions", "requisitions", "flow.requisitions.title", v)
}

// incidentTitleMap names incidents by code.
func incidentTitleMap(ins []dispatch.Incident) map[string]string {
	out := make(map[string]string, len(ins))
	for _, in := range ins {
		out[in.Code] = in.Title
	}
	return out
}

// requisitionView is one requisition and the steps the signed-in person
// may take on it now; the owner's identity number is shown whole only to
// those who may act on it.
type requisitionView struct {
	Row        requisitionRow
	Lines      []requisitionLine
	Steps      []requisition.Step
	Conditions []requisition.Condition
	IDNumber   string
	Returned   string
	Assessed   string
	Paid       string
	Created    string
}

// requisitionLine is a line of a requisition, its catalogue item named
// when it has one.
type requisitionLine struct {
	requisition.Line
	Item catalog.Item
}

// Can reports whether the page offers step s.
func (v requisitionView) Can(s string) bool { return slices.Contains(v.Steps, requisition.Step(s)) }

func (h *handler) requisitionPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	who := access.FromContext(ctx)
	id, err := httpx.ID(r, "id")
	var x requisition.Requisition
	if err == nil {
		x, err = h.ops.Requisition(ctx, who, id)
	}
	var areas areaIndex
	if err == nil {
		areas, err = h.areaIndex(ctx)
	}
	var may bool
	if err == nil {
		may, err = h.ops.May(ctx, who, access.RequisitionWrite, "area", x.Area)
	}
	title := ""
	if err == nil {
		titles := &incidentTitles{h: h, ctx: ctx, titles: map[string]string{}}
		title, err = titles.title(x.Incident)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := requisitionView{Row: requisitionRow{Requisition: x, Class: requisitionClass(x.Status), Area: areas.of(x.Area),
		IncidentTitle: title, At: cst.Minute(x.RequisitionedAt)},
		Conditions: []requisition.Condition{requisition.Intact, requisition.Damaged, requisition.Lost},
		IDNumber:   x.Owner.IDNumber, Returned: cst.Minute(x.ReturnedAt), Assessed: cst.Minute(x.AssessedAt),
		Paid: cst.Minute(x.PaidAt), Created: cst.Minute(x.CreatedAt)}
	if !may {
		v.IDNumber = x.Owner.Masked().IDNumber
	}
	if may {
		for _, s := range requisition.Steps {
			if _, ok := requisition.Next(x.Status, s); ok {
				v.Steps = append(v.Steps, s)
			}
		}
	}
	n := h.flowNames(ctx)
	var items []string
	for _, l := range x.Lines {
		if l.Item != "" {
			items = append(items, l.Item)
		}
	}
	n.loadItems(items...)
	for _, l := range x.Lines {
		row := requisitionLine{Line: l}
		if l.Item != "" {
			row.Item = n.item(l.Item)
		}
		v.Lines = append(v.Lines, row)
	}
	if n.err != nil {
		h.fail(w, r, n.err)
		return
	}
	h.renderFlow(w, r, "requisition", "requisitions", "flow.requisition.title", v)
}

// incidentCostView is what one incident used and cost (物资消耗与成本,
// ops.Service.IncidentCost), for the plan page.
type incidentCostView struct {
	Incident string
	Title    string
	incidentcost.Report
}

// incidentCosts gathers the cost of each incident of a plan.
func (h *handler) incidentCosts(ctx context.Context, incidents []dispatch.Incident) ([]incidentCostView, error) {
	who := access.FromContext(ctx)
	var out []incidentCostView
	for _, in := range incidents {
		rep, err := h.ops.IncidentCost(ctx, who, in.Code)
		if err != nil {
			return nil, err
		}
		out = append(out, incidentCostView{Incident: in.Code, Title: in.Title, Report: rep})
	}
	return out, nil
}
