package server_test

import (
	"bufio"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stockpile-dev/stockpile/internal/api"
	"github.com/stockpile-dev/stockpile/internal/server"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
)

// TestEventStreamThroughTheEdge follows the change feed through the whole
// server (gzip, the request deadline): each event arrives as it is
// written, not when a compression buffer fills, and the stream ends
// cleanly before the deadline, asking the client to come back.
func TestEventStreamThroughTheEdge(t *testing.T) {
	t.Parallel()
	site := newHostileSite(t, storetest.Open(t, "sqlite"), server.Options{RequestTimeout: 3 * time.Second,
		API: api.Options{EventPoll: 20 * time.Millisecond}})
	req, _ := http.NewRequestWithContext(t.Context(), "GET", site.URL+"/api/events?kinds=ledger.", nil)
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Accept-Encoding", "gzip") // set by hand: the client hands over the body as sent
	req.Header.Set("Cookie", site.cookie)
	t0 := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "" {
		t.Fatalf("stream: %d, Content-Encoding %q", resp.StatusCode, resp.Header.Get("Content-Encoding"))
	}
	sc := bufio.NewScanner(resp.Body)
	var got []string
	for sc.Scan() {
		got = append(got, sc.Text())
		if strings.HasPrefix(sc.Text(), "data: ") && time.Since(t0) > time.Second {
			t.Errorf("the first event came after %s", time.Since(t0))
		}
	}
	took := time.Since(t0)
	text := strings.Join(got, "\n")
	if !strings.Contains(text, "event: ledger.posting") || !strings.Contains(text, "retry: 2000") {
		t.Errorf("the stream: %s", text)
	}
	if took < time.Second || took > 3*time.Second {
		t.Errorf("the stream ended after %s; want before the 3 s deadline, not at once", took)
	}
	if logs := site.logs.String(); strings.Contains(logs, "level=ERROR") {
		t.Errorf("errors logged: %s", logs)
	}
}
