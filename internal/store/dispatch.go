package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/reserve"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/transfer"
)

// Inventory returns the store as the dispatch planner's view of stock. Use
// one per plan: it reads the districts once and keeps them.
func (s *Store) Inventory() dispatch.Inventory { return &inventory{s: s} }

type inventory struct {
	s    *Store
	idx  *districtIndex      // nil until first needed
	home []dispatch.District // the home city's districts
}

func (inv *inventory) Items(ctx context.Context, codes []string) (map[string]catalog.Item, error) {
	out := make(map[string]catalog.Item, len(codes))
	if len(codes) == 0 {
		return out, nil
	}
	rows, err := inv.s.query(ctx, `SELECT `+itemColumns+` FROM items WHERE code IN (`+placeholders(len(codes))+`)`,
		anySlice(codes)...)
	if err != nil {
		return nil, fmt.Errorf("store: items: %w", err)
	}
	items, err := collect(rows, func(r *sql.Rows) (catalog.Item, error) { return scanItem(r) })
	for _, it := range items { // codes not found are left out: the plan reports them
		out[it.Code] = it
	}
	return out, err
}

// placeholders returns n comma-separated ? placeholders, for an IN list.
func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

func anySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// districtIndex finds the district and the root of an area path.
type districtIndex struct {
	home  string            // root code of the home city
	paths map[string]string // district path → code
}

// districts reads the districts on first use: which is the home city,
// which district each area path lies in, and the home city's districts.
func (inv *inventory) districts(ctx context.Context) (*districtIndex, error) {
	if inv.idx != nil {
		return inv.idx, nil
	}
	rows, err := inv.s.query(ctx, `SELECT code, name_zh, lat, lon, path, boundary FROM areas WHERE level = 'district' ORDER BY path`)
	if err != nil {
		return nil, fmt.Errorf("store: districts: %w", err)
	}
	type row struct {
		d    dispatch.District
		path string
	}
	all, err := collect(rows, func(r *sql.Rows) (x row, err error) {
		var boundary sql.NullString
		if err := r.Scan(&x.d.Code, &x.d.NameZH, &x.d.Point.Lat, &x.d.Point.Lon, &x.path, &boundary); err != nil {
			return x, err
		}
		if boundary.Valid && boundary.String != "" { // the district's outline decides which sites are its own
			if x.d.Boundary, err = area.ParseBoundary([]byte(boundary.String)); err != nil {
				return x, fmt.Errorf("district %s: %w", x.d.Code, err)
			}
		}
		return x, nil
	})
	if err != nil {
		return nil, err
	}
	// The home city is the root with the most districts; districts of other
	// roots belong to neighbouring provinces.
	count := map[string]int{}
	for _, r := range all {
		count[rootOf(r.path)]++
	}
	idx := districtIndex{paths: map[string]string{}}
	for root, n := range count {
		if n > count[idx.home] || (n == count[idx.home] && root < idx.home) {
			idx.home = root
		}
	}
	for _, r := range all {
		idx.paths[r.path] = r.d.Code
		if rootOf(r.path) == idx.home {
			inv.home = append(inv.home, r.d)
		}
	}
	inv.idx = &idx
	return inv.idx, nil
}

func rootOf(path string) string { root, _, _ := strings.Cut(path, "/"); return root }

// district returns the code of the district containing the area at path.
func (idx districtIndex) district(path string) string {
	for p := path; p != ""; {
		if code, ok := idx.paths[p]; ok {
			return code
		}
		i := strings.LastIndex(strings.TrimSuffix(p, "/"), "/")
		if i < 0 {
			break
		}
		p = p[:i+1]
	}
	return ""
}

func (inv *inventory) Districts(ctx context.Context) ([]dispatch.District, error) {
	_, err := inv.districts(ctx)
	return inv.home, err
}

