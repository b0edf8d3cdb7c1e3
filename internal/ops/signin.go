package ops

import (
	"context"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/account"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/audit"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// SignInRequest is an attempt to sign in.
type SignInRequest struct {
	Username, Password string
	// Address is where the attempt comes from (an IP address).
	Address string
	// Device is the browser's device cookie, if it has one: a browser
	// that signed in to the account before is exempt from the account's
	// delays.
	Device string
}

// SignedIn is a new session: Secret goes into the session cookie, Device
// into the device cookie; neither is stored.
type SignedIn struct {
	User     account.User
	Actor    access.Actor
	Secret   string
	Expires  time.Time     // the session's absolute expiry, on the store's clock
	Lifetime time.Duration // how long from now that is
	Device   string
}

// throttleKey is one key sign-in failures are counted under.
type throttleKey struct {
	key     string
	backoff account.Backoff
}

// SignIn checks a username and password and opens a session. Failed
// attempts slow down further ones from the same address and on the same
// account (account.Backoff), and are recorded in the audit trail; an
// attempt that comes too soon is refused (auth.throttled) without looking
// at the password.
func (s *Service) SignIn(ctx context.Context, req SignInRequest) (SignedIn, error) {
	u, keys, err := s.checkPassword(ctx, req)
	if err != nil {
		return SignedIn{}, err
	}
	return s.openSession(ctx, u, keys, req, s.store.Now())
}

// commandLine is the address of what is done at the command line.
const commandLine = "cli"

// SignInCommand checks a username and password given at the command line
// and returns the user acting from there (address "cli"), under the same
// delays and audit as a sign-in on the web; no session is kept.
func (s *Service) SignInCommand(ctx context.Context, username, password string) (access.Actor, error) {
	req := SignInRequest{Username: username, Password: password, Address: commandLine}
	u, keys, err := s.checkPassword(ctx, req)
	if err != nil {
		return access.Nobody(), err
	}
	who := u.Actor(req.Address)
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := clearFailures(ctx, tx, keys); err != nil {
			return err
		}
		return record(ctx, tx, who, "session.command", userObject(u), nil, nil)
	})
	return who, err
}

// checkPassword checks a sign-in attempt against the delays and the
// password, records a failure, and returns the user and the keys the
// attempt was counted under.
func (s *Service) checkPassword(ctx context.Context, req SignInRequest) (account.User, []throttleKey, error) {
	now := s.store.Now()
	username := strings.ToLower(strings.TrimSpace(req.Username))
	u, hash, err := s.store.UserCredentials(ctx, username)
	if err != nil && !apperr.IsKind(err, apperr.NotFound) {
		return u, nil, err
	}
	keys, err := s.throttleKeys(ctx, u, username, req)
	if err != nil {
		return u, nil, err
	}
	for _, k := range keys {
		f, err := s.store.Failures(ctx, k.key)
		if err != nil {
			return u, nil, err
		}
		if wait := k.backoff.Wait(f.Count, f.Last, now); wait > 0 {
			return u, nil, account.ErrThrottled(wait)
		}
	}
	var ok bool
	if u.ID == 0 {
		ok = account.VerifyNobody()
	} else {
		ok = account.Verify(hash, req.Password)
	}
	if ok && !u.Disabled {
		return u, keys, nil
	}
	reason := "bad_credentials"
	if ok {
		reason = "disabled"
	}
	who := access.Actor{Principal: access.Anonymous(), Address: req.Address}
	obj := audit.Object{Kind: "user", ID: truncate(username, 64)}
	if err := s.refuseSignIn(ctx, who, obj, keys, reason, now); err != nil {
		return u, nil, err
	}
	if ok {
		return u, nil, apperr.New(apperr.Forbidden, "auth.disabled", "该账号已停用，请联系管理员",
			"this account is disabled: ask an administrator")
	}
	return u, nil, account.ErrBadCredentials()
}

// truncate cuts s to at most n bytes, at a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// clearFailures forgets the failures under the keys of a successful
// attempt, but for the address: it stays slowed for other accounts.
func clearFailures(ctx context.Context, tx *store.Store, keys []throttleKey) error {
	for _, k := range keys {
		if !strings.HasPrefix(k.key, "address:") {
			if err := tx.ClearFailures(ctx, k.key); err != nil {
				return err
			}
		}
	}
	return nil
}

// throttleKeys are the keys a sign-in attempt is counted under: its known
// device alone, or else the account and the address.
func (s *Service) throttleKeys(ctx context.Context, u account.User, username string, req SignInRequest) ([]throttleKey, error) {
	if req.Device != "" && u.ID != 0 {
		dev := account.HashSecret(req.Device)
		known, err := s.store.DeviceKnown(ctx, dev, u.ID)
		if err != nil {
			return nil, err
		}
		if known {
			return []throttleKey{{"device:" + dev, account.DeviceBackoff}}, nil
		}
	}
	keys := []throttleKey{{"account:" + account.HashSecret(username), account.AccountBackoff}}
	if req.Address != commandLine { // everyone at the command line shares "cli": count per account only
		keys = append(keys, throttleKey{"address:" + req.Address, account.AddressBackoff})
	}
	return keys, nil
}

