package ops

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/account"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/audit"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// userOf returns the user who is, or an error when who is not a user
// signed in with a session (a token or the system has no password).
func (s *Service) userOf(ctx context.Context, who access.Actor) (account.User, error) {
	kind, id, _ := strings.Cut(who.ID, ":")
	n, err := strconv.ParseInt(id, 10, 64)
	if kind != access.KindUser || err != nil {
		return account.User{}, apperr.New(apperr.Forbidden, "auth.not_a_user", "只有登录的用户才能这样做",
			"only a signed-in user can do this")
	}
	return s.store.User(ctx, n)
}

// Me returns the signed-in user, or the user a token acts for.
func (s *Service) Me(ctx context.Context, who access.Actor) (account.User, error) {
	if !who.Signed() { // a user who must change their password has no roles, but is still themselves
		return account.User{}, access.ErrSignInRequired()
	}
	return s.userOf(ctx, access.Actor{Principal: access.Principal{ID: who.User}})
}

// ChangePassword replaces who's password after checking the old one, and
// ends their other sessions (keep is the current session's secret). Only
// a signed-in user may: a token has no password.
func (s *Service) ChangePassword(ctx context.Context, who access.Actor, keep, old, next string) error {
	if !who.Signed() {
		return access.ErrSignInRequired()
	}
	u, err := s.userOf(ctx, who)
	if err != nil {
		return err
	}
	_, hash, err := s.store.UserCredentials(ctx, u.Username)
	if err != nil {
		return err
	}
	if !account.Verify(hash, old) {
		return apperr.New(apperr.Invalid, "password.wrong", "原密码不正确", "the current password is wrong").
			WithField("old_password")
	}
	if err := account.CheckPassword(u.Username, next); err != nil {
		return apperr.Rebase(err, "password", "new_password")
	}
	if next == old {
		return apperr.New(apperr.Invalid, "password.unchanged", "新密码不能与原密码相同",
			"the new password must differ from the current one").WithField("new_password")
	}
	newHash := account.Hash(next, s.params)
	return s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.SetPassword(ctx, u.ID, newHash, false); err != nil {
			return err
		}
		if err := tx.RevokeOtherSessions(ctx, u.ID, account.HashSecret(keep)); err != nil {
			return err
		}
		if err := tx.DropDemoAccount(ctx, u.Username); err != nil {
			return err
		}
		return record(ctx, tx, who, "user.password_change", userObject(u), nil, nil)
	})
}

// userObject is how the audit trail names a user: by username, which
// never changes, so that one search finds a user's sign-ins, refused ones
// included, and every change to them.
func userObject(u account.User) audit.Object {
	return audit.Object{Kind: "user", ID: u.Username, Version: u.Version}
}

// Users lists the users in who's scope.
func (s *Service) Users(ctx context.Context, who access.Actor) ([]account.User, error) {
	if err := who.Allow(access.UserManage); err != nil {
		return nil, err
	}
	return s.store.Users(ctx, viewPath(who.View(access.UserManage)))
}

// viewPath is the area path prefix a view lists by: "" for all.
func viewPath(v access.View) string {
	if v.All {
		return ""
	}
	if v.AreaPath == "" {
		return "\x00" // matches no path
	}
	return v.AreaPath
}

// User returns one user in who's scope.
func (s *Service) User(ctx context.Context, who access.Actor, id int64) (account.User, error) {
	if err := who.Allow(access.UserManage); err != nil {
		return account.User{}, err
	}
	u, err := s.store.User(ctx, id)
	if err != nil {
		return u, err
	}
	return u, who.Allow(access.UserManage, u.Place())
}

// CreateUser adds a user in who's scope. With password "" the user gets
// a one-time password, returned here and shown once, that must be changed
// at the first sign-in.
func (s *Service) CreateUser(ctx context.Context, who access.Actor, u account.User, password string) (account.User, string, error) {
	if err := u.Validate(); err != nil {
		return u, "", err
	}
	if err := s.allowUser(ctx, who, u); err != nil {
		return u, "", err
	}
	u.MustChangePassword = password == ""
	if password == "" {
		password = account.NewPassword()
	} else if err := account.CheckPassword(u.Username, password); err != nil {
		return u, "", err
	}
	hash := account.Hash(password, s.params)
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		var err error
		if u, err = tx.CreateUser(ctx, u, hash); err != nil {
			return err
		}
		return record(ctx, tx, who, "user.create", userObject(u), nil, u)
	})
	return u, password, err
}

// allowUser checks that u's area lies in who's scope.
func (s *Service) allowUser(ctx context.Context, who access.Actor, u account.User) error {
	if u.AreaCode == "" {
		return who.Allow(access.UserManage, account.User{}.Place())
	}
	return s.allow(ctx, who, access.UserManage, "area", u.AreaCode)
}

