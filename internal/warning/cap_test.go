package warning

import (
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/geo"
)

// beijing are the districts of the demo city with their seats of
// government (internal/demo/data/areas.csv).
var beijing = []AreaRef{
	{"110101", "东城区", "Dongcheng District", geo.Point{Lon: 116.4125, Lat: 39.9161}},
	{"110102", "西城区", "Xicheng District", geo.Point{Lon: 116.3606, Lat: 39.9139}},
	{"110105", "朝阳区", "Chaoyang District", geo.Point{Lon: 116.4803, Lat: 39.9202}},
	{"110106", "丰台区", "Fengtai District", geo.Point{Lon: 116.2809, Lat: 39.8624}},
	{"110107", "石景山区", "Shijingshan District", geo.Point{Lon: 116.1893, Lat: 39.9133}},
	{"110108", "海淀区", "Haidian District", geo.Point{Lon: 116.3042, Lat: 39.9548}},
	{"110109", "门头沟区", "Mentougou District", geo.Point{Lon: 116.0991, Lat: 39.9358}},
	{"110111", "房山区", "Fangshan District", geo.Point{Lon: 116.1329, Lat: 39.7342}},
	{"110112", "通州区", "Tongzhou District", geo.Point{Lon: 116.6527, Lat: 39.9014}},
	{"110113", "顺义区", "Shunyi District", geo.Point{Lon: 116.6476, Lat: 40.1278}},
	{"110114", "昌平区", "Changping District", geo.Point{Lon: 116.2298, Lat: 40.2168}},
	{"110115", "大兴区", "Daxing District", geo.Point{Lon: 116.3319, Lat: 39.7276}},
	{"110116", "怀柔区", "Huairou District", geo.Point{Lon: 116.6312, Lat: 40.3232}},
	{"110117", "平谷区", "Pinggu District", geo.Point{Lon: 117.1058, Lat: 40.1434}},
	{"110118", "密云区", "Miyun District", geo.Point{Lon: 116.8373, Lat: 40.3762}},
	{"110119", "延庆区", "Yanqing District", geo.Point{Lon: 115.9789, Lat: 40.4641}},
}

func unix(s string) int64 {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.Unix()
}

