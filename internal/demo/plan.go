package demo

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// CityDistrictUnits is what the city and district depots hold in all: the
// 1,884,400 items (188.44万件套) that Beijing's city and district emergency
// management systems held in 2020 (seed 001). The generated quantities are
// scaled to it; street points come on top.
const CityDistrictUnits = 1_884_400

// Odds that a lot of an item with a shelf life is generated already expired
// or expiring within the next 90 days, so that rotation has work to do.
const (
	expiredOdds  = 0.015
	expiringOdds = 0.045
)

// depotPlan is the opening stock of one depot.
type depotPlan struct {
	depot depotRow
	prof  *profile
	items []itemPlan // in item code order
}

type itemPlan struct {
	item catalog.Item
	raw  float64 // quantity before scaling and rounding
	bulk bool    // scaled to CityDistrictUnits
	qty  stock.Quantity
	lots []lotPlan
	tag  string // the holder's tag in batch numbers ("GRAIN")
}

type lotPlan struct {
	batch    string // "2023-GRAIN-0142"; "2023-GRAIN" until numbered
	produced string // YYYY-MM-DD
	qty      stock.Quantity
}

// planner draws the opening stock. All randomness comes from rng, drawn in
// a fixed order, so one seed always gives the same plan.
type planner struct {
	rng     *rand.Rand
	today   time.Time
	items   map[string]catalog.Item
	terrain map[string]string // area code → terrain
}

// plan generates the opening stock of every depot, in the order given.
func plan(seed int64, today time.Time, depots []depotRow, areas []areaRow, items map[string]catalog.Item) ([]depotPlan, error) {
	p := &planner{
		rng:     rand.New(rand.NewPCG(uint64(seed), 0x5354_4f43_4b50_494c)), // "STOCKPIL"
		today:   today,
		items:   items,
		terrain: make(map[string]string, len(areas)),
	}
	for _, a := range areas {
		p.terrain[a.Code] = a.Terrain
	}
	plans := make([]depotPlan, 0, len(depots))
	for _, d := range depots {
		dp, err := p.choose(d)
		if err != nil {
			return nil, err
		}
		plans = append(plans, dp)
	}
	p.scale(plans)
	for i := range plans {
		for j := range plans[i].items {
			p.lots(&plans[i].items[j])
		}
	}
	p.number(plans)
	return plans, nil
}

// choose picks a depot's items and their unscaled quantities.
func (p *planner) choose(d depotRow) (depotPlan, error) {
	prof := profileFor(d.Depot)
	dp := depotPlan{depot: d, prof: prof}
	hilly := p.terrain[d.AreaCode] == "mountain" || p.terrain[d.AreaCode] == "mixed"
	var required, optional []rule
	for _, r := range prof.rules {
		switch {
		case r.hilly && !hilly:
		case r.opt:
			optional = append(optional, r)
		default:
			required = append(required, r)
		}
	}
	chosen := required
	if prof.maxItems > 0 { // a street point: a handful of optional items
		n := prof.minItems + p.rng.IntN(prof.maxItems-prof.minItems+1) - len(required)
		p.rng.Shuffle(len(optional), func(i, j int) { optional[i], optional[j] = optional[j], optional[i] })
		chosen = append(chosen, optional[:max(0, min(n, len(optional)))]...)
	} else {
		for _, r := range optional {
			if p.rng.Float64() < optOdds {
				chosen = append(chosen, r)
			}
		}
	}
	slices.SortFunc(chosen, func(a, b rule) int { return cmp.Compare(a.item, b.item) })

	var weights float64
	for _, r := range chosen {
		weights += r.weight
	}
	budget := prof.budget * capFactor(d.CapacityM3, prof.refCap)
	tag := strings.TrimPrefix(d.OrgCode, "BJ-")
	for _, r := range chosen {
		it, ok := p.items[r.item]
		if !ok {
			return dp, fmt.Errorf("demo: profile %s stocks item %s, which is not in the catalogue", prof.name, r.item)
		}
		ip := itemPlan{item: it, tag: tag}
		switch {
		case r.hi > 0:
			ip.raw = float64(r.lo + p.rng.Int64N(r.hi-r.lo+1))
		case prof.budget == 0:
			ip.raw = r.weight * (0.6 + 0.9*p.rng.Float64())
		default:
			ip.raw = budget * r.weight / weights * (0.7 + 0.6*p.rng.Float64())
			ip.bulk = true
		}
		dp.items = append(dp.items, ip)
	}
	return dp, nil
}

// capFactor is how much more than a depot of refCap m³ a depot of cap m³
// holds: bigger depots hold more, less than in proportion.
func capFactor(capM3, refCap float64) float64 {
	if capM3 <= 0 || refCap <= 0 {
		return 1
	}
	return math.Pow(capM3/refCap, 0.75)
}

