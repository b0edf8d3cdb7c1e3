package orderdoc

import (
	"fmt"

	"codeberg.org/go-pdf/fpdf"

	"github.com/stockpile-dev/stockpile/internal/pdffont"
)

// Sizes, in millimetres unless noted.
const (
	pad       = 1.2  // inside a cell, from its rules to its text
	ruleW     = 0.2  // rules of the tables and boxes
	minModule = 0.3  // smallest QR module printed: 3.5 dots at 300 dpi
	qrSize    = 24.0 // side of the QR code, its quiet zone included
	headFill  = 235  // grey of the table's header row and the field captions
)

// align is where text sits across a cell.
type align int

const (
	left align = iota
	center
	right
)

// styles are the type styles of a document.
type styles struct {
	title, body, bold, cell, cellBold, small pdffont.Style
}

// renderer lays out and draws one document.
type renderer struct {
	pdf *fpdf.Fpdf
	pen *pdffont.Pen
	d   Document // cleaned
	qr  pdffont.QRCode
	st  styles
}

func newRenderer(pdf *fpdf.Fpdf, pen *pdffont.Pen, d Document) (*renderer, error) {
	r := &renderer{pdf: pdf, pen: pen, d: cleaned(d), st: styles{
		title:    pen.Bold(22),
		body:     pen.Regular(10.5),
		bold:     pen.Bold(10.5),
		cell:     pen.Regular(9),
		cellBold: pen.Bold(9),
		small:    pen.Regular(9),
	}}
	r.st.small.Gray = 64
	if d.QR == "" {
		return r, nil
	}
	q, err := pdffont.NewQRCode(d.QR)
	if err != nil {
		return nil, fmt.Errorf("qr code: %w", err)
	}
	if qrSize/float64(q.Modules()) < minModule {
		return nil, fmt.Errorf("qr code: %d bytes of QR need %d modules, too many for %.0f mm",
			len(d.QR), q.Modules(), qrSize)
	}
	r.qr = q
	return r, nil
}

// cleaned returns d with its printed strings cleaned (pdffont.Clean); the QR payload
// is kept as it is.
func cleaned(d Document) Document {
	c := pdffont.Clean
	d.Title, d.Number, d.Issuer, d.Watermark = c(d.Title), c(d.Number), c(d.Issuer), c(d.Watermark)
	fs := make([]Field, len(d.Fields))
	for i, f := range d.Fields {
		fs[i] = Field{Label: c(f.Label), Value: c(f.Value)}
	}
	ls := make([]Line, len(d.Lines))
	for i, l := range d.Lines {
		ls[i] = Line{No: l.No, Item: c(l.Item), Spec: c(l.Spec), Unit: c(l.Unit), Quantity: c(l.Quantity),
			Lots: c(l.Lots), From: c(l.From), To: c(l.To), Note: c(l.Note)}
	}
	d.Fields, d.Lines = fs, ls
	d.Notes, d.Signatures = cleanAll(d.Notes), cleanAll(d.Signatures)
	return d
}

// cleanAll cleans each string of ss and leaves out the blank ones.
func cleanAll(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s = pdffont.Clean(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// wrap breaks s into lines of st no wider than w. A text longer than maxLines lines
// is cut short with an ellipsis, so that no block outgrows a page.
func (r *renderer) wrap(s string, st pdffont.Style, w float64, maxLines int) []string {
	if s == "" {
		return nil
	}
	lines, _ := r.pen.Fit(s, "", st, w, maxLines, st.Size)
	return lines
}

// rule sets the line width and colour of rules and boxes; text drawing changes them.
func (r *renderer) rule(w float64) {
	r.pdf.SetDrawColor(0, 0, 0)
	r.pdf.SetLineWidth(w)
}

// cell draws a ruled box, filled with grey fill unless fill is 255, and lines of text
// in st centred in it from top to bottom and set across it by a.
func (r *renderer) cell(x, y, w, h float64, fill int, lines []string, st pdffont.Style, a align) {
	r.rule(ruleW)
	style := "D"
	if fill < 255 {
		r.pdf.SetFillColor(fill, fill, fill)
		style = "FD"
	}
	r.pdf.Rect(x, y, w, h, style)
	lh := st.LineHeight()
	ty := y + (h-float64(len(lines))*lh)/2
	for _, line := range lines {
		r.pen.Text(r.across(x, w, line, st, a), st.Baseline(ty), line, st)
		ty += lh
	}
}

// across is where text starts in a cell at x, w wide, set by a.
func (r *renderer) across(x, w float64, s string, st pdffont.Style, a align) float64 {
	switch a {
	case center:
		return x + (w-r.pen.Width(s, st))/2
	case right:
		return x + w - pad - r.pen.Width(s, st)
	}
	return x + pad
}

// maxLines is how many lines of st a cell can hold and still fit on a page under
// the table's header row.
func maxLines(st pdffont.Style) int {
	return int((bottom - top - 20 - 2*pad) / st.LineHeight())
}
