package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/account"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/audit"
	"github.com/stockpile-dev/stockpile/internal/cst"
	"github.com/stockpile-dev/stockpile/internal/httpx"
	"github.com/stockpile-dev/stockpile/internal/org"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// The 系统管理 screen has four tabs, each for administrators: users,
// API tokens, webhooks (also for managers and partners: their own) and
// the audit trail. The lists are rendered here from the use
// cases (package ops), which check the rules and the administrator's
// scope; what changes (a new user, a disabled one, a reset password, a
// token issued or revoked) the page's script asks of the JSON API, which
// checks them again, and a one-time password or a token's secret is shown
// once, in the page, from the API's answer.

// adminTabs are the tabs of the screen and the action each needs.
var adminTabs = []struct {
	Key    string
	Action access.Action
}{{"users", access.UserManage}, {"tokens", access.TokenManage}, {"webhooks", access.WebhookManage},
	{"audit", access.AuditRead}}

// adminTab is one tab as the page shows it.
type adminTab struct {
	Key, Href string
	Active    bool
}

// adminTabsFor lists the tabs who may open, marking active.
func adminTabsFor(who access.Actor, active string) []adminTab {
	var out []adminTab
	for _, t := range adminTabs {
		if who.Can(t.Action) {
			out = append(out, adminTab{Key: t.Key, Href: "/admin/" + t.Key, Active: t.Key == active})
		}
	}
	return out
}

// usersView is the data of the users tab.
type usersView struct {
	Tabs   []adminTab
	Users  []userRow
	Roles  []access.Role
	Areas  []area.Area // the areas a user can be put in: the administrator's scope
	Orgs   []org.Org
	Depots []store.DepotView // the depots a keeper can be given
	Data   []account.User    // the users as the script edits them
	Whole  bool              // the administrator may add users of the whole installation (no area)
}

// userRow is a user as listed, with the names of their area and
// organisation.
type userRow struct {
	account.User
	AreaZH, AreaEN string
	OrgZH, OrgEN   string
	Created        string
}

// usersPage lists the users in the administrator's scope, with the form
// that adds or changes one.
func (h *handler) usersPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	who := access.FromContext(ctx)
	users, err := h.ops.Users(ctx, who)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := usersView{Tabs: adminTabsFor(who, "users"), Roles: access.Roles, Data: users,
		Whole: who.View(access.UserManage).All}
	if v.Data == nil {
		v.Data = []account.User{}
	}
	if err := h.userChoices(ctx, who, &v); err != nil {
		h.fail(w, r, err)
		return
	}
	areas, err := h.areaNames(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	orgs := map[string]org.Org{}
	for _, o := range v.Orgs {
		orgs[o.Code] = o
	}
	for _, u := range users {
		v.Users = append(v.Users, userRow{User: u, AreaZH: areas[u.AreaCode].NameZH, AreaEN: areas[u.AreaCode].NameEN,
			OrgZH: orgs[u.OrgCode].NameZH, OrgEN: orgs[u.OrgCode].NameEN, Created: cst.Minute(u.CreatedAt)})
	}
	h.render(w, r, "admin-users", h.newPage(r, "admin", "admin.users.title", v))
}

// userChoices fills the choices of the user form: the areas and depots in
// the administrator's scope, and every organisation, all in use: a user
// cannot be placed in what is retired.
func (h *handler) userChoices(ctx context.Context, who access.Actor, v *usersView) error {
	view := who.View(access.UserManage)
	areas, err := h.store.AreaList(ctx, "", store.InUse)
	if err != nil {
		return err
	}
	for _, a := range areas {
		if view.Shows(access.Place{AreaPath: a.Path}) {
			v.Areas = append(v.Areas, a)
		}
	}
	if v.Orgs, err = h.store.OrgList(ctx, "", store.InUse); err != nil {
		return err
	}
	v.Depots, err = h.store.Depots(ctx, store.DepotFilter{View: &view, Retired: store.InUse})
	return err
}

// Indent is the prefix that shows an area's level in a list.
func (usersView) Indent(a area.Area) string {
	return strings.Repeat("　", max(a.Level.Rank(), 0))
}

// tokensView is the data of the tokens tab.
type tokensView struct {
	Tabs      []adminTab
	Tokens    []tokenRow
	Usernames []string // the users a token can be issued for, when the administrator may list them
	MinDate   string   // the first and last expiry the form allows
	MaxDate   string
	Default   string // the expiry the form starts from: a year on
}

// tokenRow is a token as listed, with its state.
type tokenRow struct {
	account.Token
	State                     string // active, expired or revoked
	Created, Expires, Revoked string
	LastUsed                  string
}

// tokensPage lists the API tokens of users in the administrator's scope,
// with the form that issues one.
func (h *handler) tokensPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	who := access.FromContext(ctx)
	tokens, err := h.ops.Tokens(ctx, who)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	now := h.store.Now()
	v := tokensView{Tabs: adminTabsFor(who, "tokens"), MinDate: cst.Date(now.AddDate(0, 0, 1)),
		MaxDate: cst.Date(now.Add(account.MaxTokenLifetime).AddDate(0, 0, -1)), Default: cst.Date(now.AddDate(1, 0, 0))}
	for _, t := range tokens {
		row := tokenRow{Token: t, State: "active", Created: cst.Minute(t.CreatedAt), Expires: cst.Minute(t.ExpiresAt),
			Revoked: cst.Minute(t.RevokedAt), LastUsed: cst.Minute(t.LastUsed)}
		switch {
		case t.RevokedAt != 0:
			row.State = "revoked"
		case !t.Active(now):
			row.State = "expired"
		}
		v.Tokens = append(v.Tokens, row)
	}
	if who.Can(access.UserManage) {
		users, err := h.ops.Users(ctx, who)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		for _, u := range users {
			if !u.Disabled {
				v.Usernames = append(v.Usernames, u.Username)
			}
		}
	}
	h.render(w, r, "admin-tokens", h.newPage(r, "admin", "admin.tokens.title", v))
}

