// Package donation is donated relief supplies (社会捐赠物资, BRIEF C11):
// intake with the donor, a quality check per line, and the donor's
// restrictions (use only for X, only in area Y), which the lots carry into
// the ledger and the dispatch planner honours; matching to open needs; and
// the public report of what came in and where it went (捐赠公示).
package donation

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// DonorKind is who gives.
type DonorKind string

const (
	DonorPerson       DonorKind = "person"       // 个人
	DonorEnterprise   DonorKind = "enterprise"   // 企业
	DonorOrganisation DonorKind = "organisation" // 社会组织
)

// Check is the outcome of a line's quality check at intake (验收).
type Check string

const (
	Accepted Check = "accepted" // 合格: received, usable
	Pending  Check = "pending"  // 待检: received, held until inspected (lot quality pending)
	Rejected Check = "rejected" // 拒收: not received; the reason is recorded
)

// Donation is one donation received at a depot.
type Donation struct {
	ID          int64             `json:"id"`
	Donor       string            `json:"donor"`
	DonorKind   DonorKind         `json:"donor_kind"`
	Contact     string            `json:"contact,omitempty"`
	Anonymous   bool              `json:"anonymous"` // the public report names no donor
	Depot       string            `json:"depot"`
	Restriction stock.Restriction `json:"restriction"`
	Note        string            `json:"note,omitempty"`
	Lines       []Line            `json:"lines"`
	// IdempotencyKey stores a retried intake once.
	IdempotencyKey string `json:"idempotency_key,omitempty"`
	CreatedBy      string `json:"created_by,omitempty"`
	CreatedAt      int64  `json:"created_at,omitempty"`
	PostingID      int64  `json:"posting_id,omitempty"`
}

// Line is one kind of goods in a donation.
type Line struct {
	Item       string         `json:"item"`
	Quantity   stock.Quantity `json:"quantity"`
	Batch      string         `json:"batch,omitempty"` // default: the donation's number
	ProducedOn string         `json:"produced_on,omitempty"`
	ExpiresOn  string         `json:"expires_on,omitempty"`
	Check      Check          `json:"check"`
	Reason     string         `json:"reason,omitempty"` // why pending or rejected
	Lot        string         `json:"lot,omitempty"`    // the lot made, set at intake
}

const maxText = 200

// Validate checks a donation before anything is looked up.
func (d Donation) Validate() error {
	switch {
	case strings.TrimSpace(d.Donor) == "":
		return apperr.Required("donor", "捐赠方", "the donor")
	case d.DonorKind != DonorPerson && d.DonorKind != DonorEnterprise && d.DonorKind != DonorOrganisation:
		return apperr.New(apperr.Invalid, "donation.donor_kind", "捐赠方类型须为个人、企业或社会组织",
			"donor_kind is person, enterprise or organisation").WithField("donor_kind")
	case d.Depot == "":
		return apperr.Required("depot", "接收储备库", "the depot that receives it")
	case len(d.Lines) == 0:
		return apperr.Required("lines", "捐赠明细", "at least one line")
	case len(d.Lines) > 1000:
		return apperr.New(apperr.Invalid, "donation.too_many_lines", "一次捐赠最多 1,000 行",
			"a donation has at most 1,000 lines").WithField("lines")
	case strings.TrimSpace(d.IdempotencyKey) == "" || len(d.IdempotencyKey) > 200:
		return apperr.New(apperr.Invalid, "donation.key", "须带 1 到 200 个字符的幂等键，以免重复提交时记两次",
			"an idempotency key of 1 to 200 characters is needed, so that a retry is not recorded twice").WithField("idempotency_key")
	}
	for _, f := range []struct{ name, zh, v string }{{"donor", "捐赠方", d.Donor}, {"contact", "联系方式", d.Contact},
		{"note", "备注", d.Note}} {
		if !utf8.ValidString(f.v) || utf8.RuneCountInString(f.v) > maxText {
			return &apperr.Error{Kind: apperr.Invalid, Code: "donation.text", Field: f.name,
				ZH: f.zh + "须为不超过 200 个字符的文字", EN: f.name + " must be text of at most 200 characters"}
		}
	}
	if err := d.Restriction.Validate(); err != nil {
		return err
	}
	received := 0
	for i, l := range d.Lines {
		if err := l.validate(); err != nil {
			return apperr.Within(fmt.Sprintf("lines[%d]", i), err)
		}
		if l.Check != Rejected {
			received++
		}
	}
	if received == 0 {
		return apperr.New(apperr.Invalid, "donation.all_rejected", "每一行都拒收了：没有可入库的物资，拒收情况请在备注中记录",
			"every line is rejected: nothing to receive; record the refusal in the note").WithField("lines")
	}
	return nil
}

func (l Line) validate() error {
	switch {
	case l.Item == "":
		return apperr.Required("item", "物资", "item")
	case l.Quantity <= 0:
		return apperr.New(apperr.Invalid, "donation.quantity", "数量须大于 0", "the quantity must be above 0").WithField("quantity")
	case l.Check != Accepted && l.Check != Pending && l.Check != Rejected:
		return apperr.New(apperr.Invalid, "donation.check", "验收结果须为合格、待检或拒收",
			"check is accepted, pending or rejected").WithField("check")
	case l.Check != Accepted && strings.TrimSpace(l.Reason) == "":
		return apperr.New(apperr.Invalid, "donation.reason_required", "待检或拒收须写明原因",
			"a pending or rejected line needs a reason").WithField("reason")
	case utf8.RuneCountInString(l.Reason) > maxText || utf8.RuneCountInString(l.Batch) > maxText:
		return apperr.New(apperr.Invalid, "donation.text", "原因和批号最多 200 个字符",
			"reason and batch hold at most 200 characters").WithField("reason")
	}
	return l.Quantity.CheckRange()
}

// Posting is the ledger posting of a valid donation's intake by actor:
// one receipt of a new lot per line not rejected, of quality good
// (accepted) or pending, batch the line's or "捐赠-<id>".
func (d Donation) Posting(actor string) stock.Posting {
	p := stock.Posting{Actor: actor, IdempotencyKey: "donation-" + d.IdempotencyKey,
		Reason: fmt.Sprintf("捐赠入库 #%d：%s", d.ID, d.Donor)}
	for _, l := range d.Lines {
		if l.Check == Rejected {
			continue
		}
		q := stock.QualityGood
		if l.Check == Pending {
			q = stock.QualityPending
		}
		batch := l.Batch
		if batch == "" {
			batch = fmt.Sprintf("捐赠-%d", d.ID)
		}
		p.Lines = append(p.Lines, stock.Line{Kind: stock.KindReceive, Depot: d.Depot, Item: l.Item, Quantity: l.Quantity,
			NewLot: &stock.LotSpec{Batch: batch, ProducedOn: l.ProducedOn, ExpiresOn: l.ExpiresOn, Quality: q}})
	}
	return p
}

// PublicDonor is the donor as the public report names them.
func (d Donation) PublicDonor() string {
	if d.Anonymous {
		return "匿名捐赠"
	}
	return d.Donor
}
