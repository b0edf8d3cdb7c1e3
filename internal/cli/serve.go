package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/stockpile-dev/stockpile/internal/account"
	"github.com/stockpile-dev/stockpile/internal/api"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/approval"
	"github.com/stockpile-dev/stockpile/internal/demo"
	"github.com/stockpile-dev/stockpile/internal/ops"
	"github.com/stockpile-dev/stockpile/internal/server"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/web"
)

func (a *app) serveCommand() *cobra.Command {
	var addr string
	var withDemo bool
	var rf planFlags
	var tf tileFlags
	var ef edgeFlags
	var sf sessionFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the web UI and the JSON API 启动服务",
		Long: `Migrate the database, then serve the web interface (/) and the JSON API
(/api/, GET /healthz) on --addr. With --demo, an empty database is first loaded
with the Beijing demo data, and a database without users gets the demo's
accounts, one per role and tier, with random passwords that the sign-in page
lists when it is reached on a loopback address. The API is described at
/api/openapi.json. The map draws an offline district basemap; --tiles adds a
tile layer under it.

On a database without any user, serve creates the administrator "admin" with
a one-time password, printed once on stderr, to be changed at the first
sign-in. There is no default password.`,
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
				opts, err := a.options(ctx, rf)
				if err != nil {
					return err
				}
				if opts.IdleTimeout, opts.AbsoluteTimeout, err = sf.timeouts(); err != nil {
					return err
				}
				if opts.Approval, err = sf.approval(); err != nil {
					return err
				}
				svc := ops.New(s, opts)
				if err := a.accounts(ctx, svc, withDemo); err != nil {
					return err
				}
				return a.serve(ctx, svc, addr, tf.layer(), ef)
			})
		},
	}
	cmd.Flags().StringVar(&addr, "addr", envOr("STOCKPILE_ADDR", "127.0.0.1:8080"), "listen address (env STOCKPILE_ADDR)")
	cmd.Flags().BoolVar(&withDemo, "demo", false, "load the Beijing demo data into an empty database first")
	rf.register(cmd.Flags())
	tf.register(cmd.Flags())
	ef.register(cmd.Flags())
	sf.register(cmd.Flags())
	return cmd
}

// sessionFlags configure how long a signed-in browser stays signed in,
// and what one person may do alone.
type sessionFlags struct {
	idle, max time.Duration
	scrap     string // the most units one scrap line may write off without approval
}

func (f *sessionFlags) register(fs *pflag.FlagSet) {
	fs.DurationVar(&f.idle, "session-idle", account.DefaultIdleTimeout,
		"a session unused this long ends (a duty night at the desk is 12 h)")
	fs.DurationVar(&f.max, "session-max", account.DefaultAbsoluteTimeout,
		"a session ends this long after sign-in, however much it is used")
	fs.StringVar(&f.scrap, "scrap-approval-units", approval.DefaultPolicy.ScrapUnits.String(),
		"a scrap line writing off more units than this waits for a second person's approval (0: every scrap)")
}

// approval is the approval policy the flags ask for.
func (f *sessionFlags) approval() (*approval.Policy, error) {
	q, err := stock.ParseQuantity(f.scrap)
	if err == nil && q < 0 {
		err = errors.New("negative")
	}
	if err != nil {
		return nil, apperr.New(apperr.Invalid, "approval.threshold", "--scrap-approval-units 须为不小于 0 的数量（实际为「%s」）",
			"--scrap-approval-units must be a quantity of 0 or more (got %q)", f.scrap)
	}
	return &approval.Policy{ScrapUnits: q}, nil
}

// timeouts are the idle and absolute session timeouts, checked.
func (f *sessionFlags) timeouts() (idle, max time.Duration, err error) {
	if f.idle <= 0 || f.max <= 0 {
		return 0, 0, apperr.New(apperr.Invalid, "session.timeouts", "会话时限须为正数",
			"--session-idle and --session-max must be positive")
	}
	return f.idle, f.max, nil
}

// accounts makes sure someone can sign in: with withDemo, the demo's
// accounts on a database without users; otherwise, on a database without
// users, the first administrator, whose one-time password is printed on
// stderr for the operator to read off the console.
func (a *app) accounts(ctx context.Context, svc *ops.Service, withDemo bool) error {
	if withDemo {
		if _, err := svc.AddDemoAccounts(ctx, demo.Accounts()); err != nil {
			return fmt.Errorf("demo accounts 演示账号：%w", err)
		}
		listed, err := svc.DemoAccounts(ctx)
		if err != nil {
			return err
		}
		if len(listed) > 0 {
			fmt.Fprintf(a.stderr, "%d demo accounts exist; the sign-in page lists them when reached on a loopback address "+
				"演示账号 %d 个，从本机地址访问时登录页会列出\n", len(listed), len(listed))
		}
	}
	pw, err := svc.FirstRun(ctx)
	if err != nil {
		return fmt.Errorf("first administrator 首个管理员：%w", err)
	}
	if pw != "" {
		a.printFirstRun(pw)
	}
	return nil
}

