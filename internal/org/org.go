// Package org models the organisations that hold reserves (储备主体): the
// emergency bureaus, partner departments and enterprises that own stock
// (物权) and run depots.
package org

import (
	"strings"

	"github.com/stockpile-dev/stockpile/internal/apperr"
)

// Kind is what sort of organisation holds the reserve.
type Kind string

const (
	KindBureau     Kind = "bureau"     // 应急管理部门
	KindDepartment Kind = "department" // 其他政府部门(商务、水务、粮储、卫健…)
	KindEnterprise Kind = "enterprise" // 企业(协议储备、产能储备)
)

// Org is an organisation tied to the area it serves.
type Org struct {
	ID       int64  `json:"-"`
	Code     string `json:"code"`
	NameZH   string `json:"name_zh"`
	NameEN   string `json:"name_en"`
	Kind     Kind   `json:"kind"`
	AreaCode string `json:"area_code"`
	// RetiredAt is when the organisation was retired (unix µs), 0 while
	// in use: a retired organisation is kept for history but holds no new
	// depots, reserves or users ([Org.CheckInUse]). Version counts its
	// edits. Both are the store's: a request's retired_at is ignored, its
	// version is the one an edit was based on.
	RetiredAt int64 `json:"retired_at"`
	Version   int64 `json:"version"`
}

// CheckInUse refuses new work for a retired organisation: a depot, an
// agreement or capacity reserve, a lot it owns, or a user of it.
func (o Org) CheckInUse() error {
	if o.RetiredAt != 0 {
		return apperr.New(apperr.Conflict, "org.retired", "单位「%s」已停用，不能新增其储备库、储备、批次或用户",
			"organisation %q is retired: it takes no new depots, reserves, lots or users", o.Code)
	}
	return nil
}

// CheckRetire refuses to retire an organisation while active is above
// zero: the depots it holds and its agreement and capacity reserves that
// are still in use.
func (o Org) CheckRetire(active int) error {
	if active > 0 {
		return apperr.New(apperr.Conflict, "org.has_active_children",
			"单位「%s」还有 %d 个在用的储备库或协议、产能储备，请先停用或移交",
			"organisation %q still has %d depots or contract reserves in use: retire or hand them over first", o.Code, active)
	}
	return nil
}

// Revise returns the stored organisation o with edit applied:
// the names, kind and area change; the code is fixed.
func (o Org) Revise(edit Org) (Org, error) {
	if edit.Code != "" && edit.Code != o.Code {
		return edit, &apperr.Error{Kind: apperr.Invalid, Code: "edit.fixed", Field: "code", ZH: "单位编码不能修改",
			EN: "the organisation code cannot be changed"}
	}
	out := o
	out.NameZH, out.NameEN, out.Kind, out.AreaCode, out.Version = edit.NameZH, edit.NameEN, edit.Kind, edit.AreaCode, edit.Version
	return out, out.Validate()
}

// Validate checks an organisation before it is stored.
func (o Org) Validate() error {
	switch {
	case strings.TrimSpace(o.Code) == "":
		return apperr.Required("code", "单位编码", "organisation code")
	case strings.TrimSpace(o.NameZH) == "":
		return apperr.Required("name_zh", "单位名称", "organisation name")
	case strings.TrimSpace(o.AreaCode) == "":
		return apperr.Required("area_code", "所属区域", "area")
	case o.Kind != KindBureau && o.Kind != KindDepartment && o.Kind != KindEnterprise:
		return apperr.New(apperr.Invalid, "org.kind_invalid",
			"单位类型「%s」无效：应为 bureau、department 或 enterprise",
			"organisation kind %q is invalid: want bureau, department or enterprise", string(o.Kind)).WithField("kind")
	}
	return nil
}
