package orderdoc

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	zxingqr "github.com/makiuchi-d/gozxing/qrcode"

	"github.com/stockpile-dev/stockpile/internal/cst"
)

// The tests read the PDFs back with poppler-utils (pdfinfo, pdftotext, pdftoppm) and
// fail, never skip, when those are missing.

func sampleLine(i int) Line {
	return Line{
		No:       i,
		Item:     fmt.Sprintf("折叠床%03d", i),
		Spec:     "190×70cm",
		Unit:     "张",
		Quantity: fmt.Sprintf("%d,%03d", i, i),
		Lots:     fmt.Sprintf("B2026-07-%04d", i),
		From:     "北京市应急物资储备库（通州）",
		To:       "朝阳区奥林匹克公园集中安置点",
	}
}

func sample(lines int) Document {
	d := Document{
		Title:    "应急物资调拨单",
		Number:   "BJ-DO-000012",
		Issuer:   "北京市应急管理局",
		IssuedAt: time.Date(2026, 12, 6, 15, 4, 0, 0, cst.Zone),
		Fields: []Field{
			{"事由", "门头沟区暴雨转移安置群众急需生活类物资，请立即组织调运，确保当日 18 时前送达安置点。"},
			{"依据", "京应急发〔2026〕12 号"},
			{"车辆", "京A·12345"},
			{"驾驶员", "李强"},
			{"电话", "138 0013 8000"},
			{"状态", "已签发"},
		},
		Notes: []string{
			"接收单位核对品名、规格、数量和批次无误后在交接栏签收；如有短少或破损，在备注栏如实注明。",
			"本单一式三联：调出单位、承运人、接收单位各执一联。",
		},
		Signatures: []string{"签发人", "调出单位（盖章）", "承运人", "接收单位签收"},
	}
	for i := range lines {
		d.Lines = append(d.Lines, sampleLine(i+1))
	}
	return d
}

