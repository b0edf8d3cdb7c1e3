package cli

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/audit"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
)

// rootPassword is the password the accounts test's first administrator
// is given at the console.
const rootPassword = "root-console-password"

// TestAccounts runs the account commands on a fresh SQLite database: the
// operator makes the first administrator, who signs in with --user to
// change data; a command that changes data without a principal, or with a
// wrong password, is refused and changes nothing; an API token in
// STOCKPILE_TOKEN acts as its user until revoked; the audit trail names
// who did what, and verify checks its chain. Not parallel: it sets
// STOCKPILE_TOKEN.
func TestAccounts(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.DSN(t, "sqlite")
	if code, _, errOut := run(t, ctx, "migrate", "--db", dsn); code != 0 {
		t.Fatalf("migrate: exit %d\n%s", code, errOut)
	}
	// The operator at the console makes the first administrator.
	code, out, errOut := runIn(t, ctx, rootPassword+"\n", "user", "add", "--db", dsn, "--username", "root",
		"--name", "管理员", "--role", "admin", "--password-stdin")
	if code != 0 || !strings.Contains(out, "created user #1 root (admin)") {
		t.Fatalf("user add root: exit %d\n%s%s", code, out, errOut)
	}
	// Signed in, root adds another administrator with a one-time password,
	// printed alone on stdout.
	code, out, errOut = runIn(t, ctx, rootPassword+"\n", "user", "add", "--db", dsn, "--username", "ops",
		"--role", "admin", "--user", "root")
	if code != 0 || !regexp.MustCompile(`^[A-Za-z0-9]{16}\n$`).MatchString(out) || !strings.Contains(errOut, "one-time password") {
		t.Fatalf("user add ops: exit %d\n%s%s", code, out, errOut)
	}
	checkRefusals(t, ctx, dsn)
	checkUserChanges(t, ctx, dsn)
	checkToken(t, ctx, dsn)
	checkAudit(t, ctx, dsn)
	checkVerifyAudit(t, ctx, dsn)
}

