package readiness

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/area"
)

// Scenario is a disaster to plan for (情景): one or more concurrent events.
type Scenario struct {
	Code   string  `json:"code"`
	NameZH string  `json:"name_zh"`
	NameEN string  `json:"name_en,omitempty"`
	Events []Event `json:"events"`
	// Standing marks the scenarios of the reserve plan the city must
	// always be ready for.
	Standing bool `json:"standing,omitempty"`
	// ReserveTarget marks a scenario that sizes the reserve (the standing
	// 1.2 % scenario): under the tier rule the city then also holds its
	// concurrent Ⅱ responses and the redundancy margin ([TierRule]).
	ReserveTarget bool `json:"reserve_target,omitempty"`
}

// Event is one disaster of a scenario, hitting one or more areas.
type Event struct {
	Hazard string `json:"hazard"`
	// Level is the response level (1 = Ⅰ … 4 = Ⅳ); zero means the level
	// the relocated people start.
	Level int `json:"level,omitempty"`
	// Areas are the districts hit; the city's code means all its districts.
	Areas []string `json:"areas"`
	// People per area: given, or spread over Areas by resident population.
	// Relocated zero means the level's planning size; Affected zero means
	// the relocated people.
	Relocated int64   `json:"relocated,omitempty"`
	Affected  int64   `json:"affected,omitempty"`
	Teams     int     `json:"teams,omitempty"` // zero: the level's
	Days      float64 `json:"days,omitempty"`  // zero: the level's
}

// MaxEvents bounds the events of a scenario.
const MaxEvents = 20

// Validate checks a scenario; the error names the first offending field,
// e.g. events[0].areas[1].
func (s Scenario) Validate(k Known) error {
	switch {
	case strings.TrimSpace(s.Code) == "":
		return apperr.Required("code", "情景编码", "scenario code")
	case strings.TrimSpace(s.NameZH) == "":
		return apperr.Required("name_zh", "情景名称", "scenario name")
	case len(s.Events) == 0:
		return invalid("events", "情景至少要有一个灾害事件", "a scenario needs at least one event")
	case len(s.Events) > MaxEvents:
		return invalid("events", fmt.Sprintf("事件不能超过 %d 个", MaxEvents), fmt.Sprintf("at most %d events", MaxEvents))
	}
	for i, e := range s.Events {
		if err := e.validate(k); err != nil {
			return apperr.Within(fmt.Sprintf("events[%d]", i), err)
		}
	}
	return nil
}

func (e Event) validate(k Known) error {
	switch {
	case !slices.Contains(Hazards, e.Hazard):
		return invalid("hazard", "灾种须为 "+strings.Join(Hazards, "、"), "hazard must be one of "+strings.Join(Hazards, ", "))
	case e.Level < 0 || e.Level > 4:
		return invalid("level", "响应级别须为 1 到 4", "level must be 1 to 4")
	case e.Level == 0 && e.Relocated == 0:
		return invalid("relocated", "须给出响应级别或转移安置人数", "give a level or the people relocated")
	case e.Relocated < 0 || e.Relocated > MaxPeople:
		return invalid("relocated", fmt.Sprintf("人数须在 0 到 %d 之间", int64(MaxPeople)),
			fmt.Sprintf("people must be 0 to %d", int64(MaxPeople)))
	case e.Affected < 0 || e.Affected > MaxPeople:
		return invalid("affected", fmt.Sprintf("人数须在 0 到 %d 之间", int64(MaxPeople)),
			fmt.Sprintf("people must be 0 to %d", int64(MaxPeople)))
	case e.Teams < 0 || e.Teams > MaxTeams:
		return invalid("teams", fmt.Sprintf("救援队伍数须在 0 到 %d 之间", MaxTeams), fmt.Sprintf("teams must be 0 to %d", MaxTeams))
	case !in(e.Days, 0, MaxDays):
		return invalid("days", "天数须在 0 到 365 之间", "days must be between 0 and 365")
	case len(e.Areas) == 0:
		return invalid("areas", "须给出受灾区域", "name the areas hit")
	}
	seen := map[string]bool{}
	for i, a := range e.Areas {
		field := fmt.Sprintf("areas[%d]", i)
		if seen[a] {
			return invalid(field, "区域「"+a+"」重复", "area "+strconv.Quote(a)+" is listed twice")
		}
		seen[a] = true
		if k.Area != nil && !k.Area(a) {
			return apperr.NotFoundf("area", "区域", a).WithField(field)
		}
	}
	return nil
}

