// Package replenish is replenishment between tiers (储备补库结算): when stock
// one level holds is used for a response another level leads — the city
// sends a district's depot stock to another district's incident, or a
// district-led response draws on the city's depots — the use is recorded
// as owed by the leading level to the holder, a replenishment need that
// stays open until it is settled.
package replenish

import (
	"strings"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// Status is whether a need is still open.
type Status string

const (
	StatusOpen    Status = "open"    // 待补库
	StatusSettled Status = "settled" // 已结算
)

// Need is stock one level owes another.
type Need struct {
	ID       int64          `json:"id"`
	Holder   string         `json:"holder"`  // area code of the level whose stock was used
	OwedBy   string         `json:"owed_by"` // area code of the level that led the response
	Depot    string         `json:"depot"`
	Item     string         `json:"item"`
	Quantity stock.Quantity `json:"quantity"`
	Incident string         `json:"incident"`
	OrderID  int64          `json:"order_id"`
	Status   Status         `json:"status"`
	// Settled: how (a transfer back, a purchase, a payment) and by whom.
	SettledBy string `json:"settled_by,omitempty"`
	SettledAt int64  `json:"settled_at,omitempty"`
	Note      string `json:"note,omitempty"`
	CreatedAt int64  `json:"created_at"`
}

// CityLedLevels are the response levels the city leads (一级、二级响应);
// the district of the site leads levels 3 and 4.
const CityLedLevels = 2

// Leader is the area code of the level that leads the response to an
// incident of level at a site in district (empty: none, the city leads).
func Leader(level int, city, district string) string {
	if level <= CityLedLevels || district == "" {
		return city
	}
	return district
}

// Owed reports whether stock held by holder and used for a response led
// by leader is owed back: whenever they differ.
func Owed(holder, leader string) bool { return holder != "" && leader != "" && holder != leader }

// Settle returns n settled by actor at now with a note on how.
func (n Need) Settle(actor string, now int64, note string) (Need, error) {
	if n.Status != StatusOpen {
		return n, apperr.New(apperr.Conflict, "replenish.status", "补库记录 #%d 已结算", "replenishment need #%d is settled already", n.ID).
			WithField("status")
	}
	if strings.TrimSpace(note) == "" || len([]rune(note)) > 500 {
		return n, apperr.New(apperr.Invalid, "replenish.note", "请写明如何结算（调拨单号、采购单号或资金拨付），不超过 500 个字",
			"say how it was settled (a transfer, a purchase or a payment), at most 500 characters").WithField("note")
	}
	n.Status, n.SettledBy, n.SettledAt, n.Note = StatusSettled, actor, now, note
	return n, nil
}
