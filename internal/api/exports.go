package api

import (
	"bytes"
	"context"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/report"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// Bounds of the stock workbook: every lot on hand up to exportLots, and
// the newest exportMovements ledger entries. Past them the 概览 sheet says
// how many rows were left out.
const (
	exportLots      = 200000
	exportMovements = 10000
)

// exportStock answers the stock workbook (库存台账): catalogue, depots,
// lots and the newest ledger entries, with a fresh ledger verification;
// ?depot=CODE limits it to one depot, and an unknown code is a 404.
func (h *handler) exportStock(w http.ResponseWriter, r *http.Request) {
	code := strings.TrimSpace(r.URL.Query().Get("depot"))
	sb, err := h.stockBook(r.Context(), code)
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
func (h *handler) stockBook(ctx context.Context, depot string) (report.StockBook, error) {
	v := access.FromContext(ctx).View(access.StockRead)
	view := &v
	sb := report.StockBook{At: h.store.Now(), Today: h.store.Today(), Depot: depot}
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
	if sb.Ledger, err = h.store.Verify(ctx, nil); err != nil {
		return sb, err
	}
	return sb, nil
}
