package road

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path/filepath"

	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/routing"
)

// RouterOptions configures a Router. The zero value selects the defaults.
type RouterOptions struct {
	// Name is returned by Router.Name; "road" when empty. Open sets
	// "osm:<file name>".
	Name string
	// MaxSnapKm is how far a point may lie from the nearest road node; a
	// point farther away is Unreachable. 0 selects 5 km.
	MaxSnapKm float64
	// OffRoadKmh is the speed, in a straight line, between a point and its
	// road node: the last stretch of track, yard or field that the map
	// lacks. 0 selects 10 km/h (suggested: slow, as the ground is unknown).
	OffRoadKmh float64
}

func (o RouterOptions) withDefaults() RouterOptions {
	if o.Name == "" {
		o.Name = "road"
	}
	if o.MaxSnapKm <= 0 {
		o.MaxSnapKm = 5
	}
	if o.OffRoadKmh <= 0 {
		o.OffRoadKmh = 10
	}
	return o
}

// Router answers travel-time matrices between arbitrary points on a road
// graph: each point is snapped to its nearest graph node, the node-to-node
// table comes from the contraction hierarchy, and the off-road stretches
// at both ends are added. It implements routing.Router and is safe for
// concurrent use.
type Router struct {
	g     *Graph
	h     *CH
	index *snapIndex
	opt   RouterOptions
}

var _ routing.Router = (*Router)(nil)

// NewRouter returns a Router on g and its hierarchy h.
func NewRouter(g *Graph, h *CH, opt RouterOptions) (*Router, error) {
	if g.NumNodes() == 0 || h.NumNodes() != g.NumNodes() {
		return nil, fmt.Errorf("road: router: hierarchy of %d nodes for a graph of %d", h.NumNodes(), g.NumNodes())
	}
	return &Router{g: g, h: h, index: newSnapIndex(g), opt: opt.withDefaults()}, nil
}

// Name implements routing.Router.
func (r *Router) Name() string { return r.opt.Name }

// Graph returns the road graph.
func (r *Router) Graph() *Graph { return r.g }

// CH returns the contraction hierarchy.
func (r *Router) CH() *CH { return r.h }

// Snap is where a point joins the road graph.
type Snap struct {
	Node int32     // nearest graph node; -1 if none within MaxSnapKm
	At   geo.Point // its position
	Km   float64   // straight-line distance from the point to it
}

// OK reports whether the point was close enough to a road.
func (s Snap) OK() bool { return s.Node >= 0 }

// Snap returns the graph node nearest to p.
func (r *Router) Snap(p geo.Point) Snap {
	v, km, ok := r.index.nearest(p, r.opt.MaxSnapKm)
	if !ok {
		return Snap{Node: -1}
	}
	return Snap{Node: v, At: r.g.points[v], Km: km}
}

// Matrix implements routing.Router. Seconds are the road time rounded
// after adding the off-road time at both ends; Meters include the off-road
// distances. Two points close to each other and far from the road may be
// joined off-road in a straight line instead, when that is quicker. Points
// beyond MaxSnapKm from every road give Unreachable rows or columns.
func (r *Router) Matrix(ctx context.Context, from, to []geo.Point) (routing.Matrix, error) {
	if err := routing.CheckPoints(from, to); err != nil {
		return routing.Matrix{}, err
	}
	sFrom, sTo := r.snapAll(from), r.snapAll(to)
	rows, nodesFrom := snapped(sFrom)
	cols, nodesTo := snapped(sTo)
	t, err := r.h.Matrix(ctx, nodesFrom, nodesTo)
	if err != nil {
		return routing.Matrix{}, err
	}
	m := routing.NewMatrix(len(from), len(to), true)
	for a, i := range rows {
		for b, j := range cols {
			tenths, meters := t.Tenths[a*t.Cols+b], t.Meters[a*t.Cols+b]
			if tenths == NoPath {
				continue
			}
			offKm := sFrom[i].Km + sTo[j].Km
			secs := float64(tenths)/10 + offKm/r.opt.OffRoadKmh*3600
			km := float64(meters)/1000 + offKm
			// Two points near each other but far from the road.
			if d := geo.DistanceKm(from[i], to[j]); d/r.opt.OffRoadKmh*3600 < secs {
				secs, km = d/r.opt.OffRoadKmh*3600, d
			}
			m.Seconds[i*m.Cols+j] = int32(math.Round(secs))
			m.Meters[i*m.Cols+j] = int32(math.Round(km * 1000))
		}
	}
	return m, nil
}

