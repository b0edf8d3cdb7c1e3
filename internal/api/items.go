package api

import (
	"net/http"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/httpx"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// listCategories lists the classification above the item level.
func (h *handler) listCategories(w http.ResponseWriter, r *http.Request) {
	cats, err := h.store.Categories(r.Context())
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, list("categories", cats))
}

// listItems lists catalogue items, filtered by class, purpose, code prefix
// and a name search.
func (h *handler) listItems(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	class, err := httpx.Int(q, "class", 1, 3)
	if err != nil {
		h.error(w, r, err)
		return
	}
	purpose, err := httpx.OneOf(q, "purpose", string(catalog.PurposeRescue), string(catalog.PurposeLife))
	if err != nil {
		h.error(w, r, err)
		return
	}
	prefix := q.Get("prefix")
	if len(prefix) > 7 || strings.Trim(prefix, "0123456789") != "" {
		h.error(w, r, httpx.BadParam("prefix", prefix, "最多 7 位数字的物资编码前缀", "an item code prefix of up to 7 digits"))
		return
	}
	if class > 0 && prefix != "" && prefix[0] != byte('0'+class) {
		h.json(w, r, http.StatusOK, list("items", []catalog.Item{})) // the filters exclude each other
		return
	}
	items, err := h.store.Items(r.Context(), store.ItemFilter{Class: int(class), Purpose: purpose, Prefix: prefix,
		Search: q.Get("q")})
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, list("items", items))
}

// getItem returns one item by its code.
func (h *handler) getItem(w http.ResponseWriter, r *http.Request) {
	item, err := h.store.Item(r.Context(), r.PathValue("code"))
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, item)
}

// createItem adds an item to the catalogue.
func (h *handler) createItem(w http.ResponseWriter, r *http.Request) {
	var item catalog.Item
	if err := h.decode(w, r, &item); err != nil {
		h.error(w, r, err)
		return
	}
	item, err := h.ops.CreateItem(r.Context(), actor(r), item)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.created(w, r, locationOf("items", item.Code), item)
}
