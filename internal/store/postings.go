package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/cst"
	"github.com/stockpile-dev/stockpile/internal/depot"
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
//
// While a long posting (PostStream) holds the ledger, Post fails at once
// with ledger.busy (503, RetryAfter set) rather than wait for it; so it does
// when another process holds the ledger beyond a short wait.
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
	if err := s.ledgerFree(); err != nil {
		return res, err
	}
	nested := s.tx != nil
	err = s.InTx(ctx, func(tx *Store) error {
		res, err = tx.post(ctx, p, hex.EncodeToString(sum[:]), nested)
		return err
	})
	return res, s.busy(err)
}

// ledgerHead is the end of the hash chain.
type ledgerHead struct {
	seq  int64
	hash string
}

// prefetchLines is how many lines the poster looks up at a time: their
// items, depots, lots and the stock they touch, in a few multi-row SELECTs.
const prefetchLines = 1024

func (s *Store) post(ctx context.Context, p stock.Posting, requestHash string, nested bool) (PostingResult, error) {
	res := PostingResult{IdempotencyKey: p.IdempotencyKey, Actor: p.Actor, Reason: p.Reason}
	head, err := s.takeHead(ctx, nested)
	if err != nil {
		return res, err
	}
	if p.IdempotencyKey != "" {
		if done, err := s.replay(ctx, p.IdempotencyKey, requestHash); done != nil || err != nil {
			if done != nil {
				return *done, nil
			}
			return res, err
		}
	}
	pp, err := s.newPoster(ctx, head, p, requestHash)
	if err != nil {
		return res, err
	}
	pp.keep = true
	for start := 0; start < len(p.Lines); start += prefetchLines {
		if err := pp.lines(ctx, p.Lines[start:min(start+prefetchLines, len(p.Lines))], start); err != nil {
			return res, err
		}
	}
	if err := pp.finish(ctx); err != nil {
		return res, err
	}
	if err := pp.postingEvent(ctx, int64(len(p.Lines)), head.seq+1); err != nil {
		return res, err
	}
	res.ID, res.CreatedAt, res.Entries = pp.id, pp.at, pp.entries
	return res, nil
}

// takeHead locks the head of the chain and returns it. Taking the head row
// first serialises postings (PostgreSQL row lock; SQLite's BEGIN IMMEDIATE
// already holds the write lock), so the chain stays linear and the
// idempotency check cannot race. On PostgreSQL the wait for the lock is
// bounded (ledgerLockWait): a posting that finds the ledger held longer, by
// another process's long posting, fails with ledger.busy. The bound is
// lifted again only when the transaction goes on after the posting
// (nested): a posting of its own commits right after, and the statement
// cost a one-line posting a tenth of its round trips.
func (s *Store) takeHead(ctx context.Context, nested bool) (ledgerHead, error) {
	var head ledgerHead
	if err := s.ledgerFree(); err != nil {
		return head, err
	}
	bound, lift := s.dialect.lockWait()
	if bound != "" {
		if _, err := s.exec(ctx, bound); err != nil {
			return head, fmt.Errorf("store: ledger head: %w", err)
		}
	}
	if err := s.queryRow(ctx, `UPDATE ledger_head SET seq = seq WHERE id = 1 RETURNING seq, hash`).
		Scan(&head.seq, &head.hash); err != nil {
		return head, s.busy(fmt.Errorf("store: ledger head: %w", err))
	}
	if lift != "" && nested {
		if _, err := s.exec(ctx, lift); err != nil {
			return head, fmt.Errorf("store: ledger head: %w", err)
		}
	}
	return head, nil
}

// replay returns the stored result of an earlier posting with the same key,
// or a conflict when that posting was a different request.
func (s *Store) replay(ctx context.Context, key, requestHash string) (*PostingResult, error) {
	id, err := s.postingByKey(ctx, key, requestHash)
	if id == 0 || err != nil {
		return nil, err
	}
	res, err := s.Posting(ctx, id)
	if err != nil {
		return nil, err
	}
	res.Replayed = true
	return &res, nil
}

