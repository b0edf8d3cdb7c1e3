package area

import (
	"encoding/json"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/stockpile-dev/stockpile/internal/apperr"
)

// MaxBoundaryBytes bounds an area's outline as GeoJSON text: 2 MB, ten times
// the whole 16-district basemap of Beijing.
const MaxBoundaryBytes = 2 << 20

// ParseBoundary reads an area outline: a GeoJSON Polygon or MultiPolygon
// geometry in WGS-84 (longitude first). Every ring must be closed and have at
// least four positions. Empty input (or JSON null) means no outline and gives
// a nil geometry.
func ParseBoundary(raw []byte) (orb.Geometry, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	bad := func(zh, en string, args ...any) error {
		return apperr.New(apperr.Invalid, "area.boundary_invalid", "区域边界无效："+zh, "area boundary is invalid: "+en, args...).
			WithField("boundary")
	}
	if len(raw) > MaxBoundaryBytes {
		return nil, bad("超过 %d 字节", "more than %d bytes", MaxBoundaryBytes)
	}
	g, err := geojson.UnmarshalGeometry(raw)
	if err != nil {
		return nil, bad("应为 GeoJSON 几何对象（%v）", "want a GeoJSON geometry (%v)", err)
	}
	var polys orb.MultiPolygon
	switch geom := g.Geometry().(type) {
	case orb.Polygon:
		polys = orb.MultiPolygon{geom}
	case orb.MultiPolygon:
		polys = geom
	default:
		return nil, bad("应为 Polygon 或 MultiPolygon，而非 %s", "want a Polygon or MultiPolygon, not %s", g.Type)
	}
	if len(polys) == 0 {
		return nil, bad("没有多边形", "no polygon")
	}
	for _, p := range polys {
		if len(p) == 0 {
			return nil, bad("多边形没有外环", "a polygon has no outer ring")
		}
		for _, r := range p {
			if len(r) < 4 || r[0] != r[len(r)-1] {
				return nil, bad("每个环至少 4 个点且首尾相同", "every ring needs at least 4 positions and must be closed")
			}
			for _, pt := range r {
				if math.IsNaN(pt[0]) || math.IsNaN(pt[1]) || pt[0] < -180 || pt[0] > 180 || pt[1] < -90 || pt[1] > 90 {
					return nil, bad("坐标 (%v, %v) 超出 WGS-84 范围（经度在前）", "position (%v, %v) is not a WGS-84 coordinate (longitude first)", pt[0], pt[1])
				}
			}
		}
	}
	if len(polys) == 1 {
		return polys[0], nil
	}
	return polys, nil
}

// NormalizeBoundary checks raw with [ParseBoundary] and returns it as compact
// GeoJSON, or nil when it holds no outline.
func NormalizeBoundary(raw []byte) (json.RawMessage, error) {
	g, err := ParseBoundary(raw)
	if err != nil || g == nil {
		return nil, err
	}
	return json.Marshal(geojson.NewGeometry(g))
}
