package ops_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/account"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/importer"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
)

// cityManager is a reserve manager of the whole city who imports.
var cityManager = access.Actor{Principal: access.Principal{ID: "user:7"}, Roles: []access.Role{access.RoleManager},
	Scope: access.Scope{AreaPath: "110000/"}}

// gbk encodes text as Chinese Excel saves a CSV file.
func gbk(t *testing.T, text string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// openingCSV sets the fixture's tents in depot A to 120 (an adjustment of
// +20), and brings in new lots: water dated by an Excel serial number,
// geotextile with full-width digits and a thousands separator, with the
// spaces people leave.
const openingCSV = "储备库编码,物资编码,批次号,物权单位,生产日期,数量\n" +
	"C-TEST-A,1010101,B1,,,120\n" +
	"C-TEST-A ,1030101,W-2026,,46027,\"1,500\"\n" +
	"D-TEST-B,3010201,G1,BJ-EMB,2026/1/5,２５.５\n"

func lotsAt(t *testing.T, s *store.Store, keys ...importer.LotKey) map[importer.LotKey]importer.LotState {
	t.Helper()
	got, err := s.ImportLots(context.Background(), keys)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func entries(t *testing.T, s *store.Store) int {
	t.Helper()
	es, err := s.Movements(context.Background(), store.MovementFilter{Limit: 20000})
	if err != nil {
		t.Fatal(err)
	}
	return len(es)
}

// TestImportOpeningStock: a GBK file sets quantities (a receipt for a new
// lot, an adjustment for a stored one) in one posting-set named for the
// import; importing it again posts nothing; a second commit is refused.
func TestImportOpeningStock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := fixture(t, s)
		pre, err := svc.PreviewImport(ctx, cityManager, "stock", "opening.csv", gbk(t, openingCSV))
		if err != nil {
			t.Fatal(err)
		}
		if pre.New != 2 || pre.Changed != 1 || pre.Unchanged != 0 || pre.ProblemCount != 0 || pre.Encoding != "GB18030" {
			t.Fatalf("preview: %+v", pre)
		}
		before := entries(t, s)
		var last, lastTotal int64
		res, err := svc.CommitImport(ctx, cityManager, pre.ID, func(done, total int64) { last, lastTotal = done, total })
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != store.ImportCommitted || len(res.Postings) != 1 || res.LedgerLines != 3 || last == 0 || last != lastTotal {
			t.Fatalf("commit: %+v (progress %d)", res, last)
		}
		if got := entries(t, s); got != before+3 {
			t.Fatalf("ledger entries %d, want %d", got, before+3)
		}
		p, err := s.Posting(ctx, res.Postings[0])
		if err != nil || !strings.HasPrefix(p.Reason, "导入 #") || p.Actor != cityManager.ID {
			t.Fatalf("posting %+v, %v", p, err)
		}
		tents := importer.LotKey{Depot: "C-TEST-A", Item: storetest.Tent, Batch: "B1", Owner: "BJ-EMB"}
		water := importer.LotKey{Depot: "C-TEST-A", Item: storetest.Water, Batch: "W-2026", Owner: "BJ-EMB"}
		geo := importer.LotKey{Depot: "D-TEST-B", Item: storetest.Geotextile, Batch: "G1", Owner: "BJ-EMB"}
		lots := lotsAt(t, s, tents, water, geo)
		if lots[tents].OnHand != stock.Units(120) || lots[water].OnHand != stock.Units(1500) || lots[geo].OnHand != 25500 {
			t.Fatalf("lots after import: %+v", lots)
		}
		lot, err := s.Lot(ctx, lots[water].Lot)
		if err != nil || lot.ProducedOn != "2026-01-05" || lot.ExpiresOn != "2028-01-05" {
			t.Fatalf("water lot %+v, %v", lot, err)
		}

		// Committing again is a conflict; importing the file again changes nothing.
		if _, err := svc.CommitImport(ctx, cityManager, pre.ID, nil); !isCode(err, "import.finished") {
			t.Fatalf("second commit: %v", err)
		}
		again, err := svc.PreviewImport(ctx, cityManager, "stock", "opening.csv", gbk(t, openingCSV))
		if err != nil || again.Unchanged != 3 || again.New+again.Changed != 0 {
			t.Fatalf("re-import preview %+v, %v", again, err)
		}
		res, err = svc.CommitImport(ctx, cityManager, again.ID, nil)
		if err != nil || len(res.Postings) != 0 || entries(t, s) != before+3 {
			t.Fatalf("re-import commit %+v, %v", res, err)
		}

		// Setting a lot lower posts a negative adjustment.
		down, err := svc.PreviewImport(ctx, cityManager, "stock", "down.csv",
			[]byte("depot,item,batch,quantity\nC-TEST-A,1010101,B1,90\n"))
		if err != nil || down.Changed != 1 {
			t.Fatalf("down preview %+v, %v", down, err)
		}
		if _, err := svc.CommitImport(ctx, cityManager, down.ID, nil); err != nil {
			t.Fatal(err)
		}
		if got := lotsAt(t, s, tents)[tents].OnHand; got != stock.Units(90) {
			t.Fatalf("tents %v, want 90", got)
		}
	})
}

