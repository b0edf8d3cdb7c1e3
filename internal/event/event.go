// Package event is the change feed (变更推送): every change a partner
// system, or another Stockpile instance, may follow — a posting to the
// ledger, and every change the audit trail records (master data, plans
// and their status, transfer orders, imports, users and tokens) — as one
// ordered stream of events with increasing ids.
//
// An event is written in the transaction of the change it reports (a
// transactional outbox), so a follower sees it exactly when the change
// has committed, and ids are handed out in commit order: a follower that
// has seen event n has seen every event before it, and resumes after n
// (Last-Event-ID) across restarts of either side.
//
// The package decides what an event says and who may see it; the store
// writes and reads them.
package event

import (
	"encoding/json"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/audit"
)

// KindPosting is the kind of the event of a ledger posting.
const KindPosting = "ledger.posting"

// Event is one change. Kind is the audit action ("plan.approve",
// "user.create", "import.commit") or KindPosting; Object is what changed;
// Data its state after the change (the audit record's after) or, for a
// posting, a Posting.
type Event struct {
	ID        int64           `json:"id"`
	At        int64           `json:"at"` // unix microseconds
	Kind      string          `json:"kind"`
	Principal string          `json:"principal"` // who acted (access.Principal)
	Object    audit.Object    `json:"object"`
	Data      json.RawMessage `json:"data,omitempty"`
	// Places are where the change lies, for who may see it (Visible); none
	// for a change of the whole city (a plan, a user, the catalogue).
	Places []access.Place `json:"-"`
}

// Posting is the data of a posting's event: enough to decide whether to
// fetch its entries (GET /api/postings/{id}).
type Posting struct {
	ID       int64    `json:"id"`
	Reason   string   `json:"reason"`
	Lines    int64    `json:"lines"`
	Entries  int64    `json:"entries"`
	FirstSeq int64    `json:"first_seq,omitempty"`
	LastSeq  int64    `json:"last_seq,omitempty"`
	Depots   []string `json:"depots"` // the depots it moved stock at, in code order
}

// FromAudit is the event of an audit record, lying at places.
func FromAudit(r audit.Record, places []access.Place) Event {
	return Event{At: r.At * 1_000_000, Kind: r.Action, Principal: r.Principal, Object: r.Object, Data: r.After,
		Places: places}
}

// reads maps the first part of an event's kind to the action whose view
// decides who sees it; anything else (sign-ins, sessions) is the audit
// trail's alone.
var reads = map[string]access.Action{
	"ledger": access.StockRead, "depot": access.StockRead, "agreement": access.StockRead,
	"capacity": access.StockRead, "lot": access.StockRead,
	"item": access.ReferenceRead, "category": access.ReferenceRead, "area": access.ReferenceRead,
	"org":      access.ReferenceRead,
	"incident": access.DispatchRead, "plan": access.DispatchRead, "transfer": access.DispatchRead,
	"preposition": access.DispatchRead, "shipment": access.DispatchRead, "site": access.DispatchRead,
	"donation": access.StockRead, "purchase": access.StockRead, "request": access.DispatchRead,
	"replenish": access.StockRead,
	"readiness": access.ReadinessRead, "scenario": access.ReadinessRead,
	"supplier": access.ReferenceRead, "requisition": access.DispatchRead,
	"import": access.DataImport,
	"user":   access.UserManage, "token": access.TokenManage,
	// The care of stock (package care): schedules are the city's, records
	// and rotations a depot's.
	"care_schedule": access.ReferenceRead, "care_record": access.StockRead, "rotation": access.StockRead,
}

// ReadAction is the action whose view decides who may see events of kind.
func ReadAction(kind string) access.Action {
	group, _, _ := strings.Cut(kind, ".")
	if act, ok := reads[group]; ok {
		return act
	}
	return access.AuditRead
}

// Visible reports whether who may see e: who may take its read action,
// and that action's view shows one of e's places; an event without
// places only when the view shows root, the city's place.
func (e Event) Visible(who access.Actor, root access.Place) bool {
	act := ReadAction(e.Kind)
	if !who.Can(act) {
		return false
	}
	v := who.View(act)
	if len(e.Places) == 0 {
		return v.Shows(root)
	}
	for _, p := range e.Places {
		if v.Shows(p) {
			return true
		}
	}
	return false
}

// Filter selects events by kind: a kind ends with "." for every kind of
// a group ("plan."), or names one ("plan.approve"); no kinds is every
// event.
type Filter []string

// Match reports whether f selects kind.
func (f Filter) Match(kind string) bool {
	if len(f) == 0 {
		return true
	}
	for _, k := range f {
		if k == kind || strings.HasSuffix(k, ".") && strings.HasPrefix(kind, k) {
			return true
		}
	}
	return false
}
