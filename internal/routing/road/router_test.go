package road

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/routing"
)

func TestSnapMatchesBruteForce(t *testing.T) {
	g, err := Synthetic(SyntheticOptions{Rows: 60, Cols: 80, Seed: 5, SpacingM: 300})
	if err != nil {
		t.Fatal(err)
	}
	ix := newSnapIndex(g)
	minLon, minLat, maxLon, maxLat := bounds(g.points)
	rng := rand.New(rand.NewPCG(9, 9))
	for range 600 {
		// Inside the box and up to a fifth of it beyond each side.
		p := geo.Point{
			Lon: minLon + (maxLon-minLon)*(rng.Float64()*1.4-0.2),
			Lat: minLat + (maxLat-minLat)*(rng.Float64()*1.4-0.2),
		}
		want := nearestNode(g, p)
		wantKm := geo.DistanceKm(p, g.points[want])
		v, km, ok := ix.nearest(p, 1000)
		if !ok || v != want && km != wantKm {
			t.Fatalf("nearest(%v) = %d at %.4f km, want %d at %.4f km", p, v, km, want, wantKm)
		}
		if v, _, ok := ix.nearest(p, wantKm*0.99); ok {
			t.Fatalf("nearest(%v) within %.4f km found %d", p, wantKm*0.99, v)
		}
	}
}

// testRouter contracts a small synthetic network.
func testRouter(t testing.TB) *Router {
	g, err := Synthetic(SyntheticOptions{Rows: 50, Cols: 50, Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	h, err := Contract(context.Background(), g, ContractOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewRouter(g, h, RouterOptions{Name: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRouterMatrix(t *testing.T) {
	ctx := context.Background()
	r := testRouter(t)
	g := r.Graph()
	a, b := g.Point(10), g.Point(2000)
	// 300 m north of node 10: off the grid's nodes, snaps to some node.
	off := geo.Point{Lon: a.Lon, Lat: a.Lat + 0.3/kmPerDegree}
	far := geo.Point{Lon: a.Lon + 1, Lat: a.Lat} // 85 km east: no road
	m, err := r.Matrix(ctx, []geo.Point{a, off, far}, []geo.Point{b, a})
	if err != nil {
		t.Fatal(err)
	}
	tab, _ := r.CH().Matrix(ctx, []int32{10, r.Snap(off).Node}, []int32{2000, 10})
	// On a node: the road time exactly.
	if got, want := m.At(0, 0), int32(math.Round(float64(tab.Tenths[0])/10)); got != want {
		t.Errorf("node→node %d s, want %d", got, want)
	}
	if m.At(0, 1) != 0 || m.Meters[1] != 0 {
		t.Errorf("a→a %d s, %d m; want 0", m.At(0, 1), m.Meters[1])
	}
	// Off a node: add the straight stretch at 10 km/h.
	s := r.Snap(off)
	if !s.OK() || s.Km <= 0 || s.Km > 0.3 {
		t.Fatalf("snap %+v", s)
	}
	want := math.Round(float64(tab.Tenths[2])/10 + s.Km/10*3600)
	if got := m.At(1, 0); float64(got) != want {
		t.Errorf("off-road→node %d s, want %v", got, want)
	}
	if got, want := m.Meters[m.Cols], int32(math.Round(float64(tab.Meters[2])+s.Km*1000)); got != want {
		t.Errorf("off-road→node %d m, want %d", got, want)
	}
	for j := range 2 {
		if m.At(2, j) != routing.Unreachable || m.Meters[2*m.Cols+j] != routing.Unreachable {
			t.Errorf("far point reachable: %d s", m.At(2, j))
		}
	}
	if r.Snap(far).OK() {
		t.Error("far point snapped")
	}
	// Two points 1 km off the road and 100 m apart: straight across.
	x := geo.Point{Lon: a.Lon, Lat: a.Lat - 1/kmPerDegree}
	y := geo.Point{Lon: a.Lon, Lat: a.Lat - 1.1/kmPerDegree}
	if !r.Snap(y).OK() {
		t.Fatal("point 1.1 km off the network did not snap")
	}
	m, _ = r.Matrix(ctx, []geo.Point{x}, []geo.Point{y})
	if m.At(0, 0) != 36 || m.Meters[0] != 100 {
		t.Errorf("100 m off-road: %d s, %d m; want 36 s (at 10 km/h), 100 m", m.At(0, 0), m.Meters[0])
	}
	if _, err := r.Matrix(ctx, []geo.Point{{Lon: 400}}, nil); err == nil {
		t.Error("invalid point accepted")
	}
}

func TestNewRouterMismatch(t *testing.T) {
	r := testRouter(t)
	other, _ := Synthetic(SyntheticOptions{Rows: 5, Cols: 5})
	if _, err := NewRouter(other, r.CH(), RouterOptions{}); err == nil {
		t.Error("hierarchy of another graph accepted")
	}
}

func TestRouterConcurrent(t *testing.T) {
	r := testRouter(t)
	g := r.Graph()
	var pts []geo.Point
	for _, v := range randomNodes(g, 30, 4) {
		pts = append(pts, g.Point(v))
	}
	want, err := r.Matrix(context.Background(), pts, pts)
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			got, err := r.Matrix(context.Background(), pts, pts)
			if err == nil && !slices.Equal(got.Seconds, want.Seconds) {
				err = errors.New("concurrent matrices differ")
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
