package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/cst"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// Today returns the current date in China (YYYY-MM-DD), against which lots
// are expired or not.
func (s *Store) Today() string { return cst.Date(s.now()) }

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
	pp := &poster{s: s, head: head, res: &res, hasher: stock.NewHasher(), today: s.Today(), bal: newBalanceOverlay(s),
		items: map[string]catalog.Item{}, depots: map[string]depotRef{}, lots: map[string]stock.Lot{}}
	for i, line := range p.Lines {
		if err := pp.line(ctx, line); err != nil {
			return res, stock.LineError(i, err)
		}
	}
	if err := pp.bal.flush(ctx); err != nil {
		return res, err
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
// Balances change line by line in an overlay, so that later lines see
// earlier ones; the balances and the ledger entries are written in
// multi-row statements, which saves several statements per line. Nothing
// else reads them before the posting commits.
type poster struct {
	s       *Store
	written int // entries of res already inserted
	head    ledgerHead
	res     *PostingResult
	hasher  *stock.Hasher
	bal     *balanceOverlay
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
		kind, delta, _ := l.Entry()
		return pp.apply(ctx, kind, from, lot, item, delta)
	case stock.KindIssue, stock.KindTransfer:
		return pp.takeOut(ctx, l, item, from)
	}
	lot, err := pp.lot(ctx, l.Lot, item)
	if err != nil {
		return err
	}
	if err := stock.CheckLot(l.Kind, lot, pp.today); err != nil {
		return err
	}
	kind, delta, _ := l.Entry()
	return pp.apply(ctx, kind, from, lot, item, delta)
}

// takeOut issues or transfers, from the named lot or by FEFO.
func (pp *poster) takeOut(ctx context.Context, l stock.Line, item catalog.Item, from depotRef) error {
	picks, lots, err := pp.pick(ctx, l, item, from)
	if err != nil {
		return err
	}
	var to depotRef
	if l.Kind == stock.KindTransfer {
		if to, err = pp.depot(ctx, l.ToDepot, "to_depot"); err != nil {
			return err
		}
	}
	for _, pk := range picks {
		lot := lots[pk.LotID]
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

// pick chooses the lots a line takes from: the one it names, or by FEFO.
// It returns them with the lots' details, which a transfer carries to the
// receiving depot.
func (pp *poster) pick(ctx context.Context, l stock.Line, item catalog.Item, from depotRef) ([]stock.Pick, map[int64]stock.Lot, error) {
	if l.Lot != "" {
		lot, err := pp.lot(ctx, l.Lot, item)
		if err != nil {
			return nil, nil, err
		}
		if err := stock.CheckLot(l.Kind, lot, pp.today); err != nil {
			return nil, nil, err
		}
		return []stock.Pick{{LotID: lot.ID, LotCode: lot.Code, Quantity: l.Quantity}}, map[int64]stock.Lot{lot.ID: lot}, nil
	}
	cands, err := pp.bal.candidates(ctx, from.id, item.ID)
	if err != nil {
		return nil, nil, err
	}
	picks, err := stock.PickFEFO(cands, l.Quantity, pp.today)
	if err != nil {
		return nil, nil, err
	}
	lots := make(map[int64]stock.Lot, len(picks))
	for _, c := range cands {
		lots[c.LotID] = stock.Lot{ID: c.LotID, Code: c.LotCode, ItemCode: item.Code, ExpiresOn: c.ExpiresOn,
			ProducedOn: c.ProducedOn, Quality: c.Quality}
	}
	return picks, lots, nil
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
	pp.bal.addNew(at.id, lot, item.ID)
	return lot, nil
}

// apply writes one ledger entry and the balance it changes.
func (pp *poster) apply(ctx context.Context, kind stock.EntryKind, d depotRef, lot stock.Lot, item catalog.Item, delta stock.Quantity) error {
	if err := pp.bal.change(ctx, kind, d.id, lot, item.ID, delta); err != nil {
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
			"批次 %s 属于物资 %s，不是 %s", "lot %s is of item %s, not %s", l.Code, l.ItemCode, item.Code).WithField("lot")
	}
	return l, nil
}

// entryChunk is the most entries one INSERT writes: 64 rows of 12 values
// stay below SQLite's and PostgreSQL's limits on bound parameters.
const entryChunk = 64

const entryInsert = `INSERT INTO movements (seq, posting_id, kind, depot_id, lot_id, item_id, delta, actor, reason,
	at, prev_hash, hash) VALUES `

// writeEntries inserts the entries not yet written.
func (pp *poster) writeEntries(ctx context.Context) error {
	todo := pp.res.Entries[pp.written:]
	args := make([]any, 0, 12*len(todo))
	for _, e := range todo {
		args = append(args, e.Seq, e.PostingID, string(e.Kind), e.DepotID, e.LotID, e.ItemID, int64(e.Delta),
			e.Actor, e.Reason, e.At, e.PrevHash, e.Hash)
	}
	if err := pp.s.execRows(ctx, entryInsert, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "", 12, entryChunk, args); err != nil {
		return fmt.Errorf("store: insert movements: %w", err)
	}
	pp.written = len(pp.res.Entries)
	return nil
}
