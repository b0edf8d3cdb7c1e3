// Command import measures an opening-stock import (期初库存导入) of a
// province-size CSV file on each engine: the file is checked and
// previewed, committed (every row posted to the ledger in one
// transaction), then imported a second time, which must change nothing.
//
//	go run ./bench/import                          # 1,000,000 rows, 3,000 depots, SQLite and PostgreSQL
//	go run ./bench/import -engines sqlite -rows 100000
//
// Each engine gets a fresh database (benchdb). The file is written as
// Chinese Excel saves a CSV — GB18030, Chinese headers — so that the
// measurement includes decoding. Beside the import it measures, in the
// same run, reading and parsing the file alone: the floor under any
// import of it. Progress goes to stderr, the results to stdout.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/metrics"
	"runtime/pprof"
	"runtime/trace"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/stockpile-dev/stockpile/bench/internal/benchdb"
	"github.com/stockpile-dev/stockpile/bench/internal/profile"
	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/depot"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/importer"
	"github.com/stockpile-dev/stockpile/internal/ops"
	"github.com/stockpile-dev/stockpile/internal/org"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/tabular"
)

// Targets of the whole import (preview and commit), in seconds.
var targets = map[string]float64{"sqlite": 45, "postgres": 60}

type config struct {
	engines  []string
	rows     int
	depots   int
	items    int
	pg       string
	cpuprof  string
	trace    string
	memprof  string
	keep     bool
	interval time.Duration
}

func main() {
	var c config
	engines := flag.String("engines", "sqlite,postgres", "comma-separated engines to run: sqlite, postgres")
	flag.IntVar(&c.rows, "rows", 1_000_000, "rows of the opening-stock file (lots)")
	flag.IntVar(&c.depots, "depots", 3000, "depots the lots are spread over")
	flag.IntVar(&c.items, "items", 100, "items (from the default catalogue)")
	flag.StringVar(&c.pg, "pg", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable", "PostgreSQL server URL")
	flag.StringVar(&c.cpuprof, "cpuprofile", "", "write a CPU profile of the whole run to this file")
	flag.StringVar(&c.trace, "trace", "", "write an execution trace of the whole run to this file (go tool trace -pprof=net shows the waits on the database)")
	flag.StringVar(&c.memprof, "memprofile", "", "write a heap profile to this file at the largest live heap of each engine's first import (the last engine's is kept)")
	flag.BoolVar(&c.keep, "keep", false, "keep the benchmark databases")
	flag.DurationVar(&c.interval, "progress", 5*time.Second, "interval between progress lines on stderr")
	flag.Parse()
	for _, e := range strings.Split(*engines, ",") {
		if e = strings.TrimSpace(e); e != "" {
			c.engines = append(c.engines, e)
		}
	}
	if err := run(c, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "import:", err)
		os.Exit(1)
	}
}

// result is one engine's run.
type result struct {
	db                 *benchdb.DB
	preview, commit    time.Duration
	again, againCommit time.Duration
	summary, second    ops.Import
	verify             store.VerifyReport
	peakRSS            int64 // bytes, the process's high-water mark after the commit
	peakAnon           int64 // bytes, the largest anonymous resident set sampled during the first pass
	peakLive           int64 // bytes, the largest live Go heap sampled then
	size               string
}

