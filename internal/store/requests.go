package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/request"
)

// requestSchema is step 15's part for requests for supplies (需求申报).
var requestSchema = []string{
	`CREATE TABLE requests (
		id              {{id}},
		area            TEXT NOT NULL,
		at_area         TEXT NOT NULL DEFAULT '',
		status          TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected', 'withdrawn')),
		body            TEXT NOT NULL,
		idempotency_key TEXT NOT NULL,
		request_hash    TEXT NOT NULL,
		created_by      TEXT NOT NULL,
		created_at      BIGINT NOT NULL,
		version         BIGINT NOT NULL DEFAULT 1,
		UNIQUE (created_by, idempotency_key)
	)`,
	`CREATE INDEX requests_waiting ON requests (status, at_area)`,
}

// CreateRequest stores a new request, waiting for the level above its
// area. The area must exist, in use, below the city. A retry under the
// same idempotency key by the same person is stored once.
func (s *Store) CreateRequest(ctx context.Context, r request.Request) (request.Request, error) {
	if err := r.Validate(); err != nil {
		return r, err
	}
	hash, err := hashRequest(r.Area, r.SiteName, r.Point, r.WithinHours, r.Lines, r.Note)
	if err != nil {
		return r, err
	}
	var out request.Request
	err = s.InTx(ctx, func(tx *Store) error {
		if id, err := tx.storedUnder(ctx, "requests", r.CreatedBy, r.IdempotencyKey, hash); err != nil || id != 0 {
			if err == nil {
				out, err = tx.Request(ctx, id)
			}
			return err
		}
		a, err := tx.Area(ctx, r.Area)
		if err != nil {
			return withField(err, "area")
		}
		if a.Level == area.LevelCity || a.ParentCode == "" {
			return apperr.New(apperr.Invalid, "request.city", "市级不向自己申报：请直接登记事件需求",
				"the city does not request from itself: record the incident's demand").WithField("area")
		}
		r.Status, r.AtArea, r.Steps, r.CreatedAt, r.Version = request.StatusPending, a.ParentCode, nil, tx.now().Unix(), 1
		r.Incident, r.Site = "", ""
		if err := tx.queryRow(ctx, `INSERT INTO requests (area, at_area, status, body, idempotency_key, request_hash, created_by,
			created_at) VALUES (?, ?, ?, '{}', ?, ?, ?, ?) RETURNING id`, r.Area, r.AtArea, string(r.Status), r.IdempotencyKey, hash,
			r.CreatedBy, r.CreatedAt).Scan(&r.ID); err != nil {
			return fmt.Errorf("store: request: %w", err)
		}
		out = r
		return tx.saveRequest(ctx, r, 0)
	})
	return out, err
}

// saveRequest writes a request's body and state if its version is still
// version (0: the row was just made).
func (s *Store) saveRequest(ctx context.Context, r request.Request, version int64) error {
	body, err := json.Marshal(r)
	if err != nil {
		return err
	}
	q, args := `UPDATE requests SET body = ? WHERE id = ?`, []any{string(body), r.ID}
	if version != 0 {
		q = `UPDATE requests SET body = ?, status = ?, at_area = ?, version = version + 1 WHERE id = ? AND version = ?`
		args = []any{string(body), string(r.Status), r.AtArea, r.ID, version}
	}
	res, err := s.exec(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("store: request %d: %w", r.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return apperr.New(apperr.Conflict, "request.changed", "需求申报 #%d 已被他人处理，请刷新",
			"request #%d was changed meanwhile; reload it", r.ID)
	}
	return nil
}

// Request returns a request.
func (s *Store) Request(ctx context.Context, id int64) (request.Request, error) {
	var r request.Request
	var body string
	var version int64
	if err := s.queryRow(ctx, `SELECT body, version FROM requests WHERE id = ?`, id).Scan(&body, &version); err != nil {
		return r, notFound(err, "request", "需求申报", strconv.FormatInt(id, 10))
	}
	err := json.Unmarshal([]byte(body), &r)
	r.Version = version
	return r, err
}

// RequestFilter selects requests.
type RequestFilter struct {
	Status string
	AtArea string // waiting for this area
	Area   string // made by this area
	Limit  int    // 1 to 1000, else 100
}

// Requests lists requests, newest first.
func (s *Store) Requests(ctx context.Context, f RequestFilter) ([]request.Request, error) {
	var w where
	w.addIf(f.Status, "status = ?")
	w.addIf(f.AtArea, "at_area = ?")
	w.addIf(f.Area, "area = ?")
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	rows, err := s.query(ctx, `SELECT body, version FROM requests`+w.String()+`ORDER BY id DESC LIMIT `+strconv.Itoa(limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: requests: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (x request.Request, err error) {
		var body string
		if err = r.Scan(&body, &x.Version); err != nil {
			return x, err
		}
		v := x.Version
		err = json.Unmarshal([]byte(body), &x)
		x.Version = v
		return x, err
	})
}

// DecideRequest applies a decision to a request in one transaction (see
// request.Request.Decide). Accepting it adds a site with its demands to the
// incident, which must be open: the planner plans for it from then on.
func (s *Store) DecideRequest(ctx context.Context, id int64, d request.Decision, actor, note, incident string) (request.Request, error) {
	var out request.Request
	err := s.InTx(ctx, func(tx *Store) error {
		r, err := tx.Request(ctx, id)
		if err != nil {
			return err
		}
		var at request.Level
		if r.AtArea != "" {
			a, err := tx.Area(ctx, r.AtArea)
			if err != nil {
				return err
			}
			at = request.Level{Code: a.Code, Level: a.Level, Parent: a.ParentCode}
		}
		version := r.Version
		if out, err = r.Decide(d, at, actor, tx.now().Unix(), note, incident); err != nil {
			return err
		}
		if out.Status == request.StatusAccepted {
			if err := tx.acceptRequest(ctx, &out); err != nil {
				return err
			}
		}
		return tx.saveRequest(ctx, out, version)
	})
	return out, err
}

// acceptRequest adds an accepted request to its incident as a site.
func (s *Store) acceptRequest(ctx context.Context, r *request.Request) error {
	in, err := s.Incident(ctx, r.Incident)
	if err != nil {
		return withField(err, "incident")
	}
	if err := in.Plannable(); err != nil {
		return withField(err, "incident")
	}
	st := dispatch.Site{Code: r.SiteCode(), Name: r.SiteName, Point: r.Point}
	for _, l := range r.Lines {
		st.Demands = append(st.Demands, dispatch.Demand{Item: l.Item, Quantity: l.Quantity, WithinHours: r.WithinHours})
	}
	in.Sites = append(in.Sites, st)
	if _, err := s.SaveIncident(ctx, in); err != nil {
		return err
	}
	r.Site = st.Code
	return nil
}
