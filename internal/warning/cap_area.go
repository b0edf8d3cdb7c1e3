package warning

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/stockpile-dev/stockpile/internal/geo"
)

// AreaRef is an area of the home city that a CAP alert may cover, usually a
// district (区). ParseCAP matches alerts against it by code, by reference
// point and by name.
type AreaRef struct {
	Code   string    // e.g. "110111"
	NameZH string    // e.g. "房山区"
	NameEN string    // e.g. "Fangshan District"
	Point  geo.Point // reference point, e.g. the seat of government
}

// MaxCAPPoints bounds the polygon vertices ParseCAP reads from one info
// block, so matching stays cheap whatever the input.
const MaxCAPPoints = 20000

// capShape is a parsed polygon or circle.
type capShape struct {
	ring   []geo.Point // closed polygon ring; nil for a circle
	center geo.Point
	radius float64 // km
}

func (s capShape) contains(p geo.Point) bool {
	if s.ring == nil {
		return geo.DistanceKm(s.center, p) <= s.radius
	}
	return inRing(s.ring, p)
}

// resolveAreas returns the codes of the refs that the CAP areas cover, in
// the order of refs.
func resolveAreas(cas []capArea, path string, refs []AreaRef) ([]string, error) {
	budget := MaxCAPPoints
	hit := make([]bool, len(refs))
	for k, ca := range cas {
		shapes, err := ca.shapes(fmt.Sprintf("%s.area[%d]", path, k), &budget)
		if err != nil {
			return nil, err
		}
		for r, ref := range refs {
			hit[r] = hit[r] || (ref.Code != "" && ca.covers(ref, shapes))
		}
	}
	var codes []string
	seen := map[string]bool{}
	for r, ref := range refs {
		if hit[r] && !seen[ref.Code] {
			codes = append(codes, ref.Code)
			seen[ref.Code] = true
		}
	}
	if len(codes) == 0 {
		return nil, capErr("cap.no_area", path+".area", "预警区域不包含本市任何区",
			"the alert's areas cover none of the city's districts")
	}
	return codes, nil
}

// shapes parses the area's polygons and circles, spending budget on
// polygon vertices.
func (ca capArea) shapes(path string, budget *int) ([]capShape, error) {
	var shapes []capShape
	for j, s := range ca.Polygons {
		ring, err := parsePolygon(s, fmt.Sprintf("%s.polygon[%d]", path, j), budget)
		if err != nil {
			return nil, err
		}
		shapes = append(shapes, capShape{ring: ring})
	}
	for j, s := range ca.Circles {
		c, err := parseCircle(s, fmt.Sprintf("%s.circle[%d]", path, j))
		if err != nil {
			return nil, err
		}
		shapes = append(shapes, c)
	}
	return shapes, nil
}

// covers reports whether the CAP area names ref by geocode or contains its
// point. An area with neither geocode nor shape is matched by its areaDesc
// instead: names are ambiguous (大兴安岭 is not 大兴区, and Changchun has a
// 朝阳区 too), so they are the fallback, not a third test.
func (ca capArea) covers(ref AreaRef, shapes []capShape) bool {
	if len(ca.Geocodes) == 0 && len(shapes) == 0 {
		return descNames(ca.AreaDesc, ref)
	}
	for _, g := range ca.Geocodes {
		if codeCovers(strings.TrimSpace(g.Value), ref.Code) {
			return true
		}
	}
	for _, s := range shapes {
		if s.contains(ref.Point) {
			return true
		}
	}
	return false
}

// codeCovers reports whether a geocode value denotes code or an area
// containing it. Besides equality it understands GB/T 2260 and the
// statistical codes built on it: a code padded with zeros (110111000000 is
// 110111), and a province or prefecture (110000 and 110100 cover 110111).
func codeCovers(value, code string) bool {
	if rest, ok := strings.CutPrefix(value, code); ok && strings.Trim(rest, "0") == "" {
		return true
	}
	if len(value) > 6 && strings.Trim(value[6:], "0") == "" {
		value = value[:6]
	}
	if len(value) != 6 || strings.Trim(value, "0123456789") != "" {
		return false
	}
	parent := strings.TrimSuffix(value, "00")
	if p, ok := strings.CutSuffix(value, "0000"); ok {
		parent = p
	}
	return parent != value && parent != "" && strings.HasPrefix(code, parent)
}

// descNames reports whether an areaDesc names ref: its full Chinese name
// anywhere; its Chinese name without 区/县 where it ends a word (房山、门头沟
// but not 大兴安岭 or 朝阳门); or its English name, with or without
// District/County, as whole words.
func descNames(desc string, ref AreaRef) bool {
	zh := strings.TrimSpace(ref.NameZH)
	if utf8.RuneCountInString(zh) >= 2 && strings.Contains(desc, zh) {
		return true
	}
	for _, short := range shortForms(zh, 2, "区", "县") {
		if occurs(desc, short, zhNameEnds) {
			return true
		}
	}
	en := strings.ToLower(strings.TrimSpace(ref.NameEN))
	lower := strings.ToLower(desc)
	for _, n := range append(shortForms(en, 3, " district", " county"), en) {
		if len(n) >= 3 && occurs(lower, n, wholeWord) {
			return true
		}
	}
	return false
}

