package tabular

import (
	"errors"
	"io"
	"strings"

	"golang.org/x/text/width"

	"github.com/stockpile-dev/stockpile/internal/apperr"
)

// headerScan is how many rows from the top ReadHeader looks at.
const headerScan = 10

// ReadHeader finds the header row among the first rows of r: the row whose
// cells name the most columns (by Chinese header, English header or key,
// or both headers together as [Template] and [NewWriter] write them, with
// units in brackets, the required mark * and spaces ignored). Rows above it
// (a title, a merged group heading) are skipped. A required column missing
// from the header is an error naming it.
//
// ReadHeader reads on past the header to be sure of it; a reader from
// [Open] hands those rows out again, so that its next row is the first
// below the header. Another Reader loses them.
func ReadHeader(r Reader, cols []Column) (Header, error) {
	best, seen, err := scanHeader(r, cols)
	if p, ok := r.(pusher); ok {
		for i, row := range seen {
			if row.Line > best.Line {
				p.pushBack(seen[i:])
				break
			}
		}
	}
	if err != nil {
		return best, err
	}
	for _, c := range cols {
		if _, ok := best.Index[c.Key]; c.Required && !ok {
			return best, apperr.New(apperr.Invalid, "import.column_missing", "文件缺少必填列「%[1]s」（%[2]s）", "the file has no column %[2]q",
				c.ZH, c.EN).WithField(c.Key)
		}
	}
	return best, nil
}

// scanHeader reads up to headerScan rows of r and returns the best header
// among them and the rows read.
func scanHeader(r Reader, cols []Column) (Header, []Row, error) {
	best := Header{}
	var seen []Row
	for range headerScan {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return best, seen, err
		}
		seen = append(seen, row)
		h := headerOf(row, cols)
		if len(h.Index) > len(best.Index) {
			best = h
		}
		if len(best.Index) > 0 && len(h.Index) == 0 || len(best.Index) == len(cols) {
			break
		}
	}
	return best, seen, nil
}

// pusher is a Reader that can hand rows out again: [ReadHeader] gives back
// the rows it read past the header.
type pusher interface {
	pushBack(rows []Row)
}

// pending holds rows given back, for a Reader to hand out before reading
// on.
type pending struct {
	rows []Row
}

func (p *pending) pushBack(rows []Row) {
	p.rows = append(append([]Row(nil), rows...), p.rows...)
}

// pop returns the first row given back, if any.
func (p *pending) pop() (Row, bool) {
	if len(p.rows) == 0 {
		return Row{}, false
	}
	row := p.rows[0]
	p.rows = p.rows[1:]
	return row, true
}

// headerOf reads row as a header row of cols.
func headerOf(row Row, cols []Column) Header {
	h := Header{Line: row.Line, Index: map[string]int{}}
	for i, cell := range row.Cells {
		if k := match(cell, cols); k != "" {
			if _, dup := h.Index[k]; !dup {
				h.Index[k] = i
			}
		} else if Text(cell) != "" {
			h.Unknown = append(h.Unknown, cell)
		}
	}
	return h
}

// match returns the key of the column a header cell names, "" for none.
func match(cell string, cols []Column) string {
	n := headerKey(cell)
	if n == "" {
		return ""
	}
	for _, c := range cols {
		if n == headerKey(c.Key) || n == headerKey(c.ZH) || n == headerKey(c.EN) || n == headerKey(c.ZH+c.EN) {
			return c.Key
		}
	}
	for _, c := range cols {
		for _, a := range c.Aliases {
			if n == headerKey(a) {
				return c.Key
			}
		}
	}
	return ""
}

// headerKey is a header cell reduced for matching: half-width, lower case,
// without spaces, line breaks, the required mark and a unit in brackets.
func headerKey(s string) string {
	s = strings.ToLower(width.Narrow.String(Text(s)))
	if i := strings.IndexAny(s, "([【"); i > 0 {
		s = s[:i]
	}
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\r' || r == '\t' || r == '_' || r == '*' || r == '\u00a0' {
			return -1
		}
		return r
	}, s)
}
