// Package supplier is the directory of qualified suppliers (合格供应商名录,
// BRIEF C4 and C11): the enterprises the bureau may buy from in an
// emergency, with whom to call, the certificates that qualify them
// (营业执照、生产许可证、ISO 9001 …) and until when, which classes of
// the catalogue they supply, and whether they are qualified (合格),
// suspended (暂停) or removed from the directory (移出).
//
// A supplier is an organisation of kind enterprise (package org): the
// directory adds what the bureau needs to know to buy from it. Like the
// other domain packages this one decides and does not store: the store
// checks that the organisation and the categories exist and applies what
// the functions here return in one transaction.
package supplier

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/contact"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// Status is where a supplier stands in the directory.
type Status string

const (
	Qualified Status = "qualified" // 合格: may be bought from
	Suspended Status = "suspended" // 暂停: not for now (a complaint, a lapsed licence under review)
	Removed   Status = "removed"   // 移出: out of the directory; kept for history
)

// Valid reports whether st is one of the statuses.
func (st Status) Valid() bool { return st == Qualified || st == Suspended || st == Removed }

// Names are the status's names in Chinese and English.
func (st Status) Names() (zh, en string) {
	switch st {
	case Qualified:
		return "合格", "qualified"
	case Suspended:
		return "暂停", "suspended"
	case Removed:
		return "移出", "removed"
	}
	return string(st), string(st)
}

// Bounds of what a directory entry holds.
const (
	MaxContacts       = 20
	MaxQualifications = 50
	MaxCategories     = 100
	MaxNameLen        = 100  // a contact's name and role, a qualification's name and number
	MaxReasonLen      = 500  // the reason of a status
	MaxNoteLen        = 2000 // the note
	// MaxWithinDays bounds how far ahead the directory looks for
	// qualifications about to expire: ten years.
	MaxWithinDays = 3650
)

// Contact is someone to call at the supplier.
type Contact struct {
	Name  string `json:"name"`
	Role  string `json:"role,omitempty"` // 职务: 销售经理, 应急联络人 …
	Phone string `json:"phone,omitempty"`
	Email string `json:"email,omitempty"`
}

// Qualification is a certificate that qualifies the supplier (资质):
// its name (营业执照, 生产许可证, ISO9001 …), number and the last day it
// is valid (YYYY-MM-DD).
type Qualification struct {
	Name       string `json:"name"`
	Number     string `json:"number"`
	ValidUntil string `json:"valid_until"`
}

// Expired reports whether the qualification is no longer valid on today
// (YYYY-MM-DD): its last valid day lies before today.
func (q Qualification) Expired(today string) bool { return q.ValidUntil < today }

// Supplier is one enterprise's entry in the directory.
type Supplier struct {
	// Org is the code of the organisation (of kind enterprise); it names
	// the entry and cannot change. The names are the organisation's,
	// filled in by the store.
	Org    string `json:"org"`
	NameZH string `json:"name_zh"`
	NameEN string `json:"name_en"`
	// Contacts are whom to call; at least one has a phone.
	Contacts []Contact `json:"contacts"`
	// Qualifications are its certificates; at least one.
	Qualifications []Qualification `json:"qualifications"`
	// Categories are what it supplies: category codes of the catalogue
	// (1, 3 or 5 digits: 大类, 中类, 小类) or item codes (7 digits). It
	// supplies every item whose code starts with one of them.
	Categories []string `json:"categories"`
	Status     Status   `json:"status"`
	// Reason says why the supplier is suspended or removed, or was
	// qualified again; required for suspended and removed.
	Reason string `json:"reason,omitempty"`
	Note   string `json:"note,omitempty"`
	// The rest is the store's: who created and last changed the entry and
	// when (unix seconds), and Version, which counts edits: a request's is
	// ignored but for the version an edit was based on.
	CreatedBy string `json:"created_by"`
	CreatedAt int64  `json:"created_at"`
	UpdatedBy string `json:"updated_by"`
	UpdatedAt int64  `json:"updated_at"`
	Version   int64  `json:"version"`
	// Standing is computed when the entry is read (Supplier.Assess): not
	// stored, and ignored in requests.
	Standing *Standing `json:"standing,omitempty"`
}

