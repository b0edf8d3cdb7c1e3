package store_test

import (
	"context"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
	"github.com/stockpile-dev/stockpile/internal/transfer"
)

// linesStep is the schema version that moved plan and order lines from
// JSON bodies into rows (migrate.go, step 15), running Go code.
const linesStep = 15

// TestUpgradeMovesLinesIntoRows stores a plan and a transfer order the
// way the schema before linesStep did — lines inside the JSON body, the
// plan's without points — and upgrades: the lines are rows, the plan's
// points are filled from its incident and depot, the executed order counts
// as shipped, and both read back as they were.
func TestUpgradeMovesLinesIntoRows(t *testing.T) {
	t.Parallel()
	if store.LatestVersion() < linesStep {
		t.Fatalf("schema has %d steps, want the lines step %d", store.LatestVersion(), linesStep)
	}
	for _, engine := range storetest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dsn := storetest.DSN(t, engine)
			s, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if err := s.MigrateTo(ctx, linesStep-1); err != nil {
				t.Fatal(err)
			}
			w := storetest.Build(t, s)
			raw := storetest.Raw(t, engine, dsn)
			counted := map[string]string{"sqlite": "1", "postgres": "TRUE"}[engine]
			incident := `{"code":"OLD-1","title":"旧事件","type":"flood","level":2,"status":"open","reported_at":1700000000,` +
				`"sites":[{"code":"S1","name":"良乡安置点","point":{"lon":116.14,"lat":39.73},` +
				`"demands":[{"item":"` + storetest.Tent + `","quantity":10,"within_hours":6}]}]}`
			plan := `{"status":"executed","incidents":["OLD-1"],"created_at":1700000000,"router":"great-circle","objective":5,` +
				`"lines":[{"incident":"OLD-1","site":"S1","site_name":"良乡安置点","item":"` + storetest.Tent + `",` +
				`"quantity":10,"source":{"kind":"depot","code":"` + w.DepotB + `","name_zh":"测试区级库","tier":"district"},` +
				`"lots":[{"lot":"OLDLOT001","quantity":10}],"eta":1700003600,"deadline":1700021600}],"coverage":[]}`
			order := `{"id":0,"status":"executed","reason":"前置","created_by":"user:1","created_at":1700000000,` +
				`"lines":[{"from":"` + w.DepotB + `","to":"` + w.DepotA + `","item":"` + storetest.Tent + `","quantity":4,` +
				`"lots":[{"lot":"OLDLOT001","quantity":4}]}]}`
			for _, q := range []string{
				`INSERT INTO items (code, name_zh, unit_zh, counted, purpose) SELECT '` + storetest.Tent + `', '单帐篷', '顶', ` +
					counted + `, 'life' WHERE NOT EXISTS (SELECT 1 FROM items WHERE code = '` + storetest.Tent + `')`,
				`INSERT INTO lots (code, item_id, batch, quality, owner_id, created_at)
				 SELECT 'OLDLOT001', i.id, 'B1', 'good', o.id, 0 FROM items i, orgs o WHERE i.code = '` + storetest.Tent +
					`' AND o.code = '` + w.Bureau + `'`,
				`INSERT INTO incidents (code, status, priority, body, created_at, updated_at) VALUES ('OLD-1', 'open', 6, '` +
					incident + `', 1700000000, 1700000000)`,
				`INSERT INTO plans (status, incidents, objective, body, created_at, updated_at) VALUES ('executed', 'OLD-1', 5, '` +
					plan + `', 1700000000, 1700000000)`,
				`INSERT INTO transfer_orders (status, body, created_at, updated_at) VALUES ('executed', '` + order +
					`', 1700000000, 1700000000)`,
			} {
				mustExec(t, raw, q)
			}
			if err := s.Migrate(ctx, nil); err != nil {
				t.Fatalf("upgrade: %v", err)
			}
			plans, err := s.Plans(ctx, "", 10)
			if err != nil || len(plans) != 1 {
				t.Fatalf("plans %+v %v", plans, err)
			}
			p, err := s.Plan(ctx, plans[0].ID)
			if err != nil || len(p.Lines) != 1 {
				t.Fatalf("plan %+v %v", p, err)
			}
			l := p.Lines[0]
			if l.ID == 0 || l.Quantity != stock.Units(10) || l.Lots[0].Lot != "OLDLOT001" {
				t.Errorf("plan line %+v", l)
			}
			if l.SitePoint.Lon != 116.14 || l.Source.Point.Lon != 116.13 {
				t.Errorf("points after the upgrade: site %v, source %v; want the incident's and the depot's", l.SitePoint, l.Source.Point)
			}
			orders, err := s.TransferOrders(ctx, store.TransferFilter{})
			if err != nil || len(orders) != 1 {
				t.Fatalf("orders %+v %v", orders, err)
			}
			o := orders[0]
			if o.Kind != transfer.KindTransfer || o.Reason != "前置" || len(o.Lines) != 1 || o.Lines[0].Quantity != stock.Units(4) ||
				o.Lines[0].Lots[0].LineID == 0 || o.Left() != 0 {
				t.Errorf("order after the upgrade %+v", o)
			}
			var version int
			if err := raw.QueryRow(`SELECT body_version FROM plans`).Scan(&version); err != nil || version != 2 {
				t.Errorf("plan body version %d, %v", version, err)
			}
		})
	}
}
