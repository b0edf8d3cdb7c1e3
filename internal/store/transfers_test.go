package store_test

import (
	"context"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
	"github.com/stockpile-dev/stockpile/internal/transfer"
)

// transferWorld is the World with 100 tents in the district depot B, as
// one lot, whose code it returns.
func transferWorld(t *testing.T, s *store.Store) (storetest.World, string) {
	t.Helper()
	w := storetest.Build(t, s)
	return w, receive(t, s, w.DepotB, storetest.Tent, "T-2026", "2099-01-01", 100).LotCode
}

// transferOrder is an order moving n tents of lot from depot B to depot A.
func transferOrder(w storetest.World, lot string, n int64) transfer.Order {
	return transfer.Order{Reason: "前置:房山区暴雨红色预警", Origin: "test", CreatedBy: "李调度",
		Lines: []transfer.Line{{From: w.DepotB, To: w.DepotA, Item: storetest.Tent, Quantity: stock.Units(n),
			Lots: []transfer.LotQuantity{{Lot: lot, Quantity: stock.Units(n)}}}}}
}

// transferTotals returns the balance totals of the tents at depot.
func transferTotals(t *testing.T, s *store.Store, depot string) store.BalanceTotals {
	t.Helper()
	rep, err := s.Balances(context.Background(), store.BalanceQuery{Depot: depot, Item: storetest.Tent, GroupBy: "item"})
	if err != nil {
		t.Fatal(err)
	}
	return rep.Totals
}

func transferVerify(t *testing.T, s *store.Store) {
	t.Helper()
	if rep, err := s.Verify(context.Background(), nil); err != nil || !rep.OK {
		t.Fatalf("verify %+v %v", rep, err)
	}
}

