package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// chinaTime is the civil time zone of expiry dates. China keeps one zone
// without daylight saving, so a fixed offset needs no tz database.
var chinaTime = time.FixedZone("CST", 8*3600)

// Today returns the current date in China (YYYY-MM-DD), against which lots
// are expired or not.
func (s *Store) Today() string { return s.now().In(chinaTime).Format(stock.DateLayout) }

// PostingResult is a stored posting with the ledger entries it made.
type PostingResult struct {
	ID             int64         `json:"id"`
	IdempotencyKey string        `json:"idempotency_key,omitempty"`
	Actor          string        `json:"actor"`
	Reason         string        `json:"reason"`
	CreatedAt      int64         `json:"created_at"` // unix microseconds
	Replayed       bool          `json:"replayed"`   // true: an earlier identical request's result
	Entries        []stock.Entry `json:"entries"`
}

// Post applies a posting to the ledger in one transaction: every line, or
// none. Stock never goes negative: a line that takes more than a depot
// holds fails the whole posting with an insufficient-stock error. A posting
// whose idempotency key was seen before is not applied again; the earlier
// result is returned with Replayed set, or a conflict if the request differs.
func (s *Store) Post(ctx context.Context, p stock.Posting) (PostingResult, error) {
	var res PostingResult
	if err := p.Validate(); err != nil {
		return res, err
	}
	body, err := json.Marshal(p)
	if err != nil {
		return res, fmt.Errorf("store: encode posting: %w", err)
	}
	sum := sha256.Sum256(body)
	err = s.InTx(ctx, func(tx *Store) error {
		res, err = tx.post(ctx, p, hex.EncodeToString(sum[:]))
		return err
	})
	return res, err
}

// ledgerHead is the end of the hash chain.
type ledgerHead struct {
	seq  int64
	hash string
}

func (s *Store) post(ctx context.Context, p stock.Posting, requestHash string) (PostingResult, error) {
	res := PostingResult{IdempotencyKey: p.IdempotencyKey, Actor: p.Actor, Reason: p.Reason}
	// Taking the head row first serialises postings (PostgreSQL row lock;
	// SQLite's BEGIN IMMEDIATE already holds the write lock), so the chain
	// stays linear and the idempotency check below cannot race.
	var head ledgerHead
	if err := s.queryRow(ctx, `UPDATE ledger_head SET seq = seq WHERE id = 1 RETURNING seq, hash`).
		Scan(&head.seq, &head.hash); err != nil {
		return res, fmt.Errorf("store: ledger head: %w", err)
	}
	if p.IdempotencyKey != "" {
		if done, err := s.replay(ctx, p.IdempotencyKey, requestHash); done != nil || err != nil {
			if done != nil {
				return *done, nil
			}
			return res, err
		}
	}
	res.CreatedAt = s.now().UnixMicro()
	var key sql.NullString
	if p.IdempotencyKey != "" {
		key = sql.NullString{String: p.IdempotencyKey, Valid: true}
	}
	if err := s.queryRow(ctx, `INSERT INTO postings (idempotency_key, request_hash, actor, reason, created_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`, key, requestHash, p.Actor, p.Reason, res.CreatedAt).Scan(&res.ID); err != nil {
		return res, fmt.Errorf("store: insert posting: %w", err)
	}
	pp := &poster{s: s, head: head, res: &res, hasher: stock.NewHasher(), today: s.Today(),
		items: map[string]catalog.Item{}, depots: map[string]depotRef{}, lots: map[string]stock.Lot{}}
	for i, line := range p.Lines {
		if err := pp.line(ctx, line); err != nil {
			return res, stock.LineError(i, err)
		}
	}
	if err := pp.writeEntries(ctx); err != nil {
		return res, err
	}
	if _, err := s.exec(ctx, `UPDATE ledger_head SET seq = ?, hash = ? WHERE id = 1`, pp.head.seq, pp.head.hash); err != nil {
		return res, fmt.Errorf("store: ledger head: %w", err)
	}
	return res, nil
}

