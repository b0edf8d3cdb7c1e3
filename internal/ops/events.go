package ops

import (
	"context"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/event"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// EventQuery asks for a page of the change feed.
type EventQuery struct {
	After int64        // the last event id the follower has seen
	Limit int          // events wanted; at most store.MaxEventPage
	Kinds event.Filter // kinds wanted; none: every kind
}

// EventPage is a page of the change feed as one follower sees it.
type EventPage struct {
	Events []event.Event `json:"events"`
	// LastID is where the next page starts (EventQuery.After): the last
	// event read, shown or not, so that a follower who sees little of the
	// feed still moves on.
	LastID int64 `json:"last_id"`
}

// eventScanPages bounds the pages of the feed one request reads looking
// for events its follower may see, so that its cost is bounded whatever
// the follower's view; a page is at least eventScanPage events, more for
// a large limit.
const (
	eventScanPages = 5
	eventScanPage  = 100
)

// Events returns the events after q.After that who may see (event.Visible)
// and q.Kinds selects, in id order.
func (s *Service) Events(ctx context.Context, who access.Actor, q EventQuery) (EventPage, error) {
	page := EventPage{Events: []event.Event{}, LastID: q.After}
	if err := who.Allow(access.EventRead); err != nil {
		return page, err
	}
	limit := min(max(q.Limit, 1), store.MaxEventPage)
	root, err := s.store.RootPlace(ctx)
	if err != nil {
		return page, err
	}
	size := min(max(4*limit, eventScanPage), store.MaxEventPage)
	for range eventScanPages {
		evs, err := s.store.Events(ctx, page.LastID, size)
		if err != nil {
			return page, err
		}
		for _, e := range evs {
			page.LastID = e.ID
			if q.Kinds.Match(e.Kind) && e.Visible(who, root) {
				page.Events = append(page.Events, e)
				if len(page.Events) == limit {
					return page, nil
				}
			}
		}
		if len(evs) < size {
			break
		}
	}
	return page, nil
}
