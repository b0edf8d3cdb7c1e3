package readiness

import (
	_ "embed"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/warning"
)

// Hazards are the scenario types norms are written for, the same as
// warnings'. General is no particular hazard: only the norms for every
// hazard ("*") apply, which are the life-support norms.
var Hazards = warning.Hazards

// AnyHazard marks a norm that applies to every hazard.
const AnyHazard = "*"

// Basis is what a norm's quantity is counted per (定额基数).
type Basis string

const (
	PerRelocated    Basis = "relocated"     // per person relocated or needing life assistance (紧急转移安置)
	PerRelocatedDay Basis = "relocated-day" // per such person per day
	PerAffectedDay  Basis = "affected-day"  // per affected person (受灾人口) per day
	PerIncident     Basis = "incident"      // per hit area of an event: each district's response
	PerTeam         Basis = "team"          // per rescue team deployed
)

// Bases lists the bases in display order.
var Bases = []Basis{PerRelocated, PerRelocatedDay, PerAffectedDay, PerIncident, PerTeam}

// Norm is one reserve norm (储备定额): how much of an item a hazard needs per
// unit of a basis, with the source of the figure.
//
// A norm for a particular hazard overrides the every-hazard norm of the same
// item and basis (a zero says the item is not needed for that hazard); a
// norm for a district overrides the city-wide one there. A norm without a
// tier is the whole requirement, split over the tiers by [TierShare]; norms
// with a tier give that tier's own requirement instead (分级储备).
type Norm struct {
	Hazard   string     `json:"hazard"`
	Item     string     `json:"item"`
	Basis    Basis      `json:"basis"`
	Quantity float64    `json:"quantity"`
	Area     string     `json:"area,omitempty"`
	Tier     area.Level `json:"tier,omitempty"`
	// Group, when set, makes the norm count only the people of a special
	// group (特殊群体, [Group]): its quantity is per member of the group.
	Group      string `json:"group,omitempty"`
	Source     string `json:"source"`
	Assumption bool   `json:"assumption"` // the figure is ours, not a published standard
}

// TierShare is the part of an untiered requirement one reserve tier holds.
type TierShare struct {
	Tier       area.Level `json:"tier"`
	Share      float64    `json:"share"`
	Source     string     `json:"source"`
	Assumption bool       `json:"assumption"`
}

// TierRule is the reserve plan's tier rule (分级储备, seed 001 储备规划
// §四(五)), per class of item. It replaces the tier shares for every item
// of a known class (catalog purpose "life" or "rescue").
//
// Life support (受灾人员生活保障物资): each district holds what one
// district-level Ⅱ relief response of its own needs (DistrictLevel2); the
// city holds what CityResponses concurrent city-level Ⅱ responses need
// (CityLevel2) and, in a scenario that sizes the reserve (the standing
// 1.2 % scenario, [Scenario.ReserveTarget]), whatever the districts leave
// of the scenario's total, plus the redundancy Margin (预留安全冗余).
//
// Rescue (应急救援保障物资): each district holds what a response of
// RescueDistrictLevel (Ⅲ, 较大) in the district needs — its risks for
// general and larger events, since the norms are per hazard — and the city
// the rest: major events (重大, Ⅱ and above).
type TierRule struct {
	CityResponses int            `json:"city_responses"`
	CityLevel2    ReliefResponse `json:"city_level2"`
	// CityResponsesSource says where CityResponses comes from.
	CityResponsesSource string         `json:"city_responses_source"`
	DistrictLevel2      ReliefResponse `json:"district_level2"`
	Margin              float64        `json:"margin"`
	MarginSource        string         `json:"margin_source"`
	MarginAssumption    bool           `json:"margin_assumption"`
	RescueDistrictLevel int            `json:"rescue_district_level"`
	RescueSource        string         `json:"rescue_source"`
}

// ReliefResponse is the planning size of one relief response (应急救助响应):
// people relocated or needing life assistance, for how many days.
type ReliefResponse struct {
	Relocated  int64   `json:"relocated"`
	Days       float64 `json:"days"`
	Source     string  `json:"source"`
	Assumption bool    `json:"assumption"`
}

