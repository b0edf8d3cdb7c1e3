package ops

import (
	"context"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/audit"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/depot"
	"github.com/stockpile-dev/stockpile/internal/org"
	"github.com/stockpile-dev/stockpile/internal/reserve"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// CreateItem adds an item to the catalogue; the catalogue is the city's,
// so only a city-level scope may.
func (s *Service) CreateItem(ctx context.Context, who access.Actor, it catalog.Item) (catalog.Item, error) {
	if err := s.allowCity(ctx, who, access.CatalogWrite); err != nil {
		return it, err
	}
	return create(ctx, s, who, "item", it, (*store.Store).CreateItem, func(v catalog.Item) string { return v.Code })
}

// CreateCategory adds a category to the classification (GB/T 38565: a
// 大类, 中类 or 小类 code under an existing parent); like the catalogue, a
// city-level scope only.
func (s *Service) CreateCategory(ctx context.Context, who access.Actor, c catalog.Category) (catalog.Category, error) {
	if err := s.allowCity(ctx, who, access.CatalogWrite); err != nil {
		return c, err
	}
	return create(ctx, s, who, "category", c, (*store.Store).CreateCategory,
		func(v catalog.Category) string { return v.Code })
}

// CreateArea adds an area under its parent, which must be in who's scope.
func (s *Service) CreateArea(ctx context.Context, who access.Actor, a area.Area) (area.Area, error) {
	var err error
	if a.ParentCode == "" {
		err = s.allowCity(ctx, who, access.AreaWrite)
	} else {
		err = s.allow(ctx, who, access.AreaWrite, "area", a.ParentCode)
	}
	if err != nil {
		return a, err
	}
	return create(ctx, s, who, "area", a, (*store.Store).CreateArea, func(v area.Area) string { return v.Code })
}

// CreateOrg adds an organisation that holds reserves (储备主体), in an area
// of who's scope.
func (s *Service) CreateOrg(ctx context.Context, who access.Actor, o org.Org) (org.Org, error) {
	if err := s.allow(ctx, who, access.OrgWrite, "area", o.AreaCode); err != nil {
		return o, err
	}
	return create(ctx, s, who, "org", o, (*store.Store).CreateOrg, func(v org.Org) string { return v.Code })
}

// CreateDepot adds a depot (储备库/点) in an area of who's scope.
func (s *Service) CreateDepot(ctx context.Context, who access.Actor, d depot.Depot) (depot.Depot, error) {
	if err := s.allow(ctx, who, access.DepotWrite, "area", d.AreaCode); err != nil {
		return d, err
	}
	return create(ctx, s, who, "depot", d, (*store.Store).CreateDepot, func(v depot.Depot) string { return v.Code })
}

// CreateAgreement adds an agreement reserve (协议储备) of an organisation
// in who's scope (a partner department: its own), signed by a party in
// who's scope too when one is named (the city's bureau signs otherwise).
func (s *Service) CreateAgreement(ctx context.Context, who access.Actor, a reserve.Agreement) (reserve.Agreement, error) {
	if err := s.allow(ctx, who, access.ReserveWrite, "org", a.OrgCode, a.Party); err != nil {
		return a, err
	}
	return create(ctx, s, who, "agreement", a, (*store.Store).CreateAgreement,
		func(v reserve.Agreement) string { return v.Code })
}

// CreateCapacity adds a production-capacity reserve (生产能力储备) of an
// organisation in who's scope, signed by a party in it when one is named.
func (s *Service) CreateCapacity(ctx context.Context, who access.Actor, c reserve.Capacity) (reserve.Capacity, error) {
	if err := s.allow(ctx, who, access.ReserveWrite, "org", c.OrgCode, c.Party); err != nil {
		return c, err
	}
	return create(ctx, s, who, "capacity", c, (*store.Store).CreateCapacity,
		func(v reserve.Capacity) string { return v.Code })
}

// create runs a store's create method and records it in the audit trail,
// in one transaction. The store validates v (each type's Validate) before
// it writes anything.
func create[T any](ctx context.Context, s *Service, who access.Actor, kind string, v T,
	fn func(*store.Store, context.Context, T) (T, error), code func(T) string) (T, error) {
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		var err error
		if v, err = fn(tx, ctx, v); err != nil {
			return err
		}
		return record(ctx, tx, who, kind+".create", audit.Object{Kind: kind, ID: code(v), Version: 1}, nil, v)
	})
	return v, err
}

// The edits of master data below each take the version the edit was based
// on (a stale one is edit.stale and changes nothing), keep the natural key
// (the code), bump the version and record the change in the audit trail
// with the state before and after, in one transaction. Retiring and
// restoring are edits too ("<kind>.retire", "<kind>.restore"). Where the
// thing lies must be in who's scope, and so must a new place it moves to.

// UpdateItem changes an item of the catalogue (city scope only).
func (s *Service) UpdateItem(ctx context.Context, who access.Actor, it catalog.Item) (catalog.Item, error) {
	if err := s.allowCity(ctx, who, access.CatalogWrite); err != nil {
		return it, err
	}
	return edit(ctx, s, who, "item.update", "item", it.Code, func(tx *store.Store) (catalog.Item, catalog.Item, error) {
		return tx.UpdateItem(ctx, it)
	}, func(v catalog.Item) int64 { return v.Version })
}

