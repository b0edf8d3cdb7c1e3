// Package e2e drives Stockpile's web interface in a real browser: Debian's
// Chromium, headless, through the DevTools protocol (chromedp). The browser
// tests beside this file and the UI benchmark (bench/ui) use it to start the
// whole site over the Beijing demo and to open pages as a user would.
package e2e

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/stockpile-dev/stockpile/internal/api"
	"github.com/stockpile-dev/stockpile/internal/demo"
	"github.com/stockpile-dev/stockpile/internal/ops"
	"github.com/stockpile-dev/stockpile/internal/server"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/web"
)

// ChromiumPath finds the browser: $STOCKPILE_CHROMIUM, else chromium or
// chromium-browser on PATH. The error says how to install it.
func ChromiumPath() (string, error) {
	if p := os.Getenv("STOCKPILE_CHROMIUM"); p != "" {
		if _, err := exec.LookPath(p); err != nil {
			return "", fmt.Errorf("e2e: STOCKPILE_CHROMIUM=%s: %w", p, err)
		}
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("e2e: Chromium not found; install it with `apt-get install -y chromium fonts-noto-cjk` " +
		"(scripts/test.sh does this) or set STOCKPILE_CHROMIUM")
}

// Site is the whole Stockpile site over a store, served on a loopback port.
type Site struct {
	URL    string
	Store  *store.Store
	Ops    *ops.Service // the site's use cases, for a test to set up what it needs
	srv    *http.Server
	cancel context.CancelFunc // stops the site's database guard
}

// StartSite serves s on 127.0.0.1 at a free port until Close, with the
// security headers users get (Content-Security-Policy and the rest), so
// the browser tests fail on anything the policy blocks.
func StartSite(s *store.Store, logs io.Writer) (*Site, error) {
	logger := slog.New(slog.NewTextHandler(logs, nil))
	ctx, cancel := context.WithCancel(context.Background())
	svc := ops.New(s, ops.Options{})
	h, err := server.New(ctx, svc, server.Options{API: api.Options{Logger: logger}, Web: web.Options{Logger: logger}})
	if err != nil {
		cancel()
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cancel()
		return nil, err
	}
	site := &Site{URL: "http://" + ln.Addr().String(), Store: s, Ops: svc, cancel: cancel,
		srv: &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}}
	go func() { _ = site.srv.Serve(ln) }()
	return site, nil
}

// Close stops the server (the store stays open).
func (site *Site) Close() error {
	site.cancel()
	return site.srv.Close()
}

// OpenDemo opens (creating) a SQLite store at path and loads the Beijing
// demo into it, with the demo's accounts, unless it already holds data.
// The site lists the accounts on its sign-in page to a browser on this
// machine, which signs in with SignIn.
func OpenDemo(ctx context.Context, path string) (*store.Store, error) {
	s, err := store.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	if err := s.Migrate(ctx, nil); err != nil {
		s.Close()
		return nil, err
	}
	ds, err := s.Depots(ctx, store.DepotFilter{})
	if err == nil && len(ds) == 0 {
		_, err = demo.Load(ctx, s, demo.Options{})
	}
	if err == nil {
		_, err = ops.New(s, ops.Options{}).AddDemoAccounts(ctx, demo.Accounts())
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Browser is one headless Chromium with one tab. Exceptions thrown by the
// page's scripts, console errors and Content-Security-Policy violations are
// collected, so a test can fail on any of them.
type Browser struct {
	Ctx    context.Context
	cancel []context.CancelFunc
	errs   chan string
}

// NewBrowser starts Chromium with the flags that work on this kind of
// machine (no sandbox as root, no GPU, no background networking on a
// closed network) and a fresh profile, its window width × height.
func NewBrowser(ctx context.Context, width, height int) (*Browser, error) {
	path, err := ChromiumPath()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "stockpile-chromium-")
	if err != nil {
		return nil, err
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		// A synthetic camera, granted without asking, so the lot scanner's
		// camera path can run headless.
		chromedp.Flag("use-fake-device-for-media-stream", true),
		chromedp.Flag("use-fake-ui-for-media-stream", true),
		chromedp.UserDataDir(dir),
		chromedp.WindowSize(width, height),
	}
	b := &Browser{errs: make(chan string, 100)}
	actx, cancelA := chromedp.NewExecAllocator(ctx, opts...)
	tctx, cancelT := chromedp.NewContext(actx, chromedp.WithListener(b.listen))
	b.Ctx = tctx
	b.cancel = []context.CancelFunc{cancelT, cancelA, func() { os.RemoveAll(dir) }}
	if err := chromedp.Do(tctx, chromedp.EmulateViewport(int64(width), int64(height))); err != nil {
		b.Close()
		return nil, fmt.Errorf("e2e: starting %s: %w", path, err)
	}
	if err := reportViolations(tctx); err != nil {
		b.Close()
		return nil, fmt.Errorf("e2e: watching for CSP violations: %w", err)
	}
	return b, nil
}

// cspBinding is the function through which pages report what their
// Content-Security-Policy blocked.
const cspBinding = "stockpileCSPViolation"

// reportViolations makes every document the tab opens report each
// securitypolicyviolation event (a blocked inline script or style, eval,
// an image from a host the policy does not name) to listen. The script is
// installed by DevTools, so the policy it watches does not apply to it,
// and it runs before the page's own.
func reportViolations(ctx context.Context) error {
	if _, err := chromedp.Call(ctx, runtime.AddBinding, runtime.AddBindingParams{Name: cspBinding}); err != nil {
		return err
	}
	_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: `
		document.addEventListener('securitypolicyviolation', (e) => {
			window.` + cspBinding + `(e.effectiveDirective + ' blocked ' + (e.blockedURI || '?') + ' in ' +
				(e.sourceFile || e.documentURI) + ':' + e.lineNumber + ':' + e.columnNumber + (e.sample ? ' "' + e.sample + '"' : ''));
		}, true);`})
	return err
}

