package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/money"
	"github.com/stockpile-dev/stockpile/internal/readiness"
	"github.com/stockpile-dev/stockpile/internal/requisition"
	"github.com/stockpile-dev/stockpile/internal/shipment"
	"github.com/stockpile-dev/stockpile/internal/site"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
)

// TestIncidentCost sends 100 tents to an incident's site, 2 damaged and
// 1 missing on arrival, hands out 20, consumes 5 and returns the rest:
// the incident cost 28 tents at the price list's 1,500 yuan, plus the
// compensation assessed for its requisitions. Another incident's use
// does not count; without a price the tents are listed unpriced.
func TestIncidentCost(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w, o := executedOrder(t, s)
		if c, err := s.IncidentCost(ctx, "FS-FLOOD"); err != nil || len(c.Lines) != 0 || c.Total != 0 || !c.Complete ||
			len(c.Sites) != 1 {
			t.Fatalf("before anything arrived: %+v %v", c, err)
		}
		sh, _, err := s.CreateShipment(ctx, shipment.Shipment{OrderID: o.ID, CreatedBy: "user:2", Lines: load(o)})
		if err != nil {
			t.Fatal(err)
		}
		if sh, err = s.ActOnShipment(ctx, sh.ID, shipment.StepDepart, "user:2"); err != nil {
			t.Fatal(err)
		}
		r := shipment.Receipt{IdempotencyKey: "r1", Signer: "李站长", Note: "两顶破损，一顶短少", Lines: []shipment.ReceiptLine{
			{N: 1, Received: sh.Lines[0].Quantity - stock.Units(2), Damaged: stock.Units(2), Note: "支架断裂"},
			{N: 2, Received: sh.Lines[1].Quantity - stock.Units(1), Missing: stock.Units(1), Note: "短少一顶"}}}
		if _, _, err := s.ReceiveShipment(ctx, sh.ID, r, "user:3"); err != nil {
			t.Fatal(err)
		}
		for _, u := range []site.Use{
			{Kind: site.Distribute, Recipient: "良乡镇受灾群众", Lines: []site.Line{{Item: storetest.Tent, Quantity: stock.Units(20)}}},
			{Kind: site.Consume, Lines: []site.Line{{Item: storetest.Tent, Quantity: stock.Units(5)}}},
			{Kind: site.Return, ToDepot: w.DepotB, Lines: []site.Line{{Item: storetest.Tent, Quantity: stock.Units(72)}}},
		} {
			u.Location, u.IdempotencyKey = sh.To, string(u.Kind)
			if _, _, err := s.UseSite(ctx, u, "user:3"); err != nil {
				t.Fatal(u.Kind, err)
			}
		}

		// Another incident hands out 7 tents of its own.
		other, err := s.SaveIncident(ctx, dispatch.Incident{Code: "CP-QUAKE", Title: "昌平地震", Type: "earthquake", Level: 3,
			Sites: []dispatch.Site{{Code: "S1", Name: "南口", Point: geo.Point{Lon: 116.13, Lat: 40.24},
				Demands: []dispatch.Demand{{Item: storetest.Tent, Quantity: stock.Units(7), WithinHours: 6}}}}})
		if err != nil {
			t.Fatal(err)
		}
		loc, err := s.SiteLocation(ctx, other, other.Sites[0])
		if err != nil {
			t.Fatal(err)
		}
		receive(t, s, w.DepotA, storetest.Tent, "T-A", "2099-01-01", 7)
		if _, err := s.Post(ctx, stock.Posting{Actor: "user:1", Reason: "调往现场", Lines: []stock.Line{
			{Kind: stock.KindTransfer, Depot: w.DepotA, ToDepot: loc, Item: storetest.Tent, Quantity: stock.Units(7)}}}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.UseSite(ctx, site.Use{Kind: site.Consume, Location: loc, IdempotencyKey: "q1",
			Lines: []site.Line{{Item: storetest.Tent, Quantity: stock.Units(7)}}}, "user:3"); err != nil {
			t.Fatal(err)
		}

		// Requisitions: one assessed at 12,000 yuan, one paid 3,000.50,
		// one cancelled.
		amounts := []money.Fen{money.Yuan(12_000), money.Fen(300_050)}
		for i, amount := range amounts {
			x, _, err := s.CreateRequisition(ctx, boats(w.District), "")
			if err != nil {
				t.Fatal(err)
			}
			acts := []requisition.Act{
				{Step: requisition.StepReturn, Lines: []requisition.ReturnLine{{N: 1, Condition: requisition.Intact},
					{N: 2, Condition: requisition.Intact}}},
				{Step: requisition.StepAssess, Amount: &amount, Basis: "评估"},
				{Step: requisition.StepPay, Voucher: "V-1"},
			}
			for _, a := range acts[:2+i] {
				if _, _, err := s.ActOnRequisition(ctx, x.ID, a, "user:6"); err != nil {
					t.Fatal(err)
				}
			}
		}
		x, _, _ := s.CreateRequisition(ctx, boats(w.District), "")
		if _, _, err := s.ActOnRequisition(ctx, x.ID, requisition.Act{Step: requisition.StepCancel, Reason: "误录"}, "user:6"); err != nil {
			t.Fatal(err)
		}

		c, err := s.IncidentCost(ctx, "FS-FLOOD")
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Lines) != 1 || len(c.Sites) != 1 || c.Sites[0] != "SITE:FS-FLOOD:S1" {
			t.Fatalf("cost %+v", c)
		}
		l := c.Lines[0]
		if l.Item != storetest.Tent || l.Distributed != stock.Units(20) || l.Consumed != stock.Units(5) ||
			l.Damaged != stock.Units(2) || l.Missing != stock.Units(1) || l.Quantity != stock.Units(28) || !l.Priced ||
			*l.UnitPrice != money.Yuan(1500) || *l.Cost != money.Yuan(42_000) || l.NameZH == "" {
			t.Fatalf("tents %+v", l)
		}
		want := money.Yuan(12_000) + money.Fen(300_050)
		if c.Goods != money.Yuan(42_000) || c.Compensation != want || c.CompensationPaid != money.Fen(300_050) ||
			c.Requisitions != 2 || c.Total != money.Yuan(42_000)+want || !c.Complete {
			t.Fatalf("sums: goods %s compensation %s paid %s (%d requisitions) total %s complete %v", c.Goods, c.Compensation,
				c.CompensationPaid, c.Requisitions, c.Total, c.Complete)
		}
		q, err := s.IncidentCost(ctx, "CP-QUAKE")
		if err != nil || len(q.Lines) != 1 || q.Lines[0].Consumed != stock.Units(7) || q.Compensation != 0 ||
			q.Goods != money.Yuan(10_500) {
			t.Fatalf("the other incident: %+v %v", q, err)
		}

		// A price list without tents: listed, unpriced, not counted as 0.
		cfg, err := s.HomeReadinessConfig(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var prices []readiness.Price
		for _, p := range cfg.Prices {
			if p.Item != storetest.Tent {
				prices = append(prices, p)
			}
		}
		cfg.Prices = prices
		if _, err := s.SaveReadinessConfig(ctx, cfg, "user:1"); err != nil {
			t.Fatal(err)
		}
		c, err = s.IncidentCost(ctx, "FS-FLOOD")
		if err != nil || len(c.Lines) != 1 || c.Lines[0].Priced || c.Lines[0].Cost != nil || c.Lines[0].Quantity != stock.Units(28) ||
			c.Unpriced != 1 || c.Complete || c.Goods != 0 || c.Total != want {
			t.Fatalf("unpriced: %+v %v", c, err)
		}
		if _, err := s.IncidentCost(ctx, "NONE"); errCode(err) != "incident.not_found" {
			t.Fatalf("no such incident: %v", err)
		}
	})
}

// TestIncidentCostReadsAreBounded: every query of IncidentCost starts
// from the incident's rows and follows indexes, on both engines: no full
// scan of the ledger, the site uses, the shipments or the requisitions.
func TestIncidentCostReadsAreBounded(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		plans, err := s.IncidentCostPlans(context.Background(), "FS-FLOOD")
		if err != nil {
			t.Fatal(err)
		}
		if len(plans) != 4 {
			t.Fatalf("plans %v", plans)
		}
		for name, plan := range plans {
			for _, line := range strings.Split(plan, "\n") {
				if strings.HasPrefix(strings.TrimSpace(line), "SCAN ") || strings.Contains(line, "Seq Scan") {
					t.Errorf("%s reads a whole table:\n%s", name, plan)
					break
				}
			}
		}
	})
}