func TestTransferOrderLifecycle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w, lot := transferWorld(t, s)

		o, err := s.CreateTransferOrder(ctx, transferOrder(w, lot, 60))
		if err != nil {
			t.Fatal(err)
		}
		if o.ID == 0 || o.Status != transfer.StatusOrdered || o.PostingID == 0 || o.CreatedAt != fixedClock().Unix() {
			t.Fatalf("created %+v; want an id, ordered, a posting and the store's time", o)
		}
		if got, err := s.TransferOrder(ctx, o.ID); err != nil || !reflect.DeepEqual(got, o) {
			t.Fatalf("stored\n%+v, %v\ncreated\n%+v", got, err, o)
		}
		if tot := transferTotals(t, s, w.DepotB); tot.Quantity != stock.Units(100) || tot.Reserved != stock.Units(60) ||
			tot.Usable != stock.Units(40) {
			t.Fatalf("source after ordering %+v; want 100 on hand, 60 reserved", tot)
		}
		p, err := s.Posting(ctx, o.PostingID)
		if err != nil || p.IdempotencyKey != "transfer-"+strconv.FormatInt(o.ID, 10)+"-ordered" || len(p.Entries) != 1 ||
			p.Entries[0].Kind != stock.EntryReserve || p.Actor != "李调度" {
			t.Fatalf("reserve posting %+v, %v", p, err)
		}
		// The reserved units are no one else's.
		if _, err := s.Post(ctx, stock.Posting{Actor: "王库管", Reason: "发放", Lines: []stock.Line{{
			Kind: stock.KindIssue, Depot: w.DepotB, Item: storetest.Tent, Quantity: stock.Units(41)}}}); errCode(err) != "stock.insufficient" {
			t.Fatalf("issuing reserved tents: %v", err)
		}

		done, err := s.ExecuteTransferOrder(ctx, o.ID, "张主任")
		if err != nil || done.Status != transfer.StatusExecuted || done.PostingID == o.PostingID {
			t.Fatalf("execute: %+v, %v", done, err)
		}
		if tot := transferTotals(t, s, w.DepotB); tot.Quantity != stock.Units(40) || tot.Reserved != 0 {
			t.Fatalf("source after execution %+v; want 40 on hand, none reserved", tot)
		}
		rep, err := s.Balances(ctx, store.BalanceQuery{Depot: w.DepotA})
		if err != nil || len(rep.Rows) != 1 || rep.Rows[0].Lot != lot || rep.Rows[0].Quantity != stock.Units(60) ||
			rep.Rows[0].Reserved != 0 {
			t.Fatalf("destination after execution %+v, %v; want lot %s with 60", rep.Rows, err, lot)
		}
		p, err = s.Posting(ctx, done.PostingID)
		if err != nil || p.Actor != "张主任" || p.IdempotencyKey != "transfer-"+strconv.FormatInt(o.ID, 10)+"-executed" || len(p.Entries) != 3 {
			t.Fatalf("execution posting %+v, %v; want release, transfer out and in", p, err)
		}
		if got, _ := s.TransferOrder(ctx, o.ID); got.Status != transfer.StatusExecuted || got.PostingID != done.PostingID {
			t.Fatalf("stored after execution %+v", got)
		}
		transferVerify(t, s)

		if _, err := s.ExecuteTransferOrder(ctx, o.ID, "张主任"); errCode(err) != "transfer.status" ||
			!apperr.IsKind(err, apperr.Conflict) {
			t.Fatalf("executing twice: %v", err)
		}
		if _, err := s.CancelTransferOrder(ctx, o.ID, "张主任"); errCode(err) != "transfer.status" {
			t.Fatalf("cancelling an executed order: %v", err)
		}

		// A cancelled order gives its units back.
		o2, err := s.CreateTransferOrder(ctx, transferOrder(w, lot, 30))
		if err != nil {
			t.Fatal(err)
		}
		if tot := transferTotals(t, s, w.DepotB); tot.Reserved != stock.Units(30) {
			t.Fatalf("second order reserved %s, want 30", tot.Reserved)
		}
		gone, err := s.CancelTransferOrder(ctx, o2.ID, "李调度")
		if err != nil || gone.Status != transfer.StatusCancelled {
			t.Fatalf("cancel: %+v, %v", gone, err)
		}
		if tot := transferTotals(t, s, w.DepotB); tot.Quantity != stock.Units(40) || tot.Reserved != 0 {
			t.Fatalf("source after cancelling %+v; want 40 on hand, none reserved", tot)
		}
		if _, err := s.CancelTransferOrder(ctx, o2.ID, "李调度"); errCode(err) != "transfer.status" {
			t.Fatalf("cancelling twice: %v", err)
		}
		if _, err := s.ExecuteTransferOrder(ctx, o2.ID, "李调度"); errCode(err) != "transfer.status" {
			t.Fatalf("executing a cancelled order: %v", err)
		}
		transferVerify(t, s)

		all, err := s.TransferOrders(ctx, store.TransferFilter{})
		if err != nil || len(all) != 2 || all[0].ID != o2.ID || all[1].ID != o.ID || len(all[1].Lines) != 1 {
			t.Fatalf("orders %+v, %v; want both, newest first, with their lines", all, err)
		}
		if got, err := s.TransferOrders(ctx, store.TransferFilter{Status: string(transfer.StatusExecuted), Limit: 10}); err != nil || len(got) != 1 ||
			got[0].ID != o.ID {
			t.Fatalf("executed orders %+v, %v", got, err)
		}
		if got, err := s.TransferOrders(ctx, store.TransferFilter{Limit: 1}); err != nil || len(got) != 1 || got[0].ID != o2.ID {
			t.Fatalf("limit 1: %+v, %v", got, err)
		}
		if _, err := s.TransferOrder(ctx, 999); errCode(err) != "transfer.not_found" {
			t.Fatalf("unknown order: %v", err)
		}
		if _, err := s.ExecuteTransferOrder(ctx, 999, "x"); errCode(err) != "transfer.not_found" {
			t.Fatalf("executing an unknown order: %v", err)
		}
	}, store.WithClock(fixedClock))
}

