package web

import (
	"cmp"
	"context"
	"net/http"
	"slices"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// expiringDays is how far ahead every screen counts stock as expiring,
// both ends included, as the lots tab's days= filter reads it.
const expiringDays = stock.RotationDays

// dashboardView is the 总览 screen's server-rendered part. Readiness by
// district and the items short of the standing scenarios come from the
// readiness API in the browser, because they take a dispatch solve.
type dashboardView struct {
	Today     string
	Depots    int
	Totals    Totals
	ByClass   []Group
	ByTier    []Group
	ByArea    []Group
	Expired   Totals
	Expiring  Totals
	Soonest   []store.BalanceRow // lots expiring soonest (or already expired), at most 10
	Incidents int                // open incidents
	Plans     int                // proposed plans awaiting approval
}

// ExpiringDays is how far ahead the expiring alert looks, for its link.
func (dashboardView) ExpiringDays() int { return expiringDays }

// Totals sums stock: lots (all, usable, reserved), distinct items and
// depots, and volume. Quantities of different items are never added up
// (a tent and a metre of pipe are not two of anything): Quantity, Usable
// and Reserved are kept for the tests and the per-unit figures, and the
// screens show ByUnit, counts and volume instead.
type Totals struct {
	Lots                         int
	UsableLots, ReservedLots     int
	Quantity, Usable, Reserved   stock.Quantity
	VolumeM3, CapacityM3         float64
	items, depots, reservedItems map[string]bool
	units                        map[unitKey]*UnitTotal
}

// unitKey names a unit by its Chinese name, which the catalogue uses as
// the unit's identity (its English names are looser: 件, 条 and 张 are all
// "piece").
type unitKey string

// UnitTotal is the stock held in one unit of measure (顶, 吨, 米…): the
// only sums of quantity a screen shows.
type UnitTotal struct {
	UnitZH, UnitEN   string
	Quantity, Usable stock.Quantity
	Items            int
	items            map[string]bool
}

// Label names the unit in lang: the Chinese name, and in English the
// English name with the Chinese one after it to tell "piece"s apart.
func (u UnitTotal) Label(lang string) string {
	if lang == langEN && u.UnitEN != "" {
		return u.UnitEN + " (" + u.UnitZH + ")"
	}
	return u.UnitZH
}

// ByUnit lists the stock by unit of measure, the units that count the
// most items first.
func (t Totals) ByUnit() []UnitTotal {
	out := make([]UnitTotal, 0, len(t.units))
	for _, u := range t.units {
		out = append(out, *u)
	}
	slices.SortFunc(out, func(a, b UnitTotal) int {
		return cmp.Or(cmp.Compare(b.Items, a.Items), cmp.Compare(a.UnitZH, b.UnitZH))
	})
	return out
}

// ReservedItems counts the distinct items of which some is reserved.
func (t Totals) ReservedItems() int { return len(t.reservedItems) }

// Items and Depots count the distinct items and depots summed.
func (t Totals) Items() int  { return len(t.items) }
func (t Totals) Depots() int { return len(t.depots) }

// add counts one lot's balance.
func (t *Totals) add(r store.BalanceRow) {
	t.addTotal(store.DepotItemTotal{Depot: r.Depot, Item: r.Item, UnitZH: r.UnitZH, UnitEN: r.UnitEN,
		Quantity: r.Quantity, Reserved: r.Reserved, Usable: r.Usable, VolumeM3: r.VolumeM3, Lots: 1,
		UsableLots: count(r.Usable > 0), ReservedLots: count(r.Reserved > 0)})
}

func count(b bool) int {
	if b {
		return 1
	}
	return 0
}

// addTotal counts what a depot holds of an item.
func (t *Totals) addTotal(r store.DepotItemTotal) {
	if t.items == nil {
		t.items, t.depots, t.reservedItems = map[string]bool{}, map[string]bool{}, map[string]bool{}
		t.units = map[unitKey]*UnitTotal{}
	}
	t.Lots += r.Lots
	t.items[r.Item], t.depots[r.Depot] = true, true
	t.UsableLots += r.UsableLots
	if r.ReservedLots > 0 {
		t.ReservedLots += r.ReservedLots
		t.reservedItems[r.Item] = true
	}
	k := unitKey(r.UnitZH)
	u, ok := t.units[k]
	if !ok {
		u = &UnitTotal{UnitZH: r.UnitZH, UnitEN: r.UnitEN, items: map[string]bool{}}
		t.units[k] = u
	}
	u.Quantity += r.Quantity
	u.Usable += r.Usable
	if !u.items[r.Item] {
		u.items[r.Item] = true
		u.Items++
	}
	t.Quantity += r.Quantity
	t.Usable += r.Usable
	t.Reserved += r.Reserved
	t.VolumeM3 += r.VolumeM3
}

// Utilisation is volume ÷ capacity, 0 when the capacity is unknown.
func (t Totals) Utilisation() float64 {
	if t.CapacityM3 <= 0 {
		return 0
	}
	return t.VolumeM3 / t.CapacityM3
}

// Group is one row of a totals table: a class, tier or district.
type Group struct {
	Key            string
	NameZH, NameEN string
	Totals
}

func (h *handler) dashboard(w http.ResponseWriter, r *http.Request) {
	v, err := h.dashboardData(r.Context(), access.FromContext(r.Context()))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, "dashboard", h.newPage(r, "dashboard", "nav.dashboard", v))
}

