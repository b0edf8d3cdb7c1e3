package readiness_test

import (
	"context"
	"math"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/readiness"
	"github.com/stockpile-dev/stockpile/internal/reserve"
	"github.com/stockpile-dev/stockpile/internal/routing"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// The test city: three districts on one meridian, so distances are plain
// multiples of 111.195 km per degree of latitude (the haversine of geo):
//
//	B 990102 (pop 300,000)  40.27°N
//	A 990101 (pop 600,000)  40.00°N   30.02 km south of B
//	C 990103 (pop 100,000)  39.55°N   50.04 km south of A, 80.06 km south of B
//
// crowRouter drives straight lines at 60 km/h, a minute per kilometre, and
// the test configuration's first-batch deadline is one hour: stock 50 km
// away is on time, stock 80 km away is 21 minutes late.
const (
	cityCode = "990000"
	distA    = "990101"
	distB    = "990102"
	distC    = "990103"
)

// Items, from the default catalogue (all counted except geotextile).
const (
	tent      = "1010101" // 单帐篷, 顶
	warmTent  = "1010102" // 棉帐篷
	quilt     = "1020101" // 棉被, 床
	water     = "1030101" // 瓶装饮用水, 箱
	hygiene   = "1060102" // 个人洗漱包
	jacket    = "2020101" // 救生衣
	boat      = "2040101" // 冲锋舟
	geotextil = "3010201" // 土工布, 平方米 (measured)
)

var (
	now = time.Date(2026, 7, 20, 6, 0, 0, 0, time.UTC) // planning horizon at 365 days: 2027-07-20

	pointA     = geo.Point{Lon: 116.0, Lat: 40.0}
	pointB     = geo.Point{Lon: 116.0, Lat: 40.27}
	pointC     = geo.Point{Lon: 116.0, Lat: 39.55}
	pointCity  = geo.Point{Lon: 116.0, Lat: 40.01} // city depot: 1.1 km from A, 28.9 km from B, 51.15 km from C
	pointSouth = geo.Point{Lon: 116.0, Lat: 39.5}  // street depot in C: 5.6 km from C, 55.6 km from A, 85.6 km from B
)

func clock() time.Time { return now }

// fakeData is an in-memory readiness.Data.
type fakeData struct {
	city       area.Area
	districts  []area.Area
	stocks     []dispatch.DepotStock
	agreements []reserve.Agreement
	capacities []reserve.Capacity
	holders    map[string]readiness.Holder
}

var (
	catalogOnce sync.Once
	catalogMap  map[string]catalog.Item
)

func catalogItems() map[string]catalog.Item {
	catalogOnce.Do(func() {
		_, items, err := catalog.Defaults()
		if err != nil {
			panic(err)
		}
		catalogMap = map[string]catalog.Item{}
		for _, it := range items {
			catalogMap[it.Code] = it
		}
	})
	return catalogMap
}

func (f *fakeData) Items(_ context.Context, codes []string) (map[string]catalog.Item, error) {
	out := map[string]catalog.Item{}
	for _, c := range codes {
		if it, ok := catalogItems()[c]; ok {
			out[c] = it
		}
	}
	return out, nil
}

func (f *fakeData) DepotStock(_ context.Context, items []string) ([]dispatch.DepotStock, error) {
	var out []dispatch.DepotStock
	for _, s := range f.stocks {
		if slices.Contains(items, s.Item) {
			s.Lots = slices.Clone(s.Lots) // callers may not edit the fixture
			out = append(out, s)
		}
	}
	return out, nil
}

func (f *fakeData) Agreements(_ context.Context, items []string) ([]reserve.Agreement, error) {
	var out []reserve.Agreement
	for _, a := range f.agreements {
		if slices.Contains(items, a.Item) {
			out = append(out, a)
		}
	}
	return out, nil
}

func (f *fakeData) Capacities(_ context.Context, items []string) ([]reserve.Capacity, error) {
	var out []reserve.Capacity
	for _, c := range f.capacities {
		if slices.Contains(items, c.Item) {
			out = append(out, c)
		}
	}
	return out, nil
}

func (f *fakeData) Districts(context.Context) ([]dispatch.District, error) {
	out := make([]dispatch.District, len(f.districts))
	for i, d := range f.districts {
		out[i] = dispatch.District{Code: d.Code, NameZH: d.NameZH, Point: d.Point}
	}
	return out, nil
}

func (f *fakeData) City(context.Context) (area.Area, []area.Area, error) {
	return f.city, slices.Clone(f.districts), nil
}

func (f *fakeData) Holders(context.Context) (map[string]readiness.Holder, error) {
	return f.holders, nil
}

// newCity returns the test city with no holdings.
func newCity() *fakeData {
	return &fakeData{
		city: area.Area{Code: cityCode, Level: area.LevelCity, NameZH: "测试市", NameEN: "Test City",
			Population: 1_000_000, Point: pointA},
		districts: []area.Area{
			{Code: distA, ParentCode: cityCode, Level: area.LevelDistrict, NameZH: "甲区", NameEN: "Jia", Population: 600_000, Point: pointA},
			{Code: distB, ParentCode: cityCode, Level: area.LevelDistrict, NameZH: "乙区", NameEN: "Yi", Population: 300_000, Point: pointB},
			{Code: distC, ParentCode: cityCode, Level: area.LevelDistrict, NameZH: "丙区", NameEN: "Bing", Population: 100_000, Point: pointC},
		},
		holders: map[string]readiness.Holder{"ORG-C": {Tier: area.LevelCity}, "ORG-D": {Tier: area.LevelDistrict, District: distB}},
	}
}

// Depots of the test city.
var (
	depotCity = dispatch.DepotInfo{Code: "C-CITY", NameZH: "市级库", Tier: area.LevelCity, Point: pointCity}
	depotA    = dispatch.DepotInfo{Code: "D-A", NameZH: "甲区库", Tier: area.LevelDistrict, District: distA, Point: pointA}
	depotB    = dispatch.DepotInfo{Code: "D-B", NameZH: "乙区库", Tier: area.LevelDistrict, District: distB, Point: pointB}
	depotC    = dispatch.DepotInfo{Code: "D-C", NameZH: "丙区库", Tier: area.LevelDistrict, District: distC, Point: pointC}
	streetC   = dispatch.DepotInfo{Code: "S-C", NameZH: "丙区街道库", Tier: area.LevelStreet, District: distC, Point: pointSouth}
)

func held(d dispatch.DepotInfo, item string, lots ...stock.Candidate) dispatch.DepotStock {
	return dispatch.DepotStock{Depot: d, Item: item, Lots: lots}
}

func lot(code, expires string, n int64) stock.Candidate {
	return stock.Candidate{LotCode: code, ExpiresOn: expires, Quality: stock.QualityGood, Available: stock.Units(n)}
}

// stockedCity is the test city with the holdings most tests use:
//
//	tents   C-CITY 100; D-A 30 (expires 2026-12-31) + 50; D-B 40; D-C 5; S-C 10
//	quilts  C-CITY 20 (expires 2027-07-20, the horizon) + 300 (2027-07-21); D-A 200
//	water   D-B 30; D-C 500
//	(each contract reserve signed by its own organisation: Party = OrgCode)
//	quilt agreements  XY-1 ORG-D 500 − 100 reserved, 12 h; XY-2 ORG-C 300, 48 h;
//	                  XY-9 unknown org 10, 2 h
//	quilt capacities  CN-1 ORG-C 240/day, 12 h lead, 20 reserved; CN-2 ORG-D 1000/day, 30 h lead
func stockedCity() *fakeData {
	f := newCity()
	f.stocks = []dispatch.DepotStock{
		held(depotCity, tent, lot("T-C1", "", 100)),
		held(depotA, tent, lot("T-A1", "2026-12-31", 30), lot("T-A2", "2029-01-01", 50)),
		held(depotB, tent, lot("T-B1", "", 40)),
		held(depotC, tent, lot("T-D1", "", 5)),
		held(streetC, tent, lot("T-S1", "", 10)),
		held(depotCity, quilt, lot("Q-C0", "2027-07-20", 20), lot("Q-C1", "2027-07-21", 300)),
		held(depotA, quilt, lot("Q-A1", "", 200)),
		held(depotB, water, lot("W-B1", "", 30)),
		held(depotC, water, lot("W-D1", "", 500)),
	}
	f.agreements = []reserve.Agreement{
		{Code: "XY-1", OrgCode: "ORG-D", Party: "ORG-D", Item: quilt, Quantity: stock.Units(500), Reserved: stock.Units(100), DeliveryHours: 12, Point: pointB},
		{Code: "XY-2", OrgCode: "ORG-C", Party: "ORG-C", Item: quilt, Quantity: stock.Units(300), DeliveryHours: 48, Point: pointA},
		{Code: "XY-9", OrgCode: "ORG-X", Party: "ORG-X", Item: quilt, Quantity: stock.Units(10), DeliveryHours: 2, Point: pointA},
	}
	f.capacities = []reserve.Capacity{
		{Code: "CN-1", OrgCode: "ORG-C", Party: "ORG-C", Item: quilt, PerDay: stock.Units(240), LeadHours: 12, Reserved: stock.Units(20), Point: pointA},
		{Code: "CN-2", OrgCode: "ORG-D", Party: "ORG-D", Item: quilt, PerDay: stock.Units(1000), LeadHours: 30, Point: pointA},
	}
	return f
}

// crowRouter drives straight lines at 60 km/h: a minute per kilometre.
type crowRouter struct{}

func (crowRouter) Name() string { return "test-crow" }

func (crowRouter) Matrix(_ context.Context, from, to []geo.Point) (routing.Matrix, error) {
	m := routing.NewMatrix(len(from), len(to), false)
	for i, a := range from {
		for j, b := range to {
			m.Seconds[i*len(to)+j] = int32(geo.DistanceKm(a, b) * 60)
		}
	}
	return m, nil
}

// testConfig is a small configuration: shares 60/40 between the city and
// district tiers, lots due for rotation in the last tenth of their shelf
// life (30 days for items without one), no unit prices, levels Ⅰ–Ⅳ starting at 2000, 1000, 400 and 100 people
// relocated with 8, 4, 2 and 1 teams for 3, 2, 1 and 1 days, a one-hour
// first-batch deadline and the norms given.
func testConfig(norms ...readiness.Norm) readiness.Config {
	return readiness.Config{
		City:  cityCode,
		Norms: norms,
		TierShares: []readiness.TierShare{
			{Tier: area.LevelCity, Share: 0.6, Source: "test"},
			{Tier: area.LevelDistrict, Share: 0.4, Source: "test"},
		},
		Levels: []readiness.Level{
			{Level: 1, Relocated: 2000, Teams: 8, Days: 3, Source: "test Ⅰ"},
			{Level: 2, Relocated: 1000, Teams: 4, Days: 2, Source: "test Ⅱ"},
			{Level: 3, Relocated: 400, Teams: 2, Days: 1, Source: "test Ⅲ"},
			{Level: 4, Relocated: 100, Teams: 1, Days: 1, Source: "test Ⅳ"},
		},
		LifeSupport:  readiness.LifeSupport{Share: 0.012, Days: 7, Source: "test"},
		PlanningDays: 365, WindowHours: 24, DeadlineHours: 1, KeepShare: 0.5,
		Rotation: readiness.Rotation{Share: 0.1, Days: 30},
	}
}

func norm(hazard, item string, basis readiness.Basis, q float64) readiness.Norm {
	return readiness.Norm{Hazard: hazard, Item: item, Basis: basis, Quantity: q, Source: "test norm " + item}
}

// inArea makes a norm specific to a district.
func inArea(n readiness.Norm, district string) readiness.Norm {
	n.Area = district
	return n
}

// tiered makes a norm give one tier's own requirement.
func tiered(n readiness.Norm, tier area.Level) readiness.Norm {
	n.Tier = tier
	return n
}

// fieldOf is the field an apperr error names, or "" for other errors.
func fieldOf(err error) string {
	if e, ok := apperr.As(err); ok {
		return e.Field
	}
	return ""
}

func newAssessor(t *testing.T, d readiness.Data, cfg readiness.Config) *readiness.Assessor {
	t.Helper()
	if err := cfg.Validate(readiness.Known{}); err != nil {
		t.Fatalf("test configuration is invalid: %v (field %s)", err, fieldOf(err))
	}
	return &readiness.Assessor{Data: d, Config: cfg, Now: clock,
		Planner: func(inv dispatch.Inventory) *dispatch.Planner {
			return &dispatch.Planner{Inventory: inv, Router: crowRouter{}, Now: clock}
		}}
}

func assess(t *testing.T, a *readiness.Assessor, events ...readiness.Event) readiness.Assessment {
	t.Helper()
	as, err := a.Assess(context.Background(), readiness.Scenario{Code: "test", NameZH: "测试情景", Events: events})
	if err != nil {
		t.Fatalf("Assess: %v", err)
	}
	return as
}

func itemOf(t *testing.T, as readiness.Assessment, item string) readiness.ItemView {
	t.Helper()
	for _, iv := range as.Items {
		if iv.Item == item {
			return iv
		}
	}
	t.Fatalf("no item %s in %+v", item, as.Items)
	return readiness.ItemView{}
}

func areaOf(t *testing.T, as readiness.Assessment, district, item string) readiness.AreaView {
	t.Helper()
	var out readiness.AreaView
	n := 0
	for _, av := range as.Areas {
		if av.Area == district && av.Item == item {
			out = av
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d area views for %s/%s, want 1: %+v", n, district, item, as.Areas)
	}
	return out
}

// required lists the required quantities per district and item, in units.
func required(as readiness.Assessment) map[[2]string]float64 {
	out := map[[2]string]float64{}
	for _, av := range as.Areas {
		out[[2]string{av.Area, av.Item}] += av.Required.Float()
	}
	return out
}

func tierOf(as readiness.Assessment, item string, tier area.Level) (readiness.TierView, bool) {
	for _, tv := range as.Tiers {
		if tv.Item == item && tv.Tier == tier {
			return tv, true
		}
	}
	return readiness.TierView{}, false
}

// tierAt is an item's tier view at a tier and district ("" for the city).
func tierAt(as readiness.Assessment, item string, tier area.Level, district string) (readiness.TierView, bool) {
	for _, tv := range as.Tiers {
		if tv.Item == item && tv.Tier == tier && tv.Area == district {
			return tv, true
		}
	}
	return readiness.TierView{}, false
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
