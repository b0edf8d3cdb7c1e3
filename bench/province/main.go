// Command province builds a province-size data set through the store's
// posting API and measures the reads people make of it: the dashboard,
// the stock pages, lots and ledger pages, the depot list, balances, the map
// and the exports, as a provincial commander (everything), a city
// commander and a district keeper, with p50 and p99 of each.
//
//	go run ./bench/province                          # 5,000 depots, 1,000,000 lots, SQLite in a temporary file
//	go run ./bench/province -lots 20000 -depots 200  # a quick run
//	go run ./bench/province -out /tmp/province.db -keep   # keep the file; run again with the same -out to skip generating
//	go run ./bench/province -db 'postgres://…&search_path=bench_province'   # an empty PostgreSQL schema
//
// Progress goes to stderr, the table to stdout (docs/benchmarks.md,
// province).
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/stockpile-dev/stockpile/internal/store"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "province:", err)
		os.Exit(1)
	}
}

func run() error {
	z := size{cities: 16, districts: 8, streets: 8, seed: 1}
	flag.IntVar(&z.depots, "depots", 5000, "depots")
	flag.IntVar(&z.lots, "lots", 1_000_000, "lots received")
	flag.IntVar(&z.entries, "entries", 0, "ledger entries in all (issues are added to reach it; 10000000 for the full ledger)")
	out := flag.String("out", "", "SQLite file to build (reused when it holds a data set); default a temporary file")
	dsn := flag.String("db", "", "an empty database (a PostgreSQL URL with search_path) instead of -out")
	keep := flag.Bool("keep", false, "keep the temporary SQLite file")
	runs := flag.Int("runs", 30, "runs of each read")
	only := flag.String("only", "", "run only the reads whose name contains this")
	profile := flag.String("cpuprofile", "", "write a CPU profile of the reads to this file")
	flag.Parse()
	filter = *only
	ctx := context.Background()
	target, cleanup, err := database(*out, *dsn, *keep)
	if err != nil {
		return err
	}
	defer cleanup()
	w, err := build(ctx, target, z)
	if err != nil {
		return err
	}
	s, err := store.Open(ctx, target)
	if err != nil {
		return err
	}
	defer s.Close()
	var raw *sql.DB
	if s.Engine() == "sqlite" {
		if raw, err = sql.Open("sqlite", "file:"+target+"?mode=ro"); err != nil {
			return err
		}
		defer raw.Close()
	}
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	return measure(ctx, s, raw, w, *runs)
}

// database is where the data set goes, and what to do when done.
func database(out, dsn string, keep bool) (string, func(), error) {
	switch {
	case dsn != "":
		return dsn, func() {}, nil
	case out != "":
		return out, func() {}, nil
	}
	dir, err := os.MkdirTemp("", "stockpile-province-")
	if err != nil {
		return "", nil, err
	}
	path := filepath.Join(dir, "province.db")
	if keep {
		fmt.Fprintln(os.Stderr, "data set kept at", path)
		return path, func() {}, nil
	}
	return path, func() { os.RemoveAll(dir) }, nil
}

// build generates the data set with the clock a year back (so that some
// lots have expired when read), unless the database already holds one,
// and finds its places.
func build(ctx context.Context, dsn string, z size) (world, error) {
	yearAgo := func() time.Time { return time.Now().AddDate(-1, 0, 0) }
	s, err := store.Open(ctx, dsn, store.WithClock(yearAgo))
	if err != nil {
		return world{}, err
	}
	defer s.Close()
	if err := s.Migrate(ctx, nil); err != nil {
		return world{}, err
	}
	ds, err := s.Depots(ctx, store.DepotFilter{})
	if err != nil {
		return world{}, err
	}
	if len(ds) > 0 {
		fmt.Fprintf(os.Stderr, "reusing the data set in %s (%d depots)\n", redact(dsn), len(ds))
		return found(ctx, s, ds)
	}
	start := time.Now()
	w, err := generate(ctx, s, z)
	fmt.Fprintf(os.Stderr, "generated in %s\n", time.Since(start).Round(time.Second))
	return w, err
}

// found is the world of a data set made before.
func found(ctx context.Context, s *store.Store, ds []store.DepotView) (world, error) {
	w := world{districts: map[string][]string{}, depotsOf: map[string][]string{}}
	as, err := s.Areas(ctx, "")
	if err != nil {
		return w, err
	}
	for _, a := range as {
		switch {
		case a.ParentCode == "":
			w.cities = append(w.cities, a.Code)
		case a.Level == "district":
			w.districts[a.ParentCode] = append(w.districts[a.ParentCode], a.Code)
		}
	}
	for _, d := range ds {
		w.depots = append(w.depots, d.Code)
		if d.District != "" {
			w.depotsOf[d.District] = append(w.depotsOf[d.District], d.Code)
		}
	}
	return w, nil
}

// redact hides a password in a database URL.
func redact(dsn string) string {
	if i, j := strings.Index(dsn, "://"), strings.Index(dsn, "@"); i >= 0 && j > i {
		if k := strings.Index(dsn[i+3:j], ":"); k >= 0 {
			return dsn[:i+3+k] + ":***" + dsn[j:]
		}
	}
	return dsn
}
