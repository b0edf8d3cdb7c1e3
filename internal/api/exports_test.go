package api

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/account"
	"github.com/stockpile-dev/stockpile/internal/report"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// workbookOf checks that rec is an .xlsx attachment named filename and
// opens it.
func workbookOf(t *testing.T, rec *httptest.ResponseRecorder, filename string) *excelize.File {
	t.Helper()
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
	}
	if ct := rec.Header().Get("Content-Type"); ct != xlsxType {
		t.Errorf("Content-Type %q, want %q", ct, xlsxType)
	}
	if cd, want := rec.Header().Get("Content-Disposition"), "attachment; filename="+filename; cd != want {
		t.Errorf("Content-Disposition %q, want %q", cd, want)
	}
	f, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatalf("not a workbook: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// lotRow finds the row of the 批次 sheet for a lot in a depot.
func lotRow(t *testing.T, f *excelize.File, depot, lot string) []string {
	t.Helper()
	rows, err := f.GetRows("批次")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows[1:] {
		if len(r) > 5 && r[0] == depot && r[5] == lot {
			return r
		}
	}
	return nil
}

func TestExportStock(t *testing.T) {
	t.Parallel()
	eachDemoAPI(t, func(t *testing.T, a *testAPI) {
		ctx := context.Background()
		rep, err := a.s.Balances(ctx, store.BalanceQuery{GroupBy: "lot"})
		if err != nil || len(rep.Rows) == 0 {
			t.Fatalf("demo balances: %d rows, %v", len(rep.Rows), err)
		}
		known := rep.Rows[len(rep.Rows)/2]

		// The whole city: every lot, the known one with its quantity.
		f := workbookOf(t, a.do("GET", "/api/exports/stock.xlsx", "", nil, false), "stockpile-stock-2026-06-01.xlsx")
		if got, want := f.GetSheetList(), []string{"概览", "物资目录", "储备库", "批次", "流水"}; !slices.Equal(got, want) {
			t.Fatalf("sheets %q, want %q", got, want)
		}
		row := lotRow(t, f, known.Depot, known.Lot)
		if row == nil {
			t.Fatalf("lot %s at %s missing from the 批次 sheet", known.Lot, known.Depot)
		}
		if got, want := row[12], known.Quantity.String(); got != want && got != commas(want) {
			t.Errorf("lot %s quantity %q, want %s", known.Lot, got, want)
		}
		lots, _ := f.GetRows("批次")
		if len(lots)-1 != len(rep.Rows) {
			t.Errorf("批次 has %d lots, want %d", len(lots)-1, len(rep.Rows))
		}
		if v, _ := f.GetCellValue("概览", "B14"); v != "未校验 Not checked" {
			t.Errorf("ledger check %q, want not checked (the export's cost follows its rows)", v)
		}
		// One depot's workbook with the check: the whole ledger is
		// verified all the same, without writing every lot twice.
		checked := workbookOf(t, a.do("GET", "/api/exports/stock.xlsx?verify=1&depot="+known.Depot, "", nil, false),
			"stockpile-stock-"+known.Depot+"-2026-06-01.xlsx")
		if v, _ := checked.GetCellValue("概览", "B14"); v != "完整 Intact" {
			t.Errorf("ledger check with verify=1 %q, want intact", v)
		}
		newest, err := a.s.StockMovements(ctx, store.MovementQuery{Limit: 1})
		if err != nil || len(newest.Rows) != 1 {
			t.Fatalf("newest entry: %v", err)
		}
		moves, _ := f.GetRows("流水")
		if seq := strconv.FormatInt(newest.Rows[0].Seq, 10); len(moves) < 2 || (moves[1][0] != seq && moves[1][0] != commas(seq)) ||
			moves[1][13] != newest.Rows[0].Hash {
			t.Errorf("流水 does not start with the newest entry %s: %q", seq, moves[1])
		}

		// One depot: only its lots, and the file name says which.
		f = workbookOf(t, a.do("GET", "/api/exports/stock.xlsx?depot="+known.Depot, "", nil, false),
			"stockpile-stock-"+known.Depot+"-2026-06-01.xlsx")
		if lotRow(t, f, known.Depot, known.Lot) == nil {
			t.Errorf("lot %s missing from the workbook of depot %s", known.Lot, known.Depot)
		}
		lots, _ = f.GetRows("批次")
		for _, r := range lots[1:] {
			if r[0] != known.Depot {
				t.Fatalf("workbook of %s lists a lot of %s", known.Depot, r[0])
			}
		}
		depots, _ := f.GetRows("储备库")
		if len(depots) != 2 || depots[1][0] != known.Depot {
			t.Errorf("储备库 sheet of one depot: %q", depots)
		}

		runScenarios(t, a, []scenario{
			{name: "unknown depot", method: "GET", path: "/api/exports/stock.xlsx?depot=NO-SUCH-DEPOT",
				status: http.StatusNotFound, code: "depot.not_found", field: "depot"},
		})
	})
}

// commas writes a whole number with thousands separators, as a cell with
// the #,##0 format shows it.
func commas(s string) string {
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// tableOf reads an exported list: CSV (which must start with a byte-order
// mark) or the one sheet of a workbook.
func tableOf(t *testing.T, rec *httptest.ResponseRecorder, format string) [][]string {
	t.Helper()
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
	}
	if format == "csv" {
		body := rec.Body.Bytes()
		if !bytes.HasPrefix(body, []byte("\ufeff")) {
			t.Fatalf("CSV without a byte-order mark: %q", body[:min(len(body), 20)])
		}
		r := csv.NewReader(bytes.NewReader(body[3:]))
		r.FieldsPerRecord = -1
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	f, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatalf("not a workbook: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestExportLists exports every list in both formats: a file named with
// the list and the day, the documented header row, and the rows the
// actor's view shows (a keeper's lots are those of their depot).
func TestExportLists(t *testing.T) {
	t.Parallel()
	eachDemoAPI(t, func(t *testing.T, a *testAPI) {
		ctx := context.Background()
		keeper := a.addPrincipal(t, "keeper", account.User{Username: "keeper-fs", Roles: []access.Role{access.RoleKeeper},
			AreaCode: "110111", OrgCode: "BJ-EMB", Depots: []string{"C-FS-RELIEF"}})
		for _, e := range exports {
			// Every list as CSV; the workbook of two small ones, since
			// the writer is the same for every list (tabular tests it)
			// and writing the demo's every lot and entry as .xlsx under
			// the race detector took half a minute per engine.
			formats := []string{"csv"}
			if e.list.Name == "depots" || e.list.Name == "items" {
				formats = append(formats, "xlsx")
			}
			for _, format := range formats {
				rec := a.do("GET", "/api/exports/"+e.list.Name+"."+format, "", nil, false)
				if cd, want := rec.Header().Get("Content-Disposition"),
					"attachment; filename=stockpile-"+e.list.Name+"-2026-06-01."+format; cd != want {
					t.Errorf("%s.%s: Content-Disposition %q, want %q", e.list.Name, format, cd, want)
				}
				rows := tableOf(t, rec, format)
				for i, h := range rows[0] {
					rows[0][i] = strings.ReplaceAll(h, "\n", " ") // an .xlsx header cell has two lines
				}
				if len(rows) == 0 || !slices.Equal(rows[0], e.list.Heads) {
					t.Errorf("%s.%s: header %q, want %q", e.list.Name, format, rows[0], e.list.Heads)
				}
				if e.list.Name != "audit" && len(rows) < 2 {
					t.Errorf("%s.%s: no rows on the demo", e.list.Name, format)
				}
			}
		}
		all, err := a.s.Balances(ctx, store.BalanceQuery{GroupBy: "lot"})
		if err != nil {
			t.Fatal(err)
		}
		rows := tableOf(t, a.do("GET", "/api/exports/lots.csv", "", nil, false), "csv")
		if len(rows)-1 != len(all.Rows) {
			t.Errorf("lots.csv has %d lots, want %d", len(rows)-1, len(all.Rows))
		}
		for i, b := range all.Rows { // the same order, each lot with its figures
			if r := rows[min(i+1, len(rows)-1)]; r[0] != b.Depot || r[5] != b.Lot || r[13] != b.Quantity.String() ||
				r[15] != b.Usable.String() {
				t.Fatalf("lots.csv row %d: %q, want %s %s on hand %s usable %s", i+1, r, b.Depot, b.Lot, b.Quantity, b.Usable)
			}
		}
		rows = tableOf(t, a.do("GET", "/api/exports/lots.csv", "", keeper.bearer(), false), "csv")
		if len(rows) < 2 {
			t.Fatal("the keeper's lots.csv is empty")
		}
		for _, r := range rows[1:] {
			if r[0] != "C-FS-RELIEF" {
				t.Fatalf("the keeper's lots.csv shows depot %s", r[0])
			}
		}
		rows = tableOf(t, a.do("GET", "/api/exports/movements.csv?depot=C-FS-RELIEF", "", nil, false), "csv")
		for _, r := range rows[1:] {
			if r[3] != "C-FS-RELIEF" {
				t.Fatalf("movements.csv?depot=C-FS-RELIEF shows depot %s", r[3])
			}
		}
		if rec := a.do("GET", "/api/exports/lots.csv?quality=bad", "", nil, false); rec.Code != 400 {
			t.Errorf("a bad filter: status %d, want 400", rec.Code)
		}
	})
}

// TestExportUpward checks the report to the level above against its
// documented layout (docs/exports.md): the heading rows, the header, each
// item's 汇总 the sum of its districts, each 小计 the sum of its class's
// items, the 汇总 row the sum of the 小计 rows and of everything held.
func TestExportUpward(t *testing.T) {
	t.Parallel()
	eachDemoAPI(t, func(t *testing.T, a *testAPI) {
		held, err := a.s.Balances(context.Background(), store.BalanceQuery{GroupBy: "item", Area: "110000"})
		if err != nil {
			t.Fatal(err)
		}
		for _, format := range []string{"xlsx", "csv"} {
			rows := tableOf(t, a.do("GET", "/api/exports/report."+format+"?area=110000", "", nil, false), format)
			checkUpward(t, format, rows, held.Totals.Quantity)
		}
		if rec := a.do("GET", "/api/exports/report.csv?area=999999", "", nil, false); rec.Code != 404 {
			t.Errorf("an unknown area: status %d, want 404", rec.Code)
		}
	})
}

// checkUpward checks one produced report against the layout.
func checkUpward(t *testing.T, format string, rows [][]string, held stock.Quantity) {
	t.Helper()
	cell := func(r, c int) string {
		if r < len(rows) && c < len(rows[r]) {
			return rows[r][c]
		}
		return ""
	}
	if cell(0, 0) != report.UpwardTitle || cell(1, 0) != report.UpwardUnit || !strings.Contains(cell(1, 1), "110000") ||
		cell(2, 0) != report.UpwardDate || cell(2, 1) != "2026-06-01" || cell(3, 0) != report.UpwardAsOf {
		t.Fatalf("%s: heading rows %q", format, rows[:4])
	}
	head := rows[report.UpwardHeaderRow-1]
	n := len(head)
	if !slices.Equal(head[:4], []string{"类别 Class", "物资编码 Item", "物资名称 Name", "单位 Unit"}) ||
		head[4] != "本级 Own level" || head[n-1] != report.UpwardTotal || n < 6 {
		t.Fatalf("%s: header %q", format, head)
	}
	num := func(s string) stock.Quantity {
		q, err := stock.ParseQuantity(strings.ReplaceAll(s, ",", ""))
		if err != nil && s != "" {
			t.Fatalf("%s: %q is not a quantity", format, s)
		}
		return q
	}
	sub, total := make([]stock.Quantity, n), make([]stock.Quantity, n)
	classes := 0
	for _, r := range rows[report.UpwardHeaderRow:] {
		var sum stock.Quantity
		for c := 4; c < n-1; c++ {
			sum += num(cell0(r, c))
		}
		if sum != num(cell0(r, n-1)) {
			t.Errorf("%s: row %q: 汇总 %s, districts sum to %s", format, r, cell0(r, n-1), sum)
		}
		switch cell0(r, 1) {
		case report.UpwardSubtotal:
			classes++
			for c := 4; c < n; c++ {
				if num(cell0(r, c)) != sub[c] {
					t.Errorf("%s: 小计 of %s, column %d: %s, items sum to %s", format, r[0], c, cell0(r, c), sub[c])
				}
				total[c] += sub[c]
				sub[c] = 0
			}
			continue
		}
		if cell0(r, 0) == report.UpwardTotal {
			for c := 4; c < n; c++ {
				if num(cell0(r, c)) != total[c] {
					t.Errorf("%s: 汇总 column %d: %s, subtotals sum to %s", format, c, cell0(r, c), total[c])
				}
			}
			if total[n-1] != held {
				t.Errorf("%s: 汇总 %s, the city holds %s", format, total[n-1], held)
			}
			break
		}
		for c := 4; c < n; c++ {
			sub[c] += num(cell0(r, c))
		}
	}
	if classes != 3 {
		t.Errorf("%s: %d classes, want 3", format, classes)
	}
	last := rows[len(rows)-1]
	if len(last) < 3 || last[0] != report.UpwardPreparedBy || last[2] != report.UpwardCheckedBy {
		t.Errorf("%s: signature line %q", format, last)
	}
}

func cell0(r []string, c int) string {
	if c < len(r) {
		return r[c]
	}
	return ""
}
