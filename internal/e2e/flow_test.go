package e2e_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/e2e"
	"github.com/stockpile-dev/stockpile/internal/ops"
	sitestore "github.com/stockpile-dev/stockpile/internal/site"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// TestPlanToSiteAndBack follows a plan on each engine from approval to its
// end, each step by the person whose job it is, in the browser: the city's
// commander approves and executes a plan for a flood at Datai (大台街道) and
// prints its order; Datai's keeper, on a phone, puts the tents on a truck,
// loads and dispatches it; Datai's manager signs for them with one damaged,
// hands three out and returns one to the depot; the commander sees every
// line at its end. Where the tents are is checked in
// the store after each step, and the ledger verified at the end.
func TestPlanToSiteAndBack(t *testing.T) {
	for engine, st := range sites(t) {
		t.Run(engine, func(t *testing.T) { planToSite(t, st) })
	}
}

const dataiDepot = "S-110109004-01"

// flowPlan stores an incident at Datai needing 5 tents within 4 hours and
// a plan for it, as the system would for a commander who entered it.
func flowPlan(t *testing.T, st *e2e.Site) (dispatch.Plan, string) {
	t.Helper()
	ctx, sys := context.Background(), access.SystemActor("e2e")
	a, err := st.Store.Area(ctx, "110109004")
	if err != nil {
		t.Fatal(err)
	}
	code := fmt.Sprintf("E2E-FLOW-%d", time.Now().UnixNano()%1e9)
	in := dispatch.Incident{Code: code, Title: "大台山洪", Type: "flood", Level: 3, Sites: []dispatch.Site{{
		Code: "S01", Name: "大台安置点", Area: "110109004", Point: a.Point,
		Demands: []dispatch.Demand{{Item: "1010101", Quantity: stock.Units(5), WithinHours: 4}}}}}
	p, err := st.Ops.CreatePlan(ctx, sys, ops.PlanRequest{New: []dispatch.Incident{in}})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Lines) != 1 || p.Lines[0].Source.Code != dataiDepot {
		t.Fatalf("the plan %+v; want its 5 tents from %s", p.Lines, dataiDepot)
	}
	return p, sitestore.LocationCode(code, "S01")
}

