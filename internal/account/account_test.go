package account_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/account"
	"github.com/stockpile-dev/stockpile/internal/apperr"
)

var cheap = account.Params{MemoryKiB: 64, Time: 1, Threads: 1}

func TestHashAndVerify(t *testing.T) {
	h := account.Hash("correct horse battery", cheap)
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("hash %q is not a PHC argon2id string", h)
	}
	if !account.Verify(h, "correct horse battery") || account.Verify(h, "correct horse batterz") {
		t.Error("Verify does not tell the right password from a wrong one")
	}
	if h2 := account.Hash("correct horse battery", cheap); h2 == h {
		t.Error("two hashes of one password are equal: no salt")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=64,t=1,p=1$c2FsdA$aGFzaA", "$argon2id$v=19$m=64,t=0,p=1$c2FsdA$aGFzaA",
		"$argon2id$v=19$m=99999999,t=1,p=1$c2FsdA$aGFzaA", "$argon2id$v=18$m=64,t=1,p=1$c2FsdA$aGFzaA", "plain"} {
		if account.Verify(bad, "x") {
			t.Errorf("malformed hash %q verifies", bad)
		}
	}
}

func TestCheckPassword(t *testing.T) {
	for pw, want := range map[string]string{"short": "password.too_short", strings.Repeat("x", 257): "password.too_long",
		"Keeper-0001": "password.is_username", "a long enough one": ""} {
		err := account.CheckPassword("keeper-0001", pw)
		if got := codeOf(err); got != want {
			t.Errorf("CheckPassword(%.12q) = %q, want %q", pw, got, want)
		}
	}
}

func TestSecrets(t *testing.T) {
	a, b := account.NewSecret("spk_"), account.NewSecret("spk_")
	if a.Plain == b.Plain || !strings.HasPrefix(a.Plain, "spk_") || len(a.Plain) < 4+43 {
		t.Errorf("secrets %q %q", a.Plain, b.Plain)
	}
	if a.Hash != account.HashSecret(a.Plain) || len(a.Hash) != 64 || strings.Contains(a.Hash, a.Plain) {
		t.Errorf("hash %q of %q", a.Hash, a.Plain)
	}
	pw := account.NewPassword()
	if len(pw) != 16 || strings.ContainsAny(pw, "0O1lI") {
		t.Errorf("one-time password %q", pw)
	}
}

// TestBackoffGrowsAndForgets: free attempts, then doubling waits up to the
// cap, and nothing once the failures are old. There is never a lock: the
// wait is bounded by Max.
func TestBackoffGrowsAndForgets(t *testing.T) {
	b := account.Backoff{Free: 2, Base: time.Second, Max: 8 * time.Second, Forget: time.Hour}
	now := time.Unix(1_000_000, 0)
	last := now.Unix()
	for failures, want := range map[int]time.Duration{1: 0, 2: 0, 3: time.Second, 4: 2 * time.Second,
		5: 4 * time.Second, 6: 8 * time.Second, 50: 8 * time.Second} {
		if got := b.Wait(failures, last, now); got != want {
			t.Errorf("wait after %d failures = %v, want %v", failures, got, want)
		}
	}
	if got := b.Wait(6, last, now.Add(3*time.Second)); got != 5*time.Second {
		t.Errorf("wait 3 s later = %v, want 5s", got)
	}
	if got := b.Wait(50, last, now.Add(time.Hour)); got > 0 {
		t.Errorf("failures an hour old still make one wait %v", got)
	}
	if account.AccountBackoff.Max > time.Minute {
		t.Errorf("an account can be held off for %v: that is a lock-out", account.AccountBackoff.Max)
	}
}

func TestUserValidate(t *testing.T) {
	ok := account.User{Username: " Keeper.01 ", Roles: []access.Role{access.RoleKeeper}, AreaCode: "110109",
		OrgCode: "110109-EMB", Depots: []string{"S-2", "S-1", "S-2"}}
	if err := ok.Validate(); err != nil || ok.Username != "keeper.01" || len(ok.Depots) != 2 || ok.Name != "keeper.01" {
		t.Errorf("Validate: %v, %+v", err, ok)
	}
	for name, u := range map[string]account.User{
		"user.username_invalid": {Username: "王", Roles: []access.Role{access.RoleViewer}, AreaCode: "1", OrgCode: "o"},
		"user.roles_required":   {Username: "ab", AreaCode: "1", OrgCode: "o"},
		"user.role_invalid":     {Username: "ab", Roles: []access.Role{"root"}, AreaCode: "1", OrgCode: "o"},
		"user.depots_required":  {Username: "ab", Roles: []access.Role{access.RoleKeeper}, AreaCode: "1", OrgCode: "o"},
		"required":              {Username: "ab", Roles: []access.Role{access.RoleViewer}},
	} {
		if got := codeOf(u.Validate()); got != name {
			t.Errorf("Validate(%+v) = %q, want %q", u, got, name)
		}
	}
	admin := account.User{Username: "admin", Roles: []access.Role{access.RoleAdmin}}
	if err := admin.Validate(); err != nil || !admin.Actor("").Scope.All {
		t.Errorf("an administrator without area is of the whole installation: %v", err)
	}
}

func TestSessionAndToken(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	s := account.Session{LastSeen: now.Unix() - 3600, ExpiresAt: now.Unix() + 10}
	if !s.Live(now, 2*time.Hour) || s.Live(now, 30*time.Minute) || s.Live(now.Add(20*time.Second), 2*time.Hour) {
		t.Error("idle and absolute expiry")
	}
	s.Revoked = true
	if s.Live(now, 2*time.Hour) {
		t.Error("a revoked session lives")
	}
	tok := account.Token{Name: "商务局系统", ExpiresAt: now.Add(24 * time.Hour).Unix()}
	if err := tok.Validate(now); err != nil || !tok.Active(now) {
		t.Errorf("token: %v", err)
	}
	tok.ExpiresAt = now.Add(3 * 366 * 24 * time.Hour).Unix()
	if codeOf(tok.Validate(now)) != "token.expiry_invalid" {
		t.Error("a token valid for three years was accepted")
	}
	if account.Stale(now.Unix()-30, now) || !account.Stale(now.Unix()-61, now) {
		t.Error("Stale: at most one write a minute")
	}
}

func codeOf(err error) string {
	if err == nil {
		return ""
	}
	if e, ok := apperr.As(err); ok {
		if strings.HasSuffix(e.Code, ".required") {
			return "required"
		}
		return e.Code
	}
	return err.Error()
}

// BenchmarkHash is what a sign-in costs in hashing, with the parameters
// new passwords get.
func BenchmarkHash(b *testing.B) {
	for b.Loop() {
		account.Hash("correct horse battery", account.DefaultParams)
	}
}
