package web

import (
	"net/http"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/cst"
	"github.com/stockpile-dev/stockpile/internal/webhook"
)

// webhookLog is how many delivery attempts the webhooks tab shows of each.
const webhookLog = 10

// webhooksView is the data of the webhooks tab (回调推送): who registered
// what, where each stands in the change feed, and its latest deliveries.
type webhooksView struct {
	Tabs     []adminTab
	Webhooks []webhookRow
}

type webhookRow struct {
	webhook.Webhook
	KindsText, Created, Paused, Next string
	Deliveries                       []deliveryRow
}

type deliveryRow struct {
	webhook.Delivery
	When string
	OK   bool
}

// webhooksPage lists the webhooks the signed-in person may manage (an
// administrator's: all), each with its latest delivery attempts; the
// page's script registers new ones and resumes paused ones through the API.
func (h *handler) webhooksPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	who := access.FromContext(ctx)
	hooks, err := h.ops.Webhooks(ctx, who)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := webhooksView{Tabs: adminTabsFor(who, "webhooks")}
	for _, hook := range hooks {
		row := webhookRow{Webhook: hook, KindsText: strings.Join(hook.Kinds, ", "), Created: cst.Minute(hook.CreatedAt),
			Paused: cst.Minute(hook.PausedAt), Next: cst.Minute(hook.NextAttempt / 1_000_000)}
		log, err := h.ops.WebhookDeliveries(ctx, who, hook.ID, 0, webhookLog)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		for _, d := range log {
			row.Deliveries = append(row.Deliveries, deliveryRow{Delivery: d, When: cst.Minute(d.At / 1_000_000), OK: d.OK()})
		}
		v.Webhooks = append(v.Webhooks, row)
	}
	h.render(w, r, "admin-webhooks", h.newPage(r, "admin", "admin.webhooks.title", v))
}