func isCode(err error, code string) bool {
	e, ok := apperr.As(err)
	return ok && e.Code == code
}

// TestImportBadRowsChangeNothing: every problem of every row is reported
// with its row and column, and the file commits nothing.
func TestImportBadRowsChangeNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := fixture(t, s)
		file := "depot,item,batch,produced_on,quantity\n" +
			"C-TEST-A,1010101,B1,,150\n" + // good
			"C-TEST-A,9999999,X,,1\n" + // unknown item
			"NO-DEPOT,1010101,Y,2026-02-30,-3\n" + // unknown depot, no such date, negative
			"C-TEST-A,1010101,B1,,7\n" + // repeats row 2
			"C-TEST-A,1010101,B2,,1.5\n" // tents are counted
		before := entries(t, s)
		pre, err := svc.PreviewImport(ctx, cityManager, "stock", "bad.csv", []byte(file))
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]bool{"3 item import.reference_unknown": true, "4 produced_on cell.not_a_date": true,
			"5 depot import.duplicate": true, "6 quantity quantity.fractional": true}
		for _, p := range pre.Problems {
			delete(want, strings.Join([]string{itoa(p.Line), p.Column, p.Code}, " "))
		}
		if len(want) > 0 || pre.ProblemCount < 5 {
			t.Fatalf("problems %+v; missing %v", pre.Problems, want)
		}
		_, err = svc.CommitImport(ctx, cityManager, pre.ID, nil)
		if e, ok := apperr.As(err); !ok || e.Code != "import.has_problems" || len(e.Rows) != int(pre.ProblemCount) {
			t.Fatalf("commit of a bad file: %v", err)
		}
		if entries(t, s) != before {
			t.Fatal("a refused import posted to the ledger")
		}
		got, _ := svc.GetImport(ctx, cityManager, pre.ID)
		if got.Status != store.ImportPreviewed {
			t.Fatalf("status %s", got.Status)
		}
	})
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestImportScopeAndChangedState: rows beyond the importer's scope are
// problems; a commit that finds the data changed since the preview fails
// whole and says why.
func TestImportScopeAndChangedState(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := fixture(t, s)
		district := access.Actor{Principal: access.Principal{ID: "user:8"}, Roles: []access.Role{access.RoleManager},
			Scope: access.Scope{AreaPath: "110000/110111/"}}
		pre, err := svc.PreviewImport(ctx, district, "stock", "s.csv",
			[]byte("depot,item,batch,quantity\nC-TEST-A,1010101,B1,1\nD-TEST-B,1010101,B9,5\n"))
		if err != nil {
			t.Fatal(err)
		}
		if pre.ProblemCount != 1 || pre.Problems[0].Line != 2 || pre.Problems[0].Code != "auth.out_of_scope" || pre.New != 1 {
			t.Fatalf("scope preview %+v", pre)
		}
		if p := pre.Problems[0]; p.Column != "depot" || p.Value != "C-TEST-A" ||
			p.ZH != "储备库 C-TEST-A（测试市级库）不在您的管辖范围（房山区）内" || !strings.Contains(p.EN, "is outside your scope") {
			t.Fatalf("scope problem %+v", p)
		}
		// An organisation of another area: the problem is its area's cell.
		pre, err = svc.PreviewImport(ctx, district, "orgs", "o.csv",
			[]byte("单位编码,单位名称,单位类型,所属区域\nFS-NEW,房山某单位,企业,110111\nBJ-NEW,市某单位,企业,110000\n"))
		if err != nil {
			t.Fatal(err)
		}
		if pre.ProblemCount != 1 || pre.New != 1 {
			t.Fatalf("orgs scope preview %+v", pre)
		}
		if p := pre.Problems[0]; p.Line != 3 || p.Column != "area_code" || p.Value != "110000" ||
			p.ZH != "所属区域 110000（北京市）不在您的管辖范围（房山区）内" ||
			p.EN != "area 110000 (Beijing) is outside your scope (Fangshan)" {
			t.Fatalf("orgs scope problem %+v", p)
		}
		if _, err := svc.PreviewImport(ctx, access.Actor{Principal: access.Principal{ID: "user:9"},
			Roles: []access.Role{access.RoleViewer}, Scope: access.Scope{All: true}}, "stock", "s.csv", []byte("x")); !apperr.IsKind(err, apperr.Forbidden) {
			t.Fatalf("a viewer previewed: %v", err)
		}

		// Preview 10 tents, then reserve 50 of them: the commit now fails.
		pre, err = svc.PreviewImport(ctx, cityManager, "stock", "s.csv", []byte("depot,item,batch,quantity\nC-TEST-A,1010101,B1,10\n"))
		if err != nil || pre.Changed != 1 {
			t.Fatalf("preview %+v, %v", pre, err)
		}
		if _, err := s.Post(ctx, stock.Posting{Actor: "test", Reason: "预留", Lines: []stock.Line{{Kind: stock.KindReserve,
			Depot: "C-TEST-A", Item: storetest.Tent, Lot: "TENT-A", Quantity: stock.Units(50)}}}); err != nil {
			t.Fatal(err)
		}
		res, err := svc.CommitImport(ctx, cityManager, pre.ID, nil)
		if e, ok := apperr.As(err); !ok || e.Code != "import.changed" || res.Status != store.ImportPreviewed ||
			len(e.Rows) != 1 || e.Rows[0].Code != "import.below_reserved" || e.Rows[0].Line != 2 {
			t.Fatalf("commit after a change: %+v, %v", res, err)
		}
	})
}