func (b *Browser) listen(ev any) {
	var msg string
	switch e := ev.(type) {
	case *page.EventJavascriptDialogOpening:
		// Confirmation dialogs are accepted, as the user in a test would.
		go func() {
			_, _ = chromedp.Call(b.Ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}()
		return
	case *runtime.EventBindingCalled:
		if e.Name != cspBinding {
			return
		}
		msg = "CSP violation: " + e.Payload
	case *runtime.EventExceptionThrown:
		msg = "exception: " + e.ExceptionDetails.Text
		if e.ExceptionDetails.Exception != nil {
			msg += " " + e.ExceptionDetails.Exception.Description
		}
	case *runtime.EventConsoleAPICalled:
		if e.Type != runtime.ConsoleAPICalledTypeError {
			return
		}
		var parts []string
		for _, a := range e.Args {
			parts = append(parts, strings.Trim(string(a.Value), `"`)+a.Description)
		}
		msg = "console.error: " + strings.Join(parts, " ")
	default:
		return
	}
	select {
	case b.errs <- msg:
	default:
	}
}

// Errors returns the script errors and policy violations seen since the
// last call.
func (b *Browser) Errors() []string {
	var out []string
	for {
		select {
		case m := <-b.errs:
			out = append(out, m)
		default:
			return out
		}
	}
}

// Close ends the browser and removes its profile.
func (b *Browser) Close() {
	for _, c := range b.cancel {
		c()
	}
}

// WaitReady waits until the page has called Stockpile.ready(what).
func WaitReady(what string) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](fmt.Sprintf(
		`(document.body && (document.body.dataset.ready || '').split(' ').includes(%q)) || null`, what),
		chromedp.WithPollingInterval(20*time.Millisecond), chromedp.WithPollingTimeout(30*time.Second))
}

// SignIn signs the browser in as the demo account username, as a person
// at this machine would: the sign-in page lists the demo's accounts, and
// an account's button fills in the form and submits it. It waits for the
// dashboard, where signing in leads.
func SignIn(site *Site, username string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := chromedp.Navigate(site.URL+"/login")(ctx, t); err != nil {
			return err
		}
		if _, err := WaitReady("login")(ctx, t); err != nil {
			return err
		}
		button := fmt.Sprintf(`.demo-use[data-username=%q]`, username)
		if _, err := chromedp.Click(chromedp.CSS(button))(ctx, t); err != nil {
			return fmt.Errorf("e2e: signing in as %s: %w", username, err)
		}
		_, err := WaitPath("/", "dashboard")(ctx, t)
		return err
	})
}

// WaitPath waits until the tab's location path is path, or starts with it
// when it ends in "/" and is not "/" (after a form submit or a click that
// navigates), then for the page's ready signal. A navigation would break a
// plain wait, so it tries again until the new page is there.
func WaitPath(path, ready string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		deadline := time.Now().Add(30 * time.Second)
		at := func(p string) bool {
			return p == path || (path != "/" && strings.HasSuffix(path, "/") && strings.HasPrefix(p, path))
		}
		for {
			loc, err := chromedp.Location()(ctx, t)
			if err == nil {
				if u, perr := url.Parse(loc); perr == nil && at(u.Path) {
					break
				}
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("e2e: still at %s, waiting for %s", loc, path)
			}
			time.Sleep(50 * time.Millisecond)
		}
		for {
			_, err := WaitReady(ready)(ctx, t)
			if err == nil || time.Now().After(deadline) {
				return err
			}
			time.Sleep(50 * time.Millisecond) // the page was still loading: try again
		}
	})
}

// ArtifactDir is where screenshots go: $STOCKPILE_ARTIFACTS, else
// artifacts/e2e at the root of the module.
func ArtifactDir() (string, error) {
	dir := os.Getenv("STOCKPILE_ARTIFACTS")
	if dir == "" {
		root, err := moduleRoot()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(root, "artifacts", "e2e")
	}
	return dir, os.MkdirAll(dir, 0o755)
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("e2e: no go.mod above %s", dir)
		}
	}
}
