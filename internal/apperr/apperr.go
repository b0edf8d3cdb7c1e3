// Package apperr defines the errors Stockpile shows to people: each carries a
// stable machine code, a kind that decides the HTTP status, and a message in
// Chinese and in English. Domain packages return them; the API and the CLI
// render them without knowing where they came from.
package apperr

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Kind classifies an error by what the caller can do about it.
type Kind int

const (
	// Invalid means the input was wrong; fix it and try again (HTTP 400/422).
	Invalid Kind = iota + 1
	// NotFound means a referenced thing does not exist (HTTP 404).
	NotFound
	// Conflict means the request clashes with the current state, such as
	// insufficient stock or a reused idempotency key (HTTP 409).
	Conflict
	// TooLarge means the request body exceeded the limit (HTTP 413).
	TooLarge
	// Forbidden means the request may not be made from where it came, such
	// as a page of another site (HTTP 403).
	Forbidden
	// Unsupported means the body is of a media type the route does not
	// take (HTTP 415).
	Unsupported
	// Unavailable means a part the request needs, such as the database,
	// does not answer now; try again later (HTTP 503).
	Unavailable
	// Unauthenticated means the request names no one: sign in or present a
	// token (HTTP 401).
	Unauthenticated
	// Throttled means too many attempts came too fast; wait and try again
	// (HTTP 429).
	Throttled
)

// HTTPStatus is the status a web surface answers with for the kind, or 0
// for an unknown kind. Every kind of bad input is a 400, whether malformed
// or semantically invalid, so clients branch on one status and read the
// code.
func (k Kind) HTTPStatus() int {
	switch k {
	case Invalid:
		return http.StatusBadRequest
	case NotFound:
		return http.StatusNotFound
	case Conflict:
		return http.StatusConflict
	case TooLarge:
		return http.StatusRequestEntityTooLarge
	case Forbidden:
		return http.StatusForbidden
	case Unsupported:
		return http.StatusUnsupportedMediaType
	case Unavailable:
		return http.StatusServiceUnavailable
	case Unauthenticated:
		return http.StatusUnauthorized
	case Throttled:
		return http.StatusTooManyRequests
	}
	return 0
}

// Error is an error with a stable code and a bilingual message.
type Error struct {
	Kind  Kind
	Code  string // stable, dotted, e.g. "stock.insufficient"
	Field string // the offending input field, if any
	ZH    string // message in Chinese
	EN    string // message in English
	// Rows is the row-by-row report of a refused import: every bad row,
	// not only the first.
	Rows []Row
	// RetryAfter is how many seconds an Unavailable error suggests waiting
	// before trying again (the HTTP Retry-After header); 0 suggests nothing.
	RetryAfter int
}

// Row is what is wrong with one row of an imported file.
type Row struct {
	Line  int    `json:"line"`           // 1 is the header
	Code  string `json:"code,omitempty"` // the stable code of what is wrong, as Error's
	Field string `json:"field,omitempty"`
	ZH    string `json:"message_zh"`
	EN    string `json:"message"`
}

func (e *Error) Error() string { return e.EN }

// New returns an Error; the two messages are formatted with the same args.
func New(kind Kind, code, zh, en string, args ...any) *Error {
	return &Error{Kind: kind, Code: code, ZH: fmt.Sprintf(zh, args...), EN: fmt.Sprintf(en, args...)}
}

// WithField returns a copy of e that names the offending field.
func (e *Error) WithField(field string) *Error {
	c := *e
	c.Field = field
	return &c
}

// As reports whether err wraps an *Error and returns it.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// CodeOf is err's code when it is an Error, its text when it is another
// error, and "" for nil: what tests compare.
func CodeOf(err error) string {
	if e, ok := As(err); ok {
		return e.Code
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

// IsKind reports whether err wraps an *Error of the given kind.
func IsKind(err error, kind Kind) bool {
	e, ok := As(err)
	return ok && e.Kind == kind
}

// NotFoundf is shorthand for a NotFound error about a thing (named in English
// and Chinese) identified by key.
func NotFoundf(what, whatZH, key string) *Error {
	return &Error{
		Kind: NotFound,
		Code: what + ".not_found",
		ZH:   fmt.Sprintf("%s「%s」不存在", whatZH, key),
		EN:   fmt.Sprintf("%s %q not found", what, key),
	}
}

// Required is the error for a missing field, named in both languages.
func Required(field, nameZH, nameEN string) *Error {
	return &Error{
		Kind:  Invalid,
		Code:  "field.required",
		Field: field,
		ZH:    "缺少" + nameZH + "(" + field + ")",
		EN:    nameEN + " (" + field + ") is required",
	}
}

// Within returns err with path put in front of the input field it names, so
// that an error found in a part names its place in the whole: path
// "sites[0]" and field "demands[1].quantity" make
// "sites[0].demands[1].quantity"; an error naming no field names path.
// Errors that are not an *Error, and nil, are returned as they are.
func Within(path string, err error) error {
	e, ok := As(err)
	if !ok {
		return err
	}
	c := *e
	path = strings.TrimSuffix(path, ".")
	if c.Field == "" {
		c.Field = path
	} else {
		c.Field = path + "." + c.Field
	}
	return &c
}

// Rebase returns err with the prefix from of the field it names replaced
// by to: a use case that names its input incidents[0] is reported by a
// surface whose request calls it incident. Errors whose field does not
// start with from, errors that are not an *Error, and nil pass unchanged.
func Rebase(err error, from, to string) error {
	e, ok := As(err)
	if !ok {
		return err
	}
	rest, found := strings.CutPrefix(e.Field, from)
	if !found {
		return err
	}
	return e.WithField(to + rest)
}
