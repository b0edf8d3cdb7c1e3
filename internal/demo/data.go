package demo

import (
	"embed"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/depot"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/org"
)

//go:embed data/*.csv data/*.geojson
var dataFS embed.FS

// dataSet is the parsed content of the embedded CSV files. Each record keeps
// the line it came from, so an error found later (by the store) can still
// name file and line.
type dataSet struct {
	areas    []areaRow
	orgs     []orgRow
	depots   []depotRow
	reserves []reserveRow
}

// reserveRow is an agreement or capacity reserve of the demo. Its validity
// runs for validYears from 1 January of the demo's year, so the demo's
// reserves are valid whenever it is loaded.
type reserveRow struct {
	kind       string // agreement or capacity
	code, org  string
	party      string // the contracting party (签约主体), a bureau's code
	item       string
	quantity   float64 // agreement: units held; capacity: units per day
	hours      float64 // agreement: hours to get ready; capacity: lead time
	validYears int
	point      geo.Point
	note       string
	line       int
}

type areaRow struct {
	area.Area
	line int
}

type orgRow struct {
	org.Org
	line int
}

type depotRow struct {
	depot.Depot
	line int
}

const (
	areasFile    = "areas.csv"
	orgsFile     = "orgs.csv"
	depotsFile   = "depots.csv"
	reservesFile = "reserves.csv"
	// boundariesFile holds the district outlines in WGS-84: a copy of the web
	// basemap (internal/web/static/map/beijing-districts.geojson, made by
	// scripts/basemap), one feature per district with its code.
	boundariesFile = "district-boundaries.geojson"
)

// readData parses the three embedded files.
func readData() (dataSet, error) {
	var ds dataSet
	for _, f := range []struct {
		name string
		read func(io.Reader) error
	}{
		{areasFile, func(r io.Reader) (err error) { ds.areas, err = parseAreas(r); return err }},
		{orgsFile, func(r io.Reader) (err error) { ds.orgs, err = parseOrgs(r); return err }},
		{depotsFile, func(r io.Reader) (err error) { ds.depots, err = parseDepots(r); return err }},
		{reservesFile, func(r io.Reader) (err error) { ds.reserves, err = parseReserves(r); return err }},
	} {
		file, err := dataFS.Open("data/" + f.name)
		if err != nil {
			return ds, fmt.Errorf("demo data: %w", err)
		}
		err = f.read(file)
		file.Close()
		if err != nil {
			return ds, err
		}
	}
	return ds, addBoundaries(ds.areas)
}

