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

// Categories lists the whole classification in code order, retired
// categories too.
func (s *Store) Categories(ctx context.Context) ([]catalog.Category, error) {
	return s.CategoryList(ctx, AnyRetirement)
}

const categoryColumns = `code, name_zh, name_en, local, retired_at, version`

func scanCategory(r interface{ Scan(...any) error }) (c catalog.Category, err error) {
	return c, r.Scan(&c.Code, &c.NameZH, &c.NameEN, &c.Local, &c.RetiredAt, &c.Version)
}

// CategoryList lists the classification in code order, selected by
// retirement.
func (s *Store) CategoryList(ctx context.Context, r Retirement) ([]catalog.Category, error) {
	var w where
	r.filter(&w, "categories")
	rows, err := s.query(ctx, `SELECT `+categoryColumns+` FROM categories`+w.String()+`ORDER BY code`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: categories: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (catalog.Category, error) { return scanCategory(r) })
}

// Category returns the category with the given code.
func (s *Store) Category(ctx context.Context, code string) (catalog.Category, error) {
	c, err := scanCategory(s.queryRow(ctx, `SELECT `+categoryColumns+` FROM categories WHERE code = ?`, code))
	if err != nil {
		return c, notFound(err, "category", "类目", code)
	}
	return c, nil
}

// CreateCategory adds a category of the classification (catalog.Category.Validate);
// below the top level, its parent must exist and be in use.
func (s *Store) CreateCategory(ctx context.Context, c catalog.Category) (catalog.Category, error) {
	if err := c.Validate(); err != nil {
		return c, err
	}
	if p := c.Parent(); p != "" {
		parent, err := s.Category(ctx, p)
		if isNotFound(err) {
			return c, apperr.New(apperr.Invalid, "catalog.parent_unknown",
				"类目「%s」的上级类目「%s」不存在", "category %q: its parent %q does not exist", c.Code, p).WithField("code")
		}
		if err != nil {
			return c, err
		}
		if err := parent.CheckInUse(); err != nil {
			return c, err
		}
	}
	c.RetiredAt, c.Version = 0, 1
	_, err := s.exec(ctx, `INSERT INTO categories (code, name_zh, name_en, local) VALUES (?, ?, ?, ?)`,
		c.Code, c.NameZH, c.NameEN, c.Local)
	if err != nil {
		return c, s.alreadyExists(err, "category", "类目", c.Code)
	}
	return c, nil
}

// UpdateCategory changes a category's names and local mark, if its
// version is still c.Version (else edit.stale), and bumps the version. It
// returns the category before and after.
func (s *Store) UpdateCategory(ctx context.Context, c catalog.Category) (before, after catalog.Category, err error) {
	if before, err = s.Category(ctx, c.Code); err != nil {
		return before, after, err
	}
	if after, err = before.Revise(c); err != nil {
		return before, after, err
	}
	if err = s.bump(ctx, "categories", c.Code, c.Version, `name_zh = ?, name_en = ?, local = ?`,
		after.NameZH, after.NameEN, after.Local); err != nil {
		return before, after, err
	}
	after, err = s.Category(ctx, c.Code)
	return before, after, err
}

// SetCategoryRetired retires (retired) or restores a category. A
// category with sub-categories or items in use is not retired; one under
// a retired parent is not restored.
func (s *Store) SetCategoryRetired(ctx context.Context, code string, retired bool) (before, after catalog.Category, err error) {
	if before, err = s.Category(ctx, code); err != nil {
		return before, after, err
	}
	if retired {
		var n int
		if err = s.queryRow(ctx, `SELECT (SELECT COUNT(*) FROM categories WHERE code LIKE ? AND code <> ? AND retired_at = 0)
			+ (SELECT COUNT(*) FROM items WHERE code LIKE ? AND retired_at = 0)`, code+"%", code, code+"%").Scan(&n); err != nil {
			return before, after, fmt.Errorf("store: category %s: %w", code, err)
		}
		err = before.CheckRetire(n)
	} else if p := before.Parent(); p != "" {
		var parent catalog.Category
		if parent, err = s.Category(ctx, p); err == nil {
			err = parent.CheckInUse()
		}
	}
	if err == nil {
		err = s.retire(ctx, "categories", code, before.RetiredAt, before.Version, retired)
	}
	if err != nil {
		return before, after, err
	}
	after, err = s.Category(ctx, code)
	return before, after, err
}

