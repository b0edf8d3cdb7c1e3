package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/audit"
	"github.com/stockpile-dev/stockpile/internal/event"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
)

// auditDepot appends an audit record of a change to depot code.
func auditDepot(t *testing.T, s *store.Store, code string) {
	t.Helper()
	r, err := audit.New(access.SystemActor("test"), "depot.update", audit.Object{Kind: "depot", ID: code, Version: 2},
		nil, map[string]string{"code": code})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Audit(context.Background(), r); err != nil {
		t.Fatal(err)
	}
}

// TestEventsOfChanges: a posting and an audit record each make one event,
// in order, placed where they happened; a refused posting and a rolled
// back transaction make none and leave no gap.
func TestEventsOfChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := storetest.Build(t, s)
		start, err := s.LastEventID(ctx)
		if err != nil {
			t.Fatal(err)
		}
		receive(t, s, w.DepotA, storetest.FoldingBed, "E1", "", 10)
		auditDepot(t, s, w.DepotB)
		if _, err := s.Post(ctx, stock.Posting{Actor: "test", Reason: "调用", Lines: []stock.Line{{Kind: stock.KindIssue,
			Depot: w.DepotA, Item: storetest.FoldingBed, Quantity: stock.Units(99)}}}); errCode(err) != "stock.insufficient" {
			t.Fatalf("an issue of more than held: %v", err)
		}
		boom := errors.New("rolled back")
		if err := s.InTx(ctx, func(tx *store.Store) error {
			auditDepot(t, tx, w.DepotA)
			return boom
		}); !errors.Is(err, boom) {
			t.Fatal(err)
		}
		transfer, err := s.Post(ctx, stock.Posting{Actor: "user:9", Reason: "调拨", Lines: []stock.Line{{Kind: stock.KindTransfer,
			Depot: w.DepotA, ToDepot: w.DepotB, Item: storetest.FoldingBed, Quantity: stock.Units(4)}}})
		if err != nil {
			t.Fatal(err)
		}

		evs, err := s.Events(ctx, start, 100)
		if err != nil || len(evs) != 3 {
			t.Fatalf("events %+v, %v; want 3", evs, err)
		}
		for i, e := range evs {
			if e.ID != start+int64(i)+1 {
				t.Errorf("event %d has id %d, want %d: no gaps", i, e.ID, start+int64(i)+1)
			}
		}
		if e := evs[1]; e.Kind != "depot.update" || e.Object.ID != w.DepotB || len(e.Places) != 1 || e.Places[0].Depot != w.DepotB {
			t.Errorf("the audit record's event: %+v", e)
		}
		e := evs[2]
		var p event.Posting
		if err := json.Unmarshal(e.Data, &p); err != nil {
			t.Fatal(err)
		}
		if e.Kind != event.KindPosting || e.Principal != "user:9" || e.Object.ID != strconv.FormatInt(transfer.ID, 10) ||
			p.ID != transfer.ID || p.Lines != 1 || p.Entries != 2 || p.FirstSeq != transfer.Entries[0].Seq ||
			p.LastSeq != transfer.Entries[1].Seq || fmt.Sprint(p.Depots) != fmt.Sprint([]string{w.DepotA, w.DepotB}) {
			t.Errorf("the transfer's event: %+v %+v", e, p)
		}
		if len(e.Places) != 2 || e.Places[0].Depot != w.DepotA || e.Places[1].Depot != w.DepotB || e.Places[0].Org != w.Bureau {
			t.Errorf("the transfer's places: %+v", e.Places)
		}
		if last, _ := s.LastEventID(ctx); last != evs[2].ID {
			t.Errorf("LastEventID %d, want %d", last, evs[2].ID)
		}
		if page, _ := s.Events(ctx, evs[0].ID, 1); len(page) != 1 || page[0].ID != evs[1].ID {
			t.Errorf("a page after the first: %+v", page)
		}
	})
}

// TestEventIDsFollowCommits: with postings and audit records committed
// from many goroutines at once, the ids are 1…n without a gap and the
// postings' events come in the order the postings committed.
func TestEventIDsFollowCommits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := storetest.Build(t, s)
		start, _ := s.LastEventID(ctx)
		const workers, each = 6, 8
		var wg sync.WaitGroup
		errs := make(chan error, workers*each*2)
		for g := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					_, err := s.Post(ctx, stock.Posting{Actor: "test", Reason: "入库", Lines: []stock.Line{{
						Kind: stock.KindReceive, Depot: w.DepotA, Item: storetest.FoldingBed, Quantity: stock.Units(1),
						NewLot: &stock.LotSpec{Batch: fmt.Sprintf("G%d-%d", g, i)}}}})
					errs <- err
					r, _ := audit.New(access.SystemActor("test"), "item.update", audit.Object{Kind: "item", ID: "x"}, nil, nil)
					_, err = s.Audit(ctx, r)
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		evs, err := s.Events(ctx, start, store.MaxEventPage)
		if err != nil || len(evs) != workers*each*2 {
			t.Fatalf("%d events (%v), want %d", len(evs), err, workers*each*2)
		}
		var lastPosting int64
		for i, e := range evs {
			if e.ID != start+int64(i)+1 {
				t.Fatalf("event %d has id %d: a gap", i, e.ID)
			}
			if e.Kind == event.KindPosting {
				id, _ := strconv.ParseInt(e.Object.ID, 10, 64)
				if id <= lastPosting {
					t.Fatalf("posting %d's event after posting %d's", id, lastPosting)
				}
				lastPosting = id
			}
		}
	})
}
