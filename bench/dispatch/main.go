// Command dispatch runs Stockpile's two performance benchmarks in one
// process, the solver part first, then the matrix part, and prints a
// report for each.
//
// The solver part benchmarks the allocation solver (internal/alloc)
// against two references on the very same networks: LEMON's
// NetworkSimplex (C++, a driver in lemon/ compiled with g++ at run time)
// and GLPK's glpsol (LP simplex). Instances come from a seeded generator:
// "beijing" (500 sources, 2 incidents × 30 sites, 40 items) and "national"
// (5,000 sources, 300 sites, 100 items). The references get the full
// network (every reachable source→demand arc, written by
// alloc.BuildNetwork as one network whose components are the items) as
// DIMACS and as a CPLEX LP file. Our solver gets the Problem. The part
// fails if any objective differs. glpsol runs under a time limit and is
// reported as "> limit" when it does not finish.
//
// The matrix part benchmarks the road routing (internal/routing/road): a
// travel-time matrix from -matrix-sources (500) to -matrix-targets (60)
// random nodes, computed with the contraction hierarchy and, as the floor,
// with one plain Dijkstra search per source, on the OpenStreetMap extract
// of Delaware ("delaware", from github.com/paulmach/osm's testdata or
// -pbf) and on a generated road-like network of -matrix-rows ×
// -matrix-cols intersections ("synthetic", 1024 × 1024: over a million
// nodes). It also reports the preprocessing (building, contracting, and
// for Delaware saving and reloading the disk cache). The part fails if
// the two matrices differ. See matrix.go.
//
// Either part can be run alone: -matrix "" skips the matrix part,
// -instances "" skips the solver part. -seed seeds both.
//
//	go run ./bench/dispatch                       # everything (takes many minutes)
//	go run ./bench/dispatch -matrix ""            # solver part only, both instances
//	go run ./bench/dispatch -instances beijing -glpk-limit 60s -matrix ""
//	go run ./bench/dispatch -instances ""         # matrix part only, both networks
//	go run ./bench/dispatch -instances "" -matrix synthetic -matrix-rows 512 -matrix-cols 512
//
// The program exits non-zero if either part fails; a failure of the
// solver part does not stop the matrix part. Progress goes to stderr,
// results to stdout.
package main

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/stockpile-dev/stockpile/bench/internal/profile"
	"github.com/stockpile-dev/stockpile/internal/alloc"
)

// Targets.
const (
	targetBeijing  = 100 * time.Millisecond
	targetNational = 3 * time.Second
	targetVsGLPK   = 10.0 // at least this many times faster
	targetVsLEMON  = 0.5  // at least this fast relative to LEMON (within 2×)
)

type config struct {
	instances  []string
	seed       uint64
	runs       int
	glpkLimit  time.Duration
	noGLPK     bool
	noLEMON    bool
	keep       bool
	cpuprof    string
	candidates int
}

