package ops_test

import (
	"bytes"
	"context"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/importer"
	"github.com/stockpile-dev/stockpile/internal/ops"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
	"github.com/stockpile-dev/stockpile/internal/tabular"
)

// The truth of the points the round trip gives in shifted coordinates.
var (
	streetTruth = geo.Point{Lon: 116.1401, Lat: 39.7355}
	depotTruth  = geo.Point{Lon: 116.1702, Lat: 39.7123}
)

// roundTrip are, per kind in loading order, the rows a bureau types into
// the kind's own xlsx template: messy as people type them (full-width
// digits, thousands separators, Chinese labels for choices, Chinese and
// slashed dates, an Excel serial date, trailing spaces, points copied from
// AMap and Baidu).
func roundTrip() []struct {
	kind importer.Kind
	rows []map[string]any
} {
	gcj, bd := geo.WGS84ToGCJ02(streetTruth), geo.WGS84ToBD09(depotTruth)
	return []struct {
		kind importer.Kind
		rows []map[string]any
	}{
		{importer.Categories, []map[string]any{
			{"code": "197", "name_zh": "其他生活类 ", "local": "是"},
			{"code": "19701", "name_zh": "其他", "name_en": "Other", "local": "√"}}},
		{importer.Items, []map[string]any{
			{"code": "1010199", "name_zh": "棉帐篷", "unit_zh": "顶", "counted": "是", "shelf_life_days": "３６５",
				"purpose": "受灾人员生活保障物资", "volume_m3": "0.5", "mass_t": "0.02"}}},
		{importer.Areas, []map[string]any{
			{"code": "110111001", "parent_code": "110111", "level": "街道/乡镇", "name_zh": "城关街道", "population": "1,234",
				"lon": gcj.Lon, "lat": gcj.Lat, "crs": "高德"},
			{"code": "110111001001", "parent_code": "110111001", "level": "社区/村", "name_zh": "某社区"}}},
		{importer.Orgs, []map[string]any{
			{"code": "FS-ENT", "name_zh": "房山某企业", "kind": "企业", "area_code": "110111"}}},
		{importer.Depots, []map[string]any{
			{"code": "D-RT", "name_zh": "城关专项库", "tier": "区级", "kind": "专项库", "org_code": "BJ-EMB",
				"area_code": "110111001", "lon": bd.Lon, "lat": bd.Lat, "crs": "百度", "capacity_m3": "2,000"}}},
		{importer.Stock, []map[string]any{
			{"depot": "D-RT", "item": "1010199", "batch": "RT-1", "produced_on": 46027, "quantity": "1,000"},
			{"depot": "C-TEST-A", "item": storetest.Geotextile, "batch": "RT-2", "owner": "FS-ENT", "quantity": "２５.５"}}},
		{importer.Agreements, []map[string]any{
			{"code": "AG-RT", "org_code": "FS-ENT", "item": storetest.Tent, "quantity": "500", "delivery_hours": "12",
				"valid_from": "2026/1/1", "valid_until": "2026年12月31日", "lon": 116.2, "lat": 39.8}}},
		{importer.Capacities, []map[string]any{
			{"code": "CP-RT", "org_code": "FS-ENT", "party": "BJ-EMB", "item": storetest.Tent, "per_day": "２００",
				"lead_hours": "48", "valid_from": "2026-01-01", "valid_until": "2027-12-31", "lon": 116.2, "lat": 39.8}}},
		{importer.Prices, []map[string]any{
			{"item": "1010199", "yuan": "1,850", "assumption": "否", "source": "2025 年招标价"}}},
		{importer.Norms, []map[string]any{
			{"hazard": "flood", "item": "1010199", "basis": "relocated", "quantity": "0.2", "source": "GB 21734"}}},
		{importer.Users, []map[string]any{
			{"username": "rt.user", "name": "测试用户", "roles": "manager，viewer", "area_code": "110111", "org_code": "BJ-EMB"}}},
	}
}

