package readiness

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/warning"
)

// ReadWarning reads a warning given as JSON or as a CAP 1.2 alert (XML,
// told apart by its first character), resolving a CAP alert's areas against
// the city's districts; the warning's areas must be districts of the city.
func ReadWarning(ctx context.Context, d Data, body []byte) (warning.Warning, error) {
	_, districts, err := d.City(ctx)
	if err != nil {
		return warning.Warning{}, fmt.Errorf("readiness: city: %w", err)
	}
	refs := make([]warning.AreaRef, len(districts))
	known := map[string]bool{}
	for i, a := range districts {
		refs[i] = warning.AreaRef{Code: a.Code, NameZH: a.NameZH, NameEN: a.NameEN, Point: a.Point}
		known[a.Code] = true
	}
	if t := bytes.TrimSpace(body); len(t) > 0 && t[0] == '<' {
		return warning.ParseCAP(body, refs)
	}
	var w warning.Warning
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return w, apperr.New(apperr.Invalid, "warning.json", "预警 JSON 无法解析：%v", "warning JSON is malformed: %v", err)
	}
	if dec.More() {
		return w, apperr.New(apperr.Invalid, "warning.json", "预警 JSON 之后还有多余内容", "the warning JSON is followed by more data")
	}
	if w.Source == "" {
		w.Source = warning.SourceJSON
	}
	return w, w.Validate(func(code string) bool { return known[code] })
}
