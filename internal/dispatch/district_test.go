package dispatch

import (
	"context"
	"strings"
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
		outside   bool
	}{
		{"inside the outline", []District{fangshan}, Site{Point: geo.Point{Lon: 115.9, Lat: 39.8}}, "110111", false},
		// 0.005° (about 550 m) south of the outline: within the tolerance.
		{"on the border", []District{fangshan}, Site{Point: geo.Point{Lon: 116.0, Lat: 39.545}}, "110111", false},
		{"涿州, outlines", []District{fangshan}, Site{Point: zhuozhouSite}, "", true},
		{"涿州, no outlines: nearest seat within 60 km", []District{bare}, Site{Point: zhuozhouSite}, "110111", false},
		{"no outlines, no seat within 60 km: not known to be outside", []District{bare}, Site{Point: geo.Point{Lon: 117.2, Lat: 39.1}}, "", false},
		{"declared district wins", []District{fangshan}, Site{Point: zhuozhouSite, Area: "110111"}, "110111", false},
	} {
		if got := SiteDistrict(c.districts, c.s); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
		if got := SiteOutside(c.districts, c.s); got != c.outside {
			t.Errorf("%s: outside %v, want %v", c.name, got, c.outside)
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
		p := planFor(t, inv, incident("ZZ-1", 2, newSite("S-ZZ", zhuozhouSite,
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

// TestOutsideSiteNoDistrictStock: support to a site outside the home city is
// city stock (seed 001: 市级…24小时内支援津冀); district and street depots,
// the districts' own first batch, do not supply it, however near. Fangshan
// has a district depot D-FS (500 tents, 9.41 km north of the 涿州 site), a
// street depot S-FS (50 tents, 8.30 km north) and the city depot C-FS at the
// seat (300 tents, 30.13 km). The crow router drives a minute per km.
//
// A site in 涿州 needs 500 tents within 24 h at level 2 (priority 6). The
// only source it may draw on is C-FS: 30 (city) + 31 min = 61 a unit. A
// shortage costs 1,000,000 × 6, so all 300 go and 200 are short. The
// solver counts thousandths of a tent, so the objective is 1,000 ×
// (300 × 61 + 200 × 6,000,000) = 1,200,018,300,000. Before, D-FS
// (other-district 60 + 10 = 70) would have sent the other 200.
//
// A site inside Fangshan (115.974, 39.65) needing 700 draws as before: D-FS
// 8.90 km (534 s, the router truncating to whole seconds), own district
// 0 + 9 = 9 a unit, all 500; S-FS 10.01 km (600 s), 0 + 10, all 50; C-FS
// 12.88 km (772 s), 30 + 13 = 43, the remaining 150. Objective
// 1,000 × (500 × 9 + 50 × 10 + 150 × 43) = 11,450,000.
func TestOutsideSiteNoDistrictStock(t *testing.T) {
	stocks := []DepotStock{
		depotStock("D-FS", area.LevelDistrict, fangshan.Code, geo.Point{Lon: 115.974, Lat: 39.57}, tent.Code, lot("D1", "", 500)),
		depotStock("S-FS", area.LevelStreet, fangshan.Code, geo.Point{Lon: 115.974, Lat: 39.56}, tent.Code, lot("S1", "", 50)),
		depotStock("C-FS", area.LevelCity, "", fangshan.Point, tent.Code, lot("C1", "", 300)),
	}
	inv := &districtsInventory{fakeInventory: fakeInventory{stocks: stocks}, districts: []District{fangshan}}

	p := planFor(t, inv, incident("ZZ-1", 2, newSite("S-ZZ", zhuozhouSite,
		Demand{Item: tent.Code, Quantity: stock.Units(500), WithinHours: 24})))
	if len(p.Lines) != 1 {
		t.Fatalf("涿州: lines %+v, want one from the city depot", p.Lines)
	}
	l := p.Lines[0]
	if l.Source.Code != "C-FS" || l.Source.Relation != "city" || l.Quantity != stock.Units(300) || l.ArrivalMin != 31 {
		t.Errorf("涿州: %s gives %s as %s in %d min; want C-FS 300 as city in 31 min", l.Source.Code, l.Quantity, l.Source.Relation, l.ArrivalMin)
	}
	if p.Objective != 1_200_018_300_000 {
		t.Errorf("涿州: objective %d, want 1,200,018,300,000", p.Objective)
	}
	if strings.Contains(l.ExplainZH, "D-FS") || strings.Contains(l.ExplainZH, "S-FS") ||
		!strings.Contains(l.ExplainZH, "需求点在本市以外，不调用区级、街道储备") ||
		!strings.Contains(l.ExplainEN, "no district or street depot supplies it") {
		t.Errorf("涿州: explanation %q / %q", l.ExplainZH, l.ExplainEN)
	}
	c := p.Coverage[0]
	if c.Planned != stock.Units(300) || c.Short != stock.Units(200) || c.Within4h != stock.Units(300) {
		t.Errorf("涿州: coverage %+v, want 300 planned within 4 h and 200 short", c)
	}
	if c.ReasonZH != "需求点在本市以外：能调用的市级储备、周边省份储备、协议储备和产能储备已全部分配；"+
		"其余库存在区级、街道储备库，是各区的首批保障，不调往市外" ||
		!strings.Contains(c.ReasonEN, "district and street depots, the districts' own first batch, which do not supply sites outside the city") {
		t.Errorf("涿州: reason %q / %q", c.ReasonZH, c.ReasonEN)
	}

	p = planFor(t, inv, incident("FS-1", 2, newSite("S-FS-IN", geo.Point{Lon: 115.974, Lat: 39.65},
		Demand{Item: tent.Code, Quantity: stock.Units(700), WithinHours: 24})))
	got := map[string]stock.Quantity{}
	for _, l := range p.Lines {
		got[l.Source.Code+" "+l.Source.Relation] += l.Quantity
		if strings.Contains(l.ExplainZH, "本市以外") {
			t.Errorf("inside: explanation %q", l.ExplainZH)
		}
	}
	want := map[string]stock.Quantity{"D-FS own-district": stock.Units(500), "S-FS own-district": stock.Units(50),
		"C-FS city": stock.Units(150)}
	if len(got) != len(want) || got["D-FS own-district"] != want["D-FS own-district"] ||
		got["S-FS own-district"] != want["S-FS own-district"] || got["C-FS city"] != want["C-FS city"] {
		t.Errorf("inside: lines %v, want %v", got, want)
	}
	if p.Objective != 11_450_000 || p.Coverage[0].Short != 0 {
		t.Errorf("inside: objective %d short %s, want 11,450,000 and none", p.Objective, p.Coverage[0].Short)
	}
}
