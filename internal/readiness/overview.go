package readiness

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/geo"
)

// Overview is a city's standing readiness: the reserve plan's two standing
// scenarios, and for every district how ready the city is for a level Ⅱ
// event there alone — the map layer and chart of readiness by district.
type Overview struct {
	City      string              `json:"city"`
	At        int64               `json:"at"`
	Scenarios []Assessment        `json:"scenarios"`
	Districts []DistrictReadiness `json:"districts"`
	Stats     Stats               `json:"stats"`
}

// DistrictReadiness is the summary of a level Ⅱ event in one district.
type DistrictReadiness struct {
	Area       string    `json:"area"`
	NameZH     string    `json:"name_zh"`
	NameEN     string    `json:"name_en"`
	Population int64     `json:"population"`
	Point      geo.Point `json:"point"`
	Hazard     string    `json:"hazard"`
	Level      int       `json:"level"`
	Summary    Summary   `json:"summary"`
}

// Overview assesses the standing scenarios, the second in the pair of
// districts given with the hazard given, and a level Ⅱ event of that hazard
// in each district in turn. Progress, if not nil, is told after each plan.
func (a *Assessor) Overview(ctx context.Context, pair [2]string, hazard string, progress func(done, total int)) (Overview, error) {
	start := time.Now()
	b, err := a.load(ctx)
	if err != nil {
		return Overview{}, err
	}
	for i, code := range pair {
		if !slices.ContainsFunc(b.districts, func(d area.Area) bool { return d.Code == code }) {
			return Overview{}, apperr.New(apperr.Invalid, "readiness.pair", "「%s」不是本市的区", "%q is not a district of the city",
				code).WithField(fmt.Sprintf("pair[%d]", i))
		}
	}
	ov := Overview{City: b.city.Code, At: a.clock().Unix()}
	standing := a.Config.Standing(b.city, pair, hazard)
	total := len(standing) + len(b.districts)
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
		ov.Districts = append(ov.Districts, DistrictReadiness{Area: d.Code, NameZH: d.NameZH, NameEN: d.NameEN,
			Population: d.Population, Point: d.Point, Hazard: hazard, Level: 2, Summary: as.Summary})
		ov.Stats.add(as.Stats)
		report(progress, len(standing)+i+1, total)
	}
	ov.Stats.LoadMs = b.loadMs
	ov.Stats.TotalMs = time.Since(start).Milliseconds()
	return ov, nil
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
