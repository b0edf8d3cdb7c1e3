package api

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/account"
	"github.com/stockpile-dev/stockpile/internal/ops"
)

// TestEventsPage reads the change feed as JSON: every posting and audited
// change in order, a kind filter, paging by last_id, and a keeper who
// sees the postings of their depot only.
func TestEventsPage(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, a *testAPI) {
		keeper := a.addPrincipal(t, "keeper", account.User{Username: "keeper-b", Roles: []access.Role{access.RoleKeeper},
			AreaCode: a.w.District, OrgCode: a.w.Bureau, Depots: []string{a.w.DepotB}})
		var start ops.EventPage
		decodeBody(t, a.do("GET", "/api/events?limit=1000", "", nil, false), &start)
		for _, body := range []string{receiveTents, receiveGeotextile, issueTents} {
			if rec := a.do("POST", "/api/movements", body, nil, false); rec.Code != http.StatusCreated {
				t.Fatalf("post: %d %s", rec.Code, rec.Body)
			}
		}
		after := strconv.FormatInt(start.LastID, 10)
		runScenarios(t, a, []scenario{
			{name: "the postings", method: "GET", path: "/api/events?kinds=ledger.&after=" + after, status: 200,
				want: []string{`"kind":"ledger.posting"`, `"reason":"年度采购入库"`, `"depots":["C-TEST-A"]`,
					`"depots":["D-TEST-B"]`, `"principal":"` + a.testerID() + `"`}},
			{name: "a page of one", method: "GET", path: "/api/events?kinds=ledger.posting&limit=1&after=" + after,
				status: 200, want: []string{`"reason":"年度采购入库"`}, notWant: []string{`"reason":"采购入库"`}},
			{name: "the keeper's depot only", method: "GET", path: "/api/events?after=" + after, as: "keeper", status: 200,
				want: []string{`"depots":["D-TEST-B"]`}, notWant: []string{`"depots":["C-TEST-A"]`, `"kind":"user.create"`}},
			{name: "a bad Last-Event-ID", method: "GET", path: "/api/events", headers: map[string]string{"Last-Event-ID": "x"},
				status: 400, code: "events.last_event_id", field: "Last-Event-ID"},
			{name: "a bad after", method: "GET", path: "/api/events?after=-1", status: 400, code: "param.invalid", field: "after"},
			{name: "anonymous", method: "GET", path: "/api/events", anonymous: true, status: 401, code: "auth.required"},
		})
		var page ops.EventPage
		decodeBody(t, a.do("GET", "/api/events?after="+after, "", keeper.bearer(), false), &page)
		if len(page.Events) != 1 || page.LastID <= page.Events[0].ID {
			t.Errorf("the keeper's page: %+v; want one event, and last_id past it", page)
		}
	})
}

// sseClient reads server-sent events from a stream.
type sseClient struct {
	events chan sseEvent
	cancel context.CancelFunc
}

type sseEvent struct{ id, kind, data string }

// follow opens the event stream of the server at base as the principal
// with bearer token, after lastID ("" none). The caller cancels it before
// closing the server, which waits for open streams.
func follow(t *testing.T, base, bearer, lastID string) *sseClient {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/api/events?kinds=ledger.", nil)
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Authorization", "Bearer "+bearer)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 200 || !strings.HasPrefix(ct, "text/event-stream") {
		cancel()
		t.Fatalf("stream: %d %s", resp.StatusCode, ct)
	}
	c := &sseClient{events: make(chan sseEvent, 100), cancel: cancel}
	go func() {
		defer resp.Body.Close()
		defer close(c.events)
		var e sseEvent
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			switch k, v, _ := strings.Cut(line, ": "); {
			case line == "":
				if e.data != "" {
					c.events <- e
				}
				e = sseEvent{}
			case k == "id":
				e.id = v
			case k == "event":
				e.kind = v
			case k == "data":
				e.data = v
			}
		}
	}()
	return c
}

// eventID is the id of e as a number.
func eventID(t *testing.T, e sseEvent) int64 {
	t.Helper()
	id, err := strconv.ParseInt(e.id, 10, 64)
	if err != nil {
		t.Fatalf("event id %q: %v", e.id, err)
	}
	return id
}

// next waits for the next event.
func (c *sseClient) next(t *testing.T) sseEvent {
	t.Helper()
	select {
	case e, ok := <-c.events:
		if !ok {
			t.Fatal("the stream ended")
		}
		return e
	case <-time.After(10 * time.Second):
		t.Fatal("no event within 10 s")
	}
	return sseEvent{}
}

// TestEventStream follows the feed as server-sent events: what was posted
// before the stream opened and what is posted while it is open arrive in
// order; a client that reconnects with Last-Event-ID, to a new server
// over the same database, gets what it missed and nothing twice.
func TestEventStream(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, a *testAPI) {
		a.handle(Options{EventPoll: 20 * time.Millisecond})
		srv := httptest.NewServer(a.h)
		defer srv.Close()
		bearer := a.principals[""].secret
		post := func(body string) {
			t.Helper()
			if rec := a.do("POST", "/api/movements", body, nil, false); rec.Code != http.StatusCreated {
				t.Fatalf("post: %d %s", rec.Code, rec.Body)
			}
		}
		post(receiveTents)
		c := follow(t, srv.URL, bearer, "")
		defer c.cancel()
		first := c.next(t)
		if first.kind != "ledger.posting" || !strings.Contains(first.data, "年度采购入库") {
			t.Fatalf("the first event: %+v", first)
		}
		post(issueTents)
		second := c.next(t)
		if id1, id2 := eventID(t, first), eventID(t, second); !strings.Contains(second.data, "房山区汛情调用") || id2 <= id1 {
			t.Fatalf("the second event: %+v after %+v", second, first)
		}
		c.cancel()

		// The follower is away while a change commits and the server
		// restarts; it comes back with the last id it saw.
		post(moveTents)
		srv.Close()
		a.handle(Options{EventPoll: 20 * time.Millisecond})
		srv2 := httptest.NewServer(a.h)
		defer srv2.Close()
		c2 := follow(t, srv2.URL, bearer, second.id)
		defer c2.cancel()
		third := c2.next(t)
		if !strings.Contains(third.data, "前置储备") {
			t.Fatalf("after reconnecting: %+v, want the transfer", third)
		}
		post(receiveGeotextile)
		if fourth := c2.next(t); !strings.Contains(fourth.data, `"reason":"采购入库"`) {
			t.Fatalf("then: %+v", fourth)
		}
	})
}
