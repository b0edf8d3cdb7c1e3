package label

import (
	"fmt"

	"codeberg.org/go-pdf/fpdf"

	"github.com/stockpile-dev/stockpile/internal/pdffont"
)

// box is a rectangle on the page, in millimetres from the top-left corner.
type box struct{ x, y, w, h float64 }

// cell is the layout of one label: the QR code (with its quiet zone) in the top-left
// corner, the lot code under it, and the text fields in a column to the right.
type cell struct {
	w, h       float64 // label size
	qrInset    float64 // from the label's top and left edges to the QR box
	qrSize     float64 // side of the QR box, 4-module quiet zone included
	gap        float64 // between the QR box and the text column
	pad        float64 // clear margin inside the label's top, right and bottom edges
	lotSize    float64 // largest lot-code size, points
	nameSize   float64 // item name, points
	valueSize  float64 // field values, points
	keySize    float64 // field captions (批次, 有效期至, …), points
	keyGray    int     // caption colour, 0 = black
	textMinPct float64 // the fields may shrink to this fraction of their size
}

// sheet is a page layout: rows × cols labels of cell's size, edge to edge.
type sheet struct {
	w, h       float64 // page size
	cols, rows int
	left, top  float64 // position of the first label
	cell       cell
}

func (s sheet) perPage() int { return s.cols * s.rows }

// at returns the box of the i-th label on a page.
func (s sheet) at(i int) box {
	col, row := i%s.cols, i/s.cols
	return box{s.left + float64(col)*s.cell.w, s.top + float64(row)*s.cell.h, s.cell.w, s.cell.h}
}

var sheets = map[Format]sheet{
	A4Sheet: {w: 210, h: 297, cols: 3, rows: 8, left: 0, top: 0.5, cell: cell{
		w: 70, h: 37, qrInset: 1, qrSize: 26, gap: 1.5, pad: 3,
		lotSize: 12, nameSize: 8.5, valueSize: 7, keySize: 6, keyGray: 60, textMinPct: 0.75,
	}},
	Thermal: {w: 60, h: 40, cols: 1, rows: 1, cell: cell{
		w: 60, h: 40, qrInset: 1.5, qrSize: 25, gap: 1.5, pad: 2.5,
		lotSize: 13, nameSize: 9, valueSize: 7.5, keySize: 6, keyGray: 0, textMinPct: 0.75,
	}},
}

// qrBox, lotBox and textBox are the parts of the label at b.
func (c cell) qrBox(b box) box {
	return box{b.x + c.qrInset, b.y + c.qrInset, c.qrSize, c.qrSize}
}

func (c cell) lotBox(b box) box {
	top := b.y + c.qrInset + c.qrSize
	return box{b.x + c.qrInset, top, c.qrSize, b.y + b.h - c.pad - top}
}

func (c cell) textBox(b box) box {
	x := b.x + c.qrInset + c.qrSize + c.gap
	return box{x, b.y + c.pad, b.x + b.w - c.pad - x, b.h - 2*c.pad}
}

// drawer draws labels into one PDF.
type drawer struct {
	pdf   *fpdf.Fpdf
	pen   *pdffont.Pen
	faces *pdffont.Fonts
	sheet sheet
}

func newDrawer(s sheet) (*drawer, error) {
	pdf := fpdf.NewCustom(&fpdf.InitType{
		OrientationStr: "P", UnitStr: "mm", Size: fpdf.SizeType{Wd: s.w, Ht: s.h},
	})
	pdf.SetMargins(0, 0, 0)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetTitle("物资批次标签", true)
	pdf.SetCreator("stockpile", true)
	pen, err := pdffont.Register(pdf)
	if err != nil {
		return nil, err
	}
	return &drawer{pdf: pdf, pen: pen, faces: pen.Fonts(), sheet: s}, nil
}

// draw draws the i-th label, starting a page when needed.
func (d *drawer) draw(i int, l Label) error {
	n := i % d.sheet.perPage()
	if n == 0 {
		d.pdf.AddPage()
	}
	b, c := d.sheet.at(n), d.sheet.cell
	if err := d.qr(l.QRText, c.qrBox(b)); err != nil {
		return err
	}
	d.lotCode(pdffont.Clean(l.LotCode), c.lotBox(b), c)
	d.fields(l, c.textBox(b), c)
	if err := d.pdf.Error(); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	return nil
}

// lotCode draws code centred in b, on one line as large as fits up to c.lotSize, else
// on two smaller lines; only a code too long for that is cut short.
func (d *drawer) lotCode(code string, b box, c cell) {
	if code == "" {
		return
	}
	w := b.w - 4 // 2 mm clear on either side
	st := d.pen.Shrink(code, pdffont.Style{Latin: d.faces.Mono, Size: c.lotSize}, w, 7)
	lines := []string{code}
	if d.pen.Width(code, st) > w {
		lines, st = d.pen.Fit(code, "", st, w, 2, 5)
	}
	y := b.y + (b.h-float64(len(lines))*st.LineHeight())/2
	for _, line := range lines {
		lw := d.pen.Width(line, st)
		capsMiddle := 0.5*st.LineHeight() + 0.36*st.Size*pdffont.PtToMM
		d.pen.Text(b.x+(b.w-lw)/2, y+capsMiddle, line, st)
		y += st.LineHeight()
	}
}
