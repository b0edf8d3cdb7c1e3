package tabular

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/apperr"
)

// Limits bound what a file may make the reader do. The zero value of a
// field means its default (DefaultLimits).
type Limits struct {
	MaxBytes         int64 // the file as uploaded
	MaxUncompressed  int64 // xlsx: all parts of the archive, uncompressed
	MaxSharedStrings int64 // xlsx: the shared-string table, uncompressed
	MaxRows          int   // data rows
	MaxColumns       int   // cells per row
}

// DefaultLimits are generous for a province's opening stock (a million
// rows) and small enough that a hostile file cannot exhaust the server.
func DefaultLimits() Limits {
	return Limits{MaxBytes: 256 << 20, MaxUncompressed: 1 << 30, MaxSharedStrings: 128 << 20,
		MaxRows: 2_000_000, MaxColumns: 256}
}

// Open returns a reader of the table in data, which is an .xlsx workbook
// (its first sheet) or a CSV file, told apart by content rather than by
// name; name is used in messages only.
func Open(name string, data io.ReaderAt, size int64, lim Limits) (Reader, error) {
	// Skeleton: CSV in UTF-8 only. The full reader (xlsx, GB18030, limits)
	// replaces this.
	buf := make([]byte, size)
	if _, err := data.ReadAt(buf, 0); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("tabular: read %s: %w", name, err)
	}
	buf = bytes.TrimPrefix(buf, []byte("\xef\xbb\xbf"))
	r := csv.NewReader(bytes.NewReader(buf))
	r.FieldsPerRecord = -1
	return &csvReader{r: r}, nil
}

type csvReader struct {
	r    *csv.Reader
	line int
}

func (c *csvReader) Format() Format   { return CSV }
func (c *csvReader) Encoding() string { return "UTF-8" }
func (c *csvReader) Close() error     { return nil }

func (c *csvReader) Next() (Row, error) {
	for {
		rec, err := c.r.Read()
		if err != nil {
			return Row{}, err
		}
		c.line, _ = c.r.FieldPos(0)
		for _, v := range rec {
			if strings.TrimSpace(v) != "" {
				return Row{Line: c.line, Cells: rec}, nil
			}
		}
	}
}

// headerScan is how many rows from the top ReadHeader looks at.
const headerScan = 10

// ReadHeader finds the header row among the first rows of r: the row whose
// cells name the most columns (by Chinese header, English header or key,
// with units in brackets and spaces ignored). Rows above it (a title, a
// merged group heading) are skipped; the rows after it are the data. A
// required column missing from the header is an error naming it.
func ReadHeader(r Reader, cols []Column) (Header, error) {
	best := Header{}
	for range headerScan {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return best, err
		}
		h := Header{Line: row.Line, Index: map[string]int{}}
		for i, cell := range row.Cells {
			if k := match(cell, cols); k != "" {
				if _, dup := h.Index[k]; !dup {
					h.Index[k] = i
				}
			} else if strings.TrimSpace(cell) != "" {
				h.Unknown = append(h.Unknown, cell)
			}
		}
		if len(h.Index) > len(best.Index) {
			best = h
		}
		if len(best.Index) > 0 && len(h.Index) == 0 {
			break
		}
		if len(best.Index) == len(cols) {
			break
		}
	}
	for _, c := range cols {
		if _, ok := best.Index[c.Key]; c.Required && !ok {
			return best, apperr.New(apperr.Invalid, "import.column_missing", "文件缺少必填列「%[1]s」（%[2]s）", "the file has no column %[2]q (%[1]s)",
				c.ZH, c.EN).WithField(c.Key)
		}
	}
	return best, nil
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
	return ""
}

// headerKey is a header cell reduced for matching: lower case, without
// spaces, line breaks, and a unit in brackets.
func headerKey(s string) string {
	s = strings.ToLower(Text(s))
	for _, open := range []string{"（", "("} {
		if i := strings.Index(s, open); i > 0 {
			s = s[:i]
		}
	}
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\r' || r == '\t' || r == '_' || r == '*' {
			return -1
		}
		return r
	}, s)
}
