package server

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/web"
)

// HeaderOptions configures [SecurityHeaders].
type HeaderOptions struct {
	// Tiles is the map's tile layer, as given to the web interface
	// (web.Options.Tiles). Its host is added to the images the pages may
	// load; nil means the offline basemap only, and images only from the
	// site itself.
	Tiles *web.TileLayer
}

// SecurityHeaders returns middleware that sets, on every response (pages,
// the JSON API, static files, errors), the headers that keep a browser
// from running anything but the site's own scripts and from letting other
// sites frame, sniff or read it:
//
//   - Content-Security-Policy: scripts, styles, fetches and fonts from the
//     site only, with no inline script, no inline style and no eval;
//     images from the site, data: and blob: URLs, and the tile layer's
//     host when one is configured; no plugins, no <base>, forms posting
//     only to the site, and no framing.
//   - X-Frame-Options: DENY, for browsers older than frame-ancestors.
//   - X-Content-Type-Options: nosniff.
//   - Referrer-Policy: same-origin. The map's tile layer sets its own,
//     per image (static/js/basemap.js).
//   - Cross-Origin-Opener-Policy: same-origin.
//   - Permissions-Policy: the camera for the site itself (the lot scanner
//     on /stock); no microphone or location.
//
// The policy is built once, here. SecurityHeaders fails if the tile URL's
// host cannot be written as a CSP source (an IPv6 literal, a placeholder
// standing for the whole domain), so a server that could never draw its
// tiles refuses to start.
func SecurityHeaders(opts HeaderOptions) (func(http.Handler) http.Handler, error) {
	csp, err := contentSecurityPolicy(opts)
	if err != nil {
		return nil, err
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Content-Security-Policy", csp)
			h.Set("X-Frame-Options", "DENY")
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Referrer-Policy", "same-origin")
			h.Set("Cross-Origin-Opener-Policy", "same-origin")
			h.Set("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
			next.ServeHTTP(w, r)
		})
	}, nil
}

// contentSecurityPolicy is the policy of every response. Why each part:
//
//   - script-src 'self' and nothing else. The pages load only their own
//     files from /static/; the JSON they start from is in
//     <script type="application/json">, which is data and never run.
//     Alpine.js is its CSP build, which parses its expressions itself
//     instead of compiling them with new Function ('unsafe-eval'), and
//     htmx has its eval features turned off (templates/stock.html).
//   - style-src 'self', without 'unsafe-inline'. Leaflet, ECharts,
//     Alpine's x-show and our scripts style elements through the CSSOM
//     (element.style), which CSP does not restrict; what it does restrict,
//     style="…" in markup and <style> elements, none of them writes: the
//     chart tooltips are built as elements (static/js/readiness.js), htmx
//     does not add its indicator <style> (app.css has those rules), and
//     the stock screen draws its bars in SVG.
//   - img-src adds data: and blob: (images made in the page rather than
//     fetched) and the tile layer's host.
//   - connect-src, font-src and media-src are default-src: the site. The
//     lot scanner's camera is a MediaStream given to <video> as srcObject,
//     which is not a fetch and needs no source.
//   - object-src 'none', base-uri 'none', form-action 'self' and
//     frame-ancestors 'none' close what script-src does not: plugins, a
//     <base> that would move every relative URL, forms posting elsewhere,
//     and clickjacking.
func contentSecurityPolicy(opts HeaderOptions) (string, error) {
	img := "img-src 'self' data: blob:"
	if opts.Tiles != nil && opts.Tiles.URL != "" {
		src, err := tileSource(opts.Tiles.URL)
		if err != nil {
			return "", err
		}
		if src != "" {
			img += " " + src
		}
	}
	return strings.Join([]string{
		"default-src 'self'",
		"script-src 'self'",
		"style-src 'self'",
		img,
		"object-src 'none'",
		"base-uri 'none'",
		"form-action 'self'",
		"frame-ancestors 'none'",
	}, "; "), nil
}

// tileSource returns the CSP source that lets the pages load tiles from a
// Leaflet URL template, such as https://t{s}.tianditu.gov.cn/… (Leaflet
// puts a subdomain for {s}). It is the template's scheme, host and port;
// a host label holding a placeholder becomes a wildcard, with every label
// left of it, since CSP allows "*" only as a host's first label:
// https://*.tianditu.gov.cn. At least two fixed labels must stay, so a
// template cannot open the policy to a whole top-level domain. A template
// that is a path on the site itself (/tiles/{z}/{x}/{y}.png) needs no
// source and gives "".
func tileSource(template string) (string, error) {
	bad := func(why string) (string, error) {
		return "", fmt.Errorf("server: tile URL %q: %s", template, why)
	}
	scheme, rest := "", ""
	switch {
	case strings.HasPrefix(template, "//"):
		rest = template[2:] // scheme-relative: CSP matches the page's scheme
	case strings.HasPrefix(template, "/"):
		return "", nil
	default:
		s, r, ok := strings.Cut(template, "://")
		s = strings.ToLower(s)
		if !ok || (s != "http" && s != "https") {
			return bad("want http://, https:// or a path on this site")
		}
		scheme, rest = s+"://", r
	}
	authority := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority = rest[:i]
	}
	if i := strings.LastIndex(authority, "@"); i >= 0 {
		authority = authority[i+1:] // user:password@ has no place in a CSP source
	}
	host, port := authority, ""
	if i := strings.LastIndex(authority, ":"); i >= 0 {
		host, port = authority[:i], authority[i+1:]
		if port == "" || strings.Trim(port, "0123456789") != "" {
			return bad("the port must be a number")
		}
		port = ":" + port
	}
	labels := strings.Split(strings.ToLower(host), ".")
	wild := -1
	for i, l := range labels {
		if strings.Contains(l, "{") {
			wild = i
		}
	}
	fixed := labels[wild+1:]
	if wild >= 0 && len(fixed) < 2 {
		return bad("a placeholder may stand only for subdomains of a fixed domain")
	}
	for _, l := range fixed {
		if l == "" || strings.Trim(l, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
			return bad("the host must be a DNS name or an IPv4 address (a CSP source can be nothing else)")
		}
	}
	host = strings.Join(fixed, ".")
	if wild >= 0 {
		host = "*." + host
	}
	return scheme + host + port, nil
}
