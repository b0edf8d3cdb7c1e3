// Package site is an incident site's temporary store (现场库): the ledger
// location that receives shipments for one site of an incident, and what is
// done there with the stock — distributed to people or units (发放),
// written off as consumed (消耗核销), or returned to a depot (使用回收) for
// reusable items such as tents, pumps and boats.
package site

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// LocationCode is the ledger location of an incident's site. Incident and
// site codes are letters, digits and - _ . (dispatch.Incident.Validate).
func LocationCode(incident, site string) string { return "SITE:" + incident + ":" + site }

// UseKind is what is done with stock at a site.
type UseKind string

const (
	Distribute UseKind = "distribute" // 发放: to people or units, named as recipient
	Consume    UseKind = "consume"    // 消耗核销: used up in the response
	Return     UseKind = "return"     // 回收: back to a depot, in good order
)

// UseKinds lists the kinds in the order screens offer them.
var UseKinds = []UseKind{Distribute, Consume, Return}

// NameZH names a kind in Chinese.
func (k UseKind) NameZH() string {
	return map[UseKind]string{Distribute: "发放", Consume: "消耗核销", Return: "回收入库"}[k]
}

// Use is one act on a site's stock.
type Use struct {
	ID             int64   `json:"id,omitempty"`
	Kind           UseKind `json:"kind"`
	Location       string  `json:"location"`             // the site's location code
	Recipient      string  `json:"recipient,omitempty"`  // distribute: the people or unit
	ToDepot        string  `json:"to_depot,omitempty"`   // return: the depot it goes back to
	Note           string  `json:"note,omitempty"`       //
	IdempotencyKey string  `json:"idempotency_key"`      //
	Lines          []Line  `json:"lines"`                //
	CreatedBy      string  `json:"created_by,omitempty"` //
	CreatedAt      int64   `json:"created_at,omitempty"` //
	PostingID      int64   `json:"posting_id,omitempty"` //
}

// Line is a quantity of one item at the site, from one lot or, when Lot
// is empty, first expiring first (FEFO).
type Line struct {
	Item     string         `json:"item"`
	Lot      string         `json:"lot,omitempty"`
	Quantity stock.Quantity `json:"quantity"`
}

// Validate checks a use before anything is looked up.
func (u Use) Validate() error {
	switch u.Kind {
	case Distribute, Consume, Return:
	default:
		return apperr.New(apperr.Invalid, "site_use.kind", "现场物资处置方式须为发放、消耗核销或回收入库",
			"a site use is distribute, consume or return").WithField("kind")
	}
	if k := strings.TrimSpace(u.IdempotencyKey); k == "" || len(k) > 200 {
		return apperr.New(apperr.Invalid, "site_use.key", "须带 1 到 200 个字符的幂等键，以免重复提交时记两次",
			"an idempotency key of 1 to 200 characters is needed, so that a retry is not recorded twice").WithField("idempotency_key")
	}
	for _, f := range []struct{ name, zh, v string }{{"recipient", "领用单位或人员", u.Recipient}, {"note", "备注", u.Note}} {
		if !utf8.ValidString(f.v) || utf8.RuneCountInString(f.v) > 500 {
			return &apperr.Error{Kind: apperr.Invalid, Code: "site_use.text", Field: f.name,
				ZH: f.zh + "须为不超过 500 个字符的文字", EN: f.name + " must be text of at most 500 characters"}
		}
	}
	switch {
	case u.Kind == Distribute && strings.TrimSpace(u.Recipient) == "":
		return apperr.Required("recipient", "领用单位或人员", "who receives the goods")
	case u.Kind == Return && u.ToDepot == "":
		return apperr.Required("to_depot", "回收入库的储备库", "the depot the goods go back to")
	case u.Kind != Return && u.ToDepot != "":
		return apperr.New(apperr.Invalid, "site_use.to_depot", "只有回收入库才指定储备库",
			"only a return names a depot").WithField("to_depot")
	case len(u.Lines) == 0:
		return apperr.Required("lines", "明细", "at least one line")
	case len(u.Lines) > stock.MaxLines:
		return apperr.New(apperr.Invalid, "posting.too_many_lines", "一张单据最多 %d 行", "a posting may have at most %d lines",
			stock.MaxLines).WithField("lines")
	}
	for i, l := range u.Lines {
		field := fmt.Sprintf("lines[%d]", i)
		switch {
		case l.Item == "":
			return apperr.Required(field+".item", "物资", "item")
		case l.Quantity <= 0:
			return apperr.New(apperr.Invalid, "site_use.quantity", "数量须大于 0", "the quantity must be above 0").
				WithField(field + ".quantity")
		}
		if err := l.Quantity.CheckRange(); err != nil {
			return apperr.Within(field, err)
		}
	}
	return nil
}

// Posting returns the ledger posting of a valid use by actor: an issue
// from the site for what is distributed or consumed, a transfer back to
// the depot for a return. A return of more than the site holds is refused
// by the ledger, which lets no balance go below zero.
func (u Use) Posting(actor string) stock.Posting {
	reason := fmt.Sprintf("现场%s", u.Kind.NameZH())
	if u.Recipient != "" {
		reason += "：" + u.Recipient
	}
	if u.Note != "" {
		reason += "（" + u.Note + "）"
	}
	p := stock.Posting{Actor: actor, Reason: reason, IdempotencyKey: "site-use-" + u.Location + "-" + u.IdempotencyKey}
	for _, l := range u.Lines {
		sl := stock.Line{Kind: stock.KindIssue, Depot: u.Location, Item: l.Item, Lot: l.Lot, Quantity: l.Quantity}
		if u.Kind == Return {
			sl.Kind, sl.ToDepot = stock.KindTransfer, u.ToDepot
		}
		p.Lines = append(p.Lines, sl)
	}
	return p
}
