package readiness

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/stockpile-dev/stockpile/internal/alloc"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/reserve"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/transfer"
)

// Data is what readiness reads: the dispatch planner's inventory, the home
// city with its districts, and which tier each reserve holder belongs to.
// The store implements it; tests use fakes.
type Data interface {
	dispatch.Inventory
	// City returns the home city and its districts, with populations.
	City(ctx context.Context) (area.Area, []area.Area, error)
	// Holders returns, per organisation code, the tier and district of
	// the organisation's area: a contract reserve counts towards its
	// contracting party's (reserve.Agreement.Party), a reserve without
	// one towards the city.
	Holders(ctx context.Context) (map[string]Holder, error)
}

// Holder is the reserve tier a holder of stock belongs to: the level of
// its area, and the district that area lies in (empty for the city and
// for areas outside the city's districts). Street and community holders
// count towards their district's tier (分级负责: each district budgets for
// its own).
type Holder struct {
	Tier     area.Level `json:"tier"`
	District string     `json:"district,omitempty"`
}

// budgetTier is the tier and area a holder's stock counts towards: a
// district, street or community in a district counts for that district;
// anything else (the city, an unknown holder, a depot outside the city's
// districts) for the city.
func (h Holder) budgetTier() (area.Level, string) {
	switch h.Tier {
	case area.LevelDistrict, area.LevelStreet, area.LevelCommunity:
		if h.District != "" {
			return area.LevelDistrict, h.District
		}
	}
	return area.LevelCity, ""
}

// basis is the snapshot cut to what counts as held (see [work.hold]):
// agreements that deliver within window hours, and capacities whose first
// batch is ready within it. The in-time figures are planned on it, so
// what arrives in time can never exceed what is held.
func (s *snapshot) basis(windowHours float64) *snapshot {
	c := *s
	c.byDistrict = nil
	c.agreements = nil
	for _, a := range s.agreements {
		if a.DeliveryHours <= windowHours {
			c.agreements = append(c.agreements, a)
		}
	}
	c.capacities = nil
	for _, cp := range s.capacities {
		if cp.LeadHours+24 <= windowHours {
			c.capacities = append(c.capacities, cp)
		}
	}
	return &c
}

// snapshot is the inventory read once and shared by the several plans of
// an assessment or a pre-positioning run; pre-positioning edits a copy of
// it to see the stock after the moves it recommends.
//
// A snapshot is not safe for concurrent use.
type snapshot struct {
	items      map[string]catalog.Item
	stock      []dispatch.DepotStock
	agreements []reserve.Agreement
	capacities []reserve.Capacity
	districts  []dispatch.District
	byDistrict map[[2]string]stock.Quantity // district, item → free units; built on first use
}

func loadSnapshot(ctx context.Context, inv dispatch.Inventory, items []string) (*snapshot, error) {
	s := &snapshot{}
	var err error
	if s.items, err = inv.Items(ctx, items); err != nil {
		return nil, fmt.Errorf("readiness: items: %w", err)
	}
	if s.stock, err = inv.DepotStock(ctx, items); err != nil {
		return nil, fmt.Errorf("readiness: depot stock: %w", err)
	}
	if s.agreements, err = inv.Agreements(ctx, items); err != nil {
		return nil, fmt.Errorf("readiness: agreements: %w", err)
	}
	if s.capacities, err = inv.Capacities(ctx, items); err != nil {
		return nil, fmt.Errorf("readiness: capacities: %w", err)
	}
	if s.districts, err = inv.Districts(ctx); err != nil {
		return nil, fmt.Errorf("readiness: districts: %w", err)
	}
	return s, nil
}

func (s *snapshot) Items(_ context.Context, codes []string) (map[string]catalog.Item, error) {
	out := make(map[string]catalog.Item, len(codes))
	for _, c := range codes {
		if it, ok := s.items[c]; ok {
			out[c] = it
		}
	}
	return out, nil
}

func (s *snapshot) DepotStock(_ context.Context, items []string) ([]dispatch.DepotStock, error) {
	return dispatch.OfItems(s.stock, items, func(d dispatch.DepotStock) string { return d.Item }), nil
}

func (s *snapshot) Agreements(_ context.Context, items []string) ([]reserve.Agreement, error) {
	return dispatch.OfItems(s.agreements, items, func(a reserve.Agreement) string { return a.Item }), nil
}

func (s *snapshot) Capacities(_ context.Context, items []string) ([]reserve.Capacity, error) {
	return dispatch.OfItems(s.capacities, items, func(c reserve.Capacity) string { return c.Item }), nil
}

func (s *snapshot) Districts(context.Context) ([]dispatch.District, error) { return s.districts, nil }

// local is the free stock of an item in depots inside a district.
func (s *snapshot) local(district, item string) stock.Quantity {
	if s.byDistrict == nil {
		s.byDistrict = map[[2]string]stock.Quantity{}
		for _, d := range s.stock {
			k := [2]string{d.Depot.District, d.Item}
			s.byDistrict[k] = s.byDistrict[k].SaturatingAdd(free(d.Lots))
		}
	}
	return s.byDistrict[[2]string{district, item}]
}

// supply is, per item, the most the snapshot could ever supply: every
// lot, the free part of every agreement, and every daily batch a capacity
// can give (alloc.CapacityBatches, over the longest horizon), saturating
// (see [add]).
func (s *snapshot) supply() map[string]stock.Quantity {
	out := map[string]stock.Quantity{}
	for _, d := range s.stock {
		out[d.Item] = out[d.Item].SaturatingAdd(free(d.Lots))
	}
	for _, a := range s.agreements {
		out[a.Item] = out[a.Item].SaturatingAdd(max(a.Free(), 0))
	}
	for _, c := range s.capacities {
		for _, b := range alloc.CapacityBatches(int64(c.PerDay), 0, math.MaxInt64) {
			out[c.Item] = out[c.Item].SaturatingAdd(stock.Quantity(b.Qty))
		}
	}
	return out
}

// free adds up what lots hold, saturating (see [add]).
func free(lots []stock.Candidate) stock.Quantity {
	var q stock.Quantity
	for _, l := range lots {
		add(&q, l.Available)
	}
	return q
}

// clone returns a copy whose depot stock can be changed without touching s.
func (s *snapshot) clone() *snapshot {
	c := *s
	c.byDistrict = nil
	c.stock = make([]dispatch.DepotStock, len(s.stock))
	for i, d := range s.stock {
		d.Lots = slices.Clone(d.Lots)
		c.stock[i] = d
	}
	return &c
}

// move takes the given lots of an item from one depot and puts them at
// another, as a transfer would.
func (s *snapshot) move(from, to, item string, lots []transfer.LotQuantity) {
	var moved []stock.Candidate
	for i := range s.stock {
		d := &s.stock[i]
		if d.Depot.Code != from || d.Item != item {
			continue
		}
		for j := range d.Lots {
			c := &d.Lots[j]
			for _, lq := range lots {
				if lq.Lot == c.LotCode {
					c.Available -= lq.Quantity
					m := *c
					m.Available = lq.Quantity
					moved = append(moved, m)
				}
			}
		}
	}
	s.receive(depotInfo(s, to), item, moved)
}

func (s *snapshot) receive(to dispatch.DepotInfo, item string, lots []stock.Candidate) {
	if len(lots) == 0 {
		return
	}
	for i := range s.stock {
		if s.stock[i].Depot.Code == to.Code && s.stock[i].Item == item {
			s.stock[i].Lots = append(s.stock[i].Lots, lots...)
			return
		}
	}
	s.stock = append(s.stock, dispatch.DepotStock{Depot: to, Item: item, Lots: lots})
}
