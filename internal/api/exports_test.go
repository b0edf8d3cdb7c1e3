package api

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"

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
		if v, _ := f.GetCellValue("概览", "B14"); v != "完整 Intact" {
			t.Errorf("ledger check %q, want intact", v)
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
