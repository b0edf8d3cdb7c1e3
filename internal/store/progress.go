package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/stockpile-dev/stockpile/internal/stock"
)

// LineProgress is how far one line of an executed plan has come: ordered
// (on a dispatch order; of a cancelled order, what left before it was
// cancelled), on shipments not yet gone, on the road, received
// at the site, damaged or missing on the way, and sent without a shipment
// (the order executed at once, straight into the site's store).
type LineProgress struct {
	PlanLine int64          `json:"plan_line"`
	Ordered  stock.Quantity `json:"ordered"`
	Loading  stock.Quantity `json:"loading"`
	OnRoad   stock.Quantity `json:"on_road"`
	Received stock.Quantity `json:"received"`
	Damaged  stock.Quantity `json:"damaged"`
	Missing  stock.Quantity `json:"missing"`
	Direct   stock.Quantity `json:"direct"`
}

// State names where a line stands, for screens: pending (待发运), moving
// (运输中), received (已签收, all accounted for), partial (部分签收).
func (p LineProgress) State() string {
	arrived := p.Received + p.Damaged + p.Missing + p.Direct
	switch {
	case p.Ordered == 0:
		return "none"
	case arrived >= p.Ordered:
		return "received"
	case arrived > 0:
		return "partial"
	case p.OnRoad > 0:
		return "moving"
	}
	return "pending"
}

// SiteProgress is what became of one item at one site of a plan's
// incidents: what the site holds now and what it distributed, consumed
// and returned.
type SiteProgress struct {
	Location    string         `json:"location"`
	LocationID  int64          `json:"location_id"`
	Incident    string         `json:"incident"`
	Site        string         `json:"site"`
	Item        string         `json:"item"`
	OnHand      stock.Quantity `json:"on_hand"`
	Distributed stock.Quantity `json:"distributed"`
	Consumed    stock.Quantity `json:"consumed"`
	Returned    stock.Quantity `json:"returned"`
}

// PlanProgress follows an executed plan's lines through their dispatch
// orders and shipments, and the sites they went to through their uses. Its
// cost is the plan's orders, shipments and sites, not the ledger's size.
func (s *Store) PlanProgress(ctx context.Context, planID int64) ([]LineProgress, []SiteProgress, error) {
	lines, err := s.lineProgress(ctx, planID)
	if err != nil {
		return nil, nil, err
	}
	sites, err := s.siteProgress(ctx, planID)
	return lines, sites, err
}

func (s *Store) lineProgress(ctx context.Context, planID int64) ([]LineProgress, error) {
	rows, err := s.query(ctx, `SELECT ol.plan_line_id,
		SUM(CASE WHEN o.status = 'cancelled' THEN ol.shipped ELSE ol.quantity END), SUM(ol.shipped),
		COALESCE(SUM((SELECT SUM(sl.quantity) FROM shipment_lines sl JOIN shipments sh ON sh.id = sl.shipment_id
			WHERE sl.order_line_id = ol.id AND sh.status IN ('planned', 'loading'))), 0),
		COALESCE(SUM((SELECT SUM(sl.quantity - sl.received - sl.damaged - sl.missing) FROM shipment_lines sl
			JOIN shipments sh ON sh.id = sl.shipment_id WHERE sl.order_line_id = ol.id AND sh.status IN ('in_transit', 'delivered'))), 0),
		COALESCE(SUM((SELECT SUM(sl.received) FROM shipment_lines sl WHERE sl.order_line_id = ol.id)), 0),
		COALESCE(SUM((SELECT SUM(sl.damaged) FROM shipment_lines sl WHERE sl.order_line_id = ol.id)), 0),
		COALESCE(SUM((SELECT SUM(sl.missing) FROM shipment_lines sl WHERE sl.order_line_id = ol.id)), 0),
		COALESCE(SUM((SELECT SUM(sl.quantity) FROM shipment_lines sl JOIN shipments sh ON sh.id = sl.shipment_id
			WHERE sl.order_line_id = ol.id AND sh.status <> 'cancelled')), 0)
		FROM order_lines ol JOIN transfer_orders o ON o.id = ol.order_id
		WHERE o.plan_id = ? AND ol.plan_line_id IS NOT NULL GROUP BY ol.plan_line_id ORDER BY ol.plan_line_id`, planID)
	if err != nil {
		return nil, fmt.Errorf("store: plan %d progress: %w", planID, err)
	}
	return collect(rows, func(r *sql.Rows) (p LineProgress, err error) {
		var shipped, onShipments stock.Quantity
		err = r.Scan(&p.PlanLine, &p.Ordered, &shipped, &p.Loading, &p.OnRoad, &p.Received, &p.Damaged, &p.Missing, &onShipments)
		p.Direct = shipped - onShipments
		return p, err
	})
}

func (s *Store) siteProgress(ctx context.Context, planID int64) ([]SiteProgress, error) {
	rows, err := s.query(ctx, `SELECT d.code, d.id, x.incident, x.site, i.code,
		COALESCE((SELECT quantity FROM depot_stock ds WHERE ds.depot_id = d.id AND ds.item_id = i.id), 0),
		COALESCE((SELECT SUM(-m.delta) FROM site_uses u JOIN movements m ON m.posting_id = u.posting_id
			AND m.depot_id = u.location_id AND m.item_id = i.id AND m.delta < 0 WHERE u.location_id = d.id AND u.kind = 'distribute'), 0),
		COALESCE((SELECT SUM(-m.delta) FROM site_uses u JOIN movements m ON m.posting_id = u.posting_id
			AND m.depot_id = u.location_id AND m.item_id = i.id AND m.delta < 0 WHERE u.location_id = d.id AND u.kind = 'consume'), 0),
		COALESCE((SELECT SUM(-m.delta) FROM site_uses u JOIN movements m ON m.posting_id = u.posting_id
			AND m.depot_id = u.location_id AND m.item_id = i.id AND m.delta < 0 WHERE u.location_id = d.id AND u.kind = 'return'), 0)
		FROM (SELECT DISTINCT ol.to_id, ol.item_id FROM order_lines ol JOIN transfer_orders o ON o.id = ol.order_id
			WHERE o.plan_id = ?) t
		JOIN depots d ON d.id = t.to_id JOIN incident_sites x ON x.location_id = d.id JOIN items i ON i.id = t.item_id
		ORDER BY x.incident, x.site, i.code`, planID)
	if err != nil {
		return nil, fmt.Errorf("store: plan %d sites: %w", planID, err)
	}
	return collect(rows, func(r *sql.Rows) (p SiteProgress, err error) {
		err = r.Scan(&p.Location, &p.LocationID, &p.Incident, &p.Site, &p.Item, &p.OnHand, &p.Distributed, &p.Consumed, &p.Returned)
		return p, err
	})
}
