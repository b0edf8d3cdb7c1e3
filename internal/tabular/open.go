package tabular

import (
	"bytes"
	"fmt"
	"io"
)

// Magic numbers of the formats Open tells apart.
var (
	zipMagic      = []byte("PK\x03\x04")
	emptyZipMagic = []byte("PK\x05\x06")
	oleMagic      = []byte{0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1}
)

// sniffLen is how much of the start of a file Open looks at.
const sniffLen = 4096

// Open returns a reader of the table in data, which is an .xlsx workbook
// (its first visible sheet with data) or a CSV file, told apart by content
// rather than by name; name is used in messages only. size is data's
// length. An old .xls workbook, a password-protected workbook, HTML or XML
// "spreadsheets", other binary files and files breaking lim are refused
// with an apperr Invalid error whose code starts with "file.". The caller
// closes the reader.
func Open(name string, data io.ReaderAt, size int64, lim Limits) (Reader, error) {
	lim = lim.withDefaults()
	if size > lim.MaxBytes {
		return nil, refuse("file.too_large", "文件「%s」有 %.1f MiB，超过上限 %.0f MiB", "the file %q is %.1f MiB, over the limit of %.0f MiB",
			name, mib(size), mib(lim.MaxBytes))
	}
	if size <= 0 {
		return nil, refuse("file.empty", "文件「%s」是空的", "the file %q is empty", name)
	}
	head := make([]byte, min(size, sniffLen))
	if _, err := data.ReadAt(head, 0); err != nil && err != io.EOF {
		return nil, fmt.Errorf("tabular: read %s: %w", name, err)
	}
	switch {
	case bytes.HasPrefix(head, zipMagic), bytes.HasPrefix(head, emptyZipMagic):
		return openXLSX(name, data, size, lim)
	case bytes.HasPrefix(head, oleMagic):
		return nil, refuse("file.legacy_excel",
			"文件「%s」是旧版 Excel 工作簿（.xls）或设了密码的工作簿：请在 Excel 中“另存为” Excel 工作簿（.xlsx），不设密码，再导入",
			"the file %q is an old Excel workbook (.xls) or a password-protected one: in Excel, use Save As, Excel Workbook (.xlsx), without a password, and import that", name)
	case notText(head):
		return nil, refuse("file.not_a_table", "文件「%s」不是 Excel 工作簿（.xlsx）或 CSV 文件",
			"the file %q is neither an Excel workbook (.xlsx) nor a CSV file", name)
	}
	return openCSV(name, data, size, lim)
}

// notText reports whether the start of a file shows it is not a CSV file:
// it holds NUL bytes (and is not UTF-16 with a byte-order mark), or it is
// an HTML or XML document, which some systems save with an .xls name.
func notText(head []byte) bool {
	if bytes.HasPrefix(head, []byte{0xff, 0xfe}) || bytes.HasPrefix(head, []byte{0xfe, 0xff}) {
		return false
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return true
	}
	t := bytes.ToLower(bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n"))
	for _, p := range []string{"<?xml", "<html", "<!doctype", "<table", "%pdf", "{\\rtf"} {
		if bytes.HasPrefix(t, []byte(p)) {
			return true
		}
	}
	return false
}
