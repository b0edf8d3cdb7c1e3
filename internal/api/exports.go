package api

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/audit"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/httpx"
	"github.com/stockpile-dev/stockpile/internal/readiness"
	"github.com/stockpile-dev/stockpile/internal/report"
	"github.com/stockpile-dev/stockpile/internal/sign"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/tabular"
)

// Bounds of the stock workbook: every lot on hand up to exportLots, and
// the newest exportMovements ledger entries. Past them the 概览 sheet says
// how many rows were left out.
const (
	exportLots      = 200000
	exportMovements = 10000
)

// exportStock answers the stock workbook (库存台账): catalogue, depots,
// lots and the newest ledger entries; ?depot=CODE limits it to one depot,
// and an unknown code is a 404. ?verify=1 adds a verification of the whole
// ledger, whose cost follows the ledger rather than the workbook.
func (h *handler) exportStock(w http.ResponseWriter, r *http.Request) {
	code := strings.TrimSpace(r.URL.Query().Get("depot"))
	verify, err := httpx.OneOf(r.URL.Query(), "verify", "0", "1")
	if err != nil {
		h.error(w, r, err)
		return
	}
	sb, err := h.stockBook(r.Context(), code, verify == "1")
	if err != nil {
		h.error(w, r, err)
		return
	}
	f, err := report.Stock(sb)
	if err != nil {
		h.error(w, r, err)
		return
	}
	defer f.Close()
	var buf bytes.Buffer
	if err := report.Write(&buf, f); err != nil {
		h.error(w, r, err)
		return
	}
	name := "stockpile-stock-"
	if code != "" {
		name += code + "-"
	}
	name += sb.Today + ".xlsx"
	w.Header().Set("Content-Type", xlsxType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
}

// stockBook reads what the stock workbook shows, for one depot when depot
// is not empty: then the catalogue lists only the items held there.
func (h *handler) stockBook(ctx context.Context, depot string, verify bool) (report.StockBook, error) {
	v := access.FromContext(ctx).View(access.StockRead)
	view := &v
	sb := report.StockBook{At: h.store.Now(), Today: h.store.Today(), Depot: depot, Verified: verify}
	if depot != "" {
		d, err := h.store.Depot(ctx, depot)
		if err == nil {
			err = h.store.CheckVisible(ctx, view, "depot", depot)
		}
		if err != nil {
			return sb, withField(err, "depot")
		}
		sb.DepotZH = d.NameZH
	}
	var err error
	if sb.Items, err = h.store.StockItems(ctx, store.ItemFilter{View: view}, depot, depot != ""); err != nil {
		return sb, err
	}
	if sb.Depots, err = h.store.StockDepots(ctx, store.DepotFilter{View: view}, depot); err != nil {
		return sb, err
	}
	lots, err := h.store.StockLots(ctx, store.LotQuery{Depot: depot, Limit: exportLots, View: view})
	if err != nil {
		return sb, err
	}
	sb.Lots, sb.LotsTotal = lots.Rows, lots.Total
	moves, err := h.store.StockMovements(ctx, store.MovementQuery{Depot: depot, Limit: exportMovements, View: view})
	if err != nil {
		return sb, err
	}
	sb.Movements, sb.MovementsTotal = moves.Rows, moves.Total
	if verify {
		sb.Ledger, err = h.store.Verify(ctx, nil)
	}
	return sb, err
}

// exportRowCap bounds the rows of one exported lots or movements file:
// past it the file ends with a row that says so.
const exportRowCap = 1000000

// exportPage is how many rows an export reads from the store at a time.
const exportPage = 5000

// rows hands out a list's rows through emit, after the list's filters and
// first read have succeeded.
type rows func(emit func(values ...any) error) error

// export is a list that exports as a table (GET /api/exports/<name>.xlsx
// and .csv): the action its route takes, and open, which checks the
// request's filters and reads what it can before anything is sent, so
// that a bad filter is an ordinary error answer.
type export struct {
	list   report.List
	action access.Action
	open   func(h *handler, r *http.Request) (rows, error)
}

// exports are the lists that export, in the order of the route table.
var exports = []export{
	{report.LotList, access.StockRead, (*handler).lotRows},
	{report.MovementList, access.StockRead, (*handler).movementRows},
	{report.DepotList, access.StockRead, (*handler).depotRows},
	{report.ItemList, access.ReferenceRead, (*handler).itemRows},
	{report.AreaList, access.ReferenceRead, (*handler).areaRows},
	{report.OrgList, access.ReferenceRead, (*handler).orgRows},
	{report.AgreementList, access.StockRead, (*handler).agreementRows},
	{report.CapacityList, access.StockRead, (*handler).capacityRows},
	{report.BalanceList, access.StockRead, (*handler).balanceRows},
	{report.ReadinessList, access.ReadinessRead, (*handler).readinessRows},
	{report.AuditList, access.AuditRead, (*handler).auditRows},
}

// exportRoutes are the routes of the exports, two formats each.
func (h *handler) exportRoutes() []route {
	var out []route
	for _, e := range exports {
		for _, f := range []tabular.Format{tabular.XLSX, tabular.CSV} {
			out = append(out, route{"GET", "/api/exports/" + e.list.Name + "." + string(f), e.action, h.exportList(e, f)})
		}
	}
	return append(out, h.upwardRoutes()...)
}

// exportList answers a list as a file in format f, streamed row by row,
// named stockpile-<list>-<YYYY-MM-DD>.<format> (China's date).
func (h *handler) exportList(e export, f tabular.Format) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		each, err := e.open(h, r)
		if err != nil {
			h.error(w, r, err)
			return
		}
		name := "stockpile-" + e.list.Name + "-" + h.store.Today() + "." + string(f)
		w.Header().Set("Content-Type", map[tabular.Format]string{tabular.XLSX: xlsxType, tabular.CSV: "text/csv; charset=utf-8"}[f])
		w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
		t, err := report.NewTable(w, f, e.list.Sheet, e.list.Heads)
		if err == nil {
			err = each(t.Row)
		}
		if err == nil {
			err = t.Close()
		}
		if err != nil {
			// The status is sent: cut the answer short, so that the
			// client sees a broken file rather than a short one.
			h.logger.Error("export", "list", e.list.Name, "err", err)
			panic(http.ErrAbortHandler)
		}
	}
}

