package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/account"
	"github.com/stockpile-dev/stockpile/internal/apperr"
)

const userColumns = `u.id, u.username, u.name, u.roles, COALESCE(a.code, ''), COALESCE(a.path, ''),
	COALESCE(o.code, ''), u.disabled, u.must_change, u.created_at, u.updated_at, u.version`

// userFrom joins a user's area and organisation; an administrator of the
// whole installation has neither.
const userJoins = ` LEFT JOIN areas a ON a.id = u.area_id LEFT JOIN orgs o ON o.id = u.org_id `

const userFrom = ` FROM users u` + userJoins

// scanUser scans the userColumns of a row, then the further columns into
// more.
func scanUser(r interface{ Scan(...any) error }, more ...any) (account.User, error) {
	var u account.User
	var roles string
	err := r.Scan(append([]any{&u.ID, &u.Username, &u.Name, &roles, &u.AreaCode, &u.AreaPath, &u.OrgCode,
		&u.Disabled, &u.MustChangePassword, &u.CreatedAt, &u.UpdatedAt, &u.Version}, more...)...)
	for _, r := range strings.Split(roles, ",") {
		if r != "" {
			u.Roles = append(u.Roles, access.Role(r))
		}
	}
	return u, err
}

func joinRoles(roles []access.Role) string {
	s := make([]string, len(roles))
	for i, r := range roles {
		s[i] = string(r)
	}
	return strings.Join(s, ",")
}

// CreateUser adds a user with the given password hash; its area,
// organisation and depots must exist.
func (s *Store) CreateUser(ctx context.Context, u account.User, passwordHash string) (account.User, error) {
	if err := u.Validate(); err != nil {
		return u, err
	}
	err := s.InTx(ctx, func(tx *Store) error {
		areaID, orgID, err := tx.userRefs(ctx, &u)
		if err == nil {
			err = tx.placesInUse(ctx, u.AreaCode, u.OrgCode) // no new users in a retired area or organisation
		}
		if err != nil {
			return err
		}
		now := s.now().Unix()
		u.CreatedAt, u.UpdatedAt, u.Version = now, now, 1
		err = tx.queryRow(ctx, `INSERT INTO users (username, name, roles, area_id, org_id, password_hash, disabled,
			must_change, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id`,
			u.Username, u.Name, joinRoles(u.Roles), areaID, orgID, passwordHash, u.Disabled, u.MustChangePassword,
			now, now).Scan(&u.ID)
		if err != nil {
			return apperr.Rebase(s.alreadyExists(err, "user", "用户", u.Username), "code", "username")
		}
		return tx.setUserDepots(ctx, u.ID, u.Depots)
	})
	return u, err
}

// userRefs resolves a user's area, organisation and depots, and fills the
// area path.
func (s *Store) userRefs(ctx context.Context, u *account.User) (areaID, orgID sql.NullInt64, err error) {
	if u.AreaCode != "" {
		a, err := s.Area(ctx, u.AreaCode)
		if err != nil {
			return areaID, orgID, withField(err, "area_code")
		}
		u.AreaPath, areaID = a.Path, sql.NullInt64{Int64: a.ID, Valid: true}
	}
	if u.OrgCode != "" {
		o, err := s.Org(ctx, u.OrgCode)
		if err != nil {
			return areaID, orgID, withField(err, "org_code")
		}
		orgID = sql.NullInt64{Int64: o.ID, Valid: true}
	}
	return areaID, orgID, nil
}

