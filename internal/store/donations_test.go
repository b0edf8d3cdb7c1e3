package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/donation"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/purchase"
	"github.com/stockpile-dev/stockpile/internal/reserve"
	"github.com/stockpile-dev/stockpile/internal/routing"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
)

// TestDonationIntake receives a donation with a restriction, a line held
// for inspection and a rejected line: the lots carry the restriction into
// the planner's view, a retry is stored once, and the public report shows
// what came in and where it went.
func TestDonationIntake(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := storetest.Build(t, s)
		d := donation.Donation{Donor: "某爱心企业", DonorKind: donation.DonorEnterprise, Depot: w.DepotB, IdempotencyKey: "don-1",
			Restriction: stock.Restriction{Area: w.District, Purpose: "仅用于房山区抗洪"},
			Lines: []donation.Line{
				{Item: storetest.Tent, Quantity: stock.Units(30), Check: donation.Accepted},
				{Item: storetest.Water, Quantity: stock.Units(20), Check: donation.Pending, Reason: "外包装破损，待抽检"},
				{Item: storetest.FoldingBed, Quantity: stock.Units(5), Check: donation.Rejected, Reason: "锈蚀"},
			}}
		got, replayed, err := s.ReceiveDonation(ctx, d, "user:5")
		if err != nil || replayed || got.ID == 0 || got.Lines[0].Lot == "" || got.Lines[2].Lot != "" {
			t.Fatalf("intake %+v %v %v", got, replayed, err)
		}
		again, replayed, err := s.ReceiveDonation(ctx, d, "user:5")
		if err != nil || !replayed || again.ID != got.ID {
			t.Fatalf("retry %+v %v %v", again, replayed, err)
		}
		if q := balance(t, s, w.DepotB, storetest.Tent); q != stock.Units(30) {
			t.Fatalf("tents received %s, want 30 once", q)
		}
		d.Lines[0].Quantity = stock.Units(31)
		if _, _, err := s.ReceiveDonation(ctx, d, "user:5"); errCode(err) != "idempotency.key_reused" {
			t.Fatalf("another intake under the key: %v", err)
		}
		stocks, err := s.Inventory().DepotStock(ctx, []string{storetest.Tent, storetest.Water})
		if err != nil || len(stocks) != 1 { // the water waits for inspection: not plannable
			t.Fatalf("plannable stock %+v %v", stocks, err)
		}
		if r := stocks[0].Lots[0].Restriction; r.Area != w.District || r.Purpose != "仅用于房山区抗洪" {
			t.Errorf("the lot's restriction %+v", r)
		}
		// Ten tents handed out at the depot show in the public report.
		if _, err := s.Post(ctx, stock.Posting{Actor: "user:5", Reason: "发放", Lines: []stock.Line{{Kind: stock.KindIssue,
			Depot: w.DepotB, Item: storetest.Tent, Lot: got.Lines[0].Lot, Quantity: stock.Units(10)}}}); err != nil {
			t.Fatal(err)
		}
		rep, err := s.DonationsReport(ctx, 10)
		if err != nil || len(rep) != 1 || rep[0].Donor != "某爱心企业" || len(rep[0].Items) != 2 {
			t.Fatalf("report %+v %v", rep, err)
		}
		tents := rep[0].Items[0]
		if tents.Received != stock.Units(30) || tents.InStock != stock.Units(20) || len(tents.Used) != 1 ||
			tents.Used[0].Quantity != stock.Units(10) || tents.Used[0].Place != "测试区级库" {
			t.Errorf("the tents' trace %+v", tents)
		}
	})
}

