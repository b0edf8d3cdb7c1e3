package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/org"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/supplier"
)

// The directory of qualified suppliers (合格供应商名录, BRIEF C4 and C11;
// package supplier decides, this file applies). An entry belongs to one
// organisation of kind enterprise. Its qualifications and categories are
// rows of their own, so that the listing's filters (what expires soon,
// who supplies a class of goods) start from an index; the contacts are
// read and written whole, as JSON.

// supplierSchema is step 15's part for the supplier directory.
var supplierSchema = []string{
	`CREATE TABLE suppliers (
		id         {{id}},
		org_id     BIGINT NOT NULL UNIQUE REFERENCES orgs (id),
		status     TEXT NOT NULL CHECK (status IN ('qualified', 'suspended', 'removed')),
		reason     TEXT NOT NULL DEFAULT '',
		note       TEXT NOT NULL DEFAULT '',
		contacts   TEXT NOT NULL,
		created_by TEXT NOT NULL,
		created_at BIGINT NOT NULL,
		updated_by TEXT NOT NULL,
		updated_at BIGINT NOT NULL,
		version    BIGINT NOT NULL DEFAULT 1
	)`,
	`CREATE INDEX suppliers_status ON suppliers (status, id)`,
	// A qualification's last valid day (YYYY-MM-DD): the directory lists
	// those expiring within N days by a range on the index.
	`CREATE TABLE supplier_qualifications (
		supplier_id BIGINT NOT NULL REFERENCES suppliers (id),
		n           INTEGER NOT NULL,
		name        TEXT NOT NULL,
		number      TEXT NOT NULL,
		valid_until TEXT NOT NULL,
		PRIMARY KEY (supplier_id, n)
	)`,
	`CREATE INDEX supplier_qualifications_until ON supplier_qualifications (valid_until, supplier_id)`,
	// A category or item code the supplier supplies all of.
	`CREATE TABLE supplier_categories (
		supplier_id BIGINT NOT NULL REFERENCES suppliers (id),
		category    TEXT NOT NULL,
		PRIMARY KEY (supplier_id, category)
	)`,
	`CREATE INDEX supplier_categories_category ON supplier_categories (category, supplier_id)`,
}

// DefaultSupplierWindow is how many days ahead a directory entry's
// standing lists qualifications about to expire when the reader names no
// window.
const DefaultSupplierWindow = 30

const supplierColumns = `SELECT s.id, o.code, o.name_zh, o.name_en, s.status, s.reason, s.note, s.contacts, s.created_by,
	s.created_at, s.updated_by, s.updated_at, s.version FROM suppliers s JOIN orgs o ON o.id = s.org_id`

func scanSupplier(r interface{ Scan(...any) error }) (id int64, x supplier.Supplier, err error) {
	var status, contacts string
	err = r.Scan(&id, &x.Org, &x.NameZH, &x.NameEN, &status, &x.Reason, &x.Note, &contacts, &x.CreatedBy, &x.CreatedAt,
		&x.UpdatedBy, &x.UpdatedAt, &x.Version)
	if err != nil {
		return id, x, err
	}
	x.Status = supplier.Status(status)
	return id, x, json.Unmarshal([]byte(contacts), &x.Contacts)
}

// Supplier returns the directory entry of an organisation, with its
// standing today (qualifications expiring within DefaultSupplierWindow
// days listed).
func (s *Store) Supplier(ctx context.Context, orgCode string) (supplier.Supplier, error) {
	id, x, err := scanSupplier(s.queryRow(ctx, supplierColumns+` WHERE o.code = ?`, orgCode))
	if errors.Is(err, sql.ErrNoRows) {
		return x, apperr.New(apperr.NotFound, "supplier.not_found", "供应商名录中没有单位「%s」",
			"organisation %q is not in the supplier directory", orgCode)
	}
	if err != nil {
		return x, fmt.Errorf("store: supplier %s: %w", orgCode, err)
	}
	all, err := s.supplierDetails(ctx, map[int64]*supplier.Supplier{id: &x})
	if err != nil {
		return x, err
	}
	st := all[id].Assess(s.Today(), DefaultSupplierWindow)
	x.Standing = &st
	return x, nil
}

