package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/care"
	"github.com/stockpile-dev/stockpile/internal/depot"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// The care of stock in store (BRIEF C6; package care decides, this file
// applies): care schedules, the records of rounds done, what falls due,
// rotation plans and how full the depots are.

const careScheduleColumns = `SELECT id, code, kind, category, interval_days, name_zh, name_en, guide, created_by, created_at,
	retired_at, version FROM care_schedules`

func scanCareSchedule(r interface{ Scan(...any) error }) (c care.Schedule, err error) {
	var kind string
	err = r.Scan(&c.ID, &c.Code, &kind, &c.Category, &c.IntervalDays, &c.NameZH, &c.NameEN, &c.Guide, &c.CreatedBy,
		&c.CreatedAt, &c.RetiredAt, &c.Version)
	c.Kind = care.Kind(kind)
	return c, err
}

// CareSchedule returns the care schedule with the given code.
func (s *Store) CareSchedule(ctx context.Context, code string) (care.Schedule, error) {
	c, err := scanCareSchedule(s.queryRow(ctx, careScheduleColumns+` WHERE code = ?`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return c, apperr.New(apperr.NotFound, "care_schedule.not_found", "养护计划「%s」不存在",
			"care schedule %q not found", code)
	}
	if err != nil {
		return c, fmt.Errorf("store: care schedule %s: %w", code, err)
	}
	return c, nil
}

// CareSchedules lists the care schedules in code order, selected by
// retirement.
func (s *Store) CareSchedules(ctx context.Context, r Retirement) ([]care.Schedule, error) {
	var w where
	r.filter(&w, "care_schedules")
	rows, err := s.query(ctx, careScheduleColumns+w.String()+`ORDER BY code`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: care schedules: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (care.Schedule, error) { return scanCareSchedule(r) })
}

// CreateCareSchedule adds a care schedule (care.Schedule.Validate) whose
// category is a category or an item of the catalogue. CreatedAt,
// RetiredAt and Version are set here; CreatedBy is the caller's.
func (s *Store) CreateCareSchedule(ctx context.Context, c care.Schedule) (care.Schedule, error) {
	if err := c.Validate(); err != nil {
		return c, err
	}
	if strings.TrimSpace(c.CreatedBy) == "" {
		return c, apperr.Required("created_by", "制定人", "who sets the schedule")
	}
	if err := s.careCategoryKnown(ctx, c.Category); err != nil {
		return c, err
	}
	c.CreatedAt, c.RetiredAt, c.Version = s.now().Unix(), 0, 1
	err := s.queryRow(ctx, `INSERT INTO care_schedules (code, kind, category, interval_days, name_zh, name_en, guide,
		created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		c.Code, string(c.Kind), c.Category, c.IntervalDays, c.NameZH, c.NameEN, c.Guide, c.CreatedBy, c.CreatedAt).Scan(&c.ID)
	if err != nil {
		if s.dialect.isUniqueViolation(err) {
			return c, apperr.New(apperr.Conflict, "care_schedule.exists", "养护计划「%s」已存在",
				"care schedule %q already exists", c.Code).WithField("code")
		}
		return c, fmt.Errorf("store: create care schedule %s: %w", c.Code, err)
	}
	return c, nil
}

// careCategoryKnown checks that a schedule's category names a category
// (1, 3 or 5 digits) or an item (7) of the catalogue.
func (s *Store) careCategoryKnown(ctx context.Context, code string) error {
	var err error
	if len(code) == 7 {
		_, err = s.Item(ctx, code)
	} else {
		_, err = s.Category(ctx, code)
	}
	if isNotFound(err) {
		return apperr.New(apperr.Invalid, "care.category_unknown", "「%s」不是物资目录中的类目或物资",
			"%q is neither a category nor an item of the catalogue", code).WithField("category")
	}
	return err
}

// UpdateCareSchedule changes a schedule's kind, category, interval, names
// and guide (care.Schedule.Revise), if its version is still c.Version
// (else edit.stale), and bumps the version. It returns the schedule
// before and after.
func (s *Store) UpdateCareSchedule(ctx context.Context, c care.Schedule) (before, after care.Schedule, err error) {
	if before, err = s.CareSchedule(ctx, c.Code); err != nil {
		return before, after, err
	}
	if after, err = before.Revise(c); err != nil {
		return before, after, err
	}
	if err = s.careCategoryKnown(ctx, after.Category); err != nil {
		return before, after, err
	}
	if err = s.bump(ctx, "care_schedules", c.Code, c.Version, `kind = ?, category = ?, interval_days = ?, name_zh = ?,
		name_en = ?, guide = ?`, string(after.Kind), after.Category, after.IntervalDays, after.NameZH, after.NameEN,
		after.Guide); err != nil {
		return before, after, err
	}
	after, err = s.CareSchedule(ctx, c.Code)
	return before, after, err
}

// SetCareScheduleRetired retires (retired) or restores a schedule. A
// retired schedule keeps its records, falls out of the due lists and
// takes no new records.
func (s *Store) SetCareScheduleRetired(ctx context.Context, code string, retired bool) (before, after care.Schedule, err error) {
	if before, err = s.CareSchedule(ctx, code); err != nil {
		return before, after, err
	}
	if err = s.retire(ctx, "care_schedules", code, before.RetiredAt, before.Version, retired); err != nil {
		return before, after, err
	}
	after, err = s.CareSchedule(ctx, code)
	return before, after, err
}

// idOf returns the id of the row of table (depots or items) with code,
// or a NotFound error of what at field.
func (s *Store) idOf(ctx context.Context, table, code, what, whatZH, field string) (int64, error) {
	var id int64
	if err := s.queryRow(ctx, `SELECT id FROM `+table+` WHERE code = ?`, code).Scan(&id); err != nil {
		return 0, withField(notFound(err, what, whatZH, code), field)
	}
	return id, nil
}

// CreateCareRecord stores a round of inspection or maintenance done
// (care.Record.Validate on the store's today, then care.Schedule.Check):
// its schedule, depot and item must exist. DoneAt is set here; DoneBy is
// the caller's. A record changes no stock.
func (s *Store) CreateCareRecord(ctx context.Context, r care.Record) (care.Record, error) {
	if err := r.Validate(s.Today()); err != nil {
		return r, err
	}
	if strings.TrimSpace(r.DoneBy) == "" {
		return r, apperr.Required("done_by", "登记人", "who records it")
	}
	sched, err := s.CareSchedule(ctx, r.Schedule)
	if err != nil {
		return r, withField(err, "schedule")
	}
	if err := sched.Check(r); err != nil {
		return r, err
	}
	depotID, err := s.idOf(ctx, "depots", r.Depot, "depot", "储备库", "depot")
	if err != nil {
		return r, err
	}
	itemID, err := s.idOf(ctx, "items", r.Item, "item", "物资", "item")
	if err != nil {
		return r, err
	}
	r.DoneAt = s.now().Unix()
	if err := s.queryRow(ctx, `INSERT INTO care_records (schedule_id, depot_id, item_id, done_on, done_by, done_at, outcome,
		findings) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, sched.ID, depotID, itemID, r.DoneOn, r.DoneBy, r.DoneAt,
		string(r.Outcome), r.Findings).Scan(&r.ID); err != nil {
		return r, fmt.Errorf("store: create care record: %w", err)
	}
	return r, nil
}

// CareRecordFilter narrows CareRecords; zero fields do not filter.
type CareRecordFilter struct {
	Depot    string // depot code
	Item     string // item code
	Schedule string // schedule code
	// View limits the records to those of depots an actor may see
	// (access.Actor.View); nil does not limit.
	View  *access.View
	Limit int // 1 to 1000; anything else means 100
}

// CareRecords lists records of rounds done, latest day first.
func (s *Store) CareRecords(ctx context.Context, f CareRecordFilter) ([]care.Record, error) {
	var w where
	w.addIf(f.Depot, "d.code = ?")
	w.addIf(f.Item, "i.code = ?")
	w.addIf(f.Schedule, "c.code = ?")
	w.visible(f.View, "d", "")
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 100
	}
	rows, err := s.query(ctx, `SELECT r.id, c.code, d.code, i.code, r.done_on, r.outcome, r.findings, r.done_by, r.done_at
		FROM care_records r JOIN care_schedules c ON c.id = r.schedule_id JOIN depots d ON d.id = r.depot_id
		JOIN items i ON i.id = r.item_id`+w.String()+`ORDER BY r.done_on DESC, r.id DESC LIMIT `+strconv.Itoa(f.Limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: care records: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (c care.Record, err error) {
		var outcome string
		err = r.Scan(&c.ID, &c.Schedule, &c.Depot, &c.Item, &c.DoneOn, &outcome, &c.Findings, &c.DoneBy, &c.DoneAt)
		c.Outcome = care.Outcome(outcome)
		return c, err
	})
}

// CareDueRow is what one schedule asks of the stock of one item at one
// depot: when its next round falls due (care.Due).
type CareDueRow struct {
	Depot       string         `json:"depot"`
	DepotNameZH string         `json:"depot_name_zh"`
	DepotNameEN string         `json:"depot_name_en"`
	Item        string         `json:"item"`
	ItemNameZH  string         `json:"item_name_zh"`
	ItemNameEN  string         `json:"item_name_en"`
	UnitZH      string         `json:"unit_zh"`
	UnitEN      string         `json:"unit_en"`
	Quantity    stock.Quantity `json:"quantity"` // on hand at the depot
	Schedule    string         `json:"schedule"` // schedule code
	Kind        care.Kind      `json:"kind"`
	NameZH      string         `json:"name_zh"` // the schedule's names
	NameEN      string         `json:"name_en"`
	Interval    int            `json:"interval_days"`
	care.Due
}

// CareDue lists the rounds of care that fall due on today (YYYY-MM-DD)
// within withinDays, overdue ones included: for every depot in view (and
// in use), optionally only depot, every item it holds stock of
// (depot_stock) and every schedule in use that covers the item, when the
// last round recorded there (care_records_last) puts the next one. Stock
// never cared for is due today. Rows come soonest due first, then by
// depot, item and schedule.
//
// Its cost follows the depots in view and the items they hold (times the
// schedules, a handful), not the size of the ledger or of the records.
func (s *Store) CareDue(ctx context.Context, view *access.View, depotCode, today string, withinDays int) ([]CareDueRow, error) {
	var w where
	w.add("s.quantity > 0")
	w.add("d.retired_at = 0 AND d.role = 'depot'")
	w.addIf(depotCode, "d.code = ?")
	w.visible(view, "d", "")
	rows, err := s.query(ctx, `SELECT d.code, d.name_zh, d.name_en, i.code, i.name_zh, i.name_en, i.unit_zh, i.unit_en,
		s.quantity, c.code, c.kind, c.name_zh, c.name_en, c.interval_days,
		(SELECT MAX(r.done_on) FROM care_records r WHERE r.depot_id = s.depot_id AND r.item_id = s.item_id
			AND r.schedule_id = c.id)
		FROM depots d JOIN depot_stock s ON s.depot_id = d.id JOIN items i ON i.id = s.item_id
		JOIN care_schedules c ON c.retired_at = 0 AND i.code LIKE c.category || '%'`+w.String(), w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: care due: %w", err)
	}
	all, err := collect(rows, func(r *sql.Rows) (x CareDueRow, err error) {
		var kind string
		var last sql.NullString
		err = r.Scan(&x.Depot, &x.DepotNameZH, &x.DepotNameEN, &x.Item, &x.ItemNameZH, &x.ItemNameEN, &x.UnitZH,
			&x.UnitEN, &x.Quantity, &x.Schedule, &kind, &x.NameZH, &x.NameEN, &x.Interval, &last)
		x.Kind = care.Kind(kind)
		x.Due = care.NextDue(x.Interval, last.String, today, withinDays)
		return x, err
	})
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, x := range all {
		if x.Status != care.StatusLater {
			out = append(out, x)
		}
	}
	slices.SortFunc(out, func(a, b CareDueRow) int {
		return cmp.Or(cmp.Compare(a.DueOn, b.DueOn), cmp.Compare(a.Depot, b.Depot), cmp.Compare(a.Item, b.Item),
			cmp.Compare(a.Schedule, b.Schedule))
	})
	return out, nil
}

const rotationColumns = `SELECT r.id, d.code, l.code, i.code, r.quantity, r.method, COALESCE(t.code, ''), r.recipient,
	r.due_on, r.status, r.note, l.expires_on, r.created_by, r.created_at, r.done_by, r.done_at, r.posting_id
	FROM rotations r JOIN depots d ON d.id = r.depot_id JOIN lots l ON l.id = r.lot_id JOIN items i ON i.id = r.item_id
	LEFT JOIN depots t ON t.id = r.to_depot_id`

func scanRotation(r interface{ Scan(...any) error }) (x care.Rotation, err error) {
	var method, status string
	var posting sql.NullInt64
	err = r.Scan(&x.ID, &x.Depot, &x.Lot, &x.Item, &x.Quantity, &method, &x.ToDepot, &x.Recipient, &x.DueOn, &status,
		&x.Note, &x.ExpiresOn, &x.CreatedBy, &x.CreatedAt, &x.DoneBy, &x.DoneAt, &posting)
	x.Method, x.Status, x.PostingID = care.Method(method), care.RotationStatus(status), posting.Int64
	return x, err
}

// Rotation returns a rotation plan.
func (s *Store) Rotation(ctx context.Context, id int64) (care.Rotation, error) {
	x, err := scanRotation(s.queryRow(ctx, rotationColumns+` WHERE r.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return x, care.RotationNotFound(id)
	}
	if err != nil {
		return x, fmt.Errorf("store: rotation %d: %w", id, err)
	}
	return x, nil
}

// RotationFilter narrows Rotations; zero fields do not filter.
type RotationFilter struct {
	Depot  string // depot code: plans taking units out of it, or transferring them to it
	Status care.RotationStatus
	// DueBy (YYYY-MM-DD) keeps the plans due on or before that day: with
	// Status planned, those to carry out soon, or late.
	DueBy string
	// View limits the plans to those whose depot, or destination, an
	// actor may see (access.Actor.View); nil does not limit.
	View  *access.View
	Limit int // 1 to 1000; anything else means 100
}

// Rotations lists rotation plans: planned ones (Status planned) soonest
// due first, the others newest first.
func (s *Store) Rotations(ctx context.Context, f RotationFilter) ([]care.Rotation, error) {
	var w where
	if f.Depot != "" {
		w.add("(d.code = ? OR t.code = ?)", f.Depot, f.Depot)
	}
	w.addIf(string(f.Status), "r.status = ?")
	w.addIf(f.DueBy, "r.due_on <= ?")
	if f.View != nil && !f.View.All {
		var from, to where
		from.visible(f.View, "d", "")
		to.visible(f.View, "t", "")
		w.add("("+from.conds[0]+" OR "+to.conds[0]+")", append(from.args, to.args...)...)
	}
	order := `ORDER BY r.id DESC`
	if f.Status == care.RotationPlanned {
		order = `ORDER BY r.due_on, r.id`
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 100
	}
	rows, err := s.query(ctx, rotationColumns+w.String()+order+` LIMIT `+strconv.Itoa(f.Limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: rotations: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (care.Rotation, error) { return scanRotation(r) })
}

// depotInUse returns the id of the depot with code, which must exist
// (else NotFound) and be in use (depot.retired), errors named at field.
func (s *Store) depotInUse(ctx context.Context, code, field string) (int64, error) {
	var id, retiredAt int64
	if err := s.queryRow(ctx, `SELECT id, retired_at FROM depots WHERE code = ?`, code).Scan(&id, &retiredAt); err != nil {
		return 0, withField(notFound(err, "depot", "储备库", code), field)
	}
	return id, withField((depot.Depot{Code: code, RetiredAt: retiredAt}).CheckInUse(), field)
}

// CreateRotation stores a rotation plan as planned, in one transaction:
// care.Rotation.Validate, then its depot (and a transfer's destination)
// must exist and be in use, its lot exist (care.Rotation.CheckLot on the
// store's today: good, not expired, due by its expiry; the item is
// taken from the lot when the plan leaves it out), and the depot hold at
// least the quantity of the lot free: not reserved, and not taken by
// other planned rotations (rotation.insufficient). Nothing is reserved:
// the ledger checks the stock again when the plan is carried out.
// ID, Status, CreatedAt and the fields of execution are set here;
// CreatedBy is the caller's.
func (s *Store) CreateRotation(ctx context.Context, r care.Rotation) (care.Rotation, error) {
	given := r
	if err := r.Validate(); err != nil {
		return given, err
	}
	if strings.TrimSpace(r.CreatedBy) == "" {
		return given, apperr.Required("created_by", "制定人", "who plans the rotation")
	}
	err := s.InTx(ctx, func(tx *Store) error {
		depotID, err := tx.depotInUse(ctx, r.Depot, "depot")
		if err != nil {
			return err
		}
		lot, err := tx.Lot(ctx, r.Lot)
		if err != nil {
			return withField(err, "lot")
		}
		if err := r.CheckLot(lot, tx.Today()); err != nil {
			return err
		}
		item, err := tx.Item(ctx, lot.ItemCode)
		if err != nil {
			return err
		}
		if err := stock.CheckUnit(r.Quantity, item.Counted, item.UnitZH, item.UnitEN); err != nil {
			return withField(err, "quantity")
		}
		var toID sql.NullInt64
		if r.Method == care.MethodTransfer {
			if toID.Int64, err = tx.depotInUse(ctx, r.ToDepot, "to_depot"); err != nil {
				return err
			}
			toID.Valid = true
		}
		if err := tx.rotationFree(ctx, r, depotID, lot.ID); err != nil {
			return err
		}
		r.Item, r.ExpiresOn, r.Status, r.CreatedAt = lot.ItemCode, lot.ExpiresOn, care.RotationPlanned, tx.now().Unix()
		r.ID, r.DoneBy, r.DoneAt, r.PostingID = 0, "", 0, 0
		if err := tx.queryRow(ctx, `INSERT INTO rotations (depot_id, lot_id, item_id, quantity, method, to_depot_id, recipient,
			due_on, status, note, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			depotID, lot.ID, item.ID, r.Quantity, string(r.Method), toID, r.Recipient, r.DueOn, string(r.Status), r.Note,
			r.CreatedBy, r.CreatedAt).Scan(&r.ID); err != nil {
			return fmt.Errorf("store: create rotation: %w", err)
		}
		return nil
	})
	if err != nil {
		return given, err
	}
	return r, nil
}

// rotationFree checks that the depot holds r's quantity of the lot free:
// on hand, less what is reserved for plans and what other planned
// rotations take.
func (s *Store) rotationFree(ctx context.Context, r care.Rotation, depotID, lotID int64) error {
	var free, planned int64
	err := s.queryRow(ctx, `SELECT COALESCE((SELECT quantity - reserved FROM balances WHERE depot_id = ? AND lot_id = ?), 0),
		COALESCE((SELECT SUM(quantity) FROM rotations WHERE lot_id = ? AND depot_id = ? AND status = 'planned'), 0)`,
		depotID, lotID, lotID, depotID).Scan(&free, &planned)
	if err != nil {
		return fmt.Errorf("store: rotation stock: %w", err)
	}
	if have := stock.Quantity(free - planned); r.Quantity > have {
		return apperr.New(apperr.Conflict, "rotation.insufficient",
			"批次 %s 在 %s 可轮换的数量不足：需要 %s，未预留 %s，其中 %s 已列入其他轮换计划",
			"not enough of lot %s at %s to rotate: need %s, %s not reserved, of which %s is in other rotation plans",
			r.Lot, r.Depot, r.Quantity.String(), stock.Quantity(free).String(), stock.Quantity(planned).String()).
			WithField("quantity")
	}
	return nil
}

// ExecuteRotation carries out a planned rotation as actor, in one
// transaction: the plan becomes done and the posting care.Rotation.Execute
// returns goes to the ledger (an issue from the lot, or a transfer to the
// destination). A plan that is not planned is a Conflict (rotation.status,
// or rotation.changed when another request changed it meanwhile); a
// refusal by the ledger, such as a lot that expired or was found damaged
// since the plan, is returned in the plan's terms (fields quantity, lot,
// to_depot) and changes nothing.
func (s *Store) ExecuteRotation(ctx context.Context, id int64, actor string) (care.Rotation, error) {
	var out care.Rotation
	err := s.InTx(ctx, func(tx *Store) error {
		r, err := tx.Rotation(ctx, id)
		if err != nil {
			return err
		}
		p, next, err := r.Execute(actor)
		if err != nil {
			return err
		}
		next.DoneAt = tx.now().Unix()
		if err := tx.stepRotation(ctx, next); err != nil {
			return err
		}
		res, err := tx.Post(ctx, p)
		if err != nil {
			return inRotationTerms(r, err)
		}
		next.PostingID = res.ID
		if _, err := tx.exec(ctx, `UPDATE rotations SET posting_id = ? WHERE id = ?`, res.ID, id); err != nil {
			return fmt.Errorf("store: rotation %d: %w", id, err)
		}
		out = next
		return nil
	})
	return out, err
}

// CancelRotation cancels a planned rotation as actor (recorded as DoneBy,
// with DoneAt). Its errors are ExecuteRotation's; nothing is posted.
func (s *Store) CancelRotation(ctx context.Context, id int64, actor string) (care.Rotation, error) {
	var out care.Rotation
	err := s.InTx(ctx, func(tx *Store) error {
		r, err := tx.Rotation(ctx, id)
		if err != nil {
			return err
		}
		next, err := r.Cancel()
		if err != nil {
			return err
		}
		next.DoneBy, next.DoneAt = actor, tx.now().Unix()
		if err := tx.stepRotation(ctx, next); err != nil {
			return err
		}
		out = next
		return nil
	})
	return out, err
}

// stepRotation writes a planned rotation's new status, who and when, if
// it is still planned.
func (s *Store) stepRotation(ctx context.Context, r care.Rotation) error {
	res, err := s.exec(ctx, `UPDATE rotations SET status = ?, done_by = ?, done_at = ? WHERE id = ? AND status = ?`,
		string(r.Status), r.DoneBy, r.DoneAt, r.ID, string(care.RotationPlanned))
	if err != nil {
		return fmt.Errorf("store: rotation %d: %w", r.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return apperr.New(apperr.Conflict, "rotation.changed", "轮换计划 #%d 已被他人修改，请刷新",
			"rotation plan #%d was changed meanwhile; reload it", r.ID)
	}
	return nil
}

// inRotationTerms restates an error the ledger gave about the one line of
// a rotation's posting in the plan's terms: the field without the line
// (quantity, lot, to_depot) and the message naming the plan.
func inRotationTerms(r care.Rotation, err error) error {
	e, ok := apperr.As(err)
	if !ok {
		return err
	}
	c := *e
	c.Field = strings.TrimPrefix(c.Field, "lines[0].")
	if c.Field == "lines[0]" {
		c.Field = ""
	}
	c.ZH = fmt.Sprintf("轮换计划 #%d：%s", r.ID, strings.TrimPrefix(c.ZH, "第 1 行："))
	c.EN = fmt.Sprintf("rotation plan #%d: %s", r.ID, strings.TrimPrefix(c.EN, "line 1: "))
	return &c
}

// RotationCandidate is a lot at a depot worth rotating: good, expiring
// within stock.RotationDays, with stock there not reserved, and in no
// planned rotation there yet.
type RotationCandidate struct {
	Depot       string         `json:"depot"`
	DepotNameZH string         `json:"depot_name_zh"`
	DepotNameEN string         `json:"depot_name_en"`
	Item        string         `json:"item"`
	ItemNameZH  string         `json:"item_name_zh"`
	ItemNameEN  string         `json:"item_name_en"`
	UnitZH      string         `json:"unit_zh"`
	UnitEN      string         `json:"unit_en"`
	Lot         string         `json:"lot"`
	Batch       string         `json:"batch"`
	ExpiresOn   string         `json:"expires_on"`
	DaysLeft    int            `json:"days_left"` // from today to the expiry; 0 expires today
	Quantity    stock.Quantity `json:"quantity"`  // on hand
	Free        stock.Quantity `json:"free"`      // on hand and not reserved: what a rotation may take
}

// MaxRotationCandidates bounds the list of candidates.
const MaxRotationCandidates = 1000

// RotationCandidates lists the lots worth rotating on today (YYYY-MM-DD)
// in the depots in view (and in use), optionally only depot: good lots
// expiring from today to today + stock.RotationDays with stock there not
// reserved, which no planned rotation at that depot names yet. Soonest
// expiry first, then depot and lot; at most MaxRotationCandidates.
//
// For a whole city it starts from the lots expiring soon (lots_state), for
// a district or a keeper's depots from their balances, so that it costs
// what the answer holds either way.
func (s *Store) RotationCandidates(ctx context.Context, view *access.View, depotCode, today string) ([]RotationCandidate, error) {
	quality, expires := "l.quality", "l.expires_on"
	if narrow(TotalsQuery{View: view, Depot: depotCode}, "") {
		quality, expires = "(l.quality || '')", "(l.expires_on || '')" // off lots_state: start from the depots
	}
	var w where
	w.add(quality + " = 'good'")
	w.add(expires+" >= ?", today)
	w.add(expires+" <= ?", stock.AddDays(today, stock.RotationDays))
	w.add("b.quantity > b.reserved")
	w.add("d.retired_at = 0 AND d.role = 'depot'")
	w.add(`NOT EXISTS (SELECT 1 FROM rotations r WHERE r.lot_id = b.lot_id AND r.status = 'planned'
		AND r.depot_id = b.depot_id)`)
	w.addIf(depotCode, "d.code = ?")
	w.visible(view, "d", "")
	rows, err := s.query(ctx, `SELECT d.code, d.name_zh, d.name_en, i.code, i.name_zh, i.name_en, i.unit_zh, i.unit_en,
		l.code, l.batch, l.expires_on, b.quantity, b.quantity - b.reserved
		FROM lots l JOIN balances b ON b.lot_id = l.id JOIN depots d ON d.id = b.depot_id JOIN items i ON i.id = l.item_id`+
		w.String()+`ORDER BY l.expires_on, d.code, l.code LIMIT `+strconv.Itoa(MaxRotationCandidates), w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: rotation candidates: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (x RotationCandidate, err error) {
		err = r.Scan(&x.Depot, &x.DepotNameZH, &x.DepotNameEN, &x.Item, &x.ItemNameZH, &x.ItemNameEN, &x.UnitZH, &x.UnitEN,
			&x.Lot, &x.Batch, &x.ExpiresOn, &x.Quantity, &x.Free)
		x.DaysLeft, _ = stock.DaysBetween(today, x.ExpiresOn)
		return x, err
	})
}

// DepotFill is how full one depot is (库容): its capacity, the volume
// its stock takes up and the share and level care.Fill gives them.
type DepotFill struct {
	Depot      string     `json:"depot"`
	NameZH     string     `json:"name_zh"`
	NameEN     string     `json:"name_en"`
	Tier       string     `json:"tier"`
	CapacityM3 float64    `json:"capacity_m3"` // 0: not known
	UsedM3     float64    `json:"used_m3"`     // Σ quantity × the item's unit volume
	Share      float64    `json:"share"`       // used ÷ capacity; 0 when the capacity is not known
	Level      care.Level `json:"level"`
}

// DepotFill lists how full every depot in view (and in use) is, fullest
// level first, then by share, then by code. Volume is summed from
// depot_stock (stock.Quantity is in thousandths of a unit) times each
// item's volume, so the read costs the depots in view and their items.
func (s *Store) DepotFill(ctx context.Context, view *access.View) ([]DepotFill, error) {
	var w where
	w.add("d.retired_at = 0 AND d.role = 'depot'")
	w.visible(view, "d", "")
	rows, err := s.query(ctx, `SELECT d.code, d.name_zh, d.name_en, d.tier, d.capacity_m3,
		COALESCE((SELECT SUM(s.quantity * i.volume_m3) FROM depot_stock s JOIN items i ON i.id = s.item_id
			WHERE s.depot_id = d.id), 0) / `+strconv.Itoa(stock.Scale)+`.0
		FROM depots d`+w.String()+`ORDER BY d.code`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: depot fill: %w", err)
	}
	out, err := collect(rows, func(r *sql.Rows) (x DepotFill, err error) {
		err = r.Scan(&x.Depot, &x.NameZH, &x.NameEN, &x.Tier, &x.CapacityM3, &x.UsedM3)
		x.UsedM3 = depot.NewUsage(x.UsedM3, x.CapacityM3).UsedM3 // a figure that is not finite reads as 0
		x.Share, x.Level = care.Fill(x.CapacityM3, x.UsedM3)
		return x, err
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(a, b DepotFill) int {
		return cmp.Or(cmp.Compare(a.Level.Rank(), b.Level.Rank()), cmp.Compare(b.Share, a.Share))
	})
	return out, nil
}

// CareState summarises the care tables: the schedules with the sum of
// their versions, the records, and the rotation plans by status. Any
// change to them changes it; tests compare it to check that a refused
// request changed nothing.
func (s *Store) CareState(ctx context.Context) (string, error) {
	var schedules, versions, records, planned, done, cancelled int64
	err := s.queryRow(ctx, `SELECT (SELECT COUNT(*) FROM care_schedules), (SELECT COALESCE(SUM(version), 0) FROM care_schedules),
		(SELECT COUNT(*) FROM care_records),
		(SELECT COUNT(*) FROM rotations WHERE status = 'planned'), (SELECT COUNT(*) FROM rotations WHERE status = 'done'),
		(SELECT COUNT(*) FROM rotations WHERE status = 'cancelled')`).
		Scan(&schedules, &versions, &records, &planned, &done, &cancelled)
	if err != nil {
		return "", fmt.Errorf("store: care state: %w", err)
	}
	return fmt.Sprintf("schedules=%d@%d records=%d rotations=%d/%d/%d", schedules, versions, records, planned, done,
		cancelled), nil
}
