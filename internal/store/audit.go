package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/stockpile-dev/stockpile/internal/audit"
)

// Audit appends r to the audit trail, stamped now and chained to the
// record before it. Called inside the transaction of the change it
// records, it commits or rolls back with it. Taking the head row first
// serialises appends, as ledger_head does for postings; a transaction that
// posts to the ledger too takes ledger_head first and audit_head last, so
// two such transactions cannot wait on each other.
func (s *Store) Audit(ctx context.Context, r audit.Record) (audit.Record, error) {
	err := s.InTx(ctx, func(tx *Store) error {
		var seq int64
		var prev string
		if err := tx.queryRow(ctx, `UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash`).
			Scan(&seq, &prev); err != nil {
			return fmt.Errorf("store: audit head: %w", err)
		}
		r.Seq, r.At = seq+1, s.now().Unix()
		r.Seal(prev)
		if _, err := tx.exec(ctx, `INSERT INTO audit_log (seq, at, principal, address, action, object_kind, object_id,
			object_version, before_json, after_json, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.Seq, r.At, r.Principal, r.Address, r.Action, r.Object.Kind, r.Object.ID, r.Object.Version,
			nullJSON(r.Before), nullJSON(r.After), r.PrevHash, r.Hash); err != nil {
			return fmt.Errorf("store: audit: %w", err)
		}
		if _, err := tx.exec(ctx, `UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1`, r.Seq, r.Hash); err != nil {
			return fmt.Errorf("store: audit head: %w", err)
		}
		return tx.auditEvent(ctx, r) // the change feed's event, under the head's lock (events.go)
	})
	return r, err
}

func nullJSON(b json.RawMessage) sql.NullString {
	return sql.NullString{String: string(b), Valid: b != nil}
}

const auditColumns = `seq, at, principal, address, action, object_kind, object_id, object_version, before_json,
	after_json, prev_hash, hash`

func scanAudit(r interface{ Scan(...any) error }) (audit.Record, error) {
	var a audit.Record
	var before, after sql.NullString
	err := r.Scan(&a.Seq, &a.At, &a.Principal, &a.Address, &a.Action, &a.Object.Kind, &a.Object.ID, &a.Object.Version,
		&before, &after, &a.PrevHash, &a.Hash)
	if before.Valid {
		a.Before = json.RawMessage(before.String)
	}
	if after.Valid {
		a.After = json.RawMessage(after.String)
	}
	return a, err
}

// MaxAuditPage bounds a page of audit records.
const MaxAuditPage = 500

// AuditRecords searches the audit trail, newest first; q.Before pages on.
// Each filter is an indexed column, so a page costs what it returns, not
// the length of the trail.
func (s *Store) AuditRecords(ctx context.Context, q audit.Query) ([]audit.Record, error) {
	var w where
	w.addIf(q.Principal, "principal = ?")
	w.addIf(q.ObjectKind, "object_kind = ?")
	w.addIf(q.ObjectID, "object_id = ?")
	if q.Action != "" {
		if q.Action[len(q.Action)-1] == '.' {
			w.add("action LIKE ?", q.Action+"%")
		} else {
			w.add("action = ?", q.Action)
		}
	}
	if q.From > 0 {
		w.add("at >= ?", q.From)
	}
	if q.To > 0 {
		w.add("at < ?", q.To)
	}
	if q.Before > 0 {
		w.add("seq < ?", q.Before)
	}
	limit := q.Limit
	if limit <= 0 || limit > MaxAuditPage {
		limit = MaxAuditPage
	}
	rows, err := s.query(ctx, `SELECT `+auditColumns+` FROM audit_log`+w.String()+`ORDER BY seq DESC LIMIT ?`,
		append(w.args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []audit.Record
	for rows.Next() {
		a, err := scanAudit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// AuditReport is the outcome of checking the audit trail's chain.
type AuditReport struct {
	Records    int64   `json:"records"`
	OK         bool    `json:"ok"`
	FirstBreak *Breach `json:"first_break,omitempty"`
}

// verifyAudit recomputes the audit trail's hash chain within tx, the
// read-only snapshot the ledger is verified in.
func verifyAudit(ctx context.Context, tx *sql.Tx) (AuditReport, error) {
	var rep AuditReport
	var headSeq int64
	var headHash string
	if err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&headSeq, &headHash); err != nil {
		return rep, fmt.Errorf("store: verify audit: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit_log ORDER BY seq`)
	if err != nil {
		return rep, fmt.Errorf("store: verify audit: %w", err)
	}
	defer rows.Close()
	prev := audit.GenesisHash
	breach := func(seq int64, en, zh string) {
		if rep.FirstBreak == nil {
			rep.FirstBreak = &Breach{Seq: seq, Reason: en, ZH: zh}
		}
	}
	for rows.Next() {
		r, err := scanAudit(rows)
		if err != nil {
			return rep, err
		}
		rep.Records++
		switch {
		case r.Seq != rep.Records:
			breach(r.Seq, fmt.Sprintf("audit record %d found where %d was expected", r.Seq, rep.Records),
				fmt.Sprintf("审计记录序号应为 %d，实为 %d", rep.Records, r.Seq))
		case r.PrevHash != prev:
			breach(r.Seq, "audit record does not chain to the one before", "审计记录与前一条的哈希不衔接")
		case r.ComputeHash() != r.Hash:
			breach(r.Seq, "audit record's hash does not match its content (altered)", "审计记录内容与哈希不符（被篡改）")
		}
		prev = r.Hash
	}
	if err := rows.Err(); err != nil {
		return rep, err
	}
	if rep.Records != headSeq || (headSeq > 0 && prev != headHash) {
		breach(headSeq, fmt.Sprintf("audit trail ends at %d but its head says %d (records removed)", rep.Records, headSeq),
			fmt.Sprintf("审计记录止于 %d，链头为 %d（记录被删除）", rep.Records, headSeq))
	}
	rep.OK = rep.FirstBreak == nil
	return rep, nil
}
