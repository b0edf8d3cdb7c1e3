// Package httpx is what Stockpile's two HTTP surfaces, the JSON API and
// the web screens, share at the edge: reading query and path parameters,
// decoding request bodies, and turning errors into a status, a message in
// both languages and one log record. Rules stay in the domain packages and
// the use cases (package ops); this package only translates.
package httpx

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/cst"
)

// BadParam is the error for a query or path parameter with a bad value
// (param.invalid): what was given, and what is wanted in each language.
func BadParam(name, value, wantZH, wantEN string) *apperr.Error {
	return &apperr.Error{Kind: apperr.Invalid, Code: "param.invalid", Field: name,
		ZH: fmt.Sprintf("参数 %s 的值「%s」无效：应为%s", name, value, wantZH),
		EN: fmt.Sprintf("parameter %s=%q is invalid: want %s", name, value, wantEN)}
}

// Int reads the integer query parameter name, which must lie in [lo, hi];
// 0 when it is absent or blank.
func Int(q url.Values, name string, lo, hi int64) (int64, error) {
	s := strings.TrimSpace(q.Get(name))
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < lo || n > hi {
		return 0, BadParam(name, s, fmt.Sprintf(" %d 到 %d 之间的整数", lo, hi),
			fmt.Sprintf("an integer from %d to %d", lo, hi))
	}
	return n, nil
}

// Float reads the number query parameter name, which must be finite; nil
// when absent. Ranges are the reader's to check.
func Float(q url.Values, name string) (*float64, error) {
	s := strings.TrimSpace(q.Get(name))
	if s == "" {
		return nil, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, BadParam(name, s, "有限的数字", "a finite number")
	}
	return &f, nil
}

// Date reads the YYYY-MM-DD query parameter name; "" when absent.
func Date(q url.Values, name string) (string, error) {
	s := strings.TrimSpace(q.Get(name))
	if s == "" {
		return "", nil
	}
	if _, err := time.Parse(cst.DateLayout, s); err != nil {
		return "", BadParam(name, s, " YYYY-MM-DD 格式的日期", "a date as YYYY-MM-DD")
	}
	return s, nil
}

// OneOf reads the query parameter name, which must be one of allowed when
// present; "" when absent.
func OneOf(q url.Values, name string, allowed ...string) (string, error) {
	s := q.Get(name)
	if s == "" || slices.Contains(allowed, s) {
		return s, nil
	}
	return "", BadParam(name, s, " "+strings.Join(allowed, "、")+" 之一", "one of "+strings.Join(allowed, ", "))
}

// ID reads the path value name as a positive integer id (a plan, posting,
// transfer or recommendation number).
func ID(r *http.Request, name string) (int64, error) {
	s := r.PathValue(name)
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, BadParam(name, s, "正整数编号", "a positive integer id")
	}
	return id, nil
}
