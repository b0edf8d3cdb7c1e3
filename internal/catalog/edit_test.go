package catalog

import (
	"math"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/apperr"
)

func TestCategoryValidate(t *testing.T) {
	for code, want := range map[string]string{
		"1": "", "101": "", "10101": "", "399": "", "30599": "",
		"": "catalog.code_malformed", "10": "catalog.code_malformed", "1010101": "catalog.code_malformed",
		"4": "catalog.class_unknown", "100": "catalog.code_malformed", "10100": "catalog.code_malformed",
		"1a1": "catalog.code_malformed",
	} {
		if got := apperr.CodeOf(Category{Code: code, NameZH: "类"}.Validate()); got != want {
			t.Errorf("%q: %q, want %q", code, got, want)
		}
	}
	if got := apperr.CodeOf(Category{Code: "101"}.Validate()); got != "field.required" {
		t.Errorf("no name: %q", got)
	}
}

func TestItemMass(t *testing.T) {
	it := Item{Code: "1010101", NameZH: "单帐篷", UnitZH: "顶", Purpose: PurposeLife}
	for _, m := range []float64{0, 0.025, MaxMassT} {
		it.MassT = m
		if err := it.Validate(); err != nil {
			t.Errorf("mass %g: %v", m, err)
		}
	}
	for _, m := range []float64{-0.001, MaxMassT + 1, math.NaN(), math.Inf(1)} {
		it.MassT = m
		if got := apperr.CodeOf(it.Validate()); got != "catalog.mass_out_of_range" {
			t.Errorf("mass %g: %q", m, got)
		}
	}
}

func TestReviseAndRetirement(t *testing.T) {
	was := Item{ID: 7, Code: "1010101", NameZH: "单帐篷", UnitZH: "顶", Purpose: PurposeLife, RetiredAt: 5, Version: 3}
	got, err := was.Revise(Item{NameZH: "帐篷", UnitZH: "顶", Purpose: PurposeLife, Version: 3, RetiredAt: 0})
	if err != nil || got.Code != was.Code || got.ID != 7 || got.RetiredAt != 5 || got.NameZH != "帐篷" {
		t.Errorf("Revise: %+v, %v", got, err)
	}
	if _, err := was.Revise(Item{Code: "1010102", NameZH: "帐篷", UnitZH: "顶", Purpose: PurposeLife}); apperr.CodeOf(err) != "edit.fixed" {
		t.Errorf("a new code: %v", err)
	}
	if apperr.CodeOf(was.CheckInUse()) != "item.retired" || (Item{}).CheckInUse() != nil {
		t.Error("CheckInUse")
	}
	c := Category{Code: "101", RetiredAt: 1}
	if apperr.CodeOf(c.CheckInUse()) != "category.retired" || apperr.CodeOf(c.CheckRetire(2)) != "category.has_active_children" ||
		c.CheckRetire(0) != nil {
		t.Error("category checks")
	}
}
