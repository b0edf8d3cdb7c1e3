package label

import (
	"fmt"

	qrcode "github.com/skip2/go-qrcode"
)

// minModule is the smallest QR module printed, in millimetres: 3.5 dots at 300 dpi,
// 2.4 at 203 dpi (thermal printers), which scanners still read reliably.
const minModule = 0.3

// qr draws text as a QR code (error correction level M) filling b, whose outer four
// modules on each side are the quiet zone. The modules are one filled vector path, so
// the code stays sharp at any printer resolution.
func (d *drawer) qr(text string, b box) error {
	if text == "" {
		return fmt.Errorf("qr code: empty QRText")
	}
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return fmt.Errorf("qr code: %w", err)
	}
	bits := q.Bitmap() // includes the 4-module quiet zone
	m := b.w / float64(len(bits))
	if m < minModule {
		return fmt.Errorf("qr code: %d bytes of QRText need %d modules, too many for %.0f mm",
			len(text), len(bits), b.w)
	}
	d.pdf.SetFillColor(0, 0, 0)
	for y, row := range bits {
		for x := 0; x < len(row); {
			if !row[x] {
				x++
				continue
			}
			start := x
			for x < len(row) && row[x] {
				x++
			}
			d.rectPath(b.x+float64(start)*m, b.y+float64(y)*m, float64(x-start)*m, m)
		}
	}
	d.pdf.DrawPath("F")
	return nil
}

// rectPath adds a rectangle to the current path.
func (d *drawer) rectPath(x, y, w, h float64) {
	d.pdf.MoveTo(x, y)
	d.pdf.LineTo(x+w, y)
	d.pdf.LineTo(x+w, y+h)
	d.pdf.LineTo(x, y+h)
	d.pdf.ClosePath()
}
