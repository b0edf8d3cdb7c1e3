package server

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/httpx"
	"github.com/stockpile-dev/stockpile/internal/input"
)

// LoopbackHosts are the host names a server answers to when no others
// are allowed: what a browser on the same machine uses.
var LoopbackHosts = []string{"localhost", "127.0.0.1", "::1"}

// allowHosts refuses a request whose Host header (without its port) is
// not one of hosts: a page on another site that makes its own name resolve
// to this server (DNS rebinding) must not be served as if it were this
// site. "*" allows any host. The refusal is 400 request.host_not_allowed.
func allowHosts(hosts []string, next http.Handler) http.Handler {
	allowed := map[string]bool{}
	for _, h := range hosts {
		allowed[strings.ToLower(strings.Trim(strings.TrimSpace(h), "[]"))] = true
	}
	if allowed["*"] {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		host = strings.ToLower(strings.Trim(host, "[]"))
		if allowed[host] {
			next.ServeHTTP(w, r)
			return
		}
		httpx.WriteError(w, http.StatusBadRequest, apperr.New(apperr.Invalid, "request.host_not_allowed",
			"本服务不接受主机名「%s」的请求；管理员可用 --allowed-hosts 允许它",
			"this server does not answer to the host name %q; an administrator can allow it with --allowed-hosts", r.Host).
			WithField("Host"))
	})
}

// trustProxies believes, for a request that comes straight from one of
// proxies, the X-Forwarded-For, X-Forwarded-Proto and X-Forwarded-Host a
// reverse proxy sets: the client's address is the last one in
// X-Forwarded-For that is not itself a trusted proxy, the host is the
// first X-Forwarded-Host, and X-Forwarded-Proto https marks the request as
// secure (httpx.Secure). From anyone else these headers are ignored, since
// a client can send whatever it likes.
func trustProxies(proxies []netip.Prefix, next http.Handler) http.Handler {
	if len(proxies) == 0 {
		return next
	}
	trusted := func(addr string) bool {
		ip, err := netip.ParseAddr(strings.TrimSpace(addr))
		if err != nil {
			return false
		}
		ip = ip.Unmap()
		for _, p := range proxies {
			if p.Contains(ip) {
				return true
			}
		}
		return false
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		peer, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil || !trusted(peer) {
			next.ServeHTTP(w, r)
			return
		}
		r = r.Clone(r.Context())
		hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			if hop := strings.TrimSpace(hops[i]); hop != "" && !trusted(hop) {
				r.RemoteAddr = net.JoinHostPort(hop, "0")
				break
			}
		}
		if host, _, _ := strings.Cut(r.Header.Get("X-Forwarded-Host"), ","); strings.TrimSpace(host) != "" {
			r.Host = strings.TrimSpace(host)
		}
		if proto, _, _ := strings.Cut(r.Header.Get("X-Forwarded-Proto"), ","); strings.EqualFold(strings.TrimSpace(proto), "https") {
			r = r.WithContext(httpx.WithSecure(r.Context()))
		}
		next.ServeHTTP(w, r)
	})
}

// ParseProxies reads --trusted-proxy: addresses or CIDR prefixes,
// comma-separated.
func ParseProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range strings.Split(list, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		ip, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: want an IP address or CIDR prefix such as 10.0.0.0/8", s)
		}
		out = append(out, netip.PrefixFrom(ip.Unmap(), ip.Unmap().BitLen()))
	}
	return out, nil
}

// crossOrigin refuses state-changing requests (anything but GET, HEAD and
// OPTIONS) that a browser sends from a page of another site: Go's
// http.CrossOriginProtection, which reads Sec-Fetch-Site (or compares
// Origin with Host), answered with 403 request.cross_origin. Requests
// without those headers come from programs, not from a page a user was
// lured to, and pass.
func crossOrigin(next http.Handler) http.Handler {
	p := http.NewCrossOriginProtection()
	p.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpx.WriteError(w, http.StatusForbidden, apperr.New(apperr.Forbidden, "request.cross_origin",
			"拒绝来自其他网站页面的修改请求", "a change requested by a page of another site is refused"))
	}))
	return p.Handler(next)
}

// deadline gives every request timeout to finish; past it, its context
// ends with httpx.ErrTimeout and whatever it waits on (the database above
// all) gives up, so the request is answered with 503 request.timeout.
func deadline(timeout time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeoutCause(r.Context(), timeout, httpx.ErrTimeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// checkURL refuses a request whose path or query holds text the store
// could not keep alike on both engines: invalid UTF-8 or NUL (input.Text),
// answered with 400 text.invalid_utf8 or text.nul naming the parameter.
// PostgreSQL would otherwise fail the query that used it, SQLite would
// look it up as given.
func checkURL(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := input.Text("path", r.URL.Path)
		for name, values := range r.URL.Query() {
			for _, v := range append([]string{name}, values...) {
				if err == nil {
					err = input.Text(name, v)
				}
			}
		}
		if e, ok := apperr.As(err); ok {
			httpx.WriteError(w, http.StatusBadRequest, e)
			return
		}
		next.ServeHTTP(w, r)
	})
}
