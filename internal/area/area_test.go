package area

import (
	"testing"

	"github.com/stockpile-dev/stockpile/internal/geo"
)

func TestValidateLevelsAndPath(t *testing.T) {
	city := Area{Code: "110000", Level: LevelCity, NameZH: "北京市", Point: geo.Point{Lon: 116.39, Lat: 39.9}}
	city.Path = PathUnder(nil, city.Code)
	district := Area{Code: "110111", ParentCode: "110000", Level: LevelDistrict, NameZH: "房山区", Point: geo.Point{Lon: 116.1, Lat: 39.7}}
	if err := city.Validate(nil); err != nil {
		t.Fatal(err)
	}
	if err := district.Validate(&city); err != nil {
		t.Fatal(err)
	}
	if got := PathUnder(&city, district.Code); got != "110000/110111/" {
		t.Errorf("path %q", got)
	}
	upside := city
	upside.Code = "X"
	if upside.Validate(&district) == nil {
		t.Error("a city under a district was accepted")
	}
	bad := district
	bad.Level = "province"
	if bad.Validate(&city) == nil {
		t.Error("unknown level accepted")
	}
	for _, code := range []string{"11_0", "11%", "a/b", "房山"} {
		bad = district
		bad.Code = code
		if bad.Validate(&city) == nil {
			t.Errorf("area code %q accepted", code)
		}
	}
	bad = district
	bad.Population = -1
	if bad.Validate(&city) == nil {
		t.Error("negative population accepted")
	}
}
