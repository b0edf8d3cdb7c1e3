// Package catalog is the unified item catalogue (统一物资目录, BRIEF C1).
//
// Item codes follow the structure of GB/T 38565-2020 《应急物资分类及编码》:
// seven digits in four levels, D NN NN NN — 大类 (1 digit), 中类, 小类 and
// 细类 (2 digits each) — where 99 at any level is the catch-all "other"
// (收容类目). Only the three top-level classes of the standard are known here;
// the levels below in the default catalogue are local and marked so, and a
// bureau replaces them by importing the official table.
package catalog

import (
	"strings"

	"github.com/stockpile-dev/stockpile/internal/apperr"
)

// Class is the top level of the code: the plan's three big classes.
type Class int

const (
	ClassLife        Class = 1 // 基本生活保障物资
	ClassEquipment   Class = 2 // 应急装备及配套物资
	ClassEngineering Class = 3 // 工程材料与机械加工设备
)

// Names returns the Chinese and English names of the class.
func (c Class) Names() (zh, en string) {
	switch c {
	case ClassLife:
		return "基本生活保障物资", "Basic life-support materials"
	case ClassEquipment:
		return "应急装备及配套物资", "Emergency equipment and supporting materials"
	case ClassEngineering:
		return "工程材料与机械加工设备", "Engineering materials and machining equipment"
	}
	return "", ""
}

// Purpose is what an item is reserved for (物资用途).
type Purpose string

const (
	PurposeRescue Purpose = "rescue" // 应急救援保障物资
	PurposeLife   Purpose = "life"   // 受灾人员生活保障物资
)

// Valid reports whether p is one of the two purposes.
func (p Purpose) Valid() bool { return p == PurposeRescue || p == PurposeLife }

// Category is a node of the classification above the item level: a code of
// 1, 3 or 5 digits.
type Category struct {
	Code   string `json:"code"`
	NameZH string `json:"name_zh"`
	NameEN string `json:"name_en"`
	Local  bool   `json:"local"` // true when the code is ours, not the standard's
	// RetiredAt is when the category was retired (unix µs), 0 while in
	// use; Version counts its edits. Both are the store's: a request's
	// retired_at is ignored, its version is the one an edit was based on.
	RetiredAt int64 `json:"retired_at"`
	Version   int64 `json:"version"`
}

// Validate checks a category before it is stored: a code of 1, 3 or 5
// digits in the GB/T 38565 structure (大类, 中类, 小类) and a Chinese
// name. That its parent exists is the store's to check.
func (c Category) Validate() error {
	if n := len(c.Code); n != 1 && n != 3 && n != 5 {
		return apperr.New(apperr.Invalid, "catalog.code_malformed", "类目编码「%s」应为 1、3 或 5 位数字",
			"category code %q must have 1, 3 or 5 digits", c.Code).WithField("code")
	}
	if err := ValidateCode(c.Code, len(c.Code)); err != nil {
		return err
	}
	if strings.TrimSpace(c.NameZH) == "" {
		return required("name_zh", "类目名称", "category name")
	}
	return nil
}

// Level returns 1, 2 or 3 for a category code.
func (c Category) Level() int { return (len(c.Code) + 1) / 2 }

// Parent returns the code of the enclosing category, or "" at the top.
func (c Category) Parent() string {
	if len(c.Code) <= 1 {
		return ""
	}
	return c.Code[:len(c.Code)-2]
}

