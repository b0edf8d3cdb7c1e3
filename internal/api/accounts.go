package api

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/account"
	"github.com/stockpile-dev/stockpile/internal/audit"
	"github.com/stockpile-dev/stockpile/internal/authn"
	"github.com/stockpile-dev/stockpile/internal/cst"
	"github.com/stockpile-dev/stockpile/internal/httpx"
)

// signIn opens a session: the cookie for a browser; the JSON says who
// signed in. Partner systems use API tokens instead.
func (h *handler) signIn(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if err := h.decode(w, r, &req); err != nil {
		h.error(w, r, err)
		return
	}
	in, err := h.ops.SignIn(r.Context(), authn.SignIn(r, req.Username, req.Password))
	var wait *account.ThrottledError
	if errors.As(err, &wait) {
		w.Header().Set("Retry-After", strconv.Itoa(wait.Seconds))
	}
	if err != nil {
		h.error(w, r, err)
		return
	}
	authn.SetSession(w, r, in)
	h.json(w, r, http.StatusCreated, h.me(in.User, in.Actor, in.Expires.Unix()))
}

// signOut ends the request's session.
func (h *handler) signOut(w http.ResponseWriter, r *http.Request) {
	if err := h.ops.SignOut(r.Context(), actor(r), authn.SessionSecret(r)); err != nil {
		h.error(w, r, err)
		return
	}
	authn.ClearSession(w, r)
	w.WriteHeader(http.StatusNoContent)
}

// meView is who is signed in, with what they may do.
type meView struct {
	User      account.User    `json:"user"`
	Principal string          `json:"principal"`
	Name      string          `json:"name"`    // the principal's: the user's name, or the token's
	Actions   []access.Action `json:"actions"` // what the rules let them do, somewhere
	ExpiresAt int64           `json:"expires_at,omitempty"`
}

func (h *handler) me(u account.User, who access.Actor, expires int64) meView {
	v := meView{User: u, Principal: who.ID, Name: who.Name, ExpiresAt: expires, Actions: []access.Action{}}
	for _, rule := range access.Rules {
		if rule.Action != access.Public && who.Can(rule.Action) {
			v.Actions = append(v.Actions, rule.Action)
		}
	}
	return v
}

// getMe says who the request's principal is: the user, or for a token
// the user it acts for, beside the token's own principal id.
func (h *handler) getMe(w http.ResponseWriter, r *http.Request) {
	who := actor(r)
	u, err := h.ops.Me(r.Context(), who)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, h.me(u, who, 0))
}

// changePassword replaces the signed-in user's password; their other
// sessions end.
func (h *handler) changePassword(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Old string `json:"old_password"`
		New string `json:"new_password"`
	}
	if err := h.decode(w, r, &req); err != nil {
		h.error(w, r, err)
		return
	}
	if err := h.ops.ChangePassword(r.Context(), actor(r), authn.SessionSecret(r), req.Old, req.New); err != nil {
		h.error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// listUsers lists the users in the administrator's scope.
func (h *handler) listUsers(w http.ResponseWriter, r *http.Request) {
	users, err := h.ops.Users(r.Context(), actor(r))
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, list("users", users))
}

// getUser returns one user.
func (h *handler) getUser(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ID(r, "id")
	if err != nil {
		h.error(w, r, err)
		return
	}
	u, err := h.ops.User(r.Context(), actor(r), id)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, u)
}

// userFields are what a client sets of a user; the rest (id, version
// history, password state, times) is the server's, and a body naming it
// is refused as an unknown field.
type userFields struct {
	Name     string        `json:"name"`
	Roles    []access.Role `json:"roles"`
	AreaCode string        `json:"area_code"`
	OrgCode  string        `json:"org_code"`
	Depots   []string      `json:"depots"`
	Disabled bool          `json:"disabled"`
}

func (f userFields) user(username string, id, version int64) account.User {
	return account.User{ID: id, Username: username, Name: f.Name, Roles: f.Roles, AreaCode: f.AreaCode,
		OrgCode: f.OrgCode, Depots: f.Depots, Disabled: f.Disabled, Version: version}
}

// newUser is a user to create, with an optional password; without one
// the user gets a one-time password, returned once.
type newUser struct {
	Username string `json:"username"`
	userFields
	Password string `json:"password,omitempty"`
}