// TestRefusedTransferOrderStoresNothing: an order the ledger refuses, or
// that names something unknown, leaves no row and no reservation, and its
// error names the order's field.
func TestRefusedTransferOrderStoresNothing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w, lot := transferWorld(t, s)
		twoLines := transferOrder(w, lot, 50)
		twoLines.Lines = append(twoLines.Lines, transferOrder(w, lot, 51).Lines...)
		unknownTo := transferOrder(w, lot, 1)
		unknownTo.Lines[0].To = "NOPE"
		unknownFrom := transferOrder(w, lot, 1)
		unknownFrom.Lines[0].From = "NOPE"
		sameDepot := transferOrder(w, lot, 1)
		sameDepot.Lines[0].To = w.DepotB
		for _, c := range []struct {
			name        string
			o           transfer.Order
			code, field string
			kind        apperr.Kind
		}{
			{"more than is free", transferOrder(w, lot, 101), "transfer.stale", "lines[0].lots[0].quantity", apperr.Conflict},
			{"two lines, together more than is free", twoLines, "transfer.stale", "lines[1].lots[0].quantity", apperr.Conflict},
			{"unknown lot", transferOrder(w, "NOPE", 1), "lot.not_found", "lines[0].lots[0].lot", apperr.NotFound},
			{"unknown destination", unknownTo, "depot.not_found", "lines[0].to", apperr.NotFound},
			{"unknown source", unknownFrom, "depot.not_found", "lines[0].from", apperr.NotFound},
			{"same depot", sameDepot, "transfer.same_depot", "lines[0].to", apperr.Invalid},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := s.CreateTransferOrder(ctx, c.o)
				e, ok := apperr.As(err)
				if !ok || e.Code != c.code || e.Field != c.field || e.Kind != c.kind {
					t.Fatalf("got %#v (%v); want %s on %s", e, err, c.code, c.field)
				}
				if got, err := s.TransferOrders(ctx, store.TransferFilter{}); err != nil || len(got) != 0 {
					t.Errorf("stored %+v, %v", got, err)
				}
				if tot := transferTotals(t, s, w.DepotB); tot.Reserved != 0 || tot.Quantity != stock.Units(100) {
					t.Errorf("balance %+v; want 100, none reserved", tot)
				}
			})
		}
		_, err := s.CreateTransferOrder(ctx, twoLines)
		if e, _ := apperr.As(err); e == nil || e.EN != "the stock the transfer order needs is not free (transfer line 2, lot "+
			lot+": insufficient stock: need 51, available 50 (50 more reserved for plans)); order again from the stock there is now" {
			t.Errorf("message %v", err)
		}
		if moves, err := s.Movements(ctx, store.MovementFilter{Limit: 100}); err != nil || len(moves) != 1 {
			t.Errorf("ledger holds %d entries, %v; want the receipt only", len(moves), err)
		}
		transferVerify(t, s)
	}, store.WithClock(fixedClock))
}

// TestTransferOrderJoinsTheCallersTransaction: created inside InTx, the
// order commits or rolls back with the caller's transaction.
func TestTransferOrderJoinsTheCallersTransaction(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w, lot := transferWorld(t, s)
		errAbort := errors.New("caller gives up")
		err := s.InTx(ctx, func(tx *store.Store) error {
			o, err := tx.CreateTransferOrder(ctx, transferOrder(w, lot, 70))
			if err != nil {
				return err
			}
			if got, err := tx.TransferOrder(ctx, o.ID); err != nil || got.Status != transfer.StatusOrdered {
				t.Errorf("inside the transaction: %+v, %v", got, err)
			}
			return errAbort
		})
		if !errors.Is(err, errAbort) {
			t.Fatalf("InTx: %v", err)
		}
		if got, _ := s.TransferOrders(ctx, store.TransferFilter{}); len(got) != 0 {
			t.Fatalf("rolled back, yet stored %+v", got)
		}
		if tot := transferTotals(t, s, w.DepotB); tot.Reserved != 0 {
			t.Fatalf("rolled back, yet %s reserved", tot.Reserved)
		}

		var id int64
		err = s.InTx(ctx, func(tx *store.Store) error {
			o, err := tx.CreateTransferOrder(ctx, transferOrder(w, lot, 70))
			id = o.ID
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if o, err := s.TransferOrder(ctx, id); err != nil || o.Status != transfer.StatusOrdered {
			t.Fatalf("committed order %+v, %v", o, err)
		}
		if tot := transferTotals(t, s, w.DepotB); tot.Reserved != stock.Units(70) {
			t.Fatalf("committed, %s reserved; want 70", tot.Reserved)
		}
		transferVerify(t, s)
	})
}

