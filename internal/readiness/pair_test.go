package readiness

import (
	"testing"

	"github.com/stockpile-dev/stockpile/internal/area"
)

// TestPairFor: Beijing keeps its pair; another city gets its own first two
// districts; a city of one district keeps the default, which CheckPair
// refuses with a clear error.
func TestPairFor(t *testing.T) {
	d := func(codes ...string) []area.Area {
		var out []area.Area
		for _, c := range codes {
			out = append(out, area.Area{Code: c})
		}
		return out
	}
	beijing := d("110101", "110109", "110111")
	if got := PairFor(beijing); got != DefaultPair {
		t.Errorf("Beijing: %v", got)
	}
	if got := PairFor(d("440103", "440104", "440105")); got != [2]string{"440103", "440104"} {
		t.Errorf("Guangzhou: %v", got)
	}
	one := d("440103")
	if got := PairFor(one); got != DefaultPair || CheckPair(got, one) == nil {
		t.Errorf("a city of one district: %v", got)
	}
}
