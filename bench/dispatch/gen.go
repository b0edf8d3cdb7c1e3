package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/stockpile-dev/stockpile/internal/alloc"
	"github.com/stockpile-dev/stockpile/internal/geo"
)

// This file generates reproducible allocation instances: sources spread
// around district (or provincial) centres holding realistic subsets of the
// items, incident sites clustered around their incident, road travel times
// from great-circle distance, mixed 4 h / 6 h / 24 h deadlines with a few
// impossible ones, a few scarce items and a few cut-off sites.

// place is a named area with a centre.
type place struct {
	code string
	at   geo.Point
}

// beijingDistricts are Beijing's 16 districts with their seats (WGS-84;
// internal/demo/data/areas.csv).
var beijingDistricts = []place{
	{"110101", geo.Point{Lon: 116.4125, Lat: 39.9161}}, {"110102", geo.Point{Lon: 116.3606, Lat: 39.9139}},
	{"110105", geo.Point{Lon: 116.4803, Lat: 39.9202}}, {"110106", geo.Point{Lon: 116.2809, Lat: 39.8624}},
	{"110107", geo.Point{Lon: 116.1893, Lat: 39.9133}}, {"110108", geo.Point{Lon: 116.3042, Lat: 39.9548}},
	{"110109", geo.Point{Lon: 116.0991, Lat: 39.9358}}, {"110111", geo.Point{Lon: 116.1329, Lat: 39.7342}},
	{"110112", geo.Point{Lon: 116.6527, Lat: 39.9014}}, {"110113", geo.Point{Lon: 116.6476, Lat: 40.1278}},
	{"110114", geo.Point{Lon: 116.2298, Lat: 40.2168}}, {"110115", geo.Point{Lon: 116.3319, Lat: 39.7276}},
	{"110116", geo.Point{Lon: 116.6312, Lat: 40.3232}}, {"110117", geo.Point{Lon: 117.1058, Lat: 40.1434}},
	{"110118", geo.Point{Lon: 116.8373, Lat: 40.3762}}, {"110119", geo.Point{Lon: 115.9789, Lat: 40.4641}},
}

// beijingNeighbours are reserve depots of neighbouring Tianjin and Hebei.
var beijingNeighbours = []place{
	{"120000", geo.Point{Lon: 117.2008, Lat: 39.0842}}, {"131000", geo.Point{Lon: 116.6838, Lat: 39.5380}},
	{"130600", geo.Point{Lon: 115.4646, Lat: 38.8739}}, {"130700", geo.Point{Lon: 114.8875, Lat: 40.8244}},
	{"130800", geo.Point{Lon: 117.9634, Lat: 40.9510}}, {"130200", geo.Point{Lon: 118.1802, Lat: 39.6305}},
}

// provinces are provincial capitals (approximate), the "districts" of the
// national instance.
var provinces = []place{
	{"110000", geo.Point{Lon: 116.40, Lat: 39.90}}, {"120000", geo.Point{Lon: 117.20, Lat: 39.13}},
	{"130000", geo.Point{Lon: 114.51, Lat: 38.04}}, {"140000", geo.Point{Lon: 112.55, Lat: 37.87}},
	{"150000", geo.Point{Lon: 111.75, Lat: 40.84}}, {"210000", geo.Point{Lon: 123.43, Lat: 41.80}},
	{"220000", geo.Point{Lon: 125.32, Lat: 43.82}}, {"230000", geo.Point{Lon: 126.53, Lat: 45.80}},
	{"310000", geo.Point{Lon: 121.47, Lat: 31.23}}, {"320000", geo.Point{Lon: 118.80, Lat: 32.06}},
	{"330000", geo.Point{Lon: 120.15, Lat: 30.27}}, {"340000", geo.Point{Lon: 117.23, Lat: 31.82}},
	{"350000", geo.Point{Lon: 119.30, Lat: 26.08}}, {"360000", geo.Point{Lon: 115.86, Lat: 28.68}},
	{"370000", geo.Point{Lon: 117.12, Lat: 36.65}}, {"410000", geo.Point{Lon: 113.63, Lat: 34.75}},
	{"420000", geo.Point{Lon: 114.31, Lat: 30.59}}, {"430000", geo.Point{Lon: 112.94, Lat: 28.23}},
	{"440000", geo.Point{Lon: 113.26, Lat: 23.13}}, {"450000", geo.Point{Lon: 108.37, Lat: 22.82}},
	{"460000", geo.Point{Lon: 110.35, Lat: 20.02}}, {"500000", geo.Point{Lon: 106.55, Lat: 29.56}},
	{"510000", geo.Point{Lon: 104.07, Lat: 30.57}}, {"520000", geo.Point{Lon: 106.63, Lat: 26.65}},
	{"530000", geo.Point{Lon: 102.83, Lat: 24.88}}, {"540000", geo.Point{Lon: 91.11, Lat: 29.65}},
	{"610000", geo.Point{Lon: 108.94, Lat: 34.34}}, {"620000", geo.Point{Lon: 103.83, Lat: 36.06}},
	{"630000", geo.Point{Lon: 101.78, Lat: 36.62}}, {"640000", geo.Point{Lon: 106.23, Lat: 38.49}},
	{"650000", geo.Point{Lon: 87.62, Lat: 43.83}},
}

