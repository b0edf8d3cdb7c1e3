package road

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/osm"
	"github.com/paulmach/osm/osmpbf"

	"github.com/stockpile-dev/stockpile/internal/geo"
)

// Profile turns OpenStreetMap ways into car travel times.
type Profile struct {
	// Speeds maps highway=* values to the speed in km/h on ways of that
	// class. Ways of classes not listed are not drivable.
	Speeds map[string]float64
	// MaxspeedFactor: a way with a numeric maxspeed tag ("60", "60 km/h",
	// "40 mph") is driven at MaxspeedFactor × maxspeed instead of its
	// class speed. 0 ignores maxspeed.
	MaxspeedFactor float64
}

// CarProfile returns the default car profile. The class speeds are those of
// OSRM's car profile (profiles/car.lua). A posted limit is driven at 80%,
// our choice: traffic rarely flows at the limit.
//
// Besides the class, a way must not be tagged area=yes, and the first of
// motorcar, motor_vehicle, vehicle and access present must not be no,
// private, agricultural, forestry, emergency or psv. oneway=yes/true/1 and
// -1/reverse are respected; roundabouts, junction=circular and motorways
// are one-way unless tagged otherwise; reversible (time-dependent) ways are
// skipped. Turn restrictions and traffic signals are not modelled.
func CarProfile() Profile {
	return Profile{
		Speeds: map[string]float64{
			"motorway": 90, "motorway_link": 45,
			"trunk": 85, "trunk_link": 40,
			"primary": 65, "primary_link": 30,
			"secondary": 55, "secondary_link": 25,
			"tertiary": 40, "tertiary_link": 20,
			"unclassified": 25, "residential": 25,
			"living_street": 10, "service": 15,
		},
		MaxspeedFactor: 0.8,
	}
}

// fingerprint identifies the profile's effect on the graph, for the cache.
func (p Profile) fingerprint() string {
	keys := make([]string, 0, len(p.Speeds))
	for k := range p.Speeds {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var sb strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&sb, "%s=%g;", k, p.Speeds[k])
	}
	fmt.Fprintf(&sb, "maxspeed×%g", p.MaxspeedFactor)
	return sb.String()
}

// direction of travel allowed on a way, relative to its node order.
type direction int8

const (
	bothWays direction = iota
	forwardOnly
	backwardOnly
)

var blockedAccess = map[string]bool{
	"no": true, "private": true, "agricultural": true, "forestry": true, "emergency": true, "psv": true,
}

// wayRule returns the speed and direction of a way, and false if cars may
// not use it.
func (p Profile) wayRule(tags osm.Tags) (kmh float64, dir direction, ok bool) {
	highway := tags.Find("highway")
	kmh, ok = p.Speeds[highway]
	if !ok || tags.Find("area") == "yes" || !carAllowed(tags) {
		return 0, 0, false
	}
	if limit, ok := parseMaxspeed(tags.Find("maxspeed")); ok && p.MaxspeedFactor > 0 {
		kmh = limit * p.MaxspeedFactor
	}
	dir, ok = oneway(tags, highway)
	return kmh, dir, ok && kmh > 0
}

// carAllowed applies the most specific access tag present.
func carAllowed(tags osm.Tags) bool {
	for _, k := range []string{"motorcar", "motor_vehicle", "vehicle", "access"} {
		if v := tags.Find(k); v != "" {
			return !blockedAccess[v]
		}
	}
	return true
}

// oneway reads the oneway tag, implied for roundabouts and motorways; ok is
// false for reversible ways.
func oneway(tags osm.Tags, highway string) (direction, bool) {
	switch tags.Find("oneway") {
	case "yes", "true", "1":
		return forwardOnly, true
	case "-1", "reverse":
		return backwardOnly, true
	case "no", "false", "0":
		return bothWays, true
	case "reversible", "alternating":
		return 0, false
	}
	if j := tags.Find("junction"); j == "roundabout" || j == "circular" || highway == "motorway" {
		return forwardOnly, true
	}
	return bothWays, true
}

