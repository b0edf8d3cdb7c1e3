// Package care is the care of stock in store (在储物资养护, BRIEF C6): the
// schedules of regular inspection and maintenance (定期检测、定期保养) per
// class of item, the records of the work done, when the next round falls
// due, the rotation of lots before they expire (轮换使用), and how full a
// depot is (库容提醒).
//
// Like the other domain packages it decides and does not store: the store
// finds the stock, the last record and the lot, and applies what the
// functions here return in one transaction. A rotation plan carried out is
// an ordinary ledger posting ([Rotation.Execute]), so the ledger tells who
// took what out of which lot and why.
package care

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// Kind is what a schedule asks for.
type Kind string

const (
	KindInspect  Kind = "inspect"  // 定期检测: look the stock over, test it
	KindMaintain Kind = "maintain" // 定期保养: service it (run the engine, oil, charge)
)

// Valid reports whether k is one of the kinds.
func (k Kind) Valid() bool { return k == KindInspect || k == KindMaintain }

// Names are the kind's names in Chinese and English.
func (k Kind) Names() (zh, en string) {
	switch k {
	case KindInspect:
		return "检测", "inspection"
	case KindMaintain:
		return "保养", "maintenance"
	}
	return string(k), string(k)
}

// Bounds of what a schedule and a record hold.
const (
	// MaxIntervalDays is the longest interval between two rounds: ten
	// years, beyond the shelf life of anything a schedule is for.
	MaxIntervalDays = 3650
	// MaxCodeLen bounds a schedule's code, which appears in paths.
	MaxCodeLen = 40
	// MaxTextLen bounds the free texts: a schedule's guide, a record's
	// findings, a rotation's note and recipient, in characters.
	MaxTextLen = 2000
)

// Schedule is a standing order to inspect or maintain every item of a
// class at an interval (养护计划), such as tents (帐篷, category 10101)
// every 180 days. Schedules are the city's: one list for every depot.
type Schedule struct {
	ID int64 `json:"-"`
	// Code names the schedule (letters, digits, - _ .), e.g. "TENT-INSPECT".
	Code string `json:"code"`
	Kind Kind   `json:"kind"`
	// Category is what the schedule covers: a category code of the
	// catalogue (1, 3 or 5 digits: 大类, 中类, 小类) or one item's code (7
	// digits). It covers every item whose code starts with it.
	Category     string `json:"category"`
	IntervalDays int    `json:"interval_days"`
	NameZH       string `json:"name_zh"`
	NameEN       string `json:"name_en"`
	// Guide says what to check or do, for the keeper on the round.
	Guide string `json:"guide"`
	// CreatedBy and CreatedAt (unix seconds) are the store's, as are
	// RetiredAt (unix µs, 0 while in use) and Version, which counts edits:
	// a request's are ignored but for the version an edit was based on.
	CreatedBy string `json:"created_by"`
	CreatedAt int64  `json:"created_at"`
	RetiredAt int64  `json:"retired_at"`
	Version   int64  `json:"version"`
}

// Validate checks a schedule before it is stored. That its category is in
// the catalogue is the store's to check.
func (s Schedule) Validate() error {
	if err := validCode(s.Code); err != nil {
		return err
	}
	if !s.Kind.Valid() {
		return apperr.New(apperr.Invalid, "care.kind_invalid", "养护类型「%s」无效：应为 inspect（检测）或 maintain（保养）",
			"care kind %q is invalid: want inspect or maintain", string(s.Kind)).WithField("kind")
	}
	if err := validCategory(s.Category); err != nil {
		return err
	}
	if s.IntervalDays < 1 || s.IntervalDays > MaxIntervalDays {
		return apperr.New(apperr.Invalid, "care.interval_invalid", "周期应为 1 到 %d 天，而不是 %d 天",
			"the interval must be 1 to %d days, not %d", MaxIntervalDays, s.IntervalDays).WithField("interval_days")
	}
	if strings.TrimSpace(s.NameZH) == "" {
		return apperr.Required("name_zh", "养护计划名称", "schedule name")
	}
	return checkText("guide", s.Guide)
}

