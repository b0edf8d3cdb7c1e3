package web_test

import (
	"testing"

	"github.com/stockpile-dev/stockpile/internal/web"
)

// TestDurationText: one form of a duration everywhere, in each language.
func TestDurationText(t *testing.T) {
	for _, c := range []struct {
		min    int
		zh, en string
	}{
		{0, "0 分", "0 min"}, {45, "45 分", "45 min"}, {60, "1 小时", "1 h"}, {125, "2 小时 5 分", "2 h 5 min"},
		{60 * 1234, "1,234 小时", "1,234 h"}, {-90, "-1 小时 30 分", "-1 h 30 min"},
	} {
		if got := web.DurationText("zh", c.min); got != c.zh {
			t.Errorf("zh %d: %q, want %q", c.min, got, c.zh)
		}
		if got := web.DurationText("en", c.min); got != c.en {
			t.Errorf("en %d: %q, want %q", c.min, got, c.en)
		}
	}
}

// TestRouterText: a router's name is said in the page's language.
func TestRouterText(t *testing.T) {
	for _, c := range []struct{ name, zh, en string }{
		{"great-circle", "直线距离估算", "great-circle estimate"},
		{"great-circle (+25% contingency, +20m0s handling)", "直线距离估算（另加 25% 余量、20 分 装卸）",
			"great-circle estimate (+25% contingency, +20 min handling)"},
		{"osm:beijing.osm.pbf", "OpenStreetMap 路网 beijing.osm.pbf", "OpenStreetMap roads beijing.osm.pbf"},
		{"osrm:http://osrm:5000", "OSRM 路网 http://osrm:5000", "OSRM road network http://osrm:5000"},
	} {
		if got := web.RouterText("zh", c.name); got != c.zh {
			t.Errorf("zh %q: %q, want %q", c.name, got, c.zh)
		}
		if got := web.RouterText("en", c.name); got != c.en {
			t.Errorf("en %q: %q, want %q", c.name, got, c.en)
		}
	}
}
