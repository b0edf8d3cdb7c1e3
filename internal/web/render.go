package web

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/httpx"
)

//go:embed templates/*.html
var templateFS embed.FS

// views holds one template set per page: the layout plus the page's own
// file, which defines "content" and may define "scripts" and partials.
type views struct {
	pages map[string]*template.Template
}

// loadViews parses every page under templates/ with the layout. Parsing
// errors stop the server from starting.
func loadViews() (*views, error) {
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("web: layout: %w", err)
	}
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	v := &views{pages: map[string]*template.Template{}}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(templateFS, f)
		if err != nil {
			return nil, fmt.Errorf("web: page %s: %w", name, err)
		}
		v.pages[name] = t
	}
	return v, nil
}

// funcs are the few template functions that are not methods of page.
var funcs = template.FuncMap{
	// list makes a slice of strings, to range over fixed choices.
	"list": func(s ...string) []string { return s },
	"add":  func(a, b int) int { return a + b },
	"sub":  func(a, b int) int { return a - b },
	// dict builds a map from key, value pairs, to pass several values to
	// a partial: {{template "x" (dict "Page" . "Rows" .Data.Rows)}}.
	"dict": func(kv ...any) (map[string]any, error) {
		if len(kv)%2 != 0 {
			return nil, fmt.Errorf("dict: odd number of arguments")
		}
		m := make(map[string]any, len(kv)/2)
		for i := 0; i < len(kv); i += 2 {
			k, ok := kv[i].(string)
			if !ok {
				return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
			}
			m[k] = kv[i+1]
		}
		return m, nil
	},
}

// page is what every template sees as its root: the request's language,
// the active screen, the page's own data, and helpers as methods.
type page struct {
	Lang   string
	Screen string // active navigation entry
	Title  string // locale key of the page title
	Data   any
	h      *handler
	path   string       // the request path, for the language switch
	who    access.Actor // who is signed in (access.Nobody on the sign-in page)
	ctx    context.Context
	people map[string]string // principals named on the page (Person)
}

func (h *handler) newPage(r *http.Request, screen, title string, data any) *page {
	return &page{Lang: language(r), Screen: screen, Title: title, Data: data, h: h, path: r.URL.RequestURI(),
		who: access.FromContext(r.Context()), ctx: r.Context()}
}

// Can reports whether the signed-in user's roles let them take action
// somewhere (access.Actor.Can): what decides whether a button is shown.
// Where the act lands is checked when it is taken. An action the rule
// table does not know fails the page, so a misspelt one is caught by the
// page tests rather than hiding a button for good.
func (p *page) Can(action string) (bool, error) {
	act := access.Action(action)
	if _, ok := access.RuleOf(act); !ok {
		return false, fmt.Errorf("web: template asks for unknown action %q", action)
	}
	return p.who.Can(act), nil
}

// Who is the signed-in user (or token), for the header.
func (p *page) Who() access.Actor { return p.who }

// Signed reports whether someone is signed in.
func (p *page) Signed() bool { return p.who.Signed() }

// RoleNames names the user's roles in the page's language, or says that
// they must change their password first, when they have none yet.
func (p *page) RoleNames() string {
	if p.who.MustChangePassword {
		return p.T("auth.must_change_short")
	}
	names := make([]string, len(p.who.Roles))
	for i, r := range p.who.Roles {
		names[i] = p.Pick(r.Names())
	}
	return strings.Join(names, p.Pick("、", ", "))
}

// RoleName names a role in the page's language.
func (p *page) RoleName(r access.Role) string { return p.Pick(r.Names()) }

// SignInURL is the sign-in page, coming back here after.
func (p *page) SignInURL() string {
	u, _ := url.Parse(p.path)
	if u == nil || u.Path == "/" || u.Path == "/login" {
		return "/login"
	}
	return "/login?next=" + url.QueryEscape(p.path)
}

// T translates a locale key, formatting args into it.
func (p *page) T(key string, args ...any) string { return p.h.locale.translate(p.Lang, key, args...) }

// Pick chooses the Chinese or the English of a pair, falling back to the
// Chinese when there is no English.
func (p *page) Pick(zh, en string) string { return pick(p.Lang, zh, en) }

// Reason is a ledger reason in the page's language: the system's own
// reasons translated on English screens, people's as they typed them.
func (p *page) Reason(reason string) string { return reasonText(p.Lang, reason) }

// pick chooses the English of a pair in English, when there is one, and
// the Chinese otherwise.
func pick(lang, zh, en string) string {
	if lang == langEN && en != "" {
		return en
	}
	return zh
}

// Asset links to an embedded static file.
func (p *page) Asset(name string) (string, error) { return p.h.assets.url(name) }

// Num formats a number with thousands separators and at most one decimal.
func (p *page) Num(v any) string { return formatNumber(v) }