// supplierDetails fills in the qualifications and categories of the
// entries of byID, in one query each.
func (s *Store) supplierDetails(ctx context.Context, byID map[int64]*supplier.Supplier) (map[int64]*supplier.Supplier, error) {
	if len(byID) == 0 {
		return byID, nil
	}
	ids := make([]any, 0, len(byID))
	for id, x := range byID {
		ids = append(ids, id)
		x.Qualifications, x.Categories = []supplier.Qualification{}, []string{}
	}
	in := `(?` + strings.Repeat(`, ?`, len(ids)-1) + `)`
	rows, err := s.query(ctx, `SELECT supplier_id, name, number, valid_until FROM supplier_qualifications
		WHERE supplier_id IN `+in+` ORDER BY supplier_id, n`, ids...)
	if err != nil {
		return nil, fmt.Errorf("store: supplier qualifications: %w", err)
	}
	if _, err := collect(rows, func(r *sql.Rows) (struct{}, error) {
		var id int64
		var q supplier.Qualification
		err := r.Scan(&id, &q.Name, &q.Number, &q.ValidUntil)
		if x := byID[id]; x != nil && err == nil {
			x.Qualifications = append(x.Qualifications, q)
		}
		return struct{}{}, err
	}); err != nil {
		return nil, err
	}
	rows, err = s.query(ctx, `SELECT supplier_id, category FROM supplier_categories WHERE supplier_id IN `+in+`
		ORDER BY supplier_id, category`, ids...)
	if err != nil {
		return nil, fmt.Errorf("store: supplier categories: %w", err)
	}
	_, err = collect(rows, func(r *sql.Rows) (struct{}, error) {
		var id int64
		var c string
		err := r.Scan(&id, &c)
		if x := byID[id]; x != nil && err == nil {
			x.Categories = append(x.Categories, c)
		}
		return struct{}{}, err
	})
	return byID, err
}

// SupplierFilter narrows Suppliers; zero fields do not filter.
type SupplierFilter struct {
	// Category keeps the suppliers of anything in a category or item code
	// (1, 3, 5 or 7 digits): those that supply all of it (one of their
	// categories is a prefix of it) and those that supply part of it (one
	// of their categories lies within it).
	Category string
	Status   supplier.Status
	// Expiring keeps the suppliers with a qualification still valid today
	// whose last valid day lies within WithinDays days (today included).
	Expiring bool
	// Expired keeps the suppliers every qualification of which has
	// expired.
	Expired bool
	// WithinDays is the window of Expiring and of each entry's standing
	// (supplier.Standing.Expiring); 0 with Expiring means today only.
	// Without Expiring, 0 means DefaultSupplierWindow.
	WithinDays int
	Limit      int // 1 to 1000; anything else means 500
}

// Suppliers lists directory entries in organisation code order, each
// with its standing today (supplier.Supplier.Assess): a supplier whose
// every qualification has expired says so (Standing.AllExpired, and is
// not Usable) whatever its status.
func (s *Store) Suppliers(ctx context.Context, f SupplierFilter) ([]supplier.Supplier, error) {
	if f.WithinDays < 0 || f.WithinDays > supplier.MaxWithinDays {
		return nil, apperr.New(apperr.Invalid, "supplier.window_invalid", "临期天数应为 0 到 %d 天",
			"the window must be 0 to %d days", supplier.MaxWithinDays).WithField("expiring_within")
	}
	if f.WithinDays == 0 && !f.Expiring {
		f.WithinDays = DefaultSupplierWindow
	}
	today := s.Today()
	last := stock.AddDays(today, f.WithinDays)
	var w where
	if f.Status != "" {
		if !f.Status.Valid() {
			return nil, apperr.New(apperr.Invalid, "supplier.status_invalid",
				"供应商状态「%s」无效：应为 qualified（合格）、suspended（暂停）或 removed（移出）",
				"supplier status %q is invalid: want qualified, suspended or removed", string(f.Status)).WithField("status")
		}
		w.add("s.status = ?", string(f.Status))
	}
	if f.Category != "" {
		if err := supplier.CheckCategory(f.Category); err != nil {
			return nil, err
		}
		// Its prefixes (the categories that cover it), and what lies
		// within it: both start from supplier_categories_category.
		var covers []any
		for n := 1; n <= len(f.Category); n += 2 {
			covers = append(covers, f.Category[:n])
		}
		w.add(`EXISTS (SELECT 1 FROM supplier_categories c WHERE c.supplier_id = s.id AND (c.category IN (?`+
			strings.Repeat(`, ?`, len(covers)-1)+`) OR c.category LIKE ?))`, append(covers, f.Category+"%")...)
	}
	if f.Expiring {
		w.add(`EXISTS (SELECT 1 FROM supplier_qualifications q WHERE q.supplier_id = s.id
			AND q.valid_until >= ? AND q.valid_until <= ?)`, today, last)
	}
	if f.Expired {
		w.add(`NOT EXISTS (SELECT 1 FROM supplier_qualifications q WHERE q.supplier_id = s.id AND q.valid_until >= ?)`, today)
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 500
	}
	rows, err := s.query(ctx, supplierColumns+w.String()+`ORDER BY o.code LIMIT ?`, append(w.args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("store: suppliers: %w", err)
	}
	type entry struct {
		id int64
		x  supplier.Supplier
	}
	list, err := collect(rows, func(r *sql.Rows) (e entry, err error) {
		e.id, e.x, err = scanSupplier(r)
		return e, err
	})
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*supplier.Supplier, len(list))
	for i := range list {
		byID[list[i].id] = &list[i].x
	}
	if _, err := s.supplierDetails(ctx, byID); err != nil {
		return nil, err
	}
	out := make([]supplier.Supplier, len(list))
	for i, e := range list {
		st := e.x.Assess(today, f.WithinDays)
		out[i] = e.x
		out[i].Standing = &st
	}
	return out, nil
}