// TestCallOffCountsWhenDue calls off a whole agreement to the city depot,
// due in two hours: a plan counts on it as stock there then, approval
// promises it, execution waits for the goods, and their receipt makes the
// dispatch order to the site. A call-off a plan counts on cannot be
// cancelled; more than was ordered cannot be received.
func TestCallOffCountsWhenDue(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := storetest.Build(t, s)
		if _, err := s.CreateAgreement(ctx, reserve.Agreement{Code: "XY-TENT", OrgCode: w.Bureau, Item: storetest.Tent,
			Quantity: stock.Units(50), DeliveryHours: 3, ValidFrom: "2000-01-01", ValidUntil: "2099-12-31",
			Point: geo.Point{Lon: 116.2, Lat: 39.8}}); err != nil {
			t.Fatal(err)
		}
		due := s.Now().Add(2 * time.Hour).Unix()
		c, err := s.CreateCallOff(ctx, purchase.CallOff{Agreement: "XY-TENT", Depot: w.DepotA, Quantity: stock.Units(50),
			DueAt: due, IdempotencyKey: "co-1", CreatedBy: "user:1"})
		if err != nil || c.Code != "CO-1" || c.Status != purchase.StatusOrdered || c.Supplier != "北京市应急管理局" {
			t.Fatalf("call-off %+v %v", c, err)
		}
		if a, _ := s.Agreement(ctx, "XY-TENT"); a.Quantity != 0 {
			t.Fatalf("agreement after the call-off: %s left, want 0", a.Quantity)
		}
		if _, err := s.CreateCallOff(ctx, purchase.CallOff{Agreement: "XY-TENT", Depot: w.DepotA, Quantity: stock.Units(1),
			DueAt: due, IdempotencyKey: "co-2", CreatedBy: "user:1"}); errCode(err) != "reserve.insufficient" {
			t.Fatalf("calling off more than the agreement holds: %v", err)
		}
		in, err := s.SaveIncident(ctx, dispatch.Incident{Code: "FS-FLOOD", Title: "房山山洪", Type: "flood", Level: 2,
			Sites: []dispatch.Site{{Code: "S1", Name: "良乡安置点", Point: geo.Point{Lon: 116.14, Lat: 39.73},
				Demands: []dispatch.Demand{{Item: storetest.Tent, Quantity: stock.Units(40), WithinHours: 6}}}}})
		if err != nil {
			t.Fatal(err)
		}
		gc, err := routing.NewGreatCircle(routing.DefaultProfile(), nil)
		if err != nil {
			t.Fatal(err)
		}
		pl := &dispatch.Planner{Inventory: s.Inventory(), Router: gc, Now: s.Now}
		p := newPlan(t, s, pl, in)
		if len(p.Lines) != 1 || p.Lines[0].Source.Kind != dispatch.SourcePurchase || p.Lines[0].Source.Code != "CO-1" ||
			p.Lines[0].ReadyMin < 119 || p.Lines[0].Quantity != stock.Units(40) {
			t.Fatalf("plan lines %+v; want 40 from CO-1, ready in two hours", p.Lines)
		}
		for _, a := range []dispatch.Action{dispatch.ActApprove, dispatch.ActExecute} {
			if _, err := s.ActOnPlan(ctx, p.ID, a, "user:1"); err != nil {
				t.Fatal(err)
			}
		}
		if c, _ = s.CallOff(ctx, c.ID); c.Reserved != stock.Units(40) {
			t.Fatalf("promised on the call-off: %s, want 40", c.Reserved)
		}
		if _, err := s.CancelCallOff(ctx, c.ID); errCode(err) != "purchase.promised" {
			t.Fatalf("cancelling a promised call-off: %v", err)
		}
		if _, err := s.ReceiveCallOff(ctx, c.ID, purchase.Delivery{Quantity: stock.Units(51)}, "user:2"); errCode(err) != "purchase.over_delivery" {
			t.Fatalf("receiving more than ordered: %v", err)
		}
		c, err = s.ReceiveCallOff(ctx, c.ID, purchase.Delivery{Quantity: stock.Units(45), Batch: "2026-12"}, "user:2")
		if err != nil || c.Status != purchase.StatusReceived || c.Received != stock.Units(45) || c.Reserved != 0 {
			t.Fatalf("receipt %+v %v", c, err)
		}
		if a, _ := s.Agreement(ctx, "XY-TENT"); a.Quantity != stock.Units(5) {
			t.Errorf("agreement after a short delivery: %s, want the 5 not delivered back", a.Quantity)
		}
		if q, r := at(t, s, w.DepotA); q != stock.Units(45) || r != stock.Units(40) {
			t.Errorf("depot after the delivery: %s on hand, %s reserved; want 45, 40 for the plan", q, r)
		}
		lines, _, err := s.PlanProgress(ctx, p.ID)
		if err != nil || len(lines) != 1 || lines[0].Ordered != stock.Units(40) {
			t.Errorf("progress %+v %v", lines, err)
		}
		verified(t, s)
	})
}