func (inv *inventory) DepotStock(ctx context.Context, items []string) ([]dispatch.DepotStock, error) {
	if len(items) == 0 {
		return nil, nil
	}
	idx, err := inv.districts(ctx)
	if err != nil {
		return nil, err
	}
	args := append([]any{inv.s.Today()}, anySlice(items)...)
	rows, err := inv.s.query(ctx, `SELECT d.code, d.name_zh, d.name_en, d.tier, a.path, d.lat, d.lon, i.code,
		l.id, l.code, l.expires_on, l.produced_on, b.quantity - b.reserved, l.restrict_area, l.restrict_type, l.restrict_purpose
		FROM balances b JOIN depots d ON d.id = b.depot_id JOIN areas a ON a.id = d.area_id
		JOIN items i ON i.id = b.item_id JOIN lots l ON l.id = b.lot_id
		WHERE l.quality = 'good' AND (l.expires_on = '' OR l.expires_on >= ?) AND b.quantity > b.reserved
		AND d.retired_at = 0 AND d.role = 'depot' AND i.code IN (`+placeholders(len(items))+`)
		ORDER BY d.code, i.code, CASE WHEN l.expires_on = '' THEN 1 ELSE 0 END, l.expires_on, l.produced_on, l.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: depot stock: %w", err)
	}
	defer rows.Close()
	var out []dispatch.DepotStock
	for rows.Next() {
		var d dispatch.DepotInfo
		var tier, path, item string
		c := stock.Candidate{Quality: stock.QualityGood}
		if err := rows.Scan(&d.Code, &d.NameZH, &d.NameEN, &tier, &path, &d.Point.Lat, &d.Point.Lon, &item,
			&c.LotID, &c.LotCode, &c.ExpiresOn, &c.ProducedOn, &c.Available, &c.Restriction.Area, &c.Restriction.IncidentType,
			&c.Restriction.Purpose); err != nil {
			return nil, fmt.Errorf("store: depot stock: %w", err)
		}
		d.Tier, d.District, d.Outside = area.Level(tier), idx.district(path), rootOf(path) != idx.home
		if n := len(out); n > 0 && out[n-1].Depot.Code == d.Code && out[n-1].Item == item {
			out[n-1].Lots = append(out[n-1].Lots, c)
			continue
		}
		out = append(out, dispatch.DepotStock{Depot: d, Item: item, Lots: []stock.Candidate{c}})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: depot stock: %w", err)
	}
	return out, nil
}

func (inv *inventory) Agreements(ctx context.Context, items []string) ([]reserve.Agreement, error) {
	all, err := inv.s.Agreements(ctx, ReserveFilter{ActiveOn: inv.s.Today(), Retired: InUse})
	return dispatch.OfItems(all, items, func(a reserve.Agreement) string { return a.Item }), err
}

func (inv *inventory) Capacities(ctx context.Context, items []string) ([]reserve.Capacity, error) {
	all, err := inv.s.Capacities(ctx, ReserveFilter{ActiveOn: inv.s.Today(), Retired: InUse})
	return dispatch.OfItems(all, items, func(c reserve.Capacity) string { return c.Item }), err
}

// SaveIncident stores an incident, replacing the one with the same code,
// as dispatch.Incident.Revise makes it against the stored one. The use
// case (ops) revises and plans before it saves; Revise here only keeps a
// direct caller from storing an incident without status or report time.
func (s *Store) SaveIncident(ctx context.Context, in dispatch.Incident) (dispatch.Incident, error) {
	if err := in.Validate(); err != nil {
		return in, err
	}
	err := s.InTx(ctx, func(tx *Store) error {
		var prev *dispatch.Incident
		switch old, err := tx.Incident(ctx, in.Code); {
		case err == nil:
			prev = &old
		case !isNotFound(err):
			return err
		}
		now := tx.now()
		in = in.Revise(prev, now)
		body, err := json.Marshal(in)
		if err != nil {
			return err
		}
		if prev == nil {
			_, err = tx.exec(ctx, `INSERT INTO incidents (code, status, priority, body, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?)`, in.Code, string(in.Status), in.EffectivePriority(), string(body), now.Unix(), now.Unix())
			return err
		}
		_, err = tx.exec(ctx, `UPDATE incidents SET status = ?, priority = ?, body = ?, updated_at = ? WHERE code = ?`,
			string(in.Status), in.EffectivePriority(), string(body), now.Unix(), in.Code)
		return err
	})
	if err != nil {
		return in, fmt.Errorf("store: save incident %s: %w", in.Code, err)
	}
	return in, nil
}

func isNotFound(err error) bool {
	e, ok := apperr.As(err)
	return ok && e.Kind == apperr.NotFound
}

// Incident returns an incident by its code.
func (s *Store) Incident(ctx context.Context, code string) (dispatch.Incident, error) {
	var in dispatch.Incident
	var body string
	if err := s.queryRow(ctx, `SELECT body FROM incidents WHERE code = ?`, code).Scan(&body); err != nil {
		return in, notFound(err, "incident", "事件", code)
	}
	return in, json.Unmarshal([]byte(body), &in)
}

// Incidents lists incidents, most recent first; status "" lists all.
func (s *Store) Incidents(ctx context.Context, status string) ([]dispatch.Incident, error) {
	var w where
	w.addIf(status, "status = ?")
	rows, err := s.query(ctx, `SELECT body FROM incidents`+w.String()+`ORDER BY id DESC`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: incidents: %w", err)
	}
	return collectBodies[dispatch.Incident](rows)
}

// OpenIncidents returns the incidents still open, the ones a plan over
// "all incidents" covers; none is an error, as there is nothing to plan.
func (s *Store) OpenIncidents(ctx context.Context) ([]dispatch.Incident, error) {
	open, err := s.Incidents(ctx, string(dispatch.IncidentOpen))
	if err == nil && len(open) == 0 {
		err = apperr.New(apperr.Conflict, "plan.no_incidents", "没有进行中的事件可供调度",
			"there is no open incident to plan for").WithField("incidents")
	}
	return open, err
}

// CreatePlan stores a computed plan as proposed: its head, and its lines
// as rows (plan_lines) that orders refer to.
func (s *Store) CreatePlan(ctx context.Context, p dispatch.Plan) (dispatch.Plan, error) {
	p.Status = dispatch.PlanProposed
	head, err := planHead(p)
	if err != nil {
		return p, fmt.Errorf("store: create plan: %w", err)
	}
	now := s.now().Unix()
	var replaces sql.NullInt64
	if p.ReplacesID != 0 {
		replaces = sql.NullInt64{Int64: p.ReplacesID, Valid: true}
	}
	err = s.InTx(ctx, func(tx *Store) error {
		if err := tx.queryRow(ctx, `INSERT INTO plans (status, incidents, objective, body, body_version, created_at,
			updated_at, replaces_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, string(p.Status),
			strings.Join(p.Incidents, ","), p.Objective, string(head), planBodyVersion, now, now, replaces).Scan(&p.ID); err != nil {
			return err
		}
		ids, err := tx.insertPlanLines(ctx, p.ID, p.Lines)
		p.Lines = slices.Clone(p.Lines)
		for i, id := range ids {
			p.Lines[i].ID = id
		}
		return err
	})
	if err != nil {
		return p, fmt.Errorf("store: create plan: %w", err)
	}
	return p, nil
}

