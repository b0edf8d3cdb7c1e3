package report

import (
	"fmt"
	"strings"
	"unicode/utf16"

	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/warning"
)

// maxSheetName is Excel's limit on a sheet name, in UTF-16 code units (a
// Chinese character is one, an emoji two).
const maxSheetName = 31

// sheetName joins the non-empty parts with spaces into a name Excel
// accepts: the characters Excel forbids (: \ / ? * [ ]), apostrophes (which
// a sheet name may not start or end with, and which formulas would have to
// escape) and control characters become "_", the result is cut to 31 code
// units without splitting a character, and a name left empty or Excel's
// reserved "History" is changed.
func sheetName(parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			kept = append(kept, p)
		}
	}
	name := strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(`:\/?*[]'`, r) {
			return '_'
		}
		return r
	}, strings.Join(kept, " "))
	name = strings.TrimSpace(cut(name, maxSheetName))
	switch {
	case name == "":
		return "Sheet"
	case strings.EqualFold(name, "History"):
		return "History_"
	}
	return name
}

// cut returns the longest prefix of s of at most n UTF-16 code units.
func cut(s string, n int) string {
	used := 0
	for i, r := range s {
		if used += utf16.RuneLen(r); used > n {
			return s[:i]
		}
	}
	return s
}

// names are the sheet names a book has taken, lower-cased: Excel compares
// sheet names without regard to case.
type names map[string]bool

// unique returns name, or name with " (2)", " (3)" … after it when it is
// taken, still within Excel's limit; it records the name returned.
func (ns *names) unique(name string) string {
	if *ns == nil {
		*ns = names{}
	}
	out := name
	for n := 2; (*ns)[strings.ToLower(out)]; n++ {
		suffix := fmt.Sprintf(" (%d)", n)
		out = strings.TrimSpace(cut(name, maxSheetName-len(suffix))) + suffix
	}
	(*ns)[strings.ToLower(out)] = true
	return out
}

// hazardLabel is a hazard's Chinese name with its code: "暴雨洪涝 flood".
func hazardLabel(h string) string {
	if zh := warning.HazardNameZH(h); zh != "" {
		return zh + " " + h
	}
	return h
}

var tierZH = map[area.Level]string{
	area.LevelCity:      "市级",
	area.LevelDistrict:  "区级",
	area.LevelStreet:    "街道级",
	area.LevelCommunity: "社区级",
}

// tierLabel is a reserve tier in both languages: "市级 city".
func tierLabel(l area.Level) string {
	if zh, ok := tierZH[l]; ok {
		return zh + " " + string(l)
	}
	return string(l)
}

var purposeZH = map[catalog.Purpose]string{
	catalog.PurposeRescue: "应急救援",
	catalog.PurposeLife:   "生活保障",
}

// purposeLabel is an item's purpose in both languages: "生活保障 life".
func purposeLabel(p catalog.Purpose) string {
	if zh, ok := purposeZH[p]; ok {
		return zh + " " + string(p)
	}
	return string(p)
}

func yesNo(b bool) string {
	if b {
		return "是 Yes"
	}
	return "否 No"
}
