package dispatch

import (
	"math"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// TestIncidentRanges checks an incident's figures on the edges of their
// ranges; the error names the field as the JSON does.
func TestIncidentRanges(t *testing.T) {
	valid := func() Incident {
		return Incident{Code: "FS-1", Title: "房山区山洪", Type: "flood", Level: 2, Sites: []Site{{
			Code: "S1", Point: geo.Point{Lon: 116.14, Lat: 39.73},
			Demands: []Demand{{Item: "1010101", Quantity: stock.Units(5), WithinHours: 6}}}}}
	}
	if err := valid().Validate(); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		set   func(*Incident)
		code  string // "" when valid
		field string
	}{
		{name: "demand at the bound", set: func(in *Incident) { in.Sites[0].Demands[0].Quantity = stock.MaxQuantity }},
		{name: "demand a thousandth", set: func(in *Incident) { in.Sites[0].Demands[0].Quantity = 1 }},
		{name: "demand a thousandth over the bound",
			set:  func(in *Incident) { in.Sites[0].Demands[0].Quantity = stock.MaxQuantity + 1 },
			code: "quantity.too_large", field: "sites[0].demands[0].quantity"},
		{name: "demand 10^9 + 1 units",
			set:  func(in *Incident) { in.Sites[0].Demands[0].Quantity = stock.Units(1_000_000_001) },
			code: "quantity.too_large", field: "sites[0].demands[0].quantity"},
		{name: "demand max int64, second demand",
			set: func(in *Incident) {
				in.Sites[0].Demands = append(in.Sites[0].Demands, Demand{Item: "1020101", Quantity: math.MaxInt64, WithinHours: 6})
			},
			code: "quantity.too_large", field: "sites[0].demands[1].quantity"},
		{name: "demand zero", set: func(in *Incident) { in.Sites[0].Demands[0].Quantity = 0 },
			code: "quantity.not_positive", field: "sites[0].demands[0].quantity"},
		{name: "demand min int64", set: func(in *Incident) { in.Sites[0].Demands[0].Quantity = math.MinInt64 },
			code: "quantity.not_positive", field: "sites[0].demands[0].quantity"},

		{name: "within a year", set: func(in *Incident) { in.Sites[0].Demands[0].WithinHours = MaxWithinHours }},
		{name: "within the smallest time", set: func(in *Incident) { in.Sites[0].Demands[0].WithinHours = 5e-324 }},
		{name: "within just over a year",
			set:  func(in *Incident) { in.Sites[0].Demands[0].WithinHours = math.Nextafter(MaxWithinHours, 1e9) },
			code: "demand.within_invalid", field: "sites[0].demands[0].within_hours"},
		{name: "within 0", set: func(in *Incident) { in.Sites[0].Demands[0].WithinHours = 0 },
			code: "demand.within_invalid", field: "sites[0].demands[0].within_hours"},
		{name: "within -0", set: func(in *Incident) { in.Sites[0].Demands[0].WithinHours = math.Copysign(0, -1) },
			code: "demand.within_invalid", field: "sites[0].demands[0].within_hours"},
		{name: "within NaN", set: func(in *Incident) { in.Sites[0].Demands[0].WithinHours = math.NaN() },
			code: "demand.within_invalid", field: "sites[0].demands[0].within_hours"},
		{name: "within +Inf", set: func(in *Incident) { in.Sites[0].Demands[0].WithinHours = math.Inf(1) },
			code: "demand.within_invalid", field: "sites[0].demands[0].within_hours"},
		{name: "within -Inf", set: func(in *Incident) { in.Sites[0].Demands[0].WithinHours = math.Inf(-1) },
			code: "demand.within_invalid", field: "sites[0].demands[0].within_hours"},

		{name: "priority 1", set: func(in *Incident) { in.Priority = 1 }},
		{name: "priority 1000", set: func(in *Incident) { in.Priority = MaxPriority }},
		{name: "priority 1001", set: func(in *Incident) { in.Priority = MaxPriority + 1 },
			code: "incident.priority_invalid", field: "priority"},
		{name: "priority -1", set: func(in *Incident) { in.Priority = -1 },
			code: "incident.priority_invalid", field: "priority"},
		{name: "level 0", set: func(in *Incident) { in.Level = 0 }, code: "incident.level_invalid", field: "level"},
		{name: "level 5", set: func(in *Incident) { in.Level = 5 }, code: "incident.level_invalid", field: "level"},

		{name: "reported at the first second of 2000", set: func(in *Incident) { in.ReportedAt = EarliestReport }},
		{name: "reported at the last second of 2099", set: func(in *Incident) { in.ReportedAt = LatestReport - 1 }},
		{name: "reported in 1999", set: func(in *Incident) { in.ReportedAt = EarliestReport - 1 },
			code: "incident.reported_at_invalid", field: "reported_at"},
		{name: "reported in 2100", set: func(in *Incident) { in.ReportedAt = LatestReport },
			code: "incident.reported_at_invalid", field: "reported_at"},
		{name: "reported at max int64", set: func(in *Incident) { in.ReportedAt = math.MaxInt64 },
			code: "incident.reported_at_invalid", field: "reported_at"},
		{name: "reported before the epoch", set: func(in *Incident) { in.ReportedAt = -1 },
			code: "incident.reported_at_invalid", field: "reported_at"},

		{name: "site at NaN", set: func(in *Incident) { in.Sites[0].Point.Lat = math.NaN() },
			code: "geo.point_invalid", field: "sites[0].point"},
		{name: "site at +Inf", set: func(in *Incident) { in.Sites[0].Point.Lon = math.Inf(1) },
			code: "geo.point_invalid", field: "sites[0].point"},
	}
	for _, c := range cases {
		in := valid()
		c.set(&in)
		err := in.Validate()
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
