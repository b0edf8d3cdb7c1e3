package area

import (
	"math"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/apperr"
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

func TestValidateRanges(t *testing.T) {
	city := Area{Code: "110000", Level: LevelCity, NameZH: "北京市", Point: geo.Point{Lon: 116.39, Lat: 39.9}}
	for _, p := range []int64{0, 1, 21_858_000, MaxPopulation} {
		a := city
		a.Population = p
		if err := a.Validate(nil); err != nil {
			t.Errorf("population %d: %v", p, err)
		}
	}
	for p, code := range map[int64]string{
		MaxPopulation + 1: "area.population_out_of_range",
		math.MaxInt64:     "area.population_out_of_range",
		-1:                "area.population_negative",
		math.MinInt64:     "area.population_negative",
	} {
		a := city
		a.Population = p
		e, ok := apperr.As(a.Validate(nil))
		if !ok || e.Code != code || e.Field != "population" || e.ZH == "" || e.EN == "" {
			t.Errorf("population %d: %#v, want %s", p, e, code)
		}
	}
	for _, pt := range []geo.Point{{Lat: math.NaN()}, {Lon: math.Inf(1)}, {Lat: math.Inf(-1)}, {Lat: 91}} {
		a := city
		a.Point = pt
		if e, ok := apperr.As(a.Validate(nil)); !ok || e.Code != "geo.point_invalid" || e.Field != "point" {
			t.Errorf("point %+v: %v", pt, a.Validate(nil))
		}
	}
}
