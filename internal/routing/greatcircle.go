package routing

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/stockpile-dev/stockpile/internal/geo"
)

// TerrainProfile is how roads behave in one kind of terrain.
type TerrainProfile struct {
	// Circuity is road distance ÷ great-circle distance (≥ 1).
	Circuity float64
	// SpeedKmh is the average speed of a loaded truck on local roads.
	SpeedKmh float64
}

// Profile holds every constant of the great-circle estimate, so that a
// bureau can tune them. Start from [DefaultProfile]; the zero Profile is
// invalid.
//
// The model: road km = great-circle km × circuity. The first LongLegKm road
// kilometres are driven at the terrain speed, the rest at ExpresswayKmh
// (long legs reach an expressway). The Allowance is then added. A trip whose
// ends lie in different terrains is estimated as if it lay wholly in each
// end's terrain, and the longer estimate is used: planning on the optimistic
// end is how relief arrives late.
type Profile struct {
	Urban, Plain, Mixed, Mountain TerrainProfile
	// LongLegKm is the road distance after which a trip is assumed to run
	// on expressways.
	LongLegKm float64
	// ExpresswayKmh is the truck speed on the expressway part of long legs.
	ExpresswayKmh float64
	// Allowance is added to every driving time.
	Allowance Allowance
}

// DefaultProfile returns the project's suggested defaults (docs/data-sources.md#travel-times;
// figures marked "suggested" are not from a citable planning standard):
//
//   - Circuity 1.3 for urban and plain terrain: the mean detour factor across
//     25 Chinese cities is 1.324 (Annals of GIS 2021,
//     doi:10.1080/19475683.2021.1966503).
//   - Circuity 1.5 for mountains (suggested): higher relief raises
//     street-network circuity in China (ISPRS IJGI 2021, 10(10):705); no
//     Beijing mountain figure was found. Mixed terrain takes the midpoint, 1.4.
//   - Speeds (suggested truck defaults): urban core 25 km/h at peak hour,
//     plain suburbs 45, mixed 40, mountains 30, and 70 on expressways for
//     legs over 30 road km.
//   - Allowance: 25% contingency on driving time ("Do not overestimate the
//     speed … Add 25% extra time", CARE emergency toolkit §5.3) and 20
//     minutes for loading and unloading (suggested).
func DefaultProfile() Profile {
	return Profile{
		Urban:         TerrainProfile{Circuity: 1.3, SpeedKmh: 25},
		Plain:         TerrainProfile{Circuity: 1.3, SpeedKmh: 45},
		Mixed:         TerrainProfile{Circuity: 1.4, SpeedKmh: 40},
		Mountain:      TerrainProfile{Circuity: 1.5, SpeedKmh: 30},
		LongLegKm:     30,
		ExpresswayKmh: 70,
		Allowance:     Allowance{Contingency: 0.25, Handling: 20 * time.Minute},
	}
}

// Terrain returns the profile of terrain t.
func (p Profile) Terrain(t Terrain) TerrainProfile {
	switch t {
	case Urban:
		return p.Urban
	case Plain:
		return p.Plain
	case Mixed:
		return p.Mixed
	default:
		return p.Mountain
	}
}

// Validate reports the first constant that would give meaningless times.
func (p Profile) Validate() error {
	for t := Urban; t <= Mountain; t++ {
		tp := p.Terrain(t)
		if !(tp.Circuity >= 1) || !(tp.SpeedKmh > 0) {
			return fmt.Errorf("routing: profile: %v terrain needs circuity ≥ 1 and speed > 0, have %v and %v km/h", t, tp.Circuity, tp.SpeedKmh)
		}
	}
	if !(p.LongLegKm >= 0) || !(p.ExpresswayKmh > 0) {
		return fmt.Errorf("routing: profile: long legs need LongLegKm ≥ 0 and ExpresswayKmh > 0, have %v km and %v km/h", p.LongLegKm, p.ExpresswayKmh)
	}
	return p.Allowance.Validate()
}

// Estimate explains one great-circle trip.
type Estimate struct {
	StraightKm float64       // great-circle distance
	Terrain    Terrain       // the terrain the trip was estimated in
	RoadKm     float64       // StraightKm × the terrain's circuity
	Drive      time.Duration // driving time, before the allowance
	Total      time.Duration // Drive with the allowance added
}

