package road

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stockpile-dev/stockpile/internal/geo"
)

// delawarePBF returns the path of the Delaware extract shipped in the
// testdata of github.com/paulmach/osm (a dependency, so always in the
// module cache once the module builds).
func delawarePBF(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/paulmach/osm").Output()
	if err != nil {
		t.Fatalf("locating github.com/paulmach/osm: %v", err)
	}
	return filepath.Join(strings.TrimSpace(string(out)), "testdata", "delaware-latest.osm.pbf")
}

var (
	wilmington = geo.Point{Lon: -75.5466, Lat: 39.7459} // Rodney Square
	dover      = geo.Point{Lon: -75.5196, Lat: 39.1572} // Legislative Hall
	newark     = geo.Point{Lon: -75.7497, Lat: 39.6837} // University of Delaware
	lewes      = geo.Point{Lon: -75.1393, Lat: 38.7746}
)

// stageLog records the progress stages reported.
type stageLog struct {
	mu     sync.Mutex // guards stages and last
	stages []string
	last   map[string][2]int // stage → last (done, total)
}

func (l *stageLog) report(stage string, done, total int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.stages) == 0 || l.stages[len(l.stages)-1] != stage {
		l.stages = append(l.stages, stage)
	}
	if l.last == nil {
		l.last = make(map[string][2]int)
	}
	l.last[stage] = [2]int{done, total}
}

func (l *stageLog) String() string { return strings.Join(l.stages, ",") }

// TestDelaware builds the real Delaware road network once (read, contract,
// cache in a temporary directory), checks it, then opens it again from the
// cache. The build takes 3 s here, 20 s with -race.
func TestDelaware(t *testing.T) {
	ctx := context.Background()
	pbf := delawarePBF(t)
	cache := filepath.Join(t.TempDir(), "delaware.stockpile-graph")

	start := time.Now()
	var built stageLog
	r, err := Open(ctx, pbf, OpenOptions{CachePath: cache, Progress: built.report})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("built %d nodes, %d edges, %d CH arcs in %v (%s)", r.Graph().NumNodes(), r.Graph().NumEdges(),
		r.CH().NumArcs(), time.Since(start), &built)
	if got := built.String(); got != "cache,ways,nodes,components,contract,save" {
		t.Errorf("first open went through %s", got)
	}
	if n := r.Graph().NumNodes(); n < 250_000 {
		t.Errorf("%d nodes, want about 290,000 (the drivable part of 724,000)", n)
	}
	// The largest strongly connected component is most of the drivable
	// network: what is cut off is one-way stubs and islands at the border.
	comp := built.last["components"]
	t.Logf("largest component: %d of %d nodes with edges", comp[0], comp[1])
	if comp[0] != r.Graph().NumNodes() || float64(comp[0]) < 0.95*float64(comp[1]) {
		t.Errorf("largest component holds %d of %d nodes, want most", comp[0], comp[1])
	}
	if r.Name() != "osm:delaware-latest.osm.pbf" {
		t.Errorf("name %q", r.Name())
	}

	t.Run("travel times", func(t *testing.T) { checkDelawareTimes(t, r) })
	t.Run("CH equals Dijkstra", func(t *testing.T) {
		g := r.Graph()
		from, to := randomNodes(g, 12, 21), randomNodes(g, 8, 22)
		want, err := Dijkstra(ctx, g, from, to)
		if err != nil {
			t.Fatal(err)
		}
		got, err := r.CH().Matrix(ctx, from, to)
		if err != nil {
			t.Fatal(err)
		}
		assertSameTable(t, got, want)
	})
	t.Run("cache", func(t *testing.T) {
		start := time.Now()
		var loaded stageLog
		r2, err := Open(ctx, pbf, OpenOptions{CachePath: cache, Progress: loaded.report})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("loaded from cache in %v", time.Since(start))
		if got := loaded.String(); got != "cache" {
			t.Errorf("second open went through %s, want the cache only", got)
		}
		assertSameGraph(t, r.Graph(), r.CH(), r2.Graph(), r2.CH())
	})
}

// checkDelawareTimes checks car times between towns against what a driver
// would expect: Wilmington to Dover is 75 km, mostly on DE 1 and US 13.
func checkDelawareTimes(t *testing.T, r *Router) {
	towns := []geo.Point{wilmington, dover, newark, lewes}
	m, err := r.Matrix(context.Background(), towns, towns)
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"Wilmington", "Dover", "Newark", "Lewes"}
	for _, c := range []struct {
		i, j           int
		minMin, maxMin float64
		minKm, maxKm   float64
	}{
		{0, 1, 45, 75, 70, 90},
		{1, 0, 45, 75, 70, 90},
		{0, 2, 15, 35, 20, 30},
		{1, 3, 40, 75, 50, 75},
	} {
		minutes := float64(m.At(c.i, c.j)) / 60
		km := float64(m.Meters[c.i*m.Cols+c.j]) / 1000
		t.Logf("%s → %s: %.0f min, %.1f km", names[c.i], names[c.j], minutes, km)
		if minutes < c.minMin || minutes > c.maxMin || km < c.minKm || km > c.maxKm {
			t.Errorf("%s → %s: %.0f min over %.1f km, want %v–%v min over %v–%v km",
				names[c.i], names[c.j], minutes, km, c.minMin, c.maxMin, c.minKm, c.maxKm)
		}
	}
	for i, p := range towns {
		if s := r.Snap(p); !s.OK() || s.Km > 0.3 {
			t.Errorf("%s snaps %.2f km away", names[i], s.Km)
		}
	}
}
