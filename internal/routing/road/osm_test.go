package road

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/osm"
	"github.com/paulmach/osm/osmxml"

	"github.com/stockpile-dev/stockpile/internal/geo"
)

// smallTown is a hand-made extract. Nodes 1, 2, 3 and 5 lie on the meridian
// 116° E, 0.01° of latitude (1111.95 m) apart:
//
//	5 ─── 6        W3 trunk 3–5, maxspeed 50 mph; W4 tertiary 5–6, oneway=-1;
//	│    ╱         W5 unclassified 6–3
//	3 ──┘ ╲
//	│      4       W2 residential 3→4→1, oneway
//	2      │       W1 primary 1–2–3; W8 residential 2–99, node 99 missing;
//	│     ╱        W9 residential area 2–4 (a square, not a road)
//	1 ───┘         W6 service 1–7, private; W7 footway 1–8
const smallTown = `<osm version="0.6">
 <node id="1" lat="40.00" lon="116.00"/>
 <node id="2" lat="40.01" lon="116.00"/>
 <node id="3" lat="40.02" lon="116.00"/>
 <node id="4" lat="40.01" lon="116.01"/>
 <node id="5" lat="40.03" lon="116.00"/>
 <node id="6" lat="40.02" lon="116.01"/>
 <node id="7" lat="40.00" lon="116.02"/>
 <node id="8" lat="40.005" lon="116.005"/>
 <way id="1"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="highway" v="primary"/></way>
 <way id="2"><nd ref="3"/><nd ref="4"/><nd ref="1"/><tag k="highway" v="residential"/><tag k="oneway" v="yes"/></way>
 <way id="3"><nd ref="3"/><nd ref="5"/><tag k="highway" v="trunk"/><tag k="maxspeed" v="50 mph"/></way>
 <way id="4"><nd ref="5"/><nd ref="6"/><tag k="highway" v="tertiary"/><tag k="oneway" v="-1"/></way>
 <way id="5"><nd ref="6"/><nd ref="3"/><tag k="highway" v="unclassified"/></way>
 <way id="6"><nd ref="1"/><nd ref="7"/><tag k="highway" v="service"/><tag k="access" v="private"/></way>
 <way id="7"><nd ref="1"/><nd ref="8"/><tag k="highway" v="footway"/></way>
 <way id="8"><nd ref="2"/><nd ref="99"/><tag k="highway" v="residential"/></way>
 <way id="9"><nd ref="2"/><nd ref="4"/><tag k="highway" v="residential"/><tag k="area" v="yes"/></way>
</osm>`

// xmlSource scans an OSM XML document held in memory.
func xmlSource(doc string) source {
	return func(ctx context.Context, _ pass) (osm.Scanner, error) {
		return osmxml.New(ctx, strings.NewReader(doc)), nil
	}
}

// nodeAt returns the node of g at (lat, lon), failing the test if none.
func nodeAt(t *testing.T, g *Graph, lat, lon float64) int32 {
	t.Helper()
	for v, p := range g.points {
		if p == (geo.Point{Lon: lon, Lat: lat}) {
			return int32(v)
		}
	}
	t.Fatalf("no node at %v, %v", lat, lon)
	return -1
}

