package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/cst"
	"github.com/stockpile-dev/stockpile/internal/httpx"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// The 库存 screen has four tabs, each a table with its own filters:
// lots (the default: what is on hand, lot by lot, with expiry), depots,
// the catalogue, and the ledger with its hash-chain check. A tab is a page
// of its own (/stock/{tab}); htmx swaps only the tab's body, or only the
// table when a filter changes, and pushes the URL so back and forward work.
var stockTabs = []string{"lots", "depots", "items", "movements"}

// stockDefaultTab is what /stock shows: a reserve manager starts from the
// lots on hand and what expires soon.
const stockDefaultTab = "lots"

// Page sizes: lots on one page, and ledger entries on one page.
const (
	stockLotPage   = 500
	stockMovePage  = 100
	stockMaxDays   = 3650 // the furthest expiry filter
	stockHashShown = 12   // hex digits of a hash shown in the table
)

// stockView is the data of the stock screen, whichever tab is open.
type stockView struct {
	Tab    string
	Tabs   []stockTabLink
	Today  string
	Export string // link to the workbook, with the depot filter in force
	// ListXLSX and ListCSV link to the open tab's list as a file, with
	// its filters (GET /api/exports/<list>.xlsx|csv).
	ListXLSX, ListCSV string
	Filter            stockFilter

	// The choices of the filter form.
	Depots  []stockOption
	Items   []stockOption
	Classes []stockOption

	// The open tab's table: one of these is set.
	ItemRows  []stockItemRow
	DepotRows []stockDepotRow
	Lots      *stockLotsTab
	Moves     *stockMovesTab

	// The fixed choices of the filter form.
	Qualities, Purposes, Tiers []string

	Ledger    *store.VerifyReport // a verification to show (GET /stock/verify)
	BreakLink string              // the ledger page that holds the first broken entry
	Empty     bool                // nothing at all is stored for this tab, filters aside
	OOB       bool                // an htmx answer: the tabs and the export link follow out of band
}

// withLedger sets the verification to show and the link to its first
// broken entry.
func (v *stockView) withLedger(rep *store.VerifyReport) *stockView {
	v.Ledger = rep
	if rep != nil && rep.FirstBreak != nil {
		v.BreakLink = "/stock/movements?before=" + strconv.FormatInt(rep.FirstBreak.Seq+1, 10)
	}
	return v
}

// stockTabLink is one tab.
type stockTabLink struct {
	Key, Href string
	Active    bool
}

// stockOption is one choice of a filter's select.
type stockOption struct {
	Value, ZH, EN string
}

// stockFilter holds the filters of all tabs, as read from the query.
type stockFilter struct {
	Depot, Item, Lot string
	Class            string // items: 1, 2 or 3
	Purpose          string // items: rescue or life
	Tier             string // depots
	Q                string // items and depots: search text
	Quality          string // lots
	Days             string // lots: "expired" or a number of days
	Page             int    // lots: 1-based page
	Before, After    int64  // movements: paging by sequence number
}

// Active reports whether any filter narrows the table (paging aside).
func (f stockFilter) Active() bool {
	return f.Depot != "" || f.Item != "" || f.Lot != "" || f.Class != "" || f.Purpose != "" || f.Tier != "" ||
		f.Q != "" || f.Quality != "" || f.Days != ""
}

// stockItemRow is one catalogue item with its totals; Group is set on the
// first item of each 中类, where the table starts a group.
type stockItemRow struct {
	store.StockItem
	Group bool
}

// ShelfYears is the shelf life in whole years, or 0 when it is not a
// whole number of years.
func (r stockItemRow) ShelfYears() int {
	if r.ShelfLifeDays > 0 && r.ShelfLifeDays%365 == 0 {
		return r.ShelfLifeDays / 365
	}
	return 0
}

// stockDepotRow is one depot with how full it is.
type stockDepotRow struct {
	store.StockDepot
	UseClass string // ok, warn or bad
	UsePct   float64
}

// stockLotsTab is a page of lots.
type stockLotsTab struct {
	Rows       []stockLotRow
	Total      int
	Capped     bool // Total is a lower bound (store.CountCap): "10,000+"
	From, To   int  // 1-based positions of the page's first and last row
	Prev, Next string
}

