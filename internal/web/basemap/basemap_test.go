package basemap

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
)

// The GCJ-02 coordinates below are geo.WGS84ToGCJ02 of round WGS-84 values
// (116.40,39.90 → 116.406243,39.901404 and so on), rounded to 6 decimals, so the
// converted output must give back those round values at 5 decimals.

const districtsCSV = `code,parent_code,level,name_zh,name_en,population
110000,,city,北京市,Beijing,21893095
110101,110000,district,东城区,Dongcheng District,708829
110102,110000,district,西城区,Xicheng District,1106214
BDA,110000,district,北京经济技术开发区,Beijing Economic-Technological Development Area,
110101002,110101,street,景山街道,Jingshan Subdistrict,
`

const dongcheng = `{"id":"110101","type":"Feature","properties":{"cp":[116.418757,39.917544],"name":"东城区","childNum":1},
 "geometry":{"type":"Polygon","encodeOffsets":[[1,2]],"coordinates":[[
  [116.406243,39.901404],[116.426233,39.901397],[116.4262331,39.9013971],
  [116.426235,39.921398],[116.406245,39.921404],[116.406243,39.901404]]]}}`

// xicheng is a MultiPolygon whose second ring is not closed.
const xicheng = `{"id":"110102","type":"Feature","properties":{"name":"西城区"},
 "geometry":{"type":"MultiPolygon","coordinates":[
  [[[116.356182,39.901352],[116.386231,39.901393],[116.386234,39.921394],[116.356184,39.921353],[116.356182,39.901352]]],
  [[[116.306079,39.951262],[116.316099,39.951279],[116.316100,39.961280]]]]}}`

func fc(features ...string) []byte {
	return []byte(`{"type":"FeatureCollection","UTF8Encoding":false,"features":[` + strings.Join(features, ",") + `]}`)
}

func loadTestDistricts(t *testing.T) []District {
	t.Helper()
	ds, err := LoadDistricts(strings.NewReader(districtsCSV))
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func TestLoadDistricts(t *testing.T) {
	ds := loadTestDistricts(t)
	want := []District{
		{"110101", "东城区", "Dongcheng District"},
		{"110102", "西城区", "Xicheng District"},
		{"BDA", "北京经济技术开发区", "Beijing Economic-Technological Development Area"},
	}
	if !reflect.DeepEqual(ds, want) {
		t.Fatalf("LoadDistricts = %+v\nwant %+v", ds, want)
	}
	if !ds[0].IsAdministrative() || ds[2].IsAdministrative() {
		t.Fatal("IsAdministrative: want 110101 true, BDA false")
	}
	// Without a level column every row is a district.
	ds, err := LoadDistricts(strings.NewReader("name_en,code,name_zh\nDongcheng,110101,东城区\n"))
	if err != nil || len(ds) != 1 || ds[0] != (District{"110101", "东城区", "Dongcheng"}) {
		t.Fatalf("no level column: %+v, %v", ds, err)
	}
	// A table without Chinese names (code,name_en,terrain) is refused.
	_, err = LoadDistricts(strings.NewReader("code,name_en,terrain\n110101,Dongcheng,urban\n"))
	if err == nil || !strings.Contains(err.Error(), `"name_zh"`) {
		t.Fatalf("missing name_zh column: err = %v", err)
	}
	_, err = LoadDistricts(strings.NewReader("code,name_zh,name_en\n110101,东城区,A\n110102,东城区,B\n"))
	if err == nil || !strings.Contains(err.Error(), "duplicate") {
		t.Fatalf("duplicate name: err = %v", err)
	}
}

type outFC struct {
	Type     string `json:"type"`
	Features []struct {
		Type       string            `json:"type"`
		Properties map[string]string `json:"properties"`
		Geometry   struct {
			Type        string          `json:"type"`
			Coordinates json.RawMessage `json:"coordinates"`
		} `json:"geometry"`
		ID any `json:"id"`
	} `json:"features"`
}

func TestConvert(t *testing.T) {
	// Xicheng first: the output is sorted by code.
	res, err := Convert(fc(xicheng, dongcheng), loadTestDistricts(t))
	if err != nil {
		t.Fatal(err)
	}
	var out outFC
	if err := json.Unmarshal(res.GeoJSON, &out); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, res.GeoJSON)
	}
	if out.Type != "FeatureCollection" || len(out.Features) != 2 {
		t.Fatalf("output: type %q with %d features", out.Type, len(out.Features))
	}
	f0, f1 := out.Features[0], out.Features[1]
	if want := map[string]string{"code": "110101", "name_zh": "东城区", "name_en": "Dongcheng District"}; !reflect.DeepEqual(f0.Properties, want) {
		t.Errorf("feature 0 properties = %v, want %v", f0.Properties, want)
	}
	if f1.Properties["code"] != "110102" || f1.Properties["name_en"] != "Xicheng District" {
		t.Errorf("feature 1 properties = %v", f1.Properties)
	}
	if f0.ID != nil || f1.ID != nil {
		t.Errorf("output features carry ids: %v, %v", f0.ID, f1.ID)
	}

	var poly [][][2]float64
	if err := json.Unmarshal(f0.Geometry.Coordinates, &poly); err != nil || f0.Geometry.Type != "Polygon" {
		t.Fatalf("feature 0 geometry %s: %v", f0.Geometry.Type, err)
	}
	// Converted to WGS-84, rounded to 5 decimals, and the near-duplicate third
	// input point (1e-7° from the second) dropped.
	wantPoly := [][][2]float64{{{116.4, 39.9}, {116.42, 39.9}, {116.42, 39.92}, {116.4, 39.92}, {116.4, 39.9}}}
	if !reflect.DeepEqual(poly, wantPoly) {
		t.Errorf("Dongcheng coordinates = %v\nwant %v", poly, wantPoly)
	}

	var multi [][][][2]float64
	if err := json.Unmarshal(f1.Geometry.Coordinates, &multi); err != nil || f1.Geometry.Type != "MultiPolygon" {
		t.Fatalf("feature 1 geometry %s: %v", f1.Geometry.Type, err)
	}
	wantMulti := [][][][2]float64{
		{{{116.35, 39.9}, {116.38, 39.9}, {116.38, 39.92}, {116.35, 39.92}, {116.35, 39.9}}},
		{{{116.3, 39.95}, {116.31, 39.95}, {116.31, 39.96}, {116.3, 39.95}}}, // closed
	}
	if !reflect.DeepEqual(multi, wantMulti) {
		t.Errorf("Xicheng coordinates = %v\nwant %v", multi, wantMulti)
	}

	// Every number in the output has at most 5 decimals.
	for _, p := range append(append([][2]float64{}, poly[0]...), multi[1][0]...) {
		for _, v := range p {
			if math.Abs(v*1e5-math.Round(v*1e5)) > 1e-6 {
				t.Errorf("coordinate %v has more than 5 decimals", v)
			}
		}
	}
	if strings.Contains(string(res.GeoJSON), "cp") || strings.Contains(string(res.GeoJSON), "encodeOffsets") {
		t.Errorf("input properties or members leaked into the output:\n%s", res.GeoJSON)
	}

	if res.PointsIn != 14 || res.PointsOut != 14 { // one duplicate dropped, one ring closed
		t.Errorf("points in/out = %d/%d, want 14/14", res.PointsIn, res.PointsOut)
	}
	if res.MaxShiftM < 400 || res.MaxShiftM > 700 {
		t.Errorf("max shift %.0f m, want a few hundred metres", res.MaxShiftM)
	}
	if len(res.Matched) != 2 || res.Matched[0].Code != "110101" {
		t.Errorf("Matched = %+v", res.Matched)
	}
	if len(res.Absent) != 1 || res.Absent[0].Code != "BDA" {
		t.Errorf("Absent = %+v, want only BDA", res.Absent)
	}

	// Deterministic: the same input gives the same bytes.
	again, err := Convert(fc(dongcheng, xicheng), loadTestDistricts(t))
	if err != nil || string(again.GeoJSON) != string(res.GeoJSON) {
		t.Errorf("output depends on input order or is not deterministic (err %v)", err)
	}
}

