package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"strings"
	"time"
)

//go:embed all:static
var staticFS embed.FS

// assets serves the embedded static files. Pages link to them with a
// content hash in the query (/static/js/app.js?v=1a2b3c4d), so a browser
// may keep a file for a year and still sees a new build at once.
//
// A script that is an ES module (static/js/readiness.js and the modules
// under static/js/readiness/) imports others by relative path
// ('./readiness/names.js'). The browser resolves such a path against the
// importing file's URL without its query, so the imported file would be
// fetched unversioned: revalidated on every visit, and not the same build
// as its importer's for as long as the importer is cached. So at start the
// relative imports of every module are rewritten to carry the imported
// file's hash ('./readiness/names.js?v=…'), and a module's own hash is that
// of its rewritten text: it changes whenever any module it imports, however
// deep, changes. The page's Content-Security-Policy needs nothing new (an
// import map would be an inline script, which script-src 'self' refuses),
// and the files in the tree stay plain modules that also work unserved.
type assets struct {
	hashes  map[string]string // path under static/ → short content hash
	modules map[string][]byte // path → a module's text with its imports versioned
	server  http.Handler
}

func loadAssets() (*assets, error) {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	a := &assets{hashes: map[string]string{}, modules: map[string][]byte{}}
	src := map[string][]byte{} // modules, as embedded
	err = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, p)
		if err != nil {
			return err
		}
		if isModule(p, b) {
			src[p] = b
			return nil
		}
		a.hashes[p] = hashOf(b)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web: reading assets: %w", err)
	}
	for p := range src {
		if err := a.version(p, src, map[string]bool{}); err != nil {
			return nil, fmt.Errorf("web: module %s: %w", p, err)
		}
	}
	a.server = http.StripPrefix("/static/", http.FileServerFS(sub))
	return a, nil
}

func hashOf(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:4])
}

// moduleSyntax finds a module: a script of our own under js/ with an
// import or export statement at the start of a line. The classic scripts
// are wrapped in a function and have none.
var moduleSyntax = regexp.MustCompile(`(?m)^(import|export)\s`)

func isModule(p string, b []byte) bool {
	return strings.HasPrefix(p, "js/") && strings.HasSuffix(p, ".js") && moduleSyntax.Match(b)
}

// relativeImport is a static import of a relative path: `from './x.js'`,
// `import './x.js'`.
var relativeImport = regexp.MustCompile(`(\bfrom\s*|\bimport\s*)(['"])(\.\.?/[^'"?#]+\.js)(['"])`)

// version rewrites module p's relative imports to carry their files'
// hashes, versioning the imported modules first, and records p's hash.
// A cycle of imports is refused: its hashes could not be computed.
func (a *assets) version(p string, src map[string][]byte, visiting map[string]bool) error {
	if _, done := a.modules[p]; done {
		return nil
	}
	if visiting[p] {
		return fmt.Errorf("import cycle through %s", p)
	}
	visiting[p] = true
	var failed error
	out := relativeImport.ReplaceAllFunc(src[p], func(m []byte) []byte {
		g := relativeImport.FindSubmatch(m)
		target := path.Join(path.Dir(p), string(g[3]))
		if _, ok := src[target]; ok {
			if err := a.version(target, src, visiting); err != nil && failed == nil {
				failed = err
			}
		}
		h, ok := a.hashes[target]
		if !ok {
			if failed == nil {
				failed = fmt.Errorf("imports %s, which is not an asset", g[3])
			}
			return m
		}
		return []byte(string(g[1]) + string(g[2]) + string(g[3]) + "?v=" + h + string(g[4]))
	})
	if failed != nil {
		return failed
	}
	a.modules[p] = out
	a.hashes[p] = hashOf(out)
	delete(visiting, p)
	return nil
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
	if b, ok := a.modules[p]; ok {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		http.ServeContent(w, r, p, time.Time{}, bytes.NewReader(b))
		return
	}
	a.server.ServeHTTP(w, r)
}
