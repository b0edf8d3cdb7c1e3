package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/audit"
	"github.com/stockpile-dev/stockpile/internal/importer"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
)

// TestImportLots: a lot is found at a depot by its balance there, or, once
// moved out whole, by the depot it was first received at (lots.depot_id);
// two lots under one key are ambiguous; a key naming nothing is absent.
func TestImportLots(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := storetest.Build(t, s)
		receive := func(code, batch string, depot string) {
			t.Helper()
			_, err := s.Post(ctx, stock.Posting{Actor: "test", Reason: "入库", Lines: []stock.Line{{Kind: stock.KindReceive,
				Depot: depot, Item: storetest.Tent, Quantity: stock.Units(10), NewLot: &stock.LotSpec{Code: code, Batch: batch}}}})
			if err != nil {
				t.Fatal(err)
			}
		}
		receive("LOT-A", "B1", w.DepotA)
		receive("LOT-M", "B2", w.DepotA)
		receive("LOT-X", "B3", w.DepotA)
		receive("LOT-Y", "B3", w.DepotB)
		// LOT-M leaves depot A whole, for depot B.
		if _, err := s.Post(ctx, stock.Posting{Actor: "test", Reason: "调拨", Lines: []stock.Line{{Kind: stock.KindTransfer,
			Depot: w.DepotA, ToDepot: w.DepotB, Item: storetest.Tent, Lot: "LOT-M", Quantity: stock.Units(10)}}}); err != nil {
			t.Fatal(err)
		}
		// LOT-Y comes to depot A too: two lots of batch B3 there now.
		if _, err := s.Post(ctx, stock.Posting{Actor: "test", Reason: "调拨", Lines: []stock.Line{{Kind: stock.KindTransfer,
			Depot: w.DepotB, ToDepot: w.DepotA, Item: storetest.Tent, Lot: "LOT-Y", Quantity: stock.Units(4)}}}); err != nil {
			t.Fatal(err)
		}
		key := func(depot, batch string) importer.LotKey {
			return importer.LotKey{Depot: depot, Item: storetest.Tent, Batch: batch, Owner: w.Bureau}
		}
		got, err := s.ImportLots(ctx, []importer.LotKey{key(w.DepotA, "B1"), key(w.DepotA, "B2"), key(w.DepotB, "B2"),
			key(w.DepotA, "B3"), key(w.DepotB, "B9"), {Depot: "NO-DEPOT", Item: storetest.Tent, Batch: "B1", Owner: w.Bureau}})
		if err != nil {
			t.Fatal(err)
		}
		want := map[importer.LotKey]importer.LotState{
			key(w.DepotA, "B1"): {Lot: "LOT-A", OnHand: stock.Units(10)},
			key(w.DepotA, "B2"): {Lot: "LOT-M"}, // received here, none left
			key(w.DepotB, "B2"): {Lot: "LOT-M", OnHand: stock.Units(10)},
			key(w.DepotA, "B3"): {Lot: "LOT-X", OnHand: stock.Units(10), Ambiguous: true},
		}
		if len(got) != len(want) {
			t.Fatalf("found %+v, want %+v", got, want)
		}
		for k, v := range want {
			g := got[k]
			if g.Lot != v.Lot && !v.Ambiguous || g.OnHand != v.OnHand && !v.Ambiguous || g.Ambiguous != v.Ambiguous {
				t.Errorf("%v: %+v, want %+v", k, g, v)
			}
		}
	})
}

// TestImportLotsMany: keys beyond one query's worth are all found, each
// with its own lot.
func TestImportLotsMany(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := storetest.Build(t, s)
		const n = 600 // more than two queries of lotKeysPerSelect
		p := stock.Posting{Actor: "test", Reason: "期初"}
		keys := make([]importer.LotKey, n)
		for i := range n {
			batch := fmt.Sprintf("M%04d", i)
			p.Lines = append(p.Lines, stock.Line{Kind: stock.KindReceive, Depot: w.DepotA, Item: storetest.Tent,
				Quantity: stock.Units(int64(i + 1)), NewLot: &stock.LotSpec{Code: "LOT-" + batch, Batch: batch}})
			keys[i] = importer.LotKey{Depot: w.DepotA, Item: storetest.Tent, Batch: batch, Owner: w.Bureau}
		}
		if _, err := s.Post(ctx, p); err != nil {
			t.Fatal(err)
		}
		got, err := s.ImportLots(ctx, keys)
		if err != nil || len(got) != n {
			t.Fatalf("found %d of %d keys: %v", len(got), n, err)
		}
		for i, k := range keys {
			if g := got[k]; g.Lot != "LOT-"+k.Batch || g.OnHand != stock.Units(int64(i+1)) || g.Ambiguous {
				t.Fatalf("%v: %+v", k, g)
			}
		}
	})
}

