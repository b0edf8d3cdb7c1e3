package ops

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/audit"
	"github.com/stockpile-dev/stockpile/internal/event"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/webhook"
)

// CreateWebhook registers url to receive the events of kinds that who may
// see, from the next event on. The answer holds the signing secret, shown
// this once.
func (s *Service) CreateWebhook(ctx context.Context, who access.Actor, url string, kinds event.Filter) (webhook.Webhook, error) {
	if err := who.Allow(access.WebhookManage); err != nil {
		return webhook.Webhook{}, err
	}
	if k := who.Principal.Kind(); k != access.KindToken && k != access.KindUser {
		return webhook.Webhook{}, apperr.New(apperr.Invalid, "webhook.principal",
			"回调须以用户或接口令牌的身份登记：投递按其权限进行", "a webhook is registered by a user or an API token, whose rights its deliveries carry")
	}
	last, err := s.store.LastEventID(ctx)
	if err != nil {
		return webhook.Webhook{}, err
	}
	w, err := webhook.New(url, kinds, who.ID, last, s.store.Now())
	if err != nil {
		return w, err
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if w, err = tx.CreateWebhook(ctx, w); err != nil {
			return err
		}
		return record(ctx, tx, who, "webhook.create", webhookObject(w.ID), nil, w)
	})
	return w, err
}

// Webhooks lists the webhooks who registered (an administrator's: all).
func (s *Service) Webhooks(ctx context.Context, who access.Actor) ([]webhook.Webhook, error) {
	if err := who.Allow(access.WebhookManage); err != nil {
		return nil, err
	}
	owner := who.ID
	if who.Superuser || who.Has(access.RoleAdmin) {
		owner = ""
	}
	return s.store.Webhooks(ctx, owner)
}

// webhookOf returns webhook id if who may manage it: its registrant or
// an administrator; anyone else is told it does not exist.
func (s *Service) webhookOf(ctx context.Context, who access.Actor, id int64) (webhook.Webhook, error) {
	if err := who.Allow(access.WebhookManage); err != nil {
		return webhook.Webhook{}, err
	}
	w, err := s.store.Webhook(ctx, id)
	if err == nil && w.Principal != who.ID && !who.Superuser && !who.Has(access.RoleAdmin) {
		err = apperr.NotFoundf("webhook", "回调", strconv.FormatInt(id, 10))
	}
	return w, err
}

// WebhookDeliveries is the delivery log of a webhook, newest first.
func (s *Service) WebhookDeliveries(ctx context.Context, who access.Actor, id, before int64, limit int) ([]webhook.Delivery, error) {
	if _, err := s.webhookOf(ctx, who, id); err != nil {
		return nil, err
	}
	return s.store.Deliveries(ctx, id, before, limit)
}

// ResumeWebhook delivers to a paused webhook again, from the first event
// it has not taken.
func (s *Service) ResumeWebhook(ctx context.Context, who access.Actor, id int64) (webhook.Webhook, error) {
	w, err := s.webhookOf(ctx, who, id)
	if err != nil {
		return w, err
	}
	resumed, err := w.Resume(s.store.Now())
	if err != nil {
		return w, err
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.SaveWebhookState(ctx, resumed); err != nil {
			return err
		}
		return record(ctx, tx, who, "webhook.resume", webhookObject(id), w, resumed)
	})
	return resumed, err
}

func webhookObject(id int64) audit.Object {
	return audit.Object{Kind: "webhook", ID: strconv.FormatInt(id, 10)}
}

// DeliverWebhooks makes one round of deliveries: to each due webhook, the
// next event its registrant may see and it asked for. It returns how many
// webhooks moved on (delivered an event, or passed events not for them),
// so that a caller goes on at once while any does.
func (s *Service) DeliverWebhooks(ctx context.Context, client *http.Client) (int, error) {
	due, err := s.store.DueWebhooks(ctx, s.store.Now().UnixMicro())
	if err != nil {
		return 0, err
	}
	moved := 0
	for _, w := range due {
		ok, err := s.deliverNext(ctx, client, w)
		if err != nil {
			return moved, err
		}
		if ok {
			moved++
		}
	}
	return moved, nil
}

