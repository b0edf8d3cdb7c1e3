// Package importer turns the tables people keep in Excel into Stockpile's
// master data and opening stock (BRIEF C13): for each kind of data its
// columns, a row parser that reports every problem of every row, and the
// classification of each good row against what is stored, by natural key,
// into new, changed and unchanged. It decides; it writes nothing. The use
// cases (ops) read the stored state for it through an [Env] and apply
// what it found in one transaction.
package importer

import (
	"strings"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/tabular"
)

// Kind is a kind of data a file can hold.
type Kind string

// The kinds, in the order a city loads them: each refers only to kinds
// before it.
const (
	Categories Kind = "categories" // 物资类目 (GB/T 38565 大类、中类、小类)
	Items      Kind = "items"      // 物资目录
	Areas      Kind = "areas"      // 区域
	Orgs       Kind = "orgs"       // 储备主体
	Depots     Kind = "depots"     // 储备库(点)
	Stock      Kind = "stock"      // 期初库存 (批次)
	Agreements Kind = "agreements" // 协议储备
	Capacities Kind = "capacities" // 产能储备
	Prices     Kind = "prices"     // 单价
	Norms      Kind = "norms"      // 定额
	Users      Kind = "users"      // 用户
)

// Spec describes one kind: its names, natural key, the action that
// writes it, and its columns.
type Spec struct {
	Kind    Kind
	ZH, EN  string
	Key     []string      // the columns of the natural key
	Action  access.Action // the write action the importer needs, per row in scope
	Columns []tabular.Column
}

// Column returns the column of key.
func (s Spec) Column(key string) (tabular.Column, bool) {
	for _, c := range s.Columns {
		if c.Key == key {
			return c, true
		}
	}
	return tabular.Column{}, false
}

// Specs lists every kind, in loading order.
func Specs() []Spec {
	return []Spec{categoriesSpec(), itemsSpec(), areasSpec(), orgsSpec(), depotsSpec(), stockSpec(),
		agreementsSpec(), capacitiesSpec(), pricesSpec(), normsSpec(), usersSpec()}
}

// SpecOf returns the spec of kind k, or import.kind_unknown.
func SpecOf(k string) (Spec, error) {
	for _, s := range Specs() {
		if string(s.Kind) == strings.TrimSpace(k) {
			return s, nil
		}
	}
	var names []string
	for _, s := range Specs() {
		names = append(names, string(s.Kind))
	}
	return Spec{}, apperr.New(apperr.NotFound, "import.kind_unknown", "没有可导入的数据类型「%[1]s」：应为 %[2]s",
		"no kind of import %[1]q: want one of %[3]s", k, strings.Join(names, "、"), strings.Join(names, ", ")).WithField("kind")
}

// col is a column; req marks it required.
func col(key, zh, en, unit string, req bool, example string, choices ...tabular.Choice) tabular.Column {
	return tabular.Column{Key: key, ZH: zh, EN: en, Unit: unit, Required: req, Example: example, Choices: choices}
}

func note(c tabular.Column, n string) tabular.Column { c.Note = n; return c }

// alias adds the other headers people give column c in their own files.
func alias(c tabular.Column, names ...string) tabular.Column { c.Aliases = names; return c }

// Shared columns.
var (
	levelChoices = []tabular.Choice{{Value: "city", ZH: "市级", EN: "City"}, {Value: "district", ZH: "区级", EN: "District"},
		{Value: "street", ZH: "街道/乡镇", EN: "Street/township"}, {Value: "community", ZH: "社区/村", EN: "Community/village"}}
	crsChoices = []tabular.Choice{{Value: string(tabular.WGS84), ZH: "WGS-84", EN: "WGS-84"},
		{Value: string(tabular.GCJ02), ZH: "GCJ-02 高德", EN: "GCJ-02 AMap"},
		{Value: string(tabular.BD09), ZH: "BD-09 百度", EN: "BD-09 Baidu"}}
	boolChoices = []tabular.Choice{{Value: "yes", ZH: "是", EN: "Yes"}, {Value: "no", ZH: "否", EN: "No"}}
)

