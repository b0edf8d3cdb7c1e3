package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/approval"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/stocktake"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
)

func postLines(t *testing.T, s *store.Store, lines ...stock.Line) store.PostingResult {
	t.Helper()
	res, err := s.Post(context.Background(), stock.Posting{Actor: "库管员甲", Reason: "测试", Lines: lines})
	if err != nil {
		t.Fatalf("post %+v: %v", lines, err)
	}
	return res
}

// TestQualityChangesThroughTheLedger: a lot's quality changes by an entry
// of delta 0 that the hash chain covers; a pending lot is not issued, by
// name or by FEFO; a change to the same state, or at a depot without the
// lot, is refused; an expired lot shows as expired whatever its quality.
func TestQualityChangesThroughTheLedger(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := storetest.Build(t, s)
		ctx := context.Background()
		e := receive(t, s, w.DepotA, storetest.Water, "W-Q", "2027-01-31", 50)
		res := postLines(t, s, stock.Line{Kind: stock.KindQuality, Depot: w.DepotA, Item: storetest.Water, Lot: e.LotCode,
			Quality: stock.QualityPending})
		if len(res.Entries) != 1 || res.Entries[0].Kind != stock.EntryQualityPending || res.Entries[0].Delta != 0 {
			t.Fatalf("quality entry %+v", res.Entries)
		}
		lot, err := s.Lot(ctx, e.LotCode)
		if err != nil || lot.Quality != stock.QualityPending {
			t.Fatalf("lot after change: %+v %v", lot, err)
		}
		_, err = s.Post(ctx, stock.Posting{Actor: "甲", Reason: "发放", Lines: []stock.Line{
			{Kind: stock.KindIssue, Depot: w.DepotA, Item: storetest.Water, Quantity: stock.Units(1)}}})
		if errCode(err) != "stock.insufficient" {
			t.Fatalf("FEFO issue from a pending lot: %v", err)
		}
		for _, c := range []struct {
			line stock.Line
			code string
		}{
			{stock.Line{Kind: stock.KindQuality, Depot: w.DepotA, Item: storetest.Water, Lot: e.LotCode, Quality: stock.QualityPending}, "lot.quality_unchanged"},
			{stock.Line{Kind: stock.KindQuality, Depot: w.DepotB, Item: storetest.Water, Lot: e.LotCode, Quality: stock.QualityGood}, "lot.not_at_depot"},
			{stock.Line{Kind: stock.KindQuality, Depot: w.DepotA, Item: storetest.Water, Lot: e.LotCode, Quality: "mouldy"}, "lot.quality_invalid"},
			{stock.Line{Kind: stock.KindQuality, Depot: w.DepotA, Item: storetest.Water, Lot: e.LotCode, Quality: stock.QualityGood,
				Quantity: stock.Units(1)}, "line.quality_quantity"},
		} {
			if _, err := s.Post(ctx, stock.Posting{Actor: "甲", Reason: "改质量", Lines: []stock.Line{c.line}}); errCode(err) != c.code {
				t.Errorf("%+v: got %v, want %s", c.line, err, c.code)
			}
		}
		postLines(t, s, stock.Line{Kind: stock.KindQuality, Depot: w.DepotA, Item: storetest.Water, Lot: e.LotCode, Quality: stock.QualityGood},
			stock.Line{Kind: stock.KindIssue, Depot: w.DepotA, Item: storetest.Water, Lot: e.LotCode, Quantity: stock.Units(5)})
		rep, err := s.Verify(ctx, nil)
		if err != nil || !rep.OK {
			t.Fatalf("verify: %+v %v", rep, err)
		}
		if got := (stock.Lot{Quality: stock.QualityGood, ExpiresOn: "2026-05-31"}).Status("2026-06-01"); got != stock.StatusExpired {
			t.Errorf("expired good lot shows %s", got)
		}
	})
}