// all hands out rows of every value in vs.
func all[T any](vs []T, row func(T) []any) rows {
	return func(emit func(...any) error) error {
		for _, v := range vs {
			if err := emit(row(v)...); err != nil {
				return err
			}
		}
		return nil
	}
}

// capNote is the last row of a file cut at exportRowCap.
func capNote(emit func(...any) error) error {
	return emit("仅导出前 1,000,000 行，请按储备库或物资筛选后分别导出。 Only the first 1,000,000 rows: filter by depot or item and export again.")
}

// lotRows exports the lots on hand, with the filters of the stock
// screen's lots tab: depot, item, lot, quality, expiring_before, expired.
func (h *handler) lotRows(r *http.Request) (rows, error) {
	q := r.URL.Query()
	before, err := httpx.Date(q, "expiring_before")
	if err != nil {
		return nil, err
	}
	quality, err := httpx.OneOf(q, "quality", string(stock.QualityGood), string(stock.QualityPending), string(stock.QualityDamaged))
	if err != nil {
		return nil, err
	}
	expired, err := httpx.OneOf(q, "expired", "0", "1")
	if err != nil {
		return nil, err
	}
	lq := store.LotQuery{Depot: q.Get("depot"), Item: q.Get("item"), Lot: q.Get("lot"), Quality: stock.Quality(quality),
		ExpiresBy: before, Expired: expired == "1", ByExpiry: before != "" || expired == "1", Limit: exportPage,
		View: stockView(r)}
	page, err := h.store.StockLots(r.Context(), lq)
	if err != nil {
		return nil, err
	}
	return func(emit func(...any) error) error {
		for n := 0; ; {
			for _, l := range page.Rows {
				if n++; n > exportRowCap {
					return capNote(emit)
				}
				if err := emit(report.LotRow(page.Today, l)...); err != nil {
					return err
				}
			}
			if !page.More {
				return nil
			}
			lq.Offset += len(page.Rows)
			if page, err = h.store.StockLots(r.Context(), lq); err != nil {
				return err
			}
		}
	}, nil
}

