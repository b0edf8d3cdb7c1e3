package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/depot"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
)

// totalsWorld is the storetest World plus a street under its district with
// a third depot, so that area totals span three levels.
func totalsWorld(t *testing.T, s *store.Store) (storetest.World, []string) {
	t.Helper()
	w := storetest.Build(t, s)
	ctx := context.Background()
	if _, err := s.CreateArea(ctx, area.Area{Code: "110111001", ParentCode: w.District, Level: area.LevelStreet,
		NameZH: "城关街道", Point: geo.Point{Lon: 116.14, Lat: 39.70}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateDepot(ctx, depot.Depot{Code: "S-TEST-C", NameZH: "测试街道库", Tier: area.LevelStreet,
		Kind: depot.KindComprehensive, OrgCode: w.Bureau, AreaCode: "110111001",
		Point: geo.Point{Lon: 116.14, Lat: 39.70}, CapacityM3: 50}); err != nil {
		t.Fatal(err)
	}
	return w, []string{w.DepotA, w.DepotB, "S-TEST-C"}
}

// randomLines makes lines of every kind against the lots known so far;
// many of them fail (too much taken, nothing reserved), which tests that a
// failed posting leaves the totals alone too.
type randomLines struct {
	rng    *rand.Rand
	depots []string
	items  []string
	lots   map[string]string // lot code → item
	codes  []string
	n      int
}

func (r *randomLines) line() stock.Line {
	d := r.depots[r.rng.IntN(len(r.depots))]
	q := stock.Units(1 + r.rng.Int64N(30))
	if len(r.codes) == 0 || r.rng.IntN(5) == 0 {
		r.n++
		return stock.Line{Kind: stock.KindReceive, Depot: d, Item: r.items[r.rng.IntN(len(r.items))], Quantity: q,
			NewLot: &stock.LotSpec{Batch: fmt.Sprintf("R%d", r.n), ExpiresOn: "2099-01-01"}}
	}
	lot := r.codes[r.rng.IntN(len(r.codes))]
	l := stock.Line{Depot: d, Item: r.lots[lot], Lot: lot, Quantity: q}
	switch r.rng.IntN(9) {
	case 0:
		l.Kind, l.Lot = stock.KindIssue, "" // FEFO
	case 1:
		l.Kind = stock.KindIssue
	case 2:
		l.Kind, l.ToDepot = stock.KindTransfer, r.depots[(r.rng.IntN(len(r.depots)-1)+1+indexOf(r.depots, d))%len(r.depots)]
		if r.rng.IntN(2) == 0 {
			l.Lot = ""
		}
	case 3, 4:
		l.Kind = stock.KindReserve
	case 5:
		l.Kind = stock.KindRelease
	case 6:
		l.Kind = stock.KindScrap
	case 7:
		l.Kind = stock.KindAdjust
		if r.rng.IntN(2) == 0 {
			l.Quantity = -l.Quantity
		}
	default:
		l.Kind = stock.KindReturn
	}
	return l
}

func indexOf(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

func (r *randomLines) learn(es []stock.Entry) {
	for _, e := range es {
		if _, ok := r.lots[e.LotCode]; !ok {
			r.lots[e.LotCode] = e.ItemCode
			r.codes = append(r.codes, e.LotCode)
		}
	}
}

// TestTotalsFollowPostings posts random lines of every kind, one to three a
// posting, and checks the stock totals against a recomputation from the
// balances in SQL, and that Verify finds them equal to the ledger.
func TestTotalsFollowPostings(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			dsn := storetest.DSN(t, engine)
			testTotalsFollowPostings(t, storetest.OpenDSN(t, engine, dsn), storetest.Raw(t, engine, dsn))
		})
	}
}