// TestReceiptLocation: a receipt puts a lot at a storage location, which
// the lists show, and a later receipt into the same lot elsewhere in the
// depot moves it.
func TestReceiptLocation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := storetest.Build(t, s)
		ctx := context.Background()
		res := postLines(t, s, stock.Line{Kind: stock.KindReceive, Depot: w.DepotA, Item: storetest.Tent, Quantity: stock.Units(10),
			NewLot: &stock.LotSpec{Batch: "T-LOC"}, Location: "A-01-03"})
		page, err := s.StockLots(ctx, store.LotQuery{Lot: res.Entries[0].LotCode})
		if err != nil || len(page.Rows) != 1 || page.Rows[0].Location != "A-01-03" {
			t.Fatalf("lot rows %+v %v", page.Rows, err)
		}
		_, err = s.Post(ctx, stock.Posting{Actor: "甲", Reason: "入库", Lines: []stock.Line{{Kind: stock.KindReceive,
			Depot: w.DepotA, Item: storetest.Tent, Lot: res.Entries[0].LotCode, Quantity: stock.Units(1), Location: "A 01"}}})
		if errCode(err) != "location.malformed" {
			t.Fatalf("a location with a space: %v", err)
		}
	})
}

func openCount(t *testing.T, s *store.Store, c stocktake.Count) stocktake.Count {
	t.Helper()
	if c.Threshold == (stocktake.Threshold{}) {
		c.Threshold = stocktake.DefaultThreshold
	}
	c.CreatedBy = "库管员甲"
	c, err := s.OpenCount(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func act(t *testing.T, s *store.Store, id int64, a stocktake.Action, who string) stocktake.Count {
	t.Helper()
	c, err := s.Count(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := c.Act(a, who)
	if err != nil {
		t.Fatalf("%s: %v", a, err)
	}
	if c, err = s.ActOnCount(context.Background(), id, tr); err != nil {
		t.Fatalf("%s: %v", a, err)
	}
	return c
}

// TestStockTake walks a count: lots listed by scope, a count within the
// threshold, one beyond it that must be recounted, a lot found on the
// shelf that the count did not list, an issue during the count that the
// variance ignores, submission refused while a recount is due, and
// approval posting one adjustment per lot with a variance.
func TestStockTake(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := storetest.Build(t, s)
		ctx := context.Background()
		tents := postLines(t, s, stock.Line{Kind: stock.KindReceive, Depot: w.DepotA, Item: storetest.Tent, Quantity: stock.Units(100),
			NewLot: &stock.LotSpec{Batch: "T-1"}, Location: "A-01"}).Entries[0].LotCode
		water := postLines(t, s, stock.Line{Kind: stock.KindReceive, Depot: w.DepotA, Item: storetest.Water, Quantity: stock.Units(200),
			NewLot: &stock.LotSpec{Batch: "W-1", ExpiresOn: "2027-06-01"}, Location: "B-02"}).Entries[0].LotCode
		stray := receive(t, s, w.DepotB, storetest.Tent, "T-STRAY", "", 5).LotCode

		if c := openCount(t, s, stocktake.Count{Depot: w.DepotA, Scope: stocktake.Scope{Location: "B"}}); len(c.Lines) != 1 || c.Lines[0].Lot != water {
			t.Fatalf("count of location B lists %+v", c.Lines)
		}
		// An underscore in a location is a character, not LIKE's wildcard.
		if c := openCount(t, s, stocktake.Count{Depot: w.DepotA, Scope: stocktake.Scope{Location: "A_0"}}); len(c.Lines) != 0 {
			t.Fatalf("count of location A_0 lists %+v", c.Lines)
		}
		c := openCount(t, s, stocktake.Count{Depot: w.DepotA})
		if len(c.Lines) != 2 || c.Lines[0].Lot != tents || c.Lines[0].Location != "A-01" || c.Lines[0].State != stocktake.Pending {
			t.Fatalf("count lists %+v", c.Lines)
		}
		// 30 tents go out after the tents were counted: not a variance.
		line, err := s.RecordCount(ctx, c.ID, tents, stock.Units(99), "库管员甲")
		if err != nil || line.State != stocktake.Counted || *line.Book != stock.Units(100) {
			t.Fatalf("tents counted: %+v %v", line, err)
		}
		postLines(t, s, stock.Line{Kind: stock.KindIssue, Depot: w.DepotA, Item: storetest.Tent, Lot: tents, Quantity: stock.Units(30)})
		// 180 of 200 bottles: 10 % off, recount.
		if line, err = s.RecordCount(ctx, c.ID, water, stock.Units(180), "库管员甲"); err != nil || line.State != stocktake.Recount {
			t.Fatalf("water counted: %+v %v", line, err)
		}
		cur, _ := s.Count(ctx, c.ID)
		if _, err := cur.Act(stocktake.ActSubmit, "甲"); errCode(err) != "count.incomplete" {
			t.Fatalf("submit with a recount due: %v", err)
		}
		if line, err = s.RecordCount(ctx, c.ID, water, stock.Units(190), "库管员乙"); err != nil ||
			line.State != stocktake.Recounted || *line.First != stock.Units(180) || line.FirstBy != "库管员甲" {
			t.Fatalf("water recounted: %+v %v", line, err)
		}
		// A tent lot that belongs elsewhere sits on this depot's shelf.
		if line, err = s.RecordCount(ctx, c.ID, stray, stock.Units(2), "库管员甲"); err != nil || *line.Book != 0 ||
			line.State != stocktake.Recount {
			t.Fatalf("stray lot: %+v %v", line, err)
		}
		if line, err = s.RecordCount(ctx, c.ID, stray, stock.Units(2), "库管员乙"); err != nil || line.State != stocktake.Recounted {
			t.Fatalf("stray lot recounted: %+v %v", line, err)
		}
		if _, err := s.RecordCount(ctx, c.ID, "NOSUCHLOT", stock.Units(1), "甲"); errCode(err) != "lot.not_found" {
			t.Fatalf("unknown lot: %v", err)
		}
		act(t, s, c.ID, stocktake.ActSubmit, "库管员甲")
		if _, err := s.RecordCount(ctx, c.ID, tents, stock.Units(1), "甲"); errCode(err) != "count.not_open" {
			t.Fatalf("count after submission: %v", err)
		}
		done := act(t, s, c.ID, stocktake.ActApprove, "主任")
		if done.Status != stocktake.Approved || done.PostingID == 0 {
			t.Fatalf("approved: %+v", done)
		}
		adj, err := s.Posting(ctx, done.PostingID)
		if err != nil || len(adj.Entries) != 3 {
			t.Fatalf("adjustments %+v %v", adj.Entries, err)
		}
		want := map[string]stock.Quantity{tents: stock.Units(-1), water: stock.Units(-10), stray: stock.Units(2)}
		for _, e := range adj.Entries {
			if e.Kind != stock.EntryAdjust || e.Delta != want[e.LotCode] {
				t.Errorf("adjustment %s %s %s, want %s", e.LotCode, e.Kind, e.Delta, want[e.LotCode])
			}
		}
		if got := balance(t, s, w.DepotA, storetest.Tent); got != stock.Units(99-30+2) {
			t.Errorf("tents after the count: %s, want 71", got)
		}
		if _, err := done.Act(stocktake.ActApprove, "主任"); errCode(err) != "count.illegal_step" {
			t.Errorf("approve twice: %v", err)
		}
		rep, err := s.Verify(ctx, nil)
		if err != nil || !rep.OK {
			t.Fatalf("verify: %+v %v", rep, err)
		}
	})
}

// TestCountingWhileIssuing: keepers count a lot while others issue from
// it. Each count's book is the balance at its own ledger position
// (BookSeq), so after approval the balance is the last count less what
// was issued after that position, and the ledger verifies.
func TestCountingWhileIssuing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := storetest.Build(t, s)
		ctx := context.Background()
		lot := receive(t, s, w.DepotA, storetest.Tent, "T-BUSY", "", 1000).LotCode
		c := openCount(t, s, stocktake.Count{Depot: w.DepotA, Threshold: stocktake.Threshold{Percent: 100, Units: stock.Units(1000)}})
		var wg sync.WaitGroup
		for i := range 20 {
			wg.Add(2)
			go func() {
				defer wg.Done()
				_, err := s.Post(ctx, stock.Posting{Actor: fmt.Sprint("issuer-", i), Reason: "发放", Lines: []stock.Line{
					{Kind: stock.KindIssue, Depot: w.DepotA, Item: storetest.Tent, Lot: lot, Quantity: stock.Units(3)}}})
				if err != nil {
					t.Errorf("issue %d: %v", i, err)
				}
			}()
			go func() {
				defer wg.Done()
				if _, err := s.RecordCount(ctx, c.ID, lot, stock.Units(int64(900+i)), fmt.Sprint("counter-", i)); err != nil {
					t.Errorf("count %d: %v", i, err)
				}
			}()
		}
		wg.Wait()
		cur, err := s.Count(ctx, c.ID)
		if err != nil || len(cur.Lines) != 1 {
			t.Fatalf("count %+v %v", cur, err)
		}
		last := cur.Lines[0]
		after, err := s.Movements(ctx, store.MovementFilter{Lot: lot, AfterSeq: last.BookSeq, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		var issuedAfter stock.Quantity
		for _, e := range after {
			issuedAfter -= e.Delta
		}
		// The book is the receipt less every issue up to BookSeq.
		if want := stock.Units(1000) - stock.Units(int64(3*20)) + issuedAfter; *last.Book != want {
			t.Fatalf("book %s at seq %d, want %s", *last.Book, last.BookSeq, want)
		}
		act(t, s, c.ID, stocktake.ActSubmit, "甲")
		act(t, s, c.ID, stocktake.ActApprove, "主任")
		if got, want := balance(t, s, w.DepotA, storetest.Tent), *last.Counted-issuedAfter; got != want {
			t.Fatalf("balance %s, want the last count %s less %s issued after it", got, *last.Counted, issuedAfter)
		}
		if rep, err := s.Verify(ctx, nil); err != nil || !rep.OK {
			t.Fatalf("verify: %+v %v", rep, err)
		}
	})
}

