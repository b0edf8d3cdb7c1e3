package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
)

// receipts returns n receipt lines of new tent lots at depot, 2 units each.
func receipts(depot string, n int) []stock.Line {
	lines := make([]stock.Line, n)
	for i := range lines {
		lines[i] = stock.Line{Kind: stock.KindReceive, Depot: depot, Item: storetest.Tent, Quantity: stock.Units(2),
			NewLot: &stock.LotSpec{Batch: "B"}}
	}
	return lines
}

// TestPostStream streams more lines than a posting may have into one
// posting, and checks the counts, the stock and the chain.
func TestPostStream(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := storetest.Build(t, s)
		ctx := context.Background()
		lines := receipts(w.DepotA, stock.MaxLines+500)
		lines = append(lines, stock.Line{Kind: stock.KindTransfer, Depot: w.DepotA, ToDepot: w.DepotB,
			Item: storetest.Tent, Quantity: stock.Units(7)}) // FEFO from four lots: eight entries
		var calls []int64
		res, err := s.PostStream(ctx, stock.Posting{Actor: "导入员", Reason: "期初库存"}, sliceLines(lines),
			func(done int64) { calls = append(calls, done) })
		if err != nil {
			t.Fatal(err)
		}
		n := int64(len(lines))
		if res.Lines != n || res.Entries != n-1+8 || res.FirstSeq != 1 || res.LastSeq != res.Entries || res.PostingID == 0 {
			t.Fatalf("result %+v, want %d lines and %d entries", res, n, n-1+8)
		}
		if len(calls) < 3 || calls[len(calls)-1] != n {
			t.Fatalf("progress calls %v, want several ending at %d", calls, n)
		}
		if got := balance(t, s, w.DepotA, storetest.Tent); got != stock.Units(2*(n-1)-7) {
			t.Fatalf("depot A holds %s", got)
		}
		rep, err := s.Verify(ctx, nil)
		if err != nil || !rep.OK || rep.Entries != res.Entries {
			t.Fatalf("verify: %+v %v", rep, err)
		}
	})
}

// TestPostStreamIsAllOrNothing fails a stream at a line in its third chunk:
// the error names that line and nothing of the stream is stored.
func TestPostStreamIsAllOrNothing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := storetest.Build(t, s)
		ctx := context.Background()
		for _, tc := range []struct {
			bad   stock.Line
			code  string
			field string
		}{
			{stock.Line{Kind: stock.KindIssue, Depot: w.DepotB, Item: storetest.Tent, Quantity: stock.Units(1)},
				"stock.insufficient", "lines[9000].quantity"},
			{stock.Line{Kind: stock.KindIssue, Depot: w.DepotB, Item: storetest.Tent}, // no quantity: checked on reading
				"quantity.not_positive", "lines[9000].quantity"},
		} {
			lines := append(receipts(w.DepotA, 9000), tc.bad)
			_, err := s.PostStream(ctx, stock.Posting{Actor: "导入员", Reason: "期初库存"}, sliceLines(lines), nil)
			e, ok := apperr.As(err)
			if !ok || e.Code != tc.code || e.Field != tc.field {
				t.Fatalf("got %v (%+v), want %s at %s", err, e, tc.code, tc.field)
			}
		}
		if ms, _ := s.Movements(ctx, store.MovementFilter{}); len(ms) != 0 {
			t.Fatalf("%d entries stored by failed streams", len(ms))
		}
		if _, err := s.PostStream(ctx, stock.Posting{Actor: "甲", Reason: "乙", Lines: receipts(w.DepotA, 1)},
			sliceLines(nil), nil); apperr.CodeOf(err) != "posting.stream_lines" {
			t.Fatalf("lines in p: %v", err)
		}
		if _, err := s.PostStream(ctx, stock.Posting{Actor: "甲", Reason: "乙"}, sliceLines(nil), nil); apperr.CodeOf(err) != "field.required" {
			t.Fatalf("empty stream: %v", err)
		}
		readErr := errors.New("file truncated")
		_, err := s.PostStream(ctx, stock.Posting{Actor: "甲", Reason: "乙"},
			func() (stock.Line, bool, error) { return stock.Line{}, false, readErr }, nil)
		if !errors.Is(err, readErr) {
			t.Fatalf("failing reader: %v", err)
		}
	})
}

