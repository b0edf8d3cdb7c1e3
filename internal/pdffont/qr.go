package pdffont

import (
	"errors"
	"fmt"

	"codeberg.org/go-pdf/fpdf"
	qrcode "github.com/skip2/go-qrcode"
)

// QRCode is a QR code (error correction level M) ready to be drawn.
type QRCode struct {
	bits [][]bool // the modules, the 4-module quiet zone included; true is dark
}

// NewQRCode encodes text as a QR code.
func NewQRCode(text string) (QRCode, error) {
	if text == "" {
		return QRCode{}, errors.New("empty text")
	}
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return QRCode{}, fmt.Errorf("encode: %w", err)
	}
	return QRCode{bits: q.Bitmap()}, nil
}

// Modules is the number of modules along a side, the quiet zone included; the module
// size when the code is drawn size millimetres wide is size / Modules.
func (q QRCode) Modules() int { return len(q.bits) }

// Draw draws q in black filling the square of side size millimetres whose top-left
// corner is at x, y; its outer four modules on each side are the quiet zone, left
// blank. The dark modules are one filled vector path, so the code stays sharp at any
// printer resolution. Draw sets the PDF's fill colour.
func (q QRCode) Draw(pdf *fpdf.Fpdf, x, y, size float64) {
	if len(q.bits) == 0 {
		return
	}
	m := size / float64(len(q.bits))
	pdf.SetFillColor(0, 0, 0)
	for row, line := range q.bits {
		for col := 0; col < len(line); {
			if !line[col] {
				col++
				continue
			}
			start := col
			for col < len(line) && line[col] {
				col++
			}
			rectPath(pdf, x+float64(start)*m, y+float64(row)*m, float64(col-start)*m, m)
		}
	}
	pdf.DrawPath("F")
}

// rectPath adds a rectangle to the current path.
func rectPath(pdf *fpdf.Fpdf, x, y, w, h float64) {
	pdf.MoveTo(x, y)
	pdf.LineTo(x+w, y)
	pdf.LineTo(x+w, y+h)
	pdf.LineTo(x, y+h)
	pdf.ClosePath()
}
