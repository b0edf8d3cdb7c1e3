package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// BalanceQuery selects and groups balances; zero fields do not filter.
type BalanceQuery struct {
	Depot   string // depot code
	Item    string // item code
	Area    string // area code: depots in its subtree
	GroupBy string // "lot" (default: one row per depot and lot), "item" or "depot"
	// View limits the rows to what an actor may see (access.Actor.View);
	// nil does not limit.
	View *access.View
}

// BalanceRow is one row of a balance report. Which identifying fields are
// set depends on the grouping.
type BalanceRow struct {
	Depot       string         `json:"depot,omitempty"`
	DepotNameZH string         `json:"depot_name_zh,omitempty"`
	DepotNameEN string         `json:"depot_name_en,omitempty"`
	Item        string         `json:"item,omitempty"`
	ItemNameZH  string         `json:"item_name_zh,omitempty"`
	ItemNameEN  string         `json:"item_name_en,omitempty"`
	UnitZH      string         `json:"unit_zh,omitempty"`
	UnitEN      string         `json:"unit_en,omitempty"`
	Lot         string         `json:"lot,omitempty"`
	Batch       string         `json:"batch,omitempty"`
	ExpiresOn   string         `json:"expires_on,omitempty"`
	Quality     string         `json:"quality,omitempty"`
	Status      string         `json:"status,omitempty"`   // the quality, or expired (stock.Lot.Status)
	Location    string         `json:"location,omitempty"` // where in the depot (库位)
	Quantity    stock.Quantity `json:"quantity"`
	Reserved    stock.Quantity `json:"reserved"` // set aside for approved plans
	Usable      stock.Quantity `json:"usable"`   // good quality, not expired today, not reserved
	VolumeM3    float64        `json:"volume_m3"`
	Lots        int            `json:"lots,omitempty"`
	Depots      int            `json:"depots,omitempty"`
	Items       int            `json:"items,omitempty"`
}

// BalanceTotals sums a report. Quantity adds up units of different items,
// as the reserve plan counts "items" (件); it is meaningful per item only.
type BalanceTotals struct {
	Rows     int            `json:"rows"`
	Quantity stock.Quantity `json:"quantity"`
	Reserved stock.Quantity `json:"reserved"`
	Usable   stock.Quantity `json:"usable"`
	VolumeM3 float64        `json:"volume_m3"`
}

// BalanceReport is the answer to a BalanceQuery.
type BalanceReport struct {
	GroupBy string        `json:"group_by"`
	Today   string        `json:"today"`
	Rows    []BalanceRow  `json:"rows"`
	Totals  BalanceTotals `json:"totals"`
}

// balanceFrom returns the FROM and WHERE clauses of a balance report with
// their arguments.
func balanceFrom(bq BalanceQuery, areaPrefix string) (string, []any) {
	var w where
	w.add("b.quantity > 0")
	w.addIf(bq.Depot, "d.code = ?")
	w.addIf(bq.Item, "i.code = ?")
	if areaPrefix != "" {
		w.add("a.path LIKE ?", areaPrefix+"%")
	}
	w.visible(bq.View, "d", "l.owner_id")
	return ` FROM balances b JOIN depots d ON d.id = b.depot_id JOIN areas a ON a.id = d.area_id
	JOIN items i ON i.id = b.item_id JOIN lots l ON l.id = b.lot_id` + w.String(), w.args
}

const usableExpr = `CASE WHEN l.quality = 'good' AND (l.expires_on = '' OR l.expires_on >= ?) THEN b.quantity - b.reserved ELSE 0 END`

// Balances reports stock on hand, grouped as asked, with totals.
func (s *Store) Balances(ctx context.Context, bq BalanceQuery) (BalanceReport, error) {
	rep := BalanceReport{GroupBy: bq.GroupBy, Today: s.Today()}
	if rep.GroupBy == "" {
		rep.GroupBy = "lot"
	}
	prefix, err := s.subtreePrefix(ctx, bq.Area)
	if err != nil {
		return rep, err
	}
	switch rep.GroupBy {
	case "lot":
	case "item", "depot":
		return s.balanceTotals(ctx, bq, rep)
	default:
		return rep, apperr.New(apperr.Invalid, "balances.group_by_invalid",
			"分组方式「%s」无效：应为 lot、item 或 depot", "group_by %q is invalid: want lot, item or depot",
			bq.GroupBy).WithField("group_by")
	}
	from, args := balanceFrom(bq, prefix)
	rows, err := s.query(ctx, lotBalanceColumns+from+`ORDER BY d.code, i.code, l.expires_on, l.code`,
		append([]any{rep.Today}, args...)...)
	if err != nil {
		return rep, fmt.Errorf("store: balances: %w", err)
	}
	if rep.Rows, err = collect(rows, scanLotBalance); err != nil {
		return rep, err
	}
	for i, r := range rep.Rows {
		rep.Rows[i].Status = string(stock.Lot{Quality: stock.Quality(r.Quality), ExpiresOn: r.ExpiresOn}.Status(rep.Today))
	}
	rep.sum()
	return rep, nil
}

// sum adds the rows up into the totals.
func (rep *BalanceReport) sum() {
	for _, r := range rep.Rows {
		rep.Totals.Quantity += r.Quantity
		rep.Totals.Reserved += r.Reserved
		rep.Totals.Usable += r.Usable
		rep.Totals.VolumeM3 += r.VolumeM3
	}
	rep.Totals.Rows = len(rep.Rows)
}

// balanceTotals answers a report by item or by depot from the totals per
// depot and item (StockTotals), so that its cost follows the depots and
// items it covers rather than their lots. Lots counts a lot once in each
// depot that holds some of it.
func (s *Store) balanceTotals(ctx context.Context, bq BalanceQuery, rep BalanceReport) (BalanceReport, error) {
	t, err := s.StockTotals(ctx, TotalsQuery{Depot: bq.Depot, Item: bq.Item, Area: bq.Area, View: bq.View})
	if err != nil {
		return rep, err
	}
	at := map[string]int{}
	rep.Rows = make([]BalanceRow, 0, len(t.Rows))
	for _, r := range t.Rows {
		key := r.Depot
		if rep.GroupBy == "item" {
			key = r.Item
		}
		i, ok := at[key]
		if !ok {
			i = len(rep.Rows)
			at[key] = i
			rep.Rows = append(rep.Rows, groupRow(rep.GroupBy, r))
		}
		g := &rep.Rows[i]
		g.Quantity, g.Reserved, g.Usable = g.Quantity+r.Quantity, g.Reserved+r.Reserved, g.Usable+r.Usable
		g.VolumeM3 += r.VolumeM3
		g.Lots += r.Lots
		if rep.GroupBy == "item" {
			g.Depots++
		} else {
			g.Items++
		}
	}
	if rep.GroupBy == "item" {
		slices.SortFunc(rep.Rows, func(a, b BalanceRow) int { return cmp.Compare(a.Item, b.Item) })
	}
	rep.sum()
	return rep, nil
}

// groupRow starts the row of a report by item or depot with the names of
// what it groups by.
func groupRow(groupBy string, r DepotItemTotal) BalanceRow {
	if groupBy == "item" {
		return BalanceRow{Item: r.Item, ItemNameZH: r.ItemZH, ItemNameEN: r.ItemEN, UnitZH: r.UnitZH, UnitEN: r.UnitEN}
	}
	return BalanceRow{Depot: r.Depot, DepotNameZH: r.DepotZH, DepotNameEN: r.DepotEN}
}