func TestParseCAPSamples(t *testing.T) {
	for _, c := range []struct {
		file string
		want Warning
	}{
		{"beijing-rainstorm-red.xml", Warning{
			Identifier: "11000041600000_20260730075500", Sender: "北京市气象台",
			Headline: "北京市气象台发布暴雨红色预警信号", Hazard: HazardFlood, Level: 1,
			Areas: []string{"110109", "110111"}, // 门头沟 by polygon, 房山 by geocode
			Onset: unix("2026-07-30T08:00:00+08:00"), Expires: unix("2026-07-31T08:00:00+08:00"), Source: SourceCAP,
		}},
		{"english-earthquake.xml", Warning{
			Identifier: "BJ-EQ-2026-0412-01", Sender: "earthquake-bureau@example.beijing.gov.cn",
			Headline: "Strong aftershocks possible near Pinggu", Hazard: HazardEarthquake, Level: 2,
			Areas: []string{"110117"}, Onset: unix("2026-04-12T14:02:10+08:00"), Source: SourceCAP,
		}},
		{"daxing-hazmat-circle.xml", Warning{
			Identifier: "DX-HZ-20261103-002", Sender: "大兴区应急管理局",
			Headline: "大兴区危化品运输车辆泄漏,周边 5 公里请关闭门窗", Hazard: HazardHazmat, Level: 3,
			Areas: []string{"110115"}, Onset: unix("2026-11-03T10:20:00+08:00"),
			Expires: unix("2026-11-03T22:00:00+08:00"), Source: SourceCAP,
		}},
		{"yanqing-cold-areadesc.xml", Warning{
			Identifier: "11000041600000_20261215160000", Sender: "北京市气象台",
			Headline: "北京市气象台发布寒潮蓝色预警信号", Hazard: HazardColdSnow, Level: 4,
			Areas: []string{"110116", "110118", "110119"}, Onset: unix("2026-12-15T16:00:00+08:00"), Source: SourceCAP,
		}},
	} {
		t.Run(c.file, func(t *testing.T) {
			data, err := os.ReadFile("testdata/" + c.file)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseCAP(data, beijing)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}
}

// baseCAP is a minimal valid alert: a severe rainstorm over 房山区. The
// table tests edit it.
const baseCAP = `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>T-1</identifier>
  <sender>test@example.org</sender>
  <sent>2026-07-30T07:55:00+08:00</sent>
  <status>Actual</status>
  <msgType>Alert</msgType>
  <scope>Public</scope>
  <info>
    <language>zh-CN</language>
    <event>暴雨</event>
    <severity>Severe</severity>
    <onset>2026-07-30T08:00:00+08:00</onset>
    <expires>2026-07-31T08:00:00+08:00</expires>
    <area>
      <areaDesc>房山区</areaDesc>
      <geocode><valueName>code</valueName><value>110111</value></geocode>
    </area>
  </info>
</alert>
`

// edited returns baseCAP with old replaced by new, failing if old is absent.
func edited(t *testing.T, old, new string) []byte {
	t.Helper()
	if !strings.Contains(baseCAP, old) {
		t.Fatalf("baseCAP lacks %q", old)
	}
	return []byte(strings.Replace(baseCAP, old, new, 1))
}

const baseArea = `<area>
      <areaDesc>房山区</areaDesc>
      <geocode><valueName>code</valueName><value>110111</value></geocode>
    </area>`

func TestParseCAPBase(t *testing.T) {
	w, err := ParseCAP([]byte(baseCAP), beijing)
	if err != nil {
		t.Fatal(err)
	}
	if w.Level != 2 || w.Hazard != HazardFlood || !reflect.DeepEqual(w.Areas, []string{"110111"}) {
		t.Errorf("got %+v", w)
	}
}

func TestParseCAPAreas(t *testing.T) {
	all := make([]string, len(beijing))
	for i, r := range beijing {
		all[i] = r.Code
	}
	for _, c := range []struct {
		name, area string
		want       []string
	}{
		{"city-wide geocode", `<area><areaDesc>北京市</areaDesc><geocode><valueName>x</valueName><value>110000</value></geocode></area>`, all},
		{"municipal districts geocode", `<area><areaDesc>市辖区</areaDesc><geocode><valueName>x</valueName><value>110100000000</value></geocode></area>`, all},
		{"zero-padded geocode", `<area><areaDesc>?</areaDesc><geocode><valueName>x</valueName><value>110111000</value></geocode></area>`, []string{"110111"}},
		{"geocode beats a misleading name", `<area><areaDesc>房山区</areaDesc><geocode><valueName>x</valueName><value>110109</value></geocode></area>`, []string{"110109"}},
		{"English names", `<area><areaDesc>Fangshan and Mentougou</areaDesc></area>`, []string{"110109", "110111"}},
		{"English full name", `<area><areaDesc>western Haidian District</areaDesc></area>`, []string{"110108"}},
		{"short Chinese names", `<area><areaDesc>房山、门头沟西部山区</areaDesc></area>`, []string{"110109", "110111"}},
		{"several areas deduplicated", `<area><areaDesc>房山区</areaDesc></area><area><areaDesc>房山区良乡</areaDesc></area>` +
			`<area><areaDesc>门头沟</areaDesc></area>`, []string{"110109", "110111"}},
		{"circle", `<area><areaDesc>x</areaDesc><circle>39.9161,116.4125 5</circle></area>`, []string{"110101", "110102"}},
		{"polygon", `<area><areaDesc>x</areaDesc><polygon>40.0,116.9 40.5,116.9 40.5,117.2 40.0,117.2 40.0,116.9</polygon></area>`, []string{"110117"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			w, err := ParseCAP(edited(t, baseArea, c.area), beijing)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(w.Areas, c.want) {
				t.Errorf("areas %v, want %v", w.Areas, c.want)
			}
		})
	}
}

func TestParseCAPLanguage(t *testing.T) {
	en := `<info><language>en-US</language><event>Cold wave</event><severity>Minor</severity>` +
		`<area><areaDesc>Yanqing</areaDesc></area></info>
  <info>`
	w, err := ParseCAP(edited(t, "<info>", en), beijing)
	if err != nil {
		t.Fatal(err)
	}
	if w.Hazard != HazardFlood || w.Areas[0] != "110111" {
		t.Errorf("did not pick the Chinese info block: %+v", w)
	}
	w, err = ParseCAP(edited(t, "<language>zh-CN</language>", "<language>fr-CA</language>"), beijing)
	if err != nil || w.Areas[0] != "110111" {
		t.Errorf("single non-Chinese block: %+v, %v", w, err)
	}
}

func TestParseLevel(t *testing.T) {
	for in, want := range map[string]int{
		"1": 1, "Ⅰ": 1, "Ⅰ级": 1, "I": 1, "一级": 1, "红色": 1, "红色预警": 1, "Red": 1, " level 1 ": 1,
		"2": 2, "Ⅱ级": 2, "ii": 2, "橙色": 2, "orange": 2,
		"3": 3, "Ⅲ": 3, "III级": 3, "黄": 3, "YELLOW": 3,
		"4": 4, "Ⅳ级": 4, "IV": 4, "蓝色": 4, "blue": 4,
		"0": 0, "5": 0, "紫色": 0, "": 0, "VI": 0,
	} {
		got, ok := parseLevel(in)
		if got != want || ok != (want != 0) {
			t.Errorf("parseLevel(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, name := range []string{"level", "LEVEL", "预警级别", "响应级别"} {
		param := `<parameter><valueName>` + name + `</valueName><value>Ⅳ级</value></parameter><area>`
		w, err := ParseCAP(edited(t, "<area>", param), beijing)
		if err != nil || w.Level != 4 {
			t.Errorf("parameter %s: level %d, %v", name, w.Level, err)
		}
	}
}

func TestHazardOf(t *testing.T) {
	for in, want := range map[string]string{
		"暴雨": HazardFlood, "山洪灾害气象预警": HazardFlood, "城市内涝": HazardFlood, "Heavy rain": HazardFlood,
		"Flash Flood Warning": HazardFlood, "Rainstorm": HazardFlood,
		"地震": HazardEarthquake, "Earthquake": HazardEarthquake,
		"森林火险": HazardForestFire, "草原火险": HazardForestFire, "Wildfire": HazardForestFire, "forest fire": HazardForestFire,
		"危化品泄漏": HazardHazmat, "危险化学品事故": HazardHazmat, "Chemical spill": HazardHazmat,
		"寒潮": HazardColdSnow, "暴雪": HazardColdSnow, "道路结冰": HazardColdSnow, "Freezing rain": HazardColdSnow,
		"Blizzard": HazardColdSnow, "Snow": HazardColdSnow,
		"大风": "", "terrain": "", "High wind": "", "": "",
	} {
		if got := hazardOf(in); got != want {
			t.Errorf("hazardOf(%q) = %q, want %q", in, got, want)
		}
	}
	w, err := ParseCAP(edited(t, "<severity>", `<eventCode><valueName>any</valueName><value>Earthquake</value></eventCode><severity>`), beijing)
	if err != nil || w.Hazard != HazardEarthquake {
		t.Errorf("eventCode did not decide the hazard: %+v, %v", w, err)
	}
	w, err = ParseCAP(edited(t, "<event>暴雨</event>", "<event>大风</event><headline>北京市发布大风蓝色预警</headline>"), beijing)
	if err != nil || w.Hazard != HazardGeneral || w.Headline != "北京市发布大风蓝色预警" {
		t.Errorf("unknown hazard: %+v, %v", w, err)
	}
}

func TestParseCAPErrors(t *testing.T) {
	const info0 = "alert.info[0]"
	const area0 = info0 + ".area[0]"
	noEventZH := strings.Replace(strings.Replace(baseCAP, "<event>暴雨</event>", "", 1),
		"<info>", "<info><language>en</language><event>Rain</event><severity>Minor</severity></info><info>", 1)
	bigPolygon := "<polygon>" + strings.Repeat("39.7,116.1 ", MaxCAPPoints+1) + "</polygon>"
	for _, c := range []struct {
		name        string
		doc         []byte // if nil, baseCAP with old replaced by new
		old, new    string
		code, field string
	}{
		{name: "empty", doc: []byte{}, code: "cap.xml"},
		{name: "not XML", doc: []byte("暴雨红色预警"), code: "cap.xml"},
		{name: "truncated", doc: []byte(baseCAP[:200]), code: "cap.xml"},
		{name: "mismatched tags", old: "</sender>", new: "</sendr>", code: "cap.xml"},
		{name: "content after alert", doc: []byte(baseCAP + "<alert/>"), code: "cap.xml"},
		{name: "text after alert", doc: []byte(baseCAP + "junk"), code: "cap.xml"},
		{name: "entity", doc: []byte(`<!DOCTYPE alert [<!ENTITY x "xx">]>` + strings.Replace(baseCAP[39:], "T-1", "&x;", 1)), code: "cap.xml"},
		{name: "GB2312", old: `encoding="UTF-8"`, new: `encoding="GB2312"`, code: "cap.encoding"},
		{name: "wrong root", old: "<alert ", new: "<feed ", code: "cap.xml"},
		{name: "wrong root element", doc: []byte(`<feed xmlns="urn:oasis:names:tc:emergency:cap:1.2"/>`), code: "cap.root", field: "alert"},
		{name: "CAP 1.1", old: "cap:1.2", new: "cap:1.1", code: "cap.namespace", field: "alert"},
		{name: "no namespace", old: ` xmlns="urn:oasis:names:tc:emergency:cap:1.2"`, new: "", code: "cap.namespace", field: "alert"},
		{name: "no identifier", old: "<identifier>T-1</identifier>", new: "", code: "cap.required", field: "alert.identifier"},
		{name: "blank identifier", old: "<identifier>T-1</identifier>", new: "<identifier> </identifier>", code: "cap.required", field: "alert.identifier"},
		{name: "long identifier", old: "T-1", new: strings.Repeat("x", MaxIdentifierLen+1), code: "warning.identifier", field: "alert.identifier"},
		{name: "no sent", old: "<sent>2026-07-30T07:55:00+08:00</sent>", new: "", code: "cap.required", field: "alert.sent"},
		{name: "no info", doc: []byte(`<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>a</identifier><sent>2026-07-30T07:55:00+08:00</sent></alert>`), code: "cap.required", field: "alert.info"},
		{name: "no event", old: "<event>暴雨</event>", new: "", code: "cap.required", field: info0 + ".event"},
		{name: "no event in chosen info", doc: []byte(noEventZH), code: "cap.required", field: "alert.info[1].event"},
		{name: "test status", old: "<status>Actual</status>", new: "<status>Test</status>", code: "cap.status", field: "alert.status"},
		{name: "exercise", old: "<status>Actual</status>", new: "<status>Exercise</status>", code: "cap.status", field: "alert.status"},
		{name: "cancel", old: "<msgType>Alert</msgType>", new: "<msgType>Cancel</msgType>", code: "cap.msg_type", field: "alert.msgType"},
		{name: "sent without zone", old: "07:55:00+08:00", new: "07:55:00", code: "cap.time", field: "alert.sent"},
		{name: "sent with space", old: "2026-07-30T07:55:00+08:00", new: "2026-07-30 07:55", code: "cap.time", field: "alert.sent"},
		{name: "sent before 1970", old: "2026-07-30T07:55:00+08:00", new: "1969-12-31T00:00:00+08:00", code: "cap.time", field: "alert.sent"},
		{name: "bad onset", old: "<onset>2026-07-30T08:00:00+08:00", new: "<onset>tomorrow", code: "cap.time", field: info0 + ".onset"},
		{name: "bad expires", old: "<expires>2026-07-31T08:00:00+08:00", new: "<expires>2026-13-01T08:00:00+08:00", code: "cap.time", field: info0 + ".expires"},
		{name: "expires before onset", old: "<expires>2026-07-31", new: "<expires>2026-07-29", code: "cap.expires", field: info0 + ".expires"},
		{name: "unknown severity", old: "Severe", new: "Unknown", code: "cap.severity", field: info0 + ".severity"},
		{name: "no severity", old: "<severity>Severe</severity>", new: "", code: "cap.severity", field: info0 + ".severity"},
		{name: "bad level", old: "<area>", new: "<parameter><valueName>x</valueName><value>1</value></parameter><parameter><valueName>预警级别</valueName><value>紫色</value></parameter><area>", code: "cap.level", field: info0 + ".parameter[1].value"},
		{name: "no area", old: baseArea, new: "", code: "cap.no_area", field: info0 + ".area"},
		{name: "area elsewhere", old: "110111", new: "310101", code: "cap.no_area", field: info0 + ".area"},
		{name: "name elsewhere", old: baseArea, new: "<area><areaDesc>大兴安岭地区</areaDesc></area>", code: "cap.no_area", field: info0 + ".area"},
		{name: "polygon of 3 points", old: "</areaDesc>", new: "</areaDesc><polygon>39.7,116.1 39.8,116.2 39.7,116.1</polygon>", code: "cap.polygon", field: area0 + ".polygon[0]"},
		{name: "polygon not closed", old: "</areaDesc>", new: "</areaDesc><polygon>39.7,116.1 39.8,116.2 39.8,116.1 39.7,116.2</polygon>", code: "cap.polygon", field: area0 + ".polygon[0]"},
		{name: "polygon bad number", old: "</areaDesc>", new: "</areaDesc><polygon>39.7,116.1 39.8,abc 39.8,116.1 39.7,116.1</polygon>", code: "cap.polygon", field: area0 + ".polygon[0]"},
		{name: "polygon lon,lat", old: "</areaDesc>", new: "</areaDesc><polygon>116.1,39.7 116.2,39.8 116.1,39.8 116.1,39.7</polygon>", code: "cap.polygon", field: area0 + ".polygon[0]"},
		{name: "polygon NaN", old: "</areaDesc>", new: "</areaDesc><polygon>NaN,116.1 39.8,116.2 39.8,116.1 NaN,116.1</polygon>", code: "cap.polygon", field: area0 + ".polygon[0]"},
		{name: "polygon without comma", old: "</areaDesc>", new: "</areaDesc><polygon>39.7 116.1 39.8 116.2</polygon>", code: "cap.polygon", field: area0 + ".polygon[0]"},
		{name: "second polygon of second area", old: "</area>", new: "</area><area><areaDesc>x</areaDesc><polygon>39.7,116.1 39.8,116.2 39.8,116.1 39.7,116.1</polygon><polygon>1,2</polygon></area>", code: "cap.polygon", field: info0 + ".area[1].polygon[1]"},
		{name: "huge polygon", old: "</areaDesc>", new: "</areaDesc>" + bigPolygon, code: "cap.polygon_too_large", field: area0 + ".polygon[0]"},
		{name: "circle without radius", old: "</areaDesc>", new: "</areaDesc><circle>39.7,116.1</circle>", code: "cap.circle", field: area0 + ".circle[0]"},
		{name: "circle negative radius", old: "</areaDesc>", new: "</areaDesc><circle>39.7,116.1 -3</circle>", code: "cap.circle", field: area0 + ".circle[0]"},
		{name: "circle infinite radius", old: "</areaDesc>", new: "</areaDesc><circle>39.7,116.1 +Inf</circle>", code: "cap.circle", field: area0 + ".circle[0]"},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc := c.doc
			if doc == nil {
				doc = edited(t, c.old, c.new)
			}
			w, err := ParseCAP(doc, beijing)
			if err == nil {
				t.Fatalf("accepted: %+v", w)
			}
			assertErr(t, err, apperr.Invalid, c.code, c.field)
		})
	}
}

func TestParseCAPTooLarge(t *testing.T) {
	doc := edited(t, "<scope>", "<note>"+strings.Repeat("x", MaxCAPSize)+"</note><scope>")
	_, err := ParseCAP(doc, beijing)
	assertErr(t, err, apperr.TooLarge, "cap.too_large", "alert")
}

func TestParseCAPLenient(t *testing.T) {
	for _, c := range []struct{ name, old, new string }{
		{"BOM", `<?xml`, "\ufeff<?xml"},
		{"no status or msgType", "<status>Actual</status>\n  <msgType>Alert</msgType>", ""},
		{"update", "<msgType>Alert</msgType>", "<msgType>Update</msgType>"},
		{"UTC as -00:00", "2026-07-30T07:55:00+08:00", "2026-07-29T23:55:00-00:00"},
		{"lower-case severity", "Severe", "severe"},
		{"comment after alert", "</alert>\n", "</alert>\n<!-- signed -->\n"},
		{"unknown elements", "<scope>", "<code>profile:CAP-CN:1.0</code><scope>"},
		{"us-ascii", `encoding="UTF-8"`, `encoding="US-ASCII"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := ParseCAP(edited(t, c.old, c.new), beijing); err != nil {
				t.Error(err)
			}
		})
	}
}
