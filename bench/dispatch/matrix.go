package main

// The travel-time matrix part of the benchmark (moved here from the former
// bench/roads command): Stockpile's road routing (internal/routing/road)
// on two networks,
//
//   - delaware: the real OpenStreetMap extract of Delaware (about 290,000
//     drivable nodes) shipped in the testdata of github.com/paulmach/osm;
//   - synthetic: the generated road-like network, 1024 × 1024 intersections
//     (just over a million nodes after pruning).
//
// For each it reports the preprocessing (reading or generating the graph,
// contracting the hierarchy, and for Delaware writing and reloading the
// disk cache), then a travel-time matrix from -matrix-sources to
// -matrix-targets random nodes (fixed seed) computed with the contraction
// hierarchy's bucket algorithm and, as the floor, with one plain Dijkstra
// search per source. The two matrices must be identical. The CH matrix is
// timed -matrix-repeat times and the best time is compared with the
// target. Both matrix algorithms use GOMAXPROCS goroutines.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/stockpile-dev/stockpile/bench/internal/profile"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/routing/road"
)

// targetMatrix is the most a sources × targets CH matrix may take after
// preprocessing on the synthetic network.
const targetMatrix = time.Second

type matrixConfig struct {
	nets       []string
	pbf        string
	rows, cols int
	sources    int
	targets    int
	seed       uint64
	repeat     int
	cpuprof    string
}

func (c matrixConfig) validate() error {
	for _, n := range c.nets {
		if n != "delaware" && n != "synthetic" {
			return fmt.Errorf("unknown network %q: want delaware or synthetic", n)
		}
	}
	switch {
	case len(c.nets) == 0:
		return errors.New("no network given")
	case c.sources < 1 || c.targets < 1 || c.repeat < 1:
		return errors.New("-matrix-sources, -matrix-targets and -matrix-repeat must be at least 1")
	}
	return nil
}

// matrixResult is one network's line in the report.
type matrixResult struct {
	name               string
	nodes, edges, arcs int
	build, contract    time.Duration
	save, load         time.Duration // Delaware's disk cache; 0 if not run
	chBest, chMedian   time.Duration
	router             time.Duration // CH matrix between points, snapping included
	dijkstra           time.Duration
	identical          bool
	unreachable        int
	meanMinutes        float64
}

// runMatrix benchmarks every network of c, writes the table to out and
// fails if the CH and Dijkstra matrices differ on any of them.
func runMatrix(ctx context.Context, c matrixConfig, out io.Writer) error {
	if err := c.validate(); err != nil {
		return err
	}
	stopProfile, err := profile.StartCPU(c.cpuprof)
	if err != nil {
		return err
	}
	defer stopProfile()
	var results []matrixResult
	for _, n := range c.nets {
		var r matrixResult
		var err error
		if n == "delaware" {
			r, err = benchDelaware(ctx, c)
		} else {
			r, err = benchSynthetic(ctx, c)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", n, err)
		}
		results = append(results, r)
	}
	reportMatrix(out, c, results)
	for _, r := range results {
		if !r.identical {
			return fmt.Errorf("%s: CH and Dijkstra matrices differ", r.name)
		}
	}
	return nil
}

// benchDelaware opens the extract twice through road.Open with a cache in
// a temporary directory: the first open builds (its stages are timed
// through the progress callback), the second loads the cache.
func benchDelaware(ctx context.Context, c matrixConfig) (matrixResult, error) {
	pbf := c.pbf
	if pbf == "" {
		var err error
		if pbf, err = testdataPBF(); err != nil {
			return matrixResult{}, err
		}
	}
	dir, err := os.MkdirTemp("", "roads-bench")
	if err != nil {
		return matrixResult{}, err
	}
	defer os.RemoveAll(dir)
	opt := road.OpenOptions{CachePath: filepath.Join(dir, "graph")}
	st := &stageTimer{start: time.Now()}
	opt.Progress = st.report
	logf("delaware: building from %s", pbf)
	// The router built here is dropped: what is measured is the one loaded
	// from the cache below, as a server would load it on every start.
	if _, err := road.Open(ctx, pbf, opt); err != nil {
		return matrixResult{}, err
	}
	st.report("done", 0, 0)
	res := matrixResult{name: "delaware (" + filepath.Base(pbf) + ")"}
	res.build = st.took["ways"] + st.took["nodes"] + st.took["components"]
	res.contract, res.save = st.took["contract"], st.took["save"]

	start := time.Now()
	opt.Progress = nil
	rt, err := road.Open(ctx, pbf, opt)
	if err != nil {
		return matrixResult{}, err
	}
	res.load = time.Since(start)
	return measure(ctx, c, res, rt)
}

// stageTimer times the stages of road.Open from its progress reports.
type stageTimer struct {
	start time.Time
	stage string
	took  map[string]time.Duration
}

func (s *stageTimer) report(stage string, done, total int) {
	if stage == s.stage {
		return
	}
	now := time.Now()
	if s.took == nil {
		s.took = make(map[string]time.Duration)
	}
	if s.stage != "" {
		s.took[s.stage] += now.Sub(s.start)
		logf("  %-10s %v", s.stage, now.Sub(s.start).Round(time.Millisecond))
	}
	s.stage, s.start = stage, now
}

