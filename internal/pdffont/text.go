package pdffont

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

const (
	// PtToMM converts points, the unit of font sizes, to millimetres.
	PtToMM = 25.4 / 72
	// Ellipsis ends text that [Pen.Fit] cuts short.
	Ellipsis = "…"
	// Missing is printed for a character none of the fonts has.
	Missing = '□'
	// LineSpacing is the height of a line as a multiple of the font size.
	LineSpacing = 1.25
)

// Style is how a piece of text is set. Each character is drawn with Latin if that
// face has it, else with the Chinese face, else with the Latin sans face, else as
// [Missing]. A nil Latin face draws Latin text in DejaVu Sans Condensed.
type Style struct {
	Latin *Face
	Size  float64 // points
	Bold  bool    // embolden the Chinese face, which has a single weight
	Gray  int     // 0 (black) to 255 (white)
}

// Scaled returns st with its size multiplied by k.
func (st Style) Scaled(k float64) Style {
	st.Size *= k
	return st
}

// LineHeight is the height of one line in millimetres.
func (st Style) LineHeight() float64 { return st.Size * LineSpacing * PtToMM }

// Baseline is where text in st sits on a line whose top is at y millimetres.
func (st Style) Baseline(y float64) float64 { return y + 0.95*st.Size*PtToMM }

// run is a stretch of text set in one face.
type run struct {
	face  *Face
	text  string
	width float64 // millimetres
}

// glyph is one character with the face that draws it and its advance in millimetres.
type glyph struct {
	r     rune
	face  *Face
	width float64
}

// shape resolves s to glyphs set in st.
func (p *Pen) shape(s string, st Style) []glyph {
	gs := make([]glyph, 0, len(s))
	for _, r := range s {
		f := p.faceFor(r, st.Latin)
		if f == nil {
			r, f = Missing, p.faceFor(Missing, st.Latin)
		}
		gs = append(gs, glyph{r: r, face: f, width: f.widths[r] / 1000 * st.Size * PtToMM})
	}
	return gs
}

func (p *Pen) faceFor(r rune, latin *Face) *Face {
	switch {
	case latin.Covers(r):
		return latin
	case p.fonts.CJK.Covers(r):
		return p.fonts.CJK
	case p.fonts.Sans.Covers(r):
		return p.fonts.Sans
	}
	return nil
}

// Width is the width of s set in st on one line, in millimetres.
func (p *Pen) Width(s string, st Style) float64 { return width(p.shape(s, st)) }

// Wrap breaks s, set in st, into lines no wider than w millimetres: between any two
// Chinese characters or at a space, before an opening bracket rather than after it and
// never with closing punctuation at the start of a line. A word wider than w is
// broken where it reaches w. Wrap returns no lines for a blank s.
func (p *Pen) Wrap(s string, st Style, w float64) []string {
	gs := p.shape(s, st)
	return lines(gs, wrap(gs, w))
}

func width(gs []glyph) float64 {
	w := 0.0
	for _, g := range gs {
		w += g.width
	}
	return w
}

// runs groups consecutive glyphs of the same face.
func runs(gs []glyph) []run {
	var rs []run
	var b strings.Builder
	w := 0.0
	for i, g := range gs {
		b.WriteRune(g.r)
		w += g.width
		if i == len(gs)-1 || gs[i+1].face != g.face {
			rs = append(rs, run{face: g.face, text: b.String(), width: w})
			b.Reset()
			w = 0
		}
	}
	return rs
}

// Clean turns control characters and runs of white space in s into single spaces
// and trims it.
func Clean(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	}), " ")
}

// Fit sets s, followed by keep, in at most maxLines (at least 1) lines no wider than
// w millimetres. It first tries one line, shrinking the type to 85 % of st.Size, then
// wraps, shrinking down to minSize points, and at minSize it cuts s short with
// [Ellipsis] but keeps keep (a code that must stay legible, such as a depot code). It
// returns the lines and their style. With minSize equal to st.Size, Fit wraps s as
// [Pen.Wrap] does and cuts it short only after maxLines lines.
func (p *Pen) Fit(s, keep string, st Style, w float64, maxLines int, minSize float64) ([]string, Style) {
	full := strings.TrimSpace(s + " " + keep)
	if one := p.Shrink(full, st, w, max(minSize, 0.85*st.Size)); width(p.shape(full, one)) <= w {
		return []string{full}, one
	}
	cur := st
	for ; cur.Size > minSize; cur.Size -= 0.25 {
		gs := p.shape(full, cur)
		if starts := wrap(gs, w); len(starts) <= maxLines {
			return lines(gs, starts), cur
		}
	}
	cur.Size = minSize
	gs := p.shape(full, cur)
	starts := wrap(gs, w)
	if len(starts) <= maxLines {
		return lines(gs, starts), cur
	}
	keepN := 0
	if s != "" && keep != "" {
		keepN = utf8.RuneCountInString(keep) + 1 // and the space before it
	}
	last := starts[maxLines-1]
	return append(lines(gs[:last], starts[:maxLines-1]), p.truncate(gs[last:], keepN, cur, w)), cur
}

