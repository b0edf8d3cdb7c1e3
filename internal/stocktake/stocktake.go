// Package stocktake is the stock-take (盘点): counting what a depot holds
// and correcting the ledger by what was found.
//
// A count is opened for a depot, or part of it (a storage location, an
// item class) or a cycle-count sample of its lots. It lists the lots to
// count; the depot is not frozen. Each lot's count is compared with the
// book quantity read at the moment the count is entered, so issues and
// receipts during the stock-take are accounted for: the variance is what
// the shelf held against what the ledger said at that moment, and the
// adjustment posted on approval is that variance, whatever moved since.
//
// A count whose variance exceeds the count's threshold must be counted
// again (复盘), by anyone, before the count can be submitted; the recount
// is final. A submitted count is approved by a reserve manager, which
// posts one adjustment entry (盘盈/盘亏) per lot with a variance, or sent
// back (reopened) or cancelled.
//
// The package decides; the store applies what it decides in one
// transaction (store.Store.RecordCount, store.Store.ActOnCount).
package stocktake

import (
	"fmt"
	"math"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// Status is where a count stands.
type Status string

const (
	Open      Status = "open"      // being counted
	Submitted Status = "submitted" // every lot counted, waiting for approval
	Approved  Status = "approved"  // adjustments posted
	Cancelled Status = "cancelled" // abandoned, nothing posted
)

// LineState is where one lot's count stands.
type LineState string

const (
	Pending   LineState = "pending"   // not counted yet
	Counted   LineState = "counted"   // counted, within the threshold
	Recount   LineState = "recount"   // counted, variance above the threshold: count again
	Recounted LineState = "recounted" // counted a second time: final
)

// Scope says which lots of the depot a count lists; zero fields do not
// narrow. Sample, when above zero, takes that many lots, those counted
// longest ago (never counted first): a cycle count (循环盘点).
type Scope struct {
	Location string `json:"location,omitempty"` // lots at storage locations starting with this
	Category string `json:"category,omitempty"` // items whose code starts with this (a category)
	Sample   int    `json:"sample,omitempty"`
}

// MaxSample bounds a cycle count's sample.
const MaxSample = 1000

// Threshold decides which counts must be recounted: those whose variance
// is more than Units and more than Percent of the book quantity.
type Threshold struct {
	Percent float64        `json:"recount_pct"`
	Units   stock.Quantity `json:"recount_units"`
}

// DefaultThreshold recounts a variance of more than 2 % and more than one
// unit.
var DefaultThreshold = Threshold{Percent: 2, Units: stock.Units(1)}

// Exceeded reports whether a variance against book must be recounted.
func (t Threshold) Exceeded(variance, book stock.Quantity) bool {
	v := abs(variance)
	return v > t.Units && float64(v) > t.Percent/100*float64(abs(book))
}

func abs(q stock.Quantity) stock.Quantity {
	if q < 0 {
		return -q
	}
	return q
}

// Count is one stock-take.
type Count struct {
	ID        int64     `json:"id"`
	Depot     string    `json:"depot"`
	Scope     Scope     `json:"scope"`
	Status    Status    `json:"status"`
	Threshold Threshold `json:"threshold"`
	Note      string    `json:"note,omitempty"`
	CreatedBy string    `json:"created_by"`
	CreatedAt int64     `json:"created_at"`
	DecidedBy string    `json:"decided_by,omitempty"`
	DecidedAt int64     `json:"decided_at,omitempty"`
	PostingID int64     `json:"posting_id,omitempty"` // the adjustments, once approved
	Version   int64     `json:"version"`
	Lines     []Line    `json:"lines"`
}

// Line is one lot's count. Book is the ledger's quantity of the lot at the
// depot when Counted was entered (at ledger position BookSeq); First and
// FirstBook keep the first count of a recounted line.
type Line struct {
	Lot       string          `json:"lot"`
	Item      string          `json:"item"`
	Location  string          `json:"location,omitempty"`
	State     LineState       `json:"state"`
	Book      *stock.Quantity `json:"book,omitempty"`
	BookSeq   int64           `json:"book_seq,omitempty"`
	Counted   *stock.Quantity `json:"counted,omitempty"`
	CountedBy string          `json:"counted_by,omitempty"`
	CountedAt int64           `json:"counted_at,omitempty"`
	First     *stock.Quantity `json:"first_count,omitempty"`
	FirstBook *stock.Quantity `json:"first_book,omitempty"`
	FirstBy   string          `json:"first_by,omitempty"`

	// For display, not stored with the line.
	ItemZH string `json:"item_name_zh,omitempty"`
	ItemEN string `json:"item_name_en,omitempty"`
	UnitZH string `json:"unit_zh,omitempty"`
	Batch  string `json:"batch,omitempty"`
}

// Variance is the counted quantity less the book one, 0 until counted.
func (l Line) Variance() stock.Quantity {
	if l.Counted == nil || l.Book == nil {
		return 0
	}
	return *l.Counted - *l.Book
}

// Validate checks a new count before its lots are listed.
func (c Count) Validate() error {
	switch {
	case strings.TrimSpace(c.Depot) == "":
		return apperr.Required("depot", "储备库", "depot")
	case c.Scope.Sample < 0 || c.Scope.Sample > MaxSample:
		return apperr.New(apperr.Invalid, "count.sample_range", "抽盘数量应为 0–%d", "a sample must be 0 to %d lots",
			MaxSample).WithField("scope.sample")
	case c.Threshold.Percent < 0 || c.Threshold.Percent > 100 || math.IsNaN(c.Threshold.Percent) || c.Threshold.Units < 0:
		return apperr.New(apperr.Invalid, "count.threshold_range", "复盘阈值应为 0–100%% 且件数不为负",
			"the recount threshold must be 0–100 %% and not negative units").WithField("threshold")
	case c.Scope.Location != "":
		return stock.ValidateLocation(c.Scope.Location)
	}
	return nil
}

// line returns the index of lot's line, or -1.
func (c *Count) line(lot string) int {
	for i, l := range c.Lines {
		if l.Lot == lot {
			return i
		}
	}
	return -1
}

// Entry is what one count of a lot found: quantity counted, the book
// quantity read with it and where the ledger stood, who counted and when.
type Entry struct {
	Lot      string
	Item     string
	Location string
	Counted  stock.Quantity
	Book     stock.Quantity
	BookSeq  int64
	By       string
	At       int64
}

// Record enters a count of one lot and returns its line as it now stands.
// A lot the count does not list is added (found on the shelf: its book
// quantity may be zero). A first count beyond the threshold asks for a
// recount; a recount is final; counting a counted line again replaces the
// count (a correction before submission).
func (c *Count) Record(e Entry) (Line, error) {
	if c.Status != Open {
		return Line{}, notOpen(c)
	}
	if e.Counted < 0 {
		return Line{}, apperr.New(apperr.Invalid, "count.negative", "盘点数量不能为负", "a count cannot be negative").
			WithField("counted")
	}
	i := c.line(e.Lot)
	if i < 0 {
		c.Lines = append(c.Lines, Line{Lot: e.Lot, Item: e.Item, Location: e.Location, State: Pending})
		i = len(c.Lines) - 1
	}
	l := &c.Lines[i]
	counted, book := e.Counted, e.Book
	switch l.State {
	case Recount:
		l.First, l.FirstBook, l.FirstBy = l.Counted, l.Book, l.CountedBy
		l.State = Recounted
	case Recounted:
		// a correction of the recount stays final
	default:
		l.State = Counted
		if c.Threshold.Exceeded(counted-book, book) {
			l.State = Recount
		}
	}
	l.Counted, l.Book, l.BookSeq, l.CountedBy, l.CountedAt = &counted, &book, e.BookSeq, e.By, e.At
	return *l, nil
}

// Progress counts the lines by state.
func (c Count) Progress() map[LineState]int {
	p := map[LineState]int{}
	for _, l := range c.Lines {
		p[l.State]++
	}
	return p
}

// Action is a step of a count's life after it is opened.
type Action string

const (
	ActSubmit  Action = "submit"  // the counters are done
	ActApprove Action = "approve" // post the adjustments
	ActReopen  Action = "reopen"  // send a submitted count back for more counting
	ActCancel  Action = "cancel"  // abandon it
)

// Transition is what an action does to a count: its new status and, on
// approval, the posting of its adjustments. The store applies it.
type Transition struct {
	From, To Status
	By       string
	Posting  *stock.Posting
}

// Act decides action a on the count by who. Approval needs every lot
// counted and none waiting for a recount; it makes one adjust line per
// lot with a variance (none when the shelf matched the book).
func (c Count) Act(a Action, who string) (Transition, error) {
	t := Transition{From: c.Status, By: who}
	switch {
	case a == ActSubmit && c.Status == Open:
		if err := c.allCounted(); err != nil {
			return t, err
		}
		t.To = Submitted
	case a == ActApprove && c.Status == Submitted:
		t.To = Approved
		t.Posting = c.adjustments(who)
	case a == ActReopen && c.Status == Submitted:
		t.To = Open
	case a == ActCancel && (c.Status == Open || c.Status == Submitted):
		t.To = Cancelled
	default:
		return t, &apperr.Error{Kind: apperr.Conflict, Code: "count.illegal_step",
			ZH: fmt.Sprintf("盘点 #%d 当前为「%s」，不能%s", c.ID, statusZH[c.Status], actionZH[a]),
			EN: fmt.Sprintf("stock-take #%d is %s: it cannot be %s", c.ID, c.Status, actionEN[a])}
	}
	return t, nil
}

var statusZH = map[Status]string{Open: "盘点中", Submitted: "待审核", Approved: "已审核", Cancelled: "已作废"}
var actionZH = map[Action]string{ActSubmit: "提交", ActApprove: "审核通过", ActReopen: "退回", ActCancel: "作废"}
var actionEN = map[Action]string{ActSubmit: "submitted", ActApprove: "approved", ActReopen: "reopened", ActCancel: "cancelled"}

// ParseAction reads an action's name.
func ParseAction(s string) (Action, error) {
	switch a := Action(s); a {
	case ActSubmit, ActApprove, ActReopen, ActCancel:
		return a, nil
	}
	return "", apperr.New(apperr.Invalid, "count.action_invalid", "盘点操作「%s」无效：应为 submit、approve、reopen 或 cancel",
		"stock-take action %q is invalid: want submit, approve, reopen or cancel", s)
}

func notOpen(c *Count) error {
	return &apperr.Error{Kind: apperr.Conflict, Code: "count.not_open",
		ZH: fmt.Sprintf("盘点 #%d 当前为「%s」，不能再录入数量", c.ID, statusZH[c.Status]),
		EN: fmt.Sprintf("stock-take #%d is %s: it takes no more counts", c.ID, c.Status)}
}

func (c Count) allCounted() error {
	p := c.Progress()
	if n := p[Pending] + p[Recount]; n > 0 {
		return apperr.New(apperr.Conflict, "count.incomplete", "还有 %d 个批次未盘、%d 个待复盘，不能提交",
			"%d lots are not counted and %d wait for a recount: the stock-take cannot be submitted", p[Pending], p[Recount])
	}
	return nil
}

// adjustments is the posting that corrects the ledger by the count.
func (c Count) adjustments(who string) *stock.Posting {
	p := &stock.Posting{Actor: who, Reason: fmt.Sprintf("盘点 #%d 调整", c.ID),
		IdempotencyKey: fmt.Sprintf("stocktake:%d", c.ID)}
	for _, l := range c.Lines {
		if v := l.Variance(); v != 0 {
			p.Lines = append(p.Lines, stock.Line{Kind: stock.KindAdjust, Depot: c.Depot, Item: l.Item, Lot: l.Lot, Quantity: v})
		}
	}
	return p
}
