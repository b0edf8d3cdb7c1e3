// Package warning models hazard warnings (预警): notice that a flood, an
// earthquake aftershock sequence, a forest fire, a chemical accident or a
// cold wave is expected, so that supplies can be moved towards the districts
// at risk before the disaster rather than after it.
//
// A warning arrives either as JSON typed in by a duty officer or as an
// OASIS Common Alerting Protocol 1.2 (CAP) document. CAP is the exchange
// format of public warning systems; China's national emergency early-warning
// release system (国家突发事件预警信息发布系统) publishes in it, as do the
// meteorological and earthquake services. [ParseCAP] reads such a document
// and reduces it to a [Warning]: which hazard, how grave, which of the home
// city's districts, and when. Both paths end in [Warning.Validate].
package warning

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/stockpile-dev/stockpile/internal/apperr"
)

// Hazard names. A warning's Hazard is one of these.
const (
	HazardFlood      = "flood"       // 暴雨、洪涝、山洪
	HazardEarthquake = "earthquake"  // 地震
	HazardForestFire = "forest-fire" // 森林草原火灾
	HazardHazmat     = "hazmat"      // 危险化学品事故
	HazardColdSnow   = "cold-snow"   // 寒潮、暴雪、低温雨雪冰冻
	HazardGeneral    = "general"     // 其他或综合
)

// Hazards lists every hazard name in display order. Callers must not modify
// it.
var Hazards = []string{HazardFlood, HazardEarthquake, HazardForestFire, HazardHazmat, HazardColdSnow, HazardGeneral}

var hazardZH = map[string]string{
	HazardFlood:      "暴雨洪涝",
	HazardEarthquake: "地震",
	HazardForestFire: "森林草原火灾",
	HazardHazmat:     "危险化学品事故",
	HazardColdSnow:   "低温雨雪冰冻",
	HazardGeneral:    "综合",
}

// HazardNameZH returns the Chinese name of a hazard, or "" if h is not one of
// [Hazards].
func HazardNameZH(h string) string { return hazardZH[h] }

// Sources of a warning.
const (
	SourceJSON = "json" // entered through the API
	SourceCAP  = "cap"  // parsed from a CAP 1.2 document by ParseCAP
)

// Limits on a warning's fields.
const (
	MaxIdentifierLen = 256  // bytes
	MaxAreas         = 1000 // area codes per warning
)

// Warning is a hazard warning reduced to what pre-positioning needs.
type Warning struct {
	// Identifier is the CAP identifier, or a code the user chose.
	Identifier string `json:"identifier"`
	// Sender is who issued the warning (the CAP sender), if known.
	Sender   string `json:"sender,omitempty"`
	Headline string `json:"headline,omitempty"`
	// Hazard is one of Hazards.
	Hazard string `json:"hazard"`
	// Level is the warning or response level (预警级别/响应级别): 1 (Ⅰ级,
	// red, the gravest) to 4 (Ⅳ级, blue).
	Level int `json:"level"`
	// Areas are the codes of the areas at risk, such as the district code
	// "110111" (房山区).
	Areas []string `json:"areas"`
	// Onset is when the hazard is expected (unix seconds); 0 means now.
	Onset int64 `json:"onset,omitempty"`
	// Expires is when the warning lapses (unix seconds); 0 means until
	// lifted.
	Expires int64 `json:"expires,omitempty"`
	// Source is SourceJSON or SourceCAP; empty is taken as SourceJSON.
	Source string `json:"source,omitempty"`
}

// Validate checks a warning's shape and that each of its area codes is
// known; a nil known accepts any non-blank code. Errors are *apperr.Error of
// kind Invalid whose Field is the JSON path of the offending input, such as
// "areas[1]". Validate does not read the clock: a warning that has already
// expired is still well formed.
func (w Warning) Validate(known func(code string) bool) error {
	switch {
	case strings.TrimSpace(w.Identifier) == "":
		return invalid("warning.identifier", "identifier", "缺少预警标识", "identifier is required")
	case len(w.Identifier) > MaxIdentifierLen:
		return invalid("warning.identifier", "identifier", "预警标识不能超过 %d 字节",
			"identifier must be at most %d bytes", MaxIdentifierLen)
	case w.Hazard == "":
		return invalid("warning.hazard", "hazard", "缺少灾种", "hazard is required")
	case HazardNameZH(w.Hazard) == "":
		return invalid("warning.hazard", "hazard", "灾种「%s」无效：应为 %s", "hazard %q is invalid: want one of %s",
			clip(w.Hazard), strings.Join(Hazards, ", "))
	case w.Level < 1 || w.Level > 4:
		return invalid("warning.level", "level", "预警级别须为 1（Ⅰ级）到 4（Ⅳ级），实际为 %d",
			"level must be 1 (gravest) to 4, got %d", w.Level)
	case w.Source != "" && w.Source != SourceJSON && w.Source != SourceCAP:
		return invalid("warning.source", "source", "来源须为 json 或 cap", "source must be json or cap")
	}
	if err := w.validateTimes(); err != nil {
		return err
	}
	return validateAreas(w.Areas, known)
}

func (w Warning) validateTimes() error {
	switch {
	case w.Onset < 0:
		return invalid("warning.time", "onset", "开始时间不能早于 1970 年", "onset must not be before 1970")
	case w.Expires < 0:
		return invalid("warning.time", "expires", "失效时间不能早于 1970 年", "expires must not be before 1970")
	case w.Expires != 0 && w.Expires < w.Onset:
		return invalid("warning.expires", "expires", "失效时间早于开始时间", "expires is before onset")
	}
	return nil
}

func validateAreas(codes []string, known func(string) bool) error {
	switch {
	case len(codes) == 0:
		return invalid("warning.areas", "areas", "至少需要一个预警区域", "at least one area is required")
	case len(codes) > MaxAreas:
		return invalid("warning.areas", "areas", "预警区域不能超过 %d 个", "at most %d areas are allowed", MaxAreas)
	}
	seen := make(map[string]bool, len(codes))
	for i, c := range codes {
		field := fmt.Sprintf("areas[%d]", i)
		switch {
		case strings.TrimSpace(c) == "":
			return invalid("warning.area_blank", field, "区域编码为空", "area code is blank")
		case seen[c]:
			return invalid("warning.area_duplicate", field, "区域编码 %s 重复", "area code %s appears twice", clip(c))
		case known != nil && !known(c):
			return invalid("warning.area_unknown", field, "区域「%s」不存在", "area %q is not known", clip(c))
		}
		seen[c] = true
	}
	return nil
}

// clip shortens an input quoted in a message, which may be up to a
// megabyte long.
func clip(s string) string {
	const max = 64
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return string([]rune(s)[:max]) + "…"
}

// invalid is shorthand for an Invalid error about one field.
func invalid(code, field, zh, en string, args ...any) *apperr.Error {
	return apperr.New(apperr.Invalid, code, zh, en, args...).WithField(field)
}
