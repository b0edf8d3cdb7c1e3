package ops_test

import (
	"context"
	"testing"
	"time"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/account"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/audit"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/ops"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
)

var cheap = account.Params{MemoryKiB: 64, Time: 1, Threads: 1}

// clock is a test clock the test moves on.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// accounts returns the use cases over a fresh store of engine with the
// storetest World, on clock c, and a city administrator.
func accounts(t *testing.T, engine string, c *clock) (*ops.Service, *store.Store, access.Actor) {
	t.Helper()
	s := storetest.Open(t, engine, store.WithClock(c.now))
	storetest.Build(t, s)
	svc := ops.New(s, ops.Options{PasswordParams: cheap})
	pw, err := svc.FirstRun(t.Context())
	if err != nil || len(pw) != 16 {
		t.Fatalf("first run: %q %v", pw, err)
	}
	if again, err := svc.FirstRun(t.Context()); again != "" || err != nil {
		t.Fatalf("a second first run made another administrator: %q %v", again, err)
	}
	admin, err := svc.SignInCommand(t.Context(), ops.FirstAdmin, pw)
	if err != nil {
		t.Fatal(err)
	}
	if len(admin.Roles) != 0 {
		t.Fatalf("an administrator with a one-time password acts with roles %v before changing it", admin.Roles)
	}
	admin.Roles = []access.Role{access.RoleAdmin} // as if changed; ChangePassword is tested below
	return svc, s, admin
}

func eachEngine(t *testing.T, fn func(t *testing.T, engine string)) {
	for _, engine := range storetest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			fn(t, engine)
		})
	}
}

func TestSignInSessionsAndPasswords(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		c := &clock{time.Date(2026, 6, 1, 2, 0, 0, 0, time.UTC)}
		svc, s, admin := accounts(t, engine, c)
		u, _, err := svc.CreateUser(ctx, admin, account.User{Username: "duty", Name: "值班员",
			Roles: []access.Role{access.RoleCommander}, AreaCode: "110000", OrgCode: "BJ-EMB"}, "a good passphrase")
		if err != nil {
			t.Fatal(err)
		}
		in, err := svc.SignIn(ctx, ops.SignInRequest{Username: " Duty ", Password: "a good passphrase", Address: "10.1.1.1"})
		if err != nil {
			t.Fatal(err)
		}
		who, err := svc.Authenticate(ctx, in.Secret, "10.1.1.1")
		if err != nil || who.ID != "user:2" || !who.Has(access.RoleCommander) || who.Address != "10.1.1.1" {
			t.Fatalf("Authenticate: %+v %v", who, err)
		}
		// Idle for longer than the idle timeout: the session has ended.
		c.t = c.t.Add(account.DefaultIdleTimeout + time.Minute)
		if _, err := svc.Authenticate(ctx, in.Secret, ""); apperr.CodeOf(err) != "auth.session_ended" {
			t.Errorf("an idle session: %v", err)
		}
		in, _ = svc.SignIn(ctx, ops.SignInRequest{Username: "duty", Password: "a good passphrase", Address: "10.1.1.1",
			Device: in.Device})
		other, _ := svc.SignIn(ctx, ops.SignInRequest{Username: "duty", Password: "a good passphrase", Address: "10.1.1.2"})
		if err := svc.ChangePassword(ctx, who, in.Secret, "a good passphrase", "another passphrase"); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Authenticate(ctx, in.Secret, ""); err != nil {
			t.Errorf("the session that changed the password ended: %v", err)
		}
		if _, err := svc.Authenticate(ctx, other.Secret, ""); apperr.CodeOf(err) != "auth.session_ended" {
			t.Errorf("another session survived the password change: %v", err)
		}
		if err := svc.ChangePassword(ctx, who, in.Secret, "wrong", "a third passphrase"); apperr.CodeOf(err) != "password.wrong" {
			t.Errorf("change with a wrong password: %v", err)
		}
		// Disabling the user ends the session at once.
		u, _ = s.User(ctx, u.ID)
		u.Disabled = true
		if _, err := svc.UpdateUser(ctx, admin, u); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Authenticate(ctx, in.Secret, ""); apperr.CodeOf(err) != "auth.session_ended" {
			t.Errorf("a disabled user's session: %v", err)
		}
		if _, err := svc.SignIn(ctx, ops.SignInRequest{Username: "duty", Password: "another passphrase"}); apperr.CodeOf(err) != "auth.disabled" {
			t.Errorf("a disabled user signs in: %v", err)
		}
		records, _ := svc.Audit(ctx, admin, audit.Query{ObjectKind: "user"})
		actions := map[string]int{}
		for _, r := range records {
			actions[r.Action]++
		}
		for _, a := range []string{"user.create", "session.create", "user.password_change", "user.update", "session.refused"} {
			if actions[a] == 0 {
				t.Errorf("no %s in the audit trail: %v", a, actions)
			}
		}
	})
}

