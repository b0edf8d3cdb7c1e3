package area

import (
	"errors"
	"testing"

	"github.com/paulmach/orb"

	"github.com/stockpile-dev/stockpile/internal/apperr"
)

func TestParseBoundary(t *testing.T) {
	g, err := ParseBoundary([]byte(`{"type":"Polygon","coordinates":[[[116,39],[117,39],[117,40],[116,39]]]}`))
	if p, ok := g.(orb.Polygon); err != nil || !ok || len(p[0]) != 4 {
		t.Fatalf("polygon: %v, %v", g, err)
	}
	if g, err := ParseBoundary(nil); g != nil || err != nil {
		t.Errorf("empty: %v, %v", g, err)
	}
	for name, bad := range map[string]string{
		"point":       `{"type":"Point","coordinates":[116,39]}`,
		"open ring":   `{"type":"Polygon","coordinates":[[[116,39],[117,39],[117,40],[116,40]]]}`,
		"short ring":  `{"type":"Polygon","coordinates":[[[116,39],[117,39],[116,39]]]}`,
		"lat first":   `{"type":"Polygon","coordinates":[[[39,116],[39,117],[40,117],[39,116]]]}`,
		"not geojson": `{"type":"Polygon"`,
		"empty multi": `{"type":"MultiPolygon","coordinates":[]}`,
	} {
		_, err := ParseBoundary([]byte(bad))
		var ae *apperr.Error
		if !errors.As(err, &ae) || ae.Code != "area.boundary_invalid" || ae.Field != "boundary" {
			t.Errorf("%s: %v, want area.boundary_invalid on boundary", name, err)
		}
	}
}
