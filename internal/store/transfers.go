package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/depot"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/transfer"
)

// CreateTransferOrder validates a transfer order and stores it as ordered,
// with its units reserved at the source depots, in one transaction: the
// order is stored with its reservation or not at all. ID, Status,
// CreatedAt and PostingID are set here; whatever o holds in them is
// ignored. The reserve posting's idempotency key is transfer-<id>-ordered.
//
// Errors name the order's fields (lines[1].to, lines[0].lots[2].lot): a
// destination depot, source depot, item or lot that does not exist is
// NotFound; stock that is not free to reserve (insufficient, reserved for
// a plan, expired) is a Conflict with code transfer.stale.
//
// Called on the Store of an [Store.InTx] callback, it joins that
// transaction; on error the order's row may be written already, so the
// caller must roll back, as InTx does when the callback returns the error.
func (s *Store) CreateTransferOrder(ctx context.Context, o transfer.Order) (transfer.Order, error) {
	o.Kind, o.PlanID = transfer.KindTransfer, 0 // only a plan's execution makes dispatch orders
	o.Lines = append([]transfer.Line(nil), o.Lines...)
	for i := range o.Lines {
		lots := append([]transfer.LotQuantity(nil), o.Lines[i].Lots...)
		for j := range lots {
			lots[j].PlanLine = 0
		}
		o.Lines[i].Lots = lots
	}
	return s.createOrder(ctx, o, true)
}

