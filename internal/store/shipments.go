package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/shipment"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/transfer"
)

// Location roles (depots.role): a depot holds reserves; a site is an
// incident site's temporary store (现场库); transit is one shipment's load
// on the road.
const (
	roleDepot   = "depot"
	roleSite    = "site"
	roleTransit = "transit"
)

// CreateShipment stores a shipment of an ordered transfer or dispatch order
// as planned, with its own ledger location for the stock on the road. Its
// lines name order lines (lots) of one source and one destination, and may
// take at most what of each is not yet on a shipment (shipment.over_order);
// the units stay reserved at the source until departure. When nothing of
// the order is left to ship, the order becomes executed. A shipment
// arranged again under its idempotency key (by the same person) is stored
// once: replayed reports it.
func (s *Store) CreateShipment(ctx context.Context, sh shipment.Shipment) (_ shipment.Shipment, replayed bool, err error) {
	given := sh
	if err := sh.Validate(); err != nil {
		return given, false, err
	}
	err = s.InTx(ctx, func(tx *Store) error {
		if sh.IdempotencyKey != "" {
			var id, order int64
			err := tx.queryRow(ctx, `SELECT id, order_id FROM shipments WHERE created_by = ? AND idempotency_key = ?`,
				sh.CreatedBy, sh.IdempotencyKey).Scan(&id, &order)
			switch {
			case err == nil && order == sh.OrderID:
				sh.ID, replayed = id, true // arranged before: answer with it
				return nil
			case err == nil:
				return apperr.New(apperr.Conflict, "idempotency.key_reused", "幂等键「%s」已用于另一张调拨单的运单",
					"idempotency key %q was already used for a shipment of another order", sh.IdempotencyKey).
					WithField("idempotency_key")
			case !errors.Is(err, sql.ErrNoRows):
				return err
			}
		}
		// Touching the order first serialises shipments of one order.
		if err := tx.touchOrder(ctx, sh.OrderID); err != nil {
			return err
		}
		o, err := tx.TransferOrder(ctx, sh.OrderID)
		if err != nil {
			return err
		}
		if err := bindLines(o, &sh); err != nil {
			return err
		}
		now := tx.now().Unix()
		sh.Status, sh.CreatedAt, sh.Version = shipment.StatusPlanned, now, 1
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM shipments WHERE order_id = ?`, o.ID).Scan(&n); err != nil {
			return err
		}
		sh.Location = fmt.Sprintf("SHIP:%d/%d", o.ID, n+1)
		locID, err := tx.transitLocation(ctx, sh)
		if err != nil {
			return err
		}
		key := sql.NullString{String: sh.IdempotencyKey, Valid: sh.IdempotencyKey != ""}
		if err := tx.queryRow(ctx, `INSERT INTO shipments (order_id, from_id, to_id, location_id, status, vehicle, driver,
			phone, note, created_by, created_at, updated_at, idempotency_key) VALUES (?, (SELECT id FROM depots WHERE code = ?),
			(SELECT id FROM depots WHERE code = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			o.ID, sh.From, sh.To, locID, string(sh.Status), sh.Vehicle, sh.Driver, sh.Phone, sh.Note, sh.CreatedBy,
			now, now, key).Scan(&sh.ID); err != nil {
			return fmt.Errorf("store: create shipment: %w", err)
		}
		return tx.loadLines(ctx, o, sh)
	})
	if err != nil {
		return given, false, err
	}
	sh, err = s.Shipment(ctx, sh.ID)
	return sh, replayed, err
}

// touchOrder locks an ordered order's row for the transaction, or says
// why it takes no shipment.
func (s *Store) touchOrder(ctx context.Context, id int64) error {
	res, err := s.exec(ctx, `UPDATE transfer_orders SET updated_at = ? WHERE id = ? AND status = ?`,
		s.now().Unix(), id, string(transfer.StatusOrdered))
	if err != nil {
		return fmt.Errorf("store: transfer order %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	o, err := s.TransferOrder(ctx, id)
	if err != nil {
		return err
	}
	return apperr.New(apperr.Conflict, "shipment.order_status", "调拨单 #%[1]d 当前状态为 %[2]s，不能再安排运输",
		"transfer order #%[1]d is %[2]s: it takes no more shipments", id, string(o.Status)).WithField("order_id")
}

// bindLines fills each shipment line's item and lot from the order line it
// names, and the shipment's ends from the order lines, which must all run
// between the same two places and have enough left to ship.
func bindLines(o transfer.Order, sh *shipment.Shipment) error {
	byID := map[int64]struct {
		l  transfer.Line
		lq transfer.LotQuantity
	}{}
	for _, l := range o.Lines {
		for _, lq := range l.Lots {
			byID[lq.LineID] = struct {
				l  transfer.Line
				lq transfer.LotQuantity
			}{l, lq}
		}
	}
	for i := range sh.Lines {
		sl := &sh.Lines[i]
		field := fmt.Sprintf("lines[%d]", i)
		x, ok := byID[sl.OrderLine]
		if !ok {
			return apperr.New(apperr.NotFound, "shipment.order_line", "调拨单 #%d 没有明细 %d",
				"transfer order #%d has no line %d", o.ID, sl.OrderLine).WithField(field + ".order_line")
		}
		if i == 0 {
			sh.From, sh.To = x.l.From, x.l.To
		} else if x.l.From != sh.From || x.l.To != sh.To {
			return apperr.New(apperr.Invalid, "shipment.mixed_route", "一张运单只从一个储备库运往一个地点（第 %d 行为 %s → %s）",
				"a shipment runs from one depot to one place (line %d runs %s → %s)", i+1, x.l.From, x.l.To).
				WithField(field + ".order_line")
		}
		if sl.Quantity > x.lq.Left() {
			return apperr.New(apperr.Conflict, "shipment.over_order", "批次 %[1]s 尚待运输的只有 %[2]s，不能装载 %[3]s",
				"lot %[1]s has %[2]s left to ship, not %[3]s", x.lq.Lot, x.lq.Left().String(), sl.Quantity.String()).
				WithField(field + ".quantity")
		}
		sl.N, sl.Item, sl.Lot = i+1, x.l.Item, x.lq.Lot
	}
	return nil
}

// transitLocation creates the ledger location of a shipment's load: where
// its source depot is, of its tier and organisation, role transit.
func (s *Store) transitLocation(ctx context.Context, sh shipment.Shipment) (int64, error) {
	var id int64
	err := s.queryRow(ctx, `INSERT INTO depots (code, name_zh, name_en, tier, kind, org_id, area_id, lat, lon, role)
		SELECT ?, ?, ?, tier, 'special', org_id, area_id, lat, lon, ? FROM depots WHERE code = ? RETURNING id`,
		sh.Location, "在途 · 运单 "+sh.Location[len("SHIP:"):], "In transit · shipment "+sh.Location[len("SHIP:"):],
		roleTransit, sh.From).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: transit location %s: %w", sh.Location, err)
	}
	return id, nil
}

// loadLines stores a new shipment's lines and counts them as shipped on
// the order; the order is executed when nothing is left to ship.
func (s *Store) loadLines(ctx context.Context, o transfer.Order, sh shipment.Shipment) error {
	for _, l := range sh.Lines {
		if _, err := s.exec(ctx, `INSERT INTO shipment_lines (shipment_id, n, order_line_id, item_id, lot_id, quantity)
			SELECT ?, ?, id, item_id, lot_id, ? FROM order_lines WHERE id = ?`,
			sh.ID, l.N, int64(l.Quantity), l.OrderLine); err != nil {
			return fmt.Errorf("store: shipment %d line %d: %w", sh.ID, l.N, err)
		}
		if err := s.shipped(ctx, l.OrderLine, l.Quantity); err != nil {
			return err
		}
	}
	return s.settleOrder(ctx, o.ID)
}

// shipped adds q (negative: takes back) to what of an order line is on
// shipments, within 0 and the line's quantity.
func (s *Store) shipped(ctx context.Context, orderLine int64, q stock.Quantity) error {
	res, err := s.exec(ctx, `UPDATE order_lines SET shipped = shipped + ? WHERE id = ? AND shipped + ? BETWEEN 0 AND quantity`,
		int64(q), orderLine, int64(q))
	if err != nil {
		return fmt.Errorf("store: order line %d: %w", orderLine, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return apperr.New(apperr.Conflict, "shipment.over_order", "调拨单明细 %d 的待运数量已变化，请刷新",
			"what is left to ship of order line %d has changed; reload it", orderLine)
	}
	return nil
}

// settleOrder makes an ordered order executed when all of it is on
// shipments, and an executed one ordered again when a cancelled shipment
// gave some back.
func (s *Store) settleOrder(ctx context.Context, id int64) error {
	var left int64
	if err := s.queryRow(ctx, `SELECT COALESCE(SUM(quantity - shipped), 0) FROM order_lines WHERE order_id = ?`, id).
		Scan(&left); err != nil {
		return fmt.Errorf("store: transfer order %d: %w", id, err)
	}
	from, to := transfer.StatusOrdered, transfer.StatusExecuted
	if left > 0 {
		from, to = to, from
	}
	_, err := s.exec(ctx, `UPDATE transfer_orders SET status = ?, updated_at = ? WHERE id = ? AND status = ?`,
		string(to), s.now().Unix(), id, string(from))
	return err
}

const shipmentColumns = `SELECT s.id, s.order_id, f.code, t.code, l.code, s.status, s.vehicle, s.driver, s.phone,
	s.note, s.created_by, s.created_at, s.departed_at, s.delivered_at, s.received_at, COALESCE(s.posting_id, 0), s.version
	FROM shipments s JOIN depots f ON f.id = s.from_id JOIN depots t ON t.id = s.to_id JOIN depots l ON l.id = s.location_id`

func scanShipment(r interface{ Scan(...any) error }) (shipment.Shipment, error) {
	var sh shipment.Shipment
	var status string
	err := r.Scan(&sh.ID, &sh.OrderID, &sh.From, &sh.To, &sh.Location, &status, &sh.Vehicle, &sh.Driver, &sh.Phone,
		&sh.Note, &sh.CreatedBy, &sh.CreatedAt, &sh.DepartedAt, &sh.DeliveredAt, &sh.ReceivedAt, &sh.PostingID, &sh.Version)
	sh.Status = shipment.Status(status)
	return sh, err
}

// Shipment returns a shipment with its lines.
func (s *Store) Shipment(ctx context.Context, id int64) (shipment.Shipment, error) {
	sh, err := scanShipment(s.queryRow(ctx, shipmentColumns+` WHERE s.id = ?`, id))
	if err != nil {
		return sh, notFound(err, "shipment", "运单", strconv.FormatInt(id, 10))
	}
	lines, err := s.shipmentLines(ctx, []int64{id})
	sh.Lines = lines[id]
	return sh, err
}

func (s *Store) shipmentLines(ctx context.Context, ids []int64) (map[int64][]shipment.Line, error) {
	out := map[int64][]shipment.Line{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.query(ctx, `SELECT sl.shipment_id, sl.n, sl.order_line_id, i.code, l.code, sl.quantity, sl.received,
		sl.damaged, sl.missing FROM shipment_lines sl JOIN items i ON i.id = sl.item_id JOIN lots l ON l.id = sl.lot_id
		WHERE sl.shipment_id IN (`+placeholders(len(ids))+`) ORDER BY sl.shipment_id, sl.n`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: shipment lines: %w", err)
	}
	_, err = collect(rows, func(r *sql.Rows) (struct{}, error) {
		var id int64
		var l shipment.Line
		err := r.Scan(&id, &l.N, &l.OrderLine, &l.Item, &l.Lot, &l.Quantity, &l.Received, &l.Damaged, &l.Missing)
		out[id] = append(out[id], l)
		return struct{}{}, err
	})
	return out, err
}

// ShipmentFilter selects shipments.
type ShipmentFilter struct {
	OrderID int64
	Status  string
	To      string // destination location code
	Limit   int    // outside 1 to 1000: 100
}

// Shipments lists shipments with their lines, newest first.
func (s *Store) Shipments(ctx context.Context, f ShipmentFilter) ([]shipment.Shipment, error) {
	var w where
	if f.OrderID != 0 {
		w.add("s.order_id = ?", f.OrderID)
	}
	w.addIf(f.Status, "s.status = ?")
	w.addIf(f.To, "t.code = ?")
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	rows, err := s.query(ctx, shipmentColumns+w.String()+`ORDER BY s.id DESC LIMIT `+strconv.Itoa(limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: shipments: %w", err)
	}
	out, err := collect(rows, func(r *sql.Rows) (shipment.Shipment, error) { return scanShipment(r) })
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(out))
	for i, sh := range out {
		ids[i] = sh.ID
	}
	lines, err := s.shipmentLines(ctx, ids)
	for i := range out {
		out[i].Lines = lines[out[i].ID]
	}
	return out, err
}

// ActOnShipment takes a step of a shipment in one transaction: its status,
// the time of the step and, on departure, the ledger posting that moves the
// load onto the road commit together. A cancelled shipment gives its load
// back to the order, still reserved. Another request that changed the
// shipment meanwhile makes it shipment.changed, and nothing changes.
func (s *Store) ActOnShipment(ctx context.Context, id int64, st shipment.Step, actor string) (shipment.Shipment, error) {
	err := s.InTx(ctx, func(tx *Store) error {
		sh, err := tx.Shipment(ctx, id)
		if err != nil {
			return err
		}
		t, err := sh.Act(st, actor)
		if err != nil {
			return err
		}
		stamp := map[shipment.Step]string{shipment.StepDepart: "departed_at", shipment.StepDeliver: "delivered_at"}[st]
		if err := tx.applyShipment(ctx, sh, t, stamp); err != nil {
			return err
		}
		if st == shipment.StepDepart {
			moved := map[int64]stock.Quantity{}
			for _, l := range sh.Lines {
				moved[l.OrderLine] += l.Quantity
			}
			return tx.recordReplenishment(ctx, moved)
		}
		if st != shipment.StepCancel {
			return nil
		}
		for _, l := range sh.Lines {
			if err := tx.shipped(ctx, l.OrderLine, -l.Quantity); err != nil {
				return err
			}
		}
		return tx.settleOrder(ctx, sh.OrderID)
	})
	if err != nil {
		return shipment.Shipment{}, err
	}
	return s.Shipment(ctx, id)
}

// applyShipment posts a transition's posting and moves the shipment to its
// status if its version is still sh's, setting the time column stamp.
func (s *Store) applyShipment(ctx context.Context, sh shipment.Shipment, t shipment.Transition, stamp string) error {
	changed := apperr.New(apperr.Conflict, "shipment.changed", "运单 #%d 已被他人处理，请刷新后再看",
		"shipment #%d was changed meanwhile; reload it", sh.ID)
	set := ""
	if stamp != "" {
		set = ", " + stamp + " = ?"
	}
	return s.guardedStep(ctx, t.Posting, changed, func(tx *Store, postingID any) (sql.Result, error) {
		args := []any{string(t.To), tx.now().Unix()}
		if stamp != "" {
			args = append(args, tx.now().Unix())
		}
		if postingID == nil {
			postingID = sql.NullInt64{Int64: sh.PostingID, Valid: sh.PostingID != 0}
		}
		args = append(args, postingID, sh.ID, sh.Version)
		return tx.exec(ctx, `UPDATE shipments SET status = ?, updated_at = ?`+set+`, posting_id = ?, version = version + 1
			WHERE id = ? AND version = ?`, args...)
	})
}

// ReceiveShipment records a receipt (签收) of a shipment in one
// transaction: the ledger posting (what arrived to the destination, what
// was damaged or missing written off), the shipment's lines and status,
// and the receipt itself. The same receipt sent again under its
// idempotency key is stored once and answered with the shipment as it is
// (replayed true); another receipt under that key is a conflict. Two
// people receiving one shipment at once: one receipt is recorded, the
// other is refused (shipment.changed, or receipt.over_shipped once the
// first has taken what was on the road).
func (s *Store) ReceiveShipment(ctx context.Context, id int64, r shipment.Receipt, actor string) (sh shipment.Shipment, replayed bool, err error) {
	body, err := json.Marshal(r.Lines)
	if err != nil {
		return sh, false, fmt.Errorf("store: receipt: %w", err)
	}
	hash, err := hashRequest(r.Signer, r.Note, r.Lines)
	if err != nil {
		return sh, false, err
	}
	err = s.InTx(ctx, func(tx *Store) error {
		if replayed, err = tx.receiptReplayed(ctx, id, r.IdempotencyKey, hash); err != nil || replayed {
			return err
		}
		if sh, err = tx.Shipment(ctx, id); err != nil {
			return err
		}
		t, err := sh.Receive(r, actor)
		if err != nil {
			return err
		}
		stamp := ""
		if t.To == shipment.StatusReceived {
			stamp = "received_at"
		}
		if sh.DeliveredAt == 0 {
			if _, err := tx.exec(ctx, `UPDATE shipments SET delivered_at = ? WHERE id = ?`, tx.now().Unix(), id); err != nil {
				return err
			}
		}
		if err := tx.applyShipment(ctx, sh, t, stamp); err != nil {
			return err
		}
		for _, l := range t.Lines {
			if _, err := tx.exec(ctx, `UPDATE shipment_lines SET received = ?, damaged = ?, missing = ?
				WHERE shipment_id = ? AND n = ?`, int64(l.Received), int64(l.Damaged), int64(l.Missing), id, l.N); err != nil {
				return fmt.Errorf("store: shipment %d line %d: %w", id, l.N, err)
			}
		}
		_, err = tx.exec(ctx, `INSERT INTO receipts (shipment_id, idempotency_key, request_hash, posting_id, signer, note, body,
			created_by, created_at) VALUES (?, ?, ?, (SELECT posting_id FROM shipments WHERE id = ?), ?, ?, ?, ?, ?)`,
			id, r.IdempotencyKey, hash, id, r.Signer, r.Note, string(body), actor, tx.now().Unix())
		return err
	})
	if err != nil {
		return shipment.Shipment{}, false, err
	}
	sh, err = s.Shipment(ctx, id)
	return sh, replayed, err
}

// receiptReplayed reports whether the receipt under key was recorded
// already; a different receipt under it is a conflict.
func (s *Store) receiptReplayed(ctx context.Context, id int64, key, hash string) (bool, error) {
	var stored string
	err := s.queryRow(ctx, `SELECT request_hash FROM receipts WHERE shipment_id = ? AND idempotency_key = ?`, id, key).Scan(&stored)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("store: receipt: %w", err)
	case stored != hash:
		return false, apperr.New(apperr.Conflict, "idempotency.key_reused", "幂等键「%s」已用于另一次不同的签收",
			"idempotency key %q was already used for a different receipt", key).WithField("idempotency_key")
	}
	return true, nil
}

// Receipts lists a shipment's receipts, oldest first.
func (s *Store) Receipts(ctx context.Context, shipmentID int64) ([]shipment.Receipt, error) {
	rows, err := s.query(ctx, `SELECT id, idempotency_key, signer, note, body, created_by, created_at, posting_id
		FROM receipts WHERE shipment_id = ? ORDER BY id`, shipmentID)
	if err != nil {
		return nil, fmt.Errorf("store: receipts: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (x shipment.Receipt, err error) {
		var body string
		if err = r.Scan(&x.ID, &x.IdempotencyKey, &x.Signer, &x.Note, &body, &x.CreatedBy, &x.CreatedAt, &x.PostingID); err != nil {
			return x, err
		}
		return x, json.Unmarshal([]byte(body), &x.Lines)
	})
}