// Shrink returns st at the largest size, down to minSize points, at which s fits on
// one line w millimetres wide (minSize if it fits at none). It tries sizes a quarter
// point apart.
func (p *Pen) Shrink(s string, st Style, w, minSize float64) Style {
	for st.Size > minSize && width(p.shape(s, st)) > w {
		st.Size = max(st.Size-0.25, minSize)
	}
	return st
}

// truncate cuts gs so that it, with an ellipsis, is no wider than w. It cuts before
// the last keepN glyphs and keeps those, if there is room for them.
func (p *Pen) truncate(gs []glyph, keepN int, st Style, w float64) string {
	if width(gs) <= w {
		return strings.TrimSpace(string(runesOf(gs)))
	}
	tail := p.shape(Ellipsis, st)
	body := gs
	if kept := gs[len(gs)-min(keepN, len(gs)):]; keepN > 0 && keepN < len(gs) && width(kept)+width(tail) < w {
		tail, body = append(tail, kept...), gs[:len(gs)-keepN]
	}
	room := w - width(tail)
	n := 0
	for used := 0.0; n < len(body) && used+body[n].width <= room; n++ {
		used += body[n].width
	}
	return strings.TrimSpace(string(runesOf(body[:n]))) + string(runesOf(tail))
}

// wrap breaks gs into lines no wider than w, between any two Chinese characters or at
// a space, keeping closing punctuation off the start of a line. It returns the index
// in gs at which each line starts.
func wrap(gs []glyph, w float64) []int {
	var starts []int
	for i := skipSpaces(gs, 0); i < len(gs); i = skipSpaces(gs, i) {
		starts = append(starts, i)
		i += breakPoint(gs[i:], w)
	}
	return starts
}

func skipSpaces(gs []glyph, i int) int {
	for i < len(gs) && gs[i].r == ' ' {
		i++
	}
	return i
}

// lines returns the text of the lines of gs that start at starts.
func lines(gs []glyph, starts []int) []string {
	out := make([]string, len(starts))
	for k, start := range starts {
		end := len(gs)
		if k+1 < len(starts) {
			end = starts[k+1]
		}
		out[k] = strings.TrimSpace(string(runesOf(gs[start:end])))
	}
	return out
}

// breakPoint returns how many glyphs of gs go on a line of width w (at least one).
// It prefers a break at a space or before an opening bracket in the second half of
// the line, so "储备库（通州）" breaks before "（", not inside the brackets.
func breakPoint(gs []glyph, w float64) int {
	n, used := 0, 0.0
	for n < len(gs) && (n == 0 || used+gs[n].width <= w) {
		used += gs[n].width
		n++
	}
	if n == len(gs) {
		return n
	}
	for i := n; i > n/2; i-- {
		if gs[i].r == ' ' || strings.ContainsRune(noEnd, gs[i].r) {
			return i
		}
	}
	for n > 1 && (strings.ContainsRune(noStart, gs[n].r) || strings.ContainsRune(noEnd, gs[n-1].r)) {
		n--
	}
	return n
}

// The full-width marks and the ASCII ones are separate literals, so that
// the ASCII ones are not taken for Chinese text with ASCII punctuation
// (internal/docs TestChinesePunctuationInCode).
const (
	noStart = "）】》」』〕，。、；：！？…" + ",.;:!?)]}%"
	noEnd   = "（【《「『〔" + "([{"
)

func runesOf(gs []glyph) []rune {
	rs := make([]rune, len(gs))
	for i, g := range gs {
		rs[i] = g.r
	}
	return rs
}

// Text draws s in st on one line, starting at x with its baseline at y, both in
// millimetres from the top-left corner of the page. It returns the width drawn, which
// is [Pen.Width] of s. It sets the PDF's text colour and, for bold Chinese, its draw
// colour and line width, which the outlines are stroked with.
func (p *Pen) Text(x, y float64, s string, st Style) float64 {
	gs := p.shape(s, st)
	p.pdf.SetTextColor(st.Gray, st.Gray, st.Gray)
	start := x
	for _, r := range runs(gs) {
		p.pdf.SetFont(r.face.family, r.face.style, st.Size)
		embolden := st.Bold && r.face == p.fonts.CJK
		if embolden {
			p.pdf.SetDrawColor(st.Gray, st.Gray, st.Gray)
			p.pdf.SetLineWidth(st.Size * 0.045 * PtToMM)
			p.pdf.SetTextRenderingMode(2) // fill, then stroke
		}
		p.pdf.Text(x, y, r.text)
		if embolden {
			p.pdf.SetTextRenderingMode(0)
		}
		x += r.width
	}
	return x - start
}
