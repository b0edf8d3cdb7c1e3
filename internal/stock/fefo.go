package stock

import (
	"sort"

	"github.com/stockpile-dev/stockpile/internal/apperr"
)

// Candidate is a lot that could be picked from a depot, with what it holds
// there.
type Candidate struct {
	LotID      int64
	LotCode    string
	ExpiresOn  string // empty: does not expire
	ProducedOn string
	Quality    Quality
	Available  Quantity
	// Restriction is the donor's restriction of the lot, if any.
	Restriction Restriction
}

// Pick is an amount taken from one lot.
type Pick struct {
	LotID    int64
	LotCode  string
	Quantity Quantity
}

// PickFEFO chooses lots to supply want by first-expired-first-out (先到期先
// 出): usable lots (quality good, not expired on today) ordered by expiry
// date, lots without expiry last, then by production date and lot, taking
// each in full until want is met. It returns an insufficient-stock error,
// naming what is usable, when the usable lots cannot cover want.
func PickFEFO(cands []Candidate, want Quantity, today string) ([]Pick, error) {
	usable := make([]Candidate, 0, len(cands))
	var total Quantity
	for _, c := range cands {
		if c.Quality == QualityGood && c.Available > 0 && (c.ExpiresOn == "" || c.ExpiresOn >= today) {
			usable = append(usable, c)
			total += c.Available
		}
	}
	if total < want {
		return nil, Insufficient(want, total)
	}
	sort.Slice(usable, func(i, j int) bool {
		a, b := usable[i], usable[j]
		if (a.ExpiresOn == "") != (b.ExpiresOn == "") {
			return b.ExpiresOn == ""
		}
		if a.ExpiresOn != b.ExpiresOn {
			return a.ExpiresOn < b.ExpiresOn
		}
		if a.ProducedOn != b.ProducedOn {
			return a.ProducedOn < b.ProducedOn
		}
		return a.LotID < b.LotID
	})
	var picks []Pick
	for _, c := range usable {
		if want == 0 {
			break
		}
		q := min(c.Available, want)
		picks = append(picks, Pick{LotID: c.LotID, LotCode: c.LotCode, Quantity: q})
		want -= q
	}
	return picks, nil
}

// Insufficient is the error for taking more than a depot holds: stock never
// goes negative.
func Insufficient(want, have Quantity) error {
	return apperr.New(apperr.Conflict, "stock.insufficient",
		"库存不足：需要 %s，可用 %s", "insufficient stock: need %s, available %s",
		want.String(), have.String()).WithField("quantity")
}

// NotIssuable is the error for issuing from a lot that is expired or not of
// good quality; such lots may only be scrapped, adjusted or returned.
func NotIssuable(lot Lot, today string) error {
	if lot.Expired(today) {
		return apperr.New(apperr.Conflict, "lot.expired",
			"批次 %s 已于 %s 过期，不能发放（可报废或轮换）", "lot %s expired on %s and cannot be issued (scrap or rotate it)",
			lot.Code, lot.ExpiresOn).WithField("lot")
	}
	if lot.Quality != QualityGood {
		return apperr.New(apperr.Conflict, "lot.not_good",
			"批次 %s 质量状态为 %s，不能发放", "lot %s has quality %s and cannot be issued",
			lot.Code, string(lot.Quality)).WithField("lot")
	}
	return nil
}
