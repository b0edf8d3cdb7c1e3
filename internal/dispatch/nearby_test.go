package dispatch

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/routing"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// tableRouter answers travel times from a table keyed by origin, in
// seconds; origins not in the table are unreachable. It records what it
// was asked.
type tableRouter struct {
	seconds map[geo.Point]int32
	err     error
	asked   [][]geo.Point
}

func (r *tableRouter) Name() string { return "test-table" }

func (r *tableRouter) Matrix(_ context.Context, from, to []geo.Point) (routing.Matrix, error) {
	r.asked = append(r.asked, from)
	if r.err != nil {
		return routing.Matrix{}, r.err
	}
	m := routing.NewMatrix(len(from), len(to), false)
	for i, p := range from {
		if s, ok := r.seconds[p]; ok {
			for j := range to {
				m.Seconds[i*len(to)+j] = s
			}
		}
	}
	return m, nil
}

var (
	nearbyAt = geo.Point{Lon: 116.15, Lat: 39.73}
	pA       = geo.Point{Lon: 116.10, Lat: 39.70}
	pB       = geo.Point{Lon: 116.20, Lat: 39.80}
	pC       = geo.Point{Lon: 116.30, Lat: 39.90}
	pD       = geo.Point{Lon: 116.40, Lat: 40.00}
	pFar     = geo.Point{Lon: 117.00, Lat: 40.50}
	pNowhere = geo.Point{Lon: 116.50, Lat: 40.10}
)

func nearbyCandidates() []NearbySource {
	return []NearbySource{
		{Kind: SourceDepot, Code: "D-B", NameZH: "乙库", Tier: "district", Point: pB, Usable: stock.Units(40)},
		{Kind: SourceDepot, Code: "D-A", NameZH: "甲库", Tier: "city", Point: pA, Usable: stock.Units(100)},
		{Kind: SourceAgreement, Code: "AG-1", NameZH: "某企业", Tier: "agreement", Point: pC, Usable: stock.Units(500),
			ReadyMin: ReadyMinutes(2)},
		{Kind: SourceDepot, Code: "D-FAR", NameZH: "远库", Tier: "city", Point: pFar, Usable: stock.Units(9)},
		{Kind: SourceDepot, Code: "D-EMPTY", NameZH: "空库", Tier: "street", Point: pD, Usable: 0},
		{Kind: SourceDepot, Code: "D-NOROAD", NameZH: "无路库", Tier: "street", Point: pNowhere, Usable: stock.Units(7)},
		{Kind: SourceDepot, Code: "D-NOPOINT", NameZH: "无坐标", Tier: "street", Usable: stock.Units(3)},
	}
}

func newTableRouter() *tableRouter {
	return &tableRouter{seconds: map[geo.Point]int32{
		pA:   50 * 60,     // 50 min
		pB:   30*60 + 1,   // 30 min 1 s: rounds up to 31
		pC:   60 * 60,     // 60 min after 2 h ready: arrives at 180
		pD:   10 * 60,     // would be near, but holds nothing
		pFar: 4*3600 + 60, // 241 min: just outside 4 h
	}}
}

func TestNearbyKeepsWhatArrivesInTimeSoonestFirst(t *testing.T) {
	r := newTableRouter()
	res, err := Nearby(context.Background(), r, nearbyAt, 4, nearbyCandidates())
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, s := range res.Sources {
		codes = append(codes, s.Code)
	}
	if want := []string{"D-B", "D-A", "AG-1"}; !slices.Equal(codes, want) {
		t.Fatalf("sources %v, want %v", codes, want)
	}
	b, a, ag := res.Sources[0], res.Sources[1], res.Sources[2]
	if b.TravelMin != 31 || b.ArrivalMin != 31 || b.ReadyMin != 0 {
		t.Errorf("D-B: travel %d arrival %d ready %d, want 31 31 0", b.TravelMin, b.ArrivalMin, b.ReadyMin)
	}
	if a.ArrivalMin != 50 {
		t.Errorf("D-A arrival %d, want 50", a.ArrivalMin)
	}
	if ag.ReadyMin != 120 || ag.TravelMin != 60 || ag.ArrivalMin != 180 {
		t.Errorf("AG-1: ready %d travel %d arrival %d, want 120 60 180", ag.ReadyMin, ag.TravelMin, ag.ArrivalMin)
	}
	if want := stock.Units(640); res.Total != want {
		t.Errorf("total %s, want %s", res.Total, want)
	}
	// Considered counts the sources that hold the item and have a point.
	if res.Considered != 5 || res.Router != "test-table" || res.Hours != 4 || res.Point != nearbyAt {
		t.Errorf("result %+v", res)
	}
	// The empty depot and the one without a point are not routed at all.
	if len(r.asked) != 1 || len(r.asked[0]) != 5 || slices.Contains(r.asked[0], pD) {
		t.Errorf("router asked %v", r.asked)
	}
}