// TestSignInSlowsDownButNeverLocksTheOwnerOut: failures make the account
// and the address wait; the owner's own browser, known from an earlier
// sign-in, is not held off by an attacker's failures.
func TestSignInSlowsDownButNeverLocksTheOwnerOut(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		c := &clock{time.Date(2026, 6, 1, 2, 0, 0, 0, time.UTC)}
		svc, _, admin := accounts(t, engine, c)
		if _, _, err := svc.CreateUser(ctx, admin, account.User{Username: "duty", Roles: []access.Role{access.RoleCommander},
			AreaCode: "110000", OrgCode: "BJ-EMB"}, "a good passphrase"); err != nil {
			t.Fatal(err)
		}
		owner, err := svc.SignIn(ctx, ops.SignInRequest{Username: "duty", Password: "a good passphrase", Address: "10.0.0.5"})
		if err != nil {
			t.Fatal(err)
		}
		attack := ops.SignInRequest{Username: "duty", Password: "guess", Address: "203.0.113.9"}
		var last error
		for range account.AccountBackoff.Free + 1 {
			_, last = svc.SignIn(ctx, attack)
		}
		if apperr.CodeOf(last) != "auth.bad_credentials" {
			t.Fatalf("the last guess: %v", last)
		}
		if _, err := svc.SignIn(ctx, attack); apperr.CodeOf(err) != "auth.throttled" {
			t.Errorf("a guess right after: %v", err)
		}
		// The right password from a new browser waits too: the account is slowed.
		if _, err := svc.SignIn(ctx, ops.SignInRequest{Username: "duty", Password: "a good passphrase",
			Address: "10.0.0.6"}); apperr.CodeOf(err) != "auth.throttled" {
			t.Errorf("a new browser during the attack: %v", err)
		}
		// The owner's known browser signs in at once.
		if _, err := svc.SignIn(ctx, ops.SignInRequest{Username: "duty", Password: "a good passphrase",
			Address: "10.0.0.5", Device: owner.Device}); err != nil {
			t.Errorf("the owner's browser is locked out: %v", err)
		}
		// And after the wait, the account is open again.
		c.t = c.t.Add(account.AccountBackoff.Max)
		if _, err := svc.SignIn(ctx, ops.SignInRequest{Username: "duty", Password: "a good passphrase",
			Address: "10.0.0.7"}); err != nil {
			t.Errorf("after the wait: %v", err)
		}
	})
}