// pointColumns are the columns of a location: longitude, latitude and
// the coordinate system they were copied in.
func pointColumns(req bool, lon, lat string) []tabular.Column {
	return []tabular.Column{
		col("lon", "经度", "Longitude", "°", req, lon),
		col("lat", "纬度", "Latitude", "°", req, lat),
		note(col("crs", "坐标系", "Coordinate system", "", false, "GCJ-02", crsChoices...),
			"空为 WGS-84；从高德地图复制的坐标选 GCJ-02，从百度地图复制的选 BD-09 / empty is WGS-84; GCJ-02 as copied from AMap, BD-09 from Baidu"),
	}
}

func categoriesSpec() Spec {
	return Spec{Kind: Categories, ZH: "物资类目", EN: "Item categories", Key: []string{"code"}, Action: access.CatalogWrite,
		Columns: []tabular.Column{
			note(col("code", "类目编码", "Category code", "", true, "101"), "1、3 或 5 位（大类、中类、小类）/ 1, 3 or 5 digits"),
			col("name_zh", "类目名称", "Name (Chinese)", "", true, "帐篷类"),
			col("name_en", "英文名称", "Name (English)", "", false, "Tents"),
			col("local", "本地编码", "Local code", "", false, "是", boolChoices...),
		}}
}

func itemsSpec() Spec {
	return Spec{Kind: Items, ZH: "物资目录", EN: "Catalogue items", Key: []string{"code"}, Action: access.CatalogWrite,
		Columns: []tabular.Column{
			note(alias(col("code", "物资编码", "Item code", "", true, "1010101"), "编码", "物资代码", "物资编号"), "7 位 GB/T 38565 编码 / 7-digit GB/T 38565 code"),
			alias(col("name_zh", "物资名称", "Name (Chinese)", "", true, "单帐篷"), "名称", "品名"),
			col("name_en", "英文名称", "Name (English)", "", false, "Single tent"),
			alias(col("unit_zh", "计量单位", "Unit (Chinese)", "", true, "顶"), "单位"),
			col("unit_en", "英文单位", "Unit (English)", "", false, "tent"),
			col("counted", "按整数计", "Whole units", "", false, "是", boolChoices...),
			alias(col("spec", "规格型号", "Specification", "", false, "12 m²"), "规格", "型号"),
			col("shelf_life_days", "保质期", "Shelf life", "天 days", false, "0"),
			col("purpose", "用途", "Purpose", "", true, "life",
				tabular.Choice{Value: "rescue", ZH: "应急救援保障物资", EN: "Rescue"},
				tabular.Choice{Value: "life", ZH: "受灾人员生活保障物资", EN: "Life support"}),
			col("volume_m3", "单位体积", "Unit volume", "立方米 m³", false, "0.12"),
			col("mass_t", "单位重量", "Unit mass", "吨 t", false, "0.025"),
		}}
}

func areasSpec() Spec {
	cols := []tabular.Column{
		alias(col("code", "区域编码", "Area code", "", true, "110111"), "编码", "行政区划代码", "区划代码"),
		note(col("parent_code", "上级区域编码", "Parent area code", "", false, "110000"), "市级留空 / empty for the city"),
		col("level", "层级", "Level", "", true, "district", levelChoices...),
		alias(col("name_zh", "区域名称", "Name (Chinese)", "", true, "房山区"), "名称"),
		col("name_en", "英文名称", "Name (English)", "", false, "Fangshan"),
		alias(col("population", "常住人口", "Population", "人 people", false, "1,312,778"), "人口"),
	}
	cols = append(cols, pointColumns(false, "116.1433", "39.7488")...)
	return Spec{Kind: Areas, ZH: "区域", EN: "Areas", Key: []string{"code"}, Action: access.AreaWrite,
		Columns: append(cols,
			col("terrain", "地形", "Terrain", "", false, "mixed",
				tabular.Choice{Value: "urban", ZH: "城区", EN: "Urban"}, tabular.Choice{Value: "plain", ZH: "平原", EN: "Plain"},
				tabular.Choice{Value: "mixed", ZH: "混合", EN: "Mixed"}, tabular.Choice{Value: "mountain", ZH: "山区", EN: "Mountain"}),
			note(col("boundary", "边界", "Boundary", "GeoJSON", false, ""),
				"WGS-84 的 GeoJSON Polygon 或 MultiPolygon 文本 / GeoJSON Polygon or MultiPolygon text in WGS-84"),
		)}
}