// Item is one kind of material in the catalogue (a 细类 code).
type Item struct {
	ID            int64   `json:"-"`
	Code          string  `json:"code"`
	NameZH        string  `json:"name_zh"`
	NameEN        string  `json:"name_en"`
	UnitZH        string  `json:"unit_zh"`
	UnitEN        string  `json:"unit_en"`
	Counted       bool    `json:"counted"` // whole units only (顶, 件, 台)
	Spec          string  `json:"spec"`
	ShelfLifeDays int     `json:"shelf_life_days,omitempty"` // 0: does not expire; at most MaxShelfLifeDays
	Purpose       Purpose `json:"purpose"`
	VolumeM3      float64 `json:"volume_m3"` // storage volume of one unit; 0: unknown; see MinVolumeM3, MaxVolumeM3
	MassT         float64 `json:"mass_t"`    // mass of one unit in tonnes, for loading trucks; 0: unknown; at most MaxMassT
	// RetiredAt is when the item was retired (unix µs), 0 while in use: a
	// retired item is kept for history but takes no new lots or reserves
	// (see [Item.CheckInUse]). Version counts its edits. Both are the
	// store's: a request's retired_at is ignored, its version is the one an
	// edit was based on.
	RetiredAt int64 `json:"retired_at"`
	Version   int64 `json:"version"`
}

// CheckInUse refuses new work on a retired item: a new lot (receipt) or a
// new contract reserve of it.
func (it Item) CheckInUse() error {
	if it.RetiredAt != 0 {
		return apperr.New(apperr.Conflict, "item.retired", "物资「%s」已停用，不能新增批次或储备",
			"item %q is retired: it takes no new lots or reserves", it.Code).WithField("item")
	}
	return nil
}

// CheckInUse refuses new items and sub-categories under a retired
// category.
func (c Category) CheckInUse() error {
	if c.RetiredAt != 0 {
		return apperr.New(apperr.Conflict, "category.retired", "类目「%s」已停用，不能在其下新增",
			"category %q is retired: nothing new goes under it", c.Code).WithField("code")
	}
	return nil
}

// CheckRetire refuses to retire a category while active is above zero:
// the sub-categories and items under it that are still in use.
func (c Category) CheckRetire(active int) error {
	if active > 0 {
		return apperr.New(apperr.Conflict, "category.has_active_children",
			"类目「%s」下还有 %d 个在用的下级类目或物资，请先停用它们",
			"category %q still has %d sub-categories or items in use: retire them first", c.Code, active)
	}
	return nil
}

// The ranges of an item's figures, refused outside them by
// [Item.Validate].
//
// A unit's volume is what depot utilisation multiplies stock by, so it
// must keep sums finite: at most 1,000 m³, a large machine (the biggest in
// the default catalogue, a truck crane, is 60 m³), times
// stock.MaxQuantity units is 10^12 m³ per lot, and a million such lots
// stay far inside float64. Below 1 cm³ a volume is a typo (a denormal such
// as 5e-324 would make the figures meaningless), so a volume is either 0
// (unknown) or between the two.
//
// A shelf life is added to production dates to give expiry dates: 100
// years is longer than anything stored keeps, and keeps dates in four
// digits.
const (
	MinVolumeM3      = 1e-6 // 1 cm³
	MaxVolumeM3      = 1000.0
	MaxShelfLifeDays = 36500
	// MaxMassT bounds the mass of one unit: 1,000 t, far above the
	// heaviest machine a depot keeps (a truck crane of some 50 t).
	MaxMassT = 1000.0
)

// Class returns the item's top-level class, read from its code.
func (it Item) Class() Class { return Class(it.Code[0] - '0') }

// CategoryCode returns the code of the item's 小类 (its first five digits).
func (it Item) CategoryCode() string { return it.Code[:5] }

// ValidateCode checks that code is a well-formed code of the given length
// (1, 3, 5 or 7 digits) whose top-level class exists.
func ValidateCode(code string, length int) error {
	if len(code) != length || strings.Trim(code, "0123456789") != "" {
		return apperr.New(apperr.Invalid, "catalog.code_malformed",
			"编码「%s」格式错误：应为 %d 位数字（GB/T 38565 结构 1+2+2+2）",
			"code %q is malformed: want %d digits (GB/T 38565 structure 1+2+2+2)", code, length).WithField("code")
	}
	if code[0] < '1' || code[0] > '3' {
		return apperr.New(apperr.Invalid, "catalog.class_unknown",
			"编码「%s」的大类必须是 1、2 或 3", "code %q: top-level class must be 1, 2 or 3", code).WithField("code")
	}
	for i := 1; i+2 <= len(code); i += 2 {
		if code[i:i+2] == "00" {
			return apperr.New(apperr.Invalid, "catalog.code_malformed",
				"编码「%s」的各级代码应在 01–99 之间", "code %q: each level must be 01–99", code).WithField("code")
		}
	}
	return nil
}