// DefaultTierRule is the shipped tier rule; see docs/readiness.md#norms
// and docs/data-sources.md#tier-rule for the figures.
func DefaultTierRule() *TierRule {
	return &TierRule{
		CityResponses:       2,
		CityResponsesSource: "reserve plan 2021–2025 §四(五): 市级…满足同时开展两场北京市Ⅱ级突发事件应急救助响应",
		CityLevel2: ReliefResponse{Relocated: 49_999, Days: 5, Assumption: true,
			Source: "assumption: the planning size of a city level Ⅱ response (below Level Ⅰ's 50,000 of Beijing's relief plan, 2023); 5 days as the level's"},
		DistrictLevel2: ReliefResponse{Relocated: 5_000, Days: 3, Assumption: true,
			Source: "assumption: district relief plans' Ⅱ thresholds are not in the reference data; 5,000 people (a tenth of the city's Level Ⅰ), 3 days"},
		Margin: 0.1, MarginAssumption: true,
		MarginSource:        "assumption: 10 % of the total, held by the city (预留一定的安全冗余, reserve plan 2021–2025 §二)",
		RescueDistrictLevel: 3,
		RescueSource:        "reserve plan 2021–2025 §四(五): 各区…满足应对本辖区一般性和较大…突发事件; 市级…两场Ⅱ级 (major); a district's share is a level Ⅲ (较大) response in it",
	}
}

func (r *TierRule) validate() error {
	if r == nil {
		return nil
	}
	resp := func(f string, x ReliefResponse) error {
		switch {
		case x.Relocated <= 0 || x.Relocated > MaxPeople:
			return invalid(f+".relocated", fmt.Sprintf("响应规模须大于 0 且不超过 %d 人", int64(MaxPeople)),
				fmt.Sprintf("%s.relocated must be above 0 and at most %d", f, int64(MaxPeople)))
		case !in(x.Days, 0, MaxDays) || x.Days == 0:
			return invalid(f+".days", fmt.Sprintf("保障天数须大于 0 且不超过 %d", MaxDays),
				fmt.Sprintf("%s.days must be above 0 and at most %d", f, MaxDays))
		case strings.TrimSpace(x.Source) == "":
			return apperr.Required(f+".source", "数据来源（或注明为假设）", "source (or say it is an assumption)")
		}
		return nil
	}
	switch {
	case r.CityResponses < 0 || r.CityResponses > MaxEvents:
		return invalid("tier_rule.city_responses", fmt.Sprintf("市级同时应对的响应数须在 0 到 %d 之间", MaxEvents),
			fmt.Sprintf("tier_rule.city_responses must be 0 to %d", MaxEvents))
	case !in(r.Margin, 0, 1):
		return invalid("tier_rule.margin", "安全冗余比例须在 0 到 1 之间", "tier_rule.margin must be between 0 and 1")
	case r.RescueDistrictLevel < 1 || r.RescueDistrictLevel > 4:
		return invalid("tier_rule.rescue_district_level", "区级救援物资对应的响应级别须为 1 到 4",
			"tier_rule.rescue_district_level must be 1 to 4")
	}
	if err := resp("tier_rule.city_level2", r.CityLevel2); err != nil {
		return err
	}
	return resp("tier_rule.district_level2", r.DistrictLevel2)
}

// Level describes a response level (响应级别) for planning: the people
// relocated or needing life assistance at which it starts, the rescue teams
// it deploys and how long its life support lasts.
type Level struct {
	Level      int     `json:"level"` // 1 (Ⅰ, gravest) … 4 (Ⅳ)
	Relocated  int64   `json:"relocated"`
	Teams      int     `json:"teams"`
	Days       float64 `json:"days"`
	Source     string  `json:"source"`
	Assumption bool    `json:"assumption"`
}

// LifeSupport is the standing life-support scenario: a share of the city's
// residents, or a fixed number of people when People is set.
type LifeSupport struct {
	Share  float64 `json:"share"`
	People int64   `json:"people,omitempty"`
	Days   float64 `json:"days"`
	Source string  `json:"source"`
}

// Rotation is the rule that says when a lot is due for rotation (定期轮换):
// in the last Share of its item's shelf life, or within Days of expiry for
// an item without a shelf life on record; Items give an item its own
// number of days. A lot due for rotation is still held (it is good and
// unexpired) and is listed for rotation as well.
type Rotation struct {
	Share float64        `json:"share"`
	Days  int            `json:"days"`
	Items []ItemRotation `json:"items,omitempty"`
}

// ItemRotation gives one item its own rotation horizon: a lot is due
// within Days of its expiry.
type ItemRotation struct {
	Item string `json:"item"`
	Days int    `json:"days"`
}