// shortForms returns name without each suffix it has, keeping forms of at
// least minRunes so that a bare "区" never matches.
func shortForms(name string, minRunes int, suffixes ...string) []string {
	var forms []string
	for _, s := range suffixes {
		short, ok := strings.CutSuffix(name, s)
		short = strings.TrimSpace(short)
		if ok && utf8.RuneCountInString(short) >= minRunes {
			forms = append(forms, short)
		}
	}
	return forms
}

// occurs reports whether w occurs in s where ok accepts the runes before and
// after it (utf8.RuneError at either end of s).
func occurs(s, w string, ok func(before, after rune) bool) bool {
	if w == "" {
		return false
	}
	for i := 0; ; {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return false
		}
		at := i + j
		before, _ := utf8.DecodeLastRuneInString(s[:at])
		after, _ := utf8.DecodeRuneInString(s[at+len(w):])
		if ok(before, after) {
			return true
		}
		i = at + 1
	}
}

// nameFollowers are the Chinese characters that may follow a district's
// short name in an areaDesc: punctuation, conjunctions and words of
// direction or extent (房山、门头沟, 密云等, 延庆西部, 怀柔山区).
const nameFollowers = "、，和及与或等以东西南北中部全大地山城县区境内一带"

func zhNameEnds(_, after rune) bool {
	return !unicode.Is(unicode.Han, after) || strings.ContainsRune(nameFollowers, after)
}

func wordStart(before, _ rune) bool { return !unicode.IsLetter(before) }

func wholeWord(before, after rune) bool { return !unicode.IsLetter(before) && !unicode.IsLetter(after) }

// parsePolygon reads a CAP polygon: at least four whitespace-separated
// "lat,lon" pairs, the last equal to the first.
func parsePolygon(s, field string, budget *int) ([]geo.Point, error) {
	pairs := strings.Fields(s)
	if len(pairs) > *budget {
		return nil, capErr("cap.polygon_too_large", field, "多边形顶点过多：每条预警信息最多 %d 个",
			"too many polygon vertices: at most %d per info block", MaxCAPPoints)
	}
	*budget -= len(pairs)
	if len(pairs) < 4 {
		return nil, capErr("cap.polygon", field, "多边形至少需要 4 个坐标点（首尾相同），实际为 %d 个",
			"a polygon needs at least 4 points (first equal to last), got %d", len(pairs))
	}
	ring := make([]geo.Point, len(pairs))
	for i, pair := range pairs {
		p, ok := parseLatLon(pair)
		if !ok {
			return nil, capErr("cap.polygon", field, "多边形第 %d 个坐标「%s」无效：应为“纬度，经度”",
				"polygon point %d %q is invalid: want \"lat,lon\"", i+1, clip(pair))
		}
		ring[i] = p
	}
	if ring[0] != ring[len(ring)-1] {
		return nil, capErr("cap.polygon", field, "多边形未闭合：首尾坐标须相同", "polygon is not closed: the first and last points must be equal")
	}
	return ring, nil
}

// parseCircle reads a CAP circle: "lat,lon radius" with the radius in km.
func parseCircle(s, field string) (capShape, error) {
	parts := strings.Fields(s)
	bad := capErr("cap.circle", field, "圆形区域「%s」无效：应为“纬度，经度 半径（公里）”",
		"circle %q is invalid: want \"lat,lon radius_km\"", clip(s))
	if len(parts) != 2 {
		return capShape{}, bad
	}
	c, ok := parseLatLon(parts[0])
	r, err := strconv.ParseFloat(parts[1], 64)
	if !ok || err != nil || math.IsNaN(r) || math.IsInf(r, 0) || r < 0 {
		return capShape{}, bad
	}
	return capShape{center: c, radius: r}, nil
}

// parseLatLon reads a WGS-84 "lat,lon" pair.
func parseLatLon(s string) (geo.Point, bool) {
	latS, lonS, ok := strings.Cut(s, ",")
	if !ok {
		return geo.Point{}, false
	}
	lat, err1 := strconv.ParseFloat(latS, 64)
	lon, err2 := strconv.ParseFloat(lonS, 64)
	p := geo.Point{Lat: lat, Lon: lon}
	return p, err1 == nil && err2 == nil && p.Valid()
}

// inRing reports whether p lies inside the closed ring, by the even–odd
// rule on longitude and latitude as plane coordinates. That is exact enough
// for district reference points and warning polygons of a city; rings that
// cross the antimeridian are not supported.
func inRing(ring []geo.Point, p geo.Point) bool {
	in := false
	for i, j := 0, len(ring)-1; i < len(ring); j, i = i, i+1 {
		a, b := ring[i], ring[j]
		if (a.Lat > p.Lat) != (b.Lat > p.Lat) &&
			p.Lon < (b.Lon-a.Lon)*(p.Lat-a.Lat)/(b.Lat-a.Lat)+a.Lon {
			in = !in
		}
	}
	return in
}

// refSet returns a membership test for the refs' codes.
func refSet(refs []AreaRef) func(string) bool {
	set := make(map[string]bool, len(refs))
	for _, r := range refs {
		set[r.Code] = true
	}
	return func(code string) bool { return set[code] }
}