// ReplacePlan recomputes a plan in one transaction: the old plan is
// superseded (dispatch.ActRecompute) and what it reserved released first,
// so that compute, reading the inventory it is given, can count on that
// stock again; the new plan is stored as proposed with ReplacesID set.
func (s *Store) ReplacePlan(ctx context.Context, oldID int64, actor string,
	compute func(dispatch.Inventory) (dispatch.Plan, error)) (dispatch.Plan, error) {
	var p dispatch.Plan
	err := s.InTx(ctx, func(tx *Store) error {
		if _, err := tx.ActOnPlan(ctx, oldID, dispatch.ActRecompute, actor); err != nil {
			return err
		}
		var err error
		if p, err = compute(tx.Inventory()); err != nil {
			return err
		}
		p.ReplacesID = oldID
		p, err = tx.CreatePlan(ctx, p)
		return err
	})
	return p, err
}

// Plan returns a stored plan with its lines.
func (s *Store) Plan(ctx context.Context, id int64) (dispatch.Plan, error) {
	var p dispatch.Plan
	var body, status string
	var posting sql.NullInt64
	err := s.queryRow(ctx, `SELECT body, status, posting_id FROM plans WHERE id = ?`, id).Scan(&body, &status, &posting)
	if err != nil {
		return p, notFound(err, "plan", "调度方案", strconv.FormatInt(id, 10))
	}
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		return p, fmt.Errorf("store: plan %d: %w", id, err)
	}
	p.ID, p.Status, p.PostingID = id, dispatch.PlanStatus(status), posting.Int64
	lines, err := s.planLines(ctx, id)
	p.Lines = make([]dispatch.Line, len(lines))
	for i, l := range lines {
		p.Lines[i] = l.Line
		p.Lines[i].ID = l.ID
	}
	return p, err
}

// PlanSummary is a plan as listed.
type PlanSummary struct {
	ID        int64               `json:"id"`
	Status    dispatch.PlanStatus `json:"status"`
	Incidents []string            `json:"incidents"`
	Objective int64               `json:"objective"`
	CreatedAt int64               `json:"created_at"`
	UpdatedAt int64               `json:"updated_at"`
}

