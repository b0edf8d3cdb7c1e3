package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/catalog"
)

// alreadyExists maps a unique violation on create to a Conflict error.
func (s *Store) alreadyExists(err error, what, whatZH, code string) error {
	if s.dialect.isUniqueViolation(err) {
		return &apperr.Error{Kind: apperr.Conflict, Code: what + ".exists", Field: "code",
			ZH: whatZH + "「" + code + "」已存在", EN: fmt.Sprintf("%s %q already exists", what, code)}
	}
	return fmt.Errorf("store: create %s %s: %w", what, code, err)
}

// notFound maps sql.ErrNoRows to a NotFound error and wraps anything else.
func notFound(err error, what, whatZH, code string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.NotFoundf(what, whatZH, code)
	}
	return fmt.Errorf("store: %s %s: %w", what, code, err)
}

// PutCategory creates or renames a category of the classification.
func (s *Store) PutCategory(ctx context.Context, c catalog.Category) error {
	if err := catalog.ValidateCode(c.Code, len(c.Code)); err != nil || len(c.Code)%2 == 0 || len(c.Code) > 5 {
		if err == nil {
			err = apperr.New(apperr.Invalid, "catalog.code_malformed", "类目编码「%s」应为 1、3 或 5 位",
				"category code %q must have 1, 3 or 5 digits", c.Code).WithField("code")
		}
		return err
	}
	_, err := s.exec(ctx, `INSERT INTO categories (code, name_zh, name_en, local) VALUES (?, ?, ?, ?)
		ON CONFLICT (code) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en, local = excluded.local`,
		c.Code, c.NameZH, c.NameEN, c.Local)
	if err != nil {
		return fmt.Errorf("store: put category %s: %w", c.Code, err)
	}
	return nil
}

// Categories lists the classification in code order.
func (s *Store) Categories(ctx context.Context) ([]catalog.Category, error) {
	rows, err := s.query(ctx, `SELECT code, name_zh, name_en, local FROM categories ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("store: categories: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (c catalog.Category, err error) {
		return c, r.Scan(&c.Code, &c.NameZH, &c.NameEN, &c.Local)
	})
}

// CreateItem adds an item to the catalogue. Its 小类 must exist.
func (s *Store) CreateItem(ctx context.Context, it catalog.Item) (catalog.Item, error) {
	if err := it.Validate(); err != nil {
		return it, err
	}
	var n int
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM categories WHERE code = ?`, it.CategoryCode()).Scan(&n); err != nil {
		return it, fmt.Errorf("store: item category: %w", err)
	}
	if n == 0 {
		return it, apperr.New(apperr.Invalid, "catalog.category_unknown",
			"物资编码「%s」的小类「%s」不在分类表中", "item code %q: category %q is not in the classification",
			it.Code, it.CategoryCode()).WithField("code")
	}
	err := s.queryRow(ctx, `INSERT INTO items (code, name_zh, name_en, unit_zh, unit_en, counted, spec,
		shelf_life_days, purpose, volume_m3) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		it.Code, it.NameZH, it.NameEN, it.UnitZH, it.UnitEN, it.Counted, it.Spec, it.ShelfLifeDays,
		string(it.Purpose), it.VolumeM3).Scan(&it.ID)
	if err != nil {
		return it, s.alreadyExists(err, "item", "物资", it.Code)
	}
	return it, nil
}

const itemColumns = `id, code, name_zh, name_en, unit_zh, unit_en, counted, spec, shelf_life_days, purpose, volume_m3`

func scanItem(r interface{ Scan(...any) error }) (it catalog.Item, err error) {
	var purpose string
	err = r.Scan(&it.ID, &it.Code, &it.NameZH, &it.NameEN, &it.UnitZH, &it.UnitEN, &it.Counted, &it.Spec,
		&it.ShelfLifeDays, &purpose, &it.VolumeM3)
	it.Purpose = catalog.Purpose(purpose)
	return it, err
}

// Item returns the item with the given code.
func (s *Store) Item(ctx context.Context, code string) (catalog.Item, error) {
	it, err := scanItem(s.queryRow(ctx, `SELECT `+itemColumns+` FROM items WHERE code = ?`, code))
	if err != nil {
		return it, notFound(err, "item", "物资", code)
	}
	return it, nil
}

// ItemFilter narrows Items; zero fields do not filter.
type ItemFilter struct {
	Class   int    // 1, 2 or 3
	Purpose string // rescue or life
	Prefix  string // code prefix (a category)
	Search  string // substring of the Chinese or English name
	// View limits the stock StockItems counts to what an actor may see
	// (access.Actor.View); nil does not limit. Items does not use it.
	View *access.View
}

// Items lists catalogue items in code order.
func (s *Store) Items(ctx context.Context, f ItemFilter) ([]catalog.Item, error) {
	prefix := f.Prefix
	if f.Class > 0 && prefix == "" {
		prefix = fmt.Sprint(f.Class)
	}
	rows, err := s.query(ctx, `SELECT `+itemColumns+` FROM items
		WHERE code LIKE ? AND (? = '' OR purpose = ?)
		AND (? = '' OR name_zh LIKE ? OR LOWER(name_en) LIKE LOWER(?))
		ORDER BY code`,
		prefix+"%", f.Purpose, f.Purpose, f.Search, "%"+f.Search+"%", "%"+f.Search+"%")
	if err != nil {
		return nil, fmt.Errorf("store: items: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (catalog.Item, error) { return scanItem(r) })
}

// collect scans every row with scan and closes rows.
func collect[T any](rows *sql.Rows, scan func(*sql.Rows) (T, error)) ([]T, error) {
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("store: scan: %w", err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: rows: %w", err)
	}
	return out, nil
}

// withField names the request field a lookup error came from: an unknown
// depot code in a line is reported against that line's field.
func withField(err error, field string) error {
	if e, ok := apperr.As(err); ok {
		return e.WithField(field)
	}
	return err
}

// InstallCatalogue adds the categories and items that are not in the
// database yet (by code) in one transaction, and returns how many items it
// added. Existing entries are left as the bureau edited them.
func (s *Store) InstallCatalogue(ctx context.Context, cats []catalog.Category, items []catalog.Item) (int, error) {
	added := 0
	err := s.InTx(ctx, func(tx *Store) error {
		for _, c := range cats {
			if _, err := tx.exec(ctx, `INSERT INTO categories (code, name_zh, name_en, local) VALUES (?, ?, ?, ?)
				ON CONFLICT (code) DO NOTHING`, c.Code, c.NameZH, c.NameEN, c.Local); err != nil {
				return fmt.Errorf("store: install category %s: %w", c.Code, err)
			}
		}
		for _, it := range items {
			if _, err := tx.Item(ctx, it.Code); err == nil {
				continue
			}
			if _, err := tx.CreateItem(ctx, it); err != nil {
				return err
			}
			added++
		}
		return nil
	})
	return added, err
}
