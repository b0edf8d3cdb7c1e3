package httpx

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/stockpile-dev/stockpile/internal/apperr"
)

// ErrorBody is the JSON shape of every error response:
//
//	{"error": {"code": "stock.insufficient", "message": "…", "message_zh": "…", "field": "lines[0].quantity"}}
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is an error as a client reads it: a stable code, a message
// in English and in Chinese, the offending input field, and for a refused
// import every bad row.
type ErrorDetail struct {
	Code      string       `json:"code"`
	Message   string       `json:"message"`
	MessageZH string       `json:"message_zh"`
	Field     string       `json:"field,omitempty"`
	Rows      []apperr.Row `json:"rows,omitempty"`
}

// Detail is e as a client reads it.
func Detail(e *apperr.Error) ErrorDetail {
	return ErrorDetail{Code: e.Code, Message: e.EN, MessageZH: e.ZH, Field: e.Field, Rows: e.Rows}
}

// WriteJSON writes v as a JSON response with status. The body is encoded
// before anything is sent, so an encoding failure can still be answered
// cleanly: it is returned and nothing is written.
func WriteJSON(w http.ResponseWriter, status int, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("httpx: encode response: %w", err)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
	return nil
}

// WriteError writes e as a JSON error with status, and e's RetryAfter,
// if any, as the Retry-After header; it does not log.
func WriteError(w http.ResponseWriter, status int, e *apperr.Error) {
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(e.RetryAfter))
	}
	if err := WriteJSON(w, status, ErrorBody{Detail(e)}); err != nil {
		http.Error(w, e.ZH+" / "+e.EN, status) // cannot happen: the body is strings only
	}
}
