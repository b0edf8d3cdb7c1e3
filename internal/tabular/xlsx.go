package tabular

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/xuri/excelize/v2"
)

// xlsxReader reads one sheet of a workbook row by row through excelize's
// streaming row iterator.
type xlsxReader struct {
	pending
	f      *excelize.File
	rows   *excelize.Rows
	lim    Limits
	line   int      // the sheet row last read
	count  int      // rows returned
	merges []area   // merged ranges, by first row
	next   int      // merges[next:] start below the current row
	active []merged // merged ranges covering the current row
	done   bool
}

// merged is a merged range being read, with the value of its top-left cell.
type merged struct {
	area
	value string
}

// openXLSX checks the archive, picks the sheet, scans it and opens it in
// excelize.
func openXLSX(name string, data io.ReaderAt, size int64, lim Limits) (Reader, error) {
	zr, err := zip.NewReader(data, size)
	if err != nil {
		return nil, corrupt(err)
	}
	if err := checkZip(zr, lim); err != nil {
		return nil, err
	}
	ref, info, err := pickSheet(zr, lim)
	if err != nil {
		return nil, err
	}
	f, rows, err := openSheet(data, size, ref.Name, lim)
	if err != nil {
		return nil, err
	}
	sort.Slice(info.merges, func(i, j int) bool { return info.merges[i].r1 < info.merges[j].r1 })
	return &xlsxReader{f: f, rows: rows, lim: lim, merges: info.merges}, nil
}

// openSheet opens the workbook in excelize and starts reading a sheet.
func openSheet(data io.ReaderAt, size int64, sheet string, lim Limits) (f *excelize.File, rows *excelize.Rows, err error) {
	defer recovered(&err)
	f, err = excelize.OpenReader(io.NewSectionReader(data, 0, size),
		excelize.Options{RawCellValue: true, UnzipSizeLimit: lim.MaxUncompressed, UnzipXMLSizeLimit: min(lim.MaxUncompressed, 16<<20)})
	if err != nil {
		return nil, nil, corrupt(err)
	}
	if rows, err = f.Rows(sheet); err != nil {
		f.Close()
		return nil, nil, corrupt(err)
	}
	return f, rows, nil
}

// recovered turns a panic of the xlsx library on a hostile file into
// file.corrupt in *err: the library is not trusted never to panic.
func recovered(err *error) {
	if p := recover(); p != nil {
		*err = corrupt(fmt.Errorf("panic: %v", p))
	}
}

// pickSheet returns the first visible sheet with a value in a cell, or
// the first visible sheet when none has any.
func pickSheet(zr *zip.Reader, lim Limits) (sheetRef, sheetInfo, error) {
	list, err := sheets(zr)
	if err != nil {
		return sheetRef{}, sheetInfo{}, err
	}
	parts := map[string]*zip.File{}
	for _, f := range zr.File {
		parts[strings.ToLower(f.Name)] = f
	}
	var first *sheetRef
	var firstInfo sheetInfo
	for i, s := range list {
		part := parts[strings.ToLower(s.Part)]
		if s.Hidden || part == nil {
			continue
		}
		info, err := scanSheet(part, s.Name, lim)
		if err != nil {
			return sheetRef{}, sheetInfo{}, err
		}
		if info.hasData {
			return s, info, nil
		}
		if first == nil {
			first, firstInfo = &list[i], info
		}
	}
	if first == nil {
		return sheetRef{}, sheetInfo{}, refuse("file.not_a_table", "工作簿里没有可见的工作表", "the workbook has no visible sheet")
	}
	return *first, firstInfo, nil
}

func (x *xlsxReader) Format() Format   { return XLSX }
func (x *xlsxReader) Encoding() string { return "" }

func (x *xlsxReader) Close() error {
	err := x.rows.Close()
	return errors.Join(err, x.f.Close())
}

// Next returns the next row with a value in a cell; a merged range's value
// shows in every cell of it. Row.Line is the sheet's row number.
func (x *xlsxReader) Next() (row Row, err error) {
	if row, ok := x.pop(); ok {
		return row, nil
	}
	defer recovered(&err)
	for !x.done && x.rows.Next() {
		x.line++
		cells, err := x.rows.Columns()
		if err != nil {
			x.done = true
			return Row{}, corrupt(err)
		}
		cells = trimTrailing(x.spread(cells))
		if len(cells) == 0 {
			continue
		}
		x.count++
		if x.count > x.lim.MaxRows {
			x.done = true
			return Row{}, tooManyRows(x.lim.MaxRows)
		}
		if len(cells) > x.lim.MaxColumns {
			x.done = true
			return Row{}, tooManyColumns(x.line, len(cells), x.lim.MaxColumns)
		}
		return Row{Line: x.line, Cells: cells}, nil
	}
	x.done = true
	if err := x.rows.Error(); err != nil {
		if errors.Is(err, excelize.ErrMaxRows) {
			return Row{}, tooManyRows(x.lim.MaxRows)
		}
		return Row{}, corrupt(err)
	}
	return Row{}, io.EOF
}

// spread copies the value of each merged range covering the current row
// into every cell of it, taking the value from the range's top-left cell
// when the row is its first. Cells beyond MaxColumns are not filled: a
// title merged across the whole sheet is not a row too wide.
func (x *xlsxReader) spread(cells []string) []string {
	kept := x.active[:0]
	for _, m := range x.active {
		if m.r2 >= x.line {
			kept = append(kept, m)
		}
	}
	x.active = kept
	for x.next < len(x.merges) && x.merges[x.next].r1 <= x.line {
		a := x.merges[x.next]
		x.next++
		if a.r2 < x.line {
			continue
		}
		m := merged{area: a}
		if a.r1 == x.line && a.c1-1 < len(cells) {
			m.value = cells[a.c1-1]
		}
		x.active = append(x.active, m)
	}
	for _, m := range x.active {
		if m.value == "" {
			continue
		}
		last := min(m.c2, x.lim.MaxColumns)
		for len(cells) < last {
			cells = append(cells, "")
		}
		for c := m.c1; c <= last; c++ {
			cells[c-1] = m.value
		}
	}
	return cells
}
