package label

// field is one entry of a label's text column: an optional caption and a value.
type field struct {
	key      string // caption such as 批次; "" for a value that spans the column
	value    string
	keep     string // printed after value, and kept when value is cut short
	style    textStyle
	maxLines int
}

// fieldsOf lists what the text column of l shows, top to bottom.
func (d *drawer) fieldsOf(l Label, c cell) []field {
	plain := textStyle{latin: d.faces.sans, size: c.valueSize}
	bold := textStyle{latin: d.faces.sansBold, size: c.valueSize, bold: true}
	name := textStyle{latin: d.faces.sansBold, size: c.nameSize, bold: true}
	fs := []field{{value: or(clean(l.ItemName), "—"), style: name, maxLines: 2}}
	fs = appendIf(fs, field{value: clean(l.ItemCode), style: plain, maxLines: 1})
	fs = append(fs,
		field{key: "批次", value: or(clean(l.Batch), "—"), style: plain, maxLines: 1},
		field{key: "有效期至", value: or(clean(l.ExpiresOn), "长期有效"), style: bold, maxLines: 1})
	fs = appendIf(fs, field{key: "生产日期", value: clean(l.ProducedOn), style: plain, maxLines: 1})
	depot := field{key: "储备库", value: clean(l.DepotName), keep: clean(l.DepotCode), style: plain, maxLines: 2}
	if depot.value == "" && depot.keep == "" {
		depot.value = "—"
	}
	fs = append(fs, depot)
	fs = appendIf(fs, field{key: "库位", value: clean(l.Location), style: plain, maxLines: 1})
	return appendIf(fs, field{key: "所属单位", value: clean(l.Owner), style: plain, maxLines: 1})
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
	st    textStyle
}

func (p placed) height() float64 { return float64(len(p.lines)) * p.st.lineHeight() }

// column is a text column laid out: the fields, and the captions' style and width.
type column struct {
	fields []placed
	key    textStyle
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
	col := column{key: textStyle{latin: d.faces.sans, size: c.keySize * k, gray: c.keyGray}}
	for _, f := range fs {
		col.keyW = max(col.keyW, width(d.shape(f.key, col.key)))
	}
	col.keyW += 0.5 * col.key.size * ptToMM
	for _, f := range fs {
		vw := w
		if f.key != "" {
			vw -= col.keyW
		}
		lines, st := d.fit(f.value, f.keep, f.style.scaled(k), vw, f.maxLines, f.style.size*c.textMinPct)
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
			key.size = min(key.size, p.st.size) // no larger than a shrunk value
			d.text(x, baseline(y, p.st), p.key, key)
			x += col.keyW
		}
		for _, line := range p.lines {
			d.text(x, baseline(y, p.st), line, p.st)
			y += p.st.lineHeight()
		}
		y += spare
	}
}

// baseline is where text in st sits on a line whose top is at y.
func baseline(y float64, st textStyle) float64 { return y + 0.95*st.size*ptToMM }