// movementRows exports the ledger entries newest first, with the filters
// of the stock screen's ledger tab: depot, item, lot.
func (h *handler) movementRows(r *http.Request) (rows, error) {
	q := r.URL.Query()
	mq := store.MovementQuery{Depot: q.Get("depot"), Item: q.Get("item"), Lot: q.Get("lot"), Limit: exportPage,
		View: stockView(r)}
	page, err := h.store.StockMovements(r.Context(), mq)
	if err != nil {
		return nil, err
	}
	return func(emit func(...any) error) error {
		for n := 0; ; {
			for _, m := range page.Rows {
				if n++; n > exportRowCap {
					return capNote(emit)
				}
				if err := emit(report.MovementRow(m)...); err != nil {
					return err
				}
			}
			if !page.Older || len(page.Rows) == 0 {
				return nil
			}
			mq.Before = page.Rows[len(page.Rows)-1].Seq
			if page, err = h.store.StockMovements(r.Context(), mq); err != nil {
				return err
			}
		}
	}, nil
}

// depotRows exports the depots with what they hold: area, tier, org.
func (h *handler) depotRows(r *http.Request) (rows, error) {
	q := r.URL.Query()
	tier, err := httpx.OneOf(q, "tier", string(area.LevelCity), string(area.LevelDistrict), string(area.LevelStreet),
		string(area.LevelCommunity))
	if err != nil {
		return nil, err
	}
	ds, err := h.store.StockDepots(r.Context(), store.DepotFilter{Area: q.Get("area"), Tier: tier, Org: q.Get("org"),
		View: stockView(r)}, "")
	return all(ds, report.DepotRow), err
}

// itemRows exports the catalogue with what is held of each item: class,
// purpose, prefix, q (a name), depot, held=1 (only what is held).
func (h *handler) itemRows(r *http.Request) (rows, error) {
	q := r.URL.Query()
	class, err := httpx.Int(q, "class", 1, 3)
	if err != nil {
		return nil, err
	}
	purpose, err := httpx.OneOf(q, "purpose", string(catalog.PurposeRescue), string(catalog.PurposeLife))
	if err != nil {
		return nil, err
	}
	held, err := httpx.OneOf(q, "held", "0", "1")
	if err != nil {
		return nil, err
	}
	ret, err := retirement(r)
	if err != nil {
		return nil, err
	}
	items, err := h.store.StockItems(r.Context(), store.ItemFilter{Class: int(class), Purpose: purpose,
		Prefix: q.Get("prefix"), Search: q.Get("q"), View: stockView(r), Retired: ret}, q.Get("depot"), held == "1")
	return all(items, report.ItemRow), err
}

// areaRows exports the areas: under.
func (h *handler) areaRows(r *http.Request) (rows, error) {
	as, err := h.store.Areas(r.Context(), r.URL.Query().Get("under"))
	return all(as, report.AreaRow), withField(err, "under")
}

// orgRows exports the organisations: area.
func (h *handler) orgRows(r *http.Request) (rows, error) {
	os, err := h.store.Orgs(r.Context(), r.URL.Query().Get("area"))
	return all(os, report.OrgRow), err
}

