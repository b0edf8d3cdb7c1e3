package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/purchase"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/transfer"
)

// purchaseSchema is step 15's part for emergency purchase: call-offs
// against agreement reserves.
var purchaseSchema = []string{
	`CREATE TABLE call_offs (
		id              {{id}},
		code            TEXT NOT NULL UNIQUE,
		agreement_id    BIGINT NOT NULL REFERENCES agreement_reserves (id),
		item_id         BIGINT NOT NULL REFERENCES items (id),
		depot_id        BIGINT NOT NULL REFERENCES depots (id),
		quantity        BIGINT NOT NULL CHECK (quantity > 0),
		reserved        BIGINT NOT NULL DEFAULT 0 CHECK (reserved >= 0 AND reserved <= quantity),
		due_at          BIGINT NOT NULL,
		status          TEXT NOT NULL CHECK (status IN ('ordered', 'received', 'cancelled')),
		note            TEXT NOT NULL DEFAULT '',
		received        BIGINT NOT NULL DEFAULT 0,
		lot_id          BIGINT REFERENCES lots (id),
		received_at     BIGINT NOT NULL DEFAULT 0,
		posting_id      BIGINT REFERENCES postings (id),
		idempotency_key TEXT NOT NULL,
		request_hash    TEXT NOT NULL,
		created_by      TEXT NOT NULL,
		created_at      BIGINT NOT NULL,
		version         BIGINT NOT NULL DEFAULT 1,
		UNIQUE (created_by, idempotency_key)
	)`,
	`CREATE INDEX call_offs_status ON call_offs (status, item_id)`,
}

// CreateCallOff orders a call-off against an agreement reserve in one
// transaction: the agreement's quantity goes down by it (refused with
// reserve.insufficient when the agreement has less free, or is retired or
// out of its validity), and the call-off is stored as ordered. A retry
// under the same idempotency key by the same person is stored once.
func (s *Store) CreateCallOff(ctx context.Context, c purchase.CallOff) (purchase.CallOff, error) {
	if err := c.Validate(s.now().Unix()); err != nil {
		return c, err
	}
	hash, err := hashRequest(c.Agreement, c.Depot, c.Quantity, c.DueAt, c.Note)
	if err != nil {
		return c, err
	}
	var out purchase.CallOff
	err = s.InTx(ctx, func(tx *Store) error {
		if id, err := tx.storedUnder(ctx, "call_offs", c.CreatedBy, c.IdempotencyKey, hash); err != nil || id != 0 {
			if err == nil {
				out, err = tx.CallOff(ctx, id)
			}
			return err
		}
		a, err := tx.Agreement(ctx, c.Agreement)
		if err != nil {
			return withField(err, "agreement")
		}
		if today := tx.Today(); a.RetiredAt != 0 || today < a.ValidFrom || today > a.ValidUntil {
			return apperr.New(apperr.Conflict, "purchase.agreement_unusable", "协议储备 %s 已停用或不在有效期内（%s 至 %s）",
				"agreement %s is retired or out of its validity (%s to %s)", a.Code, a.ValidFrom, a.ValidUntil).WithField("agreement")
		}
		var depotID int64
		if err := tx.queryRow(ctx, `SELECT id FROM depots WHERE code = ? AND role = ? AND retired_at = 0`, c.Depot, roleDepot).
			Scan(&depotID); err != nil {
			return withField(notFound(err, "depot", "储备库", c.Depot), "depot")
		}
		res, err := tx.exec(ctx, `UPDATE agreement_reserves SET quantity = quantity - ? WHERE code = ? AND quantity - reserved >= ?`,
			int64(c.Quantity), c.Agreement, int64(c.Quantity))
		if err != nil {
			return fmt.Errorf("store: call-off: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.New(apperr.Conflict, "reserve.insufficient", "协议储备 %s 可调用数量只有 %s，不够 %s",
				"agreement %s has %s free to call off, not %s", c.Agreement, a.Free().String(), c.Quantity.String()).
				WithField("quantity")
		}
		now := tx.now().Unix()
		var id int64
		if err := tx.queryRow(ctx, `INSERT INTO call_offs (code, agreement_id, item_id, depot_id, quantity, due_at, status,
			note, idempotency_key, request_hash, created_by, created_at) SELECT ?, a.id, a.item_id, ?, ?, ?, ?, ?, ?, ?, ?, ?
			FROM agreement_reserves a WHERE a.code = ? RETURNING id`, "CO-new-"+c.IdempotencyKey+"-"+c.CreatedBy, depotID,
			int64(c.Quantity), c.DueAt, string(purchase.StatusOrdered), c.Note, c.IdempotencyKey, hash, c.CreatedBy, now,
			c.Agreement).Scan(&id); err != nil {
			return fmt.Errorf("store: call-off: %w", err)
		}
		if _, err := tx.exec(ctx, `UPDATE call_offs SET code = ? WHERE id = ?`, "CO-"+strconv.FormatInt(id, 10), id); err != nil {
			return err
		}
		out, err = tx.CallOff(ctx, id)
		return err
	})
	return out, err
}