// TestConcurrentTransferOrdersNeverReserveTheSameUnits creates several
// orders for 60 of the same 100 tents at once: exactly one is stored, the
// rest are told the stock is not free. Then an execution and a
// cancellation race on the winner: exactly one happens.
func TestConcurrentTransferOrdersNeverReserveTheSameUnits(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w, lot := transferWorld(t, s)
		const n = 8
		orders := make([]transfer.Order, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				orders[i], errs[i] = s.CreateTransferOrder(ctx, transferOrder(w, lot, 60))
			}()
		}
		wg.Wait()
		var won []transfer.Order
		for i, err := range errs {
			switch {
			case err == nil:
				won = append(won, orders[i])
			case errCode(err) != "transfer.stale":
				t.Errorf("losing order: %v, want transfer.stale", err)
			}
		}
		if len(won) != 1 {
			t.Fatalf("%d orders stored, want exactly 1", len(won))
		}
		if got, err := s.TransferOrders(ctx, store.TransferFilter{}); err != nil || len(got) != 1 || got[0].ID != won[0].ID {
			t.Fatalf("stored %+v, %v; want the winner only", got, err)
		}
		if tot := transferTotals(t, s, w.DepotB); tot.Reserved != stock.Units(60) {
			t.Fatalf("reserved %s, want 60", tot.Reserved)
		}

		var exErr, caErr error
		wg.Add(2)
		go func() { defer wg.Done(); _, exErr = s.ExecuteTransferOrder(ctx, won[0].ID, "张主任") }()
		go func() { defer wg.Done(); _, caErr = s.CancelTransferOrder(ctx, won[0].ID, "李调度") }()
		wg.Wait()
		if (exErr == nil) == (caErr == nil) {
			t.Fatalf("execute: %v; cancel: %v; want exactly one to succeed", exErr, caErr)
		}
		for _, err := range []error{exErr, caErr} {
			if code := errCode(err); err != nil && code != "transfer.status" && code != "transfer.changed" {
				t.Errorf("losing step: %v, want transfer.status or transfer.changed", err)
			}
		}
		if tot := transferTotals(t, s, w.DepotB); tot.Reserved != 0 {
			t.Fatalf("after the race %s reserved, want 0", tot.Reserved)
		}
		transferVerify(t, s)
	})
}

// TestTransferOfALotExpiredSinceTheOrder: a lot that expires between the
// order and its execution cannot move; the refusal names the order's lot,
// changes nothing, and the order can still be cancelled.
func TestTransferOfALotExpiredSinceTheOrder(t *testing.T) {
	t.Parallel()
	// Each engine gets a clock of its own, which the test moves on.
	eachWithClock(t, func(t *testing.T, s *store.Store, advance func(time.Duration)) {
		ctx := context.Background()
		w := storetest.Build(t, s)
		lot := receive(t, s, w.DepotB, storetest.Water, "W-SOON", "2026-06-10", 100).LotCode
		o := transferOrder(w, lot, 40)
		o.Lines[0].Item = storetest.Water
		o, err := s.CreateTransferOrder(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		advance(10 * 24 * time.Hour)
		_, err = s.ExecuteTransferOrder(ctx, o.ID, "张主任")
		if e, ok := apperr.As(err); !ok || e.Code != "lot.expired" || e.Field != "lines[0].lots[0].lot" ||
			!strings.HasPrefix(e.EN, "transfer line 1, lot "+lot+": lot "+lot+" expired on 2026-06-10") {
			t.Fatalf("executing with an expired lot: %#v (%v)", e, err)
		}
		if got, _ := s.TransferOrder(ctx, o.ID); got.Status != transfer.StatusOrdered || got.PostingID != o.PostingID {
			t.Fatalf("after the refusal %+v; want it ordered as before", got)
		}
		if _, err := s.CancelTransferOrder(ctx, o.ID, "李调度"); err != nil {
			t.Fatalf("cancelling: %v", err)
		}
		rep, err := s.Balances(ctx, store.BalanceQuery{Depot: w.DepotB})
		if err != nil || len(rep.Rows) != 1 || rep.Rows[0].Quantity != stock.Units(100) || rep.Rows[0].Reserved != 0 {
			t.Fatalf("after cancelling %+v, %v; want 100 on hand, none reserved", rep.Rows, err)
		}
		transferVerify(t, s)
	})
}

// eachWithClock runs fn on every engine in parallel, each store with a
// clock of its own that starts at fixedClock and that fn moves on.
func eachWithClock(t *testing.T, fn func(t *testing.T, s *store.Store, advance func(time.Duration))) {
	for _, engine := range storetest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex // guards now
			now := fixedClock()
			s := storetest.Open(t, engine, store.WithClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return now }))
			fn(t, s, func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(d) })
		})
	}
}