// agreementRows exports the agreement reserves: item, org, active_on,
// retired.
func (h *handler) agreementRows(r *http.Request) (rows, error) {
	f, err := reserveFilter(r)
	if err != nil {
		return nil, err
	}
	as, err := h.store.Agreements(r.Context(), f)
	return all(as, report.AgreementRow), err
}

// capacityRows exports the production-capacity reserves, filtered as
// agreementRows.
func (h *handler) capacityRows(r *http.Request) (rows, error) {
	f, err := reserveFilter(r)
	if err != nil {
		return nil, err
	}
	cs, err := h.store.Capacities(r.Context(), f)
	return all(cs, report.CapacityRow), err
}

// balanceRows exports a balance report: group_by, depot, item, area.
func (h *handler) balanceRows(r *http.Request) (rows, error) {
	q := r.URL.Query()
	groupBy, err := httpx.OneOf(q, "group_by", "lot", "item", "depot")
	if err != nil {
		return nil, err
	}
	rep, err := h.store.Balances(r.Context(), store.BalanceQuery{Depot: q.Get("depot"), Item: q.Get("item"),
		Area: q.Get("area"), GroupBy: groupBy, View: stockView(r)})
	return all(rep.Rows, report.BalanceRow), err
}

// readinessRows exports the readiness of each district (the workbook's
// 各区 table): pair, hazard.
func (h *handler) readinessRows(r *http.Request) (rows, error) {
	q := r.URL.Query()
	pair, err := readiness.ParsePair(q["pair"])
	if err != nil {
		return nil, err
	}
	hazard, err := httpx.OneOf(q, "hazard", readiness.Hazards...)
	if err != nil {
		return nil, err
	}
	ov, err := h.ops.Overview(r.Context(), actor(r), pair, cmp.Or(hazard, readiness.DefaultHazard), nil)
	return all(ov.Districts, report.ReadinessRow), err
}

