// Package stock is the stock ledger (库存台账, BRIEF C5): lots, the movements
// that change stock, and the rules every movement obeys.
//
// Every change of stock is an append-only ledger entry. Entries form a single
// hash chain: each carries the SHA-256 of its canonical encoding and of the
// previous entry's hash, so altering, inserting or deleting any entry breaks
// the chain from that point on. Balances per depot and lot are derived data,
// kept in the same transaction as the entries and checked by Verify.
package stock

import (
	"strconv"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/apperr"
)

// Kind is the kind of a movement line as a person posts it.
type Kind string

const (
	KindReceive  Kind = "receive"  // 入库:into a depot, new or existing lot
	KindIssue    Kind = "issue"    // 出库/发放:out of a depot, FEFO if no lot named
	KindTransfer Kind = "transfer" // 调拨:out of one depot into another
	KindAdjust   Kind = "adjust"   // 盘点调整:signed correction after a count
	KindScrap    Kind = "scrap"    // 报废:out of a depot, written off
	KindReturn   Kind = "return"   // 归还/回收:back into a depot, existing lot
	KindReserve  Kind = "reserve"  // 预留:set units of a lot aside for an approved plan
	KindRelease  Kind = "release"  // 释放预留:return reserved units to general use
	KindQuality  Kind = "quality"  // 质量状态变更:a lot's quality changes (合格/待检/损坏), no units move
)

// EntryKind is the kind of a ledger entry. A transfer line becomes two
// entries, transfer_out and transfer_in; every other kind maps to itself.
type EntryKind string

const (
	EntryReceive     EntryKind = "receive"
	EntryIssue       EntryKind = "issue"
	EntryTransferOut EntryKind = "transfer_out"
	EntryTransferIn  EntryKind = "transfer_in"
	EntryAdjust      EntryKind = "adjust"
	EntryScrap       EntryKind = "scrap"
	EntryReturn      EntryKind = "return"
	EntryReserve     EntryKind = "reserve"
	EntryRelease     EntryKind = "release"
	// A quality change is an entry of delta 0 whose kind names the new
	// state, so that the hash chain covers it: quality_good,
	// quality_pending, quality_damaged.
	EntryQualityGood    EntryKind = "quality_good"
	EntryQualityPending EntryKind = "quality_pending"
	EntryQualityDamaged EntryKind = "quality_damaged"
)

// EntryQuality returns the entry kind that sets a lot's quality to q.
func EntryQuality(q Quality) EntryKind { return EntryKind("quality_" + string(q)) }

// Quality returns the state a quality entry sets, and false for entries of
// every other kind.
func (k EntryKind) Quality() (Quality, bool) {
	q, ok := strings.CutPrefix(string(k), "quality_")
	return Quality(q), ok && Quality(q).Valid()
}

// Reservation reports whether entries of kind k change the units reserved
// for plans (预留) rather than the units on hand. A reserve entry's delta
// adds to the reservation, a release entry's (negative) delta takes from it;
// reserved units stay on hand but no issue, transfer or scrap may take them.
func (k EntryKind) Reservation() bool { return k == EntryReserve || k == EntryRelease }

// Line is one line of a posting: a request to move stock.
type Line struct {
	Kind     Kind     `json:"kind"`
	Depot    string   `json:"depot"`              // depot code
	ToDepot  string   `json:"to_depot,omitempty"` // transfer destination
	Item     string   `json:"item"`               // item code
	Lot      string   `json:"lot,omitempty"`      // existing lot code; empty: FEFO (issue, transfer)
	NewLot   *LotSpec `json:"new_lot,omitempty"`  // receive only: create this lot
	Quantity Quantity `json:"quantity"`           // > 0; adjust: signed, ≠ 0; quality: 0 or omitted
	// Quality is the new quality state of a quality line.
	Quality Quality `json:"quality,omitempty"`
	// Location is where a receipt puts the lot inside the depot (库位),
	// optional; see ValidateLocation.
	Location string `json:"location,omitempty"`
}

// Posting is a document (单据) of one or more lines that commits whole or
// not at all. A posting retried with the same idempotency key is stored once.
type Posting struct {
	IdempotencyKey string `json:"idempotency_key,omitempty"`
	Actor          string `json:"actor"`
	Reason         string `json:"reason"`
	Lines          []Line `json:"lines"`
}

// MaxLines bounds the lines in one posting so one request cannot hold the
// ledger for long.
const MaxLines = 10000

// Validate checks the shape of a posting before anything is looked up.
func (p Posting) Validate() error {
	if err := p.ValidateHeader(); err != nil {
		return err
	}
	switch {
	case len(p.Lines) == 0:
		return apperr.Required("lines", "明细行", "at least one line")
	case len(p.Lines) > MaxLines:
		return apperr.New(apperr.Invalid, "posting.too_many_lines",
			"一张单据最多 %d 行", "a posting may have at most %d lines", MaxLines).WithField("lines")
	}
	for i, l := range p.Lines {
		if err := ValidateLine(i, l); err != nil {
			return err
		}
	}
	return nil
}

