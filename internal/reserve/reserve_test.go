package reserve

import (
	"testing"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

func TestValidate(t *testing.T) {
	ok := Agreement{Code: "XY-1", OrgCode: "E-1", Item: "1010101", Quantity: stock.Units(10), DeliveryHours: 8,
		ValidFrom: "2026-01-01", ValidUntil: "2026-12-31", Point: geo.Point{Lon: 116.4, Lat: 39.9}}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	cases := map[string]func(a *Agreement){
		"quantity":       func(a *Agreement) { a.Quantity = 0 },
		"delivery_hours": func(a *Agreement) { a.DeliveryHours = -1 },
		"valid_until":    func(a *Agreement) { a.ValidUntil = "2025-12-31" },
		"valid_from":     func(a *Agreement) { a.ValidFrom = "2026-13-01" },
		"point":          func(a *Agreement) { a.Point = geo.Point{} },
		"org_code":       func(a *Agreement) { a.OrgCode = " " },
	}
	for field, spoil := range cases {
		a := ok
		spoil(&a)
		e, isApp := apperr.As(a.Validate())
		if !isApp || e.Field != field || e.ZH == "" || e.EN == "" {
			t.Errorf("spoiled %s: got %+v", field, e)
		}
	}
}