func orgsSpec() Spec {
	return Spec{Kind: Orgs, ZH: "储备主体", EN: "Organisations", Key: []string{"code"}, Action: access.OrgWrite,
		Columns: []tabular.Column{
			alias(col("code", "单位编码", "Organisation code", "", true, "BJ-GRAIN"), "编码", "统一社会信用代码"),
			alias(col("name_zh", "单位名称", "Name (Chinese)", "", true, "北京市粮食和物资储备局"), "名称"),
			col("name_en", "英文名称", "Name (English)", "", false, "Beijing Grain and Reserves Bureau"),
			col("kind", "单位类型", "Kind", "", true, "department",
				tabular.Choice{Value: "bureau", ZH: "应急管理部门", EN: "Bureau"},
				tabular.Choice{Value: "department", ZH: "政府部门", EN: "Department"},
				tabular.Choice{Value: "enterprise", ZH: "企业", EN: "Enterprise"}),
			alias(col("area_code", "所属区域", "Area code", "", true, "110000"), "区域编码", "所在区域"),
		}}
}

func depotsSpec() Spec {
	cols := []tabular.Column{
		alias(col("code", "储备库编码", "Depot code", "", true, "D-110111-01"), "编码", "仓库编码", "库点编码"),
		alias(col("name_zh", "储备库名称", "Name (Chinese)", "", true, "房山区救灾物资储备库"), "名称", "仓库名称", "库点名称"),
		col("name_en", "英文名称", "Name (English)", "", false, "Fangshan relief depot"),
		col("tier", "层级", "Tier", "", true, "district", levelChoices...),
		col("kind", "类型", "Kind", "", true, "comprehensive",
			tabular.Choice{Value: "comprehensive", ZH: "综合库", EN: "Comprehensive"},
			tabular.Choice{Value: "special", ZH: "专项库", EN: "Special"}),
		alias(col("org_code", "管理单位", "Holding organisation", "", true, "110111-EMB"), "管理单位编码", "储备主体"),
		alias(col("area_code", "所在区域", "Area code", "", true, "110111"), "区域编码", "所属区域"),
	}
	cols = append(cols, pointColumns(true, "116.1433", "39.7488")...)
	return Spec{Kind: Depots, ZH: "储备库", EN: "Depots", Key: []string{"code"}, Action: access.DepotWrite,
		Columns: append(cols,
			alias(col("address", "地址", "Address", "", false, "房山区良乡镇"), "详细地址"),
			alias(col("capacity_m3", "库容", "Capacity", "立方米 m³", false, "5000"), "库容量", "容积"))}
}

func stockSpec() Spec {
	return Spec{Kind: Stock, ZH: "期初库存", EN: "Opening stock", Key: []string{"depot", "item", "batch", "owner"},
		Action: access.StockPost,
		Columns: []tabular.Column{
			alias(col("depot", "储备库编码", "Depot code", "", true, "D-110111-01"), "仓库编码", "库点编码"),
			alias(col("item", "物资编码", "Item code", "", true, "1010101"), "物资代码", "物资编号"),
			alias(col("batch", "批次号", "Batch", "", true, "2026-01"), "批次", "批号", "生产批号"),
			note(col("owner", "物权单位", "Owner", "", false, "110111-EMB"), "空为储备库的管理单位 / empty: the depot's holder"),
			col("produced_on", "生产日期", "Produced on", "", false, "2026-01-05"),
			note(alias(col("expires_on", "有效期至", "Expires on", "", false, ""), "失效日期", "到期日期", "有效期"), "空则按保质期推算 / empty: from the shelf life"),
			col("quality", "质量状态", "Quality", "", false, "good",
				tabular.Choice{Value: "good", ZH: "合格", EN: "Good"}, tabular.Choice{Value: "pending", ZH: "待检", EN: "Pending"},
				tabular.Choice{Value: "damaged", ZH: "损坏", EN: "Damaged"}),
			note(alias(col("quantity", "数量", "Quantity", "", true, "1,200"), "库存数量", "实存数量", "实有数量"), "库存应有的数量，非增减 / the quantity held, not a change"),
		}}
}