// Resolved is an event with every default filled in and its people spread
// over the districts it hits.
type Resolved struct {
	Event
	Hits []Hit `json:"hits"`
	// Notes say which figures are assumptions.
	Notes []Note `json:"notes,omitempty"`
}

// Hit is the part of an event in one district.
type Hit struct {
	Area      string  `json:"area"`
	NameZH    string  `json:"name_zh"`
	Relocated float64 `json:"relocated"`
	Affected  float64 `json:"affected"`
	Teams     float64 `json:"teams"`
}

// Note is a remark on an assessment, in both languages.
type Note struct {
	ZH string `json:"zh"`
	EN string `json:"en"`
	// Sources are the settings' citations the note rests on, as they were
	// recorded (in the language they were written in): shown beside the
	// note, not inside its sentence.
	Sources []string `json:"sources,omitempty"`
}

// resolve fills an event's defaults from the configuration and spreads
// its people over the districts by resident population.
func (c Config) resolve(e Event, districts []area.Area, city string) (Resolved, error) {
	r := Resolved{Event: e}
	if e.Level == 0 {
		r.Level = c.LevelFor(e.Relocated)
		if r.Level == 0 {
			r.Level = 4 // below Ⅳ's threshold: planned with Ⅳ's teams and days
		}
	}
	lv := c.level(r.Level)
	if e.Relocated == 0 {
		r.Relocated = c.planningSize(r.Level)
		r.Notes = append(r.Notes, c.sizeNote(r.Level, r.Relocated, lv.Source))
	}
	if e.Affected == 0 {
		r.Affected = r.Relocated
	}
	if e.Teams == 0 {
		r.Teams = lv.Teams
	}
	if e.Days == 0 {
		r.Days = lv.Days
	}
	hits, err := spread(r.Event, districts, city)
	r.Hits = hits
	return r, err
}

// planningSize is the largest event of a level: one person below the next
// graver level's threshold, since an event at the threshold is already of
// the graver level; for Ⅰ, its own threshold.
func (c Config) planningSize(level int) int64 {
	if level <= 1 {
		return c.level(1).Relocated
	}
	return c.level(level-1).Relocated - 1
}

// sizeNote says how an event given only its level was sized.
func (c Config) sizeNote(level int, people int64, source string) Note {
	if level <= 1 {
		return Note{
			ZH:      fmt.Sprintf("Ⅰ级响应按其启动标准 %s 人计算", grouped(people)),
			EN:      fmt.Sprintf("a level Ⅰ response is planned at its threshold, %s people", grouped(people)),
			Sources: []string{source},
		}
	}
	next := c.level(level - 1).Relocated
	return Note{
		ZH: fmt.Sprintf("%s级响应按其上限 %s 人计算，即低于%s级启动标准 %s 人", roman(level), grouped(people),
			roman(level-1), grouped(next)),
		EN: fmt.Sprintf("a level %s response is planned at its upper bound, %s people, just below the level %s threshold of %s",
			roman(level), grouped(people), roman(level-1), grouped(next)),
		Sources: []string{source},
	}
}