func validCode(code string) error {
	if strings.TrimSpace(code) == "" {
		return apperr.Required("code", "养护计划编码", "schedule code")
	}
	ok := len(code) <= MaxCodeLen
	for _, r := range code {
		ok = ok && (r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.')
	}
	if !ok {
		return apperr.New(apperr.Invalid, "care.code_invalid",
			"养护计划编码「%s」无效：应为最多 %d 个字母、数字或 - _ .",
			"schedule code %q is invalid: want up to %d letters, digits or - _ .", code, MaxCodeLen).WithField("code")
	}
	return nil
}

// validCategory checks a category or item code in the GB/T 38565
// structure: 1, 3, 5 or 7 digits.
func validCategory(code string) error {
	if code == "" {
		return apperr.Required("category", "适用类目或物资编码", "category or item code")
	}
	if n := len(code); n != 1 && n != 3 && n != 5 && n != 7 {
		return apperr.New(apperr.Invalid, "care.category_invalid",
			"适用范围「%s」应为 1、3、5 位类目编码或 7 位物资编码",
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

// checkText refuses a free text longer than MaxTextLen characters.
func checkText(field, s string) error {
	if utf8.RuneCountInString(s) > MaxTextLen {
		return apperr.New(apperr.Invalid, "care.text_too_long", "%s 过长：最多 %d 个字符",
			"%s is too long: %d characters at most", field, MaxTextLen).WithField(field)
	}
	return nil
}

// Applies reports whether the schedule covers the item of the given code:
// the item's code starts with the schedule's category. Whether the
// schedule is retired is not considered.
func (s Schedule) Applies(itemCode string) bool {
	return s.Category != "" && strings.HasPrefix(itemCode, s.Category)
}

// CheckInUse refuses new records under a retired schedule.
func (s Schedule) CheckInUse() error {
	if s.RetiredAt != 0 {
		return apperr.New(apperr.Conflict, "care.schedule_retired", "养护计划「%s」已停用，不能再登记",
			"care schedule %q is retired: it takes no new records", s.Code).WithField("schedule")
	}
	return nil
}

// Revise returns the stored schedule s with edit applied: the kind,
// category, interval, names and guide change; the code is fixed. The
// version is the one the edit was based on.
func (s Schedule) Revise(edit Schedule) (Schedule, error) {
	if edit.Code != "" && edit.Code != s.Code {
		return edit, &apperr.Error{Kind: apperr.Invalid, Code: "edit.fixed", Field: "code",
			ZH: "养护计划编码不能修改", EN: "the schedule code cannot be changed"}
	}
	out := s
	out.Kind, out.Category, out.IntervalDays = edit.Kind, edit.Category, edit.IntervalDays
	out.NameZH, out.NameEN, out.Guide, out.Version = edit.NameZH, edit.NameEN, edit.Guide, edit.Version
	return out, out.Validate()
}

// Outcome is how a round of inspection or maintenance went.
type Outcome string

const (
	OutcomeOK     Outcome = "ok"     // 正常
	OutcomeIssues Outcome = "issues" // 发现问题: the findings say which
)

// Record is one round of inspection or maintenance done (养护记录): which
// schedule, at which depot, of which item, on which day and how it went.
//
// A record with issues changes no stock. Where the round found units
// damaged or in doubt, the keeper follows it with a quality change in the
// ledger (合格、待检、损坏) of the lots concerned, or a scrap; the record
// keeps the findings.
type Record struct {
	ID       int64  `json:"id"`
	Schedule string `json:"schedule"` // schedule code
	Depot    string `json:"depot"`    // depot code
	Item     string `json:"item"`     // item code
	// DoneOn is the day of the round (YYYY-MM-DD), today or before.
	DoneOn   string  `json:"done_on"`
	Outcome  Outcome `json:"outcome"`
	Findings string  `json:"findings,omitempty"` // required when the outcome is issues
	// DoneBy is who recorded it (the acting principal) and DoneAt when
	// (unix seconds): the store's.
	DoneBy string `json:"done_by"`
	DoneAt int64  `json:"done_at"`
}

// Validate checks a record before anything is looked up: on today
// (YYYY-MM-DD) its day may not lie ahead.
func (r Record) Validate(today string) error {
	switch {
	case strings.TrimSpace(r.Schedule) == "":
		return apperr.Required("schedule", "养护计划", "schedule")
	case strings.TrimSpace(r.Depot) == "":
		return apperr.Required("depot", "储备库", "depot")
	case strings.TrimSpace(r.Item) == "":
		return apperr.Required("item", "物资编码", "item")
	case r.DoneOn == "":
		return apperr.Required("done_on", "检测或保养日期", "the day of the round")
	}
	if _, err := parseDay(r.DoneOn, "done_on"); err != nil {
		return err
	}
	if r.DoneOn > today {
		return apperr.New(apperr.Invalid, "care.done_on_future", "日期 %s 晚于今天（%s）",
			"the day %s is after today (%s)", r.DoneOn, today).WithField("done_on")
	}
	switch r.Outcome {
	case OutcomeOK:
	case OutcomeIssues:
		if strings.TrimSpace(r.Findings) == "" {
			return apperr.New(apperr.Invalid, "care.findings_required", "发现问题时须填写问题说明",
				"findings are required when the outcome is issues").WithField("findings")
		}
	default:
		return apperr.New(apperr.Invalid, "care.outcome_invalid", "结果「%s」无效：应为 ok（正常）或 issues（发现问题）",
			"outcome %q is invalid: want ok or issues", string(r.Outcome)).WithField("outcome")
	}
	return checkText("findings", r.Findings)
}

// Check refuses a record s cannot take: s is retired, or does not cover
// the record's item.
func (s Schedule) Check(r Record) error {
	if err := s.CheckInUse(); err != nil {
		return err
	}
	if !s.Applies(r.Item) {
		return apperr.New(apperr.Invalid, "care.not_applicable", "养护计划「%s」（适用 %s）不适用于物资 %s",
			"care schedule %q (for %s) does not cover item %s", s.Code, s.Category, r.Item).WithField("item")
	}
	return nil
}

// DueStatus is where a schedule stands for the stock of one item at one
// depot.
type DueStatus string

const (
	StatusOverdue DueStatus = "overdue" // 逾期: the due day has passed
	StatusDue     DueStatus = "due"     // 待办: due today or within the window asked for
	StatusLater   DueStatus = "later"   // 未到期: due after the window
)

// Due is when the next round of a schedule falls due.
type Due struct {
	// LastDone is the day of the last round (YYYY-MM-DD), "" when none was
	// recorded.
	LastDone string `json:"last_done,omitempty"`
	DueOn    string `json:"due_on"`
	// DaysLeft counts the days from today to DueOn: 0 due today,
	// negative when overdue by that many days.
	DaysLeft int       `json:"days_left"`
	Status   DueStatus `json:"status"`
}

// NextDue returns when the next round of a schedule of intervalDays falls
// due on today (YYYY-MM-DD), given the day of the last round, and whether
// that is overdue, within withinDays of today, or later. Stock with no
// round recorded has been waiting for one since it arrived: it is due
// today. A lastDone that is not a date counts as none.
func NextDue(intervalDays int, lastDone, today string, withinDays int) Due {
	d := Due{LastDone: lastDone, DueOn: today}
	if _, err := time.Parse(stock.DateLayout, lastDone); err == nil {
		d.DueOn = stock.AddDays(lastDone, intervalDays)
	} else {
		d.LastDone = ""
	}
	d.DaysLeft, _ = stock.DaysBetween(today, d.DueOn)
	switch {
	case d.DaysLeft < 0:
		d.Status = StatusOverdue
	case d.DaysLeft <= withinDays:
		d.Status = StatusDue
	default:
		d.Status = StatusLater
	}
	return d
}

// Due is NextDue for the schedule's interval.
func (s Schedule) Due(lastDone, today string, withinDays int) Due {
	return NextDue(s.IntervalDays, lastDone, today, withinDays)
}

// parseDay parses a YYYY-MM-DD day, with the error date.malformed at
// field.
func parseDay(s, field string) (time.Time, error) {
	t, err := time.Parse(stock.DateLayout, s)
	if err != nil {
		return t, apperr.New(apperr.Invalid, "date.malformed",
			"日期「%s」格式错误：应为 YYYY-MM-DD", "date %q is malformed: want YYYY-MM-DD", s).WithField(field)
	}
	return t, nil
}
