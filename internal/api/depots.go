package api

import (
	"net/http"

	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/depot"
	"github.com/stockpile-dev/stockpile/internal/httpx"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// listDepots lists depots in the subtree of ?area=, of a ?tier=, run by an
// ?org=, selected by ?retired=, with how full each is.
func (h *handler) listDepots(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	tier, err := httpx.OneOf(q, "tier", string(area.LevelCity), string(area.LevelDistrict),
		string(area.LevelStreet), string(area.LevelCommunity))
	if err != nil {
		h.error(w, r, err)
		return
	}
	ret, err := retirement(r)
	if err != nil {
		h.error(w, r, err)
		return
	}
	depots, err := h.store.Depots(r.Context(), store.DepotFilter{Area: q.Get("area"), Tier: tier, Org: q.Get("org"),
		View: stockView(r), Retired: ret})
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, list("depots", depots))
}

// getDepot returns one depot by its code, with how full it is.
func (h *handler) getDepot(w http.ResponseWriter, r *http.Request) {
	d, err := h.store.Depot(r.Context(), r.PathValue("code"))
	if err == nil {
		err = h.store.CheckVisible(r.Context(), stockView(r), "depot", d.Code)
	}
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, d)
}

// createDepot adds a depot and answers with it as GET shows it.
func (h *handler) createDepot(w http.ResponseWriter, r *http.Request) {
	var d depot.Depot
	if err := h.decode(w, r, &d); err != nil {
		h.error(w, r, err)
		return
	}
	d, err := h.ops.CreateDepot(r.Context(), actor(r), d)
	if err != nil {
		h.error(w, r, err)
		return
	}
	view, err := h.store.Depot(r.Context(), d.Code)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.created(w, r, locationOf("depots", d.Code), view)
}

// updateDepot changes the depot of the path's code; moved to another
// area, it takes its stock totals along.
func (h *handler) updateDepot(w http.ResponseWriter, r *http.Request) {
	var d depot.Depot
	if err := h.decodeEdit(w, r, &d, &d.Code); err != nil {
		h.error(w, r, err)
		return
	}
	view, err := h.ops.UpdateDepot(r.Context(), actor(r), d)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, view)
}
