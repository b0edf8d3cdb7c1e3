// Package dispatch turns incidents into dispatch plans (调度方案, BRIEF C4 and
// C8): which depot, agreement or production line sends how much of what to
// which site, when it arrives, and what cannot be met and why.
//
// An incident lists its sites and what each needs by when. The planner
// gathers every source of the items — depot stock of every tier, agreement
// reserves, production-capacity reserves — asks a routing.Router for travel
// times, and solves one exact min-cost allocation over all open incidents
// (package alloc). A plan is stored, approved (its units are reserved in the
// ledger), executed (its dispatch orders take the reservations over, see
// package transfer and package shipment) or cancelled.
package dispatch

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// IncidentStatus is whether an incident still takes part in planning.
type IncidentStatus string

const (
	IncidentOpen   IncidentStatus = "open"
	IncidentClosed IncidentStatus = "closed"
)

// Incident is an emergency that needs supplies: a flood, an earthquake, a
// fire. Its sites are where supplies must go.
type Incident struct {
	Code  string `json:"code"`
	Title string `json:"title"`
	Type  string `json:"type"` // flood, earthquake, fire, snowstorm, …
	// Level is the response level (响应级别): 1 (一级, the gravest) to 4.
	Level int `json:"level"`
	// Priority weighs this incident's shortages and delays against other
	// incidents'; 1 to 1000. Zero means the level's default (PriorityOf).
	Priority int            `json:"priority,omitempty"`
	Status   IncidentStatus `json:"status,omitempty"`
	// ReportedAt is when the incident was reported (unix seconds); the
	// demands' deadlines count from it. Zero means when it is stored;
	// otherwise it lies in [EarliestReport, LatestReport).
	ReportedAt int64  `json:"reported_at,omitempty"`
	Sites      []Site `json:"sites"`
}

// HasSiteIn reports whether one of the incident's sites lies in an area
// that in says is wanted (a site without an area lies in none).
func (in Incident) HasSiteIn(wanted func(area string) bool) bool {
	return slices.ContainsFunc(in.Sites, func(s Site) bool { return s.Area != "" && wanted(s.Area) })
}

// Site is a place that needs supplies: a resettlement point, a field
// hospital, a command post.
type Site struct {
	Code    string    `json:"code"`
	Name    string    `json:"name"`
	Area    string    `json:"area,omitempty"` // area code; empty: the nearest district
	Point   geo.Point `json:"point"`
	Demands []Demand  `json:"demands"`
}

// Demand is a quantity of an item a site needs within some hours of the
// incident's report: above 0 and at most [stock.MaxQuantity], within
// more than 0 and at most [MaxWithinHours].
type Demand struct {
	Item        string         `json:"item"`
	Quantity    stock.Quantity `json:"quantity"`
	WithinHours float64        `json:"within_hours"`
}

// PriorityOf returns the default priority of a response level: level 1
// outweighs level 4 tenfold.
func PriorityOf(level int) int {
	return map[int]int{1: 10, 2: 6, 3: 3, 4: 1}[level]
}

// EffectivePriority is the incident's priority, or its level's default.
func (in Incident) EffectivePriority() int {
	if in.Priority > 0 {
		return in.Priority
	}
	return PriorityOf(in.Level)
}

// Deadline returns when a demand must have arrived.
func (in Incident) Deadline(d Demand) time.Time {
	return time.Unix(in.ReportedAt, 0).Add(time.Duration(d.WithinHours * float64(time.Hour)))
}

// MaxSites and MaxDemands bound an incident so one request cannot tie up
// the planner.
const (
	MaxSites   = 500
	MaxDemands = 200 // per site
)

// The ranges of an incident's other figures, refused outside them by
// [Incident.Validate]. A demand is due within a year of the report. The
// report time is in the years 2000 to 2099 (UTC): deadlines are computed
// from it as times, which a far-off second count would overflow. The
// priority is 1 to MaxPriority, so that shortage costs stay within the
// planner's arithmetic.
const (
	MaxWithinHours = 24 * 365
	MaxPriority    = 1000
	EarliestReport = 946684800  // 2000-01-01T00:00:00Z
	LatestReport   = 4102444800 // 2100-01-01T00:00:00Z, excluded
)

