package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/account"
)

// apiAs sends a JSON request to the API with client's session, as the
// pages' scripts do, fails unless it succeeds, and decodes the answer.
func (site *testSite) apiAs(t *testing.T, client *http.Client, method, path, body string, out any) {
	t.Helper()
	req := site.request(t, method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var raw json.RawMessage
	if err := json.NewDecoder(res.Body).Decode(&raw); err != nil || res.StatusCode >= 300 {
		t.Fatalf("%s %s: %d %s %v", method, path, res.StatusCode, raw, err)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatal(err)
		}
	}
}

// TestAdminScreens is the city administrator's path: the users in their
// scope, a keeper added (as the page's script adds one) with a one-time
// password, a token issued to a partner department and revoked, and the
// audit trail of it all, searched and paged.
func TestAdminScreens(t *testing.T) {
	t.Parallel()
	eachDemoSite(t, func(t *testing.T, site *testSite) {
		admin := site.as(t, "admin-city")
		page := func(path string) string {
			t.Helper()
			got := site.fetch(t, admin, "GET", path, nil)
			if got.status != http.StatusOK {
				t.Fatalf("GET %s: %d %.300s", path, got.status, got.body)
			}
			if m := untranslated.FindString(got.body); m != "" {
				t.Errorf("GET %s: untranslated key %s", path, m)
			}
			return got.body
		}

		body := page("/admin/users")
		contains(t, "users", body, `id="user-form"`, `name="roles" value="keeper"`, `<option value="110109">`,
			`<option value="D-110109-01">`, `data-tab="users"`, `data-tab="tokens"`, `data-tab="audit"`, "js/admin.js",
			"门头沟区储备库库管", "储备管理")
		if n := len(stockAttr(body, "data-user")); n != len(site.demo)+1 {
			t.Errorf("%d users listed, want the %d demo accounts and the tester", n, len(site.demo))
		}
		if strings.Contains(body, "argon2") || strings.Contains(body, `<option value="">全系统`) {
			t.Error("the users page shows a password hash, or offers a city administrator the whole installation")
		}

		var made struct {
			ID              int64  `json:"id"`
			OneTimePassword string `json:"one_time_password"`
		}
		site.apiAs(t, admin, "POST", "/api/users", `{"username":"new-keeper","name":"新库管","roles":["keeper"],
			"area_code":"110109","org_code":"110109-EMB","depots":["D-110109-01"]}`, &made)
		if made.OneTimePassword == "" {
			t.Fatal("no one-time password for a user added without one")
		}
		row := dispatchRow(t, page("/admin/users"), fmt.Sprintf(`data-user="%d"`, made.ID))
		contains(t, "new user's row", row, "new-keeper", "新库管", "库管", "门头沟区", "D-110109-01", `data-state="must-change"`)

		var tok struct {
			ID     int64  `json:"id"`
			Secret string `json:"secret"`
		}
		expires := site.s.Now().Add(30 * 24 * time.Hour).Unix()
		site.apiAs(t, admin, "POST", "/api/tokens", fmt.Sprintf(`{"name":"粮食局储备系统","username":"partner-grain","expires_at":%d}`,
			expires), &tok)
		body = page("/admin/tokens")
		row = dispatchRow(t, body, fmt.Sprintf(`data-token="%d"`, tok.ID))
		contains(t, "token row", row, "粮食局储备系统", "partner-grain", `data-state="active"`, `data-act="revoke"`)
		contains(t, "token form", body, `id="token-form"`, `<option value="partner-grain">`, `type="date"`)
		if strings.Contains(body, tok.Secret) || !strings.HasPrefix(tok.Secret, "spk_") {
			t.Error("the tokens page shows a token's secret")
		}
		site.apiAs(t, admin, "POST", fmt.Sprintf("/api/tokens/%d/revoke", tok.ID), `{}`, nil)
		contains(t, "revoked token", dispatchRow(t, page("/admin/tokens"), fmt.Sprintf(`data-token="%d"`, tok.ID)),
			`data-state="revoked"`, "已撤销")

		// The audit trail: newest first, searched by action, principal
		// (by username too), object and date.
		body = page("/admin/audit")
		actions := stockAttr(body, "data-action")
		if len(actions) < 3 || actions[0] != "token.revoke" || actions[1] != "token.create" || actions[2] != "user.create" {
			t.Errorf("audit trail, newest first: %v", actions[:min(len(actions), 3)])
		}
		for _, a := range stockAttr(page("/admin/audit?action=token."), "data-action") {
			if !strings.HasPrefix(a, "token.") {
				t.Errorf("search for token.: %s listed", a)
			}
		}
		adminID := demoActors(t, site)["admin-city"].ID
		principals := regexp.MustCompile(`<a class="mono" href="/admin/audit\?principal=[^"]*">([^<]+)</a>`)
		found := principals.FindAllStringSubmatch(page("/admin/audit?principal=admin-city"), -1)
		if len(found) == 0 {
			t.Errorf("search by username: no records of %s", adminID)
		}
		for _, m := range found {
			if m[1] != adminID {
				t.Errorf("search by username: a record of %s", m[1])
			}
		}
		body = page("/admin/audit?kind=user&id=" + "new-keeper")
		if got := stockAttr(body, "data-action"); !slices.Equal(got, []string{"user.create"}) {
			t.Errorf("search by object: %v", got)
		}
		contains(t, "a record's change", body, "&#34;username&#34;: &#34;new-keeper&#34;", "变更后")
		if strings.Contains(body, "argon2") {
			t.Error("the audit trail shows a password hash")
		}
		contains(t, "a day with no records", page("/admin/audit?from=2026-06-02"), "没有符合条件的记录")
		if len(stockAttr(page("/admin/audit?from=2026-06-01&to=2026-06-01"), "data-seq")) == 0 {
			t.Error("no records on the day of the test")
		}
		if got := site.fetch(t, admin, "GET", "/admin/audit?from=June", nil); got.status != http.StatusBadRequest {
			t.Errorf("a bad date: %d", got.status)
		}

		// In English.
		site.fetch(t, admin, "GET", "/lang/en?back=/", nil)
		contains(t, "users in English", page("/admin/users"), "Add a user", "warehouse keeper", "Mentougou")
		contains(t, "tokens in English", page("/admin/tokens"), "Issue an API token", "revoked")
		contains(t, "audit in English", page("/admin/audit"), "Audit trail", "newest first")
		contains(t, "password page in English", page("/password"), "Change password", "Current password")
		site.fetch(t, admin, "GET", "/lang/zh?back=/", nil)

		// More records than a page: older ones a link away, none twice.
		for i := range 60 {
			u := account.User{Username: fmt.Sprintf("bulk-%02d", i), Roles: []access.Role{access.RoleViewer},
				AreaCode: "110109", OrgCode: "110109-EMB"}
			if _, _, err := site.svc.CreateUser(t.Context(), access.SystemActor("test"), u, "bulk-password-1"); err != nil {
				t.Fatal(err)
			}
		}
		body = page("/admin/audit")
		first := stockAttr(body, "data-seq")
		older := stockAttr(body, `id="audit-older" href`)
		if len(first) != 50 || len(older) != 1 {
			t.Fatalf("first page: %d records, older link %v", len(first), older)
		}
		next := stockAttr(page(strings.ReplaceAll(older[0], "&amp;", "&")), "data-seq")
		last, _ := strconv.Atoi(first[len(first)-1])
		if len(next) == 0 {
			t.Fatal("the older page is empty")
		}
		if n, _ := strconv.Atoi(next[0]); n != last-1 {
			t.Errorf("the older page starts at %d, after %d", n, last)
		}
	})
}
