package importer

import (
	"context"
	"errors"
	"io"
	"math"
	"strconv"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/tabular"
)

// Status is what importing a row does to what is stored.
type Status string

const (
	New       Status = "new"       // nothing is stored under its key: it is created
	Changed   Status = "changed"   // stored, and the row differs: it is updated
	Unchanged Status = "unchanged" // stored as the row says: nothing happens
)

// Record is one good row of a file, classified against what is stored.
type Record struct {
	Line   int
	Key    string // the natural key, its parts joined by " / "
	Status Status
	Value  any // what is to be stored: catalog.Item, area.Area, Opening, …
	Before any // what is stored, nil when New
}

// Env is what a check reads of the stored state and who imports. Each
// function is called with the context of Check.
type Env struct {
	// Current returns the stored thing of kind with natural key (the
	// value type the kind imports: catalog.Category, catalog.Item,
	// area.Area with its outline, org.Org, store.DepotView's depot.Depot,
	// reserve.Agreement, reserve.Capacity, readiness.Price,
	// readiness.Norm, account.User), and false when there is none.
	Current func(ctx context.Context, kind Kind, key string) (any, bool, error)
	// Lots finds the stored lots of opening-stock rows by their natural
	// keys, a batch at a time; a key with no lot is absent from the map.
	Lots func(ctx context.Context, keys []LotKey) (map[LotKey]LotState, error)
	// Allow checks that the importer may write v (before: the stored
	// thing, nil when new) where it lies; an apperr refusal becomes the
	// row's problem, any other error ends the check.
	Allow func(ctx context.Context, kind Kind, v, before any) error
}

// CellRefusal is an Env.Allow refusal caused by one cell of the row (the
// area a row puts a thing in, say): the row's problem names its column
// and value rather than the row as a whole.
type CellRefusal struct {
	Column string // the column key
	Value  string // what the cell holds
	Err    *apperr.Error
}

func (e *CellRefusal) Error() string { return e.Err.Error() }
func (e *CellRefusal) Unwrap() error { return e.Err }

// Summary counts what a check found.
type Summary struct {
	Rows      int64 `json:"rows"`
	New       int64 `json:"new"`
	Changed   int64 `json:"changed"`
	Unchanged int64 `json:"unchanged"`
	// Problems are the first MaxProblems problems, in file order;
	// ProblemCount counts all of them.
	Problems     []tabular.Problem `json:"problems"`
	ProblemCount int64             `json:"problem_count"`
}

// MaxProblems bounds the problems a summary lists; ProblemCount counts
// every one.
const MaxProblems = 1000

// chunkRows is how many opening-stock rows are looked up together: the
// rows of a file usually run depot by depot or item by item, so that a
// big chunk shares its lot keys' queries among many rows.
const chunkRows = 4096

// refCacheSize bounds the references (depots, items, organisations) a
// check remembers; past it the cache starts afresh.
const refCacheSize = 100_000

// Check reads every data row of r (whose header h was read for spec's
// columns), parses it, checks its references and the importer's scope,
// and classifies it against the stored state. Every problem of every row
// is collected; emit, when not nil, gets each good row in file order (the
// apply pass). Memory stays bounded whatever the file's length: rows are
// handled as they are read, and duplicates are found by a hash of each
// key.
func Check(ctx context.Context, spec Spec, r tabular.Reader, h tabular.Header, env Env, emit func(Record) error) (Summary, error) {
	c := NewChecker(spec, r, h, env, emit != nil)
	for {
		rec, ok, err := c.Next(ctx)
		if err != nil || !ok {
			return c.Summary(), err
		}
		if err := emit(rec); err != nil {
			return c.Summary(), err
		}
	}
}

// Checker is Check one good row at a time, for a caller that pulls rows
// (such as a streamed ledger posting).
type Checker struct {
	ch   *checker
	r    tabular.Reader
	done bool
}

// NewChecker returns a check of the rows of r, as Check. With keep, Next
// hands out each good row while the file has shown no problem; without,
// it only counts them (a preview), and Next returns ok false at the end.
func NewChecker(spec Spec, r tabular.Reader, h tabular.Header, env Env, keep bool) *Checker {
	return &Checker{r: r, ch: &checker{spec: spec, h: h, env: env, keep: keep, seen: map[uint64]int32{},
		refs: map[refKey]ref{}, inFile: map[string]any{}}}
}

// Next returns the next good row, classified, and ok true; ok false after
// the last row or once a row had a problem (Summary then counts them all,
// the rest of the file read). A file without data rows is import.empty.
func (c *Checker) Next(ctx context.Context) (Record, bool, error) {
	ch := c.ch
	for len(ch.queue) == 0 || ch.sum.ProblemCount > 0 {
		if c.done {
			return Record{}, false, c.end()
		}
		if err := ctx.Err(); err != nil {
			return Record{}, false, err
		}
		row, err := c.r.Next()
		switch {
		case errors.Is(err, io.EOF):
			c.done = true
			err = ch.flush(ctx)
		case err == nil:
			err = ch.row(ctx, row)
		}
		if err != nil {
			return Record{}, false, err
		}
	}
	rec := ch.queue[0]
	ch.queue = ch.queue[1:]
	return rec, true, nil
}

