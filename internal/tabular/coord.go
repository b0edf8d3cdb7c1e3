package tabular

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/geo"
)

// CRS is the coordinate reference system a file's coordinates are in.
type CRS string

const (
	// WGS84 is GPS's datum, and (to within a metre) CGCS2000, which
	// Tianditu (天地图) and official Chinese surveys use. Stockpile stores
	// WGS-84.
	WGS84 CRS = "WGS84"
	// GCJ02 is the shifted datum of AMap (高德), Tencent and Google's China map.
	GCJ02 CRS = "GCJ02"
	// BD09 is Baidu Maps' datum (百度).
	BD09 CRS = "BD09"
)

// crsNames are the names ParseCRS accepts, normalised (upper case, without
// spaces, hyphens and underscores).
var crsNames = map[string]CRS{
	"": WGS84, "WGS84": WGS84, "WGS1984": WGS84, "GPS": WGS84, "EPSG4326": WGS84, "天地图": WGS84, "TIANDITU": WGS84, "CGCS2000": WGS84,
	"GCJ02": GCJ02, "GCJ": GCJ02, "高德": GCJ02, "腾讯": GCJ02, "火星": GCJ02, "火星坐标": GCJ02, "国测局": GCJ02, "AMAP": GCJ02, "GAODE": GCJ02, "TENCENT": GCJ02, "QQ": GCJ02,
	"BD09": BD09, "BD09LL": BD09, "百度": BD09, "BAIDU": BD09,
}

// ParseCRS reads the name of a coordinate system: WGS-84 (also WGS84, GPS,
// 天地图, CGCS2000), GCJ-02 (GCJ02, 高德, 腾讯, AMap), BD-09 (BD09, 百度,
// Baidu), in any case and width; an empty cell is WGS-84. A cell of several
// words naming the same system ("GCJ-02 高德 AMap", as a template's
// drop-down list shows it) is read too.
func ParseCRS(s string) (CRS, error) {
	if c, ok := crsName(s); ok {
		return c, nil
	}
	var found CRS
	for _, w := range strings.Fields(narrow(s)) {
		c, ok := crsName(w)
		if !ok || (found != "" && c != found) {
			found = ""
			break
		}
		found = c
	}
	if found != "" {
		return found, nil
	}
	return "", apperr.New(apperr.Invalid, "cell.not_a_crs", "「%s」不是坐标系（WGS-84、GCJ-02 高德、BD-09 百度）",
		"%q is not a coordinate system (WGS-84, GCJ-02 as AMap uses, BD-09 as Baidu uses)", s)
}

// crsName looks one name up in crsNames.
func crsName(s string) (CRS, bool) {
	k := strings.ToUpper(strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '_' || r == ':' {
			return -1
		}
		return r
	}, narrow(s)))
	k = strings.TrimSuffix(strings.TrimSuffix(k, "坐标系"), "坐标")
	if c, ok := crsNames[k]; ok {
		return c, true
	}
	c, ok := crsNames[k+"坐标"]
	return c, ok
}

// ToWGS84 converts a point in crs to WGS-84, the datum Stockpile stores.
// GCJ-02 is converted only inside China's bounding box (see
// [geo.GCJ02ToWGS84]); an unknown crs is taken as WGS-84.
func ToWGS84(crs CRS, lat, lon float64) geo.Point {
	p := geo.Point{Lat: lat, Lon: lon}
	switch crs {
	case GCJ02:
		return geo.GCJ02ToWGS84(p)
	case BD09:
		return geo.BD09ToWGS84(p)
	}
	return p
}

var (
	// dms is degrees, minutes and seconds: 39°54'27"N, 116°23′29.5″.
	dms = regexp.MustCompile(`^([NSEW北南东西]?)\s*(\d+(?:\.\d+)?)\s*°\s*(?:(\d+(?:\.\d+)?)\s*['′]\s*)?(?:(\d+(?:\.\d+)?)\s*(?:"|″|'')\s*)?([NSEW])?$`)
	// pair splits "lat,lon" in one cell.
	pair = regexp.MustCompile(`^\s*([^,;\s]+)\s*[,;\s]\s*([^,;\s]+)\s*$`)
)

// Point reads a position from its latitude and longitude cells, in
// decimal degrees (39.9054), with a degree sign (39.9054°) or in degrees,
// minutes and seconds (39°54'19"N; S and W are negative). When one cell is
// empty, the other may hold both, latitude first: "39.9054,116.3913". The
// latitude must be within ±90° and the longitude within ±180°. The point is
// returned as written: convert it with [ToWGS84].
func Point(latCell, lonCell string) (geo.Point, error) {
	lat, lon := narrow(latCell), narrow(lonCell)
	if lat == "" || lon == "" {
		m := pair.FindStringSubmatch(lat + lon)
		if m == nil {
			return geo.Point{}, notAPoint(latCell, lonCell)
		}
		lat, lon = m[1], m[2]
	}
	y, ok1 := degrees(lat)
	x, ok2 := degrees(lon)
	p := geo.Point{Lat: y, Lon: x}
	if !ok1 || !ok2 || !p.Valid() {
		return geo.Point{}, notAPoint(latCell, lonCell)
	}
	return p, nil
}

// degrees parses one coordinate.
func degrees(s string) (float64, bool) {
	if f, ok := number(s); ok {
		return f, true
	}
	m := dms.FindStringSubmatch(s)
	if m == nil || (m[1] != "" && m[5] != "") {
		return 0, false
	}
	d, _ := strconv.ParseFloat(m[2], 64)
	for i, div := range []float64{60, 3600} {
		if v := m[3+i]; v != "" {
			f, _ := strconv.ParseFloat(v, 64)
			d += f / div
		}
	}
	if h := m[1] + m[5]; h == "S" || h == "W" || h == "南" || h == "西" {
		d = -d
	}
	return d, true
}

func notAPoint(lat, lon string) *apperr.Error {
	return apperr.New(apperr.Invalid, "cell.not_a_point",
		"「%s」「%s」不是有效的纬度和经度（纬度 −90 到 90，经度 −180 到 180，如 39.9054 和 116.3913）",
		"%q, %q is not a valid latitude and longitude (latitude −90 to 90, longitude −180 to 180, such as 39.9054 and 116.3913)", lat, lon)
}
