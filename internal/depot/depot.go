// Package depot models reserve depots and points (储备库/点, BRIEF C3): where
// stock physically sits, who runs it, at which tier, and how full it is.
package depot

import (
	"math"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/geo"
)

// Kind distinguishes comprehensive depots from special-purpose ones.
type Kind string

const (
	KindComprehensive Kind = "comprehensive" // 综合库
	KindSpecial       Kind = "special"       // 专项库(防汛、救灾…)
)

// Depot is a store of physical reserves. Its tier is the level of government
// that runs it, which uses the same ladder as areas.
type Depot struct {
	ID         int64      `json:"-"`
	Code       string     `json:"code"`
	NameZH     string     `json:"name_zh"`
	NameEN     string     `json:"name_en"`
	Tier       area.Level `json:"tier"`
	Kind       Kind       `json:"kind"`
	OrgCode    string     `json:"org_code"`
	AreaCode   string     `json:"area_code"`
	Point      geo.Point  `json:"point"`
	Address    string     `json:"address,omitempty"`
	CapacityM3 float64    `json:"capacity_m3"` // 库容; 0: unknown; else MinCapacityM3 to MaxCapacityM3
	// RetiredAt is when the depot was retired (unix µs), 0 while in use: a
	// retired depot holds no stock, is no source or destination of plans,
	// transfers and pre-positioning, and is kept for history
	// ([Depot.CheckInUse]). Version counts its edits. Both are the
	// store's: a request's retired_at is ignored, its version is the one
	// an edit was based on.
	RetiredAt int64 `json:"retired_at"`
	Version   int64 `json:"version"`
}

// CheckInUse refuses new work at a retired depot: a transfer to it.
func (d Depot) CheckInUse() error {
	if d.RetiredAt != 0 {
		return apperr.New(apperr.Conflict, "depot.retired", "储备库「%s」已停用，不能调入或调出",
			"depot %q is retired: nothing moves to or from it", d.Code)
	}
	return nil
}

// CheckRetire refuses to retire a depot that still holds stock (held is
// its quantity on hand, summed over items): move the stock first.
func (d Depot) CheckRetire(held int64) error {
	if held > 0 {
		return apperr.New(apperr.Conflict, "depot.not_empty", "储备库「%s」仍有库存，请先调出全部库存再停用",
			"depot %q still holds stock: move the stock out before retiring it", d.Code)
	}
	return nil
}

// Revise returns the stored depot d with edit applied: the names,
// kind, organisation, area, position, address and capacity change; the
// code and the tier are fixed.
func (d Depot) Revise(edit Depot) (Depot, error) {
	switch {
	case edit.Code != "" && edit.Code != d.Code:
		return edit, &apperr.Error{Kind: apperr.Invalid, Code: "edit.fixed", Field: "code", ZH: "储备库编码不能修改",
			EN: "the depot code cannot be changed"}
	case edit.Tier != "" && edit.Tier != d.Tier:
		return edit, &apperr.Error{Kind: apperr.Invalid, Code: "edit.fixed", Field: "tier", ZH: "储备库层级不能修改",
			EN: "the depot tier cannot be changed"}
	}
	out := d
	out.NameZH, out.NameEN, out.Kind, out.OrgCode, out.AreaCode = edit.NameZH, edit.NameEN, edit.Kind, edit.OrgCode, edit.AreaCode
	out.Point, out.Address, out.CapacityM3, out.Version = edit.Point, edit.Address, edit.CapacityM3, edit.Version
	return out, out.Validate()
}

// The range of a depot's capacity, refused outside it by [Depot.Validate]:
// 0 (unknown) or from 1 m³, a cabinet at a community point, to 10,000,000
// m³, over two hundred times the demo's largest depot (45,000 m³).
// Utilisation divides by it, so a capacity just above zero (a denormal
// such as 5e-324) would make it infinite.
const (
	MinCapacityM3 = 1.0
	MaxCapacityM3 = 10_000_000.0
)

// Usage is how much of a depot's capacity its stock takes up.
type Usage struct {
	UsedM3      float64 `json:"used_m3"`
	Utilisation float64 `json:"utilisation"` // used ÷ capacity, 0 when capacity unknown
}

// NewUsage computes utilisation from the volume in use. A capacity below
// [MinCapacityM3] counts as unknown (utilisation 0), and figures that are
// not finite, which a valid catalogue and depot cannot produce, read as 0
// too, so that the JSON of a depot can always be written.
func NewUsage(usedM3, capacityM3 float64) Usage {
	if math.IsNaN(usedM3) || math.IsInf(usedM3, 0) {
		usedM3 = 0
	}
	u := Usage{UsedM3: usedM3}
	if capacityM3 >= MinCapacityM3 && !math.IsInf(capacityM3, 0) {
		u.Utilisation = usedM3 / capacityM3
	}
	return u
}

// Validate checks a depot before it is stored.
func (d Depot) Validate() error {
	switch {
	case strings.TrimSpace(d.Code) == "":
		return apperr.Required("code", "储备库编码", "depot code")
	case strings.TrimSpace(d.NameZH) == "":
		return apperr.Required("name_zh", "储备库名称", "depot name")
	case d.Tier.Rank() < 0:
		return apperr.New(apperr.Invalid, "depot.tier_invalid",
			"储备库层级「%s」无效：应为 city、district、street 或 community",
			"depot tier %q is invalid: want city, district, street or community", string(d.Tier)).WithField("tier")
	case d.Kind != KindComprehensive && d.Kind != KindSpecial:
		return apperr.New(apperr.Invalid, "depot.kind_invalid",
			"储备库类型「%s」无效：应为 comprehensive（综合）或 special（专项）",
			"depot kind %q is invalid: want comprehensive or special", string(d.Kind)).WithField("kind")
	case strings.TrimSpace(d.OrgCode) == "":
		return apperr.Required("org_code", "管理单位", "holding organisation")
	case strings.TrimSpace(d.AreaCode) == "":
		return apperr.Required("area_code", "所在区域", "area")
	case !d.Point.Valid() || (d.Point == geo.Point{}):
		return apperr.New(apperr.Invalid, "geo.point_invalid",
			"储备库坐标无效", "depot coordinates are missing or out of range").WithField("point")
	case d.CapacityM3 < 0:
		return apperr.New(apperr.Invalid, "depot.capacity_negative",
			"库容不能为负数", "capacity must not be negative").WithField("capacity_m3")
	case !(d.CapacityM3 == 0 || (d.CapacityM3 >= MinCapacityM3 && d.CapacityM3 <= MaxCapacityM3)): // NaN too
		return apperr.New(apperr.Invalid, "depot.capacity_out_of_range",
			"库容 %g 立方米超出范围：应为 0（未知）或 %g 到 %g 立方米",
			"capacity %g m³ is out of range: want 0 (unknown) or %g to %g m³",
			d.CapacityM3, MinCapacityM3, MaxCapacityM3).WithField("capacity_m3")
	}
	return nil
}
