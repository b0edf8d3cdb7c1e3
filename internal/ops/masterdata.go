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
