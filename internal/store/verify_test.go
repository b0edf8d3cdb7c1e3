package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
)

// tamperSetup posts ten receipts and returns the store and the DSN of its
// database.
func tamperSetup(t *testing.T, engine string) (*store.Store, string) {
	t.Helper()
	dsn := storetest.DSN(t, engine)
	s := storetest.OpenDSN(t, engine, dsn)
	w := storetest.Build(t, s)
	for i := range 10 {
		receive(t, s, w.DepotA, storetest.FoldingBed, "B"+string(rune('0'+i)), "", int64(10+i))
	}
	return s, dsn
}

func mustExec(t *testing.T, db *sql.DB, query string) {
	t.Helper()
	if _, err := db.Exec(query); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func TestLedgerIsAppendOnly(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines {
		t.Run(engine, func(t *testing.T) {
			_, dsn := tamperSetup(t, engine)
			raw, err := sql.Open(map[string]string{"sqlite": "sqlite", "postgres": "pgx"}[engine], dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			if _, err := raw.Exec(`UPDATE movements SET delta = delta + 1000 WHERE seq = 3`); err == nil {
				t.Fatal("UPDATE of a ledger entry succeeded; want the database to refuse it")
			}
			if _, err := raw.Exec(`DELETE FROM movements WHERE seq = 10`); err == nil {
				t.Fatal("DELETE of a ledger entry succeeded; want the database to refuse it")
			}
		})
	}
}

// TestVerifyNamesFirstAlteredEntry alters the ledger behind the program's
// back in the ways an insider could, and checks that Verify names the first
// entry that no longer checks out.
func TestVerifyNamesFirstAlteredEntry(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		tamper   []string
		wantSeq  int64
		mismatch bool // stored balances no longer match the ledger
	}{
		{"quantity raised", []string{`UPDATE movements SET delta = delta + 1000 WHERE seq = 4`}, 4, true},
		{"actor rewritten", []string{`UPDATE movements SET actor = 'someone else' WHERE seq = 7`}, 7, false},
		{"hash overwritten",
			[]string{`UPDATE movements SET reason = 'x', hash = 'f0f0' WHERE seq = 5`}, 5, false},
		{"entry deleted", []string{`DELETE FROM movements WHERE seq = 6`}, 7, true},
		{"tail truncated", []string{`DELETE FROM movements WHERE seq = 10`}, 10, true},
		{"balance edited", []string{`UPDATE balances SET quantity = quantity + 5000`}, 0, true},
		{"reservation edited", []string{`UPDATE balances SET reserved = 1000`}, 0, true},
	}
	for _, engine := range storetest.Engines {
		for _, tc := range cases {
			t.Run(engine+"/"+tc.name, func(t *testing.T) {
				s, dsn := tamperSetup(t, engine)
				ctx := context.Background()
				if rep, err := s.Verify(ctx, nil); err != nil || !rep.OK {
					t.Fatalf("before tampering: %+v %v", rep, err)
				}
				if rep, err := s.VerifyInRanges(ctx, 2); err != nil || !rep.OK || rep.Entries != 10 {
					t.Fatalf("before tampering, in ranges: %+v %v", rep, err)
				}
				raw := storetest.Insider(t, engine, dsn)
				for _, q := range tc.tamper {
					mustExec(t, raw, q)
				}
				rep, err := s.Verify(ctx, nil)
				if err != nil {
					t.Fatal(err)
				}
				if rep.OK {
					t.Fatal("Verify says OK after tampering")
				}
				// Checked in ranges of two entries, the report is the same.
				if ranged, err := s.VerifyInRanges(ctx, 2); err != nil || fmt.Sprint(ranged.FirstBreak, ranged.Mismatches) !=
					fmt.Sprint(rep.FirstBreak, rep.Mismatches) {
					t.Fatalf("in ranges: %+v %v\nwhole: %+v", ranged, err, rep)
				}
				if tc.wantSeq == 0 && rep.FirstBreak != nil {
					t.Errorf("chain broken at %d; only a balance was edited", rep.FirstBreak.Seq)
				}
				if tc.wantSeq != 0 && (rep.FirstBreak == nil || rep.FirstBreak.Seq != tc.wantSeq) {
					t.Errorf("first break %+v, want entry %d", rep.FirstBreak, tc.wantSeq)
				}
				if got := len(rep.Mismatches) > 0; got != tc.mismatch {
					t.Errorf("balance mismatches %+v, want mismatch=%v", rep.Mismatches, tc.mismatch)
				}
			})
		}
	}
}

// TestChainLinksEntries checks the chain on the entries Post returns: each
// links to the one before and its hash is what the hasher computes.
func TestChainLinksEntries(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := storetest.Build(t, s)
		a := receive(t, s, w.DepotA, storetest.Tent, "A", "", 5)
		b := receive(t, s, w.DepotA, storetest.Tent, "B", "", 5)
		if a.PrevHash != stock.GenesisHash || b.PrevHash != a.Hash || b.Seq != a.Seq+1 {
			t.Fatalf("chain: %+v -> %+v", a, b)
		}
		if got := stock.NewHasher().Hash(&b); got != b.Hash {
			t.Fatalf("hash %s, recomputed %s", b.Hash, got)
		}
	})
}

