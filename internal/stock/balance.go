package stock

import "github.com/stockpile-dev/stockpile/internal/apperr"

// Balance is one lot's stock at one depot: the units on hand, of which
// Reserved are set aside for approved plans and transfer orders (预留).
// Reserved units stay on hand, but no issue, transfer or scrap may take
// them. The ledger keeps 0 ≤ Reserved ≤ OnHand ≤ MaxQuantity.
type Balance struct {
	OnHand   Quantity
	Reserved Quantity
}

// Free is what may be issued, transferred, scrapped or reserved.
func (b Balance) Free() Quantity { return b.OnHand - b.Reserved }

// Apply changes b by one ledger entry of lot: kind's signed delta goes to
// the units on hand, never taking reserved ones and never above
// MaxQuantity, or, for reserve and release entries, to the reserved units,
// never reserving more than is free nor releasing more than is reserved.
// On error b is unchanged; the errors name the field "quantity".
func (b *Balance) Apply(lot string, kind EntryKind, delta Quantity) error {
	switch {
	case !kind.Reservation() && delta < 0:
		if b.Free() < -delta {
			return b.insufficient(-delta)
		}
		b.OnHand += delta
	case !kind.Reservation():
		if b.OnHand > MaxQuantity-delta {
			return apperr.New(apperr.Invalid, "stock.balance_too_large",
				"批次 %s 在该库的结存将超过上限 %s（现有 %s，增加 %s）",
				"lot %s would hold more than %s at the depot (has %s, adding %s)",
				lot, MaxQuantity.String(), b.OnHand.String(), delta.String()).WithField("quantity")
		}
		b.OnHand += delta
	case delta > 0:
		if b.Free() < delta {
			return b.insufficient(delta)
		}
		b.Reserved += delta
	default:
		if b.Reserved < -delta {
			return apperr.New(apperr.Conflict, "stock.not_reserved",
				"批次 %s 仅预留 %s，无法释放 %s", "lot %s has only %s reserved, cannot release %s",
				lot, b.Reserved.String(), (-delta).String()).WithField("quantity")
		}
		b.Reserved += delta
	}
	return nil
}

// insufficient names what is free, and what is reserved when that is why.
func (b Balance) insufficient(want Quantity) error {
	if b.Reserved == 0 {
		return Insufficient(want, b.Free())
	}
	return apperr.New(apperr.Conflict, "stock.insufficient",
		"库存不足：需要 %s，可用 %s（另有 %s 已为调度方案预留）",
		"insufficient stock: need %s, available %s (%s more reserved for plans)",
		want.String(), b.Free().String(), b.Reserved.String()).WithField("quantity")
}

// Entry returns the ledger entry kind and signed delta of a line that
// names its lot and changes one balance: receive (into an existing or new
// lot), adjust, scrap, return, reserve and release. Issue and transfer,
// which may pick lots by FEFO and a transfer's two depots, are the
// caller's: ok is false for them.
func (l Line) Entry() (kind EntryKind, delta Quantity, ok bool) {
	switch l.Kind {
	case KindReceive:
		return EntryReceive, l.Quantity, true
	case KindAdjust:
		return EntryAdjust, l.Quantity, true
	case KindReturn:
		return EntryReturn, l.Quantity, true
	case KindReserve:
		return EntryReserve, l.Quantity, true
	case KindScrap:
		return EntryScrap, -l.Quantity, true
	case KindRelease:
		return EntryRelease, -l.Quantity, true
	case KindQuality:
		return EntryQuality(l.Quality), 0, true
	}
	return "", 0, false
}

// CheckLotItem refuses lot for a line of another item than its own.
func CheckLotItem(lot Lot, item string) error {
	if lot.ItemCode == item {
		return nil
	}
	return apperr.New(apperr.Invalid, "lot.item_mismatch",
		"批次 %s 属于物资 %s，不是 %s", "lot %s is of item %s, not %s", lot.Code, lot.ItemCode, item).WithField("lot")
}

// CheckLot applies the rules a lot must meet for line kind k at today:
// units may be reserved, issued or transferred only from a good,
// unexpired lot (NotIssuable). Other kinds take any lot.
func CheckLot(k Kind, lot Lot, today string) error {
	switch k {
	case KindReserve, KindIssue, KindTransfer:
		return NotIssuable(lot, today)
	}
	return nil
}

// CheckRequalify applies the rules of a quality change of lot to q at a
// depot holding onHand of it: the depot must hold some of the lot, and
// the state must change.
func CheckRequalify(lot Lot, q Quality, onHand Quantity, depot string) error {
	if onHand <= 0 {
		return apperr.New(apperr.Conflict, "lot.not_at_depot", "储备库 %s 没有批次 %s 的库存",
			"depot %s holds none of lot %s", depot, lot.Code).WithField("lot")
	}
	if lot.Quality == q {
		return apperr.New(apperr.Conflict, "lot.quality_unchanged", "批次 %s 的质量状态已是 %s",
			"lot %s already has quality %s", lot.Code, string(q)).WithField("quality")
	}
	return nil
}
