package report

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"

	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/readiness"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// at is 2025-07-01 10:00 in Beijing.
var at = time.Date(2025, 7, 1, 2, 0, 0, 0, time.UTC).Unix()

func sampleAssessment() readiness.Assessment {
	return readiness.Assessment{
		Scenario: readiness.Scenario{Code: "flood-fs", NameZH: "房山暴雨洪涝", NameEN: "Fangshan flood",
			Events: []readiness.Event{{Hazard: "flood", Level: 2, Areas: []string{"110111"}}}},
		Events: []readiness.Resolved{{
			Event: readiness.Event{Hazard: "flood", Level: 2, Areas: []string{"110111", "110109"}, Relocated: 30000, Days: 7},
			Hits: []readiness.Hit{
				{Area: "110111", NameZH: "房山区", Relocated: 22500.4, Affected: 22500.4, Teams: 7.5},
				{Area: "110109", NameZH: "门头沟区", Relocated: 7499.6, Affected: 7499.6, Teams: 2.5},
			},
		}},
		At: at, PlanningDays: 90, WindowHours: 72, DeadlineHours: 12,
		Summary: readiness.Summary{Items: 2, Coverage: 0.875, InTime: 0.5, Within24: 0.75, Short: 1},
		Items: []readiness.ItemView{
			{Item: "TENT-12", NameZH: "12平方米单帐篷", NameEN: "12 m² tent", UnitZH: "顶", Purpose: catalog.PurposeLife,
				Required: stock.Units(7500), Physical: stock.Units(5000), Agreement: stock.Units(1000), Capacity: stock.Units(500),
				Held: stock.Units(6500), Coverage: 6500.0 / 7500, OnTime: stock.Units(3000), Within4h: stock.Units(1000),
				Within6h: stock.Units(2000), Within24h: stock.Units(6000), InTime: 0.4, Gap: stock.Units(1000),
				Expiring: stock.Units(200), Sources: []string{"GB/T 38565-2020", "京应急发〔2023〕1号"}, Assumption: true,
				Cost: 600000},
			{Item: "WATER", NameZH: "饮用水", NameEN: "Drinking water", UnitZH: "吨", Purpose: catalog.PurposeLife,
				Required: 1234567, Physical: 2000500, Held: 2000500, Coverage: 1.62, OnTime: 740740,
				Within24h: 1234567, InTime: 0.6, Sources: []string{"GB/T 38565-2020"}},
		},
		Tiers: []readiness.TierView{
			{Item: "TENT-12", NameZH: "12平方米单帐篷", Tier: area.LevelCity, Required: stock.Units(5000),
				Held: stock.Units(4500), Coverage: 0.9, Gap: stock.Units(500)},
			{Item: "TENT-12", NameZH: "12平方米单帐篷", Tier: area.LevelDistrict, Required: stock.Units(2500),
				Held: stock.Units(2000), Coverage: 0.8, Gap: stock.Units(500)},
		},
		Areas: []readiness.AreaView{
			{Event: 0, Area: "110111", AreaZH: "房山区", Item: "TENT-12", NameZH: "12平方米单帐篷", Required: stock.Units(5625),
				Local: stock.Units(800), OnTime: stock.Units(2250), Within4h: stock.Units(750), Within6h: stock.Units(1500),
				Within24h: stock.Units(4500), InTime: 0.4},
		},
		Purchases: []readiness.Purchase{
			{Item: "TENT-12", NameZH: "12平方米单帐篷", UnitZH: "顶", Tier: area.LevelCity, Quantity: stock.Units(500),
				UnitYuan: 1200, Cost: 600000, Priced: true, PriceAssumption: true},
			{Item: "TENT-12", NameZH: "12平方米单帐篷", UnitZH: "顶", Tier: area.LevelDistrict, Area: "110111", AreaZH: "房山区",
				Quantity: stock.Units(500)}, // unpriced
		},
		Budgets: []readiness.Budget{
			{Tier: area.LevelCity, Lines: 1, Cost: 600000},
			{Tier: area.LevelDistrict, Area: "110111", AreaZH: "房山区", Lines: 1, Unpriced: 1},
		},
		PurchaseCost: 600000,
		Rotation:     nil, // an empty view
		Notes:        []readiness.Note{{ZH: "Ⅱ级响应按其上限 30000 人计算", EN: "a level Ⅱ response is planned at its upper bound, 30000 people"}},
	}
}

