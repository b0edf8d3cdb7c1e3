// Package server puts Stockpile's two HTTP surfaces together: the JSON API
// under /api/ and /healthz (package api) and the web interface everywhere
// else (package web), both over the same use cases (package ops), behind
// the edge every request passes: security headers, trusted reverse
// proxies, allowed host names, cross-origin refusal, text rules for the
// URL, a deadline, the database guard and gzip. `stockpile serve`, the browser tests and the UI
// benchmark all build their server here, so they test what users run.
package server

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/klauspost/compress/gzhttp"

	"github.com/stockpile-dev/stockpile/internal/api"
	"github.com/stockpile-dev/stockpile/internal/ops"
	"github.com/stockpile-dev/stockpile/internal/web"
)

// Defaults of [Options].
const (
	DefaultRequestTimeout  = time.Minute
	DefaultDBCheckInterval = 2 * time.Second
	DefaultDBCheckTimeout  = 2 * time.Second
)

// Options configures the site.
type Options struct {
	API api.Options
	Web web.Options
	// AllowedHosts are the host names (without port) requests may be
	// addressed to; nil means LoopbackHosts. "*" allows any, which exposes
	// the site to DNS rebinding: use it only behind a proxy that checks.
	AllowedHosts []string
	// TrustedProxies are the reverse proxies whose X-Forwarded-For,
	// X-Forwarded-Host and X-Forwarded-Proto are believed.
	TrustedProxies []netip.Prefix
	// RequestTimeout bounds every request; zero means DefaultRequestTimeout.
	RequestTimeout time.Duration
	// DBCheckInterval is how often the database is pinged, and
	// DBCheckTimeout how long a ping may take before the database counts as
	// down; zero means the defaults.
	DBCheckInterval, DBCheckTimeout time.Duration
}

// New returns the whole site over the use cases of svc. It watches the
// database in the background until ctx is done.
func New(ctx context.Context, svc *ops.Service, opts Options) (http.Handler, error) {
	logger := opts.API.Logger
	if logger == nil {
		logger = slog.Default()
	}
	headers, err := SecurityHeaders(HeaderOptions{Tiles: opts.Web.Tiles})
	if err != nil {
		return nil, err
	}
	ui, err := web.NewHandler(svc, opts.Web)
	if err != nil {
		return nil, err
	}
	apiHandler := api.NewHandler(svc, opts.API)
	mux := http.NewServeMux()
	mux.Handle("/api/", apiHandler)
	mux.Handle("/healthz", apiHandler)
	mux.Handle("/", ui)

	guard := newDBGuard(svc.Store().Ping, orDefault(opts.DBCheckInterval, DefaultDBCheckInterval),
		orDefault(opts.DBCheckTimeout, DefaultDBCheckTimeout), logger)
	go guard.run(ctx)

	hosts := opts.AllowedHosts
	if hosts == nil {
		hosts = LoopbackHosts
	}
	gzip, err := gzhttp.NewWrapper(gzhttp.ContentTypeFilter(compressible))
	if err != nil {
		return nil, err
	}
	var h http.Handler = gzip(mux)
	h = guard.handler(h)
	h = deadline(orDefault(opts.RequestTimeout, DefaultRequestTimeout), h)
	h = checkURL(h)
	h = crossOrigin(h)
	h = allowHosts(hosts, h)
	h = trustProxies(opts.TrustedProxies, h)
	return headers(h), nil
}

// compressible says which responses gzip may compress: what gzhttp
// compresses by default (not archives, images, video), but not an event
// stream, whose events must reach the client as they are written, not
// when a compressed block is full, and which proxies pass through as it
// is only when it is not compressed.
func compressible(contentType string) bool {
	return gzhttp.DefaultContentTypeFilter(contentType) &&
		!strings.HasPrefix(strings.TrimSpace(strings.ToLower(contentType)), "text/event-stream")
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}
