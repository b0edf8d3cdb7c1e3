package webhook_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stockpile-dev/stockpile/internal/webhook"
)

func TestSignAndVerify(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC)
	const secret = "whsec_test"
	body := []byte(`{"id":41,"kind":"ledger.posting"}`)
	ts := strconv.FormatInt(now.Unix(), 10)
	sig := webhook.Sign(secret, now.Unix(), body)
	if !strings.HasPrefix(sig, "v1=") || len(sig) != 3+64 {
		t.Fatalf("signature %q", sig)
	}
	if err := webhook.Verify(secret, ts, sig, body, now.Add(30*time.Second), 5*time.Minute); err != nil {
		t.Fatalf("a fresh delivery: %v", err)
	}
	refused := map[string]func() error{
		"a changed body": func() error {
			return webhook.Verify(secret, ts, sig, []byte(`{"id":41,"kind":"plan.approve"}`), now, 5*time.Minute)
		},
		"another secret": func() error { return webhook.Verify("whsec_other", ts, sig, body, now, 5*time.Minute) },
		"a changed timestamp": func() error {
			return webhook.Verify(secret, strconv.FormatInt(now.Unix()+1, 10), sig, body, now, 5*time.Minute)
		},
		"a replay an hour later": func() error { return webhook.Verify(secret, ts, sig, body, now.Add(time.Hour), 5*time.Minute) },
		"a timestamp from the future": func() error {
			return webhook.Verify(secret, ts, sig, body, now.Add(-time.Hour), 5*time.Minute)
		},
		"no timestamp": func() error { return webhook.Verify(secret, "", sig, body, now, 5*time.Minute) },
	}
	for name, check := range refused {
		if check() == nil {
			t.Errorf("%s passed the check", name)
		}
	}
}

func TestFailuresBackOffAndPause(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC)
	w, err := webhook.New("https://partner.example/hook", nil, "token:7", 40, now)
	if err != nil || w.Status != webhook.Active || !strings.HasPrefix(w.Secret, "whsec_") || !w.Due(now) {
		t.Fatalf("new: %+v %v", w, err)
	}
	var waits []time.Duration
	for i := 1; i < webhook.MaxFailures; i++ {
		w = w.Failed(now)
		waits = append(waits, time.Duration(w.NextAttempt-now.UnixMicro())*time.Microsecond)
		if w.Status != webhook.Active || w.Due(now) || !w.Due(now.Add(waits[i-1])) {
			t.Fatalf("after %d failures: %+v", i, w)
		}
	}
	if waits[0] != time.Second || waits[1] != 2*time.Second || waits[6] != 64*time.Second {
		t.Errorf("back-off %v", waits)
	}
	if webhook.Backoff(30) != 15*time.Minute {
		t.Errorf("back-off unbounded: %s", webhook.Backoff(30))
	}
	w = w.Failed(now)
	if w.Status != webhook.Paused || w.Due(now.Add(time.Hour)) {
		t.Fatalf("after %d failures: %+v, want paused", webhook.MaxFailures, w)
	}
	r, err := w.Resume(now)
	if err != nil || r.Status != webhook.Active || r.Failures != 0 || !r.Due(now) || r.Cursor != 40 {
		t.Fatalf("resumed: %+v %v", r, err)
	}
	if _, err := r.Resume(now); err == nil {
		t.Error("an active webhook resumed")
	}
	if p := r.Passed(45, now); p.Cursor != 45 || p.Passed(44, now).Cursor != 45 {
		t.Errorf("the cursor went back: %+v", p)
	}
	for _, bad := range []string{"ftp://x.example/", "/relative", "https://user:pw@x.example/", "https://"} {
		if _, err := webhook.New(bad, nil, "token:7", 0, now); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
