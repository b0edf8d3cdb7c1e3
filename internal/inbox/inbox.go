// Package inbox is each person's list of what waits for them (待办): the
// approvals only they and their peers can give, counts to review or
// recount, care due, rotations due, lots expiring or expired, depots
// nearly full. One line per kind of thing, with how many and where to go;
// the header of every page shows the total.
package inbox

import "slices"

// Kind is a kind of thing waiting.
type Kind string

const (
	Approvals    Kind = "approvals"     // scraps waiting for a second person
	CountsReview Kind = "counts_review" // stock-takes submitted, to approve
	Recounts     Kind = "recounts"      // lots of open stock-takes to count again
	CareDue      Kind = "care_due"      // inspections and maintenance due or overdue
	RotationsDue Kind = "rotations_due" // rotation plans due
	LotsExpired  Kind = "lots_expired"  // lots past their expiry, still on hand
	LotsExpiring Kind = "lots_expiring" // lots expiring within ExpiringDays
	DepotsFull   Kind = "depots_full"   // depots at or above the near-full share of their capacity
	// From plan to site (docs/flow.md).
	RequestsWaiting   Kind = "requests_waiting"   // requests for supplies waiting for one's area
	ShipmentsArriving Kind = "shipments_arriving" // shipments on the road to a place one signs for
	ReplenishOwed     Kind = "replenish_owed"     // replenishment owed to one's area, not yet settled
)

// Severity orders the lines: what is late or blocks someone first.
type Severity int

const (
	Info Severity = iota
	Warn
	Urgent
)

// ExpiringDays is how far ahead the inbox warns of expiry: a month,
// inside the 90 days of stock.RotationDays that rotation plans take.
const ExpiringDays = 30

// DueDays is how far ahead care and rotations count as due.
const DueDays = 7

// Item is one line of an inbox.
type Item struct {
	Kind     Kind     `json:"kind"`
	Count    int      `json:"count"`
	Capped   bool     `json:"capped,omitempty"` // Count is a lower bound
	Severity Severity `json:"severity"`
	Link     string   `json:"link"` // the page that lists them
}

// Inbox is one person's lines, most severe first.
type Inbox struct {
	Items []Item `json:"items"`
	Total int    `json:"total"`
}

// Add appends a line with something in it; empty lines are left out.
func (b *Inbox) Add(it Item) {
	if it.Count <= 0 {
		return
	}
	b.Items = append(b.Items, it)
	b.Total += it.Count
	slices.SortStableFunc(b.Items, func(x, y Item) int { return int(y.Severity) - int(x.Severity) })
}
