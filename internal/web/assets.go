package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
)

//go:embed all:static
var staticFS embed.FS

// assets serves the embedded static files. Pages link to them with a
// content hash in the query (/static/js/app.js?v=1a2b3c4d), so a browser
// may keep a file for a year and still sees a new build at once.
type assets struct {
	hashes map[string]string // path under static/ → short content hash
	server http.Handler
}

func loadAssets() (*assets, error) {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	a := &assets{hashes: map[string]string{}}
	err = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		a.hashes[p] = hex.EncodeToString(sum[:4])
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web: reading assets: %w", err)
	}
	a.server = http.StripPrefix("/static/", http.FileServerFS(sub))
	return a, nil
}

// url returns the link to an embedded file, or an error naming it when
// there is no such file, which fails the template at start-up checks.
func (a *assets) url(p string) (string, error) {
	h, ok := a.hashes[p]
	if !ok {
		return "", fmt.Errorf("web: no asset %q", p)
	}
	return "/static/" + p + "?v=" + h, nil
}

func (a *assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := strings.TrimPrefix(r.URL.Path, "/static/")
	h, ok := a.hashes[p]
	switch {
	case !ok:
		http.NotFound(w, r)
		return
	case r.URL.Query().Get("v") == h:
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	default:
		w.Header().Set("Cache-Control", "no-cache")
	}
	a.server.ServeHTTP(w, r)
}