// addBoundaries gives the areas their outlines from boundariesFile. Every
// feature must name an area of the list.
func addBoundaries(areas []areaRow) error {
	raw, err := dataFS.ReadFile("data/" + boundariesFile)
	if err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	var fc struct {
		Features []struct {
			Geometry   json.RawMessage `json:"geometry"`
			Properties struct {
				Code string `json:"code"`
			} `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(raw, &fc); err != nil {
		return fmt.Errorf("demo data: %s: %w", boundariesFile, err)
	}
	index := make(map[string]int, len(areas))
	for i, a := range areas {
		index[a.Code] = i
	}
	for k, f := range fc.Features {
		i, ok := index[f.Properties.Code]
		if !ok {
			return fmt.Errorf("demo data: %s feature %d: no area with code %q", boundariesFile, k, f.Properties.Code)
		}
		if areas[i].Boundary != nil {
			return fmt.Errorf("demo data: %s feature %d: area %s has two outlines", boundariesFile, k, f.Properties.Code)
		}
		areas[i].Boundary = f.Geometry
	}
	return nil
}

func parseAreas(r io.Reader) ([]areaRow, error) {
	var out []areaRow
	err := readTable(areasFile, r, []string{"code", "parent_code", "level", "name_zh", "name_en", "population",
		"lat", "lon", "terrain"}, func(rw *row) {
		a := areaRow{line: rw.line, Area: area.Area{Code: rw.str("code"), ParentCode: rw.str("parent_code"),
			Level: area.Level(rw.str("level")), NameZH: rw.str("name_zh"), NameEN: rw.str("name_en"),
			Population: rw.whole("population"), Point: rw.point(), Terrain: rw.str("terrain")}}
		out = append(out, a)
	})
	return out, err
}

func parseOrgs(r io.Reader) ([]orgRow, error) {
	var out []orgRow
	err := readTable(orgsFile, r, []string{"code", "name_zh", "name_en", "kind", "area_code"}, func(rw *row) {
		out = append(out, orgRow{line: rw.line, Org: org.Org{Code: rw.str("code"), NameZH: rw.str("name_zh"),
			NameEN: rw.str("name_en"), Kind: org.Kind(rw.str("kind")), AreaCode: rw.str("area_code")}})
	})
	return out, err
}

func parseDepots(r io.Reader) ([]depotRow, error) {
	var out []depotRow
	err := readTable(depotsFile, r, []string{"code", "name_zh", "name_en", "tier", "kind", "org_code", "area_code",
		"lat", "lon", "address", "capacity_m3"}, func(rw *row) {
		out = append(out, depotRow{line: rw.line, Depot: depot.Depot{Code: rw.str("code"), NameZH: rw.str("name_zh"),
			NameEN: rw.str("name_en"), Tier: area.Level(rw.str("tier")), Kind: depot.Kind(rw.str("kind")),
			OrgCode: rw.str("org_code"), AreaCode: rw.str("area_code"), Point: rw.point(),
			Address: rw.str("address"), CapacityM3: rw.float("capacity_m3")}})
	})
	return out, err
}

func parseReserves(r io.Reader) ([]reserveRow, error) {
	var out []reserveRow
	err := readTable(reservesFile, r, []string{"kind", "code", "org_code", "party", "item", "quantity", "hours", "valid_years",
		"lat", "lon", "note"}, func(rw *row) {
		x := reserveRow{line: rw.line, kind: rw.str("kind"), code: rw.str("code"), org: rw.str("org_code"), party: rw.str("party"),
			item: rw.str("item"), quantity: rw.float("quantity"), hours: rw.float("hours"),
			validYears: int(rw.float("valid_years")), point: rw.point(), note: rw.str("note")}
		if x.kind != "agreement" && x.kind != "capacity" {
			rw.fail("kind", x.kind, "agreement or capacity")
		}
		out = append(out, x)
	})
	return out, err
}

// row gives access by column name to one CSV record. A conversion that
// fails records the first error, which readTable reports with the line.
type row struct {
	line int
	cols map[string]int
	rec  []string
	err  error
}

func (r *row) str(col string) string { return strings.TrimSpace(r.rec[r.cols[col]]) }

func (r *row) fail(col, v, want string) {
	if r.err == nil {
		r.err = fmt.Errorf("column %s: %q is not %s", col, v, want)
	}
}

// whole reads a whole number; an empty cell is 0.
func (r *row) whole(col string) int64 {
	v := r.str(col)
	if v == "" {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		r.fail(col, v, "a whole number")
	}
	return n
}

// float reads a decimal; an empty cell is 0.
func (r *row) float(col string) float64 {
	v := r.str(col)
	if v == "" {
		return 0
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		r.fail(col, v, "a number")
	}
	return f
}

// point reads the lat and lon columns, both required.
func (r *row) point() geo.Point {
	for _, col := range []string{"lat", "lon"} {
		if r.str(col) == "" {
			r.fail(col, "", "a coordinate")
		}
	}
	return geo.Point{Lat: r.float("lat"), Lon: r.float("lon")}
}

// readTable reads a CSV file with a header row naming at least the columns
// in need (in any order; other columns, such as source, are ignored) and
// calls fn for each record. Errors name the file and the line.
func readTable(name string, in io.Reader, need []string, fn func(*row)) error {
	r := csv.NewReader(in)
	header, err := r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("demo data: %s: empty file, want a header row", name)
		}
		return fmt.Errorf("demo data: %s: header: %w", name, err)
	}
	cols := make(map[string]int, len(header))
	for i, h := range header {
		cols[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	for _, c := range need {
		if _, ok := cols[c]; !ok {
			return fmt.Errorf("demo data: %s: header lacks column %q", name, c)
		}
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil { // a *csv.ParseError names the line itself
			return fmt.Errorf("demo data: %s: %w", name, err)
		}
		line, _ := r.FieldPos(0)
		rw := &row{line: line, cols: cols, rec: rec}
		fn(rw)
		if rw.err != nil {
			return fmt.Errorf("demo data: %s line %d: %w", name, line, rw.err)
		}
	}
}

// parentsFirst orders areas so that each comes after its parent. It keeps
// the file order where the file is already right. A parent that is not in
// the file must already be in the database (the store reports it if not).
func parentsFirst(rows []areaRow) ([]areaRow, error) {
	inFile := make(map[string]int, len(rows))
	for _, a := range rows {
		if first, dup := inFile[a.Code]; dup {
			return nil, fmt.Errorf("demo data: %s line %d: area %s is also on line %d", areasFile, a.line, a.Code, first)
		}
		inFile[a.Code] = a.line
	}
	placed := make(map[string]bool, len(rows))
	out := make([]areaRow, 0, len(rows))
	for pending := rows; len(pending) > 0; {
		var later []areaRow
		for _, a := range pending {
			if _, parentInFile := inFile[a.ParentCode]; a.ParentCode == "" || placed[a.ParentCode] || !parentInFile {
				out = append(out, a)
				placed[a.Code] = true
			} else {
				later = append(later, a)
			}
		}
		if len(later) == len(pending) {
			a := later[0]
			return nil, fmt.Errorf("demo data: %s line %d: area %s: its parent chain through %s loops back on itself",
				areasFile, a.line, a.Code, a.ParentCode)
		}
		pending = later
	}
	return out, nil
}