// DefaultRotation is the shipped rotation rule: the last third of the
// shelf life (an assumption: instant noodles with 180 days are rotated in
// their last 60, water with 730 in its last 244), 90 days for items
// without a shelf life on record.
var DefaultRotation = Rotation{Share: 1.0 / 3, Days: 90}

// horizon is the rotation horizon of an item in days, given its shelf life.
func (r Rotation) horizon(item string, shelfLifeDays int) int {
	for _, it := range r.Items {
		if it.Item == item {
			return it.Days
		}
	}
	if shelfLifeDays <= 0 {
		return r.Days
	}
	return int(math.Ceil(r.Share*float64(shelfLifeDays) - 1e-9))
}

func (r Rotation) validate(k Known) error {
	switch {
	case !in(r.Share, 0, 1) || r.Share == 0:
		return invalid("rotation.share", "轮换期占保质期的比例须大于 0 且不超过 1", "rotation.share must be above 0 and at most 1")
	case r.Days < 0 || r.Days > MaxPlanningDays:
		return invalid("rotation.days", "轮换天数须为 0 到 3650 天", "rotation.days must be 0 to 3650")
	}
	seen := map[string]bool{}
	for i, it := range r.Items {
		f := fmt.Sprintf("rotation.items[%d]", i)
		switch {
		case it.Item == "":
			return apperr.Within(f+".", apperr.Required("item", "物资编码", "item"))
		case k.Item != nil && !k.Item(it.Item):
			return apperr.NotFoundf("item", "物资", it.Item).WithField(f + ".item")
		case seen[it.Item]:
			return invalid(f+".item", "物资重复", "item listed twice")
		case it.Days < 0 || it.Days > MaxPlanningDays:
			return invalid(f+".days", "轮换天数须为 0 到 3650 天", "days must be 0 to 3650")
		}
		seen[it.Item] = true
	}
	return nil
}

// WithDefaults fills the settings a stored configuration from before they
// existed lacks: the rotation rule, the unit prices, the tier rule and
// the special groups take the shipped ones when absent (a zero share, no
// prices at all, no tier rule, no groups).
func (c Config) WithDefaults() Config {
	if c.Rotation.Share == 0 && c.Rotation.Days == 0 && len(c.Rotation.Items) == 0 {
		c.Rotation = DefaultRotation
	}
	if c.Prices == nil {
		c.Prices = defaultPrices()
	}
	if c.TierRule == nil {
		c.TierRule = DefaultTierRule()
	}
	if c.Groups == nil {
		c.Groups = DefaultGroups()
	}
	return c
}

// Config is a city's readiness settings: norms, tier shares, response
// levels and the horizons an assessment uses. A city without its own uses
// [DefaultConfig].
type Config struct {
	City       string      `json:"city,omitempty"` // area code of the city
	Norms      []Norm      `json:"norms"`
	TierShares []TierShare `json:"tier_shares"`
	// TierRule, when set, divides the requirement of life-support and
	// rescue items over the tiers instead of TierShares; the shares then
	// apply only to items of neither class.
	TierRule *TierRule `json:"tier_rule,omitempty"`
	// Groups are the special groups (特殊群体) norms can target, with
	// their shares of each area's residents.
	Groups      []Group     `json:"groups,omitempty"`
	Levels      []Level     `json:"levels"`
	LifeSupport LifeSupport `json:"life_support"`
	// PlanningDays is the planning period the settings are for (the
	// budget year of the purchase list). Lots are no longer counted out of
	// what is held for expiring within it: see Rotation.
	PlanningDays int `json:"planning_days"`
	// Rotation says when a held lot is due for rotation (轮换).
	Rotation Rotation `json:"rotation"`
	// Prices are the unit prices purchase lines are costed at.
	Prices []Price `json:"prices"`
	// WindowHours is how soon contract reserves must deliver to count as held.
	WindowHours float64 `json:"window_hours"`
	// DeadlineHours is the first-batch deadline demands are planned against.
	DeadlineHours float64 `json:"deadline_hours"`
	// KeepShare is the share of its free stock every depot outside a warned
	// area keeps when stock is moved forward before an event.
	KeepShare float64 `json:"keep_share"`
	// Default is set on the shipped defaults, never stored.
	Default bool `json:"default,omitempty"`
}

//go:embed data/norms.csv
var normsCSV string