// CreateItem adds an item to the catalogue. Its 小类 must exist.
func (s *Store) CreateItem(ctx context.Context, it catalog.Item) (catalog.Item, error) {
	if err := it.Validate(); err != nil {
		return it, err
	}
	if err := s.itemCategoryInUse(ctx, it); err != nil {
		return it, err
	}
	it.RetiredAt, it.Version = 0, 1
	err := s.queryRow(ctx, `INSERT INTO items (code, name_zh, name_en, unit_zh, unit_en, counted, spec,
		shelf_life_days, purpose, volume_m3, mass_t) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		it.Code, it.NameZH, it.NameEN, it.UnitZH, it.UnitEN, it.Counted, it.Spec, it.ShelfLifeDays,
		string(it.Purpose), it.VolumeM3, it.MassT).Scan(&it.ID)
	if err != nil {
		return it, s.alreadyExists(err, "item", "物资", it.Code)
	}
	return it, nil
}

// itemCategoryInUse checks that the item's 小类 exists and is in use.
func (s *Store) itemCategoryInUse(ctx context.Context, it catalog.Item) error {
	c, err := s.Category(ctx, it.CategoryCode())
	if isNotFound(err) {
		return apperr.New(apperr.Invalid, "catalog.category_unknown",
			"物资编码「%s」的小类「%s」不在分类表中", "item code %q: category %q is not in the classification",
			it.Code, it.CategoryCode()).WithField("code")
	}
	if err != nil {
		return err
	}
	return c.CheckInUse()
}

// UpdateItem changes everything of an item but its code, if its version
// is still it.Version (else edit.stale), and bumps the version. It returns
// the item before and after.
func (s *Store) UpdateItem(ctx context.Context, it catalog.Item) (before, after catalog.Item, err error) {
	if before, err = s.Item(ctx, it.Code); err != nil {
		return before, after, err
	}
	if after, err = before.Revise(it); err != nil {
		return before, after, err
	}
	if err = s.bump(ctx, "items", it.Code, it.Version, `name_zh = ?, name_en = ?, unit_zh = ?, unit_en = ?,
		counted = ?, spec = ?, shelf_life_days = ?, purpose = ?, volume_m3 = ?, mass_t = ?`,
		after.NameZH, after.NameEN, after.UnitZH, after.UnitEN, after.Counted, after.Spec, after.ShelfLifeDays,
		string(after.Purpose), after.VolumeM3, after.MassT); err != nil {
		return before, after, err
	}
	after, err = s.Item(ctx, it.Code)
	return before, after, err
}

// SetItemRetired retires (retired) or restores an item. A retired item
// keeps its stock, lots and history and may still be issued, moved and
// planned with; it takes no new lots (stock.LotSpec.Normalize) and no new
// contract reserves. An item of a retired category is not restored.
func (s *Store) SetItemRetired(ctx context.Context, code string, retired bool) (before, after catalog.Item, err error) {
	if before, err = s.Item(ctx, code); err != nil {
		return before, after, err
	}
	if !retired {
		if err = s.itemCategoryInUse(ctx, before); err != nil {
			return before, after, err
		}
	}
	if err = s.retire(ctx, "items", code, before.RetiredAt, before.Version, retired); err != nil {
		return before, after, err
	}
	after, err = s.Item(ctx, code)
	return before, after, err
}

const itemColumns = `id, code, name_zh, name_en, unit_zh, unit_en, counted, spec, shelf_life_days, purpose, volume_m3,
	mass_t, retired_at, version`

func scanItem(r interface{ Scan(...any) error }) (it catalog.Item, err error) {
	var purpose string
	err = r.Scan(&it.ID, &it.Code, &it.NameZH, &it.NameEN, &it.UnitZH, &it.UnitEN, &it.Counted, &it.Spec,
		&it.ShelfLifeDays, &purpose, &it.VolumeM3, &it.MassT, &it.RetiredAt, &it.Version)
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
	// Retired selects by retirement; the zero value lists retired items
	// too (the API and the screens ask for InUse unless told otherwise).
	Retired Retirement
}

// Items lists catalogue items in code order.
func (s *Store) Items(ctx context.Context, f ItemFilter) ([]catalog.Item, error) {
	prefix := f.Prefix
	if f.Class > 0 && prefix == "" {
		prefix = fmt.Sprint(f.Class)
	}
	var w where
	f.Retired.filter(&w, "items")
	rows, err := s.query(ctx, `SELECT `+itemColumns+` FROM items
		WHERE code LIKE ? AND (? = '' OR purpose = ?)
		AND (? = '' OR name_zh LIKE ? OR LOWER(name_en) LIKE LOWER(?))`+w.and()+`
		ORDER BY code`,
		append([]any{prefix + "%", f.Purpose, f.Purpose, f.Search, "%" + f.Search + "%", "%" + f.Search + "%"}, w.args...)...)
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
// added. Existing entries are left as the bureau edited them, retired ones
// too, and an item of a category the bureau retired is not added.
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
			if _, err := tx.CreateItem(ctx, it); apperr.CodeOf(err) == "category.retired" {
				continue // the bureau retired its category: it stays out
			} else if err != nil {
				return err
			}
			added++
		}
		return nil
	})
	return added, err
}

// Retirement selects master data (categories, items, areas, organisations,
// depots, contract reserves) by whether it is retired. The zero value
// selects all: the store's own reads keep history whole, and the lists of
// the API and the screens ask for InUse unless told otherwise.
type Retirement int

const (
	AnyRetirement Retirement = iota // in use and retired
	InUse                           // in use only
	RetiredOnly                     // retired only
)

// filter adds to w the condition on alias.retired_at that r selects.
func (r Retirement) filter(w *where, alias string) {
	switch r {
	case InUse:
		w.add(alias + ".retired_at = 0")
	case RetiredOnly:
		w.add(alias + ".retired_at <> 0")
	}
}

// bump changes the row of table with code as set says (with args), if its
// version is still version, and bumps the version: the optimistic
// concurrency of every edit of master data. A version that has moved on
// is edit.stale; none given (0) is required.
func (s *Store) bump(ctx context.Context, table, code string, version int64, set string, args ...any) error {
	if version <= 0 {
		return apperr.Required("version", "所依据的版本号", "the version the edit is based on")
	}
	res, err := s.exec(ctx, `UPDATE `+table+` SET `+set+`, version = version + 1 WHERE code = ? AND version = ?`,
		append(args, code, version)...)
	if err != nil {
		return fmt.Errorf("store: update %s %s: %w", table, code, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return apperr.New(apperr.Conflict, "edit.stale",
			"「%s」已被他人修改（当前不是第 %d 版），请刷新后重试",
			"%s was changed by someone else (it is no longer at version %d): reload and try again",
			code, version).WithField("version")
	}
	return nil
}

// retire sets the retirement of the row of table with code (retired now,
// or in use again) and bumps its version, which was version when it was
// read with retiredAt. Retiring what is retired, or restoring what is in
// use, is a conflict.
func (s *Store) retire(ctx context.Context, table, code string, retiredAt, version int64, retired bool) error {
	switch {
	case retired && retiredAt != 0:
		return apperr.New(apperr.Conflict, "edit.already_retired", "「%s」已停用", "%s is already retired", code)
	case !retired && retiredAt == 0:
		return apperr.New(apperr.Conflict, "edit.not_retired", "「%s」未停用，无需恢复", "%s is in use: there is nothing to restore", code)
	}
	var at int64
	if retired {
		at = s.now().UnixMicro()
	}
	return s.bump(ctx, table, code, version, `retired_at = ?`, at)
}

// MasterDataState sums the versions of all master data (categories,
// items, areas, organisations, depots, contract reserves): any edit,
// retirement or restoration changes it. Tests compare it to check that a
// refused request changed nothing.
func (s *Store) MasterDataState(ctx context.Context) (int64, error) {
	var n int64
	err := s.queryRow(ctx, `SELECT (SELECT COALESCE(SUM(version), 0) FROM categories)
		+ (SELECT COALESCE(SUM(version), 0) FROM items) + (SELECT COALESCE(SUM(version), 0) FROM areas)
		+ (SELECT COALESCE(SUM(version), 0) FROM orgs) + (SELECT COALESCE(SUM(version), 0) FROM depots)
		+ (SELECT COALESCE(SUM(version), 0) FROM agreement_reserves)
		+ (SELECT COALESCE(SUM(version), 0) FROM capacity_reserves)`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: master data state: %w", err)
	}
	return n, nil
}
