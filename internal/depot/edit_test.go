package depot

import (
	"testing"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/geo"
)

func TestReviseAndRetirement(t *testing.T) {
	was := Depot{ID: 4, Code: "D-1", NameZH: "库", Tier: area.LevelDistrict, Kind: KindSpecial, OrgCode: "O", AreaCode: "A",
		Point: geo.Point{Lon: 116, Lat: 39}, Version: 1}
	edit := Depot{NameZH: "新库", Kind: KindComprehensive, OrgCode: "O2", AreaCode: "B", Point: geo.Point{Lon: 117, Lat: 40},
		CapacityM3: 10, Version: 1}
	got, err := was.Revise(edit)
	if err != nil || got.ID != 4 || got.Code != "D-1" || got.Tier != area.LevelDistrict || got.AreaCode != "B" ||
		got.OrgCode != "O2" || got.Kind != KindComprehensive || got.CapacityM3 != 10 {
		t.Errorf("Revise: %+v, %v", got, err)
	}
	if _, err := was.Revise(Depot{Tier: area.LevelCity}); apperr.CodeOf(err) != "edit.fixed" {
		t.Errorf("a new tier: %v", err)
	}
	if _, err := was.Revise(Depot{NameZH: "x", Kind: "bad", OrgCode: "O", AreaCode: "A", Point: was.Point}); apperr.CodeOf(err) != "depot.kind_invalid" {
		t.Errorf("an invalid edit: %v", err)
	}
	if apperr.CodeOf(was.CheckRetire(1)) != "depot.not_empty" || was.CheckRetire(0) != nil {
		t.Error("CheckRetire")
	}
	if apperr.CodeOf((Depot{RetiredAt: 9}).CheckInUse()) != "depot.retired" || was.CheckInUse() != nil {
		t.Error("CheckInUse")
	}
}