func TestNearbyWindowIsInclusiveAndWidens(t *testing.T) {
	// At exactly 50 minutes D-A arrives on the dot and is kept.
	res, err := Nearby(context.Background(), newTableRouter(), nearbyAt, 50.0/60, nearbyCandidates())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Sources) != 2 || res.Sources[1].Code != "D-A" || res.Total != stock.Units(140) {
		t.Errorf("50 min: %+v", res.Sources)
	}
	// Five hours reach the far depot too.
	res, err = Nearby(context.Background(), newTableRouter(), nearbyAt, 5, nearbyCandidates())
	if err != nil {
		t.Fatal(err)
	}
	if n := len(res.Sources); n != 4 || res.Sources[n-1].Code != "D-FAR" || res.Sources[n-1].ArrivalMin != 241 {
		t.Errorf("5 h: %+v", res.Sources)
	}
}

func TestNearbyTiesSortByTravelThenCode(t *testing.T) {
	// An agreement ready after 20 min and 10 min away ties with a depot
	// 30 min away; the shorter drive goes first. Two equal depots go by code.
	r := &tableRouter{seconds: map[geo.Point]int32{pA: 1800, pB: 600, pC: 1800}}
	cands := []NearbySource{
		{Kind: SourceDepot, Code: "Z", Point: pC, Usable: 1},
		{Kind: SourceDepot, Code: "Y", Point: pA, Usable: 1},
		{Kind: SourceAgreement, Code: "AG", Point: pB, Usable: 1, ReadyMin: 20},
	}
	res, err := Nearby(context.Background(), r, nearbyAt, 1, cands)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, s := range res.Sources {
		codes = append(codes, s.Code)
	}
	if want := []string{"AG", "Y", "Z"}; !slices.Equal(codes, want) {
		t.Errorf("order %v, want %v", codes, want)
	}
}

func TestNearbyNothingHeld(t *testing.T) {
	r := newTableRouter()
	res, err := Nearby(context.Background(), r, nearbyAt, 4, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Sources == nil || len(res.Sources) != 0 || res.Total != 0 || res.Considered != 0 {
		t.Errorf("nothing held: %+v", res)
	}
	if len(r.asked) != 0 {
		t.Error("the router was asked with no sources")
	}
}

func TestNearbyRouterFailure(t *testing.T) {
	boom := errors.New("osrm down")
	_, err := Nearby(context.Background(), &tableRouter{err: boom}, nearbyAt, 4, nearbyCandidates())
	if !errors.Is(err, boom) {
		t.Errorf("error %v, want it to wrap %v", err, boom)
	}
}

func TestCheckNearby(t *testing.T) {
	for _, tc := range []struct {
		at    geo.Point
		hours float64
		field string
	}{
		{nearbyAt, 4, ""},
		{nearbyAt, MaxNearbyHours, ""},
		{nearbyAt, 0.01, ""},
		{geo.Point{Lon: 181, Lat: 39}, 4, "lon"},
		{geo.Point{Lon: math.NaN(), Lat: 39}, 4, "lon"},
		{geo.Point{Lon: 116, Lat: -91}, 4, "lat"},
		{nearbyAt, 0, "hours"},
		{nearbyAt, -1, "hours"},
		{nearbyAt, 100, "hours"},
		{nearbyAt, math.NaN(), "hours"},
	} {
		err := CheckNearby(tc.at, tc.hours)
		if tc.field == "" {
			if err != nil {
				t.Errorf("%v %v: %v", tc.at, tc.hours, err)
			}
			continue
		}
		e, ok := apperr.As(err)
		if !ok || e.Kind != apperr.Invalid || e.Field != tc.field || e.ZH == "" {
			t.Errorf("%v %v: error %v, want invalid %s", tc.at, tc.hours, err, tc.field)
		}
	}
	// Nearby refuses the same input before routing.
	r := newTableRouter()
	if _, err := Nearby(context.Background(), r, nearbyAt, 100, nearbyCandidates()); err == nil || len(r.asked) != 0 {
		t.Errorf("100 h: %v, router asked %d times", err, len(r.asked))
	}
}

func TestReadyMinutes(t *testing.T) {
	for h, want := range map[float64]int{0: 0, 2: 120, 1.5: 90, 0.01: 1} {
		if got := ReadyMinutes(h); got != want {
			t.Errorf("ReadyMinutes(%v) = %d, want %d", h, got, want)
		}
	}
}