// end is the error of a check that has read the whole file.
func (c *Checker) end() error {
	if c.ch.sum.Rows == 0 {
		return apperr.New(apperr.Invalid, "import.empty", "文件在表头之后没有数据行", "the file has no rows below its header")
	}
	return nil
}

// Summary counts what the check found so far: all of the file once Next
// has returned ok false.
func (c *Checker) Summary() Summary { return c.ch.sum }

type ref struct {
	v     any
	found bool
}

// refKey names a stored thing a check looks up: its kind and code.
type refKey struct {
	kind Kind
	code string
}

// checker is the state of one check.
type checker struct {
	spec   Spec
	h      tabular.Header
	env    Env
	keep   bool // queue good rows for Next
	queue  []Record
	sum    Summary
	seen   map[uint64]int32 // hash of a key → the row it was first on (int32: a million keys take a quarter less)
	refs   map[refKey]ref   // kind and code → the stored thing
	inFile map[string]any   // areas and categories of earlier rows, by code
	batch  []Record         // opening stock waiting for its lots
}

// row parses and checks one row.
func (ch *checker) row(ctx context.Context, row tabular.Row) error {
	ch.sum.Rows++
	c := &cells{spec: ch.spec, h: ch.h, row: row}
	rec, err := parserOf(ch.spec.Kind)(ctx, ch, c)
	if err != nil {
		return err
	}
	if len(c.problems) > 0 {
		ch.problems(c.problems...)
		return nil
	}
	rec.Line = row.Line
	if first, dup := ch.duplicate(rec.Key, row.Line); dup {
		ch.problems(tabular.Problem{Line: row.Line, Column: ch.spec.Key[0], Value: rec.Key, Code: "import.duplicate",
			ZH: "与第 " + strconv.Itoa(first) + " 行重复（" + rec.Key + "）",
			EN: "repeats row " + strconv.Itoa(first) + " (" + rec.Key + ")"})
		return nil
	}
	if ch.spec.Kind == Stock {
		ch.batch = append(ch.batch, rec)
		if len(ch.batch) >= chunkRows {
			return ch.flush(ctx)
		}
		return nil
	}
	return ch.finish(ctx, rec)
}

// duplicate reports whether key was on an earlier row, and which.
func (ch *checker) duplicate(key string, line int) (int, bool) {
	sum := fnv64a(key)
	if first, ok := ch.seen[sum]; ok {
		return int(first), true
	}
	ch.seen[sum] = int32(min(line, math.MaxInt32))
	return 0, false
}

// fnv64a is the 64-bit FNV-1a hash of s (hash/fnv's, without copying s).
func fnv64a(s string) uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= prime
	}
	return h
}

// finish checks the importer's scope for a classified row, counts it and
// hands it on.
func (ch *checker) finish(ctx context.Context, rec Record) error {
	if ch.env.Allow != nil {
		if err := ch.env.Allow(ctx, ch.spec.Kind, rec.Value, rec.Before); err != nil {
			e, ok := apperr.As(err)
			if !ok {
				return err
			}
			p := tabular.Problem{Line: rec.Line, Value: rec.Key, Code: e.Code, ZH: e.ZH, EN: e.EN}
			var cell *CellRefusal
			if errors.As(err, &cell) {
				if _, ok := ch.spec.Column(cell.Column); ok {
					p.Column, p.Value = cell.Column, cell.Value
				}
			}
			ch.problems(p)
			return nil
		}
	}
	switch rec.Status {
	case New:
		ch.sum.New++
	case Changed:
		ch.sum.Changed++
	default:
		ch.sum.Unchanged++
	}
	if ch.keep && ch.sum.ProblemCount == 0 {
		ch.queue = append(ch.queue, rec)
	}
	return nil
}

// problems records problems, listing the first MaxProblems.
func (ch *checker) problems(ps ...tabular.Problem) {
	for _, p := range ps {
		ch.sum.ProblemCount++
		if len(ch.sum.Problems) < MaxProblems {
			ch.sum.Problems = append(ch.sum.Problems, p)
		}
	}
}

// lookup returns the stored thing of kind with code, remembered for the
// rest of the check: references repeat (a depot on every stock row).
func (ch *checker) lookup(ctx context.Context, kind Kind, code string) (any, bool, error) {
	k := refKey{kind, code}
	if r, ok := ch.refs[k]; ok {
		return r.v, r.found, nil
	}
	v, found, err := ch.env.Current(ctx, kind, code)
	if err != nil {
		return nil, false, err
	}
	if len(ch.refs) >= refCacheSize {
		clear(ch.refs)
	}
	ch.refs[k] = ref{v, found}
	return v, found, nil
}

// classify sets a record's status from what is stored under its key.
func classify(rec Record, same bool) Record {
	switch {
	case rec.Before == nil:
		rec.Status = New
	case same:
		rec.Status = Unchanged
	default:
		rec.Status = Changed
	}
	return rec
}

// missing is the problem of a reference to nothing stored (nor on an
// earlier row).
func missing(c *cells, key, whatZH, whatEN, code string) {
	c.add(key, code, apperr.New(apperr.NotFound, "import.reference_unknown",
		"%[1]s「%[2]s」不存在（数据库和文件前面的行中都没有）", "%[3]s %[2]q does not exist (neither stored nor on an earlier row)",
		whatZH, code, whatEN, code).WithField(key))
}
