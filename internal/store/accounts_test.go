package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/account"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/audit"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
)

func TestUsersSessionsTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := storetest.Build(t, s)
		u, err := s.CreateUser(ctx, account.User{Username: "keeper", Roles: []access.Role{access.RoleKeeper},
			AreaCode: w.District, OrgCode: w.Bureau, Depots: []string{w.DepotB}}, "hash")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateUser(ctx, account.User{Username: "KEEPER", Roles: []access.Role{access.RoleViewer},
			AreaCode: w.City, OrgCode: w.Bureau}, "h"); !apperr.IsKind(err, apperr.Conflict) {
			t.Errorf("a second user of the same (case-folded) name: %v", err)
		}
		if _, err := s.CreateUser(ctx, account.User{Username: "x1", Roles: []access.Role{access.RoleKeeper},
			AreaCode: w.City, OrgCode: w.Bureau, Depots: []string{"NO-SUCH"}}, "h"); err == nil {
			t.Error("a keeper of an unknown depot was created")
		} else if e, _ := apperr.As(err); e.Field != "depots[0]" {
			t.Errorf("unknown depot error names %q", e.Field)
		}
		got, hash, err := s.UserCredentials(ctx, "keeper")
		if err != nil || hash != "hash" || got.AreaPath != "110000/110111/" || len(got.Depots) != 1 || got.Depots[0] != w.DepotB {
			t.Fatalf("UserCredentials: %+v %q %v", got, hash, err)
		}
		u.Name, u.Disabled = "王库管", true
		if u, err = s.UpdateUser(ctx, u); err != nil || u.Version != 2 {
			t.Fatalf("UpdateUser: %+v %v", u, err)
		}
		stale := u
		stale.Version = 1
		if _, err := s.UpdateUser(ctx, stale); apperr.CodeOf(err) != "user.stale" {
			t.Errorf("a stale update: %v", err)
		}

		se := account.Session{ID: "sess-1", UserID: u.ID, CreatedAt: 100, LastSeen: 100, ExpiresAt: 1000}
		if err := s.CreateSession(ctx, se); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateSession(ctx, account.Session{ID: "sess-2", UserID: u.ID, LastSeen: 100, ExpiresAt: 1000}); err != nil {
			t.Fatal(err)
		}
		if err := s.TouchSession(ctx, "sess-1", 160); err != nil {
			t.Fatal(err)
		}
		got1, owner, err := s.Session(ctx, "sess-1")
		if err != nil || got1.LastSeen != 160 || owner.Username != "keeper" || !owner.Disabled {
			t.Fatalf("Session: %+v %+v %v", got1, owner, err)
		}
		if err := s.RevokeOtherSessions(ctx, u.ID, "sess-1"); err != nil {
			t.Fatal(err)
		}
		if a, _, _ := s.Session(ctx, "sess-1"); a.Revoked {
			t.Error("the kept session was revoked")
		}
		if b, _, _ := s.Session(ctx, "sess-2"); !b.Revoked {
			t.Error("the other session lives on")
		}
		if n, err := s.RevokeSessions(ctx, u.ID); err != nil || n != 1 {
			t.Errorf("RevokeSessions ended %d live sessions (%v), want 1", n, err)
		}
		if _, _, err := s.Session(ctx, "nope"); !apperr.IsKind(err, apperr.NotFound) {
			t.Errorf("unknown session: %v", err)
		}

		tok, err := s.CreateToken(ctx, account.Token{Name: "商务局", Hash: "th", UserID: u.ID, CreatedBy: "user:1",
			CreatedAt: 1, ExpiresAt: 9999})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.TouchToken(ctx, tok.ID, 500); err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeToken(ctx, tok.ID, 600); err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeToken(ctx, tok.ID, 700); err != nil { // revoked once: the first time stays
			t.Fatal(err)
		}
		byHash, err := s.TokenByHash(ctx, "th")
		if err != nil || byHash.LastUsed != 500 || byHash.RevokedAt != 600 || byHash.Username != "keeper" {
			t.Errorf("TokenByHash: %+v %v", byHash, err)
		}
		if list, err := s.Tokens(ctx, "110000/110111/"); err != nil || len(list) != 1 {
			t.Errorf("tokens in the district: %d %v", len(list), err)
		}
		if list, err := s.Tokens(ctx, "110000/110999/"); err != nil || len(list) != 0 {
			t.Errorf("tokens in another district: %d %v", len(list), err)
		}
	})
}

func TestSignInFailures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		for _, at := range []int64{100, 110, 120} {
			if err := s.RecordFailure(ctx, "account:x", at, 3600); err != nil {
				t.Fatal(err)
			}
		}
		if f, err := s.Failures(ctx, "account:x"); err != nil || f.Count != 3 || f.Last != 120 {
			t.Errorf("failures %+v %v", f, err)
		}
		if err := s.RecordFailure(ctx, "account:x", 120+3600, 3600); err != nil {
			t.Fatal(err)
		}
		if f, _ := s.Failures(ctx, "account:x"); f.Count != 1 {
			t.Errorf("a failure an hour later counts %d, want a fresh 1", f.Count)
		}
		if err := s.ClearFailures(ctx, "account:x"); err != nil {
			t.Fatal(err)
		}
		if f, _ := s.Failures(ctx, "account:x"); f.Count != 0 {
			t.Errorf("cleared failures: %+v", f)
		}
	})
}

