package cli

import (
	"bytes"
	"io"
	"strings"

	"github.com/rivo/uniseg"
)

// table lays out tab-separated lines in columns, as text/tabwriter does,
// but measures each cell by its width on a terminal (uniseg.StringWidth:
// a Chinese character takes two columns, a combining mark none) rather
// than by bytes or runes, so that rows of Chinese and ASCII text line up.
//
// Write buffers; Flush lays out what was written since the last Flush.
// Cells are separated by tabs; the last cell of a line is not padded.
// Lines without a tab are written as they are and end a block of columns,
// as with text/tabwriter.
type table struct {
	w          io.Writer
	padding    int
	alignRight bool // numbers: pad on the left (&table{w: w, padding: 2, alignRight: true})
	buf        bytes.Buffer
}

// newTable returns a table writing to w with two spaces between columns.
func newTable(w io.Writer) *table { return &table{w: w, padding: 2} }

func (t *table) Write(p []byte) (int, error) { return t.buf.Write(p) }

// Flush writes the buffered lines, padded into columns.
func (t *table) Flush() error {
	text := t.buf.String()
	t.buf.Reset()
	if text == "" {
		return nil
	}
	trailing := strings.HasSuffix(text, "\n")
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	var out strings.Builder
	for start := 0; start < len(lines); {
		if !strings.Contains(lines[start], "\t") {
			out.WriteString(lines[start])
			out.WriteByte('\n')
			start++
			continue
		}
		end := start
		for end < len(lines) && strings.Contains(lines[end], "\t") {
			end++
		}
		t.block(&out, lines[start:end])
		start = end
	}
	s := out.String()
	if !trailing {
		s = strings.TrimSuffix(s, "\n")
	}
	_, err := io.WriteString(t.w, s)
	return err
}

// block lays out consecutive lines that all have at least one tab.
func (t *table) block(out *strings.Builder, lines []string) {
	rows := make([][]string, len(lines))
	var widths []int
	for i, l := range lines {
		rows[i] = strings.Split(l, "\t")
		for j, c := range rows[i][:len(rows[i])-1] { // the last cell is not a column
			if j == len(widths) {
				widths = append(widths, 0)
			}
			widths[j] = max(widths[j], uniseg.StringWidth(c))
		}
	}
	for _, r := range rows {
		var line strings.Builder
		for j, c := range r {
			if j == len(r)-1 {
				line.WriteString(c)
				break
			}
			pad := strings.Repeat(" ", widths[j]-uniseg.StringWidth(c))
			if t.alignRight {
				line.WriteString(pad + c)
			} else {
				line.WriteString(c + pad)
			}
			line.WriteString(strings.Repeat(" ", t.padding))
		}
		out.WriteString(strings.TrimRight(line.String(), " "))
		out.WriteByte('\n')
	}
}
