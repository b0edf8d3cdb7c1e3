package ops

import (
	"context"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/supplier"
)

// The directory of qualified suppliers (合格供应商名录, BRIEF C4 and C11).
// Like the catalogue it is the city's: a city-level scope keeps it
// (supplier.write), and everyone who may read the catalogue and the
// organisations may read it (reference.read).

// actSupplierRead reads the directory.
const actSupplierRead = access.ReferenceRead

// CreateSupplier adds an enterprise to the directory (city scope only);
// who adds it. See store.Store.CreateSupplier.
func (s *Service) CreateSupplier(ctx context.Context, who access.Actor, x supplier.Supplier) (supplier.Supplier, error) {
	if err := s.allowCity(ctx, who, access.SupplierWrite); err != nil {
		return x, err
	}
	x.CreatedBy = who.ID
	return create(ctx, s, who, "supplier", x, (*store.Store).CreateSupplier,
		func(v supplier.Supplier) string { return v.Org })
}

// UpdateSupplier changes a directory entry's contacts, qualifications,
// categories and note (city scope only); a stale version is edit.stale.
func (s *Service) UpdateSupplier(ctx context.Context, who access.Actor, x supplier.Supplier) (supplier.Supplier, error) {
	if err := s.allowCity(ctx, who, access.SupplierWrite); err != nil {
		return x, err
	}
	return edit(ctx, s, who, "supplier.update", "supplier", x.Org,
		func(tx *store.Store) (supplier.Supplier, supplier.Supplier, error) {
			return tx.UpdateSupplier(ctx, x, who.ID)
		},
		func(v supplier.Supplier) int64 { return v.Version })
}

// SetSupplierStatus suspends, reinstates or removes a supplier with a
// reason (city scope only), recorded as "supplier.<step>". version is the
// one the step was based on (0: the current one); a stale one is
// edit.stale, an illegal step supplier.status.
func (s *Service) SetSupplierStatus(ctx context.Context, who access.Actor, orgCode string, step supplier.Step,
	reason string, version int64) (supplier.Supplier, error) {
	if err := s.allowCity(ctx, who, access.SupplierWrite); err != nil {
		return supplier.Supplier{}, err
	}
	return edit(ctx, s, who, "supplier."+string(step), "supplier", orgCode,
		func(tx *store.Store) (supplier.Supplier, supplier.Supplier, error) {
			return tx.SetSupplierStatus(ctx, orgCode, step, reason, version, who.ID)
		},
		func(v supplier.Supplier) int64 { return v.Version })
}

// Supplier returns a directory entry with its standing today.
func (s *Service) Supplier(ctx context.Context, who access.Actor, orgCode string) (supplier.Supplier, error) {
	if err := who.Allow(actSupplierRead); err != nil {
		return supplier.Supplier{}, err
	}
	return s.store.Supplier(ctx, orgCode)
}

// Suppliers lists the directory, filtered by category, status and
// qualifications expiring or expired, each entry with its standing today.
func (s *Service) Suppliers(ctx context.Context, who access.Actor, f store.SupplierFilter) ([]supplier.Supplier, error) {
	if err := who.Allow(actSupplierRead); err != nil {
		return nil, err
	}
	return s.store.Suppliers(ctx, f)
}
