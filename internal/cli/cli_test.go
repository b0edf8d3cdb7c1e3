package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stockpile-dev/stockpile/internal/audit"
	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/readiness"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
)

func run(t *testing.T, ctx context.Context, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return runIn(t, ctx, "", args...)
}

// runIn runs the command line with stdin, which is not a terminal:
// passwords are read from it a line at a time.
func runIn(t *testing.T, ctx context.Context, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = RunWithInput(ctx, "test", args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// dutyPassword is the password of the demo test's duty officer.
const dutyPassword = "duty-officer-2026"

// signedIn are the arguments and stdin that sign a command in as the demo
// test's duty officer.
func signedIn(args ...string) (string, []string) {
	return dutyPassword + "\n", append(args, "--user", "duty")
}

// TestDemoVerifyAndTamper runs demo, then verify (clean), alters one
// ledger entry behind the program's back, and expects verify to exit 1
// naming that entry — on both engines.
func TestDemoVerifyAndTamper(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.DSN(t, engine)
			if code, _, errOut := run(t, ctx, "verify", "--db", dsn); code != 1 || !strings.Contains(errOut, "stockpile migrate") {
				t.Fatalf("verify on an empty database: exit %d, %s; want a refusal naming migrate", code, errOut)
			}
			if code, _, errOut := run(t, ctx, "demo", "--db", dsn); code != 0 {
				t.Fatalf("demo: exit %d\n%s", code, errOut)
			}
			code, out, errOut := run(t, ctx, "verify", "--db", dsn)
			if code != 0 || !strings.Contains(out, "OK") {
				t.Fatalf("verify after demo: exit %d\n%s%s", code, out, errOut)
			}
			// The duty officer computes plans and pre-positioning and keeps
			// the norms: a commander and reserve manager of the city.
			if code, out, errOut := runIn(t, ctx, dutyPassword+"\n", "user", "add", "--db", dsn, "--username", "duty",
				"--name", "值班员", "--role", "commander,manager", "--area", "110000", "--org", "BJ-EMB",
				"--password-stdin"); code != 0 || !strings.Contains(out, "created user #1 duty") {
				t.Fatalf("user add duty: exit %d\n%s%s", code, out, errOut)
			}
			checkPlan(t, ctx, dsn)
			checkReadiness(t, ctx, dsn)
			if code, _, _ := run(t, ctx, "demo", "--db", dsn); code == 0 {
				t.Fatal("demo loaded twice into the same database")
			}
			tamper(t, engine, dsn, 17)
			code, out, _ = run(t, ctx, "verify", "--db", dsn)
			if code != 1 || !strings.Contains(out, "entry 17 ") {
				t.Fatalf("verify after tampering: exit %d\n%s", code, out)
			}
		})
	}
}