// SetItemRetired retires (retired) or restores an item (city scope only):
// see store.Store.SetItemRetired for what that hides.
func (s *Service) SetItemRetired(ctx context.Context, who access.Actor, code string, retired bool) (catalog.Item, error) {
	if err := s.allowCity(ctx, who, access.CatalogWrite); err != nil {
		return catalog.Item{}, err
	}
	return edit(ctx, s, who, retireAction("item", retired), "item", code, func(tx *store.Store) (catalog.Item, catalog.Item, error) {
		return tx.SetItemRetired(ctx, code, retired)
	}, func(v catalog.Item) int64 { return v.Version })
}

// UpdateCategory changes a category's names (city scope only).
func (s *Service) UpdateCategory(ctx context.Context, who access.Actor, c catalog.Category) (catalog.Category, error) {
	if err := s.allowCity(ctx, who, access.CatalogWrite); err != nil {
		return c, err
	}
	return edit(ctx, s, who, "category.update", "category", c.Code, func(tx *store.Store) (catalog.Category, catalog.Category, error) {
		return tx.UpdateCategory(ctx, c)
	}, func(v catalog.Category) int64 { return v.Version })
}

// SetCategoryRetired retires (retired) or restores a category (city
// scope only).
func (s *Service) SetCategoryRetired(ctx context.Context, who access.Actor, code string, retired bool) (catalog.Category, error) {
	if err := s.allowCity(ctx, who, access.CatalogWrite); err != nil {
		return catalog.Category{}, err
	}
	return edit(ctx, s, who, retireAction("category", retired), "category", code,
		func(tx *store.Store) (catalog.Category, catalog.Category, error) {
			return tx.SetCategoryRetired(ctx, code, retired)
		}, func(v catalog.Category) int64 { return v.Version })
}

// UpdateArea changes an area, which must be in who's scope; its code,
// parent and level stay.
func (s *Service) UpdateArea(ctx context.Context, who access.Actor, a area.Area) (area.Area, error) {
	if err := s.allow(ctx, who, access.AreaWrite, "area", a.Code); err != nil {
		return a, err
	}
	return edit(ctx, s, who, "area.update", "area", a.Code, func(tx *store.Store) (area.Area, area.Area, error) {
		return tx.UpdateArea(ctx, a)
	}, func(v area.Area) int64 { return v.Version })
}

// SetAreaRetired retires (retired) or restores an area. As for adding
// one, the area's parent must be in who's scope (the city for the root):
// a district's own manager does not retire the district.
func (s *Service) SetAreaRetired(ctx context.Context, who access.Actor, code string, retired bool) (area.Area, error) {
	a, err := s.store.Area(ctx, code)
	if err != nil {
		if !who.Can(access.AreaWrite) {
			return a, who.Allow(access.AreaWrite)
		}
		return a, err
	}
	if a.ParentCode == "" {
		err = s.allowCity(ctx, who, access.AreaWrite)
	} else {
		err = s.allow(ctx, who, access.AreaWrite, "area", a.ParentCode)
	}
	if err != nil {
		return a, err
	}
	return edit(ctx, s, who, retireAction("area", retired), "area", code, func(tx *store.Store) (area.Area, area.Area, error) {
		return tx.SetAreaRetired(ctx, code, retired)
	}, func(v area.Area) int64 { return v.Version })
}

// UpdateOrg changes an organisation, which must be in who's scope, and
// so must the area it moves to.
func (s *Service) UpdateOrg(ctx context.Context, who access.Actor, o org.Org) (org.Org, error) {
	if err := s.allow(ctx, who, access.OrgWrite, "org", o.Code); err != nil {
		return o, err
	}
	if err := s.allow(ctx, who, access.OrgWrite, "area", o.AreaCode); err != nil {
		return o, err
	}
	return edit(ctx, s, who, "org.update", "org", o.Code, func(tx *store.Store) (org.Org, org.Org, error) {
		return tx.UpdateOrg(ctx, o)
	}, func(v org.Org) int64 { return v.Version })
}

// SetOrgRetired retires (retired) or restores an organisation of who's
// scope.
func (s *Service) SetOrgRetired(ctx context.Context, who access.Actor, code string, retired bool) (org.Org, error) {
	if err := s.allow(ctx, who, access.OrgWrite, "org", code); err != nil {
		return org.Org{}, err
	}
	return edit(ctx, s, who, retireAction("org", retired), "org", code, func(tx *store.Store) (org.Org, org.Org, error) {
		return tx.SetOrgRetired(ctx, code, retired)
	}, func(v org.Org) int64 { return v.Version })
}

