package report

import (
	"fmt"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/stockpile-dev/stockpile/internal/cst"
	"github.com/stockpile-dev/stockpile/internal/depot"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// The sheets of the stock workbook, in this order.
const (
	viewStockSummary = "概览"
	viewCatalogue    = "物资目录"
	viewDepots       = "储备库"
	viewLots         = "批次"
	viewMovements    = "流水"
)

// The header rows of the stock workbook's tables.
var (
	catalogueHeads = []string{"物资编码 Item", "物资名称 Name", "英文名称 Name (EN)", "中类 Group", "小类 Category",
		"单位 Unit", "规格 Spec", "保质期（天） Shelf life (days)", "用途 Purpose", "单位体积（m³） Unit volume (m³)",
		"在库 On hand", "预留 Reserved", "可用 Usable", "批次 Lots", "储备库 Depots"}
	depotHeads = []string{"储备库编码 Depot", "储备库 Depot name", "英文名称 Name (EN)", "储备层级 Tier", "类型 Kind",
		"储备主体 Held by", "区划代码 District", "所在区 District name", "地址 Address", "经度 Lon", "纬度 Lat",
		"库容（m³） Capacity (m³)", "已用（m³） Used (m³)", "利用率 Utilisation", "批次 Lots", "物资种类 Items"}
	lotHeads = []string{"储备库编码 Depot", "储备库 Depot name", "物资编码 Item", "物资名称 Name", "单位 Unit",
		"批次码 Lot", "批号 Batch", "生产日期 Produced", "有效期至 Expires", "剩余天数 Days left", "质量 Quality",
		"物权单位 Owner", "在库 On hand", "预留 Reserved", "可用 Usable"}
	movementHeads = []string{"序号 Seq", "时间（北京时间） Time (UTC+8)", "类型 Kind", "储备库编码 Depot",
		"储备库 Depot name", "物资编码 Item", "物资名称 Name", "单位 Unit", "批次码 Lot", "数量 Quantity", "单据 Posting",
		"经办人 Actor", "事由 Reason", "哈希 Hash", "前序哈希 Previous hash"}
)

// StockBook is what the stock workbook (库存台账) shows: the catalogue with
// what is held of each item, the depots, the lots on hand and the latest
// ledger entries, with the result of a ledger verification. Depot, when not
// empty, names the one depot the book is limited to.
type StockBook struct {
	At      time.Time // when it was made
	Today   string    // China's date expiry is judged on (YYYY-MM-DD)
	Depot   string
	DepotZH string
	// Ledger is a verification of the whole ledger, made when Verified
	// (an export asked for it with ?verify=1).
	Ledger    store.VerifyReport
	Verified  bool
	Items     []store.StockItem
	Depots    []store.StockDepot
	Lots      []store.StockLot
	LotsTotal int // lots on hand in all; more than len(Lots) when the sheet was cut
	Movements []store.StockMovement
	// MovementsTotal counts the entries in scope; the 流水 sheet holds the
	// newest len(Movements) of them.
	MovementsTotal int64
}

// Stock renders a stock book as a workbook of five sheets: 概览 (scope,
// totals and the ledger check), 物资目录 (items with totals), 储备库
// (depots), 批次 (lots with expiry, quality and quantities) and 流水 (the
// newest ledger entries, with their hashes).
func Stock(sb StockBook) (*excelize.File, error) {
	b, err := newBook("应急物资库存台账 Stock and ledger", sb.At.Unix())
	if err != nil {
		return nil, err
	}
	b.stockSummary(sb)
	b.catalogue(sb.Items)
	b.depots(sb.Depots)
	b.lots(sb.Today, sb.Lots)
	b.movements(sb.Movements)
	return b.close()
}

// stockSummary writes the 概览 sheet as field and value rows.
func (b *book) stockSummary(sb StockBook) {
	s := b.sheet("", viewStockSummary)
	s.head("项目 Field", "值 Value", "说明 Note")
	s.freeze()
	scope := "全部储备库 All depots"
	if sb.Depot != "" {
		scope = sb.Depot + " " + sb.DepotZH
	}
	s.add("范围 Scope", scope)
	s.add("制表时间（北京时间） Made at (UTC+8)", moment(sb.At.In(cst.Zone)))
	if t, err := time.Parse(stock.DateLayout, sb.Today); err == nil {
		s.add("效期判定日 Expiry judged on", day(t))
	}
	// Totals come from the items, which are never cut; the expiry counts
	// come from the lots listed, and say so when the sheet was cut.
	var qty, usable, reserved stock.Quantity
	var held int
	for _, it := range sb.Items {
		qty += it.Quantity
		usable += it.Usable
		reserved += it.Reserved
		if it.Quantity > 0 {
			held++
		}
	}
	expired, soon := 0, 0
	for _, l := range sb.Lots {
		switch left, ok := stock.DaysBetween(sb.Today, l.ExpiresOn); {
		case !ok:
		case left < 0:
			expired++
		case left <= stock.RotationDays:
			soon++
		}
	}
	s.add("物资种类（有库存） Items held", held)
	s.add("储备库 Depots", len(sb.Depots))
	s.add("批次 Lots", sb.LotsTotal, cutNote(len(sb.Lots), sb.LotsTotal))
	s.add("在库合计 On hand", qty, "不同物资单位相加，仅供参考 Units of different items added up")
	s.add("预留合计 Reserved", reserved)
	s.add("可用合计 Usable", usable)
	cut := cutNote(len(sb.Lots), sb.LotsTotal)
	s.add("已过期批次 Lots expired", expired, cut)
	s.add(fmt.Sprintf("%d天内到期批次 Lots expiring within %d days", stock.RotationDays, stock.RotationDays), soon, cut)
	s.add("台账记录 Ledger entries", sb.MovementsTotal, cutNote(len(sb.Movements), int(sb.MovementsTotal)))
	if sb.Verified {
		b.ledgerRows(s, sb.Ledger)
	} else {
		s.add("台账校验 Ledger check", "未校验 Not checked", "导出时加 verify=1 参数可校验全部台账 Export with verify=1 to check the whole ledger")
	}
	s.done()
}

// ledgerRows writes the verification: intact, or the first broken entry
// and the balances that differ.
func (b *book) ledgerRows(s *sheet, rep store.VerifyReport) {
	status := "完整 Intact"
	if !rep.OK {
		status = "异常 Broken"
	}
	s.add("台账校验 Ledger check", status, "全部台账的哈希链与余额 Hash chain and balances of the whole ledger")
	s.add("已校验记录 Entries checked", rep.Entries)
	s.add("已校验余额 Balances checked", rep.Balances)
	if br := rep.FirstBreak; br != nil {
		s.add("首个异常记录 First broken entry", br.Seq, br.ZH+" "+br.Reason)
	}
	if n := len(rep.Mismatches); n > 0 {
		s.add("余额不符 Balances differing", n)
		for _, m := range rep.Mismatches {
			s.add("", m.DepotCode+" "+m.LotCode, fmt.Sprintf("存储 %s，按台账 %s Stored %s, ledger %s",
				m.Stored, m.Ledger, m.Stored, m.Ledger))
		}
	}
	if n := len(rep.TotalMismatches); n > 0 {
		s.add("汇总不符 Stock totals differing", n)
	}
	if n := len(rep.BrokenRefs); n > 0 {
		s.add("引用断裂 Broken references", n)
		for _, r := range rep.BrokenRefs {
			s.add("", r.Table+" "+r.Row, fmt.Sprintf("%s = %d", r.Field, r.Value))
		}
	}
}

// cutNote says that a sheet shows only the first shown of total rows.
func cutNote(shown, total int) any {
	if shown >= total {
		return nil
	}
	return fmt.Sprintf("表中仅列出 %d 条 Only %d listed", shown, shown)
}

// catalogue writes the 物资目录 sheet.
func (b *book) catalogue(items []store.StockItem) {
	rows := make([][]any, 0, len(items))
	for _, it := range items {
		var shelf any
		if it.ShelfLifeDays > 0 {
			shelf = it.ShelfLifeDays
		}
		rows = append(rows, []any{it.Code, it.NameZH, it.NameEN, it.GroupZH, it.CategoryZH, it.UnitZH, it.Spec,
			shelf, purposeLabel(it.Purpose), it.VolumeM3, it.Quantity, it.Reserved, it.Usable, it.Lots, it.Depots})
	}
	b.list("", viewCatalogue, catalogueHeads, rows)
}

// depots writes the 储备库 sheet.
func (b *book) depots(ds []store.StockDepot) {
	rows := make([][]any, 0, len(ds))
	for _, d := range ds {
		var capacity, use any
		if d.CapacityM3 > 0 {
			capacity, use = d.CapacityM3, share(d.Utilisation)
		}
		rows = append(rows, []any{d.Code, d.NameZH, d.NameEN, tierLabel(d.Tier), kindLabel(d.Kind), d.OrgZH,
			d.District, d.DistrictZH, d.Address, d.Point.Lon, d.Point.Lat, capacity, tenths(d.UsedM3), use,
			d.Lots, d.Items})
	}
	b.list("", viewDepots, depotHeads, rows)
}

// lots writes the 批次 sheet.
func (b *book) lots(today string, ls []store.StockLot) {
	rows := make([][]any, 0, len(ls))
	for _, l := range ls {
		var produced, expires, left any
		if l.ProducedOn != "" {
			produced = expiry(l.ProducedOn)
		}
		if l.ExpiresOn != "" {
			expires = expiry(l.ExpiresOn)
		}
		if n, ok := stock.DaysBetween(today, l.ExpiresOn); ok {
			left = n
		}
		rows = append(rows, []any{l.Depot, l.DepotZH, l.Item, l.ItemZH, l.UnitZH, l.Lot, l.Batch, produced, expires,
			left, statusLabel(l.Status(today)), l.OwnerZH, l.Quantity, l.Reserved, l.Usable})
	}
	b.list("", viewLots, lotHeads, rows)
}

// movements writes the 流水 sheet, newest first.
func (b *book) movements(ms []store.StockMovement) {
	rows := make([][]any, 0, len(ms))
	for _, m := range ms {
		rows = append(rows, []any{m.Seq, moment(time.UnixMicro(m.At).In(cst.Zone)), entryLabel(m.Kind), m.DepotCode,
			m.DepotZH, m.ItemCode, m.ItemZH, m.UnitZH, m.LotCode, m.Delta, m.PostingID, m.Actor, m.Reason, m.Hash,
			m.PrevHash})
	}
	b.list("", viewMovements, movementHeads, rows)
}

var kindZH = map[depot.Kind]string{
	depot.KindComprehensive: "综合",
	depot.KindSpecial:       "专项",
}

// kindLabel is a depot kind in both languages: "综合 comprehensive".
func kindLabel(k depot.Kind) string {
	if zh, ok := kindZH[k]; ok {
		return zh + " " + string(k)
	}
	return string(k)
}

var statusZH = map[stock.Status]string{
	stock.StatusGood:    "合格",
	stock.StatusPending: "待检",
	stock.StatusDamaged: "损坏",
	stock.StatusExpired: "已过期",
}

// statusLabel is a lot's status (its quality, or expired) in both
// languages: "合格 good", "已过期 expired".
func statusLabel(st stock.Status) string {
	if zh, ok := statusZH[st]; ok {
		return zh + " " + string(st)
	}
	return string(st)
}

var entryZH = map[stock.EntryKind]string{
	stock.EntryReceive:     "入库",
	stock.EntryIssue:       "出库",
	stock.EntryTransferOut: "调出",
	stock.EntryTransferIn:  "调入",
	stock.EntryAdjust:      "盘点调整",
	stock.EntryScrap:       "报废",
	stock.EntryReturn:      "退回",
	stock.EntryReserve:     "预留",
	stock.EntryRelease:     "释放预留",

	stock.EntryQualityGood:    "质量改为合格",
	stock.EntryQualityPending: "质量改为待检",
	stock.EntryQualityDamaged: "质量改为损坏",
}

// entryLabel is a ledger entry's kind in both languages: "入库 receive".
func entryLabel(k stock.EntryKind) string {
	if zh, ok := entryZH[k]; ok {
		return zh + " " + string(k)
	}
	return string(k)
}
