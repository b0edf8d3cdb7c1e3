package api

import (
	"net/http"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/httpx"
	"github.com/stockpile-dev/stockpile/internal/report"
	"github.com/stockpile-dev/stockpile/internal/statement"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// This file answers the receipts–issues–balance statement (收发存汇总表)
// and the stock at the end of a day (库存快照), as JSON and as tables:
//
//	GET /api/statements?from=&to=&depot=&item=
//	GET /api/exports/statement.xlsx|csv?from=&to=&depot=&item=
//	GET /api/stock/as-of?date=&depot=&item=&by=item|lot
//	GET /api/exports/stock-as-of.xlsx|csv?date=&depot=&item=&by=item|lot
//
// Dates are China's (YYYY-MM-DD); the caller's view of stock (stock.read)
// decides which depots' rows it gets.

// statementFilter reads a statement's query: ?from= &to= (the period,
// both days included), ?depot= and ?item= (codes). Dates are checked by
// the use case, which also fills in the defaults.
func statementFilter(r *http.Request) store.StatementFilter {
	q := r.URL.Query()
	return store.StatementFilter{From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to")),
		Depot: strings.TrimSpace(q.Get("depot")), Item: strings.TrimSpace(q.Get("item"))}
}

// getStatement answers the statement of the period asked, per depot and
// item: {"from", "to", "rows": [...]}.
func (h *handler) getStatement(w http.ResponseWriter, r *http.Request) {
	st, err := h.ops.Statement(r.Context(), actor(r), statementFilter(r))
	if err != nil {
		h.error(w, r, err)
		return
	}
	if st.Rows == nil {
		st.Rows = []statement.Row{}
	}
	h.json(w, r, http.StatusOK, st)
}

// asOfFilter reads a snapshot's query: ?date=, ?depot=, ?item= and ?by=
// (item, the default, or lot).
func asOfFilter(r *http.Request) (store.AsOfFilter, error) {
	q := r.URL.Query()
	by, err := httpx.OneOf(q, "by", "item", "lot")
	return store.AsOfFilter{Date: strings.TrimSpace(q.Get("date")), Depot: strings.TrimSpace(q.Get("depot")),
		Item: strings.TrimSpace(q.Get("item")), ByLot: by == "lot"}, err
}

// asOf is the answer of GET /api/stock/as-of.
type asOf struct {
	Date string          `json:"date"` // the day whose end the stock was taken at
	By   string          `json:"by"`   // item or lot
	Rows []store.AsOfRow `json:"rows"`
}

// stockAsOf answers what each depot held of each item (?by=lot: of each
// lot) at the end of the day asked.
func (h *handler) stockAsOf(w http.ResponseWriter, r *http.Request) {
	f, err := asOfFilter(r)
	if err != nil {
		h.error(w, r, err)
		return
	}
	day, rows, err := h.ops.StockAsOf(r.Context(), actor(r), f)
	if err != nil {
		h.error(w, r, err)
		return
	}
	a := asOf{Date: day, By: "item", Rows: rows}
	if f.ByLot {
		a.By = "lot"
	}
	if a.Rows == nil {
		a.Rows = []store.AsOfRow{}
	}
	h.json(w, r, http.StatusOK, a)
}

// statementHeads are the columns of the statement as a table: the
// period, the depot and item, then the figures in the statement's order.
func statementHeads() []string {
	heads := []string{"起始日期 From", "截止日期 To", "储备库编码 Depot", "储备库 Depot name", "物资编码 Item",
		"物资名称 Name", "单位 Unit", "期初 Opening"}
	for _, c := range statement.Columns {
		zh, en := c.Names()
		heads = append(heads, zh+" "+en)
	}
	return append(heads, "期末 Closing")
}

// The statement and the snapshot as tables (GET /api/exports/…); their
// routes are in the route table, beside the other stock reads.
var (
	statementExport = export{list: report.List{Name: "statement", Sheet: "收发存汇总", Heads: statementHeads()},
		open: (*handler).statementRows}
	asOfExport = export{list: report.List{Name: "stock-as-of", Sheet: "库存快照", Heads: []string{"日期 Date",
		"储备库编码 Depot", "储备库 Depot name", "物资编码 Item", "物资名称 Name", "单位 Unit", "批次码 Lot",
		"批号 Batch", "有效期至 Expires", "在库 On hand"}}, open: (*handler).asOfRows}
)

// statementRows exports the statement a row per depot and item, with
// the filters of GET /api/statements.
func (h *handler) statementRows(r *http.Request) (rows, error) {
	st, err := h.ops.Statement(r.Context(), actor(r), statementFilter(r))
	return all(st.Rows, func(x statement.Row) []any {
		v := []any{st.From, st.To, x.Depot, x.DepotNameZH, x.Item, x.ItemNameZH, x.UnitZH, x.Opening}
		for _, c := range statement.Columns {
			v = append(v, x.Get(c))
		}
		return append(v, x.Closing)
	}), err
}

// asOfRows exports the stock at the end of a day, with the filters of
// GET /api/stock/as-of; the lot's columns are empty by item.
func (h *handler) asOfRows(r *http.Request) (rows, error) {
	f, err := asOfFilter(r)
	if err != nil {
		return nil, err
	}
	day, got, err := h.ops.StockAsOf(r.Context(), actor(r), f)
	return all(got, func(x store.AsOfRow) []any {
		return []any{day, x.Depot, x.DepotNameZH, x.Item, x.ItemNameZH, x.UnitZH, x.Lot, x.Batch, x.ExpiresOn, x.Quantity}
	}), err
}
