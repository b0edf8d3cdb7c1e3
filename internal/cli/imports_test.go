package cli

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/stockpile-dev/stockpile/internal/store/storetest"
)

// TestImportCommands loads a city from files as a bureau would: areas,
// an organisation and a depot (its point copied from AMap), then opening
// stock in a GBK CSV file, checked with --dry-run first; a file with a bad
// row prints where and exits 1; importing again changes nothing.
func TestImportCommands(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dsn := storetest.DSN(t, "sqlite")
	if code, _, errOut := run(t, ctx, "migrate", "--db", dsn); code != 0 {
		t.Fatalf("migrate: exit %d\n%s", code, errOut)
	}
	if code, out, errOut := runIn(t, ctx, rootPassword+"\n", "user", "add", "--db", dsn, "--username", "root",
		"--role", "admin", "--password-stdin"); code != 0 {
		t.Fatalf("user add: exit %d\n%s%s", code, out, errOut)
	}
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	importAs := func(user, password string, args ...string) (int, string, string) {
		return runIn(t, ctx, password+"\n", append([]string{"import", "--db", dsn, "--user", user}, args...)...)
	}
	files := []struct{ kind, text string }{
		{"areas", "区域编码,上级区域编码,层级,区域名称,常住人口\n110000,,市级,北京市,\"21,858,000\"\n110111,110000,区级,房山区,1312778 \n"},
		{"orgs", "code,name_zh,kind,area_code\nBJ-EMB,北京市应急管理局,应急管理部门,110000\n"},
		{"depots", "储备库编码,储备库名称,层级,类型,管理单位,所在区域,经度,纬度,坐标系\nC-01,市级一号库,city,comprehensive,BJ-EMB,110111,116.1494,39.7502,GCJ-02\n"},
	}
	for _, f := range files {
		code, out, errOut := importAs("root", rootPassword, f.kind, write(f.kind+".csv", f.text))
		if code != 0 || !strings.Contains(out, "committed") {
			t.Fatalf("import %s: exit %d\n%s%s", f.kind, code, out, errOut)
		}
	}
	if code, out, errOut := runIn(t, ctx, rootPassword+"\nmanager-password-1\n", "user", "add", "--db", dsn, "--user", "root",
		"--username", "mgr", "--role", "manager", "--area", "110000", "--org", "BJ-EMB", "--password-stdin"); code != 0 {
		t.Fatalf("user add mgr: exit %d\n%s%s", code, out, errOut)
	}

	gbk, err := simplifiedchinese.GBK.NewEncoder().String("储备库编码,物资编码,批次号,生产日期,数量\nC-01,1010101,2026-01,46027,\"1,200\"\nC-01,1030101,W1,2026年1月5日,３００\n")
	if err != nil {
		t.Fatal(err)
	}
	stockFile := write("期初库存.csv", gbk)
	code, out, errOut := importAs("mgr", "manager-password-1", "stock", stockFile, "--dry-run")
	if code != 0 || !strings.Contains(out, "GB18030") || !strings.Contains(errOut, "dry run") {
		t.Fatalf("dry run: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = importAs("mgr", "manager-password-1", "stock", stockFile)
	if code != 0 || !strings.Contains(out, "2 ledger lines") {
		t.Fatalf("import stock: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = importAs("mgr", "manager-password-1", "stock", stockFile)
	if code != 0 || !strings.Contains(out, "0 new, 0 changed, 2 unchanged") || strings.Contains(out, "ledger lines") {
		t.Fatalf("import again: exit %d\n%s%s", code, out, errOut)
	}
	bad := write("bad.csv", "depot,item,batch,quantity\nC-01,1010101,2026-01,10\nC-01,1010101,X,lots\n")
	code, out, errOut = importAs("mgr", "manager-password-1", "stock", bad)
	if code != 1 || !regexp.MustCompile(`(?m)^3\s+quantity\s+lots`).MatchString(out) || !strings.Contains(errOut, "nothing was imported") {
		t.Fatalf("bad file: exit %d\n%s%s", code, out, errOut)
	}

	// Templates need no database.
	code, out, _ = run(t, ctx, "template", "stock", "--format", "csv")
	if code != 0 || !strings.Contains(out, "批次号") {
		t.Fatalf("template: exit %d\n%s", code, out)
	}
	xlsx := filepath.Join(dir, "depots.xlsx")
	if code, _, errOut := run(t, ctx, "template", "depots", "-o", xlsx); code != 0 {
		t.Fatalf("template -o: exit %d\n%s", code, errOut)
	}
	if b, err := os.ReadFile(xlsx); err != nil || !strings.HasPrefix(string(b), "PK") {
		t.Fatalf("xlsx template: %v", err)
	}
}