// fillTemplate writes the kind's xlsx template and puts rows into it under
// the header, each value in the column the header names.
func fillTemplate(t *testing.T, kind importer.Kind, rows []map[string]any) []byte {
	t.Helper()
	var tpl bytes.Buffer
	if err := ops.ImportTemplate(&tpl, string(kind), "xlsx"); err != nil {
		t.Fatal(err)
	}
	spec, _ := importer.SpecOf(string(kind))
	r, h, err := importer.Open(spec, "t.xlsx", tpl.Bytes())
	if err != nil {
		t.Fatalf("%s template: %v", kind, err)
	}
	r.Close()
	f, err := excelize.OpenReader(bytes.NewReader(tpl.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	sheet := f.GetSheetName(0)
	for i, row := range rows {
		for key, v := range row {
			col, ok := h.Index[key]
			if !ok {
				t.Fatalf("%s template has no column %s", kind, key)
			}
			cell, _ := excelize.CoordinatesToCellName(col+1, h.Line+1+i)
			if err := f.SetCellValue(sheet, cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var out bytes.Buffer
	if err := f.Write(&out); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// TestImportEveryKindFromItsTemplate: for every kind, rows typed into its
// own xlsx template import as new; the same file again is unchanged
// throughout.
func TestImportEveryKindFromItsTemplate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := fixture(t, s)
		sys := access.SystemActor("test")
		seen := map[importer.Kind]bool{}
		for _, k := range roundTrip() {
			seen[k.kind] = true
			file := fillTemplate(t, k.kind, k.rows)
			pre, err := svc.PreviewImport(ctx, sys, string(k.kind), string(k.kind)+".xlsx", file)
			if err != nil {
				t.Fatalf("%s: %v", k.kind, err)
			}
			if pre.ProblemCount != 0 || pre.New != int64(len(k.rows)) || pre.Format != "xlsx" {
				t.Fatalf("%s preview: %+v", k.kind, pre)
			}
			res, err := svc.CommitImport(ctx, sys, pre.ID, nil)
			if err != nil {
				t.Fatalf("%s commit: %v", k.kind, err)
			}
			if k.kind == importer.Users && len(res.Passwords) != 1 {
				t.Fatalf("users: one-time passwords %+v", res.Passwords)
			}
			again, err := svc.PreviewImport(ctx, sys, string(k.kind), string(k.kind)+".xlsx", file)
			if err != nil || again.Unchanged != int64(len(k.rows)) || again.New+again.Changed+again.ProblemCount != 0 {
				t.Fatalf("%s again: %+v, %v", k.kind, again, err)
			}
		}
		if len(seen) != len(importer.Specs()) {
			t.Fatalf("round trips for %d kinds of %d", len(seen), len(importer.Specs()))
		}
		street, _ := s.Area(ctx, "110111001")
		d, _ := s.Depot(ctx, "D-RT")
		if m := geo.DistanceKm(street.Point, streetTruth) * 1000; m > 1 {
			t.Errorf("GCJ-02 area point %v is %.2f m from the truth", street.Point, m)
		}
		if m := geo.DistanceKm(d.Point, depotTruth) * 1000; m > 1 {
			t.Errorf("BD-09 depot point %v is %.2f m from the truth", d.Point, m)
		}
		lots := lotsAt(t, s, importer.LotKey{Depot: "D-RT", Item: "1010199", Batch: "RT-1", Owner: "BJ-EMB"})
		for _, st := range lots {
			lot, _ := s.Lot(ctx, st.Lot)
			if st.OnHand != 1000_000 || lot.ProducedOn != "2026-01-05" || lot.ExpiresOn != "2027-01-05" {
				t.Errorf("lot %+v at %v", lot, st.OnHand)
			}
		}
		if len(lots) != 1 {
			t.Errorf("lots %+v", lots)
		}
	})
}

// TestImportLargeStockFile: twelve thousand rows, more than stock.MaxLines,
// go in one streamed posting, and importing the file again posts nothing.
func TestImportLargeStockFile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := fixture(t, s)
		var b bytes.Buffer
		w, err := tabular.NewWriter(&b, tabular.CSV, "stock", mustSpec(t, importer.Stock).Columns)
		if err != nil {
			t.Fatal(err)
		}
		const n = 12_000
		for i := range n {
			depot := "C-TEST-A"
			if i%2 == 1 {
				depot = "D-TEST-B"
			}
			// depot, item, batch, owner, produced_on, expires_on, quality, quantity
			if err := w.Row(depot, storetest.FoldingBed, "L-"+strconv.Itoa(i), nil, nil, nil, nil, int64(i%7+1)); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		pre, err := svc.PreviewImport(ctx, cityManager, "stock", "big.csv", b.Bytes())
		if err != nil || pre.New != n || pre.ProblemCount != 0 {
			t.Fatalf("preview %+v, %v", pre.Summary, err)
		}
		res, err := svc.CommitImport(ctx, cityManager, pre.ID, nil)
		if err != nil || len(res.Postings) != 1 || res.LedgerLines != n {
			t.Fatalf("commit %+v, %v", res.Postings, err)
		}
		again, err := svc.PreviewImport(ctx, cityManager, "stock", "big.csv", b.Bytes())
		if err != nil || again.Unchanged != n {
			t.Fatalf("again %+v, %v", again.Summary, err)
		}
	})
}

func mustSpec(t *testing.T, k importer.Kind) importer.Spec {
	t.Helper()
	s, err := importer.SpecOf(string(k))
	if err != nil {
		t.Fatal(err)
	}
	return s
}