// writePDF writes d to a file in a temporary directory.
func writePDF(t *testing.T, d Document) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, d); err != nil {
		t.Fatalf("Write: %v", err)
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
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

// pages returns the text of each page of pdf, as pdftotext -layout lays it out.
func pages(t *testing.T, pdf string) []string {
	t.Helper()
	ps := strings.Split(poppler(t, "pdftotext", "-layout", pdf, "-"), "\f")
	return ps[:len(ps)-1] // the text ends with a form feed
}

var pdfinfoPages = regexp.MustCompile(`(?m)^Pages:\s+(\d+)\s*$`)

func pageCount(t *testing.T, pdf string) int {
	t.Helper()
	info := poppler(t, "pdfinfo", pdf)
	m := pdfinfoPages.FindStringSubmatch(info)
	if m == nil {
		t.Fatalf("no page count in pdfinfo's output:\n%s", info)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// squeeze removes white space, which pdftotext puts between letter-spaced characters
// and wherever a cell wraps.
func squeeze(s string) string { return strings.Join(strings.Fields(s), "") }

func TestTextIsPrinted(t *testing.T) {
	d := sample(12)
	d.Lines[3].Item = "帐篷 3×4m Tent"
	d.Lines[3].Note = "已发 20，实收 18，短少 2"
	text := strings.Join(pages(t, writePDF(t, d)), "")
	if !strings.Contains(text, "帐篷 3×4m Tent") {
		t.Errorf("mixed Chinese and Latin text is not printed as given:\n%s", text)
	}
	flat := squeeze(text)
	want := []string{d.Title, "编号：" + d.Number, "签发单位：" + d.Issuer, "签发时间：2026年12月06日15:04",
		"说明：", "1." + d.Notes[0][:3*6], "2." + d.Notes[1], "（盖章）"}
	for _, f := range d.Fields {
		want = append(want, f.Label)
	}
	want = append(want, d.Signatures...)
	for _, w := range want {
		if w = squeeze(w); !strings.Contains(flat, w) {
			t.Errorf("text of the PDF lacks %q:\n%s", w, text)
		}
	}
	for _, l := range d.Lines {
		for _, w := range []string{l.Item, l.Quantity, l.Lots} {
			if w = squeeze(w); strings.Count(flat, w) != 1 {
				t.Errorf("line %d: %q printed %d times, want once", l.No, w, strings.Count(flat, w))
			}
		}
	}
	if strings.Contains(text, noLines) {
		t.Errorf("a document with lines says %s", noLines)
	}
}

func TestNoLines(t *testing.T) {
	d := sample(0)
	pdf := writePDF(t, d)
	text := strings.Join(pages(t, pdf), "")
	if !strings.Contains(text, noLines) || !headerRow.MatchString(text) {
		t.Errorf("a document without lines lacks the table header or %s:\n%s", noLines, text)
	}
	if n := pageCount(t, pdf); n != 1 {
		t.Errorf("a document without lines has %d pages, want 1", n)
	}
}

// headerRow is the table's header row as pdftotext -layout prints it.
var headerRow = regexp.MustCompile(`序号\s+物资名称\s+规格\s+单位\s+数量\s+批次\s+调出\s+调入\s+备注`)

// footer matches the page footer; pdftotext -layout drops its spaces on some pages.
var footer = regexp.MustCompile(`第\s*(\d+)\s*页\s*共\s*(\d+)\s*页`)

// Every page says "第 i 页 共 N 页" with the real N, and every page with table rows
// starts them with the header row.
func TestPagination(t *testing.T) {
	// One-line rows are 6.4 mm high: about 25 fit on the first page, under the
	// heading and the fields, and 39 on each later page.
	for _, c := range []struct{ lines, minPages, maxPages int }{{1, 1, 1}, {300, 8, 10}} {
		d := sample(c.lines)
		for i := range d.Lines {
			d.Lines[i].From, d.Lines[i].To = "通州库", "奥森安置点"
		}
		pdf := writePDF(t, d)
		n := pageCount(t, pdf)
		if n < c.minPages || n > c.maxPages {
			t.Errorf("%d lines: %d pages, want %d to %d", c.lines, n, c.minPages, c.maxPages)
		}
		ps := pages(t, pdf)
		if len(ps) != n {
			t.Fatalf("%d lines: pdftotext found %d pages, pdfinfo %d", c.lines, len(ps), n)
		}
		for i, p := range ps {
			m := footer.FindAllStringSubmatch(p, -1)
			if len(m) != 1 || m[0][1] != strconv.Itoa(i+1) || m[0][2] != strconv.Itoa(n) {
				t.Errorf("%d lines: page %d footer %q, want 第 %d 页 共 %d 页", c.lines, i+1, m, i+1, n)
			}
			checkHeaderFirst(t, i+1, p)
		}
	}
}

// rowMark matches the lot codes of the test lines, "B2026-07-0012".
var rowMark = regexp.MustCompile(`B2026-07-\d{4}`)

func checkHeaderFirst(t *testing.T, page int, text string) {
	t.Helper()
	row := rowMark.FindStringIndex(text)
	if row == nil {
		return
	}
	head := headerRow.FindStringIndex(text)
	if head == nil || head[0] > row[0] {
		t.Errorf("page %d: table rows without the header row above them:\n%s", page, text)
	}
}

// A row is never split across pages: the lines of every cell of a row are on one
// page, and every row is printed once.
func TestRowsStayOnOnePage(t *testing.T) {
	d := sample(300)
	for i := range d.Lines {
		d.Lines[i].Lots = fmt.Sprintf("L%03d-1 L%03d-2 L%03d-3 L%03d-4 L%03d-5", i, i, i, i, i) // 3 lines
		if i%7 == 0 {
			d.Lines[i].Note = strings.Repeat("备注很长，", 12) // 12 lines
		}
	}
	ps := pages(t, writePDF(t, d))
	for i := range d.Lines {
		first, last := fmt.Sprintf("L%03d-1", i), fmt.Sprintf("L%03d-5", i)
		found := 0
		for k, p := range ps {
			if a, b := strings.Count(p, first), strings.Count(p, last); a+b > 0 {
				found++
				if a != 1 || b != 1 {
					t.Errorf("line %d: page %d has %d of its first and %d of its last lot lines", i+1, k+1, a, b)
				}
			}
		}
		if found != 1 {
			t.Errorf("line %d is on %d pages, want 1", i+1, found)
		}
	}
}

func TestWatermark(t *testing.T) {
	d := sample(60)
	for _, wm := range []string{"作废", ""} {
		d.Watermark = wm
		// pdftotext -layout scatters the turned letters among the rows; -raw keeps
		// them in drawing order.
		ps := strings.Split(poppler(t, "pdftotext", "-raw", writePDF(t, d), "-"), "\f")
		ps = ps[:len(ps)-1]
		if len(ps) < 2 {
			t.Fatalf("%d pages, want several", len(ps))
		}
		for i, p := range ps {
			n := strings.Count(squeeze(p), "作废")
			if wm != "" && n != 1 || wm == "" && strings.ContainsAny(p, "作废") {
				t.Errorf("watermark %q: page %d has the watermark %d times:\n%s", wm, i+1, n, p)
			}
		}
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
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func TestQRCode(t *testing.T) {
	d := sample(3)
	d.QR = "https://stockpile.example/dispatch/BJ-DO-000012?v=3&depot=BJ-TZ"
	page := render(t, writePDF(t, d)).(interface {
		SubImage(image.Rectangle) image.Image
	})
	px := func(mm float64) int { return int(mm / 25.4 * 300) }
	corner := page.SubImage(image.Rect(px(margin-3), px(margin-3), px(margin+qrSize+3), px(margin+qrSize+3)))
	bmp, err := gozxing.NewBinaryBitmapFromImage(corner)
	if err != nil {
		t.Fatal(err)
	}
	res, err := zxingqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("no QR code in the top-left corner: %v", err)
	}
	if res.GetText() != d.QR {
		t.Errorf("QR code reads %q, want %q", res.GetText(), d.QR)
	}
}

func TestQRTooLong(t *testing.T) {
	d := sample(1)
	d.QR = strings.Repeat("https://stockpile.example/", 20)
	var buf bytes.Buffer
	if err := Write(&buf, d); err == nil || !strings.HasPrefix(err.Error(), "orderdoc: ") {
		t.Errorf("Write with a %d-byte QR payload = %v, want an orderdoc: error", len(d.QR), err)
	}
	if buf.Len() != 0 {
		t.Errorf("Write wrote %d bytes on error", buf.Len())
	}
}

// word is a word of a page as pdftotext -bbox reports it, in millimetres.
type word struct {
	page           int
	text           string
	x0, y0, x1, y1 float64
}

var bboxWord = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)

func words(t *testing.T, pdf string) []word {
	t.Helper()
	var ws []word
	page := 0
	for _, line := range strings.Split(poppler(t, "pdftotext", "-bbox", pdf, "-"), "\n") {
		if strings.Contains(line, "<page ") {
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
		ws = append(ws, word{page, m[5], v[0], v[1], v[2], v[3]})
	}
	return ws
}

// Text stays inside the margins, however long; only the running head and the footer
// are in the top and bottom margins.
func TestTextStaysInsideTheMargins(t *testing.T) {
	d := sample(40)
	d.Title = "北京市应急管理局关于向门头沟区、房山区紧急调拨防汛救灾应急物资的调令"
	d.Lines[5].Note = strings.Repeat("实收短少，待查明原因后补发。", 200)            // longer than a page
	d.Lines[9].Lots = strings.Repeat("B2026-07-0001-SUPPLEMENTARY", 5) // one long word
	d.Fields[0].Value = strings.Repeat("群众转移安置急需。", 30)
	ws := words(t, writePDF(t, d))
	if len(ws) == 0 {
		t.Fatal("no words in the PDF")
	}
	const tol = 0.3
	cut := 0
	for _, w := range ws {
		cut += strings.Count(w.text, "…")
		inHead := w.page > 1 && w.y1 < top
		inFoot := footer.MatchString(w.text) || w.y0 > bottom && strings.ContainsAny(w.text, "第共页0123456789")
		if w.x0 < margin-tol || w.x1 > pageW-margin+tol || (!inHead && w.y0 < top-tol) || (!inFoot && w.y1 > bottom+tol) {
			t.Errorf("page %d: %q at (%.1f, %.1f)–(%.1f, %.1f) is outside the margins", w.page, w.text, w.x0, w.y0, w.x1, w.y1)
		}
	}
	if cut == 0 {
		t.Error("the note longer than a page was not cut short")
	}
}

// Writes share the parsed fonts; run several at once for the race detector.
func TestConcurrentWrites(t *testing.T) {
	errs := make(chan error, 4)
	for range cap(errs) {
		go func() { errs <- Write(io.Discard, sample(20)) }()
	}
	for range cap(errs) {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
