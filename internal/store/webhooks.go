package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/stockpile-dev/stockpile/internal/webhook"
)

const webhookColumns = `id, url, kinds, principal, secret, status, cursor, failures, next_attempt, created_at, paused_at`

func scanWebhook(r interface{ Scan(...any) error }) (webhook.Webhook, error) {
	var w webhook.Webhook
	var kinds, status string
	err := r.Scan(&w.ID, &w.URL, &kinds, &w.Principal, &w.Secret, &status, &w.Cursor, &w.Failures, &w.NextAttempt,
		&w.CreatedAt, &w.PausedAt)
	if err != nil {
		return w, err
	}
	w.Status = webhook.Status(status)
	if err := json.Unmarshal([]byte(kinds), &w.Kinds); err != nil {
		return w, fmt.Errorf("store: webhook %d kinds: %w", w.ID, err)
	}
	return w, nil
}

// CreateWebhook stores a new webhook and returns it with its id.
func (s *Store) CreateWebhook(ctx context.Context, w webhook.Webhook) (webhook.Webhook, error) {
	kinds, err := json.Marshal(w.Kinds)
	if err != nil {
		return w, err
	}
	err = s.queryRow(ctx, `INSERT INTO webhooks (url, kinds, principal, secret, status, cursor, failures, next_attempt,
		created_at, paused_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, w.URL, string(kinds), w.Principal,
		w.Secret, string(w.Status), w.Cursor, w.Failures, w.NextAttempt, w.CreatedAt, w.PausedAt).Scan(&w.ID)
	if err != nil {
		return w, fmt.Errorf("store: create webhook: %w", err)
	}
	return w, nil
}

// Webhook returns a webhook by id.
func (s *Store) Webhook(ctx context.Context, id int64) (webhook.Webhook, error) {
	w, err := scanWebhook(s.queryRow(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE id = ?`, id))
	if err != nil {
		return w, notFound(err, "webhook", "回调", strconv.FormatInt(id, 10))
	}
	return w, nil
}

// Webhooks lists the webhooks of principal ("" every one), by id.
func (s *Store) Webhooks(ctx context.Context, principal string) ([]webhook.Webhook, error) {
	var w where
	w.addIf(principal, "principal = ?")
	return s.webhooks(ctx, `SELECT `+webhookColumns+` FROM webhooks`+w.String()+`ORDER BY id`, w.args...)
}

// DueWebhooks lists the active webhooks whose next attempt is at or before
// now (unix microseconds).
func (s *Store) DueWebhooks(ctx context.Context, now int64) ([]webhook.Webhook, error) {
	return s.webhooks(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE status = ? AND next_attempt <= ? ORDER BY id`,
		string(webhook.Active), now)
}

func (s *Store) webhooks(ctx context.Context, query string, args ...any) ([]webhook.Webhook, error) {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: webhooks: %w", err)
	}
	defer rows.Close()
	var out []webhook.Webhook
	for rows.Next() {
		w, err := scanWebhook(rows)
		if err != nil {
			return nil, fmt.Errorf("store: webhooks: %w", err)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// SaveWebhookState stores where a webhook stands: its status, cursor,
// failures and next attempt.
func (s *Store) SaveWebhookState(ctx context.Context, w webhook.Webhook) error {
	_, err := s.exec(ctx, `UPDATE webhooks SET status = ?, cursor = ?, failures = ?, next_attempt = ?, paused_at = ?
		WHERE id = ?`, string(w.Status), w.Cursor, w.Failures, w.NextAttempt, w.PausedAt, w.ID)
	if err != nil {
		return fmt.Errorf("store: webhook %d: %w", w.ID, err)
	}
	return nil
}

// AddDelivery logs a delivery attempt.
func (s *Store) AddDelivery(ctx context.Context, d webhook.Delivery) error {
	_, err := s.exec(ctx, `INSERT INTO webhook_deliveries (webhook_id, event_id, at, status_code, error, duration_ms)
		VALUES (?, ?, ?, ?, ?, ?)`, d.WebhookID, d.EventID, d.At, d.StatusCode, d.Error, d.DurationMS)
	if err != nil {
		return fmt.Errorf("store: webhook delivery: %w", err)
	}
	return nil
}

// MaxDeliveryPage bounds a page of the delivery log.
const MaxDeliveryPage = 500

// Deliveries lists the newest delivery attempts of a webhook, newest
// first, before id before (0: from the newest).
func (s *Store) Deliveries(ctx context.Context, webhookID, before int64, limit int) ([]webhook.Delivery, error) {
	limit = min(max(limit, 1), MaxDeliveryPage)
	if before <= 0 {
		before = 1 << 62
	}
	rows, err := s.query(ctx, `SELECT id, webhook_id, event_id, at, status_code, error, duration_ms
		FROM webhook_deliveries WHERE webhook_id = ? AND id < ? ORDER BY id DESC LIMIT ?`, webhookID, before, limit)
	if err != nil {
		return nil, fmt.Errorf("store: webhook deliveries: %w", err)
	}
	defer rows.Close()
	var out []webhook.Delivery
	for rows.Next() {
		var d webhook.Delivery
		if err := rows.Scan(&d.ID, &d.WebhookID, &d.EventID, &d.At, &d.StatusCode, &d.Error, &d.DurationMS); err != nil {
			return nil, fmt.Errorf("store: webhook deliveries: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
