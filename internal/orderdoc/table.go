package orderdoc

import "strconv"

// column is a column of the table: its heading, width in millimetres (they add up to
// contentW), how its text is set, and what it shows of the i-th line.
type column struct {
	title string
	w     float64
	align align
	text  func(i int, l Line) string
}

var columns = []column{
	{"序号", 9, center, func(i int, l Line) string {
		if l.No == 0 {
			return strconv.Itoa(i + 1)
		}
		return strconv.Itoa(l.No)
	}},
	{"物资名称", 28, left, func(_ int, l Line) string { return l.Item }},
	{"规格", 22, left, func(_ int, l Line) string { return l.Spec }},
	{"单位", 9, center, func(_ int, l Line) string { return l.Unit }},
	{"数量", 17, right, func(_ int, l Line) string { return l.Quantity }},
	{"批次", 26, left, func(_ int, l Line) string { return l.Lots }},
	{"调出", 20, left, func(_ int, l Line) string { return l.From }},
	{"调入", 20, left, func(_ int, l Line) string { return l.To }},
	{"备注", 19, left, func(_ int, l Line) string { return l.Note }},
}

// noLines is printed across the table of a document without lines.
const noLines = "（无明细）"

// tableRows are the rows of the table, the first joined to the header row so that the
// header never ends a page alone.
func (r *renderer) tableRows() []block {
	head := r.tableHead()
	if len(r.d.Lines) == 0 {
		st := r.st.cell
		h := st.LineHeight() + 2*pad
		return []block{join(head, block{h: h, draw: func(y float64) {
			r.cell(margin, y, contentW, h, 255, []string{noLines}, st, center)
		}})}
	}
	rows := make([]block, len(r.d.Lines))
	for i, l := range r.d.Lines {
		texts := make([]string, len(columns))
		for k, c := range columns {
			texts[k] = c.text(i, l)
		}
		rows[i] = r.tableRow(texts, false)
	}
	rows[0] = join(head, rows[0])
	return rows
}

// tableHead is the header row of the table.
func (r *renderer) tableHead() block {
	titles := make([]string, len(columns))
	for k, c := range columns {
		titles[k] = c.title
	}
	return r.tableRow(titles, true)
}

// tableRow lays out one row of texts, one a column, wrapped in their cells; the row
// is as high as its tallest cell. The header row is bold, grey and centred.
func (r *renderer) tableRow(texts []string, header bool) block {
	st := r.st.cell
	if header {
		st = r.st.cellBold
	}
	cells := make([][]string, len(columns))
	n := 1
	for k, c := range columns {
		cells[k] = r.wrap(texts[k], st, c.w-2*pad, maxLines(st))
		n = max(n, len(cells[k]))
	}
	h := float64(n)*st.LineHeight() + 2*pad
	return block{h: h, row: !header, draw: func(y float64) {
		x := margin
		for k, c := range columns {
			fill, a := 255, c.align
			if header {
				fill, a = headFill, center
			}
			r.cell(x, y, c.w, h, fill, cells[k], st, a)
			x += c.w
		}
	}}
}
