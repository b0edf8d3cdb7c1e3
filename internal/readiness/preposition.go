package readiness

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/transfer"
	"github.com/stockpile-dev/stockpile/internal/warning"
)

// Recommendation proposes moving stock forward before a warned event (应急
// 物资前置): transfers from depots elsewhere to a depot in each warned
// district, chosen by the dispatch engine, and the in-time coverage of the
// warned districts before and after them.
type Recommendation struct {
	ID         int64           `json:"id"`
	Status     string          `json:"status"` // proposed, approved, cancelled
	TransferID int64           `json:"transfer_id,omitempty"`
	CreatedAt  int64           `json:"created_at"`
	Warning    warning.Warning `json:"warning"`
	Scenario   Scenario        `json:"scenario"`
	// KeepShare is the share of its free stock every depot outside the
	// warned districts keeps; DeadlineHours is the first-batch deadline
	// coverage is measured against.
	KeepShare     float64        `json:"keep_share"`
	DeadlineHours float64        `json:"deadline_hours"`
	Moves         []Move         `json:"moves"`
	Before        Summary        `json:"before"`
	After         Summary        `json:"after"`
	Items         []MoveCoverage `json:"items"`
	Notes         []Note         `json:"notes"`
	Stats         Stats          `json:"stats"`
}

// Recommendation statuses.
const (
	RecommendationProposed  = "proposed"
	RecommendationApproved  = "approved"
	RecommendationCancelled = "cancelled"
)

// Move is one recommended transfer.
type Move struct {
	From      string                 `json:"from"`
	FromZH    string                 `json:"from_name_zh"`
	To        string                 `json:"to"`
	ToZH      string                 `json:"to_name_zh"`
	Area      string                 `json:"area"` // the warned district it serves
	Item      string                 `json:"item"`
	NameZH    string                 `json:"name_zh"`
	UnitZH    string                 `json:"unit_zh"`
	Quantity  stock.Quantity         `json:"quantity"`
	Lots      []transfer.LotQuantity `json:"lots"`
	TravelMin int                    `json:"travel_min"`
	ExplainZH string                 `json:"explain_zh"`
	ExplainEN string                 `json:"explain_en"`
}

// MoveCoverage is one item in one warned district, before and after.
type MoveCoverage struct {
	Area     string         `json:"area"`
	AreaZH   string         `json:"area_name_zh"`
	Item     string         `json:"item"`
	NameZH   string         `json:"name_zh"`
	Required stock.Quantity `json:"required"`
	Before   stock.Quantity `json:"before"` // arriving by the deadline now
	After    stock.Quantity `json:"after"`  // after the moves
	Moved    stock.Quantity `json:"moved"`
}

// PrepositionOptions tune a recommendation; zero values take the
// configuration's.
type PrepositionOptions struct {
	KeepShare     *float64 `json:"keep_share,omitempty"`
	DeadlineHours float64  `json:"deadline_hours,omitempty"`
	// LeadHours is the time there is to move stock; zero means until the
	// warning's onset. Set it to rehearse an old warning in a drill.
	LeadHours float64 `json:"lead_hours,omitempty"`
}

