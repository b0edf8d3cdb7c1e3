package orderdoc

import (
	"fmt"

	"github.com/stockpile-dev/stockpile/internal/pdffont"
)

// blocks is the document from top to bottom.
func (r *renderer) blocks() []block {
	bs := []block{r.heading()}
	if fs := r.fieldRows(); len(fs) > 0 {
		bs = append(append(bs, space(4)), fs...)
	}
	bs = append(append(bs, space(5)), r.tableRows()...)
	if len(r.d.Notes) > 0 {
		bs = append(append(bs, space(4)), r.notes()...)
	}
	if len(r.d.Signatures) > 0 {
		bs = append(bs, space(8), r.signatures())
	}
	return bs
}

// fieldRows are the rows of the header facts' grid: two facts a row, each a grey
// caption cell and a value cell, or one fact across the row when its value does not
// fit half the width on one line (or it has no neighbour that does).
func (r *renderer) fieldRows() []block {
	fs := r.d.Fields
	if len(fs) == 0 {
		return nil
	}
	capW := r.captionWidth()
	half := contentW / 2
	narrow := func(f Field) bool {
		return r.pen.Width(f.Value, r.st.body) <= half-capW-2*pad
	}
	var rows []block
	for i := 0; i < len(fs); i++ {
		if i+1 < len(fs) && narrow(fs[i]) && narrow(fs[i+1]) {
			rows = append(rows, r.fieldRow(capW, half, fs[i], fs[i+1]))
			i++
			continue
		}
		rows = append(rows, r.fieldRow(capW, contentW, fs[i]))
	}
	return rows
}

// captionWidth is the width of the caption cells: the widest caption, within limits.
func (r *renderer) captionWidth() float64 {
	w := 0.0
	for _, f := range r.d.Fields {
		w = max(w, r.pen.Width(f.Label, r.st.bold))
	}
	return min(max(w+2*pad, 18), 32)
}

// fieldRow lays out fs side by side, each w wide with a caption capW wide.
func (r *renderer) fieldRow(capW, w float64, fs ...Field) block {
	caps := make([][]string, len(fs))
	vals := make([][]string, len(fs))
	n := 1
	for i, f := range fs {
		caps[i] = r.wrap(f.Label, r.st.bold, capW-2*pad, 3)
		vals[i] = r.wrap(f.Value, r.st.body, w-capW-2*pad, maxLines(r.st.body))
		n = max(n, len(caps[i]), len(vals[i]))
	}
	h := float64(n)*r.st.body.LineHeight() + 2*pad
	return block{h: h, draw: func(y float64) {
		x := margin
		for i := range fs {
			r.cell(x, y, capW, h, headFill, caps[i], r.st.bold, center)
			r.cell(x+capW, y, w-capW, h, 255, vals[i], r.st.body, left)
			x += w
		}
	}}
}

// notes are the numbered remarks under the heading 说明, which is kept with the first.
// A remark's lines are indented past its number.
func (r *renderer) notes() []block {
	st := r.st.body
	lh := st.LineHeight()
	indent := 2 * st.Size * pdffont.PtToMM // two Chinese characters
	numW := r.pen.Width(fmt.Sprintf("%d.", len(r.d.Notes)), st) + 0.5
	bs := make([]block, len(r.d.Notes))
	for i, note := range r.d.Notes {
		num := fmt.Sprintf("%d.", i+1)
		lines := r.wrap(note, st, contentW-indent-numW, maxLines(st))
		bs[i] = block{h: float64(len(lines))*lh + 0.8, draw: func(y float64) {
			r.pen.Text(margin+indent, st.Baseline(y), num, st)
			for k, line := range lines {
				r.pen.Text(margin+indent+numW, st.Baseline(y+float64(k)*lh), line, st)
			}
		}}
	}
	heading := block{h: lh + 0.8, draw: func(y float64) {
		r.pen.Text(margin, r.st.bold.Baseline(y), "说明：", r.st.bold)
	}}
	bs[0] = join(heading, bs[0])
	return bs
}

// Signature boxes: at most sigCols a row, each sigH high.
const (
	sigCols = 4
	sigH    = 30.0
)

// signDate is printed at the foot of a signature box, for the date of signing; the
// gaps are ideographic spaces.
const signDate = "\u3000\u3000年\u3000\u3000月\u3000\u3000日"

// signatures are the signature boxes, in rows, as one block: each box has its caption
// at the top, a blank line to sign on and "年 月 日" at the foot.
func (r *renderer) signatures() block {
	sigs := r.d.Signatures
	cols := min(len(sigs), sigCols)
	rows := (len(sigs) + cols - 1) / cols
	w := contentW / float64(cols)
	st, bst := r.st.body, r.st.bold
	return block{h: float64(rows) * sigH, draw: func(y float64) {
		for i, s := range sigs {
			x, by := margin+float64(i%cols)*w, y+float64(i/cols)*sigH
			r.rule(ruleW)
			r.pdf.Rect(x, by, w, sigH, "D")
			for k, line := range r.wrap(s, bst, w-2*pad, 2) {
				r.pen.Text(x+pad+0.8, bst.Baseline(by+pad+float64(k)*bst.LineHeight()), line, bst)
			}
			r.rule(ruleW)
			r.pdf.Line(x+4, by+sigH-9, x+w-4, by+sigH-9)
			r.pen.Text(x+w-pad-1-r.pen.Width(signDate, st), by+sigH-2.5, signDate, st)
		}
	}}
}