func (s *Store) setUserDepots(ctx context.Context, userID int64, depots []string) error {
	if _, err := s.exec(ctx, `DELETE FROM user_depots WHERE user_id = ?`, userID); err != nil {
		return err
	}
	for i, code := range depots {
		d, err := s.Depot(ctx, code)
		if err != nil {
			return withField(err, "depots["+strconv.Itoa(i)+"]")
		}
		if _, err := s.exec(ctx, `INSERT INTO user_depots (user_id, depot_id) VALUES (?, ?)`, userID, d.ID); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) userDepots(ctx context.Context, u *account.User) error {
	rows, err := s.query(ctx, `SELECT d.code FROM user_depots ud JOIN depots d ON d.id = ud.depot_id
		WHERE ud.user_id = ? ORDER BY d.code`, u.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	u.Depots = nil
	for rows.Next() {
		var code string
		if err := rows.Scan(&code); err != nil {
			return err
		}
		u.Depots = append(u.Depots, code)
	}
	return rows.Err()
}

// User returns the user with the given id.
func (s *Store) User(ctx context.Context, id int64) (account.User, error) {
	u, err := scanUser(s.queryRow(ctx, `SELECT `+userColumns+userFrom+`WHERE u.id = ?`, id))
	if err != nil {
		return u, notFound(err, "user", "用户", strconv.FormatInt(id, 10))
	}
	return u, s.userDepots(ctx, &u)
}

// UserCredentials returns the user with the given username and their
// password hash.
func (s *Store) UserCredentials(ctx context.Context, username string) (account.User, string, error) {
	var hash string
	u, err := scanUser(s.queryRow(ctx, `SELECT `+userColumns+`, u.password_hash`+userFrom+`WHERE u.username = ?`,
		username), &hash)
	if err != nil {
		return u, "", notFound(err, "user", "用户", username)
	}
	return u, hash, s.userDepots(ctx, &u)
}

// Users lists the users whose area lies in the subtree of areaPath ("" for
// all), by username.
func (s *Store) Users(ctx context.Context, areaPath string) ([]account.User, error) {
	rows, err := s.query(ctx, `SELECT `+userColumns+userFrom+`WHERE COALESCE(a.path, '') LIKE ? ORDER BY u.username`,
		likePrefix(areaPath))
	if err != nil {
		return nil, err
	}
	var out []account.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if err := s.userDepots(ctx, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// likePrefix is a LIKE pattern for strings starting with p; area paths
// hold only codes and slashes, so they need no escaping.
func likePrefix(p string) string { return p + "%" }

// CountUsers returns how many users there are.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, err
}

// UpdateUser writes a user's name, roles, area, organisation, depots and
// whether it is disabled, if its version is still u.Version, and bumps the
// version. A stale version is refused (user.stale).
func (s *Store) UpdateUser(ctx context.Context, u account.User) (account.User, error) {
	if err := u.Validate(); err != nil {
		return u, err
	}
	err := s.InTx(ctx, func(tx *Store) error {
		areaID, orgID, err := tx.userRefs(ctx, &u)
		if err != nil {
			return err
		}
		u.UpdatedAt = s.now().Unix()
		res, err := tx.exec(ctx, `UPDATE users SET name = ?, roles = ?, area_id = ?, org_id = ?, disabled = ?,
			updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
			u.Name, joinRoles(u.Roles), areaID, orgID, u.Disabled, u.UpdatedAt, u.ID, u.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.New(apperr.Conflict, "user.stale", "用户 %s 已被他人修改，请刷新后重试",
				"user %s was changed by someone else: reload and try again", u.Username)
		}
		u.Version++
		return tx.setUserDepots(ctx, u.ID, u.Depots)
	})
	return u, err
}

// SetPassword replaces a user's password hash and says whether it must be
// changed at the next sign-in; it bumps the user's version.
func (s *Store) SetPassword(ctx context.Context, userID int64, hash string, mustChange bool) error {
	_, err := s.exec(ctx, `UPDATE users SET password_hash = ?, must_change = ?, updated_at = ?, version = version + 1
		WHERE id = ?`, hash, mustChange, s.now().Unix(), userID)
	return err
}

// CreateSession stores a new session.
func (s *Store) CreateSession(ctx context.Context, se account.Session) error {
	_, err := s.exec(ctx, `INSERT INTO sessions (id, user_id, created_at, last_seen, expires_at, address)
		VALUES (?, ?, ?, ?, ?, ?)`, se.ID, se.UserID, se.CreatedAt, se.LastSeen, se.ExpiresAt, se.Address)
	return err
}

// Session returns the session with id (the hash of its secret) and its
// user; sql.ErrNoRows wrapped as not found when there is none.
func (s *Store) Session(ctx context.Context, id string) (account.Session, account.User, error) {
	var se account.Session
	u, err := scanUser(s.queryRow(ctx, `SELECT `+userColumns+`, se.id, se.user_id, se.created_at, se.last_seen,
		se.expires_at, se.address, se.revoked FROM sessions se JOIN users u ON u.id = se.user_id`+userJoins+
		`WHERE se.id = ?`, id), &se.ID, &se.UserID, &se.CreatedAt, &se.LastSeen, &se.ExpiresAt, &se.Address, &se.Revoked)
	if err != nil {
		return se, u, notFound(err, "session", "会话", "")
	}
	return se, u, s.userDepots(ctx, &u)
}

// TouchSession records that the session was used at.
func (s *Store) TouchSession(ctx context.Context, id string, at int64) error {
	_, err := s.exec(ctx, `UPDATE sessions SET last_seen = ? WHERE id = ? AND last_seen < ?`, at, id, at)
	return err
}

// RevokeSession ends one session.
func (s *Store) RevokeSession(ctx context.Context, id string) error {
	_, err := s.exec(ctx, `UPDATE sessions SET revoked = TRUE WHERE id = ?`, id)
	return err
}

// RevokeSessions ends every session of a user and returns how many were
// live.
func (s *Store) RevokeSessions(ctx context.Context, userID int64) (int64, error) {
	res, err := s.exec(ctx, `UPDATE sessions SET revoked = TRUE WHERE user_id = ? AND revoked = FALSE`, userID)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// RevokeOtherSessions ends every session of a user but the one with id
// keep.
func (s *Store) RevokeOtherSessions(ctx context.Context, userID int64, keep string) error {
	_, err := s.exec(ctx, `UPDATE sessions SET revoked = TRUE WHERE user_id = ? AND id <> ?`, userID, keep)
	return err
}

const tokenColumns = `t.id, t.name, u.username, t.created_by, t.created_at, t.expires_at, t.revoked_at, t.last_used,
	t.hash, t.user_id`

func scanToken(r interface{ Scan(...any) error }) (account.Token, error) {
	var t account.Token
	err := r.Scan(&t.ID, &t.Name, &t.Username, &t.CreatedBy, &t.CreatedAt, &t.ExpiresAt, &t.RevokedAt, &t.LastUsed,
		&t.Hash, &t.UserID)
	return t, err
}

// CreateToken stores a new token for the user t.UserID.
func (s *Store) CreateToken(ctx context.Context, t account.Token) (account.Token, error) {
	err := s.queryRow(ctx, `INSERT INTO api_tokens (name, hash, user_id, created_by, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, t.Name, t.Hash, t.UserID, t.CreatedBy, t.CreatedAt, t.ExpiresAt).
		Scan(&t.ID)
	return t, err
}

// Token returns the token with the given id.
func (s *Store) Token(ctx context.Context, id int64) (account.Token, error) {
	t, err := scanToken(s.queryRow(ctx, `SELECT `+tokenColumns+` FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.id = ?`, id))
	if err != nil {
		return t, notFound(err, "token", "令牌", strconv.FormatInt(id, 10))
	}
	return t, nil
}

// TokenByHash returns the token whose secret hashes to hash.
func (s *Store) TokenByHash(ctx context.Context, hash string) (account.Token, error) {
	t, err := scanToken(s.queryRow(ctx, `SELECT `+tokenColumns+` FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.hash = ?`, hash))
	if err != nil {
		return t, notFound(err, "token", "令牌", "")
	}
	return t, nil
}

// Tokens lists the tokens of users in the subtree of areaPath, newest
// first.
func (s *Store) Tokens(ctx context.Context, areaPath string) ([]account.Token, error) {
	rows, err := s.query(ctx, `SELECT `+tokenColumns+` FROM api_tokens t JOIN users u ON u.id = t.user_id
		LEFT JOIN areas a ON a.id = u.area_id WHERE COALESCE(a.path, '') LIKE ? ORDER BY t.id DESC`, likePrefix(areaPath))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []account.Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken revokes a token at the given time, once.
func (s *Store) RevokeToken(ctx context.Context, id, at int64) error {
	_, err := s.exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at = 0`, at, id)
	return err
}

// TouchToken records that the token was used at.
func (s *Store) TouchToken(ctx context.Context, id, at int64) error {
	_, err := s.exec(ctx, `UPDATE api_tokens SET last_used = ? WHERE id = ? AND last_used < ?`, at, id, at)
	return err
}

// Failure is the count of failed sign-ins under a throttling key and when
// the last one was.
type Failure struct {
	Count int
	Last  int64
}

// Failures returns the failures recorded under key (zero when none).
func (s *Store) Failures(ctx context.Context, key string) (Failure, error) {
	var f Failure
	err := s.queryRow(ctx, `SELECT failures, last_at FROM sign_in_failures WHERE key = ?`, key).Scan(&f.Count, &f.Last)
	if errors.Is(err, sql.ErrNoRows) {
		return Failure{}, nil
	}
	return f, err
}

// RecordFailure counts one more failure under key at the given time; a
// count older than forget seconds starts again from one.
func (s *Store) RecordFailure(ctx context.Context, key string, at, forget int64) error {
	_, err := s.exec(ctx, `INSERT INTO sign_in_failures (key, failures, last_at) VALUES (?, 1, ?)
		ON CONFLICT (key) DO UPDATE SET
			failures = CASE WHEN excluded.last_at - sign_in_failures.last_at >= ? THEN 1 ELSE sign_in_failures.failures + 1 END,
			last_at = excluded.last_at`, key, at, forget)
	return err
}

// ClearFailures forgets the failures under keys.
func (s *Store) ClearFailures(ctx context.Context, keys ...string) error {
	for _, k := range keys {
		if _, err := s.exec(ctx, `DELETE FROM sign_in_failures WHERE key = ?`, k); err != nil {
			return err
		}
	}
	return nil
}

// AddDevice remembers a browser (by the hash of its device cookie) that
// signed in to a user's account.
func (s *Store) AddDevice(ctx context.Context, hash string, userID int64) error {
	_, err := s.exec(ctx, `INSERT INTO known_devices (hash, user_id, created_at) VALUES (?, ?, ?)
		ON CONFLICT (hash) DO NOTHING`, hash, userID, s.now().Unix())
	return err
}

// DeviceKnown reports whether the browser with the device-cookie hash has
// signed in to the user's account before.
func (s *Store) DeviceKnown(ctx context.Context, hash string, userID int64) (bool, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM known_devices WHERE hash = ? AND user_id = ?`, hash, userID).Scan(&n)
	return n > 0, err
}

// DemoAccount is one of the demo's accounts with its password in clear,
// for the sign-in page of a demo on a loopback address.
type DemoAccount struct {
	Username string
	Password string
}

// AddDemoAccount records a demo account's password.
func (s *Store) AddDemoAccount(ctx context.Context, username, password string, ord int) error {
	_, err := s.exec(ctx, `INSERT INTO demo_accounts (username, password, ord) VALUES (?, ?, ?)`, username, password, ord)
	return err
}

// DemoAccounts lists the demo accounts whose passwords are unchanged.
func (s *Store) DemoAccounts(ctx context.Context) ([]DemoAccount, error) {
	rows, err := s.query(ctx, `SELECT username, password FROM demo_accounts ORDER BY ord`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DemoAccount
	for rows.Next() {
		var d DemoAccount
		if err := rows.Scan(&d.Username, &d.Password); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// DropDemoAccount forgets a demo account's password (it was changed).
func (s *Store) DropDemoAccount(ctx context.Context, username string) error {
	_, err := s.exec(ctx, `DELETE FROM demo_accounts WHERE username = ?`, username)
	return err
}

// placeQueries find where things lie, for scope checks: the area path of
// a depot, an organisation (and so its agreement and capacity reserves) or
// an area, and the organisation that holds it.
//
// A depot's place is the area of the tier that holds it, not the area it
// stands in: a city depot standing in Fangshan is the city's, so a
// Fangshan manager may not issue from it nor a Fangshan commander draw on
// it; a street depot is its street's.
var placeQueries = map[string]string{
	"depot": `SELECT d.code, a.path, o.code, d.tier FROM depots d JOIN areas a ON a.id = d.area_id
		JOIN orgs o ON o.id = d.org_id WHERE d.code = ?`,
	"org":  `SELECT o.code, a.path, o.code, '' FROM orgs o JOIN areas a ON a.id = o.area_id WHERE o.code = ?`,
	"area": `SELECT a.code, a.path, '', '' FROM areas a WHERE a.code = ?`,
	"agreement": `SELECT r.code, a.path, o.code, '' FROM agreement_reserves r JOIN orgs o ON o.id = r.org_id
		JOIN areas a ON a.id = o.area_id WHERE r.code = ?`,
	"capacity": `SELECT r.code, a.path, o.code, '' FROM capacity_reserves r JOIN orgs o ON o.id = r.org_id
		JOIN areas a ON a.id = o.area_id WHERE r.code = ?`,
}

// tierDepth is how many codes a path has at each tier (area.Level).
var tierDepth = map[string]int{"city": 1, "district": 2, "street": 3, "community": 4}

// tierPath cuts a depot's area path to the tier that holds the depot.
func tierPath(path, tier string) string {
	n, ok := tierDepth[tier]
	if !ok {
		return path
	}
	parts := strings.SplitAfter(path, "/")
	if len(parts) <= n {
		return path
	}
	return strings.Join(parts[:n], "")
}

// Places returns where the things of a kind ("depot", "org", "area",
// "agreement", "capacity") with the given codes lie, for a scope check;
// each code once, in order. A code that names nothing is left out: the
// use case that asked refuses it with its own field path.
func (s *Store) Places(ctx context.Context, kind string, codes ...string) ([]access.Place, error) {
	q, ok := placeQueries[kind]
	if len(codes) == 0 {
		return nil, nil
	}
	if !ok {
		return nil, fmt.Errorf("store: places of unknown kind %q", kind)
	}
	seen := map[string]bool{}
	var out []access.Place
	for _, code := range codes {
		if seen[code] {
			continue
		}
		seen[code] = true
		var c, tier string
		var p access.Place
		err := s.queryRow(ctx, q, code).Scan(&c, &p.AreaPath, &p.Org, &tier)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if kind == "depot" {
			p.Depot, p.AreaPath = c, tierPath(p.AreaPath, tier)
		}
		out = append(out, p)
	}
	return out, nil
}

// RootPlace is where the city lies: the area without a parent.
func (s *Store) RootPlace(ctx context.Context) (access.Place, error) {
	var p access.Place
	err := s.queryRow(ctx, `SELECT path FROM areas WHERE parent_id IS NULL ORDER BY id LIMIT 1`).Scan(&p.AreaPath)
	if errors.Is(err, sql.ErrNoRows) {
		return access.Place{AreaPath: "/"}, nil // no areas yet: a place nobody's scope reaches
	}
	return p, err
}

// CheckVisible returns a not-found error, as if it did not exist, when the
// thing of kind with code lies outside view: a depot outside it, or a lot
// with no stock inside it that its organisation does not own. Saying
// "forbidden" instead would tell who asks that it exists.
func (s *Store) CheckVisible(ctx context.Context, view *access.View, kind, code string) error {
	if view == nil || view.All {
		return nil
	}
	var w where
	var q string
	switch kind {
	case "depot":
		w.add("d.code = ?", code)
		w.visible(view, "d", "")
		q = `SELECT COUNT(*) FROM depots d` + w.String()
	case "lot":
		w.add("l.code = ?", code)
		w.visible(view, "d", "l.owner_id")
		q = `SELECT COUNT(*) FROM lots l LEFT JOIN balances b ON b.lot_id = l.id AND b.quantity > 0
			LEFT JOIN depots d ON d.id = b.depot_id` + w.String()
	default:
		return fmt.Errorf("store: visibility of unknown kind %q", kind)
	}
	var n int
	if err := s.queryRow(ctx, q, w.args...).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return apperr.NotFoundf(kind, map[string]string{"depot": "储备库", "lot": "批次"}[kind], code)
	}
	return nil
}

// PersonName names the principal who (a "user:<id>" as the ledger and the
// documents record it) for people: the user's name and username, as
// "王芳 (keeper-city)"; anything else (a token, the system, a user not
// found) as recorded.
func (s *Store) PersonName(ctx context.Context, who string) string {
	n, ok := strings.CutPrefix(who, "user:")
	id, err := strconv.ParseInt(n, 10, 64)
	if !ok || err != nil {
		return who
	}
	u, err := s.User(ctx, id)
	switch {
	case err != nil:
		return who
	case u.Name != "":
		return u.Name + " (" + u.Username + ")"
	}
	return u.Username
}
