package api

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/store"
)

// importAnswer is what the import routes answer.
type importAnswer struct {
	ID           int64  `json:"id"`
	Status       string `json:"status"`
	Format       string `json:"format"`
	New          int64  `json:"new"`
	Changed      int64  `json:"changed"`
	Unchanged    int64  `json:"unchanged"`
	ProblemCount int64  `json:"problem_count"`
	Problems     []struct {
		Row    int    `json:"row"`
		Column string `json:"column"`
		Code   string `json:"code"`
	} `json:"problems"`
	LedgerLines int64 `json:"ledger_lines"`
}

// upload previews a file as the principal as and returns the answer.
func (a *testAPI) upload(t *testing.T, as, kind, file string) importAnswer {
	t.Helper()
	rec := a.do("POST", "/api/imports?kind="+kind+"&filename=f.csv", file,
		map[string]string{"Authorization": a.as(t, as).bearer()["Authorization"], "Content-Type": "text/csv"}, false)
	if rec.Code != 201 {
		t.Fatalf("upload %s: status %d: %s", kind, rec.Code, rec.Body)
	}
	return decodeImport(t, rec)
}

func decodeImport(t *testing.T, rec *httptest.ResponseRecorder) importAnswer {
	t.Helper()
	var im importAnswer
	if err := json.Unmarshal(rec.Body.Bytes(), &im); err != nil {
		t.Fatalf("%v: %s", err, rec.Body)
	}
	return im
}

func ledgerEntries(t *testing.T, s *store.Store) int {
	t.Helper()
	es, err := s.Movements(context.Background(), store.MovementFilter{Limit: 20000})
	if err != nil {
		t.Fatal(err)
	}
	return len(es)
}

const stockFile = "储备库编码,物资编码,批次号,数量\nC-TEST-A,1010101,IMP-1,\"1,200\"\nD-TEST-B,1030101,IMP-2,３００\n"