// DefaultConfig returns the shipped settings: the norms of data/norms.csv,
// the reserve plan's tier rule (a city/district split of 50/50 for items
// of neither class), the special groups and Beijing's response levels.
func DefaultConfig() Config {
	norms, err := ImportNorms(normsCSV, Known{})
	if err != nil {
		panic(fmt.Sprintf("readiness: shipped norms: %v", err)) // caught by the package's tests
	}
	const levelsSrc = "Beijing's 突发事件救助应急预案(2023): Level Ⅰ from 5万 people relocated or needing life assistance"
	const ratio = "; Ⅱ–Ⅳ not published: scaled by the national plan's ratios (200万/100万/50万/10万); teams and days are planning assumptions"
	return Config{
		Norms: norms,
		TierShares: []TierShare{
			{Tier: area.LevelCity, Share: 0.5, Source: "市、区两级 hold life-support stock (reserve plan 2021–2025); even split assumed", Assumption: true},
			{Tier: area.LevelDistrict, Share: 0.5, Source: "市、区两级 hold life-support stock (reserve plan 2021–2025); even split assumed", Assumption: true},
		},
		Levels: []Level{
			{Level: 1, Relocated: 50000, Teams: 40, Days: 7, Source: levelsSrc},
			{Level: 2, Relocated: 25000, Teams: 20, Days: 5, Source: levelsSrc + ratio, Assumption: true},
			{Level: 3, Relocated: 12500, Teams: 10, Days: 3, Source: levelsSrc + ratio, Assumption: true},
			{Level: 4, Relocated: 2500, Teams: 4, Days: 2, Source: levelsSrc + ratio, Assumption: true},
		},
		LifeSupport: LifeSupport{Share: 0.012, Days: 7,
			Source: "reserve plan 2021–2025: life support for 1.2% of residents; 7 days assumed"},
		// Contract reserves count as held when they deliver within the first
		// three days of a response (an assumption: the phase before central
		// and inter-provincial support takes over).
		PlanningDays: 365, WindowHours: 72, DeadlineHours: 4, KeepShare: 0.5, Default: true,
		Rotation: DefaultRotation, Prices: defaultPrices(),
		TierRule: DefaultTierRule(), Groups: DefaultGroups(),
	}
}

func normFromRecord(rec []string) (Norm, error) {
	if len(rec) < 7 {
		return Norm{}, invalid("", fmt.Sprintf("应有 7 到 9 列，实际 %d 列", len(rec)), fmt.Sprintf("want 7 to 9 columns, got %d", len(rec)))
	}
	q, err := strconv.ParseFloat(strings.TrimSpace(rec[3]), 64)
	if err != nil {
		return Norm{}, invalid("quantity", "定额「"+rec[3]+"」不是数字", "quantity "+strconv.Quote(rec[3])+" is not a number")
	}
	n := Norm{Hazard: strings.TrimSpace(rec[0]), Item: strings.TrimSpace(rec[1]), Basis: Basis(strings.TrimSpace(rec[2])),
		Quantity: q, Tier: area.Level(strings.TrimSpace(rec[4])), Assumption: strings.TrimSpace(rec[5]) == "yes",
		Source: strings.TrimSpace(rec[6])}
	if len(rec) > 7 {
		n.Area = strings.TrimSpace(rec[7])
	}
	if len(rec) > 8 {
		n.Group = strings.TrimSpace(rec[8])
	}
	return n, nil
}

// The ranges of the figures of a configuration and a scenario, refused
// outside them by their validators; every figure is also finite. They are
// wide enough for any city and narrow enough that the requirements
// computed from them stay meaningful (see [units]).
const (
	// MaxNormQuantity bounds a norm: a million units per basis. The
	// largest shipped is 50,000 sandbags per flooded district.
	MaxNormQuantity = 1_000_000
	// MaxPeople bounds the people of a response level, of the standing
	// life-support scenario and of an event: the most an area may have,
	// area.MaxPopulation.
	MaxPeople = area.MaxPopulation
	// MaxTeams bounds the rescue teams of a level or an event.
	MaxTeams = 10_000
	// MaxDays bounds the days of life support of a level, the standing
	// scenario or an event: a year.
	MaxDays = 365
	// MaxPlanningDays bounds the planning period: ten years.
	MaxPlanningDays = 3650
	// MaxWindowHours and MaxDeadlineHours bound the window contract
	// reserves deliver in (30 days) and the first-batch deadline (3 days).
	MaxWindowHours   = 24 * 30
	MaxDeadlineHours = 72
)

