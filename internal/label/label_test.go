package label

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	zxingqr "github.com/makiuchi-d/gozxing/qrcode"

	"github.com/stockpile-dev/stockpile/internal/pdffont"
)

// The tests read the PDFs back with poppler-utils (pdfinfo, pdftotext, pdftoppm) and
// fail, never skip, when those are missing.

func sample(i int) Label {
	lot := fmt.Sprintf("K3V9TQ%03d", i)
	return Label{
		QRText:     "STOCKPILE:LOT:" + lot,
		LotCode:    lot,
		ItemCode:   "TENT-12",
		ItemName:   "帐篷（12 m²）",
		Batch:      fmt.Sprintf("B2024-07-%02d", i),
		ProducedOn: "2024-06-30",
		ExpiresOn:  "2029-06-30",
		DepotCode:  "BJ-TZ",
		DepotName:  "北京市应急物资储备库（通州）",
		Location:   "A-01-03",
		Owner:      "北京市应急管理局",
	}
}

func samples(n int) []Label {
	ls := make([]Label, n)
	for i := range ls {
		ls[i] = sample(i + 1)
	}
	return ls
}

// writePDF writes labels in format f to a file in a temporary directory.
func writePDF(t *testing.T, f Format, labels []Label) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, f, labels); err != nil {
		t.Fatalf("Write(%s, %d labels): %v", f, len(labels), err)
	}
	path := filepath.Join(t.TempDir(), "labels.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// poppler runs a poppler-utils tool and returns its standard output.
func poppler(t *testing.T, tool string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		t.Fatalf("%s not found (install poppler-utils): %v", tool, err)
	}
	out, err := exec.Command(tool, args...).Output()
	if err != nil {
		t.Fatalf("%s %v: %v", tool, args, err)
	}
	return string(out)
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"": A4Sheet, "a4": A4Sheet, "A4": A4Sheet, " thermal ": Thermal} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"a5", "letter", "thermal-80x50", "pdf"} {
		if got, err := ParseFormat(in); !errors.Is(err, ErrUnknownFormat) {
			t.Errorf("ParseFormat(%q) = %q, %v; want ErrUnknownFormat", in, got, err)
		}
	}
}

func TestWriteRejects(t *testing.T) {
	long := sample(1)
	long.QRText = strings.Repeat("STOCKPILE:LOT:K3V9TQ2MA/", 30)
	cases := map[string]struct {
		f      Format
		labels []Label
	}{
		"unknown format":                 {"a5", samples(1)},
		"no labels":                      {A4Sheet, nil},
		"no QR text":                     {Thermal, []Label{{LotCode: "K3V9TQ2MA"}}},
		"QR text too long for the label": {Thermal, []Label{long}},
	}
	for name, c := range cases {
		var buf bytes.Buffer
		if err := Write(&buf, c.f, c.labels); err == nil || !strings.HasPrefix(err.Error(), "label: ") {
			t.Errorf("%s: Write = %v, want a label: error", name, err)
		}
		if buf.Len() != 0 {
			t.Errorf("%s: Write wrote %d bytes on error", name, buf.Len())
		}
	}
}

var pdfinfoPages = regexp.MustCompile(`(?m)^Pages:\s+(\d+)\s*$`)

// pdfinfoSizes matches pdfinfo -l's page sizes, in points.
var pdfinfoSizes = regexp.MustCompile(`(?m)^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts`)

func TestPageCountAndSize(t *testing.T) {
	cases := []struct {
		f      Format
		labels int
		pages  int
		w, h   float64 // mm
	}{
		{Thermal, 3, 3, 60, 40},
		{Thermal, 1, 1, 60, 40},
		{A4Sheet, 30, 2, 210, 297},
		{A4Sheet, 24, 1, 210, 297},
		{A4Sheet, 49, 3, 210, 297},
	}
	for _, c := range cases {
		info := poppler(t, "pdfinfo", "-l", "-1", writePDF(t, c.f, samples(c.labels)))
		m := pdfinfoPages.FindStringSubmatch(info)
		if m == nil || m[1] != strconv.Itoa(c.pages) {
			t.Errorf("%s, %d labels: pdfinfo says %v pages, want %d", c.f, c.labels, m, c.pages)
		}
		sizes := pdfinfoSizes.FindAllStringSubmatch(info, -1)
		if len(sizes) != c.pages {
			t.Fatalf("%s, %d labels: %d page sizes in\n%s", c.f, c.labels, len(sizes), info)
		}
		for _, s := range sizes {
			w, _ := strconv.ParseFloat(s[1], 64)
			h, _ := strconv.ParseFloat(s[2], 64)
			if w, h = w*25.4/72, h*25.4/72; math.Abs(w-c.w) > 0.1 || math.Abs(h-c.h) > 0.1 {
				t.Errorf("%s: page is %.1f × %.1f mm, want %.0f × %.0f", c.f, w, h, c.w, c.h)
			}
		}
	}
}

