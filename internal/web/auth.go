package web

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/account"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/authn"
	"github.com/stockpile-dev/stockpile/internal/httpx"
	"github.com/stockpile-dev/stockpile/internal/input"
)

// formBodyLimit bounds the body of the sign-in and password forms.
const formBodyLimit = 16 << 10

// gate lets a request through to a route when its actor may take the
// route's action somewhere (access.Actor.Allow). Someone not signed in is
// sent to sign in, and a user with a one-time password to change it,
// each coming back to the page asked for; a role that may not gets the
// 403 page. Which depot or area a change lands on is the use case's to
// check, and lists show only what the actor's scope reaches.
func (h *handler) gate(act access.Action, next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		who := access.FromContext(r.Context())
		switch {
		case act == access.Public:
		case !who.Signed():
			h.sendTo(w, r, "/login", access.ErrSignInRequired())
			return
		case who.MustChangePassword && act != access.Self && !wantsJSON(r):
			h.sendTo(w, r, "/password", nil)
			return
		default:
			if err := who.Allow(act); err != nil {
				h.refuse(w, r, err)
				return
			}
		}
		next(w, r)
	})
}

// wantsJSON reports whether r is a page script's fetch of JSON
// (Stockpile.api sends Accept: application/json), which gets a JSON error
// rather than a redirect or an error page.
func wantsJSON(r *http.Request) bool {
	accept := r.Header.Get("Accept")
	return strings.Contains(accept, "application/json") && !strings.Contains(accept, "text/html")
}

// sendTo redirects r (303) to page, the sign-in or the password page, with
// the page asked for as next. htmx is told to load page as a whole
// (HX-Redirect) rather than swap it into part of another; a script's
// fetch gets refusal as JSON, when there is one.
func (h *handler) sendTo(w http.ResponseWriter, r *http.Request, page string, refusal *apperr.Error) {
	target := page
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		back := r.URL.RequestURI()
		if hx := r.Header.Get("HX-Current-URL"); hx != "" && r.Header.Get("HX-Request") == "true" {
			if u, err := url.Parse(hx); err == nil {
				back = u.RequestURI()
			}
		}
		target += "?next=" + url.QueryEscape(nextPath(back))
	}
	switch {
	case r.Header.Get("HX-Request") == "true":
		w.Header().Set("HX-Redirect", target)
		w.WriteHeader(http.StatusUnauthorized)
	case wantsJSON(r) && refusal != nil:
		httpx.WriteError(w, http.StatusUnauthorized, refusal)
	default:
		http.Redirect(w, r, target, http.StatusSeeOther)
	}
}

// refuse answers a request its actor may not make: the error page, or
// for a script's fetch the error as JSON.
func (h *handler) refuse(w http.ResponseWriter, r *http.Request, err error) {
	if wantsJSON(r) {
		f := httpx.Explain(h.logger, r, err)
		httpx.WriteError(w, f.Status, f.Err)
		return
	}
	h.fail(w, r, err)
}

// nextPath is where to go after signing in: a path on this site (see
// localPath), but never the sign-in or sign-out page itself.
func nextPath(next string) string {
	p := localPath(next)
	if u, err := url.Parse(p); err != nil || u.Path == "/login" || u.Path == "/logout" {
		return "/"
	}
	return p
}

// formError is a refusal shown beside the field of a form it is about.
type formError struct {
	Field  string
	ZH, EN string
}

// At reports whether the error belongs beside field.
func (e *formError) At(field string) bool { return e != nil && e.Field == field }

// loginView is the data of the sign-in page.
type loginView struct {
	Username string
	Next     string
	Error    *formError
	Demo     []demoAccount // the demo's accounts, listed for a browser on this machine
}

// demoAccount is a demo account as the sign-in page lists it.
type demoAccount struct {
	Username, Password string
	Name               string
	Roles              []access.Role
	AreaZH, AreaEN     string
	Depots             []string
	Org                string
}

