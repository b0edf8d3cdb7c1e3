// Package tabular reads and writes the tables people keep in Excel: .xlsx
// workbooks and CSV files as Chinese Excel saves them. It knows nothing of
// Stockpile's domain: a kind of data describes its columns ([Column]); the
// reader finds the header row by them, hands back the data rows one at a
// time, and the cell functions ([Number], [Date], [Point] …) turn what
// people type into values, with an error in Chinese and English when they
// cannot. [NewWriter] and [Template] write tables the reader reads back;
// [MarkProblems] returns a file to its sender with the bad cells marked.
// docs/import-files.md gives the rules for people.
//
// Files come from outside and are read defensively: a file too large, a
// zip bomb, a zip entry whose name climbs out of the archive, an oversized
// shared-string table, or a cell holding a formula without a cached value
// is refused before anything is imported (see [Limits]).
package tabular

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
	// Aliases are other headers people give the column in their own
	// files ("名称" for "储备库名称"), matched as the headers are.
	Aliases []string
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
	// file was found to use ([UTF8], [UTF8BOM], [UTF16LE], [UTF16BE],
	// [GB18030]); "" for xlsx.
	Format() Format
	Encoding() string
	// Next returns the next row, or io.EOF after the last. Rows whose
	// cells are all empty are skipped and trailing empty cells dropped. A
	// row breaking the Limits is an error (file.too_many_rows,
	// file.too_many_columns), as is a CSV syntax error (file.bad_quotes);
	// after an error Next returns it or io.EOF.
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
	// (是/否), time.Time (a date, with its time unless midnight) or nil
	// (an empty cell). Another type, NaN or an infinity is an error.
	Row(values ...any) error
	// Close finishes the file; nothing is complete before it.
	Close() error
}
