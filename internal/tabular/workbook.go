package tabular

import (
	"archive/zip"
	"encoding/xml"
	"path"
	"strings"
)

// maxPartXML bounds the small XML parts read whole: the package and
// workbook relationships and the workbook's sheet list.
const maxPartXML = 16 << 20

// sheetRef is one sheet of a workbook as its sheet list names it.
type sheetRef struct {
	Name   string
	Part   string // its path in the archive
	Hidden bool
}

// relationships is a .rels part: relationship id → target.
type relationships struct {
	Rel []struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	} `xml:"Relationship"`
}

// workbookXML is the sheet list of workbook.xml.
type workbookXML struct {
	Sheets []struct {
		Name  string     `xml:"name,attr"`
		State string     `xml:"state,attr"`
		Attrs []xml.Attr `xml:",any,attr"`
	} `xml:"sheets>sheet"`
}

// sheets lists a workbook's sheets in their order, finding the workbook
// part through the package relationships (xl/workbook.xml when there are
// none).
func sheets(zr *zip.Reader) ([]sheetRef, error) {
	wbPath := "xl/workbook.xml"
	var root relationships
	if ok, err := readXML(zr, "_rels/.rels", &root); err != nil {
		return nil, err
	} else if ok {
		for _, r := range root.Rel {
			if strings.HasSuffix(r.Type, "/officeDocument") {
				wbPath = resolve("", r.Target)
			}
		}
	}
	var wb workbookXML
	if ok, err := readXML(zr, wbPath, &wb); err != nil || !ok {
		return nil, notXLSX(err)
	}
	var rels relationships
	if _, err := readXML(zr, path.Join(path.Dir(wbPath), "_rels", path.Base(wbPath)+".rels"), &rels); err != nil {
		return nil, err
	}
	target := map[string]string{}
	for _, r := range rels.Rel {
		target[r.ID] = resolve(path.Dir(wbPath), r.Target)
	}
	var out []sheetRef
	for _, s := range wb.Sheets {
		for _, a := range s.Attrs {
			if a.Name.Local == "id" && target[a.Value] != "" {
				out = append(out, sheetRef{Name: s.Name, Part: target[a.Value], Hidden: s.State == "hidden" || s.State == "veryHidden"})
			}
		}
	}
	return out, nil
}

// notXLSX is the error for a zip archive that is no workbook (an .ods,
// .docx or plain .zip file), or whose workbook part cannot be read.
func notXLSX(err error) error {
	if err != nil {
		return err
	}
	return refuse("file.not_a_table", "文件是压缩包，但不是 Excel 工作簿（.xlsx）", "the file is a zip archive but not an Excel workbook (.xlsx)")
}

// readXML decodes the part name into v; ok is false when there is no such
// part.
func readXML(zr *zip.Reader, name string, v any) (ok bool, err error) {
	b, ok, err := readPart(zr, name, maxPartXML)
	if err != nil || !ok {
		return ok, err
	}
	if err := xml.Unmarshal(b, v); err != nil {
		return true, corrupt(err)
	}
	return true, nil
}

// resolve is the archive path of a relationship target relative to dir.
func resolve(dir, target string) string {
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(target, "/")
	}
	return path.Join(dir, target)
}
