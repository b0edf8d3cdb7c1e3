// Command fontgen cuts the fonts embedded by package pdffont down to the characters
// Stockpile's printed documents (lot labels, dispatch orders) need, so the binary
// carries a few MB of font instead of ~6 MB.
//
// It reads the TrueType files that Debian installs (packages fonts-droid-fallback and
// fonts-dejavu-core) and writes the subsets with fpdf's own subsetter
// ([fpdf.UTF8CutFont]), so whatever it writes is a font that fpdf can read back.
// Run it from internal/pdffont with `go generate`; the output is committed and the
// build does not need these packages.
//
//	go run ./internal/fontgen -out fonts
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// span is an inclusive range of code points.
type span struct{ lo, hi rune }

// latin is what the DejaVu text faces keep: Latin (incl. pinyin tone marks), Greek,
// punctuation, super/subscripts, currency, letterlike symbols (℃, №), number forms,
// arrows, maths, circled numbers and geometric shapes.
var latin = []span{
	{0x20, 0x7E}, {0xA0, 0x24F}, {0x370, 0x3FF}, {0x2000, 0x206F}, {0x2070, 0x209F},
	{0x20A0, 0x20CF}, {0x2100, 0x218F}, {0x2190, 0x21FF}, {0x2200, 0x22FF},
	{0x2460, 0x24FF}, {0x25A0, 0x25FF},
}

// mono is what the code face keeps: lot codes are ASCII.
var mono = []span{{0x20, 0x7E}, {0xA0, 0xFF}, {0x2010, 0x2027}}

// cjk is what Droid Sans Fallback keeps besides GB2312: every CJK Unified Ideograph
// of the basic block (U+4E00–U+9FFF, all of GBK's hanzi, so names with characters
// outside GB2312 such as 赟, 喆 or 镕 still print), CJK punctuation and fullwidth forms.
var cjk = []span{{0x3000, 0x303F}, {0x4E00, 0x9FFF}, {0xFF00, 0xFFEF}}

type job struct {
	src, out string
	set      func() (string, error)
}

func main() {
	out := flag.String("out", "fonts", "directory to write the subsets to")
	droid := flag.String("droid", "/usr/share/fonts/truetype/droid", "fonts-droid-fallback directory")
	dejavu := flag.String("dejavu", "/usr/share/fonts/truetype/dejavu", "fonts-dejavu-core directory")
	flag.Parse()
	jobs := []job{
		{filepath.Join(*droid, "DroidSansFallbackFull.ttf"), "DroidSansFallback-GBK.ttf", cjkSet},
		{filepath.Join(*dejavu, "DejaVuSansCondensed.ttf"), "DejaVuSansCondensed-Latin.ttf", spans(latin)},
		{filepath.Join(*dejavu, "DejaVuSansCondensed-Bold.ttf"), "DejaVuSansCondensed-Bold-Latin.ttf", spans(latin)},
		{filepath.Join(*dejavu, "DejaVuSansMono-Bold.ttf"), "DejaVuSansMono-Bold-Latin.ttf", spans(mono)},
	}
	for _, j := range jobs {
		if err := cut(j, *out); err != nil {
			log.Fatal(err)
		}
	}
}

func cut(j job, dir string) error {
	in, err := os.ReadFile(j.src)
	if err != nil {
		return fmt.Errorf("fontgen: %w", err)
	}
	set, err := j.set()
	if err != nil {
		return fmt.Errorf("fontgen: %s: %w", j.out, err)
	}
	sub := fpdf.UTF8CutFont(in, set)
	if len(sub) == 0 {
		return fmt.Errorf("fontgen: %s: subsetting %s gave an empty font", j.out, j.src)
	}
	if err := os.WriteFile(filepath.Join(dir, j.out), sub, 0o644); err != nil {
		return fmt.Errorf("fontgen: %w", err)
	}
	fmt.Printf("%s: %d → %d bytes\n", j.out, len(in), len(sub))
	return nil
}

func spans(ss []span) func() (string, error) {
	return func() (string, error) {
		var b strings.Builder
		for _, s := range ss {
			for r := s.lo; r <= s.hi; r++ {
				b.WriteRune(r)
			}
		}
		return b.String(), nil
	}
}

// cjkSet is GB2312 (every two-byte EUC-CN code, decoded through GBK, its superset)
// plus the cjk spans.
func cjkSet() (string, error) {
	var b bytes.Buffer
	for hi := 0xA1; hi <= 0xF7; hi++ {
		for lo := 0xA1; lo <= 0xFE; lo++ {
			b.Write([]byte{byte(hi), byte(lo)})
		}
	}
	gb, err := simplifiedchinese.GBK.NewDecoder().Bytes(b.Bytes())
	if err != nil {
		return "", fmt.Errorf("decode GB2312: %w", err)
	}
	rest, _ := spans(cjk)()
	return strings.ReplaceAll(string(gb), "\uFFFD", "") + rest, nil
}
