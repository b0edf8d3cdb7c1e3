// Command ledger benchmarks Stockpile's stock ledger on each database
// engine: postings in large batches and one line at a time, balance queries
// on the resulting ledger, and a full Verify of the hash chain.
//
//	go run ./bench/ledger                      # SQLite and PostgreSQL, full size
//	go run ./bench/ledger -engines sqlite -n 50000 -single 5000
//	go run ./bench/ledger -engines sqlite -n 0 -single 0 -stream 1000000   # one import
//	go run ./bench/ledger -engines sqlite -depots 3000 -n 1000000 -first 200000
//
// Beside the batched rate it prints a ceiling measured in the same run: the
// same entries written bare into a scratch table (ceiling.go), and the rate
// over the first -first lines against the rate over the last -window lines,
// which shows how the rate holds up as the ledger grows. -stream posts one
// streamed posting (PostStream, as an import does) and reports the heap it
// took.
//
// Every engine gets a fresh database: a SQLite file in a temporary directory,
// or a new schema on the PostgreSQL server named by -pg, dropped afterwards.
// The lines come from a deterministic generator (-seed) over depots × items:
// receipts of new lots, issues by FEFO and from named lots, and transfers. It
// keeps its own model of the stock, so every posting succeeds. Progress goes
// to stderr; the table of results, with the targets, goes to stdout.
//
// PostgreSQL runs 200,000 one-line postings by default rather than
// 1,000,000: at some 500 a second here the full count takes over half an
// hour. -single-pg 1000000 runs them all.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/signal"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/stockpile-dev/stockpile/bench/internal/benchfmt"

	"github.com/stockpile-dev/stockpile/bench/internal/benchdb"
	"github.com/stockpile-dev/stockpile/bench/internal/profile"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// Targets.
const (
	targetBatchedSQLite = 30000 // movements/s, batched postings on SQLite
	targetBatchedPG     = 0.25  // batched postings on PostgreSQL, of the CopyFrom ceiling
	targetGrowth        = 0.80  // rate at the end of the run, of the rate over the first lines
	targetVerifySQLite  = 600000
	targetVerifyPG      = 1000000
	targetP99           = 5 * time.Millisecond
)

type config struct {
	engines  []string
	n        int
	batch    int
	single   int
	singlePG int
	queries  int
	pg       string
	seed     uint64
	depots   int
	items    int
	interval time.Duration
	cpuprof  string
	keep     bool
	stream   int // lines of one streamed posting (PostStream); 0: none
	first    int // lines whose rate is compared with the rate at the end
	window   int // lines at the end of the batched run whose rate is measured
}

func main() {
	var c config
	engines := flag.String("engines", "sqlite,postgres", "comma-separated engines to run: sqlite, postgres")
	flag.IntVar(&c.n, "n", 1_000_000, "movements (lines) to post in batches")
	flag.IntVar(&c.batch, "batch", 1000, "lines per batched posting")
	flag.IntVar(&c.single, "single", 1_000_000, "postings of one line each")
	flag.IntVar(&c.singlePG, "single-pg", 200_000, "at most this many of the -single postings on PostgreSQL")
	flag.IntVar(&c.queries, "queries", 2000, "balance queries of each kind")
	flag.StringVar(&c.pg, "pg", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable", "PostgreSQL server URL")
	flag.Uint64Var(&c.seed, "seed", 1, "generator seed")
	flag.IntVar(&c.depots, "depots", 50, "depots")
	flag.IntVar(&c.items, "items", 100, "items (from the default catalogue)")
	flag.DurationVar(&c.interval, "progress", 10*time.Second, "interval between progress lines on stderr")
	flag.StringVar(&c.cpuprof, "cpuprofile", "", "write a CPU profile of the whole run to this file")
	flag.BoolVar(&c.keep, "keep", false, "keep the benchmark databases (SQLite file, PostgreSQL schema) for inspection")
	flag.IntVar(&c.stream, "stream", 0, "lines of one streamed posting (an import), after the other postings")
	flag.IntVar(&c.first, "first", 1_000_000, "batched lines over which the starting rate is measured (at most half of -n)")
	flag.IntVar(&c.window, "window", 100_000, "batched lines at the end over which the final rate is measured (at most a tenth of -n)")
	flag.Parse()
	for _, e := range strings.Split(*engines, ",") {
		if e = strings.TrimSpace(e); e != "" {
			c.engines = append(c.engines, e)
		}
	}
	if err := run(c, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "ledger:", err)
		os.Exit(1)
	}
}