func sampleOverview() readiness.Overview {
	standing := sampleAssessment()
	standing.Scenario.Standing = true
	empty := readiness.Assessment{Scenario: readiness.Scenario{Code: "empty", NameZH: "空情景"}, At: at}
	return readiness.Overview{
		City: "110000", At: at,
		Scenarios: []readiness.Assessment{standing, empty},
		Districts: []readiness.DistrictReadiness{
			{Area: "110111", NameZH: "房山区", NameEN: "Fangshan", Population: 1312000, Hazard: "flood", Level: 2,
				Summary: readiness.Summary{Items: 30, Coverage: 0.92, InTime: 0.61, Within24: 0.88, Short: 4}},
			{Area: "110109", NameZH: "门头沟区", NameEN: "Mentougou", Population: 396000, Hazard: "flood", Level: 2,
				Summary: readiness.Summary{Items: 30, Coverage: 0.85, InTime: 0.44, Within24: 0.8, Short: 7},
				Chain:   readiness.Chain{Own4h: 0.21, City6h: 0.55, Others24h: 0.8}},
			{Area: "110105", NameZH: "朝阳区", NameEN: "Chaoyang", Population: 3445000, Hazard: "flood", Level: 2,
				Summary: readiness.Summary{Items: 30, Coverage: 1, InTime: 0.97, Within24: 1}},
		},
		Neighbours: []readiness.NeighbourSupport{
			{Code: "tianjin", NameZH: "天津市区", NameEN: "Tianjin (city centre)", Province: "天津市",
				Point: geo.Point{Lat: 39.0842, Lon: 117.2009}, Relocated: 25000, Within24: 0.75, Assumption: true,
				Items: []readiness.DistrictItem{{Item: "TENT-12", Required: stock.Units(6250), Within24: 0.5}}},
			{Code: "langfang", NameZH: "河北廊坊", NameEN: "Langfang, Hebei", Province: "河北省",
				Point: geo.Point{Lat: 39.5380, Lon: 116.6837}, Relocated: 25000, Within24: 1, Assumption: true,
				Items: []readiness.DistrictItem{{Item: "TENT-12", Required: stock.Units(6250), Within24: 1}}},
		},
	}
}

// roundTrip writes f out and reads it back, as a user's spreadsheet would.
func roundTrip(t *testing.T, f *excelize.File) ([]byte, *excelize.File) {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	back, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = back.Close() })
	return buf.Bytes(), back
}

// text asserts a cell shows want.
func text(t *testing.T, f *excelize.File, sheet, cell, want string) {
	t.Helper()
	got, err := f.GetCellValue(sheet, cell)
	if err != nil {
		t.Fatalf("%s!%s: %v", sheet, cell, err)
	}
	if got != want {
		t.Errorf("%s!%s = %q, want %q", sheet, cell, got, want)
	}
}

// number asserts a cell holds the number want, not text.
func number(t *testing.T, f *excelize.File, sheet, cell string, want float64) {
	t.Helper()
	typ, err := f.GetCellType(sheet, cell)
	if err != nil {
		t.Fatalf("%s!%s: %v", sheet, cell, err)
	}
	if typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
		t.Errorf("%s!%s is of type %v, want a number", sheet, cell, typ)
	}
	raw, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatalf("%s!%s: %v", sheet, cell, err)
	}
	got, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		t.Fatalf("%s!%s = %q, want the number %v", sheet, cell, raw, want)
	}
	// Excel keeps 15 significant digits, and so does excelize.
	if math.Abs(got-want) > 1e-14*math.Max(1, math.Abs(want)) {
		t.Errorf("%s!%s = %v, want %v", sheet, cell, got, want)
	}
}

