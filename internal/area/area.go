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
	// RetiredAt is when the area was retired (unix µs), 0 while in use:
	// a retired area is kept for history but takes no new areas,
	// organisations, depots or users ([Area.CheckInUse]). Version counts
	// its edits. Both are the store's: a request's retired_at is ignored,
	// its version is the one an edit was based on.
	RetiredAt int64 `json:"retired_at"`
	Version   int64 `json:"version"`
}

// CheckInUse refuses new work in a retired area: a child area, an
// organisation, a depot or a user placed in it.
func (a Area) CheckInUse() error {
	if a.RetiredAt != 0 {
		return apperr.New(apperr.Conflict, "area.retired", "区域「%s」已停用，不能在其中新增下级区域、单位、储备库或用户",
			"area %q is retired: no new areas, organisations, depots or users go in it", a.Code)
	}
	return nil
}

// CheckRetire refuses to retire an area while active is above zero: the
// child areas, organisations and depots in it still in use.
func (a Area) CheckRetire(active int) error {
	if active > 0 {
		return apperr.New(apperr.Conflict, "area.has_active_children",
			"区域「%s」中还有 %d 个在用的下级区域、单位或储备库，请先停用或迁出",
			"area %q still has %d child areas, organisations or depots in use: retire or move them first", a.Code, active)
	}
	return nil
}

// Revise returns the stored area a with edit applied: the name,
// population, reference point, terrain and outline change; the code,
// parent and level are fixed (a change of them is refused), since paths
// and records name them.
func (a Area) Revise(edit Area) (Area, error) {
	if edit.Code != "" && edit.Code != a.Code {
		return edit, fixed("code", "区域编码", "area code")
	}
	if edit.ParentCode != "" && edit.ParentCode != a.ParentCode {
		return edit, fixed("parent_code", "上级区域", "parent area")
	}
	if edit.Level != "" && edit.Level != a.Level {
		return edit, fixed("level", "区域层级", "area level")
	}
	out := a
	out.NameZH, out.NameEN, out.Population, out.Point, out.Terrain, out.Boundary =
		edit.NameZH, edit.NameEN, edit.Population, edit.Point, edit.Terrain, edit.Boundary
	out.Version = edit.Version
	return out, nil
}

// fixed is the refusal of an edit that changes what cannot change.
func fixed(field, zh, en string) error {
	return &apperr.Error{Kind: apperr.Invalid, Code: "edit.fixed", Field: field, ZH: zh + "不能修改",
		EN: "the " + en + " cannot be changed"}
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
