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
	"strings"
	"testing"
	"time"

	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/readiness"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
)

func run(t *testing.T, ctx context.Context, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Run(ctx, "test", args, &out, &errb)
	return code, out.String(), errb.String()
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
	code, out, errOut := run(t, ctx, "plan", "../../testdata/incident-fangshan-flood.json", "--db", dsn, "--json")
	if code != 0 {
		t.Fatalf("plan: exit %d\n%s", code, errOut)
	}
	var p dispatch.Plan
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("plan output: %v\n%s", err, out)
	}
	if p.ID == 0 || len(p.Lines) == 0 || len(p.Coverage) != 7 {
		t.Fatalf("plan #%d with %d lines, %d coverage rows", p.ID, len(p.Lines), len(p.Coverage))
	}
	for _, c := range p.Coverage {
		if c.Short != 0 || c.OnTime != c.Demand {
			t.Errorf("demo stock leaves %s at %s short: %+v", c.Item, c.Site, c)
		}
	}
	code, out, errOut = run(t, ctx, "plan", "--db", dsn)
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
	if code, _, errOut := run(t, ctx, "plan", "--db", dsn, "--costs", "town=3"); code == 0 || !strings.Contains(errOut, "town") {
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
	if code, _, errOut := run(t, ctx, "plan", closed, "--db", dsn); code == 0 || !strings.Contains(errOut, "已结束") ||
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
	var errb bytes.Buffer
	go func() {
		done <- Run(ctx, "test", []string{"serve", "--db", db, "--addr", addr}, &bytes.Buffer{}, &errb)
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
	resp, err := http.Get("http://" + addr + "/api/items?class=1")
	if err != nil {
		t.Fatal(err)
	}
	var items struct{ Count int }
	json.NewDecoder(resp.Body).Decode(&items)
	resp.Body.Close()
	if items.Count == 0 {
		t.Fatal("serve on a fresh database has no catalogue items")
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

func TestVersionAndHelp(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	if code, out, _ := run(t, ctx, "version"); code != 0 || !strings.Contains(out, "stockpile test") {
		t.Fatalf("version: %d %q", code, out)
	}
	for _, cmd := range []string{"serve", "migrate", "demo", "verify", "plan"} {
		code, out, _ := run(t, ctx, cmd, "--help")
		if code != 0 || !strings.Contains(out, "--db") {
			t.Errorf("%s --help: exit %d, no --db flag documented\n%s", cmd, code, out)
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
	if code, _, errOut := run(t, ctx, "norms", "import", "--db", dsn, bad); code == 0 ||
		!strings.Contains(errOut, fmt.Sprintf("line %d quantity", line)) {
		t.Fatalf("norms import with a bad row: exit %d, %s", code, errOut)
	}
	if code, out, errOut := run(t, ctx, "norms", "import", "--db", dsn, norms); code != 0 || !strings.Contains(out, "imported 51 norms") {
		t.Fatalf("norms import: exit %d, %s%s", code, out, errOut)
	}
	code, out, errOut = run(t, ctx, "preposition", "--db", dsn, "--json", "--deadline", "1.5", "--lead", "12",
		filepath.Join("..", "warning", "testdata", "beijing-rainstorm-red.xml"))
	var rec readiness.Recommendation
	if code != 0 || json.Unmarshal([]byte(out), &rec) != nil || len(rec.Moves) == 0 || rec.After.InTime <= rec.Before.InTime {
		t.Fatalf("preposition: exit %d, %d moves, in time %.3f → %.3f\n%s", code, len(rec.Moves), rec.Before.InTime,
			rec.After.InTime, errOut)
	}
}
