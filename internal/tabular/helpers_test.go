package tabular_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"hash/crc32"
	"io"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/tabular"
)

// open opens data with lim, failing the test on an error.
func open(t *testing.T, data []byte, lim tabular.Limits) tabular.Reader {
	t.Helper()
	r, err := tabular.Open("test", bytes.NewReader(data), int64(len(data)), lim)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// rows reads every row of r, failing the test on an error.
func rows(t *testing.T, r tabular.Reader) []tabular.Row {
	t.Helper()
	var out []tabular.Row
	for {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("Next after %d rows: %v", len(out), err)
		}
		out = append(out, row)
	}
}

// refused opens data and reads it to the end, and returns the code of the
// error that stops it ("" when none does).
func refused(data []byte, lim tabular.Limits) (string, error) {
	r, err := tabular.Open("test.xlsx", bytes.NewReader(data), int64(len(data)), lim)
	if err != nil {
		return apperr.CodeOf(err), err
	}
	defer r.Close()
	for {
		_, err := r.Next()
		if errors.Is(err, io.EOF) {
			return "", nil
		}
		if err != nil {
			return apperr.CodeOf(err), err
		}
	}
}

// book builds an xlsx workbook: build fills it (its first sheet is
// "Sheet1").
func book(t testing.TB, build func(f *excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	build(f)
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// set sets cells of Sheet1 from a map of cell name → value.
func set(t testing.TB, f *excelize.File, cells map[string]any) {
	t.Helper()
	for c, v := range cells {
		if err := f.SetCellValue("Sheet1", c, v); err != nil {
			t.Fatal(err)
		}
	}
}

// rezip copies an xlsx archive, letting edit replace or add parts: edit
// returns the parts to write after the copied ones, and names to leave out.
func rezip(t testing.TB, src []byte, skip map[string]bool, extra func(w *zip.Writer)) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(src), int64(len(src)))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, f := range zr.File {
		if skip[f.Name] {
			continue
		}
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	if extra != nil {
		extra(zw)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// part adds a deflated part to zw.
func part(t testing.TB, zw *zip.Writer, name string, data []byte) {
	t.Helper()
	w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
}

// cells is the cells of rows, for comparison.
func cells(rs []tabular.Row) [][]string {
	out := make([][]string, len(rs))
	for i, r := range rs {
		out[i] = r.Cells
	}
	return out
}

// lines is the line numbers of rows.
func lines(rs []tabular.Row) []int {
	out := make([]int, len(rs))
	for i, r := range rs {
		out[i] = r.Line
	}
	return out
}

// unzipPart is the content of one part of an archive.
func unzipPart(t testing.TB, data []byte, name string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == name {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			b, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
	t.Fatalf("no part %s", name)
	return nil
}

// replacePart rewrites one part of an archive with edit.
func replacePart(t testing.TB, data []byte, name string, edit func(string) string) []byte {
	t.Helper()
	content := edit(string(unzipPart(t, data, name)))
	return rezip(t, data, map[string]bool{name: true}, func(zw *zip.Writer) { part(t, zw, name, []byte(content)) })
}

// deflate compresses b as a zip part's raw data.
func deflate(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func crc(b []byte) uint32 { return crc32.ChecksumIEEE(b) }

func asErr(err error) (*apperr.Error, bool) { return apperr.As(err) }
