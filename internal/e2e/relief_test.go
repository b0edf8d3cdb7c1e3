package e2e_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/e2e"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// TestReliefFlows walks, on each engine and in the browser, the flows that
// bring needs and supplies in: Datai's street manager, on a phone, asks for
// tents; Mentougou's district manager accepts the request into the open
// incident and receives a donation kept for Mentougou, which the public
// report shows to someone not signed in; the city's commander calls off an
// agreement reserve to the city's flood depot and its manager receives the
// delivery. The store is checked after each step.
func TestReliefFlows(t *testing.T) {
	for engine, st := range sites(t) {
		t.Run(engine, func(t *testing.T) { reliefFlows(t, st) })
	}
}

func reliefFlows(t *testing.T, st *e2e.Site) {
	ctx, sys := context.Background(), access.SystemActor("e2e")
	a, err := st.Store.Area(ctx, "110109004")
	if err != nil {
		t.Fatal(err)
	}
	stamp := fmt.Sprintf("%d", time.Now().UnixNano()%1e9)
	code := "E2E-RELIEF-" + stamp
	if _, err := st.Ops.SaveIncident(ctx, sys, dispatch.Incident{Code: code, Title: "门头沟暴雨", Type: "flood", Level: 3,
		Sites: []dispatch.Site{{Code: "S01", Name: "大台安置点", Area: "110109004", Point: a.Point,
			Demands: []dispatch.Demand{{Item: "1010101", Quantity: stock.Units(5), WithinHours: 6}}}}}); err != nil {
		t.Fatal(err)
	}

	// Datai's street manager asks for 8 tents for a school.
	s := openOn(t, st, 390, 844, "manager-datai")
	s.goTo("/requests", "flow")
	s.do("ask for tents", chromedp.SetValue(chromedp.CSS("#request-area"), "110109004"),
		chromedp.SendKeys(chromedp.CSS("#request-site-name"), "大台中学"+stamp),
		chromedp.SetValue(chromedp.CSS("#request-within"), "6"),
		chromedp.SetValue(chromedp.CSS("#request-lines .req-line .line-item"), "1010101"),
		chromedp.SendKeys(chromedp.CSS("#request-lines .req-line .line-quantity"), "8"),
		chromedp.Click(chromedp.CSS("#request-submit")), e2e.WaitPath("/requests/", "flow"))
	reqURL := eval[string](s, `location.pathname`)
	if got := s.attr("#request", "data-status"); got != "pending" {
		t.Errorf("the new request is %q", got)
	}
	s.noSideways("request")
	s.shot("request")

	// Mentougou's manager accepts it into the incident.
	m := openOn(t, st, 1366, 900, "manager-mentougou")
	m.goTo(reqURL, "flow")
	m.do("accept", chromedp.SetValue(chromedp.CSS("#request-incident"), code),
		chromedp.Click(chromedp.CSS("#request-accept")),
		eventually(`document.querySelector('#request').dataset.status === 'accepted'`))
	m.shot("request-accepted")
	in, err := st.Store.Incident(ctx, code)
	if err != nil || len(in.Sites) != 2 || !strings.HasPrefix(in.Sites[1].Code, "REQ-") || in.Sites[1].Demands[0].Quantity != stock.Units(8) {
		t.Fatalf("the incident after acceptance: %+v %v", in.Sites, err)
	}

	// ... and receives a donation kept for Mentougou.
	donor := "爱心企业" + stamp
	m.goTo("/donations", "flow")
	m.do("receive a donation", chromedp.SetValue(chromedp.CSS("#donation-depot"), "D-110109-01"),
		chromedp.SendKeys(chromedp.CSS("#donation-donor"), donor),
		chromedp.SetValue(chromedp.CSS("#donation-kind"), "enterprise"),
		chromedp.SetValue(chromedp.CSS("#donation-restrict-area"), "110109"),
		chromedp.SendKeys(chromedp.CSS("#donation-purpose"), "仅用于门头沟区"),
		chromedp.SetValue(chromedp.CSS("#donation-lines .don-line .line-item"), "1010101"),
		chromedp.SendKeys(chromedp.CSS("#donation-lines .don-line .line-quantity"), "30"),
		chromedp.SetValue(chromedp.CSS("#donation-lines .don-line .line-check"), "accepted"),
		chromedp.Click(chromedp.CSS("#donation-submit")), e2e.WaitPath("/donations/", "flow"))
	contains(t, "the donation's restriction", m.text("#donation-restriction"), "仅用于门头沟区")
	contains(t, "its matches", m.text("#donation-matches"), code)
	m.shot("donation")
	ds, err := st.Ops.Donations(ctx, sys, "D-110109-01", 10)
	if err != nil || len(ds) == 0 || ds[0].Donor != donor || ds[0].Lines[0].Lot == "" {
		t.Fatalf("donations %+v %v", ds, err)
	}

	// The public report, signed out.
	p := openOn(t, st, 390, 844, "")
	p.do("open the report", chromedp.Navigate(st.URL+"/donations/report"), chromedp.WaitVisible(chromedp.CSS("#donation-report")))
	contains(t, "the public report", p.text("#donation-report"), donor, "30")
	p.noSideways("report")
	p.shot("donation-report")

	// The commander calls off 5 tents to the city's flood depot; its
	// manager receives them.
	c := openOn(t, st, 1366, 900, "commander-city")
	c.goTo("/purchases", "flow")
	agreement := eval[string](c, `[...document.querySelectorAll('#purchase-agreement option')].map((o) => o.value).find((v) => v) || ''`)
	if agreement == "" {
		t.Fatal("no agreement to call off")
	}
	due := time.Now().Add(3 * time.Hour).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02T15:04")
	c.do("call off", chromedp.SetValue(chromedp.CSS("#purchase-agreement"), agreement),
		chromedp.SetValue(chromedp.CSS("#purchase-depot"), "C-DX-FLOOD"),
		chromedp.SendKeys(chromedp.CSS("#purchase-quantity"), "5"),
		chromedp.SetValue(chromedp.CSS("#purchase-due"), due),
		chromedp.Click(chromedp.CSS("#purchase-submit")),
		eventually(`document.querySelector('#purchases tr[data-status=ordered]')`))
	c.shot("purchase-ordered")
	id := c.attr("#purchases tr[data-status=ordered]", "data-purchase")
	co, err := st.Store.CallOffs(ctx, nil, "ordered", 10)
	if err != nil || len(co) == 0 || co[0].Quantity != stock.Units(5) {
		t.Fatalf("call-offs %+v %v", co, err)
	}
	mc := openOn(t, st, 390, 844, "manager-city")
	mc.goTo("/purchases", "flow")
	mc.do("receive the delivery", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('details.purchase-act').forEach((d) => d.open = true)`),
		chromedp.Click(chromedp.CSS("#receive-form-"+id+" button[type=submit]")),
		eventually(`document.querySelector('#purchases tr[data-purchase="`+id+`"]').dataset.status === 'received'`))
	mc.noSideways("purchases")
	mc.shot("purchase-received")
	if got, err := st.Store.CallOff(ctx, co[0].ID); err != nil || got.Status != "received" || got.Received != stock.Units(5) {
		t.Fatalf("the call-off after receipt %+v %v", got, err)
	}
	if rep, err := st.Store.Verify(ctx, nil); err != nil || !rep.OK {
		t.Fatalf("verify %+v %v", rep, err)
	}
}
