package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/readiness"
	"github.com/stockpile-dev/stockpile/internal/transfer"
)

// CreateRecommendation stores a pre-positioning recommendation as proposed.
func (s *Store) CreateRecommendation(ctx context.Context, r readiness.Recommendation) (readiness.Recommendation, error) {
	r.Status = readiness.RecommendationProposed
	now := s.now().Unix()
	err := s.InTx(ctx, func(tx *Store) error {
		err := tx.queryRow(ctx, `INSERT INTO prepositions (status, warning, body, created_at, updated_at)
			VALUES (?, ?, '', ?, ?) RETURNING id`, r.Status, r.Warning.Identifier, now, now).Scan(&r.ID)
		if err != nil {
			return err
		}
		return tx.saveRecommendation(ctx, r, 0)
	})
	if err != nil {
		return r, fmt.Errorf("store: create recommendation: %w", err)
	}
	return r, nil
}

func (s *Store) saveRecommendation(ctx context.Context, r readiness.Recommendation, transferID int64) error {
	body, err := json.Marshal(r)
	if err != nil {
		return err
	}
	var tid sql.NullInt64
	if transferID != 0 {
		tid = sql.NullInt64{Int64: transferID, Valid: true}
	}
	_, err = s.exec(ctx, `UPDATE prepositions SET status = ?, body = ?, transfer_id = ?, updated_at = ? WHERE id = ?`,
		r.Status, string(body), tid, s.now().Unix(), r.ID)
	return err
}

// Recommendation returns a stored pre-positioning recommendation.
func (s *Store) Recommendation(ctx context.Context, id int64) (readiness.Recommendation, error) {
	var r readiness.Recommendation
	var body string
	if err := s.queryRow(ctx, `SELECT body FROM prepositions WHERE id = ?`, id).Scan(&body); err != nil {
		return r, notFound(err, "preposition", "前置建议", fmt.Sprint(id))
	}
	return r, json.Unmarshal([]byte(body), &r)
}

// Recommendations lists recommendations, newest first; status "" lists all.
func (s *Store) Recommendations(ctx context.Context, status string, limit int) ([]readiness.Recommendation, error) {
	var w where
	w.addIf(status, "status = ?")
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	rows, err := s.query(ctx, `SELECT body FROM prepositions`+w.String()+`ORDER BY id DESC LIMIT `+strconv.Itoa(limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: recommendations: %w", err)
	}
	return collectBodies[readiness.Recommendation](rows)
}

// ApproveRecommendation turns a proposed recommendation into a transfer
// order, reserving its lots, in one transaction; when the stock has moved
// meanwhile nothing changes and the error says to recommend again.
func (s *Store) ApproveRecommendation(ctx context.Context, id int64, actor string) (readiness.Recommendation, error) {
	var out readiness.Recommendation
	err := s.InTx(ctx, func(tx *Store) error {
		r, err := tx.proposedRecommendation(ctx, id, "approve", "批准")
		if err != nil {
			return err
		}
		if len(r.Moves) == 0 {
			return apperr.New(apperr.Conflict, "preposition.empty", "前置建议 #%d 没有调拨,无需批准",
				"recommendation #%d moves nothing: there is nothing to approve", id)
		}
		o := transfer.Order{Reason: "前置:" + r.Scenario.NameZH, Origin: fmt.Sprintf("preposition:%d", id), CreatedBy: actor}
		for _, m := range r.Moves {
			o.Lines = append(o.Lines, transfer.Line{From: m.From, To: m.To, Item: m.Item, Quantity: m.Quantity, Lots: m.Lots})
		}
		o, err = tx.CreateTransferOrder(ctx, o)
		if err != nil {
			return recommendationStale(id, err)
		}
		r.Status, r.TransferID = readiness.RecommendationApproved, o.ID
		out = r
		return tx.saveRecommendation(ctx, r, o.ID)
	})
	return out, err
}

// CancelRecommendation drops a proposed recommendation.
func (s *Store) CancelRecommendation(ctx context.Context, id int64) (readiness.Recommendation, error) {
	var out readiness.Recommendation
	err := s.InTx(ctx, func(tx *Store) error {
		r, err := tx.proposedRecommendation(ctx, id, "cancel", "取消")
		if err != nil {
			return err
		}
		r.Status = readiness.RecommendationCancelled
		out = r
		return tx.saveRecommendation(ctx, r, 0)
	})
	return out, err
}

func (s *Store) proposedRecommendation(ctx context.Context, id int64, verbEN, verbZH string) (readiness.Recommendation, error) {
	r, err := s.Recommendation(ctx, id)
	if err == nil && r.Status != readiness.RecommendationProposed {
		err = apperr.New(apperr.Conflict, "preposition.status", "前置建议 #%[1]d 当前状态为 %[2]s,不能%[3]s",
			"recommendation #%[1]d is %[2]s: it cannot %[4]s", id, r.Status, verbZH, verbEN).WithField("status")
	}
	return r, err
}

func recommendationStale(id int64, err error) error {
	e, ok := apperr.As(err)
	if !ok || e.Kind != apperr.Conflict {
		return err
	}
	return apperr.New(apperr.Conflict, "preposition.stale", "前置建议 #%[1]d 依据的库存已变化(%[2]s),请重新生成建议",
		"the stock recommendation #%[1]d counted on has changed (%[3]s); recommend again", id, e.ZH, e.EN)
}