func TestTextIsPrinted(t *testing.T) {
	l := sample(7)
	noDates := sample(8)
	noDates.ProducedOn, noDates.ExpiresOn, noDates.Location, noDates.Owner = "", "", "", ""
	for _, f := range []Format{A4Sheet, Thermal} {
		// pdftotext breaks wrapped lines; the labels are compared without white space.
		text := strings.Join(strings.Fields(poppler(t, "pdftotext", "-raw", writePDF(t, f, []Label{l, noDates}), "-")), "")
		want := []string{
			l.LotCode, l.ItemCode, l.ItemName, l.Batch, "有效期至" + l.ExpiresOn, "生产日期" + l.ProducedOn,
			"储备库" + l.DepotName + l.DepotCode, "库位" + l.Location, "所属单位" + l.Owner,
			noDates.LotCode, "有效期至长期有效",
		}
		for _, w := range want {
			if w = strings.Join(strings.Fields(w), ""); !strings.Contains(text, w) {
				t.Errorf("%s: text of the PDF lacks %q:\n%s", f, w, text)
			}
		}
		if n := strings.Count(text, "生产日期"); n != 1 {
			t.Errorf("%s: 生产日期 printed %d times, want once (label 2 has none)", f, n)
		}
	}
}

// Characters outside GB2312 but in GBK print; those no font has print as □.
func TestRareCharacters(t *testing.T) {
	l := sample(1)
	l.ItemName = "赟喆镕堃𠀀"
	text := poppler(t, "pdftotext", writePDF(t, Thermal, []Label{l}), "-")
	if want := "赟喆镕堃" + string(pdffont.Missing); !strings.Contains(text, want) {
		t.Errorf("text of the PDF lacks %q:\n%s", want, text)
	}
}

// render rasterises the first page of pdf at 300 dpi.
func render(t *testing.T, pdf string) image.Image {
	t.Helper()
	prefix := filepath.Join(t.TempDir(), "page")
	poppler(t, "pdftoppm", "-r", "300", "-png", "-f", "1", "-l", "1", "-singlefile", pdf, prefix)
	raw, err := os.ReadFile(prefix + ".png")
	if err != nil {
		t.Fatal(err)
	}
	keepArtifact(t, raw)
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// keepArtifact copies a rendered page to $STOCKPILE_ARTIFACTS_DIR, when set, for people
// to look at.
func keepArtifact(t *testing.T, png []byte) {
	dir := os.Getenv("STOCKPILE_ARTIFACTS_DIR")
	if dir == "" {
		return
	}
	name := strings.NewReplacer("/", "-", " ", "_").Replace(t.Name()) + ".png"
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func decodeQR(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := zxingqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("decode QR code: %v", err)
	}
	return res.GetText()
}

// cellPixels is the rectangle of label box b in a page rendered at 300 dpi.
func cellPixels(b box) image.Rectangle {
	px := func(mm float64) int { return int(mm / 25.4 * 300) }
	return image.Rect(px(b.x), px(b.y), px(b.x+b.w), px(b.y+b.h))
}

func TestQRCodeDecodes(t *testing.T) {
	t.Run("thermal", func(t *testing.T) {
		l := sample(1)
		if got := decodeQR(t, render(t, writePDF(t, Thermal, []Label{l}))); got != l.QRText {
			t.Errorf("QR code reads %q, want %q", got, l.QRText)
		}
	})
	t.Run("a4", func(t *testing.T) {
		ls := samples(24)
		ls[4].QRText = "https://stockpile.example/lots/K3V9TQ2MA?depot=BJ-TZ&item=TENT-12"
		ls[7] = longLabel(8)
		ls[11].ProducedOn, ls[11].ExpiresOn, ls[11].Location, ls[11].Owner = "", "", "", ""
		page := render(t, writePDF(t, A4Sheet, ls)).(interface {
			image.Image
			SubImage(image.Rectangle) image.Image
		})
		for _, i := range []int{0, 4, 7, 11, 23} {
			cell := page.SubImage(cellPixels(sheets[A4Sheet].at(i)))
			if got := decodeQR(t, cell); got != ls[i].QRText {
				t.Errorf("label %d: QR code reads %q, want %q", i+1, got, ls[i].QRText)
			}
		}
	})
}

// word is a word of a page as pdftotext -bbox reports it, in millimetres.
type word struct {
	page int
	text string
	box
}

var (
	bboxPage = regexp.MustCompile(`<page `)
	bboxWord = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)
)

