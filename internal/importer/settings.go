package importer

import (
	"bytes"
	"context"
	"encoding/csv"
	"strconv"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/readiness"
)

// NormKey is the natural key of a norm: hazard, item, basis, area, tier
// and special group.
func NormKey(n readiness.Norm) string {
	return strings.Join([]string{n.Hazard, n.Item, string(n.Basis), n.Area, string(n.Tier), n.Group}, " / ")
}

// parsePrice reads a unit price. Its checks are readiness's own: the row
// is read as a one-row prices file (readiness.ImportPrices).
func parsePrice(ctx context.Context, ch *checker, c *cells) (Record, error) {
	item, before, found, ok, err := base[readiness.Price](ctx, ch, c, Prices, "item")
	if !ok || err != nil {
		return Record{}, err
	}
	v := before
	v.Item = item
	c.number("yuan", &v.Yuan)
	c.flag("assumption", &v.Assumption)
	c.text("source", &v.Source)
	if len(c.problems) > 0 {
		return Record{}, nil
	}
	known, lookupErr := ch.known(ctx)
	got, err := readiness.ImportPrices(oneRow(readiness.PriceColumns,
		[]string{v.Item, formatFloat(v.Yuan), yesNo(v.Assumption), v.Source}), known)
	if *lookupErr != nil {
		return Record{}, *lookupErr
	}
	if err != nil {
		settingsProblems(c, err)
		return Record{}, nil
	}
	return record(item, got[0], before, found), nil
}

// parseNorm reads a norm, checked by readiness as a one-row norms file
// (readiness.ImportNorms).
func parseNorm(ctx context.Context, ch *checker, c *cells) (Record, error) {
	var n readiness.Norm
	c.text("hazard", &n.Hazard)
	c.text("item", &n.Item)
	basis, tier := "", ""
	c.text("basis", &basis)
	c.pick("tier", &tier)
	n.Basis, n.Tier = readiness.Basis(basis), area.Level(tier)
	c.text("area", &n.Area)
	c.text("group", &n.Group)
	key := NormKey(n)
	stored, found, err := ch.env.Current(ctx, Norms, key)
	if err != nil {
		return Record{}, err
	}
	var before readiness.Norm
	if found {
		before = stored.(readiness.Norm)
		n.Quantity, n.Assumption, n.Source = before.Quantity, before.Assumption, before.Source
	}
	c.number("quantity", &n.Quantity)
	c.flag("assumption", &n.Assumption)
	c.text("source", &n.Source)
	if len(c.problems) > 0 {
		return Record{}, nil
	}
	known, lookupErr := ch.known(ctx)
	got, err := readiness.ImportNorms(oneRow(readiness.NormColumns, []string{n.Hazard, n.Item, string(n.Basis),
		formatFloat(n.Quantity), string(n.Tier), yesNo(n.Assumption), n.Source, n.Area, n.Group}), known)
	if *lookupErr != nil {
		return Record{}, *lookupErr
	}
	if err != nil {
		settingsProblems(c, err)
		return Record{}, nil
	}
	return record(key, got[0], before, found), nil
}

// known is what readiness checks references against: the stored items
// and areas. A failure to read them is left in *err.
func (ch *checker) known(ctx context.Context) (readiness.Known, *error) {
	var failed error
	exists := func(kind Kind) func(string) bool {
		return func(code string) bool {
			_, found, err := ch.lookup(ctx, kind, code)
			if err != nil && failed == nil {
				failed = err
			}
			return found
		}
	}
	return readiness.Known{Item: exists(Items), Area: exists(Areas)}, &failed
}

// oneRow is a settings file of one row under header.
func oneRow(header, cells []string) string {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(header)
	w.Write(cells)
	w.Flush()
	return b.String()
}

// settingsProblems turns readiness's refusal of a one-row file into the
// row's problems.
func settingsProblems(c *cells, err error) {
	e, ok := apperr.As(err)
	if !ok || len(e.Rows) == 0 {
		c.add("", "", err)
		return
	}
	for _, r := range e.Rows {
		c.fail(&apperr.Error{Kind: apperr.Invalid, Code: r.Code, Field: r.Field, ZH: r.ZH, EN: r.EN}, nil)
	}
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
