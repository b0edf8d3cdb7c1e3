package readiness

import (
	"fmt"
	"math"

	"github.com/stockpile-dev/stockpile/internal/stock"
)

// Inconsistencies lists where an assessment's figures do not add up; an
// assessment made by [Assessor] has none. Per item: the requirement is
// the sum of its tier requirements, and of its district requirements with
// the city's reserve (ItemView.Reserve); the
// gap is the sum of its purchase lines and the cost the sum of their
// costs; held is physical + agreement + capacity; what arrives by the
// deadline, 4 h, 6 h or 24 h never exceeds what is held (one stock basis).
// The summary's in-time and 24-hour shares never exceed its coverage;
// Short counts the items with a gap; the budgets add up to the purchase
// cost; and no district is listed needing nothing.
func (as Assessment) Inconsistencies() []string {
	var out []string
	bad := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	tiers, areas, buy := map[string]stock.Quantity{}, map[string]stock.Quantity{}, map[string]stock.Quantity{}
	cost := map[string]float64{}
	for _, tv := range as.Tiers {
		tiers[tv.Item] = tiers[tv.Item].SaturatingAdd(tv.Required)
	}
	for _, av := range as.Areas {
		areas[av.Item] = areas[av.Item].SaturatingAdd(av.Required)
		if av.Required <= 0 {
			bad("district %s is listed needing no %s", av.Area, av.Item)
		}
	}
	for _, p := range as.Purchases {
		buy[p.Item] = buy[p.Item].SaturatingAdd(p.Quantity)
		cost[p.Item] += p.Cost
	}
	short := 0
	for _, iv := range as.Items {
		if iv.Required != tiers[iv.Item] {
			bad("%s: required %s, its tiers %s", iv.Item, iv.Required, tiers[iv.Item])
		}
		if iv.Required != areas[iv.Item].SaturatingAdd(iv.Reserve) {
			bad("%s: required %s, its districts %s + the city's reserve %s", iv.Item, iv.Required, areas[iv.Item], iv.Reserve)
		}
		if iv.Gap != buy[iv.Item] {
			bad("%s: gap %s, its purchase lines %s", iv.Item, iv.Gap, buy[iv.Item])
		}
		if math.Abs(iv.Cost-cost[iv.Item]) > 0.01 {
			bad("%s: cost %.2f, its purchase lines %.2f", iv.Item, iv.Cost, cost[iv.Item])
		}
		if iv.Held != iv.Physical.SaturatingAdd(iv.Agreement).SaturatingAdd(iv.Capacity) {
			bad("%s: held %s is not physical + agreement + capacity", iv.Item, iv.Held)
		}
		for name, q := range map[string]stock.Quantity{"on time": iv.OnTime, "within 4 h": iv.Within4h,
			"within 6 h": iv.Within6h, "within 24 h": iv.Within24h} {
			if q > iv.Held {
				bad("%s: %s %s exceeds held %s", iv.Item, name, q, iv.Held)
			}
		}
		if iv.Gap > 0 {
			short++
		}
	}
	s := as.Summary
	if s.InTime > s.Coverage+1e-9 || s.Within24 > s.Coverage+1e-9 {
		bad("summary: in time %.4f or within 24 h %.4f exceeds coverage %.4f", s.InTime, s.Within24, s.Coverage)
	}
	if s.Short != short {
		bad("summary: %d items short, %d have a gap", s.Short, short)
	}
	var total float64
	for _, b := range as.Budgets {
		total += b.Cost
	}
	if math.Abs(total-as.PurchaseCost) > 0.01 {
		bad("budgets add up to %.2f, the purchase cost is %.2f", total, as.PurchaseCost)
	}
	return out
}