// loginPage is the sign-in form. Someone already signed in goes on to
// next at once.
func (h *handler) loginPage(w http.ResponseWriter, r *http.Request) {
	next := nextPath(r.URL.Query().Get("next"))
	if who := access.FromContext(r.Context()); who.Signed() {
		if who.MustChangePassword {
			next = "/password?next=" + url.QueryEscape(next)
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	h.showLogin(w, r, http.StatusOK, loginView{Next: next})
}

// showLogin renders the sign-in page with status, listing the demo
// accounts to a browser on this machine.
func (h *handler) showLogin(w http.ResponseWriter, r *http.Request, status int, v loginView) {
	if local(r) {
		var err error
		if v.Demo, err = h.demoAccounts(r.Context()); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	h.renderStatus(w, r, status, "login", h.newPage(r, "login", "auth.login.title", v))
}

// local reports whether r comes from this machine: a loopback address,
// and none of the headers a reverse proxy adds, which would make every
// visitor behind a proxy on this machine look local.
func local(r *http.Request) bool {
	ip, err := netip.ParseAddr(authn.Address(r))
	if err != nil || !ip.Unmap().IsLoopback() {
		return false
	}
	for _, hdr := range []string{"Forwarded", "X-Forwarded-For", "X-Real-Ip"} {
		if r.Header.Get(hdr) != "" {
			return false
		}
	}
	return true
}

// demoAccounts lists the demo accounts whose generated passwords still
// work (ops.Service.DemoAccounts), with their roles and scope, in the
// order the demo made them.
func (h *handler) demoAccounts(ctx context.Context) ([]demoAccount, error) {
	demo, err := h.ops.DemoAccounts(ctx)
	if err != nil || len(demo) == 0 {
		return nil, err
	}
	users, err := h.store.Users(ctx, "")
	if err != nil {
		return nil, err
	}
	areas, err := h.areaNames(ctx)
	if err != nil {
		return nil, err
	}
	var out []demoAccount
	for _, d := range demo {
		i := slices.IndexFunc(users, func(u account.User) bool { return u.Username == d.Username })
		if i < 0 {
			continue
		}
		u := users[i]
		a := demoAccount{Username: u.Username, Password: d.Password, Name: u.Name, Roles: u.Roles, Depots: u.Depots,
			Org: u.OrgCode}
		a.AreaZH, a.AreaEN = areas[u.AreaCode].NameZH, areas[u.AreaCode].NameEN
		out = append(out, a)
	}
	return out, nil
}

// areaNames returns every area by its code.
func (h *handler) areaNames(ctx context.Context) (map[string]area.Area, error) {
	areas, err := h.store.Areas(ctx, "")
	if err != nil {
		return nil, err
	}
	out := make(map[string]area.Area, len(areas))
	for _, a := range areas {
		out[a.Code] = a
	}
	return out, nil
}

// login checks the form's username and password, opens a session and goes
// on to next, or to the password page first for a one-time password. A
// refusal (wrong password, too many attempts, a disabled account) is
// shown on the form, beside its field.
func (h *handler) login(w http.ResponseWriter, r *http.Request) {
	form, err := readForm(w, r, "username", "password", "next")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := loginView{Username: strings.TrimSpace(form["username"]), Next: nextPath(form["next"])}
	in, err := h.ops.SignIn(r.Context(), authn.SignIn(r, form["username"], form["password"]))
	if e, ok := apperr.As(err); ok {
		v.Error = &formError{Field: cmp.Or(e.Field, "password"), ZH: e.ZH, EN: e.EN}
		if v.Error.Field != "username" {
			v.Error.Field = "password"
		}
		h.showLogin(w, r, e.Kind.HTTPStatus(), v)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if before := access.FromContext(r.Context()); before.Kind() == access.KindUser {
		// Someone else signed in on this browser before: their session
		// ends rather than lingering behind the new cookie.
		if err := h.ops.SignOut(r.Context(), before, authn.SessionSecret(r)); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	authn.SetSession(w, r, in)
	next := v.Next
	if in.User.MustChangePassword {
		next = "/password?next=" + url.QueryEscape(next)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// readForm reads a form-encoded body of at most formBodyLimit bytes and
// returns the named fields, each checked as text (valid UTF-8, no NUL).
func readForm(w http.ResponseWriter, r *http.Request, names ...string) (map[string]string, error) {
	r.Body = http.MaxBytesReader(w, r.Body, formBodyLimit)
	if err := r.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, httpx.TooLarge(formBodyLimit)
		}
		return nil, httpx.BadParam("body", "", "表单编码", "a form-encoded body")
	}
	out := make(map[string]string, len(names))
	for _, n := range names {
		v := r.PostForm.Get(n)
		if err := input.Text(n, v); err != nil {
			return nil, err
		}
		out[n] = v
	}
	return out, nil
}

// logout ends the session and goes to the sign-in page.
func (h *handler) logout(w http.ResponseWriter, r *http.Request) {
	if err := h.ops.SignOut(r.Context(), access.FromContext(r.Context()), authn.SessionSecret(r)); err != nil {
		h.fail(w, r, err)
		return
	}
	authn.ClearSession(w, r)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// passwordView is the data of the password page.
type passwordView struct {
	User  account.User
	Must  bool // a one-time password, to be changed before anything else
	Next  string
	Error *formError
}

// passwordPage is where a signed-in user changes their password, and
// where one with a one-time password is sent until they have.
func (h *handler) passwordPage(w http.ResponseWriter, r *http.Request) {
	h.showPassword(w, r, http.StatusOK, nextPath(r.URL.Query().Get("next")), nil)
}

func (h *handler) showPassword(w http.ResponseWriter, r *http.Request, status int, next string, fe *formError) {
	u, err := h.ops.Me(r.Context(), access.FromContext(r.Context()))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := passwordView{User: u, Must: u.MustChangePassword, Next: next, Error: fe}
	h.renderStatus(w, r, status, "password", h.newPage(r, "password", "auth.password.title", v))
}

// changePassword replaces the user's password (ops.Service.ChangePassword
// ends their other sessions) and goes on to next.
func (h *handler) changePassword(w http.ResponseWriter, r *http.Request) {
	form, err := readForm(w, r, "old_password", "new_password", "confirm_password", "next")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	next := nextPath(form["next"])
	if form["new_password"] != form["confirm_password"] {
		h.showPassword(w, r, http.StatusBadRequest, next, &formError{Field: "confirm_password",
			ZH: h.locale.translate(langZH, "auth.password.mismatch"), EN: h.locale.translate(langEN, "auth.password.mismatch")})
		return
	}
	err = h.ops.ChangePassword(r.Context(), access.FromContext(r.Context()), authn.SessionSecret(r),
		form["old_password"], form["new_password"])
	if e, ok := apperr.As(err); ok && e.Field != "" {
		h.showPassword(w, r, e.Kind.HTTPStatus(), next, &formError{Field: e.Field, ZH: e.ZH, EN: e.EN})
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}