// auditRows exports the audit trail newest first, with the filters of
// GET /api/audit but limit: principal, kind, id, action, from, to, before.
func (h *handler) auditRows(r *http.Request) (rows, error) {
	q := r.URL.Query()
	aq := audit.Query{Principal: q.Get("principal"), ObjectKind: q.Get("kind"), ObjectID: q.Get("id"),
		Action: q.Get("action"), Limit: store.MaxAuditPage}
	from, err := httpx.Date(q, "from")
	if err != nil {
		return nil, err
	}
	to, err := httpx.Date(q, "to")
	if err != nil {
		return nil, err
	}
	if aq.Before, err = httpx.Int(q, "before", 0, 1<<62); err != nil {
		return nil, err
	}
	aq.From, aq.To = day(from, 0), day(to, 1)
	page, err := h.ops.Audit(r.Context(), actor(r), aq)
	if err != nil {
		return nil, err
	}
	return func(emit func(...any) error) error {
		for n := 0; len(page) > 0; {
			for _, rec := range page {
				if n++; n > exportRowCap {
					return capNote(emit)
				}
				if err := emit(report.AuditRow(rec)...); err != nil {
					return err
				}
			}
			if len(page) < aq.Limit {
				return nil
			}
			aq.Before = page[len(page)-1].Seq
			if page, err = h.ops.Audit(r.Context(), actor(r), aq); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

// upwardRoutes are the routes of the report to the level above (上报).
func (h *handler) upwardRoutes() []route {
	return []route{
		{"GET", "/api/exports/report.xlsx", access.StockRead, h.exportUpward(tabular.XLSX)},
		{"GET", "/api/exports/report.csv", access.StockRead, h.exportUpward(tabular.CSV)},
		{"GET", "/api/exports/report.jws", access.StockRead, h.exportUpwardSigned},
		{"GET", "/api/keys", access.Public, h.signingKeys},
	}
}

// upwardContentType is the content type of the report's signed JSON.
const upwardContentType = "application/vnd.stockpile.report-upward.v1+json"

// exportUpwardSigned answers the report to the level above as its JSON
// message (report.UpwardMessage, schema report/schema/report-upward.v1.json)
// signed by the instance as a compact JWS (application/jose): what a
// province-level system, or another Stockpile, takes in and checks
// against GET /api/keys.
func (h *handler) exportUpwardSigned(w http.ResponseWriter, r *http.Request) {
	u, code, err := h.upward(r)
	if err != nil {
		h.error(w, r, err)
		return
	}
	payload, err := json.Marshal(u.Message())
	if err != nil {
		h.error(w, r, err)
		return
	}
	key, err := h.store.SigningKey(r.Context())
	if err != nil {
		h.error(w, r, err)
		return
	}
	jws, err := key.JWS(payload, upwardContentType)
	if err != nil {
		h.error(w, r, err)
		return
	}
	name := "stockpile-report-" + code + "-" + u.Date + ".jws"
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	w.Header().Set("Content-Type", "application/jose")
	io.WriteString(w, jws)
}

// signingKeys publishes the instance's public signing keys as a JWK set.
func (h *handler) signingKeys(w http.ResponseWriter, r *http.Request) {
	keys, err := h.store.SigningKeys(r.Context())
	if err != nil {
		h.error(w, r, err)
		return
	}
	set := struct {
		Keys []sign.JWK `json:"keys"`
	}{Keys: []sign.JWK{}}
	for _, k := range keys {
		set.Keys = append(set.Keys, k.Public())
	}
	h.json(w, r, http.StatusOK, set)
}

// exportUpward answers the report to the level above of ?area= (default:
// the actor's own area, or the home city) in format f.
func (h *handler) exportUpward(f tabular.Format) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, code, err := h.upward(r)
		if err != nil {
			h.error(w, r, err)
			return
		}
		name := "stockpile-report-" + code + "-" + u.Date + "." + string(f)
		w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
		if f == tabular.CSV {
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			err = report.WriteUpwardCSV(w, u)
		} else {
			w.Header().Set("Content-Type", xlsxType)
			err = report.WriteUpwardXLSX(w, u)
		}
		if err != nil {
			h.logger.Error("export", "list", "report", "err", err)
			panic(http.ErrAbortHandler)
		}
	}
}

// upward reads the report to the level above: the reporting area, its
// holdings per district from the totals per depot and item, and the
// reserves whose contracting party lies in it.
func (h *handler) upward(r *http.Request) (report.Upward, string, error) {
	ctx, view := r.Context(), stockView(r)
	code, err := h.reportingArea(r)
	if err != nil {
		return report.Upward{}, "", err
	}
	a, err := h.store.Area(ctx, code)
	if err != nil {
		return report.Upward{}, "", withField(err, "area")
	}
	if !view.All && view.AreaPath != "" && !strings.HasPrefix(a.Path, view.AreaPath) {
		return report.Upward{}, "", withField(apperr.NotFoundf("area", "区域", code), "area")
	}
	u := report.Upward{Unit: a.NameZH + "（" + a.Code + "）", Date: h.store.Today(), AsOf: h.store.Now()}
	areas, err := h.store.Areas(ctx, code)
	if err != nil {
		return u, "", err
	}
	col := upwardColumns(&u, a, areas)
	depots, err := h.store.Depots(ctx, store.DepotFilter{Area: code, View: view})
	if err != nil {
		return u, "", err
	}
	totals, err := h.store.StockTotals(ctx, store.TotalsQuery{Area: code, View: view})
	if err != nil {
		return u, "", err
	}
	upwardHeld(&u, col, depots, totals.Rows)
	if err := h.upwardReserves(ctx, &u, code, a.ParentCode == "", view); err != nil {
		return u, code, err
	}
	if err := h.upwardUsed(r, &u, code, depots); err != nil {
		return u, code, err
	}
	if err := h.upwardIncidents(ctx, &u, a, areas); err != nil {
		return u, code, err
	}
	return u, code, h.upwardReadiness(r, &u, areas)
}

// upwardReadiness adds the readiness of the area's districts for the
// default hazard's level Ⅱ event (?hazard= another), when the caller may
// read readiness.
func (h *handler) upwardReadiness(r *http.Request, u *report.Upward, areas []area.Area) error {
	hazard, err := httpx.OneOf(r.URL.Query(), "hazard", readiness.Hazards...)
	if err != nil {
		return err
	}
	u.Hazard = cmp.Or(hazard, readiness.DefaultHazard)
	if !actor(r).Can(access.ReadinessRead) {
		return nil
	}
	ov, err := h.ops.Overview(r.Context(), actor(r), readiness.DefaultPair, u.Hazard, nil)
	if err != nil {
		return err
	}
	in := make(map[string]bool, len(areas))
	for _, a := range areas {
		in[a.Code] = true
	}
	for _, d := range ov.Districts {
		if in[d.Area] {
			u.Readiness = append(u.Readiness, report.UpwardReadiness{Code: d.Area, ZH: d.NameZH, Coverage: d.Summary.Coverage,
				InTime: d.Summary.InTime, Within24: d.Summary.Within24, Short: d.Summary.Short})
		}
	}
	return nil
}

// upwardUsed sums what the depots the caller sees in the area issued in
// the period ?from= … ?to= (China's dates, both included; by default
// from the first of the month to today), per item.
func (h *handler) upwardUsed(r *http.Request, u *report.Upward, code string, depots []store.DepotView) error {
	q := r.URL.Query()
	from, err := httpx.Date(q, "from")
	if err != nil {
		return err
	}
	to, err := httpx.Date(q, "to")
	if err != nil {
		return err
	}
	if u.From, u.To, err = report.UpwardPeriod(from, to, u.Date); err != nil {
		return err
	}
	from, to = u.From, u.To
	issued, err := h.store.IssuedBetween(r.Context(), code, day(from, 0)*1_000_000, day(to, 1)*1_000_000)
	if err != nil {
		return err
	}
	shown := make(map[string]bool, len(depots))
	for _, d := range depots {
		shown[d.Code] = true
	}
	for _, x := range issued { // in item order
		if !shown[x.Depot] {
			continue
		}
		if n := len(u.Used); n > 0 && u.Used[n-1].Code == x.Item {
			u.Used[n-1].Quantity += x.Quantity
			continue
		}
		u.Used = append(u.Used, report.UpwardUsed{Code: x.Item, ZH: x.ItemZH, UnitZH: x.Unit, Quantity: x.Quantity})
	}
	return nil
}

// upwardIncidents lists the incidents open now with a site in the area
// (a city's report: every open incident).
func (h *handler) upwardIncidents(ctx context.Context, u *report.Upward, a area.Area, areas []area.Area) error {
	open, err := h.store.Incidents(ctx, string(dispatch.IncidentOpen))
	if err != nil {
		return err
	}
	in := make(map[string]bool, len(areas))
	for _, x := range areas {
		in[x.Code] = true
	}
	for _, inc := range open {
		if a.ParentCode != "" && !inc.HasSiteIn(func(area string) bool { return in[area] }) {
			continue
		}
		u.Incidents = append(u.Incidents, report.UpwardIncident{Code: inc.Code, Title: inc.Title, Type: inc.Type,
			Level: inc.Level, ReportedAt: inc.ReportedAt})
	}
	return nil
}

// reportingArea is ?area=, or the area of the actor's scope, or the home
// city.
func (h *handler) reportingArea(r *http.Request) (string, error) {
	if code := strings.TrimSpace(r.URL.Query().Get("area")); code != "" {
		return code, nil
	}
	if p := strings.TrimSuffix(actor(r).Scope.AreaPath, "/"); p != "" {
		return p[strings.LastIndex(p, "/")+1:], nil
	}
	city, _, err := h.store.Readiness().City(r.Context())
	return city.Code, err
}

// upwardColumns sets the report's columns: the unit's own level, then
// each district in it (a district reports on itself alone). It returns the
// column of each district code, "" for the own level.
func upwardColumns(u *report.Upward, a area.Area, areas []area.Area) map[string]int {
	col := map[string]int{"": 0}
	if a.Level == area.LevelDistrict {
		u.Columns = []report.UpwardColumn{{Code: a.Code, ZH: a.NameZH, EN: a.NameEN}}
		col[a.Code] = 0
		return col
	}
	u.Columns = []report.UpwardColumn{{Code: a.Code, ZH: "本级", EN: "Own level"}}
	for _, d := range areas {
		if d.Level == area.LevelDistrict {
			col[d.Code] = len(u.Columns)
			u.Columns = append(u.Columns, report.UpwardColumn{Code: d.Code, ZH: d.NameZH, EN: d.NameEN})
		}
	}
	return col
}

// upwardHeld adds what each depot holds of each item to its district's
// column, items in code order.
func upwardHeld(u *report.Upward, col map[string]int, depots []store.DepotView, rows []store.DepotItemTotal) {
	district := make(map[string]string, len(depots))
	for _, d := range depots {
		district[d.Code] = d.District
	}
	at := map[string]int{}
	for _, r := range rows {
		i, ok := at[r.Item]
		if !ok {
			i = len(u.Items)
			at[r.Item] = i
			u.Items = append(u.Items, report.UpwardItem{Code: r.Item, ZH: r.ItemZH, EN: r.ItemEN, UnitZH: r.UnitZH,
				Held: make([]stock.Quantity, len(u.Columns))})
		}
		u.Items[i].Held[col[district[r.Depot]]] += r.Quantity
	}
	slices.SortFunc(u.Items, func(a, b report.UpwardItem) int { return cmp.Compare(a.Code, b.Code) })
}

// upwardReserves sums the agreement and capacity reserves in force today
// whose contracting party lies in the area (the city bureau's, with no
// party named, only in the city's report), per item.
func (h *handler) upwardReserves(ctx context.Context, u *report.Upward, code string, root bool, view *access.View) error {
	orgs, err := h.store.Orgs(ctx, code)
	if err != nil {
		return err
	}
	in := map[string]bool{"": root}
	for _, o := range orgs {
		in[o.Code] = true
	}
	f := store.ReserveFilter{ActiveOn: h.store.Today(), View: view, Retired: store.InUse}
	as, err := h.store.Agreements(ctx, f)
	if err != nil {
		return err
	}
	cs, err := h.store.Capacities(ctx, f)
	if err != nil {
		return err
	}
	at := map[string]int{}
	row := func(item, zh string) *report.UpwardReserve {
		i, ok := at[item]
		if !ok {
			i = len(u.Reserves)
			at[item] = i
			u.Reserves = append(u.Reserves, report.UpwardReserve{Code: item, ZH: zh})
		}
		return &u.Reserves[i]
	}
	for _, a := range as {
		if in[a.Party] {
			row(a.Item, a.ItemNameZH).Agreement += a.Quantity
		}
	}
	for _, c := range cs {
		if in[c.Party] {
			row(c.Item, c.ItemNameZH).CapacityPerDay += c.PerDay
		}
	}
	slices.SortFunc(u.Reserves, func(a, b report.UpwardReserve) int { return cmp.Compare(a.Code, b.Code) })
	return h.reserveUnits(ctx, u.Reserves)
}

// reserveUnits names the unit of each reserve row's item.
func (h *handler) reserveUnits(ctx context.Context, rs []report.UpwardReserve) error {
	if len(rs) == 0 {
		return nil
	}
	items, err := h.store.Items(ctx, store.ItemFilter{})
	if err != nil {
		return err
	}
	unit := make(map[string]string, len(items))
	for _, it := range items {
		unit[it.Code] = it.UnitZH
	}
	for i := range rs {
		rs[i].UnitZH = unit[rs[i].Code]
	}
	return nil
}