// replay returns the stored result of an earlier posting with the same key,
// or a conflict when that posting was a different request.
func (s *Store) replay(ctx context.Context, key, requestHash string) (*PostingResult, error) {
	var id int64
	var storedHash string
	err := s.queryRow(ctx, `SELECT id, request_hash FROM postings WHERE idempotency_key = ?`, key).Scan(&id, &storedHash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: idempotency key: %w", err)
	}
	if storedHash != requestHash {
		return nil, apperr.New(apperr.Conflict, "idempotency.key_reused",
			"幂等键「%s」已用于另一笔不同的单据", "idempotency key %q was already used for a different posting", key).
			WithField("idempotency_key")
	}
	res, err := s.Posting(ctx, id)
	if err != nil {
		return nil, err
	}
	res.Replayed = true
	return &res, nil
}

// Posting returns a stored posting and its entries.
func (s *Store) Posting(ctx context.Context, id int64) (PostingResult, error) {
	var res PostingResult
	var key sql.NullString
	err := s.queryRow(ctx, `SELECT id, idempotency_key, actor, reason, created_at FROM postings WHERE id = ?`, id).
		Scan(&res.ID, &key, &res.Actor, &res.Reason, &res.CreatedAt)
	if err != nil {
		return res, notFound(err, "posting", "单据", fmt.Sprint(id))
	}
	res.IdempotencyKey = key.String
	res.Entries, err = s.Movements(ctx, MovementFilter{Posting: id, Limit: stock.MaxLines * 2})
	return res, err
}

type depotRef struct {
	id, orgID int64
	code      string
}

// poster applies the lines of one posting, caching what it looks up.
// Balances change line by line, so that later lines see earlier ones; the
// ledger entries are written in multi-row INSERTs of up to entryChunk rows,
// which saves a statement per entry. Nothing else reads them before the
// posting commits.
type poster struct {
	s       *Store
	written int // entries of res already inserted
	head    ledgerHead
	res     *PostingResult
	hasher  *stock.Hasher
	today   string
	items   map[string]catalog.Item
	depots  map[string]depotRef
	lots    map[string]stock.Lot
}

func (pp *poster) line(ctx context.Context, l stock.Line) error {
	item, err := pp.item(ctx, l.Item)
	if err != nil {
		return err
	}
	if err := stock.CheckUnit(l.Quantity, item.Counted, item.UnitZH, item.UnitEN); err != nil {
		return err
	}
	from, err := pp.depot(ctx, l.Depot, "depot")
	if err != nil {
		return err
	}
	switch l.Kind {
	case stock.KindReceive:
		lot, err := pp.receiptLot(ctx, l, item, from)
		if err != nil {
			return err
		}
		return pp.apply(ctx, stock.EntryReceive, from, lot, item, l.Quantity)
	case stock.KindIssue, stock.KindTransfer:
		return pp.takeOut(ctx, l, item, from)
	}
	lot, err := pp.lot(ctx, l.Lot, item)
	if err != nil {
		return err
	}
	kind := map[stock.Kind]stock.EntryKind{stock.KindAdjust: stock.EntryAdjust,
		stock.KindScrap: stock.EntryScrap, stock.KindReturn: stock.EntryReturn}[l.Kind]
	delta := l.Quantity
	if l.Kind == stock.KindScrap {
		delta = -delta
	}
	return pp.apply(ctx, kind, from, lot, item, delta)
}

// takeOut issues or transfers, from the named lot or by FEFO.
func (pp *poster) takeOut(ctx context.Context, l stock.Line, item catalog.Item, from depotRef) error {
	var picks []stock.Pick
	if l.Lot != "" {
		lot, err := pp.lot(ctx, l.Lot, item)
		if err != nil {
			return err
		}
		if err := stock.NotIssuable(lot, pp.today); err != nil {
			return err
		}
		picks = []stock.Pick{{LotID: lot.ID, LotCode: lot.Code, Quantity: l.Quantity}}
	} else {
		cands, err := pp.s.candidates(ctx, from.id, item.ID)
		if err != nil {
			return err
		}
		if picks, err = stock.PickFEFO(cands, l.Quantity, pp.today); err != nil {
			return err
		}
	}
	var to depotRef
	if l.Kind == stock.KindTransfer {
		var err error
		if to, err = pp.depot(ctx, l.ToDepot, "to_depot"); err != nil {
			return err
		}
	}
	for _, pk := range picks {
		lot := stock.Lot{ID: pk.LotID, Code: pk.LotCode}
		if l.Kind == stock.KindIssue {
			if err := pp.apply(ctx, stock.EntryIssue, from, lot, item, -pk.Quantity); err != nil {
				return err
			}
			continue
		}
		if err := pp.apply(ctx, stock.EntryTransferOut, from, lot, item, -pk.Quantity); err != nil {
			return err
		}
		if err := pp.apply(ctx, stock.EntryTransferIn, to, lot, item, pk.Quantity); err != nil {
			return err
		}
	}
	return nil
}

