// Package account holds the people and systems that sign in to Stockpile:
// users with their roles and scope, server-side sessions, API tokens for
// partner departments' systems, and the rules of sign-in (password hashing
// with argon2id, growing delays after failures). It decides; the store
// keeps what it decides and the HTTP surfaces carry the cookies.
package account

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/apperr"
)

// User is a person who signs in. Roles and scope decide what they may do
// (access.Rules).
type User struct {
	ID       int64         `json:"id"`
	Username string        `json:"username"`
	Name     string        `json:"name"`
	Roles    []access.Role `json:"roles"`
	// AreaCode is the area whose subtree the user's roles reach; OrgCode
	// the organisation they belong to; Depots, for keepers, the depots
	// they keep.
	AreaCode string   `json:"area_code"`
	OrgCode  string   `json:"org_code"`
	Depots   []string `json:"depots,omitempty"`
	Disabled bool     `json:"disabled"`
	// MustChangePassword is set for a one-time password: the user may do
	// nothing but change it.
	MustChangePassword bool  `json:"must_change_password"`
	CreatedAt          int64 `json:"created_at"`
	UpdatedAt          int64 `json:"updated_at"`
	Version            int64 `json:"version"`
	// AreaPath is the materialised path of AreaCode, filled by the store.
	AreaPath string `json:"-"`
}

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,63}$`)

// Validate checks a user's own fields; the store checks that the area,
// organisation and depots exist.
func (u *User) Validate() error {
	u.Username = strings.ToLower(strings.TrimSpace(u.Username))
	u.Name = strings.TrimSpace(u.Name)
	if !usernamePattern.MatchString(u.Username) {
		return apperr.New(apperr.Invalid, "user.username_invalid",
			"用户名须为 2–64 位小写字母、数字或 . _ -，以字母或数字开头",
			"a username is 2 to 64 lower-case letters, digits or . _ -, starting with a letter or digit").WithField("username")
	}
	if u.Name == "" {
		u.Name = u.Username
	}
	if len(u.Name) > 200 {
		return apperr.New(apperr.Invalid, "user.name_too_long", "姓名过长", "the name is too long").WithField("name")
	}
	if len(u.Roles) == 0 {
		return apperr.New(apperr.Invalid, "user.roles_required", "请至少指定一个角色", "give at least one role").WithField("roles")
	}
	seen := map[access.Role]bool{}
	for i, r := range u.Roles {
		if !r.Valid() || seen[r] {
			return apperr.New(apperr.Invalid, "user.role_invalid", "角色「%s」无效或重复", "role %q is not valid or repeated", r).
				WithField("roles[" + strconv.Itoa(i) + "]")
		}
		seen[r] = true
	}
	slices.Sort(u.Roles)
	// Only an administrator may belong to no area: the whole
	// installation, before any area exists.
	onlyAdmin := len(u.Roles) == 1 && u.Roles[0] == access.RoleAdmin
	if u.AreaCode == "" && !onlyAdmin {
		return apperr.Required("area_code", "所属区域", "area")
	}
	if u.OrgCode == "" && !onlyAdmin {
		return apperr.Required("org_code", "所属单位", "organisation")
	}
	if slices.Contains(u.Roles, access.RoleKeeper) && len(u.Depots) == 0 {
		return apperr.New(apperr.Invalid, "user.depots_required", "库管须指定所管储备库",
			"a warehouse keeper needs the depots they keep").WithField("depots")
	}
	slices.Sort(u.Depots)
	u.Depots = slices.Compact(u.Depots)
	return nil
}

// Actor is the user signed in with their password, acting from address.
// A user with a one-time password acts with no roles until they have
// changed it.
func (u User) Actor(address string) access.Actor {
	a := u.actor(address)
	if u.MustChangePassword {
		a.Roles, a.MustChangePassword = nil, true
	}
	return a
}

// actor is the user with their roles and scope, whatever their password.
func (u User) actor(address string) access.Actor {
	id := access.KindUser + ":" + strconv.FormatInt(u.ID, 10)
	return access.Actor{
		Principal: access.Principal{ID: id},
		User:      id,
		Name:      u.Name,
		Roles:     u.Roles,
		Scope:     access.Scope{All: u.AreaCode == "", AreaPath: u.AreaPath, Org: u.OrgCode, Depots: u.Depots},
		Address:   address,
	}
}

// Place is where the user sits, for the scope of the administrator who
// manages them.
func (u User) Place() access.Place {
	if u.AreaCode == "" {
		return access.Place{AreaPath: "/"} // the whole installation: only its like reach it
	}
	return access.Place{AreaPath: u.AreaPath, Org: u.OrgCode}
}

// Session lengths. A duty shift in a Chinese emergency-management bureau
// is 24 hours (24 小时值班); a session survives a quiet night at the duty
// desk (idle 12 h) but not a week (absolute 7 days).
const (
	DefaultIdleTimeout     = 12 * time.Hour
	DefaultAbsoluteTimeout = 7 * 24 * time.Hour
	// TouchInterval is how stale a session's or token's last-used time
	// may get before it is written again: at most one write a minute, not
	// one per request.
	TouchInterval = time.Minute
)

// Session is a signed-in browser (or API client), kept in the database so
// that it can be revoked. ID is the SHA-256 of the cookie's secret.
type Session struct {
	ID        string `json:"-"`
	UserID    int64  `json:"user_id"`
	CreatedAt int64  `json:"created_at"`
	LastSeen  int64  `json:"last_seen"`
	ExpiresAt int64  `json:"expires_at"` // absolute expiry
	Address   string `json:"address"`
	Revoked   bool   `json:"revoked"`
}

// Live reports whether the session may still be used at now with the given
// idle timeout.
func (s Session) Live(now time.Time, idle time.Duration) bool {
	t := now.Unix()
	return !s.Revoked && t < s.ExpiresAt && t-s.LastSeen < int64(idle/time.Second)
}

// Stale reports whether LastSeen is old enough to be written again.
func Stale(lastSeen int64, now time.Time) bool {
	return now.Unix()-lastSeen >= int64(TouchInterval/time.Second)
}

// Token is an API token for a partner department's system, acting as the
// user it was issued for (with that user's roles and scope), until it
// expires or is revoked. Hash is the SHA-256 of the secret.
type Token struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Username  string `json:"username"` // whose roles and scope the token carries
	CreatedBy string `json:"created_by"`
	CreatedAt int64  `json:"created_at"`
	ExpiresAt int64  `json:"expires_at"`
	RevokedAt int64  `json:"revoked_at,omitempty"`
	LastUsed  int64  `json:"last_used,omitempty"`
	Hash      string `json:"-"`
	UserID    int64  `json:"-"`
}

// MaxTokenLifetime bounds a token's validity: a partner system's key is
// renewed at least every two years.
const MaxTokenLifetime = 2 * 366 * 24 * time.Hour

// Validate checks a new token's name and expiry against now.
func (t *Token) Validate(now time.Time) error {
	t.Name = strings.TrimSpace(t.Name)
	if t.Name == "" || len(t.Name) > 200 {
		return apperr.New(apperr.Invalid, "token.name_invalid", "请为令牌起一个不超过 200 字节的名称",
			"give the token a name of at most 200 bytes").WithField("name")
	}
	if t.ExpiresAt <= now.Unix() || t.ExpiresAt > now.Add(MaxTokenLifetime).Unix() {
		return apperr.New(apperr.Invalid, "token.expiry_invalid", "令牌有效期须在将来且不超过两年",
			"a token must expire in the future and within two years").WithField("expires_at")
	}
	return nil
}

// Active reports whether the token may be used at now.
func (t Token) Active(now time.Time) bool { return t.RevokedAt == 0 && now.Unix() < t.ExpiresAt }

// Actor is the token acting for its user u, from address: with u's roles
// and scope, whether or not u has yet changed a one-time password (that
// concerns signing in, not the token).
func (t Token) Actor(u User, address string) access.Actor {
	a := u.actor(address)
	a.Principal = access.Principal{ID: access.KindToken + ":" + strconv.FormatInt(t.ID, 10)}
	a.Name = t.Name
	return a
}
