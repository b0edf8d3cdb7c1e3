package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
)

// Languages: Chinese is the default; English is the switch.
const (
	langZH = "zh"
	langEN = "en"
)

// langCookie remembers the language a user switched to.
const langCookie = "stockpile_lang"

//go:embed locale/*.json
var localeFS embed.FS

// catalogue holds every message in both languages. Each locale/<screen>.json
// file maps keys to a pair ["中文", "English"]; a key may appear in only one
// file, so screens can be worked on apart.
type catalogue struct {
	zh, en map[string]string
	// zhJSON and enJSON are the messages marshalled once, for every page's
	// scripts (see page.Client).
	zhJSON, enJSON json.RawMessage
}

func loadCatalogue() (*catalogue, error) {
	c := &catalogue{zh: map[string]string{}, en: map[string]string{}}
	files, err := fs.Glob(localeFS, "locale/*.json")
	if err != nil {
		return nil, err
	}
	for _, name := range files {
		b, err := localeFS.ReadFile(name)
		if err != nil {
			return nil, err
		}
		if c, err = parseLocale(name, b, c); err != nil {
			return nil, err
		}
	}
	if c.zhJSON, err = json.Marshal(c.zh); err != nil {
		return nil, err
	}
	if c.enJSON, err = json.Marshal(c.en); err != nil {
		return nil, err
	}
	return c, nil
}

// parseLocale adds one locale file's pairs to c.
func parseLocale(name string, b []byte, c *catalogue) (*catalogue, error) {
	var pairs map[string][]string
	if err := json.Unmarshal(b, &pairs); err != nil {
		return nil, fmt.Errorf("web: %s: %w", name, err)
	}
	for k, p := range pairs {
		if len(p) != 2 || strings.TrimSpace(p[0]) == "" || strings.TrimSpace(p[1]) == "" {
			return nil, fmt.Errorf("web: %s: %q needs [\"中文\", \"English\"]", name, k)
		}
		if _, dup := c.zh[k]; dup {
			return nil, fmt.Errorf("web: %s: %q is defined twice", name, k)
		}
		c.zh[k], c.en[k] = p[0], p[1]
	}
	return c, nil
}

// messagesJSON returns the messages of one language as JSON.
func (c *catalogue) messagesJSON(lang string) json.RawMessage {
	if lang == langEN {
		return c.enJSON
	}
	return c.zhJSON
}

// messages returns the messages of one language.
func (c *catalogue) messages(lang string) map[string]string {
	if lang == langEN {
		return c.en
	}
	return c.zh
}

// translate returns the message for key, formatted with args. An unknown
// key is shown as itself, in brackets, so a missing message is visible
// (and the locale test fails).
func (c *catalogue) translate(lang, key string, args ...any) string {
	msg, ok := c.messages(lang)[key]
	if !ok {
		return "[" + key + "]"
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

// language reads the request's language: the cookie, else Chinese.
func language(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil && c.Value == langEN {
		return langEN
	}
	return langZH
}

// switchLanguage sets the language cookie and goes back to the page the
// user came from (only a local path, never another site).
func (h *handler) switchLanguage(w http.ResponseWriter, r *http.Request) {
	lang := r.PathValue("lang")
	if lang != langZH && lang != langEN {
		http.NotFound(w, r)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, localPath(r.URL.Query().Get("back")), http.StatusSeeOther)
}

// localPath returns back if it is a path on this site, else "/". Browsers
// read a backslash as a slash, so "/\evil.example" would leave the site
// as "//evil.example" does: neither is local.
func localPath(back string) string {
	u, err := url.Parse(back)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") ||
		!strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") || strings.ContainsRune(back, '\\') {
		return "/"
	}
	u.Path = path.Clean(u.Path)
	return u.String()
}