// frozen asserts a sheet keeps its first row in view and its header bold.
func frozen(t *testing.T, f *excelize.File, sheet string) {
	t.Helper()
	p, err := f.GetPanes(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Freeze || p.YSplit != 1 || p.TopLeftCell != "A2" {
		t.Errorf("%s panes = %+v, want the first row frozen", sheet, p)
	}
	id, err := f.GetCellStyle(sheet, "A1")
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if st.Font == nil || !st.Font.Bold {
		t.Errorf("%s!A1 is not bold", sheet)
	}
}

func TestAssessment(t *testing.T) {
	as := sampleAssessment()
	f, err := Assessment(as)
	if err != nil {
		t.Fatal(err)
	}
	_, f = roundTrip(t, f)

	want := []string{"概览", "物资", "分级", "区域", "采购清单", "轮换"}
	if got := f.GetSheetList(); !slices.Equal(got, want) {
		t.Fatalf("sheets = %q, want %q", got, want)
	}
	for _, s := range want {
		frozen(t, f, s)
	}

	// 概览: the scenario, its time in Beijing, shares, events and notes.
	text(t, f, "概览", "A1", "项目 Field")
	text(t, f, "概览", "B2", "flood-fs")
	text(t, f, "概览", "B3", "房山暴雨洪涝")
	text(t, f, "概览", "B5", "否 No")
	text(t, f, "概览", "B6", "2025-07-01 10:00")
	number(t, f, "概览", "B8", 0.875)
	text(t, f, "概览", "B8", "87.5%")
	number(t, f, "概览", "B9", 0.5)
	text(t, f, "概览", "A12", "采购金额合计（元） Purchase cost (yuan)")
	number(t, f, "概览", "B12", 600000)
	text(t, f, "概览", "B12", "600,000.00")
	number(t, f, "概览", "B13", 90)
	number(t, f, "概览", "B15", 12)
	text(t, f, "概览", "A17", "事件 Event")
	text(t, f, "概览", "B17", "灾种 Hazard")
	text(t, f, "概览", "B18", "暴雨洪涝 flood")
	number(t, f, "概览", "C18", 2)
	number(t, f, "概览", "D19", 7)
	text(t, f, "概览", "F19", "门头沟区")
	number(t, f, "概览", "G18", 22500.4)
	text(t, f, "概览", "G18", "22,500")
	number(t, f, "概览", "I19", 2.5)
	// The purchase budget per holder (the city, then each district) and
	// in all.
	text(t, f, "概览", "A21", "储备层级 Tier")
	text(t, f, "概览", "F21", "采购金额（元） Cost (yuan)")
	text(t, f, "概览", "A22", "市级 city")
	number(t, f, "概览", "D22", 1)
	number(t, f, "概览", "F22", 600000)
	text(t, f, "概览", "A23", "区级 district")
	text(t, f, "概览", "B23", "110111")
	text(t, f, "概览", "C23", "房山区")
	number(t, f, "概览", "E23", 1)
	number(t, f, "概览", "F23", 0)
	text(t, f, "概览", "A24", "合计 Total")
	number(t, f, "概览", "D24", 2)
	number(t, f, "概览", "E24", 1)
	number(t, f, "概览", "F24", 600000)
	text(t, f, "概览", "F24", "600,000.00")
	text(t, f, "概览", "A26", "说明 Note")
	text(t, f, "概览", "A27", as.Notes[0].ZH)
	text(t, f, "概览", "B27", as.Notes[0].EN)

	// 物资: every field, quantities as numbers in units.
	for i, h := range itemHeads {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		text(t, f, "物资", cell, h)
	}
	text(t, f, "物资", "A1", "物资编码 Item")
	text(t, f, "物资", "F1", "需求 Required")
	tent, water := as.Items[0], as.Items[1]
	text(t, f, "物资", "A2", tent.Item)
	text(t, f, "物资", "E2", "生活保障 life")
	number(t, f, "物资", "F2", tent.Required.Float())
	text(t, f, "物资", "F2", "7,500")
	number(t, f, "物资", "G2", 5000)
	number(t, f, "物资", "J2", 6500)
	number(t, f, "物资", "K2", tent.Coverage)
	number(t, f, "物资", "P2", 0.4)
	text(t, f, "物资", "P2", "40.0%")
	number(t, f, "物资", "Q2", 1000)
	number(t, f, "物资", "R2", 200)
	text(t, f, "物资", "S2", "GB/T 38565-2020; 京应急发〔2023〕1号")
	text(t, f, "物资", "T2", "是 Yes")
	number(t, f, "物资", "U2", 600000)
	text(t, f, "物资", "U2", "600,000.00")
	number(t, f, "物资", "U3", 0)
	number(t, f, "物资", "F3", 1234.567)
	text(t, f, "物资", "F3", "1,234.567")
	number(t, f, "物资", "G3", water.Physical.Float())
	text(t, f, "物资", "G3", "2,000.5")
	text(t, f, "物资", "K3", "162.0%")
	text(t, f, "物资", "T3", "否 No")

	// 分级, 区域, 采购清单.
	text(t, f, "分级", "C1", "储备层级 Tier")
	text(t, f, "分级", "C3", "区级 district")
	number(t, f, "分级", "D3", 2500)
	number(t, f, "分级", "F2", 0.9)
	number(t, f, "区域", "A2", 1) // events count from 1
	text(t, f, "区域", "C2", "房山区")
	number(t, f, "区域", "G2", 800)
	number(t, f, "区域", "L2", 0.4)
	text(t, f, "采购清单", "E1", "采购数量 Quantity")
	text(t, f, "采购清单", "D2", "市级 city")
	number(t, f, "采购清单", "E2", 500)
	number(t, f, "采购清单", "H2", 1200)
	number(t, f, "采购清单", "I2", 600000)
	text(t, f, "采购清单", "I2", "600,000.00")
	text(t, f, "采购清单", "J2", "是 Yes")
	text(t, f, "采购清单", "F3", "110111")
	text(t, f, "采购清单", "G3", "房山区")
	text(t, f, "采购清单", "H3", "") // unpriced: no price, no cost
	text(t, f, "采购清单", "I3", "")
	// The total, after a blank row, under the cost column.
	text(t, f, "采购清单", "A4", "")
	text(t, f, "采购清单", "A5", "合计 Total")
	number(t, f, "采购清单", "I5", 600000)

	// 轮换 is empty: its header over the 无 None row.
	text(t, f, "轮换", "A1", "储备库编码 Depot")
	text(t, f, "轮换", "G1", "到期日 Expires")
	text(t, f, "轮换", "A2", "无 None")
	text(t, f, "轮换", "A3", "")

	// Each sheet's table has an autofilter.
	filters := map[string]bool{}
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm._FilterDatabase" {
			filters[dn.Scope] = true
		}
	}
	for _, s := range want {
		if !filters[s] {
			t.Errorf("no autofilter on %s (have %v)", s, filters)
		}
	}
	if w, err := f.GetColWidth("物资", "S"); err != nil || w < 30 {
		t.Errorf("物资 column S (sources) width = %v, %v: want it fitted to the text", w, err)
	}
}

