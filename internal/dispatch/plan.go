package dispatch

import (
	"fmt"
	"slices"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/alloc"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/site"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/transfer"
)

// PlanStatus is where a plan is in its life.
type PlanStatus string

const (
	PlanProposed   PlanStatus = "proposed"   // computed, nothing reserved
	PlanApproved   PlanStatus = "approved"   // its units are reserved
	PlanExecuted   PlanStatus = "executed"   // its depot units were issued
	PlanCancelled  PlanStatus = "cancelled"  // reservations, if any, released
	PlanSuperseded PlanStatus = "superseded" // replaced by a recomputed plan
)

// SourceKind is what a plan line draws on.
type SourceKind string

const (
	SourceDepot     SourceKind = "depot"     // physical stock in a depot
	SourceAgreement SourceKind = "agreement" // 协议储备
	SourceCapacity  SourceKind = "capacity"  // 生产能力储备
	// SourcePurchase is an emergency purchase's call-off (紧急采购), counted
	// as stock at its depot when due.
	SourcePurchase SourceKind = "purchase"
)

// Plan is a dispatch plan: the lines that meet the open incidents' needs,
// and for each site and item how much arrives by 4 h, 6 h and 24 h.
type Plan struct {
	ID         int64      `json:"id"`
	Status     PlanStatus `json:"status"`
	Incidents  []string   `json:"incidents"`
	CreatedAt  int64      `json:"created_at"` // unix seconds; arrival times count from it
	Router     string     `json:"router"`     // where travel times came from
	Objective  int64      `json:"objective"`
	ReplacesID int64      `json:"replaces_id,omitempty"`
	PostingID  int64      `json:"posting_id,omitempty"` // the ledger posting of the last transition
	Lines      []Line     `json:"lines"`
	Coverage   []Coverage `json:"coverage"`
	Stats      Stats      `json:"stats"`
}

// Source names what a line draws on.
type Source struct {
	Kind     SourceKind `json:"kind"`
	Code     string     `json:"code"`
	NameZH   string     `json:"name_zh"`
	NameEN   string     `json:"name_en,omitempty"`
	Tier     string     `json:"tier"`     // depot tier, or agreement / capacity
	Relation string     `json:"relation"` // to the site: own-district, city, other-district, neighbour, …
	// Point is where the source is (WGS-84), so any client can draw the
	// plan; zero in plans stored before it was recorded.
	Point geo.Point `json:"point"`
}

// LotPick is the part of a depot line taken from one lot (FEFO).
type LotPick struct {
	Lot       string         `json:"lot"`
	Quantity  stock.Quantity `json:"quantity"`
	ExpiresOn string         `json:"expires_on,omitempty"`
}

// Line ships a quantity of one item from one source to one site.
type Line struct {
	// ID is the stored line, which the orders carrying it out name; 0
	// until the plan is stored.
	ID          int64          `json:"id,omitempty"`
	Incident    string         `json:"incident"`
	Site        string         `json:"site"`
	SiteName    string         `json:"site_name"`
	SitePoint   geo.Point      `json:"site_point"` // WGS-84; zero in plans stored before it was recorded
	Item        string         `json:"item"`
	ItemNameZH  string         `json:"item_name_zh"`
	ItemNameEN  string         `json:"item_name_en"`
	UnitZH      string         `json:"unit_zh"`
	UnitEN      string         `json:"unit_en,omitempty"`
	Quantity    stock.Quantity `json:"quantity"`
	Source      Source         `json:"source"`
	Lots        []LotPick      `json:"lots,omitempty"`
	ReadyMin    int            `json:"ready_min"`   // minutes until it can leave
	TravelMin   int            `json:"travel_min"`  // minutes on the road
	ArrivalMin  int            `json:"arrival_min"` // ready + travel, from the plan's creation
	ETA         int64          `json:"eta"`         // unix seconds
	Deadline    int64          `json:"deadline"`    // unix seconds
	Late        bool           `json:"late"`
	ExplainZH   string         `json:"explain_zh"`
	ExplainEN   string         `json:"explain_en"`
	withinHours float64        // for explanations
	relation    alloc.Relation // for explanations
}

