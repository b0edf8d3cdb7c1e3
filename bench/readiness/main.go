// Command readiness measures the readiness assessment and pre-positioning
// on the Beijing demo data, against the targets of the readiness issue: a
// full Beijing assessment (the standing scenarios and a level Ⅱ event in
// every district) within 2 s, and a pre-positioning recommendation for a
// district warning within 1 s.
//
//	go run ./bench/readiness                 # SQLite in a temporary file
//	go run ./bench/readiness -db postgres://postgres@127.0.0.1:5432/test?search_path=bench
//
// A PostgreSQL database given with -db must be empty: the demo is loaded
// into it.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"time"

	"github.com/stockpile-dev/stockpile/internal/demo"
	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/readiness"
	"github.com/stockpile-dev/stockpile/internal/routing"
	"github.com/stockpile-dev/stockpile/internal/store"
)

func main() {
	dsn := flag.String("db", "", "database to load the demo into (default: a temporary SQLite file)")
	runs := flag.Int("runs", 10, "timed runs of each")
	chain = flag.Bool("chain", false, "print each district's delivery chain")
	alert := flag.String("alert", filepath.Join("internal", "warning", "testdata", "beijing-rainstorm-red.xml"),
		"CAP alert to recommend moves for")
	flag.Parse()
	if err := run(context.Background(), *dsn, *runs, *alert); err != nil {
		log.Fatal(err)
	}
}

var chain *bool

func run(ctx context.Context, dsn string, runs int, alertPath string) error {
	if dsn == "" {
		dir, err := os.MkdirTemp("", "stockpile-bench-readiness-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		dsn = filepath.Join(dir, "demo.db")
	}
	s, err := store.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Migrate(ctx, nil); err != nil {
		return err
	}
	sum, err := demo.Load(ctx, s, demo.Options{})
	if err != nil {
		return err
	}
	alert, err := os.ReadFile(alertPath)
	if err != nil {
		return fmt.Errorf("%w (run from the repository root, or pass -alert)", err)
	}
	as, err := assessor(ctx, s)
	if err != nil {
		return err
	}
	fmt.Printf("readiness benchmark: %s, %d depots, %d lots; %s, %d CPUs\n", s.Engine(), sum.Depots, sum.Lots,
		runtime.Version(), runtime.NumCPU())

	var ov readiness.Overview
	overview := timeRuns(runs, func() error {
		ov, err = as.Overview(ctx, readiness.DefaultPair, "flood", nil)
		return err
	})
	if overview.err != nil {
		return overview.err
	}
	fmt.Printf("full assessment (2 standing scenarios + %d districts, %d plans): %s   target ≤ 2 s\n",
		len(ov.Districts), ov.Stats.Plans, overview)
	if *chain {
		fmt.Println("district chain (own 4 h / + city 6 h / + other districts 24 h; in time; 24 h):")
		for _, d := range ov.Districts {
			fmt.Printf("  %s %-8s %5.1f%% %5.1f%% %5.1f%%   %5.1f%% %5.1f%%\n", d.Area, d.NameZH, d.Chain.Own4h*100,
				d.Chain.City6h*100, d.Chain.Others24h*100, d.Summary.InTime*100, d.Summary.Within24*100)
		}
		for _, n := range ov.Neighbours {
			fmt.Printf("  support to %s (%d people): %.1f%% within 24 h\n", n.NameZH, n.Relocated, n.Within24*100)
		}
	}

	w, err := readiness.ReadWarning(ctx, s.Readiness(), alert)
	if err != nil {
		return err
	}
	var rec readiness.Recommendation
	opt := readiness.PrepositionOptions{DeadlineHours: 1.5, LeadHours: 12}
	pre := timeRuns(runs, func() error {
		rec, err = as.Recommend(ctx, w, opt)
		return err
	})
	if pre.err != nil {
		return pre.err
	}
	fmt.Printf("pre-positioning (%v, %d moves, in time %.1f%% → %.1f%%): %s   target ≤ 1 s\n", w.Areas, len(rec.Moves),
		rec.Before.InTime*100, rec.After.InTime*100, pre)
	return nil
}

func assessor(ctx context.Context, s *store.Store) (*readiness.Assessor, error) {
	gc, err := routing.NewGreatCircle(routing.DefaultProfile(), nil)
	if err != nil {
		return nil, err
	}
	// Terrain from the areas in the database, as ops.New gives it.
	router := gc.WithTerrainSource(s)
	cfg, err := s.HomeReadinessConfig(ctx)
	if err != nil {
		return nil, err
	}
	return &readiness.Assessor{Data: s.Readiness(), Config: cfg, Now: s.Now, Planner: func(inv dispatch.Inventory) *dispatch.Planner {
		return &dispatch.Planner{Inventory: inv, Router: router, Now: s.Now}
	}}, nil
}

// timing is the first, median and best of several runs.
type timing struct {
	first, median, best time.Duration
	err                 error
}

func (t timing) String() string {
	return fmt.Sprintf("first %v, median %v, best %v", t.first.Round(time.Microsecond*100),
		t.median.Round(time.Microsecond*100), t.best.Round(time.Microsecond*100))
}

func timeRuns(n int, f func() error) timing {
	var ds []time.Duration
	for range max(n, 1) {
		start := time.Now()
		if err := f(); err != nil {
			return timing{err: err}
		}
		ds = append(ds, time.Since(start))
	}
	t := timing{first: ds[0]}
	slices.Sort(ds)
	t.median, t.best = ds[len(ds)/2], ds[0]
	return t
}