func TestRotationDates(t *testing.T) {
	as := sampleAssessment()
	as.Rotation = []readiness.RotationLot{
		{Depot: "D-FS-01", DepotZH: "房山区救灾物资储备库", Tier: area.LevelDistrict, Item: "WATER", NameZH: "饮用水",
			Lot: "L2024-07", ExpiresOn: "2025-08-15", DueOn: "2025-06-11", HorizonDays: 65, Quantity: 12500},
		{Depot: "D-FS-01", DepotZH: "房山区救灾物资储备库", Tier: area.LevelDistrict, Item: "WATER", NameZH: "饮用水",
			Lot: "L-odd", ExpiresOn: "someday", Quantity: stock.Units(3)},
	}
	f, err := Assessment(as)
	if err != nil {
		t.Fatal(err)
	}
	_, f = roundTrip(t, f)
	text(t, f, "轮换", "F2", "L2024-07")
	text(t, f, "轮换", "G2", "2025-08-15")
	number(t, f, "轮换", "G2", 45884) // the date's Excel serial
	text(t, f, "轮换", "G3", "someday")
	number(t, f, "轮换", "H2", 12.5)
	text(t, f, "轮换", "I2", "2025-06-11") // due for rotation since
	number(t, f, "轮换", "J2", 65)
	text(t, f, "轮换", "I3", "") // no due date given
}