// drive returns the road distance and driving time of a trip of straightKm
// lying wholly in terrain t.
func (p Profile) drive(straightKm float64, t Terrain) (roadKm float64, hours float64) {
	tp := p.Terrain(t)
	roadKm = straightKm * tp.Circuity
	local := math.Min(roadKm, p.LongLegKm)
	express := roadKm - local
	// An expressway never slows a trip down below the local speed.
	return roadKm, local/tp.SpeedKmh + express/math.Max(tp.SpeedKmh, p.ExpresswayKmh)
}

// estimate applies the model to a trip between terrains ta and tb.
func (p Profile) estimate(a, b geo.Point, ta, tb Terrain) Estimate {
	km := geo.DistanceKm(a, b)
	roadKm, hours := p.drive(km, ta)
	terrain := ta
	if rb, hb := p.drive(km, tb); hb > hours {
		roadKm, hours, terrain = rb, hb, tb
	}
	drive := time.Duration(hours * float64(time.Hour))
	return Estimate{
		StraightKm: km, Terrain: terrain, RoadKm: roadKm,
		Drive: drive, Total: p.Allowance.add(drive),
	}
}

// GreatCircle estimates travel times from straight-line distances; see
// [Profile] for the model. It needs no road data and never reports a pair
// Unreachable.
type GreatCircle struct {
	profile  Profile
	classify Classifier
	source   TerrainSource // when set, Matrix classifies with its current data
}

// NewGreatCircle returns a GreatCircle router with profile p, classifying
// points with classify. Terrain belongs to the area data of the database:
// pass classify nil and give the router the store through
// [GreatCircle.WithTerrainSource], as the program does. With classify nil
// and no source every point is Mixed, which is also what a database without
// terrain data gives. It fails if p is invalid.
func NewGreatCircle(p Profile, classify Classifier) (*GreatCircle, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if classify == nil {
		classify = noTerrain
	}
	return &GreatCircle{profile: p, classify: classify}, nil
}

// WithTerrainSource returns a copy of g whose Matrix classifies points with
// the classifier src gives at the time of each call (the area data in the
// database, see [AreaTerrain]), rather than the fixed classifier.
func (g *GreatCircle) WithTerrainSource(src TerrainSource) *GreatCircle {
	c := *g
	c.source = src
	return &c
}

// Name returns "great-circle".
func (g *GreatCircle) Name() string { return "great-circle" }

// Estimate explains the trip from a to b with the fixed classifier.
func (g *GreatCircle) Estimate(a, b geo.Point) Estimate {
	return g.profile.estimate(a, b, g.classify(a), g.classify(b))
}

// EstimateContext explains the trip from a to b as Matrix computes it: with
// the terrain source's current classifier when g has one.
func (g *GreatCircle) EstimateContext(ctx context.Context, a, b geo.Point) (Estimate, error) {
	classify, err := g.classifier(ctx)
	if err != nil {
		return Estimate{}, err
	}
	return g.profile.estimate(a, b, classify(a), classify(b)), nil
}

// classifier returns the terrain source's classifier, or the fixed one.
func (g *GreatCircle) classifier(ctx context.Context) (Classifier, error) {
	if g.source == nil {
		return g.classify, nil
	}
	c, err := g.source.TerrainClassifier(ctx)
	if err != nil {
		return nil, fmt.Errorf("routing: terrain: %w", err)
	}
	return c, nil
}

// Matrix implements [Router]. Meters holds the estimated road distance.
func (g *GreatCircle) Matrix(ctx context.Context, from, to []geo.Point) (Matrix, error) {
	if err := CheckPoints(from, to); err != nil {
		return Matrix{}, err
	}
	classify, err := g.classifier(ctx)
	if err != nil {
		return Matrix{}, err
	}
	tFrom, tTo := terrains(classify, from), terrains(classify, to)
	m := NewMatrix(len(from), len(to), true)
	for i, a := range from {
		if err := ctx.Err(); err != nil {
			return Matrix{}, fmt.Errorf("routing: great-circle matrix: %w", err)
		}
		for j, b := range to {
			e := g.profile.estimate(a, b, tFrom[i], tTo[j])
			m.Seconds[i*m.Cols+j] = int32(e.Total.Round(time.Second) / time.Second)
			m.Meters[i*m.Cols+j] = int32(math.Round(e.RoadKm * 1000))
		}
	}
	return m, nil
}

func terrains(classify Classifier, pts []geo.Point) []Terrain {
	ts := make([]Terrain, len(pts))
	for i, p := range pts {
		ts[i] = classify(p)
	}
	return ts
}