// UpdateUser changes a user's name, roles, scope and whether they are
// disabled; disabling ends their sessions. u.Version must be the version
// read (user.stale otherwise); its username, if given, the stored one. An administrator cannot disable themselves
// or take away their own administrator role, so that no one locks the
// installation out by mistake, whether they act signed in or with a
// token of theirs.
func (s *Service) UpdateUser(ctx context.Context, who access.Actor, u account.User) (account.User, error) {
	before, err := s.User(ctx, who, u.ID)
	if err != nil {
		return u, err
	}
	if u.Username != "" && !strings.EqualFold(strings.TrimSpace(u.Username), before.Username) {
		return u, apperr.New(apperr.Invalid, "user.username_fixed", "用户名不能修改（记录以它为名）",
			"a username cannot change: records name it").WithField("username")
	}
	u.Username, u.CreatedAt = before.Username, before.CreatedAt
	if err := u.Validate(); err != nil {
		return u, err
	}
	if err := s.allowUser(ctx, who, u); err != nil {
		return u, err
	}
	if who.User == access.KindUser+":"+strconv.FormatInt(u.ID, 10) && (u.Disabled || !slices.Contains(u.Roles, access.RoleAdmin)) {
		return u, apperr.New(apperr.Conflict, "user.self_lockout", "不能停用自己或撤销自己的管理员角色",
			"you cannot disable yourself or take away your own administrator role")
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		var err error
		if u, err = tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		if u.Disabled {
			if _, err := tx.RevokeSessions(ctx, u.ID); err != nil {
				return err
			}
		}
		return record(ctx, tx, who, "user.update", userObject(u), before, u)
	})
	return u, err
}

// ResetPassword gives a user a new one-time password, returned here and
// shown once, and ends their sessions.
func (s *Service) ResetPassword(ctx context.Context, who access.Actor, id int64) (string, error) {
	u, err := s.User(ctx, who, id)
	if err != nil {
		return "", err
	}
	password := account.NewPassword()
	hash := account.Hash(password, s.params)
	return password, s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.SetPassword(ctx, u.ID, hash, true); err != nil {
			return err
		}
		if _, err := tx.RevokeSessions(ctx, u.ID); err != nil {
			return err
		}
		if err := tx.DropDemoAccount(ctx, u.Username); err != nil {
			return err
		}
		return record(ctx, tx, who, "user.password_reset", userObject(u), nil, nil)
	})
}

// EndSessions signs a user out everywhere.
func (s *Service) EndSessions(ctx context.Context, who access.Actor, id int64) (int64, error) {
	u, err := s.User(ctx, who, id)
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if n, err = tx.RevokeSessions(ctx, u.ID); err != nil {
			return err
		}
		return record(ctx, tx, who, "user.sessions_end", userObject(u), nil, map[string]int64{"ended": n})
	})
	return n, err
}

// Tokens lists the API tokens of users in who's scope.
func (s *Service) Tokens(ctx context.Context, who access.Actor) ([]account.Token, error) {
	if err := who.Allow(access.TokenManage); err != nil {
		return nil, err
	}
	return s.store.Tokens(ctx, viewPath(who.View(access.TokenManage)))
}

// CreateToken issues an API token acting as the user t.Username, in who's
// scope, and returns its secret, which is shown once and never stored.
func (s *Service) CreateToken(ctx context.Context, who access.Actor, t account.Token) (account.Token, string, error) {
	if err := who.Allow(access.TokenManage); err != nil {
		return t, "", err
	}
	now := s.store.Now()
	if err := t.Validate(now); err != nil {
		return t, "", err
	}
	u, _, err := s.store.UserCredentials(ctx, strings.ToLower(strings.TrimSpace(t.Username)))
	if err != nil {
		return t, "", apperr.Within("username", err)
	}
	if err := who.Allow(access.TokenManage, u.Place()); err != nil {
		return t, "", err
	}
	secret := account.NewSecret("spk_")
	t.Hash, t.UserID, t.Username, t.CreatedBy, t.CreatedAt = secret.Hash, u.ID, u.Username, who.ID, now.Unix()
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if t, err = tx.CreateToken(ctx, t); err != nil {
			return err
		}
		return record(ctx, tx, who, "token.create", tokenObject(t), nil, t)
	})
	return t, secret.Plain, err
}

func tokenObject(t account.Token) audit.Object {
	return audit.Object{Kind: "token", ID: strconv.FormatInt(t.ID, 10)}
}

// RevokeToken revokes an API token for good.
func (s *Service) RevokeToken(ctx context.Context, who access.Actor, id int64) (account.Token, error) {
	if err := who.Allow(access.TokenManage); err != nil {
		return account.Token{}, err
	}
	t, err := s.store.Token(ctx, id)
	if err != nil {
		return t, err
	}
	u, err := s.store.User(ctx, t.UserID)
	if err != nil {
		return t, err
	}
	if err := who.Allow(access.TokenManage, u.Place()); err != nil {
		return t, err
	}
	if t.RevokedAt != 0 {
		return t, nil // revoked already: nothing changes, nothing to record
	}
	before := t
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.RevokeToken(ctx, id, s.store.Now().Unix()); err != nil {
			return err
		}
		if t, err = tx.Token(ctx, id); err != nil {
			return err
		}
		return record(ctx, tx, who, "token.revoke", tokenObject(t), before, t)
	})
	return t, err
}

// Audit searches the audit trail.
// The trail holds every district's acts, so only a city-level scope may.
func (s *Service) Audit(ctx context.Context, who access.Actor, q audit.Query) ([]audit.Record, error) {
	if err := s.allowCity(ctx, who, access.AuditRead); err != nil {
		return nil, err
	}
	return s.store.AuditRecords(ctx, q)
}
