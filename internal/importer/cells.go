package importer

import (
	"math"
	"strconv"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/input"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/tabular"
)

// cells reads the cells of one row by column key and collects every
// problem found, so that a row reports all that is wrong with it. A
// column the file does not have leaves the value as it was (the stored
// value for a changed row, the zero value for a new one).
type cells struct {
	spec     Spec
	h        tabular.Header
	row      tabular.Row
	problems []tabular.Problem
}

// has reports whether the file has the column key.
func (c *cells) has(key string) bool { _, ok := c.h.Index[key]; return ok }

// raw is the cell of key, without surrounding spaces.
func (c *cells) raw(key string) string { return tabular.Text(c.h.Cell(c.row, key)) }

// cell returns the cell of key and whether to read it: the column is in
// the file, and the cell is not empty. An empty cell of a required column
// is a problem.
func (c *cells) cell(key string) (string, bool) {
	if !c.has(key) {
		return "", false
	}
	v := c.raw(key)
	if v == "" {
		if col, _ := c.spec.Column(key); col.Required {
			c.add(key, "", apperr.Required(key, col.ZH, col.EN))
		}
		return "", false
	}
	if err := input.Text(key, v); err != nil {
		c.add(key, "", err)
		return "", false
	}
	return v, true
}

// add records that the cell of key holding value is wrong because of err.
func (c *cells) add(key, value string, err error) {
	p := tabular.Problem{Line: c.row.Line, Column: key, Value: value, Code: "import.invalid",
		ZH: err.Error(), EN: err.Error()}
	if e, ok := apperr.As(err); ok {
		p.Code, p.ZH, p.EN = e.Code, e.ZH, e.EN
		if p.Column == "" {
			p.Column = e.Field
		}
	}
	if p.Value == "" && p.Column != "" {
		p.Value = c.raw(p.Column)
	}
	c.problems = append(c.problems, p)
}

// fail records err of a domain check, naming the column its field maps to
// (fields names the domain's field for a column where the two differ).
func (c *cells) fail(err error, fields map[string]string) {
	if err == nil {
		return
	}
	key := ""
	if e, ok := apperr.As(err); ok {
		key = e.Field
		if k, ok := fields[key]; ok {
			key = k
		}
		if i := strings.IndexAny(key, "[."); i > 0 {
			key = key[:i]
		}
		if _, ok := c.spec.Column(key); !ok {
			key = ""
		}
	}
	c.add(key, "", err)
}

// text sets *dst to the cell of key when the file has it; an empty
// optional cell clears it.
func (c *cells) text(key string, dst *string) {
	if !c.has(key) {
		return
	}
	v, _ := c.cell(key)
	*dst = v
}

// number sets *dst to the number in the cell of key.
func (c *cells) number(key string, dst *float64) {
	if !c.has(key) {
		return
	}
	v, ok := c.cell(key)
	if !ok {
		*dst = 0
		return
	}
	f, err := tabular.Number(v)
	if err == nil && (math.IsNaN(f) || math.IsInf(f, 0)) {
		err = apperr.New(apperr.Invalid, "cell.not_a_number", "「%s」不是数字", "%q is not a number", v)
	}
	if err != nil {
		c.add(key, v, err)
		return
	}
	*dst = f
}

// integer sets *dst to the whole number in the cell of key.
func (c *cells) integer(key string, dst *int64) {
	if !c.has(key) {
		return
	}
	v, ok := c.cell(key)
	if !ok {
		*dst = 0
		return
	}
	n, err := tabular.Int(v)
	if err != nil {
		c.add(key, v, err)
		return
	}
	*dst = n
}

// quantity sets *dst to the quantity in the cell of key (up to three
// decimals).
func (c *cells) quantity(key string, dst *stock.Quantity) {
	if !c.has(key) {
		return
	}
	v, ok := c.cell(key)
	if !ok {
		return
	}
	if n, ok := wholeDigits(v); ok { // the common case, read without a detour through text
		q := stock.Quantity(n * stock.Scale)
		if err := q.CheckRange(); err != nil {
			c.add(key, v, err)
			return
		}
		*dst = q
		return
	}
	f, err := tabular.Number(v)
	if err != nil {
		c.add(key, v, err)
		return
	}
	q, err := stock.ParseQuantity(strconv.FormatFloat(f, 'f', -1, 64))
	if err != nil {
		c.add(key, v, err)
		return
	}
	*dst = q
}

// wholeDigits reads a cell of up to 15 ASCII digits, as ParseQuantity
// would read it.
func wholeDigits(v string) (int64, bool) {
	if v == "" || len(v) > 15 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return 0, false
		}
		n = n*10 + int64(v[i]-'0')
	}
	return n, true
}

// date sets *dst to the date (YYYY-MM-DD) in the cell of key.
func (c *cells) date(key string, dst *string) {
	if !c.has(key) {
		return
	}
	v, ok := c.cell(key)
	if !ok {
		*dst = ""
		return
	}
	d, err := tabular.Date(v)
	if err != nil {
		c.add(key, v, err)
		return
	}
	*dst = d
}

// pick sets *dst to the choice of the column key the cell names.
func (c *cells) pick(key string, dst *string) {
	if !c.has(key) {
		return
	}
	v, ok := c.cell(key)
	if !ok {
		*dst = ""
		return
	}
	col, _ := c.spec.Column(key)
	got, err := tabular.Pick(v, col.Choices)
	if err != nil {
		c.add(key, v, err)
		return
	}
	*dst = got
}

// flag sets *dst from a yes/no cell (是/否, yes/no, √/×, 1/0 …).
func (c *cells) flag(key string, dst *bool) {
	if !c.has(key) {
		return
	}
	v, ok := c.cell(key)
	if !ok {
		*dst = false
		return
	}
	b, err := tabular.Bool(v)
	if err != nil {
		c.add(key, v, err)
		return
	}
	*dst = b
}

// list sets *dst to the values of a cell separated by commas (full-width
// too), 、 or spaces.
func (c *cells) list(key string, dst *[]string) {
	if !c.has(key) {
		return
	}
	v, _ := c.cell(key)
	*dst = splitList(v)
}

func splitList(v string) []string {
	f := strings.FieldsFunc(v, func(r rune) bool {
		return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' || r == ' ' || r == '\n'
	})
	var out []string
	for _, s := range f {
		if s = tabular.Text(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// point sets *dst to the location in the lon and lat columns (decimal
// degrees, degrees and minutes, or both in one cell), converted to WGS-84
// from the coordinate system of the crs column (empty: WGS-84). With both
// cells empty it is left as it was, or refused when required.
func (c *cells) point(dst *geo.Point) {
	if !c.has("lon") && !c.has("lat") {
		return
	}
	lonText, latText := c.raw("lon"), c.raw("lat")
	if lonText == "" && latText == "" {
		if col, _ := c.spec.Column("lon"); col.Required {
			c.add("lon", "", apperr.Required("lon", col.ZH, col.EN))
		}
		return
	}
	p, err := tabular.Point(latText, lonText)
	if err != nil {
		c.add("lon", lonText+", "+latText, err)
		return
	}
	crs, err := tabular.ParseCRS(c.raw("crs"))
	if err != nil {
		c.add("crs", c.raw("crs"), err)
		return
	}
	*dst = tabular.ToWGS84(crs, p.Lat, p.Lon)
}
