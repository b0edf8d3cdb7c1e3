package api

import (
	"net/http"
	"strconv"

	"github.com/skip2/go-qrcode"

	"github.com/stockpile-dev/stockpile/internal/httpx"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// Label sizes in pixels for GET /api/lots/{code}/label.png.
const (
	labelSizeDefault = 256
	labelSizeMin     = 64
	labelSizeMax     = 1024
)

// listLots lists lots, soonest expiry first, filtered by item, by a depot
// holding them, and by an expiry date.
func (h *handler) listLots(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	before, err := httpx.Date(q, "expiring_before")
	if err != nil {
		h.error(w, r, err)
		return
	}
	limit, err := httpx.Int(q, "limit", 1, 10000)
	if err != nil {
		h.error(w, r, err)
		return
	}
	lots, err := h.store.Lots(r.Context(), store.LotFilter{Item: q.Get("item"), Depot: q.Get("depot"),
		ExpiringBefore: before, Limit: int(limit), View: stockView(r)})
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, list("lots", lots))
}

// getLot returns one lot by its code.
func (h *handler) getLot(w http.ResponseWriter, r *http.Request) {
	lot, err := h.visibleLot(r)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, lot)
}

// lotLabel draws the QR code printed on a lot's label, ?size= pixels
// square.
func (h *handler) lotLabel(w http.ResponseWriter, r *http.Request) {
	size, err := httpx.Int(r.URL.Query(), "size", labelSizeMin, labelSizeMax)
	if err != nil {
		h.error(w, r, err)
		return
	}
	if size == 0 {
		size = labelSizeDefault
	}
	lot, err := h.visibleLot(r)
	if err != nil {
		h.error(w, r, err)
		return
	}
	png, err := qrcode.Encode(stock.LabelText(lot.Code), qrcode.Medium, int(size))
	if err != nil {
		h.error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Content-Length", strconv.Itoa(len(png)))
	w.Header().Set("Cache-Control", "public, max-age=86400") // a lot's code never changes
	w.Write(png)
}

// visibleLot reads the lot the path names, not found when it lies outside
// what the actor may see.
func (h *handler) visibleLot(r *http.Request) (stock.Lot, error) {
	lot, err := h.store.Lot(r.Context(), r.PathValue("code"))
	if err == nil {
		err = h.store.CheckVisible(r.Context(), stockView(r), "lot", lot.Code)
	}
	return lot, err
}