// Standing is what the directory says of a supplier's qualifications on
// a day: computed, never stored, so that a supplier whose certificates
// have all lapsed is not shown as simply qualified.
type Standing struct {
	// Today is the day it was assessed on.
	Today string `json:"today"`
	// AllExpired is set when every qualification has expired: the
	// supplier is not fit to buy from, whatever its status says.
	AllExpired bool `json:"all_expired"`
	// Expired counts the qualifications that have expired.
	Expired int `json:"expired"`
	// Expiring lists the qualifications still valid that expire within
	// the window asked for (today included), soonest first.
	Expiring []Qualification `json:"expiring"`
	// NextExpiry is the last valid day of the valid qualification that
	// expires first; empty when none is valid.
	NextExpiry string `json:"next_expiry,omitempty"`
	// Usable is set when the supplier may be bought from: qualified, and
	// not every qualification expired.
	Usable bool `json:"usable"`
}

// Assess returns the supplier's standing on today (YYYY-MM-DD), with the
// qualifications that expire within withinDays listed.
func (s Supplier) Assess(today string, withinDays int) Standing {
	st := Standing{Today: today, Expiring: []Qualification{}}
	last := stock.AddDays(today, max(withinDays, 0))
	for _, q := range s.Qualifications {
		if q.Expired(today) {
			st.Expired++
			continue
		}
		if st.NextExpiry == "" || q.ValidUntil < st.NextExpiry {
			st.NextExpiry = q.ValidUntil
		}
		if q.ValidUntil <= last {
			st.Expiring = append(st.Expiring, q)
		}
	}
	slices.SortStableFunc(st.Expiring, func(a, b Qualification) int { return strings.Compare(a.ValidUntil, b.ValidUntil) })
	st.AllExpired = st.Expired == len(s.Qualifications)
	st.Usable = s.Status == Qualified && !st.AllExpired
	return st
}

// Supplies reports whether the supplier supplies anything of category
// (a category or item code): one of its categories lies within it, or
// covers it.
func (s Supplier) Supplies(category string) bool {
	return slices.ContainsFunc(s.Categories, func(c string) bool {
		return strings.HasPrefix(category, c) || strings.HasPrefix(c, category)
	})
}

// Validate checks an entry before it is stored: that the organisation
// and the categories exist is the store's to check.
func (s Supplier) Validate() error {
	if strings.TrimSpace(s.Org) == "" {
		return apperr.Required("org", "供应商单位编码", "supplier organisation")
	}
	if err := checkStatus(s.Status, s.Reason); err != nil {
		return err
	}
	if err := s.checkContacts(); err != nil {
		return err
	}
	if err := s.checkQualifications(); err != nil {
		return err
	}
	if err := s.checkCategories(); err != nil {
		return err
	}
	return contact.CheckText("note", "备注", s.Note, MaxNoteLen)
}

// checkStatus refuses an unknown status, and suspended or removed without
// a reason.
func checkStatus(st Status, reason string) error {
	if !st.Valid() {
		return apperr.New(apperr.Invalid, "supplier.status_invalid",
			"供应商状态「%s」无效：应为 qualified（合格）、suspended（暂停）或 removed（移出）",
			"supplier status %q is invalid: want qualified, suspended or removed", string(st)).WithField("status")
	}
	if st != Qualified && strings.TrimSpace(reason) == "" {
		zh, en := st.Names()
		return apperr.New(apperr.Invalid, "supplier.reason_required", "供应商状态为「%[1]s」时须写明原因",
			"a reason is required when a supplier is %[2]s", zh, en).WithField("reason")
	}
	return contact.CheckText("reason", "原因", reason, MaxReasonLen)
}