const callOffColumns = `SELECT c.id, c.code, a.code, o.name_zh, i.code, d.code, c.quantity, c.reserved, c.due_at, c.status, c.note,
	c.received, COALESCE(l.code, ''), c.received_at, COALESCE(c.posting_id, 0), c.idempotency_key, c.created_by, c.created_at,
	c.version FROM call_offs c JOIN agreement_reserves a ON a.id = c.agreement_id JOIN orgs o ON o.id = a.org_id
	JOIN items i ON i.id = c.item_id JOIN depots d ON d.id = c.depot_id LEFT JOIN lots l ON l.id = c.lot_id`

func scanCallOff(r interface{ Scan(...any) error }) (c purchase.CallOff, err error) {
	var status string
	err = r.Scan(&c.ID, &c.Code, &c.Agreement, &c.Supplier, &c.Item, &c.Depot, &c.Quantity, &c.Reserved, &c.DueAt, &status,
		&c.Note, &c.Received, &c.Lot, &c.ReceivedAt, &c.PostingID, &c.IdempotencyKey, &c.CreatedBy, &c.CreatedAt, &c.Version)
	c.Status = purchase.Status(status)
	return c, err
}

// CallOff returns a call-off.
func (s *Store) CallOff(ctx context.Context, id int64) (purchase.CallOff, error) {
	c, err := scanCallOff(s.queryRow(ctx, callOffColumns+` WHERE c.id = ?`, id))
	if err != nil {
		return c, notFound(err, "purchase", "采购单", strconv.FormatInt(id, 10))
	}
	return c, nil
}

