package importer

import (
	"context"
	"encoding/json"
	"reflect"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/depot"
	"github.com/stockpile-dev/stockpile/internal/org"
	"github.com/stockpile-dev/stockpile/internal/reserve"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// parser reads one row of a kind into a record, its problems into c. A
// row with problems returns a zero record; err is for failures to read the
// stored state only.
type parser func(ctx context.Context, ch *checker, c *cells) (Record, error)

func parserOf(k Kind) parser {
	switch k {
	case Categories:
		return parseCategory
	case Items:
		return parseItem
	case Areas:
		return parseArea
	case Orgs:
		return parseOrg
	case Depots:
		return parseDepot
	case Stock:
		return parseOpening
	case Agreements:
		return parseAgreement
	case Capacities:
		return parseCapacity
	case Prices:
		return parsePrice
	case Norms:
		return parseNorm
	case Users:
		return parseUser
	}
	panic("importer: no parser for kind " + string(k)) // SpecOf admits only the kinds above
}

// base returns the stored thing of kind under the row's key cell, or the
// zero T, and whether it was found. ok is false when the key is missing
// (a problem already recorded).
func base[T any](ctx context.Context, ch *checker, c *cells, kind Kind, keyCol string) (key string, v T, found, ok bool, err error) {
	key, ok = c.cell(keyCol)
	if !ok {
		return "", v, false, false, nil
	}
	got, found, err := ch.env.Current(ctx, kind, key)
	if err != nil || !found {
		return key, v, false, true, err
	}
	return key, got.(T), true, true, nil
}

// record is the classified record of a row whose value v was read over
// the stored before (found): unchanged when the row changed nothing.
func record[T any](key string, v, before T, found bool) Record {
	rec := Record{Key: key, Value: v}
	if found {
		rec.Before = before
	}
	return classify(rec, found && reflect.DeepEqual(v, before))
}

func parseCategory(ctx context.Context, ch *checker, c *cells) (Record, error) {
	code, before, found, ok, err := base[catalog.Category](ctx, ch, c, Categories, "code")
	if !ok || err != nil {
		return Record{}, err
	}
	v := before
	v.Code = code
	c.text("name_zh", &v.NameZH)
	c.text("name_en", &v.NameEN)
	c.flag("local", &v.Local)
	c.fail(v.Validate(), nil)
	if p := v.Parent(); p != "" && len(c.problems) == 0 {
		if err := ch.exists(ctx, c, Categories, "code", p, "上级类目", "parent category"); err != nil {
			return Record{}, err
		}
	}
	if len(c.problems) == 0 {
		ch.inFile[string(Categories)+code] = v
	}
	return record(code, v, before, found), nil
}

// exists records a problem unless the thing of kind with code is stored
// or on an earlier row (areas and categories refer to their own kind).
func (ch *checker) exists(ctx context.Context, c *cells, kind Kind, col, code, zh, en string) error {
	if _, ok := ch.inFile[string(kind)+code]; ok {
		return nil
	}
	_, found, err := ch.lookup(ctx, kind, code)
	if err == nil && !found {
		missing(c, col, zh, en, code)
	}
	return err
}

// need returns the stored thing of kind with code, recording a problem on
// col when there is none.
func need[T any](ctx context.Context, ch *checker, c *cells, kind Kind, col, code, zh, en string) (T, bool, error) {
	var zero T
	v, found, err := ch.lookup(ctx, kind, code)
	if err != nil {
		return zero, false, err
	}
	if !found {
		missing(c, col, zh, en, code)
		return zero, false, nil
	}
	return v.(T), true, nil
}

func parseItem(ctx context.Context, ch *checker, c *cells) (Record, error) {
	code, before, found, ok, err := base[catalog.Item](ctx, ch, c, Items, "code")
	if !ok || err != nil {
		return Record{}, err
	}
	v := before
	v.Code = code
	c.text("name_zh", &v.NameZH)
	c.text("name_en", &v.NameEN)
	c.text("unit_zh", &v.UnitZH)
	c.text("unit_en", &v.UnitEN)
	c.flag("counted", &v.Counted)
	c.text("spec", &v.Spec)
	days := int64(v.ShelfLifeDays)
	c.integer("shelf_life_days", &days)
	if days < -1<<31 || days > 1<<31-1 {
		days = -1
	}
	v.ShelfLifeDays = int(days)
	purpose := string(v.Purpose)
	c.pick("purpose", &purpose)
	v.Purpose = catalog.Purpose(purpose)
	c.number("volume_m3", &v.VolumeM3)
	c.number("mass_t", &v.MassT)
	if len(c.problems) > 0 {
		return Record{}, nil
	}
	c.fail(v.Validate(), nil)
	if len(c.problems) == 0 {
		if err := ch.exists(ctx, c, Categories, "code", v.CategoryCode(), "物资小类", "category"); err != nil {
			return Record{}, err
		}
	}
	return record(code, v, before, found), nil
}

func parseArea(ctx context.Context, ch *checker, c *cells) (Record, error) {
	code, before, found, ok, err := base[area.Area](ctx, ch, c, Areas, "code")
	if !ok || err != nil {
		return Record{}, err
	}
	v := before
	v.Code = code
	c.text("parent_code", &v.ParentCode)
	level := string(v.Level)
	c.pick("level", &level)
	v.Level = area.Level(level)
	c.text("name_zh", &v.NameZH)
	c.text("name_en", &v.NameEN)
	c.integer("population", &v.Population)
	c.point(&v.Point)
	c.text("terrain", &v.Terrain)
	if c.has("boundary") {
		var text string
		c.text("boundary", &text)
		b, err := area.NormalizeBoundary(json.RawMessage(text))
		if err != nil {
			c.add("boundary", shorten(text), err)
		}
		v.Boundary = b
	}
	if len(c.problems) > 0 {
		return Record{}, nil
	}
	if found && (v.ParentCode != before.ParentCode || v.Level != before.Level) {
		c.add("parent_code", v.ParentCode, apperr.New(apperr.Invalid, "import.area_moved",
			"区域「%s」已存在，其上级和层级不能通过导入修改", "area %q exists: its parent and level cannot change by import", code))
		return Record{}, nil
	}
	var parent *area.Area
	if v.ParentCode != "" {
		p, err := ch.area(ctx, c, v.ParentCode)
		if err != nil || p == nil {
			return Record{}, err
		}
		parent = p
	}
	c.fail(v.Validate(parent), map[string]string{"point": "lon"})
	if len(c.problems) == 0 {
		ch.inFile[string(Areas)+code] = v
	}
	return record(code, v, before, found), nil
}

// area returns the area code, from an earlier row or stored, recording a
// problem on parent_code when there is none.
func (ch *checker) area(ctx context.Context, c *cells, code string) (*area.Area, error) {
	if v, ok := ch.inFile[string(Areas)+code]; ok {
		a := v.(area.Area)
		return &a, nil
	}
	a, ok, err := need[area.Area](ctx, ch, c, Areas, "parent_code", code, "上级区域", "parent area")
	if !ok {
		return nil, err
	}
	return &a, nil
}

// shorten cuts a long cell for a problem report.
func shorten(s string) string {
	if r := []rune(s); len(r) > 80 {
		return string(r[:80]) + "…"
	}
	return s
}

func parseOrg(ctx context.Context, ch *checker, c *cells) (Record, error) {
	code, before, found, ok, err := base[org.Org](ctx, ch, c, Orgs, "code")
	if !ok || err != nil {
		return Record{}, err
	}
	v := before
	v.Code = code
	c.text("name_zh", &v.NameZH)
	c.text("name_en", &v.NameEN)
	kind := string(v.Kind)
	c.pick("kind", &kind)
	v.Kind = org.Kind(kind)
	c.text("area_code", &v.AreaCode)
	if len(c.problems) > 0 {
		return Record{}, nil
	}
	c.fail(v.Validate(), nil)
	if len(c.problems) == 0 {
		if _, _, err := need[area.Area](ctx, ch, c, Areas, "area_code", v.AreaCode, "区域", "area"); err != nil {
			return Record{}, err
		}
	}
	return record(code, v, before, found), nil
}

func parseDepot(ctx context.Context, ch *checker, c *cells) (Record, error) {
	code, before, found, ok, err := base[depot.Depot](ctx, ch, c, Depots, "code")
	if !ok || err != nil {
		return Record{}, err
	}
	v := before
	v.Code = code
	c.text("name_zh", &v.NameZH)
	c.text("name_en", &v.NameEN)
	tier, kind := string(v.Tier), string(v.Kind)
	c.pick("tier", &tier)
	c.pick("kind", &kind)
	v.Tier, v.Kind = area.Level(tier), depot.Kind(kind)
	c.text("org_code", &v.OrgCode)
	c.text("area_code", &v.AreaCode)
	c.point(&v.Point)
	c.text("address", &v.Address)
	c.number("capacity_m3", &v.CapacityM3)
	if len(c.problems) > 0 {
		return Record{}, nil
	}
	c.fail(v.Validate(), map[string]string{"point": "lon"})
	if len(c.problems) == 0 {
		if _, _, err := need[org.Org](ctx, ch, c, Orgs, "org_code", v.OrgCode, "单位", "organisation"); err != nil {
			return Record{}, err
		}
		if _, _, err := need[area.Area](ctx, ch, c, Areas, "area_code", v.AreaCode, "区域", "area"); err != nil {
			return Record{}, err
		}
	}
	return record(code, v, before, found), nil
}

// reserveCells reads the cells agreements and capacities share into the
// fields of the stored reserve (pointers into it), and checks the
// references: the enterprise, the contracting party and the item, whose
// unit the quantity must fit.
func reserveCells(ctx context.Context, ch *checker, c *cells, orgCode, party, item, from, until, note *string,
	q *stock.Quantity, qtyCol string, hours *float64, hoursCol string) error {
	stored := *party
	c.text("org_code", orgCode)
	c.text("party", party)
	if *party == "" {
		*party = stored // empty keeps the stored party; a new reserve gets the city's bureau
	}
	c.text("item", item)
	c.quantity(qtyCol, q)
	c.number(hoursCol, hours)
	c.date("valid_from", from)
	c.date("valid_until", until)
	c.text("note", note)
	if len(c.problems) > 0 {
		return nil
	}
	if _, _, err := need[org.Org](ctx, ch, c, Orgs, "org_code", *orgCode, "签约企业", "enterprise"); err != nil {
		return err
	}
	if *party != "" {
		p, ok, err := need[org.Org](ctx, ch, c, Orgs, "party", *party, "签约主体", "contracting party")
		if err != nil {
			return err
		}
		if ok {
			c.fail(reserve.CheckParty(p), nil)
		}
	}
	it, ok, err := need[catalog.Item](ctx, ch, c, Items, "item", *item, "物资", "item")
	if ok {
		c.fail(apperr.Rebase(stock.CheckUnit(*q, it.Counted, it.UnitZH, it.UnitEN), "quantity", qtyCol), nil)
	}
	return err
}

func parseAgreement(ctx context.Context, ch *checker, c *cells) (Record, error) {
	code, before, found, ok, err := base[reserve.Agreement](ctx, ch, c, Agreements, "code")
	if !ok || err != nil {
		return Record{}, err
	}
	v := before
	v.Code = code
	c.point(&v.Point)
	if err := reserveCells(ctx, ch, c, &v.OrgCode, &v.Party, &v.Item, &v.ValidFrom, &v.ValidUntil, &v.Note,
		&v.Quantity, "quantity", &v.DeliveryHours, "delivery_hours"); err != nil || len(c.problems) > 0 {
		return Record{}, err
	}
	c.fail(v.Validate(), map[string]string{"point": "lon"})
	if v.Quantity < v.Reserved {
		c.add("quantity", "", apperr.New(apperr.Conflict, "import.below_reserved",
			"协议数量 %s 少于已承诺给方案的 %s", "quantity %s is below the %s already promised to plans", v.Quantity, v.Reserved))
	}
	return record(code, v, before, found), nil
}

func parseCapacity(ctx context.Context, ch *checker, c *cells) (Record, error) {
	code, before, found, ok, err := base[reserve.Capacity](ctx, ch, c, Capacities, "code")
	if !ok || err != nil {
		return Record{}, err
	}
	v := before
	v.Code = code
	c.point(&v.Point)
	if err := reserveCells(ctx, ch, c, &v.OrgCode, &v.Party, &v.Item, &v.ValidFrom, &v.ValidUntil, &v.Note,
		&v.PerDay, "per_day", &v.LeadHours, "lead_hours"); err != nil || len(c.problems) > 0 {
		return Record{}, err
	}
	c.fail(v.Validate(), map[string]string{"point": "lon"})
	return record(code, v, before, found), nil
}