// Validate checks an item before it is stored.
func (it Item) Validate() error {
	if err := ValidateCode(it.Code, 7); err != nil {
		return err
	}
	switch {
	case strings.TrimSpace(it.NameZH) == "":
		return required("name_zh", "中文名称", "Chinese name")
	case strings.TrimSpace(it.UnitZH) == "":
		return required("unit_zh", "计量单位", "unit")
	case !it.Purpose.Valid():
		return apperr.New(apperr.Invalid, "catalog.purpose_invalid",
			"用途「%s」无效：应为 rescue（应急救援保障）或 life（受灾人员生活保障）",
			"purpose %q is invalid: want rescue or life", string(it.Purpose)).WithField("purpose")
	case it.ShelfLifeDays < 0:
		return apperr.New(apperr.Invalid, "catalog.shelf_life_negative",
			"保质期不能为负数", "shelf life must not be negative").WithField("shelf_life_days")
	case it.ShelfLifeDays > MaxShelfLifeDays:
		return apperr.New(apperr.Invalid, "catalog.shelf_life_out_of_range",
			"保质期 %d 天超出范围：最多 %d 天（0 表示不过期）",
			"shelf life %d days is out of range: at most %d (0: does not expire)",
			it.ShelfLifeDays, MaxShelfLifeDays).WithField("shelf_life_days")
	case it.VolumeM3 < 0:
		return apperr.New(apperr.Invalid, "catalog.volume_negative",
			"单位体积不能为负数", "unit volume must not be negative").WithField("volume_m3")
	case !(it.VolumeM3 == 0 || (it.VolumeM3 >= MinVolumeM3 && it.VolumeM3 <= MaxVolumeM3)): // NaN too
		return apperr.New(apperr.Invalid, "catalog.volume_out_of_range",
			"单位体积 %g 立方米超出范围：应为 0（未知）或 %g 到 %g 立方米",
			"unit volume %g m³ is out of range: want 0 (unknown) or %g to %g m³",
			it.VolumeM3, MinVolumeM3, MaxVolumeM3).WithField("volume_m3")
	case !(it.MassT >= 0 && it.MassT <= MaxMassT): // NaN too
		return apperr.New(apperr.Invalid, "catalog.mass_out_of_range",
			"单位质量 %g 吨超出范围：应在 0（未知）到 %g 吨之间",
			"unit mass %g t is out of range: want 0 (unknown) to %g t", it.MassT, MaxMassT).WithField("mass_t")
	}
	return nil
}

func required(field, zh, en string) error { return apperr.Required(field, zh, en) }

// Revise returns the stored item it with edit applied: everything
// but the code, which ledger entries and lots name, changes.
func (it Item) Revise(edit Item) (Item, error) {
	if edit.Code != "" && edit.Code != it.Code {
		return edit, &apperr.Error{Kind: apperr.Invalid, Code: "edit.fixed", Field: "code", ZH: "物资编码不能修改",
			EN: "the item code cannot be changed"}
	}
	edit.ID, edit.Code, edit.RetiredAt = it.ID, it.Code, it.RetiredAt
	return edit, edit.Validate()
}

// Revise returns the stored category c with edit applied: the
// names and the local mark change; the code is fixed.
func (c Category) Revise(edit Category) (Category, error) {
	if edit.Code != "" && edit.Code != c.Code {
		return edit, &apperr.Error{Kind: apperr.Invalid, Code: "edit.fixed", Field: "code", ZH: "类目编码不能修改",
			EN: "the category code cannot be changed"}
	}
	edit.Code, edit.RetiredAt = c.Code, c.RetiredAt
	return edit, edit.Validate()
}
