package readiness

import (
	"fmt"
	"slices"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/area"
)

// DefaultHazard is the hazard of the standing level Ⅱ events when none is
// chosen.
const DefaultHazard = "flood"

// ParsePair reads the two districts of the second standing scenario as
// people give them: one value "a,b" (the API, the CLI's --pair) or two
// values a and b (a form with one field per district). No value (or only
// empty ones) means DefaultPair. Whether the codes are districts of the city is the
// assessment's to check. Errors name the field "pair".
func ParsePair(values []string) ([2]string, error) {
	var parts []string
	for _, v := range values {
		if v != "" {
			parts = append(parts, strings.Split(v, ",")...)
		}
	}
	if len(parts) == 0 {
		return DefaultPair, nil
	}
	if len(parts) != 2 || strings.TrimSpace(parts[0]) == "" || strings.TrimSpace(parts[1]) == "" {
		return [2]string{}, apperr.New(apperr.Invalid, "readiness.pair", "参数 pair 须为两个区编码，以逗号分隔（实际为「%s」）",
			"pair must be two district codes separated by a comma (got %q)", strings.Join(values, ",")).WithField("pair")
	}
	return [2]string{strings.TrimSpace(parts[0]), strings.TrimSpace(parts[1])}, nil
}

// CheckPair refuses a pair naming an area that is not one of the city's
// districts (readiness.pair, naming pair[i]).
func CheckPair(pair [2]string, districts []area.Area) error {
	for i, code := range pair {
		if !slices.ContainsFunc(districts, func(d area.Area) bool { return d.Code == code }) {
			return apperr.New(apperr.Invalid, "readiness.pair", "「%s」不是本市的区", "%q is not a district of the city",
				code).WithField(fmt.Sprintf("pair[%d]", i))
		}
	}
	return nil
}

// PairFor is the default pair for a city with these districts:
// DefaultPair where the city has both (Beijing), otherwise its first two
// districts, so that a city that loaded its own areas is assessed without
// naming a pair rather than refused for Beijing's. A city of fewer than
// two districts keeps DefaultPair, which CheckPair then refuses.
func PairFor(districts []area.Area) [2]string {
	has := func(code string) bool {
		return slices.ContainsFunc(districts, func(d area.Area) bool { return d.Code == code })
	}
	if (has(DefaultPair[0]) && has(DefaultPair[1])) || len(districts) < 2 {
		return DefaultPair
	}
	return [2]string{districts[0].Code, districts[1].Code}
}
