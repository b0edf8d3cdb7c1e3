// Package area models the administrative tree a bureau works in (BRIEF C2):
// city (市) → district (区) → street/township (街道/乡镇) →
// community/village (社区/村). Reserve managers at each level see their own
// area and everything below it.
package area

import (
	"encoding/json"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/geo"
)

// Level is the tier of an area in the tree.
type Level string

const (
	LevelCity      Level = "city"      // 市
	LevelDistrict  Level = "district"  // 区(含功能区)
	LevelStreet    Level = "street"    // 街道/乡镇
	LevelCommunity Level = "community" // 社区/村
)

// Rank orders levels from the top (0) down; it is -1 for an unknown level.
func (l Level) Rank() int {
	switch l {
	case LevelCity:
		return 0
	case LevelDistrict:
		return 1
	case LevelStreet:
		return 2
	case LevelCommunity:
		return 3
	}
	return -1
}

// Area is a node of the administrative tree.
type Area struct {
	ID         int64     `json:"-"`
	Code       string    `json:"code"` // GB/T 2260 style where one exists
	ParentCode string    `json:"parent_code,omitempty"`
	Level      Level     `json:"level"`
	NameZH     string    `json:"name_zh"`
	NameEN     string    `json:"name_en"`
	Population int64     `json:"population"` // resident population, 0 if unknown; at most MaxPopulation
	Point      geo.Point `json:"point"`      // reference point (seat of government)
	Terrain    string    `json:"terrain,omitempty"`
	// Path lists the codes from the root to this area, each followed by a
	// slash ("110000/110111/"), so a subtree is a prefix match.
	Path string `json:"path"`
	// Boundary is the area's outline, a GeoJSON Polygon or MultiPolygon in
	// WGS-84 (see [ParseBoundary]); absent when the area has none. Routing
	// classifies a point by the area whose outline contains it. Lists of
	// areas leave it out; a single area carries it.
	Boundary json.RawMessage `json:"boundary,omitempty"`
}

// MaxPopulation bounds an area's resident population: 2,000,000,000, more
// than China's 1.41 billion. Populations are summed and multiplied by
// norms per person per day in readiness assessments, which stay finite
// and meaningful within it.
const MaxPopulation = 2_000_000_000

// Validate checks an area against its parent (nil for a root).
func (a Area) Validate(parent *Area) error {
	switch {
	case strings.TrimSpace(a.Code) == "":
		return apperr.Required("code", "区域编码", "area code")
	case strings.Trim(a.Code, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-") != "":
		// Codes make up the materialised path, matched with LIKE: no
		// slashes or wildcards.
		return apperr.New(apperr.Invalid, "area.code_malformed",
			"区域编码「%s」只能包含字母、数字和 -", "area code %q may contain only letters, digits and -", a.Code).WithField("code")
	case strings.TrimSpace(a.NameZH) == "":
		return apperr.Required("name_zh", "区域名称", "area name")
	case a.Level.Rank() < 0:
		return apperr.New(apperr.Invalid, "area.level_invalid",
			"区域层级「%s」无效：应为 city、district、street 或 community",
			"area level %q is invalid: want city, district, street or community", string(a.Level)).WithField("level")
	case a.Population < 0:
		return apperr.New(apperr.Invalid, "area.population_negative",
			"常住人口不能为负数", "population must not be negative").WithField("population")
	case a.Population > MaxPopulation:
		return apperr.New(apperr.Invalid, "area.population_out_of_range",
			"常住人口 %d 超出范围：最多 %d", "population %d is out of range: at most %d",
			a.Population, int64(MaxPopulation)).WithField("population")
	case !a.Point.Valid():
		return apperr.New(apperr.Invalid, "geo.point_invalid",
			"坐标无效", "coordinates are out of range").WithField("point")
	}
	if _, err := ParseBoundary(a.Boundary); err != nil {
		return err
	}
	if parent != nil && parent.Level.Rank() >= a.Level.Rank() {
		return apperr.New(apperr.Invalid, "area.level_order",
			"区域「%s」的层级必须低于上级「%s」", "area %q must be below its parent %q in level",
			a.Code, parent.Code).WithField("level")
	}
	return nil
}

// PathUnder returns the materialised path of a child of parent with the given
// code.
func PathUnder(parent *Area, code string) string {
	if parent == nil {
		return code + "/"
	}
	return parent.Path + code + "/"
}
