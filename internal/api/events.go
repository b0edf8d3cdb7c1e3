package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/httpx"
	"github.com/stockpile-dev/stockpile/internal/ops"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// Defaults of the event stream.
const (
	// DefaultEventPoll is how often a stream looks for new events when it
	// has sent everything.
	DefaultEventPoll = time.Second
	// eventKeepAlive is how often an idle stream sends a comment, so that
	// proxies and clients see it alive.
	eventKeepAlive = 15 * time.Second
	// eventRetry is the reconnection delay a stream asks of its client
	// (EventSource's retry field).
	eventRetry = 2 * time.Second
)

// listEvents serves the change feed: a page of JSON, or, to a client that
// accepts text/event-stream, server-sent events that go on as changes
// commit. Both start after the event named by ?after= or the
// Last-Event-ID header (an EventSource reconnecting sends it), and show
// only the kinds ?kinds= names (comma-separated; "plan." for a group).
func (h *handler) listEvents(w http.ResponseWriter, r *http.Request) {
	q, err := eventQuery(r)
	if err != nil {
		h.error(w, r, err)
		return
	}
	if strings.Contains(r.Header.Get("Accept"), "text/event-stream") {
		h.streamEvents(w, r, q)
		return
	}
	page, err := h.ops.Events(r.Context(), actor(r), q)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, page)
}

func eventQuery(r *http.Request) (ops.EventQuery, error) {
	v := r.URL.Query()
	after, err := httpx.Int(v, "after", 0, 1<<62)
	if err != nil {
		return ops.EventQuery{}, err
	}
	if id := strings.TrimSpace(r.Header.Get("Last-Event-ID")); id != "" && !v.Has("after") {
		if after, err = strconv.ParseInt(id, 10, 64); err != nil || after < 0 {
			return ops.EventQuery{}, apperr.New(apperr.Invalid, "events.last_event_id",
				"Last-Event-ID「%s」不是事件编号", "Last-Event-ID %q is not an event id", id).WithField("Last-Event-ID")
		}
	}
	limit, err := httpx.Int(v, "limit", 1, store.MaxEventPage)
	if err != nil {
		return ops.EventQuery{}, err
	}
	q := ops.EventQuery{After: after, Limit: int(limit)}
	if limit == 0 {
		q.Limit = 100
	}
	for k := range strings.SplitSeq(v.Get("kinds"), ",") {
		if k = strings.TrimSpace(k); k != "" {
			q.Kinds = append(q.Kinds, k)
		}
	}
	return q, nil
}

// streamEvents writes the events after q.After as server-sent events
// (id, event: the kind, data: the event's JSON) and then each new one as
// it commits, until the client goes or the request's deadline nears; the
// client then reconnects with Last-Event-ID and misses nothing. When the
// feed moves on past events the client may not see, an id-only message
// moves its Last-Event-ID too.
func (h *handler) streamEvents(w http.ResponseWriter, r *http.Request, q ops.EventQuery) {
	ctx := r.Context()
	// Refusals are answered as JSON before the stream starts.
	page, err := h.ops.Events(ctx, actor(r), q)
	if err != nil {
		h.error(w, r, err)
		return
	}
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Accel-Buffering", "no") // nginx: pass each event on at once
	w.WriteHeader(http.StatusOK)
	fmt.Fprintf(w, "retry: %d\n\n", eventRetry.Milliseconds())
	end := time.Now().Add(24 * time.Hour)
	if d, ok := ctx.Deadline(); ok {
		end = d.Add(-time.Second) // close cleanly before the server's deadline cuts the stream
	}
	idle := time.Now()
	for {
		if err := writeEvents(w, page, q.After); err != nil {
			return
		}
		if err := rc.Flush(); err != nil {
			return
		}
		if len(page.Events) > 0 || page.LastID != q.After {
			idle = time.Now()
		}
		q.After = page.LastID
		if len(page.Events) < q.Limit {
			select {
			case <-ctx.Done():
				return
			case <-time.After(min(h.eventPoll, max(time.Until(end), 0))):
			}
		}
		if time.Now().After(end) {
			return
		}
		if time.Since(idle) >= eventKeepAlive {
			fmt.Fprint(w, ": keep-alive\n\n")
			idle = time.Now()
		}
		if page, err = h.ops.Events(ctx, actor(r), q); err != nil {
			h.logger.Error("event stream", "err", err)
			return
		}
	}
}

// writeEvents writes a page of events as server-sent events; an id-only
// message when the page moved past after without an event to show.
func writeEvents(w http.ResponseWriter, page ops.EventPage, after int64) error {
	for _, e := range page.Events {
		body, err := json.Marshal(e)
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", e.ID, e.Kind, body); err != nil {
			return err
		}
	}
	if n := len(page.Events); page.LastID != after && (n == 0 || page.Events[n-1].ID != page.LastID) {
		if _, err := fmt.Fprintf(w, "id: %d\n\n", page.LastID); err != nil {
			return err
		}
	}
	return nil
}