// TestPostStreamNestsAndReplays runs a stream inside a transaction with a
// posting after it, and retries a stream and a posting under one key.
func TestPostStreamNestsAndReplays(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := storetest.Build(t, s)
		ctx := context.Background()
		p := stock.Posting{IdempotencyKey: "import-1", Actor: "导入员", Reason: "期初库存"}
		var first store.StreamResult
		err := s.InTx(ctx, func(tx *store.Store) error {
			var err error
			if first, err = tx.PostStream(ctx, p, sliceLines(receipts(w.DepotA, 10)), nil); err != nil {
				return err
			}
			_, err = tx.Post(ctx, stock.Posting{Actor: "导入员", Reason: "调拨", Lines: []stock.Line{{Kind: stock.KindTransfer,
				Depot: w.DepotA, ToDepot: w.DepotB, Item: storetest.Tent, Quantity: stock.Units(3)}}})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		again, err := s.PostStream(ctx, p, sliceLines(receipts(w.DepotA, 10)), nil)
		if err != nil || !again.Replayed || again.PostingID != first.PostingID || again.Entries != 10 || again.Lines != 10 {
			t.Fatalf("retry: %+v %v, want a replay of %+v", again, err, first)
		}
		if _, err := s.PostStream(ctx, p, sliceLines(receipts(w.DepotA, 11)), nil); apperr.CodeOf(err) != "idempotency.key_reused" {
			t.Fatalf("same key, other lines: %v", err)
		}
		// A Post and a stream of the same lines are the same request.
		p.IdempotencyKey, p.Lines = "import-2", receipts(w.DepotB, 3)
		posted, err := s.Post(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		lines := p.Lines
		p.Lines = nil
		streamed, err := s.PostStream(ctx, p, sliceLines(lines), nil)
		if err != nil || !streamed.Replayed || streamed.PostingID != posted.ID {
			t.Fatalf("stream after post: %+v %v", streamed, err)
		}
		if rep, err := s.Verify(ctx, nil); err != nil || !rep.OK {
			t.Fatalf("verify: %+v %v", rep, err)
		}
	})
}

// TestPostDuringStreamIsBusy holds the ledger with a stream that waits in
// its reader, and checks that a posting meanwhile fails at once with
// ledger.busy and a Retry-After, and goes through once the stream is done.
func TestPostDuringStreamIsBusy(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := storetest.Build(t, s)
		ctx := context.Background()
		started, resume := make(chan struct{}), make(chan struct{})
		lines := receipts(w.DepotA, 5000)
		n := 0
		done := make(chan error)
		go func() {
			_, err := s.PostStream(ctx, stock.Posting{Actor: "导入员", Reason: "期初库存"}, func() (stock.Line, bool, error) {
				if n == streamChunkForTest {
					close(started)
					<-resume
				}
				if n == len(lines) {
					return stock.Line{}, false, nil
				}
				n++
				return lines[n-1], true, nil
			}, nil)
			done <- err
		}()
		<-started
		t0 := time.Now()
		_, err := s.Post(ctx, stock.Posting{Actor: "甲", Reason: "入库", Lines: receipts(w.DepotB, 1)})
		e, ok := apperr.As(err)
		if !ok || e.Code != "ledger.busy" || e.Kind != apperr.Unavailable || e.RetryAfter <= 0 {
			t.Fatalf("post during a stream: %v, want ledger.busy with RetryAfter", err)
		}
		if took := time.Since(t0); took > time.Second {
			t.Fatalf("ledger.busy took %v, want at once", took)
		}
		close(resume)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if _, err := s.Post(ctx, stock.Posting{Actor: "甲", Reason: "入库", Lines: receipts(w.DepotB, 1)}); err != nil {
			t.Fatalf("post after the stream: %v", err)
		}
	})
}

// streamChunkForTest is a line count inside PostStream's second chunk, so
// that the stream has written to the database when the test posts.
const streamChunkForTest = 4500

// TestPostWhileAnotherProcessStreams has a second store on the same
// PostgreSQL database, as another process would: its posting waits for
// the ledger head a bounded time, then fails with ledger.busy. (On SQLite
// the same waits out the busy timeout, 10 s, too long for a test.)
func TestPostWhileAnotherProcessStreams(t *testing.T) {
	t.Parallel()
	dsn := storetest.DSN(t, "postgres")
	s := storetest.OpenDSN(t, "postgres", dsn)
	other := storetest.Attach(t, "postgres", dsn)
	w := storetest.Build(t, s)
	ctx := context.Background()
	started, resume := make(chan struct{}), make(chan struct{})
	n := 0
	done := make(chan error)
	go func() {
		_, err := s.PostStream(ctx, stock.Posting{Actor: "导入员", Reason: "期初库存"}, func() (stock.Line, bool, error) {
			if n == 1 {
				close(started)
				<-resume
				return stock.Line{}, false, nil
			}
			n++
			return receipts(w.DepotA, 1)[0], true, nil
		}, nil)
		done <- err
	}()
	<-started
	t0 := time.Now()
	_, err := other.Post(ctx, stock.Posting{Actor: "甲", Reason: "入库", Lines: receipts(w.DepotB, 1)})
	if apperr.CodeOf(err) != "ledger.busy" {
		t.Fatalf("post while another process streams: %v, want ledger.busy", err)
	}
	if took := time.Since(t0); took > 10*time.Second {
		t.Fatalf("ledger.busy after %v", took)
	}
	close(resume)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