func reserveColumns(qtyKey, qtyZH, qtyEN, hoursKey, hoursZH, hoursEN string) []tabular.Column {
	cols := []tabular.Column{
		col("code", "储备编码", "Reserve code", "", true, "AG-2026-001"),
		col("org_code", "签约企业", "Enterprise", "", true, "ENT-001"),
		note(col("party", "签约主体", "Contracting party", "", false, "110111-EMB"), "空为市应急管理局 / empty: the city's bureau"),
		alias(col("item", "物资编码", "Item code", "", true, "1010101"), "物资代码", "物资编号"),
		col(qtyKey, qtyZH, qtyEN, "", true, "500"),
		col(hoursKey, hoursZH, hoursEN, "小时 h", true, "12"),
		col("valid_from", "有效期起", "Valid from", "", true, "2026-01-01"),
		col("valid_until", "有效期止", "Valid until", "", true, "2026-12-31"),
	}
	cols = append(cols, pointColumns(true, "116.3", "39.9")...)
	return append(cols, col("note", "备注", "Note", "", false, ""))
}

func agreementsSpec() Spec {
	return Spec{Kind: Agreements, ZH: "协议储备", EN: "Agreement reserves", Key: []string{"code"}, Action: access.ReserveWrite,
		Columns: reserveColumns("quantity", "协议数量", "Quantity", "delivery_hours", "交付时限", "Delivery hours")}
}

func capacitiesSpec() Spec {
	return Spec{Kind: Capacities, ZH: "产能储备", EN: "Capacity reserves", Key: []string{"code"}, Action: access.ReserveWrite,
		Columns: reserveColumns("per_day", "日产能", "Per day", "lead_hours", "响应时间", "Lead hours")}
}

func pricesSpec() Spec {
	return Spec{Kind: Prices, ZH: "单价", EN: "Unit prices", Key: []string{"item"}, Action: access.ReadinessConfigure,
		Columns: []tabular.Column{
			alias(col("item", "物资编码", "Item code", "", true, "1010101"), "物资代码", "物资编号"),
			col("yuan", "单价", "Unit price", "元 yuan", true, "1,850"),
			col("assumption", "估算", "Assumption", "", false, "否", boolChoices...),
			col("source", "来源", "Source", "", true, "2025 年招标价"),
		}}
}

func normsSpec() Spec {
	return Spec{Kind: Norms, ZH: "定额", EN: "Norms", Key: []string{"hazard", "item", "basis", "area", "tier", "group"},
		Action: access.ReadinessConfigure,
		Columns: []tabular.Column{
			col("hazard", "灾种", "Hazard", "", true, "flood"),
			alias(col("item", "物资编码", "Item code", "", true, "1010101"), "物资代码", "物资编号"),
			col("basis", "基数", "Basis", "", true, "relocated"),
			col("quantity", "定额", "Quantity", "", true, "0.2"),
			col("tier", "层级", "Tier", "", false, "", levelChoices...),
			col("assumption", "估算", "Assumption", "", false, "否", boolChoices...),
			col("source", "来源", "Source", "", true, "GB 21734"),
			col("area", "区域编码", "Area code", "", false, ""),
			col("group", "特殊群体", "Special group", "", false, ""),
		}}
}

func usersSpec() Spec {
	return Spec{Kind: Users, ZH: "用户", EN: "Users", Key: []string{"username"}, Action: access.UserManage,
		Columns: []tabular.Column{
			col("username", "用户名", "Username", "", true, "li.na"),
			col("name", "姓名", "Name", "", false, "李娜"),
			note(col("roles", "角色", "Roles", "", true, "keeper"), "多个用逗号分隔 / several, separated by commas"),
			col("area_code", "所属区域", "Area code", "", false, "110111"),
			col("org_code", "所属单位", "Organisation", "", false, "110111-EMB"),
			note(col("depots", "保管储备库", "Depots kept", "", false, "D-110111-01"), "库管员填写，多个用逗号分隔 / keepers: depot codes, separated by commas"),
		}}
}
