// Package purchase is emergency purchase (紧急采购, BRIEF C11): a call-off
// (调用订单) against an agreement reserve (协议储备) — so much of the item, to
// this depot, due by then. From the moment it is ordered the dispatch
// planner counts it as stock arriving at the depot when due; its receipt
// puts the goods into the ledger, and plans that counted on them get their
// dispatch orders then.
package purchase

import (
	"fmt"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// Status is where a call-off is in its life.
type Status string

const (
	StatusOrdered   Status = "ordered"   // 已下单: counted as arriving when due
	StatusReceived  Status = "received"  // 已到货: in stock at its depot
	StatusCancelled Status = "cancelled" // 已取消: its quantity back to the agreement
)

// CallOff is one call-off against an agreement reserve.
type CallOff struct {
	ID        int64          `json:"id"`
	Code      string         `json:"code"` // CO-<id>: the planner's source code
	Agreement string         `json:"agreement"`
	Supplier  string         `json:"supplier,omitempty"` // the agreement's enterprise, for display
	Item      string         `json:"item"`
	Depot     string         `json:"depot"`
	Quantity  stock.Quantity `json:"quantity"`
	// Reserved is what approved plans counted on.
	Reserved stock.Quantity `json:"reserved"`
	DueAt    int64          `json:"due_at"` // unix seconds
	Status   Status         `json:"status"`
	Note     string         `json:"note,omitempty"`

	Received   stock.Quantity `json:"received"`
	Lot        string         `json:"lot,omitempty"`
	ReceivedAt int64          `json:"received_at,omitempty"`
	PostingID  int64          `json:"posting_id,omitempty"`

	IdempotencyKey string `json:"idempotency_key,omitempty"`
	CreatedBy      string `json:"created_by"`
	CreatedAt      int64  `json:"created_at"`
	Version        int64  `json:"version"`
}

// Free is what plans may still count on.
func (c CallOff) Free() stock.Quantity {
	if c.Status != StatusOrdered {
		return 0
	}
	return c.Quantity - c.Reserved
}

// Validate checks a new call-off at now (unix seconds): a due time after
// now and within a year.
func (c CallOff) Validate(now int64) error {
	switch {
	case c.Agreement == "":
		return apperr.Required("agreement", "协议储备", "the agreement reserve called off")
	case c.Depot == "":
		return apperr.Required("depot", "交货储备库", "the depot it is delivered to")
	case c.Quantity <= 0:
		return apperr.New(apperr.Invalid, "purchase.quantity", "采购数量须大于 0", "the quantity must be above 0").WithField("quantity")
	case c.DueAt <= now || c.DueAt > now+366*24*3600:
		return apperr.New(apperr.Invalid, "purchase.due", "到货时间须在现在之后一年以内", "the due time must lie within a year from now").
			WithField("due_at")
	case strings.TrimSpace(c.IdempotencyKey) == "" || len(c.IdempotencyKey) > 200:
		return apperr.New(apperr.Invalid, "purchase.key", "须带 1 到 200 个字符的幂等键，以免重复提交时下两次单",
			"an idempotency key of 1 to 200 characters is needed, so that a retry does not order twice").WithField("idempotency_key")
	case len([]rune(c.Note)) > 500:
		return apperr.New(apperr.Invalid, "purchase.note", "备注最多 500 个字符", "the note holds at most 500 characters").WithField("note")
	}
	return c.Quantity.CheckRange()
}

// Delivery is what arrived of a call-off.
type Delivery struct {
	Quantity   stock.Quantity `json:"quantity"`
	Batch      string         `json:"batch"`
	ProducedOn string         `json:"produced_on,omitempty"`
	ExpiresOn  string         `json:"expires_on,omitempty"`
	Pending    bool           `json:"pending,omitempty"` // received for inspection (待检)
}

// Receive returns the posting that puts delivery d of c into its depot as
// a new lot, by actor. More than was called off is refused
// (purchase.over_delivery); less is received, and the shortfall goes back
// to the agreement (plans that counted on more get what arrived, first
// come first served, and show the rest as not ordered).
func (c CallOff) Receive(d Delivery, actor string) (stock.Posting, error) {
	if err := c.expect("receive", "收货"); err != nil {
		return stock.Posting{}, err
	}
	switch {
	case d.Quantity <= 0:
		return stock.Posting{}, apperr.New(apperr.Invalid, "purchase.quantity", "到货数量须大于 0",
			"the quantity delivered must be above 0").WithField("quantity")
	case d.Quantity > c.Quantity:
		return stock.Posting{}, apperr.New(apperr.Conflict, "purchase.over_delivery", "采购单 %s 只订了 %s，不能收货 %s",
			"call-off %s ordered %s, not %s", c.Code, c.Quantity.String(), d.Quantity.String()).WithField("quantity")
	}
	q := stock.QualityGood
	if d.Pending {
		q = stock.QualityPending
	}
	batch := d.Batch
	if strings.TrimSpace(batch) == "" {
		batch = c.Code
	}
	return stock.Posting{Actor: actor, IdempotencyKey: fmt.Sprintf("call-off-%d-received", c.ID),
		Reason: fmt.Sprintf("紧急采购到货 %s（协议储备 %s）", c.Code, c.Agreement),
		Lines: []stock.Line{{Kind: stock.KindReceive, Depot: c.Depot, Item: c.Item, Quantity: d.Quantity,
			NewLot: &stock.LotSpec{Batch: batch, ProducedOn: d.ProducedOn, ExpiresOn: d.ExpiresOn, Quality: q}}}}, nil
}

// Cancel checks that c may be cancelled: ordered, and no plan counts on it.
func (c CallOff) Cancel() error {
	if err := c.expect("cancel", "取消"); err != nil {
		return err
	}
	if c.Reserved > 0 {
		return apperr.New(apperr.Conflict, "purchase.promised", "调度方案已计划使用采购单 %s 的 %s，请先取消或重新计算这些方案",
			"plans count on %s of call-off %s: cancel or recompute them first", c.Code, c.Reserved.String()).WithField("status")
	}
	return nil
}

func (c CallOff) expect(verbEN, verbZH string) error {
	if c.Status == StatusOrdered {
		return nil
	}
	return apperr.New(apperr.Conflict, "purchase.status", "采购单 %[1]s 当前状态为 %[2]s，不能%[3]s",
		"call-off %[1]s is %[2]s: it cannot %[4]s", c.Code, string(c.Status), verbZH, verbEN).WithField("status")
}
