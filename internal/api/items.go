package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/httpx"
	"github.com/stockpile-dev/stockpile/internal/ops"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// listCategories lists the classification above the item level, in use
// (?retired=true: retired ones too; only: retired ones only).
func (h *handler) listCategories(w http.ResponseWriter, r *http.Request) {
	ret, err := retirement(r)
	if err != nil {
		h.error(w, r, err)
		return
	}
	cats, err := h.store.CategoryList(r.Context(), ret)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, list("categories", cats))
}

// listItems lists catalogue items, filtered by class, purpose, code prefix,
// a name search and retirement (?retired=).
func (h *handler) listItems(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ret, err := retirement(r)
	if err != nil {
		h.error(w, r, err)
		return
	}
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
		Search: q.Get("q"), Retired: ret})
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

// updateItem changes the item of the path's code; the body is the item as
// it should be, with the version it was based on.
func (h *handler) updateItem(w http.ResponseWriter, r *http.Request) {
	var item catalog.Item
	if err := h.decodeEdit(w, r, &item, &item.Code); err != nil {
		h.error(w, r, err)
		return
	}
	item, err := h.ops.UpdateItem(r.Context(), actor(r), item)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, item)
}

// createCategory adds a category to the classification.
func (h *handler) createCategory(w http.ResponseWriter, r *http.Request) {
	var c catalog.Category
	if err := h.decode(w, r, &c); err != nil {
		h.error(w, r, err)
		return
	}
	c, err := h.ops.CreateCategory(r.Context(), actor(r), c)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.created(w, r, locationOf("categories", c.Code), c)
}

// updateCategory changes the category of the path's code.
func (h *handler) updateCategory(w http.ResponseWriter, r *http.Request) {
	var c catalog.Category
	if err := h.decodeEdit(w, r, &c, &c.Code); err != nil {
		h.error(w, r, err)
		return
	}
	c, err := h.ops.UpdateCategory(r.Context(), actor(r), c)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, c)
}

// retirement reads ?retired=: absent or false lists what is in use, true
// what is in use and what is retired, only what is retired.
func retirement(r *http.Request) (store.Retirement, error) {
	v, err := httpx.OneOf(r.URL.Query(), "retired", "false", "true", "only")
	switch v {
	case "true":
		return store.AnyRetirement, err
	case "only":
		return store.RetiredOnly, err
	}
	return store.InUse, err
}

// decodeEdit decodes the body of an edit (PUT …/{code}) into v, whose
// code field is code: the path names what is edited, and a body that
// names another code is refused, since codes do not change.
func (h *handler) decodeEdit(w http.ResponseWriter, r *http.Request, v any, code *string) error {
	if err := h.decode(w, r, v); err != nil {
		return err
	}
	path := r.PathValue("code")
	if *code != "" && *code != path {
		return &apperr.Error{Kind: apperr.Invalid, Code: "edit.fixed", Field: "code",
			ZH: "编码不能修改：请求体中的编码「" + *code + "」与路径中的「" + path + "」不同",
			EN: "a code cannot be changed: the body's code " + *code + " differs from the path's " + path}
	}
	*code = path
	return nil
}

// retire is the handler of POST …/{code}/retire (retired) and
// …/{code}/restore: it runs the use case fn on the path's code and
// answers with the thing as it now is. The body, if any, is ignored.
func retire[T any](h *handler, fn func(*ops.Service, context.Context, access.Actor, string, bool) (T, error),
	retired bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, err := fn(h.ops, r.Context(), actor(r), r.PathValue("code"), retired)
		if err != nil {
			h.error(w, r, err)
			return
		}
		h.json(w, r, http.StatusOK, v)
	}
}
