package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/stockpile-dev/stockpile/internal/api"
	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/store"
)

func (a *app) serveCommand() *cobra.Command {
	var addr string
	var withDemo bool
	var rf planFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the JSON API 启动服务",
		Long: `Migrate the database, then serve the JSON API (and GET /healthz) on --addr.
With --demo, an empty database is first loaded with the Beijing demo data.
The API is described at /api/openapi.json.`,
		Example: `  stockpile serve --demo
  stockpile serve --db postgres://user@db.example/stockpile --addr :8080`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			return a.withStore(ctx, migrateSchema, func(s *store.Store) error {
				if withDemo {
					if err := a.loadDemoIfEmpty(ctx, s); err != nil {
						return err
					}
				}
				pl, err := a.planner(ctx, s, rf)
				if err != nil {
					return err
				}
				return a.serve(ctx, s, addr, pl)
			})
		},
	}
	cmd.Flags().StringVar(&addr, "addr", envOr("STOCKPILE_ADDR", "127.0.0.1:8080"), "listen address (env STOCKPILE_ADDR)")
	cmd.Flags().BoolVar(&withDemo, "demo", false, "load the Beijing demo data into an empty database first")
	rf.register(cmd.Flags())
	return cmd
}

// serve runs the HTTP server until ctx is cancelled, then shuts it down
// gracefully.
func (a *app) serve(ctx context.Context, s *store.Store, addr string, pl *dispatch.Planner) error {
	logger := slog.New(slog.NewTextHandler(a.stderr, nil))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler: api.NewHandler(s, api.Options{Logger: logger, Version: a.version,
			Router: pl.Router, Costs: pl.Costs, RegionMarginKm: pl.RegionMarginKm}),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
	}
	fmt.Fprintf(a.stderr, "stockpile %s serving on http://%s (%s) — API: /api/openapi.json\n", a.version, ln.Addr(), s.Engine())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	fmt.Fprintln(a.stderr, "shutting down 正在停止…")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
