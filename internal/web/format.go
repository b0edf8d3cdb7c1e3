package web

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/stockpile-dev/stockpile/internal/stock"
)

// formatNumber writes a number as people read it in a table: thousands
// separated by commas, at most one decimal, no trailing ".0".
func formatNumber(v any) string {
	var f float64
	switch n := v.(type) {
	case int:
		f = float64(n)
	case int64:
		f = float64(n)
	case float64:
		f = n
	case stock.Quantity:
		f = n.Float()
	default:
		return "–"
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "–"
	}
	s := strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64)
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString("." + frac)
	}
	return sign + b.String()
}

// durationText says how long minutes are in the page's language, the one
// form every screen uses: "2 小时 5 分", "45 分", "3 小时" in Chinese and
// "2 h 5 min", "45 min", "3 h" in English. (app.js's Stockpile.duration
// writes the same in the browser, from the fmt.* messages.)
func durationText(lang string, minutes int) string {
	sign := ""
	if minutes < 0 {
		sign, minutes = "-", -minutes
	}
	h, m := minutes/60, minutes%60
	zh := lang != langEN
	switch {
	case h == 0 && zh:
		return fmt.Sprintf("%s%d 分", sign, m)
	case h == 0:
		return fmt.Sprintf("%s%d min", sign, m)
	case m == 0 && zh:
		return fmt.Sprintf("%s%s 小时", sign, formatNumber(h))
	case m == 0:
		return fmt.Sprintf("%s%s h", sign, formatNumber(h))
	case zh:
		return fmt.Sprintf("%s%s 小时 %d 分", sign, formatNumber(h), m)
	}
	return fmt.Sprintf("%s%s h %d min", sign, formatNumber(h), m)
}

// allowanceName matches the allowance routing.WithAllowance appends to a
// router's name: " (+25% contingency, +20m0s handling)".
var allowanceName = regexp.MustCompile(`^(.*) \(\+([0-9.]+)% contingency, \+([0-9hms.]+) handling\)$`)

// routerText names where travel times came from (a routing.Router's Name,
// as a plan or a search records it) in the page's language:
// "great-circle" is 直线距离估算 in Chinese, and an allowance is spelt out.
// A name it does not know (a road graph's file, an OSRM server's address)
// is kept as it is, after the kind of router.
func routerText(lang, name string) string {
	tr := func(zh, en string) string { return pick(lang, zh, en) }
	suffix := ""
	if m := allowanceName.FindStringSubmatch(name); m != nil {
		name = m[1]
		d, err := time.ParseDuration(m[3])
		handling := m[3]
		if err == nil {
			handling = durationText(lang, int(d.Minutes()))
		}
		suffix = fmt.Sprintf(tr("（另加 %s%% 余量、%s 装卸）", " (+%s%% contingency, +%s handling)"), m[2], handling)
	}
	switch {
	case name == "great-circle":
		name = tr("直线距离估算", "great-circle estimate")
	case strings.HasPrefix(name, "osrm:"):
		name = tr("OSRM 路网 ", "OSRM road network ") + strings.TrimPrefix(name, "osrm:")
	case strings.HasPrefix(name, "osm:"):
		name = tr("OpenStreetMap 路网 ", "OpenStreetMap roads ") + strings.TrimPrefix(name, "osm:")
	case name == "road":
		name = tr("路网", "road network")
	case name == "":
		name = "–"
	}
	return name + suffix
}

// StatusClass is the badge colour of a lot's status: good ok, pending
// warn, damaged and expired bad.
func (p *page) StatusClass(s stock.Status) string {
	switch s {
	case stock.StatusGood:
		return "ok"
	case stock.StatusPending:
		return "warn"
	}
	return "bad"
}
