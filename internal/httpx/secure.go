package httpx

import (
	"context"
	"net/http"
)

type secureKey struct{}

// WithSecure marks ctx as that of a request that reached the site over
// TLS, directly or through a trusted reverse proxy.
func WithSecure(ctx context.Context) context.Context {
	return context.WithValue(ctx, secureKey{}, true)
}

// Secure reports whether r reached the site over TLS, directly or through
// a trusted reverse proxy (X-Forwarded-Proto: https): cookies are marked
// Secure then.
func Secure(r *http.Request) bool {
	return r.TLS != nil || r.Context().Value(secureKey{}) == true
}