// CreateSupplier adds an organisation to the directory
// (supplier.Supplier.Validate; an empty status is qualified): the
// organisation must exist, be in use and be an enterprise, hold no entry
// yet (supplier.exists), and every category must be a category or item
// of the catalogue. CreatedBy is the caller's; the times and the version
// are set here.
func (s *Store) CreateSupplier(ctx context.Context, x supplier.Supplier) (supplier.Supplier, error) {
	if x.Status == "" {
		x.Status = supplier.Qualified
	}
	if err := x.Validate(); err != nil {
		return x, err
	}
	if strings.TrimSpace(x.CreatedBy) == "" {
		return x, apperr.Required("created_by", "登记人", "who adds the supplier")
	}
	err := s.InTx(ctx, func(tx *Store) error {
		o, err := tx.orgInUse(ctx, x.Org, "org")
		if err != nil {
			return err
		}
		if o.Kind != org.KindEnterprise {
			return apperr.New(apperr.Invalid, "supplier.org_kind", "单位「%s」不是企业，不能列入供应商名录",
				"organisation %q is not an enterprise: it cannot be a supplier", x.Org).WithField("org")
		}
		if err := tx.supplierCategoriesKnown(ctx, x.Categories); err != nil {
			return err
		}
		contacts, err := json.Marshal(x.Contacts)
		if err != nil {
			return fmt.Errorf("store: supplier: %w", err)
		}
		now := tx.now().Unix()
		var id int64
		err = tx.queryRow(ctx, `INSERT INTO suppliers (org_id, status, reason, note, contacts, created_by, created_at,
			updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, o.ID, string(x.Status),
			strings.TrimSpace(x.Reason), x.Note, string(contacts), x.CreatedBy, now, x.CreatedBy, now).Scan(&id)
		if err != nil {
			if tx.dialect.isUniqueViolation(err) {
				return apperr.New(apperr.Conflict, "supplier.exists", "单位「%s」已在供应商名录中",
					"organisation %q is already in the supplier directory", x.Org).WithField("org")
			}
			return fmt.Errorf("store: create supplier %s: %w", x.Org, err)
		}
		if err := tx.putSupplierRows(ctx, id, x); err != nil {
			return err
		}
		x, err = tx.Supplier(ctx, x.Org)
		return err
	})
	return x, err
}

// putSupplierRows writes an entry's qualifications and categories,
// replacing what it had.
func (s *Store) putSupplierRows(ctx context.Context, id int64, x supplier.Supplier) error {
	for _, q := range []string{`DELETE FROM supplier_qualifications WHERE supplier_id = ?`,
		`DELETE FROM supplier_categories WHERE supplier_id = ?`} {
		if _, err := s.exec(ctx, q, id); err != nil {
			return fmt.Errorf("store: supplier rows: %w", err)
		}
	}
	for i, q := range x.Qualifications {
		if _, err := s.exec(ctx, `INSERT INTO supplier_qualifications (supplier_id, n, name, number, valid_until)
			VALUES (?, ?, ?, ?, ?)`, id, i+1, strings.TrimSpace(q.Name), strings.TrimSpace(q.Number), q.ValidUntil); err != nil {
			return fmt.Errorf("store: supplier qualification: %w", err)
		}
	}
	for _, c := range x.Categories {
		if _, err := s.exec(ctx, `INSERT INTO supplier_categories (supplier_id, category) VALUES (?, ?)`, id, c); err != nil {
			return fmt.Errorf("store: supplier category: %w", err)
		}
	}
	return nil
}

// supplierCategoriesKnown checks that every category names a category (1,
// 3 or 5 digits) or an item (7) of the catalogue.
func (s *Store) supplierCategoriesKnown(ctx context.Context, codes []string) error {
	for i, code := range codes {
		var err error
		if len(code) == 7 {
			_, err = s.Item(ctx, code)
		} else {
			_, err = s.Category(ctx, code)
		}
		if isNotFound(err) {
			return apperr.New(apperr.Invalid, "supplier.category_unknown", "「%s」不是物资目录中的类目或物资",
				"%q is neither a category nor an item of the catalogue", code).WithField(fmt.Sprintf("categories[%d]", i))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// UpdateSupplier changes an entry's contacts, qualifications, categories
// and note (supplier.Supplier.Revise), if its version is still x.Version
// (else edit.stale), and bumps the version. It returns the entry before
// and after.
func (s *Store) UpdateSupplier(ctx context.Context, x supplier.Supplier, by string) (before, after supplier.Supplier, err error) {
	err = s.InTx(ctx, func(tx *Store) error {
		if before, err = tx.Supplier(ctx, x.Org); err != nil {
			return err
		}
		if after, err = before.Revise(x); err != nil {
			return err
		}
		if err = tx.supplierCategoriesKnown(ctx, after.Categories); err != nil {
			return err
		}
		contacts, err := json.Marshal(after.Contacts)
		if err != nil {
			return fmt.Errorf("store: supplier: %w", err)
		}
		id, err := tx.bumpSupplier(ctx, x.Org, x.Version, by, `contacts = ?, note = ?`, string(contacts), after.Note)
		if err != nil {
			return err
		}
		if err = tx.putSupplierRows(ctx, id, after); err != nil {
			return err
		}
		after, err = tx.Supplier(ctx, x.Org)
		return err
	})
	return before, after, err
}

// SetSupplierStatus takes a step of an entry's status
// (supplier.Supplier.SetStatus: suspend, reinstate, remove) with its
// reason, if its version is still version (else edit.stale; 0 takes the
// version read), and bumps the version. It returns the entry before and
// after.
func (s *Store) SetSupplierStatus(ctx context.Context, orgCode string, step supplier.Step, reason string, version int64,
	by string) (before, after supplier.Supplier, err error) {
	err = s.InTx(ctx, func(tx *Store) error {
		if before, err = tx.Supplier(ctx, orgCode); err != nil {
			return err
		}
		if after, err = before.SetStatus(step, reason); err != nil {
			return err
		}
		if version == 0 {
			version = before.Version
		}
		if _, err = tx.bumpSupplier(ctx, orgCode, version, by, `status = ?, reason = ?`, string(after.Status),
			after.Reason); err != nil {
			return err
		}
		after, err = tx.Supplier(ctx, orgCode)
		return err
	})
	return before, after, err
}

// bumpSupplier changes the entry of an organisation as set says (with
// args), if its version is still version, records who changed it and
// when, and bumps the version; it returns the entry's id. A version that
// has moved on is edit.stale; none given (0) is required.
func (s *Store) bumpSupplier(ctx context.Context, orgCode string, version int64, by, set string, args ...any) (int64, error) {
	if version <= 0 {
		return 0, apperr.Required("version", "所依据的版本号", "the version the edit is based on")
	}
	var id int64
	err := s.queryRow(ctx, `UPDATE suppliers SET `+set+`, updated_by = ?, updated_at = ?, version = version + 1
		WHERE org_id = (SELECT id FROM orgs WHERE code = ?) AND version = ? RETURNING id`,
		append(args, by, s.now().Unix(), orgCode, version)...).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, apperr.New(apperr.Conflict, "edit.stale",
			"「%s」已被他人修改（当前不是第 %d 版），请刷新后重试",
			"%s was changed by someone else (it is no longer at version %d): reload and try again",
			orgCode, version).WithField("version")
	}
	if err != nil {
		return 0, fmt.Errorf("store: update supplier %s: %w", orgCode, err)
	}
	return id, nil
}
