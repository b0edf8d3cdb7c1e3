package dispatch

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/reserve"
	"github.com/stockpile-dev/stockpile/internal/routing"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// fakeInventory is an in-memory Inventory.
type fakeInventory struct {
	stocks     []DepotStock
	agreements []reserve.Agreement
	capacities []reserve.Capacity
}

var (
	tent  = catalog.Item{Code: "1010101", NameZH: "单帐篷", NameEN: "tent", UnitZH: "顶", Counted: true}
	quilt = catalog.Item{Code: "1020101", NameZH: "棉被", NameEN: "quilt", UnitZH: "床", Counted: true}
	// Two districts 30 km apart on a meridian.
	north = District{Code: "110114", NameZH: "昌平区", Point: geo.Point{Lon: 116.2, Lat: 40.2}}
	south = District{Code: "110115", NameZH: "大兴区", Point: geo.Point{Lon: 116.2, Lat: 39.93}}
)

func (f *fakeInventory) Items(_ context.Context, codes []string) (map[string]catalog.Item, error) {
	out := map[string]catalog.Item{}
	for _, it := range []catalog.Item{tent, quilt} {
		if slices.Contains(codes, it.Code) {
			out[it.Code] = it
		}
	}
	return out, nil
}

func (f *fakeInventory) DepotStock(_ context.Context, items []string) ([]DepotStock, error) {
	var out []DepotStock
	for _, s := range f.stocks {
		if slices.Contains(items, s.Item) {
			out = append(out, s)
		}
	}
	return out, nil
}

func (f *fakeInventory) Agreements(context.Context, []string) ([]reserve.Agreement, error) {
	return f.agreements, nil
}

func (f *fakeInventory) Capacities(context.Context, []string) ([]reserve.Capacity, error) {
	return f.capacities, nil
}

