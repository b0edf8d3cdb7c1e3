package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"sync"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// StreamResult is what PostStream stored: counts, not the entries.
type StreamResult struct {
	PostingID int64 `json:"posting_id"`
	Lines     int64 `json:"lines"`
	Entries   int64 `json:"entries"`
	FirstSeq  int64 `json:"first_seq,omitempty"` // the posting's first entry; 0 when it made none
	LastSeq   int64 `json:"last_seq,omitempty"`
	Replayed  bool  `json:"replayed"` // true: an earlier identical request's result
}

// streamChunk is the lines PostStream applies between two flushes of its
// lots, balances, totals and entries: what it holds in memory is bounded by
// this, not by the length of the stream.
const streamChunk = 4096

// PostStream applies a posting of any number of lines, read one at a time
// from next until it returns ok false, in one transaction and as one
// posting: every line, or none. It is Post for big imports. p carries the
// actor, the reason and the idempotency key; p.Lines must be empty. The
// lines are checked and applied as Post does, and an error names the line
// by its index in the stream (stock.LineError). Entries, balances and
// stock totals are written every streamChunk lines, so memory stays
// bounded; progress, if not nil, is called after each chunk with the lines
// applied so far.
//
// While it runs, PostStream holds the ledger: Post on any copy of this
// Store, outside its transaction, fails at once with ledger.busy. Called
// on the Store of an InTx callback, it joins that transaction.
//
// A retry with the same idempotency key and the same lines returns the
// first result with Replayed set, reading the stream to the end to compare
// it; a Post and a PostStream of the same lines share their key.
func (s *Store) PostStream(ctx context.Context, p stock.Posting, next func() (stock.Line, bool, error),
	progress func(done int64)) (StreamResult, error) {
	var res StreamResult
	if err := p.ValidateHeader(); err != nil {
		return res, err
	}
	if len(p.Lines) > 0 {
		return res, apperr.New(apperr.Invalid, "posting.stream_lines",
			"流式过账的明细行须逐行提供，单据本身不能带明细行", "a streamed posting takes its lines from next; p.Lines must be empty").
			WithField("lines")
	}
	if err := s.ledgerFree(); err != nil {
		return res, err
	}
	err := s.InTx(ctx, func(tx *Store) error {
		release := tx.gate.hold(tx.tx)
		defer release()
		var err error
		res, err = tx.postStream(ctx, p, next, progress)
		return err
	})
	return res, s.busy(err)
}

func (s *Store) postStream(ctx context.Context, p stock.Posting, next func() (stock.Line, bool, error),
	progress func(done int64)) (StreamResult, error) {
	var res StreamResult
	rh, err := newRequestHash(p)
	if err != nil {
		return res, err
	}
	head, err := s.takeHead(ctx, true)
	if err != nil {
		return res, err
	}
	if p.IdempotencyKey != "" {
		if done, err := s.replayStream(ctx, p.IdempotencyKey, rh, next); done != nil || err != nil {
			if done != nil {
				return *done, nil
			}
			return res, err
		}
	}
	pp, err := s.newPoster(ctx, head, p, "")
	if err != nil {
		return res, err
	}
	first := head.seq + 1
	buf := make([]stock.Line, 0, streamChunk)
	for more := true; more; {
		if buf, more, err = readChunk(ctx, next, buf[:0], int(res.Lines), rh); err != nil {
			return res, err
		}
		if err := pp.streamChunk(ctx, buf, int(res.Lines)); err != nil {
			return res, err
		}
		res.Lines += int64(len(buf))
		if progress != nil {
			progress(res.Lines)
		}
	}
	if res.Lines == 0 {
		return res, apperr.Required("lines", "明细行", "at least one line")
	}
	if err := pp.finish(ctx); err != nil {
		return res, err
	}
	if _, err := s.exec(ctx, `UPDATE postings SET request_hash = ? WHERE id = ?`, rh.sum(), pp.id); err != nil {
		return res, fmt.Errorf("store: posting: %w", err)
	}
	if err := pp.postingEvent(ctx, res.Lines, first); err != nil {
		return res, err
	}
	res.PostingID, res.Entries = pp.id, pp.count
	if pp.count > 0 {
		res.FirstSeq, res.LastSeq = first, pp.head.seq
	}
	return res, nil
}

// streamChunk applies a chunk of a stream's lines and writes what they
// changed, then forgets it.
func (pp *poster) streamChunk(ctx context.Context, lines []stock.Line, i0 int) error {
	if len(lines) == 0 {
		return nil
	}
	if err := pp.lines(ctx, lines, i0); err != nil {
		return err
	}
	if err := pp.flush(ctx); err != nil {
		return err
	}
	pp.reset()
	return nil
}

