package api

import (
	"net/http"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/httpx"
	"github.com/stockpile-dev/stockpile/internal/reserve"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// reserveFilter reads ?item=, ?org=, ?active_on= (YYYY-MM-DD) and
// ?retired=.
func reserveFilter(r *http.Request) (store.ReserveFilter, error) {
	q := r.URL.Query()
	day, err := httpx.Date(q, "active_on")
	if err != nil {
		return store.ReserveFilter{}, err
	}
	ret, err := retirement(r)
	return store.ReserveFilter{Item: q.Get("item"), Org: q.Get("org"), ActiveOn: day, View: stockView(r),
		Retired: ret}, err
}

// listAgreements lists agreement reserves (协议储备).
func (h *handler) listAgreements(w http.ResponseWriter, r *http.Request) {
	f, err := reserveFilter(r)
	if err != nil {
		h.error(w, r, err)
		return
	}
	as, err := h.store.Agreements(r.Context(), f)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, list("agreements", as))
}

// getAgreement returns one agreement reserve.
func (h *handler) getAgreement(w http.ResponseWriter, r *http.Request) {
	a, err := h.store.Agreement(r.Context(), r.PathValue("code"))
	if err == nil {
		err = h.visibleReserve(r, "agreement", a.Code)
	}
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, a)
}

// createAgreement registers an agreement reserve.
func (h *handler) createAgreement(w http.ResponseWriter, r *http.Request) {
	var a reserve.Agreement
	if err := h.decode(w, r, &a); err != nil {
		h.error(w, r, err)
		return
	}
	a, err := h.ops.CreateAgreement(r.Context(), actor(r), a)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.created(w, r, locationOf("agreements", a.Code), a)
}

// listCapacities lists production-capacity reserves (生产能力储备).
func (h *handler) listCapacities(w http.ResponseWriter, r *http.Request) {
	f, err := reserveFilter(r)
	if err != nil {
		h.error(w, r, err)
		return
	}
	cs, err := h.store.Capacities(r.Context(), f)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, list("capacities", cs))
}

// getCapacity returns one production-capacity reserve.
func (h *handler) getCapacity(w http.ResponseWriter, r *http.Request) {
	c, err := h.store.Capacity(r.Context(), r.PathValue("code"))
	if err == nil {
		err = h.visibleReserve(r, "capacity", c.Code)
	}
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, c)
}

// createCapacity registers a production-capacity reserve.
func (h *handler) createCapacity(w http.ResponseWriter, r *http.Request) {
	var c reserve.Capacity
	if err := h.decode(w, r, &c); err != nil {
		h.error(w, r, err)
		return
	}
	c, err := h.ops.CreateCapacity(r.Context(), actor(r), c)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.created(w, r, locationOf("capacities", c.Code), c)
}

// updateAgreement changes the agreement reserve of the path's code.
func (h *handler) updateAgreement(w http.ResponseWriter, r *http.Request) {
	var a reserve.Agreement
	if err := h.decodeEdit(w, r, &a, &a.Code); err != nil {
		h.error(w, r, err)
		return
	}
	a, err := h.ops.UpdateAgreement(r.Context(), actor(r), a)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, a)
}

// updateCapacity changes the production-capacity reserve of the path's
// code.
func (h *handler) updateCapacity(w http.ResponseWriter, r *http.Request) {
	var c reserve.Capacity
	if err := h.decodeEdit(w, r, &c, &c.Code); err != nil {
		h.error(w, r, err)
		return
	}
	c, err := h.ops.UpdateCapacity(r.Context(), actor(r), c)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, c)
}

// visibleReserve is nil when the actor may see the agreement or capacity
// reserve of code (its organisation is in their view), and a not-found
// error otherwise.
func (h *handler) visibleReserve(r *http.Request, kind, code string) error {
	view := stockView(r)
	places, err := h.store.Places(r.Context(), kind, code)
	if err != nil || view.All || (len(places) == 1 && view.Shows(places[0])) {
		return err
	}
	return apperr.NotFoundf(kind, map[string]string{"agreement": "协议储备", "capacity": "产能储备"}[kind], code)
}
