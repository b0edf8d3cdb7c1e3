package label

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

const (
	ptToMM    = 25.4 / 72
	ellipsis  = "…"
	lineSpace = 1.25 // line height as a multiple of the font size
	missing   = '□'  // printed for a character none of the fonts has
)

// textStyle is how a piece of text is set. Each character is drawn with latin if that
// face has it, else with the Chinese face, else as [missing].
type textStyle struct {
	latin *face
	size  float64 // points
	bold  bool    // embolden the Chinese face, which has a single weight
	gray  int     // 0 (black) to 255
}

func (st textStyle) scaled(k float64) textStyle {
	st.size *= k
	return st
}

// lineHeight is the height of one line in millimetres.
func (st textStyle) lineHeight() float64 { return st.size * lineSpace * ptToMM }

// run is a stretch of text set in one face.
type run struct {
	face  *face
	text  string
	width float64 // millimetres
}

// glyph is one character with the face that draws it and its advance in millimetres.
type glyph struct {
	r     rune
	face  *face
	width float64
}

// shape resolves s to glyphs set in st.
func (d *drawer) shape(s string, st textStyle) []glyph {
	gs := make([]glyph, 0, len(s))
	for _, r := range s {
		f := d.faceFor(r, st.latin)
		if f == nil {
			r, f = missing, d.faceFor(missing, st.latin)
		}
		gs = append(gs, glyph{r: r, face: f, width: f.widths[r] / 1000 * st.size * ptToMM})
	}
	return gs
}

func (d *drawer) faceFor(r rune, latin *face) *face {
	switch {
	case latin.covers(r):
		return latin
	case d.faces.cjk.covers(r):
		return d.faces.cjk
	case d.faces.sans.covers(r):
		return d.faces.sans
	}
	return nil
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

// clean turns control characters and runs of white space into single spaces.
func clean(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	}), " ")
}

// fit sets s, followed by keep, in at most maxLines lines no wider than w. It first
// tries one line, shrinking the type to 85 % of st.size, then wraps, shrinking down to
// minSize, and at minSize it cuts s short with an ellipsis but keeps keep (a code that
// must stay legible, such as the depot code). It returns the lines and their style.
func (d *drawer) fit(s, keep string, st textStyle, w float64, maxLines int, minSize float64) ([]string, textStyle) {
	full := strings.TrimSpace(s + " " + keep)
	if one := d.shrink(full, st, w, max(minSize, 0.85*st.size)); width(d.shape(full, one)) <= w {
		return []string{full}, one
	}
	cur := st
	for ; cur.size > minSize; cur.size -= 0.25 {
		gs := d.shape(full, cur)
		if starts := wrap(gs, w); len(starts) <= maxLines {
			return lines(gs, starts), cur
		}
	}
	cur.size = minSize
	gs := d.shape(full, cur)
	starts := wrap(gs, w)
	if len(starts) <= maxLines {
		return lines(gs, starts), cur
	}
	keepN := 0
	if s != "" && keep != "" {
		keepN = utf8.RuneCountInString(keep) + 1 // and the space before it
	}
	last := starts[maxLines-1]
	return append(lines(gs[:last], starts[:maxLines-1]), d.truncate(gs[last:], keepN, cur, w)), cur
}

// shrink returns st at the largest size, down to minSize, at which s fits in width w
// (minSize if it fits at none).
func (d *drawer) shrink(s string, st textStyle, w, minSize float64) textStyle {
	for st.size > minSize && width(d.shape(s, st)) > w {
		st.size = max(st.size-0.25, minSize)
	}
	return st
}

// truncate cuts gs so that it, with an ellipsis, is no wider than w. It cuts before
// the last keepN glyphs and keeps those, if there is room for them.
func (d *drawer) truncate(gs []glyph, keepN int, st textStyle, w float64) string {
	if width(gs) <= w {
		return strings.TrimSpace(string(runesOf(gs)))
	}
	tail := d.shape(ellipsis, st)
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

// text draws s in st with its baseline at y, starting at x. It returns the width drawn.
func (d *drawer) text(x, y float64, s string, st textStyle) float64 {
	gs := d.shape(s, st)
	d.pdf.SetTextColor(st.gray, st.gray, st.gray)
	start := x
	for _, r := range runs(gs) {
		d.pdf.SetFont(r.face.family, r.face.style, st.size)
		embolden := st.bold && r.face == d.faces.cjk
		if embolden {
			d.pdf.SetDrawColor(st.gray, st.gray, st.gray)
			d.pdf.SetLineWidth(st.size * 0.045 * ptToMM)
			d.pdf.SetTextRenderingMode(2) // fill, then stroke
		}
		d.pdf.Text(x, y, r.text)
		if embolden {
			d.pdf.SetTextRenderingMode(0)
		}
		x += r.width
	}
	return x - start
}
