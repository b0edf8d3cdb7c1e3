package api

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/httpx"
	"github.com/stockpile-dev/stockpile/internal/label"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// maxLabels bounds the labels of one PDF: a depot's lots or the lots named.
const maxLabels = 2000

// lotLabelPDF prints the label of one lot (一物一码) as PDF, at the depot
// of ?depot= or, without it, at each depot holding the lot that the actor
// may see: ?format=a4 (a sheet of 3 × 8 labels, the default) or thermal
// (one 60 × 40 mm label per page).
func (h *handler) lotLabelPDF(w http.ResponseWriter, r *http.Request) {
	h.writeLabels(w, r, []string{stock.ScannedLotCode(r.PathValue("code"))}, r.URL.Query().Get("depot"))
}

// labelsPDF prints the labels of the lots of ?lots= (codes separated by
// commas) or, without it, of every lot a ?depot= holds.
func (h *handler) labelsPDF(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var codes []string
	for c := range strings.SplitSeq(q.Get("lots"), ",") {
		if c = stock.ScannedLotCode(c); c != "" {
			codes = append(codes, c)
		}
	}
	if len(codes) == 0 && q.Get("depot") == "" {
		h.error(w, r, apperr.Required("lots", "批次码或储备库", "lots or depot"))
		return
	}
	if len(codes) > maxLabels {
		h.error(w, r, httpx.BadParam("lots", strconv.Itoa(len(codes)), "最多 2000 个批次", "at most 2000 lots"))
		return
	}
	h.writeLabels(w, r, codes, q.Get("depot"))
}

func (h *handler) writeLabels(w http.ResponseWriter, r *http.Request, codes []string, depot string) {
	format, err := httpx.OneOf(r.URL.Query(), "format", string(label.A4Sheet), string(label.Thermal))
	if err != nil {
		h.error(w, r, err)
		return
	}
	rows, err := h.labelRows(r.Context(), r, codes, depot)
	if err != nil {
		h.error(w, r, err)
		return
	}
	f, _ := label.ParseFormat(format)
	var buf bytes.Buffer
	if err := label.Write(&buf, f, labelsOf(rows)); err != nil {
		h.error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="labels.pdf"`)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Write(buf.Bytes())
}

// labelRows reads the lots to label: each named lot at the depots holding
// it (or the one depot given), or every lot of the depot, as the actor may
// see them. A named lot not found is 404, so a misread code is not
// printed as an empty sheet; so is a depot beyond the actor's view, or one
// that holds nothing.
func (h *handler) labelRows(ctx context.Context, r *http.Request, codes []string, depot string) ([]store.StockLot, error) {
	if len(codes) == 0 {
		page, err := h.store.StockLots(ctx, store.LotQuery{Depot: depot, Limit: maxLabels, View: stockView(r)})
		if err == nil && len(page.Rows) == 0 {
			err = h.noLabels(ctx, r, depot)
		}
		return page.Rows, err
	}
	var rows []store.StockLot
	for _, code := range codes {
		page, err := h.store.StockLots(ctx, store.LotQuery{Lot: code, Depot: depot, Limit: 100, View: stockView(r)})
		if err != nil {
			return nil, err
		}
		if len(page.Rows) == 0 {
			return nil, stock.Unknown(code, "lots", apperr.NotFoundf("lot", "批次", code))
		}
		rows = append(rows, page.Rows...)
	}
	return rows, nil
}

// noLabels is the error for a depot with no lots to label: not found when
// the depot does not exist or lies beyond the actor's view, else that it
// holds no lots.
func (h *handler) noLabels(ctx context.Context, r *http.Request, depot string) error {
	if err := h.store.CheckVisible(ctx, stockView(r), "depot", depot); err != nil {
		return withField(err, "depot")
	}
	if _, err := h.store.Depot(ctx, depot); err != nil {
		return withField(err, "depot")
	}
	return apperr.New(apperr.NotFound, "lot.not_found", "储备库 %s 没有库存批次，没有可打印的标签",
		"depot %s holds no lots: there are no labels to print", depot).WithField("depot")
}

func labelsOf(rows []store.StockLot) []label.Label {
	out := make([]label.Label, len(rows))
	for i, x := range rows {
		out[i] = label.Label{QRText: stock.LabelText(x.Lot), LotCode: x.Lot, ItemCode: x.Item, ItemName: x.ItemZH,
			Batch: x.Batch, ProducedOn: x.ProducedOn, ExpiresOn: x.ExpiresOn, DepotCode: x.Depot, DepotName: x.DepotZH,
			Location: x.Location, Owner: x.OwnerZH}
	}
	return out
}