func (f *fakeInventory) Districts(context.Context) ([]District, error) {
	return []District{north, south}, nil
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

func depotStock(code string, tier area.Level, district string, p geo.Point, item string, lots ...stock.Candidate) DepotStock {
	return DepotStock{Depot: DepotInfo{Code: code, NameZH: code + "库", Tier: tier, District: district, Point: p},
		Item: item, Lots: lots}
}

func lot(code, expires string, n int64) stock.Candidate {
	return stock.Candidate{LotCode: code, ExpiresOn: expires, Quality: stock.QualityGood, Available: stock.Units(n)}
}

var now = time.Date(2026, 7, 20, 6, 0, 0, 0, time.UTC)

func incident(code string, level int, sites ...Site) Incident {
	return Incident{Code: code, Title: code, Type: "flood", Level: level, ReportedAt: now.Unix(), Sites: sites}
}

func newSite(code string, p geo.Point, demands ...Demand) Site {
	return Site{Code: code, Name: code + "安置点", Point: p, Demands: demands}
}

func planFor(t *testing.T, inv Inventory, incidents ...Incident) Plan {
	t.Helper()
	pl := &Planner{Inventory: inv, Router: crowRouter{}, Now: func() time.Time { return now }}
	p, err := pl.Plan(context.Background(), incidents)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestOwnDistrictFirstThenCity: the own district's depot gives all it has,
// the city depot the rest, and the city line says why it was needed.
func TestOwnDistrictFirstThenCity(t *testing.T) {
	inv := &fakeInventory{stocks: []DepotStock{
		depotStock("D-SOUTH", area.LevelDistrict, south.Code, south.Point, tent.Code,
			lot("L-LATE", "2030-01-01", 80), lot("L-EARLY", "2028-01-01", 40)),
		depotStock("C-NORTH", area.LevelCity, "", north.Point, tent.Code, lot("C1", "", 1000)),
	}}
	p := planFor(t, inv, incident("FLOOD-1", 2, newSite("S1", south.Point, Demand{Item: tent.Code, Quantity: stock.Units(300), WithinHours: 4})))
	if len(p.Lines) != 2 {
		t.Fatalf("lines %+v", p.Lines)
	}
	var own, city Line
	for _, l := range p.Lines {
		if l.Source.Code == "D-SOUTH" {
			own = l
		} else {
			city = l
		}
	}
	if own.Quantity != stock.Units(120) || city.Quantity != stock.Units(180) {
		t.Fatalf("own %s, city %s; want 120 and 180", own.Quantity, city.Quantity)
	}
	// The depot listed its lots latest-first; the plan takes FEFO anyway
	// only if the inventory ordered them, so check the order is kept.
	if len(own.Lots) != 2 || own.Lots[0].Lot != "L-LATE" || own.Lots[0].Quantity != stock.Units(80) {
		t.Errorf("lots %+v", own.Lots)
	}
	if city.TravelMin < 29 || city.TravelMin > 31 || city.Late {
		t.Errorf("city line travel %d min, late %v; want about 30, on time", city.TravelMin, city.Late)
	}
	if !strings.Contains(city.ExplainZH, "从C-NORTH库（市级）调拨单帐篷 180 顶") ||
		!strings.Contains(city.ExplainZH, "更近的D-SOUTH库仅有 120 顶") {
		t.Errorf("explanation %q", city.ExplainZH)
	}
	cov := p.Coverage[0]
	if cov.Within4h != stock.Units(300) || cov.Short != 0 || cov.OnTime != stock.Units(300) {
		t.Errorf("coverage %+v", cov)
	}
}

// TestUnmetNeedsSayWhy: unknown items, sites far outside the region, items
// nobody holds and impossible deadlines are reported, not dropped.
func TestUnmetNeedsSayWhy(t *testing.T) {
	inv := &fakeInventory{stocks: []DepotStock{
		depotStock("C-NORTH", area.LevelCity, "", north.Point, tent.Code, lot("C1", "", 50)),
	}}
	p := planFor(t, inv,
		incident("F", 3,
			newSite("S1", south.Point,
				Demand{Item: "1999999", Quantity: stock.Units(5), WithinHours: 4},
				Demand{Item: quilt.Code, Quantity: stock.Units(5), WithinHours: 4},
				Demand{Item: tent.Code, Quantity: stock.Units(10), WithinHours: 0.1}),
			newSite("FAR", geo.Point{Lon: 100.0, Lat: 30.0}, Demand{Item: tent.Code, Quantity: stock.Units(1), WithinHours: 4})))
	want := map[string]string{"1999999": "物资编码不存在", quilt.Code: "各级储备均无可用库存"}
	for _, c := range p.Coverage {
		switch {
		case c.Site == "FAR":
			if c.Short != stock.Units(1) || !strings.Contains(c.ReasonEN, "outside") {
				t.Errorf("far site coverage %+v", c)
			}
		case c.Item == tent.Code:
			if c.Planned != stock.Units(10) || c.OnTime != 0 || c.Short != 0 {
				t.Errorf("impossible deadline coverage %+v; want 10 planned late", c)
			}
		default:
			if c.Short != c.Demand || c.ReasonZH != want[c.Item] {
				t.Errorf("coverage %+v, want reason %q", c, want[c.Item])
			}
		}
	}
	if len(p.Lines) != 1 || !p.Lines[0].Late || !strings.Contains(p.Lines[0].ExplainZH, "晚于 0.1 小时时限") {
		t.Errorf("lines %+v", p.Lines)
	}
}

// TestPriorityDecidesScarceStock: one solve over two incidents gives scarce
// stock to the graver one even when the other is nearer.
func TestPriorityDecidesScarceStock(t *testing.T) {
	inv := &fakeInventory{stocks: []DepotStock{
		depotStock("C-NORTH", area.LevelCity, "", north.Point, tent.Code, lot("C1", "", 100)),
	}}
	p := planFor(t, inv,
		incident("MINOR", 4, newSite("NEAR", north.Point, Demand{Item: tent.Code, Quantity: stock.Units(100), WithinHours: 6})),
		incident("MAJOR", 1, newSite("FAR", south.Point, Demand{Item: tent.Code, Quantity: stock.Units(100), WithinHours: 6})))
	if len(p.Lines) != 1 || p.Lines[0].Incident != "MAJOR" || p.Lines[0].Quantity != stock.Units(100) {
		t.Fatalf("lines %+v; want all 100 to the level-1 incident", p.Lines)
	}
	if p.Coverage[0].Short != stock.Units(100) || p.Coverage[0].ReasonZH == "" {
		t.Errorf("minor incident coverage %+v", p.Coverage[0])
	}
}

// TestContractReserves: agreement stock and production capacity fill what
// depots lack, with their delivery and lead times in the arrival.
func TestContractReserves(t *testing.T) {
	inv := &fakeInventory{
		stocks: []DepotStock{depotStock("D-SOUTH", area.LevelDistrict, south.Code, south.Point, quilt.Code, lot("Q1", "", 100))},
		agreements: []reserve.Agreement{{Code: "XY-1", OrgNameZH: "某商贸公司", Item: quilt.Code, Quantity: stock.Units(500),
			Reserved: stock.Units(200), DeliveryHours: 2, Point: south.Point}},
		capacities: []reserve.Capacity{{Code: "CN-1", OrgNameZH: "某被服厂", Item: quilt.Code, PerDay: stock.Units(1000),
			LeadHours: 12, Point: south.Point}},
	}
	p := planFor(t, inv, incident("F", 2, newSite("S1", south.Point, Demand{Item: quilt.Code, Quantity: stock.Units(900), WithinHours: 48})))
	got := map[string]stock.Quantity{}
	for _, l := range p.Lines {
		got[l.Source.Code] += l.Quantity
		if l.Source.Kind == SourceCapacity && l.ReadyMin != 36*60 {
			t.Errorf("capacity line ready after %d min, want 36 h (12 h lead + a day's output)", l.ReadyMin)
		}
	}
	if got["D-SOUTH"] != stock.Units(100) || got["XY-1"] != stock.Units(300) || got["CN-1"] != stock.Units(500) {
		t.Fatalf("sent %v; want 100 from the depot, the 300 free of the agreement, 500 from capacity", got)
	}
	if c := p.Coverage[0]; c.Within24h != stock.Units(400) || c.OnTime != stock.Units(900) {
		t.Errorf("coverage %+v", c)
	}
}

func TestIncidentValidate(t *testing.T) {
	good := incident("F", 2, newSite("S1", south.Point, Demand{Item: tent.Code, Quantity: stock.Units(1), WithinHours: 4}))
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := good
	bad.Sites = []Site{newSite("S1", geo.Point{Lon: 116, Lat: 95}, Demand{Item: tent.Code, Quantity: stock.Units(1), WithinHours: 4})}
	if e, ok := apperr.As(bad.Validate()); !ok || e.Field != "sites[0].point" {
		t.Errorf("bad point: %+v", e)
	}
	bad.Sites = []Site{newSite("S1", south.Point, Demand{Item: tent.Code, Quantity: stock.Units(-1), WithinHours: 4})}
	if err := bad.Validate(); err == nil {
		t.Error("negative demand accepted")
	}
}

// TestLinesCarryPoints: every line names where its source and its site
// are, so a client can draw the plan without looking anything up.
func TestLinesCarryPoints(t *testing.T) {
	sitePoint := geo.Point{Lon: 116.21, Lat: 39.94}
	agreementPoint := geo.Point{Lon: 116.25, Lat: 39.9}
	inv := &fakeInventory{
		stocks: []DepotStock{depotStock("D-SOUTH", area.LevelDistrict, south.Code, south.Point, quilt.Code, lot("Q1", "", 100))},
		agreements: []reserve.Agreement{{Code: "XY-1", OrgNameZH: "某商贸公司", Item: quilt.Code, Quantity: stock.Units(500),
			DeliveryHours: 2, Point: agreementPoint}},
	}
	p := planFor(t, inv, incident("F", 2, newSite("S1", sitePoint, Demand{Item: quilt.Code, Quantity: stock.Units(300), WithinHours: 48})))
	want := map[string]geo.Point{"D-SOUTH": south.Point, "XY-1": agreementPoint}
	if len(p.Lines) != 2 {
		t.Fatalf("lines %+v; want one from the depot and one from the agreement", p.Lines)
	}
	for _, l := range p.Lines {
		if l.Source.Point != want[l.Source.Code] {
			t.Errorf("line from %s: source point %v, want %v", l.Source.Code, l.Source.Point, want[l.Source.Code])
		}
		if l.SitePoint != sitePoint {
			t.Errorf("line from %s: site point %v, want %v", l.Source.Code, l.SitePoint, sitePoint)
		}
	}
}