// stockLotRow is one lot in one depot with its expiry judged.
type stockLotRow struct {
	store.StockLot
	ExpiryClass string       // ok, warn or bad; "" when the lot does not expire
	State       stock.Status // the quality, or expired
	DaysLeft    int          // days until expiry; negative once expired
	AgoDays     int          // days since expiry, when expired
}

// stockMovesTab is a page of the ledger, newest first.
type stockMovesTab struct {
	Rows          []stockMoveRow
	Total         int64
	Capped        bool   // Total is a lower bound (store.CountCap): "10,000+"
	Older, Newer  string // links to the pages either side, "" when there is none
	First, Latest bool   // the page holds the oldest or the newest entry
}

// stockMoveRow is one ledger entry as the table shows it.
type stockMoveRow struct {
	store.StockMovement
	At       string // China time
	Signed   string // the quantity with its sign
	Negative bool
	Short    string // the first digits of the hash
}

// stockPage is the 库存 screen on its default tab.
func (h *handler) stockPage(w http.ResponseWriter, r *http.Request) {
	h.stockShow(w, r, stockDefaultTab, nil)
}

// stockTab renders one tab of the stock screen; an unknown tab is a 404.
func (h *handler) stockTab(w http.ResponseWriter, r *http.Request) {
	tab := r.PathValue("tab")
	if !slices.Contains(stockTabs, tab) {
		h.notFound(w, r)
		return
	}
	h.stockShow(w, r, tab, nil)
}

// stockVerify recomputes the ledger's hash chain and every balance. For
// htmx it answers the status alone; a plain request gets the ledger tab
// with the status filled in.
func (h *handler) stockVerify(w http.ResponseWriter, r *http.Request) {
	rep, err := h.store.Verify(r.Context(), nil)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if stockHX(r) {
		v := (&stockView{}).withLedger(&rep)
		h.partial(w, r, "stock", "stock/ledger", h.newPage(r, "stock", "nav.stock", v))
		return
	}
	h.stockShow(w, r, "movements", &rep)
}

// stockHX reports whether r is an htmx request for part of the page, not
// a history restore, which needs the whole page.
func stockHX(r *http.Request) bool {
	return r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-History-Restore-Request") != "true"
}

// stockShow renders a tab: the whole page, or for htmx the tab's body (a
// tab link) or its table (a filter), with the tabs and the export link
// swapped out of band so they follow.
func (h *handler) stockShow(w http.ResponseWriter, r *http.Request, tab string, ledger *store.VerifyReport) {
	f, err := stockReadFilter(r.URL.Query())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// A filter change swaps only the table, which draws no filter form.
	tableOnly := stockHX(r) && r.Header.Get("HX-Target") == "stock-results"
	v, err := h.stockData(r.Context(), tab, f, !tableOnly)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.withLedger(ledger)
	v.OOB = stockHX(r)
	p := h.newPage(r, "stock", "stock.title."+tab, v)
	switch {
	case !stockHX(r):
		h.render(w, r, "stock", p)
	case tableOnly:
		h.partial(w, r, "stock", "stock/hx-results", p)
	default:
		h.partial(w, r, "stock", "stock/hx-body", p)
	}
}

