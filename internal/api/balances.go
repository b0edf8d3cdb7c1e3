package api

import (
	"net/http"

	"github.com/stockpile-dev/stockpile/internal/httpx"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// balances reports stock on hand by ?depot=, ?item= and ?area=, grouped by
// lot (the default), item or depot, with totals.
func (h *handler) balances(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	groupBy, err := httpx.OneOf(q, "group_by", "lot", "item", "depot")
	if err != nil {
		h.error(w, r, err)
		return
	}
	rep, err := h.store.Balances(r.Context(), store.BalanceQuery{Depot: q.Get("depot"), Item: q.Get("item"),
		Area: q.Get("area"), GroupBy: groupBy, View: stockView(r)})
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, rep)
}
