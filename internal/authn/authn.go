// Package authn finds out who makes an HTTP request: a browser with a
// session cookie, or a partner system with an API token in
// "Authorization: Bearer". It puts the [access.Actor] into the request's
// context, where the API and the web screens take it from, and sets and
// clears the cookies of sign-in. What the actor may do is decided by the
// use cases (package ops) against access.Rules, not here.
package authn

import (
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/httpx"
	"github.com/stockpile-dev/stockpile/internal/ops"
)

// Cookie names.
const (
	SessionCookie = "stockpile_session"
	// DeviceCookie marks a browser that signed in before, so that the
	// account's sign-in delays do not apply to it (account.Backoff).
	DeviceCookie = "stockpile_device"
)

// deviceLifetime is how long a browser stays known.
const deviceLifetime = 400 * 24 * time.Hour // the longest browsers keep a cookie

// Middleware resolves the actor of every request and passes it on in the
// context. A request without credentials goes on as access.Nobody, which
// the rules refuse everything but public pages; a session cookie that no
// longer works is cleared and the request goes on as nobody too. A bearer
// token that does not work is refused at once with 401: a system that
// presents a bad key must not be mistaken for a visitor. fail writes that
// refusal (and database errors) in the surface's own format.
func Middleware(svc *ops.Service, fail func(http.ResponseWriter, *http.Request, error), next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		addr := Address(r)
		var who access.Actor
		var err error
		switch {
		case r.Header.Get("Authorization") != "":
			token, ok := bearer(r)
			if !ok {
				w.Header().Set("WWW-Authenticate", `Bearer realm="stockpile"`)
				fail(w, r, apperr.New(apperr.Unauthenticated, "auth.scheme", "请使用 Authorization: Bearer <令牌>",
					"use Authorization: Bearer <token>"))
				return
			}
			if who, err = svc.AuthenticateToken(r.Context(), token, addr); err != nil {
				w.Header().Set("WWW-Authenticate", `Bearer realm="stockpile", error="invalid_token"`)
				fail(w, r, err)
				return
			}
		default:
			who = access.Nobody()
			who.Address = addr
			if secret := SessionSecret(r); secret != "" {
				who, err = svc.Authenticate(r.Context(), secret, addr)
				if apperr.IsKind(err, apperr.Unauthenticated) {
					ClearSession(w, r)
					who, err = access.Nobody(), nil
					who.Address = addr
				}
				if err != nil {
					fail(w, r, err)
					return
				}
			}
		}
		next.ServeHTTP(w, r.WithContext(access.WithActor(r.Context(), who)))
	})
}

// bearer returns the token of an "Authorization: Bearer" header.
func bearer(r *http.Request) (string, bool) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	token = strings.TrimSpace(token)
	return token, ok && strings.EqualFold(scheme, "Bearer") && token != "" && len(token) <= 256
}

// Address is the client's IP address: the connection's peer, or what a
// trusted proxy said it was (the server's edge rewrites RemoteAddr).
func Address(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// SessionSecret is the session cookie's value, or "".
func SessionSecret(r *http.Request) string {
	c, err := r.Cookie(SessionCookie)
	if err != nil || len(c.Value) > 256 {
		return ""
	}
	return c.Value
}

// DeviceSecret is the device cookie's value, or "".
func DeviceSecret(r *http.Request) string {
	c, err := r.Cookie(DeviceCookie)
	if err != nil || len(c.Value) > 256 {
		return ""
	}
	return c.Value
}

// cookie returns a cookie of Stockpile's: HttpOnly, SameSite=Lax (sent
// when a person follows a link here, never with another site's POST, which
// the edge refuses anyway), Secure when served over TLS or behind a
// trusted TLS proxy.
//
// Its lifetime is Max-Age, counted by the browser from when it arrives,
// not an Expires date: a browser whose clock differs from the server's
// keeps it as long.
func cookie(r *http.Request, name, value string, lifetime time.Duration) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: int(lifetime / time.Second), HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: httpx.Secure(r)}
}

// SetSession sets the session and device cookies of a new sign-in.
func SetSession(w http.ResponseWriter, r *http.Request, in ops.SignedIn) {
	http.SetCookie(w, cookie(r, SessionCookie, in.Secret, in.Lifetime))
	http.SetCookie(w, cookie(r, DeviceCookie, in.Device, deviceLifetime))
}

// ClearSession removes the session cookie (the device cookie stays).
func ClearSession(w http.ResponseWriter, r *http.Request) {
	c := cookie(r, SessionCookie, "", 0)
	c.MaxAge = -1
	http.SetCookie(w, c)
}

// SignIn is the request of a sign-in form or API call from r.
func SignIn(r *http.Request, username, password string) ops.SignInRequest {
	return ops.SignInRequest{Username: username, Password: password, Address: Address(r), Device: DeviceSecret(r)}
}