func run(c config, out io.Writer) error {
	if c.rows < 1 || c.depots < 1 || c.items < 1 {
		return fmt.Errorf("-rows, -depots and -items must be positive")
	}
	stop, err := profile.StartCPU(c.cpuprof)
	if err != nil {
		return err
	}
	defer stop()
	if c.trace != "" {
		f, err := os.Create(c.trace)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := trace.Start(f); err != nil {
			return err
		}
		defer trace.Stop()
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	defer cancel()
	logf("writing the file: %s rows over %d depots × %d items", count(int64(c.rows)), c.depots, c.items)
	data, err := openingStock(c)
	if err != nil {
		return err
	}
	t0 := time.Now()
	parsed, err := parseOnly(data)
	if err != nil {
		return err
	}
	parse := time.Since(t0)
	logf("file: %s, read and parsed alone in %s (%s rows)", benchdb.MiB(int64(len(data))), parse, count(parsed))
	var rs []*result
	for _, e := range c.engines {
		r, err := runEngine(ctx, c, e, data)
		if err != nil {
			return fmt.Errorf("%s: %w", e, err)
		}
		rs = append(rs, r)
	}
	report(out, c, len(data), parse, rs)
	return nil
}

// openingStock writes the file: one lot per row, a depot's lots in
// batches of its items, in GB18030 with the template's Chinese headers.
func openingStock(c config) ([]byte, error) {
	spec, err := importer.SpecOf(string(importer.Stock))
	if err != nil {
		return nil, err
	}
	cols := map[string]tabular.Column{}
	for _, col := range spec.Columns {
		cols[col.Key] = col
	}
	items, err := itemCodes(c.items)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := simplifiedchinese.GB18030.NewEncoder().Writer(&buf)
	w := csv.NewWriter(bufio.NewWriterSize(enc, 1<<16))
	keys := []string{"depot", "item", "batch", "produced_on", "quality", "quantity"}
	head := make([]string, len(keys))
	for i, k := range keys {
		head[i] = cols[k].ZH
	}
	if err := w.Write(head); err != nil {
		return nil, err
	}
	d0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	rec := make([]string, len(keys))
	for i := range c.rows {
		rec[0] = depotCode(i % c.depots)
		rec[1] = items[(i/c.depots)%len(items)]
		rec[2] = "B" + strconv.Itoa(i/(c.depots*len(items)))
		rec[3] = d0.AddDate(0, 0, i%365).Format("2006/1/2")
		rec[4] = "合格"
		rec[5] = strconv.Itoa(10 + i%990)
		if err := w.Write(rec); err != nil {
			return nil, err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, err
	}
	// The file as an upload holds it: its own size, not the buffer's
	// doubled capacity, counts in the memory measured.
	return bytes.Clone(buf.Bytes()), nil
}

// parseOnly reads every row of the file as the importer does, with
// nothing checked or stored, and returns the data rows (the header
// excluded).
func parseOnly(data []byte) (int64, error) {
	r, err := tabular.Open("opening.csv", bytes.NewReader(data), int64(len(data)), tabular.Limits{})
	if err != nil {
		return 0, err
	}
	defer r.Close()
	var n int64
	for {
		_, err := r.Next()
		if err == io.EOF {
			return max(n-1, 0), nil
		}
		if err != nil {
			return n, err
		}
		n++
	}
}

func itemCodes(n int) ([]string, error) {
	_, items, err := catalog.Defaults()
	if err != nil {
		return nil, err
	}
	if len(items) < n {
		return nil, fmt.Errorf("the catalogue has %d items, want %d", len(items), n)
	}
	codes := make([]string, n)
	for i := range codes {
		codes[i] = items[i].Code
	}
	return codes, nil
}

func depotCode(i int) string { return fmt.Sprintf("D%05d", i+1) }

func runEngine(ctx context.Context, c config, engine string, data []byte) (_ *result, err error) {
	db, err := benchdb.New(ctx, engine, c.pg, "import")
	if db != nil && db.Drop != nil && !c.keep {
		defer func() {
			if derr := db.Drop(); derr != nil {
				logf("%s: removing the benchmark database: %v", engine, derr)
			}
		}()
	}
	if err != nil {
		return nil, err
	}
	logf("%s: %s at %s", engine, db.Version, db.Where)
	s, err := store.Open(ctx, db.DSN)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	if err := buildWorld(ctx, s, c.depots); err != nil {
		return nil, fmt.Errorf("setting up: %w", err)
	}
	svc := ops.New(s, ops.Options{})
	who := access.SystemActor("bench")
	resetPeakRSS() // each engine's peak, not the run's so far
	r := &result{db: db}

	pass := func(name string) (ops.Import, time.Duration, time.Duration, error) {
		t0 := time.Now()
		im, err := svc.PreviewImport(ctx, who, string(importer.Stock), "opening.csv", data)
		if err != nil {
			return im, 0, 0, fmt.Errorf("%s preview: %w", name, err)
		}
		preview := time.Since(t0)
		logf("%s: %s preview in %s: %d new, %d changed, %d unchanged, %d problems", engine, name, preview,
			im.New, im.Changed, im.Unchanged, im.ProblemCount)
		if im.ProblemCount > 0 {
			return im, preview, 0, fmt.Errorf("%s: the file has problems: %+v", name, im.Problems[0])
		}
		pr := newProgress(engine+": "+name+" commit", c.interval)
		t1 := time.Now()
		done, err := svc.CommitImport(ctx, who, im.ID, pr.update)
		if err != nil {
			return done, preview, 0, fmt.Errorf("%s commit: %w", name, err)
		}
		commit := time.Since(t1)
		logf("%s: %s commit in %s: %d ledger lines", engine, name, commit, done.LedgerLines)
		return done, preview, commit, nil
	}
	stopSampling := sampleAnon(c.memprof)
	r.summary, r.preview, r.commit, err = pass("first")
	r.peakAnon, r.peakLive = stopSampling()
	if err != nil {
		return nil, err
	}
	r.peakRSS = peakRSS()
	if r.second, r.again, r.againCommit, err = pass("second"); err != nil {
		return nil, err
	}
	if r.verify, err = s.Verify(ctx, nil); err != nil {
		return nil, err
	}
	r.size = db.Size()
	return r, nil
}

// buildWorld migrates s, installs the default catalogue and creates a
// city of 16 districts, a bureau in each and the depots, spread over
// them.
func buildWorld(ctx context.Context, s *store.Store, depots int) error {
	if err := s.Migrate(ctx, nil); err != nil {
		return err
	}
	cats, items, err := catalog.Defaults()
	if err != nil {
		return err
	}
	if _, err := s.InstallCatalogue(ctx, cats, items); err != nil {
		return err
	}
	city := area.Area{Code: "110000", Level: area.LevelCity, NameZH: "测试市", Point: geo.Point{Lon: 116.39, Lat: 39.9}}
	if _, err := s.CreateArea(ctx, city); err != nil {
		return err
	}
	const districts = 16
	return s.InTx(ctx, func(tx *store.Store) error {
		for k := range districts {
			a := area.Area{Code: fmt.Sprintf("1101%02d", k+1), ParentCode: city.Code, Level: area.LevelDistrict,
				NameZH: fmt.Sprintf("测试区%d", k+1), Point: geo.Point{Lon: 116 + 0.05*float64(k), Lat: 39.8}}
			if _, err := tx.CreateArea(ctx, a); err != nil {
				return err
			}
			o := org.Org{Code: fmt.Sprintf("EMB-%02d", k+1), NameZH: fmt.Sprintf("测试区%d应急管理局", k+1),
				Kind: org.KindBureau, AreaCode: a.Code}
			if _, err := tx.CreateOrg(ctx, o); err != nil {
				return err
			}
		}
		for i := range depots {
			k := i%districts + 1
			d := depot.Depot{Code: depotCode(i), NameZH: fmt.Sprintf("测试储备库%d", i+1), Tier: area.LevelDistrict,
				Kind: depot.KindComprehensive, OrgCode: fmt.Sprintf("EMB-%02d", k), AreaCode: fmt.Sprintf("1101%02d", k),
				Point: geo.Point{Lon: 116 + 0.0003*float64(i), Lat: 39.7}, CapacityM3: 100000}
			if _, err := tx.CreateDepot(ctx, d); err != nil {
				return err
			}
		}
		return nil
	})
}

// resetPeakRSS returns the memory an earlier engine's run left to the
// system and restarts the resident-set high-water mark at the current
// resident set (Linux: clear_refs 5), so that peakRSS measures from here.
func resetPeakRSS() {
	debug.FreeOSMemory()
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		logf("cannot reset the peak resident memory (%v): it counts the run so far", err)
	}
}

// writeHeap writes a heap profile (what the last garbage collection found
// live, and what was allocated where) to path.
func writeHeap(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return pprof.Lookup("heap").WriteTo(f, 0)
}

// peakRSS is the process's resident-set high-water mark (VmHWM). It
// counts the pages of the database file that SQLite's memory map has
// touched, which are the kernel's page cache, shared with the file and
// dropped under memory pressure; sampleAnon measures without them.
func peakRSS() int64 { return statusKB("VmHWM:") }

// statusKB reads one figure of /proc/self/status, in bytes.
func statusKB(field string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// sampleAnon samples the process's anonymous resident memory (RssAnon:
// the Go heap, SQLite's page cache, the drivers' buffers; not the mapped
// database file) and the Go heap left live by the last collection, every
// 20 ms until the returned function is called, which returns the largest
// of each. With memprof set it writes a heap profile there each time the
// live heap grows by a tenth, so that the file shows the peak.
func sampleAnon(memprof string) func() (anon, live int64) {
	done := make(chan struct{})
	peaks := make(chan [2]int64)
	go func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		var top [2]int64
		profiled := int64(0)
		sample := func() {
			top[0] = max(top[0], statusKB("RssAnon:"))
			live := liveHeap()
			top[1] = max(top[1], live)
			if memprof != "" && live > profiled+profiled/10 {
				profiled = live
				if err := writeHeap(memprof); err != nil {
					logf("heap profile: %v", err)
				}
			}
		}
		for {
			sample()
			select {
			case <-tick.C:
			case <-done:
				sample()
				peaks <- top
				return
			}
		}
	}()
	return func() (int64, int64) {
		close(done)
		p := <-peaks
		return p[0], p[1]
	}
}

// liveHeap is the Go heap the last garbage collection left live.
func liveHeap() int64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64())
}