// reliefItems names the first items.
var reliefItems = []string{
	"帐篷", "棉被", "折叠床", "睡袋", "棉大衣", "毛毯", "应急灯", "手电筒", "发电机", "抽水泵",
	"救生衣", "冲锋舟", "橡皮艇", "雨衣", "雨靴", "饮用水", "方便面", "压缩饼干", "大米", "食用油",
	"消毒液", "口罩", "医用手套", "急救包", "担架", "简易厕所", "净水器", "炊具", "编织袋", "沙袋",
	"铁锹", "防水布", "照明灯塔", "对讲机", "卫星电话", "灭火器", "防护服", "彩条布", "折叠桌椅", "移动储水罐",
}

// incident is a cluster of sites.
type incident struct {
	name     string
	at       geo.Point
	radiusKm float64
	sites    int
	priority int
}

// spec describes an instance family.
type spec struct {
	name      string
	sources   int
	items     int
	districts []place // where street/district/agreement/capacity sources lie
	hubs      []place // where city-level sources lie
	neighbour []place // neighbouring provinces' reserves
	spreadDeg float64 // scatter of sources around their centre
	incidents []incident
	speedKmh  float64
	tierShare [6]float64  // street, district, city, province, agreement, capacity
	held      [6][2]int   // items held per tier: min, max
	stock     [6][2]int64 // units per held item per tier: min, max
	needed    [2]int      // items needed per site: min, max
	need      [2]int64    // units per needed item: min, max
}

var beijingSpec = spec{
	name: "beijing", sources: 500, items: 40,
	districts: beijingDistricts, hubs: beijingDistricts[:6], neighbour: beijingNeighbours,
	spreadDeg: 0.06, speedKmh: 40,
	incidents: []incident{
		{"房山山洪", geo.Point{Lon: 115.90, Lat: 39.72}, 18, 30, 3},
		{"平谷地震", geo.Point{Lon: 117.12, Lat: 40.15}, 12, 30, 2},
	},
	tierShare: [6]float64{0.56, 0.26, 0.04, 0.06, 0.05, 0.03},
	held:      [6][2]int{{4, 10}, {10, 22}, {25, 36}, {15, 30}, {3, 8}, {1, 3}},
	stock:     [6][2]int64{{5, 60}, {40, 400}, {500, 3000}, {300, 2000}, {1000, 5000}, {300, 2000}},
	needed:    [2]int{14, 26},
	need:      [2]int64{50, 600},
}

var nationalSpec = spec{
	name: "national", sources: 5000, items: 100,
	districts: provinces, hubs: provinces, neighbour: provinces,
	spreadDeg: 0.9, speedKmh: 60,
	incidents: []incident{
		{"川西地震", geo.Point{Lon: 103.40, Lat: 31.00}, 80, 120, 3},
		{"豫北洪涝", geo.Point{Lon: 113.90, Lat: 35.30}, 60, 100, 2},
		{"闽东台风", geo.Point{Lon: 119.50, Lat: 26.60}, 50, 80, 2},
	},
	tierShare: [6]float64{0.50, 0.30, 0.06, 0.04, 0.06, 0.04},
	held:      [6][2]int{{5, 12}, {10, 25}, {30, 50}, {20, 40}, {3, 8}, {1, 3}},
	stock:     [6][2]int64{{20, 200}, {100, 1000}, {1000, 8000}, {1000, 6000}, {2000, 10000}, {500, 3000}},
	needed:    [2]int{15, 35},
	need:      [2]int64{200, 3000},
}

