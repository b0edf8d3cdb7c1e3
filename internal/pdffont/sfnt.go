package pdffont

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// metrics are the advance widths of the characters a TrueType font maps, in 1/1000 em
// and rounded as fpdf rounds them, so measuring here agrees with what fpdf writes into
// the PDF's /W array. A rune is covered by the font if and only if it is a key.
type metrics map[rune]float64

// errShortFont reports a read past the end of a table.
var errShortFont = errors.New("truncated font data")

// sfnt is a TrueType file being read; err sticks at the first bad read.
type sfnt struct {
	data []byte
	err  error
}

func (f *sfnt) u16(off int) int {
	if f.err != nil || off < 0 || off+2 > len(f.data) {
		f.err = errShortFont
		return 0
	}
	return int(binary.BigEndian.Uint16(f.data[off:]))
}

func (f *sfnt) u32(off int) int {
	if f.err != nil || off < 0 || off+4 > len(f.data) {
		f.err = errShortFont
		return 0
	}
	return int(binary.BigEndian.Uint32(f.data[off:]))
}

// table returns the offset of the named table.
func (f *sfnt) table(tag string) (int, error) {
	n := f.u16(4)
	for i := range n {
		rec := 12 + 16*i
		if f.err == nil && rec+4 <= len(f.data) && string(f.data[rec:rec+4]) == tag {
			return f.u32(rec + 8), f.err
		}
	}
	if f.err != nil {
		return 0, f.err
	}
	return 0, fmt.Errorf("no %q table", tag)
}

// parseMetrics reads the cmap (Windows Unicode BMP, format 4), hmtx, hhea and head
// tables of a TrueType font.
func parseMetrics(data []byte) (metrics, error) {
	f := &sfnt{data: data}
	glyphs, err := f.cmap()
	if err != nil {
		return nil, err
	}
	adv, err := f.advances()
	if err != nil {
		return nil, err
	}
	m := make(metrics, len(glyphs))
	for r, g := range glyphs {
		m[r] = adv(g)
	}
	return m, f.err
}

// advances returns a glyph's advance width in 1/1000 em.
func (f *sfnt) advances() (func(glyph int) float64, error) {
	head, err := f.table("head")
	if err != nil {
		return nil, err
	}
	hhea, err := f.table("hhea")
	if err != nil {
		return nil, err
	}
	hmtx, err := f.table("hmtx")
	if err != nil {
		return nil, err
	}
	upem, n := f.u16(head+18), f.u16(hhea+34)
	if f.err != nil || upem == 0 || n == 0 {
		return nil, errors.Join(f.err, errors.New("bad head or hhea table"))
	}
	return func(g int) float64 {
		w := f.u16(hmtx + 4*min(g, n-1))
		return math.Round(float64(w) * 1000 / float64(upem))
	}, nil
}

// cmap maps each covered rune to its glyph index.
func (f *sfnt) cmap() (map[rune]int, error) {
	cmap, err := f.table("cmap")
	if err != nil {
		return nil, err
	}
	for i := range f.u16(cmap + 2) {
		rec := cmap + 4 + 8*i
		platform, encoding, sub := f.u16(rec), f.u16(rec+2), cmap+f.u32(rec+4)
		if platform == 3 && encoding == 1 && f.u16(sub) == 4 {
			return f.format4(sub)
		}
	}
	if f.err != nil {
		return nil, f.err
	}
	return nil, errors.New("no Windows Unicode BMP (3,1) format 4 cmap")
}

// format4 reads a segment-mapping cmap subtable.
func (f *sfnt) format4(sub int) (map[rune]int, error) {
	segs := f.u16(sub+6) / 2
	ends := sub + 14
	starts := ends + 2*segs + 2
	deltas := starts + 2*segs
	ranges := deltas + 2*segs
	glyphs := make(map[rune]int)
	for s := range segs {
		start, end := f.u16(starts+2*s), f.u16(ends+2*s)
		delta, ro := f.u16(deltas+2*s), f.u16(ranges+2*s)
		for c := start; c <= end && c != 0xFFFF && f.err == nil; c++ {
			g := c
			if ro != 0 {
				g = f.u16(ranges + 2*s + ro + 2*(c-start))
				if g == 0 {
					continue
				}
			}
			if g = (g + delta) & 0xFFFF; g != 0 {
				glyphs[rune(c)] = g
			}
		}
	}
	return glyphs, f.err
}