// statusOf returns the status column of username in `user list`.
func statusOf(t *testing.T, ctx context.Context, dsn, username string) string {
	t.Helper()
	code, out, errOut := run(t, ctx, "user", "list", "--db", dsn, "--json")
	var users []struct {
		Username           string
		Disabled           bool
		MustChangePassword bool `json:"must_change_password"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &users) != nil {
		t.Fatalf("user list: exit %d\n%s%s", code, out, errOut)
	}
	for _, u := range users {
		if u.Username == username {
			switch {
			case u.Disabled:
				return "disabled"
			case u.MustChangePassword:
				return "one-time"
			}
			return "active"
		}
	}
	t.Fatalf("user list has no %s:\n%s", username, out)
	return ""
}

// checkRefusals: changes without a principal, with a wrong password, or by
// a user who has not yet changed their one-time password are refused, and
// change nothing.
func checkRefusals(t *testing.T, ctx context.Context, dsn string) {
	t.Helper()
	code, _, errOut := run(t, ctx, "user", "disable", "ops", "--db", dsn)
	if code != 1 || !strings.Contains(errOut, "auth.required") || !strings.Contains(errOut, "STOCKPILE_TOKEN") {
		t.Fatalf("user disable without --user: exit %d\n%s", code, errOut)
	}
	code, _, errOut = runIn(t, ctx, "not-the-password\n", "user", "disable", "ops", "--db", dsn, "--user", "root")
	if code != 1 || !strings.Contains(errOut, "auth.bad_credentials") {
		t.Fatalf("user disable with a wrong password: exit %d\n%s", code, errOut)
	}
	if code, _, errOut = run(t, ctx, "user", "disable", "ops", "--db", dsn, "--user", "root"); code != 1 ||
		!strings.Contains(errOut, "password.missing") {
		t.Fatalf("user disable with no password on stdin: exit %d\n%s", code, errOut)
	}
	if s := statusOf(t, ctx, dsn, "ops"); s != "one-time" {
		t.Fatalf("refused commands changed ops to %s", s)
	}
	if code, _, errOut = run(t, ctx, "token", "add", "--db", dsn, "--name", "x", "--for", "root"); code != 1 ||
		!strings.Contains(errOut, "auth.required") {
		t.Fatalf("token add without --user: exit %d\n%s", code, errOut)
	}
	if code, out, _ := run(t, ctx, "token", "list", "--db", dsn, "--json"); code != 0 || strings.TrimSpace(out) != "null" &&
		strings.TrimSpace(out) != "[]" {
		t.Fatalf("a refused token add stored one: %s", out)
	}
}

// checkUserChanges disables, enables and resets ops, signed in as root.
func checkUserChanges(t *testing.T, ctx context.Context, dsn string) {
	t.Helper()
	for _, step := range []struct{ cmd, want string }{{"disable", "disabled"}, {"enable", "one-time"}} {
		code, out, errOut := runIn(t, ctx, rootPassword+"\n", "user", step.cmd, "ops", "--db", dsn, "--user", "root")
		if code != 0 {
			t.Fatalf("user %s: exit %d\n%s%s", step.cmd, code, out, errOut)
		}
		if s := statusOf(t, ctx, dsn, "ops"); s != step.want {
			t.Fatalf("after user %s, ops is %s", step.cmd, s)
		}
	}
	code, pw, errOut := runIn(t, ctx, rootPassword+"\n", "user", "reset-password", "ops", "--db", dsn, "--user", "root")
	if code != 0 || len(strings.TrimSpace(pw)) != 16 {
		t.Fatalf("user reset-password: exit %d\n%s%s", code, pw, errOut)
	}
	// ops has a one-time password: right, but it must be changed first.
	code, _, errOut = runIn(t, ctx, pw, "user", "end-sessions", "root", "--db", dsn, "--user", "ops")
	if code != 1 || !strings.Contains(errOut, "auth.password_change_required") {
		t.Fatalf("a one-time password at the command line: exit %d\n%s", code, errOut)
	}
	code, out, errOut := runIn(t, ctx, rootPassword+"\n", "user", "end-sessions", "ops", "--db", dsn, "--user", "root")
	if code != 0 || !strings.Contains(out, "ended 0 sessions of ops") {
		t.Fatalf("user end-sessions: exit %d\n%s%s", code, out, errOut)
	}
	// root may not lock themselves out.
	code, _, errOut = runIn(t, ctx, rootPassword+"\n", "user", "disable", "root", "--db", dsn, "--user", "root")
	if code != 1 || !strings.Contains(errOut, "user.self_lockout") {
		t.Fatalf("root disables root: exit %d\n%s", code, errOut)
	}
}

// checkToken issues a token to root, acts with it from STOCKPILE_TOKEN,
// and revokes it.
func checkToken(t *testing.T, ctx context.Context, dsn string) {
	t.Helper()
	code, secret, errOut := runIn(t, ctx, rootPassword+"\n", "token", "add", "--db", dsn, "--name", "持续集成 ci",
		"--for", "root", "--expires", "30d", "--user", "root")
	secret = strings.TrimSpace(secret)
	if code != 0 || !strings.HasPrefix(secret, "spk_") || !strings.Contains(errOut, "shown only this once") {
		t.Fatalf("token add: exit %d\n%s\n%s", code, secret, errOut)
	}
	t.Setenv(tokenEnv, secret)
	if code, out, errOut := run(t, ctx, "user", "disable", "ops", "--db", dsn); code != 0 || !strings.Contains(out, "disabled") {
		t.Fatalf("user disable with %s: exit %d\n%s%s", tokenEnv, code, out, errOut)
	}
	// --user wins over the token: a wrong password is refused.
	if code, _, errOut := runIn(t, ctx, "wrong\n", "user", "enable", "ops", "--db", dsn, "--user", "root"); code != 1 ||
		!strings.Contains(errOut, "auth.bad_credentials") {
		t.Fatalf("--user with a token set: exit %d\n%s", code, errOut)
	}
	code, out, errOut := run(t, ctx, "token", "list", "--db", dsn)
	if code != 0 || !strings.Contains(out, "持续集成 ci") || !strings.Contains(out, "active") {
		t.Fatalf("token list: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut := run(t, ctx, "token", "revoke", "1", "--db", dsn); code != 0 || !strings.Contains(out, "revoked") {
		t.Fatalf("token revoke with the token itself: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := run(t, ctx, "user", "enable", "ops", "--db", dsn); code != 1 ||
		!strings.Contains(errOut, "auth.token_invalid") {
		t.Fatalf("a revoked token: exit %d\n%s", code, errOut)
	}
	t.Setenv(tokenEnv, "")
	if code, out, _ := run(t, ctx, "token", "list", "--db", dsn); code != 0 || !strings.Contains(out, "revoked") {
		t.Fatalf("token list after revoke:\n%s", out)
	}
	if code, _, errOut := runIn(t, ctx, rootPassword+"\n", "token", "add", "--db", dsn, "--name", "x", "--for", "root",
		"--expires", "soon", "--user", "root"); code != 1 || !strings.Contains(errOut, "token.expiry_invalid") {
		t.Fatalf("token add --expires soon: exit %d\n%s", code, errOut)
	}
}

// checkAudit reads back what the other checks did.
func checkAudit(t *testing.T, ctx context.Context, dsn string) {
	t.Helper()
	code, out, errOut := run(t, ctx, "audit", "--db", dsn, "--limit", "500")
	if code != 0 {
		t.Fatalf("audit: exit %d\n%s", code, errOut)
	}
	for _, want := range []string{"user:1 root", "session.refused", "session.command", "token.create", "token:1",
		"user.password_reset", "user.sessions_end", "cli:"} {
		if !strings.Contains(out, want) {
			t.Errorf("audit lists no %q:\n%s", want, out)
		}
	}
	code, out, errOut = run(t, ctx, "audit", "--db", dsn, "--action", "user.", "--json")
	if code != 0 {
		t.Fatalf("audit --json: exit %d\n%s", code, errOut)
	}
	who := map[string]string{} // action → principal of the newest
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var r audit.Record
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("audit --json line %q: %v", line, err)
		}
		if !strings.HasPrefix(r.Action, "user.") || r.Address != "cli" {
			t.Errorf("audit --action user. gave %+v", r)
		}
		if _, ok := who[r.Action]; !ok {
			who[r.Action] = r.Principal
		}
	}
	if who["user.password_reset"] != "user:1" || who["user.update"] != "token:1" || !strings.HasPrefix(who["user.create"], "user:1") {
		t.Errorf("audit principals by action: %v", who)
	}
	code, out, _ = run(t, ctx, "audit", "--db", dsn, "--principal", "root", "--action", "user.create", "--json")
	if code != 0 || strings.Count(out, "\n") != 1 || !strings.Contains(out, `"principal":"user:1"`) {
		t.Errorf("audit --principal root --action user.create:\n%s", out)
	}
	if code, out, _ := run(t, ctx, "audit", "--db", dsn, "--from", "2000-01-01", "--to", "2000-01-31"); code != 0 ||
		!strings.Contains(out, "no records") {
		t.Errorf("audit of January 2000: exit %d\n%s", code, out)
	}
	if code, _, errOut := run(t, ctx, "audit", "--db", dsn, "--from", "yesterday"); code != 1 || !strings.Contains(errOut, "date.malformed") {
		t.Errorf("audit --from yesterday: exit %d\n%s", code, errOut)
	}
}

// checkVerifyAudit: verify checks the audit trail's chain, and fails on a
// record altered behind the program's back.
func checkVerifyAudit(t *testing.T, ctx context.Context, dsn string) {
	t.Helper()
	code, out, errOut := run(t, ctx, "verify", "--db", dsn)
	if code != 0 || !regexp.MustCompile(`audit trail 审计日志：[1-9]\d* records checked`).MatchString(out) ||
		!strings.Contains(out, "OK") {
		t.Fatalf("verify: exit %d\n%s%s", code, out, errOut)
	}
	if _, err := storetest.Insider(t, "sqlite", dsn).Exec(`UPDATE audit_log SET principal = 'user:2' WHERE seq = 2`); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = run(t, ctx, "verify", "--db", dsn)
	if code != 1 || !strings.Contains(out, "audit trail first break: record 2") ||
		!strings.Contains(errOut, "the audit trail does not verify") {
		t.Fatalf("verify after tampering with the audit trail: exit %d\n%s%s", code, out, errOut)
	}
}