func words(t *testing.T, pdf string) []word {
	t.Helper()
	out := poppler(t, "pdftotext", "-bbox", pdf, "-")
	var ws []word
	page := 0
	for _, line := range strings.Split(out, "\n") {
		if bboxPage.MatchString(line) {
			page++
		}
		m := bboxWord.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		var v [4]float64
		for i := range v {
			pt, _ := strconv.ParseFloat(m[i+1], 64)
			v[i] = pt * 25.4 / 72
		}
		ws = append(ws, word{page, m[5], box{v[0], v[1], v[2] - v[0], v[3] - v[1]}})
	}
	return ws
}

func (b box) contains(o box) bool {
	const tol = 0.05 // mm
	return o.x >= b.x-tol && o.y >= b.y-tol && o.x+o.w <= b.x+b.w+tol && o.y+o.h <= b.y+b.h+tol
}

func (b box) overlaps(o box) bool {
	return o.x < b.x+b.w && b.x < o.x+o.w && o.y < b.y+b.h && b.y < o.y+o.h
}

func longLabel(i int) Label {
	l := sample(i)
	l.LotCode = "K3V9TQ2MAXYZ0123456789"
	l.ItemName = "大型多功能应急救援帐篷（棉质加厚，带防潮地垫与保温内衬，适用于严寒地区，12 m²）"
	l.ItemCode = "TENT-12-WINTER-THICK-WITH-GROUNDSHEET-AND-LINER"
	l.Batch = "B2024-07-0001-SUPPLEMENTARY-DELIVERY"
	l.DepotName = "北京市应急管理局直属应急物资储备库通州区分库（宋庄镇物流园区第三仓库）"
	l.DepotCode = "BJ-TZ-SONGZHUANG-03"
	l.Location = "A区-01排-03列-第05层-托盘12号位"
	l.Owner = "北京市应急管理局与北京市粮食和物资储备局联合储备物资管理办公室"
	return l
}

// Long text must be shrunk or cut, never drawn outside its label or over the QR code.
func TestLongTextStaysInsideItsLabel(t *testing.T) {
	ls := make([]Label, 24)
	for i := range ls {
		ls[i] = longLabel(i)
	}
	for _, f := range []Format{A4Sheet, Thermal} {
		s := sheets[f]
		ws := words(t, writePDF(t, f, ls))
		if len(ws) == 0 {
			t.Fatalf("%s: no words in the PDF", f)
		}
		cut := 0
		for _, w := range ws {
			cut += strings.Count(w.text, pdffont.Ellipsis)
			checkWord(t, f, s, w)
		}
		if cut == 0 {
			t.Errorf("%s: no text was cut short; the test's labels are not long enough", f)
		}
	}
}

func checkWord(t *testing.T, f Format, s sheet, w word) {
	t.Helper()
	cx, cy := w.x+w.w/2, w.y+w.h/2
	for i := range s.perPage() {
		b := s.at(i)
		if !b.contains(box{cx, cy, 0, 0}) {
			continue
		}
		if !b.contains(w.box) {
			t.Errorf("%s page %d: %q at %+v sticks out of label %d at %+v", f, w.page, w.text, w.box, i+1, b)
		}
		if qr := s.cell.qrBox(b); qr.overlaps(w.box) {
			t.Errorf("%s page %d: %q at %+v overlaps the QR code of label %d at %+v", f, w.page, w.text, w.box, i+1, qr)
		}
		return
	}
	t.Errorf("%s page %d: %q at %+v is in no label", f, w.page, w.text, w.box)
}

// Writes share the parsed fonts; run several at once for the race detector.
func TestConcurrentWrites(t *testing.T) {
	errs := make(chan error, 4)
	for range cap(errs) {
		go func() {
			var buf bytes.Buffer
			err := Write(&buf, Thermal, samples(2))
			if err == nil && !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
				err = errors.New("not a PDF")
			}
			errs <- err
		}()
	}
	for range cap(errs) {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func BenchmarkWriteA4(b *testing.B) {
	ls := samples(240) // 10 pages
	for b.Loop() {
		if err := Write(io.Discard, A4Sheet, ls); err != nil {
			b.Fatal(err)
		}
	}
}
