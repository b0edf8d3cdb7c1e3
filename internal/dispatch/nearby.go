package dispatch

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/routing"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// MaxNearbyHours bounds the window of a nearby search: three days, beyond
// which "nearby" means the whole city and a plan is the better question.
const MaxNearbyHours = 72

// NearbySource is a place that holds an item and can send it to a point:
// a depot's usable stock or an agreement reserve's free quantity, with the
// minutes until it can leave (0 for depots, the agreed delivery hours for
// agreements), and, once routed, its travel and arrival minutes.
type NearbySource struct {
	Kind       SourceKind     `json:"kind"`
	Code       string         `json:"code"`
	NameZH     string         `json:"name_zh"`
	NameEN     string         `json:"name_en,omitempty"`
	Tier       string         `json:"tier"` // depot tier, or agreement
	Point      geo.Point      `json:"point"`
	Usable     stock.Quantity `json:"usable"`
	ReadyMin   int            `json:"ready_min"`
	TravelMin  int            `json:"travel_min"`
	ArrivalMin int            `json:"arrival_min"`
}

// NearbyResult answers "where is this item within so many hours of this
// point": the sources that arrive in time, soonest first, and their total.
type NearbyResult struct {
	Point   geo.Point      `json:"point"`
	Hours   float64        `json:"hours"`
	Router  string         `json:"router"`
	Sources []NearbySource `json:"sources"`
	Total   stock.Quantity `json:"total"`
	// Considered is how many sources held the item at all, so a reader can
	// tell "none nearby" from "none anywhere".
	Considered int `json:"considered"`
}

// ReadyMinutes converts a reserve's ready time in hours to whole minutes,
// rounded up as the planner rounds travel times.
func ReadyMinutes(hours float64) int { return int(math.Ceil(hours * 60)) }

// CheckNearby validates a nearby search: a WGS-84 point and a window of
// more than 0 and at most MaxNearbyHours hours. Errors name the field as the
// API's parameters do (lon, lat, hours).
func CheckNearby(at geo.Point, hours float64) error {
	switch {
	case math.IsNaN(at.Lon) || at.Lon < -180 || at.Lon > 180:
		return apperr.New(apperr.Invalid, "geo.lon_invalid", "经度 %v 无效：应在 -180 到 180 之间",
			"longitude %v is invalid: want -180 to 180", at.Lon).WithField("lon")
	case math.IsNaN(at.Lat) || at.Lat < -90 || at.Lat > 90:
		return apperr.New(apperr.Invalid, "geo.lat_invalid", "纬度 %v 无效：应在 -90 到 90 之间",
			"latitude %v is invalid: want -90 to 90", at.Lat).WithField("lat")
	case math.IsNaN(hours) || hours <= 0 || hours > MaxNearbyHours:
		return apperr.New(apperr.Invalid, "nearby.hours_invalid", "时限 %v 小时无效：应大于 0 且不超过 %d 小时",
			"hours %v is invalid: want more than 0 and at most %d", hours, MaxNearbyHours).WithField("hours")
	}
	return nil
}

// Nearby routes every candidate with usable stock to at, keeps those whose
// ready time plus travel time is within hours, and sorts them by arrival
// (then travel time, then code), the same travel-time model the planner
// uses. Candidates without stock or with an invalid point are left out;
// unreachable ones are not kept.
func Nearby(ctx context.Context, router routing.Router, at geo.Point, hours float64, candidates []NearbySource) (NearbyResult, error) {
	res := NearbyResult{Point: at, Hours: hours, Router: router.Name(), Sources: []NearbySource{}}
	if err := CheckNearby(at, hours); err != nil {
		return res, err
	}
	var held []NearbySource
	for _, c := range candidates {
		if c.Usable > 0 && c.Point.Valid() && c.Point != (geo.Point{}) {
			held = append(held, c)
		}
	}
	res.Considered = len(held)
	if len(held) == 0 {
		return res, nil
	}
	from := make([]geo.Point, len(held))
	for i, c := range held {
		from[i] = c.Point
	}
	m, err := router.Matrix(ctx, from, []geo.Point{at})
	if err != nil {
		return res, fmt.Errorf("dispatch: nearby travel times: %w", err)
	}
	limit := hours * 60
	for i, c := range held {
		if !m.Reachable(i, 0) {
			continue
		}
		c.TravelMin = int(math.Ceil(float64(m.At(i, 0)) / 60))
		c.ArrivalMin = c.ReadyMin + c.TravelMin
		if float64(c.ArrivalMin) <= limit {
			res.Sources = append(res.Sources, c)
			res.Total = res.Total.SaturatingAdd(c.Usable)
		}
	}
	slices.SortFunc(res.Sources, func(a, b NearbySource) int {
		return cmp.Or(cmp.Compare(a.ArrivalMin, b.ArrivalMin), cmp.Compare(a.TravelMin, b.TravelMin),
			cmp.Compare(a.Code, b.Code))
	})
	return res, nil
}
