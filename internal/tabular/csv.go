package tabular

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/csvcell"
)

// Encodings a CSV file may be found in, as Reader.Encoding names them.
const (
	UTF8    = "UTF-8"
	UTF8BOM = "UTF-8 BOM"
	UTF16LE = "UTF-16LE"
	UTF16BE = "UTF-16BE"
	GB18030 = "GB18030"
)

// sniffCSV is how many decoded bytes the delimiter is guessed from.
const sniffCSV = 64 << 10

// mostlyUTF8 is how many valid multi-byte UTF-8 characters per invalid
// byte make a file UTF-8 with a few damaged bytes rather than GB18030:
// GB18030 text forms valid UTF-8 sequences only by rare chance.
const mostlyUTF8 = 20

// csvReader reads a CSV file row by row from a decoding stream.
type csvReader struct {
	pending
	name     string
	encoding string
	r        *csv.Reader
	lim      Limits
	rows     int
	done     bool
}

// openCSV detects data's encoding and delimiter and returns its reader.
func openCSV(name string, data io.ReaderAt, size int64, lim Limits) (Reader, error) {
	enc, skip, dec, err := detectEncoding(data, size)
	if err != nil {
		return nil, fmt.Errorf("tabular: read %s: %w", name, err)
	}
	src := io.Reader(io.NewSectionReader(data, skip, size-skip))
	if dec != nil {
		src = transform.NewReader(src, dec.NewDecoder())
	}
	br := bufio.NewReaderSize(src, sniffCSV)
	sample, err := br.Peek(sniffCSV)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, fmt.Errorf("tabular: read %s: %w", name, err)
	}
	r := csv.NewReader(br)
	r.Comma = delimiter(sample)
	r.FieldsPerRecord = -1
	return &csvReader{name: name, encoding: enc, r: r, lim: lim}, nil
}

// detectEncoding tells how data is encoded: by its byte-order mark (UTF-8,
// UTF-16 LE or BE, as Excel's "Unicode text" saves it), else UTF-8 when
// it is valid UTF-8, or nearly (a damaged byte or two among much Chinese
// text, which become U+FFFD), else GB18030 (the superset of GBK and GB2312
// that Chinese Excel saves "CSV" in). skip is the length of a UTF-8
// byte-order mark; the UTF-16 decoders remove theirs themselves.
func detectEncoding(data io.ReaderAt, size int64) (name string, skip int64, dec encoding.Encoding, err error) {
	head := make([]byte, min(size, 3))
	if _, err := data.ReadAt(head, 0); err != nil && !errors.Is(err, io.EOF) {
		return "", 0, nil, err
	}
	switch {
	case bytes.HasPrefix(head, []byte("\xef\xbb\xbf")):
		return UTF8BOM, 3, nil, nil
	case bytes.HasPrefix(head, []byte{0xff, 0xfe}):
		return UTF16LE, 0, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), nil
	case bytes.HasPrefix(head, []byte{0xfe, 0xff}):
		return UTF16BE, 0, unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), nil
	}
	multi, bad, err := utf8Stats(io.NewSectionReader(data, 0, size))
	switch {
	case err != nil:
		return "", 0, nil, err
	case bad == 0:
		return UTF8, 0, nil, nil
	case multi >= mostlyUTF8*bad:
		return UTF8, 0, unicode.UTF8, nil // replaces the invalid bytes
	}
	return GB18030, 0, simplifiedchinese.GB18030, nil
}

// utf8Stats counts the valid multi-byte UTF-8 characters and the invalid
// bytes of r, reading it in chunks so that a large file is never held in
// memory.
func utf8Stats(r io.Reader) (multi, bad int, err error) {
	buf := make([]byte, 64<<10)
	carry := 0
	for {
		n, err := io.ReadFull(r, buf[carry:])
		n += carry
		end := errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
		if err != nil && !end {
			return 0, 0, err
		}
		cut := n
		if !end {
			cut = lastRuneStart(buf[:n])
		}
		m, b := countUTF8(buf[:cut])
		multi, bad = multi+m, bad+b
		if end {
			return multi, bad, nil
		}
		carry = copy(buf, buf[cut:n])
	}
}

// countUTF8 counts the valid multi-byte characters and invalid bytes of b.
func countUTF8(b []byte) (multi, bad int) {
	if utf8.Valid(b) {
		for _, c := range b {
			if c >= 0xc0 {
				multi++
			}
		}
		return multi, 0
	}
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			bad++
		case size > 1:
			multi++
		}
		i += size
	}
	return multi, bad
}