// TestImportScenarios: a good file imports and a second commit is
// refused; the same file again is all unchanged and posts nothing; a file
// with a bad row changes nothing and says where; rows beyond the
// importer's scope are refused; roles without data.import are refused at
// the gate.
func TestImportScenarios(t *testing.T) {
	t.Parallel()
	eachScopeAPI(t, func(t *testing.T, a *testAPI) {
		good := a.upload(t, "manager", "stock", stockFile)
		if good.New != 2 || good.ProblemCount != 0 || good.Status != "previewed" || good.Format != "csv" {
			t.Fatalf("preview %+v", good)
		}
		id := strconv.FormatInt(good.ID, 10)
		before := ledgerEntries(t, a.s)
		rec := a.do("POST", "/api/imports/"+id+"/commit", "", a.as(t, "manager").bearer(), false)
		if rec.Code != 200 || decodeImport(t, rec).LedgerLines != 2 || ledgerEntries(t, a.s) != before+2 {
			t.Fatalf("commit: %d %s", rec.Code, rec.Body)
		}
		again := a.upload(t, "manager", "stock", stockFile)
		if again.Unchanged != 2 || again.New+again.Changed != 0 {
			t.Fatalf("re-import %+v", again)
		}
		rec = a.do("POST", "/api/imports/"+strconv.FormatInt(again.ID, 10)+"/commit", "", a.as(t, "manager").bearer(), false)
		if rec.Code != 200 || ledgerEntries(t, a.s) != before+2 {
			t.Fatalf("re-import commit: %d %s", rec.Code, rec.Body)
		}

		bad := a.upload(t, "manager", "stock", "depot,item,batch,quantity\nC-TEST-A,1010101,IMP-3,5\nC-TEST-A,1010101,IMP-4,五\n")
		if bad.ProblemCount != 1 || bad.Problems[0].Row != 3 || bad.Problems[0].Column != "quantity" {
			t.Fatalf("bad file %+v", bad)
		}
		scope := a.upload(t, "manager-fs", "stock", stockFile)
		if scope.ProblemCount != 1 || scope.Problems[0].Row != 2 || scope.Problems[0].Code != "auth.out_of_scope" {
			t.Fatalf("out of scope %+v", scope)
		}
		// A required column missing: refused before anything is stored.
		// (Its English message quotes the Chinese header, so it is not
		// checked with the scenarios' rule of English-only messages.)
		rec = a.do("POST", "/api/imports?kind=stock", "depot,item\nC-TEST-A,1010101\n", a.as(t, "manager").bearer(), false)
		if rec.Code != 400 || !strings.Contains(rec.Body.String(), `"code":"import.column_missing"`) {
			t.Fatalf("a required column missing: %d %s", rec.Code, rec.Body)
		}
		// A partner department imports its own organisation's reserves only.
		partner := a.upload(t, "partner", "agreements", "code,org_code,item,quantity,delivery_hours,valid_from,valid_until,lon,lat\n"+
			"AG-GRAIN,BJ-GRAIN,1010101,100,12,2026-01-01,2026-12-31,116.4,39.9\n"+
			"AG-EMB,BJ-EMB,1010101,100,12,2026-01-01,2026-12-31,116.4,39.9\n")
		if partner.New != 1 || partner.ProblemCount != 1 || partner.Problems[0].Row != 3 || partner.Problems[0].Code != "auth.out_of_scope" {
			t.Fatalf("partner %+v", partner)
		}
		runScenarios(t, a, []scenario{
			{name: "commit twice", method: "POST", path: "/api/imports/" + id + "/commit", as: "manager",
				status: 409, code: "import.finished"},
			{name: "a bad row commits nothing", method: "POST", path: "/api/imports/" + strconv.FormatInt(bad.ID, 10) + "/commit",
				as: "manager", status: 400, code: "import.has_problems", want: []string{`"line":3`, `"field":"quantity"`}},
			{name: "out-of-scope rows commit nothing", method: "POST",
				path: "/api/imports/" + strconv.FormatInt(scope.ID, 10) + "/commit", as: "manager-fs", status: 400,
				code: "import.has_problems", want: []string{`"auth.out_of_scope"`}},
			{name: "a viewer may not import", method: "POST", path: "/api/imports?kind=stock", body: stockFile, as: "viewer",
				status: 403, code: "auth.forbidden"},
			{name: "a keeper may not import items", method: "POST", path: "/api/imports?kind=items", as: "keeper",
				body: "code,name_zh,unit_zh,purpose\n1010199,测试,顶,life\n", status: 403, code: "auth.forbidden"},
			{name: "unknown kind", method: "POST", path: "/api/imports?kind=nothing", body: stockFile, as: "manager",
				status: 404, code: "import.kind_unknown", field: "kind"},
			{name: "the status of an import", method: "GET", path: "/api/imports/" + id, as: "manager", status: 200,
				want: []string{`"status":"committed"`, `"new":2`}},
			{name: "kinds", method: "GET", path: "/api/imports/kinds", as: "viewer", status: 200,
				want: []string{`"kind":"stock"`, `"header_zh":"批次号"`, `"count":11`}},
			{name: "csv template", method: "GET", path: "/api/imports/kinds/stock/template?format=csv", as: "viewer", status: 200,
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					if !strings.Contains(rec.Body.String(), "批次号") || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") {
						t.Errorf("template %q: %s", rec.Header().Get("Content-Type"), rec.Body)
					}
				}},
			{name: "problems workbook", method: "GET", path: "/api/imports/" + strconv.FormatInt(bad.ID, 10) + "/problems.xlsx",
				as: "manager", status: 200, check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					if rec.Header().Get("Content-Type") != xlsxType || rec.Body.Len() == 0 {
						t.Errorf("problems workbook %q, %d bytes", rec.Header().Get("Content-Type"), rec.Body.Len())
					}
				}},
			{name: "discard", method: "POST", path: "/api/imports/" + strconv.FormatInt(bad.ID, 10) + "/discard", as: "manager",
				status: 200, want: []string{`"status":"discarded"`}},
		})
	})
}

// TestImportUploads: a multipart form's part "file" is the file, and a
// file over the API's usual 1 MiB body limit is taken on this route.
func TestImportUploads(t *testing.T) {
	t.Parallel()
	eachScopeAPI(t, func(t *testing.T, a *testAPI) {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("file", "期初库存.csv")
		fw.Write([]byte(stockFile))
		mw.Close()
		rec := a.do("POST", "/api/imports?kind=stock", body.String(), map[string]string{
			"Authorization": a.as(t, "manager").bearer()["Authorization"], "Content-Type": mw.FormDataContentType()}, false)
		if rec.Code != 201 || !strings.Contains(rec.Body.String(), `"filename":"期初库存.csv"`) {
			t.Fatalf("multipart: %d %s", rec.Code, rec.Body)
		}
		big := stockFile + strings.Repeat("\n", 2<<20)
		if im := a.upload(t, "manager", "stock", big); im.New != 2 {
			t.Fatalf("2 MiB file: %+v", im)
		}
		rec = a.do("POST", "/api/areas", `{"code":"X1","parent_code":"110111","level":"street","name_zh":"`+
			strings.Repeat("街", 400_000)+`"}`, a.as(t, "manager").bearer(), false)
		if rec.Code != 413 {
			t.Fatalf("the other routes keep their limit: %d", rec.Code)
		}
	})
}
