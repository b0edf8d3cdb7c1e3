package store

import (
	"context"
	"database/sql"
)

// MigrateTo exposes migrateTo to the tests of package store_test, which
// upgrade a database that holds data.
func (s *Store) MigrateTo(ctx context.Context, target int) error {
	return s.migrateTo(ctx, target, nil)
}

// VerifyInRanges is Verify with ranges of as few as minRange entries
// checked in parallel, so that tests of small ledgers cover the merge.
func (s *Store) VerifyInRanges(ctx context.Context, minRange int64) (VerifyReport, error) {
	return s.verify(ctx, nil, minRange)
}

// CleanInRanges reports whether the parallel pass of Verify, in ranges of
// minRange entries, finds the ledger clean by itself.
func (s *Store) CleanInRanges(ctx context.Context, minRange int64) (bool, error) {
	tx, err := s.rdb.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	var head ledgerHead
	if err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM ledger_head WHERE id = 1`).Scan(&head.seq, &head.hash); err != nil {
		return false, err
	}
	var rep VerifyReport
	_, clean, err := s.verifyChainParallel(ctx, tx, head, minRange, nil, &rep)
	return clean, err
}
