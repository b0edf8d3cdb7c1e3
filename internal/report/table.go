package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/stockpile-dev/stockpile/internal/csvcell"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/tabular"
)

// NewTable starts a table of one header row in format f on w, heads
// given as "中文 English" (split at the first space), and returns the
// writer its rows go through, one at a time: [tabular.NewWriter], which
// writes CSV as UTF-8 with a byte-order mark and every text cell
// neutralised against formulas (csvcell), and an .xlsx workbook of one
// sheet through excelize's stream writer, past a few megabytes in a
// temporary file. Quantities are written as numbers. Nothing is complete
// before Close.
func NewTable(w io.Writer, f tabular.Format, sheet string, heads []string) (tabular.Writer, error) {
	cols := make([]tabular.Column, len(heads))
	for i, h := range heads {
		zh, en, _ := strings.Cut(h, " ")
		cols[i] = tabular.Column{Key: fmt.Sprint(i), ZH: zh, EN: en}
	}
	t, err := tabular.NewWriter(w, f, sheet, cols)
	if err != nil {
		return nil, err
	}
	return quantities{t}, nil
}

// quantities writes stock quantities as numbers through a tabular writer.
type quantities struct{ tabular.Writer }

func (q quantities) Row(values ...any) error {
	for i, v := range values {
		if x, ok := v.(stock.Quantity); ok {
			values[i] = x.Float()
		}
	}
	return q.Writer.Row(values...)
}

// csvText is a cell as CSV text.
func csvText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return csvcell.Neutralise(v)
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case stock.Quantity:
		return v.String()
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return yesNo(v)
	case time.Time:
		return v.Format("2006-01-02 15:04:05")
	}
	return csvcell.Neutralise(fmt.Sprint(v))
}
