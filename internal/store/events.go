package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/audit"
	"github.com/stockpile-dev/stockpile/internal/event"
)

// The change feed is written here, in the transaction of each change
// (migration step 9): Audit appends the event of every audit record, and
// every posting appends one event when its lines are written. Ids are
// taken from audit_head.event_seq under the audit head's row lock, held
// to the commit, so they are handed out in commit order.

// place is an access.Place as stored in events.places.
type place struct {
	AreaPath string `json:"a,omitempty"`
	Org      string `json:"o,omitempty"`
	Depot    string `json:"d,omitempty"`
}

// appendEvent stores e under the next id, taken from the audit head's
// row, whose lock the transaction then holds to its commit.
func (s *Store) appendEvent(ctx context.Context, e event.Event) (int64, error) {
	if err := s.queryRow(ctx, `UPDATE audit_head SET event_seq = event_seq + 1 WHERE id = 1 RETURNING event_seq`).
		Scan(&e.ID); err != nil {
		return 0, fmt.Errorf("store: event id: %w", err)
	}
	ps := make([]place, len(e.Places))
	for i, p := range e.Places {
		ps[i] = place(p)
	}
	places, err := json.Marshal(ps)
	if err != nil {
		return 0, fmt.Errorf("store: event places: %w", err)
	}
	if _, err := s.exec(ctx, `INSERT INTO events (id, at, kind, principal, object_kind, object_id, object_version, data,
		places) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.ID, e.At, e.Kind, e.Principal, e.Object.Kind, e.Object.ID,
		e.Object.Version, nullJSON(e.Data), string(places)); err != nil {
		return 0, fmt.Errorf("store: event: %w", err)
	}
	return e.ID, nil
}

// auditEvent appends the event of audit record r, placed where its object
// lies when it is a depot, an organisation, an area or a reserve.
func (s *Store) auditEvent(ctx context.Context, r audit.Record) error {
	var places []access.Place
	if _, ok := placeQueries[r.Object.Kind]; ok && r.Object.ID != "" {
		var err error
		if places, err = s.Places(ctx, r.Object.Kind, r.Object.ID); err != nil {
			return fmt.Errorf("store: event places: %w", err)
		}
	}
	_, err := s.appendEvent(ctx, event.FromAudit(r, places))
	return err
}

// postingEvent appends the event of the posting pp has written: lines
// lines, its entries from first on, placed at the depots it named.
// appendEvent takes the audit head after the ledger head, the order every
// transaction keeps.
func (pp *poster) postingEvent(ctx context.Context, lines, first int64) error {
	codes := make([]string, 0, len(pp.depots))
	for code := range pp.depots {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	places := make([]access.Place, len(codes))
	for i, code := range codes {
		places[i] = pp.depots[code].place
	}
	data := event.Posting{ID: pp.id, Reason: pp.reason, Lines: lines, Entries: pp.count, Depots: codes}
	if pp.count > 0 {
		data.FirstSeq, data.LastSeq = first, pp.head.seq
	}
	body, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("store: posting event: %w", err)
	}
	_, err = pp.s.appendEvent(ctx, event.Event{At: pp.at, Kind: event.KindPosting, Principal: pp.actor,
		Object: audit.Object{Kind: "posting", ID: fmt.Sprint(pp.id)}, Data: body, Places: places})
	return err
}

// MaxEventPage bounds a page of events.
const MaxEventPage = 1000

// Events returns up to limit events after id after, in id order: a
// search of the primary key, whatever the length of the feed.
func (s *Store) Events(ctx context.Context, after int64, limit int) ([]event.Event, error) {
	limit = min(max(limit, 1), MaxEventPage)
	rows, err := s.query(ctx, `SELECT id, at, kind, principal, object_kind, object_id, object_version, data, places
		FROM events WHERE id > ? ORDER BY id LIMIT ?`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("store: events: %w", err)
	}
	defer rows.Close()
	var out []event.Event
	for rows.Next() {
		var e event.Event
		var data sql.NullString
		var places string
		if err := rows.Scan(&e.ID, &e.At, &e.Kind, &e.Principal, &e.Object.Kind, &e.Object.ID, &e.Object.Version,
			&data, &places); err != nil {
			return nil, fmt.Errorf("store: events: %w", err)
		}
		if data.Valid {
			e.Data = json.RawMessage(data.String)
		}
		var ps []place
		if err := json.Unmarshal([]byte(places), &ps); err != nil {
			return nil, fmt.Errorf("store: event %d places: %w", e.ID, err)
		}
		for _, p := range ps {
			e.Places = append(e.Places, access.Place(p))
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// LastEventID is the id of the newest event, 0 when there is none.
func (s *Store) LastEventID(ctx context.Context) (int64, error) {
	var id int64
	err := s.queryRow(ctx, `SELECT event_seq FROM audit_head WHERE id = 1`).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: last event: %w", err)
	}
	return id, nil
}
