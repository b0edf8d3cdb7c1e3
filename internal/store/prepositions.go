package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/stockpile-dev/stockpile/internal/readiness"
)

// CreateRecommendation stores a pre-positioning recommendation as proposed.
func (s *Store) CreateRecommendation(ctx context.Context, r readiness.Recommendation) (readiness.Recommendation, error) {
	r.ID, r.Status, r.TransferID = 0, readiness.RecommendationProposed, 0
	body, err := json.Marshal(r)
	if err != nil {
		return r, fmt.Errorf("store: create recommendation: %w", err)
	}
	now := s.now().Unix()
	err = s.queryRow(ctx, `INSERT INTO prepositions (status, warning, body, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`, r.Status, r.Warning.Identifier, string(body), now, now).Scan(&r.ID)
	if err != nil {
		return r, fmt.Errorf("store: create recommendation: %w", err)
	}
	return r, nil
}

const recommendationColumns = `SELECT id, status, transfer_id, body FROM prepositions`

// scanRecommendation reads a row of recommendationColumns; the columns,
// which approval and cancellation update, win over the body.
func scanRecommendation(row interface{ Scan(...any) error }) (readiness.Recommendation, error) {
	var r readiness.Recommendation
	var id int64
	var status, body string
	var transferID sql.NullInt64
	if err := row.Scan(&id, &status, &transferID, &body); err != nil {
		return r, err
	}
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		return r, fmt.Errorf("recommendation %d: %w", id, err)
	}
	r.ID, r.Status, r.TransferID = id, status, transferID.Int64
	return r, nil
}

// setRecommendation records a recommendation's new status and transfer order.
func (s *Store) setRecommendation(ctx context.Context, r readiness.Recommendation) error {
	var tid sql.NullInt64
	if r.TransferID != 0 {
		tid = sql.NullInt64{Int64: r.TransferID, Valid: true}
	}
	_, err := s.exec(ctx, `UPDATE prepositions SET status = ?, transfer_id = ?, updated_at = ? WHERE id = ?`,
		r.Status, tid, s.now().Unix(), r.ID)
	return err
}

// Recommendation returns a stored pre-positioning recommendation.
func (s *Store) Recommendation(ctx context.Context, id int64) (readiness.Recommendation, error) {
	r, err := scanRecommendation(s.queryRow(ctx, recommendationColumns+` WHERE id = ?`, id))
	if err != nil {
		return r, notFound(err, "preposition", "前置建议", fmt.Sprint(id))
	}
	return r, nil
}

// Recommendations lists recommendations, newest first; status "" lists all.
func (s *Store) Recommendations(ctx context.Context, status string, limit int) ([]readiness.Recommendation, error) {
	var w where
	w.addIf(status, "status = ?")
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	rows, err := s.query(ctx, recommendationColumns+w.String()+`ORDER BY id DESC LIMIT `+strconv.Itoa(limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: recommendations: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (readiness.Recommendation, error) { return scanRecommendation(r) })
}

// ApproveRecommendation turns a proposed recommendation into a transfer
// order (readiness.Recommendation.Approve decides), reserving its lots, in
// one transaction; when the stock has moved meanwhile nothing changes and
// the error (preposition.stale) says to recommend again.
func (s *Store) ApproveRecommendation(ctx context.Context, id int64, actor string) (readiness.Recommendation, error) {
	var out readiness.Recommendation
	err := s.InTx(ctx, func(tx *Store) error {
		r, err := tx.Recommendation(ctx, id)
		if err != nil {
			return err
		}
		o, err := r.Approve(actor)
		if err != nil {
			return err
		}
		if o, err = tx.CreateTransferOrder(ctx, o); err != nil {
			return recommendationStale(id, err)
		}
		r.Status, r.TransferID = readiness.RecommendationApproved, o.ID
		out = r
		return tx.setRecommendation(ctx, r)
	})
	return out, err
}

// CancelRecommendation drops a proposed recommendation.
func (s *Store) CancelRecommendation(ctx context.Context, id int64) (readiness.Recommendation, error) {
	var out readiness.Recommendation
	err := s.InTx(ctx, func(tx *Store) error {
		r, err := tx.Recommendation(ctx, id)
		if err != nil {
			return err
		}
		if out, err = r.Cancel(); err != nil {
			return err
		}
		return tx.setRecommendation(ctx, out)
	})
	return out, err
}

func recommendationStale(id int64, err error) error {
	return restateConflict(err, false, "preposition.stale", "前置建议 #%d 依据的库存已变化（%s），请重新生成建议",
		"the stock recommendation #%d counted on has changed (%s); recommend again", id)
}
