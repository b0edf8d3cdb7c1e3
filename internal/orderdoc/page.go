package orderdoc

import (
	"fmt"
	"unicode/utf8"

	"github.com/stockpile-dev/stockpile/internal/cst"
	"github.com/stockpile-dev/stockpile/internal/pdffont"
)

// Title letter-spacing, as a fraction of the type size, and the smallest size a long
// title is shrunk to before it wraps.
const (
	titleTracking = 0.5
	titleMinSize  = 15
)

// heading is the top of the first page: QR code, title, number, issuer and time, and
// the double rule under them.
func (r *renderer) heading() block {
	d, st := r.d, r.st
	titleW := contentW
	if r.hasQR() {
		titleW -= 2 * (qrSize + 3) // centred on the page, clear of the QR code
	}
	title, tst, gap := r.title(titleW)
	number := "编号：" + d.Number
	nst := r.pen.Shrink(number, st.body, contentW-qrSize-3, 7)
	issuer, when := r.issued()
	wst := r.pen.Shrink(when, st.body, contentW/2, 7)
	ist := r.pen.Shrink(issuer, st.body, contentW-r.pen.Width(when, wst)-6, 7)

	h := 2 + float64(len(title))*tst.LineHeight() + 1.5
	numberY := h
	if d.Number != "" {
		h += nst.LineHeight()
	}
	if r.hasQR() {
		h = max(h, qrSize)
	}
	h += 2
	issuedY := h
	if issuer != "" || when != "" {
		h += st.body.LineHeight()
	}
	ruleY := h + 1
	h = ruleY + 3
	return block{h: h, draw: func(y float64) {
		if r.hasQR() {
			r.qr.Draw(r.pdf, margin, y, qrSize)
		}
		for i, line := range title {
			lw := r.trackedWidth(line, tst, gap)
			r.tracked((pageW-lw)/2, tst.Baseline(y+2+float64(i)*tst.LineHeight()), line, tst, gap)
		}
		if d.Number != "" {
			r.pen.Text(pageW-margin-r.pen.Width(number, nst), nst.Baseline(y+numberY), number, nst)
		}
		r.pen.Text(margin, ist.Baseline(y+issuedY), issuer, ist)
		r.pen.Text(pageW-margin-r.pen.Width(when, wst), wst.Baseline(y+issuedY), when, wst)
		r.rule(0.7)
		r.pdf.Line(margin, y+ruleY, pageW-margin, y+ruleY)
		r.rule(ruleW)
		r.pdf.Line(margin, y+ruleY+1.1, pageW-margin, y+ruleY+1.1)
	}}
}

func (r *renderer) hasQR() bool { return r.qr.Modules() > 0 }

// title sets the title in at most two lines w wide: letter-spaced if it fits so on one
// line, else without spacing and shrunk, down to titleMinSize, then wrapped. It
// returns the lines, their style and the space between letters.
func (r *renderer) title(w float64) ([]string, pdffont.Style, float64) {
	t, st := r.d.Title, r.st.title
	if t == "" {
		return nil, st, 0
	}
	if gap := titleTracking * st.Size * pdffont.PtToMM; r.trackedWidth(t, st, gap) <= w {
		return []string{t}, st, gap
	}
	lines, st := r.pen.Fit(t, "", st, w, 2, titleMinSize)
	return lines, st, 0
}

// tracked draws s with gap millimetres between its characters.
func (r *renderer) tracked(x, y float64, s string, st pdffont.Style, gap float64) {
	for _, c := range s {
		x += r.pen.Text(x, y, string(c), st) + gap
	}
}

func (r *renderer) trackedWidth(s string, st pdffont.Style, gap float64) float64 {
	return r.pen.Width(s, st) + gap*float64(max(utf8.RuneCountInString(s)-1, 0))
}

// issued is the issuer and time line's two halves; either may be "".
func (r *renderer) issued() (issuer, when string) {
	if r.d.Issuer != "" {
		issuer = "签发单位：" + r.d.Issuer
	}
	if !r.d.IssuedAt.IsZero() {
		when = "签发时间：" + r.d.IssuedAt.In(cst.Zone).Format("2006年01月02日 15:04")
	}
	return issuer, when
}

// runningHead is the top of every page after the first: title and number, ruled off.
func (r *renderer) runningHead() {
	st := r.st.small
	y := st.Baseline(top - 4 - st.LineHeight())
	number := ""
	if r.d.Number != "" {
		number = "编号：" + r.d.Number
	}
	nw := r.pen.Width(number, st)
	title, _ := r.pen.Fit(r.d.Title, "", st, contentW-nw-6, 1, st.Size)
	r.pen.Text(margin, y, title[0], st)
	r.pen.Text(pageW-margin-nw, y, number, st)
	r.rule(ruleW)
	r.pdf.Line(margin, top-3, pageW-margin, top-3)
}

// footer is "第 page 页 共 pages 页", centred under the bottom margin.
func (r *renderer) footer(page, pages int) {
	st := r.st.small
	s := fmt.Sprintf("第 %d 页 共 %d 页", page, pages)
	r.pen.Text((pageW-r.pen.Width(s, st))/2, bottom+8, s, st)
}

// watermark draws the watermark, if any, across the middle of the page at 45°, large
// and translucent over everything else.
func (r *renderer) watermark() {
	wm := r.d.Watermark
	if wm == "" {
		return
	}
	// Bold Latin, but Chinese only filled: a stroked outline would show through.
	st := pdffont.Style{Latin: r.pen.Fonts().SansBold, Size: 1}
	st.Size = min(110, 190/r.pen.Width(wm, st))
	cx, cy := pageW/2, pageH/2
	r.pdf.SetAlpha(0.14, "Normal")
	r.pdf.TransformBegin()
	r.pdf.TransformRotate(45, cx, cy)
	r.pen.Text(cx-r.pen.Width(wm, st)/2, cy+0.35*st.Size*pdffont.PtToMM, wm, st)
	r.pdf.TransformEnd()
	r.pdf.SetAlpha(1, "Normal")
}
