package tabular

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// area is a merged range of cells, 1-based and inclusive.
type area struct{ r1, c1, r2, c2 int }

// sheetInfo is what a pass over a sheet's XML finds before excelize reads
// it: whether any cell holds a value, and the merged ranges.
type sheetInfo struct {
	hasData bool
	merges  []area
}

// scanSheet streams through a sheet part once. It refuses a formula cell
// without a cached value (file.formula_without_value, naming the cell) and
// more merged ranges than the limit.
func scanSheet(f *zip.File, sheet string, lim Limits) (sheetInfo, error) {
	rc, err := f.Open()
	if err != nil {
		return sheetInfo{}, corrupt(err)
	}
	defer rc.Close()
	s := scanner{sheet: sheet, lim: lim}
	d := xml.NewDecoder(io.LimitReader(rc, int64(min(f.UncompressedSize64, 1<<62))))
	for {
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			return s.info, nil
		}
		if err != nil {
			return sheetInfo{}, corrupt(err)
		}
		if err := s.token(tok); err != nil {
			return sheetInfo{}, err
		}
	}
}

// scanner is the state of scanSheet between tokens.
type scanner struct {
	sheet      string
	lim        Limits
	info       sheetInfo
	row, col   int    // the current row and cell, 1-based
	ref        string // the current cell's reference
	hasF, hasV bool   // the current cell has a formula, a value
	inV        bool
}

func (s *scanner) token(tok xml.Token) error {
	switch t := tok.(type) {
	case xml.StartElement:
		return s.start(t)
	case xml.CharData:
		if s.inV && strings.TrimSpace(string(t)) != "" {
			s.info.hasData = true
		}
	case xml.EndElement:
		switch t.Name.Local {
		case "v":
			s.inV = false
		case "c":
			if s.hasF && !s.hasV {
				return refuse("file.formula_without_value",
					"工作表「%s」的单元格 %s 是公式，但文件里没有它的计算结果：请在 Excel 中打开文件、保存后再导入，或把公式换成数值",
					"cell %[2]s of sheet %[1]q holds a formula but the file carries no computed value for it: open the file in Excel and save it, or replace the formula by its value, then import",
					clip(s.sheet), s.ref)
			}
		}
	}
	return nil
}

func (s *scanner) start(t xml.StartElement) error {
	switch t.Name.Local {
	case "row":
		s.row++
		if n, err := strconv.Atoi(attr(t, "r")); err == nil {
			s.row = n
		}
		s.col = 0
	case "c":
		s.col++
		s.ref = attr(t, "r")
		if c, r, err := excelize.CellNameToCoordinates(s.ref); err == nil {
			s.col, s.row = c, r
		} else {
			s.ref, _ = excelize.CoordinatesToCellName(max(s.col, 1), max(s.row, 1))
		}
		s.hasF, s.hasV = false, false
	case "f":
		s.hasF = true
	case "v":
		s.hasV, s.inV = true, true
	case "is":
		s.hasV, s.info.hasData = true, true
	case "mergeCell":
		return s.merge(attr(t, "ref"))
	}
	return nil
}

// merge records one merged range.
func (s *scanner) merge(ref string) error {
	if len(s.info.merges) >= s.lim.MaxMergedCells {
		return refuse("file.too_many_merged_cells", "工作表「%s」合并单元格区域超过 %d 个", "sheet %q has more than %d merged ranges",
			clip(s.sheet), s.lim.MaxMergedCells)
	}
	from, to, ok := strings.Cut(ref, ":")
	if !ok {
		return nil
	}
	c1, r1, err1 := excelize.CellNameToCoordinates(from)
	c2, r2, err2 := excelize.CellNameToCoordinates(to)
	if err1 != nil || err2 != nil {
		return nil
	}
	s.info.merges = append(s.info.merges, area{min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)})
	return nil
}

// attr is the value of t's attribute local, "" when it has none.
func attr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}
