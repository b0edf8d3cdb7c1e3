package readiness

import (
	"context"
	"fmt"
	"time"

	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// Overview is a city's standing readiness: the reserve plan's two standing
// scenarios, and for every district how ready the city is for a level Ⅱ
// event there alone — the map layer and chart of readiness by district.
type Overview struct {
	City      string              `json:"city"`
	At        int64               `json:"at"`
	Scenarios []Assessment        `json:"scenarios"`
	Districts []DistrictReadiness `json:"districts"`
	// Neighbours is what city stock gets to relief sites in Tianjin and
	// Hebei within 24 h (see [NeighbourSupport]).
	Neighbours []NeighbourSupport `json:"neighbours"`
	Stats      Stats              `json:"stats"`
}

// DistrictReadiness is the summary of a level Ⅱ event in one district,
// and its figures item by item.
type DistrictReadiness struct {
	Area       string    `json:"area"`
	NameZH     string    `json:"name_zh"`
	NameEN     string    `json:"name_en"`
	Population int64     `json:"population"`
	Point      geo.Point `json:"point"`
	Hazard     string    `json:"hazard"`
	Level      int       `json:"level"`
	Summary    Summary   `json:"summary"`
	// Chain is the seed's delivery chain for the event: own stock within
	// 4 h, with city stock within 6 h, with other districts' within 24 h.
	Chain Chain          `json:"chain"`
	Items []DistrictItem `json:"items"`
}

// DistrictItem is one item needed by a district's level Ⅱ event, as shares
// of what it requires, each capped at 1 as in a [Summary]: held city-wide,
// arriving by the first-batch deadline, within 24 h, and held in the
// district's own depots. It is the map layer of readiness by district and
// item.
type DistrictItem struct {
	Item     string         `json:"item"`
	Required stock.Quantity `json:"required"`
	Coverage float64        `json:"coverage"`
	InTime   float64        `json:"in_time"`
	Within24 float64        `json:"within_24"`
	Local    float64        `json:"local"`
	// The item's [Chain]: cumulative shares of what it requires.
	Own4h     float64 `json:"own_4h"`
	City6h    float64 `json:"city_6h"`
	Others24h float64 `json:"others_24h"`
}

// districtItems lists the items of as, an assessment of one event in the
// district code, with the district's share of each in its own depots.
func districtItems(as Assessment, code string) []DistrictItem {
	local := map[string]stock.Quantity{}
	for _, av := range as.Areas {
		if av.Area == code {
			local[av.Item] = local[av.Item].SaturatingAdd(av.Local)
		}
	}
	var out []DistrictItem
	for _, iv := range as.Items {
		if iv.Required <= 0 {
			continue
		}
		share := func(x stock.Quantity) float64 { return min(1, ratio(x, iv.Required)) }
		out = append(out, DistrictItem{Item: iv.Item, Required: iv.Required, Coverage: share(iv.Held),
			InTime: share(iv.OnTime), Within24: share(iv.Within24h), Local: share(local[iv.Item])})
	}
	return out
}

// Overview assesses the standing scenarios, the second in the pair of
// districts given with the hazard given, and a level Ⅱ event of that hazard
// in each district in turn, with each district's delivery chain ([Chain])
// and the support city stock gives Tianjin and Hebei ([NeighbourSupport]).
// Progress, if not nil, is told after each scenario and district. The plans of one
// overview share their travel times.
func (a *Assessor) Overview(ctx context.Context, pair [2]string, hazard string, progress func(done, total int)) (Overview, error) {
	start := time.Now()
	a = a.memoized()
	b, err := a.load(ctx)
	if err != nil {
		return Overview{}, err
	}
	if pair == DefaultPair {
		pair = PairFor(b.districts)
	}
	if err := CheckPair(pair, b.districts); err != nil {
		return Overview{}, err
	}
	ov := Overview{City: b.city.Code, At: a.clock().Unix()}
	standing := a.Config.Standing(b.city, pair, hazard)
	total := len(standing) + len(b.districts)
	basis := b.snap.basis(a.Config.WindowHours)
	points := map[string]geo.Point{}
	for _, d := range b.districts {
		points[d.Code] = d.Point
	}
	for i, sc := range standing {
		as, err := a.assess(ctx, b, sc)
		if err != nil {
			return ov, fmt.Errorf("readiness: %s: %w", sc.Code, err)
		}
		ov.Scenarios = append(ov.Scenarios, as)
		ov.Stats.add(as.Stats)
		report(progress, i+1, total)
	}
	for i, d := range b.districts {
		sc := Scenario{Code: "district-" + d.Code, NameZH: d.NameZH + " Ⅱ级响应",
			Events: []Event{{Hazard: hazard, Level: 2, Areas: []string{d.Code}}}}
		as, err := a.assess(ctx, b, sc)
		if err != nil {
			return ov, fmt.Errorf("readiness: district %s: %w", d.Code, err)
		}
		items := districtItems(as, d.Code)
		ch, st, err := a.chain(ctx, b, basis, as, d.Code, points, items)
		if err != nil {
			return ov, err
		}
		nonNil(&items)
		ov.Districts = append(ov.Districts, DistrictReadiness{Area: d.Code, NameZH: d.NameZH, NameEN: d.NameEN,
			Population: d.Population, Point: d.Point, Hazard: hazard, Level: 2, Summary: as.Summary,
			Chain: ch, Items: items})
		ov.Stats.add(as.Stats)
		ov.Stats.add(st)
		report(progress, len(standing)+i+1, total)
	}
	if err := a.overviewNeighbours(ctx, b, basis, hazard, &ov); err != nil {
		return ov, err
	}
	ov.Stats.LoadMs = b.loadMs
	ov.Stats.TotalMs = time.Since(start).Milliseconds()
	return ov, nil
}

// overviewNeighbours adds the support to Tianjin and Hebei: the
// requirement of a level Ⅱ event at the level's threshold, resolved in the
// most populous district (its norms; its plan is not used), planned from
// city stock to each neighbour site.
func (a *Assessor) overviewNeighbours(ctx context.Context, b *base, basis *snapshot, hazard string, ov *Overview) error {
	ov.Neighbours = []NeighbourSupport{}
	var ref *area.Area
	for i, d := range b.districts {
		if ref == nil || d.Population > ref.Population {
			ref = &b.districts[i]
		}
	}
	if ref == nil {
		return nil
	}
	relocated := a.Config.level(2).Relocated
	sc := Scenario{Code: "neighbour-support", NameZH: "津冀支援 Ⅱ级响应",
		Events: []Event{{Hazard: hazard, Level: 2, Areas: []string{ref.Code}, Relocated: relocated}}}
	w, err := a.prepare(b, sc)
	if err != nil {
		return fmt.Errorf("readiness: neighbour support: %w", err)
	}
	req := Assessment{Scenario: sc, At: w.now.Unix(), Events: w.out.Events}
	for _, code := range w.order {
		req.Items = append(req.Items, ItemView{Item: code})
	}
	for _, n := range w.needs {
		for i := range req.Items {
			if req.Items[i].Item == n.item {
				add(&req.Items[i].Required, units(n.total(), w.counted(b.snap, n.item)))
			}
		}
	}
	if len(w.out.Events) > 0 {
		relocated = int64(w.out.Events[0].Relocated)
	}
	ns, st, err := a.neighbours(ctx, b, basis, req, relocated)
	if err != nil {
		return err
	}
	ov.Neighbours = ns
	ov.Stats.add(st)
	return nil
}

func (s *Stats) add(o Stats) {
	s.DispatchMs += o.DispatchMs
	s.Plans += o.Plans
}

func report(progress func(done, total int), done, total int) {
	if progress != nil {
		progress(done, total)
	}
}
