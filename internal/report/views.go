package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/stockpile-dev/stockpile/internal/cst"
	"github.com/stockpile-dev/stockpile/internal/readiness"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// The header rows of the views. Column positions matter to the chart of
// the district sheet.
var (
	itemHeads = []string{"物资编码 Item", "物资名称 Name", "英文名称 Name (EN)", "单位 Unit", "用途 Purpose",
		"需求 Required", "实物储备 Physical", "协议储备 Agreement", "产能储备 Capacity", "合计储备 Held",
		"保障率 Coverage", "按时到达 On time", "4小时内 Within 4 h", "6小时内 Within 6 h", "24小时内 Within 24 h",
		"按时到达率 In time", "缺口 Gap", "临期轮换 Due for rotation", "依据 Sources", "假设 Assumption",
		"采购金额（元） Purchase cost (yuan)"}
	tierHeads = []string{"物资编码 Item", "物资名称 Name", "储备层级 Tier", "需求 Required", "储备 Held",
		"保障率 Coverage", "缺口 Gap"}
	areaHeads = []string{"事件 Event", "区划代码 District", "区名 District name", "物资编码 Item", "物资名称 Name",
		"需求 Required", "本区库存 Local", "按时到达 On time", "4小时内 Within 4 h", "6小时内 Within 6 h",
		"24小时内 Within 24 h", "按时到达率 In time"}
	purchaseHeads = []string{"物资编码 Item", "物资名称 Name", "单位 Unit", "储备层级 Tier", "采购数量 Quantity",
		"区划代码 District", "区名 District name", "单价（元） Unit price (yuan)", "金额（元） Cost (yuan)",
		"单价为假设 Price assumed"}
	rotationHeads = []string{"储备库编码 Depot", "储备库 Depot name", "储备层级 Tier", "物资编码 Item", "物资名称 Name",
		"批次 Lot", "到期日 Expires", "数量 Quantity", "进入轮换期 Due since", "轮换期（天） Rotation window (days)"}
	eventHeads = []string{"事件 Event", "灾种 Hazard", "响应级别 Level", "天数 Days", "区划代码 District",
		"区名 District name", "转移安置人数 Relocated", "受灾人数 Affected", "救援队伍 Teams"}
	budgetHeads = []string{"储备层级 Tier", "区划代码 District", "区名 District name", "采购行数 Lines",
		"未定价行数 Unpriced lines", "采购金额（元） Cost (yuan)"}
	noteHeads     = []string{"说明 Note", "Note (English)", "来源 Sources"}
	districtHeads = []string{"区划代码 District", "区名 District name", "英文名称 Name (EN)", "常住人口 Population",
		"灾种 Hazard", "响应级别 Level", "保障率 Coverage", "按时到达率 In time", "24小时内到达率 Within 24 h",
		"物资种类 Items", "短缺物资 Items short", "本区储备4小时内 Own stock within 4 h",
		"加市级储备6小时内 With city stock within 6 h", "加其他区储备24小时内 With other districts within 24 h"}
	neighbourHeads = []string{"地点编码 Site", "支援地点 Site name", "英文名称 Name (EN)", "省市 Province",
		"纬度 Latitude", "经度 Longitude", "转移安置人数 Relocated", "市级储备24小时内到达率 City stock within 24 h",
		"假设 Assumption"}
	neighbourItemHeads = []string{"地点编码 Site", "支援地点 Site name", "物资编码 Item", "物资名称 Name",
		"需求 Required", "24小时内到达率 Within 24 h"}
)

// Columns of the district sheet the chart reads (1-based).
const (
	districtNameCol     = 2
	districtCoverageCol = 7
	districtInTimeCol   = 8
)

// purchaseCostCol is the cost column of the purchase sheet (1-based), under
// which its total row puts the purchase cost.
const purchaseCostCol = 9

