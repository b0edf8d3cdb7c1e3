package warning

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/apperr"
)

// FuzzParseCAP checks that ParseCAP never panics and that every outcome is
// either a bilingual *apperr.Error or a Warning that passes Validate.
func FuzzParseCAP(f *testing.F) {
	files, err := filepath.Glob("testdata/*.xml")
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed files: %v", err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(baseCAP))
	f.Add([]byte(`<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"/>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := ParseCAP(data, beijing)
		if err != nil {
			e, ok := err.(*apperr.Error)
			if !ok || e.ZH == "" || e.EN == "" || e.Code == "" {
				t.Fatalf("error %T %#v is not a complete *apperr.Error", err, err)
			}
			return
		}
		if w.Source != SourceCAP {
			t.Errorf("source %q", w.Source)
		}
		if err := w.Validate(knownBeijing); err != nil {
			t.Fatalf("ParseCAP returned a warning that fails Validate: %v\n%+v", err, w)
		}
	})
}
