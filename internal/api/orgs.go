package api

import (
	"net/http"

	"github.com/stockpile-dev/stockpile/internal/org"
)

// listOrgs lists the organisations tied to areas in the subtree of ?area=.
func (h *handler) listOrgs(w http.ResponseWriter, r *http.Request) {
	orgs, err := h.store.Orgs(r.Context(), r.URL.Query().Get("area"))
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
