package server_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/ops"
	"github.com/stockpile-dev/stockpile/internal/server"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/web"
)

// secureSite serves the whole site over an empty store behind
// SecurityHeaders.
func secureSite(t *testing.T, tiles *web.TileLayer) *httptest.Server {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(t.TempDir(), "headers.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	h, err := server.New(t.Context(), ops.New(s, ops.Options{}), server.Options{Web: web.Options{Tiles: tiles}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// TestSecurityHeaders checks every kind of response carries the headers: a
// page, a redirect to sign in, the API's refusal of a request without
// credentials, a static file, and the 404s of both surfaces.
func TestSecurityHeaders(t *testing.T) {
	srv := secureSite(t, nil)
	want := map[string]string{
		"X-Frame-Options":            "DENY",
		"X-Content-Type-Options":     "nosniff",
		"Referrer-Policy":            "same-origin",
		"Cross-Origin-Opener-Policy": "same-origin",
		"Permissions-Policy":         "camera=(self), microphone=(), geolocation=()",
	}
	for _, c := range []struct {
		path, contentType string
		status            int
	}{
		{"/", "text/html", http.StatusSeeOther}, // to sign in
		{"/login", "text/html", http.StatusOK},
		{"/api/depots", "application/json", http.StatusUnauthorized},
		{"/api/items", "application/json", http.StatusUnauthorized},
		{"/healthz", "", http.StatusOK},
		{"/static/favicon.svg", "image/svg+xml", http.StatusOK},
		{"/no/such/page", "text/html", http.StatusNotFound},
		{"/api/no-such-thing", "application/json", http.StatusNotFound},
	} {
		t.Run(c.path, func(t *testing.T) {
			res, err := noRedirects.Get(srv.URL + c.path)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != c.status || !strings.HasPrefix(res.Header.Get("Content-Type"), c.contentType) {
				t.Errorf("%d %s, want %d %s", res.StatusCode, res.Header.Get("Content-Type"), c.status, c.contentType)
			}
			for k, v := range want {
				if got := res.Header.Get(k); got != v {
					t.Errorf("%s: %q, want %q", k, got, v)
				}
			}
			csp := directives(t, res.Header.Get("Content-Security-Policy"))
			for k, v := range map[string]string{
				"default-src":     "'self'",
				"script-src":      "'self'",
				"style-src":       "'self'",
				"img-src":         "'self' data: blob:",
				"object-src":      "'none'",
				"base-uri":        "'none'",
				"form-action":     "'self'",
				"frame-ancestors": "'none'",
			} {
				if csp[k] != v {
					t.Errorf("CSP %s %q, want %q", k, csp[k], v)
				}
			}
		})
	}
}

// TestSecurityHeadersTiles checks the tile layer's host, and only that, is
// added to the images a page may load.
func TestSecurityHeadersTiles(t *testing.T) {
	srv := secureSite(t, &web.TileLayer{CRS: "wgs84", Subdomains: "01234567",
		URL: "https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=KEY"})
	res, err := http.Get(srv.URL + "/map")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	csp := directives(t, res.Header.Get("Content-Security-Policy"))
	if got, want := csp["img-src"], "'self' data: blob: https://*.tianditu.gov.cn"; got != want {
		t.Errorf("img-src %q, want %q", got, want)
	}
	if csp["default-src"] != "'self'" || csp["script-src"] != "'self'" {
		t.Errorf("the tile host widened more than images: %v", csp)
	}
}

// TestTileSources covers the URL templates the README gives and the ones
// a policy cannot express.
func TestTileSources(t *testing.T) {
	for _, c := range []struct{ url, img string }{
		{"https://t{s}.tianditu.gov.cn/vec_w/wmts?tk=KEY", "'self' data: blob: https://*.tianditu.gov.cn"},
		{"https://webrd0{s}.is.autonavi.com/appmaprsv?x={x}&y={y}&z={z}", "'self' data: blob: https://*.is.autonavi.com"},
		{"https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", "'self' data: blob: https://*.tile.openstreetmap.org"},
		{"HTTP://Tiles.Example.com:8080/{z}/{x}/{y}.png", "'self' data: blob: http://tiles.example.com:8080"},
		{"http://10.0.0.5/{z}/{x}/{y}.png", "'self' data: blob: http://10.0.0.5"},
		{"//tiles.example.com/{z}/{x}/{y}.png", "'self' data: blob: tiles.example.com"},
		{"/tiles/{z}/{x}/{y}.png", "'self' data: blob:"},
	} {
		secure, err := server.SecurityHeaders(server.HeaderOptions{Tiles: &web.TileLayer{URL: c.url, CRS: "wgs84"}})
		if err != nil {
			t.Errorf("%s: %v", c.url, err)
			continue
		}
		rec := httptest.NewRecorder()
		secure(http.NotFoundHandler()).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
		if got := directives(t, rec.Header().Get("Content-Security-Policy"))["img-src"]; got != c.img {
			t.Errorf("%s: img-src %q, want %q", c.url, got, c.img)
		}
	}
	for _, bad := range []string{
		"ftp://tiles.example.com/{z}/{x}/{y}.png",
		"javascript:alert(1)//{z}",
		"https://{s}.com/{z}/{x}/{y}.png",
		"https://{s}/{z}/{x}/{y}.png",
		"https://[::1]:8080/{z}/{x}/{y}.png",
		"https://tiles.example.com:{p}/{z}.png",
		"https://tiles example.com/{z}.png",
		"https://tiles.example.com;script-src *'/{z}.png",
	} {
		if _, err := server.SecurityHeaders(server.HeaderOptions{Tiles: &web.TileLayer{URL: bad, CRS: "wgs84"}}); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
}

// directives splits a policy into its directives' values, failing on a
// directive given twice or a source no page should have.
func directives(t *testing.T, policy string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, d := range strings.Split(policy, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
		if _, dup := out[name]; dup {
			t.Errorf("CSP directive %s twice in %q", name, policy)
		}
		out[name] = value
	}
	for _, unsafe := range []string{"'unsafe-inline'", "'unsafe-eval'", "*;", " * "} {
		if strings.Contains(policy+";", unsafe) {
			t.Errorf("CSP has %s: %q", unsafe, policy)
		}
	}
	return out
}
