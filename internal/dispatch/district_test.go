package dispatch

import (
	"context"
	"testing"

	"github.com/paulmach/orb"

	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// A Fangshan-like district: outline lon 115.8–116.3, lat 39.55–39.95, seat
// in the middle.
var fangshan = District{Code: "110111", NameZH: "房山区", Point: geo.Point{Lon: 116.05, Lat: 39.75},
	Boundary: orb.Polygon{{{115.8, 39.55}, {116.3, 39.55}, {116.3, 39.95}, {115.8, 39.95}, {115.8, 39.55}}}}

// 涿州 (Hebei), 7 km south of the outline and 30.1 km from the seat: within
// the 60 km the seat fallback allows.
var zhuozhouSite = geo.Point{Lon: 115.974, Lat: 39.4854}

type districtsInventory struct {
	fakeInventory
	districts []District
}

func (d *districtsInventory) Districts(context.Context) ([]District, error) { return d.districts, nil }

func TestSiteDistrict(t *testing.T) {
	bare := fangshan
	bare.Boundary = nil
	for _, c := range []struct {
		name      string
		districts []District
		s         Site
		want      string
	}{
		{"inside the outline", []District{fangshan}, Site{Point: geo.Point{Lon: 115.9, Lat: 39.8}}, "110111"},
		// 0.005° (about 550 m) south of the outline: within the tolerance.
		{"on the border", []District{fangshan}, Site{Point: geo.Point{Lon: 116.0, Lat: 39.545}}, "110111"},
		{"涿州, outlines", []District{fangshan}, Site{Point: zhuozhouSite}, ""},
		{"涿州, no outlines: nearest seat within 60 km", []District{bare}, Site{Point: zhuozhouSite}, "110111"},
		{"declared district wins", []District{fangshan}, Site{Point: zhuozhouSite, Area: "110111"}, "110111"},
	} {
		if got := SiteDistrict(c.districts, c.s); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

// TestOutsideSiteDrawsCityStock: a site in 涿州 needs 100 tents within 24 h.
// The district depot D-FS (inside the outline, 9.41 km north of the site)
// and the city depot C-FS (at the seat, 30.1 km) hold them. With the crow
// router (a minute per km) the unit costs are:
//
//	without outlines, 涿州 counts as 房山: D-FS own-district 0 + 10 = 10,
//	  city 30 + 31 = 61 → all 100 from D-FS (the bug: district stock at cost 0);
//	with outlines, 涿州 has no own district: D-FS other-district 60 + 10 = 70,
//	  city 61 → all 100 from the city depot.
func TestOutsideSiteDrawsCityStock(t *testing.T) {
	bare := fangshan
	bare.Boundary = nil
	stocks := []DepotStock{
		depotStock("D-FS", area.LevelDistrict, fangshan.Code, geo.Point{Lon: 115.974, Lat: 39.57}, tent.Code, lot("D1", "", 100)),
		depotStock("C-FS", area.LevelCity, "", fangshan.Point, tent.Code, lot("C1", "", 1000)),
	}
	for _, c := range []struct {
		name     string
		district District
		source   string
		relation string
	}{
		{"no outlines", bare, "D-FS", "own-district"},
		{"outlines", fangshan, "C-FS", "city"},
	} {
		inv := &districtsInventory{fakeInventory: fakeInventory{stocks: stocks}, districts: []District{c.district}}
		p := planFor(t, inv, incident("ZZ-1", 2, site("S-ZZ", zhuozhouSite,
			Demand{Item: tent.Code, Quantity: stock.Units(100), WithinHours: 24})))
		if len(p.Lines) != 1 {
			t.Fatalf("%s: lines %+v", c.name, p.Lines)
		}
		l := p.Lines[0]
		if l.Source.Code != c.source || l.Source.Relation != c.relation || l.Quantity != stock.Units(100) {
			t.Errorf("%s: %s gives %s as %s; want %s as %s", c.name, l.Source.Code, l.Quantity, l.Source.Relation, c.source, c.relation)
		}
	}
}
