package area

import (
	"testing"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/geo"
)

func TestReviseKeepsCodeParentAndLevel(t *testing.T) {
	was := Area{ID: 3, Code: "110111", ParentCode: "110000", Level: LevelDistrict, NameZH: "房山区", Path: "110000/110111/",
		Version: 2, RetiredAt: 0}
	edit := Area{NameZH: "房山", Population: 5, Point: geo.Point{Lon: 116, Lat: 39}, Terrain: "mixed", Version: 2}
	got, err := was.Revise(edit)
	if err != nil || got.Code != "110111" || got.ParentCode != "110000" || got.Level != LevelDistrict ||
		got.Path != was.Path || got.ID != 3 || got.NameZH != "房山" || got.Population != 5 || got.Version != 2 {
		t.Errorf("Revise: %+v, %v", got, err)
	}
	for field, e := range map[string]Area{
		"code": {Code: "110112"}, "parent_code": {ParentCode: "110109"}, "level": {Level: LevelStreet},
	} {
		_, err := was.Revise(e)
		if ae, ok := apperr.As(err); !ok || ae.Code != "edit.fixed" || ae.Field != field {
			t.Errorf("%s: %v", field, err)
		}
	}
	if apperr.CodeOf((Area{RetiredAt: 1}).CheckInUse()) != "area.retired" || was.CheckInUse() != nil {
		t.Error("CheckInUse")
	}
	if apperr.CodeOf(was.CheckRetire(1)) != "area.has_active_children" || was.CheckRetire(0) != nil {
		t.Error("CheckRetire")
	}
}
