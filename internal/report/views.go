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
		"按时到达率 In time", "缺口 Gap", "临期轮换 Expiring", "依据 Sources", "假设 Assumption"}
	tierHeads = []string{"物资编码 Item", "物资名称 Name", "储备层级 Tier", "需求 Required", "储备 Held",
		"保障率 Coverage", "缺口 Gap"}
	areaHeads = []string{"事件 Event", "区划代码 District", "区名 District name", "物资编码 Item", "物资名称 Name",
		"需求 Required", "本区库存 Local", "按时到达 On time", "4小时内 Within 4 h", "6小时内 Within 6 h",
		"24小时内 Within 24 h", "按时到达率 In time"}
	purchaseHeads = []string{"物资编码 Item", "物资名称 Name", "单位 Unit", "储备层级 Tier", "采购数量 Quantity",
		"区划代码 District", "区名 District name", "单价(元) Unit price (yuan)", "金额(元) Cost (yuan)"}
	rotationHeads = []string{"储备库编码 Depot", "储备库 Depot name", "储备层级 Tier", "物资编码 Item", "物资名称 Name",
		"批次 Lot", "到期日 Expires", "数量 Quantity"}
	eventHeads = []string{"事件 Event", "灾种 Hazard", "响应级别 Level", "天数 Days", "区划代码 District",
		"区名 District name", "转移安置人数 Relocated", "受灾人数 Affected", "救援队伍 Teams"}
	noteHeads     = []string{"说明 Note", "Note (English)"}
	districtHeads = []string{"区划代码 District", "区名 District name", "英文名称 Name (EN)", "常住人口 Population",
		"灾种 Hazard", "响应级别 Level", "保障率 Coverage", "按时到达率 In time", "24小时内到达率 Within 24 h",
		"物资种类 Items", "短缺物资 Items short"}
)

// Columns of the district sheet the chart reads (1-based).
const (
	districtNameCol     = 2
	districtCoverageCol = 7
	districtInTimeCol   = 8
)

// assessment writes the six sheets of an assessment, their names after
// prefix when it is not empty.
func (b *book) assessment(prefix string, as readiness.Assessment) {
	b.summary(prefix, as)

	rows := make([][]any, 0, len(as.Items))
	for _, it := range as.Items {
		rows = append(rows, []any{it.Item, it.NameZH, it.NameEN, it.UnitZH, purposeLabel(it.Purpose),
			it.Required, it.Physical, it.Agreement, it.Capacity, it.Held, share(it.Coverage),
			it.OnTime, it.Within4h, it.Within6h, it.Within24h, share(it.InTime), it.Gap, it.Expiring,
			strings.Join(it.Sources, "; "), it.Assumption})
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
		rows = append(rows, []any{p.Item, p.NameZH, p.UnitZH, tierLabel(p.Tier), p.Quantity, p.Area, p.AreaZH,
			p.UnitYuan, p.Cost})
	}
	b.list(prefix, viewPurchases, purchaseHeads, rows)

	rows = make([][]any, 0, len(as.Rotation))
	for _, r := range as.Rotation {
		rows = append(rows, []any{r.Depot, r.DepotZH, tierLabel(r.Tier), r.Item, r.NameZH, r.Lot,
			expiry(r.ExpiresOn), r.Quantity})
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
		s.add("评估时间(北京时间) Assessed at (UTC+8)", moment(time.Unix(as.At, 0).In(cst.Zone)))
	} else {
		s.add("评估时间(北京时间) Assessed at (UTC+8)")
	}
	s.add("物资种类 Items", as.Summary.Items)
	s.add("保障率 Coverage", share(as.Summary.Coverage))
	s.add("按时到达率 In time", share(as.Summary.InTime))
	s.add("24小时内到达率 Within 24 h", share(as.Summary.Within24))
	s.add("短缺物资 Items short", as.Summary.Short)
	s.add("规划期(天) Planning days", as.PlanningDays)
	s.add("储备动用时间窗(小时) Window (h)", as.WindowHours)
	s.add("首批到达时限(小时) First-batch deadline (h)", as.DeadlineHours)

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

	s.skip()
	s.head(noteHeads...)
	for _, n := range as.Notes {
		s.add(n.ZH, n.EN)
	}
	if len(as.Notes) == 0 {
		s.add(none)
	}
	s.done()
}

// expiry is a lot's expiry date as an Excel date, or as given when it is
// not one.
func expiry(s string) any {
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
			d.Summary.Items, d.Summary.Short})
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