func TestOverview(t *testing.T) {
	ov := sampleOverview()
	f, err := Overview(ov)
	if err != nil {
		t.Fatal(err)
	}
	sample := filepath.Join(t.TempDir(), "overview.xlsx")
	if err := f.SaveAs(sample); err != nil {
		t.Fatal(err)
	}
	data, f := roundTrip(t, f)
	if saved, err := os.ReadFile(sample); err != nil || len(saved) == 0 {
		t.Fatalf("sample workbook %s: %d bytes, %v", sample, len(saved), err)
	}

	want := []string{"各区", "津冀支援"}
	for _, p := range []string{"情景1", "情景2"} {
		for _, v := range []string{"概览", "物资", "分级", "区域", "采购清单", "轮换"} {
			want = append(want, p+" "+v)
		}
	}
	if got := f.GetSheetList(); !slices.Equal(got, want) {
		t.Fatalf("sheets = %q, want %q", got, want)
	}
	frozen(t, f, "各区")

	for i, h := range districtHeads {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		text(t, f, "各区", cell, h)
	}
	text(t, f, "各区", "A3", "110109")
	text(t, f, "各区", "B3", "门头沟区")
	text(t, f, "各区", "C3", "Mentougou")
	number(t, f, "各区", "D3", 396000)
	text(t, f, "各区", "D3", "396,000")
	text(t, f, "各区", "E3", "暴雨洪涝 flood")
	number(t, f, "各区", "F3", 2)
	number(t, f, "各区", "G3", 0.85)
	number(t, f, "各区", "H3", 0.44)
	text(t, f, "各区", "H3", "44.0%")
	number(t, f, "各区", "I3", 0.8)
	number(t, f, "各区", "K3", 7)
	number(t, f, "各区", "G4", 1)
	// The delivery chain: own stock within 4 h, with city stock within
	// 6 h, with other districts' within 24 h.
	number(t, f, "各区", "L3", 0.21)
	number(t, f, "各区", "M3", 0.55)
	number(t, f, "各区", "N3", 0.8)
	text(t, f, "各区", "N3", "80.0%")

	// 津冀支援: what city stock gets to each neighbour's site within 24 h,
	// then by item.
	frozen(t, f, "津冀支援")
	for i, h := range neighbourHeads {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		text(t, f, "津冀支援", cell, h)
	}
	text(t, f, "津冀支援", "A2", "tianjin")
	text(t, f, "津冀支援", "B2", "天津市区")
	text(t, f, "津冀支援", "D3", "河北省")
	number(t, f, "津冀支援", "E2", 39.0842)
	number(t, f, "津冀支援", "G2", 25000)
	number(t, f, "津冀支援", "H2", 0.75)
	text(t, f, "津冀支援", "I2", "是 Yes")
	text(t, f, "津冀支援", "A5", "地点编码 Site")
	text(t, f, "津冀支援", "A6", "tianjin")
	text(t, f, "津冀支援", "C6", "TENT-12")
	text(t, f, "津冀支援", "D6", "12平方米单帐篷")
	number(t, f, "津冀支援", "E6", 6250)
	number(t, f, "津冀支援", "F7", 1)

	// The scenarios follow, in order; the second is empty throughout.
	text(t, f, "情景1 概览", "B3", "房山暴雨洪涝")
	text(t, f, "情景1 概览", "B5", "是 Yes")
	number(t, f, "情景1 物资", "F2", 7500)
	text(t, f, "情景2 概览", "B3", "空情景")
	text(t, f, "情景2 概览", "A18", "无 None")   // no events
	text(t, f, "情景2 概览", "A21", "合计 Total") // nothing to buy
	number(t, f, "情景2 概览", "F21", 0)
	text(t, f, "情景2 概览", "A24", "无 None") // no notes
	for _, v := range []string{"物资", "分级", "区域", "采购清单", "轮换"} {
		text(t, f, "情景2 "+v, "A2", "无 None")
	}

	// The chart: a drawing on the first sheet holding a bar chart of the
	// in-time and coverage columns by district name.
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	part := func(name string) string {
		for _, zf := range zr.File {
			if zf.Name == name {
				rc, err := zf.Open()
				if err != nil {
					t.Fatal(err)
				}
				defer rc.Close()
				b, err := io.ReadAll(rc)
				if err != nil {
					t.Fatal(err)
				}
				return string(b)
			}
		}
		t.Fatalf("no part %s in the workbook", name)
		return ""
	}
	if rels := part("xl/worksheets/_rels/sheet1.xml.rels"); !strings.Contains(rels, "../drawings/drawing1.xml") {
		t.Errorf("各区 has no drawing: %s", rels)
	}
	if d := part("xl/drawings/_rels/drawing1.xml.rels"); !strings.Contains(d, "../charts/chart1.xml") {
		t.Errorf("the drawing has no chart: %s", d)
	}
	dir, refs := chartParts(t, part("xl/charts/chart1.xml"))
	if dir != "bar" {
		t.Errorf("chart bar direction = %q, want a bar chart", dir)
	}
	for _, r := range []string{"'各区'!$B$2:$B$4", "'各区'!$H$1", "'各区'!$H$2:$H$4", "'各区'!$G$1", "'各区'!$G$2:$G$4"} {
		if !refs[r] {
			t.Errorf("chart does not read %s (reads %v)", r, refs)
		}
	}
}