// readChunk reads up to streamChunk lines, checking each (stock.ValidateLine)
// and adding it to the request hash; more is false at the end of the
// stream.
func readChunk(ctx context.Context, next func() (stock.Line, bool, error), buf []stock.Line, i0 int,
	rh *requestHash) (_ []stock.Line, more bool, err error) {
	if err := ctx.Err(); err != nil {
		return buf, false, err
	}
	for len(buf) < streamChunk {
		l, ok, err := next()
		if err != nil {
			return buf, false, err
		}
		if !ok {
			return buf, false, nil
		}
		if err := stock.ValidateLine(i0+len(buf), l); err != nil {
			return buf, false, err
		}
		if err := rh.add(l); err != nil {
			return buf, false, err
		}
		buf = append(buf, l)
	}
	return buf, true, nil
}

// replayStream returns the stored result of an earlier posting under the
// same key, after reading the stream to check it is the same request.
func (s *Store) replayStream(ctx context.Context, key string, rh *requestHash,
	next func() (stock.Line, bool, error)) (*StreamResult, error) {
	var id int64
	err := s.queryRow(ctx, `SELECT id FROM postings WHERE idempotency_key = ?`, key).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: idempotency key: %w", err)
	}
	res := StreamResult{PostingID: id, Replayed: true}
	for {
		l, ok, err := next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		if err := rh.add(l); err != nil {
			return nil, err
		}
		res.Lines++
	}
	if _, err := s.postingByKey(ctx, key, rh.sum()); err != nil {
		return nil, err
	}
	var first, last sql.NullInt64
	if err := s.queryRow(ctx, `SELECT COUNT(*), MIN(seq), MAX(seq) FROM movements WHERE posting_id = ?`, id).
		Scan(&res.Entries, &first, &last); err != nil {
		return nil, fmt.Errorf("store: posting %d: %w", id, err)
	}
	res.FirstSeq, res.LastSeq = first.Int64, last.Int64
	return &res, nil
}

// requestHash is the SHA-256 of a posting's JSON encoding, as Post
// computes it for idempotency, fed a line at a time.
type requestHash struct {
	h     hash.Hash
	lines int
}

// newRequestHash starts the hash of p, whose Lines are to be added: the
// encoding of p with no lines, up to its closing "]}".
func newRequestHash(p stock.Posting) (*requestHash, error) {
	p.Lines = []stock.Line{}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("store: encode posting: %w", err)
	}
	rh := &requestHash{h: sha256.New()}
	rh.h.Write(b[:len(b)-2])
	return rh, nil
}

func (rh *requestHash) add(l stock.Line) error {
	b, err := json.Marshal(l)
	if err != nil {
		return fmt.Errorf("store: encode line: %w", err)
	}
	if rh.lines > 0 {
		rh.h.Write([]byte{','})
	}
	rh.h.Write(b)
	rh.lines++
	return nil
}

// sum closes the encoding and returns its hex hash; nothing may be added
// after.
func (rh *requestHash) sum() string {
	rh.h.Write([]byte("]}"))
	return hex.EncodeToString(rh.h.Sum(nil))
}

// ledgerGate marks the ledger as held by a long posting, for every copy of
// the Store that opened it (transactions copy the Store, not the gate).
type ledgerGate struct {
	mu    sync.Mutex // guards owner
	owner *sql.Tx    // the transaction of the stream holding the ledger; nil when none
}

// hold marks the ledger held by tx until release is called.
func (g *ledgerGate) hold(tx *sql.Tx) (release func()) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.owner != nil { // a stream nested in another: the outer one holds it
		return func() {}
	}
	g.owner = tx
	return func() {
		g.mu.Lock()
		g.owner = nil
		g.mu.Unlock()
	}
}

func (g *ledgerGate) heldBy() *sql.Tx {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.owner
}

// ledgerLockWait bounds how long a posting on PostgreSQL waits for the
// ledger head held by another process before it gives up with ledger.busy.
const ledgerLockWait = "3s"

// ledgerRetryAfter is the wait in seconds that ledger.busy suggests.
const ledgerRetryAfter = 5

// ledgerFree returns ledger.busy when a long posting of another
// transaction holds the ledger.
func (s *Store) ledgerFree() error {
	if s.gate == nil {
		return nil
	}
	if owner := s.gate.heldBy(); owner != nil && owner != s.tx {
		return ledgerBusy()
	}
	return nil
}

// busy maps a lock not granted in time (SQLite's busy timeout,
// PostgreSQL's lock_timeout) to ledger.busy.
func (s *Store) busy(err error) error {
	if err != nil && s.dialect.isLockTimeout(err) {
		return ledgerBusy()
	}
	return err
}

func ledgerBusy() *apperr.Error {
	e := apperr.New(apperr.Unavailable, "ledger.busy",
		"台账正在处理一笔大批量过账，请 %d 秒后重试", "the ledger is busy with a long posting; try again in %d seconds",
		ledgerRetryAfter)
	e.RetryAfter = ledgerRetryAfter
	return e
}
