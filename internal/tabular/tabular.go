// Package tabular reads and writes the tables people keep in Excel: .xlsx
// workbooks and CSV files as Chinese Excel saves them. It knows nothing of
// Stockpile's domain: a kind of data describes its columns ([Column]); the
// reader finds the header row by them, hands back the data rows one at a
// time, and the cell functions ([Number], [Date], [Point] …) turn what
// people type into values, with an error in Chinese and English when they
// cannot.
//
// Files come from outside and are read defensively: a file too large, a
// zip bomb, a zip entry whose name climbs out of the archive, an oversized
// shared-string table, or a cell holding a formula without a cached value
// is refused before anything is imported (see [Limits]).
package tabular

import (
	"io"
)

// Format is a file format.
type Format string

const (
	CSV  Format = "csv"
	XLSX Format = "xlsx"
)

// Column describes one column of a kind of table.
type Column struct {
	Key      string   // stable English key, also accepted as a header ("item_code")
	ZH       string   // Chinese header ("物资编码")
	EN       string   // English header ("Item code")
	Unit     string   // unit shown in the header and template, such as "吨 t" ("" for none)
	Required bool     // a row without it is refused
	Choices  []Choice // allowed values (a drop-down list in the template); nil for free input
	Example  string   // the template's example value
	Note     string   // a hint in Chinese and English for the template's note row
}

// Choice is one allowed value of a column with a fixed set of values. A
// cell may give the value, its Chinese or its English label.
type Choice struct {
	Value string // stored value ("city")
	ZH    string // "市级"
	EN    string // "City"
}

// Row is one data row: the row number people see in the file (1-based, the
// header's rows counted) and its cells in file order, as text.
type Row struct {
	Line  int
	Cells []string
}

// Reader hands out the rows of a table, one at a time; only what it has
// not yet returned stays on disk, so a million-row file is read in
// constant memory (xlsx: in the memory its shared strings take).
type Reader interface {
	// Format is the file's format; Encoding the character encoding a CSV
	// file was found to use ("UTF-8", "UTF-8 BOM", "GB18030"); "" for xlsx.
	Format() Format
	Encoding() string
	// Next returns the next row, or io.EOF after the last. Rows whose
	// cells are all empty are skipped.
	Next() (Row, error)
	Close() error
}

// Header is where a table's header row was found and which cell holds
// which column.
type Header struct {
	Line    int            // row number of the header
	Index   map[string]int // column key → cell index
	Unknown []string       // header cells that name no column (ignored)
}

// Cell returns the cell of the column key in row, "" when the file has no
// such column or the row is short.
func (h Header) Cell(row Row, key string) string {
	i, ok := h.Index[key]
	if !ok || i >= len(row.Cells) {
		return ""
	}
	return row.Cells[i]
}

// Problem is one thing wrong with one cell (or, Column "", one row) of a
// file, with the value found and the reason in Chinese and English.
type Problem struct {
	Line   int    `json:"row"`
	Column string `json:"column,omitempty"` // column key
	Value  string `json:"value,omitempty"`
	Code   string `json:"code"`
	ZH     string `json:"message_zh"`
	EN     string `json:"message"`
}

// Writer writes a table row by row, in constant memory.
type Writer interface {
	// Row writes one row; values are string, int, int64, float64, bool
	// (是/否) or nil (an empty cell).
	Row(values ...any) error
	// Close finishes the file; nothing is complete before it.
	Close() error
}

var _ = io.EOF