// checkPlan plans the sample incident on the demo data: every need of the
// Fangshan flood is met from stock within its deadline, and the plan and
// incident are stored, so planning over "all open incidents" finds it.
func checkPlan(t *testing.T, ctx context.Context, dsn string) {
	t.Helper()
	// Storing a plan changes data: without a signed-in principal it is
	// refused and nothing is stored (the next stored plan is #1).
	code, _, errOut := run(t, ctx, "plan", "../../testdata/incident-fangshan-flood.json", "--db", dsn)
	if code != 1 || !strings.Contains(errOut, "auth.required") || !strings.Contains(errOut, "--user") {
		t.Fatalf("plan without --user: exit %d, %s", code, errOut)
	}
	in, args := signedIn("plan", "../../testdata/incident-fangshan-flood.json", "--db", dsn, "--json")
	code, out, errOut := runIn(t, ctx, in, args...)
	if code != 0 {
		t.Fatalf("plan: exit %d\n%s", code, errOut)
	}
	var p dispatch.Plan
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("plan output: %v\n%s", err, out)
	}
	if p.ID != 1 || len(p.Lines) == 0 || len(p.Coverage) != 7 {
		t.Fatalf("plan #%d with %d lines, %d coverage rows", p.ID, len(p.Lines), len(p.Coverage))
	}
	// The audit trail names the duty officer, not the operating-system user.
	code, out, errOut = run(t, ctx, "audit", "--db", dsn, "--kind", "plan", "--id", "1", "--json")
	var rec audit.Record
	if code != 0 || json.Unmarshal([]byte(out), &rec) != nil || rec.Principal != "user:1" || rec.Action != "plan.create" ||
		rec.Address != "cli" {
		t.Fatalf("audit of plan 1: exit %d, %+v\n%s%s", code, rec, out, errOut)
	}
	for _, c := range p.Coverage {
		if c.Short != 0 || c.OnTime != c.Demand {
			t.Errorf("demo stock leaves %s at %s short: %+v", c.Item, c.Site, c)
		}
	}
	in, args = signedIn("plan", "--db", dsn)
	code, out, errOut = runIn(t, ctx, in, args...)
	if code != 0 || !strings.Contains(out, "plan #2") || !strings.Contains(out, "LIANGXIANG-SCHOOL") {
		t.Fatalf("plan over open incidents: exit %d\n%s%s", code, out, errOut)
	}
	// Tier rules are costs a bureau sets: make the own district dear and
	// the city's stock serves the school first.
	code, out, errOut = run(t, ctx, "plan", "--db", dsn, "--dry-run", "--json", "--costs", "own-district=500,city=0")
	if code != 0 {
		t.Fatalf("plan --costs: exit %d\n%s", code, errOut)
	}
	p = dispatch.Plan{}
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatal(err)
	}
	for _, l := range p.Lines {
		if l.Site == "LIANGXIANG-SCHOOL" && l.Item == "1010101" && l.Source.Relation != "city" {
			t.Errorf("with city=0, own-district=500 tents come from %s (%s)", l.Source.Code, l.Source.Relation)
		}
	}
	if p.ID != 0 {
		t.Errorf("--dry-run stored plan #%d", p.ID)
	}
	in, args = signedIn("plan", "--db", dsn, "--costs", "town=3")
	if code, _, errOut := runIn(t, ctx, in, args...); code == 0 || !strings.Contains(errOut, "town") {
		t.Errorf("unknown cost key: exit %d, %s", code, errOut)
	}
	// The same rules as the API's: a closed incident is not planned for,
	// and an incident file with a field the model lacks is refused.
	data, err := os.ReadFile("../../testdata/incident-fangshan-flood.json")
	if err != nil {
		t.Fatal(err)
	}
	closed := filepath.Join(t.TempDir(), "closed.json")
	if err := os.WriteFile(closed, []byte(strings.Replace(string(data), `"level": 2,`, `"level": 2, "status": "closed",`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	in, args = signedIn("plan", closed, "--db", dsn)
	if code, _, errOut := runIn(t, ctx, in, args...); code == 0 || !strings.Contains(errOut, "已结束") ||
		!strings.Contains(errOut, "incidents[0].status") {
		t.Errorf("plan a closed incident: exit %d, %s", code, errOut)
	}
	typo := filepath.Join(t.TempDir(), "typo.json")
	if err := os.WriteFile(typo, []byte(strings.Replace(string(data), `"level": 2,`, `"levle": 2,`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := run(t, ctx, "plan", typo, "--db", dsn, "--dry-run"); code == 0 || !strings.Contains(errOut, "levle") {
		t.Errorf("plan a file with an unknown field: exit %d, %s", code, errOut)
	}
}

func tamper(t *testing.T, engine, dsn string, seq int) {
	t.Helper()
	q := fmt.Sprintf(`UPDATE movements SET delta = delta * 2 WHERE seq = %d`, seq)
	if _, err := storetest.Insider(t, engine, dsn).Exec(q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// TestServe starts serve on a free port, checks /healthz and an API call,
// then stops it through its context.
func TestServe(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	db := filepath.Join(t.TempDir(), "serve.db")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	var errb syncBuffer
	go func() {
		done <- Run(ctx, "test", []string{"serve", "--db", db, "--addr", addr, "--session-idle", "1h"}, &bytes.Buffer{}, &errb)
	}()
	var health struct{ Status, Engine string }
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			json.NewDecoder(resp.Body).Decode(&health)
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not come up: %v\n%s", err, errb.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if health.Status != "ok" || health.Engine != "sqlite" {
		t.Fatalf("healthz: %+v", health)
	}
	checkFirstRun(t, "http://"+addr, errb.String())
	// The command line works on the database serve keeps: an administrator
	// made at the console issues a token, and the API answers it.
	ctx2 := context.Background()
	if code, _, errOut := runIn(t, ctx2, "ops-admin-password\n", "user", "add", "--db", db, "--username", "ops",
		"--role", "admin", "--password-stdin"); code != 0 {
		t.Fatalf("user add: exit %d\n%s", code, errOut)
	}
	code, secret, errOut := runIn(t, ctx2, "ops-admin-password\n", "token", "add", "--db", db, "--name", "test",
		"--for", "ops", "--user", "ops")
	if code != 0 {
		t.Fatalf("token add: exit %d\n%s", code, errOut)
	}
	req, _ := http.NewRequest("GET", "http://"+addr+"/api/items?class=1", nil)
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(secret))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var items struct{ Count int }
	json.NewDecoder(resp.Body).Decode(&items)
	resp.Body.Close()
	if items.Count == 0 {
		t.Fatalf("serve on a fresh database has no catalogue items: %s", resp.Status)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d\n%s", code, errb.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
}

// checkFirstRun reads the one-time administrator password serve printed
// on a fresh database off its stderr, and signs in with it: the account
// must change it first.
func checkFirstRun(t *testing.T, base, stderr string) {
	t.Helper()
	m := regexp.MustCompile(`username:\s+admin\n\s+一次性密码 one-time password: (\S+)\n`).FindStringSubmatch(stderr)
	if m == nil || !strings.Contains(stderr, "must be changed at the first sign-in") {
		t.Fatalf("serve on a fresh database printed no one-time administrator password:\n%s", stderr)
	}
	if resp, err := http.Get(base + "/api/items"); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("anonymous /api/items: %v %v", resp, err)
	}
	body := fmt.Sprintf(`{"username":"admin","password":%q}`, m[1])
	resp, err := http.Post(base+"/api/session", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var me struct {
		User struct {
			MustChangePassword bool `json:"must_change_password"`
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&me); err != nil || resp.StatusCode != http.StatusCreated ||
		!me.User.MustChangePassword {
		t.Fatalf("sign in with the one-time password: %s, %+v, %v", resp.Status, me, err)
	}
}

// syncBuffer is a buffer a server goroutine writes while the test reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestVersionAndHelp(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	if code, out, _ := run(t, ctx, "version"); code != 0 || !strings.Contains(out, "stockpile test") {
		t.Fatalf("version: %d %q", code, out)
	}
	for _, cmd := range []string{"serve", "migrate", "demo", "verify", "plan", "user add", "token add", "audit"} {
		code, out, _ := run(t, ctx, append(strings.Fields(cmd), "--help")...)
		if code != 0 || !strings.Contains(out, "--db") || !strings.Contains(out, "--user") {
			t.Errorf("%s --help: exit %d, no --db or --user flag documented\n%s", cmd, code, out)
		}
	}
	if code, _, errOut := run(t, ctx, "frobnicate"); code == 0 || errOut == "" {
		t.Fatal("unknown command accepted")
	}
}

// checkReadiness assesses the standing scenarios and a scenario file on the
// demo data, and recommends moves for the sample CAP alert.
func checkReadiness(t *testing.T, ctx context.Context, dsn string) {
	t.Helper()
	code, out, errOut := run(t, ctx, "assess", "--db", dsn, "--json")
	var ov readiness.Overview
	if code != 0 || json.Unmarshal([]byte(out), &ov) != nil || len(ov.Scenarios) != 2 || len(ov.Districts) < 16 {
		t.Fatalf("assess: exit %d, %d scenarios, %d districts\n%s", code, len(ov.Scenarios), len(ov.Districts), errOut)
	}
	if ov.Scenarios[0].Events[0].Relocated != 280000 {
		t.Errorf("standing life support for %d people, want the plan's 280000", ov.Scenarios[0].Events[0].Relocated)
	}
	code, out, errOut = run(t, ctx, "assess", "--db", dsn, filepath.Join("..", "..", "testdata", "scenario-mentougou-earthquake.json"))
	if code != 0 || !strings.Contains(out, "雷达生命探测仪") || !strings.Contains(out, "purchase list") {
		t.Fatalf("assess a scenario file: exit %d\n%s%s", code, out, errOut)
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"code":"x","name_zh":"x","events":[{"hazard":"flood","level":2,"areas":["110109","999"]}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := run(t, ctx, "assess", "--db", dsn, bad); code == 0 || !strings.Contains(errOut, "events[0].areas[1]") {
		t.Fatalf("assess a bad scenario: exit %d, %s", code, errOut)
	}
	norms := filepath.Join(t.TempDir(), "norms.csv")
	if code, _, errOut := run(t, ctx, "norms", "export", "--db", dsn, norms); code != 0 {
		t.Fatalf("norms export: exit %d, %s", code, errOut)
	}
	data, err := os.ReadFile(norms)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, append(data, "*,1020101,relocated,-1,,no,negative,\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	line := strings.Count(string(data), "\n") + 1
	if code, _, errOut := run(t, ctx, "norms", "import", "--db", dsn, norms); code != 1 || !strings.Contains(errOut, "auth.required") {
		t.Fatalf("norms import without --user: exit %d, %s", code, errOut)
	}
	in, args := signedIn("norms", "import", "--db", dsn, bad)
	if code, _, errOut := runIn(t, ctx, in, args...); code == 0 ||
		!strings.Contains(errOut, fmt.Sprintf("line %d quantity", line)) {
		t.Fatalf("norms import with a bad row: exit %d, %s", code, errOut)
	}
	in, args = signedIn("norms", "import", "--db", dsn, norms)
	rows := strings.Count(string(data), "\n") - 1 // the exported norms, without the header
	if code, out, errOut := runIn(t, ctx, in, args...); code != 0 || !strings.Contains(out, fmt.Sprintf("imported %d norms", rows)) {
		t.Fatalf("norms import: exit %d, %s%s", code, out, errOut)
	}
	warning := filepath.Join("..", "warning", "testdata", "beijing-rainstorm-red.xml")
	if code, _, errOut := run(t, ctx, "preposition", "--db", dsn, warning); code != 1 || !strings.Contains(errOut, "auth.required") {
		t.Fatalf("preposition without --user: exit %d, %s", code, errOut)
	}
	in, args = signedIn("preposition", "--db", dsn, "--json", "--deadline", "1.5", "--lead", "12", warning)
	code, out, errOut = runIn(t, ctx, in, args...)
	var rec readiness.Recommendation
	if code != 0 || json.Unmarshal([]byte(out), &rec) != nil || len(rec.Moves) == 0 || rec.After.InTime <= rec.Before.InTime {
		t.Fatalf("preposition: exit %d, %d moves, in time %.3f → %.3f\n%s", code, len(rec.Moves), rec.Before.InTime,
			rec.After.InTime, errOut)
	}
}

// TestScrapApprovalFlag: serve's --scrap-approval-units becomes the
// approval policy; a negative or malformed one is refused.
func TestScrapApprovalFlag(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]stock.Quantity{"10": stock.Units(10), "0": 0, "2.5": 2500} {
		pol, err := (&sessionFlags{scrap: in}).approval()
		if err != nil || pol.ScrapUnits != want {
			t.Errorf("%q: %+v %v", in, pol, err)
		}
	}
	for _, in := range []string{"-1", "ten", ""} {
		if _, err := (&sessionFlags{scrap: in}).approval(); err == nil || !strings.Contains(err.Error(), "scrap-approval-units") {
			t.Errorf("%q: %v", in, err)
		}
	}
}
