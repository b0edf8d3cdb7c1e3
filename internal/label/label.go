// Package label renders printable lot labels (一物一码) as PDF.
//
// Each label carries a QR code of the lot (Label.QRText) and, in print, the lot code,
// the item (物资名称 and code), the batch (批次), the expiry date (有效期至), the
// production date (生产日期) if known, the depot (储备库), the storage location (库位)
// and the owner (所属单位) if known. Text that does not fit its box is set smaller,
// wrapped or cut short with "…"; it never runs into the next label.
//
// Two formats are supported: [A4Sheet], 24 labels of 70 × 37 mm on an A4 sheet, and
// [Thermal], one 60 × 40 mm label per page for a thermal label printer. Fonts are
// embedded in the binary, so no fonts need to be installed.
//
//	f, err := label.ParseFormat(r.FormValue("format")) // "", "a4" or "thermal"
//	if err != nil { … }
//	w.Header().Set("Content-Type", "application/pdf")
//	err = label.Write(w, f, labels)
package label

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// Label is what one lot's label shows. Strings are printed as given, after control
// characters and runs of white space are turned into single spaces.
type Label struct {
	// QRText is what the QR code encodes, e.g. "STOCKPILE:LOT:K3V9TQ2MA". Required.
	// The QR code uses error correction level M; text longer than about 250 bytes
	// makes the modules too small to print and Write fails.
	QRText string
	// LotCode is printed large under the QR code, e.g. "K3V9TQ2MA".
	LotCode string
	// ItemCode and ItemName identify the item; ItemName is usually Chinese, e.g.
	// "帐篷（12 m²）".
	ItemCode, ItemName string
	// Batch is the batch (批次) number; "—" is printed when it is empty.
	Batch string
	// ProducedOn and ExpiresOn are dates as YYYY-MM-DD. An empty ProducedOn leaves
	// the production-date line out; an empty ExpiresOn prints "长期有效" (no expiry).
	ProducedOn, ExpiresOn string
	// DepotCode and DepotName identify the depot (储备库); DepotName is usually
	// Chinese, e.g. "北京市应急物资储备库（通州）".
	DepotCode, DepotName string
	// Location is the storage location (库位) in the depot, e.g. "A-01-03"; optional.
	Location string
	// Owner is the name of the organisation that owns the stock (所属单位); optional.
	Owner string
}

// Format is a label layout.
type Format string

const (
	// A4Sheet is a sheet of 3 × 8 labels of 70 × 37 mm on A4 portrait, edge to edge
	// with 0.5 mm above and below (the layout of Avery Zweckform 3474 and the common
	// "A4 24格 70×37mm" self-adhesive sheets). Print at actual size (100 %, no
	// "fit to page"). Content keeps about 3 mm from the edges of the sheet.
	A4Sheet Format = "a4"
	// Thermal is one 60 × 40 mm label (landscape) per page, for thermal label printers.
	Thermal Format = "thermal"
)

// ErrUnknownFormat is returned (wrapped) by ParseFormat and Write for a format
// other than A4Sheet and Thermal.
var ErrUnknownFormat = errors.New("unknown label format")

// ParseFormat returns the format named s: "a4" or "thermal", in any case; "" means
// A4Sheet. Any other name is an error wrapping [ErrUnknownFormat].
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case "":
		return A4Sheet, nil
	case A4Sheet, Thermal:
		return f, nil
	}
	return "", fmt.Errorf("label: %q: %w (want %q or %q)", s, ErrUnknownFormat, A4Sheet, Thermal)
}

// Write writes labels to w as one PDF in format f: several A4 pages of 24 labels, in
// order from left to right and top to bottom, or one thermal page per label. It fails
// if labels is empty, if a label has no QRText or if the QR text is too long; nothing
// is written to w then.
func Write(w io.Writer, f Format, labels []Label) error {
	s, ok := sheets[f]
	if !ok {
		return fmt.Errorf("label: %q: %w", f, ErrUnknownFormat)
	}
	if len(labels) == 0 {
		return errors.New("label: no labels to write")
	}
	d, err := newDrawer(s)
	if err != nil {
		return fmt.Errorf("label: %w", err)
	}
	for i, l := range labels {
		if err := d.draw(i, l); err != nil {
			return fmt.Errorf("label: label %d (lot %q): %w", i+1, l.LotCode, err)
		}
	}
	if err := d.pdf.Output(w); err != nil {
		return fmt.Errorf("label: write pdf: %w", err)
	}
	return nil
}
