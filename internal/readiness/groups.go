package readiness

import (
	"fmt"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/apperr"
)

// Group is a special group (特殊群体, seed 001 储备规划 §二(三): 老人、残疾人、
// 未成年人、孕产妇) a norm can target: Share is its part of the residents,
// Areas a district's own share where it differs. A norm with the group
// counts its quantity per member of the group among the people of each
// district hit (infant formula per infant relocated, say).
type Group struct {
	Code       string      `json:"code"`
	NameZH     string      `json:"name_zh"`
	NameEN     string      `json:"name_en"`
	Share      float64     `json:"share"`
	Areas      []AreaShare `json:"areas,omitempty"`
	Source     string      `json:"source"`
	Assumption bool        `json:"assumption"`
}

// AreaShare is a group's share of one area's residents.
type AreaShare struct {
	Area  string  `json:"area"`
	Share float64 `json:"share"`
}

// share is the group's share of a district's residents.
func (g Group) share(district string) float64 {
	for _, a := range g.Areas {
		if a.Area == district {
			return a.Share
		}
	}
	return g.Share
}

// DefaultGroups are the shipped special groups with Beijing's shares
// (docs/data-sources.md#special-groups).
func DefaultGroups() []Group {
	return []Group{
		{Code: "elderly", NameZH: "老年人（65 岁及以上）", NameEN: "older people (65 and over)", Share: 0.133,
			Source: "Beijing 2020 census (第七次全国人口普查): 65 and over 13.3 % of residents"},
		{Code: "disabled", NameZH: "残疾人", NameEN: "people with disabilities", Share: 0.0634, Assumption: true,
			Source: "national share, 2006 sample survey of disability (8,296 万 of 13.1 亿 = 6.34 %); Beijing's own not in the reference data"},
		{Code: "minor", NameZH: "未成年人（0–17 岁）", NameEN: "minors (0–17)", Share: 0.149, Assumption: true,
			Source: "Beijing 2020 census: 0–14 11.9 % of residents; 15–17 taken as 3 % (three years at ≈1 % each, our assumption)"},
		{Code: "infant", NameZH: "婴幼儿（0–2 岁）", NameEN: "infants (0–2)", Share: 0.014, Assumption: true,
			Source: "about three birth cohorts of ≈100,000 a year in Beijing around 2020 over 21.89 million residents (our estimate)"},
		{Code: "pregnant", NameZH: "孕产妇", NameEN: "pregnant and postpartum women", Share: 0.004, Assumption: true,
			Source: "≈100,000 births a year × (9 months pregnancy + 42 days postpartum) ÷ 12 ÷ 21.89 million residents (our estimate)"},
	}
}

func validateGroups(gs []Group, k Known) error {
	seen := map[string]bool{}
	for i, g := range gs {
		f := fmt.Sprintf("groups[%d]", i)
		switch {
		case strings.TrimSpace(g.Code) == "":
			return apperr.Required(f+".code", "特殊群体编码", "group code")
		case seen[g.Code]:
			return invalid(f+".code", "特殊群体重复", "group listed twice")
		case strings.TrimSpace(g.NameZH) == "":
			return apperr.Required(f+".name_zh", "特殊群体名称", "group name")
		case !in(g.Share, 0, 1):
			return invalid(f+".share", "人口比例须在 0 到 1 之间", "the share must be between 0 and 1")
		case strings.TrimSpace(g.Source) == "":
			return apperr.Required(f+".source", "数据来源（或注明为假设）", "source (or say it is an assumption)")
		}
		seen[g.Code] = true
		areas := map[string]bool{}
		for j, a := range g.Areas {
			af := fmt.Sprintf("%s.areas[%d]", f, j)
			switch {
			case a.Area == "":
				return apperr.Required(af+".area", "区域", "area")
			case k.Area != nil && !k.Area(a.Area):
				return apperr.NotFoundf("area", "区域", a.Area).WithField(af + ".area")
			case areas[a.Area]:
				return invalid(af+".area", "区域重复", "area listed twice")
			case !in(a.Share, 0, 1):
				return invalid(af+".share", "人口比例须在 0 到 1 之间", "the share must be between 0 and 1")
			}
			areas[a.Area] = true
		}
	}
	return nil
}

// group returns the special group of a code.
func (c Config) group(code string) (Group, bool) {
	for _, g := range c.Groups {
		if g.Code == code {
			return g, true
		}
	}
	return Group{}, false
}

// notes state the tier rule's figures with their sources, in both
// languages, for the assessment's notes; the reserve's floor and margin
// only for a scenario that sizes the reserve.
func (r *TierRule) notes(c Config, reserveTarget bool) []Note {
	src := func(x ReliefResponse) string {
		if x.Assumption && !strings.HasPrefix(x.Source, "assumption") {
			return "assumption; " + x.Source
		}
		return x.Source
	}
	out := []Note{{
		ZH: fmt.Sprintf("分级规则（生活保障物资）：各区储备本区一场区级Ⅱ级救助响应 %s 人 %g 天，其余由市级承担",
			grouped(r.DistrictLevel2.Relocated), r.DistrictLevel2.Days),
		EN: fmt.Sprintf("tier rule (life support): each district holds one district-level Ⅱ relief response of its own, %s people for %g days; the city the rest",
			grouped(r.DistrictLevel2.Relocated), r.DistrictLevel2.Days),
		Sources: []string{src(r.DistrictLevel2)},
	}, {
		ZH: fmt.Sprintf("分级规则（救援物资）：各区储备本区一场%s级（较大）响应 %s 人、%d 支队伍所需，重大事件所需其余由市级承担",
			roman(r.RescueDistrictLevel), grouped(c.planningSize(r.RescueDistrictLevel)), c.level(r.RescueDistrictLevel).Teams),
		EN: fmt.Sprintf("tier rule (rescue): each district holds what a level %s (larger) response in it needs, %s people and %d teams; the city the rest, for major events",
			roman(r.RescueDistrictLevel), grouped(c.planningSize(r.RescueDistrictLevel)), c.level(r.RescueDistrictLevel).Teams),
		Sources: []string{r.RescueSource},
	}}
	if reserveTarget {
		out = append(out, Note{
			ZH: fmt.Sprintf("市级生活保障储备不少于同时开展 %d 场市级Ⅱ级救助响应（每场 %s 人 %g 天），市、区合计不少于本情景总量，另加 %g%% 安全冗余，计入市级",
				r.CityResponses, grouped(r.CityLevel2.Relocated), r.CityLevel2.Days, r.Margin*100),
			EN: fmt.Sprintf("the city's life-support stock covers at least %d concurrent city-level Ⅱ relief responses (%s people for %g days each); city and districts together at least this scenario's total; plus a %g%% redundancy margin, held by the city",
				r.CityResponses, grouped(r.CityLevel2.Relocated), r.CityLevel2.Days, r.Margin*100),
			Sources: []string{r.CityResponsesSource, src(r.CityLevel2), r.MarginSource},
		})
	}
	return out
}
