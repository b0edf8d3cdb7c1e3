package docs_test

import (
	"bufio"
	"fmt"
	"io/fs"
	"iter"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// TestLinks checks every link of README.md and docs/**/*.md: a relative
// link must name a file or directory inside the repository, and a #anchor
// must name a heading (or an <a id>) of the file it points to. Web links
// (http, https, mailto) are not fetched.
func TestLinks(t *testing.T) {
	root := repoRoot(t)
	files := []string{filepath.Join(root, "README.md")}
	err := filepath.WalkDir(filepath.Join(root, "docs"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".md") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	anchors := map[string]map[string]bool{} // markdown file → its anchors
	anchorsOf := func(file string) map[string]bool {
		if a, ok := anchors[file]; ok {
			return a
		}
		a, err := markdownAnchors(file)
		if err != nil {
			t.Fatal(err)
		}
		anchors[file] = a
		return a
	}
	checked := 0
	for _, file := range files {
		rel, _ := filepath.Rel(root, file)
		for _, l := range markdownLinks(t, file) {
			checked++
			where := fmt.Sprintf("%s:%d: link %q", filepath.ToSlash(rel), l.line, l.target)
			u, err := url.Parse(l.target)
			if err != nil {
				t.Errorf("%s: not a URL: %v", where, err)
				continue
			}
			if u.Scheme != "" || u.Host != "" {
				if u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "mailto" {
					t.Errorf("%s: only http, https and mailto links may leave the repository", where)
				}
				continue
			}
			target := file
			if u.Path != "" {
				if strings.HasPrefix(u.Path, "/") {
					t.Errorf("%s: use a path relative to the file, not an absolute one", where)
					continue
				}
				target = filepath.Join(filepath.Dir(file), filepath.FromSlash(u.Path))
				if r, err := filepath.Rel(root, target); err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
					t.Errorf("%s: points outside the repository; carry what it needs into docs/ instead", where)
					continue
				}
				if _, err := os.Stat(target); err != nil {
					t.Errorf("%s: no such file or directory in the repository", where)
					continue
				}
			}
			if u.Fragment != "" {
				if !strings.HasSuffix(target, ".md") {
					continue // anchors into source files are line numbers and such: not checked
				}
				if !anchorsOf(target)[u.Fragment] {
					t.Errorf("%s: %s has no heading or <a id> for #%s", where, filepath.Base(target), u.Fragment)
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("found no links at all: the extraction is broken")
	}
}

// TestNothingPointsOutside looks through the repository's text files for
// references to the workspace around it (the shared notes the project was
// started from), which a reader of the repository cannot follow.
func TestNothingPointsOutside(t *testing.T) {
	root := repoRoot(t)
	bad := regexp.MustCompile(`\.\./shared\b|/work/shared|shared/domain|domain/README|domain README|domain notes\b|domain/beijing-districts`)
	eachTextLine(t, root, func(rel string, n int, line string) {
		if m := bad.FindString(line); m != "" {
			t.Errorf("%s:%d: %q points outside the repository; cite docs/data-sources.md (or the public source) instead", rel, n, m)
		}
	})
}

// TestDocReferences checks the places where code, data files and docs
// name a page of docs/ in plain text (a norm's source column
// "docs/data-sources.md#per-person-defaults", a Go comment): the page must
// exist and have the anchor.
func TestDocReferences(t *testing.T) {
	root := repoRoot(t)
	ref := regexp.MustCompile(`\bdocs/[A-Za-z0-9_./-]*[A-Za-z0-9_-]\.md(?:#[A-Za-z0-9_-]+)?`)
	anchors := map[string]map[string]bool{}
	checked := 0
	eachTextLine(t, root, func(rel string, n int, line string) {
		for _, m := range ref.FindAllString(line, -1) {
			checked++
			file, frag, _ := strings.Cut(m, "#")
			p := filepath.Join(root, filepath.FromSlash(file))
			if _, err := os.Stat(p); err != nil {
				t.Errorf("%s:%d: %s: no such page", rel, n, m)
				continue
			}
			if frag == "" {
				continue
			}
			a, ok := anchors[p]
			if !ok {
				var err error
				if a, err = markdownAnchors(p); err != nil {
					t.Fatal(err)
				}
				anchors[p] = a
			}
			if !a[frag] {
				t.Errorf("%s:%d: %s: %s has no heading or <a id> for #%s", rel, n, m, file, frag)
			}
		}
	})
	if checked == 0 {
		t.Fatal("found no references to docs/ at all: the scan is broken")
	}
}

// eachTextLine calls fn with every line of the repository's text files,
// skipping hidden directories, build output and this file.
func eachTextLine(t *testing.T, root string, fn func(rel string, n int, line string)) {
	t.Helper()
	self, _ := filepath.Abs("links_test.go")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != root && (strings.HasPrefix(name, ".") || name == "node_modules" || name == "artifacts" || name == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if p == self || !textFile(name) {
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 0, 64*1024), 4*1024*1024)
		for n := 1; sc.Scan(); n++ {
			fn(rel, n, sc.Text())
		}
		return sc.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
}

func textFile(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".go", ".md", ".csv", ".json", ".sh", ".txt", ".html", ".js", ".css", ".sql", ".xml", ".yaml", ".yml", ".toml", ".mod":
		return true
	}
	return name == "Makefile"
}

type link struct {
	line   int
	target string
}

var (
	inlineLink = regexp.MustCompile(`!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)`)
	refDef     = regexp.MustCompile(`^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$`)
	codeSpan   = regexp.MustCompile("`+[^`]*`+")
	htmlHref   = regexp.MustCompile(`(?i)<(?:a|img)\s[^>]*(?:href|src)="([^"]*)"`)
)

// proseLines yields the lines of a markdown text, with their index, that
// are outside fenced code blocks (``` or ~~~), where links and headings
// mean something.
func proseLines(text string) iter.Seq2[int, string] {
	return func(yield func(int, string) bool) {
		fence := ""
		for i, line := range strings.Split(text, "\n") {
			trimmed := strings.TrimSpace(line)
			switch {
			case fence != "":
				if strings.HasPrefix(trimmed, fence) {
					fence = ""
				}
			case strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~"):
				fence = trimmed[:3]
			default:
				if !yield(i, line) {
					return
				}
			}
		}
	}
}

// markdownLinks lists the link targets of a markdown file, outside code.
func markdownLinks(t *testing.T, file string) []link {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var out []link
	for i, line := range proseLines(string(data)) {
		line = codeSpan.ReplaceAllString(line, "")
		for _, m := range inlineLink.FindAllStringSubmatch(line, -1) {
			out = append(out, link{i + 1, m[1]})
		}
		for _, m := range htmlHref.FindAllStringSubmatch(line, -1) {
			out = append(out, link{i + 1, m[1]})
		}
		if m := refDef.FindStringSubmatch(line); m != nil {
			out = append(out, link{i + 1, m[1]})
		}
	}
	return out
}

var (
	explicitAnchor = regexp.MustCompile(`(?i)<a\s+(?:id|name)="([^"]+)"`)
	headingLine    = regexp.MustCompile(`^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$`)
	mdLinkText     = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)
	htmlTag        = regexp.MustCompile(`<[^>]+>`)
)

// markdownAnchors returns the anchors a markdown file offers: GitHub's
// slug of every heading (with -1, -2 … for repeats) and every <a id>.
func markdownAnchors(file string) (map[string]bool, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	seen := map[string]int{}
	for _, line := range proseLines(string(data)) {
		for _, m := range explicitAnchor.FindAllStringSubmatch(line, -1) {
			out[m[1]] = true
		}
		if m := headingLine.FindStringSubmatch(line); m != nil {
			s := slug(m[2])
			if n := seen[s]; n > 0 {
				out[fmt.Sprintf("%s-%d", s, n)] = true
			} else {
				out[s] = true
			}
			seen[s]++
		}
	}
	return out, nil
}

// slug is GitHub's anchor for a heading: the text without markup, lower
// case, with everything but letters, digits, spaces, - and _ dropped and
// spaces turned into hyphens.
func slug(heading string) string {
	s := mdLinkText.ReplaceAllString(heading, "$1")
	s = htmlTag.ReplaceAllString(s, "")
	s = strings.ToLower(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Mn, r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}
