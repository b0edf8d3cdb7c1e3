package dispatch

import (
	"fmt"
	"strings"
	"time"

	"github.com/stockpile-dev/stockpile/internal/alloc"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// relationZH names relations in plans' Chinese explanations.
var relationZH = map[alloc.Relation]string{
	alloc.RelOwnDistrict: "本区", alloc.RelCity: "市级", alloc.RelOtherDistrict: "他区",
	alloc.RelNeighbour: "周边省份", alloc.RelAgreement: "协议储备", alloc.RelCapacity: "产能储备",
}

// plan turns the solver's answer into a plan: lines with lots and
// explanations, and the coverage of every demand.
func (r *run) plan(sol *alloc.Solution) Plan {
	p := Plan{Status: PlanProposed, CreatedAt: r.now.Unix(), Router: r.pl.Router.Name(), Objective: sol.Objective,
		Lines: []Line{}, Coverage: []Coverage{}}
	for _, in := range r.incidents {
		p.Incidents = append(p.Incidents, in.Code)
	}
	depotOf := map[int]*depotSource{}
	for _, d := range r.depots {
		depotOf[d.source] = d
	}
	for i, l := range sol.Lines {
		line := r.line(l)
		if d := depotOf[l.Source]; d != nil {
			line.Lots = d.take(l.Item, stock.Quantity(l.Qty))
		}
		line.ExplainZH, line.ExplainEN = r.explain(line, sol.Alternatives(i))
		if d := depotOf[l.Source]; d != nil && d.restriction.Binding() {
			line.ExplainZH += "；捐赠物资，按捐赠方限定使用（" + restrictionZH(d.restriction) + "）"
			line.ExplainEN += "; donated stock, used as the donor allows (" + restrictionEN(d.restriction) + ")"
		}
		if r.siteOf[l.Site].outside {
			line.ExplainZH += "；需求点在本市以外，不调用区级、街道储备"
			line.ExplainEN += "; the site lies outside the city, so no district or street depot supplies it"
		}
		p.Lines = append(p.Lines, line)
		r.cover(l, line)
	}
	for _, sh := range sol.Shortages {
		ds := r.siteOf[sh.Site]
		cov := r.coverage[demandRef{ds.incident, ds.site, ds.demands[sh.Demand]}]
		cov.ReasonZH, cov.ReasonEN = shortageReason(sh.Reason, ds.outside)
	}
	for _, ref := range r.order {
		p.Coverage = append(p.Coverage, *r.coverage[ref])
	}
	r.stats.Items, r.stats.Arcs, r.stats.FullArcs, r.stats.Pivots =
		sol.Stats.Items, sol.Stats.Arcs, sol.Stats.FullArcs, sol.Stats.Pivots
	p.Stats = r.stats
	return p
}

func (r *run) line(l alloc.Line) Line {
	ds := r.siteOf[l.Site]
	in := r.incidents[ds.incident]
	site := in.Sites[ds.site]
	d := site.Demands[ds.demands[l.Demand]]
	item := r.items[l.Item]
	src := r.sources[l.Source]
	src.Relation = l.Relation.String()
	return Line{Incident: in.Code, Site: site.Code, SiteName: site.Name, SitePoint: site.Point, Item: l.Item, ItemNameZH: item.NameZH,
		ItemNameEN: item.NameEN, UnitZH: item.UnitZH, UnitEN: item.UnitEN, Quantity: stock.Quantity(l.Qty), Source: src,
		ReadyMin: minutes(l.ReadyAfter), TravelMin: minutes(l.Travel), ArrivalMin: minutes(l.Arrival),
		ETA: r.now.Add(l.Arrival).Unix(), Deadline: in.Deadline(d).Unix(), Late: l.Late, withinHours: d.WithinHours, relation: l.Relation}
}

// take assigns q of an item from a depot's lots, first expiring first.
func (d *depotSource) take(item string, q stock.Quantity) []LotPick {
	var picks []LotPick
	lots := d.lots[item]
	for i := range lots {
		if q == 0 {
			break
		}
		n := min(q, lots[i].left)
		if n == 0 {
			continue
		}
		lots[i].left -= n
		q -= n
		picks = append(picks, LotPick{Lot: lots[i].c.LotCode, Quantity: n, ExpiresOn: lots[i].c.ExpiresOn})
	}
	return picks
}

// cover adds a line to its demand's coverage.
func (r *run) cover(l alloc.Line, line Line) {
	ds := r.siteOf[l.Site]
	in := r.incidents[ds.incident]
	cov := r.coverage[demandRef{ds.incident, ds.site, ds.demands[l.Demand]}]
	q := stock.Quantity(l.Qty)
	cov.Planned += q
	cov.Short -= q
	if !l.Late {
		cov.OnTime += q
	}
	arrival := time.Unix(line.ETA, 0)
	reported := time.Unix(in.ReportedAt, 0)
	for _, b := range []struct {
		h   time.Duration
		sum *stock.Quantity
	}{{4 * time.Hour, &cov.Within4h}, {6 * time.Hour, &cov.Within6h}, {24 * time.Hour, &cov.Within24h}} {
		if !arrival.After(reported.Add(b.h)) {
			*b.sum += q
		}
	}
}

// outsideZH and outsideEN say why a site outside the home city gets no
// street or district stock (seed 001: 市级…24小时内支援津冀).
const (
	outsideZH = "需求点在本市以外，区级、街道储备是各区的首批保障，不调往市外；市外支援由市级储备、周边省份储备、协议储备和产能储备承担"
	outsideEN = "the site lies outside the city: district and street depots are the districts' own first batch and do not supply it; " +
		"support outside the city comes from city stock, neighbouring provinces' reserves, agreement and capacity reserves"
)

// shortageReason explains a shortage; outside says the site lies outside
// the home city.
func shortageReason(r alloc.Reason, outside bool) (zh, en string) {
	zh, en = baseShortageReason(r)
	if outside && r != alloc.ReasonNoStock && r != alloc.ReasonDistrictOnly {
		zh += "；" + outsideZH
		en += "; " + outsideEN
	}
	return zh, en
}

func baseShortageReason(r alloc.Reason) (zh, en string) {
	switch r {
	case alloc.ReasonDistrictOnly:
		return "需求点在本市以外：能调用的市级储备、周边省份储备、协议储备和产能储备已全部分配；其余库存在区级、街道储备库，是各区的首批保障，不调往市外",
			"the site lies outside the city: every unit of city stock, neighbouring provinces', agreement and capacity reserves that can reach it " +
				"is allocated; the rest is in district and street depots, the districts' own first batch, which do not supply sites outside the city"
	case alloc.ReasonNoStock:
		return "各级储备均无可用库存", "no source holds usable stock of this item"
	case alloc.ReasonUnreachable:
		return "有库存的储备点均无法通达该需求点", "no source holding the item can reach the site"
	case alloc.ReasonExhausted:
		return "可调用库存已全部分配（含优先级更高或时限更紧的需求点）",
			"every reachable unit is already allocated, some to sites with a stronger claim"
	case alloc.ReasonTooCostly:
		return "剩余库存到达过晚，调用不如计为缺口", "the stock left would arrive far too late to be worth sending"
	}
	return "", ""
}

// explain says, in Chinese and English, where a line comes from, when it
// arrives, and why nearer sources did not send it.
func (r *run) explain(l Line, alts []alloc.Alternative) (zh, en string) {
	unit := l.UnitZH
	zh = fmt.Sprintf("从%s（%s）调拨%s %s %s，预计 %s后到达", l.Source.NameZH, relationZH[l.relation],
		l.ItemNameZH, l.Quantity, unit, durationZH(l.ArrivalMin))
	en = fmt.Sprintf("%s %s from %s (%s), arriving in %s", l.Quantity, l.ItemNameEN, l.Source.Code,
		l.Source.Relation, durationEN(l.ArrivalMin))
	if l.ReadyMin > 0 {
		zh += fmt.Sprintf("（含备货 %s）", durationZH(l.ReadyMin))
		en += fmt.Sprintf(" (after %s to get ready)", durationEN(l.ReadyMin))
	}
	if l.Late {
		late := int(time.Unix(l.ETA, 0).Sub(time.Unix(l.Deadline, 0)).Minutes())
		zh += fmt.Sprintf("，晚于 %g 小时时限约 %s", l.withinHours, durationZH(late))
		en += fmt.Sprintf(", about %s after the %g h deadline", durationEN(late), l.withinHours)
	}
	var zhAlts, enAlts []string
	for _, a := range alts {
		s := r.sources[a.Source]
		if a.Why == alloc.WhyExhausted {
			zhAlts = append(zhAlts, fmt.Sprintf("更近的%s仅有 %s %s，已全部调出", s.NameZH, stock.Quantity(a.Qty), unit))
			enAlts = append(enAlts, fmt.Sprintf("nearer %s had only %s, all sent", s.Code, stock.Quantity(a.Qty)))
		} else {
			zhAlts = append(zhAlts, fmt.Sprintf("更近的%s（%s）按分级调用规则后用", s.NameZH, relationZH[a.Relation]))
			enAlts = append(enAlts, fmt.Sprintf("nearer %s (%s) comes later in the tier order", s.Code, a.Relation))
		}
	}
	if len(zhAlts) > 0 {
		zh += "；" + strings.Join(zhAlts, "；")
		en += "; " + strings.Join(enAlts, "; ")
	}
	return zh, en
}

func durationZH(min int) string {
	if min < 60 {
		return fmt.Sprintf("%d 分钟", min)
	}
	if min%60 == 0 {
		return fmt.Sprintf("%d 小时", min/60)
	}
	return fmt.Sprintf("%d 小时 %d 分", min/60, min%60)
}

func durationEN(min int) string {
	if min < 60 {
		return fmt.Sprintf("%d min", min)
	}
	return fmt.Sprintf("%d h %02d min", min/60, min%60)
}

func restrictionZH(res stock.Restriction) string {
	var parts []string
	if res.Area != "" {
		parts = append(parts, "限区域 "+res.Area)
	}
	if res.IncidentType != "" {
		parts = append(parts, "限事件类型 "+res.IncidentType)
	}
	return strings.Join(parts, "，")
}

func restrictionEN(res stock.Restriction) string {
	var parts []string
	if res.Area != "" {
		parts = append(parts, "area "+res.Area)
	}
	if res.IncidentType != "" {
		parts = append(parts, "incidents of type "+res.IncidentType)
	}
	return strings.Join(parts, ", ")
}