// instance is a generated problem with its dense travel matrix.
type instance struct {
	name    string
	problem alloc.Problem
	travel  []time.Duration // [source*sites+site], −1 unreachable
}

// generator draws one instance.
type generator struct {
	s      *spec
	rng    *rand.Rand
	items  []string
	scarce []bool
	at     []geo.Point // sources' positions
	siteAt []geo.Point
}

// generate builds the instance of spec s for seed.
func generate(s *spec, seed uint64) *instance {
	g := &generator{s: s, rng: rand.New(rand.NewPCG(seed, 0x5eed))}
	for k := range s.items {
		if k < len(reliefItems) {
			g.items = append(g.items, reliefItems[k])
		} else {
			g.items = append(g.items, fmt.Sprintf("物资%03d", k+1))
		}
		g.scarce = append(g.scarce, g.rng.Float64() < 0.1)
	}
	p := alloc.Problem{Sites: g.sites()}
	p.Sources = g.sources(&p)
	in := &instance{name: s.name, problem: p, travel: g.travelMatrix()}
	n := len(p.Sites)
	in.problem.Travel = func(src, site int) (time.Duration, bool) {
		d := in.travel[src*n+site]
		return d, d >= 0
	}
	return in
}

// sites places every incident's sites and their demands.
func (g *generator) sites() []alloc.Site {
	var out []alloc.Site
	for _, inc := range g.s.incidents {
		for k := range inc.sites {
			at := g.around(inc.at, inc.radiusKm/111)
			prio := inc.priority
			if g.rng.Float64() < 0.15 { // hospitals and schools
				prio++
			}
			out = append(out, alloc.Site{
				Key: fmt.Sprintf("%s-%02d", inc.name, k+1), Incident: inc.name,
				District: nearest(g.s.districts, at).code, Priority: prio, Demands: g.demands(),
			})
			g.siteAt = append(g.siteAt, at)
		}
	}
	return out
}

// demands draws a site's needs: a subset of the items, some split into a
// first batch due within 4 h and the rest within 24 h.
func (g *generator) demands() []alloc.Demand {
	var out []alloc.Demand
	for _, k := range g.pick(g.s.items, g.between(g.s.needed)) {
		qty := 1000 * g.between64(g.s.need)
		if g.rng.Float64() < 0.3 {
			first := qty * 2 / 5
			out = append(out, alloc.Demand{Item: g.items[k], Qty: first, Deadline: 4 * time.Hour},
				alloc.Demand{Item: g.items[k], Qty: qty - first, Deadline: 24 * time.Hour})
			continue
		}
		out = append(out, alloc.Demand{Item: g.items[k], Qty: qty, Deadline: g.deadline()})
	}
	return out
}

// deadline is 4 h, 6 h or 24 h, or rarely an impossible 10 minutes.
func (g *generator) deadline() time.Duration {
	switch r := g.rng.Float64(); {
	case r < 0.02:
		return 10 * time.Minute
	case r < 0.42:
		return 4 * time.Hour
	case r < 0.77:
		return 6 * time.Hour
	default:
		return 24 * time.Hour
	}
}

// sources draws every source with its tier, position and stock.
func (g *generator) sources(p *alloc.Problem) []alloc.Source {
	out := make([]alloc.Source, 0, g.s.sources)
	for k := range g.s.sources {
		tier := g.tier()
		src := alloc.Source{Key: fmt.Sprintf("%s-%04d", tier, k+1), Tier: tier}
		var centre place
		switch tier {
		case alloc.TierCity:
			centre = g.s.hubs[g.rng.IntN(len(g.s.hubs))]
		case alloc.TierProvince:
			centre = g.s.neighbour[g.rng.IntN(len(g.s.neighbour))]
		default:
			centre = g.s.districts[g.rng.IntN(len(g.s.districts))]
		}
		if tier == alloc.TierStreet || tier == alloc.TierDistrict {
			src.District = centre.code
		}
		g.at = append(g.at, g.around(centre.at, g.s.spreadDeg))
		src.Supplies = g.stock(p, tier)
		out = append(out, src)
	}
	return out
}