func (c config) validate() error {
	for _, e := range c.engines {
		if e != "sqlite" && e != "postgres" {
			return fmt.Errorf("unknown engine %q: want sqlite or postgres", e)
		}
	}
	switch {
	case len(c.engines) == 0:
		return fmt.Errorf("no engine given")
	case c.n < 0 || c.single < 0 || c.singlePG < 0 || c.queries < 0:
		return fmt.Errorf("counts must not be negative")
	case c.batch < 1 || c.batch > stock.MaxLines:
		return fmt.Errorf("-batch must be 1 to %d", stock.MaxLines)
	case c.depots < 2 || c.items < 1:
		return fmt.Errorf("need at least 2 depots and 1 item")
	}
	return nil
}

func run(c config, out io.Writer) error {
	if err := c.validate(); err != nil {
		return err
	}
	stopProfile, err := profile.StartCPU(c.cpuprof)
	if err != nil {
		return err
	}
	defer stopProfile()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var results []*result
	for _, engine := range c.engines {
		r, err := runEngine(ctx, c, engine)
		if err != nil {
			return fmt.Errorf("%s: %w", engine, err)
		}
		results = append(results, r)
	}
	report(out, c, results)
	return nil
}

// phase is a timed run of postings.
type phase struct {
	postings, lines, entries int64
	elapsed                  time.Duration  // time inside Post only
	marks                    []progressMark // after each posting
}

// progressMark is how far a phase had got, and in how long.
type progressMark struct {
	lines   int64
	elapsed time.Duration
}

// rateBetween is the rate over the lines from about a to b: the postings
// that end after a and up to b.
func (p phase) rateBetween(a, b int64) (float64, int64) {
	var from, to progressMark
	for _, m := range p.marks {
		if m.lines <= a {
			from = m
		}
		if m.lines <= b {
			to = m
		}
	}
	return perSecond(to.lines-from.lines, to.elapsed-from.elapsed), to.lines - from.lines
}

func (p phase) rate() float64 { return perSecond(p.lines, p.elapsed) }