// at is what a ledger location (depot, shipment or site store) holds of
// the tents, on hand and reserved, waiting briefly for the page's request
// to land.
func (s *session) at(location string, onHand, reserved int64) {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		rep, err := s.site.Store.Balances(context.Background(), store.BalanceQuery{Depot: location, Item: "1010101", GroupBy: "item"})
		if err != nil {
			s.t.Fatal(err)
		}
		if rep.Totals.Quantity == stock.Units(onHand) && rep.Totals.Reserved == stock.Units(reserved) {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("%s holds %s tents, %s reserved; want %d, %d", location, rep.Totals.Quantity, rep.Totals.Reserved,
				onHand, reserved)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func planToSite(t *testing.T, st *e2e.Site) {
	p, siteCode := flowPlan(t, st)
	before, err := st.Store.Balances(context.Background(), store.BalanceQuery{Depot: dataiDepot, Item: "1010101", GroupBy: "item"})
	if err != nil {
		t.Fatal(err)
	}
	held := int64(before.Totals.Quantity / stock.Scale)
	reservedBefore := int64(before.Totals.Reserved / stock.Scale)

	// The commander approves and executes the plan: a dispatch order.
	c := openOn(t, st, 1366, 900, "commander-city")
	c.goTo(fmt.Sprintf("/plans/%d", p.ID), "plan")
	c.do("approve", chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`), chromedp.Click(chromedp.CSS("#approve")),
		eventually(`document.querySelector('#plan-status').dataset.status === 'approved'`))
	c.at(dataiDepot, held, reservedBefore+5)
	c.do("execute", chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`), chromedp.Click(chromedp.CSS("#execute")),
		eventually(`document.querySelector('#plan-status').dataset.status === 'executed'`),
		chromedp.WaitVisible(chromedp.CSS("#plan-progress .progress-orders tr[data-transfer]")))
	c.at(dataiDepot, held, reservedBefore+5) // still there, reserved for the order
	c.shot("plan-executed")
	oid := c.attr("#plan-progress .progress-orders tr[data-transfer]", "data-transfer")
	c.goTo("/transfers/"+oid, "flow")
	got, err := chromedp.Run(c.ctx, chromedp.Evaluate[string](`fetch(document.querySelector('#transfer-print').href).then(
		async (r) => r.status + ' ' + r.headers.get('Content-Type') + ' ' + (await r.text()).slice(0, 5))`, chromedp.EvalAwaitPromise))
	if err != nil || got != "200 application/pdf %PDF-" {
		t.Errorf("the printed order: %q %v", got, err)
	}
	c.shot("order")

	// Datai's keeper, on a phone, ships the order.
	k := openOn(t, st, 390, 844, "keeper-datai")
	k.goTo("/transfers/"+oid, "flow")
	k.noSideways("order")
	form := `#ship-form form.ship-route`
	k.do("arrange the truck", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('#ship-form details').forEach((d) => d.open = true)`),
		chromedp.SendKeys(chromedp.CSS(form+` [name=vehicle]`), "京A·E2E01"),
		chromedp.SendKeys(chromedp.CSS(form+` [name=driver]`), "张师傅"),
		chromedp.SendKeys(chromedp.CSS(form+` [name=phone]`), "13800000000"),
		chromedp.Click(chromedp.CSS(form+` button[type=submit]`)), e2e.WaitPath("/shipments/", "flow"))
	sid := k.attr("#shipment", "data-shipment")
	k.shot("shipment-planned")
	for _, step := range []string{"load", "depart"} {
		k.do(step, chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`),
			chromedp.Click(chromedp.CSS(`button[data-step=`+step+`]`)),
			eventually(`document.querySelector('#shipment').dataset.status === '`+map[string]string{"load": "loading", "depart": "in_transit"}[step]+`'`))
	}
	k.at(dataiDepot, held-5, reservedBefore)
	n, _ := strconv.ParseInt(oid, 10, 64)
	k.at(fmt.Sprintf("SHIP:%d/1", n), 5, 0)
	k.noSideways("shipment")
	k.shot("shipment-in-transit")
	k.do("arrived", chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`),
		chromedp.Click(chromedp.CSS(`button[data-step=deliver]`)),
		eventually(`document.querySelector('#shipment').dataset.status === 'delivered'`))

	// Datai's manager signs for 4 good and 1 damaged.
	m := openOn(t, st, 390, 844, "manager-datai")
	m.goTo("/shipments/"+sid, "flow")
	line := `#receipt-form fieldset.receipt-line`
	m.do("sign for it", chromedp.SendKeys(chromedp.CSS("#receipt-signer"), "大台安置点 王站长"),
		chromedp.SetValue(chromedp.CSS(line+` [name=received]`), "4"),
		chromedp.SetValue(chromedp.CSS(line+` [name=damaged]`), "1"),
		chromedp.SendKeys(chromedp.CSS(line+` [name=note]`), "一顶篷布撕裂"),
		chromedp.Click(chromedp.CSS("#receipt-submit")),
		eventually(`document.querySelector('#shipment').dataset.status === 'received'`))
	m.at(siteCode, 4, 0)
	m.at(fmt.Sprintf("SHIP:%d/1", n), 0, 0)
	m.noSideways("received")
	m.shot("shipment-received")

	// At the site: 3 handed out, 1 back to the depot.
	m.do("open the site store", follow(st, "#shipment-to a", "flow"))
	use := func(kind, qty string, extra ...chromedp.Action[chromedp.Void]) {
		m.t.Helper()
		actions := []chromedp.Action[chromedp.Void]{
			chromedp.Click(chromedp.CSS(`#site-use-form input[name=kind][value=` + kind + `]`)),
			chromedp.SetValue(chromedp.CSS(`#site-use-form .use-line input.use-quantity`), qty),
		}
		actions = append(actions, extra...)
		actions = append(actions, chromedp.Click(chromedp.CSS("#site-use-submit")),
			eventually(`document.querySelector('#site-uses tr[data-kind=`+kind+`]')`))
		m.do(kind, actions...)
	}
	use("distribute", "3", chromedp.SendKeys(chromedp.CSS(`#site-use-form [name=recipient]`), "大台村受灾群众"))
	m.at(siteCode, 1, 0)
	use("return", "1", chromedp.SetValue(chromedp.CSS(`#site-use-form select[name=to_depot]`), dataiDepot))
	m.at(siteCode, 0, 0)
	m.at(dataiDepot, held-4, reservedBefore)
	m.noSideways("site")
	m.shot("site")

	// The commander sees every line at its end.
	c.goTo(fmt.Sprintf("/plans/%d", p.ID), "plan")
	c.do("the line is received", chromedp.WaitVisible(chromedp.CSS(`#plan-progress .progress-lines tr[data-state=received]`)))
	contains(t, "the site's use", c.text("#plan-progress .progress-sites"), "3", "1")
	c.shot("plan-followed")
	if rep, err := st.Store.Verify(context.Background(), nil); err != nil || !rep.OK {
		t.Fatalf("verify %+v %v", rep, err)
	}
}
