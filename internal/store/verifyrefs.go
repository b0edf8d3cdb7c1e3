package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
)

// BrokenRef is a reference of the ledger that leads nowhere, or to the
// wrong row: an entry's depot or lot that does not exist, an entry whose
// item is not its lot's, or a lot whose item, owner or first depot does
// not exist. On PostgreSQL no foreign key guards these (migration step 8),
// so Verify does.
type BrokenRef struct {
	Table string `json:"table"` // "movements" or "lots"
	Row   string `json:"row"`   // the row: "depot 3, lot 17" or "lot 17"
	Field string `json:"field"` // depot_id, lot_id, item_id, owner_id
	Value int64  `json:"value"` // the id it names
}

// lotRef is what Verify reads of a lot.
type lotRef struct{ id, item int64 }

// verifyRefs checks the references of the entries (as recomputed into
// sums: every depot and lot an entry names, and its item) and of the lots.
// The lots are read in id order, so that finding one is a binary search
// over two integers a lot rather than a map.
func verifyRefs(ctx context.Context, tx *sql.Tx, sums map[balanceKey]sum, rep *VerifyReport) error {
	depots, err := idSet(ctx, tx, `SELECT id FROM depots`)
	if err != nil {
		return err
	}
	items, err := idSet(ctx, tx, `SELECT id FROM items`)
	if err != nil {
		return err
	}
	orgs, err := idSet(ctx, tx, `SELECT id FROM orgs`)
	if err != nil {
		return err
	}
	broken := func(r BrokenRef) {
		if len(rep.BrokenRefs) < maxMismatches {
			rep.BrokenRefs = append(rep.BrokenRefs, r)
		}
	}
	lots, err := readLotRefs(ctx, tx, func(id, item, owner int64, depot sql.NullInt64) {
		row := fmt.Sprintf("lot %d", id)
		if !items[item] {
			broken(BrokenRef{Table: "lots", Row: row, Field: "item_id", Value: item})
		}
		if !orgs[owner] {
			broken(BrokenRef{Table: "lots", Row: row, Field: "owner_id", Value: owner})
		}
		if depot.Valid && !depots[depot.Int64] {
			broken(BrokenRef{Table: "lots", Row: row, Field: "depot_id", Value: depot.Int64})
		}
	})
	if err != nil {
		return err
	}
	for k, b := range sums {
		row := fmt.Sprintf("depot %d, lot %d", k.depot, k.lot)
		if !depots[k.depot] {
			broken(BrokenRef{Table: "movements", Row: row, Field: "depot_id", Value: k.depot})
		}
		i, found := slices.BinarySearchFunc(lots, k.lot, func(l lotRef, id int64) int { return cmp.Compare(l.id, id) })
		switch {
		case !found:
			broken(BrokenRef{Table: "movements", Row: row, Field: "lot_id", Value: k.lot})
		case lots[i].item != b.item:
			broken(BrokenRef{Table: "movements", Row: row, Field: "item_id", Value: b.item})
		}
	}
	return nil
}

// readLotRefs reads every lot in id order, calling check with its
// references, and returns the lots' ids and items.
func readLotRefs(ctx context.Context, tx *sql.Tx, check func(id, item, owner int64, depot sql.NullInt64)) ([]lotRef, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, item_id, owner_id, depot_id FROM lots ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: verify references: %w", err)
	}
	defer rows.Close()
	var lots []lotRef
	for rows.Next() {
		var l lotRef
		var owner int64
		var depot sql.NullInt64
		if err := rows.Scan(&l.id, &l.item, &owner, &depot); err != nil {
			return nil, fmt.Errorf("store: verify references: %w", err)
		}
		check(l.id, l.item, owner, depot)
		lots = append(lots, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: verify references: %w", err)
	}
	return lots, nil
}

// idSet reads a column of ids into a set.
func idSet(ctx context.Context, tx *sql.Tx, query string) (map[int64]bool, error) {
	rows, err := tx.QueryContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("store: verify references: %w", err)
	}
	defer rows.Close()
	set := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: verify references: %w", err)
		}
		set[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: verify references: %w", err)
	}
	return set, nil
}