func TestReadOSMSmallTown(t *testing.T) {
	ctx := context.Background()
	g, err := readOSM(ctx, xmlSource(smallTown), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Nodes 7 and 8 are on roads cars may not use, 99 is missing.
	if g.NumNodes() != 6 {
		t.Fatalf("%d nodes, want 6", g.NumNodes())
	}
	n1, n2, n3 := nodeAt(t, g, 40.00, 116), nodeAt(t, g, 40.01, 116), nodeAt(t, g, 40.02, 116)
	n4, n5, n6 := nodeAt(t, g, 40.01, 116.01), nodeAt(t, g, 40.03, 116), nodeAt(t, g, 40.02, 116.01)

	// 1112 m of primary road at 65 km/h (18.056 m/s): 61.59 s.
	// 1112 m of trunk at 0.8 × 50 mph = 64.37 km/h (17.882 m/s): 62.19 s.
	for _, c := range []struct {
		name           string
		from, to       int32
		tenths, meters int64
	}{
		{"primary 1→2", n1, n2, 616, 1112},
		{"primary 2→1", n2, n1, 616, 1112},
		{"trunk with maxspeed 3→5", n3, n5, 622, 1112},
	} {
		tenths, meters, ok := g.Edge(c.from, c.to)
		if !ok || tenths != c.tenths || meters != c.meters {
			t.Errorf("%s: %d/10 s, %d m, present %v; want %d/10 s, %d m", c.name, tenths, meters, ok, c.tenths, c.meters)
		}
	}
	for _, c := range []struct {
		name     string
		from, to int32
		want     bool
	}{
		{"oneway=yes forward 3→4", n3, n4, true},
		{"oneway=yes backward 4→3", n4, n3, false},
		{"oneway=-1 forward 5→6", n5, n6, false},
		{"oneway=-1 backward 6→5", n6, n5, true},
		{"area 2→4", n2, n4, false},
	} {
		if _, _, ok := g.Edge(c.from, c.to); ok != c.want {
			t.Errorf("%s: edge present %v, want %v", c.name, ok, c.want)
		}
	}

	// 4→1 is residential at 25 km/h; 4→3 must go round: 4→1→2→3.
	d41 := geo.DistanceKm(geo.Point{Lon: 116.01, Lat: 40.01}, geo.Point{Lon: 116, Lat: 40}) * 1000
	want41 := math.Round(math.Round(d41) / (25 / 3.6) * 10)
	tab, err := Dijkstra(ctx, g, []int32{n1, n4}, []int32{n3})
	if err != nil {
		t.Fatal(err)
	}
	if tab.Tenths[0] != 1232 || tab.Meters[0] != 2224 {
		t.Errorf("1→3: %d/10 s, %d m; want 1232/10 s, 2224 m", tab.Tenths[0], tab.Meters[0])
	}
	if want := int32(want41) + 1232; tab.Tenths[1] != want {
		t.Errorf("4→3: %d/10 s, want %d (4→1→2→3)", tab.Tenths[1], want)
	}
}

func TestReadOSMNoRoads(t *testing.T) {
	_, err := readOSM(context.Background(), xmlSource(`<osm><node id="1" lat="1" lon="1"/></osm>`), ReadOptions{})
	if err == nil || !strings.Contains(err.Error(), "no drivable roads") {
		t.Errorf("err = %v", err)
	}
}

func TestParseMaxspeed(t *testing.T) {
	for in, want := range map[string]float64{
		"60": 60, "60 km/h": 60, "80kmh": 80, "30 mph": 48.28032, " 45 ": 45, "100 kph": 100,
		"none": 0, "signals": 0, "RU:urban": 0, "60;40": 0, "": 0, "-5": 0, "5000": 0,
	} {
		got, ok := parseMaxspeed(in)
		if ok != (want > 0) || math.Abs(got-want) > 1e-9 {
			t.Errorf("parseMaxspeed(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
}

func TestWayRule(t *testing.T) {
	p := CarProfile()
	tags := func(kv ...string) osm.Tags {
		var ts osm.Tags
		for i := 0; i < len(kv); i += 2 {
			ts = append(ts, osm.Tag{Key: kv[i], Value: kv[i+1]})
		}
		return ts
	}
	for _, c := range []struct {
		name string
		tags osm.Tags
		kmh  float64
		dir  direction
		ok   bool
	}{
		{"motorway is one-way", tags("highway", "motorway"), 90, forwardOnly, true},
		{"motorway tagged two-way", tags("highway", "motorway", "oneway", "no"), 90, bothWays, true},
		{"roundabout", tags("highway", "tertiary", "junction", "roundabout"), 40, forwardOnly, true},
		{"link", tags("highway", "primary_link"), 30, bothWays, true},
		{"living street", tags("highway", "living_street"), 10, bothWays, true},
		{"maxspeed", tags("highway", "residential", "maxspeed", "50"), 40, bothWays, true},
		{"access=no", tags("highway", "primary", "access", "no"), 0, 0, false},
		{"motorcar=yes overrides access=no", tags("highway", "primary", "access", "no", "motorcar", "yes"), 65, bothWays, true},
		{"motor_vehicle=private", tags("highway", "service", "motor_vehicle", "private"), 0, 0, false},
		{"destination is allowed", tags("highway", "residential", "access", "destination"), 25, bothWays, true},
		{"reversible", tags("highway", "primary", "oneway", "reversible"), 0, 0, false},
		{"track", tags("highway", "track"), 0, 0, false},
		{"no highway", tags("building", "yes"), 0, 0, false},
	} {
		kmh, dir, ok := p.wayRule(c.tags)
		if ok != c.ok || ok && (kmh != c.kmh || dir != c.dir) {
			t.Errorf("%s: %v km/h, direction %d, ok %v; want %v, %d, %v", c.name, kmh, dir, ok, c.kmh, c.dir, c.ok)
		}
	}
}