// TestImportRecords: an import keeps its file until it is finished, once;
// a second finish or claim is a conflict.
func TestImportRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		im, err := s.CreateImport(ctx, store.Import{Kind: "stock", Filename: "a.csv", SHA256: "x", CreatedBy: "user:1",
			Summary: json.RawMessage(`{"rows":1}`)}, []byte("depot,item\n"))
		if err != nil || im.ID == 0 || im.Status != store.ImportPreviewed || im.Size != 11 {
			t.Fatalf("create %+v, %v", im, err)
		}
		if data, err := s.ImportData(ctx, im.ID); err != nil || string(data) != "depot,item\n" {
			t.Fatalf("data %q, %v", data, err)
		}
		err = s.InTx(ctx, func(tx *store.Store) error {
			if _, err := tx.ClaimImport(ctx, im.ID); err != nil {
				return err
			}
			return tx.FinishImport(ctx, im.ID, store.ImportCommitted, json.RawMessage(`{"rows":1,"new":1}`))
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Import(ctx, im.ID)
		if err != nil || got.Status != store.ImportCommitted || got.FinishedAt == 0 || string(got.Summary) != `{"rows":1,"new":1}` {
			t.Fatalf("finished %+v, %v", got, err)
		}
		for _, err := range []error{
			func() error { _, err := s.ImportData(ctx, im.ID); return err }(),
			func() error { _, err := s.ClaimImport(ctx, im.ID); return err }(),
			s.FinishImport(ctx, im.ID, store.ImportDiscarded, nil),
		} {
			if e, ok := apperr.As(err); !ok || e.Code != "import.finished" {
				t.Errorf("after the finish: %v", err)
			}
		}
		if _, err := s.Import(ctx, 999); !apperr.IsKind(err, apperr.NotFound) {
			t.Errorf("unknown import: %v", err)
		}
	})
}

// TestDiscardStaleImports: previews created before the cutoff are
// discarded and lose their file; later ones and finished ones stay.
func TestDiscardStaleImports(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		create := func(name string) store.Import {
			t.Helper()
			im, err := s.CreateImport(ctx, store.Import{Kind: "stock", Filename: name, SHA256: "x", CreatedBy: "user:1",
				Summary: json.RawMessage(`{"rows":1}`)}, []byte("depot,item\n"))
			if err != nil {
				t.Fatal(err)
			}
			return im
		}
		old, done := create("old.csv"), create("done.csv")
		if err := s.FinishImport(ctx, done.ID, store.ImportCommitted, json.RawMessage(`{}`)); err != nil {
			t.Fatal(err)
		}
		if got, err := s.DiscardStaleImports(ctx, old.CreatedAt); err != nil || len(got) != 0 {
			t.Fatalf("nothing is older than the cutoff: %+v, %v", got, err)
		}
		got, err := s.DiscardStaleImports(ctx, old.CreatedAt+1)
		if err != nil || len(got) != 1 || got[0].ID != old.ID || got[0].Status != store.ImportDiscarded {
			t.Fatalf("stale: %+v, %v", got, err)
		}
		if _, err := s.ImportData(ctx, old.ID); apperr.CodeOf(err) != "import.finished" {
			t.Errorf("a discarded preview keeps its file: %v", err)
		}
		if im, _ := s.Import(ctx, done.ID); im.Status != store.ImportCommitted {
			t.Errorf("a committed import became %s", im.Status)
		}
	})
}

// TestImportBasis: the basis holds while only imports are previewed or
// discarded, and moves with a posting or any other audited change.
func TestImportBasis(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := storetest.Build(t, s)
		b, err := s.ImportBasis(ctx)
		if err != nil {
			t.Fatal(err)
		}
		same := func() bool {
			t.Helper()
			var ok bool
			if err := s.InTx(ctx, func(tx *store.Store) error {
				ok, err = tx.SameAsImportBasis(ctx, b)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return ok
		}
		audit := func(action string) {
			t.Helper()
			if _, err := s.Audit(ctx, audit.Record{Principal: "user:1", Action: action, Object: audit.Object{Kind: "import", ID: "1"}}); err != nil {
				t.Fatal(err)
			}
		}
		if !same() {
			t.Fatal("nothing changed, yet the basis moved")
		}
		audit("import.preview")
		audit("import.discard")
		if !same() {
			t.Fatal("previews and discards moved the basis")
		}
		audit("item.update")
		if same() {
			t.Fatal("an audited change left the basis")
		}
		if b, err = s.ImportBasis(ctx); err != nil || !same() {
			t.Fatalf("a fresh basis: %v", err)
		}
		if _, err := s.Post(ctx, stock.Posting{Actor: "test", Reason: "入库", Lines: []stock.Line{{Kind: stock.KindReceive,
			Depot: w.DepotA, Item: storetest.Tent, Quantity: stock.Units(1), NewLot: &stock.LotSpec{Batch: "B"}}}}); err != nil {
			t.Fatal(err)
		}
		if same() {
			t.Fatal("a posting left the basis")
		}
	})
}

// TestImportDepotPlaces: every depot lies where Places finds it.
func TestImportDepotPlaces(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := storetest.Build(t, s)
		all, err := s.ImportDepotPlaces(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, code := range []string{w.DepotA, w.DepotB} {
			want, err := s.Places(ctx, "depot", code)
			if err != nil || len(want) != 1 || all[code] != want[0] {
				t.Errorf("%s: %+v, want %+v (%v)", code, all[code], want, err)
			}
		}
	})
}
