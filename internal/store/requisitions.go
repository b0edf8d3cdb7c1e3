package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/contact"
	"github.com/stockpile-dev/stockpile/internal/money"
	"github.com/stockpile-dev/stockpile/internal/requisition"
)

// Emergency requisitions of private goods (紧急征用, BRIEF C11; package
// requisition decides, this file applies): the record and its lines, and
// each step of its life (return, assessment, payment, cancellation) as
// one guarded update. Amounts are whole fen (BIGINT), never floats.

// requisitionSchema is step 15's part for requisitions.
var requisitionSchema = []string{
	`CREATE TABLE requisitions (
		id               {{id}},
		incident         TEXT NOT NULL,
		area_id          BIGINT NOT NULL REFERENCES areas (id),
		status           TEXT NOT NULL CHECK (status IN ('requisitioned', 'returned', 'assessed', 'compensated', 'cancelled')),
		owner_kind       TEXT NOT NULL CHECK (owner_kind IN ('person', 'unit')),
		owner_name       TEXT NOT NULL,
		owner_id_number  TEXT NOT NULL DEFAULT '',
		owner_phone      TEXT NOT NULL,
		reason           TEXT NOT NULL,
		place            TEXT NOT NULL,
		requisitioned_at BIGINT NOT NULL,
		value_fen        BIGINT NOT NULL CHECK (value_fen >= 0),
		returned_at      BIGINT NOT NULL DEFAULT 0,
		return_note      TEXT NOT NULL DEFAULT '',
		compensation_fen BIGINT CHECK (compensation_fen >= 0),
		basis            TEXT NOT NULL DEFAULT '',
		assessed_by      TEXT NOT NULL DEFAULT '',
		assessed_at      BIGINT NOT NULL DEFAULT 0,
		paid_at          BIGINT NOT NULL DEFAULT 0,
		voucher          TEXT NOT NULL DEFAULT '',
		paid_by          TEXT NOT NULL DEFAULT '',
		cancel_reason    TEXT NOT NULL DEFAULT '',
		idempotency_key  TEXT,
		request_hash     TEXT NOT NULL,
		created_by       TEXT NOT NULL,
		created_at       BIGINT NOT NULL,
		updated_by       TEXT NOT NULL,
		updated_at       BIGINT NOT NULL,
		version          BIGINT NOT NULL DEFAULT 1,
		CHECK (compensation_fen IS NOT NULL OR status NOT IN ('assessed', 'compensated')),
		UNIQUE (created_by, idempotency_key)
	)`,
	// An incident's requisitions, by status: the lists and the sums of
	// compensation per incident (and an incident's cost) read this range.
	`CREATE INDEX requisitions_incident ON requisitions (incident, status, id)`,
	`CREATE INDEX requisitions_status ON requisitions (status, id)`,
	`CREATE TABLE requisition_lines (
		requisition_id   BIGINT NOT NULL REFERENCES requisitions (id),
		n                INTEGER NOT NULL,
		description      TEXT NOT NULL,
		item_id          BIGINT REFERENCES items (id),
		quantity         BIGINT NOT NULL CHECK (quantity > 0),
		unit             TEXT NOT NULL,
		value_fen        BIGINT NOT NULL CHECK (value_fen >= 0),
		return_condition TEXT NOT NULL DEFAULT '' CHECK (return_condition IN ('', 'intact', 'damaged', 'lost')),
		condition_note   TEXT NOT NULL DEFAULT '',
		PRIMARY KEY (requisition_id, n)
	)`,
}

const requisitionColumns = `SELECT r.id, r.incident, a.code, r.status, r.owner_kind, r.owner_name, r.owner_id_number,
	r.owner_phone, r.reason, r.place, r.requisitioned_at, r.value_fen, r.returned_at, r.return_note, r.compensation_fen,
	r.basis, r.assessed_by, r.assessed_at, r.paid_at, r.voucher, r.paid_by, r.cancel_reason, r.created_by, r.created_at,
	r.updated_by, r.updated_at, r.version FROM requisitions r JOIN areas a ON a.id = r.area_id`

