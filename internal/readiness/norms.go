package readiness

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/csvcell"
	"github.com/stockpile-dev/stockpile/internal/input"
)

// NormColumns are the columns of a norms file, in order; area and group
// (a special group's code, [Group]) are optional.
var NormColumns = []string{"hazard", "item", "basis", "quantity", "tier", "assumption", "source", "area", "group"}

// MaxNormRows bounds the rows of an imported norms file.
const MaxNormRows = 5000

// ImportNorms reads a norms file (CSV with the header [NormColumns], as
// [ExportNorms] writes and Excel saves) and checks every row. It returns
// the norms only when every row is good; otherwise the error lists each
// bad row with its line and column, so one round of corrections suffices.
//
// Every cell must be valid UTF-8 without NUL (text.invalid_utf8,
// text.nul), and the apostrophe ExportNorms put in front of a cell a
// spreadsheet would take for a formula is taken away ([csvcell.Restore]),
// so that a file exported and imported again gives the same norms.
func ImportNorms(text string, k Known) ([]Norm, error) {
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(text, "\ufeff")))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		return nil, apperr.New(apperr.Invalid, "norms.csv", "定额文件不是有效的 CSV:%v", "the norms file is not valid CSV: %v", err)
	}
	if err := checkHeader(recs); err != nil {
		return nil, err
	}
	if len(recs)-1 > MaxNormRows {
		return nil, apperr.New(apperr.Invalid, "norms.too_many", "定额不能超过 %d 行", "at most %d norms", MaxNormRows)
	}
	var norms []Norm
	var rows []apperr.Row
	seen := map[Norm]int{}
	for i, rec := range recs[1:] {
		line := i + 2
		err := readCells(rec, NormColumns)
		var n Norm
		if err == nil {
			n, err = normFromRecord(rec)
		}
		if err == nil {
			err = n.validate(k)
		}
		if err == nil {
			key := Norm{Hazard: n.Hazard, Item: n.Item, Basis: n.Basis, Area: n.Area, Tier: n.Tier, Group: n.Group}
			if first, dup := seen[key]; dup {
				err = invalid("item", fmt.Sprintf("与第 %d 行重复", first), fmt.Sprintf("repeats line %d", first))
			}
			seen[key] = line
		}
		if err != nil {
			rows = append(rows, rowError(line, err))
			continue
		}
		norms = append(norms, n)
	}
	if len(rows) > 0 {
		e := apperr.New(apperr.Invalid, "norms.import", "定额文件有 %d 行错误,未导入任何定额", "%d rows of the norms file are wrong; nothing was imported", len(rows))
		e.Rows = rows
		return nil, e
	}
	return norms, nil
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

func checkHeader(recs [][]string) error {
	if len(recs) == 0 {
		return apperr.New(apperr.Invalid, "norms.empty", "定额文件为空", "the norms file is empty")
	}
	h := recs[0]
	for i, want := range NormColumns[:7] {
		if i >= len(h) || strings.TrimSpace(h[i]) != want {
			return apperr.New(apperr.Invalid, "norms.header", "第 1 行应为表头 %s", "line 1 must be the header %s",
				strings.Join(NormColumns, ","))
		}
	}
	return nil
}

// rowError turns a row's error into its report line: the column it names
// and the message, or a parse failure of the row as a whole.
func rowError(line int, err error) apperr.Row {
	if e, ok := apperr.As(err); ok {
		return apperr.Row{Line: line, Code: e.Code, Field: e.Field, ZH: e.ZH, EN: e.EN}
	}
	return apperr.Row{Line: line, ZH: "无法解析:" + err.Error(), EN: "cannot be read: " + err.Error()}
}

// ExportNorms writes norms as the CSV [ImportNorms] reads, with a byte-order
// mark so that Excel shows the Chinese text. A cell a spreadsheet would
// take for a formula (a source of =HYPERLINK(…), say) is written with an
// apostrophe in front ([csvcell.Neutralise]), so that opening the file runs
// nothing; ImportNorms takes the apostrophe away again.
func ExportNorms(norms []Norm) []byte {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	w.Write(NormColumns)
	for _, n := range norms {
		assumption := "no"
		if n.Assumption {
			assumption = "yes"
		}
		row := []string{n.Hazard, n.Item, string(n.Basis), strconv.FormatFloat(n.Quantity, 'f', -1, 64), string(n.Tier),
			assumption, n.Source, n.Area, n.Group}
		for i, cell := range row {
			row[i] = csvcell.Neutralise(cell)
		}
		w.Write(row)
	}
	w.Flush()
	return buf.Bytes()
}