// assessment writes the six sheets of an assessment, their names after
// prefix when it is not empty.
func (b *book) assessment(prefix string, as readiness.Assessment) {
	b.summary(prefix, as)

	rows := make([][]any, 0, len(as.Items))
	for _, it := range as.Items {
		rows = append(rows, []any{it.Item, it.NameZH, it.NameEN, it.UnitZH, purposeLabel(it.Purpose),
			it.Required, it.Physical, it.Agreement, it.Capacity, it.Held, share(it.Coverage),
			it.OnTime, it.Within4h, it.Within6h, it.Within24h, share(it.InTime), it.Gap, it.Expiring,
			strings.Join(it.Sources, "; "), it.Assumption, yuan(it.Cost)})
	}
	b.list(prefix, viewItems, itemHeads, rows)

	rows = make([][]any, 0, len(as.Tiers))
	for _, t := range as.Tiers {
		rows = append(rows, []any{t.Item, t.NameZH, tierLabel(t.Tier), t.Required, t.Held, share(t.Coverage), t.Gap})
	}
	b.list(prefix, viewTiers, tierHeads, rows)

	rows = make([][]any, 0, len(as.Areas))
	for _, a := range as.Areas {
		rows = append(rows, []any{a.Event + 1, a.Area, a.AreaZH, a.Item, a.NameZH, a.Required, a.Local,
			a.OnTime, a.Within4h, a.Within6h, a.Within24h, share(a.InTime)})
	}
	b.list(prefix, viewAreas, areaHeads, rows)

	rows = make([][]any, 0, len(as.Purchases))
	for _, p := range as.Purchases {
		// An unpriced line leaves its price and cost empty, not 0.
		var price, cost any
		if p.Priced {
			price, cost = yuan(p.UnitYuan), yuan(p.Cost)
		}
		rows = append(rows, []any{p.Item, p.NameZH, p.UnitZH, tierLabel(p.Tier), p.Quantity, p.Area, p.AreaZH,
			price, cost, p.PriceAssumption})
	}
	s := b.list(prefix, viewPurchases, purchaseHeads, rows)
	// The total, below the table and outside its filter, so that sorting
	// and filtering the lines leave it alone.
	if len(as.Purchases) > 0 {
		s.skip()
		total := make([]any, purchaseCostCol)
		total[0], total[purchaseCostCol-1] = "合计 Total", yuan(as.PurchaseCost)
		s.add(total...)
		s.done()
	}

	rows = make([][]any, 0, len(as.Rotation))
	for _, r := range as.Rotation {
		rows = append(rows, []any{r.Depot, r.DepotZH, tierLabel(r.Tier), r.Item, r.NameZH, r.Lot,
			expiry(r.ExpiresOn), r.Quantity, expiry(r.DueOn), r.HorizonDays})
	}
	b.list(prefix, viewRotation, rotationHeads, rows)
}

// summary writes the 概览 sheet: the scenario and its figures as field and
// value rows, then a table of the events, one row per district hit (events
// numbered from 1, as in the 区域 sheet), then the notes.
func (b *book) summary(prefix string, as readiness.Assessment) {
	s := b.sheet(prefix, viewSummary)
	s.head("项目 Field", "值 Value")
	s.freeze()
	sc := as.Scenario
	s.add("情景编码 Scenario code", sc.Code)
	s.add("情景名称 Scenario", sc.NameZH)
	s.add("英文名称 Scenario (EN)", sc.NameEN)
	s.add("常备情景 Standing", sc.Standing)
	if as.At != 0 {
		s.add("评估时间（北京时间） Assessed at (UTC+8)", moment(time.Unix(as.At, 0).In(cst.Zone)))
	} else {
		s.add("评估时间（北京时间） Assessed at (UTC+8)")
	}
	s.add("物资种类 Items", as.Summary.Items)
	s.add("保障率 Coverage", share(as.Summary.Coverage))
	s.add("按时到达率 In time", share(as.Summary.InTime))
	s.add("24小时内到达率 Within 24 h", share(as.Summary.Within24))
	s.add("短缺物资 Items short", as.Summary.Short)
	s.add("采购金额合计（元） Purchase cost (yuan)", yuan(as.PurchaseCost))
	s.add("规划期（天） Planning days", as.PlanningDays)
	s.add("储备动用时间窗（小时） Window (h)", as.WindowHours)
	s.add("首批到达时限（小时） First-batch deadline (h)", as.DeadlineHours)

	s.skip()
	top := s.head(eventHeads...)
	events := false
	for i, e := range as.Events {
		event := []any{i + 1, hazardLabel(e.Hazard), e.Level, e.Days}
		if len(e.Hits) == 0 {
			s.add(event...)
		}
		for _, h := range e.Hits {
			s.add(append(event, h.Area, h.NameZH, people(h.Relocated), people(h.Affected), tenths(h.Teams))...)
		}
		events = true
	}
	if !events {
		s.add(none)
	}
	s.filter(top, len(eventHeads))

	// The purchase budget per holder (the city, then each district: 列入
	// 本级财政预算) and in all.
	s.skip()
	s.head(budgetHeads...)
	lines, unpriced := 0, 0
	for _, bu := range as.Budgets {
		s.add(tierLabel(bu.Tier), bu.Area, bu.AreaZH, bu.Lines, bu.Unpriced, yuan(bu.Cost))
		lines += bu.Lines
		unpriced += bu.Unpriced
	}
	s.add("合计 Total", nil, nil, lines, unpriced, yuan(as.PurchaseCost))

	s.skip()
	s.head(noteHeads...)
	for _, n := range as.Notes {
		s.add(n.ZH, n.EN, strings.Join(n.Sources, "\n"))
	}
	if len(as.Notes) == 0 {
		s.add(none)
	}
	s.done()
}