// createOrder stores an order, reserving its units first if reserve; a
// dispatch order takes over the units its plan reserved.
func (s *Store) createOrder(ctx context.Context, o transfer.Order, reserve bool) (transfer.Order, error) {
	given := o
	if err := o.Validate(); err != nil {
		return given, err
	}
	if 2*lotCount(o) > stock.MaxLines {
		return given, apperr.New(apperr.Invalid, "transfer.too_many_lots", "一张调拨单最多 %d 个批次",
			"a transfer order may name at most %d lots", stock.MaxLines/2).WithField("lines")
	}
	o.ID, o.Status, o.CreatedAt, o.PostingID = 0, transfer.StatusOrdered, s.now().Unix(), 0
	o.Lines = append([]transfer.Line(nil), o.Lines...)
	for i := range o.Lines { // what the server keeps, whatever the order says
		lots := append([]transfer.LotQuantity(nil), o.Lines[i].Lots...)
		for j := range lots {
			lots[j].Shipped, lots[j].LineID = 0, 0
		}
		o.Lines[i].Lots = lots
	}
	if o.Kind == "" {
		o.Kind = transfer.KindTransfer
	}
	err := s.InTx(ctx, func(tx *Store) error {
		if err := tx.checkDestinations(ctx, o); err != nil {
			return err
		}
		head, err := orderHead(o)
		if err != nil {
			return fmt.Errorf("store: create transfer order: %w", err)
		}
		var plan sql.NullInt64
		if o.PlanID != 0 {
			plan = sql.NullInt64{Int64: o.PlanID, Valid: true}
		}
		if err := tx.queryRow(ctx, `INSERT INTO transfer_orders (status, kind, plan_id, body, body_version, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, string(o.Status), string(o.Kind), plan, string(head), orderBodyVersion,
			o.CreatedAt, o.CreatedAt).Scan(&o.ID); err != nil {
			return fmt.Errorf("store: create transfer order: %w", err)
		}
		if reserve {
			r, err := tx.Post(ctx, o.Reserve())
			if err != nil {
				return transferStale(inOrderTerms(o, 1, err))
			}
			o.PostingID = r.ID
		}
		if err := tx.insertOrderLines(ctx, &o); err != nil {
			return err
		}
		return tx.saveTransfer(ctx, o)
	})
	if err != nil {
		return given, err
	}
	return o, nil
}

// orderHead is an order's body without its lines.
func orderHead(o transfer.Order) ([]byte, error) {
	o.Lines = nil
	return json.Marshal(o)
}

// insertOrderLines stores an order's lines as rows, one per lot, and sets
// their ids in o.
func (s *Store) insertOrderLines(ctx context.Context, o *transfer.Order) error {
	for i := range o.Lines {
		l := &o.Lines[i]
		for j := range l.Lots {
			lq := &l.Lots[j]
			var planLine sql.NullInt64
			if lq.PlanLine != 0 {
				planLine = sql.NullInt64{Int64: lq.PlanLine, Valid: true}
			}
			if err := s.queryRow(ctx, `INSERT INTO order_lines (order_id, n, from_id, to_id, item_id, lot_id, quantity,
				shipped, plan_line_id) VALUES (?, ?, (SELECT id FROM depots WHERE code = ?), (SELECT id FROM depots WHERE code = ?),
				(SELECT id FROM items WHERE code = ?), (SELECT id FROM lots WHERE code = ?), ?, ?, ?) RETURNING id`,
				o.ID, i, l.From, l.To, l.Item, lq.Lot, int64(lq.Quantity), int64(lq.Shipped), planLine).Scan(&lq.LineID); err != nil {
				return fmt.Errorf("store: transfer order %d line %d lot %s: %w", o.ID, i, lq.Lot, err)
			}
		}
	}
	return nil
}

// orderLines reads the lines of the given orders, grouped back into
// transfer lines (one per source, destination and item as ordered).
func (s *Store) orderLines(ctx context.Context, ids []int64) (map[int64][]transfer.Line, error) {
	out := map[int64][]transfer.Line{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.query(ctx, `SELECT ol.order_id, ol.n, f.code, t.code, i.code, l.code, ol.id, ol.quantity, ol.shipped,
		COALESCE(ol.plan_line_id, 0) FROM order_lines ol JOIN depots f ON f.id = ol.from_id JOIN depots t ON t.id = ol.to_id
		JOIN items i ON i.id = ol.item_id JOIN lots l ON l.id = ol.lot_id
		WHERE ol.order_id IN (`+placeholders(len(ids))+`) ORDER BY ol.order_id, ol.n, ol.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: order lines: %w", err)
	}
	defer rows.Close()
	lastN := map[int64]int{}
	for rows.Next() {
		var order int64
		var n int
		var l transfer.Line
		var lq transfer.LotQuantity
		if err := rows.Scan(&order, &n, &l.From, &l.To, &l.Item, &lq.Lot, &lq.LineID, &lq.Quantity, &lq.Shipped,
			&lq.PlanLine); err != nil {
			return nil, fmt.Errorf("store: order lines: %w", err)
		}
		lines := out[order]
		if k := len(lines); k > 0 && lastN[order] == n {
			lines[k-1].Quantity += lq.Quantity
			lines[k-1].Lots = append(lines[k-1].Lots, lq)
			continue
		}
		lastN[order] = n
		l.Quantity, l.Lots = lq.Quantity, []transfer.LotQuantity{lq}
		out[order] = append(lines, l)
	}
	return out, rows.Err()
}

// lotCount counts the lots of an order across its lines. Executing an
// order posts two ledger lines per lot, which must fit in one posting.
func lotCount(o transfer.Order) int {
	n := 0
	for _, l := range o.Lines {
		n += len(l.Lots)
	}
	return n
}

// checkDestinations checks that every destination depot exists and is in
// use. The
// reserve posting checks the rest (source depots, items, lots), but it
// does not touch the destinations, which only execution would find wrong.
func (s *Store) checkDestinations(ctx context.Context, o transfer.Order) error {
	seen := map[string]bool{}
	for i, l := range o.Lines {
		if seen[l.To] {
			continue
		}
		var id, retiredAt int64
		if err := s.queryRow(ctx, `SELECT id, retired_at FROM depots WHERE code = ?`, l.To).Scan(&id, &retiredAt); err != nil {
			return withField(notFound(err, "depot", "储备库", l.To), fmt.Sprintf("lines[%d].to", i))
		}
		if err := (depot.Depot{Code: l.To, RetiredAt: retiredAt}).CheckInUse(); err != nil { // no transfer to a retired depot
			return withField(err, fmt.Sprintf("lines[%d].to", i))
		}
		seen[l.To] = true
	}
	return nil
}

// saveTransfer records the posting of an order's last step. The body is
// written once, when the order is made: its status and posting are
// columns, which win over it (scanTransfer).
func (s *Store) saveTransfer(ctx context.Context, o transfer.Order) error {
	posting := sql.NullInt64{Int64: o.PostingID, Valid: o.PostingID != 0}
	if _, err := s.exec(ctx, `UPDATE transfer_orders SET posting_id = ? WHERE id = ?`, posting, o.ID); err != nil {
		return fmt.Errorf("store: transfer order %d: %w", o.ID, err)
	}
	return nil
}

const transferColumns = `SELECT id, status, kind, COALESCE(plan_id, 0), body, created_at, posting_id FROM transfer_orders`

// scanTransfer reads a row of transferColumns, without its lines. The
// columns, which every step updates, win over the body.
func scanTransfer(r interface{ Scan(...any) error }) (transfer.Order, error) {
	var o transfer.Order
	var id, created, plan int64
	var status, kind, body string
	var posting sql.NullInt64
	if err := r.Scan(&id, &status, &kind, &plan, &body, &created, &posting); err != nil {
		return o, err
	}
	if err := json.Unmarshal([]byte(body), &o); err != nil {
		return o, fmt.Errorf("transfer order %d: %w", id, err)
	}
	o.ID, o.Status, o.Kind, o.PlanID, o.CreatedAt, o.PostingID = id, transfer.Status(status), transfer.Kind(kind), plan,
		created, posting.Int64
	return o, nil
}

// TransferOrder returns a stored transfer order with its lines.
func (s *Store) TransferOrder(ctx context.Context, id int64) (transfer.Order, error) {
	o, err := scanTransfer(s.queryRow(ctx, transferColumns+` WHERE id = ?`, id))
	if err != nil {
		return o, notFound(err, "transfer", "调拨单", strconv.FormatInt(id, 10))
	}
	lines, err := s.orderLines(ctx, []int64{id})
	o.Lines = lines[id]
	return o, err
}

// TransferFilter selects transfer orders.
type TransferFilter struct {
	Status string
	Kind   string
	PlanID int64
	Limit  int // outside 1 to 1000: 100
}

// TransferOrders lists transfer orders with their lines, newest first.
func (s *Store) TransferOrders(ctx context.Context, f TransferFilter) ([]transfer.Order, error) {
	var w where
	w.addIf(f.Status, "status = ?")
	w.addIf(f.Kind, "kind = ?")
	if f.PlanID != 0 {
		w.add("plan_id = ?", f.PlanID)
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	rows, err := s.query(ctx, transferColumns+w.String()+`ORDER BY id DESC LIMIT `+strconv.Itoa(limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: transfer orders: %w", err)
	}
	orders, err := collect(rows, func(r *sql.Rows) (transfer.Order, error) { return scanTransfer(r) })
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(orders))
	for i, o := range orders {
		ids[i] = o.ID
	}
	lines, err := s.orderLines(ctx, ids)
	for i := range orders {
		orders[i].Lines = lines[orders[i].ID]
	}
	return orders, err
}

// ExecuteTransferOrder carries out an ordered transfer in one transaction:
// the order becomes executed and one posting releases its reservation and
// moves its lots to the destination depots. An order that is not ordered
// is a Conflict (transfer.status, or transfer.changed when another request
// changed it meanwhile); a refusal by the ledger, such as a lot that has
// expired since the order, is returned in the order's terms and changes
// nothing.
func (s *Store) ExecuteTransferOrder(ctx context.Context, id int64, actor string) (transfer.Order, error) {
	return s.stepTransfer(ctx, id, actor, transfer.StatusExecuted, transfer.Order.Execute)
}

// CancelTransferOrder cancels an ordered transfer in one transaction: the
// order becomes cancelled and one posting releases its reservation. Its
// errors are ExecuteTransferOrder's.
func (s *Store) CancelTransferOrder(ctx context.Context, id int64, actor string) (transfer.Order, error) {
	return s.stepTransfer(ctx, id, actor, transfer.StatusCancelled, transfer.Order.Cancel)
}

// stepTransfer moves an ordered transfer to status to, posting what step
// returns.
func (s *Store) stepTransfer(ctx context.Context, id int64, actor string, to transfer.Status,
	step func(transfer.Order, string) (stock.Posting, error)) (transfer.Order, error) {
	var out transfer.Order
	err := s.InTx(ctx, func(tx *Store) error {
		o, err := tx.TransferOrder(ctx, id)
		if err != nil {
			return err
		}
		p, err := step(o, actor)
		if err != nil {
			return err
		}
		res, err := tx.exec(ctx, `UPDATE transfer_orders SET status = ?, updated_at = ? WHERE id = ? AND status = ?`,
			string(to), tx.now().Unix(), id, string(transfer.StatusOrdered))
		if err != nil {
			return fmt.Errorf("store: transfer order %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.New(apperr.Conflict, "transfer.changed", "调拨单 #%d 已被他人修改，请刷新",
				"transfer order #%d was changed meanwhile; reload it", id)
		}
		r, err := tx.Post(ctx, p)
		if err != nil {
			return inOrderTerms(o, len(p.Lines)/max(lotCount(o), 1), err)
		}
		o.Status, o.PostingID = to, r.ID
		if to == transfer.StatusExecuted { // what was still to ship has left
			if _, err := tx.exec(ctx, `UPDATE order_lines SET shipped = quantity WHERE order_id = ?`, id); err != nil {
				return fmt.Errorf("store: transfer order %d: %w", id, err)
			}
			moved := map[int64]stock.Quantity{}
			for _, l := range o.Lines {
				for _, lq := range l.Lots {
					moved[lq.LineID] += lq.Left()
				}
			}
			if err := tx.recordReplenishment(ctx, moved); err != nil {
				return err
			}
		}
		if err := tx.saveTransfer(ctx, o); err != nil {
			return err
		}
		out = o
		return nil
	})
	return out, err
}

// inOrderTerms restates an error the ledger gave about a line of a posting
// built from o, which has perLot posting lines per lot of the order, in the
// order's terms: the field names the order's line and lot (lines[1].from,
// lines[0].lots[2].quantity) and the message its line number and lot code.
// Other errors are returned as they are.
func inOrderTerms(o transfer.Order, perLot int, err error) error {
	e, ok := apperr.As(err)
	if !ok {
		return err
	}
	rest, ok := strings.CutPrefix(e.Field, "lines[")
	num, field, ok2 := strings.Cut(rest, "]")
	k, convErr := strconv.Atoi(num)
	if !ok || !ok2 || convErr != nil || perLot < 1 {
		return err
	}
	i, j := lotAt(o, k/perLot)
	if i < 0 {
		return err
	}
	c := *e
	c.ZH = strings.TrimPrefix(c.ZH, "第 "+strconv.Itoa(k+1)+" 行：")
	c.EN = strings.TrimPrefix(c.EN, "line "+strconv.Itoa(k+1)+": ")
	switch field = strings.TrimPrefix(field, "."); field {
	case "depot":
		c.Field = fmt.Sprintf("lines[%d].from", i)
	case "to_depot":
		c.Field = fmt.Sprintf("lines[%d].to", i)
	case "item":
		c.Field = fmt.Sprintf("lines[%d].item", i)
	case "lot", "quantity":
		c.Field = fmt.Sprintf("lines[%d].lots[%d].%s", i, j, field)
	default:
		c.Field = fmt.Sprintf("lines[%d]", i)
	}
	lot := o.Lines[i].Lots[j].Lot
	c.ZH = fmt.Sprintf("调拨单第 %d 行批次 %s:%s", i+1, lot, c.ZH)
	c.EN = fmt.Sprintf("transfer line %d, lot %s: %s", i+1, lot, c.EN)
	return &c
}

// lotAt finds the n-th lot of the order, counting across its lines, as
// line and lot indexes; -1, -1 when there is none.
func lotAt(o transfer.Order, n int) (int, int) {
	for i, l := range o.Lines {
		if n < len(l.Lots) {
			return i, n
		}
		n -= len(l.Lots)
	}
	return -1, -1
}

// transferStale turns a ledger refusal of a new order's reservation into a
// conflict that tells the person ordering what to do; other errors pass.
func transferStale(err error) error {
	return restateConflict(err, true, "transfer.stale", "调拨单所需库存已不可用（%s），请按当前库存重新下单",
		"the stock the transfer order needs is not free (%s); order again from the stock there is now")
}