// postingByKey returns the id of the posting stored under an idempotency
// key, 0 when there is none, or a conflict when it was a different request.
func (s *Store) postingByKey(ctx context.Context, key, requestHash string) (int64, error) {
	var id int64
	var storedHash string
	err := s.queryRow(ctx, `SELECT id, request_hash FROM postings WHERE idempotency_key = ?`, key).Scan(&id, &storedHash)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: idempotency key: %w", err)
	}
	if storedHash != requestHash {
		return 0, apperr.New(apperr.Conflict, "idempotency.key_reused",
			"幂等键「%s」已用于另一笔不同的单据", "idempotency key %q was already used for a different posting", key).
			WithField("idempotency_key")
	}
	return id, nil
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
	retiredAt int64        // 0 while in use
	areas     []int64      // the depot's area and its ancestors
	place     access.Place // where it lies, for scope (as Places says)
}

// poster applies the lines of one posting, caching what it looks up.
// Balances change line by line in an overlay, so that later lines see
// earlier ones; new lots, balances, stock totals and ledger entries are
// written in multi-row statements when the posting (or a chunk of a
// stream) ends, which saves several statements per line. Nothing else
// reads them before the posting commits.
type poster struct {
	s      *Store
	id     int64 // the posting
	actor  string
	reason string
	at     int64 // unix microseconds
	head   ledgerHead
	hasher *stock.Hasher
	bal    *balanceOverlay
	today  string

	items  map[string]catalog.Item
	depots map[string]depotRef
	areas  map[int64][]int64 // depot id → its area and the ancestors
	pathID map[string]int64  // area path → id
	owners map[string]int64  // organisation code → id
	lots   map[string]stock.Lot
	absent map[string]bool // lot codes looked up and not found

	newLots   []newLot // created, not yet inserted
	lotIDs    []int64  // reserved ids for new lots
	lastLotID int64    // the largest id reserved so far
	receipts  int      // receipts of new lots left in the current chunk

	quality   map[int64]stock.Quality // lots whose quality changed, not yet written
	locations map[balanceKey]string   // storage locations of receipts, not yet written

	pending []stock.Entry // entries not yet inserted
	keep    bool          // keep every entry in entries (Post's result)
	entries []stock.Entry
	count   int64 // entries made
}

// newLot is a lot to insert.
type newLot struct {
	lot            stock.Lot
	item, owner, d int64
}

// newPoster inserts the posting's row and returns a poster for its lines.
func (s *Store) newPoster(ctx context.Context, head ledgerHead, p stock.Posting, requestHash string) (*poster, error) {
	pp := &poster{s: s, head: head, actor: p.Actor, reason: p.Reason, at: s.now().UnixMicro(), hasher: stock.NewHasher(),
		today: s.Today(), items: map[string]catalog.Item{}, depots: map[string]depotRef{}, areas: map[int64][]int64{},
		pathID: map[string]int64{}, owners: map[string]int64{}}
	pp.reset()
	var key sql.NullString
	if p.IdempotencyKey != "" {
		key = sql.NullString{String: p.IdempotencyKey, Valid: true}
	}
	if err := s.queryRow(ctx, `INSERT INTO postings (idempotency_key, request_hash, actor, reason, created_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`, key, requestHash, p.Actor, p.Reason, pp.at).Scan(&pp.id); err != nil {
		return nil, fmt.Errorf("store: insert posting: %w", err)
	}
	return pp, nil
}

// reset empties what the poster holds of balances and lots, after a flush
// has written them: a stream's memory stays bounded by its chunk.
func (pp *poster) reset() {
	pp.bal = newBalanceOverlay(pp.s, pp.areas)
	pp.lots = map[string]stock.Lot{}
	pp.absent = map[string]bool{}
}

// lines looks up what lines i0, i0+1, … need and applies them.
func (pp *poster) lines(ctx context.Context, lines []stock.Line, i0 int) error {
	if err := pp.prefetch(ctx, lines); err != nil {
		return err
	}
	for i, l := range lines {
		if err := pp.line(ctx, l); err != nil {
			return stock.LineError(i0+i, err)
		}
	}
	return nil
}

