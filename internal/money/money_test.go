package money_test

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/money"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

func TestParseYuanAndString(t *testing.T) {
	for _, c := range []struct {
		in   string
		want money.Fen
		text string
	}{
		{"0", 0, "0.00"}, {"12", 1200, "12.00"}, {"1234.5", 123450, "1234.50"}, {"0.05", 5, "0.05"},
		{"-3.10", -310, "-3.10"}, {" 7.01 ", 701, "7.01"}, {"100000000000", money.MaxFen, "100000000000.00"},
	} {
		got, err := money.ParseYuan(c.in)
		if err != nil || got != c.want || got.String() != c.text {
			t.Errorf("ParseYuan(%q) = %d %q %v, want %d %q", c.in, got, got.String(), err, c.want, c.text)
		}
	}
	for in, code := range map[string]string{"": "money.malformed", "1.234": "money.malformed", "1e3": "money.malformed",
		"1,000": "money.malformed", "12.": "money.malformed", ".5": "money.malformed", "¥12": "money.malformed",
		"100000000000.01": "money.too_large", "-100000000001": "money.too_large", "9999999999999999": "money.malformed"} {
		if _, err := money.ParseYuan(in); apperr.CodeOf(err) != code {
			t.Errorf("ParseYuan(%q): %v, want %s", in, err, code)
		}
	}
	if s := money.Fen(math.MinInt64).String(); s != "-92233720368547758.08" {
		t.Errorf("the smallest amount prints %s", s)
	}
}

func TestJSON(t *testing.T) {
	var v struct {
		A money.Fen `json:"a"`
		B money.Fen `json:"b"`
	}
	if err := json.Unmarshal([]byte(`{"a": "1234.56", "b": 0.1}`), &v); err != nil || v.A != 123456 || v.B != 10 {
		t.Fatalf("decode: %+v %v", v, err)
	}
	out, _ := json.Marshal(v)
	if string(out) != `{"a":"1234.56","b":"0.10"}` {
		t.Fatalf("encode: %s", out)
	}
	if err := json.Unmarshal([]byte(`{"a": 1.005}`), &v); apperr.CodeOf(err) != "money.malformed" {
		t.Fatalf("three decimals: %v", err)
	}
}

func TestTimes(t *testing.T) {
	for _, c := range []struct {
		q    stock.Quantity
		unit money.Fen
		want money.Fen
	}{
		{stock.Units(3), money.Yuan(1500), money.Yuan(4500)},
		{stock.Quantity(1500), 333, 500}, // 1.5 × 3.33 = 4.995 → 5.00
		{stock.Quantity(1), 1, 0},        // 0.001 × 0.01 → 0
		{stock.Quantity(500), 1, 1},      // 0.5 fen rounds up
		{stock.Quantity(-1500), 333, -500},
		{stock.MaxQuantity, money.Yuan(10_000_000), money.Fen(1_000_000_000 * 1_000_000_000)},
	} {
		if got, ok := money.Times(c.q, c.unit); !ok || got != c.want {
			t.Errorf("%s × %s = %s %v, want %s", c.q, c.unit, got, ok, c.want)
		}
	}
	if _, ok := money.Times(stock.Quantity(math.MaxInt64), money.Yuan(100)); ok {
		t.Error("an overflowing product was accepted")
	}
	if _, ok := money.Fen(math.MaxInt64).Add(1); ok {
		t.Error("an overflowing sum was accepted")
	}
	if money.FromYuan(19.99) != 1999 || money.FromYuan(0.1+0.2) != 30 {
		t.Error("FromYuan does not round to the fen")
	}
}
