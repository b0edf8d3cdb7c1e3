package tabular

import (
	"archive/zip"
	"fmt"
	"io"
	"path"
	"strings"
)

// checkZip inspects an xlsx archive's central directory before anything
// is decompressed, and refuses a file whose parts are too many, too large
// together, compressed suspiciously well (a zip bomb), named so that they
// would land outside the archive when extracted, named twice, or whose
// shared-string table is too large.
func checkZip(zr *zip.Reader, lim Limits) error {
	if len(zr.File) > lim.MaxEntries {
		return refuse("file.too_many_entries", "工作簿有 %d 个部件，超过上限 %d 个", "the workbook has %d parts, over the limit of %d",
			len(zr.File), lim.MaxEntries)
	}
	seen := make(map[string]bool, len(zr.File))
	var total uint64
	for _, f := range zr.File {
		if err := checkEntryName(f.Name, seen); err != nil {
			return err
		}
		size := f.UncompressedSize64
		total += min(size, uint64(lim.MaxUncompressed)+1) // no overflow
		if total > uint64(lim.MaxUncompressed) {
			return zipBomb(fmt.Sprintf("uncompressed size over %.0f MiB", mib(lim.MaxUncompressed)))
		}
		if size >= ratioFloor && (f.CompressedSize64 == 0 || size/f.CompressedSize64 > uint64(lim.MaxRatio)) {
			return zipBomb(fmt.Sprintf("%s compressed more than %d to 1", clip(f.Name), lim.MaxRatio))
		}
		if err := checkPartSize(f.Name, size, lim); err != nil {
			return err
		}
	}
	return nil
}

// checkPartSize refuses a shared-string table over MaxSharedStrings and
// another part, not a sheet, over MaxPart.
func checkPartSize(name string, size uint64, lim Limits) error {
	switch {
	case isSharedStrings(name):
		if size > uint64(lim.MaxSharedStrings) {
			return refuse("file.shared_strings_too_large", "工作簿的共享文本表有 %.0f MiB，超过上限 %.0f MiB",
				"the workbook's shared-string table is %.0f MiB, over the limit of %.0f MiB", mib(int64(min(size, 1<<62))), mib(lim.MaxSharedStrings))
		}
	case !strings.HasPrefix(strings.ToLower(name), "xl/worksheets/"):
		if size > uint64(lim.MaxPart) {
			return refuse("file.part_too_large", "工作簿的部件「%s」解压后超过 %.0f MiB", "the workbook's part %q is over %.0f MiB uncompressed",
				clip(name), mib(lim.MaxPart))
		}
	}
	return nil
}

// checkEntryName refuses a part name that is absolute, climbs with "..",
// holds a backslash or a NUL, or repeats a name already seen.
func checkEntryName(name string, seen map[string]bool) error {
	unsafe := name == "" || strings.HasPrefix(name, "/") || strings.ContainsAny(name, "\\\x00") ||
		(len(name) >= 2 && name[1] == ':')
	for _, part := range strings.Split(name, "/") {
		unsafe = unsafe || part == ".."
	}
	if unsafe {
		return refuse("file.unsafe_path", "工作簿含有路径不安全的部件「%s」，拒绝读取", "the workbook holds a part with an unsafe path, %q, and is refused", clip(name))
	}
	key := strings.ToLower(name)
	if seen[key] {
		return refuse("file.unsafe_path", "工作簿中部件「%s」出现了两次，拒绝读取", "the workbook holds the part %q twice and is refused", clip(name))
	}
	seen[key] = true
	return nil
}

// isSharedStrings reports whether a part is a shared-string table.
func isSharedStrings(name string) bool {
	return strings.HasPrefix(strings.ToLower(path.Base(name)), "sharedstrings")
}

func zipBomb(detail string) error {
	return refuse("file.zip_bomb", "工作簿解压后过大或压缩比异常（%s），拒绝读取", "the workbook would decompress to too much or compresses abnormally well (%s) and is refused", detail)
}

// clip shortens a name from a file for a message.
func clip(s string) string {
	if r := []rune(s); len(r) > 80 {
		return string(r[:80]) + "…"
	}
	return s
}

// readPart reads a whole small part of the archive, at most max bytes of
// it whatever its declared size.
func readPart(zr *zip.Reader, name string, max int64) ([]byte, bool, error) {
	for _, f := range zr.File {
		if !strings.EqualFold(f.Name, name) {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, true, corrupt(err)
		}
		defer rc.Close()
		b, err := io.ReadAll(io.LimitReader(rc, max+1))
		if err != nil {
			return nil, true, corrupt(err)
		}
		if int64(len(b)) > max {
			return nil, true, zipBomb(fmt.Sprintf("%s over %.0f MiB", clip(name), mib(max)))
		}
		return b, true, nil
	}
	return nil, false, nil
}

// corrupt is the error for a workbook that cannot be read as one; the
// cause (a zip or XML error) is not shown to people.
func corrupt(error) error {
	return refuse("file.corrupt", "文件不是可读的 Excel 工作簿（.xlsx），可能已损坏：请在 Excel 中打开并另存为 .xlsx 后再导入",
		"the file is not a readable Excel workbook (.xlsx) and may be damaged: open it in Excel, save it as .xlsx and import that")
}