func report(out io.Writer, c config, size int, parse time.Duration, rs []*result) {
	fmt.Fprintf(out, "Stockpile opening-stock import benchmark, %s\n", time.Now().Format("2006-01-02 15:04"))
	fmt.Fprintf(out, "machine: %s\n", benchdb.Machine())
	for _, r := range rs {
		fmt.Fprintf(out, "%s: %s\n", r.db.Engine, r.db.Version)
	}
	fmt.Fprintf(out, "file: %s rows (lots) over %d depots × %d items, CSV in GB18030, %s; read and parsed alone: %s\n\n",
		count(int64(c.rows)), c.depots, c.items, benchdb.MiB(int64(size)), dur(parse))
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	head := []string{""}
	for _, r := range rs {
		head = append(head, r.db.Engine)
	}
	fmt.Fprintln(tw, strings.Join(append(head, "target"), "\t")+"\t")
	row := func(label string, cell func(r *result) string, target string) {
		cells := []string{label}
		for _, r := range rs {
			cells = append(cells, cell(r))
		}
		fmt.Fprintln(tw, strings.Join(append(cells, target), "\t")+"\t")
	}
	row("1. import (preview + commit)", func(r *result) string {
		total := r.preview + r.commit
		return dur(total) + mark(total.Seconds() <= targets[r.db.Engine])
	}, "≤ 45 s SQLite, ≤ 60 s PostgreSQL")
	row("   preview (read, check, classify)", func(r *result) string { return dur(r.preview) }, "")
	row("   commit (check, post)", func(r *result) string { return dur(r.commit) }, "")
	row("   rows/s", func(r *result) string {
		return count(int64(float64(c.rows) / (r.preview + r.commit).Seconds()))
	}, "")
	row("   ledger lines posted", func(r *result) string { return count(r.summary.LedgerLines) }, "")
	row("   peak resident memory, anonymous", func(r *result) string { return benchdb.MiB(r.peakAnon) }, "< 300 MiB + the file")
	row("   of it the live Go heap at most", func(r *result) string { return benchdb.MiB(r.peakLive) }, "")
	row("   peak resident memory, with the mapped database", func(r *result) string { return benchdb.MiB(r.peakRSS) }, "")
	row("2. the same file again", func(r *result) string {
		return fmt.Sprintf("%s; %d unchanged, %d lines posted%s", dur(r.again+r.againCommit), r.second.Unchanged,
			r.second.LedgerLines, mark(r.second.LedgerLines == 0 && r.second.Unchanged == int64(c.rows)))
	}, "nothing changes")
	row("3. verify afterwards", func(r *result) string {
		return fmt.Sprintf("%s entries in %s%s", count(r.verify.Entries), dur(r.verify.Elapsed), mark(r.verify.OK))
	}, "ok")
	row("   database size", func(r *result) string { return r.size }, "")
	tw.Flush()
	fmt.Fprintln(out, "\n✓ meets the target, ✗ misses it")
}

// progress prints a line to stderr at most once per interval.
type progress struct {
	name        string
	interval    time.Duration
	start, last time.Time
}

func newProgress(name string, interval time.Duration) *progress {
	now := time.Now()
	return &progress{name: name, interval: interval, start: now, last: now}
}

func (p *progress) update(done, total int64) {
	now := time.Now()
	if now.Sub(p.last) < p.interval {
		return
	}
	p.last = now
	logf("%s: %s/%s rows (%.1f%%), %s/s", p.name, count(done), count(total), 100*float64(done)/float64(max(total, 1)),
		count(int64(float64(done)/now.Sub(p.start).Seconds())))
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, time.Now().Format("15:04:05 ")+format+"\n", args...)
}

func mark(ok bool) string {
	if ok {
		return " ✓"
	}
	return " ✗"
}

func dur(d time.Duration) string {
	if d >= 10*time.Second {
		return d.Round(100 * time.Millisecond).String()
	}
	return d.Round(time.Millisecond).String()
}

// count formats n with thousands separators.
func count(n int64) string {
	s := strconv.FormatInt(n, 10)
	if n < 0 {
		return "-" + count(-n)
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
