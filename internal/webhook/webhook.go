// Package webhook is delivery of the change feed (package event) to
// other systems' URLs (回调推送): what a subscription is, how a delivery
// is signed and checked, and how failures back off and pause it.
//
// Deliveries are at least once and in order: one event at a time per
// webhook, the next only after the receiver answered 2xx; a receiver
// de-duplicates by the event id (the Stockpile-Event-Id header and the
// body's id). Each delivery is signed with HMAC-SHA256 over its timestamp
// and body with the webhook's secret, so the receiver can tell it comes
// from Stockpile, unaltered and recent (Verify).
package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/event"
)

// Headers of a delivery.
const (
	HeaderEvent     = "Stockpile-Event-Id"
	HeaderKind      = "Stockpile-Event-Kind"
	HeaderTimestamp = "Stockpile-Timestamp" // unix seconds, as signed
	HeaderSignature = "Stockpile-Signature" // "v1=" and the hex HMAC-SHA256
)

// Status is whether a webhook is delivered to.
type Status string

const (
	Active Status = "active"
	Paused Status = "paused" // after MaxFailures failures in a row; resumed by hand
)

// MaxFailures is how many failed deliveries in a row pause a webhook.
const MaxFailures = 8

// maxBackoff bounds the wait before a retry.
const maxBackoff = 15 * time.Minute

// Webhook is a subscription of a URL to kinds of events, delivered with
// the rights of the principal who registered it (a partner's token sees
// its organisation's events only).
type Webhook struct {
	ID        int64        `json:"id"`
	URL       string       `json:"url"`
	Kinds     event.Filter `json:"kinds"` // none: every kind
	Principal string       `json:"principal"`
	Status    Status       `json:"status"`
	// Cursor is the last event handled: delivered, or passed over as not
	// for this webhook.
	Cursor      int64  `json:"cursor"`
	Failures    int    `json:"failures"`     // failed deliveries in a row
	NextAttempt int64  `json:"next_attempt"` // unix microseconds
	CreatedAt   int64  `json:"created_at"`   // unix seconds
	PausedAt    int64  `json:"paused_at,omitempty"`
	Secret      string `json:"-"` // shown once, when created
}

// New is a webhook of url for kinds, registered by principal at now,
// with a fresh secret, delivering the events after cursor.
func New(rawURL string, kinds event.Filter, principal string, cursor int64, now time.Time) (Webhook, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		return Webhook{}, apperr.New(apperr.Invalid, "webhook.url_invalid",
			"回调地址须为不含用户名和密码的 http(s) 完整网址", "the URL must be an absolute http(s) URL without credentials").
			WithField("url")
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return Webhook{}, fmt.Errorf("webhook: secret: %w", err)
	}
	return Webhook{URL: u.String(), Kinds: kinds, Principal: principal, Status: Active, Cursor: cursor,
		NextAttempt: now.UnixMicro(), CreatedAt: now.Unix(), Secret: "whsec_" + hex.EncodeToString(secret)}, nil
}

// Passed is w after events up to id were handled: delivered, or not for
// it.
func (w Webhook) Passed(id int64, now time.Time) Webhook {
	w.Cursor, w.Failures, w.NextAttempt = max(w.Cursor, id), 0, now.UnixMicro()
	return w
}

// Failed is w after a failed delivery at now: the next attempt waits
// twice as long as the last (1 s, 2 s, 4 s … up to 15 min); after
// MaxFailures in a row the webhook is paused.
func (w Webhook) Failed(now time.Time) Webhook {
	w.Failures++
	w.NextAttempt = now.Add(Backoff(w.Failures)).UnixMicro()
	if w.Failures >= MaxFailures {
		w.Status, w.PausedAt = Paused, now.Unix()
	}
	return w
}

// Pause is w stopped at now until resumed by hand: its registrant may no
// longer act (a revoked token, a disabled user), so nothing is sent for it.
func (w Webhook) Pause(now time.Time) Webhook {
	w = w.Failed(now)
	w.Status, w.PausedAt = Paused, now.Unix()
	return w
}

// Backoff is the wait after the n-th failure in a row.
func Backoff(n int) time.Duration {
	if n < 1 {
		return 0
	}
	if n > 20 {
		return maxBackoff
	}
	return min(time.Second<<(n-1), maxBackoff)
}

// Resume is a paused w delivered to again from now, its failures
// forgotten; the events it missed follow in order.
func (w Webhook) Resume(now time.Time) (Webhook, error) {
	if w.Status != Paused {
		return w, apperr.New(apperr.Conflict, "webhook.not_paused", "回调未暂停，无需恢复", "the webhook is not paused")
	}
	w.Status, w.Failures, w.PausedAt, w.NextAttempt = Active, 0, 0, now.UnixMicro()
	return w, nil
}

// Due reports whether w should be delivered to at now.
func (w Webhook) Due(now time.Time) bool {
	return w.Status == Active && w.NextAttempt <= now.UnixMicro()
}

// Sign is the Stockpile-Signature of body sent at timestamp ts (unix
// seconds) with secret: "v1=" and the hex HMAC-SHA256 of "ts.body".
func Sign(secret string, ts int64, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(strconv.FormatInt(ts, 10)))
	m.Write([]byte{'.'})
	m.Write(body)
	return "v1=" + hex.EncodeToString(m.Sum(nil))
}

// Verify is the receiver's check of a delivery: the signature is the
// secret's over the timestamp and body as received, and the timestamp is
// within tolerance of now, so that a delivery captured and sent again
// later is refused. A receiver also keeps the event ids it has handled,
// which refuses a replay within the tolerance and de-duplicates retries.
func Verify(secret, timestamp, signature string, body []byte, now time.Time, tolerance time.Duration) error {
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return fmt.Errorf("webhook: timestamp %q is not unix seconds", timestamp)
	}
	if d := now.Sub(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("webhook: timestamp %d is %s from now, beyond %s", ts, d.Round(time.Second), tolerance)
	}
	if !hmac.Equal([]byte(signature), []byte(Sign(secret, ts, body))) {
		return fmt.Errorf("webhook: the signature does not match the body")
	}
	return nil
}

// Delivery is one attempt to deliver an event to a webhook: its HTTP
// status (0 when no answer came) and the error, if any.
type Delivery struct {
	ID         int64  `json:"id"`
	WebhookID  int64  `json:"webhook_id"`
	EventID    int64  `json:"event_id"`
	At         int64  `json:"at"` // unix microseconds
	StatusCode int    `json:"status_code"`
	Error      string `json:"error,omitempty"`
	DurationMS int64  `json:"duration_ms"`
}

// OK reports whether the receiver took the event.
func (d Delivery) OK() bool { return d.Error == "" && d.StatusCode >= 200 && d.StatusCode < 300 }