// TestScrapApproval: a scrap waiting for approval moves nothing; the
// requester may not approve it; an approval posts it once, as the
// requester's, naming the approver; a decided request takes no other
// decision.
func TestScrapApproval(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := storetest.Build(t, s)
		ctx := context.Background()
		lot := receive(t, s, w.DepotA, storetest.Tent, "T-SCRAP", "", 100).LotCode
		r, err := approval.NewScrap(stock.Posting{Reason: "霉变", Lines: []stock.Line{
			{Kind: stock.KindScrap, Depot: w.DepotA, Item: storetest.Tent, Lot: lot, Quantity: stock.Units(40)}}}, "keeper")
		if err != nil {
			t.Fatal(err)
		}
		big := r
		big.Posting.Lines = []stock.Line{{Kind: stock.KindScrap, Depot: w.DepotA, Item: storetest.Tent, Lot: lot, Quantity: stock.Units(500)}}
		if _, err := s.CreateApproval(ctx, big); errCode(err) != "stock.insufficient" {
			t.Fatalf("a request for more than is held: %v", err)
		}
		r.Posting.IdempotencyKey = "scrap-1"
		if r, err = s.CreateApproval(ctx, r); err != nil {
			t.Fatal(err)
		}
		if again, err := s.CreateApproval(ctx, r); err != nil || !again.Replayed || again.ID != r.ID {
			t.Fatalf("retry under the same key: %+v %v", again, err)
		}
		if got := balance(t, s, w.DepotA, storetest.Tent); got != stock.Units(100) {
			t.Fatalf("a pending scrap moved stock: %s", got)
		}
		if _, err := r.Approve("keeper", ""); errCode(err) != "approval.self" {
			t.Fatalf("self-approval: %v", err)
		}
		tr, err := r.Approve("manager", "属实")
		if err != nil {
			t.Fatal(err)
		}
		done, err := s.ActOnApproval(ctx, r.ID, tr)
		if err != nil || done.Status != approval.Approved || done.DecidedBy != "manager" || done.PostingID == 0 {
			t.Fatalf("approved: %+v %v", done, err)
		}
		if _, err := s.ActOnApproval(ctx, r.ID, tr); errCode(err) != "approval.decided" {
			t.Fatalf("approving twice: %v", err)
		}
		p, err := s.Posting(ctx, done.PostingID)
		if err != nil || len(p.Entries) != 1 || p.Actor != "keeper" || p.Entries[0].Delta != stock.Units(-40) {
			t.Fatalf("scrap posting %+v %v", p, err)
		}
		if got := balance(t, s, w.DepotA, storetest.Tent); got != stock.Units(60) {
			t.Fatalf("balance %s, want 60", got)
		}
		list, err := s.Approvals(ctx, store.ApprovalFilter{Status: approval.Pending})
		if err != nil || len(list) != 0 {
			t.Fatalf("pending after approval: %+v %v", list, err)
		}
	})
}
