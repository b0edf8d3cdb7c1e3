package importer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDocsColumnTables keeps docs/import.md's column tables in step with
// the kinds: after the marker line of each kind comes the table
// ColumnsTable makes.
func TestDocsColumnTables(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "docs", "import.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	for _, s := range Specs() {
		marker := "<!-- columns: " + string(s.Kind) + " -->\n"
		_, rest, ok := strings.Cut(doc, marker)
		want := ColumnsTable(s)
		if !ok || !strings.HasPrefix(rest, want) {
			t.Errorf("docs/import.md: after %q put the table of %s:\n\n%s", strings.TrimSpace(marker), s.Kind, want)
		}
	}
}

// TestSpecs: every kind has a key made of its columns, each column key
// once, and SpecOf finds it.
func TestSpecs(t *testing.T) {
	for _, s := range Specs() {
		seen := map[string]bool{}
		heads := map[string]string{} // every header a column is read by → its key
		for _, c := range s.Columns {
			if seen[c.Key] || c.ZH == "" || c.EN == "" {
				t.Errorf("%s: column %+v repeated or unnamed", s.Kind, c)
			}
			seen[c.Key] = true
			for _, h := range append([]string{c.Key, c.ZH, c.EN}, c.Aliases...) {
				h = strings.ToLower(h)
				if k, dup := heads[h]; dup && k != c.Key {
					t.Errorf("%s: header %q names both %s and %s", s.Kind, h, k, c.Key)
				}
				heads[h] = c.Key
			}
		}
		for _, k := range s.Key {
			if !seen[k] {
				t.Errorf("%s: key column %s is not a column", s.Kind, k)
			}
		}
		if got, err := SpecOf(string(s.Kind)); err != nil || got.Kind != s.Kind {
			t.Errorf("SpecOf(%s): %v", s.Kind, err)
		}
	}
	if _, err := SpecOf("nothing"); err == nil {
		t.Error("SpecOf found an unknown kind")
	}
}