func main() {
	var c config
	var m matrixConfig
	names := flag.String("instances", "beijing,national", `solver instances to run: beijing, national ("" skips the solver part)`)
	flag.Uint64Var(&c.seed, "seed", 1, "generator seed (both parts: the instances, the synthetic network and the matrix's random nodes)")
	flag.IntVar(&c.runs, "runs", 5, "timed runs of our solver (the median is reported)")
	flag.DurationVar(&c.glpkLimit, "glpk-limit", 300*time.Second, "time limit for glpsol (--tmlim) per instance")
	flag.BoolVar(&c.noGLPK, "no-glpk", false, "skip glpsol")
	flag.BoolVar(&c.noLEMON, "no-lemon", false, "skip LEMON")
	flag.BoolVar(&c.keep, "keep", false, "keep the exported DIMACS and LP files")
	flag.IntVar(&c.candidates, "candidates", 0, "alloc.Problem.Candidates for our solver (0: its default)")
	flag.StringVar(&c.cpuprof, "cpuprofile", "", "write a CPU profile of the solver part to this file")
	nets := flag.String("matrix", "delaware,synthetic", `comma-separated networks for the travel-time matrix part: delaware, synthetic ("" skips the matrix part)`)
	flag.StringVar(&m.pbf, "pbf", "", "OpenStreetMap extract for the delaware matrix run (default: the one in github.com/paulmach/osm's testdata)")
	flag.IntVar(&m.rows, "matrix-rows", 1024, "synthetic network rows")
	flag.IntVar(&m.cols, "matrix-cols", 1024, "synthetic network columns")
	flag.IntVar(&m.sources, "matrix-sources", 500, "matrix rows (random nodes)")
	flag.IntVar(&m.targets, "matrix-targets", 60, "matrix columns (random nodes)")
	flag.IntVar(&m.repeat, "matrix-repeat", 5, "CH matrix runs (the best is reported)")
	flag.StringVar(&m.cpuprof, "matrix-cpuprofile", "", "write a CPU profile of the matrix part to this file")
	flag.Parse()
	c.instances, m.nets = splitList(*names), splitList(*nets)
	m.seed = c.seed
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := runAll(ctx, c, m); err != nil {
		fmt.Fprintln(os.Stderr, "dispatch:", err)
		os.Exit(1)
	}
}

