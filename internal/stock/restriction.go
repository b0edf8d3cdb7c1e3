package stock

import (
	"strings"
	"unicode/utf8"

	"github.com/stockpile-dev/stockpile/internal/apperr"
)

// Restriction is what a donor allows a lot to be used for (捐赠物资使用限制):
// only for sites in an area, only for incidents of a type, in the donor's
// words besides. A lot carries its restriction wherever it is moved; the
// dispatch planner sends it only where the restriction allows.
type Restriction struct {
	// Area is an area code: a district of the home city keeps the lot for
	// sites in that district; the city itself (or any area that is not a
	// home district) keeps it for sites inside the home city.
	Area string `json:"area,omitempty"`
	// IncidentType keeps the lot for incidents of this type (flood,
	// earthquake, …).
	IncidentType string `json:"incident_type,omitempty"`
	// Purpose is the donor's condition as written (仅用于…).
	Purpose string `json:"purpose,omitempty"`
}

// IsZero reports whether r restricts nothing.
func (r Restriction) IsZero() bool { return r == Restriction{} }

// Binding reports whether r limits where the planner may send the lot
// (an area or an incident type); a purpose alone is shown, not enforced.
func (r Restriction) Binding() bool { return r.Area != "" || r.IncidentType != "" }

// Key identifies the restriction's binding part, to group lots that may go
// to the same sites.
func (r Restriction) Key() string { return r.Area + "|" + r.IncidentType }

// Validate checks the restriction's form; the area's existence is the
// store's to check.
func (r Restriction) Validate() error {
	for _, f := range []struct{ name, zh, v string }{{"area", "限定区域", r.Area},
		{"incident_type", "限定事件类型", r.IncidentType}, {"purpose", "用途限定", r.Purpose}} {
		if !utf8.ValidString(f.v) || utf8.RuneCountInString(f.v) > 200 || strings.ContainsRune(f.v, 0) {
			return &apperr.Error{Kind: apperr.Invalid, Code: "restriction.invalid", Field: "restriction." + f.name,
				ZH: f.zh + "须为不超过 200 个字符的文字", EN: "restriction." + f.name + " must be text of at most 200 characters"}
		}
	}
	return nil
}