func benchSynthetic(ctx context.Context, c matrixConfig) (matrixResult, error) {
	res := matrixResult{name: fmt.Sprintf("synthetic %d×%d", c.rows, c.cols)}
	logf("synthetic: generating %d × %d", c.rows, c.cols)
	start := time.Now()
	g, err := road.Synthetic(road.SyntheticOptions{Rows: c.rows, Cols: c.cols, Seed: c.seed})
	if err != nil {
		return matrixResult{}, err
	}
	res.build = time.Since(start)
	logf("synthetic: contracting %d nodes", g.NumNodes())
	start = time.Now()
	last := time.Now()
	h, err := road.Contract(ctx, g, road.ContractOptions{Progress: func(_ string, done, total int) {
		if time.Since(last) > 10*time.Second {
			logf("  contracted %d of %d nodes", done, total)
			last = time.Now()
		}
	}})
	if err != nil {
		return matrixResult{}, err
	}
	res.contract = time.Since(start)
	rt, err := road.NewRouter(g, h, road.RouterOptions{Name: "synthetic"})
	if err != nil {
		return matrixResult{}, err
	}
	return measure(ctx, c, res, rt)
}

// measure times the matrices on random nodes of rt's graph.
func measure(ctx context.Context, c matrixConfig, res matrixResult, rt *road.Router) (matrixResult, error) {
	g, h := rt.Graph(), rt.CH()
	res.nodes, res.edges, res.arcs = g.NumNodes(), g.NumEdges(), h.NumArcs()
	rng := rand.New(rand.NewPCG(c.seed, 42))
	from, to := randomNodes(rng, g, c.sources), randomNodes(rng, g, c.targets)

	var chTab road.Table
	var times []time.Duration
	for range c.repeat {
		start := time.Now()
		t, err := h.Matrix(ctx, from, to)
		if err != nil {
			return res, err
		}
		times = append(times, time.Since(start))
		chTab = t
	}
	slices.Sort(times)
	res.chBest, res.chMedian = times[0], times[len(times)/2]

	pFrom, pTo := positions(g, from), positions(g, to)
	start := time.Now()
	if _, err := rt.Matrix(ctx, pFrom, pTo); err != nil {
		return res, err
	}
	res.router = time.Since(start)

	logf("%s: %d Dijkstra searches on %d nodes", res.name, len(from), g.NumNodes())
	start = time.Now()
	dTab, err := road.Dijkstra(ctx, g, from, to)
	if err != nil {
		return res, err
	}
	res.dijkstra = time.Since(start)
	res.identical = slices.Equal(chTab.Tenths, dTab.Tenths) && slices.Equal(chTab.Meters, dTab.Meters)
	sum, n := 0.0, 0
	for _, t := range chTab.Tenths {
		if t == road.NoPath {
			res.unreachable++
			continue
		}
		sum += float64(t) / 600
		n++
	}
	res.meanMinutes = sum / float64(max(n, 1))
	return res, nil
}

func randomNodes(rng *rand.Rand, g *road.Graph, k int) []int32 {
	v := make([]int32, k)
	for i := range v {
		v[i] = int32(rng.IntN(g.NumNodes()))
	}
	return v
}

func positions(g *road.Graph, nodes []int32) []geo.Point {
	p := make([]geo.Point, len(nodes))
	for i, v := range nodes {
		p[i] = g.Point(v)
	}
	return p
}

// testdataPBF finds delaware-latest.osm.pbf in the module cache.
func testdataPBF() (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/paulmach/osm").Output()
	if err != nil {
		return "", fmt.Errorf("locating github.com/paulmach/osm (give -pbf): %w", err)
	}
	return filepath.Join(strings.TrimSpace(string(out)), "testdata", "delaware-latest.osm.pbf"), nil
}

func reportMatrix(out io.Writer, c matrixConfig, results []matrixResult) {
	fmt.Fprintf(out, "\nroad routing, %d × %d matrix, GOMAXPROCS %d, %s\n\n", c.sources, c.targets, runtime.GOMAXPROCS(0), runtime.Version())
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "network\tnodes\tedges\tCH arcs\tbuild\tcontract\tcache save\tcache load\tCH matrix best\tmedian\tvia points\tDijkstra\tspeed-up\tidentical\tmean trip\t")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.0f×\t%v\t%.1f min\t\n",
			r.name, r.nodes, r.edges, r.arcs, dur(r.build), dur(r.contract), dur(r.save), dur(r.load),
			dur(r.chBest), dur(r.chMedian), dur(r.router), dur(r.dijkstra),
			float64(r.dijkstra)/float64(r.chBest), r.identical, r.meanMinutes)
	}
	tw.Flush()
	for _, r := range results {
		if strings.HasPrefix(r.name, "synthetic") {
			verdict := "met"
			if r.chBest > targetMatrix {
				verdict = "MISSED"
			}
			fmt.Fprintf(out, "\ntarget: %s CH matrix ≤ %v after preprocessing: %s (%v)\n", r.name, targetMatrix, verdict, dur(r.chBest))
		}
		if r.unreachable > 0 {
			fmt.Fprintf(out, "%s: %d unreachable pairs\n", r.name, r.unreachable)
		}
	}
}

// dur formats a duration for the matrix table: "–" for a stage that did
// not run. (ms in report.go, used by the solver report, differs: no dash,
// and one decimal from 10 s up.)
func dur(d time.Duration) string {
	switch {
	case d == 0:
		return "–"
	case d < time.Second:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	default:
		return fmt.Sprintf("%.2f s", d.Seconds())
	}
}
