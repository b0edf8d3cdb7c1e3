package api

import (
	"net/http"

	"github.com/stockpile-dev/stockpile/internal/org"
)

// listOrgs lists the organisations tied to areas in the subtree of ?area=,
// selected by ?retired=.
func (h *handler) listOrgs(w http.ResponseWriter, r *http.Request) {
	ret, err := retirement(r)
	if err != nil {
		h.error(w, r, err)
		return
	}
	orgs, err := h.store.OrgList(r.Context(), r.URL.Query().Get("area"), ret)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, list("orgs", orgs))
}

// getOrg returns one organisation by its code.
func (h *handler) getOrg(w http.ResponseWriter, r *http.Request) {
	o, err := h.store.Org(r.Context(), r.PathValue("code"))
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, o)
}

// createOrg adds an organisation.
func (h *handler) createOrg(w http.ResponseWriter, r *http.Request) {
	var o org.Org
	if err := h.decode(w, r, &o); err != nil {
		h.error(w, r, err)
		return
	}
	o, err := h.ops.CreateOrg(r.Context(), actor(r), o)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.created(w, r, locationOf("orgs", o.Code), o)
}

// updateOrg changes the organisation of the path's code.
func (h *handler) updateOrg(w http.ResponseWriter, r *http.Request) {
	var o org.Org
	if err := h.decodeEdit(w, r, &o, &o.Code); err != nil {
		h.error(w, r, err)
		return
	}
	o, err := h.ops.UpdateOrg(r.Context(), actor(r), o)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, o)
}
