package depot

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/geo"
)

func TestCapacityRange(t *testing.T) {
	ok := Depot{Code: "D-1", NameZH: "测试库", Tier: area.LevelDistrict, Kind: KindComprehensive, OrgCode: "O",
		AreaCode: "110111", Point: geo.Point{Lon: 116.1, Lat: 39.7}, CapacityM3: 5000}
	for _, c := range []float64{0, math.Copysign(0, -1), MinCapacityM3, MaxCapacityM3, 45000} {
		d := ok
		d.CapacityM3 = c
		if err := d.Validate(); err != nil {
			t.Errorf("capacity %g: %v", c, err)
		}
	}
	for c, code := range map[float64]string{
		5e-324:                           "depot.capacity_out_of_range",
		math.Nextafter(MinCapacityM3, 0): "depot.capacity_out_of_range",
		math.Nextafter(MaxCapacityM3, math.Inf(1)): "depot.capacity_out_of_range",
		1e308:        "depot.capacity_out_of_range",
		math.Inf(1):  "depot.capacity_out_of_range",
		math.NaN():   "depot.capacity_out_of_range",
		math.Inf(-1): "depot.capacity_negative",
		-1:           "depot.capacity_negative",
	} {
		d := ok
		d.CapacityM3 = c
		e, isApp := apperr.As(d.Validate())
		if !isApp || e.Code != code || e.Field != "capacity_m3" || e.ZH == "" || e.EN == "" {
			t.Errorf("capacity %g: %#v, want %s", c, e, code)
		}
	}
	for _, p := range []geo.Point{{}, {Lon: math.NaN(), Lat: 39}, {Lon: 116, Lat: math.Inf(1)}, {Lon: 181, Lat: 39}} {
		d := ok
		d.Point = p
		if e, isApp := apperr.As(d.Validate()); !isApp || e.Code != "geo.point_invalid" || e.Field != "point" {
			t.Errorf("point %+v: %v", p, d.Validate())
		}
	}
}

// NewUsage always gives figures JSON can carry, even from a capacity or a
// volume stored before they were bounded.
func TestNewUsageIsFinite(t *testing.T) {
	cases := []struct {
		used, capacity, want float64
	}{
		{7500, 30000, 0.25},
		{7500, 0, 0},
		{7500, 5e-324, 0},
		{7500, 0.5, 0},
		{7500, math.Inf(1), 0},
		{7500, math.NaN(), 0},
		{math.Inf(1), 100, 0},
		{math.NaN(), 100, 0},
		{1e15, MinCapacityM3, 1e15},
	}
	for _, c := range cases {
		u := NewUsage(c.used, c.capacity)
		if u.Utilisation != c.want {
			t.Errorf("NewUsage(%g, %g) = %+v, want utilisation %g", c.used, c.capacity, u, c.want)
		}
		if _, err := json.Marshal(u); err != nil {
			t.Errorf("NewUsage(%g, %g): %v", c.used, c.capacity, err)
		}
	}
}