// flush writes what the lines so far changed: new lots first (balances and
// entries refer to them), then balances and totals, then the entries.
func (pp *poster) flush(ctx context.Context) error {
	if err := pp.insertLots(ctx); err != nil {
		return err
	}
	if err := pp.bal.flush(ctx); err != nil {
		return err
	}
	if err := pp.writeLotStates(ctx); err != nil {
		return err
	}
	return pp.writeEntries(ctx)
}

// finish flushes and moves the head of the chain to the last entry.
func (pp *poster) finish(ctx context.Context) error {
	if err := pp.flush(ctx); err != nil {
		return err
	}
	if _, err := pp.s.exec(ctx, `UPDATE ledger_head SET seq = ?, hash = ? WHERE id = 1`, pp.head.seq, pp.head.hash); err != nil {
		return fmt.Errorf("store: ledger head: %w", err)
	}
	return nil
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
		if l.Location != "" {
			if pp.locations == nil {
				pp.locations = map[balanceKey]string{}
			}
			pp.locations[balanceKey{from.id, lot.ID}] = l.Location
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
	if l.Kind == stock.KindQuality {
		return pp.requalify(ctx, l.Quality, from, lot, item)
	}
	kind, delta, _ := l.Entry()
	return pp.apply(ctx, kind, from, lot, item, delta)
}

// requalify changes a lot's quality by an entry of delta 0 at a depot
// that holds some of it: the batch's state, so every depot's units of the
// lot change with it, and the lots and balances this posting already
// holds see the new state.
func (pp *poster) requalify(ctx context.Context, q stock.Quality, at depotRef, lot stock.Lot, item catalog.Item) error {
	h, err := pp.bal.held(ctx, at.id, lot, item.ID)
	if err != nil {
		return err
	}
	if err := stock.CheckRequalify(lot, q, h.now.OnHand, at.code); err != nil {
		return err
	}
	if err := pp.apply(ctx, stock.EntryQuality(q), at, lot, item, 0); err != nil {
		return err
	}
	lot.Quality = q
	pp.lots[lot.Code] = lot
	for _, h := range pp.bal.lots {
		if h.lot.LotID == lot.ID {
			h.lot.Quality = q
		}
	}
	if pp.quality == nil {
		pp.quality = map[int64]stock.Quality{}
	}
	pp.quality[lot.ID] = q
	return nil
}

// writeLotStates writes the quality changes and the storage locations of
// receipts made since the last flush.
func (pp *poster) writeLotStates(ctx context.Context) error {
	for id, q := range pp.quality {
		if _, err := pp.s.exec(ctx, `UPDATE lots SET quality = ? WHERE id = ?`, string(q), id); err != nil {
			return fmt.Errorf("store: lot quality: %w", err)
		}
	}
	clear(pp.quality)
	for k, loc := range pp.locations {
		if _, err := pp.s.exec(ctx, `UPDATE balances SET location = ? WHERE depot_id = ? AND lot_id = ?`, loc, k.depot, k.lot); err != nil {
			return fmt.Errorf("store: lot location: %w", err)
		}
	}
	clear(pp.locations)
	return nil
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
// The new lot is inserted with the others at the next flush, under an id
// reserved now, since the entry's hash covers it.
func (pp *poster) receiptLot(ctx context.Context, l stock.Line, item catalog.Item, at depotRef) (stock.Lot, error) {
	if l.NewLot == nil {
		return pp.lot(ctx, l.Lot, item)
	}
	pp.receipts--
	spec, err := l.NewLot.Normalize(item)
	if err != nil {
		return stock.Lot{}, err
	}
	ownerID, err := pp.owner(ctx, spec.OwnerCode, at)
	if err != nil {
		return stock.Lot{}, err
	}
	lot := stock.Lot{Code: spec.Code, ItemCode: item.Code, Batch: spec.Batch, ProducedOn: spec.ProducedOn,
		ExpiresOn: spec.ExpiresOn, Quality: spec.Quality, CreatedAt: pp.at}
	if lot.Code == "" {
		// Codes made from the sequence number of the entry about to be
		// written never repeat; one a person chose could still be such a
		// code, which the lots' unique index refuses when they are written.
		lot.Code = stock.LotCodeFor(pp.head.seq + 1)
	} else if taken, err := pp.lotTaken(ctx, lot.Code); taken || err != nil {
		if err == nil {
			err = &apperr.Error{Kind: apperr.Conflict, Code: "lot.exists", ZH: "批次「" + lot.Code + "」已存在",
				EN: fmt.Sprintf("lot %q already exists", lot.Code)}
		}
		return lot, withField(err, "new_lot.code")
	}
	if lot.ID, err = pp.newLotID(ctx); err != nil {
		return lot, err
	}
	pp.lots[lot.Code] = lot
	pp.newLots = append(pp.newLots, newLot{lot: lot, item: item.ID, owner: ownerID, d: at.id})
	pp.bal.addNew(at.id, lot, item.ID)
	return lot, nil
}

// lotTaken reports whether a lot with code exists, or was created by this
// posting.
func (pp *poster) lotTaken(ctx context.Context, code string) (bool, error) {
	if _, ok := pp.lots[code]; ok {
		return true, nil
	}
	if pp.absent[code] {
		return false, nil
	}
	if err := pp.loadLots(ctx, []string{code}); err != nil {
		return false, err
	}
	_, ok := pp.lots[code]
	return ok, nil
}

// newLotID returns a reserved id for a new lot, reserving enough for the
// receipts of new lots left in the chunk when none is left.
func (pp *poster) newLotID(ctx context.Context) (int64, error) {
	if len(pp.lotIDs) == 0 {
		ids, err := pp.s.dialect.reserveIDs(ctx, pp.s, "lots", max(pp.receipts+1, 1), pp.lastLotID)
		if err != nil {
			return 0, fmt.Errorf("store: reserve lot ids: %w", err)
		}
		pp.lotIDs = ids
		pp.lastLotID = ids[len(ids)-1]
	}
	id := pp.lotIDs[0]
	pp.lotIDs = pp.lotIDs[1:]
	return id, nil
}

// owner returns the id of the organisation named by code, or the depot's
// when code is empty.
func (pp *poster) owner(ctx context.Context, code string, at depotRef) (int64, error) {
	if code == "" {
		return at.orgID, nil
	}
	if id, ok := pp.owners[code]; ok {
		return id, nil
	}
	o, err := pp.s.orgInUse(ctx, code, "new_lot.owner_code")
	if err != nil {
		return 0, err
	}
	pp.owners[code] = o.ID
	return o.ID, nil
}

// lotRowsPerInsert bounds a multi-row lot insert: 128 rows of ten values.
const lotRowsPerInsert = 128

// insertLots inserts the lots created since the last flush.
func (pp *poster) insertLots(ctx context.Context) error {
	args := make([]any, 0, 10*len(pp.newLots))
	for _, n := range pp.newLots {
		l := n.lot
		args = append(args, l.ID, l.Code, n.item, l.Batch, l.ProducedOn, l.ExpiresOn, string(l.Quality), n.owner,
			l.CreatedAt, n.d)
	}
	err := pp.s.execRows(ctx, `INSERT INTO lots (id, code, item_id, batch, produced_on, expires_on, quality, owner_id,
		created_at, depot_id) VALUES `, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "", 10, lotRowsPerInsert, args)
	if err != nil {
		if pp.s.dialect.isUniqueViolation(err) {
			return apperr.New(apperr.Conflict, "lot.exists", "新批次的编码已存在", "a new lot's code already exists")
		}
		return fmt.Errorf("store: insert lots: %w", err)
	}
	pp.newLots = pp.newLots[:0]
	return nil
}

// apply makes one ledger entry and changes the balance it moves.
func (pp *poster) apply(ctx context.Context, kind stock.EntryKind, d depotRef, lot stock.Lot, item catalog.Item, delta stock.Quantity) error {
	if err := pp.bal.change(ctx, kind, d.id, lot, item.ID, delta); err != nil {
		return err
	}
	e := stock.Entry{Seq: pp.head.seq + 1, PostingID: pp.id, Kind: kind, DepotID: d.id, LotID: lot.ID,
		ItemID: item.ID, Delta: delta, Actor: pp.actor, Reason: pp.reason, At: pp.at,
		DepotCode: d.code, LotCode: lot.Code, ItemCode: item.Code}
	pp.hasher.Seal(&e, pp.head.hash)
	pp.head = ledgerHead{seq: e.Seq, hash: e.Hash}
	pp.pending = append(pp.pending, e)
	pp.count++
	if pp.keep {
		pp.entries = append(pp.entries, e)
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

// depot looks up the depot a line names in field; a retired depot takes
// part in no movement (depot.retired): it was emptied before it was
// retired, and nothing may be received or transferred into it.
func (pp *poster) depot(ctx context.Context, code, field string) (depotRef, error) {
	d, ok := pp.depots[code]
	if !ok {
		if err := pp.loadDepots(ctx, []string{code}); err != nil {
			return depotRef{}, err
		}
		if d, ok = pp.depots[code]; !ok {
			return depotRef{}, withField(apperr.NotFoundf("depot", "储备库", code), field)
		}
	}
	if err := (depot.Depot{Code: d.code, RetiredAt: d.retiredAt}).CheckInUse(); err != nil {
		return d, withField(err, field)
	}
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
	return l, stock.CheckLotItem(l, item.Code)
}

// entryChunk is the most entries one INSERT writes: 128 rows of 12 values
// stay below SQLite's and PostgreSQL's limits on bound parameters.
const entryChunk = 128

const entryInsert = `INSERT INTO movements (seq, posting_id, kind, depot_id, lot_id, item_id, delta, actor, reason,
	at, prev_hash, hash) VALUES `

// writeEntries inserts the entries not yet written.
func (pp *poster) writeEntries(ctx context.Context) error {
	if q := pp.s.dialect.entryArrays(); q != "" {
		return pp.writeEntryArrays(ctx, q)
	}
	args := make([]any, 0, 12*len(pp.pending))
	for _, e := range pp.pending {
		args = append(args, e.Seq, e.PostingID, string(e.Kind), e.DepotID, e.LotID, e.ItemID, int64(e.Delta),
			e.Actor, e.Reason, e.At, e.PrevHash, e.Hash)
	}
	if err := pp.s.execRows(ctx, entryInsert, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "", 12, entryChunk, args); err != nil {
		return fmt.Errorf("store: insert movements: %w", err)
	}
	pp.pending = pp.pending[:0]
	return nil
}

// writeEntryArrays inserts the entries not yet written in one statement of
// a column per array (dialect.entryArrays).
func (pp *poster) writeEntryArrays(ctx context.Context, query string) error {
	if len(pp.pending) == 0 {
		return nil
	}
	n := len(pp.pending)
	seq, posting, depot, lot, item, delta, at := make([]int64, n), make([]int64, n), make([]int64, n),
		make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	kind, actor, reason, prev, hash := make([]string, n), make([]string, n), make([]string, n), make([]string, n),
		make([]string, n)
	for i, e := range pp.pending {
		seq[i], posting[i], depot[i], lot[i], item[i], delta[i], at[i] = e.Seq, e.PostingID, e.DepotID, e.LotID,
			e.ItemID, int64(e.Delta), e.At
		kind[i], actor[i], reason[i], prev[i], hash[i] = string(e.Kind), e.Actor, e.Reason, e.PrevHash, e.Hash
	}
	if _, err := pp.s.exec(ctx, query, seq, posting, kind, depot, lot, item, delta, actor, reason, at, prev, hash); err != nil {
		return fmt.Errorf("store: insert movements: %w", err)
	}
	pp.pending = pp.pending[:0]
	return nil
}