// grouped writes n with thousands separators: 280,000.
func grouped(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// spread shares an event's people and teams over its districts by
// population; the city's code stands for all of them.
func spread(e Event, districts []area.Area, city string) ([]Hit, error) {
	var hit []area.Area
	for _, code := range e.Areas {
		if code == city {
			hit = districts
			break
		}
		if slices.ContainsFunc(hit, func(d area.Area) bool { return d.Code == code }) {
			continue // listed twice: one hit
		}
		i := slices.IndexFunc(districts, func(d area.Area) bool { return d.Code == code })
		if i < 0 {
			return nil, apperr.New(apperr.Invalid, "scenario.area", "「%s」不是本市的区", "%q is not a district of the city", code).
				WithField("areas")
		}
		hit = append(hit, districts[i])
	}
	out := make([]Hit, len(hit))
	for i, d := range hit {
		w := weight(hit, d)
		out[i] = Hit{Area: d.Code, NameZH: d.NameZH, Relocated: w * float64(e.Relocated),
			Affected: w * float64(e.Affected), Teams: w * float64(e.Teams)}
	}
	return out, nil
}

// weight is the share of an event's people a district of hit takes: its
// share of their resident population, so a district without residents
// (population 0, such as a development zone counted in its neighbours)
// takes none. When none of the districts hit has residents on record,
// they share the people evenly.
func weight(hit []area.Area, d area.Area) float64 {
	var pop float64
	for _, h := range hit {
		pop += float64(max(h.Population, 0))
	}
	if pop == 0 {
		return 1 / float64(len(hit))
	}
	return float64(max(d.Population, 0)) / pop
}

// empty reports whether a hit has no one in it: no people, no teams.
func (h Hit) empty() bool { return h.Relocated == 0 && h.Affected == 0 && h.Teams == 0 }

// count is how many units of a basis a hit makes.
func (h Hit) count(b Basis, days float64) float64 {
	switch b {
	case PerRelocated:
		return h.Relocated
	case PerRelocatedDay:
		return h.Relocated * days
	case PerAffectedDay:
		return h.Affected * days
	case PerIncident:
		if h.empty() {
			return 0 // a district the event leaves without people needs nothing
		}
		return 1
	case PerTeam:
		return math.Ceil(h.Teams - 1e-9)
	}
	return 0
}

// Standing returns the reserve plan's two standing scenarios (BRIEF "Numbers
// from the seeds"): life support for a share of the residents across the
// city, and two concurrent responses of level Ⅱ, rescue and life support,
// in the districts given (the July 2023 floods hit Fangshan and Mentougou).
func (c Config) Standing(city area.Area, pair [2]string, hazard string) []Scenario {
	people := c.LifeSupport.People
	if people == 0 {
		people = c.LifeSupport.ofResidents(city.Population)
	}
	zh, en := c.LifeSupport.label(people, city.Population)
	life := Scenario{Code: "standing-life-support", Standing: true, ReserveTarget: true, NameZH: zh, NameEN: en,
		Events: []Event{{Hazard: "general", Areas: []string{city.Code}, Relocated: people, Days: c.LifeSupport.Days}},
	}
	two := Scenario{Code: "standing-two-level-2", Standing: true,
		NameZH: "常备情景二：两场Ⅱ级响应同时发生（救援 + 生活保障）",
		NameEN: "Standing scenario 2: two concurrent level Ⅱ responses (rescue and life support)",
	}
	for _, d := range pair {
		two.Events = append(two.Events, Event{Hazard: hazard, Level: 2, Areas: []string{d}})
	}
	if people == 0 {
		return []Scenario{two} // no residents on record: nothing to plan life support for
	}
	return []Scenario{life, two}
}

// ofResidents is the share of the residents on record, rounded.
func (l LifeSupport) ofResidents(population int64) int64 {
	return int64(math.Round(l.Share * float64(population)))
}

// label names the standing life-support scenario, saying where its number
// of people comes from: the share of the residents on record, or the
// plan's own figure, with the share of the residents on record beside it
// when the two differ (Beijing: 280,000 in the plan, 262,717 by the 2020
// census loaded).
func (l LifeSupport) label(people, population int64) (zh, en string) {
	pct := fmt.Sprintf("%g%%", l.Share*100)
	if l.People == 0 {
		return fmt.Sprintf("常备情景一：%s 常住人口生活保障（按已载入常住人口 %s 人计，共 %s 人）", pct, grouped(population), grouped(people)),
			fmt.Sprintf("Standing scenario 1: life support for %s of residents (%s of the %s on record)", pct, grouped(people), grouped(population))
	}
	own := l.ofResidents(population)
	if own == people {
		return fmt.Sprintf("常备情景一：%s 常住人口生活保障（规划数 %s 人）", pct, grouped(people)),
			fmt.Sprintf("Standing scenario 1: life support for %s of residents (%s people, the plan's figure)", pct, grouped(people))
	}
	return fmt.Sprintf("常备情景一：%s 常住人口生活保障（规划数 %s 人；按已载入常住人口计为 %s 人）", pct, grouped(people), grouped(own)),
		fmt.Sprintf("Standing scenario 1: life support for %s of residents (%s people, the plan's figure; %s of the residents on record is %s)",
			pct, grouped(people), pct, grouped(own))
}

// DefaultPair is the default pair of districts of the second standing
// scenario: Fangshan and Mentougou, hit by the July 2023 floods.
var DefaultPair = [2]string{"110111", "110109"}

func roman(level int) string {
	if level >= 1 && level <= 4 {
		return []string{"Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ"}[level-1]
	}
	return fmt.Sprint(level)
}