// scale scales the bulk quantities so that city and district depots hold
// CityDistrictUnits in all, and rounds every quantity to what its unit
// allows.
func (p *planner) scale(plans []depotPlan) {
	var bulkUnits, fixedUnits float64
	for _, dp := range plans {
		if dp.depot.Tier.Rank() > area.LevelDistrict.Rank() {
			continue
		}
		for _, ip := range dp.items {
			if ip.bulk {
				bulkUnits += ip.raw
			} else {
				fixedUnits += ip.raw
			}
		}
	}
	f := 1.0
	if bulkUnits > 0 && CityDistrictUnits > fixedUnits {
		f = (CityDistrictUnits - fixedUnits) / bulkUnits
	}
	for _, dp := range plans {
		for i := range dp.items {
			ip := &dp.items[i]
			x := ip.raw
			if ip.bulk {
				x *= f
			}
			ip.qty = round(x, ip.item.Counted)
		}
	}
}

// round returns x units as a quantity: whole units for counted items,
// tenths for measured ones, and never less than one step.
func round(x float64, counted bool) stock.Quantity {
	step := stock.Quantity(stock.Scale)
	if !counted {
		step = stock.Scale / 10
	}
	n := max(1, int64(math.Round(x*stock.Scale/float64(step))))
	return stock.Quantity(n) * step
}

// lots splits an item's quantity into one to three lots and dates them.
func (p *planner) lots(ip *itemPlan) {
	step := stock.Quantity(stock.Scale)
	if !ip.item.Counted {
		step = stock.Scale / 10
	}
	steps := int64(ip.qty / step)
	k := min(int64(1+p.rng.IntN(3)), steps)
	parts := p.split(steps, int(k))
	for _, n := range parts {
		produced := p.produced(ip.item.ShelfLifeDays).Format(stock.DateLayout)
		ip.lots = append(ip.lots, lotPlan{batch: produced[:4] + "-" + ip.tag, produced: produced,
			qty: stock.Quantity(n) * step})
	}
	slices.SortStableFunc(ip.lots, func(a, b lotPlan) int { return cmp.Compare(a.produced, b.produced) })
}

// split divides total (≥ k) into k random parts of at least one each.
func (p *planner) split(total int64, k int) []int64 {
	if k <= 1 {
		return []int64{total}
	}
	w := make([]float64, k)
	var sum float64
	for i := range w {
		w[i] = 0.5 + p.rng.Float64()
		sum += w[i]
	}
	parts := make([]int64, k)
	rest, used := total-int64(k), int64(0)
	for i := range k - 1 {
		parts[i] = 1 + int64(float64(rest)*w[i]/sum)
		used += parts[i]
	}
	parts[k-1] = total - used
	return parts
}

// produced draws a production date. An item with a shelf life is mostly
// well within it; a few lots expire within 90 days and fewer are already
// past expiry. An item without one was made up to seven years ago.
func (p *planner) produced(shelfLife int) time.Time {
	var age int
	switch r := p.rng.Float64(); {
	case shelfLife == 0:
		age = 60 + p.rng.IntN(7*365)
	case r < expiredOdds:
		age = shelfLife + 1 + p.rng.IntN(60) // expired 1–60 days ago
	case r < expiredOdds+expiringOdds:
		age = shelfLife - p.rng.IntN(min(90, shelfLife)) // expires in 0–89 days
	default: // expires in 91 days or more, when the shelf life allows
		lo, hi := min(30, shelfLife/10), shelfLife-91
		if hi <= lo {
			age = 1 + p.rng.IntN(max(1, shelfLife-1))
		} else {
			age = lo + p.rng.IntN(hi-lo+1)
		}
	}
	return p.today.AddDate(0, 0, -age)
}

// number completes each lot's batch number, "2023-GRAIN-0142": the
// production year, the holder's tag and a serial number that rises with the
// production date through the year, from a random start.
func (p *planner) number(plans []depotPlan) {
	var all []*lotPlan
	for i := range plans {
		for j := range plans[i].items {
			for k := range plans[i].items[j].lots {
				all = append(all, &plans[i].items[j].lots[k])
			}
		}
	}
	slices.SortStableFunc(all, func(a, b *lotPlan) int { return cmp.Compare(a.produced, b.produced) })
	serials := map[string]int{}
	for _, l := range all {
		n, ok := serials[l.batch]
		if !ok {
			n = p.rng.IntN(200)
		}
		n += 1 + p.rng.IntN(5)
		serials[l.batch] = n
		l.batch = fmt.Sprintf("%s-%04d", l.batch, n)
	}
}
