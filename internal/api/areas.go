package api

import (
	"net/http"

	"github.com/stockpile-dev/stockpile/internal/area"
)

// listAreas lists the areas in the subtree under ?under= (all areas when
// absent), parents before children, selected by ?retired=.
func (h *handler) listAreas(w http.ResponseWriter, r *http.Request) {
	ret, err := retirement(r)
	if err != nil {
		h.error(w, r, err)
		return
	}
	areas, err := h.store.AreaList(r.Context(), r.URL.Query().Get("under"), ret)
	if err != nil {
		h.error(w, r, withField(err, "under"))
		return
	}
	h.json(w, r, http.StatusOK, list("areas", areas))
}

// getArea returns one area by its code.
func (h *handler) getArea(w http.ResponseWriter, r *http.Request) {
	a, err := h.store.AreaWithBoundary(r.Context(), r.PathValue("code"))
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, a)
}

// createArea adds an area under its parent_code (none for a root).
func (h *handler) createArea(w http.ResponseWriter, r *http.Request) {
	var a area.Area
	if err := h.decode(w, r, &a); err != nil {
		h.error(w, r, err)
		return
	}
	a, err := h.ops.CreateArea(r.Context(), actor(r), a)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.created(w, r, locationOf("areas", a.Code), a)
}

// updateArea changes the area of the path's code: names, population,
// point, terrain and outline (absent keeps it, null removes it).
func (h *handler) updateArea(w http.ResponseWriter, r *http.Request) {
	var a area.Area
	if err := h.decodeEdit(w, r, &a, &a.Code); err != nil {
		h.error(w, r, err)
		return
	}
	a, err := h.ops.UpdateArea(r.Context(), actor(r), a)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, a)
}