func (s Supplier) checkContacts() error {
	if len(s.Contacts) == 0 {
		return apperr.Required("contacts", "联系人", "contacts")
	}
	if len(s.Contacts) > MaxContacts {
		return apperr.New(apperr.Invalid, "supplier.too_many", "联系人最多 %d 个", "at most %d contacts",
			MaxContacts).WithField("contacts")
	}
	phone := false
	for i, c := range s.Contacts {
		f := fmt.Sprintf("contacts[%d]", i)
		if strings.TrimSpace(c.Name) == "" {
			return apperr.Required(f+".name", "联系人姓名", "contact name")
		}
		for _, t := range []struct{ field, zh, v string }{{".name", "姓名", c.Name}, {".role", "职务", c.Role}} {
			if err := contact.CheckText(f+t.field, t.zh, t.v, MaxNameLen); err != nil {
				return err
			}
		}
		if c.Phone != "" {
			if err := contact.CheckPhone(f+".phone", c.Phone); err != nil {
				return err
			}
			phone = true
		}
		if c.Email != "" {
			if err := contact.CheckEmail(f+".email", c.Email); err != nil {
				return err
			}
		}
	}
	if !phone {
		return apperr.New(apperr.Invalid, "supplier.phone_required", "至少一位联系人须留有电话",
			"at least one contact needs a phone number").WithField("contacts[0].phone")
	}
	return nil
}

func (s Supplier) checkQualifications() error {
	if len(s.Qualifications) == 0 {
		return apperr.Required("qualifications", "资质（如营业执照）", "qualifications (a business licence, say)")
	}
	if len(s.Qualifications) > MaxQualifications {
		return apperr.New(apperr.Invalid, "supplier.too_many", "资质最多 %d 项", "at most %d qualifications",
			MaxQualifications).WithField("qualifications")
	}
	seen := map[[2]string]int{}
	for i, q := range s.Qualifications {
		f := fmt.Sprintf("qualifications[%d]", i)
		switch {
		case strings.TrimSpace(q.Name) == "":
			return apperr.Required(f+".name", "资质名称", "qualification name")
		case strings.TrimSpace(q.Number) == "":
			return apperr.Required(f+".number", "证书编号", "certificate number")
		case q.ValidUntil == "":
			return apperr.Required(f+".valid_until", "有效期至", "last valid day")
		}
		for _, t := range []struct{ field, zh, v string }{{".name", "资质名称", q.Name}, {".number", "证书编号", q.Number}} {
			if err := contact.CheckText(f+t.field, t.zh, t.v, MaxNameLen); err != nil {
				return err
			}
		}
		if _, err := time.Parse(stock.DateLayout, q.ValidUntil); err != nil {
			return apperr.New(apperr.Invalid, "date.malformed", "日期「%s」格式错误：应为 YYYY-MM-DD",
				"date %q is malformed: want YYYY-MM-DD", q.ValidUntil).WithField(f + ".valid_until")
		}
		k := [2]string{strings.TrimSpace(q.Name), strings.TrimSpace(q.Number)}
		if j, dup := seen[k]; dup {
			return apperr.New(apperr.Invalid, "supplier.repeated", "资质「%[1]s %[2]s」与第 %[3]d 项重复",
				"qualification %[1]s %[2]s repeats qualifications[%[4]d]", k[0], k[1], j+1, j).WithField(f)
		}
		seen[k] = i
	}
	return nil
}

func (s Supplier) checkCategories() error {
	if len(s.Categories) == 0 {
		return apperr.Required("categories", "供应物资类目", "categories supplied")
	}
	if len(s.Categories) > MaxCategories {
		return apperr.New(apperr.Invalid, "supplier.too_many", "供应类目最多 %d 个", "at most %d categories",
			MaxCategories).WithField("categories")
	}
	for i, c := range s.Categories {
		f := fmt.Sprintf("categories[%d]", i)
		if err := CheckCategory(c); err != nil {
			return apperr.Rebase(err, "category", f)
		}
		if slices.Index(s.Categories, c) < i {
			return apperr.New(apperr.Invalid, "supplier.repeated", "供应类目「%s」重复",
				"category %s is listed twice", c).WithField(f)
		}
	}
	return nil
}

