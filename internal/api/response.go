package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// list is the envelope of every list response: the rows under a key named
// for what they are, and how many there are.
func list[T any](key string, rows []T) map[string]any {
	if rows == nil {
		rows = []T{}
	}
	return map[string]any{key: rows, "count": len(rows)}
}

// json writes v as the JSON response with the given status. The body is
// encoded before anything is sent, so an encoding failure is still a clean
// 500.
func (h *handler) json(w http.ResponseWriter, r *http.Request, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		h.error(w, r, fmt.Errorf("api: encode response: %w", err))
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// errorBody is the JSON shape of every error response.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	MessageZH string `json:"message_zh"`
	Field     string `json:"field,omitempty"`
	// Rows reports every bad row of a refused import.
	Rows []apperr.Row `json:"rows,omitempty"`
}

// internalError is what a client sees of an unexpected failure; the
// details go to the log only.
func internalError() *apperr.Error {
	return &apperr.Error{Code: "internal",
		ZH: "服务器内部错误,请稍后重试;如持续出现,请联系系统管理员",
		EN: "internal server error; try again later, and tell the administrator if it persists"}
}

// error writes err as a JSON error. An [apperr.Error] keeps its code and
// messages, with the status its kind calls for; anything else is logged
// once and answered with a generic 500.
func (h *handler) error(w http.ResponseWriter, r *http.Request, err error) {
	e, ok := apperr.As(err)
	status := 0
	if ok {
		status = e.Kind.HTTPStatus()
	}
	if status == 0 {
		h.logger.ErrorContext(r.Context(), "api: internal error", "method", r.Method, "path", r.URL.Path, "error", err)
		h.writeError(w, r, http.StatusInternalServerError, internalError())
		return
	}
	h.writeError(w, r, status, e)
}

// writeError writes e with the given status; it does not log.
func (h *handler) writeError(w http.ResponseWriter, r *http.Request, status int, e *apperr.Error) {
	h.json(w, r, status, errorBody{errorDetail{Code: e.Code, Message: e.EN, MessageZH: e.ZH, Field: e.Field, Rows: e.Rows}})
}

// decode reads the JSON request body into v. The body must be one JSON
// value of v's shape, with no unknown fields and nothing after it, and no
// larger than the handler's limit. Errors are [apperr.Error]s naming the
// problem: request.too_large, request.malformed_json, or the error of a
// field's own decoder (such as quantity.malformed).
func (h *handler) decode(w http.ResponseWriter, r *http.Request, v any) error {
	if r.ContentLength > h.maxBody {
		return tooLarge(h.maxBody)
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, h.maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err, h.maxBody)
	}
	if _, err := dec.Token(); err != io.EOF {
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			return tooLarge(h.maxBody)
		}
		return malformed("请求体在 JSON 值之后还有多余内容", "request body has data after the JSON value", "")
	}
	return nil
}

// decodeError explains why a request body could not be decoded.
func decodeError(err error, limit int64) error {
	var maxErr *http.MaxBytesError
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &maxErr):
		return tooLarge(limit)
	case errors.Is(err, io.EOF):
		return malformed("请求体为空,应为 JSON 对象", "request body is empty; want a JSON object", "")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return malformed("请求体中的 JSON 不完整", "request body ends in the middle of the JSON value", "")
	case errors.As(err, &syntaxErr):
		return malformed(
			fmt.Sprintf("JSON 语法错误(第 %d 字节):%s", syntaxErr.Offset, syntaxErr.Error()),
			fmt.Sprintf("JSON syntax error at byte %d: %s", syntaxErr.Offset, syntaxErr.Error()), "")
	case errors.As(err, &typeErr):
		want := jsonType(typeErr.Type)
		if typeErr.Field == "" {
			return malformed(fmt.Sprintf("请求体应为 JSON %s,实际为 %s", want, typeErr.Value),
				fmt.Sprintf("request body must be a JSON %s, got %s", want, typeErr.Value), "")
		}
		return malformed(fmt.Sprintf("字段 %s 应为 JSON %s,实际为 %s", typeErr.Field, want, typeErr.Value),
			fmt.Sprintf("field %s must be a JSON %s, got %s", typeErr.Field, want, typeErr.Value), typeErr.Field)
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name, _ = strconv.Unquote(name)
		return malformed(fmt.Sprintf("未知字段「%s」", name), fmt.Sprintf("unknown field %q", name), name)
	}
	if e, ok := apperr.As(err); ok {
		return e // a field's own decoder, such as stock.Quantity
	}
	return malformed("请求体不是有效的 JSON:"+err.Error(), "request body is not valid JSON: "+err.Error(), "")
}

func malformed(zh, en, field string) error {
	return &apperr.Error{Kind: apperr.Invalid, Code: "request.malformed_json", Field: field, ZH: zh, EN: en}
}

func tooLarge(limit int64) error {
	return &apperr.Error{Kind: apperr.TooLarge, Code: "request.too_large",
		ZH: fmt.Sprintf("请求体过大:最多 %d 字节", limit),
		EN: fmt.Sprintf("request body is too large: %d bytes at most", limit)}
}

// jsonType names the JSON type that decodes into t.
func jsonType(t reflect.Type) string {
	if t == nil {
		return "value"
	}
	switch t.Kind() {
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.String:
		return "string"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Struct, reflect.Map:
		return "object"
	case reflect.Pointer:
		return jsonType(t.Elem())
	}
	return "value"
}

// badParam is the error for a query or path parameter with a bad value.
func badParam(name, value, wantZH, wantEN string) error {
	return &apperr.Error{Kind: apperr.Invalid, Code: "param.invalid", Field: name,
		ZH: fmt.Sprintf("参数 %s 的值「%s」无效:应为%s", name, value, wantZH),
		EN: fmt.Sprintf("parameter %s=%q is invalid: want %s", name, value, wantEN)}
}

// intParam reads the integer query parameter name, which must lie in
// [lo, hi]; it returns 0 when the parameter is absent.
func intParam(q url.Values, name string, lo, hi int64) (int64, error) {
	s := q.Get(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < lo || n > hi {
		return 0, badParam(name, s, fmt.Sprintf(" %d 到 %d 之间的整数", lo, hi),
			fmt.Sprintf("an integer from %d to %d", lo, hi))
	}
	return n, nil
}

// floatParam reads the number query parameter name; nil when absent.
// Ranges are the reader's to check.
func floatParam(q url.Values, name string) (*float64, error) {
	s := q.Get(name)
	if s == "" {
		return nil, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, badParam(name, s, "数字", "a number")
	}
	return &f, nil
}

// dateParam reads the YYYY-MM-DD query parameter name; "" when absent.
func dateParam(q url.Values, name string) (string, error) {
	s := q.Get(name)
	if s == "" {
		return "", nil
	}
	if _, err := time.Parse(stock.DateLayout, s); err != nil {
		return "", badParam(name, s, " YYYY-MM-DD 格式的日期", "a date as YYYY-MM-DD")
	}
	return s, nil
}

// oneOfParam reads the query parameter name, which must be one of allowed
// when present.
func oneOfParam(q url.Values, name string, allowed ...string) (string, error) {
	s := q.Get(name)
	if s == "" {
		return "", nil
	}
	for _, a := range allowed {
		if s == a {
			return s, nil
		}
	}
	all := strings.Join(allowed, ", ")
	return "", badParam(name, s, " "+strings.Join(allowed, "、")+" 之一", "one of "+all)
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