// printFirstRun frames the first administrator's one-time password on
// stderr.
func (a *app) printFirstRun(pw string) {
	rule := strings.Repeat("=", 72)
	fmt.Fprintf(a.stderr, `%[1]s
首次启动：已创建系统管理员账号。First run: the administrator account was created.
  用户名 username:            %[2]s
  一次性密码 one-time password: %[3]s
此密码只显示这一次，首次登录时须修改。
It is shown only this once and must be changed at the first sign-in.
%[1]s
`, rule, ops.FirstAdmin, pw)
}

// edgeFlags configure what every request passes: the host names served,
// the reverse proxies believed, and the deadline.
type edgeFlags struct {
	hosts, proxies string
	timeout        time.Duration
	// webhookPrivate lets webhooks reach loopback and private addresses
	// (a closed network; tests).
	webhookPrivate bool
}

func (f *edgeFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.hosts, "allowed-hosts", os.Getenv("STOCKPILE_ALLOWED_HOSTS"),
		"host names the site answers to, comma-separated (default: localhost, 127.0.0.1, ::1 and the host of --addr); "+
			"\"*\" allows any (env STOCKPILE_ALLOWED_HOSTS)")
	fs.StringVar(&f.proxies, "trusted-proxy", os.Getenv("STOCKPILE_TRUSTED_PROXY"),
		"addresses or CIDR prefixes of reverse proxies whose X-Forwarded-For/-Host/-Proto are believed (env STOCKPILE_TRUSTED_PROXY)")
	fs.DurationVar(&f.timeout, "request-timeout", server.DefaultRequestTimeout, "deadline of every request")
	fs.BoolVar(&f.webhookPrivate, "webhook-private", false,
		"let webhooks deliver to loopback and private addresses (a closed network); by default only public ones")
}

// allowedHosts is --allowed-hosts, or by default the loopback names and the
// host --addr listens on when it names one.
func (f *edgeFlags) allowedHosts(addr string) []string {
	if strings.TrimSpace(f.hosts) != "" {
		return strings.Split(f.hosts, ",")
	}
	hosts := slices.Clone(server.LoopbackHosts)
	if host, _, err := net.SplitHostPort(addr); err == nil && host != "" {
		if ip := net.ParseIP(host); ip == nil || !ip.IsUnspecified() {
			hosts = append(hosts, host)
		}
	}
	return hosts
}

// tileFlags configure an optional tile layer under the offline basemap.
type tileFlags struct {
	url, crs, attribution, subdomains string
}

func (f *tileFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.url, "tiles", os.Getenv("STOCKPILE_TILES"),
		"tile URL template drawn under the offline basemap, e.g. Tianditu with your key (env STOCKPILE_TILES)")
	fs.StringVar(&f.crs, "tiles-crs", envOr("STOCKPILE_TILES_CRS", "wgs84"),
		"datum of the tiles: wgs84 (also Tianditu's CGCS2000) or gcj02 (AMap, Tencent) (env STOCKPILE_TILES_CRS)")
	fs.StringVar(&f.attribution, "tiles-attribution", os.Getenv("STOCKPILE_TILES_ATTRIBUTION"),
		"attribution shown for the tiles (env STOCKPILE_TILES_ATTRIBUTION)")
	fs.StringVar(&f.subdomains, "tiles-subdomains", os.Getenv("STOCKPILE_TILES_SUBDOMAINS"),
		"letters or digits substituted for {s} in the URL, e.g. 01234567 (env STOCKPILE_TILES_SUBDOMAINS)")
}

// layer returns the configured tile layer, or nil for the offline basemap only.
func (f *tileFlags) layer() *web.TileLayer {
	if f.url == "" {
		return nil
	}
	return &web.TileLayer{URL: f.url, CRS: f.crs, Attribution: f.attribution, Subdomains: f.subdomains}
}

// webhookInterval is how often the server looks for events to deliver
// to webhooks when it has delivered everything.
const webhookInterval = time.Second

// serve runs the HTTP server, and the deliveries to webhooks, until ctx is
// cancelled, then shuts it down gracefully.
func (a *app) serve(ctx context.Context, svc *ops.Service, addr string, tiles *web.TileLayer, ef edgeFlags) error {
	logger := slog.New(slog.NewTextHandler(a.stderr, nil))
	proxies, err := server.ParseProxies(ef.proxies)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	site, err := server.New(ctx, svc, server.Options{
		API:            api.Options{Logger: logger, Version: a.version},
		Web:            web.Options{Logger: logger, Tiles: tiles},
		AllowedHosts:   ef.allowedHosts(addr),
		TrustedProxies: proxies,
		RequestTimeout: ef.timeout,
	})
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           site,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
	}
	fmt.Fprintf(a.stderr, "stockpile %s serving on http://%s (%s) — web UI: /, API: /api/openapi.json\n", a.version, ln.Addr(), svc.Store().Engine())
	hooks, stopHooks := context.WithCancel(ctx)
	defer stopHooks()
	go svc.RunWebhooks(hooks, ops.WebhookClient(ef.webhookPrivate), webhookInterval, func(err error) {
		logger.Error("webhooks", "err", err)
	})
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