func audited(t *testing.T, s *store.Store, n int) {
	t.Helper()
	who := access.Actor{Principal: access.Principal{ID: "user:1"}, Address: "10.0.0.1"}
	for i := range n {
		r, err := audit.New(who, "item.create", audit.Object{Kind: "item", ID: fmt.Sprint(i), Version: 1}, nil,
			map[string]int{"n": i})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Audit(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAuditTrail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		audited(t, s, 5)
		// A record in a transaction that rolls back is gone with it.
		_ = s.InTx(ctx, func(tx *store.Store) error {
			audited(t, tx, 1)
			return fmt.Errorf("roll back")
		})
		all, err := s.AuditRecords(ctx, audit.Query{})
		if err != nil || len(all) != 5 || all[0].Seq != 5 || all[4].PrevHash != audit.GenesisHash {
			t.Fatalf("records %+v %v", all, err)
		}
		if all[0].PrevHash != all[1].Hash || string(all[0].After) != `{"n":4}` || all[0].Before != nil {
			t.Errorf("newest record %+v", all[0])
		}
		page, _ := s.AuditRecords(ctx, audit.Query{Before: 3, Limit: 1})
		if len(page) != 1 || page[0].Seq != 2 {
			t.Errorf("page before 3: %+v", page)
		}
		byObj, _ := s.AuditRecords(ctx, audit.Query{ObjectKind: "item", ObjectID: "3", Action: "item."})
		if len(byObj) != 1 || byObj[0].Seq != 4 {
			t.Errorf("by object: %+v", byObj)
		}
		if none, _ := s.AuditRecords(ctx, audit.Query{Principal: "user:2"}); len(none) != 0 {
			t.Errorf("by another principal: %+v", none)
		}
		rep, err := s.Verify(ctx, nil)
		if err != nil || !rep.OK || rep.Audit.Records != 5 {
			t.Errorf("verify: %+v %v", rep, err)
		}
	})
}

func TestAuditTrailIsAppendOnlyAndVerified(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		tamper  string
		wantSeq int64
	}{
		{"principal rewritten", `UPDATE audit_log SET principal = 'user:9' WHERE seq = 3`, 3},
		{"after rewritten", `UPDATE audit_log SET after_json = '{"n":99}' WHERE seq = 2`, 2},
		{"record deleted", `DELETE FROM audit_log WHERE seq = 2`, 3},
		{"tail truncated", `DELETE FROM audit_log WHERE seq = 4`, 4},
	}
	for _, engine := range storetest.Engines {
		t.Run(engine+"/triggers", func(t *testing.T) {
			dsn := storetest.DSN(t, engine)
			s := storetest.OpenDSN(t, engine, dsn)
			audited(t, s, 2)
			db := storetest.Raw(t, engine, dsn)
			for _, q := range []string{`UPDATE audit_log SET principal = 'x'`, `DELETE FROM audit_log`} {
				if _, err := db.Exec(q); err == nil {
					t.Errorf("%s: the database allowed it", q)
				}
			}
		})
		for _, tc := range cases {
			t.Run(engine+"/"+tc.name, func(t *testing.T) {
				dsn := storetest.DSN(t, engine)
				s := storetest.OpenDSN(t, engine, dsn)
				audited(t, s, 4)
				mustExec(t, storetest.Insider(t, engine, dsn), tc.tamper)
				rep, err := s.Verify(context.Background(), nil)
				if err != nil {
					t.Fatal(err)
				}
				if rep.OK || rep.Audit.OK || rep.Audit.FirstBreak == nil || rep.Audit.FirstBreak.Seq != tc.wantSeq {
					t.Errorf("after tampering: %+v, want the audit trail broken at %d", rep.Audit, tc.wantSeq)
				}
			})
		}
	}
}

// TestVisibility: a view limits lists and single reads to its scope.
func TestVisibility(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := storetest.Build(t, s)
		receive(t, s, w.DepotA, storetest.Tent, "A1", "", 5)
		receive(t, s, w.DepotB, storetest.Tent, "B1", "", 7)
		keeper := &access.View{Depots: []string{w.DepotB}}
		elsewhere := &access.View{AreaPath: "110000/110999/"}
		district := &access.View{AreaPath: "110000/110111/"}
		for name, tc := range map[string]struct {
			view  *access.View
			lots  int
			total stock.Quantity
		}{"nil": {nil, 2, stock.Units(12)}, "keeper": {keeper, 1, stock.Units(7)}, "other district": {elsewhere, 0, 0},
			"district": {district, 2, stock.Units(12)}, "nothing": {&access.View{}, 0, 0}} {
			page, err := s.StockLots(ctx, store.LotQuery{View: tc.view})
			if err != nil || page.Total != tc.lots {
				t.Errorf("%s: %d lots (%v), want %d", name, page.Total, err, tc.lots)
			}
			rep, err := s.Balances(ctx, store.BalanceQuery{GroupBy: "item", View: tc.view})
			if err != nil || rep.Totals.Quantity != tc.total {
				t.Errorf("%s: balance %v (%v), want %v", name, rep.Totals.Quantity, err, tc.total)
			}
			moves, err := s.StockMovements(ctx, store.MovementQuery{View: tc.view})
			if err != nil || int(moves.Total) != tc.lots {
				t.Errorf("%s: %d movements (%v), want %d", name, moves.Total, err, tc.lots)
			}
		}
		if err := s.CheckVisible(ctx, keeper, "depot", w.DepotA); !apperr.IsKind(err, apperr.NotFound) {
			t.Errorf("the keeper sees the other depot: %v", err)
		}
		lots, _ := s.Lots(ctx, store.LotFilter{View: keeper})
		if len(lots) != 1 {
			t.Errorf("keeper's lots: %+v", lots)
		}
		depots, _ := s.Depots(ctx, store.DepotFilter{View: keeper})
		if len(depots) != 1 || depots[0].Code != w.DepotB {
			t.Errorf("keeper's depots: %+v", depots)
		}
	})
}
