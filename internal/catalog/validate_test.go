package catalog

import (
	"math"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/apperr"
)

// TestItemRanges checks an item's figures on the edges of their ranges.
func TestItemRanges(t *testing.T) {
	ok := Item{Code: "1010101", NameZH: "单帐篷", UnitZH: "顶", Purpose: PurposeLife, ShelfLifeDays: 3650, VolumeM3: 0.12}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	good := map[string]func(*Item){
		"volume 0 (unknown)":   func(it *Item) { it.VolumeM3 = 0 },
		"volume -0":            func(it *Item) { it.VolumeM3 = math.Copysign(0, -1) },
		"volume 1 cm³":         func(it *Item) { it.VolumeM3 = MinVolumeM3 },
		"volume 1,000 m³":      func(it *Item) { it.VolumeM3 = MaxVolumeM3 },
		"shelf life 0":         func(it *Item) { it.ShelfLifeDays = 0 },
		"shelf life 100 years": func(it *Item) { it.ShelfLifeDays = MaxShelfLifeDays },
	}
	for name, change := range good {
		it := ok
		change(&it)
		if err := it.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	bad := []struct {
		name  string
		set   func(*Item)
		code  string
		field string
	}{
		{"volume just above 1,000 m³", func(it *Item) { it.VolumeM3 = math.Nextafter(MaxVolumeM3, 2000) }, "catalog.volume_out_of_range", "volume_m3"},
		{"volume 1e308", func(it *Item) { it.VolumeM3 = 1e308 }, "catalog.volume_out_of_range", "volume_m3"},
		{"volume just below 1 cm³", func(it *Item) { it.VolumeM3 = math.Nextafter(MinVolumeM3, 0) }, "catalog.volume_out_of_range", "volume_m3"},
		{"volume denormal", func(it *Item) { it.VolumeM3 = 5e-324 }, "catalog.volume_out_of_range", "volume_m3"},
		{"volume NaN", func(it *Item) { it.VolumeM3 = math.NaN() }, "catalog.volume_out_of_range", "volume_m3"},
		{"volume +Inf", func(it *Item) { it.VolumeM3 = math.Inf(1) }, "catalog.volume_out_of_range", "volume_m3"},
		{"volume -Inf", func(it *Item) { it.VolumeM3 = math.Inf(-1) }, "catalog.volume_negative", "volume_m3"},
		{"volume negative", func(it *Item) { it.VolumeM3 = -0.1 }, "catalog.volume_negative", "volume_m3"},
		{"shelf life 100 years and a day", func(it *Item) { it.ShelfLifeDays = MaxShelfLifeDays + 1 }, "catalog.shelf_life_out_of_range", "shelf_life_days"},
		{"shelf life MaxInt", func(it *Item) { it.ShelfLifeDays = math.MaxInt }, "catalog.shelf_life_out_of_range", "shelf_life_days"},
		{"shelf life negative", func(it *Item) { it.ShelfLifeDays = -1 }, "catalog.shelf_life_negative", "shelf_life_days"},
	}
	for _, c := range bad {
		it := ok
		c.set(&it)
		e, isApp := apperr.As(it.Validate())
		if !isApp || e.Code != c.code || e.Field != c.field || e.Kind != apperr.Invalid || e.ZH == "" || e.EN == "" {
			t.Errorf("%s: %#v, want %s at %s", c.name, e, c.code, c.field)
		}
	}
}

// The default catalogue is within the ranges (Defaults validates every
// item); this names the largest figures, which the ranges must exceed.
func TestDefaultsWithinRanges(t *testing.T) {
	_, items, err := Defaults()
	if err != nil {
		t.Fatal(err)
	}
	var vol float64
	var days int
	for _, it := range items {
		vol, days = max(vol, it.VolumeM3), max(days, it.ShelfLifeDays)
	}
	if vol > MaxVolumeM3/10 || days > MaxShelfLifeDays/3 {
		t.Errorf("largest default volume %g m³, shelf life %d days: too close to the bounds", vol, days)
	}
}