func (r *Router) snapAll(pts []geo.Point) []Snap {
	s := make([]Snap, len(pts))
	for i, p := range pts {
		s[i] = r.Snap(p)
	}
	return s
}

// snapped returns the indices of the points that snapped, and their nodes.
func snapped(s []Snap) (idx []int, nodes []int32) {
	for i, sn := range s {
		if sn.OK() {
			idx = append(idx, i)
			nodes = append(nodes, sn.Node)
		}
	}
	return idx, nodes
}

// OpenOptions configures Open. The zero value selects the defaults.
type OpenOptions struct {
	// Profile turns ways into travel times; CarProfile when Speeds is nil.
	Profile Profile
	// Contract tunes the hierarchy; its Progress is ignored in favour of
	// Progress below.
	Contract ContractOptions
	// Router configures the result; Name defaults to "osm:<file name>".
	Router RouterOptions
	// CachePath is where the built graph is cached; "<pbf>.stockpile-graph"
	// when empty. NoCache disables the cache.
	CachePath string
	NoCache   bool
	// Progress, when set, follows the stages "cache" (loading), "rebuild"
	// (the cache was stale or damaged), "ways", "nodes", "components",
	// "contract" and "save".
	Progress Progress
}

// Open returns a Router for the OpenStreetMap extract at pbfPath. The first
// call reads the extract and contracts the graph, then caches the result;
// later calls load the cache, which is rebuilt whenever the extract's size
// or modification time or the profile differ from what it was built from.
// A cache that cannot be read is rebuilt; one that cannot be written is an
// error (set NoCache or CachePath).
func Open(ctx context.Context, pbfPath string, opt OpenOptions) (*Router, error) {
	if opt.Profile.Speeds == nil {
		opt.Profile = CarProfile()
	}
	if opt.Router.Name == "" {
		opt.Router.Name = "osm:" + filepath.Base(pbfPath)
	}
	if opt.CachePath == "" {
		opt.CachePath = pbfPath + ".stockpile-graph"
	}
	key, err := sourceKey(pbfPath, opt.Profile)
	if err != nil {
		return nil, fmt.Errorf("road: open: %w", err)
	}
	g, h, err := openGraph(ctx, pbfPath, key, opt)
	if err != nil {
		return nil, err
	}
	return NewRouter(g, h, opt.Router)
}

func openGraph(ctx context.Context, pbfPath string, key cacheKey, opt OpenOptions) (*Graph, *CH, error) {
	if !opt.NoCache {
		opt.Progress.report("cache", 0, 1)
		g, h, err := loadCache(opt.CachePath, key)
		if err == nil {
			opt.Progress.report("cache", 1, 1)
			return g, h, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			// A stale or damaged cache is rebuilt and overwritten.
			opt.Progress.report("rebuild", 0, 0)
		}
	}
	g, err := ReadPBF(ctx, pbfPath, ReadOptions{Profile: opt.Profile, Progress: opt.Progress})
	if err != nil {
		return nil, nil, err
	}
	opt.Contract.Progress = opt.Progress
	h, err := Contract(ctx, g, opt.Contract)
	if err != nil {
		return nil, nil, err
	}
	if !opt.NoCache {
		opt.Progress.report("save", 0, 1)
		if err := saveCache(opt.CachePath, key, g, h); err != nil {
			return nil, nil, fmt.Errorf("road: writing cache %s: %w", opt.CachePath, err)
		}
		opt.Progress.report("save", 1, 1)
	}
	return g, h, nil
}
