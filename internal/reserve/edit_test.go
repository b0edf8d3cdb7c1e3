package reserve

import (
	"testing"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

func TestReviseAgreement(t *testing.T) {
	was := Agreement{ID: 1, Code: "XY-1", OrgCode: "E-1", Item: "1010101", Quantity: stock.Units(100),
		Reserved: stock.Units(40), DeliveryHours: 8, ValidFrom: "2026-01-01", ValidUntil: "2026-12-31",
		Point: geo.Point{Lon: 116.4, Lat: 39.9}, Version: 2}
	edit := was
	edit.Quantity, edit.Note, edit.Reserved = stock.Units(120), "加量", 0
	got, err := was.Revise(edit)
	if err != nil || got.Quantity != stock.Units(120) || got.Reserved != stock.Units(40) || got.Note != "加量" {
		t.Errorf("Revise: %+v, %v", got, err)
	}
	edit.Quantity = stock.Units(39)
	if _, err := was.Revise(edit); apperr.CodeOf(err) != "reserve.below_promised" {
		t.Errorf("below the promise: %v", err)
	}
	for field, e := range map[string]Agreement{"org_code": {OrgCode: "E-2"}, "item": {Item: "1010102"}, "code": {Code: "XY-2"}} {
		_, err := was.Revise(e)
		if ae, ok := apperr.As(err); !ok || ae.Code != "edit.fixed" || ae.Field != field {
			t.Errorf("%s: %v", field, err)
		}
	}
	if apperr.CodeOf(CheckRetire("XY-1", stock.Units(1))) != "reserve.promised" || CheckRetire("XY-1", 0) != nil {
		t.Error("CheckRetire")
	}
}