// Dur says how long a number of minutes is ("2 小时 5 分", "2 h 5 min").
func (p *page) Dur(minutes int) string { return durationText(p.Lang, minutes) }

// Router names where travel times came from, in the page's language.
func (p *page) Router(name string) string { return routerText(p.Lang, name) }

// Pct formats a share (0.853) as a percentage ("85.3%").
func (p *page) Pct(share float64) string {
	if math.IsNaN(share) || math.IsInf(share, 0) {
		return "–"
	}
	return strconv.FormatFloat(math.Round(share*1000)/10, 'f', -1, 64) + "%"
}

// SwitchTo is the other language, and SwitchURL the link that switches to it.
func (p *page) SwitchTo() string {
	if p.Lang == langEN {
		return langZH
	}
	return langEN
}

func (p *page) SwitchURL() string {
	return "/lang/" + p.SwitchTo() + "?back=" + template.URLQueryEscaper(p.path)
}

// NavItem is one entry of the navigation.
type NavItem struct {
	Key, Path, Icon string
	Active          bool
	doors           []door // the screen's pages, its own first
}

// door is a page of a screen and who may open it.
type door struct {
	path   string
	action access.Action
}

// Nav lists the screens in the navigation the user may open, each leading
// to its first page the user may open (a partner department's 基础数据 to
// its reserves' tab, a reserve manager's 系统管理 to webhooks), marking the
// active one.
func (p *page) Nav() []NavItem {
	out := make([]NavItem, 0, len(p.h.nav))
	if p.who.MustChangePassword {
		return out
	}
	for _, n := range p.h.nav {
		i := slices.IndexFunc(n.doors, func(d door) bool { return p.who.Can(d.action) })
		if i < 0 {
			continue
		}
		n.Path, n.Active = n.doors[i].path, n.Key == p.Screen
		out = append(out, n)
	}
	return out
}

// Client is the JSON handed to the page's scripts: the language, its
// messages and the map configuration.
func (p *page) Client() (template.JS, error) {
	basemap, err := p.h.assets.url(basemapFile)
	if err != nil {
		return "", err
	}
	return p.JSON(struct {
		Lang     string          `json:"lang"`
		Messages json.RawMessage `json:"messages"`
		Tiles    *TileLayer      `json:"tiles,omitempty"`
		Basemap  string          `json:"basemap"`
	}{p.Lang, p.h.locale.messagesJSON(p.Lang), p.h.tiles, basemap})
}

// basemapFile is the offline district basemap under static/, converted
// from GCJ-02 to WGS-84 by scripts/basemap (see its SOURCE.md).
const basemapFile = "map/beijing-districts.geojson"

// JSON marshals v for a <script type="application/json"> block.
func (p *page) JSON(v any) (template.JS, error) {
	b, err := json.Marshal(v)
	return template.JS(b), err
}

// render writes a whole page, or an error page if the template fails.
func (h *handler) render(w http.ResponseWriter, r *http.Request, view string, p *page) {
	h.execute(w, r, http.StatusOK, view, "layout", p)
}

// renderStatus writes a whole page with status, such as a form shown
// again with what was wrong with it.
func (h *handler) renderStatus(w http.ResponseWriter, r *http.Request, status int, view string, p *page) {
	h.execute(w, r, status, view, "layout", p)
}

// partial writes one named template of a page, for htmx requests.
func (h *handler) partial(w http.ResponseWriter, r *http.Request, view, name string, p *page) {
	h.execute(w, r, http.StatusOK, view, name, p)
}

// execute writes template name of view with p, with status, or the error
// page if it fails.
func (h *handler) execute(w http.ResponseWriter, r *http.Request, status int, view, name string, p *page) {
	t, ok := h.views.pages[view]
	if !ok {
		h.fail(w, r, fmt.Errorf("web: no view %q", view))
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, p); err != nil {
		h.fail(w, r, fmt.Errorf("web: rendering %s/%s: %w", view, name, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// errorView is the data of the error page.
type errorView struct {
	Status  int
	ZH, EN  string
	Details string
}

// fail shows err to the user with the status and log record
// httpx.Explain gives it: a domain error (apperr) with its own status and
// both languages; anything else logged once and shown without details.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	f := httpx.Explain(h.logger, r, err)
	h.showError(w, r, f.Status, errorView{ZH: f.Err.ZH, EN: f.Err.EN})
}

func (h *handler) showError(w http.ResponseWriter, r *http.Request, status int, ev errorView) {
	ev.Status = status
	t := h.views.pages["error"]
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", h.newPage(r, "", "error.title", ev)); err != nil {
		http.Error(w, ev.ZH+" / "+ev.EN, status)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// notFound shows the not-found page.
func (h *handler) notFound(w http.ResponseWriter, r *http.Request) {
	h.showError(w, r, http.StatusNotFound, errorView{ZH: "没有这个页面", EN: "there is no such page"})
}
