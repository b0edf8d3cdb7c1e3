package store_test

import (
	"context"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
)

// TestVerifyWhilePosting runs Verify while postings commit, as the API's
// verify endpoint does on a live server: it must judge one consistent state
// of the ledger, and so never report the entries or balances committed
// while it reads as a breach.
func TestVerifyWhilePosting(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := storetest.Build(t, s)
		ctx := context.Background()
		c := newCycler(w)
		if _, err := s.Post(ctx, c.posting(500)); err != nil {
			t.Fatal(err)
		}
		stop := make(chan struct{})
		done := make(chan error)
		go func() {
			// At most maxPostings, so that the ledger, which every Verify
			// reads whole, stops growing: uncapped, a slow machine made
			// the last passes read tens of thousands of entries each.
			const maxPostings = 1500
			for range maxPostings {
				select {
				case <-stop:
					done <- nil
					return
				default:
				}
				if _, err := s.Post(ctx, c.posting(5)); err != nil {
					done <- err
					return
				}
			}
			<-stop
			done <- nil
		}()
		defer func() {
			close(stop)
			if err := <-done; err != nil {
				t.Errorf("posting: %v", err)
			}
		}()
		for i := range 40 {
			rep, err := s.Verify(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !rep.OK {
				t.Fatalf("verify %d, while postings commit: first break %+v, mismatches %+v", i, rep.FirstBreak, rep.Mismatches)
			}
		}
	})
}
