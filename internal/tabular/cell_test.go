package tabular_test

import (
	"math"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/tabular"
)

func TestText(t *testing.T) {
	for in, want := range map[string]string{
		" 帐篷 ": "帐篷", "\u3000帐篷\u3000": "帐篷", "\u00a0A1\t": "A1", "\ufeff编码": "编码", "棉 帐篷": "棉 帐篷",
	} {
		if got := tabular.Text(in); got != want {
			t.Errorf("Text(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestNumber(t *testing.T) {
	for in, want := range map[string]float64{
		"1234": 1234, "1,234": 1234, "1，234": 1234, "１２３４": 1234, "1 234": 1234, "1\u00a0234 567": 1234567,
		" 12.5 ": 12.5, "－１２．５": -12.5, "-1,234.5": -1234.5, "+3": 3, ".5": 0.5, "1.5E-05": 1.5e-5, "1,234,567": 1234567,
		"\u22123": -3,
	} {
		got, err := tabular.Number(in)
		if err != nil || got != want {
			t.Errorf("Number(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "abc", "1,23", "12,34,567", "1 2", "NaN", "Inf", "0x10", "1e400", "12%", "1_000", "1.2.3", "--1"} {
		if _, err := tabular.Number(in); apperr.CodeOf(err) != "cell.not_a_number" {
			t.Errorf("Number(%q) err = %v; want cell.not_a_number", in, err)
		}
	}
}

func TestInt(t *testing.T) {
	for in, want := range map[string]int64{
		"12": 12, "12.0": 12, "１２": 12, "1,234": 1234, "-5": -5, "+5": 5, "9007199254740993": 9007199254740993, "1.2E+03": 1200,
	} {
		got, err := tabular.Int(in)
		if err != nil || got != want {
			t.Errorf("Int(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"12.5", "abc", "", "1e30", "99999999999999999999", "+-5"} {
		if _, err := tabular.Int(in); apperr.CodeOf(err) != "cell.not_an_integer" {
			t.Errorf("Int(%q) err = %v; want cell.not_an_integer", in, err)
		}
	}
}

func TestPercent(t *testing.T) {
	for in, want := range map[string]float64{"12.5%": 0.125, "12.5 ％": 0.125, "0.125": 0.125, "100%": 1, "-5%": -0.05} {
		got, err := tabular.Percent(in)
		if err != nil || math.Abs(got-want) > 1e-12 {
			t.Errorf("Percent(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := tabular.Percent("百分之十"); apperr.CodeOf(err) != "cell.not_a_percent" {
		t.Errorf("Percent(百分之十) err = %v", err)
	}
}

func TestDate(t *testing.T) {
	for in, want := range map[string]string{
		"2026-01-05": "2026-01-05", "2026/1/5": "2026-01-05", "2026.1.5": "2026-01-05", "2026年1月5日": "2026-01-05",
		"2026 年 1 月 5 日": "2026-01-05", "20260105": "2026-01-05", "２０２６／１／５": "2026-01-05", "2026/1/5 14:30": "2026-01-05",
		"2026-01-05 08:00:00": "2026-01-05",
		"46027":               "2026-01-05", "46027.75": "2026-01-05", // Excel serials, one with a time of day
		"1": "1900-01-01", "59": "1900-02-28", "61": "1900-03-01", "2958465": "9999-12-31",
		"2024-02-29": "2024-02-29",
	} {
		got, err := tabular.Date(in)
		if err != nil || got != want {
			t.Errorf("Date(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"2026-02-30", "2025-02-29", "2026/13/1", "20261301", "0", "60", "2958466", "-1", "abc", "", "1/5/2026", "2026-1"} {
		if _, err := tabular.Date(in); apperr.CodeOf(err) != "cell.not_a_date" {
			t.Errorf("Date(%q) err = %v; want cell.not_a_date", in, err)
		}
	}
}

func TestBool(t *testing.T) {
	for in, want := range map[string]bool{"是": true, "否": false, "Y": true, "n": false, "TRUE": true, "false": false, "1": true, "0": false,
		"√": true, "×": false, "Ｙ": true, " 是 ": true} {
		got, err := tabular.Bool(in)
		if err != nil || got != want {
			t.Errorf("Bool(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "maybe", "2"} {
		if _, err := tabular.Bool(in); apperr.CodeOf(err) != "cell.not_a_bool" {
			t.Errorf("Bool(%q) err = %v", in, err)
		}
	}
}

func TestPick(t *testing.T) {
	choices := []tabular.Choice{{Value: "city", ZH: "市级", EN: "City"}, {Value: "district", ZH: "区级", EN: "District"}}
	for in, want := range map[string]string{"city": "city", "市级": "city", "DISTRICT": "district", " 区级 ": "district", "市级 City": "city", "ｃｉｔｙ": "city"} {
		got, err := tabular.Pick(in, choices)
		if err != nil || got != want {
			t.Errorf("Pick(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	kinds := []tabular.Choice{{Value: "comprehensive", ZH: "综合库", EN: "Comprehensive"}, {Value: "special", ZH: "专项库", EN: "Special"},
		{Value: "special-flood", ZH: "专项防汛库", EN: "Flood"}}
	if got, err := tabular.Pick("综合", kinds); err != nil || got != "comprehensive" {
		t.Errorf("Pick(综合) = %q, %v; want comprehensive (the one label it begins)", got, err)
	}
	for _, in := range []string{"专项", "综"} { // begins two labels; too short to tell
		if got, err := tabular.Pick(in, kinds); err == nil {
			t.Errorf("Pick(%s) = %q, want an error", in, got)
		}
	}
	_, err := tabular.Pick("省级", choices)
	e, ok := apperr.As(err)
	if !ok || e.Code != "cell.not_a_choice" || e.ZH != "「省级」不是可选值（市级、区级）之一" {
		t.Errorf("Pick(省级) err = %#v", err)
	}
}

func TestParseCRS(t *testing.T) {
	for in, want := range map[string]tabular.CRS{
		"": tabular.WGS84, "WGS-84": tabular.WGS84, "wgs84": tabular.WGS84, "GPS": tabular.WGS84, "天地图": tabular.WGS84, "CGCS2000": tabular.WGS84,
		"GCJ-02": tabular.GCJ02, "gcj02": tabular.GCJ02, "高德": tabular.GCJ02, "腾讯": tabular.GCJ02, "AMap": tabular.GCJ02, "高德坐标": tabular.GCJ02, "火星坐标系": tabular.GCJ02,
		"BD-09": tabular.BD09, "bd09ll": tabular.BD09, "百度": tabular.BD09, "Baidu": tabular.BD09, "ＢＤ－０９": tabular.BD09,
		"GCJ-02 高德 GCJ-02 AMap": tabular.GCJ02, "BD-09 百度 BD-09 Baidu": tabular.BD09,
	} {
		got, err := tabular.ParseCRS(in)
		if err != nil || got != want {
			t.Errorf("ParseCRS(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"墨卡托", "高德 百度", "GCJ-02 Mercator"} {
		if _, err := tabular.ParseCRS(in); apperr.CodeOf(err) != "cell.not_a_crs" {
			t.Errorf("ParseCRS(%s) err = %v", in, err)
		}
	}
}

func TestPoint(t *testing.T) {
	want := geo.Point{Lat: 39.9054, Lon: 116.3913}
	for _, c := range [][2]string{
		{"39.9054", "116.3913"}, {" 39.9054° ", "116.3913°"}, {"39.9054,116.3913", ""}, {"", "39.9054，116.3913"},
		{"39.9054 116.3913", ""}, {"３９．９０５４", "１１６．３９１３"},
	} {
		got, err := tabular.Point(c[0], c[1])
		if err != nil || math.Abs(got.Lat-want.Lat) > 1e-9 || math.Abs(got.Lon-want.Lon) > 1e-9 {
			t.Errorf("Point(%q, %q) = %v, %v; want %v", c[0], c[1], got, err, want)
		}
	}
	dms, err := tabular.Point(`39°54'19.44"N`, `116°23′28.68″E`)
	if err != nil || math.Abs(dms.Lat-39.9054) > 1e-6 || math.Abs(dms.Lon-116.3913) > 1e-6 {
		t.Errorf("Point(DMS) = %v, %v", dms, err)
	}
	south, err := tabular.Point(`33°52'S`, `151°12'E`)
	if err != nil || south.Lat > -33.86 || south.Lon < 151.19 {
		t.Errorf("Point(S, E) = %v, %v", south, err)
	}
	for _, c := range [][2]string{{"116.3913", "39.9054x"}, {"91", "116"}, {"39", "181"}, {"", ""}, {"39.9", ""}, {"NaN", "1"}, {"39°N", "N116°E"}} {
		if _, err := tabular.Point(c[0], c[1]); apperr.CodeOf(err) != "cell.not_a_point" {
			t.Errorf("Point(%q, %q) err = %v; want cell.not_a_point", c[0], c[1], err)
		}
	}
}

// TestToWGS84: a point read from Baidu or AMap lands where the WGS-84
// original was.
func TestToWGS84(t *testing.T) {
	w := geo.Point{Lat: 39.9054, Lon: 116.3913}
	g, b := geo.WGS84ToGCJ02(w), geo.WGS84ToBD09(w)
	for _, c := range []struct {
		crs tabular.CRS
		in  geo.Point
	}{{tabular.WGS84, w}, {tabular.GCJ02, g}, {tabular.BD09, b}} {
		got := tabular.ToWGS84(c.crs, c.in.Lat, c.in.Lon)
		if geo.DistanceKm(got, w) > 0.001 {
			t.Errorf("ToWGS84(%s, %v) = %v; want %v", c.crs, c.in, got, w)
		}
	}
	if geo.DistanceKm(g, w) < 0.3 || geo.DistanceKm(b, w) < 0.8 {
		t.Errorf("the test points are not shifted: %v %v", g, b)
	}
}