// refuseSignIn counts a failure under every key and records the refusal.
func (s *Service) refuseSignIn(ctx context.Context, who access.Actor, obj audit.Object, keys []throttleKey,
	reason string, now time.Time) error {
	return s.store.InTx(ctx, func(tx *store.Store) error {
		for _, k := range keys {
			if err := tx.RecordFailure(ctx, k.key, now.Unix(), int64(k.backoff.Forget/time.Second)); err != nil {
				return err
			}
		}
		return record(ctx, tx, who, "session.refused", obj, nil, map[string]string{"reason": reason})
	})
}

// openSession stores a new session for u and records the sign-in.
func (s *Service) openSession(ctx context.Context, u account.User, keys []throttleKey, req SignInRequest,
	now time.Time) (SignedIn, error) {
	secret := account.NewSecret("")
	out := SignedIn{User: u, Actor: u.Actor(req.Address), Secret: secret.Plain, Expires: now.Add(s.absolute),
		Lifetime: s.absolute, Device: req.Device}
	if out.Device == "" || len(keys) > 1 {
		out.Device = account.NewSecret("").Plain // a new browser: remember it from now on
	}
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		if err := clearFailures(ctx, tx, keys); err != nil {
			return err
		}
		if err := tx.AddDevice(ctx, account.HashSecret(out.Device), u.ID); err != nil {
			return err
		}
		if err := tx.CreateSession(ctx, account.Session{ID: secret.Hash, UserID: u.ID, CreatedAt: now.Unix(),
			LastSeen: now.Unix(), ExpiresAt: out.Expires.Unix(), Address: req.Address}); err != nil {
			return err
		}
		return record(ctx, tx, out.Actor, "session.create", userObject(u), nil, nil)
	})
	return out, err
}

// ErrSessionEnded is the refusal of a session cookie that no longer
// works: expired, revoked, or its user disabled.
func ErrSessionEnded() *apperr.Error {
	return apperr.New(apperr.Unauthenticated, "auth.session_ended", "登录已失效，请重新登录",
		"your session has ended: sign in again")
}

// Authenticate returns who holds the session cookie secret, acting from
// address. It writes the session's last-used time at most once a minute
// (account.TouchInterval), outside any transaction. A user who must change
// their password acts with no roles until they have.
func (s *Service) Authenticate(ctx context.Context, secret, address string) (access.Actor, error) {
	now := s.store.Now()
	id := account.HashSecret(secret)
	se, u, err := s.store.Session(ctx, id)
	if apperr.IsKind(err, apperr.NotFound) || (err == nil && (!se.Live(now, s.idle) || u.Disabled)) {
		return access.Nobody(), ErrSessionEnded()
	}
	if err != nil {
		return access.Nobody(), err
	}
	if account.Stale(se.LastSeen, now) {
		if err := s.store.TouchSession(ctx, id, now.Unix()); err != nil {
			slog.WarnContext(ctx, "ops: cannot record session use", "error", err)
		}
	}
	return u.Actor(address), nil
}

// AuthenticateToken returns who acts with the API token, from address.
// Its last-used time is written at most once a minute.
func (s *Service) AuthenticateToken(ctx context.Context, token, address string) (access.Actor, error) {
	now := s.store.Now()
	t, err := s.store.TokenByHash(ctx, account.HashSecret(token))
	invalid := apperr.New(apperr.Unauthenticated, "auth.token_invalid", "接口令牌无效、已过期或已撤销",
		"the API token is not valid, has expired or was revoked")
	if apperr.IsKind(err, apperr.NotFound) || (err == nil && !t.Active(now)) {
		return access.Nobody(), invalid
	}
	if err != nil {
		return access.Nobody(), err
	}
	u, err := s.store.User(ctx, t.UserID)
	if err != nil {
		return access.Nobody(), err
	}
	if u.Disabled {
		return access.Nobody(), invalid
	}
	if account.Stale(t.LastUsed, now) {
		if err := s.store.TouchToken(ctx, t.ID, now.Unix()); err != nil {
			slog.WarnContext(ctx, "ops: cannot record token use", "error", err)
		}
	}
	return t.Actor(u, address), nil
}

// SignOut ends the session with the cookie secret. A token has no session
// to end: nothing happens.
func (s *Service) SignOut(ctx context.Context, who access.Actor, secret string) error {
	if who.Kind() == access.KindToken {
		return nil
	}
	u, err := s.userOf(ctx, who)
	if err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.RevokeSession(ctx, account.HashSecret(secret)); err != nil {
			return err
		}
		return record(ctx, tx, who, "session.end", userObject(u), nil, nil)
	})
}