// perSecond is n per second of d, 0 when nothing was timed.
func perSecond(n int64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// latency summarises the timings of one kind of balance query.
type latency struct {
	n             int
	p50, p99, max time.Duration
	rows          float64 // average rows per answer
}

type result struct {
	db              *benchdb.DB
	batched, single phase
	singleRequested int
	byDepot, byItem latency
	verify          store.VerifyReport
	mix             mix // of the batched lines, the same on every engine
	ceiling         ceiling
	stream          streamRun
	lotsHeld        int
	size            string
	note            string // what was done to the database before the queries
}

func runEngine(ctx context.Context, c config, engine string) (_ *result, err error) {
	db, err := benchdb.New(ctx, engine, c.pg, "ledger")
	if db != nil && db.Drop != nil && !c.keep {
		defer func() {
			if derr := db.Drop(); derr != nil {
				benchfmt.Logf("%s: removing the benchmark database: %v", engine, derr)
			}
		}()
	}
	if err != nil {
		return nil, err
	}
	benchfmt.Logf("%s: %s at %s", engine, db.Version, db.Where)
	s, err := store.Open(ctx, db.DSN)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	w, err := buildWorld(ctx, s, c.depots, c.items)
	if err != nil {
		return nil, fmt.Errorf("setting up: %w", err)
	}
	r := &result{db: db, singleRequested: c.single}
	if engine == "postgres" {
		r.singleRequested = min(c.single, c.singlePG)
	}
	g := newGenerator(c.seed, w.depots, w.items)

	if r.batched, err = postPhase(ctx, c, s, g, engine+": batched", c.n, c.batch); err != nil {
		return nil, err
	}
	r.mix = g.mix
	if r.batched.postings > 0 {
		benchfmt.Logf("%s: ceiling: writing the same %s entries bare", engine, benchfmt.Count(r.batched.entries))
		if r.ceiling, err = measureCeiling(ctx, db, r.batched.entries, r.batched.entries/r.batched.postings); err != nil {
			return nil, fmt.Errorf("ceiling: %w", err)
		}
	}
	if r.single, err = postPhase(ctx, c, s, g, engine+": one line per posting", r.singleRequested, 1); err != nil {
		return nil, err
	}
	if r.stream, err = streamPhase(ctx, c, s, g, engine+": stream"); err != nil {
		return nil, err
	}
	r.lotsHeld, _ = g.stockLots()
	if db.Tidy != nil {
		if r.note, err = db.Tidy(ctx); err != nil {
			return nil, err
		}
		if r.note != "" {
			benchfmt.Logf("%s: %s", engine, r.note)
		}
	}

	rng := rand.New(rand.NewPCG(c.seed, 0xba1a))
	benchfmt.Logf("%s: %d balance queries by depot", engine, c.queries)
	if r.byDepot, err = queryPhase(ctx, s, c.queries, func() store.BalanceQuery {
		return store.BalanceQuery{Depot: w.depots[rng.IntN(len(w.depots))], GroupBy: "lot"}
	}); err != nil {
		return nil, err
	}
	benchfmt.Logf("%s: %d balance queries by item", engine, c.queries)
	if r.byItem, err = queryPhase(ctx, s, c.queries, func() store.BalanceQuery {
		return store.BalanceQuery{Item: w.items[rng.IntN(len(w.items))], GroupBy: "item"}
	}); err != nil {
		return nil, err
	}

	pr := newProgress(engine+": verify", "entries", c.interval)
	r.verify, err = s.Verify(ctx, func(done, total int64) { pr.total = total; pr.update(done) })
	if err != nil {
		return nil, err
	}
	pr.finish(r.verify.Entries)
	if !r.verify.OK {
		benchfmt.Logf("%s: VERIFY FAILED: first break %+v, %d balance mismatches", engine, r.verify.FirstBreak,
			len(r.verify.Mismatches))
	}
	r.size = db.Size()
	return r, nil
}

// postPhase posts n lines from g in postings of batch lines.
func postPhase(ctx context.Context, c config, s *store.Store, g *generator, name string, n, batch int) (phase, error) {
	var ph phase
	if n == 0 {
		return ph, nil
	}
	pr := newProgress(name, "movements", c.interval)
	pr.total = int64(n)
	for done := 0; done < n; {
		p := g.posting(min(batch, n-done))
		t0 := time.Now()
		res, err := s.Post(ctx, p)
		ph.elapsed += time.Since(t0)
		if err != nil {
			return ph, fmt.Errorf("posting %d (lines %d–%d): %w", ph.postings+1, done+1, done+len(p.Lines), err)
		}
		if err := g.learn(res); err != nil {
			return ph, err
		}
		done += len(p.Lines)
		ph.postings++
		ph.lines += int64(len(p.Lines))
		ph.entries += int64(len(res.Entries))
		ph.marks = append(ph.marks, progressMark{ph.lines, ph.elapsed})
		pr.update(int64(done))
	}
	pr.finish(ph.lines)
	return ph, nil
}

// queryPhase runs n balance queries and times each.
func queryPhase(ctx context.Context, s *store.Store, n int, next func() store.BalanceQuery) (latency, error) {
	l := latency{n: n}
	if n == 0 {
		return l, nil
	}
	times := make([]time.Duration, n)
	var rows int
	for i := range times {
		q := next()
		t0 := time.Now()
		rep, err := s.Balances(ctx, q)
		times[i] = time.Since(t0)
		if err != nil {
			return l, err
		}
		rows += len(rep.Rows)
	}
	slices.Sort(times)
	l.p50 = times[n/2]
	l.p99 = times[min(n-1, n*99/100)]
	l.max = times[n-1]
	l.rows = float64(rows) / float64(n)
	return l, nil
}

// progress prints a line to stderr at most once per interval.
type progress struct {
	name, unit  string
	total       int64
	interval    time.Duration
	start, last time.Time
}

func newProgress(name, unit string, interval time.Duration) *progress {
	now := time.Now()
	benchfmt.Logf("%s: started", name)
	return &progress{name: name, unit: unit, interval: interval, start: now, last: now}
}

func (p *progress) update(done int64) {
	now := time.Now()
	if now.Sub(p.last) < p.interval {
		return
	}
	p.last = now
	el := now.Sub(p.start)
	rate := perSecond(done, el)
	line := fmt.Sprintf("%s: %s/%s %s (%.1f%%), %s/s", p.name, benchfmt.Count(done), benchfmt.Count(p.total), p.unit,
		100*float64(done)/float64(max(p.total, 1)), benchfmt.Count(int64(rate)))
	if rate > 0 && p.total > done {
		line += ", about " + time.Duration(float64(p.total-done)/rate*float64(time.Second)).Round(time.Second).String() + " left"
	}
	benchfmt.Logf("%s", line)
}

func (p *progress) finish(done int64) {
	el := time.Since(p.start)
	benchfmt.Logf("%s: done, %s %s in %s (%s/s)", p.name, benchfmt.Count(done), p.unit, el.Round(time.Millisecond),
		benchfmt.Count(int64(perSecond(done, el))))
}

// report prints the results table.
func report(out io.Writer, c config, rs []*result) {
	fmt.Fprintf(out, "Stockpile ledger benchmark, %s\n", time.Now().Format("2006-01-02 15:04"))
	fmt.Fprintf(out, "machine: %s\n", benchdb.Machine())
	for _, r := range rs {
		fmt.Fprintf(out, "%s: %s\n", r.db.Engine, r.db.Version)
	}
	fmt.Fprintf(out, "workload: seed %d, %d depots × %d items; batched lines: %s\n", c.seed, c.depots, c.items,
		rs[0].mix)
	fmt.Fprintln(out)

	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	row := func(label string, cell func(r *result) string, target string) {
		cells := []string{label}
		for _, r := range rs {
			cells = append(cells, cell(r))
		}
		fmt.Fprintln(tw, strings.Join(append(cells, target), "\t")+"\t")
	}
	head := []string{""}
	for _, r := range rs {
		head = append(head, r.db.Engine)
	}
	fmt.Fprintln(tw, strings.Join(append(head, "target"), "\t")+"\t")

	row(fmt.Sprintf("1. batched postings (%d lines), movements/s", c.batch), func(r *result) string {
		if r.batched.postings == 0 {
			return "not run"
		}
		s := benchfmt.Count(int64(r.batched.rate()))
		if r.db.Engine == "sqlite" {
			s += benchfmt.Mark(r.batched.rate() >= targetBatchedSQLite)
		}
		return s
	}, "≥ "+benchfmt.Count(targetBatchedSQLite)+" (SQLite)")
	row("   ceiling: the same entries written bare, movements/s", func(r *result) string {
		if r.ceiling.elapsed == 0 {
			return "not run"
		}
		rate := perSecond(r.batched.lines, r.ceiling.elapsed)
		share := r.batched.rate() / rate
		s := fmt.Sprintf("%s (%s); batched = %.0f %%", benchfmt.Count(int64(rate)), r.ceiling.how, 100*share)
		if r.db.Engine == "postgres" {
			s += benchfmt.Mark(share >= targetBatchedPG)
		}
		return s
	}, fmt.Sprintf("≥ %.0f %% (PostgreSQL)", 100*targetBatchedPG))
	row("   rate over the first lines / at the end", func(r *result) string {
		n := r.batched.lines
		if n == 0 {
			return "not run"
		}
		first, fn := r.batched.rateBetween(0, min(int64(c.first), n/2))
		last, ln := r.batched.rateBetween(n-min(int64(c.window), n/10), n)
		return fmt.Sprintf("%s/s (first %s) / %s/s (last %s) = %.0f %%%s", benchfmt.Count(int64(first)), benchfmt.Count(fn),
			benchfmt.Count(int64(last)), benchfmt.Count(ln), 100*last/first, benchfmt.Mark(last >= targetGrowth*first))
	}, fmt.Sprintf("end ≥ %.0f %% of first", 100*targetGrowth))
	row("   ledger entries/s", func(r *result) string {
		return benchfmt.Count(int64(perSecond(r.batched.entries, r.batched.elapsed)))
	}, "")
	row("   run", func(r *result) string {
		return fmt.Sprintf("%s lines, %s postings, %s", benchfmt.Count(r.batched.lines), benchfmt.Count(r.batched.postings),
			benchfmt.Dur(r.batched.elapsed))
	}, "")
	row("2. one line per posting, movements/s", func(r *result) string {
		if r.single.postings == 0 {
			return "not run"
		}
		return benchfmt.Count(int64(r.single.rate()))
	}, "")
	row("   run", func(r *result) string {
		return fmt.Sprintf("%s postings, %s", benchfmt.Count(r.single.postings), benchfmt.Dur(r.single.elapsed))
	}, "")
	if c.stream > 0 {
		row("   one streamed posting (import), movements/s", func(r *result) string {
			return fmt.Sprintf("%s: %s lines, %s entries in %s; heap at most %s, process peak %s",
				benchfmt.Count(int64(perSecond(r.stream.lines, r.stream.elapsed))), benchfmt.Count(r.stream.lines),
				benchfmt.Count(r.stream.entries), benchfmt.Dur(r.stream.elapsed), benchdb.MiB(int64(r.stream.maxHeap)), benchdb.MiB(r.stream.maxRSS))
		}, "< 300 MiB for 1,000,000 lines")
	}
	lat := func(l latency) string {
		if l.n == 0 {
			return "not run"
		}
		return fmt.Sprintf("%s / %s / %s ms%s", ms(l.p50), ms(l.p99), ms(l.max), benchfmt.Mark(l.p99 <= targetP99))
	}
	row("3. balances by depot (per lot), p50/p99/max", func(r *result) string { return lat(r.byDepot) },
		"p99 ≤ 5 ms")
	row("   queries, rows per answer", func(r *result) string {
		return fmt.Sprintf("%s, %.0f", benchfmt.Count(int64(r.byDepot.n)), r.byDepot.rows)
	}, "")
	row("   balances by item (one item), p50/p99/max", func(r *result) string { return lat(r.byItem) },
		"p99 ≤ 5 ms")
	row("4. verify, entries/s", func(r *result) string {
		rate := perSecond(r.verify.Entries, r.verify.Elapsed)
		target := float64(targetVerifySQLite)
		if r.db.Engine == "postgres" {
			target = targetVerifyPG
		}
		return benchfmt.Count(int64(rate)) + benchfmt.Mark(rate >= target)
	}, "≥ "+benchfmt.Count(targetVerifySQLite)+" (SQLite), "+benchfmt.Count(targetVerifyPG)+" (PostgreSQL)")
	row("   result", func(r *result) string {
		ok := "OK"
		if !r.verify.OK {
			ok = "FAILED"
		}
		return fmt.Sprintf("%s: %s entries, %s balances, %s totals, %s", ok, benchfmt.Count(r.verify.Entries),
			benchfmt.Count(r.verify.Balances), benchfmt.Count(r.verify.Totals), benchfmt.Dur(r.verify.Elapsed))
	}, "OK")
	row("ledger: lots with stock, size on disk", func(r *result) string {
		return fmt.Sprintf("%s, %s", benchfmt.Count(int64(r.lotsHeld)), r.size)
	}, "")
	tw.Flush()
	for _, r := range rs {
		if r.note != "" {
			fmt.Fprintf(out, "\nnote, %s: %s\n", r.db.Engine, r.note)
		}
	}
}

func ms(d time.Duration) string {
	v := float64(d) / float64(time.Millisecond)
	if v >= 10 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.2f", v)
}
