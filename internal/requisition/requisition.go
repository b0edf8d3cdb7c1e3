// Package requisition is the emergency requisition of private goods (紧急
// 征用, BRIEF C11): during an incident the bureau takes vehicles,
// machinery, boats, tents … from people and units for the response, gives
// them back afterwards, and compensates the owners (灾后补偿) for their use,
// damage or loss.
//
// A requisition goes through explicit steps, each allowed only from one
// status:
//
//	requisitioned (已征用) ──return──▶ returned (已归还) ──assess──▶ assessed (已核定补偿) ──pay──▶ compensated (已补偿)
//	      │
//	      └──cancel──▶ cancelled (已取消)
//
// The return records the condition of every line (intact, damaged or
// lost); the assessment the amount of compensation and its basis; the
// payment when it was paid and the voucher. Any other step is refused
// with a conflict that says the status and the step. Like the other
// domain packages this one decides and does not store: the store applies
// what [Requisition.Act] returns, in one transaction, only if the
// requisition is still as it was read.
package requisition

import (
	"fmt"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/contact"
	"github.com/stockpile-dev/stockpile/internal/money"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// Status is where a requisition stands.
type Status string

const (
	Requisitioned Status = "requisitioned" // 已征用: in use by the response
	Returned      Status = "returned"      // 已归还: given back, each line's condition recorded
	Assessed      Status = "assessed"      // 已核定补偿: the compensation is decided
	Compensated   Status = "compensated"   // 已补偿: the compensation is paid
	Cancelled     Status = "cancelled"     // 已取消: withdrawn before the goods were returned (recorded in error, say)
)

// Statuses lists the statuses in the order of a requisition's life.
var Statuses = []Status{Requisitioned, Returned, Assessed, Compensated, Cancelled}

// Valid reports whether st is one of the statuses.
func (st Status) Valid() bool {
	for _, s := range Statuses {
		if s == st {
			return true
		}
	}
	return false
}

// Names are the status's names in Chinese and English.
func (st Status) Names() (zh, en string) {
	switch st {
	case Requisitioned:
		return "已征用", "requisitioned"
	case Returned:
		return "已归还", "returned"
	case Assessed:
		return "已核定补偿", "compensation assessed"
	case Compensated:
		return "已补偿", "compensated"
	case Cancelled:
		return "已取消", "cancelled"
	}
	return string(st), string(st)
}

// Step is what is done to a requisition.
type Step string

const (
	StepReturn Step = "return" // 归还: requisitioned → returned
	StepAssess Step = "assess" // 核定补偿: returned → assessed
	StepPay    Step = "pay"    // 支付补偿: assessed → compensated
	StepCancel Step = "cancel" // 取消: requisitioned → cancelled
)

// Steps lists the steps.
var Steps = []Step{StepReturn, StepAssess, StepPay, StepCancel}

// Names are the step's names in Chinese and English.
func (st Step) Names() (zh, en string) {
	switch st {
	case StepReturn:
		return "归还", "return"
	case StepAssess:
		return "核定补偿", "assess"
	case StepPay:
		return "支付补偿", "pay"
	case StepCancel:
		return "取消", "cancel"
	}
	return string(st), string(st)
}

// transitions is every legal step: from a status, a step leads to the
// status given; anything not listed is refused.
var transitions = map[Status]map[Step]Status{
	Requisitioned: {StepReturn: Returned, StepCancel: Cancelled},
	Returned:      {StepAssess: Assessed},
	Assessed:      {StepPay: Compensated},
}

// Next returns the status step leads to from status from, and whether
// the step is legal there.
func Next(from Status, step Step) (Status, bool) {
	to, ok := transitions[from][step]
	return to, ok
}

// Condition is the state a line was given back in.
type Condition string

const (
	Intact  Condition = "intact"  // 完好
	Damaged Condition = "damaged" // 损坏
	Lost    Condition = "lost"    // 灭失: not given back at all
)

// Valid reports whether c is one of the conditions.
func (c Condition) Valid() bool { return c == Intact || c == Damaged || c == Lost }

// Bounds of what a requisition holds.
const (
	MaxLines    = 200
	MaxShortLen = 100  // owner name, unit, voucher number
	MaxTextLen  = 500  // a line's description and condition note, the place
	MaxLongLen  = 2000 // the reason, the return note, the basis of the assessment, the cancellation's reason
	// EarliestAt is the earliest time a requisition may be dated
	// (2000-01-01 00:00 China Standard Time, unix seconds): older dates
	// are typing errors.
	EarliestAt = 946656000
)

// Owner is whose goods were requisitioned: a person or a unit.
type Owner struct {
	Kind contact.IDKind `json:"kind"` // person or unit
	Name string         `json:"name"`
	// IDNumber is the person's resident identity number or the unit's
	// unified social credit code; optional, checked when given.
	IDNumber string `json:"id_number,omitempty"`
	Phone    string `json:"phone"`
}

// Line is one thing requisitioned.
type Line struct {
	N           int    `json:"n"` // 1, 2, … in the order given; the store's
	Description string `json:"description"`
	// Item is the catalogue item it is, when it is one (7 digits);
	// optional, since much that is requisitioned (an excavator, a boat of
	// a kind) is in no reserve catalogue.
	Item     string         `json:"item,omitempty"`
	Quantity stock.Quantity `json:"quantity"`
	Unit     string         `json:"unit"`
	// Value is the estimated value of the line (all of its quantity) when
	// requisitioned, in yuan: what an assessment of damage or loss starts
	// from.
	Value money.Fen `json:"value_yuan"`
	// Condition and ConditionNote are recorded on return.
	Condition     Condition `json:"condition,omitempty"`
	ConditionNote string    `json:"condition_note,omitempty"`
}

// Requisition is one requisition record (征用记录): one owner's goods
// taken for one incident.
type Requisition struct {
	ID       int64  `json:"id"`
	Incident string `json:"incident"` // incident code
	// Area is the area (code) the goods were requisitioned in: whose
	// managers may record and follow it.
	Area   string `json:"area"`
	Owner  Owner  `json:"owner"`
	Lines  []Line `json:"lines"`
	Reason string `json:"reason"`
	// Place is where the goods are used (使用地点).
	Place string `json:"place"`
	// RequisitionedAt is when the goods were taken (unix seconds); zero
	// means when the record is stored.
	RequisitionedAt int64 `json:"requisitioned_at"`
	// Value is the sum of the lines' estimated values; the store's.
	Value  money.Fen `json:"value_yuan"`
	Status Status    `json:"status"`

	ReturnedAt int64  `json:"returned_at,omitempty"`
	ReturnNote string `json:"return_note,omitempty"`

	// Compensation is the amount assessed (nil until assessed), Basis
	// what it rests on (评估报告、协商结果、标准文件).
	Compensation *money.Fen `json:"compensation_yuan,omitempty"`
	Basis        string     `json:"basis,omitempty"`
	AssessedBy   string     `json:"assessed_by,omitempty"`
	AssessedAt   int64      `json:"assessed_at,omitempty"`

	PaidAt  int64  `json:"paid_at,omitempty"`
	Voucher string `json:"voucher,omitempty"` // the payment voucher's number (凭证号)
	PaidBy  string `json:"paid_by,omitempty"`

	CancelReason string `json:"cancel_reason,omitempty"`

	CreatedBy string `json:"created_by"`
	CreatedAt int64  `json:"created_at"`
	UpdatedBy string `json:"updated_by"`
	UpdatedAt int64  `json:"updated_at"`
	Version   int64  `json:"version"`
}

// Validate checks a new requisition before anything is looked up, on
// now (unix seconds): that its incident, area and items exist is the
// store's to check. It returns the requisition as it is to be stored:
// lines numbered, the value summed, the time set (now when not given),
// the status requisitioned, and what only later steps set cleared.
func (r Requisition) Validate(now int64) (Requisition, error) {
	switch {
	case strings.TrimSpace(r.Incident) == "":
		return r, apperr.Required("incident", "事件编码", "incident")
	case strings.TrimSpace(r.Area) == "":
		return r, apperr.Required("area", "征用所在区域", "area")
	case strings.TrimSpace(r.Reason) == "":
		return r, apperr.Required("reason", "征用事由", "reason")
	case strings.TrimSpace(r.Place) == "":
		return r, apperr.Required("place", "使用地点", "place of use")
	}
	if err := r.Owner.validate(); err != nil {
		return r, apperr.Within("owner", err)
	}
	for _, t := range []struct {
		field, zh, v string
		max          int
	}{{"reason", "征用事由", r.Reason, MaxLongLen}, {"place", "使用地点", r.Place, MaxTextLen}} {
		if err := contact.CheckText(t.field, t.zh, t.v, t.max); err != nil {
			return r, err
		}
	}
	if r.RequisitionedAt == 0 {
		r.RequisitionedAt = now
	}
	if r.RequisitionedAt < EarliestAt || r.RequisitionedAt > now {
		return r, apperr.New(apperr.Invalid, "requisition.time", "征用时间须在 2000 年以后，且不晚于现在",
			"the time of the requisition must lie after 2000 and not in the future").WithField("requisitioned_at")
	}
	switch n := len(r.Lines); {
	case n == 0:
		return r, apperr.Required("lines", "征用物品", "the goods requisitioned")
	case n > MaxLines:
		return r, apperr.New(apperr.Invalid, "requisition.too_many_lines", "一份征用记录最多 %d 项物品",
			"a requisition holds at most %d lines", MaxLines).WithField("lines")
	}
	out := r
	out.Lines = make([]Line, len(r.Lines))
	out.Value = 0
	for i, l := range r.Lines {
		f := fmt.Sprintf("lines[%d]", i)
		if err := l.validate(); err != nil {
			return r, apperr.Within(f, err)
		}
		l.N, l.Condition, l.ConditionNote = i+1, "", ""
		out.Lines[i] = l
		out.Value += l.Value // at most MaxLines × MaxFen: no overflow
		if err := out.Value.CheckRange(); err != nil {
			return r, apperr.Within(f+".value_yuan", err)
		}
	}
	out.ID, out.Status = 0, Requisitioned
	out.ReturnedAt, out.ReturnNote = 0, ""
	out.Compensation, out.Basis, out.AssessedBy, out.AssessedAt = nil, "", "", 0
	out.PaidAt, out.Voucher, out.PaidBy, out.CancelReason = 0, "", "", ""
	return out, nil
}

func (o Owner) validate() error {
	switch o.Kind {
	case contact.IDPerson, contact.IDUnit:
	default:
		return apperr.New(apperr.Invalid, "requisition.owner_kind", "被征用人类型「%s」无效：应为 person（个人）或 unit（单位）",
			"owner kind %q is invalid: want person or unit", string(o.Kind)).WithField("kind")
	}
	switch {
	case strings.TrimSpace(o.Name) == "":
		return apperr.Required("name", "被征用人姓名或单位名称", "owner's name")
	case strings.TrimSpace(o.Phone) == "":
		return apperr.Required("phone", "被征用人电话", "owner's phone")
	}
	if err := contact.CheckText("name", "被征用人姓名或单位名称", o.Name, MaxShortLen); err != nil {
		return err
	}
	if err := contact.CheckPhone("phone", o.Phone); err != nil {
		return err
	}
	if o.IDNumber != "" {
		return contact.CheckID("id_number", o.Kind, o.IDNumber)
	}
	return nil
}

func (l Line) validate() error {
	switch {
	case strings.TrimSpace(l.Description) == "":
		return apperr.Required("description", "物品名称及规格", "description")
	case strings.TrimSpace(l.Unit) == "":
		return apperr.Required("unit", "计量单位", "unit")
	}
	if err := contact.CheckText("description", "物品名称及规格", l.Description, MaxTextLen); err != nil {
		return err
	}
	if err := contact.CheckText("unit", "计量单位", l.Unit, MaxShortLen); err != nil {
		return err
	}
	if l.Item != "" {
		if err := catalog.ValidateCode(l.Item, 7); err != nil {
			return apperr.Rebase(err, "code", "item")
		}
	}
	if err := l.Quantity.CheckPositive(); err != nil {
		return err
	}
	if l.Value < 0 {
		return apperr.New(apperr.Invalid, "requisition.value_negative", "估值不能为负数：%s 元",
			"the estimated value cannot be negative: %s yuan", l.Value.String()).WithField("value_yuan")
	}
	if err := l.Value.CheckRange(); err != nil {
		return apperr.Within("value_yuan", err)
	}
	return nil
}

// checkAt refuses a time of a step (unix seconds) before the goods were
// requisitioned (earliest) or after now.
func checkAt(field string, at, earliest, now int64) error {
	if at < earliest || at > now {
		return apperr.New(apperr.Invalid, "requisition.time", "时间须不早于征用时间，且不晚于现在",
			"the time must not lie before the requisition nor in the future").WithField(field)
	}
	return nil
}

// Act is one step with what it records. Which fields a step reads:
//
//	return: At (returned at; 0 now), Lines (every line's condition, a note for a damaged or lost one), Note
//	assess: Amount (0 or more), Basis
//	pay:    At (paid at; 0 now), Voucher
//	cancel: Reason
type Act struct {
	Step    Step         `json:"step"`
	At      int64        `json:"at,omitempty"`
	Lines   []ReturnLine `json:"lines,omitempty"`
	Note    string       `json:"note,omitempty"`
	Amount  *money.Fen   `json:"amount_yuan,omitempty"`
	Basis   string       `json:"basis,omitempty"`
	Voucher string       `json:"voucher,omitempty"`
	Reason  string       `json:"reason,omitempty"`
}

// ReturnLine is the condition one line came back in.
type ReturnLine struct {
	N         int       `json:"n"`
	Condition Condition `json:"condition"`
	Note      string    `json:"note,omitempty"`
}

// Act returns the requisition after step a taken by who at now (unix
// seconds), or why it may not be taken: an unknown step
// (requisition.step_invalid), a step the status does not allow
// (requisition.status, a conflict naming both), or what the step records
// being wrong. The store applies the result only if the requisition is
// still at r's version.
func (r Requisition) Act(a Act, who string, now int64) (Requisition, error) {
	valid := false
	for _, s := range Steps {
		valid = valid || s == a.Step
	}
	if !valid {
		return r, apperr.New(apperr.Invalid, "requisition.step_invalid",
			"征用操作「%s」无效：应为 return（归还）、assess（核定补偿）、pay（支付补偿）或 cancel（取消）",
			"requisition step %q is invalid: want return, assess, pay or cancel", string(a.Step)).WithField("step")
	}
	to, ok := Next(r.Status, a.Step)
	if !ok {
		fromZH, fromEN := r.Status.Names()
		stepZH, stepEN := a.Step.Names()
		return r, apperr.New(apperr.Conflict, "requisition.status", "征用记录 #%[1]d 当前为「%[2]s」，不能「%[3]s」",
			"requisition #%[1]d is %[4]s: it cannot be %[5]s", r.ID, fromZH, stepZH, fromEN, pastTense(stepEN))
	}
	out := r
	out.Lines = append([]Line(nil), r.Lines...)
	var err error
	switch a.Step {
	case StepReturn:
		err = out.giveBack(a, now)
	case StepAssess:
		err = out.assess(a, who, now)
	case StepPay:
		err = out.pay(a, who, now)
	case StepCancel:
		err = out.cancel(a)
	}
	if err != nil {
		return r, err
	}
	out.Status, out.UpdatedBy, out.UpdatedAt = to, who, now
	return out, nil
}

func pastTense(step string) string {
	switch step {
	case "pay":
		return "paid"
	case "assess":
		return "assessed"
	case "cancel":
		return "cancelled"
	}
	return step + "ed"
}

// giveBack records the return: every line's condition, once each.
func (r *Requisition) giveBack(a Act, now int64) error {
	at := a.At
	if at == 0 {
		at = now
	}
	if err := checkAt("at", at, r.RequisitionedAt, now); err != nil {
		return err
	}
	if err := contact.CheckText("note", "归还说明", a.Note, MaxLongLen); err != nil {
		return err
	}
	seen := make([]bool, len(r.Lines))
	for i, rl := range a.Lines {
		f := fmt.Sprintf("lines[%d]", i)
		if rl.N < 1 || rl.N > len(r.Lines) {
			return apperr.New(apperr.Invalid, "requisition.line", "征用记录没有第 %d 项物品",
				"the requisition has no line %d", rl.N).WithField(f + ".n")
		}
		if seen[rl.N-1] {
			return apperr.New(apperr.Invalid, "requisition.line_repeated", "第 %d 项物品的归还情况重复填写",
				"line %d is given twice", rl.N).WithField(f + ".n")
		}
		seen[rl.N-1] = true
		if !rl.Condition.Valid() {
			return apperr.New(apperr.Invalid, "requisition.condition_invalid",
				"归还状况「%s」无效：应为 intact（完好）、damaged（损坏）或 lost（灭失）",
				"condition %q is invalid: want intact, damaged or lost", string(rl.Condition)).WithField(f + ".condition")
		}
		if rl.Condition != Intact && strings.TrimSpace(rl.Note) == "" {
			return apperr.New(apperr.Invalid, "requisition.condition_note", "第 %d 项物品损坏或灭失，须写明情况",
				"line %d is damaged or lost: say what happened", rl.N).WithField(f + ".note")
		}
		if err := contact.CheckText(f+".note", "归还状况说明", rl.Note, MaxTextLen); err != nil {
			return err
		}
		r.Lines[rl.N-1].Condition, r.Lines[rl.N-1].ConditionNote = rl.Condition, strings.TrimSpace(rl.Note)
	}
	for i, ok := range seen {
		if !ok {
			return apperr.New(apperr.Invalid, "requisition.condition_missing", "第 %d 项物品未填写归还状况（完好、损坏或灭失）",
				"line %d has no condition (intact, damaged or lost)", i+1).WithField("lines")
		}
	}
	r.ReturnedAt, r.ReturnNote = at, strings.TrimSpace(a.Note)
	return nil
}

// assess records the compensation decided and its basis.
func (r *Requisition) assess(a Act, who string, now int64) error {
	if a.Amount == nil {
		return apperr.Required("amount_yuan", "核定补偿金额", "amount of compensation")
	}
	amount := *a.Amount
	if amount < 0 {
		return apperr.New(apperr.Invalid, "requisition.value_negative", "补偿金额不能为负数：%s 元",
			"the compensation cannot be negative: %s yuan", amount.String()).WithField("amount_yuan")
	}
	if err := amount.CheckRange(); err != nil {
		return apperr.Within("amount_yuan", err)
	}
	if strings.TrimSpace(a.Basis) == "" {
		return apperr.Required("basis", "核定依据", "basis of the assessment")
	}
	if err := contact.CheckText("basis", "核定依据", a.Basis, MaxLongLen); err != nil {
		return err
	}
	r.Compensation, r.Basis, r.AssessedBy, r.AssessedAt = &amount, strings.TrimSpace(a.Basis), who, now
	return nil
}

// pay records the payment of the compensation assessed.
func (r *Requisition) pay(a Act, who string, now int64) error {
	at := a.At
	if at == 0 {
		at = now
	}
	if err := checkAt("at", at, r.RequisitionedAt, now); err != nil {
		return err
	}
	if strings.TrimSpace(a.Voucher) == "" {
		return apperr.Required("voucher", "支付凭证号", "voucher number")
	}
	if err := contact.CheckText("voucher", "支付凭证号", a.Voucher, MaxShortLen); err != nil {
		return err
	}
	r.PaidAt, r.Voucher, r.PaidBy = at, strings.TrimSpace(a.Voucher), who
	return nil
}

// cancel records why the requisition is withdrawn.
func (r *Requisition) cancel(a Act) error {
	if strings.TrimSpace(a.Reason) == "" {
		return apperr.Required("reason", "取消原因", "reason for cancelling")
	}
	if err := contact.CheckText("reason", "取消原因", a.Reason, MaxLongLen); err != nil {
		return err
	}
	r.CancelReason = strings.TrimSpace(a.Reason)
	return nil
}

// Totals sums the requisitions of one incident: how many in each status,
// the estimated value of what was taken (cancelled ones left out), the
// compensation assessed (assessed and compensated ones) and paid.
type Totals struct {
	Incident string         `json:"incident"`
	Count    map[Status]int `json:"count"`
	Value    money.Fen      `json:"value_yuan"`
	Assessed money.Fen      `json:"assessed_yuan"`
	Paid     money.Fen      `json:"paid_yuan"`
	// Unpaid is the compensation assessed but not yet paid.
	Unpaid money.Fen `json:"unpaid_yuan"`
}

// Masked returns o with its ID number hidden but for its last four
// characters (****002X): what people who may not act on the requisition
// see of the owner.
func (o Owner) Masked() Owner {
	r := []rune(o.IDNumber)
	if len(r) > 4 {
		o.IDNumber = strings.Repeat("*", len(r)-4) + string(r[len(r)-4:])
	}
	return o
}
