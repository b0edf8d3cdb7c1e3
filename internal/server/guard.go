package server

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/stockpile-dev/stockpile/internal/httpx"
)

// dbGuard watches the database so that requests fail fast while it does
// not answer. A database whose server processes are stopped (not gone)
// accepts connections and then never replies: without the guard every
// request would wait for its deadline. The guard pings the database every
// interval, giving each ping timeout to answer; from the first failed
// ping until the first good one, every request's context is cancelled
// with httpx.ErrDatabaseDown — requests in flight at once, new ones before
// they start — so whatever touches the database fails at once with 503
// db.unavailable, and pages and files that do not need it still work.
type dbGuard struct {
	ping     func(context.Context) error
	interval time.Duration
	timeout  time.Duration
	logger   *slog.Logger

	mu   sync.Mutex // guards up
	up   context.Context
	fail context.CancelCauseFunc // cancels up with ErrDatabaseDown; nil while down
}

func newDBGuard(ping func(context.Context) error, interval, timeout time.Duration, logger *slog.Logger) *dbGuard {
	g := &dbGuard{ping: ping, interval: interval, timeout: timeout, logger: logger}
	g.up, g.fail = context.WithCancelCause(context.Background())
	return g
}

// run pings until ctx is done.
func (g *dbGuard) run(ctx context.Context) {
	t := time.NewTicker(g.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			pctx, cancel := context.WithTimeout(ctx, g.timeout)
			err := g.ping(pctx)
			cancel()
			if ctx.Err() == nil {
				g.record(err)
			}
		}
	}
}

// record notes a ping's outcome, logging each change of state once.
func (g *dbGuard) record(err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	switch {
	case err != nil && g.fail != nil:
		g.logger.Warn("database does not answer; requests that need it fail with 503 until it does", "error", err)
		g.fail(httpx.ErrDatabaseDown)
		g.fail = nil
	case err == nil && g.fail == nil:
		g.logger.Info("database answers again")
		g.up, g.fail = context.WithCancelCause(context.Background())
	}
}

// state is the context that ends when the database goes down.
func (g *dbGuard) state() context.Context {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.up
}

// handler runs next with a request context that is cancelled with
// httpx.ErrDatabaseDown while the database is down.
func (g *dbGuard) handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		up := g.state()
		ctx, cancel := context.WithCancelCause(r.Context())
		defer cancel(nil)
		if up.Err() != nil {
			cancel(httpx.ErrDatabaseDown)
		} else {
			stop := context.AfterFunc(up, func() { cancel(httpx.ErrDatabaseDown) })
			defer stop()
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