func TestConvertErrors(t *testing.T) {
	ds := loadTestDistricts(t)
	cases := []struct {
		name, want string
		in         []byte
	}{
		{"unknown name", `"朝阳区" matches no district`,
			fc(dongcheng, xicheng, strings.Replace(dongcheng, "东城区", "朝阳区", 1))},
		{"missing district", "110102 西城区 has no feature", fc(dongcheng)},
		{"two features for one district", "second feature for 110101", fc(dongcheng, xicheng, dongcheng)},
		{"id disagrees with name", "id 110105 but name 东城区",
			fc(strings.Replace(dongcheng, `"110101"`, `"110105"`, 1), xicheng)},
		{"compressed encoding", "compressed encoding",
			[]byte(`{"type":"FeatureCollection","UTF8Encoding":true,"features":[]}`)},
		{"no features", "no features", fc()},
		{"not a polygon", "want Polygon or MultiPolygon", fc(dongcheng,
			`{"type":"Feature","properties":{"name":"西城区"},"geometry":{"type":"Point","coordinates":[116.36,39.91]}}`)},
		{"outside China", "not a lon/lat in China", fc(dongcheng,
			`{"type":"Feature","properties":{"name":"西城区"},"geometry":{"type":"Polygon","coordinates":[[[2.35,48.85],[2.36,48.85],[2.36,48.86],[2.35,48.85]]]}}`)},
		{"degenerate ring", "need at least 4", fc(dongcheng,
			`{"type":"Feature","properties":{"name":"西城区"},"geometry":{"type":"Polygon","coordinates":[[[116.36,39.91],[116.36,39.91],[116.37,39.91],[116.36,39.91]]]}}`)},
		{"not JSON", "not JSON", []byte(`{"type":`)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := Convert(c.in, ds)
			if err == nil {
				t.Fatalf("no error; output:\n%s", res.GeoJSON)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q does not mention %q", err, c.want)
			}
		})
	}
}
