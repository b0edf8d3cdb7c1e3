package dispatch

import (
	"fmt"

	"github.com/stockpile-dev/stockpile/internal/alloc"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/stock"
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
}

// Promise changes what a contract reserve has promised to plans.
type Promise struct {
	Kind     SourceKind // agreement or capacity
	Code     string
	Quantity stock.Quantity // positive: promise; negative: release
}

// Approve returns the transition that reserves a proposed plan's units.
func (p Plan) Approve(actor string) (Transition, error) {
	if err := p.expect(PlanProposed, "approve", "批准"); err != nil {
		return Transition{}, err
	}
	return p.transition(PlanApproved, actor, "批准调度方案", []stock.Kind{stock.KindReserve}, 1), nil
}

// Cancel returns the transition that drops a plan, releasing what an
// approved plan reserved.
func (p Plan) Cancel(actor string) (Transition, error) {
	switch p.Status {
	case PlanProposed:
		return Transition{To: PlanCancelled}, nil
	case PlanApproved:
		return p.transition(PlanCancelled, actor, "取消调度方案", []stock.Kind{stock.KindRelease}, -1), nil
	}
	return Transition{}, p.wrongStatus("cancel", "取消")
}

// Execute returns the transition that carries out an approved plan: its
// reserved depot units are released and issued in one posting, agreement
// reserves are drawn down and capacity promises settled.
func (p Plan) Execute(actor string) (Transition, error) {
	if err := p.expect(PlanApproved, "execute", "执行"); err != nil {
		return Transition{}, err
	}
	t := p.transition(PlanExecuted, actor, "执行调度方案", []stock.Kind{stock.KindRelease, stock.KindIssue}, -1)
	for _, pr := range t.Promises {
		if pr.Kind == SourceAgreement {
			t.Drawn = append(t.Drawn, Promise{Kind: pr.Kind, Code: pr.Code, Quantity: -pr.Quantity})
		}
	}
	return t, nil
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

func (p Plan) expect(want PlanStatus, verbEN, verbZH string) error {
	if p.Status != want {
		return p.wrongStatus(verbEN, verbZH)
	}
	return nil
}

func (p Plan) wrongStatus(verbEN, verbZH string) error {
	return apperr.New(apperr.Conflict, "plan.status",
		"方案 #%[1]d 当前状态为 %[2]s,不能%[3]s", "plan #%[1]d is %[2]s: it cannot %[4]s",
		p.ID, string(p.Status), verbZH, verbEN).WithField("status")
}
