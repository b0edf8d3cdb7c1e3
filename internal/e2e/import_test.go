package e2e_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// TestImportOrgs is a district's reserve manager loading the partner
// organisations of their district from a CSV file as Chinese Excel saves
// it (GBK): the first file has a row for another district, which the
// preview lists by row and column with nothing written; the corrected
// file is previewed and committed, and importing it again finds nothing
// to do.
func TestImportOrgs(t *testing.T) {
	s := open(t, 1366, 900, "manager-mentougou")
	dir := t.TempDir()
	write := func(name, text string) string {
		t.Helper()
		b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	head := "单位编码,单位名称,单位类型,所属区域\r\n"
	good := "MTG-E2E-WATER,门头沟区水务局（测试）,政府部门,110109\r\nMTG-E2E-SUPPLY,门头沟区物资供应企业（测试）,企业,110109 \r\n"
	bad := write("orgs-bad.csv", head+good+"MTG-E2E-OTHER,朝阳区某单位,企业,110105\r\n")
	fixed := write("orgs.csv", head+good)

	s.goTo("/import?kind=orgs", "import")
	s.shot("import-form")
	// check uploads a file and waits for its preview: a new import id on
	// the preview, since the previous file's may name the same file.
	check := func(file string) {
		s.t.Helper()
		before := eval[string](s, `document.querySelector('#import-preview').dataset.import || ''`)
		s.do("check "+filepath.Base(file), chromedp.SetUploadFiles(chromedp.CSS("#import-file"), []string{file}),
			chromedp.Click(chromedp.CSS("#import-check")), chromedp.WaitVisible(chromedp.CSS("#import-preview")),
			eventually(`(document.querySelector('#import-preview').dataset.import || '') !== '`+before+`'`))
	}
	check(bad)
	s.shot("import-problems")
	if n := count(s, "#problems-table tbody tr"); n != 1 {
		t.Errorf("%d problems listed, want 1 (the row of another district)", n)
	}
	if row := s.text("#problems-table tbody tr"); !strings.Contains(row, "4") || !strings.Contains(row, "area_code") {
		t.Errorf("problem row %q: want row 4, column area_code", row)
	}
	if eval[bool](s, `!document.querySelector('#import-commit').hidden`) {
		t.Error("a file with a problem can be committed")
	}
	if href := s.attr("#problems-xlsx", "href"); !strings.HasSuffix(href, "/problems.xlsx") {
		t.Errorf("problems download %q", href)
	}

	check(fixed)
	if txt := s.text("#preview-summary"); !strings.Contains(txt, "GB18030") {
		t.Errorf("summary %q does not name the encoding found", txt)
	}
	s.do("commit", chromedp.Click(chromedp.CSS("#import-commit")), chromedp.WaitVisible(chromedp.CSS("#import-result")))
	s.shot("import-done")
	if txt := s.text("#import-result"); !strings.Contains(txt, "2") {
		t.Errorf("result %q: want 2 new organisations", txt)
	}

	check(fixed)
	if txt := s.text("#commit-status"); !strings.Contains(txt, "无需导入") {
		t.Errorf("importing the same file again: %q, want nothing to import", txt)
	}
}
