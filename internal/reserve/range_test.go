package reserve

import (
	"math"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

func TestRanges(t *testing.T) {
	ag := Agreement{Code: "XY-1", OrgCode: "E-1", Item: "1010101", Quantity: stock.Units(10), DeliveryHours: 8,
		ValidFrom: "2026-01-01", ValidUntil: "2026-12-31", Point: geo.Point{Lon: 116.4, Lat: 39.9}}
	cp := Capacity{Code: "CN-1", OrgCode: "E-1", Item: "1010101", PerDay: stock.Units(100), LeadHours: 24,
		ValidFrom: "2026-01-01", ValidUntil: "2026-12-31", Point: geo.Point{Lon: 116.4, Lat: 39.9}}
	type check struct {
		name  string
		ag    func(*Agreement)
		cp    func(*Capacity)
		code  string // "" when valid
		field string
	}
	checks := []check{
		{name: "quantity at the bound", ag: func(a *Agreement) { a.Quantity = stock.MaxQuantity }},
		{name: "quantity a thousandth", ag: func(a *Agreement) { a.Quantity = 1 }},
		{name: "quantity over the bound", ag: func(a *Agreement) { a.Quantity = stock.MaxQuantity + 1 },
			code: "quantity.too_large", field: "quantity"},
		{name: "quantity max int64", ag: func(a *Agreement) { a.Quantity = math.MaxInt64 },
			code: "quantity.too_large", field: "quantity"},
		{name: "quantity min int64", ag: func(a *Agreement) { a.Quantity = math.MinInt64 },
			code: "quantity.not_positive", field: "quantity"},
		{name: "per day at the bound", cp: func(c *Capacity) { c.PerDay = stock.MaxQuantity }},
		{name: "per day over the bound", cp: func(c *Capacity) { c.PerDay = stock.MaxQuantity + 1 },
			code: "quantity.too_large", field: "per_day"},
		{name: "per day zero", cp: func(c *Capacity) { c.PerDay = 0 }, code: "quantity.not_positive", field: "per_day"},

		{name: "delivery 0 h", ag: func(a *Agreement) { a.DeliveryHours = 0 }},
		{name: "delivery -0 h", ag: func(a *Agreement) { a.DeliveryHours = math.Copysign(0, -1) }},
		{name: "delivery a year", ag: func(a *Agreement) { a.DeliveryHours = MaxHours }},
		{name: "delivery just over a year", ag: func(a *Agreement) { a.DeliveryHours = math.Nextafter(MaxHours, 1e9) },
			code: "reserve.hours_invalid", field: "delivery_hours"},
		{name: "delivery NaN", ag: func(a *Agreement) { a.DeliveryHours = math.NaN() },
			code: "reserve.hours_invalid", field: "delivery_hours"},
		{name: "delivery +Inf", ag: func(a *Agreement) { a.DeliveryHours = math.Inf(1) },
			code: "reserve.hours_invalid", field: "delivery_hours"},
		{name: "delivery -Inf", ag: func(a *Agreement) { a.DeliveryHours = math.Inf(-1) },
			code: "reserve.hours_invalid", field: "delivery_hours"},
		{name: "lead NaN", cp: func(c *Capacity) { c.LeadHours = math.NaN() }, code: "reserve.hours_invalid", field: "lead_hours"},
		{name: "lead 1e308", cp: func(c *Capacity) { c.LeadHours = 1e308 }, code: "reserve.hours_invalid", field: "lead_hours"},

		{name: "first valid date", ag: func(a *Agreement) { a.ValidFrom = FirstValidDate }},
		{name: "last valid date", ag: func(a *Agreement) { a.ValidUntil = LastValidDate }},
		{name: "the day before", ag: func(a *Agreement) { a.ValidFrom = "1999-12-31" }, code: "date.invalid", field: "valid_from"},
		{name: "the day after", ag: func(a *Agreement) { a.ValidUntil = "2100-01-01" }, code: "date.invalid", field: "valid_until"},
		{name: "year 9999", cp: func(c *Capacity) { c.ValidUntil = "9999-12-31" }, code: "date.invalid", field: "valid_until"},
		{name: "year 0000", cp: func(c *Capacity) { c.ValidFrom = "0000-01-01" }, code: "date.invalid", field: "valid_from"},

		{name: "point NaN", ag: func(a *Agreement) { a.Point.Lat = math.NaN() }, code: "geo.point_invalid", field: "point"},
		{name: "point Inf", cp: func(c *Capacity) { c.Point.Lon = math.Inf(-1) }, code: "geo.point_invalid", field: "point"},
	}
	for _, c := range checks {
		var err error
		if c.ag != nil {
			a := ag
			c.ag(&a)
			err = a.Validate()
		} else {
			p := cp
			c.cp(&p)
			err = p.Validate()
		}
		if c.code == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		e, ok := apperr.As(err)
		if !ok || e.Code != c.code || e.Field != c.field || e.Kind != apperr.Invalid || e.ZH == "" || e.EN == "" {
			t.Errorf("%s: %#v, want %s at %s", c.name, err, c.code, c.field)
		}
	}
}
