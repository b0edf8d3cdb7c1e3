package readiness

import (
	"math"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

func TestThousandthsSaturates(t *testing.T) {
	for x, want := range map[float64]stock.Quantity{
		0:                  0,
		1500:               1500,
		-2000:              -2000,
		math.Ldexp(1, 63):  math.MaxInt64, // float64(MaxInt64)
		math.Ldexp(1, 62):  1 << 62,
		-math.Ldexp(1, 63): math.MinInt64,
		1e300:              math.MaxInt64,
		math.Inf(1):        math.MaxInt64,
		math.Inf(-1):       math.MinInt64,
		math.NaN():         0,
	} {
		if got := thousandths(x); got != want {
			t.Errorf("thousandths(%g) = %d, want %d", x, got, want)
		}
	}
	if got := units(1e300, true); got != math.MaxInt64 {
		t.Errorf("units(1e300, counted) = %d", got)
	}
	if got := units(2.0001, true); got != stock.Units(3) {
		t.Errorf("units(2.0001, counted) = %s", got)
	}
}

func TestCapDemands(t *testing.T) {
	in := []dispatch.Incident{{Code: "A", Sites: []dispatch.Site{
		{Code: "S1", Demands: []dispatch.Demand{{Item: "x", Quantity: math.MaxInt64}, {Item: "y", Quantity: 5}}},
		{Code: "S2", Demands: []dispatch.Demand{{Item: "none", Quantity: 7}}},
	}}, {Code: "B", Sites: []dispatch.Site{{Code: "S3", Demands: []dispatch.Demand{{Item: "none", Quantity: 1}}}}}}
	got := capDemands(in, map[string]stock.Quantity{"x": 100, "y": 50})
	if len(got) != 1 || len(got[0].Sites) != 1 || got[0].Sites[0].Code != "S1" ||
		got[0].Sites[0].Demands[0].Quantity != 100 || got[0].Sites[0].Demands[1].Quantity != 5 {
		t.Errorf("capped %+v", got)
	}
	if in[0].Sites[0].Demands[0].Quantity != math.MaxInt64 || len(in[0].Sites) != 2 {
		t.Errorf("the incidents given were changed: %+v", in)
	}
}
