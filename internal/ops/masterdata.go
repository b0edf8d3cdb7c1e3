package ops

import (
	"context"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/depot"
	"github.com/stockpile-dev/stockpile/internal/org"
	"github.com/stockpile-dev/stockpile/internal/reserve"
)

// CreateItem adds an item to the catalogue.
func (s *Service) CreateItem(ctx context.Context, who access.Principal, it catalog.Item) (catalog.Item, error) {
	return create(ctx, who, it, s.store.CreateItem)
}

// CreateArea adds an area under its parent.
func (s *Service) CreateArea(ctx context.Context, who access.Principal, a area.Area) (area.Area, error) {
	return create(ctx, who, a, s.store.CreateArea)
}

// CreateOrg adds an organisation that holds reserves (储备主体).
func (s *Service) CreateOrg(ctx context.Context, who access.Principal, o org.Org) (org.Org, error) {
	return create(ctx, who, o, s.store.CreateOrg)
}

// CreateDepot adds a depot (储备库/点).
func (s *Service) CreateDepot(ctx context.Context, who access.Principal, d depot.Depot) (depot.Depot, error) {
	return create(ctx, who, d, s.store.CreateDepot)
}

// CreateAgreement adds an agreement reserve (协议储备).
func (s *Service) CreateAgreement(ctx context.Context, who access.Principal, a reserve.Agreement) (reserve.Agreement, error) {
	return create(ctx, who, a, s.store.CreateAgreement)
}

// CreateCapacity adds a production-capacity reserve (生产能力储备).
func (s *Service) CreateCapacity(ctx context.Context, who access.Principal, c reserve.Capacity) (reserve.Capacity, error) {
	return create(ctx, who, c, s.store.CreateCapacity)
}

// create runs a store's create method for who. The store validates v
// (each type's Validate) before it writes anything.
func create[T any](ctx context.Context, who access.Principal, v T, fn func(context.Context, T) (T, error)) (T, error) {
	if err := check(who); err != nil {
		return v, err
	}
	return fn(ctx, v)
}
