package report

import (
	"bufio"
	"encoding/csv"
	"io"
	"time"

	"github.com/stockpile-dev/stockpile/internal/apperr"

	"github.com/xuri/excelize/v2"

	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/cst"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// Upward is the report to the level above (上报): what a reporting unit
// holds, by class of the catalogue (GB/T 38565 top-level categories) and
// item, per district, with the agreement and capacity reserves and a
// signature line. Its layout is fixed and documented column by column in
// docs/exports.md; [Upward.Rows] lays it out, the same for .xlsx and CSV.
type Upward struct {
	Unit     string    // 填报单位: the reporting unit's name and code
	Date     string    // 填报日期 (YYYY-MM-DD, China's date)
	AsOf     time.Time // 统计截止时间
	Columns  []UpwardColumn
	Items    []UpwardItem    // in code order
	Reserves []UpwardReserve // in item code order
	// From and To are the period (China's dates, both included) of Used.
	From, To  string
	Used      []UpwardUsed     // issued from the unit's depots in the period, in item code order
	Incidents []UpwardIncident // open now, whose sites lie in the unit, newest first
	// Hazard names the event Readiness assesses (a 灾种's level Ⅱ event in
	// each district); Readiness is empty when the caller may not read it.
	Hazard    string
	Readiness []UpwardReadiness
}

// UpwardReadiness is a district's readiness for its level Ⅱ event of the
// report's hazard: shares of what it requires that are held, arrive by
// the first-batch deadline, and arrive within 24 h.
type UpwardReadiness struct {
	Code, ZH                   string
	Coverage, InTime, Within24 float64
	Short                      int // items held below requirement
}

// UpwardPeriod is the period of what was issued: from and to as asked
// (China's dates, both included), by default from the first of to's
// month to today; one that ends before it starts is refused.
func UpwardPeriod(from, to, today string) (string, string, error) {
	if to == "" {
		to = today
	}
	if from == "" {
		from = to[:8] + "01"
	}
	if from > to {
		return from, to, apperr.New(apperr.Invalid, "report.period", "统计期间的起始日期晚于截止日期",
			"the period starts after it ends").WithField("from")
	}
	return from, to, nil
}

// UpwardUsed is what was issued of an item in the period.
type UpwardUsed struct {
	Code, ZH, UnitZH string
	Quantity         stock.Quantity
}

// UpwardIncident is an incident open when the report is made.
type UpwardIncident struct {
	Code, Title, Type string
	Level             int
	ReportedAt        int64 // unix seconds
}

// UpwardColumn is a column of holdings: a district, or the unit's own
// level (depots above district level).
type UpwardColumn struct {
	Code   string
	ZH, EN string
}

// UpwardItem is what is held of an item, per column of Upward.Columns.
type UpwardItem struct {
	Code, ZH, EN, UnitZH string
	Held                 []stock.Quantity
}

// UpwardReserve is what is contracted of an item: agreement reserves
// (deliverable quantity) and capacity reserves (units a day).
type UpwardReserve struct {
	Code, ZH, UnitZH string
	Agreement        stock.Quantity
	CapacityPerDay   stock.Quantity
}

// The fixed rows and captions of the report to the level above.
const (
	UpwardTitle       = "应急物资储备情况表 Emergency supplies held"
	UpwardUnit        = "填报单位 Reporting unit"
	UpwardDate        = "填报日期 Date of report"
	UpwardAsOf        = "统计截止时间 Figures as of"
	UpwardSubtotal    = "小计 Subtotal"
	UpwardTotal       = "汇总 Total"
	UpwardReserves    = "协议储备与产能储备 Agreement and capacity reserves"
	UpwardUsedTitle   = "期间使用 Issued in the period"
	UpwardIncidents   = "未结束的事件 Open incidents"
	UpwardReadinessT  = "储备保障能力 Readiness"
	UpwardPreparedBy  = "填报人 Prepared by"
	UpwardCheckedBy   = "审核人 Checked by"
	UpwardHeaderRow   = 6 // the 1-based row of the holdings header
	upwardFixedBefore = 4 // 类别, 物资编码, 物资名称, 单位 before the columns
)

// Heads is the header of the holdings table: class, item, name,
// unit, a column per district (and the own level), then 汇总.
func (u Upward) Heads() []any {
	row := []any{"类别 Class", "物资编码 Item", "物资名称 Name", "单位 Unit"}
	for _, c := range u.Columns {
		row = append(row, c.ZH+" "+c.EN)
	}
	return append(row, UpwardTotal)
}

// Rows lays the report out: the heading rows, the holdings table (items
// grouped by class, each class closed by its 小计 row, then the 汇总
// row), the reserves table and the signature line. Totals add quantities
// of different items, as reserve plans count pieces (件).
func (u Upward) Rows() [][]any {
	rows := [][]any{{UpwardTitle}, {UpwardUnit, u.Unit}, {UpwardDate, u.Date},
		{UpwardAsOf, u.AsOf.In(cst.Zone).Format("2006-01-02 15:04")}, {}, u.Heads()}
	total := make([]stock.Quantity, len(u.Columns)+1)
	for i := 0; i < len(u.Items); {
		class := u.Items[i].Code[:1]
		zh, en := catalog.Class(class[0] - '0').Names()
		sub := make([]stock.Quantity, len(u.Columns)+1)
		for ; i < len(u.Items) && u.Items[i].Code[:1] == class; i++ {
			it := u.Items[i]
			row := []any{zh + " " + en, it.Code, it.ZH, it.UnitZH}
			rows = append(rows, append(row, upwardCells(it.Held, sub)...))
		}
		rows = append(rows, append([]any{zh + " " + en, UpwardSubtotal, "", ""}, upwardCells(sub[:len(u.Columns)], total)...))
	}
	rows = append(rows, append([]any{UpwardTotal, "", "", ""}, upwardCells(total[:len(u.Columns)], nil)...))
	rows = append(rows, []any{}, []any{UpwardReserves}, []any{"物资编码 Item", "物资名称 Name", "单位 Unit",
		"协议储备数量 Agreement quantity", "产能储备日产能 Capacity per day"})
	var agreed, perDay stock.Quantity
	for _, r := range u.Reserves {
		rows = append(rows, []any{r.Code, r.ZH, r.UnitZH, r.Agreement, r.CapacityPerDay})
		agreed, perDay = agreed+r.Agreement, perDay+r.CapacityPerDay
	}
	rows = append(rows, []any{UpwardTotal, "", "", agreed, perDay}, []any{},
		[]any{UpwardUsedTitle, u.From + " – " + u.To}, []any{"物资编码 Item", "物资名称 Name", "单位 Unit", "发放数量 Issued"})
	for _, x := range u.Used {
		rows = append(rows, []any{x.Code, x.ZH, x.UnitZH, x.Quantity})
	}
	rows = append(rows, []any{}, []any{UpwardIncidents},
		[]any{"事件编号 Code", "名称 Title", "类型 Type", "响应级别 Level", "报告时间 Reported"})
	for _, in := range u.Incidents {
		rows = append(rows, []any{in.Code, in.Title, in.Type, in.Level, cst.Minute(in.ReportedAt)})
	}
	rows = append(rows, []any{}, []any{UpwardReadinessT, u.Hazard}, []any{"区划代码 District", "区名 Name",
		"保障率 Coverage", "按时到达率 In time", "24小时内到达率 Within 24 h", "短缺物资 Items short"})
	for _, d := range u.Readiness {
		rows = append(rows, []any{d.Code, d.ZH, d.Coverage, d.InTime, d.Within24, d.Short})
	}
	return append(rows, []any{}, []any{UpwardPreparedBy, "", UpwardCheckedBy, ""})
}

// upwardCells is held per column with its sum after it; it adds each
// column and the sum into into, when not nil.
func upwardCells(held []stock.Quantity, into []stock.Quantity) []any {
	out := make([]any, 0, len(held)+1)
	var sum stock.Quantity
	for i, q := range held {
		out = append(out, q)
		sum += q
		if into != nil {
			into[i] += q
		}
	}
	if into != nil {
		into[len(held)] += sum
	}
	return append(out, sum)
}

// WriteUpwardCSV writes the report as CSV (UTF-8 with a byte-order mark).
func WriteUpwardCSV(w io.Writer, u Upward) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("\ufeff")
	cw := csv.NewWriter(bw)
	rows := u.Rows()
	width := 0
	for _, row := range rows {
		width = max(width, len(row))
	}
	for _, row := range rows {
		// Every record as wide as the widest, so that a blank row stays
		// a row (a reader skips an empty line) and the cells line up.
		rec := make([]string, width)
		for i, v := range row {
			rec[i] = csvText(v)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// WriteUpwardXLSX writes the report as a one-sheet workbook (上报).
func WriteUpwardXLSX(w io.Writer, u Upward) error {
	f := excelize.NewFile()
	defer f.Close()
	const name = "上报"
	if err := f.SetSheetName("Sheet1", name); err != nil {
		return err
	}
	for i, row := range u.Rows() {
		cells := make([]any, len(row))
		for j, v := range row {
			if q, ok := v.(stock.Quantity); ok {
				v = q.Float()
			}
			cells[j] = v
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(name, cell, &cells); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(name, "A", "B", 22); err != nil {
		return err
	}
	if err := f.SetColWidth(name, "C", "Z", 16); err != nil {
		return err
	}
	_, err := f.WriteTo(w)
	return err
}
