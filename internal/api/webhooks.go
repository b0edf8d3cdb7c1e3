package api

import (
	"net/http"

	"github.com/stockpile-dev/stockpile/internal/event"
	"github.com/stockpile-dev/stockpile/internal/httpx"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/webhook"
)

// webhookRequest registers a webhook.
type webhookRequest struct {
	URL   string       `json:"url"`
	Kinds event.Filter `json:"kinds,omitempty"`
}

// createdWebhook is a new webhook with its signing secret, shown once.
type createdWebhook struct {
	webhook.Webhook
	Secret string `json:"secret"`
}

func (h *handler) listWebhooks(w http.ResponseWriter, r *http.Request) {
	hooks, err := h.ops.Webhooks(r.Context(), actor(r))
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, list("webhooks", hooks))
}

func (h *handler) createWebhook(w http.ResponseWriter, r *http.Request) {
	var req webhookRequest
	if err := h.decode(w, r, &req); err != nil {
		h.error(w, r, err)
		return
	}
	hook, err := h.ops.CreateWebhook(r.Context(), actor(r), req.URL, req.Kinds)
	if err != nil {
		h.error(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store") // it holds the secret
	h.json(w, r, http.StatusCreated, createdWebhook{Webhook: hook, Secret: hook.Secret})
}

func (h *handler) webhookDeliveries(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ID(r, "id")
	var before, limit int64
	if err == nil {
		before, err = httpx.Int(r.URL.Query(), "before", 0, 1<<62)
	}
	if err == nil {
		limit, err = httpx.Int(r.URL.Query(), "limit", 0, store.MaxDeliveryPage)
	}
	if err != nil {
		h.error(w, r, err)
		return
	}
	if limit == 0 {
		limit = 100
	}
	ds, err := h.ops.WebhookDeliveries(r.Context(), actor(r), id, before, int(limit))
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, list("deliveries", ds))
}

func (h *handler) resumeWebhook(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ID(r, "id")
	if err != nil {
		h.error(w, r, err)
		return
	}
	hook, err := h.ops.ResumeWebhook(r.Context(), actor(r), id)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, hook)
}
