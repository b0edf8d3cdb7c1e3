// Package statement is the receipts–issues–balance statement of stock
// (收发存汇总表) and the stock held at the end of a day (库存快照): what
// their rows hold, which column each ledger entry counts in, and the period
// or day they are made for. It reads nothing: the store finds the figures
// (store.Store.Statement, store.Store.StockAsOf), the API shows them.
//
// A statement covers a period of China's calendar dates, both included.
// Per depot and item it gives the stock on hand at the start of the first
// day (期初), what came in during the period split by how (入库, 调入,
// 归还, 盘盈), what went out split by how (出库/发放, 调出, 报废, 盘亏), and
// the stock on hand at the end of the last day (期末), so that
//
//	closing = opening + received + transferred in + returned + count gain
//	        − issued − transferred out − scrapped − count loss
//
// holds on every row ([Row.Balanced]). On hand means what the depot holds,
// reserved units included: reservations (预留, 释放预留) and entries that
// move no units (a lot's quality changing) are in no column.
package statement

import (
	"time"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/cst"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// Column is a column of movement of a statement: a way stock comes in or
// goes out.
type Column int

// The columns, in the order a statement shows them. None is no column:
// an entry that does not change the stock on hand.
const (
	None           Column = iota
	Received              // 入库: receive
	TransferredIn         // 调入: transfer_in
	Returned              // 归还: return
	CountGain             // 盘盈: adjust, delta > 0
	Issued                // 出库/发放: issue
	TransferredOut        // 调出: transfer_out
	Scrapped              // 报废: scrap
	CountLoss             // 盘亏: adjust, delta < 0
)

// Columns are the columns of movement in the order a statement shows them:
// the four ways in, then the four ways out.
var Columns = []Column{Received, TransferredIn, Returned, CountGain, Issued, TransferredOut, Scrapped, CountLoss}

// In reports whether c counts stock coming in.
func (c Column) In() bool { return c >= Received && c <= CountGain }

// Out reports whether c counts stock going out.
func (c Column) Out() bool { return c >= Issued && c <= CountLoss }

// Names returns the column's caption in Chinese and in English.
func (c Column) Names() (zh, en string) {
	switch c {
	case Received:
		return "入库", "Received"
	case TransferredIn:
		return "调入", "Transferred in"
	case Returned:
		return "归还", "Returned"
	case CountGain:
		return "盘盈", "Count gain"
	case Issued:
		return "出库/发放", "Issued"
	case TransferredOut:
		return "调出", "Transferred out"
	case Scrapped:
		return "报废", "Scrapped"
	case CountLoss:
		return "盘亏", "Count loss"
	}
	return "", ""
}

// OffHand are the entry kinds that change the units reserved for plans
// rather than the units on hand (stock.EntryKind.Reservation): never in a
// statement, whatever their delta. The store leaves them out of its sums.
var OffHand = []stock.EntryKind{stock.EntryReserve, stock.EntryRelease}

// Classify returns the column a ledger entry of kind k and delta counts in.
// Entries that do not change the stock on hand (reservations, and any
// entry of delta 0, such as a lot's quality changing) are in None. ok is
// false for an entry that changes the stock on hand but fits no column: a
// kind this package does not know, or a delta of the wrong sign for its
// kind. A statement with such an entry would not balance, so it is not
// made.
func Classify(k stock.EntryKind, delta stock.Quantity) (c Column, ok bool) {
	if delta == 0 || k.Reservation() {
		return None, true
	}
	in := delta > 0
	switch k {
	case stock.EntryReceive:
		c = Received
	case stock.EntryTransferIn:
		c = TransferredIn
	case stock.EntryReturn:
		c = Returned
	case stock.EntryIssue:
		c = Issued
	case stock.EntryTransferOut:
		c = TransferredOut
	case stock.EntryScrap:
		c = Scrapped
	case stock.EntryAdjust:
		if in {
			return CountGain, true
		}
		return CountLoss, true
	default:
		return None, false
	}
	return c, c.In() == in
}

// Row is one depot's statement of one item: the stock on hand at the start
// and at the end of the period and what moved in between, in the item's
// unit. Out columns are positive amounts.
type Row struct {
	Depot          string         `json:"depot"`
	DepotNameZH    string         `json:"depot_name_zh"`
	DepotNameEN    string         `json:"depot_name_en,omitempty"`
	Item           string         `json:"item"`
	ItemNameZH     string         `json:"item_name_zh"`
	ItemNameEN     string         `json:"item_name_en,omitempty"`
	UnitZH         string         `json:"unit_zh"`
	UnitEN         string         `json:"unit_en,omitempty"`
	Opening        stock.Quantity `json:"opening"`         // 期初
	Received       stock.Quantity `json:"received"`        // 入库
	TransferredIn  stock.Quantity `json:"transferred_in"`  // 调入
	Returned       stock.Quantity `json:"returned"`        // 归还
	CountGain      stock.Quantity `json:"count_gain"`      // 盘盈
	Issued         stock.Quantity `json:"issued"`          // 出库/发放
	TransferredOut stock.Quantity `json:"transferred_out"` // 调出
	Scrapped       stock.Quantity `json:"scrapped"`        // 报废
	CountLoss      stock.Quantity `json:"count_loss"`      // 盘亏
	Closing        stock.Quantity `json:"closing"`         // 期末
}

// cell returns the field of column c.
func (r *Row) cell(c Column) *stock.Quantity {
	switch c {
	case Received:
		return &r.Received
	case TransferredIn:
		return &r.TransferredIn
	case Returned:
		return &r.Returned
	case CountGain:
		return &r.CountGain
	case Issued:
		return &r.Issued
	case TransferredOut:
		return &r.TransferredOut
	case Scrapped:
		return &r.Scrapped
	case CountLoss:
		return &r.CountLoss
	}
	return nil
}

// Get returns the amount in column c (0 for None).
func (r Row) Get(c Column) stock.Quantity {
	if p := r.cell(c); p != nil {
		return *p
	}
	return 0
}

// Add counts a change of stock on hand by delta (signed, as the ledger
// has it) in column c: an amount in, or taken out. None counts nothing.
func (r *Row) Add(c Column, delta stock.Quantity) {
	if p := r.cell(c); p != nil {
		if delta < 0 {
			delta = -delta
		}
		*p += delta
	}
}

// In is what came in during the period, in all four ways.
func (r Row) In() stock.Quantity {
	return r.Received + r.TransferredIn + r.Returned + r.CountGain
}

// Out is what went out during the period, in all four ways.
func (r Row) Out() stock.Quantity {
	return r.Issued + r.TransferredOut + r.Scrapped + r.CountLoss
}

// Balanced reports whether the row holds the statement's equation:
// closing = opening + in − out.
func (r Row) Balanced() bool { return r.Closing == r.Opening+r.In()-r.Out() }

// Empty reports whether the row says nothing: no stock at either end and
// nothing moved.
func (r Row) Empty() bool { return r.Opening == 0 && r.Closing == 0 && r.In() == 0 && r.Out() == 0 }

// Statement is a statement as made: its period, and a row per depot and
// item.
type Statement struct {
	Period
	Rows []Row `json:"rows"`
}

// Period is the span of a statement: China's calendar dates (YYYY-MM-DD),
// both included.
type Period struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Bounds returns the period as times: the start of From and the start of
// the day after To, China time (the end is excluded).
func (p Period) Bounds() (start, end time.Time) {
	f, _ := time.ParseInLocation(cst.DateLayout, p.From, cst.Zone)
	t, _ := time.ParseInLocation(cst.DateLayout, p.To, cst.Zone)
	return f, t.AddDate(0, 0, 1)
}

// NewPeriod is the period from … to as asked, on the day today (China's
// date). By default it ends today and starts on the first of the month it
// ends in. A date that is not YYYY-MM-DD, or a period that ends before it
// starts, is refused; days after today count as today, since the ledger
// knows nothing after it.
func NewPeriod(from, to, today string) (Period, error) {
	if err := checkDate("from", from); err != nil {
		return Period{}, err
	}
	if err := checkDate("to", to); err != nil {
		return Period{}, err
	}
	if to == "" {
		to = today
	}
	if from == "" {
		from = min(to, today)[:8] + "01"
	}
	if from > to {
		return Period{}, apperr.New(apperr.Invalid, "statement.period_invalid",
			"统计期间的起始日期 %s 晚于截止日期 %s", "the period starts on %s, after it ends on %s", from, to).WithField("from")
	}
	return Period{From: min(from, today), To: min(to, today)}, nil
}

// Day is the day a snapshot of stock is taken at the end of: date as
// asked (YYYY-MM-DD), today when it is empty or later than today.
func Day(date, today string) (string, error) {
	if err := checkDate("date", date); err != nil {
		return "", err
	}
	if date == "" {
		return today, nil
	}
	return min(date, today), nil
}

// checkDate refuses a date that is not empty and not YYYY-MM-DD, as
// the ledger refuses a lot's (date.malformed).
func checkDate(field, date string) error {
	if date == "" {
		return nil
	}
	if t, err := time.Parse(cst.DateLayout, date); err != nil || t.Format(cst.DateLayout) != date {
		return apperr.New(apperr.Invalid, "date.malformed", "日期「%s」格式错误：应为 YYYY-MM-DD",
			"date %q is malformed: want YYYY-MM-DD", date).WithField(field)
	}
	return nil
}
