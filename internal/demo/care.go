package demo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/stockpile-dev/stockpile/internal/care"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// CareSchedules are the demo's care schedules (养护计划): what a city
// bureau inspects or services, and how often. The intervals are
// illustrative, in the spirit of plan 001's 定期检测、定期保养 (seed 001):
// tents twice a year, engines and boats as their makers advise, food and
// water monthly.
var CareSchedules = []care.Schedule{
	{Code: "TENT-INSPECT", Kind: care.KindInspect, Category: "10101", IntervalDays: 180,
		NameZH: "帐篷定期检测", NameEN: "Tent inspection",
		Guide: "检查篷布有无霉变、破损、受潮，骨架和地钉有无锈蚀，配件是否齐全；每批抽样试搭一顶"},
	{Code: "GENSET-MAINTAIN", Kind: care.KindMaintain, Category: "20801", IntervalDays: 90,
		NameZH: "发电机组定期保养", NameEN: "Generator maintenance",
		Guide: "启动试运行不少于 15 分钟；检查机油、燃油、冷却液和蓄电池电量；记录运行小时数"},
	{Code: "PUMP-MAINTAIN", Kind: care.KindMaintain, Category: "20501", IntervalDays: 90,
		NameZH: "排涝设备定期保养", NameEN: "Drainage pump maintenance",
		Guide: "泵组启动试运行；检查密封件、管路和接头；排水软管有无老化、破损"},
	{Code: "BOAT-MAINTAIN", Kind: care.KindMaintain, Category: "20401", IntervalDays: 180,
		NameZH: "舟艇定期保养", NameEN: "Boat maintenance",
		Guide: "橡皮艇充气保压 24 小时；舷外机启动试运行；随艇救生器材齐全"},
	{Code: "FOOD-WATER-INSPECT", Kind: care.KindInspect, Category: "103", IntervalDays: 30,
		NameZH: "食品饮用水定期检查", NameEN: "Food and water inspection",
		Guide: "检查包装完好、有无胀袋渗漏、虫蛀鼠咬；核对保质期，临期批次提出轮换"},
}

// careDepotsFirst are the depots whose rounds the demo records first: those
// the demo's keepers keep (Accounts), so that their lists show work done.
var careDepotsFirst = []string{"C-DX-FLOOD", "D-110109-01"}

// careRecord is a past round the demo records: how many days before
// today it was done, given the schedule's interval, and how it went.
type careRecord struct {
	ago     func(interval int) int
	outcome care.Outcome
}

// careRecords are the rounds recorded per schedule, at the first depots
// holding an item it covers: one due again within a week, one overdue,
// one done lately that found issues (careFindings).
var careRecords = []careRecord{
	{ago: func(n int) int { return n - 7 }, outcome: care.OutcomeOK},
	{ago: func(n int) int { return n + 12 }, outcome: care.OutcomeOK},
	{ago: func(int) int { return 20 }, outcome: care.OutcomeIssues},
}

// careFindings are what the rounds with issues found, by schedule.
var careFindings = map[string]string{
	"TENT-INSPECT":       "2 顶篷布受潮，已移至通风货位晾晒，待复检",
	"GENSET-MAINTAIN":    "1 台蓄电池亏电，已充电并复测正常",
	"PUMP-MAINTAIN":      "1 台泵组密封件老化渗油，已报修",
	"BOAT-MAINTAIN":      "1 艘橡皮艇保压不合格，已隔离待修",
	"FOOD-WATER-INSPECT": "少量外包装破损，已挑出待检",
}

// createCare adds the care schedules and a few past rounds of each, at
// depots whose opening stock (plans) holds an item the schedule covers.
// Days are counted back from today, and never after the store's today.
func createCare(ctx context.Context, tx *store.Store, plans []depotPlan, today time.Time) error {
	order := slices.Clone(plans)
	first := func(dp depotPlan) int {
		if i := slices.Index(careDepotsFirst, dp.depot.Code); i >= 0 {
			return i
		}
		return len(careDepotsFirst)
	}
	slices.SortStableFunc(order, func(a, b depotPlan) int { return first(a) - first(b) })
	latest := tx.Today()
	for _, sc := range CareSchedules {
		sc.CreatedBy = Actor
		if _, err := tx.CreateCareSchedule(ctx, sc); err != nil {
			return fmt.Errorf("demo: care schedule %s: %w", sc.Code, err)
		}
		n := 0
		for _, dp := range order {
			if n == len(careRecords) {
				break
			}
			i := slices.IndexFunc(dp.items, func(ip itemPlan) bool { return len(ip.lots) > 0 && sc.Applies(ip.item.Code) })
			if i < 0 {
				continue
			}
			cr := careRecords[n]
			day := min(today.AddDate(0, 0, -cr.ago(sc.IntervalDays)).Format(stock.DateLayout), latest)
			r := care.Record{Schedule: sc.Code, Depot: dp.depot.Code, Item: dp.items[i].item.Code, DoneOn: day,
				Outcome: cr.outcome, DoneBy: Actor}
			if r.Outcome == care.OutcomeIssues {
				r.Findings = careFindings[sc.Code]
			}
			if _, err := tx.CreateCareRecord(ctx, r); err != nil {
				return fmt.Errorf("demo: care record of %s at %s: %w", sc.Code, dp.depot.Code, err)
			}
			n++
		}
	}
	return nil
}
