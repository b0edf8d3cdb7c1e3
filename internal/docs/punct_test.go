package docs_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/zhtext"
)

// TestChinesePunctuationInCode: Chinese text the program shows (messages,
// labels, reasons) takes full-width punctuation, as the locale files do
// (internal/web TestLocaleChinesePunctuation). Every string literal of
// the program's Go code that holds Chinese is checked; tests are not,
// since they also hold data as users type it. Strings that cite a source
// in English with Chinese quoted in it are exempt by the marker
// "reserve plan", "assumption" or a URL, which sources carry.
func TestChinesePunctuationInCode(t *testing.T) {
	root := repoRoot(t)
	var bad []string
	err := filepath.WalkDir(filepath.Join(root, "internal"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") ||
			strings.HasSuffix(path, filepath.Join("web", "reasons.go")) { // matches reasons stored as they were typed
			return err
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			v, err := strconv.Unquote(lit.Value)
			if err != nil || zhtext.ASCIIPunct(v) < 0 || citesSource(v) {
				return true
			}
			rel, _ := filepath.Rel(root, fset.Position(lit.Pos()).Filename)
			bad = append(bad, rel+":"+strconv.Itoa(fset.Position(lit.Pos()).Line)+": "+v)
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bad {
		t.Errorf("ASCII punctuation in Chinese text (use ，：；（）？): %s", b)
	}
}

// citesSource reports whether s is a source citation in English that
// quotes Chinese titles or words.
func citesSource(s string) bool {
	for _, marker := range []string{"reserve plan", "assumption", "http://", "https://", "census", "Beijing's"} {
		if strings.Contains(s, marker) {
			return true
		}
	}
	return false
}