// Recommend plans the moves that raise the warned districts' in-time
// coverage most while every depot outside them keeps KeepShare of its free
// stock. It plans the warned event as a scenario, asks the dispatch engine
// to bring what would arrive late or not at all to a staging depot in each
// warned district by the warning's onset, drawing only on stock the event's
// own plan does not already bring in time, and plans the event again on the
// stock as it would be after the moves.
func (a *Assessor) Recommend(ctx context.Context, w warning.Warning, opt PrepositionOptions) (Recommendation, error) {
	start := time.Now()
	cfg := a.Config
	if opt.KeepShare != nil {
		cfg.KeepShare = *opt.KeepShare
	}
	if opt.DeadlineHours != 0 {
		cfg.DeadlineHours = opt.DeadlineHours
	}
	if err := cfg.Validate(Known{}); err != nil {
		return Recommendation{}, err
	}
	if math.IsNaN(opt.LeadHours) || opt.LeadHours < 0 || opt.LeadHours > 72 {
		return Recommendation{}, invalid("lead_hours", "前置时间须在 0 到 72 小时之间", "lead_hours must be between 0 and 72")
	}
	sub := *a
	sub.Config = cfg
	b, err := sub.load(ctx)
	if err != nil {
		return Recommendation{}, err
	}
	rec := Recommendation{Status: RecommendationProposed, CreatedAt: sub.clock().Unix(), Warning: w,
		KeepShare: cfg.KeepShare, DeadlineHours: cfg.DeadlineHours, Moves: []Move{}, Notes: []Note{}}
	rec.Scenario = Scenario{Code: "warning-" + w.Identifier, NameZH: "预警：" + warningTitle(w),
		NameEN: "Warning: " + w.Identifier,
		Events: []Event{{Hazard: w.Hazard, Level: w.Level, Areas: w.Areas}}}
	before, plan, err := sub.assessFull(ctx, b, rec.Scenario)
	if err != nil {
		return rec, err
	}
	rec.Notes = append(rec.Notes, before.Notes...)
	fwdStart := time.Now()
	if err := sub.moves(ctx, b, before, plan, w, opt.LeadHours, &rec); err != nil {
		return rec, err
	}
	fwdMs := time.Since(fwdStart).Milliseconds()
	after := *b
	after.snap = b.snap.clone()
	for _, m := range rec.Moves {
		after.snap.move(m.From, m.To, m.Item, m.Lots)
	}
	afterAs, _, err := sub.assessFull(ctx, &after, rec.Scenario)
	if err != nil {
		return rec, err
	}
	rec.Before, rec.After = before.Summary, afterAs.Summary
	rec.Items = compare(before, afterAs, rec.Moves)
	nonNil(&rec.Items)
	rec.Stats = Stats{LoadMs: b.loadMs, Plans: before.Stats.Plans + afterAs.Stats.Plans + rec.Stats.Plans, TotalMs: time.Since(start).Milliseconds(),
		DispatchMs: before.Stats.DispatchMs + afterAs.Stats.DispatchMs + fwdMs}
	return rec, nil
}

func warningTitle(w warning.Warning) string {
	if w.Headline != "" {
		return w.Headline
	}
	return fmt.Sprintf("%s %s级", warning.HazardNameZH(w.Hazard), roman(w.Level))
}

// moves solves the pre-positioning problem with the dispatch engine and
// fills rec.Moves.
func (a *Assessor) moves(ctx context.Context, b *base, before Assessment, plan dispatch.Plan,
	w warning.Warning, lead float64, rec *Recommendation) error {
	targets := stagingDepots(b.snap, w.Areas)
	pool := a.spare(b.snap, plan, w.Areas)
	in := dispatch.Incident{Code: rec.Scenario.Code + "-forward", Title: "前置 " + rec.Scenario.NameZH,
		Type: w.Hazard, Level: w.Level, Status: dispatch.IncidentOpen, ReportedAt: a.clock().Unix()}
	hours := a.leadHours(w, lead)
	for _, area := range w.Areas {
		t, ok := targets[area]
		if !ok {
			rec.Notes = append(rec.Notes, Note{ZH: fmt.Sprintf("%s 区内没有储备库，无法前置", area),
				EN: fmt.Sprintf("district %s has no depot to stage stock in", area)})
			continue
		}
		site := dispatch.Site{Code: t.Code, Name: t.NameZH, Area: area, Point: t.Point}
		for _, av := range before.Areas {
			if av.Area == area && av.Required > av.OnTime {
				site.Demands = append(site.Demands, dispatch.Demand{Item: av.Item, Quantity: av.Required - av.OnTime,
					WithinHours: hours})
			}
		}
		if len(site.Demands) > 0 {
			in.Sites = append(in.Sites, site)
		}
	}
	if len(in.Sites) == 0 {
		return nil
	}
	fwd, ok, err := planBounded(ctx, a.Planner(pool), pool, []dispatch.Incident{in})
	if err != nil {
		return fmt.Errorf("readiness: pre-positioning plan: %w", err)
	}
	rec.Stats.Plans++
	if !ok {
		rec.Notes = append(rec.Notes, Note{ZH: "前置需求过大，超出调度计算的数值范围，未给出调拨",
			EN: "what is short is beyond the planner's arithmetic: no moves were planned"})
		return nil
	}
	for _, l := range fwd.Lines {
		if l.Source.Kind != dispatch.SourceDepot || l.Late {
			continue
		}
		from := depotInfo(b.snap, l.Source.Code)
		to := depotInfo(b.snap, l.Site)
		lots := make([]transfer.LotQuantity, len(l.Lots))
		for i, lp := range l.Lots {
			lots[i] = transfer.LotQuantity{Lot: lp.Lot, Quantity: lp.Quantity}
		}
		rec.Moves = append(rec.Moves, Move{From: from.Code, FromZH: from.NameZH, To: to.Code, ToZH: to.NameZH,
			Area: to.District, Item: l.Item, NameZH: l.ItemNameZH, UnitZH: l.UnitZH, Quantity: l.Quantity,
			Lots: lots, TravelMin: l.TravelMin,
			ExplainZH: fmt.Sprintf("预警前将%s %s%s 从%s前置到%s，运输约 %d 分钟", l.ItemNameZH, l.Quantity, l.UnitZH,
				from.NameZH, to.NameZH, l.TravelMin),
			ExplainEN: fmt.Sprintf("move %s %s from %s to %s before the onset; about %d min on the road", l.Quantity,
				l.ItemNameEN, from.Code, to.Code, l.TravelMin)})
	}
	return nil
}