// TestImportMasterData: depots with GCJ-02 points are converted to
// WGS-84; a changed row is updated with its audit record; users get
// one-time passwords shown once.
func TestImportMasterData(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := fixture(t, s)
		truth := geo.Point{Lon: 116.1433, Lat: 39.7488}
		gcj := geo.WGS84ToGCJ02(truth)
		file := "储备库编码,储备库名称,层级,类型,管理单位,所在区域,经度,纬度,坐标系,库容（立方米 m³）\n" +
			"D-NEW ,新库,区级,综合库,BJ-EMB,110111," + ftoa(gcj.Lon) + "," + ftoa(gcj.Lat) + ",高德,\"1,200\"\n" +
			"D-TEST-B,测试房山库（改名）,district,comprehensive,BJ-EMB,110111,116.14,39.73,,800\n"
		pre, err := svc.PreviewImport(ctx, cityManager, "depots", "depots.csv", []byte(file))
		if err != nil || pre.New != 1 || pre.Changed != 1 || pre.ProblemCount != 0 {
			t.Fatalf("preview %+v, %v", pre, err)
		}
		if _, err := svc.CommitImport(ctx, cityManager, pre.ID, nil); err != nil {
			t.Fatal(err)
		}
		d, err := s.Depot(ctx, "D-NEW")
		if err != nil || geo.DistanceKm(d.Point, truth)*1000 > 1 || d.CapacityM3 != 1200 {
			t.Fatalf("depot %+v (%.2f m from the truth), %v", d, geo.DistanceKm(d.Point, truth)*1000, err)
		}
		b, _ := s.Depot(ctx, "D-TEST-B")
		if b.NameZH != "测试房山库（改名）" || b.CapacityM3 != 800 {
			t.Fatalf("changed depot %+v", b)
		}
		again, err := svc.PreviewImport(ctx, cityManager, "depots", "depots.csv", []byte(file))
		if err != nil || again.Unchanged != 2 {
			t.Fatalf("re-import %+v, %v", again, err)
		}

		users := "username,name,roles,area_code,org_code,depots\nli.na,李娜,keeper,110111,BJ-EMB,D-NEW\nwang.fang,王芳,\"manager, viewer\",110111,BJ-EMB,\n"
		pre, err = svc.PreviewImport(ctx, access.SystemActor("test"), "users", "users.csv", []byte(users))
		if err != nil || pre.New != 2 {
			t.Fatalf("users preview %+v, %v", pre, err)
		}
		res, err := svc.CommitImport(ctx, access.SystemActor("test"), pre.ID, nil)
		if err != nil || len(res.Passwords) != 2 {
			t.Fatalf("users commit %+v, %v", res, err)
		}
		u, hash, err := s.UserCredentials(ctx, "li.na")
		if err != nil || !u.MustChangePassword || !account.Verify(hash, res.Passwords[0].Password) || len(u.Depots) != 1 {
			t.Fatalf("user %+v, %v", u, err)
		}
		got, _ := svc.GetImport(ctx, access.SystemActor("test"), pre.ID)
		if got.Passwords != nil || strings.Contains(string(mustJSON(t, got)), res.Passwords[0].Password) {
			t.Fatal("a one-time password was kept")
		}
	})
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestImportMasterDataProblems: bad rows of master data report every
// problem with its row and column: cells that do not read, a parent
// neither stored nor on an earlier row, a repeated code, a domain rule.
func TestImportMasterDataProblems(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := fixture(t, s)
		sys := access.SystemActor("test")
		items := "code,name_zh,unit_zh,purpose,volume_m3,shelf_life_days\n" +
			"1010198,好物资,顶,life,0.1,365\n" +
			"1010197,坏物资,顶,maybe,lots,365\n" + // two cells wrong
			"1010198,重复,顶,life,0.1,365\n" + // repeats row 2
			"9010101,无类,顶,life,0.1,365\n" + // no such class
			"1010196,超期,顶,rescue,0.1,99999\n" // shelf life out of range
		pre, err := svc.PreviewImport(ctx, sys, "items", "items.csv", []byte(items))
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]bool{"3 purpose cell.not_a_choice": true, "3 volume_m3 cell.not_a_number": true,
			"4 code import.duplicate": true, "5 code catalog.class_unknown": true, "6 shelf_life_days catalog.shelf_life_out_of_range": true}
		for _, p := range pre.Problems {
			delete(want, strings.Join([]string{strconv.Itoa(p.Line), p.Column, p.Code}, " "))
		}
		if len(want) > 0 || pre.New != 1 {
			t.Fatalf("items: problems %+v; missing %v", pre.Problems, want)
		}
		areas := "code,parent_code,level,name_zh\n110111900,110111,street,甲街道\n110111901,110111999,street,乙街道\n" +
			"110111902,110111900,community,丙社区\n110111903,110111,city,丁\n"
		pre, err = svc.PreviewImport(ctx, sys, "areas", "areas.csv", []byte(areas))
		if err != nil {
			t.Fatal(err)
		}
		if pre.New != 2 || pre.ProblemCount != 2 || pre.Problems[0].Line != 3 || pre.Problems[0].Code != "import.reference_unknown" ||
			pre.Problems[1].Line != 5 || pre.Problems[1].Code != "area.level_order" {
			t.Fatalf("areas: %+v", pre)
		}
		if _, err := svc.CommitImport(ctx, sys, pre.ID, nil); !isCode(err, "import.has_problems") {
			t.Fatalf("commit: %v", err)
		}
		if _, err := s.Area(ctx, "110111900"); !apperr.IsKind(err, apperr.NotFound) {
			t.Fatalf("a refused import created an area: %v", err)
		}
	})
}