// createUser adds a user.
func (h *handler) createUser(w http.ResponseWriter, r *http.Request) {
	var req newUser
	if err := h.decode(w, r, &req); err != nil {
		h.error(w, r, err)
		return
	}
	u, pw, err := h.ops.CreateUser(r.Context(), actor(r), req.user(req.Username, 0, 0), req.Password)
	if err != nil {
		h.error(w, r, err)
		return
	}
	out := struct {
		account.User
		OneTimePassword string `json:"one_time_password,omitempty"`
	}{User: u}
	if req.Password == "" {
		out.OneTimePassword = pw
	}
	h.created(w, r, locationOf("users", strconv.FormatInt(u.ID, 10)), out)
}

// updateUser replaces a user's name, roles, scope and disabled flag; the
// body's version must be the one read.
func (h *handler) updateUser(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ID(r, "id")
	if err != nil {
		h.error(w, r, err)
		return
	}
	var req struct {
		Username string `json:"username"` // optional; it cannot change
		userFields
		Version int64 `json:"version"`
	}
	if err := h.decode(w, r, &req); err != nil {
		h.error(w, r, err)
		return
	}
	u, err := h.ops.UpdateUser(r.Context(), actor(r), req.user(req.Username, id, req.Version))
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, u)
}

// resetPassword gives a user a new one-time password and ends their
// sessions.
func (h *handler) resetPassword(w http.ResponseWriter, r *http.Request) {
	id, err := h.actionRequest(w, r)
	if err != nil {
		h.error(w, r, err)
		return
	}
	pw, err := h.ops.ResetPassword(r.Context(), actor(r), id)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, map[string]string{"one_time_password": pw})
}

// endSessions signs a user out everywhere.
func (h *handler) endSessions(w http.ResponseWriter, r *http.Request) {
	id, err := h.actionRequest(w, r)
	if err != nil {
		h.error(w, r, err)
		return
	}
	n, err := h.ops.EndSessions(r.Context(), actor(r), id)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, map[string]int64{"ended": n})
}

// listTokens lists the API tokens in the administrator's scope.
func (h *handler) listTokens(w http.ResponseWriter, r *http.Request) {
	tokens, err := h.ops.Tokens(r.Context(), actor(r))
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, list("tokens", tokens))
}

// createToken issues a token; its secret is in this response only.
func (h *handler) createToken(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Name      string `json:"name"`
		Username  string `json:"username"`
		ExpiresAt int64  `json:"expires_at"`
	}
	if err := h.decode(w, r, &req); err != nil {
		h.error(w, r, err)
		return
	}
	t, secret, err := h.ops.CreateToken(r.Context(), actor(r),
		account.Token{Name: req.Name, Username: req.Username, ExpiresAt: req.ExpiresAt})
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.created(w, r, locationOf("tokens", strconv.FormatInt(t.ID, 10)), struct {
		account.Token
		Secret string `json:"secret"`
	}{t, secret})
}

// revokeToken revokes a token.
func (h *handler) revokeToken(w http.ResponseWriter, r *http.Request) {
	id, err := h.actionRequest(w, r)
	if err != nil {
		h.error(w, r, err)
		return
	}
	t, err := h.ops.RevokeToken(r.Context(), actor(r), id)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, t)
}

// listAudit searches the audit trail: ?principal, ?kind and ?id (the
// object), ?action (or a prefix ending in "."), ?from and ?to (dates,
// China time), ?before (a seq, for the next page), ?limit.
func (h *handler) listAudit(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	aq := audit.Query{Principal: q.Get("principal"), ObjectKind: q.Get("kind"), ObjectID: q.Get("id"),
		Action: q.Get("action")}
	var err error
	var from, to string
	if from, err = httpx.Date(q, "from"); err == nil {
		to, err = httpx.Date(q, "to")
	}
	var before, limit int64
	if err == nil {
		before, err = httpx.Int(q, "before", 0, 1<<62)
	}
	if err == nil {
		limit, err = httpx.Int(q, "limit", 0, 500)
	}
	if err != nil {
		h.error(w, r, err)
		return
	}
	aq.From, aq.To, aq.Before, aq.Limit = day(from, 0), day(to, 1), before, int(limit)
	records, err := h.ops.Audit(r.Context(), actor(r), aq)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, list("records", records))
}

// day is cst.DayStart of a date the parameter checks have passed.
func day(date string, days int) int64 {
	unix, _ := cst.DayStart(date, days)
	return unix
}