// leadHours is the time there is to move stock: the lead given, else until
// the warning's onset, at most 72 h; a warning already in force leaves only
// the first-batch deadline.
func (a *Assessor) leadHours(w warning.Warning, lead float64) float64 {
	if lead > 0 {
		return lead
	}
	h := float64(w.Onset-a.clock().Unix()) / 3600
	if w.Onset == 0 || h < a.Config.DeadlineHours {
		return a.Config.DeadlineHours
	}
	return math.Min(h, 72)
}

// stagingDepots picks, per warned district, the depot inside it holding the
// most free units of the items on record: where stock moved forward goes.
func stagingDepots(s *snapshot, areas []string) map[string]dispatch.DepotInfo {
	held := map[string]stock.Quantity{}
	info := map[string]dispatch.DepotInfo{}
	for _, d := range s.stock {
		if !slices.Contains(areas, d.Depot.District) || d.Depot.Outside {
			continue
		}
		info[d.Depot.Code] = d.Depot
		held[d.Depot.Code] = held[d.Depot.Code].SaturatingAdd(free(d.Lots))
	}
	out := map[string]dispatch.DepotInfo{}
	for code, d := range info {
		cur, ok := out[d.District]
		if !ok || held[code] > held[cur.Code] || (held[code] == held[cur.Code] && code < cur.Code) {
			out[d.District] = d
		}
	}
	return out
}

func depotInfo(s *snapshot, code string) dispatch.DepotInfo {
	for _, d := range s.stock {
		if d.Depot.Code == code {
			return d.Depot
		}
	}
	return dispatch.DepotInfo{Code: code}
}

// spare is the stock that may move forward: at depots outside the warned
// districts, above the share each keeps, and not already bringing the
// event's needs in time in the plan before the moves. Contract reserves
// are left out: they are called off when the event comes, not moved.
func (a *Assessor) spare(s *snapshot, plan dispatch.Plan, areas []string) *snapshot {
	used := map[string]stock.Quantity{} // depot|lot → on time in the plan
	for _, l := range plan.Lines {
		if l.Source.Kind == dispatch.SourceDepot && !l.Late {
			for _, lp := range l.Lots {
				k := l.Source.Code + "|" + lp.Lot
				used[k] = used[k].SaturatingAdd(lp.Quantity)
			}
		}
	}
	out := &snapshot{items: s.items, districts: s.districts}
	for _, d := range s.stock {
		if slices.Contains(areas, d.Depot.District) {
			continue
		}
		held := free(d.Lots)
		movable := held - min(units(held.Float()*a.Config.KeepShare, s.items[d.Item].Counted), held)
		var lots []stock.Candidate
		for _, l := range d.Lots {
			q := min(l.Available-used[d.Depot.Code+"|"+l.LotCode], movable)
			if q <= 0 {
				continue
			}
			l.Available = q
			movable -= q
			lots = append(lots, l)
		}
		if len(lots) > 0 {
			out.stock = append(out.stock, dispatch.DepotStock{Depot: d.Depot, Item: d.Item, Lots: lots})
		}
	}
	return out
}

// compare lines up the warned districts' items before and after the moves.
func compare(before, after Assessment, moves []Move) []MoveCoverage {
	var out []MoveCoverage
	for i, b := range before.Areas {
		mc := MoveCoverage{Area: b.Area, AreaZH: b.AreaZH, Item: b.Item, NameZH: b.NameZH, Required: b.Required,
			Before: b.OnTime}
		if i < len(after.Areas) {
			mc.After = after.Areas[i].OnTime
		}
		for _, m := range moves {
			if m.Area == b.Area && m.Item == b.Item {
				add(&mc.Moved, m.Quantity)
			}
		}
		out = append(out, mc)
	}
	return out
}