// lastRuneStart is where an incomplete rune at the end of b starts, len(b)
// when b ends with a complete one.
func lastRuneStart(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if utf8.FullRune(b[i:]) {
				return len(b)
			}
			return i
		}
	}
	return len(b)
}

// delimiters are the field separators a CSV file may use, in order of
// preference on a tie.
var delimiters = []rune{',', '\t', ';'}

// delimiter guesses a file's field separator from the sample at its start:
// the one found (outside quotes) in the most of the first records, then
// the one found the same number of times in each, then the most frequent.
func delimiter(sample []byte) rune {
	best, bestScore := ',', [3]int{}
	for _, d := range delimiters {
		counts := delimiterCounts(sample, byte(d), 20)
		var s [3]int // records holding it, 1 if consistent, total
		consistent := 1
		for _, c := range counts {
			if c > 0 {
				s[0]++
				s[2] += c
			}
			if c != counts[0] {
				consistent = 0
			}
		}
		s[1] = consistent
		if s[0] > 0 && (s[0] > bestScore[0] || s[0] == bestScore[0] && (s[1] > bestScore[1] || s[1] == bestScore[1] && s[2] > bestScore[2])) {
			best, bestScore = d, s
		}
	}
	return best
}

// delimiterCounts counts d outside quotes in each of the first n records
// of sample.
func delimiterCounts(sample []byte, d byte, n int) []int {
	var counts []int
	quoted, c := false, 0
	for _, b := range sample {
		switch {
		case b == '"':
			quoted = !quoted
		case quoted:
		case b == d:
			c++
		case b == '\n':
			counts = append(counts, c)
			c = 0
			if len(counts) == n {
				return counts
			}
		}
	}
	if c > 0 {
		counts = append(counts, c)
	}
	return counts
}

func (c *csvReader) Format() Format   { return CSV }
func (c *csvReader) Encoding() string { return c.encoding }
func (c *csvReader) Close() error     { return nil }

// Next returns the next record with a non-empty cell, its cells restored
// from csvcell.Neutralise and trailing empty cells dropped.
func (c *csvReader) Next() (Row, error) {
	if row, ok := c.pop(); ok {
		return row, nil
	}
	for !c.done {
		rec, err := c.r.Read()
		if errors.Is(err, io.EOF) {
			c.done = true
			break
		}
		if err != nil {
			return Row{}, c.readError(err)
		}
		line, _ := c.r.FieldPos(0)
		rec = trimTrailing(rec)
		if len(rec) == 0 {
			continue
		}
		if err := c.count(line, len(rec)); err != nil {
			return Row{}, err
		}
		for i, v := range rec {
			rec[i] = csvcell.Restore(v)
		}
		return Row{Line: line, Cells: rec}, nil
	}
	return Row{}, io.EOF
}

// count enforces MaxRows and MaxColumns on one more row.
func (c *csvReader) count(line, cells int) error {
	c.rows++
	if c.rows > c.lim.MaxRows {
		return tooManyRows(c.lim.MaxRows)
	}
	if cells > c.lim.MaxColumns {
		return tooManyColumns(line, cells, c.lim.MaxColumns)
	}
	return nil
}

// readError turns a CSV syntax error into one that says where and how to
// fix it.
func (c *csvReader) readError(err error) error {
	c.done = true
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return refuse("file.bad_quotes",
			"CSV 文件第 %d 行（自第 %d 行起的记录）引号不成对或位置不对：字段里的引号要写成两个（\"\"），含分隔符或换行的字段要整个用引号括起来",
			"CSV line %d (in the record starting on line %d): a quote is unmatched or misplaced; a quote inside a field is written twice (\"\"), and a field holding the separator or a line break is enclosed in quotes",
			pe.Line, pe.StartLine)
	}
	return fmt.Errorf("tabular: read %s: %w", c.name, err)
}

// trimTrailing drops the empty cells at the end of cells; a row of empty
// cells becomes empty.
func trimTrailing(cells []string) []string {
	n := len(cells)
	for n > 0 && Text(cells[n-1]) == "" {
		n--
	}
	return cells[:n]
}

func tooManyRows(max int) *apperr.Error {
	return refuse("file.too_many_rows", "文件超过 %d 行：请分成几个文件导入", "the file has more than %d rows: split it and import the parts", max)
}

func tooManyColumns(line, n, max int) *apperr.Error {
	return refuse("file.too_many_columns", "第 %d 行有 %d 列，超过上限 %d 列", "row %d has %d columns, over the limit of %d", line, n, max)
}
