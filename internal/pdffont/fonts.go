// Package pdffont embeds the fonts Stockpile prints its PDFs with (lot labels,
// dispatch orders, waybills) and sets mixed Chinese and Latin text in them with fpdf.
//
// No font in the set covers both scripts, so a string is split into runs, each drawn
// in the first face that has its characters: the style's Latin face, else the Chinese
// face, else the Latin sans face; a character none of them has prints as [Missing].
// Text is measured with the same advance widths fpdf writes into the PDF, so wrapping
// and alignment agree with what is printed.
//
//	pen, err := pdffont.Register(pdf) // pdf is an *fpdf.Fpdf in millimetres
//	if err != nil { … }
//	st := pen.Bold(12)
//	for i, line := range pen.Wrap("帐篷 3×4m Tent（棉质加厚）", st, 40) {
//		pen.Text(20, 30+float64(i)*st.LineHeight(), line, st)
//	}
//
// [QRCode] draws a QR code as vector rectangles, for the documents that carry one.
package pdffont

import (
	_ "embed" // the fonts below
	"fmt"
	"sync"

	"codeberg.org/go-pdf/fpdf"
)

// The fonts are embedded so that documents print the same on a machine with no fonts
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
//   - DejaVu Sans Mono Bold, cut to Latin-1, for codes such as lot codes: 37 KB.
//
// fpdf subsets each font again when it writes a PDF, so a document embeds only the
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

// Face is one embedded font, registered with fpdf under a family and style.
type Face struct {
	family, style string
	ttf           []byte
	widths        metrics
}

// Covers reports whether the face has a glyph for r. A nil face covers nothing.
func (f *Face) Covers(r rune) bool {
	if f == nil {
		return false
	}
	_, ok := f.widths[r]
	return ok
}

// Fonts is the set of embedded faces.
type Fonts struct {
	CJK      *Face // Droid Sans Fallback: Chinese text, one weight
	Sans     *Face // DejaVu Sans Condensed: Latin text, digits and symbols
	SansBold *Face // DejaVu Sans Condensed Bold
	Mono     *Face // DejaVu Sans Mono Bold: codes
}

// loadFonts returns the embedded fonts. They are parsed on the first call and shared,
// read-only, by every later one.
var loadFonts = sync.OnceValues(func() (*Fonts, error) {
	fs := &Fonts{
		CJK:      &Face{family: "droidsansfallback", ttf: cjkTTF},
		Sans:     &Face{family: "dejavusanscondensed", ttf: sansTTF},
		SansBold: &Face{family: "dejavusanscondensed", style: "B", ttf: sansBoldTTF},
		Mono:     &Face{family: "dejavusansmono", style: "B", ttf: monoTTF},
	}
	for _, f := range fs.all() {
		w, err := parseMetrics(f.ttf)
		if err != nil {
			return nil, fmt.Errorf("pdffont: font %s %s: %w", f.family, f.style, err)
		}
		f.widths = w
	}
	return fs, nil
})

func (fs *Fonts) all() []*Face { return []*Face{fs.CJK, fs.Sans, fs.SansBold, fs.Mono} }

// Pen sets text in the embedded fonts on one PDF, whose unit must be millimetres.
type Pen struct {
	pdf   *fpdf.Fpdf
	fonts *Fonts
}

// Register adds the embedded fonts to pdf and returns a Pen that draws on it.
func Register(pdf *fpdf.Fpdf) (*Pen, error) {
	fs, err := loadFonts()
	if err != nil {
		return nil, err
	}
	for _, f := range fs.all() {
		pdf.AddUTF8FontFromBytes(f.family, f.style, f.ttf)
	}
	return &Pen{pdf: pdf, fonts: fs}, nil
}

// Fonts returns the faces p draws with.
func (p *Pen) Fonts() *Fonts { return p.fonts }

// Regular is black text of size points in DejaVu Sans Condensed and the Chinese face.
func (p *Pen) Regular(size float64) Style { return Style{Latin: p.fonts.Sans, Size: size} }

// Bold is black text of size points in DejaVu Sans Condensed Bold and the Chinese face
// emboldened.
func (p *Pen) Bold(size float64) Style {
	return Style{Latin: p.fonts.SansBold, Size: size, Bold: true}
}