// CallOffs lists call-offs, newest first, of one status if given, at most
// limit (1 to 1000, else 100), delivered to depots in view (nil: all).
func (s *Store) CallOffs(ctx context.Context, view *access.View, status string, limit int) ([]purchase.CallOff, error) {
	var w where
	w.addIf(status, "c.status = ?")
	w.visible(view, "d", "")
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	rows, err := s.query(ctx, callOffColumns+w.String()+`ORDER BY c.id DESC LIMIT `+strconv.Itoa(limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: call-offs: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (purchase.CallOff, error) { return scanCallOff(r) })
}

// ReceiveCallOff puts a call-off's delivery into its depot in one
// transaction: the receipt of a new lot, the call-off received (what did
// not arrive goes back to the agreement), and dispatch orders for the
// executed plans that counted on it, from what arrived. The same quantity
// received again is answered with the call-off as received.
func (s *Store) ReceiveCallOff(ctx context.Context, id int64, d purchase.Delivery, actor string) (purchase.CallOff, error) {
	err := s.InTx(ctx, func(tx *Store) error {
		c, err := tx.CallOff(ctx, id)
		if err != nil {
			return err
		}
		if c.Status == purchase.StatusReceived && c.Received == d.Quantity {
			return nil // the same delivery again, after a lost answer: recorded once
		}
		p, err := c.Receive(d, actor)
		if err != nil {
			return err
		}
		r, err := tx.Post(ctx, p)
		if err != nil {
			return err
		}
		res, err := tx.exec(ctx, `UPDATE call_offs SET status = ?, received = ?, lot_id = ?, received_at = ?, posting_id = ?,
			reserved = CASE WHEN reserved > ? THEN ? ELSE reserved END, version = version + 1 WHERE id = ? AND version = ?`,
			string(purchase.StatusReceived), int64(d.Quantity), r.Entries[0].LotID, tx.now().Unix(), r.ID,
			int64(d.Quantity), int64(d.Quantity), id, c.Version)
		if err != nil {
			return fmt.Errorf("store: call-off %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.New(apperr.Conflict, "purchase.changed", "采购单 %s 已被他人处理，请刷新",
				"call-off %s was changed meanwhile; reload it", c.Code)
		}
		if short := c.Quantity - d.Quantity; short > 0 {
			if _, err := tx.exec(ctx, `UPDATE agreement_reserves SET quantity = quantity + ? WHERE code = ?`,
				int64(short), c.Agreement); err != nil {
				return err
			}
		}
		return tx.orderPurchaseLines(ctx, c.Code)
	})
	if err != nil {
		return purchase.CallOff{}, err
	}
	return s.CallOff(ctx, id)
}

// CancelCallOff cancels an ordered call-off no plan counts on, giving its
// quantity back to the agreement.
func (s *Store) CancelCallOff(ctx context.Context, id int64) (purchase.CallOff, error) {
	err := s.InTx(ctx, func(tx *Store) error {
		c, err := tx.CallOff(ctx, id)
		if err != nil {
			return err
		}
		if err := c.Cancel(); err != nil {
			return err
		}
		res, err := tx.exec(ctx, `UPDATE call_offs SET status = ?, version = version + 1 WHERE id = ? AND version = ? AND reserved = 0`,
			string(purchase.StatusCancelled), id, c.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.New(apperr.Conflict, "purchase.changed", "采购单 %s 已被他人处理，请刷新",
				"call-off %s was changed meanwhile; reload it", c.Code)
		}
		_, err = tx.exec(ctx, `UPDATE agreement_reserves SET quantity = quantity + ? WHERE code = ?`, int64(c.Quantity), c.Agreement)
		return err
	})
	if err != nil {
		return purchase.CallOff{}, err
	}
	return s.CallOff(ctx, id)
}

// promiseCallOff changes what plans count on of a call-off by delta.
func (s *Store) promiseCallOff(ctx context.Context, code string, delta stock.Quantity) error {
	res, err := s.exec(ctx, `UPDATE call_offs SET reserved = reserved + ? WHERE code = ? AND reserved + ? >= 0
		AND reserved + ? <= CASE WHEN status = 'received' THEN received ELSE quantity END AND status <> 'cancelled'`,
		int64(delta), code, int64(delta), int64(delta))
	if err != nil {
		return fmt.Errorf("store: promise %s: %w", code, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return apperr.New(apperr.Conflict, "reserve.insufficient", "采购单 %s 可承诺数量不足（变动 %s）",
			"call-off %s cannot promise this much (change %s)", code, delta.String()).WithField("source")
	}
	return nil
}

// orderPurchaseLines makes, once call-off code is received, the dispatch
// orders of the executed plans' lines that counted on it and have none
// yet: from the call-off's depot to each line's site, from the lot that
// arrived, reserving it, oldest plan first, as far as the lot holds. What
// is ordered no longer counts as promised on the call-off.
func (s *Store) orderPurchaseLines(ctx context.Context, code string) error {
	c, err := scanCallOff(s.queryRow(ctx, callOffColumns+` WHERE c.code = ?`, code))
	if err != nil || c.Status != purchase.StatusReceived {
		return err
	}
	rows, err := s.query(ctx, `SELECT pl.id, pl.plan_id, pl.incident, pl.site, pl.quantity FROM plan_lines pl
		JOIN plans p ON p.id = pl.plan_id WHERE pl.source_kind = ? AND pl.source_code = ? AND p.status = 'executed'
		AND NOT EXISTS (SELECT 1 FROM order_lines ol WHERE ol.plan_line_id = pl.id) ORDER BY pl.plan_id, pl.n`,
		string(dispatch.SourcePurchase), code)
	if err != nil {
		return fmt.Errorf("store: purchase lines of %s: %w", code, err)
	}
	type line struct {
		id, plan       int64
		incident, site string
		q              stock.Quantity
	}
	lines, err := collect(rows, func(r *sql.Rows) (l line, err error) {
		return l, r.Scan(&l.id, &l.plan, &l.incident, &l.site, &l.q)
	})
	if err != nil {
		return err
	}
	var free stock.Quantity
	if err := s.queryRow(ctx, `SELECT COALESCE(SUM(b.quantity - b.reserved), 0) FROM balances b JOIN lots l ON l.id = b.lot_id
		JOIN depots d ON d.id = b.depot_id WHERE l.code = ? AND d.code = ?`, c.Lot, c.Depot).Scan(&free); err != nil {
		return err
	}
	for _, l := range lines {
		q := min(l.q, free)
		if q <= 0 {
			break
		}
		in, err := s.Incident(ctx, l.incident)
		if err != nil {
			return err
		}
		st := dispatch.Site{Code: l.site}
		for _, x := range in.Sites {
			if x.Code == l.site {
				st = x
			}
		}
		to, err := s.SiteLocation(ctx, in, st)
		if err != nil {
			return err
		}
		o := transfer.Order{Kind: transfer.KindDispatch, PlanID: l.plan, CreatedBy: "system:purchase",
			Origin: "call-off:" + code, Reason: fmt.Sprintf("执行调度方案 #%d（紧急采购 %s 到货）", l.plan, code),
			Lines: []transfer.Line{{From: c.Depot, To: to, Item: c.Item, Quantity: q,
				Lots: []transfer.LotQuantity{{Lot: c.Lot, Quantity: q, PlanLine: l.id}}}}}
		if _, err := s.createOrder(ctx, o, true); err != nil {
			return fmt.Errorf("store: order of plan %d from %s: %w", l.plan, code, err)
		}
		if done := min(q, c.Reserved); done > 0 {
			if err := s.promiseCallOff(ctx, code, -done); err != nil {
				return err
			}
			c.Reserved -= done
		}
		free -= q
	}
	return nil
}

// CallOffs returns the ordered call-offs of the items with what plans may
// still count on, as the planner counts them: stock at their depots when
// due (dispatch.Incomings).
func (inv *inventory) CallOffs(ctx context.Context, items []string) ([]dispatch.Incoming, error) {
	if len(items) == 0 {
		return nil, nil
	}
	rows, err := inv.s.query(ctx, `SELECT c.code, o.name_zh, i.code, c.quantity - c.reserved, c.due_at, d.code, d.name_zh,
		d.name_en, d.tier, d.lat, d.lon FROM call_offs c JOIN agreement_reserves a ON a.id = c.agreement_id
		JOIN orgs o ON o.id = a.org_id JOIN items i ON i.id = c.item_id JOIN depots d ON d.id = c.depot_id
		WHERE c.status = 'ordered' AND c.quantity > c.reserved AND i.code IN (`+placeholders(len(items))+`) ORDER BY c.id`,
		anySlice(items)...)
	if err != nil {
		return nil, fmt.Errorf("store: call-offs: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (x dispatch.Incoming, err error) {
		var tier string
		err = r.Scan(&x.Code, &x.SupplierZH, &x.Item, &x.Quantity, &x.DueAt, &x.Depot.Code, &x.Depot.NameZH, &x.Depot.NameEN,
			&tier, &x.Depot.Point.Lat, &x.Depot.Point.Lon)
		x.Depot.Tier = area.Level(tier)
		return x, err
	})
}