// chartParts reads a chart part: the direction of its bar chart, if any,
// and the cell references it reads.
func chartParts(t *testing.T, chart string) (dir string, refs map[string]bool) {
	t.Helper()
	refs = map[string]bool{}
	d := xml.NewDecoder(strings.NewReader(chart))
	inF := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return dir, refs
		}
		if err != nil {
			t.Fatal(err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			inF = tok.Name.Local == "f"
			if tok.Name.Local == "barDir" {
				for _, a := range tok.Attr {
					if a.Name.Local == "val" {
						dir = a.Value
					}
				}
			}
		case xml.CharData:
			if inF {
				refs[string(tok)] = true
			}
		case xml.EndElement:
			inF = false
		}
	}
}

func TestOverviewWithoutDistricts(t *testing.T) {
	f, err := Overview(readiness.Overview{City: "110000"})
	if err != nil {
		t.Fatal(err)
	}
	data, f := roundTrip(t, f)
	if got := f.GetSheetList(); !slices.Equal(got, []string{"各区", "津冀支援"}) {
		t.Fatalf("sheets = %q", got)
	}
	text(t, f, "各区", "A2", "无 None")
	text(t, f, "津冀支援", "A2", "无 None")
	if bytes.Contains(data, []byte("xl/charts/chart")) {
		t.Error("a chart with no districts to draw")
	}
}

func TestSheetName(t *testing.T) {
	long := strings.Repeat("应急", 20)
	tests := []struct {
		parts []string
		want  string
	}{
		{[]string{"情景1", "物资"}, "情景1 物资"},
		{[]string{"", "概览"}, "概览"},
		{[]string{"a:b/c\\d?e*f[g]h"}, "a_b_c_d_e_f_g_h"},
		{[]string{"'quoted'"}, "_quoted_"},
		{[]string{"tab\there"}, "tab_here"},
		{[]string{long}, long[:len("应")*31]},
		{[]string{strings.Repeat("x", 30) + "😀"}, strings.Repeat("x", 30)}, // an emoji is two code units
		{[]string{"  ", ""}, "Sheet"},
		{[]string{"history"}, "History_"},
	}
	for _, tt := range tests {
		got := sheetName(tt.parts...)
		if got != tt.want {
			t.Errorf("sheetName(%q) = %q, want %q", tt.parts, got, tt.want)
		}
		if n := len(utf16.Encode([]rune(got))); n > maxSheetName {
			t.Errorf("sheetName(%q) is %d code units long", tt.parts, n)
		}
		f := excelize.NewFile()
		if _, err := f.NewSheet(got); err != nil {
			t.Errorf("excelize refuses %q: %v", got, err)
		}
		_ = f.Close()
	}
}

func TestUniqueNames(t *testing.T) {
	var ns names
	long := strings.Repeat("情", 31)
	got := []string{ns.unique("物资"), ns.unique("物资"), ns.unique("Sheet"), ns.unique("SHEET"), ns.unique(long), ns.unique(long)}
	want := []string{"物资", "物资 (2)", "Sheet", "SHEET (2)", long, strings.Repeat("情", 27) + " (2)"}
	if !slices.Equal(got, want) {
		t.Errorf("unique = %q, want %q", got, want)
	}
	for _, n := range got {
		if len(utf16.Encode([]rune(n))) > maxSheetName {
			t.Errorf("%q is too long", n)
		}
	}
}
