package stock

import (
	"math"
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

// MaxQuantity is the largest size of any one figure of stock taken as
// input or kept: a movement line, a lot's balance, a demand, an agreement
// reserve's quantity, a capacity reserve's output per day. It is 10^9
// units (10^12 thousandths): five hundred times all the stock of the
// Beijing demo put together (under 2 million units).
//
// The bound is what keeps sums exact: a million figures at the bound add
// up to 10^18 thousandths, within int64 (9.2×10^18), and a million lots is
// more than a province holds. Sums over more than that are added with
// [Quantity.Add], which reports an overflow, or [Quantity.SaturatingAdd]
// where a total is only shown.
//
// [ParseQuantity] refuses text beyond the bound. JSON decoding does not
// (stored documents carry totals, which may exceed it): validators of
// inputs call [Quantity.CheckRange], so that the error names the field.
const MaxQuantity = Quantity(1_000_000_000 * Scale)

// Units returns a Quantity of n whole units.
func Units(n int64) Quantity { return Quantity(n * Scale) }

// Whole reports whether q is a whole number of units.
func (q Quantity) Whole() bool { return q%Scale == 0 }

// Float returns q in units, for display and volume arithmetic only.
func (q Quantity) Float() float64 { return float64(q) / Scale }

// String formats q as a plain decimal with no trailing zeros ("12", "0.5").
func (q Quantity) String() string {
	if q == math.MinInt64 { // -q overflows
		return "-9223372036854775.808"
	}
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

// CheckRange refuses a quantity larger in size than [MaxQuantity], with
// the error quantity.too_large naming the field "quantity"; callers put
// the field's place in front with [apperr.Within]. Whether a quantity may
// be zero or negative is the caller's rule.
func (q Quantity) CheckRange() error {
	if q >= -MaxQuantity && q <= MaxQuantity {
		return nil
	}
	return apperr.New(apperr.Invalid, "quantity.too_large",
		"数量 %s 超出范围：绝对值最多为 %s", "quantity %s is out of range: at most %s either way",
		q.String(), MaxQuantity.String()).WithField("quantity")
}

// CheckPositive refuses a quantity that is not above zero
// (quantity.not_positive) or larger than [MaxQuantity] (CheckRange): the
// rule of every line, demand and reserve quantity but an adjustment's.
// The error names the field "quantity".
func (q Quantity) CheckPositive() error {
	if q <= 0 {
		return apperr.New(apperr.Invalid, "quantity.not_positive",
			"数量必须大于 0，实际为 %s", "quantity must be greater than 0, got %s", q.String()).WithField("quantity")
	}
	return q.CheckRange()
}

// Add returns q + r, and false when the sum overflows int64 (the sum is
// then meaningless). For sums that are stored or posted, where an overflow
// must be refused.
func (q Quantity) Add(r Quantity) (Quantity, bool) {
	s := q + r
	if (r > 0 && s < q) || (r < 0 && s > q) {
		return s, false
	}
	return s, true
}

// SaturatingAdd returns q + r, or the int64 bound it passes when the sum
// overflows. For totals that are only shown or compared, such as an
// assessment's, which must not fail: a total at the bound reads as "more
// than nine quadrillion units".
func (q Quantity) SaturatingAdd(r Quantity) Quantity {
	s, ok := q.Add(r)
	switch {
	case ok:
		return s
	case r > 0:
		return math.MaxInt64
	}
	return math.MinInt64
}

// MarshalJSON writes q as a JSON number.
func (q Quantity) MarshalJSON() ([]byte, error) { return []byte(q.String()), nil }

// UnmarshalJSON reads a JSON number or a string holding one, as
// [ParseQuantity] does but without the [MaxQuantity] bound: stored
// documents (plans, transfer orders, recommendations) carry totals beyond
// it, and an input's bound is checked by its validator, which names the
// field (see [Quantity.CheckRange]).
func (q *Quantity) UnmarshalJSON(b []byte) error {
	v, err := parse(strings.Trim(string(b), `"`))
	if err != nil {
		return err
	}
	*q = v
	return nil
}

// ParseQuantity reads a decimal such as "300", "-2" or "12.125". It refuses
// exponents and more than three decimal places (quantity.malformed), and a
// value larger in size than [MaxQuantity] (quantity.too_large). Errors
// name the field "quantity".
func ParseQuantity(s string) (Quantity, error) {
	q, err := parse(s)
	if err == nil {
		err = q.CheckRange()
	}
	if err != nil {
		return 0, err
	}
	return q, nil
}

// parse reads a decimal of at most 15 integer digits and 3 decimals, so
// that the result fits in int64 with room to spare.
func parse(s string) (Quantity, error) {
	bad := apperr.New(apperr.Invalid, "quantity.malformed",
		"数量「%s」格式错误：应为最多三位小数的十进制数", "quantity %q is malformed: want a decimal with at most 3 places", s).WithField("quantity")
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