// ValidateHeader checks what a posting says besides its lines: the actor,
// the reason and the idempotency key. A streamed posting, whose lines come
// one by one, is checked with it and then ValidateLine per line.
func (p Posting) ValidateHeader() error {
	switch {
	case strings.TrimSpace(p.Actor) == "":
		return apperr.Required("actor", "经办人", "actor")
	case strings.TrimSpace(p.Reason) == "":
		return apperr.Required("reason", "事由", "reason")
	case len(p.IdempotencyKey) > 200:
		return apperr.New(apperr.Invalid, "posting.key_too_long",
			"幂等键过长（最多 200 字符）", "idempotency key is too long (200 characters at most)").WithField("idempotency_key")
	}
	return nil
}

// ValidateLine checks the shape of line i of a posting, as Validate does;
// the error names the line.
func ValidateLine(i int, l Line) error {
	if err := l.validate(); err != nil {
		if e, ok := apperr.As(err); ok {
			return lineError(i, e)
		}
		return err
	}
	return nil
}

func lineError(i int, e *apperr.Error) *apperr.Error {
	c := *e
	c.Field = "lines[" + strconv.Itoa(i) + "]." + e.Field
	c.ZH = "第 " + strconv.Itoa(i+1) + " 行：" + e.ZH
	c.EN = "line " + strconv.Itoa(i+1) + ": " + e.EN
	return &c
}

// LineError prefixes an error found while applying line i with its number.
func LineError(i int, err error) error {
	if e, ok := apperr.As(err); ok {
		return lineError(i, e)
	}
	return err
}

func (l Line) validate() error {
	switch {
	case l.Depot == "":
		return apperr.Required("depot", "储备库", "depot")
	case l.Item == "":
		return apperr.Required("item", "物资编码", "item")
	}
	switch l.Kind {
	case KindReceive:
		if (l.Lot == "") == (l.NewLot == nil) {
			return apperr.New(apperr.Invalid, "line.lot_choice",
				"入库须指定已有批次（lot）或新批次（new_lot）之一", "a receipt needs exactly one of lot or new_lot").WithField("lot")
		}
	case KindIssue, KindTransfer:
		if l.Kind == KindTransfer && (l.ToDepot == "" || l.ToDepot == l.Depot) {
			return apperr.New(apperr.Invalid, "line.to_depot",
				"调拨须指定不同的调入库（to_depot）", "a transfer needs a different destination depot (to_depot)").WithField("to_depot")
		}
	case KindAdjust, KindScrap, KindReturn, KindReserve, KindRelease, KindQuality:
		if l.Lot == "" {
			return apperr.Required("lot", "批次码", "lot code")
		}
	default:
		return apperr.New(apperr.Invalid, "line.kind_invalid",
			"业务类型「%s」无效：应为 receive、issue、transfer、adjust、scrap、return、reserve、release 或 quality",
			"kind %q is invalid: want receive, issue, transfer, adjust, scrap, return, reserve, release or quality", string(l.Kind)).WithField("kind")
	}
	if l.Location != "" {
		if l.Kind != KindReceive {
			return apperr.New(apperr.Invalid, "line.location_kind",
				"只有入库可以指定库位", "only a receipt can name a storage location").WithField("location")
		}
		if err := ValidateLocation(l.Location); err != nil {
			return err
		}
	}
	if l.Kind == KindQuality || l.Quality != "" {
		return l.validateQuality()
	}
	if l.NewLot != nil && l.Kind != KindReceive {
		return apperr.New(apperr.Invalid, "line.new_lot_kind",
			"只有入库可以新建批次", "only a receipt can create a new lot").WithField("new_lot")
	}
	if l.Kind != KindAdjust {
		return l.Quantity.CheckPositive()
	}
	if l.Quantity == 0 {
		return apperr.New(apperr.Invalid, "quantity.zero",
			"调整数量不能为 0", "an adjustment must not be zero").WithField("quantity")
	}
	return l.Quantity.CheckRange()
}

// validateQuality checks a quality line: a known state, and no units.
func (l Line) validateQuality() error {
	switch {
	case l.Kind != KindQuality:
		return apperr.New(apperr.Invalid, "line.quality_kind",
			"只有质量状态变更行（quality）可以指定质量状态", "only a quality line can set a quality state").WithField("quality")
	case !l.Quality.Valid():
		return apperr.New(apperr.Invalid, "lot.quality_invalid",
			"质量状态「%s」无效：应为 good、pending 或 damaged",
			"quality %q is invalid: want good, pending or damaged", string(l.Quality)).WithField("quality")
	case l.Quantity != 0:
		return apperr.New(apperr.Invalid, "line.quality_quantity",
			"质量状态变更不改变数量，请不要填写数量", "a quality change moves no units: leave the quantity out").WithField("quantity")
	}
	return nil
}

// CheckUnit refuses a fractional quantity for an item counted in whole
// units (顶, 件, 台).
func CheckUnit(q Quantity, counted bool, unitZH, unitEN string) error {
	if !counted || q.Whole() {
		return nil
	}
	return &apperr.Error{
		Kind:  apperr.Invalid,
		Code:  "quantity.fractional",
		Field: "quantity",
		ZH:    "计量单位「" + unitZH + "」须为整数，实际为 " + q.String(),
		EN:    "unit \"" + unitEN + "\" takes whole numbers only, got " + q.String(),
	}
}
