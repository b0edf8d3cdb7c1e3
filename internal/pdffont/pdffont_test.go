package pdffont

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"
)

func newPen(t *testing.T) *Pen {
	t.Helper()
	pen, err := Register(fpdf.New("P", "mm", "A4", ""))
	if err != nil {
		t.Fatal(err)
	}
	return pen
}

func TestWidth(t *testing.T) {
	pen := newPen(t)
	st := pen.Regular(10)
	em := 10 * PtToMM
	if w := pen.Width("帐篷", st); abs(w-2*em) > 0.01 {
		t.Errorf("Width(帐篷) = %.2f mm, want two ems, %.2f", w, 2*em)
	}
	if w, parts := pen.Width("帐篷 3×4m Tent", st), pen.Width("帐篷", st)+pen.Width(" 3×4m Tent", st); abs(w-parts) > 1e-9 {
		t.Errorf("Width of mixed text = %.2f, the sum of its runs %.2f", w, parts)
	}
	if pen.Width("Tent", pen.Bold(10)) <= pen.Width("Tent", st) {
		t.Error("bold Latin text is no wider than regular")
	}
	if w, box := pen.Width("𠀀", st), pen.Width(string(Missing), st); w != box || w == 0 {
		t.Errorf("a character no font has is %.2f mm wide, want that of %c, %.2f", w, Missing, box)
	}
	if w := pen.Width("Tent", st.Scaled(2)); abs(w-2*pen.Width("Tent", st)) > 1e-9 {
		t.Errorf("Scaled(2) width %.2f, want twice %.2f", w, pen.Width("Tent", st))
	}
}

func TestWrap(t *testing.T) {
	pen := newPen(t)
	st := pen.Regular(10)
	s := "北京市应急管理局直属应急物资储备库（通州区分库），帐篷 3×4m Tent，B2026-07-0001-SUPPLEMENTARY。"
	const w = 30
	lines := pen.Wrap(s, st, w)
	if len(lines) < 3 {
		t.Fatalf("Wrap gave %d lines: %q", len(lines), lines)
	}
	for _, l := range lines {
		if pen.Width(l, st) > w {
			t.Errorf("line %q is %.1f mm wide, more than %d", l, pen.Width(l, st), w)
		}
		if r, _ := utf8.DecodeRuneInString(l); strings.ContainsRune(noStart, r) {
			t.Errorf("line %q starts with closing punctuation", l)
		}
	}
	if got, want := strings.Join(lines, ""), strings.ReplaceAll(s, " ", ""); strings.ReplaceAll(got, " ", "") != want {
		t.Errorf("Wrap lost text: %q", lines)
	}
	if got := pen.Wrap("  ", st, w); len(got) != 0 {
		t.Errorf("Wrap of blank text = %q, want no lines", got)
	}
}

func TestFit(t *testing.T) {
	pen := newPen(t)
	st := pen.Regular(10)
	long := strings.Repeat("实收短少，待查明原因后补发。", 10)
	lines, got := pen.Fit(long, "", st, 40, 2, st.Size)
	if len(lines) != 2 || got.Size != st.Size || !strings.HasSuffix(lines[1], Ellipsis) {
		t.Errorf("Fit without shrinking = %q at %.2f pt, want 2 lines at %.2f pt ending in %s", lines, got.Size, st.Size, Ellipsis)
	}
	lines, got = pen.Fit("北京市应急物资储备库（通州）", "BJ-TZ", st, 40, 2, 6)
	if len(lines) > 2 || !strings.HasSuffix(strings.Join(lines, ""), "BJ-TZ") || got.Size > st.Size {
		t.Errorf("Fit with a code to keep = %q at %.2f pt", lines, got.Size)
	}
	if s := pen.Shrink("帐篷 3×4m Tent", st, 20, 5); pen.Width("帐篷 3×4m Tent", s) > 20 || s.Size < 5 {
		t.Errorf("Shrink to 20 mm gave %.2f pt, %.2f mm wide", s.Size, pen.Width("帐篷 3×4m Tent", s))
	}
}

func TestClean(t *testing.T) {
	if got := Clean(" 帐篷\t3×4m\n\x00 Tent  "); got != "帐篷 3×4m Tent" {
		t.Errorf("Clean = %q", got)
	}
}

func TestText(t *testing.T) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pen, err := Register(pdf)
	if err != nil {
		t.Fatal(err)
	}
	pdf.AddPage()
	st := pen.Bold(12)
	if w := pen.Text(20, 30, "帐篷 3×4m Tent", st); abs(w-pen.Width("帐篷 3×4m Tent", st)) > 1e-9 {
		t.Errorf("Text drew %.2f mm, Width says %.2f", w, pen.Width("帐篷 3×4m Tent", st))
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		t.Fatal(err)
	}
}

func TestQRCode(t *testing.T) {
	if _, err := NewQRCode(""); err == nil {
		t.Error("NewQRCode(\"\") succeeded")
	}
	q, err := NewQRCode("STOCKPILE:LOT:K3V9TQ2MA")
	if err != nil {
		t.Fatal(err)
	}
	if q.Modules() != 25+8 { // version 2 with its quiet zone
		t.Errorf("Modules() = %d, want 33", q.Modules())
	}
	if (QRCode{}).Modules() != 0 {
		t.Error("the zero QRCode has modules")
	}
}

func abs(x float64) float64 { return max(x, -x) }
