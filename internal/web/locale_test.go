package web

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/zhtext"
)

// TestLocaleKeysExist finds every message key the templates and scripts
// use literally ({{.T "key"}}, {{$.T "key"}}, t('key'), S.t('key')) and
// checks that the catalogue has it, in both languages. Keys built at run
// time (nav.<screen>, tier.<tier>, …) are checked by the page tests.
func TestLocaleKeysExist(t *testing.T) {
	t.Parallel()
	c, err := loadCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	uses := map[string][]string{} // key → files
	collect := func(fsys fs.FS, pattern string, re *regexp.Regexp) {
		files, err := fs.Glob(fsys, pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			b, err := fs.ReadFile(fsys, f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range re.FindAllStringSubmatch(string(b), -1) {
				uses[m[1]] = append(uses[m[1]], f)
			}
		}
	}
	collect(templateFS, "templates/*.html", regexp.MustCompile(`\.T "([a-z0-9_.-]+)"`))
	collect(staticFS, "static/js/*.js", regexp.MustCompile(`\bt\('([a-z0-9_.-]+)'`))
	collect(staticFS, "static/js/*/*.js", regexp.MustCompile(`\bt\('([a-z0-9_.-]+)'`)) // a screen's ES modules
	if len(uses) < 100 {
		t.Fatalf("found only %d keys in use; is the pattern right?", len(uses))
	}
	for key, files := range uses {
		if strings.HasSuffix(key, ".") {
			continue // a prefix completed at run time
		}
		if _, ok := c.zh[key]; !ok {
			t.Errorf("%s uses %q, which no locale file defines", files[0], key)
		}
		if c.en[key] == "" {
			t.Errorf("%q has no English", key)
		}
	}
}

// TestLocaleCatalogue checks the loader refuses what would show a user a
// broken page: a missing language, a key defined twice.
func TestLocaleCatalogue(t *testing.T) {
	t.Parallel()
	c, err := loadCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	if c.translate(langEN, "nav.map") != "Map" || c.translate(langZH, "nav.map") != "一张图" {
		t.Errorf("nav.map: %q / %q", c.translate(langZH, "nav.map"), c.translate(langEN, "nav.map"))
	}
	if got := c.translate(langZH, "no.such.key"); got != "[no.such.key]" {
		t.Errorf("unknown key shown as %q", got)
	}
	if got := c.translate(langEN, "common.row", 3); got != "line 3" {
		t.Errorf("formatted message %q", got)
	}
	for _, bad := range []string{`{"a.b": ["只有中文"]}`, `{"a.b": ["中文", " "]}`} {
		if _, err := parseLocale("x.json", []byte(bad), &catalogue{zh: map[string]string{}, en: map[string]string{}}); err == nil {
			t.Errorf("locale %s accepted", bad)
		}
	}
	dup := &catalogue{zh: map[string]string{"a.b": "甲"}, en: map[string]string{"a.b": "A"}}
	if _, err := parseLocale("x.json", []byte(`{"a.b": ["乙", "B"]}`), dup); err == nil {
		t.Error("a key defined twice was accepted")
	}
}

// TestLocaleChinesePunctuation checks that Chinese text in the catalogue
// uses full-width punctuation (，：；（）): an ASCII comma, colon,
// semicolon, parenthesis or question mark next to a Chinese character is
// a slip. Codes,
// numbers, URLs and format verbs keep ASCII ("10:00", "(%s)").
func TestLocaleChinesePunctuation(t *testing.T) {
	t.Parallel()
	c, err := loadCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	for key, zh := range c.zh {
		if at := zhtext.ASCIIPunct(zh); at >= 0 {
			t.Errorf("%s: ASCII %q in Chinese text: %q (use ，：；（）？)", key, zh[at], zh)
		}
	}
	for _, tc := range []struct {
		s    string
		want bool
	}{
		{"就绪:有可用批次", true}, {"库容(立方米)", true}, {"甲,乙", true}, {"(甲)", true}, {"原因;", true},
		{"就绪：有可用批次，库容（立方米）", false}, {"时间 10:00", false}, {"库容 (m³)", false}, {"%s:%s", false},
		{"https://example.org/a,b", false}, {"（可选）:", true}, {"继续?", true}, {"user:3、token:1", false},
	} {
		if got := zhtext.ASCIIPunct(tc.s) >= 0; got != tc.want {
			t.Errorf("zhtext.ASCIIPunct(%q) = %v, want %v", tc.s, got, tc.want)
		}
	}
}