// TestVerifyCatchesRecomputedHash plays an insider who alters entry 5 and
// recomputes its hash correctly: the link from entry 6 then breaks.
func TestVerifyCatchesRecomputedHash(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines {
		t.Run(engine, func(t *testing.T) {
			s, dsn := tamperSetup(t, engine)
			ctx := context.Background()
			es, err := s.Movements(ctx, store.MovementFilter{AfterSeq: 4, Limit: 1})
			if err != nil || len(es) != 1 {
				t.Fatal(err)
			}
			e := es[0]
			e.Actor = "forger"
			e.Hash = stock.NewHasher().Hash(&e)
			raw := storetest.Insider(t, engine, dsn)
			q := `UPDATE movements SET actor = 'forger', hash = '` + e.Hash + `' WHERE seq = 5`
			mustExec(t, raw, q)
			rep, err := s.Verify(ctx, nil)
			if err != nil || rep.OK || rep.FirstBreak == nil || rep.FirstBreak.Seq != 6 {
				t.Fatalf("report %+v (%v), want first break at entry 6", rep, err)
			}
		})
	}
}

// TestVerifyFindsBrokenReferences plays an insider who removes or
// repoints what entries and lots refer to: on PostgreSQL no foreign key
// stops it (migration step 8), so Verify must name it, on both engines.
func TestVerifyFindsBrokenReferences(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		tamper string
		want   store.BrokenRef
	}{
		{"a lot removed", `DELETE FROM lots WHERE code = (SELECT MIN(code) FROM lots)`,
			store.BrokenRef{Table: "movements", Field: "lot_id"}},
		{"a lot of another item", `UPDATE lots SET item_id = (SELECT MAX(id) FROM items) WHERE code = (SELECT MIN(code) FROM lots)`,
			store.BrokenRef{Table: "movements", Field: "item_id"}},
		{"a lot's owner gone", `UPDATE lots SET owner_id = 987654 WHERE code = (SELECT MIN(code) FROM lots)`,
			store.BrokenRef{Table: "lots", Field: "owner_id", Value: 987654}},
		{"an entry's depot gone", `UPDATE lots SET depot_id = 987655 WHERE code = (SELECT MIN(code) FROM lots)`,
			store.BrokenRef{Table: "lots", Field: "depot_id", Value: 987655}},
	}
	for _, engine := range storetest.Engines {
		for _, tc := range cases {
			t.Run(engine+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				s, dsn := tamperSetup(t, engine)
				ctx := context.Background()
				if rep, err := s.Verify(ctx, nil); err != nil || !rep.OK || len(rep.BrokenRefs) > 0 {
					t.Fatalf("before tampering: %+v %v", rep, err)
				}
				mustExec(t, storetest.Insider(t, engine, dsn), tc.tamper)
				rep, err := s.Verify(ctx, nil)
				if err != nil || rep.OK {
					t.Fatalf("Verify after tampering: %+v %v", rep, err)
				}
				for _, r := range rep.BrokenRefs {
					if r.Table == tc.want.Table && r.Field == tc.want.Field && (tc.want.Value == 0 || r.Value == tc.want.Value) {
						return
					}
				}
				t.Errorf("broken references %+v, want one like %+v", rep.BrokenRefs, tc.want)
			})
		}
	}
}

// TestLedgerTablesWithoutForeignKeysOnPostgres checks that migration step
// 8 found the constraints it drops by their names.
func TestLedgerTablesWithoutForeignKeysOnPostgres(t *testing.T) {
	t.Parallel()
	dsn := storetest.DSN(t, "postgres")
	storetest.OpenDSN(t, "postgres", dsn)
	var n int
	err := storetest.Raw(t, "postgres", dsn).QueryRow(`SELECT COUNT(*) FROM pg_constraint WHERE contype = 'f'
		AND conrelid::regclass::text IN ('movements', 'lots', 'balances', 'depot_stock', 'area_stock')`).Scan(&n)
	if err != nil || n != 0 {
		t.Fatalf("foreign keys left on the ledger's tables: %d (%v)", n, err)
	}
}
