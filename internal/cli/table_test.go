package cli

import (
	"slices"
	"strings"
	"testing"

	"github.com/rivo/uniseg"
)

// TestTableAlignsChinese lays out rows that mix Chinese and ASCII cells:
// every column starts at the same display column on every line, which
// text/tabwriter (counting bytes) gets wrong.
func TestTableAlignsChinese(t *testing.T) {
	var b strings.Builder
	tw := newTable(&b)
	tw.Write([]byte("id\tname 姓名\tarea 区域\tstatus\n"))
	tw.Write([]byte("1\t张三\t110105\tactive 正常\n"))
	tw.Write([]byte("22\tzhang-san-the-second\t-\tdisabled 已停用\n"))
	tw.Write([]byte("333\t欧阳娜娜 Nana\t朝阳区\tone-time password 待改密\n"))
	if err := tw.Flush(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines:\n%s", len(lines), b.String())
	}
	// The display column at which each cell starts.
	starts := func(line string, cells []string) []int {
		var out []int
		rest, col := line, 0
		for _, c := range cells {
			i := strings.Index(rest, c)
			if i < 0 {
				t.Fatalf("cell %q not in %q", c, line)
			}
			col += uniseg.StringWidth(rest[:i])
			out = append(out, col)
			col += uniseg.StringWidth(c)
			rest = rest[i+len(c):]
		}
		return out
	}
	want := starts(lines[0], []string{"id", "name 姓名", "area 区域", "status"})
	for i, cells := range [][]string{
		{"1", "张三", "110105", "active 正常"},
		{"22", "zhang-san-the-second", "-", "disabled 已停用"},
		{"333", "欧阳娜娜 Nana", "朝阳区", "one-time password 待改密"},
	} {
		if got := starts(lines[i+1], cells); !slices.Equal(got, want) {
			t.Errorf("line %d starts its cells at %v, the header at %v:\n%s", i+2, got, want, b.String())
		}
	}
	if want[1] != len("333")+2 || want[2] != want[1]+len("zhang-san-the-second")+2 {
		t.Errorf("columns at %v: two spaces after the widest cell", want)
	}
	for _, l := range lines {
		if strings.HasSuffix(l, " ") {
			t.Errorf("trailing space in %q", l)
		}
	}
}

// TestTableBlocks: a line without a tab is written as it is and does not
// widen the columns around it.
func TestTableBlocks(t *testing.T) {
	var b strings.Builder
	tw := newTable(&b)
	tw.Write([]byte("a\tb\nthis line has no tab at all\nccc\td\n"))
	tw.Flush()
	if got, want := b.String(), "a  b\nthis line has no tab at all\nccc  d\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
