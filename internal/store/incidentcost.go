package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/incidentcost"
	"github.com/stockpile-dev/stockpile/internal/requisition"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// What an incident used, at unit prices (package incidentcost computes,
// this file gathers). Every read starts from the incident's own rows and
// follows indexes from there, so its cost is that of the incident, never
// of the whole ledger:
//
//   - incident_sites by incident: the UNIQUE (incident, site) index;
//   - site_uses of those sites: site_uses_location (location_id, id);
//   - their ledger entries: the site's own (movements_depot, depot_id) or
//     each use's posting's (movements_posting), whichever the engine finds
//     cheaper; both engines pick the site's today. Either way only the
//     entries of the incident's site stores are read;
//   - shipments to those sites: shipments_to (to_id, id), and their lines
//     by the shipment_lines key (shipment_id, n);
//   - requisitions of the incident: requisitions_incident (incident, …).
//
// EXPLAIN on both engines shows these as index searches (SQLite "SEARCH …
// USING INDEX", PostgreSQL index and bitmap index scans);
// TestIncidentCostReadsAreBounded checks that no plan of either engine
// scans a whole table (PostgreSQL told to avoid sequential scans where an
// index allows, since a test's tables are too small for it to prefer one).

// incidentUsesQuery sums, per item, what the incident's site stores
// issued for distribution and consumption.
const incidentUsesQuery = `SELECT m.item_id, u.kind, SUM(-m.delta) FROM incident_sites x
	JOIN site_uses u ON u.location_id = x.location_id
	JOIN movements m ON m.posting_id = u.posting_id AND m.depot_id = u.location_id
	WHERE x.incident = ? AND u.kind IN ('distribute', 'consume') AND m.kind = 'issue' AND m.delta < 0
	GROUP BY m.item_id, u.kind`

// incidentWriteOffsQuery sums, per item, what shipments to the
// incident's sites wrote off at receipt.
const incidentWriteOffsQuery = `SELECT sl.item_id, SUM(sl.damaged), SUM(sl.missing) FROM incident_sites x
	JOIN shipments sh ON sh.to_id = x.location_id
	JOIN shipment_lines sl ON sl.shipment_id = sh.id
	WHERE x.incident = ? AND (sl.damaged > 0 OR sl.missing > 0)
	GROUP BY sl.item_id`

// IncidentCost is what the incident of code used, priced at the home
// city's readiness price list, with its requisitions' compensation. An
// unknown incident is incident.not_found.
func (s *Store) IncidentCost(ctx context.Context, code string) (incidentcost.Report, error) {
	if _, err := s.Incident(ctx, code); err != nil {
		return incidentcost.Report{}, err
	}
	rows, err := s.query(ctx, `SELECT d.code FROM incident_sites x JOIN depots d ON d.id = x.location_id
		WHERE x.incident = ?`, code)
	if err != nil {
		return incidentcost.Report{}, fmt.Errorf("store: incident cost: %w", err)
	}
	sites, err := collect(rows, func(r *sql.Rows) (c string, err error) { return c, r.Scan(&c) })
	if err != nil {
		return incidentcost.Report{}, err
	}
	byItem := map[int64]*incidentcost.Use{}
	use := func(id int64) *incidentcost.Use {
		if byItem[id] == nil {
			byItem[id] = &incidentcost.Use{}
		}
		return byItem[id]
	}
	rows, err = s.query(ctx, incidentUsesQuery, code)
	if err != nil {
		return incidentcost.Report{}, fmt.Errorf("store: incident cost: %w", err)
	}
	if _, err := collect(rows, func(r *sql.Rows) (struct{}, error) {
		var id int64
		var kind string
		var q stock.Quantity
		err := r.Scan(&id, &kind, &q)
		if err == nil && kind == "distribute" {
			use(id).Distributed += q
		} else if err == nil {
			use(id).Consumed += q
		}
		return struct{}{}, err
	}); err != nil {
		return incidentcost.Report{}, err
	}
	rows, err = s.query(ctx, incidentWriteOffsQuery, code)
	if err != nil {
		return incidentcost.Report{}, fmt.Errorf("store: incident cost: %w", err)
	}
	if _, err := collect(rows, func(r *sql.Rows) (struct{}, error) {
		var id int64
		var damaged, missing stock.Quantity
		err := r.Scan(&id, &damaged, &missing)
		if err == nil {
			u := use(id)
			u.Damaged += damaged
			u.Missing += missing
		}
		return struct{}{}, err
	}); err != nil {
		return incidentcost.Report{}, err
	}
	uses, err := s.namedUses(ctx, byItem)
	if err != nil {
		return incidentcost.Report{}, err
	}
	cfg, err := s.HomeReadinessConfig(ctx)
	if err != nil {
		return incidentcost.Report{}, err
	}
	totals, err := s.RequisitionTotals(ctx, code)
	if err != nil {
		return incidentcost.Report{}, err
	}
	var t requisition.Totals
	if len(totals) == 1 {
		t = totals[0]
	}
	return incidentcost.Compute(code, sites, uses, cfg.Prices, t)
}

// namedUses fills in the codes, names and units of the items of byItem
// (keyed by item id), in one query.
func (s *Store) namedUses(ctx context.Context, byItem map[int64]*incidentcost.Use) ([]incidentcost.Use, error) {
	if len(byItem) == 0 {
		return nil, nil
	}
	ids := make([]any, 0, len(byItem))
	for id := range byItem {
		ids = append(ids, id)
	}
	rows, err := s.query(ctx, `SELECT id, code, name_zh, name_en, unit_zh, unit_en FROM items WHERE id IN (?`+
		strings.Repeat(`, ?`, len(ids)-1)+`)`, ids...)
	if err != nil {
		return nil, fmt.Errorf("store: incident cost items: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (incidentcost.Use, error) {
		var id int64
		var u incidentcost.Use
		err := r.Scan(&id, &u.Item, &u.NameZH, &u.NameEN, &u.UnitZH, &u.UnitEN)
		if p := byItem[id]; p != nil && err == nil {
			u.Distributed, u.Consumed, u.Damaged, u.Missing = p.Distributed, p.Consumed, p.Damaged, p.Missing
		}
		return u, err
	})
}
