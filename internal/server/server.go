// Package server puts Stockpile's two HTTP surfaces together: the JSON API
// under /api/ and /healthz (package api) and the web interface everywhere
// else (package web), behind gzip compression. `stockpile serve`, the
// browser tests and the UI benchmark all build their server here, so they
// test what users run.
package server

import (
	"net/http"

	"github.com/klauspost/compress/gzhttp"

	"github.com/stockpile-dev/stockpile/internal/api"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/web"
)

// Options configures both surfaces.
type Options struct {
	API api.Options
	Web web.Options
}

// New returns the whole site over s.
func New(s *store.Store, opts Options) (http.Handler, error) {
	ui, err := web.NewHandler(s, opts.Web)
	if err != nil {
		return nil, err
	}
	apiHandler := api.NewHandler(s, opts.API)
	mux := http.NewServeMux()
	mux.Handle("/api/", apiHandler)
	mux.Handle("/healthz", apiHandler)
	mux.Handle("/", ui)
	return gzhttp.GzipHandler(mux), nil
}
