package stock

import (
	"strconv"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/apperr"
)

// Quantity is an exact amount in thousandths of an item's unit, so that
// measured goods (吨, 升, 平方米) can be fractional while sums stay exact and
// the ledger hash never depends on floating-point formatting. Counted goods
// (顶, 件, 台) must be whole: see [Quantity.Whole].
type Quantity int64

// Scale is the number of Quantity steps in one unit.
const Scale = 1000

// Units returns a Quantity of n whole units.
func Units(n int64) Quantity { return Quantity(n * Scale) }

// Whole reports whether q is a whole number of units.
func (q Quantity) Whole() bool { return q%Scale == 0 }

// Float returns q in units, for display and volume arithmetic only.
func (q Quantity) Float() float64 { return float64(q) / Scale }

// String formats q as a plain decimal with no trailing zeros ("12", "0.5").
func (q Quantity) String() string {
	neg := q < 0
	if neg {
		q = -q
	}
	s := strconv.FormatInt(int64(q/Scale), 10)
	if frac := int64(q % Scale); frac != 0 {
		f := strings.TrimRight(strconv.FormatInt(frac+Scale, 10)[1:], "0")
		s += "." + f
	}
	if neg {
		s = "-" + s
	}
	return s
}

// MarshalJSON writes q as a JSON number.
func (q Quantity) MarshalJSON() ([]byte, error) { return []byte(q.String()), nil }

// UnmarshalJSON reads a JSON number or a string holding one.
func (q *Quantity) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	v, err := ParseQuantity(s)
	if err != nil {
		return err
	}
	*q = v
	return nil
}

// ParseQuantity reads a decimal such as "300", "-2" or "12.125". It refuses
// exponents, more than three decimal places and values that would overflow.
func ParseQuantity(s string) (Quantity, error) {
	bad := apperr.New(apperr.Invalid, "quantity.malformed",
		"数量「%s」格式错误:应为最多三位小数的十进制数", "quantity %q is malformed: want a decimal with at most 3 places", s).WithField("quantity")
	neg := strings.HasPrefix(s, "-")
	s2 := strings.TrimPrefix(s, "-")
	whole, frac, hasDot := strings.Cut(s2, ".")
	if whole == "" || len(frac) > 3 || (hasDot && frac == "") || len(whole) > 15 ||
		strings.Trim(whole, "0123456789") != "" || strings.Trim(frac, "0123456789") != "" {
		return 0, bad
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, bad
	}
	var f int64
	if frac != "" {
		f, _ = strconv.ParseInt((frac + "00")[:3], 10, 64)
	}
	q := Quantity(w*Scale + f)
	if neg {
		q = -q
	}
	return q, nil
}