// CheckCategory checks a category or item code of the catalogue's
// structure (GB/T 38565): 1, 3, 5 or 7 digits. Errors name the field
// "category".
func CheckCategory(code string) error {
	if n := len(code); n != 1 && n != 3 && n != 5 && n != 7 {
		return apperr.New(apperr.Invalid, "supplier.category_invalid",
			"供应类目「%s」应为 1、3、5 位类目编码或 7 位物资编码",
			"%q must be a category code of 1, 3 or 5 digits or an item code of 7", code).WithField("category")
	}
	if err := catalog.ValidateCode(code, len(code)); err != nil {
		if e, ok := apperr.As(err); ok {
			return e.WithField("category")
		}
		return err
	}
	return nil
}

// Revise returns the stored entry s with edit applied: the contacts,
// qualifications, categories and note change; the organisation is fixed,
// and the status changes only by SetStatus (so that each change of
// standing is its own step, with its reason, in the audit trail). The
// version is the one the edit was based on.
func (s Supplier) Revise(edit Supplier) (Supplier, error) {
	if edit.Org != "" && edit.Org != s.Org {
		return edit, &apperr.Error{Kind: apperr.Invalid, Code: "edit.fixed", Field: "org",
			ZH: "供应商所属单位不能修改", EN: "the supplier's organisation cannot be changed"}
	}
	if edit.Status != "" && edit.Status != s.Status {
		return edit, apperr.New(apperr.Invalid, "supplier.status_by_step",
			"供应商状态须通过暂停、恢复或移出操作修改，不能在编辑中修改",
			"a supplier's status changes by suspending, reinstating or removing it, not by an edit").WithField("status")
	}
	out := s
	out.Contacts, out.Qualifications, out.Categories = edit.Contacts, edit.Qualifications, edit.Categories
	out.Note, out.Version, out.Standing = edit.Note, edit.Version, nil
	return out, out.Validate()
}

// Step is a change of a supplier's status.
type Step string

const (
	StepSuspend   Step = "suspend"   // 暂停: qualified → suspended
	StepReinstate Step = "reinstate" // 恢复: suspended or removed → qualified
	StepRemove    Step = "remove"    // 移出: qualified or suspended → removed
)

// transitions is every legal change of status: from a status, a step
// leads to the status given; anything not listed is refused.
var transitions = map[Status]map[Step]Status{
	Qualified: {StepSuspend: Suspended, StepRemove: Removed},
	Suspended: {StepReinstate: Qualified, StepRemove: Removed},
	Removed:   {StepReinstate: Qualified},
}

// Next returns the status step leads to from status from, and whether
// the step is legal there.
func Next(from Status, step Step) (Status, bool) {
	to, ok := transitions[from][step]
	return to, ok
}

// Names are the step's names in Chinese and English.
func (st Step) Names() (zh, en string) {
	switch st {
	case StepSuspend:
		return "暂停", "suspend"
	case StepReinstate:
		return "恢复合格", "reinstate"
	case StepRemove:
		return "移出名录", "remove"
	}
	return string(st), string(st)
}

// SetStatus returns the entry after step with its reason, which is
// required to suspend or remove (and kept as the entry's reason; a
// reinstatement clears it unless given). An illegal step, such as
// suspending a removed supplier, is a conflict (supplier.status).
func (s Supplier) SetStatus(step Step, reason string) (Supplier, error) {
	switch step {
	case StepSuspend, StepReinstate, StepRemove:
	default:
		return s, apperr.New(apperr.Invalid, "supplier.step_invalid",
			"供应商操作「%s」无效：应为 suspend（暂停）、reinstate（恢复合格）或 remove（移出名录）",
			"supplier step %q is invalid: want suspend, reinstate or remove", string(step)).WithField("step")
	}
	to, ok := Next(s.Status, step)
	if !ok {
		fromZH, fromEN := s.Status.Names()
		stepZH, stepEN := step.Names()
		return s, apperr.New(apperr.Conflict, "supplier.status", "供应商「%[1]s」当前为「%[2]s」，不能「%[3]s」",
			"supplier %[1]s is %[4]s: it cannot %[5]s", s.Org, fromZH, stepZH, fromEN, stepEN)
	}
	out := s
	out.Status, out.Reason, out.Standing = to, strings.TrimSpace(reason), nil
	if err := checkStatus(to, out.Reason); err != nil {
		return s, err
	}
	return out, nil
}