// stock draws a source's supplies: agreements have a lead time, capacity
// reserves are expanded into daily batches up to the item's horizon.
func (g *generator) stock(p *alloc.Problem, tier alloc.Tier) []alloc.Supply {
	t := int(tier) - 1
	var out []alloc.Supply
	for _, k := range g.pick(g.s.items, g.between(g.s.held[t])) {
		qty := 1000 * g.between64(g.s.stock[t])
		if g.scarce[k] {
			qty /= 20
		}
		item := g.items[k]
		switch tier {
		case alloc.TierAgreement:
			ready := time.Duration(60+g.rng.IntN(300)) * time.Minute
			out = append(out, alloc.Supply{Item: item, Qty: qty, ReadyAfter: ready})
		case alloc.TierCapacity:
			lead := time.Duration(6+g.rng.IntN(42)) * time.Hour
			for _, b := range alloc.CapacityBatches(qty, lead, p.LatestDeadline(item)) {
				out = append(out, alloc.Supply{Item: item, Qty: b.Qty, ReadyAfter: b.ReadyAfter})
			}
		default:
			out = append(out, alloc.Supply{Item: item, Qty: qty})
		}
	}
	return out
}

// tier draws a tier by the spec's shares.
func (g *generator) tier() alloc.Tier {
	r := g.rng.Float64()
	for t, share := range g.s.tierShare {
		if r < share {
			return alloc.Tier(t + 1)
		}
		r -= share
	}
	return alloc.TierStreet
}

// travelMatrix computes road times: great-circle distance × 1.3 at the
// spec's speed plus 10 minutes to load. 2% of pairs are cut, and one site
// per incident is cut off from every source.
func (g *generator) travelMatrix() []time.Duration {
	n := len(g.siteAt)
	cut := map[int]bool{}
	first := 0
	for _, inc := range g.s.incidents {
		cut[first+g.rng.IntN(inc.sites)] = true
		first += inc.sites
	}
	m := make([]time.Duration, len(g.at)*n)
	for s, a := range g.at {
		for t, b := range g.siteAt {
			km := geo.DistanceKm(a, b) * 1.3
			d := (time.Duration(km/g.s.speedKmh*float64(time.Hour)) + 10*time.Minute).Round(time.Second)
			if cut[t] || g.rng.Float64() < 0.02 {
				d = -1
			}
			m[s*n+t] = d
		}
	}
	return m
}

// around returns a point scattered (normally, σ = deg/2) around c.
func (g *generator) around(c geo.Point, deg float64) geo.Point {
	return geo.Point{
		Lon: c.Lon + g.rng.NormFloat64()*deg/2/math.Cos(c.Lat*math.Pi/180),
		Lat: c.Lat + g.rng.NormFloat64()*deg/2,
	}
}

// pick returns k distinct indices below n, in increasing order.
func (g *generator) pick(n, k int) []int {
	perm := g.rng.Perm(n)[:min(k, n)]
	out := make([]int, n)
	for _, i := range perm {
		out[i] = 1
	}
	res := perm[:0]
	for i, v := range out {
		if v == 1 {
			res = append(res, i)
		}
	}
	return res
}

func (g *generator) between(r [2]int) int       { return r[0] + g.rng.IntN(r[1]-r[0]+1) }
func (g *generator) between64(r [2]int64) int64 { return r[0] + g.rng.Int64N(r[1]-r[0]+1) }

// nearest returns the place closest to at.
func nearest(places []place, at geo.Point) place {
	best := places[0]
	for _, p := range places[1:] {
		if geo.DistanceKm(p.at, at) < geo.DistanceKm(best.at, at) {
			best = p
		}
	}
	return best
}