// splitList splits a comma-separated flag value, dropping empty entries.
func splitList(s string) []string {
	var out []string
	for _, n := range strings.Split(s, ",") {
		if n = strings.TrimSpace(n); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// runAll checks both parts' settings, then runs the solver part (if any
// instance is given) and the matrix part (if any network is given), the
// latter even if the former failed, unless interrupted.
func runAll(ctx context.Context, c config, m matrixConfig) error {
	if len(c.instances) == 0 && len(m.nets) == 0 {
		return errors.New(`nothing to run: -instances and -matrix are both empty`)
	}
	for _, name := range c.instances {
		if _, ok := instanceSpecs[name]; !ok {
			return fmt.Errorf("unknown instance %q: want beijing or national", name)
		}
	}
	if len(m.nets) > 0 {
		if err := m.validate(); err != nil {
			return fmt.Errorf("matrix: %w", err)
		}
	}
	var errs []error
	if len(c.instances) > 0 {
		errs = append(errs, run(ctx, c))
	}
	if len(m.nets) > 0 && ctx.Err() == nil {
		if err := runMatrix(ctx, m, os.Stdout); err != nil {
			errs = append(errs, fmt.Errorf("matrix: %w", err))
		}
	}
	return errors.Join(errs...)
}

// instanceSpecs are the solver part's instances by name.
var instanceSpecs = map[string]*spec{"beijing": &beijingSpec, "national": &nationalSpec}

// run benchmarks every instance and fails if any objective differs.
func run(ctx context.Context, c config) error {
	dir, err := os.MkdirTemp("", "stockpile-bench-dispatch-")
	if err != nil {
		return err
	}
	if c.keep {
		logf("exported networks stay in %s", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	stopProfile, err := profile.StartCPU(c.cpuprof)
	if err != nil {
		return err
	}
	defer stopProfile()
	fmt.Printf("dispatch bench: seed %d, GOMAXPROCS %d, %s, %d CPUs\n\n", c.seed, runtime.GOMAXPROCS(0), runtime.Version(), runtime.NumCPU())
	var failures []string
	for _, name := range c.instances {
		s, ok := instanceSpecs[name]
		if !ok {
			return fmt.Errorf("unknown instance %q", name)
		}
		r, err := benchInstance(ctx, c, s, dir)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		r.print()
		failures = append(failures, r.failures()...)
	}
	if len(failures) > 0 {
		return fmt.Errorf("objectives differ:\n  %s", strings.Join(failures, "\n  "))
	}
	return nil
}

// report holds one instance's figures.
type report struct {
	name      string
	in        *instance
	sol       *alloc.Solution
	ours      time.Duration // median of the runs
	first     time.Duration // first (cold) run
	oneWorker time.Duration // median with Workers = 1
	// CPU time (user + system, all threads) of the same runs: on a shared
	// machine it varies less than wall time.
	oursCPU, oneWorkerCPU time.Duration
	fullArcs              int
	nodes                 int
	lemon                 *refResult
	glpk                  *refResult
	glpkLimit             time.Duration
	exportTime            time.Duration
}

func benchInstance(ctx context.Context, c config, s *spec, dir string) (*report, error) {
	logf("%s: generating", s.name)
	r := &report{name: s.name, in: generate(s, c.seed), glpkLimit: c.glpkLimit}
	r.in.problem.Candidates = c.candidates
	if err := r.timeOurs(ctx, c.runs); err != nil {
		return nil, err
	}
	if c.noLEMON && c.noGLPK {
		return r, nil
	}
	start := time.Now()
	nw, err := alloc.BuildNetwork(ctx, r.in.problem)
	if err != nil {
		return nil, err
	}
	r.nodes, r.fullArcs = len(nw.Supply), len(nw.From)
	dimacs, lp := filepath.Join(dir, s.name+".dimacs"), filepath.Join(dir, s.name+".lp")
	logf("%s: writing %d nodes, %d arcs as DIMACS and LP", s.name, r.nodes, r.fullArcs)
	if err := writeFile(dimacs, func(w *bufio.Writer) error { return writeDIMACS(w, nw) }); err != nil {
		return nil, err
	}
	if !c.noGLPK {
		if err := writeFile(lp, func(w *bufio.Writer) error { return writeLP(w, nw) }); err != nil {
			return nil, err
		}
	}
	r.exportTime = time.Since(start)
	if !c.noLEMON {
		logf("%s: LEMON", s.name)
		bin, err := lemonBinary(ctx)
		if err != nil {
			return nil, err
		}
		if r.lemon, err = runLEMON(ctx, bin, dimacs); err != nil {
			return nil, err
		}
	}
	if !c.noGLPK {
		logf("%s: glpsol (limit %v)", s.name, c.glpkLimit)
		if r.glpk, err = runGLPK(ctx, nw, lp, c.glpkLimit); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// timeOurs solves the instance runs times with all workers and runs times
// with one, keeping the first solution and the median times.
func (r *report) timeOurs(ctx context.Context, runs int) error {
	p := r.in.problem
	var times, single, cpus, singleCPU []time.Duration
	for k := range 2 * max(runs, 1) {
		p.Workers = 0
		if k >= runs {
			p.Workers = 1
		}
		runtime.GC()
		cpu0 := cpuTime()
		start := time.Now()
		sol, err := alloc.Solve(ctx, p)
		took := time.Since(start)
		cpu := cpuTime() - cpu0
		if err != nil {
			return err
		}
		switch {
		case r.sol == nil:
			r.sol, r.first = sol, took
		case sol.Objective != r.sol.Objective:
			return fmt.Errorf("our objective changed between runs: %d, then %d", r.sol.Objective, sol.Objective)
		}
		if p.Workers == 1 {
			single = append(single, took)
			singleCPU = append(singleCPU, cpu)
		} else {
			times = append(times, took)
			cpus = append(cpus, cpu)
		}
	}
	r.ours, r.oneWorker = median(times), median(single)
	r.oursCPU, r.oneWorkerCPU = median(cpus), median(singleCPU)
	logf("%s: ours %v (median of %d)", r.name, r.ours, len(times))
	return nil
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.SortFunc(s, cmp.Compare)
	return s[len(s)/2]
}

// failures lists the references whose objective differs from ours.
func (r *report) failures() []string {
	var out []string
	obj := r.sol.Objective
	if r.lemon != nil && r.lemon.objective != obj {
		out = append(out, fmt.Sprintf("%s: ours %d, LEMON %d", r.name, obj, r.lemon.objective))
	}
	if r.glpk != nil && !r.glpk.timedOut && r.glpk.objective != obj {
		out = append(out, fmt.Sprintf("%s: ours %d, glpsol %d", r.name, obj, r.glpk.objective))
	}
	return out
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, time.Now().Format("15:04:05 ")+format+"\n", args...)
}

// cpuTime returns the CPU time the process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