// receiptLot returns the existing lot named by the line or creates its new
// lot, owned by the depot's organisation unless the spec names an owner.
func (pp *poster) receiptLot(ctx context.Context, l stock.Line, item catalog.Item, at depotRef) (stock.Lot, error) {
	if l.NewLot == nil {
		return pp.lot(ctx, l.Lot, item)
	}
	spec, err := l.NewLot.Normalize(item)
	if err != nil {
		return stock.Lot{}, err
	}
	ownerID := at.orgID
	if spec.OwnerCode != "" {
		o, err := pp.s.Org(ctx, spec.OwnerCode)
		if err != nil {
			return stock.Lot{}, withField(err, "new_lot.owner_code")
		}
		ownerID = o.ID
	}
	lot := stock.Lot{Code: spec.Code, ItemCode: item.Code, Batch: spec.Batch, ProducedOn: spec.ProducedOn,
		ExpiresOn: spec.ExpiresOn, Quality: spec.Quality, CreatedAt: pp.res.CreatedAt}
	if lot.Code == "" {
		lot.Code = stock.LotCodeFor(pp.head.seq + 1) // the entry about to be written
	}
	err = pp.s.queryRow(ctx, `INSERT INTO lots (code, item_id, batch, produced_on, expires_on, quality, owner_id,
		created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, lot.Code, item.ID, lot.Batch, lot.ProducedOn,
		lot.ExpiresOn, string(lot.Quality), ownerID, lot.CreatedAt).Scan(&lot.ID)
	if err != nil {
		return lot, withField(pp.s.alreadyExists(err, "lot", "批次", lot.Code), "new_lot.code")
	}
	pp.lots[lot.Code] = lot
	return lot, nil
}

// apply writes one ledger entry and the balance it changes.
func (pp *poster) apply(ctx context.Context, kind stock.EntryKind, d depotRef, lot stock.Lot, item catalog.Item, delta stock.Quantity) error {
	if err := pp.s.changeBalance(ctx, d.id, lot.ID, item.ID, delta); err != nil {
		return err
	}
	e := stock.Entry{Seq: pp.head.seq + 1, PostingID: pp.res.ID, Kind: kind, DepotID: d.id, LotID: lot.ID,
		ItemID: item.ID, Delta: delta, Actor: pp.res.Actor, Reason: pp.res.Reason, At: pp.res.CreatedAt,
		DepotCode: d.code, LotCode: lot.Code, ItemCode: item.Code}
	pp.hasher.Seal(&e, pp.head.hash)
	pp.head = ledgerHead{seq: e.Seq, hash: e.Hash}
	pp.res.Entries = append(pp.res.Entries, e)
	if len(pp.res.Entries)-pp.written == entryChunk {
		return pp.writeEntries(ctx)
	}
	return nil
}

// changeBalance adds delta to a balance. A decrease is a conditional update
// that matches no row when the balance would go negative, so concurrent
// issuers can never overdraw a lot, whatever the isolation level.
//
// A balance that reaches zero is deleted: the table holds stock on hand
// only. Left in place, emptied balances outnumber live ones many times over
// as the ledger grows, and every FEFO pick and balance report wades through
// them (Verify treats a missing balance as zero).
func (s *Store) changeBalance(ctx context.Context, depotID, lotID, itemID int64, delta stock.Quantity) error {
	if delta > 0 {
		_, err := s.exec(ctx, `INSERT INTO balances (depot_id, lot_id, item_id, quantity) VALUES (?, ?, ?, ?)
			ON CONFLICT (depot_id, lot_id) DO UPDATE SET quantity = balances.quantity + excluded.quantity`,
			depotID, lotID, itemID, int64(delta))
		if err != nil {
			return fmt.Errorf("store: balance: %w", err)
		}
		return nil
	}
	var left int64
	err := s.queryRow(ctx, `UPDATE balances SET quantity = quantity + ? WHERE depot_id = ? AND lot_id = ? AND quantity >= ?
		RETURNING quantity`, int64(delta), depotID, lotID, int64(-delta)).Scan(&left)
	switch {
	case err == nil && left > 0:
		return nil
	case err == nil:
		if _, err := s.exec(ctx, `DELETE FROM balances WHERE depot_id = ? AND lot_id = ? AND quantity = 0`, depotID, lotID); err != nil {
			return fmt.Errorf("store: balance: %w", err)
		}
		return nil
	case !errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("store: balance: %w", err)
	}
	var have int64
	err = s.queryRow(ctx, `SELECT quantity FROM balances WHERE depot_id = ? AND lot_id = ?`, depotID, lotID).Scan(&have)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: balance: %w", err)
	}
	return stock.Insufficient(-delta, stock.Quantity(have))
}

// candidates returns the lots of an item that a depot holds, for FEFO.
func (s *Store) candidates(ctx context.Context, depotID, itemID int64) ([]stock.Candidate, error) {
	rows, err := s.query(ctx, `SELECT l.id, l.code, l.expires_on, l.produced_on, l.quality, b.quantity
		FROM balances b JOIN lots l ON l.id = b.lot_id
		WHERE b.depot_id = ? AND b.item_id = ? AND b.quantity > 0`, depotID, itemID)
	if err != nil {
		return nil, fmt.Errorf("store: candidates: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (c stock.Candidate, err error) {
		var q string
		err = r.Scan(&c.LotID, &c.LotCode, &c.ExpiresOn, &c.ProducedOn, &q, &c.Available)
		c.Quality = stock.Quality(q)
		return c, err
	})
}

func (pp *poster) item(ctx context.Context, code string) (catalog.Item, error) {
	if it, ok := pp.items[code]; ok {
		return it, nil
	}
	it, err := pp.s.Item(ctx, code)
	if err != nil {
		return it, withField(err, "item")
	}
	pp.items[code] = it
	return it, nil
}

func (pp *poster) depot(ctx context.Context, code, field string) (depotRef, error) {
	if d, ok := pp.depots[code]; ok {
		return d, nil
	}
	d := depotRef{code: code}
	err := pp.s.queryRow(ctx, `SELECT id, org_id FROM depots WHERE code = ?`, code).Scan(&d.id, &d.orgID)
	if err != nil {
		return d, withField(notFound(err, "depot", "储备库", code), field)
	}
	pp.depots[code] = d
	return d, nil
}

// lot looks up a lot and checks that it is a lot of item.
func (pp *poster) lot(ctx context.Context, code string, item catalog.Item) (stock.Lot, error) {
	l, ok := pp.lots[code]
	if !ok {
		var err error
		if l, err = pp.s.Lot(ctx, code); err != nil {
			return l, withField(err, "lot")
		}
		pp.lots[code] = l
	}
	if l.ItemCode != item.Code {
		return l, apperr.New(apperr.Invalid, "lot.item_mismatch",
			"批次 %s 属于物资 %s,不是 %s", "lot %s is of item %s, not %s", l.Code, l.ItemCode, item.Code).WithField("lot")
	}
	return l, nil
}

// entryChunk is the most entries one INSERT writes: 64 rows of 12 values
// stay below SQLite's and PostgreSQL's limits on bound parameters.
const entryChunk = 64

const entryInsert = `INSERT INTO movements (seq, posting_id, kind, depot_id, lot_id, item_id, delta, actor, reason,
	at, prev_hash, hash) VALUES `

// writeEntries inserts the entries not yet written, in chunks whose sizes
// are powers of two: only seven statement texts ever occur, and each is
// prepared once and reused.
func (pp *poster) writeEntries(ctx context.Context) error {
	todo := pp.res.Entries[pp.written:]
	for len(todo) > 0 {
		n := entryChunk
		for n > len(todo) {
			n /= 2
		}
		args := make([]any, 0, 12*n)
		for _, e := range todo[:n] {
			args = append(args, e.Seq, e.PostingID, string(e.Kind), e.DepotID, e.LotID, e.ItemID, int64(e.Delta),
				e.Actor, e.Reason, e.At, e.PrevHash, e.Hash)
		}
		query := entryInsert + strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?), ", n), ", ")
		if _, err := pp.s.exec(ctx, query, args...); err != nil {
			return fmt.Errorf("store: insert movements: %w", err)
		}
		todo = todo[n:]
	}
	pp.written = len(pp.res.Entries)
	return nil
}