// Validate checks an incident's shape. Whether its items exist and its
// sites lie in the region is the planner's business: an unknown item is a
// need the plan reports as unmet, not a reason to refuse the incident.
func (in Incident) Validate() error {
	switch {
	case strings.TrimSpace(in.Code) == "":
		return apperr.Required("code", "事件编码", "incident code")
	case strings.TrimSpace(in.Title) == "":
		return apperr.Required("title", "事件名称", "incident title")
	case in.Level < 1 || in.Level > 4:
		return apperr.New(apperr.Invalid, "incident.level_invalid",
			"响应级别须为 1（一级）到 4（四级），实际为 %d", "response level must be 1 to 4, got %d", in.Level).WithField("level")
	case in.Priority < 0 || in.Priority > MaxPriority:
		return apperr.New(apperr.Invalid, "incident.priority_invalid",
			"优先级须为 0（按响应级别默认）或 1 到 1000", "priority must be 0 (the level's default) or from 1 to 1000").WithField("priority")
	case in.ReportedAt != 0 && (in.ReportedAt < EarliestReport || in.ReportedAt >= LatestReport):
		return apperr.New(apperr.Invalid, "incident.reported_at_invalid",
			"报告时间 %d 超出范围：应为 2000 年至 2099 年之间的 Unix 秒数（或省略，表示保存时）",
			"reported_at %d is out of range: want unix seconds in 2000 to 2099 (or leave it out for when it is stored)",
			in.ReportedAt).WithField("reported_at")
	case in.Status != "" && in.Status != IncidentOpen && in.Status != IncidentClosed:
		return apperr.New(apperr.Invalid, "incident.status_invalid",
			"事件状态须为 open 或 closed", "incident status must be open or closed").WithField("status")
	case len(in.Sites) == 0:
		return apperr.Required("sites", "需求点", "at least one site")
	case len(in.Sites) > MaxSites:
		return apperr.New(apperr.Invalid, "incident.too_many_sites",
			"一个事件最多 %d 个需求点", "an incident may have at most %d sites", MaxSites).WithField("sites")
	}
	seen := map[string]bool{}
	for i, s := range in.Sites {
		if err := s.validate(); err != nil {
			return apperr.Within(fmt.Sprintf("sites[%d]", i), err)
		}
		if seen[s.Code] {
			return apperr.New(apperr.Invalid, "site.duplicate", "需求点编码 %s 重复", "site code %s appears twice",
				s.Code).WithField(fmt.Sprintf("sites[%d].code", i))
		}
		seen[s.Code] = true
	}
	return nil
}

func (s Site) validate() error {
	switch {
	case strings.TrimSpace(s.Code) == "":
		return apperr.Required("code", "需求点编码", "site code")
	case !s.Point.Valid() || (s.Point == geo.Point{}):
		return apperr.New(apperr.Invalid, "geo.point_invalid",
			"需求点坐标缺失或超出范围", "site coordinates are missing or out of range").WithField("point")
	case len(s.Demands) == 0:
		return apperr.Required("demands", "需求物资", "at least one demand")
	case len(s.Demands) > MaxDemands:
		return apperr.New(apperr.Invalid, "site.too_many_demands",
			"一个需求点最多 %d 条需求", "a site may have at most %d demands", MaxDemands).WithField("demands")
	}
	for i, d := range s.Demands {
		field := fmt.Sprintf("demands[%d].", i)
		switch {
		case strings.TrimSpace(d.Item) == "":
			return apperr.Required(field+"item", "物资编码", "item")
		case d.Quantity.CheckPositive() != nil:
			return apperr.Within(field, d.Quantity.CheckPositive())
		case !(d.WithinHours > 0 && d.WithinHours <= MaxWithinHours): // NaN and ±Inf too
			return apperr.New(apperr.Invalid, "demand.within_invalid",
				"时限须在 0 到 8760 小时之间", "within_hours must be more than 0 and at most 8760").
				WithField(field + "within_hours")
		}
	}
	return nil
}
