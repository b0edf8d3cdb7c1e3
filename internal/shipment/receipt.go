package shipment

import (
	"fmt"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// Receipt is a signed receipt (签收) of some or all of a shipment at its
// destination: per line what arrived in good order, what arrived damaged
// and what did not arrive. A shipment may be received in several receipts
// (partial receipt); what a receipt leaves open stays on the road.
type Receipt struct {
	ID             int64         `json:"id,omitempty"`
	IdempotencyKey string        `json:"idempotency_key"`
	Signer         string        `json:"signer"` // who signs at the destination (签收人), as written
	Note           string        `json:"note,omitempty"`
	Lines          []ReceiptLine `json:"lines"`
	CreatedBy      string        `json:"created_by,omitempty"`
	CreatedAt      int64         `json:"created_at,omitempty"`
	PostingID      int64         `json:"posting_id,omitempty"`
}

// ReceiptLine is what became of one shipment line.
type ReceiptLine struct {
	N        int            `json:"n"` // the shipment line
	Received stock.Quantity `json:"received"`
	Damaged  stock.Quantity `json:"damaged,omitempty"`
	Missing  stock.Quantity `json:"missing,omitempty"`
	Note     string         `json:"note,omitempty"` // the discrepancy, in words
}

// Discrepancy reports whether the line records damage or a shortfall.
func (l ReceiptLine) Discrepancy() bool { return l.Damaged > 0 || l.Missing > 0 }

// MaxKey bounds an idempotency key.
const MaxKey = 200

func (r Receipt) validate() error {
	if k := strings.TrimSpace(r.IdempotencyKey); k == "" || len(k) > MaxKey {
		return apperr.New(apperr.Invalid, "receipt.key", "签收须带 1 到 %d 个字符的幂等键，以免重复提交时记两次",
			"a receipt needs an idempotency key of 1 to %d characters, so that a retry is not recorded twice", MaxKey).
			WithField("idempotency_key")
	}
	if err := checkText("signer", "签收人", r.Signer, maxField); err != nil {
		return err
	}
	if strings.TrimSpace(r.Signer) == "" {
		return apperr.Required("signer", "签收人", "who signs for the goods")
	}
	if err := checkText("note", "备注", r.Note, maxNote); err != nil {
		return err
	}
	if len(r.Lines) == 0 {
		return apperr.Required("lines", "签收明细", "at least one line received")
	}
	return nil
}

// Receive returns the transition receipt r makes of s, by actor: what
// arrived moves from the shipment's location to the destination, what
// arrived damaged or not at all is written off from it (报损, with the
// reason), in one posting. Every line of r must name a line of s once,
// and may account for at most what of it is still open
// (receipt.over_shipped). The shipment is received when nothing of it is
// open any more, and delivered (partly received) otherwise.
func (s Shipment) Receive(r Receipt, actor string) (Transition, error) {
	if !s.CanReceive() {
		return Transition{}, apperr.New(apperr.Conflict, "receipt.status",
			"运单 #%[1]d 当前状态为「%[2]s」，没有可签收的在途物资", "shipment #%[1]d is %[3]s: nothing of it is on the road to receive",
			s.ID, s.Status.NameZH(), string(s.Status)).WithField("status")
	}
	if err := r.validate(); err != nil {
		return Transition{}, err
	}
	lines := append([]Line(nil), s.Lines...)
	seen := map[int]bool{}
	p := stock.Posting{Actor: actor, Reason: fmt.Sprintf("运单 #%d 签收（签收人 %s）", s.ID, r.Signer),
		IdempotencyKey: fmt.Sprintf("shipment-%d-receipt-%s", s.ID, r.IdempotencyKey)}
	for i, rl := range r.Lines {
		l, err := s.receiveLine(lines, seen, i, rl)
		if err != nil {
			return Transition{}, err
		}
		if rl.Received > 0 {
			p.Lines = append(p.Lines, stock.Line{Kind: stock.KindTransfer, Depot: s.Location, ToDepot: s.To,
				Item: l.Item, Lot: l.Lot, Quantity: rl.Received})
		}
		if lost := rl.Damaged + rl.Missing; lost > 0 {
			p.Lines = append(p.Lines, stock.Line{Kind: stock.KindScrap, Depot: s.Location, Item: l.Item, Lot: l.Lot, Quantity: lost})
		}
	}
	if len(p.Lines) == 0 {
		return Transition{}, apperr.New(apperr.Invalid, "receipt.empty", "签收明细的数量全为 0",
			"every quantity of the receipt is 0").WithField("lines")
	}
	to := StatusReceived
	if (Shipment{Lines: lines}).Open() > 0 {
		to = StatusDelivered
	}
	return Transition{To: to, Posting: &p, Lines: lines}, nil
}

// receiveLine checks receipt line i against the shipment's lines and adds
// it to the matching one in lines.
func (s Shipment) receiveLine(lines []Line, seen map[int]bool, i int, rl ReceiptLine) (Line, error) {
	field := fmt.Sprintf("lines[%d]", i)
	k := -1
	for j, l := range lines {
		if l.N == rl.N {
			k = j
		}
	}
	switch {
	case k < 0:
		return Line{}, apperr.New(apperr.NotFound, "receipt.line", "运单 #%d 没有第 %d 行", "shipment #%d has no line %d",
			s.ID, rl.N).WithField(field + ".n")
	case seen[rl.N]:
		return Line{}, apperr.New(apperr.Invalid, "receipt.line_repeated", "签收明细中第 %d 行重复",
			"line %d appears twice in the receipt", rl.N).WithField(field + ".n")
	case rl.Received < 0 || rl.Damaged < 0 || rl.Missing < 0:
		return Line{}, apperr.New(apperr.Invalid, "receipt.quantity", "签收数量不能为负", "receipt quantities cannot be negative").
			WithField(field)
	}
	if err := checkText(field+".note", "差异说明", rl.Note, maxNote); err != nil {
		return Line{}, err
	}
	seen[rl.N] = true
	l := &lines[k]
	if sum := rl.Received + rl.Damaged + rl.Missing; sum > l.Open() {
		return Line{}, apperr.New(apperr.Conflict, "receipt.over_shipped",
			"第 %[1]d 行（批次 %[2]s）在途只有 %[3]s，不能签收 %[4]s", "line %[1]d (lot %[2]s) has %[3]s on the road, not %[4]s",
			rl.N, l.Lot, l.Open().String(), sum.String()).WithField(field + ".received")
	}
	if rl.Discrepancy() && strings.TrimSpace(rl.Note) == "" {
		return Line{}, apperr.New(apperr.Invalid, "receipt.note_required", "第 %d 行有损坏或短少，请写明差异情况",
			"line %d records damage or a shortfall: say what happened", rl.N).WithField(field + ".note")
	}
	l.Received += rl.Received
	l.Damaged += rl.Damaged
	l.Missing += rl.Missing
	return *l, nil
}
