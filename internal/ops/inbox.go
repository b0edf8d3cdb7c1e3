package ops

import (
	"context"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/approval"
	"github.com/stockpile-dev/stockpile/internal/care"
	"github.com/stockpile-dev/stockpile/internal/inbox"
	"github.com/stockpile-dev/stockpile/internal/replenish"
	"github.com/stockpile-dev/stockpile/internal/request"
	"github.com/stockpile-dev/stockpile/internal/shipment"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/stocktake"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// Inbox gathers what waits for who (待办), each line only for those whose
// roles take the action it asks for, within their view. Every read is
// bounded by who's scope or capped (store.CountCap), so the inbox costs
// the same on a province's ledger as on a city's.
func (s *Service) Inbox(ctx context.Context, who access.Actor) (inbox.Inbox, error) {
	var b inbox.Inbox
	for _, gather := range []func(context.Context, access.Actor, *inbox.Inbox) error{
		s.inboxApprovals, s.inboxCounts, s.inboxCare, s.inboxLots, s.inboxDepots, s.inboxFlow,
	} {
		if err := gather(ctx, who, &b); err != nil {
			return b, err
		}
	}
	return b, nil
}

// inboxApprovals: scraps others asked who to approve.
func (s *Service) inboxApprovals(ctx context.Context, who access.Actor, b *inbox.Inbox) error {
	if !who.Can(access.ScrapApprove) {
		return nil
	}
	v := who.View(access.ScrapApprove)
	reqs, err := s.store.Approvals(ctx, store.ApprovalFilter{Status: approval.Pending, View: &v})
	n := 0
	for _, r := range reqs {
		if r.RequestedBy != who.ID {
			n++
		}
	}
	b.Add(inbox.Item{Kind: inbox.Approvals, Count: n, Severity: inbox.Urgent, Link: "/work/approvals"})
	return err
}

// inboxCounts: stock-takes to approve, and lots of open ones to recount.
func (s *Service) inboxCounts(ctx context.Context, who access.Actor, b *inbox.Inbox) error {
	if who.Can(access.StockCountDecide) {
		v := who.View(access.StockCountDecide)
		cs, err := s.store.Counts(ctx, store.CountFilter{Status: stocktake.Submitted, View: &v})
		if err != nil {
			return err
		}
		b.Add(inbox.Item{Kind: inbox.CountsReview, Count: len(cs), Severity: inbox.Warn, Link: "/work/counts?status=submitted"})
	}
	if who.Can(access.StockCount) {
		v := who.View(access.StockCount)
		cs, err := s.store.Counts(ctx, store.CountFilter{Status: stocktake.Open, View: &v})
		if err != nil {
			return err
		}
		n := 0
		for _, c := range cs {
			n += c.Recount
		}
		b.Add(inbox.Item{Kind: inbox.Recounts, Count: n, Severity: inbox.Warn, Link: "/work/counts?status=open"})
	}
	return nil
}

// inboxCare: inspections, maintenance and rotations due within
// inbox.DueDays.
func (s *Service) inboxCare(ctx context.Context, who access.Actor, b *inbox.Inbox) error {
	if !who.Can(access.CareRecord) {
		return nil
	}
	v := who.View(access.CareRecord)
	today := s.store.Today()
	due, err := s.store.CareDue(ctx, &v, "", today, inbox.DueDays)
	if err != nil {
		return err
	}
	sev := inbox.Warn
	for _, d := range due {
		if d.Status == care.StatusOverdue {
			sev = inbox.Urgent
		}
	}
	b.Add(inbox.Item{Kind: inbox.CareDue, Count: len(due), Severity: sev, Link: "/work/care"})
	rots, err := s.store.Rotations(ctx, store.RotationFilter{Status: care.RotationPlanned,
		DueBy: stock.AddDays(today, inbox.DueDays), View: &v, Limit: 1000})
	if err != nil {
		return err
	}
	b.Add(inbox.Item{Kind: inbox.RotationsDue, Count: len(rots), Severity: inbox.Warn, Link: "/work/care#rotations"})
	return nil
}

// inboxLots: lots on hand past their expiry, and expiring within
// inbox.ExpiringDays, counted up to store.CountCap.
func (s *Service) inboxLots(ctx context.Context, who access.Actor, b *inbox.Inbox) error {
	if !who.Can(access.StockPost) && !who.Can(access.CarePlan) {
		return nil // those who can act on a lot: keepers, managers, partners
	}
	v := who.View(access.StockRead)
	expired, err := s.store.StockLots(ctx, store.LotQuery{Expired: true, Limit: 1, View: &v})
	if err != nil {
		return err
	}
	b.Add(inbox.Item{Kind: inbox.LotsExpired, Count: expired.Total, Capped: expired.Capped, Severity: inbox.Urgent,
		Link: "/stock/lots?days=expired"})
	soon, err := s.store.StockLots(ctx, store.LotQuery{ExpiresBy: stock.AddDays(s.store.Today(), inbox.ExpiringDays), Limit: 1, View: &v})
	if err != nil {
		return err
	}
	b.Add(inbox.Item{Kind: inbox.LotsExpiring, Count: soon.Total - expired.Total, Capped: soon.Capped, Severity: inbox.Info,
		Link: "/stock/lots?days=30"})
	return nil
}

// inboxDepots: depots at or above the near-full share of their capacity.
func (s *Service) inboxDepots(ctx context.Context, who access.Actor, b *inbox.Inbox) error {
	if !who.Can(access.StockPost) && !who.Can(access.CarePlan) {
		return nil
	}
	v := who.View(access.StockRead)
	fill, err := s.store.DepotFill(ctx, &v)
	n := 0
	for _, f := range fill {
		if f.Level == care.LevelNearFull || f.Level == care.LevelFull {
			n++
		}
	}
	b.Add(inbox.Item{Kind: inbox.DepotsFull, Count: n, Severity: inbox.Warn, Link: "/work/care#capacity"})
	return err
}

// inboxFlow: requests waiting for who's area, shipments on the road to
// places who signs for, replenishment owed to who's area. Each reads at
// most store's page of 1,000 open rows and keeps those in who's reach.
func (s *Service) inboxFlow(ctx context.Context, who access.Actor, b *inbox.Inbox) error {
	if who.Can(access.RequestDecide) {
		reqs, err := s.store.Requests(ctx, store.RequestFilter{Status: string(request.StatusPending), Limit: 1000})
		if err != nil {
			return err
		}
		n, err := s.reached(ctx, who, access.RequestDecide, "area", len(reqs), func(i int) string { return reqs[i].AtArea })
		if err != nil {
			return err
		}
		b.Add(inbox.Item{Kind: inbox.RequestsWaiting, Count: n, Severity: inbox.Urgent, Link: "/requests?waiting=1"})
	}
	if who.Can(access.ShipmentReceive) {
		var ships []shipment.Shipment
		for _, st := range []shipment.Status{shipment.StatusInTransit, shipment.StatusDelivered} {
			got, err := s.store.Shipments(ctx, store.ShipmentFilter{Status: string(st), Limit: 1000})
			if err != nil {
				return err
			}
			ships = append(ships, got...)
		}
		n, err := s.reached(ctx, who, access.ShipmentReceive, "depot", len(ships), func(i int) string { return ships[i].To })
		if err != nil {
			return err
		}
		b.Add(inbox.Item{Kind: inbox.ShipmentsArriving, Count: n, Severity: inbox.Warn, Link: "/shipments?arriving=1"})
	}
	if who.Can(access.ReplenishSettle) {
		needs, err := s.store.Replenishments(ctx, store.ReplenishFilter{Status: string(replenish.StatusOpen), Limit: 1000})
		if err != nil {
			return err
		}
		n, err := s.reached(ctx, who, access.ReplenishSettle, "area", len(needs), func(i int) string { return needs[i].Holder })
		if err != nil {
			return err
		}
		b.Add(inbox.Item{Kind: inbox.ReplenishOwed, Count: n, Severity: inbox.Info, Link: "/replenishments"})
	}
	return nil
}

// reached counts the n things (whose place of kind is placeOf(i)) where
// who may take act.
func (s *Service) reached(ctx context.Context, who access.Actor, act access.Action, kind string, n int,
	placeOf func(int) string) (int, error) {
	codes := map[string]bool{}
	for i := range n {
		codes[placeOf(i)] = true
	}
	ok := map[string]bool{}
	for code := range codes {
		places, err := s.store.Places(ctx, kind, code)
		if err != nil {
			return 0, err
		}
		ok[code] = who.Allow(act, places...) == nil
	}
	count := 0
	for i := range n {
		if ok[placeOf(i)] {
			count++
		}
	}
	return count, nil
}