// stockReadFilter reads and checks the filters; a malformed value is a
// 400 naming the parameter.
func stockReadFilter(q url.Values) (stockFilter, error) {
	f := stockFilter{Depot: strings.TrimSpace(q.Get("depot")), Item: strings.TrimSpace(q.Get("item")),
		Lot: stock.ScannedLotCode(q.Get("lot")), Q: strings.TrimSpace(q.Get("q")),
		Class: q.Get("class"), Purpose: q.Get("purpose"), Tier: q.Get("tier"), Quality: q.Get("quality"),
		Days: strings.TrimSpace(q.Get("days")), Page: 1}
	for _, p := range []struct {
		name    string
		allowed []string
	}{
		{"class", []string{"1", "2", "3"}},
		{"purpose", []string{string(catalog.PurposeRescue), string(catalog.PurposeLife)}},
		{"tier", []string{string(area.LevelCity), string(area.LevelDistrict), string(area.LevelStreet), string(area.LevelCommunity)}},
		{"quality", []string{string(stock.QualityGood), string(stock.QualityPending), string(stock.QualityDamaged)}},
	} {
		if _, err := httpx.OneOf(q, p.name, p.allowed...); err != nil {
			return f, err
		}
	}
	if f.Days != "" && f.Days != "expired" {
		if n, err := strconv.Atoi(f.Days); err != nil || n < 0 || n > stockMaxDays {
			return f, httpx.BadParam("days", f.Days, " expired 或 0 到 3650 之间的天数", "expired or a number of days from 0 to 3650")
		}
	}
	var err error
	page, err := httpx.Int(q, "page", 1, 1<<30)
	if err != nil {
		return f, err
	}
	f.Page = max(int(page), 1)
	if f.Before, err = httpx.Int(q, "before", 1, 1<<62); err != nil {
		return f, err
	}
	if f.After, err = httpx.Int(q, "after", 0, 1<<62); err != nil {
		return f, err
	}
	return f, nil
}

// stockData reads what a tab shows, with the choices of its filter form
// when form is set. A filter naming a depot, item or lot that does not
// exist is a 404, as in the API.
func (h *handler) stockData(ctx context.Context, tab string, f stockFilter, form bool) (*stockView, error) {
	v := &stockView{Tab: tab, Today: h.store.Today(), Filter: f, Export: "/api/exports/stock.xlsx",
		Qualities: []string{string(stock.QualityGood), string(stock.QualityPending), string(stock.QualityDamaged)},
		Purposes:  []string{string(catalog.PurposeRescue), string(catalog.PurposeLife)},
		Tiers: []string{string(area.LevelCity), string(area.LevelDistrict), string(area.LevelStreet),
			string(area.LevelCommunity)}}
	for _, t := range stockTabs {
		v.Tabs = append(v.Tabs, stockTabLink{Key: t, Href: "/stock/" + t, Active: t == tab})
	}
	if err := h.stockCheckRefs(ctx, f); err != nil {
		return nil, err
	}
	if f.Depot != "" {
		v.Export += "?depot=" + url.QueryEscape(f.Depot)
	}
	v.ListXLSX, v.ListCSV = stockListLinks(tab, f, v.Today)
	var err error
	switch tab {
	case "items":
		err = h.stockItems(ctx, v)
	case "depots":
		err = h.stockDepots(ctx, v)
	case "lots":
		err = h.stockLots(ctx, v)
	case "movements":
		err = h.stockMovements(ctx, v)
	}
	if err == nil && form && (tab == "lots" || tab == "movements") {
		err = h.stockChoices(ctx, v, tab == "lots")
	}
	return v, err
}

