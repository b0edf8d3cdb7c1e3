package label

import (
	_ "embed" // the fonts below
	"fmt"
	"sync"

	"codeberg.org/go-pdf/fpdf"
)

// The fonts are embedded so that labels print the same on a machine with no fonts
// installed. They are subsets made by ./internal/fontgen (see fonts/README.md):
//
//   - Droid Sans Fallback (Google, Apache License 2.0; Debian fonts-droid-fallback,
//     DroidSansFallbackFull.ttf), cut to GB2312 plus all CJK Unified Ideographs
//     U+4E00–U+9FFF, CJK punctuation and fullwidth forms: 2.9 MB. It has TrueType
//     (glyf) outlines, which fpdf needs; Noto CJK is CFF and fpdf cannot embed it.
//     It has no Latin letters and a single weight: bold Chinese is drawn by also
//     stroking the glyph outline.
//   - DejaVu Sans Condensed and Condensed Bold (Bitstream Vera licence; Debian
//     fonts-dejavu-core), cut to Latin, Greek, punctuation and common symbols, for
//     Latin text, digits and dates: 130 KB each.
//   - DejaVu Sans Mono Bold, cut to Latin-1, for the lot code: 37 KB.
//
// fpdf subsets each font again when it writes a PDF, so a label sheet embeds only the
// glyphs it prints.
//
//go:generate go run ./internal/fontgen -out fonts
var (
	//go:embed fonts/DroidSansFallback-GBK.ttf
	cjkTTF []byte
	//go:embed fonts/DejaVuSansCondensed-Latin.ttf
	sansTTF []byte
	//go:embed fonts/DejaVuSansCondensed-Bold-Latin.ttf
	sansBoldTTF []byte
	//go:embed fonts/DejaVuSansMono-Bold-Latin.ttf
	monoTTF []byte
)

// face is one embedded font registered with fpdf as family+style.
type face struct {
	family, style string
	ttf           []byte
	widths        metrics
}

// faces are the embedded fonts, parsed once.
type faceSet struct {
	cjk, sans, sansBold, mono *face
}

var loadFaces = sync.OnceValues(func() (*faceSet, error) {
	fs := &faceSet{
		cjk:      &face{family: "droidsansfallback", ttf: cjkTTF},
		sans:     &face{family: "dejavusanscondensed", ttf: sansTTF},
		sansBold: &face{family: "dejavusanscondensed", style: "B", ttf: sansBoldTTF},
		mono:     &face{family: "dejavusansmono", style: "B", ttf: monoTTF},
	}
	for _, f := range fs.all() {
		w, err := parseMetrics(f.ttf)
		if err != nil {
			return nil, fmt.Errorf("label: font %s %s: %w", f.family, f.style, err)
		}
		f.widths = w
	}
	return fs, nil
})

func (fs *faceSet) all() []*face { return []*face{fs.cjk, fs.sans, fs.sansBold, fs.mono} }

// register adds every face to pdf.
func (fs *faceSet) register(pdf *fpdf.Fpdf) {
	for _, f := range fs.all() {
		pdf.AddUTF8FontFromBytes(f.family, f.style, f.ttf)
	}
}

// covers reports whether the face has a glyph for r.
func (f *face) covers(r rune) bool {
	_, ok := f.widths[r]
	return ok
}
