package readiness

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/apperr"
)

// Price is the unit price of an item (单价), in yuan per unit of the
// catalogue, with its source: it turns a purchase line into a cost
// estimate for the budget (列入本级财政预算).
type Price struct {
	Item       string  `json:"item"`
	Yuan       float64 `json:"yuan"`
	Source     string  `json:"source"`
	Assumption bool    `json:"assumption"` // the figure is ours, not a tender or catalogue price
}

// PriceColumns are the columns of a prices file, in order.
var PriceColumns = []string{"item", "yuan", "assumption", "source"}

// MaxPriceYuan bounds a unit price: ten million yuan (a truck crane is
// about one million).
const MaxPriceYuan = 10_000_000

//go:embed data/prices.csv
var pricesCSV string

// defaultPrices are the shipped unit prices of data/prices.csv.
func defaultPrices() []Price {
	p, err := ImportPrices(pricesCSV, Known{})
	if err != nil {
		panic(fmt.Sprintf("readiness: shipped prices: %v", err)) // caught by the package's tests
	}
	return p
}

func (p Price) validate(k Known) error {
	switch {
	case p.Item == "":
		return apperr.Required("item", "物资编码", "item")
	case k.Item != nil && !k.Item(p.Item):
		return apperr.NotFoundf("item", "物资", p.Item).WithField("item")
	case !in(p.Yuan, 0, MaxPriceYuan):
		return invalid("yuan", fmt.Sprintf("单价须在 0 到 %d 元之间", MaxPriceYuan),
			fmt.Sprintf("the unit price must be 0 to %d yuan", MaxPriceYuan))
	case strings.TrimSpace(p.Source) == "":
		return apperr.Required("source", "单价来源", "source of the price")
	}
	return nil
}

// validatePrices checks every price and that no item is priced twice.
func validatePrices(prices []Price, k Known) error {
	seen := map[string]int{}
	for i, p := range prices {
		f := fmt.Sprintf("prices[%d]", i)
		if err := p.validate(k); err != nil {
			return apperr.Within(f, err)
		}
		if j, dup := seen[p.Item]; dup {
			return invalid(f+".item", fmt.Sprintf("与第 %d 条单价重复", j+1), fmt.Sprintf("repeats prices[%d]", j))
		}
		seen[p.Item] = i
	}
	return nil
}

// price returns the price of an item, and whether it has one.
func (c Config) price(item string) (Price, bool) {
	for _, p := range c.Prices {
		if p.Item == item {
			return p, true
		}
	}
	return Price{}, false
}

// pricesFile is the unit prices as a CSV file.
func pricesFile(k Known) csvFile[Price, string] {
	return csvFile[Price, string]{zh: "单价", en: "prices", columns: PriceColumns,
		errs: fileErrors{csv: apperr.Error{Kind: apperr.Invalid, Code: "prices.csv"},
			empty:   apperr.Error{Kind: apperr.Invalid, Code: "prices.empty"},
			header:  apperr.Error{Kind: apperr.Invalid, Code: "prices.header"},
			tooMany: apperr.Error{Kind: apperr.Invalid, Code: "prices.too_many"},
			rows:    apperr.Error{Kind: apperr.Invalid, Code: "prices.import"}},
		required: len(PriceColumns), parse: priceFromRecord, check: func(p Price) error { return p.validate(k) },
		key: func(p Price) string { return p.Item },
		cells: func(p Price) []string {
			return []string{p.Item, strconv.FormatFloat(p.Yuan, 'f', -1, 64), yesNo(p.Assumption), p.Source}
		}}
}

// ImportPrices reads a prices file (CSV with the header [PriceColumns], as
// [ExportPrices] writes and Excel saves) and checks every row, like
// [ImportNorms]: the prices only when every row is good, otherwise an
// error (prices.import) listing each bad row with its line and column.
func ImportPrices(text string, k Known) ([]Price, error) { return pricesFile(k).read(text) }

func priceFromRecord(rec []string) (Price, error) {
	if len(rec) != len(PriceColumns) {
		return Price{}, invalid("", fmt.Sprintf("应有 4 列，实际 %d 列", len(rec)), fmt.Sprintf("want 4 columns, got %d", len(rec)))
	}
	y, err := strconv.ParseFloat(strings.TrimSpace(rec[1]), 64)
	if err != nil {
		return Price{}, invalid("yuan", "单价「"+rec[1]+"」不是数字", "price "+strconv.Quote(rec[1])+" is not a number")
	}
	return Price{Item: strings.TrimSpace(rec[0]), Yuan: y, Assumption: strings.TrimSpace(rec[2]) == "yes",
		Source: strings.TrimSpace(rec[3])}, nil
}

// ExportPrices writes prices as the CSV [ImportPrices] reads, with a
// byte-order mark for Excel and formula-like cells neutralised, as
// [ExportNorms] does.
func ExportPrices(prices []Price) []byte { return pricesFile(Known{}).write(prices) }
