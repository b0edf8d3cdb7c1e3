package care

import (
	"fmt"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// Method is how a rotation takes a lot out of store (轮换方式).
type Method string

const (
	MethodDrill    Method = "drill"    // 演练使用: used up in a drill or training
	MethodTransfer Method = "transfer" // 调拨: moved to another depot, which uses it sooner
	MethodDonate   Method = "donate"   // 捐赠: given away while still good
	MethodSell     Method = "sell"     // 销售: sold while still good
)

// Valid reports whether m is one of the methods.
func (m Method) Valid() bool {
	return m == MethodDrill || m == MethodTransfer || m == MethodDonate || m == MethodSell
}

// Names are the method's names in Chinese and English.
func (m Method) Names() (zh, en string) {
	switch m {
	case MethodDrill:
		return "演练使用", "drill"
	case MethodTransfer:
		return "调拨", "transfer"
	case MethodDonate:
		return "捐赠", "donation"
	case MethodSell:
		return "销售", "sale"
	}
	return string(m), string(m)
}

// RotationStatus is where a rotation plan is in its life.
type RotationStatus string

const (
	RotationPlanned   RotationStatus = "planned"   // 待执行
	RotationDone      RotationStatus = "done"      // 已执行: the lot's units left by a posting
	RotationCancelled RotationStatus = "cancelled" // 已取消
)

// Rotation is a plan to take units of a lot out of a depot before the lot
// expires (轮换计划), and, once carried out, the record that it was.
//
// Rotation happens before expiry: the ledger issues and transfers only
// good lots that have not expired (stock.NotIssuable), so a plan for a
// lot already expired is refused ([Rotation.CheckLot]); such a lot is
// scrapped. The lots worth rotating are those expiring within
// stock.RotationDays.
type Rotation struct {
	ID       int64          `json:"id"`
	Depot    string         `json:"depot"` // the depot the units leave
	Lot      string         `json:"lot"`
	Item     string         `json:"item"` // the lot's item; may be left out when planning
	Quantity stock.Quantity `json:"quantity"`
	Method   Method         `json:"method"`
	// ToDepot is where a transfer takes the units: required for the
	// transfer method, not given for the others.
	ToDepot string `json:"to_depot,omitempty"`
	// Recipient is who receives a donation or buys a sale (required for
	// those), or who used the units in a drill (optional).
	Recipient string `json:"recipient,omitempty"`
	// DueOn is the day by which to carry the plan out (YYYY-MM-DD): from
	// today to the lot's expiry.
	DueOn  string         `json:"due_on"`
	Status RotationStatus `json:"status"`
	Note   string         `json:"note,omitempty"`
	// ExpiresOn is the lot's expiry, as the store read it; "" when the lot
	// does not expire.
	ExpiresOn string `json:"expires_on,omitempty"`
	// The rest is the store's: who planned it and when (unix seconds),
	// who carried it out and when, and the posting that did.
	CreatedBy string `json:"created_by"`
	CreatedAt int64  `json:"created_at"`
	DoneBy    string `json:"done_by,omitempty"`
	DoneAt    int64  `json:"done_at,omitempty"`
	PostingID int64  `json:"posting_id,omitempty"`
}

// Validate checks a plan before anything is looked up.
func (r Rotation) Validate() error {
	switch {
	case strings.TrimSpace(r.Depot) == "":
		return apperr.Required("depot", "储备库", "depot")
	case strings.TrimSpace(r.Lot) == "":
		return apperr.Required("lot", "批次码", "lot code")
	case !r.Method.Valid():
		return apperr.New(apperr.Invalid, "rotation.method_invalid",
			"轮换方式「%s」无效：应为 drill（演练使用）、transfer（调拨）、donate（捐赠）或 sell（销售）",
			"rotation method %q is invalid: want drill, transfer, donate or sell", string(r.Method)).WithField("method")
	}
	if err := r.Quantity.CheckPositive(); err != nil {
		return err
	}
	switch {
	case r.Method == MethodTransfer && r.ToDepot == "":
		return apperr.Required("to_depot", "调入库", "destination depot")
	case r.Method == MethodTransfer && r.ToDepot == r.Depot:
		return apperr.New(apperr.Invalid, "rotation.to_depot", "调入库与调出库相同（%s）",
			"the destination is the depot the units leave (%s)", r.Depot).WithField("to_depot")
	case r.Method != MethodTransfer && r.ToDepot != "":
		return apperr.New(apperr.Invalid, "rotation.to_depot", "只有调拨轮换可以指定调入库",
			"only a rotation by transfer names a destination depot").WithField("to_depot")
	case (r.Method == MethodDonate || r.Method == MethodSell) && strings.TrimSpace(r.Recipient) == "":
		zh, en := r.Method.Names()
		return apperr.Required("recipient", zh+"对象", "the recipient of the "+en)
	case r.DueOn == "":
		return apperr.Required("due_on", "计划完成日期", "the day to carry it out by")
	}
	if _, err := parseDay(r.DueOn, "due_on"); err != nil {
		return err
	}
	if err := checkText("recipient", r.Recipient); err != nil {
		return err
	}
	return checkText("note", r.Note)
}

// CheckLot checks a new plan against its lot on today (YYYY-MM-DD): the
// lot is of the plan's item, good and not expired, and the plan is due
// from today to the lot's expiry. An expired lot cannot be rotated, only
// scrapped; a lot not of good quality is inspected or scrapped first.
func (r Rotation) CheckLot(lot stock.Lot, today string) error {
	if r.Item != "" {
		if err := stock.CheckLotItem(lot, r.Item); err != nil {
			return err
		}
	}
	if lot.Expired(today) {
		return apperr.New(apperr.Conflict, "rotation.lot_expired",
			"批次 %s 已于 %s 过期，不能轮换使用：请办理报废", "lot %s expired on %s and cannot be rotated: scrap it",
			lot.Code, lot.ExpiresOn).WithField("lot")
	}
	if lot.Quality != stock.QualityGood {
		return apperr.New(apperr.Conflict, "rotation.lot_not_good",
			"批次 %s 质量状态为 %s，不能轮换出库：请先检验或报废", "lot %s has quality %s and cannot be rotated out: inspect or scrap it first",
			lot.Code, string(lot.Quality)).WithField("lot")
	}
	if r.DueOn < today {
		return apperr.New(apperr.Invalid, "rotation.due_on_past", "计划完成日期 %s 早于今天（%s）",
			"the day to carry it out by, %s, is before today (%s)", r.DueOn, today).WithField("due_on")
	}
	if lot.ExpiresOn != "" && r.DueOn > lot.ExpiresOn {
		return apperr.New(apperr.Invalid, "rotation.due_after_expiry",
			"计划完成日期 %s 晚于批次 %s 的有效期 %s：过期后不能再出库", "the day to carry it out by, %s, is after lot %s expires on %s: it could not leave then",
			r.DueOn, lot.Code, lot.ExpiresOn).WithField("due_on")
	}
	return nil
}

// Execute returns the posting that carries out a planned rotation, as
// who, and the plan as it is once that posting is made: done by who. A
// drill, donation or sale issues the units from the named lot; a transfer
// moves them to ToDepot. The posting's reason names the plan ("轮换
// #12：捐赠给 房山区红十字会") and its idempotency key ties it to the plan
// (rotation-<id>-done), so an execution retried after a lost answer is
// not posted twice. A plan that is done or cancelled is rotation.status.
func (r Rotation) Execute(who string) (stock.Posting, Rotation, error) {
	if err := r.expect("execute", "执行"); err != nil {
		return stock.Posting{}, r, err
	}
	l := stock.Line{Kind: stock.KindIssue, Depot: r.Depot, Item: r.Item, Lot: r.Lot, Quantity: r.Quantity}
	if r.Method == MethodTransfer {
		l.Kind, l.ToDepot = stock.KindTransfer, r.ToDepot
	}
	p := stock.Posting{IdempotencyKey: fmt.Sprintf("rotation-%d-done", r.ID), Actor: who, Reason: r.Reason(),
		Lines: []stock.Line{l}}
	next := r
	next.Status, next.DoneBy = RotationDone, who
	return p, next, nil
}

// Cancel returns the plan cancelled. Only a planned rotation may be; one
// done or cancelled is rotation.status.
func (r Rotation) Cancel() (Rotation, error) {
	if err := r.expect("cancel", "取消"); err != nil {
		return r, err
	}
	r.Status = RotationCancelled
	return r, nil
}

// Reason is the ledger reason of the plan's posting: the plan's number and
// what happens to the units.
func (r Rotation) Reason() string {
	var what string
	switch r.Method {
	case MethodTransfer:
		what = "调拨至 " + r.ToDepot
	case MethodDonate:
		what = "捐赠给 " + r.Recipient
	case MethodSell:
		what = "销售给 " + r.Recipient
	default:
		what = "演练使用"
		if r.Recipient != "" {
			what += "（" + r.Recipient + "）"
		}
	}
	return fmt.Sprintf("轮换 #%d：%s", r.ID, what)
}

// RotationNotFound is the error for a rotation plan that does not exist,
// or that lies outside what who asks may see.
func RotationNotFound(id int64) *apperr.Error {
	return apperr.New(apperr.NotFound, "rotation.not_found", "轮换计划 #%d 不存在", "rotation plan #%d not found", id)
}

func (r Rotation) expect(verbEN, verbZH string) error {
	if r.Status == RotationPlanned {
		return nil
	}
	return apperr.New(apperr.Conflict, "rotation.status",
		"轮换计划 #%[1]d 当前状态为 %[2]s，不能%[3]s", "rotation plan #%[1]d is %[2]s: it cannot %[4]s",
		r.ID, string(r.Status), verbZH, verbEN).WithField("status")
}
