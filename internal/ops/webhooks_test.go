package ops_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/account"
	"github.com/stockpile-dev/stockpile/internal/event"
	"github.com/stockpile-dev/stockpile/internal/ops"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
	"github.com/stockpile-dev/stockpile/internal/webhook"
)

// receiver is a partner's webhook endpoint as the docs tell it to be
// written: it checks each delivery's signature and timestamp
// (webhook.Verify) and keeps the ids of the events it took, counting a
// second delivery of one as a duplicate. While down it answers 503; with
// loseAck it takes the next event but answers 500, as if its answer was
// lost.
type receiver struct {
	*httptest.Server
	mu      sync.Mutex
	secret  string
	now     func() time.Time
	down    bool
	loseAck int
	seen    []int64
	dups    int
	forged  int
}

func newReceiver(t *testing.T, now func() time.Time) *receiver {
	r := &receiver{now: now}
	r.Server = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.down {
		http.Error(w, "down", http.StatusServiceUnavailable)
		return
	}
	body, _ := io.ReadAll(req.Body)
	if err := webhook.Verify(r.secret, req.Header.Get(webhook.HeaderTimestamp), req.Header.Get(webhook.HeaderSignature),
		body, r.now(), 5*time.Minute); err != nil {
		r.forged++
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var e event.Event
	if err := json.Unmarshal(body, &e); err != nil || req.Header.Get(webhook.HeaderEvent) == "" {
		http.Error(w, "bad event", http.StatusBadRequest)
		return
	}
	if slices.Contains(r.seen, e.ID) {
		r.dups++
	} else {
		r.seen = append(r.seen, e.ID)
	}
	if r.loseAck > 0 {
		r.loseAck--
		http.Error(w, "lost", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (r *receiver) set(fn func(r *receiver)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fn(r)
}

func (r *receiver) taken() ([]int64, int, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.seen), r.dups, r.forged
}

// TestWebhookDeliveries: a district manager's token registers a webhook
// for postings; it receives, signed and in order, the postings it may see
// and no other; a receiver that is down makes deliveries back off and,
// after MaxFailures, pause; after a restart of the server and a resume by
// hand it receives what it missed, and an answer lost on the way makes a
// second delivery the receiver de-duplicates by id.
func TestWebhookDeliveries(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, engine string) {
		ctx := t.Context()
		c := &clock{t: time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC)}
		s := storetest.Open(t, engine, store.WithClock(c.now))
		w := storetest.Build(t, s)
		svc := ops.New(s, ops.Options{PasswordParams: cheap})
		sys := access.SystemActor("test")
		u, _, err := svc.CreateUser(ctx, sys, account.User{Username: "manager-fs", Roles: []access.Role{access.RoleManager},
			AreaCode: w.District, OrgCode: w.Bureau}, "a long enough password")
		if err != nil {
			t.Fatal(err)
		}
		tok, _, err := svc.CreateToken(ctx, sys, account.Token{Name: "fs system", Username: u.Username,
			ExpiresAt: c.t.AddDate(1, 0, 0).Unix()})
		if err != nil {
			t.Fatal(err)
		}
		partner := tok.Actor(u, "test")
		rcv := newReceiver(t, c.now)
		hook, err := svc.CreateWebhook(ctx, partner, rcv.URL, event.Filter{"ledger."})
		if err != nil {
			t.Fatal(err)
		}
		rcv.set(func(r *receiver) { r.secret = hook.Secret })
		client := ops.WebhookClient(true)
		deliverAll := func(svc *ops.Service) {
			t.Helper()
			for range 100 {
				n, err := svc.DeliverWebhooks(ctx, client)
				if err != nil {
					t.Fatal(err)
				}
				if n == 0 {
					return
				}
			}
		}
		receive := func(depot, batch string) int64 {
			t.Helper()
			res, err := svc.Post(ctx, sys, stock.Posting{Reason: "入库", Lines: []stock.Line{{Kind: stock.KindReceive,
				Depot: depot, Item: storetest.FoldingBed, Quantity: stock.Units(5), NewLot: &stock.LotSpec{Batch: batch}}}})
			if err != nil {
				t.Fatal(err)
			}
			return res.ID
		}

		receive(w.DepotB, "B1") // the district's depot: its event goes out
		receive(w.DepotA, "A1") // the city's: not for a district manager
		receive(w.DepotB, "B2")
		deliverAll(svc)
		got, dups, forged := rcv.taken()
		if len(got) != 2 || got[0] >= got[1] || dups != 0 || forged != 0 {
			t.Fatalf("taken %v (dups %d, forged %d); want the two postings at D-TEST-B in order", got, dups, forged)
		}

		// The receiver goes down: each attempt fails and the next waits
		// twice as long, until the webhook pauses.
		rcv.set(func(r *receiver) { r.down = true })
		receive(w.DepotB, "B3")
		receive(w.DepotB, "B4")
		for i := 1; i <= webhook.MaxFailures; i++ {
			deliverAll(svc)
			if n, _ := svc.DeliverWebhooks(ctx, client); n != 0 {
				t.Fatal("delivered to a receiver that is down")
			}
			c.t = c.t.Add(webhook.Backoff(i))
		}
		hooks, err := svc.Webhooks(ctx, partner)
		if err != nil || len(hooks) != 1 || hooks[0].Status != webhook.Paused || hooks[0].Failures != webhook.MaxFailures {
			t.Fatalf("after the receiver was down: %+v %v", hooks, err)
		}
		log, err := svc.WebhookDeliveries(ctx, partner, hook.ID, 0, 100)
		if err != nil || len(log) != 2+webhook.MaxFailures || log[0].StatusCode != 503 || log[0].OK() || !log[len(log)-1].OK() {
			t.Fatalf("delivery log: %+v %v", log, err)
		}

		// It comes back, and so does the server, as a new process over the
		// same database; paused, nothing goes out until resumed by hand.
		rcv.set(func(r *receiver) { r.down, r.loseAck = false, 1 })
		svc = ops.New(s, ops.Options{PasswordParams: cheap})
		c.t = c.t.Add(time.Hour)
		deliverAll(svc)
		if got, _, _ := rcv.taken(); len(got) != 2 {
			t.Fatalf("a paused webhook was delivered to: %v", got)
		}
		if _, err := svc.ResumeWebhook(ctx, partner, hook.ID); err != nil {
			t.Fatal(err)
		}
		for range 3 { // the first answer is lost: one retry after a second
			deliverAll(svc)
			c.t = c.t.Add(time.Second)
		}
		got, dups, forged = rcv.taken()
		if len(got) != 4 || !slices.IsSorted(got) || dups != 1 || forged != 0 {
			t.Fatalf("taken %v (dups %d, forged %d); want four in order, one delivered twice", got, dups, forged)
		}

		// Another principal sees nothing of the webhook; a strict client
		// does not deliver to a loopback address.
		if _, err := svc.WebhookDeliveries(ctx, cityManager, hook.ID, 0, 10); err == nil {
			t.Error("another manager read the delivery log")
		}
		receive(w.DepotB, "B5")
		if _, err := svc.DeliverWebhooks(ctx, ops.WebhookClient(false)); err != nil {
			t.Fatal(err)
		}
		log, _ = svc.WebhookDeliveries(ctx, partner, hook.ID, 0, 1)
		if len(log) != 1 || !strings.Contains(log[0].Error, "not a public address") {
			t.Errorf("a delivery to a loopback address: %+v", log)
		}
	})
}