func testTotalsFollowPostings(t *testing.T, s *store.Store, raw *sql.DB) {
	_, depots := totalsWorld(t, s)
	ctx := context.Background()
	r := &randomLines{rng: rand.New(rand.NewPCG(7, 14)), depots: depots,
		items: []string{storetest.Tent, storetest.Water, storetest.FoldingBed}, lots: map[string]string{}}
	ok := 0
	for range 300 {
		p := stock.Posting{Actor: "测试", Reason: "随机", Lines: make([]stock.Line, 1+r.rng.IntN(3))}
		for i := range p.Lines {
			p.Lines[i] = r.line()
		}
		res, err := s.Post(ctx, p)
		if err == nil {
			ok++
			r.learn(res.Entries)
		}
	}
	// A stream too, across chunks' flushes.
	lines := make([]stock.Line, 0, 6800)
	for range 5000 {
		lines = append(lines, stock.Line{Kind: stock.KindReceive, Depot: depots[len(lines)%3],
			Item: r.items[len(lines)/3%3], Quantity: stock.Units(2), NewLot: &stock.LotSpec{Batch: "S"}})
	}
	for i := range 1800 { // take some of it out again
		lines = append(lines, stock.Line{Kind: stock.KindIssue, Depot: depots[i%3], Item: r.items[i/3%3],
			Quantity: stock.Units(3)})
	}
	if _, err := s.PostStream(ctx, stock.Posting{Actor: "测试", Reason: "导入"}, sliceLines(lines), nil); err != nil {
		t.Fatal(err)
	}
	if ok < 75 {
		t.Fatalf("only %d of 300 random postings went through; the test exercises too little", ok)
	}
	checkTotalsSQL(t, raw)
	rep, err := s.Verify(ctx, nil)
	if err != nil || !rep.OK || rep.Totals == 0 {
		t.Fatalf("verify: %+v %v", rep, err)
	}
	// In ranges of 1,000 entries checked in parallel, reservations and
	// all, the ledger checks out the same.
	if clean, err := s.CleanInRanges(ctx, 1000); err != nil || !clean {
		t.Fatalf("the parallel pass finds the ledger unclean (%v): Verify fell back to the sequential one", err)
	}
	ranged, err := s.VerifyInRanges(ctx, 1000)
	if err != nil || !ranged.OK || ranged.Entries != rep.Entries || ranged.Balances != rep.Balances {
		t.Fatalf("verify in ranges: %+v %v\nwhole: %+v", ranged, err, rep)
	}
}

// checkTotalsSQL compares depot_stock and area_stock with sums of balances.
func checkTotalsSQL(t *testing.T, raw *sql.DB) {
	t.Helper()
	for _, q := range []struct{ stored, want string }{
		{`SELECT depot_id, item_id, quantity, reserved, lots FROM depot_stock`,
			`SELECT depot_id, item_id, SUM(quantity), SUM(reserved), COUNT(*) FROM balances GROUP BY depot_id, item_id`},
		{`SELECT area_id, item_id, quantity, reserved, 0 FROM area_stock`,
			`SELECT anc.id, b.item_id, SUM(b.quantity), SUM(b.reserved), 0 FROM balances b
			JOIN depots d ON d.id = b.depot_id JOIN areas a ON a.id = d.area_id
			JOIN areas anc ON a.path LIKE anc.path || '%' GROUP BY anc.id, b.item_id`},
	} {
		stored, want := rowSet(t, raw, q.stored), rowSet(t, raw, q.want)
		if len(want) == 0 {
			t.Fatal("no stock: the test posted nothing")
		}
		if fmt.Sprint(stored) != fmt.Sprint(want) {
			t.Errorf("%s\n got %v\nwant %v", q.stored, stored, want)
		}
	}
}

func rowSet(t *testing.T, raw *sql.DB, query string) map[[2]int64][3]int64 {
	t.Helper()
	rows, err := raw.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[[2]int64][3]int64{}
	for rows.Next() {
		var k [2]int64
		var v [3]int64
		if err := rows.Scan(&k[0], &k[1], &v[0], &v[1], &v[2]); err != nil {
			t.Fatal(err)
		}
		out[k] = v
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func sliceLines(lines []stock.Line) func() (stock.Line, bool, error) {
	i := 0
	return func() (stock.Line, bool, error) {
		if i == len(lines) {
			return stock.Line{}, false, nil
		}
		i++
		return lines[i-1], true, nil
	}
}

// TestVerifyReportsTamperedTotals edits a depot's and an area's stock total
// behind the program's back: Verify names them, and nothing else.
func TestVerifyReportsTamperedTotals(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines {
		for _, table := range []string{"depot_stock", "area_stock"} {
			t.Run(engine+"/"+table, func(t *testing.T) {
				s, dsn := tamperSetup(t, engine)
				ctx := context.Background()
				raw := storetest.Raw(t, engine, dsn)
				mustExec(t, raw, `UPDATE `+table+` SET quantity = quantity + 5000`)
				rep, err := s.Verify(ctx, nil)
				if err != nil {
					t.Fatal(err)
				}
				scope := map[string]string{"depot_stock": "depot", "area_stock": "area"}[table]
				if rep.OK || len(rep.TotalMismatches) == 0 || rep.TotalMismatches[0].Scope != scope ||
					rep.TotalMismatches[0].Item != storetest.FoldingBed ||
					rep.TotalMismatches[0].Stored != rep.TotalMismatches[0].Ledger+5000 {
					t.Fatalf("report %+v, want a %s total mismatch of 5 units", rep, scope)
				}
				if rep.FirstBreak != nil || len(rep.Mismatches) > 0 {
					t.Fatalf("only a total was edited, yet: first break %+v, balance mismatches %+v", rep.FirstBreak, rep.Mismatches)
				}
			})
		}
	}
}
