package road

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/stockpile-dev/stockpile/internal/geo"
)

// SyntheticOptions shapes the road network made by Synthetic. The zero
// value gives the benchmark network: 1024 × 1024 intersections 120 m apart
// (123 km square) south-west of Beijing's centre, seed 0.
type SyntheticOptions struct {
	Rows, Cols int       // intersections per column and per row; 0 → 1024
	SpacingM   float64   // distance between neighbouring intersections; 0 → 120
	Origin     geo.Point // south-west corner; zero → 115.8 E, 39.4 N
	Seed       uint64
}

// Road classes of the synthetic network, as (speed km/h, spacing in cells).
const (
	synthStreetKmh     = 30
	synthArterialKmh   = 50
	synthArterialEvery = 8 // every 8th row and column is an arterial
	synthExpressKmh    = 100
	synthExpressEvery  = 64 // every 64th row and column carries an expressway
)

// Synthetic returns a deterministic road-like network for benchmarks and
// tests, already reduced to its largest strongly connected component:
//
//   - a grid of streets (30 km/h) with jittered intersections, where 15% of
//     street segments are missing and 8% are one-way;
//   - diagonal shortcuts through 2% of the blocks;
//   - arterials (50 km/h, two-way) every 8th row and column;
//   - expressways (100 km/h) every 64th row and column, reachable only at
//     interchanges with arterials, i.e. one edge per 8 cells;
//   - every directed edge's speed scaled by a random factor in [0.85, 1.15],
//     so that ties are rare and the two directions differ.
//
// Equal options give equal graphs.
func Synthetic(opt SyntheticOptions) (*Graph, error) {
	opt = opt.withDefaults()
	if opt.Rows < 2 || opt.Cols < 2 || opt.Rows*opt.Cols > 1<<28 || !(opt.SpacingM > 0) {
		return nil, fmt.Errorf("road: synthetic: bad size %d × %d, spacing %v m", opt.Rows, opt.Cols, opt.SpacingM)
	}
	s := &synth{opt: opt, rng: rand.New(rand.NewPCG(opt.Seed, 0x5354_4f43_4b50_494c))}
	s.place()
	s.streets()
	s.express()
	g, err := s.b.Build()
	if err != nil {
		return nil, err
	}
	g, _ = g.LargestComponent()
	return g, nil
}

func (o SyntheticOptions) withDefaults() SyntheticOptions {
	if o.Rows == 0 {
		o.Rows = 1024
	}
	if o.Cols == 0 {
		o.Cols = 1024
	}
	if o.SpacingM == 0 {
		o.SpacingM = 120
	}
	if o.Origin == (geo.Point{}) {
		o.Origin = geo.Point{Lon: 115.8, Lat: 39.4}
	}
	return o
}

type synth struct {
	opt SyntheticOptions
	rng *rand.Rand
	b   Builder
}

func (s *synth) id(r, c int) int32 { return int32(r*s.opt.Cols + c) }

// place adds the intersections, each moved up to a quarter of the spacing
// in each direction.
func (s *synth) place() {
	mPerLat := 111_195.0
	mPerLon := mPerLat * math.Cos(s.opt.Origin.Lat*math.Pi/180)
	for r := range s.opt.Rows {
		for c := range s.opt.Cols {
			dx := (float64(c) + (s.rng.Float64()-0.5)/2) * s.opt.SpacingM
			dy := (float64(r) + (s.rng.Float64()-0.5)/2) * s.opt.SpacingM
			s.b.AddNode(geo.Point{Lon: s.opt.Origin.Lon + dx/mPerLon, Lat: s.opt.Origin.Lat + dy/mPerLat})
		}
	}
}

// streets adds the grid, arterials and diagonals.
func (s *synth) streets() {
	for r := range s.opt.Rows {
		for c := range s.opt.Cols {
			if c+1 < s.opt.Cols {
				s.gridSegment(s.id(r, c), s.id(r, c+1), r%synthArterialEvery == 0)
			}
			if r+1 < s.opt.Rows {
				s.gridSegment(s.id(r, c), s.id(r+1, c), c%synthArterialEvery == 0)
			}
			if r+1 < s.opt.Rows && c+1 < s.opt.Cols && s.rng.Float64() < 0.02 {
				if s.rng.IntN(2) == 0 {
					s.road(s.id(r, c), s.id(r+1, c+1), synthStreetKmh)
				} else {
					s.road(s.id(r, c+1), s.id(r+1, c), synthStreetKmh)
				}
			}
		}
	}
}

// gridSegment adds the segment a–b: an arterial, or a street that may be
// missing or one-way.
func (s *synth) gridSegment(a, b int32, arterial bool) {
	if arterial {
		s.road(a, b, synthArterialKmh)
		return
	}
	switch x := s.rng.Float64(); {
	case x < 0.15:
	case x < 0.19:
		s.edge(a, b, synthStreetKmh)
	case x < 0.23:
		s.edge(b, a, synthStreetKmh)
	default:
		s.road(a, b, synthStreetKmh)
	}
}

// express adds expressways along every synthExpressEvery-th row and
// column, with one edge per arterial spacing.
func (s *synth) express() {
	k := synthArterialEvery
	for r := 0; r < s.opt.Rows; r += synthExpressEvery {
		for c := 0; c+k < s.opt.Cols; c += k {
			s.road(s.id(r, c), s.id(r, c+k), synthExpressKmh)
		}
	}
	for c := 0; c < s.opt.Cols; c += synthExpressEvery {
		for r := 0; r+k < s.opt.Rows; r += k {
			s.road(s.id(r, c), s.id(r+k, c), synthExpressKmh)
		}
	}
}

// road adds a two-way road.
func (s *synth) road(a, b int32, kmh float64) {
	s.edge(a, b, kmh)
	s.edge(b, a, kmh)
}

// edge adds a→b at about kmh.
func (s *synth) edge(a, b int32, kmh float64) {
	m := geo.DistanceKm(s.b.points[a], s.b.points[b]) * 1000
	kmh *= 0.85 + 0.3*s.rng.Float64()
	s.b.AddEdge(a, b, edgeTenths(m, kmh), uint32(math.Round(m)))
}

// edgeTenths is the time to drive m metres at kmh, in tenths of a second,
// at least 1.
func edgeTenths(m, kmh float64) uint32 {
	return uint32(max(1, math.Round(m/(kmh/3.6)*10)))
}
