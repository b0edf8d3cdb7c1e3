package report

import (
	"slices"
	"testing"
	"time"

	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/depot"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// sampleStock is a small stock book: three items (one not held), a depot,
// an expired lot, a lot expiring in 30 days, a lot that never expires, and
// two ledger entries. The items' totals are the lots' sums, as the store
// gives them.
func sampleStock() StockBook {
	tent := catalog.Item{Code: "1010101", NameZH: "单帐篷", NameEN: "Single tent", UnitZH: "顶", Spec: "12平方米",
		ShelfLifeDays: 3650, Purpose: catalog.PurposeLife, VolumeM3: 0.12}
	bed := catalog.Item{Code: "1010201", NameZH: "折叠床", NameEN: "Folding bed", UnitZH: "张",
		Purpose: catalog.PurposeLife, VolumeM3: 0.08}
	quilt := catalog.Item{Code: "1020101", NameZH: "棉被", NameEN: "Cotton quilt", UnitZH: "床",
		ShelfLifeDays: 1825, Purpose: catalog.PurposeLife, VolumeM3: 0.05}
	d := store.StockDepot{DepotView: store.DepotView{
		Depot: depot.Depot{Code: "C-FS-RELIEF", NameZH: "市级救灾物资储备库（房山）", NameEN: "Fangshan relief depot",
			Tier: area.LevelCity, Kind: depot.KindSpecial, OrgCode: "BJ-GRAIN", AreaCode: "110111", CapacityM3: 30000},
		Usage: depot.NewUsage(7500, 30000), District: "110111"},
		OrgZH: "北京市粮食和物资储备局", DistrictZH: "房山区", Lots: 3, Items: 2,
		Quantity: stock.Units(1700), Usable: stock.Units(1500)}
	lot := func(code, expires string, qty, reserved, usable int64) store.StockLot {
		return store.StockLot{Depot: d.Code, DepotZH: d.NameZH, Item: tent.Code, ItemZH: tent.NameZH, UnitZH: "顶",
			Lot: code, Batch: "B-" + code, ProducedOn: "2020-01-01", ExpiresOn: expires, Quality: stock.QualityGood,
			Owner: "BJ-GRAIN", OwnerZH: "北京市粮食和物资储备局", Quantity: stock.Units(qty), Reserved: stock.Units(reserved),
			Usable: stock.Units(usable)}
	}
	bedLot := lot("BEDLOT001", "", 500, 0, 500)
	bedLot.Item, bedLot.ItemZH, bedLot.UnitZH, bedLot.ProducedOn = bed.Code, bed.NameZH, "张", ""
	move := func(seq int64, kind stock.EntryKind, delta int64, lotCode string) store.StockMovement {
		return store.StockMovement{Entry: stock.Entry{Seq: seq, PostingID: seq, Kind: kind, Delta: stock.Units(delta),
			Actor: "库管员张三", Reason: "防汛调拨", At: time.Date(2026, 5, 31, 16, 30, 0, 0, time.UTC).UnixMicro(),
			PrevHash: "00ab", Hash: "f00d" + lotCode, DepotCode: d.Code, LotCode: lotCode, ItemCode: tent.Code},
			DepotZH: d.NameZH, ItemZH: tent.NameZH, UnitZH: "顶"}
	}
	return StockBook{
		At:     time.Date(2026, 6, 1, 2, 0, 0, 0, time.UTC),
		Today:  "2026-06-01",
		Ledger: store.VerifyReport{Entries: 2, Balances: 3, OK: true}, Verified: true,
		Items: []store.StockItem{
			{Item: tent, GroupZH: "临时住宿", CategoryZH: "帐篷", Quantity: stock.Units(1200), Reserved: stock.Units(200),
				Usable: stock.Units(800), Lots: 2, Depots: 1},
			{Item: bed, GroupZH: "临时住宿", CategoryZH: "床具", Quantity: stock.Units(500), Usable: stock.Units(500),
				Lots: 1, Depots: 1},
			{Item: quilt, GroupZH: "被服", CategoryZH: "被褥"},
		},
		Depots: []store.StockDepot{d},
		Lots: []store.StockLot{
			lot("EXPIRED01", "2026-05-01", 200, 0, 0),
			lot("SOON00001", "2026-07-01", 1000, 200, 800),
			bedLot,
		},
		LotsTotal: 3,
		Movements: []store.StockMovement{
			move(2, stock.EntryIssue, -50, "SOON00001"),
			move(1, stock.EntryReceive, 1050, "SOON00001"),
		},
		MovementsTotal: 2,
	}
}

func TestStock(t *testing.T) {
	f, err := Stock(sampleStock())
	if err != nil {
		t.Fatal(err)
	}
	_, f = roundTrip(t, f)

	want := []string{"概览", "物资目录", "储备库", "批次", "流水"}
	if got := f.GetSheetList(); !slices.Equal(got, want) {
		t.Fatalf("sheets = %q, want %q", got, want)
	}
	for _, s := range want {
		frozen(t, f, s)
	}

	// 概览: scope, when it was made (Beijing time), totals, expiry counts
	// and the ledger check.
	text(t, f, "概览", "A1", "项目 Field")
	text(t, f, "概览", "B2", "全部储备库 All depots")
	text(t, f, "概览", "B3", "2026-06-01 10:00")
	text(t, f, "概览", "B4", "2026-06-01")
	number(t, f, "概览", "B5", 2) // items held: the quilt is not
	number(t, f, "概览", "B6", 1)
	number(t, f, "概览", "B7", 3)
	number(t, f, "概览", "B8", 1700)
	number(t, f, "概览", "B9", 200)
	number(t, f, "概览", "B10", 1300)
	text(t, f, "概览", "A11", "已过期批次 Lots expired")
	number(t, f, "概览", "B11", 1)
	number(t, f, "概览", "B12", 1)
	number(t, f, "概览", "B13", 2)
	text(t, f, "概览", "A14", "台账校验 Ledger check")
	text(t, f, "概览", "B14", "完整 Intact")
	number(t, f, "概览", "B15", 2)

	// 物资目录: every item, the one not held with zeros.
	text(t, f, "物资目录", "A1", "物资编码 Item")
	text(t, f, "物资目录", "K1", "在库 On hand")
	text(t, f, "物资目录", "A2", "1010101")
	text(t, f, "物资目录", "E2", "帐篷")
	number(t, f, "物资目录", "H2", 3650)
	text(t, f, "物资目录", "I2", "生活保障 life")
	number(t, f, "物资目录", "K2", 1200)
	number(t, f, "物资目录", "L2", 200)
	number(t, f, "物资目录", "M2", 800)
	text(t, f, "物资目录", "H3", "") // does not expire
	number(t, f, "物资目录", "K3", 500)
	number(t, f, "物资目录", "K4", 0)

	// 储备库: tier and kind in both languages, utilisation as a share.
	text(t, f, "储备库", "A2", "C-FS-RELIEF")
	text(t, f, "储备库", "D2", "市级 city")
	text(t, f, "储备库", "E2", "专项 special")
	text(t, f, "储备库", "H2", "房山区")
	number(t, f, "储备库", "L2", 30000)
	number(t, f, "储备库", "N2", 0.25)
	text(t, f, "储备库", "N2", "25.0%")

	// 批次: dates as dates, days left signed, quantities as numbers.
	text(t, f, "批次", "F1", "批次码 Lot")
	text(t, f, "批次", "F2", "EXPIRED01")
	text(t, f, "批次", "I2", "2026-05-01")
	number(t, f, "批次", "J2", -31)
	number(t, f, "批次", "J3", 30)
	text(t, f, "批次", "K3", "合格 good")
	number(t, f, "批次", "M3", 1000)
	number(t, f, "批次", "N3", 200)
	number(t, f, "批次", "O3", 800)
	text(t, f, "批次", "I4", "") // the bed lot does not expire
	text(t, f, "批次", "J4", "")

	// 流水: newest first, time in Beijing, signed quantity, full hashes.
	text(t, f, "流水", "A1", "序号 Seq")
	number(t, f, "流水", "A2", 2)
	text(t, f, "流水", "B2", "2026-06-01 00:30")
	text(t, f, "流水", "C2", "出库 issue")
	number(t, f, "流水", "J2", -50)
	text(t, f, "流水", "N2", "f00dSOON00001")
	text(t, f, "流水", "O2", "00ab")
	text(t, f, "流水", "C3", "入库 receive")
}

// TestStockBrokenAndCut checks the 概览 of a broken ledger and of sheets
// cut short, and that empty views keep their headers over "无 None".
// TestStockTotalsWhenCut: with the 批次 sheet cut short, the totals still
// cover all the stock, since they come from the items.
func TestStockTotalsWhenCut(t *testing.T) {
	sb := sampleStock()
	sb.Lots = sb.Lots[:1]
	f, err := Stock(sb)
	if err != nil {
		t.Fatal(err)
	}
	_, f = roundTrip(t, f)
	number(t, f, "概览", "B7", 3)
	number(t, f, "概览", "B8", 1700)
	number(t, f, "概览", "B9", 200)
	number(t, f, "概览", "B10", 1300)
	text(t, f, "概览", "C11", "表中仅列出 1 条 Only 1 listed")
}

func TestStockBrokenAndCut(t *testing.T) {
	sb := StockBook{At: time.Date(2026, 6, 1, 2, 0, 0, 0, time.UTC), Today: "2026-06-01", Depot: "C-FS-RELIEF",
		DepotZH: "市级救灾物资储备库（房山）", LotsTotal: 9, MovementsTotal: 12,
		Verified: true, Ledger: store.VerifyReport{Entries: 12, Balances: 9, FirstBreak: &store.Breach{Seq: 7,
			Reason: "entry content does not match its hash: it was altered", ZH: "记录内容与其哈希不符：已被篡改"},
			Mismatches: []store.BalanceMismatch{{DepotCode: "C-FS-RELIEF", LotCode: "LOT000001",
				Stored: stock.Units(5), Ledger: stock.Units(3)}}}}
	f, err := Stock(sb)
	if err != nil {
		t.Fatal(err)
	}
	_, f = roundTrip(t, f)
	text(t, f, "概览", "B2", "C-FS-RELIEF 市级救灾物资储备库（房山）")
	number(t, f, "概览", "B7", 9)
	text(t, f, "概览", "C7", "表中仅列出 0 条 Only 0 listed")
	text(t, f, "概览", "C11", "表中仅列出 0 条 Only 0 listed") // the expiry counts are of the lots listed
	text(t, f, "概览", "C12", "表中仅列出 0 条 Only 0 listed")
	text(t, f, "概览", "C13", "表中仅列出 0 条 Only 0 listed")
	text(t, f, "概览", "B14", "异常 Broken")
	number(t, f, "概览", "B17", 7)
	text(t, f, "概览", "C17", "记录内容与其哈希不符：已被篡改 entry content does not match its hash: it was altered")
	number(t, f, "概览", "B18", 1)
	text(t, f, "概览", "B19", "C-FS-RELIEF LOT000001")
	text(t, f, "概览", "C19", "存储 5，按台账 3 Stored 5, ledger 3")
	for _, s := range []string{"物资目录", "储备库", "批次", "流水"} {
		text(t, f, s, "A2", none)
	}
}
