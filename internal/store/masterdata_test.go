package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
)

// TestMoveDepotMovesAreaStock moves a depot holding stock to an area of
// another district: its stock totals leave the old area and its ancestors
// and join the new area and its ancestors, in the edit's transaction;
// rows that reach zero go. A stale edit moves nothing.
func TestMoveDepotMovesAreaStock(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dsn := storetest.DSN(t, engine)
			s := storetest.OpenDSN(t, engine, dsn)
			w := storetest.Build(t, s)
			db := storetest.Raw(t, engine, dsn)
			for _, a := range []area.Area{
				{Code: "110109", ParentCode: w.City, Level: area.LevelDistrict, NameZH: "门头沟区", Point: geo.Point{Lon: 116.1, Lat: 39.9}},
				{Code: "110109001", ParentCode: "110109", Level: area.LevelStreet, NameZH: "大峪街道", Point: geo.Point{Lon: 116.1, Lat: 39.9}},
			} {
				if _, err := s.CreateArea(ctx, a); err != nil {
					t.Fatal(err)
				}
			}
			// The stock as the postings would have left it: D-TEST-B holds
			// 100 tents (10 reserved) and 50 bottles of water, C-TEST-A 50
			// tents, both in 房山 110111.
			exec(t, db, engine, `INSERT INTO depot_stock (depot_id, item_id, quantity, reserved, lots)
				SELECT d.id, i.id, 100000, 10000, 2 FROM depots d, items i WHERE d.code = 'D-TEST-B' AND i.code = ?`, storetest.Tent)
			exec(t, db, engine, `INSERT INTO depot_stock (depot_id, item_id, quantity, reserved, lots)
				SELECT d.id, i.id, 50000, 0, 1 FROM depots d, items i WHERE d.code = 'D-TEST-B' AND i.code = ?`, storetest.Water)
			exec(t, db, engine, `INSERT INTO depot_stock (depot_id, item_id, quantity, reserved, lots)
				SELECT d.id, i.id, 50000, 0, 1 FROM depots d, items i WHERE d.code = 'C-TEST-A' AND i.code = ?`, storetest.Tent)
			exec(t, db, engine, `INSERT INTO area_stock (area_id, item_id, quantity, reserved)
				SELECT anc.id, s.item_id, SUM(s.quantity), SUM(s.reserved)
				FROM depot_stock s JOIN depots d ON d.id = s.depot_id JOIN areas a ON a.id = d.area_id
				JOIN areas anc ON a.path LIKE anc.path || '%' GROUP BY anc.id, s.item_id`)
			want := map[string]string{
				"110000/" + storetest.Tent: "150000/10000", "110000/" + storetest.Water: "50000/0",
				"110111/" + storetest.Tent: "150000/10000", "110111/" + storetest.Water: "50000/0",
			}
			checkAreaStock(t, db, engine, want)

			b, err := s.Depot(ctx, w.DepotB)
			if err != nil {
				t.Fatal(err)
			}
			moved := b.Depot
			moved.AreaCode = "110109001"
			stale := moved
			stale.Version = 7
			if _, _, err := s.UpdateDepot(ctx, stale); apperr.CodeOf(err) != "edit.stale" {
				t.Fatalf("a stale move: %v, want edit.stale", err)
			}
			checkAreaStock(t, db, engine, want)

			var before, after store.DepotView
			err = s.InTx(ctx, func(tx *store.Store) error {
				before, after, err = tx.UpdateDepot(ctx, moved)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if before.AreaCode != w.District || after.AreaCode != "110109001" || after.Version != 2 || after.District != "110109" {
				t.Errorf("before %+v, after %+v", before.Depot, after.Depot)
			}
			checkAreaStock(t, db, engine, map[string]string{
				"110000/" + storetest.Tent: "150000/10000", "110000/" + storetest.Water: "50000/0",
				"110111/" + storetest.Tent: "50000/0",
				"110109/" + storetest.Tent: "100000/10000", "110109/" + storetest.Water: "50000/0",
				"110109001/" + storetest.Tent: "100000/10000", "110109001/" + storetest.Water: "50000/0",
			})

			// And back, to the district itself: the street's rows go.
			moved.AreaCode, moved.Version = w.District, 2
			if _, _, err := s.UpdateDepot(ctx, moved); err != nil {
				t.Fatal(err)
			}
			checkAreaStock(t, db, engine, want)
		})
	}
}

// exec runs a statement with ? placeholders on the raw connection.
func exec(t *testing.T, db *sql.DB, engine, query string, args ...any) {
	t.Helper()
	if engine == "postgres" {
		for i := 1; strings.Contains(query, "?"); i++ {
			query = strings.Replace(query, "?", fmt.Sprintf("$%d", i), 1)
		}
	}
	if _, err := db.Exec(query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// checkAreaStock compares area_stock, as "area/item" → "quantity/reserved"
// in thousandths, with want.
func checkAreaStock(t *testing.T, db *sql.DB, engine string, want map[string]string) {
	t.Helper()
	rows, err := db.Query(`SELECT a.code, i.code, s.quantity, s.reserved FROM area_stock s
		JOIN areas a ON a.id = s.area_id JOIN items i ON i.id = s.item_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]string{}
	for rows.Next() {
		var a, i string
		var q, r int64
		if err := rows.Scan(&a, &i, &q, &r); err != nil {
			t.Fatal(err)
		}
		got[a+"/"+i] = fmt.Sprintf("%d/%d", q, r)
	}
	if !maps.Equal(got, want) {
		keys := slices.Sorted(maps.Keys(got))
		var b strings.Builder
		for _, k := range keys {
			fmt.Fprintf(&b, "\n  %s %s", k, got[k])
		}
		t.Errorf("area_stock (%s):%s\nwant %v", engine, b.String(), want)
	}
}