// Coverage is what a plan does for one demand.
type Coverage struct {
	Incident   string         `json:"incident"`
	Site       string         `json:"site"`
	Item       string         `json:"item"`
	ItemNameZH string         `json:"item_name_zh"`
	Demand     stock.Quantity `json:"demand"`
	Deadline   int64          `json:"deadline"` // unix seconds
	Within4h   stock.Quantity `json:"within_4h"`
	Within6h   stock.Quantity `json:"within_6h"`
	Within24h  stock.Quantity `json:"within_24h"`
	OnTime     stock.Quantity `json:"on_time"`
	Planned    stock.Quantity `json:"planned"` // on time or late
	Short      stock.Quantity `json:"short"`   // not planned at all
	ReasonZH   string         `json:"reason_zh,omitempty"`
	ReasonEN   string         `json:"reason_en,omitempty"`
}

// Stats is the work a plan took.
type Stats struct {
	Sources     int   `json:"sources"`
	Sites       int   `json:"sites"`
	Items       int   `json:"items"`
	Arcs        int   `json:"arcs"`
	FullArcs    int   `json:"full_arcs"`
	Pivots      int   `json:"pivots"`
	RoutingMs   int64 `json:"routing_ms"`
	SolveMs     int64 `json:"solve_ms"`
	TotalMs     int64 `json:"total_ms"`
	Unreachable int   `json:"unreachable_pairs"`
}

// Transition is a change of a plan's status and the ledger posting and
// contract-reserve promises it takes.
type Transition struct {
	To       PlanStatus
	Posting  *stock.Posting // nil when no depot stock is involved
	Promises []Promise      // changes to agreement and capacity promises
	// Drawn lists agreement reserves whose quantity the execution used up.
	Drawn []Promise
	// Orders are the dispatch orders (调令) an execution makes: one per
	// source depot, to the sites' stores, holding the units the plan had
	// reserved (the reservation passes to them; nothing is posted).
	Orders []transfer.Order
	// Purchases are the call-offs whose lines an execution orders once
	// their goods arrive (at once if they have).
	Purchases []string
}

// purchases lists the call-offs the plan's lines count on, once each.
func (p Plan) purchases() []string {
	var out []string
	for _, l := range p.Lines {
		if l.Source.Kind == SourcePurchase && !slices.Contains(out, l.Source.Code) {
			out = append(out, l.Source.Code)
		}
	}
	return out
}

// Promise changes what a contract reserve has promised to plans.
type Promise struct {
	Kind     SourceKind // agreement or capacity
	Code     string
	Quantity stock.Quantity // positive: promise; negative: release
}

// Action is what a person does to a stored plan.
type Action string

const (
	// ActApprove reserves a proposed plan's units.
	ActApprove Action = "approve"
	// ActCancel drops a proposed or approved plan, releasing what it reserved.
	ActCancel Action = "cancel"
	// ActExecute issues an approved plan's reserved units and draws its
	// agreements down.
	ActExecute Action = "execute"
	// ActRecompute supersedes a proposed or approved plan, releasing what it
	// reserved, so that the same incidents are planned again on today's stock.
	ActRecompute Action = "recompute"
)

// Actions lists every action, in the order screens offer them.
var Actions = []Action{ActApprove, ActExecute, ActRecompute, ActCancel}

// Allows reports whether a plan of p's status may take action a. It is the
// one rule: Act refuses what it does not allow, and screens offer only what
// it allows.
func (p Plan) Allows(a Action) bool {
	switch a {
	case ActApprove:
		return p.Status == PlanProposed
	case ActExecute:
		return p.Status == PlanApproved
	case ActCancel, ActRecompute:
		return p.Status == PlanProposed || p.Status == PlanApproved
	}
	return false
}

