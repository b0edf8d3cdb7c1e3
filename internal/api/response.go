package api

import (
	"net/http"
	"net/url"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/httpx"
)

// list is the envelope of every list response: the rows under a key named
// for what they are, and how many there are.
func list[T any](key string, rows []T) map[string]any {
	if rows == nil {
		rows = []T{}
	}
	return map[string]any{key: rows, "count": len(rows)}
}

// json writes v as the JSON response with the given status, or a clean
// 500 if it cannot be encoded.
func (h *handler) json(w http.ResponseWriter, r *http.Request, status int, v any) {
	if err := httpx.WriteJSON(w, status, v); err != nil {
		h.error(w, r, err)
	}
}

// errorBody is the JSON shape of every error response.
type errorBody = httpx.ErrorBody

// error writes err as a JSON error, with the status and log record
// httpx.Explain gives it: an [apperr.Error] keeps its code and messages;
// anything else is logged once and shown without its details.
func (h *handler) error(w http.ResponseWriter, r *http.Request, err error) {
	f := httpx.Explain(h.logger, r, err)
	h.writeError(w, r, f.Status, f.Err)
}

// writeError writes e with the given status; it does not log.
func (h *handler) writeError(w http.ResponseWriter, _ *http.Request, status int, e *apperr.Error) {
	httpx.WriteError(w, status, e)
}

// decode reads the JSON request body into v (httpx.DecodeJSON): sent as
// application/json, one value of v's shape with no unknown fields, valid
// UTF-8 without NUL, no larger than the handler's limit.
func (h *handler) decode(w http.ResponseWriter, r *http.Request, v any) error {
	return httpx.DecodeJSON(w, r, h.maxBody, v)
}

// decodeOptional is decode for a body that may be left out: an absent
// body leaves v as it is.
func (h *handler) decodeOptional(w http.ResponseWriter, r *http.Request, v any) error {
	if r.ContentLength == 0 {
		return nil
	}
	return h.decode(w, r, v)
}

// withField renames the field of an apperr error: a lookup that failed on
// a filter is reported against the query parameter that named it.
func withField(err error, field string) error {
	if e, ok := apperr.As(err); ok {
		return e.WithField(field)
	}
	return err
}

// created writes v with 201 Created and its location.
func (h *handler) created(w http.ResponseWriter, r *http.Request, location string, v any) {
	w.Header().Set("Location", location)
	h.json(w, r, http.StatusCreated, v)
}

// locationOf returns the URL path of a resource under collection.
func locationOf(collection, code string) string {
	return "/api/" + collection + "/" + url.PathEscape(code)
}