// stockCheckRefs looks up the depot, item and lot the filters name. A
// depot or lot outside what the actor may see is not found, as in the API.
func (h *handler) stockCheckRefs(ctx context.Context, f stockFilter) error {
	if f.Depot != "" {
		_, err := h.store.Depot(ctx, f.Depot)
		if err == nil {
			err = h.store.CheckVisible(ctx, visible(ctx), "depot", f.Depot)
		}
		if err != nil {
			return err
		}
	}
	if f.Item != "" {
		if _, err := h.store.Item(ctx, f.Item); err != nil {
			return err
		}
	}
	if f.Lot != "" {
		_, err := h.store.Lot(ctx, f.Lot)
		err = stock.Unknown(f.Lot, "lot", err)
		if err == nil {
			err = h.store.CheckVisible(ctx, visible(ctx), "lot", f.Lot)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// stockChoices fills the depot and item selects of the filter form: the
// depots the actor may see, only those in use when held stock is listed
// (held: a retired depot holds nothing, though its movements stay in the
// ledger), and the whole catalogue (a retired item may still be held).
func (h *handler) stockChoices(ctx context.Context, v *stockView, held bool) error {
	f := store.DepotFilter{View: visible(ctx)}
	if held {
		f.Retired = store.InUse
	}
	depots, err := h.store.Depots(ctx, f)
	if err != nil {
		return err
	}
	for _, d := range depots {
		v.Depots = append(v.Depots, stockOption{Value: d.Code, ZH: d.NameZH, EN: d.NameEN})
	}
	items, err := h.store.Items(ctx, store.ItemFilter{})
	if err != nil {
		return err
	}
	for _, it := range items {
		v.Items = append(v.Items, stockOption{Value: it.Code, ZH: it.NameZH, EN: it.NameEN})
	}
	return nil
}

// stockItems fills the catalogue tab: items with what is held of each,
// grouped by 中类. A search of digits matches code prefixes, else names.
func (h *handler) stockItems(ctx context.Context, v *stockView) error {
	f := v.Filter
	for c := catalog.Class(1); c <= 3; c++ {
		zh, en := c.Names()
		v.Classes = append(v.Classes, stockOption{Value: strconv.Itoa(int(c)), ZH: zh, EN: en})
	}
	q := store.ItemFilter{Purpose: f.Purpose, View: visible(ctx)}
	q.Class, _ = strconv.Atoi(f.Class)
	if f.Q != "" && strings.Trim(f.Q, "0123456789") == "" {
		if f.Class != "" && !strings.HasPrefix(f.Q, f.Class) {
			return nil // a code outside the class: nothing matches
		}
		q.Prefix = f.Q
	} else {
		q.Search = f.Q
	}
	items, err := h.store.StockItems(ctx, q, "", false)
	if err != nil {
		return err
	}
	for i, it := range items {
		v.ItemRows = append(v.ItemRows, stockItemRow{StockItem: it, Group: i == 0 || items[i-1].Code[:3] != it.Code[:3]})
	}
	if len(items) == 0 && !f.Active() {
		v.Empty = true
	}
	return nil
}

// stockDepots fills the depots tab, filtered by tier and by a search of
// code or name.
func (h *handler) stockDepots(ctx context.Context, v *stockView) error {
	depots, err := h.store.StockDepots(ctx, store.DepotFilter{Tier: v.Filter.Tier, View: visible(ctx)}, "")
	if err != nil {
		return err
	}
	q := strings.ToLower(v.Filter.Q)
	for _, d := range depots {
		if q != "" && !strings.Contains(strings.ToLower(d.Code+" "+d.NameZH+" "+d.NameEN), q) {
			continue
		}
		row := stockDepotRow{StockDepot: d, UseClass: "ok", UsePct: min(d.Utilisation, 1) * 100}
		switch {
		case d.Utilisation > 0.9:
			row.UseClass = "bad"
		case d.Utilisation > 0.75:
			row.UseClass = "warn"
		}
		v.DepotRows = append(v.DepotRows, row)
	}
	v.Empty = len(depots) == 0 && !v.Filter.Active()
	return nil
}

// stockLots fills the lots tab: a page of lots, soonest expiry first when
// an expiry filter is on.
func (h *handler) stockLots(ctx context.Context, v *stockView) error {
	f := v.Filter
	q := store.LotQuery{Depot: f.Depot, Item: f.Item, Lot: f.Lot, Quality: stock.Quality(f.Quality), Limit: stockLotPage,
		Offset: (f.Page - 1) * stockLotPage, View: visible(ctx)}
	switch f.Days {
	case "":
	case "expired":
		q.Expired, q.ByExpiry = true, true
	default:
		n, _ := strconv.Atoi(f.Days)
		q.ExpiresBy, q.ByExpiry = stock.AddDays(v.Today, n), true
	}
	page, err := h.store.StockLots(ctx, q)
	if err != nil {
		return err
	}
	tab := &stockLotsTab{Total: page.Total, Capped: page.Capped}
	for _, l := range page.Rows {
		tab.Rows = append(tab.Rows, stockLotRow{StockLot: l}.judged(page.Today))
	}
	if len(tab.Rows) > 0 {
		tab.From, tab.To = q.Offset+1, q.Offset+len(tab.Rows)
	}
	if f.Page > 1 {
		tab.Prev = "/stock/lots" + stockQuery(f, "page", strconv.Itoa(f.Page-1))
	}
	if page.More {
		tab.Next = "/stock/lots" + stockQuery(f, "page", strconv.Itoa(f.Page+1))
	}
	v.Lots = tab
	v.Empty = page.Total == 0 && !f.Active()
	return nil
}

// judged sets the lot's expiry state as of today.
func (row stockLotRow) judged(today string) stockLotRow {
	row.State = row.Status(today)
	if row.ExpiresOn == "" {
		return row
	}
	row.DaysLeft, _ = stock.DaysBetween(today, row.ExpiresOn)
	switch {
	case row.DaysLeft < 0:
		row.ExpiryClass, row.AgoDays = "bad", -row.DaysLeft
	case row.DaysLeft <= expiringDays:
		row.ExpiryClass = "warn"
	default:
		row.ExpiryClass = "ok"
	}
	return row
}

// stockMovements fills the ledger tab: a page of entries, newest first.
func (h *handler) stockMovements(ctx context.Context, v *stockView) error {
	f := v.Filter
	page, err := h.store.StockMovements(ctx, store.MovementQuery{Depot: f.Depot, Item: f.Item, Lot: f.Lot,
		Before: f.Before, After: f.After, Limit: stockMovePage, View: visible(ctx)})
	if err != nil {
		return err
	}
	tab := &stockMovesTab{Total: page.Total, Capped: page.Capped, First: !page.Older, Latest: !page.Newer}
	for _, m := range page.Rows {
		tab.Rows = append(tab.Rows, stockMoveRow{StockMovement: m,
			At:       time.UnixMicro(m.At).In(cst.Zone).Format("2006-01-02 15:04:05"),
			Signed:   stockSigned(m.Delta),
			Negative: m.Delta < 0,
			Short:    m.Hash[:min(len(m.Hash), stockHashShown)]})
	}
	older, newer := f.After+1, f.Before-1 // the way back from an empty page past either end
	if n := len(page.Rows); n > 0 {
		older, newer = page.Rows[n-1].Seq, page.Rows[0].Seq
	}
	if page.Older {
		tab.Older = "/stock/movements" + stockQuery(f, "before", strconv.FormatInt(older, 10))
	}
	if page.Newer {
		tab.Newer = "/stock/movements" + stockQuery(f, "after", strconv.FormatInt(newer, 10))
	}
	v.Moves = tab
	v.Empty = page.Total == 0 && !f.Active()
	return nil
}

// visible is what of the stock the request's actor may see
// (access.Actor.View of access.StockRead), for the store's queries to
// filter by.
func visible(ctx context.Context) *access.View {
	v := access.FromContext(ctx).View(access.StockRead)
	return &v
}

// stockQuery writes the filters as a query string with one paging
// parameter set, for the links that page through a table.
func stockQuery(f stockFilter, key, value string) string {
	q := url.Values{}
	for k, v := range map[string]string{"depot": f.Depot, "item": f.Item, "lot": f.Lot, "quality": f.Quality,
		"days": f.Days, key: value} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return "?" + q.Encode()
}

// stockListLinks are the links to a tab's list as .xlsx and CSV, with the
// tab's filters as the export reads them.
func stockListLinks(tab string, f stockFilter, today string) (xlsx, csv string) {
	q := url.Values{}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	switch tab {
	case "items":
		set("class", f.Class)
		set("purpose", f.Purpose)
		set("q", f.Q)
	case "depots":
		set("tier", f.Tier)
	case "lots":
		set("quality", f.Quality)
		switch n, err := strconv.Atoi(f.Days); {
		case f.Days == "expired":
			set("expired", "1")
		case err == nil:
			set("expiring_before", stock.AddDays(today, n))
		}
		fallthrough
	case "movements":
		set("depot", f.Depot)
		set("item", f.Item)
		set("lot", f.Lot)
	}
	path, query := "/api/exports/"+tab, ""
	if len(q) > 0 {
		query = "?" + q.Encode()
	}
	return path + ".xlsx" + query, path + ".csv" + query
}

// stockSigned writes a ledger quantity with its sign: +120, -35.5.
func stockSigned(q stock.Quantity) string {
	if q > 0 {
		return "+" + formatNumber(q)
	}
	return formatNumber(q)
}
