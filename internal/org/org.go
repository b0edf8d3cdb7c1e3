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
