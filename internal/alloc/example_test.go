package alloc_test

import (
	"context"
	"fmt"
	"time"

	"github.com/stockpile-dev/stockpile/internal/alloc"
)

// A flood in Fangshan: one resettlement site needs 420 tents within 4 h
// and 200 quilts within 6 h. Fangshan's district depot is nearest but holds
// only 120 tents; the city depot in Daxing has plenty. No one holds quilts
// within reach except a neighbouring province, whose 150 arrive late.
func Example() {
	sources := []alloc.Source{
		{Key: "房山区库", Tier: alloc.TierDistrict, District: "110111",
			Supplies: []alloc.Supply{{Item: "帐篷", Qty: 120}}},
		{Key: "大兴市级库", Tier: alloc.TierCity,
			Supplies: []alloc.Supply{{Item: "帐篷", Qty: 1000}}},
		{Key: "保定储备库", Tier: alloc.TierProvince,
			Supplies: []alloc.Supply{{Item: "棉被", Qty: 150, ReadyAfter: time.Hour}}},
	}
	sites := []alloc.Site{{Key: "良乡安置点", Incident: "房山洪涝", District: "110111", Priority: 3,
		Demands: []alloc.Demand{
			{Item: "帐篷", Qty: 420, Deadline: 4 * time.Hour},
			{Item: "棉被", Qty: 200, Deadline: 6 * time.Hour},
		}}}
	travel := []time.Duration{35 * time.Minute, 100 * time.Minute, 5*time.Hour + 30*time.Minute}
	p := alloc.Problem{
		Sources: sources,
		Sites:   sites,
		Travel:  func(s, t int) (time.Duration, bool) { return travel[s], true },
	}
	sol, err := alloc.Solve(context.Background(), p)
	if err != nil {
		fmt.Println(err)
		return
	}
	for k, l := range sol.Lines {
		fmt.Printf("%s → %s: %s %d, arrives %v (late %v), %v, %d/unit\n",
			sources[l.Source].Key, sites[l.Site].Key, l.Item, l.Qty, l.Arrival, l.Late, l.Relation, l.UnitCost)
		for _, a := range sol.Alternatives(k) {
			fmt.Printf("  sooner: %s at %v, has %d, sent here %d: %v\n",
				sources[a.Source].Key, a.Arrival, a.Qty, a.Sent, a.Why)
		}
	}
	for _, s := range sol.Shortages {
		fmt.Printf("short at %s: %s %d (%v)\n", sites[s.Site].Key, s.Item, s.Qty, s.Reason)
	}
	fmt.Println("objective", sol.Objective)
	// Output:
	// 房山区库 → 良乡安置点: 帐篷 120, arrives 35m0s (late false), own-district, 35/unit
	// 大兴市级库 → 良乡安置点: 帐篷 300, arrives 1h40m0s (late false), city, 130/unit
	//   sooner: 房山区库 at 35m0s, has 120, sent here 120: exhausted
	// 保定储备库 → 良乡安置点: 棉被 150, arrives 6h30m0s (late true), neighbour, 5910/unit
	// short at 良乡安置点: 棉被 50 (exhausted)
	// objective 150929700
}
