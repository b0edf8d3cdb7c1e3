package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/webhook"
)

// TestAdminWebhooks: the webhooks tab lists a webhook with where it stands
// and its latest deliveries, offers to resume it once paused, never shows
// its secret, shows a partner only its own, and is closed to a viewer.
func TestAdminWebhooks(t *testing.T) {
	t.Parallel()
	eachDemoSite(t, func(t *testing.T, site *testSite) {
		admin := site.as(t, "admin-city")
		var made struct {
			ID     int64  `json:"id"`
			Secret string `json:"secret"`
		}
		site.apiAs(t, admin, "POST", "/api/webhooks", `{"url":"https://grain.example/hook","kinds":["ledger.","plan."]}`, &made)
		hook, err := site.s.Webhook(t.Context(), made.ID)
		if err != nil || made.Secret == "" {
			t.Fatal(err)
		}
		for i := range webhook.MaxFailures {
			if err := site.s.AddDelivery(t.Context(), webhook.Delivery{WebhookID: hook.ID, EventID: hook.Cursor + 1,
				At: site.s.Now().UnixMicro(), StatusCode: 503, Error: "HTTP 503 Service Unavailable", DurationMS: int64(i)}); err != nil {
				t.Fatal(err)
			}
			hook = hook.Failed(site.s.Now())
		}
		if err := site.s.SaveWebhookState(t.Context(), hook); err != nil {
			t.Fatal(err)
		}

		got := site.fetch(t, admin, "GET", "/admin/webhooks", nil)
		if got.status != http.StatusOK {
			t.Fatalf("webhooks tab: %d %.300s", got.status, got.body)
		}
		contains(t, "the webhook", got.body, fmt.Sprintf(`data-webhook="%d" data-state="paused"`, made.ID),
			"https://grain.example/hook", "已暂停", "ledger., plan.", `data-act="resume"`, "HTTP 503 Service Unavailable",
			`data-ok="false"`)
		contains(t, "the tab", got.body, `data-tab="webhooks"`, `id="webhook-form"`, "js/admin.js")
		if strings.Contains(got.body, made.Secret) {
			t.Error("the webhooks tab shows a secret")
		}
		partner := site.fetch(t, site.as(t, "partner-grain"), "GET", "/admin/webhooks", nil)
		if partner.status != http.StatusOK || strings.Contains(partner.body, "grain.example") {
			t.Errorf("a partner's tab: %d, shows another's webhook: %v", partner.status, strings.Contains(partner.body, "grain.example"))
		}
		if got := site.fetch(t, site.as(t, "viewer-city"), "GET", "/admin/webhooks", nil); got.status != http.StatusForbidden {
			t.Errorf("a viewer's tab: %d", got.status)
		}
		site.fetch(t, admin, "GET", "/lang/en?back=/", nil)
		contains(t, "in English", site.fetch(t, admin, "GET", "/admin/webhooks", nil).body, "Register a webhook", "paused",
			"failures in a row")
	})
}
