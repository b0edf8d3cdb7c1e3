// Package incidentcost prices what an incident used (事件物资成本, BRIEF
// C11): per item, the units its site stores handed out (发放) and wrote
// off as consumed (消耗核销), and what was written off on the way there
// (damaged on arrival, missing), at the unit prices of the readiness price
// list — the prices the purchase estimates use — with the compensation
// assessed for the incident's requisitions (征用补偿) as a line of its own.
//
// An item without a price is listed with its price unknown and left out
// of the sum, which then says it is incomplete: never priced at 0
// silently. The store gathers the quantities; this package only
// computes, exactly, in whole fen.
package incidentcost

import (
	"slices"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/money"
	"github.com/stockpile-dev/stockpile/internal/readiness"
	"github.com/stockpile-dev/stockpile/internal/requisition"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// Use is what an incident used of one item, as the store found it.
type Use struct {
	Item   string `json:"item"`
	NameZH string `json:"name_zh"`
	NameEN string `json:"name_en"`
	UnitZH string `json:"unit_zh"`
	UnitEN string `json:"unit_en"`
	// Distributed and Consumed were issued from the incident's site
	// stores (site uses of kind distribute and consume).
	Distributed stock.Quantity `json:"distributed"`
	Consumed    stock.Quantity `json:"consumed"`
	// Damaged and Missing were written off at receipt of shipments to the
	// incident's sites.
	Damaged stock.Quantity `json:"damaged"`
	Missing stock.Quantity `json:"missing"`
}

// Line is one item's cost.
type Line struct {
	Use
	// Quantity is the four quantities together: what the incident cost
	// of the item.
	Quantity stock.Quantity `json:"quantity"`
	// Priced says the price list has the item. When it does not,
	// UnitPrice and Cost are null and the line is left out of Report.Goods.
	Priced    bool       `json:"priced"`
	UnitPrice *money.Fen `json:"unit_price_yuan"`
	Cost      *money.Fen `json:"cost_yuan"`
	// PriceAssumption and PriceSource say where the price comes from
	// (readiness.Price).
	PriceAssumption bool   `json:"price_assumption,omitempty"`
	PriceSource     string `json:"price_source,omitempty"`
}

// Report is the cost of an incident.
type Report struct {
	Incident string `json:"incident"`
	// Sites are the ledger locations of the incident's site stores.
	Sites []string `json:"sites"`
	Lines []Line   `json:"lines"`
	// Goods is the cost of the priced lines.
	Goods money.Fen `json:"goods_yuan"`
	// Unpriced counts the lines without a price; Complete is set when
	// there are none. When it is not, Goods and Total leave those lines
	// out: they are lower bounds.
	Unpriced int  `json:"unpriced"`
	Complete bool `json:"complete"`
	// Compensation is the compensation assessed for the incident's
	// requisitions (assessed or paid), CompensationPaid what of it was
	// paid, Requisitions how many requisitions count (cancelled ones
	// left out).
	Compensation     money.Fen `json:"compensation_yuan"`
	CompensationPaid money.Fen `json:"compensation_paid_yuan"`
	Requisitions     int       `json:"requisitions"`
	// Total is Goods plus Compensation.
	Total money.Fen `json:"total_yuan"`
}

// Compute prices uses at prices (the readiness price list; yuan per unit
// of the catalogue, rounded to the fen) and adds the compensation of
// totals (the incident's requisition totals; zero when it has none).
// Lines come in item code order. An amount beyond int64 is refused
// (money.overflow) rather than wrapped.
func Compute(incident string, sites []string, uses []Use, prices []readiness.Price, totals requisition.Totals) (Report, error) {
	byItem := make(map[string]readiness.Price, len(prices))
	for _, p := range prices {
		byItem[p.Item] = p
	}
	r := Report{Incident: incident, Sites: slices.Clone(sites), Lines: make([]Line, 0, len(uses))}
	if r.Sites == nil {
		r.Sites = []string{}
	}
	slices.Sort(r.Sites)
	for _, u := range uses {
		l := Line{Use: u}
		var ok bool
		for _, q := range []stock.Quantity{u.Distributed, u.Consumed, u.Damaged, u.Missing} {
			if l.Quantity, ok = l.Quantity.Add(q); !ok {
				return r, overflow()
			}
		}
		if l.Quantity == 0 {
			continue
		}
		if p, found := byItem[u.Item]; found {
			unit := money.FromYuan(p.Yuan)
			cost, ok := money.Times(l.Quantity, unit)
			if !ok {
				return r, overflow()
			}
			l.Priced, l.UnitPrice, l.Cost = true, &unit, &cost
			l.PriceAssumption, l.PriceSource = p.Assumption, p.Source
			if r.Goods, ok = r.Goods.Add(cost); !ok {
				return r, overflow()
			}
		} else {
			r.Unpriced++
		}
		r.Lines = append(r.Lines, l)
	}
	slices.SortFunc(r.Lines, func(a, b Line) int { return strings.Compare(a.Item, b.Item) })
	r.Complete = r.Unpriced == 0
	r.Compensation, r.CompensationPaid = totals.Assessed, totals.Paid
	for st, n := range totals.Count {
		if st != requisition.Cancelled {
			r.Requisitions += n
		}
	}
	var ok bool
	if r.Total, ok = r.Goods.Add(r.Compensation); !ok {
		return r, overflow()
	}
	return r, nil
}

func overflow() error {
	return apperr.New(apperr.Conflict, "money.overflow", "金额超出可计算的范围",
		"the amount is beyond what can be computed")
}
