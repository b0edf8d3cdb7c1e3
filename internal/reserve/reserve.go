// Package reserve models the reserves a bureau holds by contract rather than
// in its own depots (BRIEF C4): agreement reserves (协议储备), stock an
// enterprise keeps and delivers within agreed hours after a call-off, and
// production-capacity reserves (生产能力储备), output an enterprise commits
// to produce per day once a lead time has passed.
package reserve

import (
	"strings"
	"time"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/org"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// Agreement is an agreement reserve: an enterprise holds Quantity of an
// item for the bureau and delivers it within DeliveryHours of a call-off
// (调用指令), while the agreement is valid. Reserved is the part promised to
// approved plans.
type Agreement struct {
	ID        int64  `json:"-"`
	Code      string `json:"code"`
	OrgCode   string `json:"org_code"`
	OrgNameZH string `json:"org_name_zh,omitempty"`
	// Party is the contracting party (签约主体): the bureau that signed the
	// agreement, the city's or a district's. Its area gives the reserve's
	// tier and district ([Party]); empty means the city's emergency
	// management bureau.
	Party         string         `json:"party,omitempty"`
	PartyNameZH   string         `json:"party_name_zh,omitempty"`
	Item          string         `json:"item"`
	ItemNameZH    string         `json:"item_name_zh,omitempty"`
	Quantity      stock.Quantity `json:"quantity"`
	Reserved      stock.Quantity `json:"reserved"`
	DeliveryHours float64        `json:"delivery_hours"`
	ValidFrom     string         `json:"valid_from"`  // YYYY-MM-DD
	ValidUntil    string         `json:"valid_until"` // YYYY-MM-DD, inclusive
	Point         geo.Point      `json:"point"`       // where deliveries start
	Note          string         `json:"note,omitempty"`
	// RetiredAt is when the reserve was retired (unix µs), 0 while in
	// use: planning and readiness do not count a retired reserve. Version
	// counts its edits. Both are the store's: a request's retired_at is
	// ignored, its version is the one an edit was based on.
	RetiredAt int64 `json:"retired_at"`
	Version   int64 `json:"version"`
}

// CheckParty checks the organisation named as a contract reserve's
// contracting party (签约主体): a bureau or a government department may
// sign, never an enterprise, which is the other side of the contract.
func CheckParty(o org.Org) error {
	if o.Kind != org.KindBureau && o.Kind != org.KindDepartment {
		return apperr.New(apperr.Invalid, "reserve.party_invalid",
			"签约主体「%s」须为应急管理部门或政府部门，不能是企业", "the contracting party %q must be a bureau or a government department, not an enterprise",
			o.Code).WithField("party")
	}
	return nil
}

// Free is what the agreement can still promise.
func (a Agreement) Free() stock.Quantity { return a.Quantity - a.Reserved }

// Validate checks an agreement reserve before it is stored.
func (a Agreement) Validate() error {
	if err := common(a.Code, a.OrgCode, a.Item, a.ValidFrom, a.ValidUntil, a.Point, a.DeliveryHours, "delivery_hours"); err != nil {
		return err
	}
	return quantity("quantity", a.Quantity)
}

// Capacity is a production-capacity reserve: an enterprise can turn out
// PerDay units of an item a day, the first day's output ready LeadHours
// after a call-off. Reserved is the output already promised to approved
// plans; planning takes it from the earliest days' output.
type Capacity struct {
	ID        int64  `json:"-"`
	Code      string `json:"code"`
	OrgCode   string `json:"org_code"`
	OrgNameZH string `json:"org_name_zh,omitempty"`
	// Party is the contracting party, as for [Agreement.Party].
	Party       string         `json:"party,omitempty"`
	PartyNameZH string         `json:"party_name_zh,omitempty"`
	Item        string         `json:"item"`
	ItemNameZH  string         `json:"item_name_zh,omitempty"`
	PerDay      stock.Quantity `json:"per_day"`
	LeadHours   float64        `json:"lead_hours"`
	Reserved    stock.Quantity `json:"reserved"`
	ValidFrom   string         `json:"valid_from"`
	ValidUntil  string         `json:"valid_until"`
	Point       geo.Point      `json:"point"`
	Note        string         `json:"note,omitempty"`
	// RetiredAt and Version are as for [Agreement.RetiredAt].
	RetiredAt int64 `json:"retired_at"`
	Version   int64 `json:"version"`
}

// Validate checks a capacity reserve before it is stored.
func (c Capacity) Validate() error {
	if err := common(c.Code, c.OrgCode, c.Item, c.ValidFrom, c.ValidUntil, c.Point, c.LeadHours, "lead_hours"); err != nil {
		return err
	}
	return quantity("per_day", c.PerDay)
}

// The ranges of a reserve's figures, refused outside them by the
// validators. A quantity or a day's output is above 0 and at most
// [stock.MaxQuantity]. Delivery and lead hours are 0 to a year: a reserve
// that takes longer is no reserve. Validity dates fall between
// FirstValidDate and LastValidDate: contracts of this century, with room
// for an open-ended one to run to the end of 2099.
const (
	MaxHours       = 24 * 365
	FirstValidDate = "2000-01-01"
	LastValidDate  = "2099-12-31"
)

func common(code, org, item, from, until string, p geo.Point, hours float64, hoursField string) error {
	switch {
	case strings.TrimSpace(code) == "":
		return apperr.Required("code", "储备编码", "reserve code")
	case strings.TrimSpace(org) == "":
		return apperr.Required("org_code", "签约企业", "enterprise (org_code)")
	case strings.TrimSpace(item) == "":
		return apperr.Required("item", "物资编码", "item")
	case !p.Valid() || (p == geo.Point{}):
		return apperr.New(apperr.Invalid, "geo.point_invalid",
			"储备地点坐标无效", "reserve coordinates are missing or out of range").WithField("point")
	case !(hours >= 0 && hours <= MaxHours): // NaN and ±Inf too
		return apperr.New(apperr.Invalid, "reserve.hours_invalid",
			"时长须在 0 到 8760 小时之间", "hours must be between 0 and 8760").WithField(hoursField)
	}
	if err := checkDate(from, "valid_from"); err != nil {
		return err
	}
	if err := checkDate(until, "valid_until"); err != nil {
		return err
	}
	if until < from {
		return apperr.New(apperr.Invalid, "reserve.validity_reversed",
			"有效期截止日 %s 早于起始日 %s", "valid_until %s is before valid_from %s", until, from).WithField("valid_until")
	}
	return nil
}

func checkDate(s, field string) error {
	if _, err := time.Parse(stock.DateLayout, s); err != nil {
		return apperr.New(apperr.Invalid, "date.invalid",
			"日期「%s」无效，应为 YYYY-MM-DD", "date %q is invalid; want YYYY-MM-DD", s).WithField(field)
	}
	if s < FirstValidDate || s > LastValidDate {
		return apperr.New(apperr.Invalid, "date.invalid",
			"日期 %s 超出范围：应在 %s 到 %s 之间", "date %s is out of range: want %s to %s",
			s, FirstValidDate, LastValidDate).WithField(field)
	}
	return nil
}

// quantity checks a reserve's quantity (stock.Quantity.CheckPositive),
// naming field.
func quantity(field string, q stock.Quantity) error {
	return apperr.Rebase(q.CheckPositive(), "quantity", field)
}

// Revise returns the stored agreement a with edit applied: the
// quantity, delivery hours, validity, place, note and contracting party
// change; the code, the enterprise and the item are fixed, and the
// quantity may not fall below what approved plans were promised.
func (a Agreement) Revise(edit Agreement) (Agreement, error) {
	if err := fixedRefs(a.Code, a.OrgCode, a.Item, edit.Code, edit.OrgCode, edit.Item); err != nil {
		return edit, err
	}
	out := a
	out.Quantity, out.DeliveryHours, out.ValidFrom, out.ValidUntil = edit.Quantity, edit.DeliveryHours, edit.ValidFrom, edit.ValidUntil
	out.Point, out.Note, out.Party, out.Version = edit.Point, edit.Note, edit.Party, edit.Version
	if err := out.Validate(); err != nil {
		return out, err
	}
	if out.Quantity < a.Reserved {
		return out, apperr.New(apperr.Conflict, "reserve.below_promised",
			"数量 %s 少于已承诺给批准方案的 %s", "quantity %s is below the %s promised to approved plans",
			out.Quantity.String(), a.Reserved.String()).WithField("quantity")
	}
	return out, nil
}

// Revise returns the stored capacity reserve c with edit applied,
// as [Agreement.Revise] does.
func (c Capacity) Revise(edit Capacity) (Capacity, error) {
	if err := fixedRefs(c.Code, c.OrgCode, c.Item, edit.Code, edit.OrgCode, edit.Item); err != nil {
		return edit, err
	}
	out := c
	out.PerDay, out.LeadHours, out.ValidFrom, out.ValidUntil = edit.PerDay, edit.LeadHours, edit.ValidFrom, edit.ValidUntil
	out.Point, out.Note, out.Party, out.Version = edit.Point, edit.Note, edit.Party, edit.Version
	return out, out.Validate()
}

// CheckRetire refuses to retire a reserve part of which is promised to
// approved plans (reserved above zero): execute or cancel them first.
func CheckRetire(code string, reserved stock.Quantity) error {
	if reserved > 0 {
		return apperr.New(apperr.Conflict, "reserve.promised",
			"储备「%s」已有 %s 承诺给批准的方案，请先执行或取消这些方案",
			"reserve %q has %s promised to approved plans: execute or cancel them first", code, reserved.String())
	}
	return nil
}

// fixedRefs refuses an edit that names another code, enterprise or item
// than the stored reserve's; empty means unchanged.
func fixedRefs(code, org, item, newCode, newOrg, newItem string) error {
	switch {
	case newCode != "" && newCode != code:
		return &apperr.Error{Kind: apperr.Invalid, Code: "edit.fixed", Field: "code", ZH: "储备编码不能修改",
			EN: "the reserve code cannot be changed"}
	case newOrg != "" && newOrg != org:
		return &apperr.Error{Kind: apperr.Invalid, Code: "edit.fixed", Field: "org_code", ZH: "签约企业不能修改",
			EN: "the enterprise cannot be changed"}
	case newItem != "" && newItem != item:
		return &apperr.Error{Kind: apperr.Invalid, Code: "edit.fixed", Field: "item", ZH: "物资不能修改",
			EN: "the item cannot be changed"}
	}
	return nil
}
