package web

import (
	"math"
	"strconv"
	"strings"

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
