package label

import "github.com/stockpile-dev/stockpile/internal/pdffont"

// field is one entry of a label's text column: an optional caption and a value.
type field struct {
	key      string // caption such as 批次; "" for a value that spans the column
	value    string
	keep     string // printed after value, and kept when value is cut short
	style    pdffont.Style
	maxLines int
}

// fieldsOf lists what the text column of l shows, top to bottom.
func (d *drawer) fieldsOf(l Label, c cell) []field {
	plain := pdffont.Style{Latin: d.faces.Sans, Size: c.valueSize}
	bold := pdffont.Style{Latin: d.faces.SansBold, Size: c.valueSize, Bold: true}
	name := pdffont.Style{Latin: d.faces.SansBold, Size: c.nameSize, Bold: true}
	fs := []field{{value: or(pdffont.Clean(l.ItemName), "—"), style: name, maxLines: 2}}
	fs = appendIf(fs, field{value: pdffont.Clean(l.ItemCode), style: plain, maxLines: 1})
	fs = append(fs,
		field{key: "批次", value: or(pdffont.Clean(l.Batch), "—"), style: plain, maxLines: 1},
		field{key: "有效期至", value: or(pdffont.Clean(l.ExpiresOn), "长期有效"), style: bold, maxLines: 1})
	fs = appendIf(fs, field{key: "生产日期", value: pdffont.Clean(l.ProducedOn), style: plain, maxLines: 1})
	depot := field{key: "储备库", value: pdffont.Clean(l.DepotName), keep: pdffont.Clean(l.DepotCode), style: plain, maxLines: 2}
	if depot.value == "" && depot.keep == "" {
		depot.value = "—"
	}
	fs = append(fs, depot)
	fs = appendIf(fs, field{key: "库位", value: pdffont.Clean(l.Location), style: plain, maxLines: 1})
	return appendIf(fs, field{key: "所属单位", value: pdffont.Clean(l.Owner), style: plain, maxLines: 1})
}

func appendIf(fs []field, f field) []field {
	if f.value == "" {
		return fs
	}
	return append(fs, f)
}

func or(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

// placed is a field fitted to the column: its lines and the style they are set in.
type placed struct {
	field
	lines []string
	st    pdffont.Style
}

func (p placed) height() float64 { return float64(len(p.lines)) * p.st.LineHeight() }

// column is a text column laid out: the fields, and the captions' style and width.
type column struct {
	fields []placed
	key    pdffont.Style
	keyW   float64
}

func (col column) height() float64 {
	h := 0.0
	for _, p := range col.fields {
		h += p.height()
	}
	return h
}

// fields draws l's text column into b. The type is shrunk, all together, until the
// column fits b's height; at the smallest size, fields that still do not fit are left
// out from the bottom up, so nothing is drawn outside b.
func (d *drawer) fields(l Label, b box, c cell) {
	fs := d.fieldsOf(l, c)
	var col column
	for k := 1.0; ; k -= 0.05 {
		col = d.place(fs, b.w, k, c)
		if col.height() <= b.h || k-0.05 < c.textMinPct {
			break
		}
	}
	for len(col.fields) > 0 && col.height() > b.h {
		col.fields = col.fields[:len(col.fields)-1]
	}
	d.drawColumn(col, b)
}

// place fits each field at scale k into a column w wide: captions on the left, values
// beside them.
func (d *drawer) place(fs []field, w, k float64, c cell) column {
	col := column{key: pdffont.Style{Latin: d.faces.Sans, Size: c.keySize * k, Gray: c.keyGray}}
	for _, f := range fs {
		col.keyW = max(col.keyW, d.pen.Width(f.key, col.key))
	}
	col.keyW += 0.5 * col.key.Size * pdffont.PtToMM
	for _, f := range fs {
		vw := w
		if f.key != "" {
			vw -= col.keyW
		}
		lines, st := d.pen.Fit(f.value, f.keep, f.style.Scaled(k), vw, f.maxLines, f.style.Size*c.textMinPct)
		col.fields = append(col.fields, placed{field: f, lines: lines, st: st})
	}
	return col
}

// drawColumn draws col from the top of b, spreading spare height between the fields.
func (d *drawer) drawColumn(col column, b box) {
	n := len(col.fields)
	spare := 0.0
	if n > 1 {
		spare = min((b.h-col.height())/float64(n-1), 0.8)
	}
	y := b.y
	for _, p := range col.fields {
		x := b.x
		if p.key != "" {
			key := col.key
			key.Size = min(key.Size, p.st.Size) // no larger than a shrunk value
			d.pen.Text(x, p.st.Baseline(y), p.key, key)
			x += col.keyW
		}
		for _, line := range p.lines {
			d.pen.Text(x, p.st.Baseline(y), line, p.st)
			y += p.st.LineHeight()
		}
		y += spare
	}
}