// Known answers whether codes exist: the validation of a configuration or
// scenario asks it about items and areas.
type Known struct {
	Item func(code string) bool
	Area func(code string) bool
}

// Validate checks a configuration before it is stored; the error names the
// first offending field, e.g. norms[3].quantity.
func (c Config) Validate(k Known) error {
	seen := map[Norm]int{}
	for i, n := range c.Norms {
		if err := n.validate(k); err != nil {
			return apperr.Within(fmt.Sprintf("norms[%d]", i), err)
		}
		key := Norm{Hazard: n.Hazard, Item: n.Item, Basis: n.Basis, Area: n.Area, Tier: n.Tier, Group: n.Group}
		if j, dup := seen[key]; dup {
			return invalid(fmt.Sprintf("norms[%d]", i), fmt.Sprintf("与第 %d 条定额重复（灾种、物资、基数、区域、层级均相同）", j+1),
				fmt.Sprintf("repeats norms[%d]: same hazard, item, basis, area and tier", j))
		}
		seen[key] = i
	}
	if err := c.validateShares(); err != nil {
		return err
	}
	if err := c.validateLevels(); err != nil {
		return err
	}
	switch {
	case !in(c.LifeSupport.Share, 0, 1) || (c.LifeSupport.Share == 0 && c.LifeSupport.People == 0):
		return invalid("life_support.share", "生活保障人口比例须大于 0 且不超过 1（或给出人数）",
			"the life-support share must be above 0 and at most 1 (or give the people)")
	case c.LifeSupport.People < 0 || c.LifeSupport.People > MaxPeople:
		return invalid("life_support.people", fmt.Sprintf("生活保障人数须在 0 到 %d 之间", int64(MaxPeople)),
			fmt.Sprintf("life-support people must be 0 to %d", int64(MaxPeople)))
	case !in(c.LifeSupport.Days, 0, MaxDays) || c.LifeSupport.Days == 0:
		return invalid("life_support.days", fmt.Sprintf("生活保障天数须大于 0 且不超过 %d", MaxDays),
			fmt.Sprintf("life-support days must be above 0 and at most %d", MaxDays))
	case c.PlanningDays <= 0 || c.PlanningDays > MaxPlanningDays:
		return invalid("planning_days", "规划期须为 1 到 3650 天", "the planning period must be 1 to 3650 days")
	case !in(c.WindowHours, 0, MaxWindowHours) || c.WindowHours == 0:
		return invalid("window_hours", "协议储备交付时限须大于 0 且不超过 720 小时", "window_hours must be above 0 and at most 720")
	case !in(c.DeadlineHours, 0, MaxDeadlineHours) || c.DeadlineHours == 0:
		return invalid("deadline_hours", "首批送达时限须大于 0 且不超过 72 小时", "deadline_hours must be above 0 and at most 72")
	case !in(c.KeepShare, 0, 1):
		return invalid("keep_share", "保底比例须在 0 到 1 之间", "keep_share must be between 0 and 1")
	}
	if err := c.Rotation.validate(k); err != nil {
		return err
	}
	if err := c.TierRule.validate(); err != nil {
		return err
	}
	if err := validateGroups(c.Groups, k); err != nil {
		return err
	}
	for i, n := range c.Norms {
		if n.Group != "" && !slices.ContainsFunc(c.Groups, func(g Group) bool { return g.Code == n.Group }) {
			return invalid(fmt.Sprintf("norms[%d].group", i), "未知特殊群体「"+n.Group+"」", "unknown special group "+strconv.Quote(n.Group))
		}
	}
	return validatePrices(c.Prices, k)
}

