// Package money is amounts of money in yuan (元), held exactly as whole
// fen (分): estimated values of requisitioned goods, assessed and paid
// compensation, and the cost of what an incident used. No amount is ever
// a floating-point number; JSON carries it as a decimal string with two
// places ("1234.50"), which no client parses into a binary fraction by
// accident.
package money

import (
	"encoding/json"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// Fen is an amount in fen, one hundredth of a yuan.
type Fen int64

// MaxYuan bounds an amount taken as input: one hundred billion yuan,
// beyond the whole compensation budget of any city. Sums of a million
// amounts at the bound still fit in int64.
const MaxYuan = 100_000_000_000

// MaxFen is MaxYuan in fen.
const MaxFen = Fen(MaxYuan * 100)

// Yuan returns n whole yuan.
func Yuan(n int64) Fen { return Fen(n * 100) }

// String writes the amount in yuan with two decimals: "1234.50", "-0.05".
func (f Fen) String() string {
	if f == math.MinInt64 {
		return "-92233720368547758.08"
	}
	neg := f < 0
	if neg {
		f = -f
	}
	s := strconv.FormatInt(int64(f/100), 10) + "." + strconv.FormatInt(int64(f%100)+100, 10)[1:]
	if neg {
		s = "-" + s
	}
	return s
}

// MarshalJSON writes the amount as a JSON string of yuan with two
// decimals.
func (f Fen) MarshalJSON() ([]byte, error) { return []byte(`"` + f.String() + `"`), nil }

// UnmarshalJSON reads a JSON string or number of yuan, with at most two
// decimals, exactly (never through a float): "1234.5", 1234.50, "12".
func (f *Fen) UnmarshalJSON(b []byte) error {
	s := string(b)
	if strings.HasPrefix(s, `"`) {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	}
	v, err := ParseYuan(s)
	if err != nil {
		return err
	}
	*f = v
	return nil
}

// ParseYuan reads an amount of yuan such as "1234.50", "12" or "0.5": an
// optional minus, digits, and at most two decimals; no exponent, no
// thousands separators. It refuses other text (money.malformed) and an
// amount beyond MaxYuan either way (money.too_large). Errors name no
// field: callers name it (apperr.Error.WithField).
func ParseYuan(s string) (Fen, error) {
	bad := apperr.New(apperr.Invalid, "money.malformed",
		"金额「%s」格式错误：应为以元为单位、最多两位小数的数，如 1234.50",
		"amount %q is malformed: want yuan with at most 2 decimals, such as 1234.50", s)
	t := strings.TrimSpace(s)
	neg := strings.HasPrefix(t, "-")
	t = strings.TrimPrefix(t, "-")
	whole, frac, dot := strings.Cut(t, ".")
	if whole == "" || len(whole) > 15 || len(frac) > 2 || dot && frac == "" ||
		strings.Trim(whole, "0123456789") != "" || strings.Trim(frac, "0123456789") != "" {
		return 0, bad
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, bad
	}
	var c int64
	if frac != "" {
		c, _ = strconv.ParseInt((frac + "0")[:2], 10, 64)
	}
	f := Fen(w*100 + c)
	if neg {
		f = -f
	}
	return f, f.CheckRange()
}

// CheckRange refuses an amount beyond MaxYuan either way
// (money.too_large).
func (f Fen) CheckRange() error {
	if f >= -MaxFen && f <= MaxFen {
		return nil
	}
	return apperr.New(apperr.Invalid, "money.too_large", "金额 %s 元超出范围：绝对值最多为 %d 元",
		"amount %s yuan is out of range: at most %d yuan either way", f.String(), int64(MaxYuan))
}

// FromYuan converts a price in yuan held as a float (the readiness price
// list's) to fen, rounded to the nearest fen. The price list holds prices
// of at most MaxPriceYuan, so the conversion is exact for every price
// written with two decimals.
func FromYuan(yuan float64) Fen { return Fen(math.Round(yuan * 100)) }

// Add returns f + g, and false when the sum overflows int64.
func (f Fen) Add(g Fen) (Fen, bool) {
	s := f + g
	if (g > 0 && s < f) || (g < 0 && s > f) {
		return s, false
	}
	return s, true
}

// Times returns the amount of q units at unit apiece, rounded to the
// nearest fen (halves away from zero), computed exactly; false when the
// result does not fit in int64.
func Times(q stock.Quantity, unit Fen) (Fen, bool) {
	p := new(big.Int).Mul(big.NewInt(int64(q)), big.NewInt(int64(unit)))
	neg := p.Sign() < 0
	p.Abs(p)
	p.Add(p, big.NewInt(stock.Scale/2))
	p.Quo(p, big.NewInt(stock.Scale))
	if neg {
		p.Neg(p)
	}
	if !p.IsInt64() {
		return 0, false
	}
	return Fen(p.Int64()), true
}
