package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/transfer"
)

// A plan's lines and an order's lines are rows (plan_lines, order_lines),
// which orders, shipments and receipts refer to; what remains in the JSON
// body of a plan or an order is its head, stored with the body's version.
// Version 1 bodies held the lines; schema step 15 (linesToRows) moved them.
const (
	planBodyVersion  = 2
	orderBodyVersion = 2
)

// planHead is a plan's body without its lines.
func planHead(p dispatch.Plan) ([]byte, error) {
	p.Lines = nil
	return json.Marshal(p)
}

// insertPlanLines stores a plan's lines as rows numbered from 0 and
// returns their ids in order.
func (s *Store) insertPlanLines(ctx context.Context, planID int64, lines []dispatch.Line) ([]int64, error) {
	ids := make([]int64, len(lines))
	for i, l := range lines {
		body, err := json.Marshal(l)
		if err != nil {
			return nil, err
		}
		if err := s.queryRow(ctx, `INSERT INTO plan_lines (plan_id, n, incident, site, item, source_kind, source_code,
			quantity, eta, deadline, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			planID, i, l.Incident, l.Site, l.Item, string(l.Source.Kind), l.Source.Code, int64(l.Quantity),
			l.ETA, l.Deadline, string(body)).Scan(&ids[i]); err != nil {
			return nil, fmt.Errorf("store: plan %d line %d: %w", planID, i, err)
		}
	}
	return ids, nil
}

// planLine is a stored plan line with its row id.
type planLine struct {
	ID int64
	dispatch.Line
}

// planLines reads a plan's lines in order.
func (s *Store) planLines(ctx context.Context, planID int64) ([]planLine, error) {
	rows, err := s.query(ctx, `SELECT id, body FROM plan_lines WHERE plan_id = ? ORDER BY n`, planID)
	if err != nil {
		return nil, fmt.Errorf("store: plan %d lines: %w", planID, err)
	}
	return collect(rows, func(r *sql.Rows) (l planLine, err error) {
		var body string
		if err = r.Scan(&l.ID, &body); err != nil {
			return l, err
		}
		return l, json.Unmarshal([]byte(body), &l.Line)
	})
}

// linesToRows is the Go part of schema step 15: every stored plan's and
// transfer order's lines move from its body into rows, and plan lines
// stored before they carried points get them (the site's from its
// incident, the source's from its depot or reserve), so every client can
// draw every plan.
func linesToRows(ctx context.Context, tx *Store) error {
	if err := plansToRows(ctx, tx); err != nil {
		return fmt.Errorf("plan lines: %w", err)
	}
	if err := ordersToRows(ctx, tx); err != nil {
		return fmt.Errorf("order lines: %w", err)
	}
	return nil
}

type storedBody struct {
	id     int64
	status string
	body   string
}

func readBodies(ctx context.Context, tx *Store, query string) ([]storedBody, error) {
	rows, err := tx.query(ctx, query)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r *sql.Rows) (b storedBody, err error) {
		return b, r.Scan(&b.id, &b.status, &b.body)
	})
}

func plansToRows(ctx context.Context, tx *Store) error {
	bodies, err := readBodies(ctx, tx, `SELECT id, status, body FROM plans ORDER BY id`)
	if err != nil {
		return err
	}
	pts := pointFinder{tx: tx, sites: map[string]geo.Point{}, sources: map[string]geo.Point{}}
	for _, b := range bodies {
		var p dispatch.Plan
		if err := json.Unmarshal([]byte(b.body), &p); err != nil {
			return fmt.Errorf("plan %d: %w", b.id, err)
		}
		for i := range p.Lines {
			if err := pts.fill(ctx, &p.Lines[i]); err != nil {
				return fmt.Errorf("plan %d: %w", b.id, err)
			}
		}
		if _, err := tx.insertPlanLines(ctx, b.id, p.Lines); err != nil {
			return err
		}
		head, err := planHead(p)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE plans SET body = ?, body_version = ? WHERE id = ?`,
			string(head), planBodyVersion, b.id); err != nil {
			return err
		}
	}
	return nil
}

// pointFinder finds the points plan lines stored before schema step 15
// lack, caching what it read.
type pointFinder struct {
	tx      *Store
	sites   map[string]geo.Point // incident + "/" + site
	sources map[string]geo.Point // kind + "/" + code
}

func (f pointFinder) fill(ctx context.Context, l *dispatch.Line) error {
	if l.SitePoint.IsZero() {
		key := l.Incident + "/" + l.Site
		if _, ok := f.sites[key]; !ok {
			if err := f.readIncident(ctx, l.Incident); err != nil {
				return err
			}
		}
		l.SitePoint = f.sites[key]
	}
	if l.Source.Point.IsZero() {
		key := string(l.Source.Kind) + "/" + l.Source.Code
		p, ok := f.sources[key]
		if !ok {
			table := map[dispatch.SourceKind]string{dispatch.SourceDepot: "depots",
				dispatch.SourceAgreement: "agreement_reserves", dispatch.SourceCapacity: "capacity_reserves"}[l.Source.Kind]
			if table != "" {
				err := f.tx.queryRow(ctx, `SELECT lat, lon FROM `+table+` WHERE code = ?`, l.Source.Code).Scan(&p.Lat, &p.Lon)
				if err != nil && err != sql.ErrNoRows {
					return err
				}
			}
			f.sources[key] = p
		}
		l.Source.Point = p
	}
	return nil
}

func (f pointFinder) readIncident(ctx context.Context, code string) error {
	in, err := f.tx.Incident(ctx, code)
	if isNotFound(err) {
		return nil // an incident removed by hand: the points stay unknown
	}
	if err != nil {
		return err
	}
	for _, s := range in.Sites {
		f.sites[code+"/"+s.Code] = s.Point
	}
	return nil
}

func ordersToRows(ctx context.Context, tx *Store) error {
	bodies, err := readBodies(ctx, tx, `SELECT id, status, body FROM transfer_orders ORDER BY id`)
	if err != nil {
		return err
	}
	for _, b := range bodies {
		var o transfer.Order
		if err := json.Unmarshal([]byte(b.body), &o); err != nil {
			return fmt.Errorf("transfer order %d: %w", b.id, err)
		}
		o.ID, o.Status = b.id, transfer.Status(b.status)
		if o.Status == transfer.StatusExecuted { // executed whole, before shipments existed
			for i := range o.Lines {
				for j := range o.Lines[i].Lots {
					o.Lines[i].Lots[j].Shipped = o.Lines[i].Lots[j].Quantity
				}
			}
		}
		if err := tx.insertOrderLines(ctx, &o); err != nil {
			return err
		}
		head, err := orderHead(o)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE transfer_orders SET body = ?, body_version = ? WHERE id = ?`,
			string(head), orderBodyVersion, b.id); err != nil {
			return err
		}
	}
	return nil
}