// TestWebhookPassesOverWhatItMayNotSee: a webhook whose registrant sees
// none of a long run of events moves past them in rounds that say so,
// without delivering, and a system principal registers none.
func TestWebhookPassesOverWhatItMayNotSee(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t, "sqlite")
	w := storetest.Build(t, s)
	svc := ops.New(s, ops.Options{PasswordParams: cheap})
	ctx, sys := t.Context(), access.SystemActor("test")
	if _, err := svc.CreateWebhook(ctx, sys, "https://partner.example/hook", nil); err == nil {
		t.Fatal("a system principal registered a webhook")
	}
	u, _, err := svc.CreateUser(ctx, sys, account.User{Username: "partner", Roles: []access.Role{access.RolePartner},
		AreaCode: w.City, OrgCode: w.Bureau}, "a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	partner := u.Actor("test")
	rcv := newReceiver(t, time.Now)
	hook, err := svc.CreateWebhook(ctx, partner, rcv.URL, event.Filter{"plan."})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 250 { // postings: not of the kinds it asked for
		if _, err := svc.Post(ctx, sys, stock.Posting{Reason: "入库", Lines: []stock.Line{{Kind: stock.KindReceive,
			Depot: w.DepotA, Item: storetest.FoldingBed, Quantity: stock.Units(1),
			NewLot: &stock.LotSpec{Batch: "P" + strconv.Itoa(i)}}}}); err != nil {
			t.Fatal(err)
		}
	}
	last, _ := s.LastEventID(ctx)
	rounds := 0
	for ; rounds < 10; rounds++ {
		n, err := svc.DeliverWebhooks(ctx, ops.WebhookClient(true))
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	hooks, _ := svc.Webhooks(ctx, partner)
	if got, _, _ := rcv.taken(); len(got) != 0 || len(hooks) != 1 || hooks[0].ID != hook.ID || hooks[0].Cursor != last || rounds == 0 {
		t.Errorf("after %d rounds: delivered %v, webhook %+v; want nothing delivered and the cursor at %d", rounds, got, hooks, last)
	}
}
