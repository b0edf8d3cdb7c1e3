package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// MovementFilter narrows Movements; zero fields do not filter.
type MovementFilter struct {
	Depot    string // depot code
	Lot      string // lot code
	Item     string // item code
	Posting  int64
	AfterSeq int64 // entries after this sequence number (for paging)
	Limit    int   // default 100, at most 20,000
	// View limits the rows to what an actor may see (access.Actor.View);
	// nil does not limit.
	View *access.View
}

// Movements lists ledger entries in chain order.
func (s *Store) Movements(ctx context.Context, f MovementFilter) ([]stock.Entry, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	f.Limit = min(f.Limit, 20000)
	var w where
	w.add("m.seq > ?", f.AfterSeq)
	if f.Posting != 0 {
		w.add("m.posting_id = ?", f.Posting)
	}
	w.addIf(f.Depot, "d.code = ?")
	w.addIf(f.Lot, "l.code = ?")
	w.addIf(f.Item, "i.code = ?")
	w.visible(f.View, "d", "l.owner_id")
	rows, err := s.query(ctx, `SELECT m.seq, m.posting_id, m.kind, m.depot_id, m.lot_id, m.item_id, m.delta,
		m.actor, m.reason, m.at, m.prev_hash, m.hash, d.code, l.code, i.code
		FROM movements m JOIN depots d ON d.id = m.depot_id JOIN lots l ON l.id = m.lot_id
		JOIN items i ON i.id = m.item_id`+w.String()+`ORDER BY m.seq LIMIT ?`, append(w.args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("store: movements: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (e stock.Entry, err error) {
		var kind string
		err = r.Scan(&e.Seq, &e.PostingID, &kind, &e.DepotID, &e.LotID, &e.ItemID, &e.Delta, &e.Actor, &e.Reason,
			&e.At, &e.PrevHash, &e.Hash, &e.DepotCode, &e.LotCode, &e.ItemCode)
		e.Kind = stock.EntryKind(kind)
		return e, err
	})
}