// UpdateDepot changes a depot, which must be in who's scope (the tier
// that holds it), and so must the area it moves to. A move to another
// area moves the depot's stock totals with it (store.Store.UpdateDepot).
func (s *Service) UpdateDepot(ctx context.Context, who access.Actor, d depot.Depot) (store.DepotView, error) {
	if err := s.allow(ctx, who, access.DepotWrite, "depot", d.Code); err != nil {
		return store.DepotView{Depot: d}, err
	}
	if err := s.allow(ctx, who, access.DepotWrite, "area", d.AreaCode); err != nil {
		return store.DepotView{Depot: d}, err
	}
	return edit(ctx, s, who, "depot.update", "depot", d.Code, func(tx *store.Store) (store.DepotView, store.DepotView, error) {
		return tx.UpdateDepot(ctx, d)
	}, func(v store.DepotView) int64 { return v.Version })
}

// SetDepotRetired retires (retired) or restores a depot of who's scope;
// a depot that holds stock is not retired (depot.not_empty).
func (s *Service) SetDepotRetired(ctx context.Context, who access.Actor, code string, retired bool) (store.DepotView, error) {
	if err := s.allow(ctx, who, access.DepotWrite, "depot", code); err != nil {
		return store.DepotView{}, err
	}
	return edit(ctx, s, who, retireAction("depot", retired), "depot", code,
		func(tx *store.Store) (store.DepotView, store.DepotView, error) {
			return tx.SetDepotRetired(ctx, code, retired)
		}, func(v store.DepotView) int64 { return v.Version })
}

// UpdateAgreement changes an agreement reserve of an organisation in
// who's scope, signed by a party in it when one is named.
func (s *Service) UpdateAgreement(ctx context.Context, who access.Actor, a reserve.Agreement) (reserve.Agreement, error) {
	if err := s.allowReserve(ctx, who, "agreement", a.Code, a.Party); err != nil {
		return a, err
	}
	return edit(ctx, s, who, "agreement.update", "agreement", a.Code,
		func(tx *store.Store) (reserve.Agreement, reserve.Agreement, error) { return tx.UpdateAgreement(ctx, a) },
		func(v reserve.Agreement) int64 { return v.Version })
}

// SetAgreementRetired retires (retired) or restores an agreement reserve
// of an organisation in who's scope.
func (s *Service) SetAgreementRetired(ctx context.Context, who access.Actor, code string, retired bool) (reserve.Agreement, error) {
	if err := s.allowReserve(ctx, who, "agreement", code, ""); err != nil {
		return reserve.Agreement{}, err
	}
	return edit(ctx, s, who, retireAction("agreement", retired), "agreement", code,
		func(tx *store.Store) (reserve.Agreement, reserve.Agreement, error) {
			return tx.SetAgreementRetired(ctx, code, retired)
		}, func(v reserve.Agreement) int64 { return v.Version })
}

// UpdateCapacity changes a production-capacity reserve of an organisation
// in who's scope, signed by a party in it when one is named.
func (s *Service) UpdateCapacity(ctx context.Context, who access.Actor, c reserve.Capacity) (reserve.Capacity, error) {
	if err := s.allowReserve(ctx, who, "capacity", c.Code, c.Party); err != nil {
		return c, err
	}
	return edit(ctx, s, who, "capacity.update", "capacity", c.Code,
		func(tx *store.Store) (reserve.Capacity, reserve.Capacity, error) { return tx.UpdateCapacity(ctx, c) },
		func(v reserve.Capacity) int64 { return v.Version })
}

// SetCapacityRetired retires (retired) or restores a production-capacity
// reserve of an organisation in who's scope.
func (s *Service) SetCapacityRetired(ctx context.Context, who access.Actor, code string, retired bool) (reserve.Capacity, error) {
	if err := s.allowReserve(ctx, who, "capacity", code, ""); err != nil {
		return reserve.Capacity{}, err
	}
	return edit(ctx, s, who, retireAction("capacity", retired), "capacity", code,
		func(tx *store.Store) (reserve.Capacity, reserve.Capacity, error) {
			return tx.SetCapacityRetired(ctx, code, retired)
		}, func(v reserve.Capacity) int64 { return v.Version })
}

// allowReserve checks reserve.write on the contract reserve of kind and
// code (its organisation's place) and on the party, when one is named.
func (s *Service) allowReserve(ctx context.Context, who access.Actor, kind, code, party string) error {
	if err := s.allow(ctx, who, access.ReserveWrite, kind, code); err != nil {
		return err
	}
	if party == "" {
		return nil
	}
	return s.allow(ctx, who, access.ReserveWrite, "org", party)
}

// retireAction names a retirement or a restoration of kind in the audit
// trail: "item.retire", "item.restore".
func retireAction(kind string, retired bool) string {
	if retired {
		return kind + ".retire"
	}
	return kind + ".restore"
}

// edit runs fn, a store edit that returns the thing before and after, and
// records it in the audit trail as action on the object of kind and code
// at its new version, in one transaction.
func edit[T any](ctx context.Context, s *Service, who access.Actor, action, kind, code string,
	fn func(tx *store.Store) (before, after T, err error), version func(T) int64) (T, error) {
	var after T
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		before, a, err := fn(tx)
		if err != nil {
			return err
		}
		after = a
		return record(ctx, tx, who, action, audit.Object{Kind: kind, ID: code, Version: version(a)}, before, a)
	})
	return after, err
}
