package main

import (
	"context"
	"runtime"
	"syscall"
	"time"

	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// streamRun is a timed PostStream and the memory it took.
type streamRun struct {
	lines, entries int64
	elapsed        time.Duration
	maxHeap        uint64 // the most heap in use seen during the stream
	maxRSS         int64  // the process's peak resident size, after it
}

// streamPhase posts c.stream lines from g as one streamed posting, as an
// import does, sampling the heap after every chunk.
func streamPhase(ctx context.Context, c config, s *store.Store, g *generator, name string) (streamRun, error) {
	var sr streamRun
	if c.stream == 0 {
		return sr, nil
	}
	pr := newProgress(name, "movements", c.interval)
	pr.total = int64(c.stream)
	runtime.GC()
	n := 0
	next := func() (stock.Line, bool, error) {
		if n == c.stream {
			return stock.Line{}, false, nil
		}
		n++
		return g.line(), true, nil
	}
	var ms runtime.MemStats
	t0 := time.Now()
	res, err := s.PostStream(ctx, stock.Posting{Actor: "bench", Reason: "ledger benchmark: import"}, next,
		func(done int64) {
			runtime.ReadMemStats(&ms)
			sr.maxHeap = max(sr.maxHeap, ms.HeapInuse)
			pr.update(done)
		})
	sr.elapsed = time.Since(t0)
	if err != nil {
		return sr, err
	}
	// The stream's lots are not named by later lines: the generator never
	// learns their codes.
	g.pending = g.pending[:0]
	sr.lines, sr.entries = res.Lines, res.Entries
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		sr.maxRSS = ru.Maxrss * 1024
	}
	pr.finish(sr.lines)
	return sr, nil
}
