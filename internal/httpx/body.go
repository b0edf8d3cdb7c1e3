package httpx

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/input"
)

// ReadBody reads r's body, refusing one of more than limit bytes
// (request.too_large, 413) and, unless its Content-Type is one of types
// (compared without parameters such as charset), one of another media
// type (request.unsupported_media_type, 415); an empty body has no type
// to check. A browser can send a
// cross-site form or a no-cors fetch only as text/plain, form-encoded or
// multipart, so routes that take JSON refuse those before they look.
func ReadBody(w http.ResponseWriter, r *http.Request, limit int64, types ...string) ([]byte, error) {
	if r.ContentLength != 0 { // an empty body is refused by its reader, as empty
		if err := MediaType(r, types...); err != nil {
			return nil, err
		}
	}
	if r.ContentLength > limit {
		return nil, TooLarge(limit)
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var maxErr *http.MaxBytesError
	switch {
	case errors.As(err, &maxErr):
		return nil, TooLarge(limit)
	case err != nil:
		return nil, fmt.Errorf("httpx: read body: %w", err)
	}
	return data, nil
}

// MediaType checks that r's Content-Type is one of types.
func MediaType(r *http.Request, types ...string) error {
	given := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(given)
	if err == nil {
		for _, t := range types {
			if mt == t {
				return nil
			}
		}
	}
	want := strings.Join(types, ", ")
	return apperr.New(apperr.Unsupported, "request.unsupported_media_type",
		"请求内容类型「%s」不受支持：应为 %s", "Content-Type %q is not accepted here: want %s", given, want).
		WithField("Content-Type")
}

// DecodeJSON reads r's body as one JSON value of v's shape (input.DecodeJSON)
// sent as application/json and no larger than limit.
func DecodeJSON(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	data, err := ReadBody(w, r, limit, "application/json")
	if err != nil {
		return err
	}
	return input.DecodeJSON(data, v)
}

// TooLarge is the error for a body over limit bytes.
func TooLarge(limit int64) error {
	return &apperr.Error{Kind: apperr.TooLarge, Code: "request.too_large",
		ZH: fmt.Sprintf("请求内容过大：最多 %d 字节", limit),
		EN: fmt.Sprintf("the body is too large: %d bytes at most", limit)}
}