// deliverNext delivers the next event for w, if there is one, and stores
// how it went; it reports whether w moved on.
func (s *Service) deliverNext(ctx context.Context, client *http.Client, w webhook.Webhook) (bool, error) {
	now := s.store.Now()
	who, err := s.actorOf(ctx, w.Principal)
	if err != nil { // the registrant's token was revoked or the user disabled: nothing more is sent
		return false, s.store.SaveWebhookState(ctx, w.Pause(now))
	}
	page, err := s.Events(ctx, who, EventQuery{After: w.Cursor, Limit: 1, Kinds: w.Kinds})
	if err != nil {
		return false, err
	}
	if len(page.Events) == 0 {
		if page.LastID == w.Cursor {
			return false, nil
		}
		return true, s.store.SaveWebhookState(ctx, w.Passed(page.LastID, now))
	}
	e := page.Events[0]
	d := send(ctx, client, w, e, now)
	if err := s.store.AddDelivery(ctx, d); err != nil {
		return false, err
	}
	if d.OK() {
		return true, s.store.SaveWebhookState(ctx, w.Passed(e.ID, s.store.Now()))
	}
	return false, s.store.SaveWebhookState(ctx, w.Failed(s.store.Now()))
}

// actorOf is who a webhook's registrant acts as: its token (with its
// user's roles and scope) or its user; an error when it may no longer act.
func (s *Service) actorOf(ctx context.Context, principal string) (access.Actor, error) {
	kind, idText, _ := strings.Cut(principal, ":")
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		return access.Actor{}, fmt.Errorf("ops: webhook principal %q", principal)
	}
	switch kind {
	case access.KindToken:
		t, err := s.store.Token(ctx, id)
		if err != nil {
			return access.Actor{}, err
		}
		u, err := s.store.User(ctx, t.UserID)
		if err != nil || !t.Active(s.store.Now()) || u.Disabled {
			return access.Actor{}, fmt.Errorf("ops: webhook principal %s may no longer act", principal)
		}
		return t.Actor(u, "webhook"), nil
	case access.KindUser:
		u, err := s.store.User(ctx, id)
		if err != nil || u.Disabled {
			return access.Actor{}, fmt.Errorf("ops: webhook principal %s may no longer act", principal)
		}
		return u.Actor("webhook"), nil
	}
	return access.Actor{}, fmt.Errorf("ops: webhook principal %q may not register webhooks", principal)
}

// deliveryTimeout bounds one delivery.
const deliveryTimeout = 10 * time.Second

// send posts e to w's URL, signed, and reports how it went.
func send(ctx context.Context, client *http.Client, w webhook.Webhook, e event.Event, now time.Time) webhook.Delivery {
	d := webhook.Delivery{WebhookID: w.ID, EventID: e.ID, At: now.UnixMicro()}
	body, err := json.Marshal(e)
	if err != nil {
		d.Error = err.Error()
		return d
	}
	ctx, cancel := context.WithTimeout(ctx, deliveryTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "POST", w.URL, bytes.NewReader(body))
	if err != nil {
		d.Error = err.Error()
		return d
	}
	ts := now.Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Stockpile-Webhook/1")
	req.Header.Set(webhook.HeaderEvent, strconv.FormatInt(e.ID, 10))
	req.Header.Set(webhook.HeaderKind, e.Kind)
	req.Header.Set(webhook.HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(webhook.HeaderSignature, webhook.Sign(w.Secret, ts, body))
	t0 := time.Now()
	resp, err := client.Do(req)
	d.DurationMS = time.Since(t0).Milliseconds()
	if err != nil {
		d.Error = err.Error()
		return d
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	d.StatusCode = resp.StatusCode
	if !d.OK() {
		d.Error = "HTTP " + resp.Status
	}
	return d
}

// WebhookClient is the HTTP client deliveries go out with. Unless
// allowPrivate (tests, a closed network), it refuses to connect to
// loopback, private, link-local and unspecified addresses, checked on the
// address actually dialled, so that a registered URL cannot reach into
// the server's own network (SSRF), also not by a DNS name that resolves
// there.
func WebhookClient(allowPrivate bool) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	if !allowPrivate {
		dialer.Control = func(_, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			ip := net.ParseIP(host)
			if ip == nil || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
				ip.IsUnspecified() {
				return fmt.Errorf("webhook: %s is not a public address", host)
			}
			return nil
		}
	}
	transport := &http.Transport{DialContext: dialer.DialContext, TLSHandshakeTimeout: 5 * time.Second,
		ResponseHeaderTimeout: deliveryTimeout, MaxIdleConnsPerHost: 2}
	return &http.Client{Transport: transport, Timeout: deliveryTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// RunWebhooks delivers to webhooks until ctx ends: a round at once while
// webhooks move on, otherwise every interval.
func (s *Service) RunWebhooks(ctx context.Context, client *http.Client, interval time.Duration, logf func(error)) {
	for {
		n, err := s.DeliverWebhooks(ctx, client)
		if err != nil && ctx.Err() == nil {
			logf(err)
		}
		if n > 0 && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}