func scanRequisition(r interface{ Scan(...any) error }) (x requisition.Requisition, err error) {
	var status, kind string
	var comp sql.NullInt64
	err = r.Scan(&x.ID, &x.Incident, &x.Area, &status, &kind, &x.Owner.Name, &x.Owner.IDNumber, &x.Owner.Phone, &x.Reason,
		&x.Place, &x.RequisitionedAt, &x.Value, &x.ReturnedAt, &x.ReturnNote, &comp, &x.Basis, &x.AssessedBy,
		&x.AssessedAt, &x.PaidAt, &x.Voucher, &x.PaidBy, &x.CancelReason, &x.CreatedBy, &x.CreatedAt, &x.UpdatedBy,
		&x.UpdatedAt, &x.Version)
	x.Status, x.Owner.Kind = requisition.Status(status), contact.IDKind(kind)
	if comp.Valid {
		f := money.Fen(comp.Int64)
		x.Compensation = &f
	}
	return x, err
}

// Requisition returns a requisition with its lines.
func (s *Store) Requisition(ctx context.Context, id int64) (requisition.Requisition, error) {
	x, err := scanRequisition(s.queryRow(ctx, requisitionColumns+` WHERE r.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return x, apperr.New(apperr.NotFound, "requisition.not_found", "征用记录 #%d 不存在",
			"requisition #%d not found", id)
	}
	if err != nil {
		return x, fmt.Errorf("store: requisition %d: %w", id, err)
	}
	list := []requisition.Requisition{x}
	if err := s.requisitionLines(ctx, list); err != nil {
		return x, err
	}
	return list[0], nil
}

// requisitionLines fills in the lines of the requisitions of list, in
// one query.
func (s *Store) requisitionLines(ctx context.Context, list []requisition.Requisition) error {
	if len(list) == 0 {
		return nil
	}
	at := make(map[int64]int, len(list))
	ids := make([]any, len(list))
	for i, x := range list {
		at[x.ID], ids[i] = i, x.ID
		list[i].Lines = []requisition.Line{}
	}
	rows, err := s.query(ctx, `SELECT l.requisition_id, l.n, l.description, COALESCE(i.code, ''), l.quantity, l.unit,
		l.value_fen, l.return_condition, l.condition_note FROM requisition_lines l LEFT JOIN items i ON i.id = l.item_id
		WHERE l.requisition_id IN (?`+strings.Repeat(`, ?`, len(ids)-1)+`) ORDER BY l.requisition_id, l.n`, ids...)
	if err != nil {
		return fmt.Errorf("store: requisition lines: %w", err)
	}
	_, err = collect(rows, func(r *sql.Rows) (struct{}, error) {
		var id int64
		var l requisition.Line
		var cond string
		err := r.Scan(&id, &l.N, &l.Description, &l.Item, &l.Quantity, &l.Unit, &l.Value, &cond, &l.ConditionNote)
		l.Condition = requisition.Condition(cond)
		if i, ok := at[id]; ok && err == nil {
			list[i].Lines = append(list[i].Lines, l)
		}
		return struct{}{}, err
	})
	return err
}

// RequisitionFilter narrows Requisitions; zero fields do not filter.
type RequisitionFilter struct {
	Incident string
	Status   requisition.Status
	Area     string // area code: requisitions in its subtree
	Limit    int    // 1 to 1000; anything else means 200
}

// Requisitions lists requisitions with their lines, newest first.
func (s *Store) Requisitions(ctx context.Context, f RequisitionFilter) ([]requisition.Requisition, error) {
	var w where
	w.addIf(f.Incident, "r.incident = ?")
	if f.Status != "" {
		if !f.Status.Valid() {
			return nil, apperr.New(apperr.Invalid, "requisition.status_invalid",
				"征用状态「%s」无效：应为 requisitioned、returned、assessed、compensated 或 cancelled",
				"requisition status %q is invalid: want requisitioned, returned, assessed, compensated or cancelled",
				string(f.Status)).WithField("status")
		}
		w.add("r.status = ?", string(f.Status))
	}
	if f.Area != "" {
		prefix, err := s.subtreePrefix(ctx, f.Area)
		if err != nil {
			return nil, withField(err, "area")
		}
		w.add("a.path LIKE ?", prefix+"%")
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 200
	}
	rows, err := s.query(ctx, requisitionColumns+w.String()+`ORDER BY r.id DESC LIMIT `+strconv.Itoa(f.Limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: requisitions: %w", err)
	}
	list, err := collect(rows, func(r *sql.Rows) (requisition.Requisition, error) { return scanRequisition(r) })
	if err != nil {
		return nil, err
	}
	return list, s.requisitionLines(ctx, list)
}

// CreateRequisition stores a requisition (requisition.Requisition.Validate
// on the store's clock) in one transaction: its incident must exist, its
// area exist and be in use, and each line's catalogue item, when named,
// exist. Under an idempotency key (optional) a retry by the same person
// returns the requisition stored the first time (replayed true), or
// idempotency.key_reused when it asked for something else. CreatedBy is
// the caller's.
func (s *Store) CreateRequisition(ctx context.Context, x requisition.Requisition, key string) (requisition.Requisition, bool, error) {
	if strings.TrimSpace(x.CreatedBy) == "" {
		return x, false, apperr.Required("created_by", "登记人", "who records the requisition")
	}
	if len(key) > 200 {
		return x, false, apperr.New(apperr.Invalid, "requisition.key", "幂等键最多 200 个字符",
			"the idempotency key holds at most 200 characters").WithField("idempotency_key")
	}
	given := x
	given.ID, given.CreatedAt, given.UpdatedBy, given.UpdatedAt, given.Version = 0, 0, "", 0, 0
	body, err := json.Marshal(given)
	if err != nil {
		return x, false, fmt.Errorf("store: requisition: %w", err)
	}
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	now := s.now().Unix()
	out, err := x.Validate(now)
	if err != nil {
		return x, false, err
	}
	replayed := false
	err = s.InTx(ctx, func(tx *Store) error {
		var nullKey sql.NullString
		if key != "" {
			nullKey = sql.NullString{String: key, Valid: true}
			if id, err := tx.storedUnder(ctx, "requisitions", x.CreatedBy, key, hash); err != nil || id != 0 {
				if err == nil {
					replayed = true
					out, err = tx.Requisition(ctx, id)
				}
				return err
			}
		}
		if _, err := tx.Incident(ctx, out.Incident); err != nil {
			return withField(err, "incident")
		}
		a, err := tx.areaInUse(ctx, out.Area, "area")
		if err != nil {
			return err
		}
		items := make([]sql.NullInt64, len(out.Lines))
		for i, l := range out.Lines {
			if l.Item == "" {
				continue
			}
			it, err := tx.Item(ctx, l.Item)
			if err != nil {
				return withField(err, fmt.Sprintf("lines[%d].item", i))
			}
			items[i] = sql.NullInt64{Int64: it.ID, Valid: true}
		}
		out.CreatedAt, out.UpdatedBy, out.UpdatedAt, out.Version = now, out.CreatedBy, now, 1
		if err := tx.queryRow(ctx, `INSERT INTO requisitions (incident, area_id, status, owner_kind, owner_name,
			owner_id_number, owner_phone, reason, place, requisitioned_at, value_fen, idempotency_key, request_hash,
			created_by, created_at, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			RETURNING id`, out.Incident, a.ID, string(out.Status), string(out.Owner.Kind), strings.TrimSpace(out.Owner.Name),
			out.Owner.IDNumber, strings.TrimSpace(out.Owner.Phone), strings.TrimSpace(out.Reason),
			strings.TrimSpace(out.Place), out.RequisitionedAt, int64(out.Value), nullKey, hash, out.CreatedBy, now,
			out.CreatedBy, now).Scan(&out.ID); err != nil {
			return fmt.Errorf("store: create requisition: %w", err)
		}
		for i, l := range out.Lines {
			if _, err := tx.exec(ctx, `INSERT INTO requisition_lines (requisition_id, n, description, item_id, quantity,
				unit, value_fen) VALUES (?, ?, ?, ?, ?, ?, ?)`, out.ID, l.N, strings.TrimSpace(l.Description), items[i],
				int64(l.Quantity), strings.TrimSpace(l.Unit), int64(l.Value)); err != nil {
				return fmt.Errorf("store: requisition line: %w", err)
			}
		}
		out, err = tx.Requisition(ctx, out.ID)
		return err
	})
	if err != nil {
		return x, false, err
	}
	return out, replayed, nil
}

// ActOnRequisition takes a step of a requisition's life
// (requisition.Requisition.Act, by who on the store's clock) in one
// transaction: the step is decided on the requisition as read, and
// applied only if it is still at that version; otherwise nothing changes
// and the answer is requisition.changed. It returns the requisition
// before and after.
func (s *Store) ActOnRequisition(ctx context.Context, id int64, a requisition.Act, who string) (before, after requisition.Requisition, err error) {
	err = s.InTx(ctx, func(tx *Store) error {
		if before, err = tx.Requisition(ctx, id); err != nil {
			return err
		}
		if after, err = before.Act(a, who, tx.now().Unix()); err != nil {
			return err
		}
		var comp sql.NullInt64
		if after.Compensation != nil {
			comp = sql.NullInt64{Int64: int64(*after.Compensation), Valid: true}
		}
		res, err := tx.exec(ctx, `UPDATE requisitions SET status = ?, returned_at = ?, return_note = ?, compensation_fen = ?,
			basis = ?, assessed_by = ?, assessed_at = ?, paid_at = ?, voucher = ?, paid_by = ?, cancel_reason = ?,
			updated_by = ?, updated_at = ?, version = version + 1 WHERE id = ? AND status = ? AND version = ?`,
			string(after.Status), after.ReturnedAt, after.ReturnNote, comp, after.Basis, after.AssessedBy,
			after.AssessedAt, after.PaidAt, after.Voucher, after.PaidBy, after.CancelReason, after.UpdatedBy,
			after.UpdatedAt, id, string(before.Status), before.Version)
		if err != nil {
			return fmt.Errorf("store: requisition step: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.New(apperr.Conflict, "requisition.changed", "征用记录 #%d 已被他人处理，请刷新",
				"requisition #%d was changed meanwhile; reload it", id)
		}
		if a.Step == requisition.StepReturn {
			for _, l := range after.Lines {
				if _, err := tx.exec(ctx, `UPDATE requisition_lines SET return_condition = ?, condition_note = ?
					WHERE requisition_id = ? AND n = ?`, string(l.Condition), l.ConditionNote, id, l.N); err != nil {
					return fmt.Errorf("store: requisition line: %w", err)
				}
			}
		}
		after, err = tx.Requisition(ctx, id)
		return err
	})
	return before, after, err
}

const (
	requisitionTotalsSelect = `SELECT incident, status, COUNT(*), COALESCE(SUM(value_fen), 0),
		COALESCE(SUM(compensation_fen), 0) FROM requisitions`
	requisitionTotalsGroup = `GROUP BY incident, status ORDER BY incident, status`
)

// RequisitionTotals sums the requisitions of each incident, or of one
// when incident is given (requisition.Totals), in incident order. The
// sums are exact (whole fen); an incident's read is bounded by its range
// of requisitions_incident.
func (s *Store) RequisitionTotals(ctx context.Context, incident string) ([]requisition.Totals, error) {
	var w where
	w.addIf(incident, "incident = ?")
	rows, err := s.query(ctx, requisitionTotalsSelect+w.String()+requisitionTotalsGroup, w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: requisition totals: %w", err)
	}
	type row struct {
		incident, status string
		n                int
		value, comp      int64
	}
	all, err := collect(rows, func(r *sql.Rows) (x row, err error) {
		err = r.Scan(&x.incident, &x.status, &x.n, &x.value, &x.comp)
		return x, err
	})
	if err != nil {
		return nil, err
	}
	out := []requisition.Totals{}
	for _, x := range all {
		if len(out) == 0 || out[len(out)-1].Incident != x.incident {
			out = append(out, requisition.Totals{Incident: x.incident, Count: map[requisition.Status]int{}})
		}
		t := &out[len(out)-1]
		st := requisition.Status(x.status)
		t.Count[st] += x.n
		if st != requisition.Cancelled {
			t.Value += money.Fen(x.value)
		}
		switch st {
		case requisition.Assessed:
			t.Assessed += money.Fen(x.comp)
			t.Unpaid += money.Fen(x.comp)
		case requisition.Compensated:
			t.Assessed += money.Fen(x.comp)
			t.Paid += money.Fen(x.comp)
		}
	}
	return out, nil
}
