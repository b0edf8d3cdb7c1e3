package store

import "context"

// MigrateTo exposes migrateTo to the tests of package store_test, which
// upgrade a database that holds data.
func (s *Store) MigrateTo(ctx context.Context, target int) error {
	return s.migrateTo(ctx, target, nil)
}
