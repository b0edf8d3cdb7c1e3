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
	given := o
	if err := o.Validate(); err != nil {
		return given, err
	}
	if 2*lotCount(o) > stock.MaxLines {
		return given, apperr.New(apperr.Invalid, "transfer.too_many_lots", "一张调拨单最多 %d 个批次",
			"a transfer order may name at most %d lots", stock.MaxLines/2).WithField("lines")
	}
	o.ID, o.Status, o.CreatedAt, o.PostingID = 0, transfer.StatusOrdered, s.now().Unix(), 0
	err := s.InTx(ctx, func(tx *Store) error {
		if err := tx.checkDestinations(ctx, o); err != nil {
			return err
		}
		body, err := json.Marshal(o)
		if err != nil {
			return fmt.Errorf("store: create transfer order: %w", err)
		}
		if err := tx.queryRow(ctx, `INSERT INTO transfer_orders (status, body, created_at, updated_at)
			VALUES (?, ?, ?, ?) RETURNING id`, string(o.Status), string(body), o.CreatedAt, o.CreatedAt).Scan(&o.ID); err != nil {
			return fmt.Errorf("store: create transfer order: %w", err)
		}
		r, err := tx.Post(ctx, o.Reserve())
		if err != nil {
			return transferStale(inOrderTerms(o, 1, err))
		}
		o.PostingID = r.ID
		return tx.saveTransfer(ctx, o)
	})
	if err != nil {
		return given, err
	}
	return o, nil
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
	if _, err := s.exec(ctx, `UPDATE transfer_orders SET posting_id = ? WHERE id = ?`, o.PostingID, o.ID); err != nil {
		return fmt.Errorf("store: transfer order %d: %w", o.ID, err)
	}
	return nil
}

const transferColumns = `SELECT id, status, body, created_at, posting_id FROM transfer_orders`

// scanTransfer reads a row of transferColumns. The columns, which every
// step updates, win over the body.
func scanTransfer(r interface{ Scan(...any) error }) (transfer.Order, error) {
	var o transfer.Order
	var id, created int64
	var status, body string
	var posting sql.NullInt64
	if err := r.Scan(&id, &status, &body, &created, &posting); err != nil {
		return o, err
	}
	if err := json.Unmarshal([]byte(body), &o); err != nil {
		return o, fmt.Errorf("transfer order %d: %w", id, err)
	}
	o.ID, o.Status, o.CreatedAt, o.PostingID = id, transfer.Status(status), created, posting.Int64
	return o, nil
}

// TransferOrder returns a stored transfer order.
func (s *Store) TransferOrder(ctx context.Context, id int64) (transfer.Order, error) {
	o, err := scanTransfer(s.queryRow(ctx, transferColumns+` WHERE id = ?`, id))
	if err != nil {
		return o, notFound(err, "transfer", "调拨单", strconv.FormatInt(id, 10))
	}
	return o, nil
}

// TransferOrders lists transfer orders with their lines, newest first,
// optionally of one status; limit outside 1 to 1000 means 100.
func (s *Store) TransferOrders(ctx context.Context, status string, limit int) ([]transfer.Order, error) {
	var w where
	w.addIf(status, "status = ?")
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	rows, err := s.query(ctx, transferColumns+w.String()+`ORDER BY id DESC LIMIT `+strconv.Itoa(limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: transfer orders: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (transfer.Order, error) { return scanTransfer(r) })
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