// dashboardData reads the stock per depot and item with the lots that
// need attention (store.StockTotals), the depots and the districts, and
// sums them; its cost follows the depots and items in scope, not their
// lots. It counts what who's scope reaches (access.Actor.View), and open
// incidents and plans only for one who may read them.
func (h *handler) dashboardData(ctx context.Context, who access.Actor) (dashboardView, error) {
	view := who.View(access.StockRead)
	rep, err := h.store.StockTotals(ctx, store.TotalsQuery{Horizon: stock.AddDays(h.store.Today(), expiringDays), View: &view})
	if err != nil {
		return dashboardView{}, err
	}
	depots, err := h.store.Depots(ctx, store.DepotFilter{View: &view, Retired: store.InUse})
	if err != nil {
		return dashboardView{}, err
	}
	areas, err := h.store.Areas(ctx, "")
	if err != nil {
		return dashboardView{}, err
	}
	v := summarise(rep, depots, areas)
	if !who.Can(access.DispatchRead) {
		return v, nil
	}
	incidents, err := h.store.Incidents(ctx, string(dispatch.IncidentOpen))
	if err != nil {
		return v, err
	}
	plans, err := h.store.Plans(ctx, "proposed", 1000)
	if err != nil {
		return v, err
	}
	v.Incidents, v.Plans = len(incidents), len(plans)
	return v, nil
}

// summarise groups the stock per depot and item by class, by depot tier
// and by the district each depot stands in, and picks out expired and
// expiring lots.
func summarise(rep store.StockTotals, depots []store.DepotView, areas []area.Area) dashboardView {
	v := dashboardView{Today: rep.Today, Depots: len(depots)}
	depotOf := map[string]store.DepotView{}
	for _, d := range depots {
		depotOf[d.Code] = d
		v.Totals.CapacityM3 += d.CapacityM3
	}
	names := make(map[string]area.Area, len(areas))
	for _, a := range areas {
		names[a.Code] = a
	}
	classes, tiers, districts := map[string]*Group{}, map[string]*Group{}, map[string]*Group{}
	group := func(m map[string]*Group, key string) *Group {
		if g, ok := m[key]; ok {
			return g
		}
		g := &Group{Key: key}
		m[key] = g
		return g
	}
	for _, r := range rep.Rows {
		d := depotOf[r.Depot]
		v.Totals.addTotal(r)
		group(classes, r.Item[:1]).addTotal(r)
		group(tiers, string(d.Tier)).addTotal(r)
		group(districts, d.District).addTotal(r)
	}
	for _, r := range rep.Exceptions {
		switch {
		case r.ExpiresOn == "":
		case r.ExpiresOn < rep.Today:
			v.Expired.add(r)
			v.Soonest = append(v.Soonest, r)
		case r.ExpiresOn <= rep.Horizon:
			v.Expiring.add(r)
			v.Soonest = append(v.Soonest, r)
		}
	}
	for _, d := range depots {
		group(tiers, string(d.Tier)).CapacityM3 += d.CapacityM3
		group(districts, d.District).CapacityM3 += d.CapacityM3
	}
	for key, g := range classes {
		g.NameZH, g.NameEN = catalog.Class(key[0] - '0').Names()
	}
	for key, g := range districts {
		g.NameZH, g.NameEN = names[key].NameZH, names[key].NameEN
	}
	v.ByClass, v.ByTier, v.ByArea = sorted(classes, byKey), sorted(tiers, byTierRank), sorted(districts, byVolume)
	slices.SortFunc(v.Soonest, func(a, b store.BalanceRow) int {
		return cmp.Or(cmp.Compare(a.ExpiresOn, b.ExpiresOn), cmp.Compare(a.Depot, b.Depot), cmp.Compare(a.Lot, b.Lot))
	})
	v.Soonest = v.Soonest[:min(len(v.Soonest), 10)]
	return v
}

func sorted(m map[string]*Group, less func(a, b *Group) int) []Group {
	gs := make([]*Group, 0, len(m))
	for _, g := range m {
		gs = append(gs, g)
	}
	slices.SortFunc(gs, less)
	out := make([]Group, len(gs))
	for i, g := range gs {
		out[i] = *g
	}
	return out
}

func byKey(a, b *Group) int { return cmp.Compare(a.Key, b.Key) }

func byTierRank(a, b *Group) int {
	return cmp.Compare(area.Level(a.Key).Rank(), area.Level(b.Key).Rank())
}

func byVolume(a, b *Group) int {
	return cmp.Or(cmp.Compare(b.VolumeM3, a.VolumeM3), cmp.Compare(a.Key, b.Key))
}