// TestImportCommitTrustsOnlyAnUnchangedPreview: a commit applies the
// preview's verdict while only imports were previewed since; once the
// ledger has moved it checks the file again, so that a lot received in
// between is set, not received a second time.
func TestImportCommitTrustsOnlyAnUnchangedPreview(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := fixture(t, s)
		file := []byte("depot,item,batch,quantity\nC-TEST-A,1010101,N1,30\nC-TEST-A,1010101,N2,40\n")
		pre, err := svc.PreviewImport(ctx, cityManager, "stock", "n.csv", file)
		if err != nil || pre.New != 2 {
			t.Fatalf("preview %+v, %v", pre, err)
		}
		other, err := svc.PreviewImport(ctx, cityManager, "stock", "other.csv", file) // changes nothing
		if err != nil {
			t.Fatal(err)
		}
		if res, err := svc.CommitImport(ctx, cityManager, pre.ID, nil); err != nil || res.LedgerLines != 2 || res.New != 2 {
			t.Fatalf("commit %+v, %v", res, err)
		}
		// other's preview saw both lots new; they are stored now.
		res, err := svc.CommitImport(ctx, cityManager, other.ID, nil)
		if err != nil || res.Unchanged != 2 || res.LedgerLines != 0 {
			t.Fatalf("commit of a stale verdict %+v, %v", res, err)
		}

		pre, err = svc.PreviewImport(ctx, cityManager, "stock", "m.csv", []byte("depot,item,batch,quantity\nC-TEST-A,1010101,M1,30\n"))
		if err != nil || pre.New != 1 {
			t.Fatalf("preview %+v, %v", pre, err)
		}
		if _, err := s.Post(ctx, stock.Posting{Actor: "test", Reason: "入库", Lines: []stock.Line{{Kind: stock.KindReceive,
			Depot: "C-TEST-A", Item: storetest.Tent, Quantity: stock.Units(10), NewLot: &stock.LotSpec{Batch: "M1"}}}}); err != nil {
			t.Fatal(err)
		}
		res, err = svc.CommitImport(ctx, cityManager, pre.ID, nil)
		if err != nil || res.Changed != 1 || res.New != 0 || res.LedgerLines != 1 {
			t.Fatalf("commit after a receipt %+v, %v", res, err)
		}
		key := importer.LotKey{Depot: "C-TEST-A", Item: storetest.Tent, Batch: "M1", Owner: "BJ-EMB"}
		if got := lotsAt(t, s, key)[key]; got.Ambiguous || got.OnHand != stock.Units(30) {
			t.Fatalf("lot after the commit %+v", got)
		}
	})
}
