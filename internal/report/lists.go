package report

import (
	"time"

	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/audit"
	"github.com/stockpile-dev/stockpile/internal/cst"
	"github.com/stockpile-dev/stockpile/internal/org"
	"github.com/stockpile-dev/stockpile/internal/readiness"
	"github.com/stockpile-dev/stockpile/internal/reserve"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// List is a list the API exports as a table (GET /api/exports/<Name>.xlsx
// or .csv): its sheet name and its header row, Chinese first and English
// after it. The row functions below give its rows in the same column order;
// docs/exports.md lists the columns.
type List struct {
	Name  string // the file name's stem: "lots"
	Sheet string // the sheet's name: "批次库存"
	Heads []string
}

// The lists that export, by name.
var (
	LotList = List{"lots", "批次库存", []string{"储备库编码 Depot", "储备库 Depot name", "物资编码 Item",
		"物资名称 Name", "单位 Unit", "批次码 Lot", "批号 Batch", "生产日期 Produced", "有效期至 Expires",
		"剩余天数 Days left", "质量 Quality", "物权单位编码 Owner", "物权单位 Owner name", "在库 On hand",
		"预留 Reserved", "可用 Usable"}}
	MovementList = List{"movements", "台账流水", movementHeads}
	DepotList    = List{"depots", "储备库", depotHeads}
	ItemList     = List{"items", "物资目录", catalogueHeads}
	AreaList     = List{"areas", "行政区划", []string{"区划代码 Code", "上级代码 Parent", "层级 Level", "名称 Name",
		"英文名称 Name (EN)", "常住人口 Population", "经度 Lon", "纬度 Lat", "地形 Terrain", "路径 Path", "已停用 Retired"}}
	OrgList = List{"orgs", "储备主体", []string{"单位编码 Code", "单位名称 Name", "英文名称 Name (EN)", "类型 Kind",
		"所在区划 Area", "已停用 Retired"}}
	AgreementList = List{"agreements", "协议储备", []string{"协议编码 Code", "企业编码 Enterprise", "企业名称 Enterprise name",
		"签约主体 Party", "签约主体名称 Party name", "物资编码 Item", "物资名称 Name", "协议数量 Quantity",
		"已承诺 Promised", "供货时限（小时） Delivery (h)", "生效日期 Valid from", "截止日期 Valid until", "经度 Lon",
		"纬度 Lat", "备注 Note", "已停用 Retired"}}
	CapacityList = List{"capacities", "产能储备", []string{"协议编码 Code", "企业编码 Enterprise", "企业名称 Enterprise name",
		"签约主体 Party", "签约主体名称 Party name", "物资编码 Item", "物资名称 Name", "日产能 Per day",
		"转产时间（小时） Lead time (h)", "已承诺 Promised", "生效日期 Valid from", "截止日期 Valid until", "经度 Lon",
		"纬度 Lat", "备注 Note", "已停用 Retired"}}
	BalanceList = List{"balances", "库存余额", []string{"储备库编码 Depot", "储备库 Depot name", "物资编码 Item",
		"物资名称 Name", "单位 Unit", "批次码 Lot", "批号 Batch", "有效期至 Expires", "质量 Quality", "在库 On hand",
		"预留 Reserved", "可用 Usable", "体积（m³） Volume (m³)", "批次 Lots", "储备库 Depots", "物资种类 Items"}}
	ReadinessList = List{"readiness", "各区", districtHeads}
	AuditList     = List{"audit", "审计日志", []string{"序号 Seq", "时间（北京时间） Time (UTC+8)", "操作人 Principal",
		"地址 Address", "操作 Action", "对象类型 Object kind", "对象 Object", "哈希 Hash", "前序哈希 Previous hash"}}
)

// LotRow is a lot's stock in a depot as LotList's row.
func LotRow(today string, l store.StockLot) []any {
	var left any
	if n, ok := stock.DaysBetween(today, l.ExpiresOn); ok {
		left = n
	}
	return []any{l.Depot, l.DepotZH, l.Item, l.ItemZH, l.UnitZH, l.Lot, l.Batch, l.ProducedOn, l.ExpiresOn, left,
		statusLabel(l.Status(today)), l.Owner, l.OwnerZH, l.Quantity, l.Reserved, l.Usable}
}

// MovementRow is a ledger entry as MovementList's row.
func MovementRow(m store.StockMovement) []any {
	return []any{m.Seq, time.UnixMicro(m.At).In(cst.Zone).Format("2006-01-02 15:04:05"), entryLabel(m.Kind),
		m.DepotCode, m.DepotZH, m.ItemCode, m.ItemZH, m.UnitZH, m.LotCode, m.Delta, m.PostingID, m.Actor, m.Reason,
		m.Hash, m.PrevHash}
}

// DepotRow is a depot as DepotList's row.
func DepotRow(d store.StockDepot) []any {
	var capacity, use any
	if d.CapacityM3 > 0 {
		capacity, use = d.CapacityM3, d.Utilisation
	}
	return []any{d.Code, d.NameZH, d.NameEN, tierLabel(d.Tier), kindLabel(d.Kind), d.OrgZH, d.District,
		d.DistrictZH, d.Address, d.Point.Lon, d.Point.Lat, capacity, d.UsedM3, use, d.Lots, d.Items}
}

// ItemRow is a catalogue item as ItemList's row.
func ItemRow(it store.StockItem) []any {
	var shelf any
	if it.ShelfLifeDays > 0 {
		shelf = it.ShelfLifeDays
	}
	return []any{it.Code, it.NameZH, it.NameEN, it.GroupZH, it.CategoryZH, it.UnitZH, it.Spec, shelf,
		purposeLabel(it.Purpose), it.VolumeM3, it.Quantity, it.Reserved, it.Usable, it.Lots, it.Depots}
}

// AreaRow is an area as AreaList's row.
func AreaRow(a area.Area) []any {
	return []any{a.Code, a.ParentCode, tierLabel(a.Level), a.NameZH, a.NameEN, a.Population, a.Point.Lon,
		a.Point.Lat, a.Terrain, a.Path, a.RetiredAt != 0}
}

// OrgRow is an organisation as OrgList's row.
func OrgRow(o org.Org) []any {
	return []any{o.Code, o.NameZH, o.NameEN, string(o.Kind), o.AreaCode, o.RetiredAt != 0}
}

// AgreementRow is an agreement reserve as AgreementList's row.
func AgreementRow(a reserve.Agreement) []any {
	return []any{a.Code, a.OrgCode, a.OrgNameZH, a.Party, a.PartyNameZH, a.Item, a.ItemNameZH, a.Quantity,
		a.Reserved, a.DeliveryHours, a.ValidFrom, a.ValidUntil, a.Point.Lon, a.Point.Lat, a.Note, a.RetiredAt != 0}
}

// CapacityRow is a production-capacity reserve as CapacityList's row.
func CapacityRow(c reserve.Capacity) []any {
	return []any{c.Code, c.OrgCode, c.OrgNameZH, c.Party, c.PartyNameZH, c.Item, c.ItemNameZH, c.PerDay,
		c.LeadHours, c.Reserved, c.ValidFrom, c.ValidUntil, c.Point.Lon, c.Point.Lat, c.Note, c.RetiredAt != 0}
}

// rowStatus is a balance row's status, or its quality when it has none.
func rowStatus(r store.BalanceRow) stock.Status {
	if r.Status != "" {
		return stock.Status(r.Status)
	}
	return stock.Status(r.Quality)
}

// BalanceRow is a row of a balance report as BalanceList's row; the
// columns its grouping does not set are empty.
func BalanceRow(r store.BalanceRow) []any {
	return []any{r.Depot, r.DepotNameZH, r.Item, r.ItemNameZH, r.UnitZH, r.Lot, r.Batch, r.ExpiresOn,
		statusLabel(rowStatus(r)), r.Quantity, r.Reserved, r.Usable, r.VolumeM3, blank(r.Lots),
		blank(r.Depots), blank(r.Items)}
}

// AuditRow is an audit record as AuditList's row.
func AuditRow(r audit.Record) []any {
	return []any{r.Seq, time.Unix(r.At, 0).In(cst.Zone).Format("2006-01-02 15:04:05"), r.Principal, r.Address,
		r.Action, r.Object.Kind, r.Object.ID, r.Hash, r.PrevHash}
}

// ReadinessRow is a district's readiness (the workbook's 各区 table) as
// ReadinessList's row; shares are fractions (0.85 for 85 %).
func ReadinessRow(d readiness.DistrictReadiness) []any {
	return []any{d.Area, d.NameZH, d.NameEN, d.Population, hazardLabel(d.Hazard), d.Level, d.Summary.Coverage,
		d.Summary.InTime, d.Summary.Within24, d.Summary.Items, d.Summary.Short, d.Chain.Own4h, d.Chain.City6h,
		d.Chain.Others24h}
}

// blank is n, or an empty cell for 0.
func blank(n int) any {
	if n == 0 {
		return nil
	}
	return n
}