// expiry is a lot's expiry date as an Excel date, or as given when it is
// not one; nothing when it is empty.
func expiry(s string) any {
	if s == "" {
		return nil
	}
	t, err := time.Parse(stock.DateLayout, s)
	if err != nil {
		return s
	}
	return day(t)
}

// districts writes the 各区 sheet and its chart.
func (b *book) districts(ds []readiness.DistrictReadiness) {
	rows := make([][]any, 0, len(ds))
	for _, d := range ds {
		rows = append(rows, []any{d.Area, d.NameZH, d.NameEN, d.Population, hazardLabel(d.Hazard), d.Level,
			share(d.Summary.Coverage), share(d.Summary.InTime), share(d.Summary.Within24),
			d.Summary.Items, d.Summary.Short, share(d.Chain.Own4h), share(d.Chain.City6h), share(d.Chain.Others24h)})
	}
	name := b.list("", viewDistricts, districtHeads, rows).name
	if len(ds) == 0 {
		return
	}
	ref := func(col, from, to int) string {
		a, _ := excelize.CoordinatesToCellName(col, from, true)
		z, _ := excelize.CoordinatesToCellName(col, to, true)
		if from == to {
			return fmt.Sprintf("'%s'!%s", name, a)
		}
		return fmt.Sprintf("'%s'!%s:%s", name, a, z)
	}
	last := len(ds) + 1
	series := func(col int) excelize.ChartSeries {
		return excelize.ChartSeries{Name: ref(col, 1, 1), Categories: ref(districtNameCol, 2, last),
			Values: ref(col, 2, last)}
	}
	zero, one, vary := 0.0, 1.0, false
	anchor, _ := excelize.CoordinatesToCellName(len(districtHeads)+2, 2)
	b.do(func() error {
		return b.f.AddChart(name, anchor, &excelize.Chart{
			Type:       excelize.Bar,
			Series:     []excelize.ChartSeries{series(districtInTimeCol), series(districtCoverageCol)},
			VaryColors: &vary,
			Title: excelize.ChartTitle{Paragraph: []excelize.RichTextRun{
				{Text: "各区Ⅱ级响应按时到达率与保障率 In-time share and coverage by district"}}},
			// Categories run bottom-up in a bar chart; reversed, they
			// read top-down in the table's order.
			XAxis:     excelize.ChartAxis{ReverseOrder: true},
			YAxis:     excelize.ChartAxis{Minimum: &zero, Maximum: &one, MajorGridLines: true, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0%"}},
			Legend:    excelize.ChartLegend{Position: "bottom"},
			Dimension: excelize.ChartDimension{Width: 720, Height: uint(max(320, 36*len(ds)+140))},
		})
	})
}

// neighbours writes the 津冀支援 sheet: what city stock alone gets to a
// relief site in each neighbouring province within 24 h (seed 001: 市级
// 应急物资具备24小时内支援津冀地区的能力), a row per site, then its items.
// Item names come from the scenarios' items, where they appear.
func (b *book) neighbours(ns []readiness.NeighbourSupport, scenarios []readiness.Assessment) {
	rows := make([][]any, 0, len(ns))
	for _, n := range ns {
		rows = append(rows, []any{n.Code, n.NameZH, n.NameEN, n.Province, n.Point.Lat, n.Point.Lon,
			n.Relocated, share(n.Within24), n.Assumption})
	}
	s := b.list("", viewNeighbours, neighbourHeads, rows)
	if len(ns) == 0 {
		return
	}
	names := map[string]string{}
	for _, as := range scenarios {
		for _, it := range as.Items {
			names[it.Item] = it.NameZH
		}
	}
	s.skip()
	s.head(neighbourItemHeads...)
	for _, n := range ns {
		for _, it := range n.Items {
			var name any
			if zh, ok := names[it.Item]; ok {
				name = zh
			}
			s.add(n.Code, n.NameZH, it.Item, name, it.Required, share(it.Within24))
		}
	}
	s.done()
}