// auditPage is how many records the audit tab shows at a time.
const auditPage = 50

// auditView is the data of the audit tab.
type auditView struct {
	Tabs      []adminTab
	Filter    auditFilter
	Rows      []auditRow
	First     int64 // the sequence numbers of the page's first and last records
	Last      int64
	Older     string // the next page, "" at the oldest record
	Newest    string // back to the newest records, when paged
	Usernames []userName
}

// auditFilter is the search as the form holds it.
type auditFilter struct {
	Principal, Kind, ID, Action, From, To string
	Before                                int64
}

// Active reports whether the search narrows the trail.
func (f auditFilter) Active() bool {
	return f.Principal != "" || f.Kind != "" || f.ID != "" || f.Action != "" || f.From != "" || f.To != ""
}

// userName is a user's principal id with their username and name, to show
// and to search by.
type userName struct {
	Principal, Username, Name string
}

// auditRow is one record as listed.
type auditRow struct {
	audit.Record
	At            string
	Who           string // the principal's username, when it is a user
	Before, After string // the object's JSON, indented
}

// auditPage searches the audit trail, newest first, a page at a time:
// ?principal (a principal id such as user:3 or a username), ?kind and ?id
// (the object), ?action (or a prefix ending in "."), ?from and ?to (dates,
// China time, both included) and ?before (a sequence number, for the next
// page).
func (h *handler) auditPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	who := access.FromContext(ctx)
	users, err := h.store.Users(ctx, "")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := auditView{Tabs: adminTabsFor(who, "audit")}
	names := map[string]userName{}
	for _, u := range users {
		n := userName{Principal: access.KindUser + ":" + strconv.FormatInt(u.ID, 10), Username: u.Username, Name: u.Name}
		names[n.Principal] = n
		v.Usernames = append(v.Usernames, n)
	}
	q, err := readAuditFilter(r.URL.Query(), &v.Filter, users)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	records, err := h.ops.Audit(ctx, who, q)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for i, rec := range records {
		if i == auditPage {
			v.Older = "/admin/audit" + v.Filter.query(records[i-1].Seq)
			break
		}
		v.Rows = append(v.Rows, auditRow{Record: rec, At: time.Unix(rec.At, 0).In(cst.Zone).Format(time.DateTime), Who: names[rec.Principal].Username,
			Before: indentJSON(rec.Before), After: indentJSON(rec.After)})
	}
	if n := len(v.Rows); n > 0 {
		v.First, v.Last = v.Rows[0].Seq, v.Rows[n-1].Seq
	}
	if v.Filter.Before > 0 {
		v.Newest = "/admin/audit" + v.Filter.query(0)
	}
	h.render(w, r, "admin-audit", h.newPage(r, "admin", "admin.audit.title", v))
}

// readAuditFilter reads the search from the query into f and returns it
// as an audit query for one page and one record more (to tell whether
// there is a next page). A username given as principal searches for that
// user's id.
func readAuditFilter(q url.Values, f *auditFilter, users []account.User) (audit.Query, error) {
	*f = auditFilter{Principal: strings.TrimSpace(q.Get("principal")), Kind: strings.TrimSpace(q.Get("kind")),
		ID: strings.TrimSpace(q.Get("id")), Action: strings.TrimSpace(q.Get("action"))}
	var err error
	if f.From, err = httpx.Date(q, "from"); err != nil {
		return audit.Query{}, err
	}
	if f.To, err = httpx.Date(q, "to"); err != nil {
		return audit.Query{}, err
	}
	if f.Before, err = httpx.Int(q, "before", 0, 1<<62); err != nil {
		return audit.Query{}, err
	}
	principal := f.Principal
	for _, u := range users {
		if !strings.Contains(principal, ":") && u.Username == strings.ToLower(principal) {
			principal = access.KindUser + ":" + strconv.FormatInt(u.ID, 10)
		}
	}
	return audit.Query{Principal: principal, ObjectKind: f.Kind, ObjectID: f.ID, Action: f.Action,
		From: day(f.From, 0), To: day(f.To, 1), Before: f.Before, Limit: auditPage + 1}, nil
}

// query writes the search as a query string, with before when not 0.
func (f auditFilter) query(before int64) string {
	q := url.Values{}
	for k, v := range map[string]string{"principal": f.Principal, "kind": f.Kind, "id": f.ID, "action": f.Action,
		"from": f.From, "to": f.To} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if before > 0 {
		q.Set("before", strconv.FormatInt(before, 10))
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

// indentJSON lays out a record's JSON for reading; "" for none.
func indentJSON(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		return string(raw)
	}
	return b.String()
}

// day is cst.DayStart of a date the parameter checks have passed.
func day(date string, days int) int64 {
	unix, _ := cst.DayStart(date, days)
	return unix
}
