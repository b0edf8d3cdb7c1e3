package label

import (
	"fmt"

	"github.com/stockpile-dev/stockpile/internal/pdffont"
)

// minModule is the smallest QR module printed, in millimetres: 3.5 dots at 300 dpi,
// 2.4 at 203 dpi (thermal printers), which scanners still read reliably.
const minModule = 0.3

// qr draws text as a QR code (error correction level M) filling b, whose outer four
// modules on each side are the quiet zone.
func (d *drawer) qr(text string, b box) error {
	if text == "" {
		return fmt.Errorf("qr code: empty QRText")
	}
	q, err := pdffont.NewQRCode(text)
	if err != nil {
		return fmt.Errorf("qr code: %w", err)
	}
	if b.w/float64(q.Modules()) < minModule {
		return fmt.Errorf("qr code: %d bytes of QRText need %d modules, too many for %.0f mm",
			len(text), q.Modules(), b.w)
	}
	q.Draw(d.pdf, b.x, b.y, b.w)
	return nil
}
