package readiness

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/csvcell"
	"github.com/stockpile-dev/stockpile/internal/input"
)

// csvFile is how one kind of settings file (the norms, the unit prices)
// reads and writes as CSV that Excel opens: a header row, then a row per
// setting. Reading checks every row and returns the settings only when
// every row is good; otherwise the error (errs.rows, e.g. norms.import)
// lists each bad row with its line and column, so that one round of
// corrections suffices.
type csvFile[T any, K comparable] struct {
	errs     fileErrors
	zh, en   string   // what the rows are, in messages: "定额", "norms"
	columns  []string // in order
	required int      // how many leading columns the header must have
	parse    func(rec []string) (T, error)
	check    func(T) error
	key      func(T) K // two rows with equal keys repeat each other
	cells    func(T) []string
}

// fileErrors are the refusals of a file as a whole, with their codes
// (norms.csv, prices.empty, …); read adds the messages.
type fileErrors struct {
	csv, empty, header, tooMany, rows apperr.Error
}

// read reads the file text. Every cell must be valid UTF-8 without NUL,
// and the apostrophe write put in front of a cell a spreadsheet would take
// for a formula is taken away ([csvcell.Restore]), so that a file written
// and read again gives the same settings. A byte-order mark is skipped.
func (f csvFile[T, K]) read(text string) ([]T, error) {
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(text, "\ufeff")))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		return nil, fileErr(f.errs.csv, fmt.Sprintf("%s文件不是有效的 CSV：%v", f.zh, err),
			fmt.Sprintf("the %s file is not valid CSV: %v", f.en, err))
	}
	if err := f.checkHeader(recs); err != nil {
		return nil, err
	}
	if len(recs)-1 > MaxNormRows {
		return nil, fileErr(f.errs.tooMany, fmt.Sprintf("%s不能超过 %d 行", f.zh, MaxNormRows),
			fmt.Sprintf("at most %d %s", MaxNormRows, f.en))
	}
	var out []T
	var rows []apperr.Row
	seen := map[K]int{}
	for i, rec := range recs[1:] {
		line := i + 2
		v, err := f.row(rec)
		if err == nil {
			if first, dup := seen[f.key(v)]; dup {
				err = invalid("item", fmt.Sprintf("与第 %d 行重复", first), fmt.Sprintf("repeats line %d", first))
			}
			seen[f.key(v)] = line
		}
		if err != nil {
			rows = append(rows, rowError(line, err))
			continue
		}
		out = append(out, v)
	}
	if len(rows) > 0 {
		e := fileErr(f.errs.rows, fmt.Sprintf("%s文件有 %d 行错误，未导入任何%s", f.zh, len(rows), f.zh),
			fmt.Sprintf("%d rows of the %s file are wrong; nothing was imported", len(rows), f.en))
		e.Rows = rows
		return nil, e
	}
	return out, nil
}

// row reads and checks one record.
func (f csvFile[T, K]) row(rec []string) (T, error) {
	var v T
	err := readCells(rec, f.columns)
	if err == nil {
		v, err = f.parse(rec)
	}
	if err == nil {
		err = f.check(v)
	}
	return v, err
}

func (f csvFile[T, K]) checkHeader(recs [][]string) error {
	if len(recs) == 0 {
		return fileErr(f.errs.empty, f.zh+"文件为空", "the "+f.en+" file is empty")
	}
	h := recs[0]
	for i, want := range f.columns[:f.required] {
		if i >= len(h) || strings.TrimSpace(h[i]) != want {
			cols := strings.Join(f.columns, ",")
			return fileErr(f.errs.header, "第 1 行应为表头 "+cols, "line 1 must be the header "+cols)
		}
	}
	return nil
}

// write writes rows as the CSV read reads, with a byte-order mark so that
// Excel shows the Chinese text. A cell a spreadsheet would take for a
// formula (a source of =HYPERLINK(…), say) is written with an apostrophe in
// front ([csvcell.Neutralise]), so that opening the file runs nothing; read
// takes the apostrophe away again.
func (f csvFile[T, K]) write(rows []T) []byte {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	w.Write(f.columns)
	for _, v := range rows {
		cells := f.cells(v)
		for i, cell := range cells {
			cells[i] = csvcell.Neutralise(cell)
		}
		w.Write(cells)
	}
	w.Flush()
	return buf.Bytes()
}

// readCells checks that each cell of a record is text Stockpile can keep,
// and takes away the apostrophe an export put in front of a cell that
// would otherwise be taken for a formula. The error names the column, one
// of cols.
func readCells(rec, cols []string) error {
	for j, cell := range rec {
		col := fmt.Sprintf("column %d", j+1)
		if j < len(cols) {
			col = cols[j]
		}
		if err := input.Text(col, cell); err != nil {
			return err
		}
		rec[j] = csvcell.Restore(cell)
	}
	return nil
}

// rowError turns a row's error into its report line: the column it names
// and the message, or a parse failure of the row as a whole.
func rowError(line int, err error) apperr.Row {
	if e, ok := apperr.As(err); ok {
		return apperr.Row{Line: line, Code: e.Code, Field: e.Field, ZH: e.ZH, EN: e.EN}
	}
	return apperr.Row{Line: line, ZH: "无法解析：" + err.Error(), EN: "cannot be read: " + err.Error()}
}

// fileErr is a refusal of a whole file: e with its messages.
func fileErr(e apperr.Error, zh, en string) *apperr.Error {
	e.ZH, e.EN = zh, en
	return &e
}

// yesNo writes an assumption flag as the files have it.
func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