// parseMaxspeed reads "60", "60 km/h", "60 kmh", "60 kph" or "40 mph" as
// km/h. Anything else ("none", "signals", "RU:urban", "60;40") is not a
// number.
func parseMaxspeed(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	factor := 1.0
	if v, ok := strings.CutSuffix(s, "mph"); ok {
		s, factor = v, 1.609344
	} else {
		for _, unit := range []string{"km/h", "kmh", "kph"} {
			if v, ok := strings.CutSuffix(s, unit); ok {
				s = v
				break
			}
		}
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || !(v > 0) || v > 300 {
		return 0, false
	}
	return v * factor, true
}

// ReadOptions configures ReadPBF. The zero value selects CarProfile.
type ReadOptions struct {
	Profile  Profile
	Progress Progress
}

// ReadPBF builds the road graph of the OpenStreetMap extract at path (.osm.pbf)
// in two passes: the ways first, keeping the drivable ones and the ids of
// their nodes, then the nodes, keeping the positions of those ids only.
// Each segment between consecutive way nodes becomes an edge (two for
// two-way roads) weighted by its great-circle length and the way's speed.
// The result is reduced to its largest strongly connected component, so
// that every node reaches every other.
func ReadPBF(ctx context.Context, path string, opt ReadOptions) (*Graph, error) {
	g, err := readOSM(ctx, pbfSource(path), opt)
	if err != nil {
		return nil, fmt.Errorf("road: reading %s: %w", path, err)
	}
	return g, nil
}

// pass selects what one scan over the data must deliver. The filters are
// an optimisation only: readOSM checks every object it gets.
type pass struct {
	ways     bool // ways pass or nodes pass
	keepWay  func(*osm.Way) bool
	keepNode func(*osm.Node) bool
}

// source opens a new scanner over the same OSM data for each pass.
type source func(ctx context.Context, p pass) (osm.Scanner, error)

// pbfSource scans an .osm.pbf file, decoding blocks on GOMAXPROCS
// goroutines and skipping the element types a pass does not need.
func pbfSource(path string) source {
	return func(ctx context.Context, p pass) (osm.Scanner, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		sc := osmpbf.New(ctx, f, runtime.GOMAXPROCS(0))
		sc.SkipRelations = true
		sc.SkipNodes, sc.SkipWays = p.ways, !p.ways
		sc.FilterWay, sc.FilterNode = p.keepWay, p.keepNode
		return closingScanner{sc, f}, nil
	}
}

// closingScanner also closes the file the scanner reads.
type closingScanner struct {
	osm.Scanner
	f io.Closer
}

func (c closingScanner) Close() error {
	err := c.Scanner.Close()
	if cerr := c.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// drivableWays is the result of the ways pass.
type drivableWays struct {
	start []int32 // nodes of way k are refs[start[k]:start[k+1]]
	refs  []osm.NodeID
	kmh   []float64
	dir   []direction
}

// readOSM is ReadPBF on any source: the drivable graph, reduced to its
// largest strongly connected component.
func readOSM(ctx context.Context, src source, opt ReadOptions) (*Graph, error) {
	raw, err := readRaw(ctx, src, opt)
	if err != nil {
		return nil, err
	}
	linked := raw.numLinked()
	opt.Progress.report("components", 0, linked)
	g, _ := raw.LargestComponent()
	opt.Progress.report("components", g.NumNodes(), linked)
	if g.NumNodes() < 2 {
		return nil, fmt.Errorf("no drivable roads")
	}
	return g, nil
}

// numLinked counts the nodes with at least one edge, in or out.
func (g *Graph) numLinked() int {
	linked := make([]bool, g.NumNodes())
	for v := range g.NumNodes() {
		if g.first[v+1] > g.first[v] {
			linked[v] = true
		}
	}
	for _, h := range g.head {
		linked[h] = true
	}
	n := 0
	for _, l := range linked {
		if l {
			n++
		}
	}
	return n
}

// readRaw returns the graph of every drivable way, before the component
// is chosen. Nodes missing from the data are left without edges.
func readRaw(ctx context.Context, src source, opt ReadOptions) (*Graph, error) {
	if opt.Profile.Speeds == nil {
		opt.Profile = CarProfile()
	}
	ways, err := readWays(ctx, src, opt)
	if err != nil {
		return nil, err
	}
	ids := slices.Clone(ways.refs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	points, have, err := readNodes(ctx, src, ids, opt.Progress)
	if err != nil {
		return nil, err
	}
	return ways.graph(ids, points, have), nil
}

// progressEvery is how many kept objects pass between progress reports.
const progressEvery = 100_000

func readWays(ctx context.Context, src source, opt ReadOptions) (*drivableWays, error) {
	opt.Progress.report("ways", 0, 0)
	keep := func(w *osm.Way) bool { _, _, ok := opt.Profile.wayRule(w.Tags); return ok }
	sc, err := src(ctx, pass{ways: true, keepWay: keep})
	if err != nil {
		return nil, err
	}
	defer sc.Close()
	w := &drivableWays{start: []int32{0}}
	for sc.Scan() {
		way, ok := sc.Object().(*osm.Way)
		if !ok {
			continue
		}
		kmh, dir, ok := opt.Profile.wayRule(way.Tags)
		if !ok || len(way.Nodes) < 2 {
			continue
		}
		for _, n := range way.Nodes {
			w.refs = append(w.refs, n.ID)
		}
		w.start = append(w.start, int32(len(w.refs)))
		w.kmh = append(w.kmh, kmh)
		w.dir = append(w.dir, dir)
		if len(w.kmh)%progressEvery == 0 {
			opt.Progress.report("ways", len(w.kmh), 0)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("ways: %w", err)
	}
	opt.Progress.report("ways", len(w.kmh), len(w.kmh))
	return w, nil
}

// readNodes returns the positions of the nodes ids (sorted), and which of
// them the data contains: an extract cut at a border lacks some.
func readNodes(ctx context.Context, src source, ids []osm.NodeID, progress Progress) ([]geo.Point, []bool, error) {
	progress.report("nodes", 0, len(ids))
	keep := func(n *osm.Node) bool { _, ok := slices.BinarySearch(ids, n.ID); return ok }
	sc, err := src(ctx, pass{ways: false, keepNode: keep})
	if err != nil {
		return nil, nil, err
	}
	defer sc.Close()
	points := make([]geo.Point, len(ids))
	have := make([]bool, len(ids))
	found := 0
	for sc.Scan() {
		n, ok := sc.Object().(*osm.Node)
		if !ok {
			continue
		}
		if i, ok := slices.BinarySearch(ids, n.ID); ok && !have[i] {
			points[i], have[i] = geo.Point{Lon: n.Lon, Lat: n.Lat}, true
			if found++; found%progressEvery == 0 {
				progress.report("nodes", found, len(ids))
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("nodes: %w", err)
	}
	progress.report("nodes", found, len(ids))
	return points, have, nil
}

// graph turns the ways into edges between the nodes ids, skipping segments
// with a node missing from the data.
func (w *drivableWays) graph(ids []osm.NodeID, points []geo.Point, have []bool) *Graph {
	var edges []rawEdge
	index := func(id osm.NodeID) int32 { i, _ := slices.BinarySearch(ids, id); return int32(i) }
	for k := range w.kmh {
		refs := w.refs[w.start[k]:w.start[k+1]]
		for s := 1; s < len(refs); s++ {
			a, b := index(refs[s-1]), index(refs[s])
			if !have[a] || !have[b] {
				continue
			}
			m := math.Round(geo.DistanceKm(points[a], points[b]) * 1000)
			c := pack(edgeTenths(m, w.kmh[k]), uint32(min(m, meterMask)))
			if w.dir[k] != backwardOnly {
				edges = append(edges, rawEdge{a, b, c})
			}
			if w.dir[k] != forwardOnly {
				edges = append(edges, rawEdge{b, a, c})
			}
		}
	}
	return newGraph(points, edges)
}