func TestTokens(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		c := &clock{time.Date(2026, 6, 1, 2, 0, 0, 0, time.UTC)}
		svc, s, admin := accounts(t, engine, c)
		if _, _, err := svc.CreateUser(ctx, admin, account.User{Username: "grain-system", Roles: []access.Role{access.RolePartner},
			AreaCode: "110000", OrgCode: "BJ-EMB"}, ""); err != nil {
			t.Fatal(err)
		}
		tok, secret, err := svc.CreateToken(ctx, admin, account.Token{Name: "粮储系统", Username: "grain-system",
			ExpiresAt: c.t.Add(30 * 24 * time.Hour).Unix()})
		if err != nil {
			t.Fatal(err)
		}
		who, err := svc.AuthenticateToken(ctx, secret, "10.2.2.2")
		if err != nil || who.ID != "token:1" || !who.Has(access.RolePartner) || who.Scope.Org != "BJ-EMB" {
			t.Fatalf("AuthenticateToken: %+v %v", who, err)
		}
		c.t = c.t.Add(30 * time.Second)
		svc.AuthenticateToken(ctx, secret, "")
		if got, _ := s.Token(ctx, tok.ID); got.LastUsed != c.t.Add(-30*time.Second).Unix() {
			t.Errorf("last used %d: written again within a minute", got.LastUsed)
		}
		c.t = c.t.Add(time.Minute)
		svc.AuthenticateToken(ctx, secret, "")
		if got, _ := s.Token(ctx, tok.ID); got.LastUsed != c.t.Unix() {
			t.Errorf("last used %d, want %d", got.LastUsed, c.t.Unix())
		}
		if _, err := svc.RevokeToken(ctx, admin, tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AuthenticateToken(ctx, secret, ""); apperr.CodeOf(err) != "auth.token_invalid" {
			t.Errorf("a revoked token: %v", err)
		}
		if _, err := svc.AuthenticateToken(ctx, "spk_forged", ""); apperr.CodeOf(err) != "auth.token_invalid" {
			t.Errorf("a forged token: %v", err)
		}
		viewer := access.Actor{Principal: access.Principal{ID: "user:9"}, Roles: []access.Role{access.RoleViewer},
			Scope: access.Scope{All: true}}
		if _, _, err := svc.CreateToken(ctx, viewer, account.Token{Name: "x", Username: "grain-system",
			ExpiresAt: c.t.Add(time.Hour).Unix()}); apperr.CodeOf(err) != "auth.forbidden" {
			t.Errorf("a viewer issued a token: %v", err)
		}
	})
}

// TestActsAreAuthorisedAndAudited: a change is checked against the rules
// and its scope, recorded in the audit trail in its transaction, and a
// refused one writes nothing at all.
func TestActsAreAuthorisedAndAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := storetest.Build(t, s)
		svc := ops.New(s, ops.Options{PasswordParams: cheap})
		elsewhere := access.Actor{Principal: access.Principal{ID: "user:7"}, Roles: []access.Role{access.RoleManager},
			Scope: access.Scope{AreaPath: "110000/110999/"}}
		receipt := stock.Posting{Reason: "入库", Lines: []stock.Line{{Kind: stock.KindReceive, Depot: w.DepotA,
			Item: storetest.Tent, Quantity: stock.Units(5), NewLot: &stock.LotSpec{Batch: "B"}}}}
		if _, err := svc.Post(ctx, elsewhere, receipt); apperr.CodeOf(err) != "auth.out_of_scope" {
			t.Errorf("a manager of another district posts: %v", err)
		}
		item := catalog.Item{Code: "1010190", NameZH: "测试物资", UnitZH: "件", Counted: true, Purpose: catalog.PurposeLife}
		if _, err := svc.CreateItem(ctx, elsewhere, item); apperr.CodeOf(err) != "auth.out_of_scope" {
			t.Errorf("a district manager adds to the city's catalogue: %v", err)
		}
		if recs, _ := s.AuditRecords(ctx, audit.Query{}); len(recs) != 0 {
			t.Errorf("refused acts were recorded: %+v", recs)
		}
		city := access.Actor{Principal: access.Principal{ID: "user:8"}, Roles: []access.Role{access.RoleManager},
			Scope: access.Scope{AreaPath: "110000/"}, Address: "10.9.9.9"}
		if _, err := svc.CreateItem(ctx, city, item); err != nil {
			t.Fatal(err)
		}
		res, err := svc.Post(ctx, city, receipt)
		if err != nil || res.Actor != "user:8" {
			t.Fatalf("post: %+v %v", res, err)
		}
		recs, _ := s.AuditRecords(ctx, audit.Query{Principal: "user:8"})
		if len(recs) != 1 || recs[0].Action != "item.create" || recs[0].Object.ID != "1010190" || recs[0].Address != "10.9.9.9" {
			t.Errorf("audit after creating an item: %+v", recs)
		}
		if _, err := svc.CreateItem(ctx, city, item); !apperr.IsKind(err, apperr.Conflict) {
			t.Errorf("a duplicate item: %v", err)
		}
		if recs, _ := s.AuditRecords(ctx, audit.Query{}); len(recs) != 1 {
			t.Errorf("a failed create left an audit record: %+v", recs)
		}
	})
}