// Act returns the transition action a makes of p, done by actor (a
// principal id, which the ledger records), or a plan.status conflict when
// p's status does not allow it. Recompute's transition supersedes p; the
// caller stores the recomputed plan beside it.
func (p Plan) Act(a Action, actor string) (Transition, error) {
	if !p.Allows(a) {
		return Transition{}, p.wrongStatus(a)
	}
	switch a {
	case ActApprove:
		return p.transition(PlanApproved, actor, "批准调度方案", []stock.Kind{stock.KindReserve}, 1), nil
	case ActExecute:
		t := p.transition(PlanExecuted, actor, "", nil, -1)
		kept := t.Promises[:0]
		for _, pr := range t.Promises {
			switch pr.Kind {
			case SourceAgreement:
				t.Drawn = append(t.Drawn, Promise{Kind: pr.Kind, Code: pr.Code, Quantity: -pr.Quantity})
			case SourcePurchase:
				continue // promised until the goods arrive and are ordered to the site
			}
			kept = append(kept, pr)
		}
		t.Promises = kept
		t.Purchases = p.purchases()
		t.Orders = p.orders(actor)
		return t, nil
	}
	to, reason := PlanCancelled, "取消调度方案"
	if a == ActRecompute {
		to, reason = PlanSuperseded, "重新计算调度方案"
	}
	if p.Status == PlanProposed {
		return Transition{To: to}, nil // nothing reserved, nothing to release
	}
	return p.transition(to, actor, reason, []stock.Kind{stock.KindRelease}, -1), nil
}

func (p Plan) transition(to PlanStatus, actor, reason string, kinds []stock.Kind, sign stock.Quantity) Transition {
	t := Transition{To: to}
	posting := stock.Posting{Actor: actor, Reason: fmt.Sprintf("%s #%d", reason, p.ID),
		IdempotencyKey: fmt.Sprintf("plan-%d-%s", p.ID, to)}
	for _, l := range p.Lines {
		if l.Source.Kind != SourceDepot {
			t.Promises = append(t.Promises, Promise{Kind: l.Source.Kind, Code: l.Source.Code, Quantity: sign * l.Quantity})
			continue
		}
		for _, lp := range l.Lots {
			for _, k := range kinds {
				posting.Lines = append(posting.Lines, stock.Line{Kind: k, Depot: l.Source.Code, Item: l.Item,
					Lot: lp.Lot, Quantity: lp.Quantity})
			}
		}
	}
	if len(posting.Lines) > 0 {
		t.Posting = &posting
	}
	return t
}

// orders groups the plan's depot lines into one dispatch order per source
// depot, in the order the lines first name them; each line goes to its
// site's store (site.LocationCode) and names the plan line it carries out.
func (p Plan) orders(actor string) []transfer.Order {
	var out []transfer.Order
	at := map[string]int{}
	for _, l := range p.Lines {
		if l.Source.Kind != SourceDepot || len(l.Lots) == 0 {
			continue
		}
		k, ok := at[l.Source.Code]
		if !ok {
			k = len(out)
			at[l.Source.Code] = k
			out = append(out, transfer.Order{Kind: transfer.KindDispatch, PlanID: p.ID, CreatedBy: actor,
				Origin: fmt.Sprintf("plan:%d", p.ID), Reason: fmt.Sprintf("执行调度方案 #%d（%s）", p.ID, strings.Join(p.Incidents, "、"))})
		}
		tl := transfer.Line{From: l.Source.Code, To: site.LocationCode(l.Incident, l.Site), Item: l.Item, Quantity: l.Quantity}
		for _, lp := range l.Lots {
			tl.Lots = append(tl.Lots, transfer.LotQuantity{Lot: lp.Lot, Quantity: lp.Quantity, PlanLine: l.ID})
		}
		out[k].Lines = append(out[k].Lines, tl)
	}
	return out
}

// actionZH names each action in Chinese, for messages.
var actionZH = map[Action]string{ActApprove: "批准", ActCancel: "取消", ActExecute: "执行", ActRecompute: "重新计算"}

func (p Plan) wrongStatus(a Action) error {
	verbZH, ok := actionZH[a]
	if !ok {
		return apperr.New(apperr.Invalid, "plan.action_invalid", "未知的方案操作「%s」", "unknown plan action %q", string(a))
	}
	return apperr.New(apperr.Conflict, "plan.status",
		"方案 #%[1]d 当前状态为 %[2]s，不能%[3]s", "plan #%[1]d is %[2]s: it cannot %[4]s",
		p.ID, string(p.Status), verbZH, string(a)).WithField("status")
}
