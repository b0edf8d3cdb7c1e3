package stock

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/apperr"
)

func TestParseQuantityRange(t *testing.T) {
	for in, want := range map[string]Quantity{
		"1000000000":     MaxQuantity,
		"-1000000000":    -MaxQuantity,
		"999999999.999":  MaxQuantity - 1,
		"1000000000.000": MaxQuantity,
		"-0":             0,
	} {
		got, err := ParseQuantity(in)
		if err != nil || got != want {
			t.Errorf("ParseQuantity(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for in, code := range map[string]string{
		"1000000000.001":   "quantity.too_large",
		"1000000001":       "quantity.too_large",
		"-1000000000.001":  "quantity.too_large",
		"999999999999999":  "quantity.too_large",
		"0000001000000000": "quantity.malformed",
		"1e308":            "quantity.malformed",
		"NaN":              "quantity.malformed",
		"Inf":              "quantity.malformed",
		"-Inf":             "quantity.malformed",
		"+1":               "quantity.malformed",
	} {
		_, err := ParseQuantity(in)
		e, ok := apperr.As(err)
		if !ok || e.Code != code || e.Field != "quantity" || e.Kind != apperr.Invalid || e.ZH == "" || e.EN == "" {
			t.Errorf("ParseQuantity(%q): %#v, want %s naming quantity", in, err, code)
		}
	}
}

// JSON decoding reads values beyond MaxQuantity, since stored documents
// carry totals; validators refuse them in inputs with CheckRange.
func TestQuantityJSONBeyondTheBound(t *testing.T) {
	var q Quantity
	if err := json.Unmarshal([]byte(`999999999999999`), &q); err != nil || q != Units(999999999999999) {
		t.Errorf("999999999999999 → %d, %v", q, err)
	}
	for _, in := range []string{`1e308`, `"1e308"`, `1e3`, `9999999999999999`, `"NaN"`, `"Infinity"`} {
		if err := json.Unmarshal([]byte(in), &q); err == nil {
			t.Errorf("%s decoded to %d; want quantity.malformed", in, q)
		}
	}
}

func TestCheckRange(t *testing.T) {
	for _, q := range []Quantity{0, 1, -1, MaxQuantity, -MaxQuantity, Units(-5)} {
		if err := q.CheckRange(); err != nil {
			t.Errorf("%s: %v", q, err)
		}
	}
	for _, q := range []Quantity{MaxQuantity + 1, -MaxQuantity - 1, math.MaxInt64, math.MinInt64} {
		e, ok := apperr.As(q.CheckRange())
		if !ok || e.Code != "quantity.too_large" || e.Field != "quantity" {
			t.Errorf("%s: %v, want quantity.too_large", q, q.CheckRange())
		}
	}
}

// A million figures at the bound add up within int64: the reason for the
// bound.
func TestMaxQuantitySumsExactly(t *testing.T) {
	var sum Quantity
	for range 1_000_000 {
		var ok bool
		if sum, ok = sum.Add(MaxQuantity); !ok {
			t.Fatalf("overflow after %s", sum)
		}
	}
	if sum != Units(1_000_000_000_000_000) {
		t.Errorf("sum %s", sum)
	}
}

func TestAdd(t *testing.T) {
	cases := []struct {
		q, r, sum Quantity
		ok        bool
		sat       Quantity
	}{
		{1, 2, 3, true, 3},
		{-1, -2, -3, true, -3},
		{math.MaxInt64, 0, math.MaxInt64, true, math.MaxInt64},
		{math.MaxInt64, 1, 0, false, math.MaxInt64},
		{math.MaxInt64 - 1, 1, math.MaxInt64, true, math.MaxInt64},
		{math.MinInt64, -1, 0, false, math.MinInt64},
		{math.MinInt64, 1, math.MinInt64 + 1, true, math.MinInt64 + 1},
		{math.MaxInt64, math.MinInt64, -1, true, -1},
	}
	for _, c := range cases {
		sum, ok := c.q.Add(c.r)
		if ok != c.ok || (ok && sum != c.sum) {
			t.Errorf("%d.Add(%d) = %d, %v; want %d, %v", c.q, c.r, sum, ok, c.sum, c.ok)
		}
		if got := c.q.SaturatingAdd(c.r); got != c.sat {
			t.Errorf("%d.SaturatingAdd(%d) = %d, want %d", c.q, c.r, got, c.sat)
		}
	}
}

func TestQuantityStringExtremes(t *testing.T) {
	for q, want := range map[Quantity]string{
		MaxQuantity:     "1000000000",
		-MaxQuantity:    "-1000000000",
		math.MaxInt64:   "9223372036854775.807",
		math.MinInt64:   "-9223372036854775.808",
		MaxQuantity + 1: "1000000000.001",
	} {
		if got := q.String(); got != want {
			t.Errorf("%d: %q, want %q", int64(q), got, want)
		}
	}
}
