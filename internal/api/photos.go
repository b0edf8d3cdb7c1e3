package api

import (
	"net/http"
	"strconv"

	"github.com/stockpile-dev/stockpile/internal/httpx"
	"github.com/stockpile-dev/stockpile/internal/photo"
)

// addPhoto keeps the image of the body (image/jpeg, image/png or
// image/webp, at most photo.MaxBytes) with a posting.
func (h *handler) addPhoto(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ID(r, "id")
	if err != nil {
		h.error(w, r, err)
		return
	}
	data, err := httpx.ReadBody(w, r, photo.MaxBytes, "image/jpeg", "image/png", "image/webp")
	if err != nil {
		h.error(w, r, err)
		return
	}
	p, err := h.ops.AddPhoto(r.Context(), actor(r), id, data)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.created(w, r, "/api/photos/"+strconv.FormatInt(p.ID, 10), p)
}

// listPhotos lists a posting's photos.
func (h *handler) listPhotos(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ID(r, "id")
	if err != nil {
		h.error(w, r, err)
		return
	}
	ps, err := h.ops.PostingPhotos(r.Context(), actor(r), id)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, list("photos", ps))
}

// getPhoto serves a photo's image.
func (h *handler) getPhoto(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ID(r, "id")
	if err != nil {
		h.error(w, r, err)
		return
	}
	p, err := h.ops.Photo(r.Context(), actor(r), id)
	if err != nil {
		h.error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", p.ContentType)
	w.Header().Set("Content-Length", strconv.FormatInt(p.Size, 10))
	w.Header().Set("Cache-Control", "private, max-age=86400") // a photo never changes
	w.Write(p.Data)
}