// Plans lists plans, newest first, optionally of one status.
func (s *Store) Plans(ctx context.Context, status string, limit int) ([]PlanSummary, error) {
	var w where
	w.addIf(status, "status = ?")
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	rows, err := s.query(ctx, `SELECT id, status, incidents, objective, created_at, updated_at FROM plans`+
		w.String()+`ORDER BY id DESC LIMIT `+strconv.Itoa(limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: plans: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (p PlanSummary, err error) {
		var st, incidents string
		err = r.Scan(&p.ID, &st, &incidents, &p.Objective, &p.CreatedAt, &p.UpdatedAt)
		p.Status, p.Incidents = dispatch.PlanStatus(st), strings.Split(incidents, ",")
		sort.Strings(p.Incidents)
		return p, err
	})
}

// ActOnPlan applies an action to a plan in one transaction: the status
// change, its ledger posting (reserve, release, issue) and its contract
// reserve promises commit together or not at all. When stock a plan counted
// on has meanwhile gone to another plan or been issued, approval fails with
// plan.stale and nothing changes: recompute the plan.
func (s *Store) ActOnPlan(ctx context.Context, id int64, a dispatch.Action, actor string) (dispatch.Plan, error) {
	var out dispatch.Plan
	err := s.InTx(ctx, func(tx *Store) error {
		p, err := tx.Plan(ctx, id)
		if err != nil {
			return err
		}
		t, err := p.Act(a, actor)
		if err != nil {
			return err
		}
		out, err = tx.transition(ctx, p, t)
		return err
	})
	return out, err
}

func (s *Store) transition(ctx context.Context, p dispatch.Plan, t dispatch.Transition) (dispatch.Plan, error) {
	res, err := s.exec(ctx, `UPDATE plans SET status = ?, updated_at = ? WHERE id = ? AND status = ?`,
		string(t.To), s.now().Unix(), p.ID, string(p.Status))
	if err != nil {
		return p, fmt.Errorf("store: plan %d: %w", p.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return p, apperr.New(apperr.Conflict, "plan.changed", "方案 #%d 已被他人修改，请刷新",
			"plan #%d was changed meanwhile; reload it", p.ID)
	}
	if t.Posting != nil {
		r, err := s.Post(ctx, *t.Posting)
		if err != nil {
			return p, stale(p.ID, err)
		}
		if _, err := s.exec(ctx, `UPDATE plans SET posting_id = ? WHERE id = ?`, r.ID, p.ID); err != nil {
			return p, fmt.Errorf("store: plan %d: %w", p.ID, err)
		}
		p.PostingID = r.ID
	}
	for _, pr := range t.Promises {
		if err := s.PromiseReserve(ctx, string(pr.Kind), pr.Code, pr.Quantity); err != nil {
			return p, stale(p.ID, err)
		}
	}
	for _, d := range t.Drawn {
		if _, err := s.exec(ctx, `UPDATE agreement_reserves SET quantity = quantity - ? WHERE code = ?`,
			int64(d.Quantity), d.Code); err != nil {
			return p, fmt.Errorf("store: draw agreement %s: %w", d.Code, err)
		}
	}
	if err := s.dispatchOrders(ctx, p, t.Orders); err != nil {
		return p, err
	}
	for _, code := range t.Purchases {
		if err := s.orderPurchaseLines(ctx, code); err != nil {
			return p, stale(p.ID, err)
		}
	}
	p.Status = t.To
	return p, nil
}

// dispatchOrders stores the dispatch orders of an executed plan, holding
// the units the plan reserved, after making the stores of the sites they go
// to.
func (s *Store) dispatchOrders(ctx context.Context, p dispatch.Plan, orders []transfer.Order) error {
	made := map[string]bool{}
	inv := s.Inventory() // reads the districts once for every site
	for _, l := range p.Lines {
		key := l.Incident + "\x00" + l.Site
		if l.Source.Kind != dispatch.SourceDepot || made[key] {
			continue
		}
		in, err := s.Incident(ctx, l.Incident)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(in.Sites, func(st dispatch.Site) bool { return st.Code == l.Site })
		st := dispatch.Site{Code: l.Site, Name: l.SiteName, Point: l.SitePoint}
		if i >= 0 {
			st = in.Sites[i]
		}
		if _, err := s.siteLocation(ctx, inv, in, st); err != nil {
			return err
		}
		made[key] = true
	}
	for _, o := range orders {
		if _, err := s.createOrder(ctx, o, false); err != nil {
			return fmt.Errorf("store: plan %d: %w", p.ID, err)
		}
	}
	return nil
}

// stale turns a ledger or reserve refusal during a plan transition into a
// conflict that tells the planner what to do.
func stale(id int64, err error) error {
	return restateConflict(err, false, "plan.stale", "方案 #%d 依据的库存已变化（%s），请重新计算方案",
		"the stock plan #%d counted on has changed (%s); recompute the plan", id)
}

// restateConflict restates a Conflict that the ledger or a contract reserve
// gave as the conflict of the action that met it: code, and the messages
// zh and en formatted with args and then the original message in their
// language. The original's field is kept if keepField. Other errors pass
// unchanged.
func restateConflict(err error, keepField bool, code, zh, en string, args ...any) error {
	e, ok := apperr.As(err)
	if !ok || e.Kind != apperr.Conflict {
		return err
	}
	out := &apperr.Error{Kind: apperr.Conflict, Code: code,
		ZH: fmt.Sprintf(zh, append(args, e.ZH)...), EN: fmt.Sprintf(en, append(args, e.EN)...)}
	if keepField {
		out.Field = e.Field
	}
	return out
}