func (n Norm) validate(k Known) error {
	switch {
	case n.Hazard == "":
		return apperr.Required("hazard", "灾种", "hazard")
	case n.Hazard != AnyHazard && !slices.Contains(Hazards, n.Hazard):
		return invalid("hazard", "未知灾种「"+n.Hazard+"」", "unknown hazard "+strconv.Quote(n.Hazard))
	case n.Item == "":
		return apperr.Required("item", "物资编码", "item")
	case k.Item != nil && !k.Item(n.Item):
		return apperr.NotFoundf("item", "物资", n.Item).WithField("item")
	case !slices.Contains(Bases, n.Basis):
		return invalid("basis", "定额基数须为 relocated、relocated-day、affected-day、incident 或 team",
			"basis must be relocated, relocated-day, affected-day, incident or team")
	case !in(n.Quantity, 0, MaxNormQuantity):
		return invalid("quantity", fmt.Sprintf("定额须在 0 到 %d 之间", MaxNormQuantity),
			fmt.Sprintf("the quantity must be a number from 0 to %d", MaxNormQuantity))
	case n.Tier != "" && n.Tier.Rank() < 0:
		return invalid("tier", "未知层级「"+string(n.Tier)+"」", "unknown tier "+strconv.Quote(string(n.Tier)))
	case n.Area != "" && k.Area != nil && !k.Area(n.Area):
		return apperr.NotFoundf("area", "区域", n.Area).WithField("area")
	case strings.TrimSpace(n.Source) == "":
		return apperr.Required("source", "定额来源", "source of the figure")
	}
	return nil
}

func (c Config) validateShares() error {
	var sum float64
	seen := map[area.Level]bool{}
	for i, s := range c.TierShares {
		f := fmt.Sprintf("tier_shares[%d]", i)
		switch {
		case s.Tier.Rank() < 0:
			return invalid(f+".tier", "未知层级「"+string(s.Tier)+"」", "unknown tier "+strconv.Quote(string(s.Tier)))
		case seen[s.Tier]:
			return invalid(f+".tier", "层级重复", "tier listed twice")
		case !in(s.Share, 0, 1):
			return invalid(f+".share", "分级比例须在 0 到 1 之间", "the share must be between 0 and 1")
		}
		seen[s.Tier] = true
		sum += s.Share
	}
	if math.Abs(sum-1) > 1e-6 {
		return invalid("tier_shares", fmt.Sprintf("各层级比例之和须为 1，现为 %g", sum),
			fmt.Sprintf("the tier shares must add up to 1, not %g", sum))
	}
	return nil
}

func (c Config) validateLevels() error {
	if len(c.Levels) != 4 {
		return invalid("levels", "须给出 Ⅰ–Ⅳ 四个响应级别", "give the four response levels Ⅰ–Ⅳ")
	}
	for i, l := range c.Levels {
		f := fmt.Sprintf("levels[%d]", i)
		switch {
		case l.Level != i+1:
			return invalid(f+".level", "响应级别须按 1 到 4 排列", "levels must be listed 1 to 4 in order")
		case l.Relocated <= 0 || l.Relocated > MaxPeople || (i > 0 && l.Relocated >= c.Levels[i-1].Relocated):
			return invalid(f+".relocated", fmt.Sprintf("启动人数须大于 0、不超过 %d，且随级别降低而减少", int64(MaxPeople)),
				fmt.Sprintf("the relocated threshold must be above 0, at most %d, and fall from level to level", int64(MaxPeople)))
		case l.Teams < 0 || l.Teams > MaxTeams:
			return invalid(f+".teams", fmt.Sprintf("救援队伍数须在 0 到 %d 之间", MaxTeams),
				fmt.Sprintf("teams must be 0 to %d", MaxTeams))
		case !in(l.Days, 0, MaxDays) || l.Days == 0:
			return invalid(f+".days", fmt.Sprintf("保障天数须大于 0 且不超过 %d", MaxDays),
				fmt.Sprintf("days must be above 0 and at most %d", MaxDays))
		}
	}
	return nil
}

// LevelFor returns the response level a number of relocated people starts.
func (c Config) LevelFor(relocated int64) int {
	for _, l := range c.Levels {
		if relocated >= l.Relocated {
			return l.Level
		}
	}
	return 0
}

// level returns the settings of response level n (1–4).
func (c Config) level(n int) Level {
	for _, l := range c.Levels {
		if l.Level == n {
			return l
		}
	}
	return Level{}
}

// share returns a tier's share of untiered requirements.
func (c Config) share(t area.Level) float64 {
	for _, s := range c.TierShares {
		if s.Tier == t {
			return s.Share
		}
	}
	return 0
}

// in reports whether x is a number from lo to hi; NaN is not, and
// neither is ±Inf when the bounds are finite.
func in(x, lo, hi float64) bool { return x >= lo && x <= hi }

func invalid(field, zh, en string) error {
	return &apperr.Error{Kind: apperr.Invalid, Code: "readiness.invalid", Field: field, ZH: zh, EN: en}
}
