package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/stockpile-dev/stockpile/internal/photo"
)

// AddPhoto keeps a photo with its posting, within the posting's limit.
func (s *Store) AddPhoto(ctx context.Context, p photo.Photo) (photo.Photo, error) {
	err := s.InTx(ctx, func(tx *Store) error {
		// Taking the posting's row serialises two uploads to one posting,
		// so the count below stays true until this one is written.
		if _, err := tx.exec(ctx, `UPDATE postings SET id = id WHERE id = ?`, p.PostingID); err != nil {
			return fmt.Errorf("store: photo: %w", err)
		}
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM photos WHERE posting_id = ?`, p.PostingID).Scan(&n); err != nil {
			return fmt.Errorf("store: photo: %w", err)
		}
		if err := photo.CheckCount(n); err != nil {
			return err
		}
		p.CreatedAt = tx.now().UnixMicro()
		return tx.queryRow(ctx, `INSERT INTO photos (posting_id, content_type, size, sha256, data, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, p.PostingID, p.ContentType, p.Size, p.SHA256, p.Data, p.CreatedBy,
			p.CreatedAt).Scan(&p.ID)
	})
	return p, err
}

const photoColumns = `SELECT id, posting_id, content_type, size, sha256, created_by, created_at FROM photos `

func scanPhoto(r interface{ Scan(...any) error }) (photo.Photo, error) {
	var p photo.Photo
	err := r.Scan(&p.ID, &p.PostingID, &p.ContentType, &p.Size, &p.SHA256, &p.CreatedBy, &p.CreatedAt)
	return p, err
}

// Photo returns a photo with its bytes.
func (s *Store) Photo(ctx context.Context, id int64) (photo.Photo, error) {
	p, err := scanPhoto(s.queryRow(ctx, photoColumns+`WHERE id = ?`, id))
	if err != nil {
		return p, notFound(err, "photo", "照片", fmt.Sprint(id))
	}
	err = s.queryRow(ctx, `SELECT data FROM photos WHERE id = ?`, id).Scan(&p.Data)
	return p, err
}

// PostingPhotos lists the photos of a posting, without their bytes.
func (s *Store) PostingPhotos(ctx context.Context, postingID int64) ([]photo.Photo, error) {
	rows, err := s.query(ctx, photoColumns+`WHERE posting_id = ? ORDER BY id`, postingID)
	if err != nil {
		return nil, fmt.Errorf("store: photos: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (photo.Photo, error) { return scanPhoto(r) })
}

// LotPhotos lists the photos of the postings that moved a lot at the
// given depots (its receipt, a scrap), newest first, without their bytes.
func (s *Store) LotPhotos(ctx context.Context, lotCode string, depots []string) ([]photo.Photo, error) {
	if len(depots) == 0 {
		return nil, nil
	}
	args := []any{lotCode}
	for _, d := range depots {
		args = append(args, d)
	}
	rows, err := s.query(ctx, photoColumns+`WHERE posting_id IN (SELECT m.posting_id FROM movements m
		JOIN depots d ON d.id = m.depot_id WHERE m.lot_id = (SELECT id FROM lots WHERE code = ?)
		AND d.code IN (`+placeholders(len(depots))+`)) ORDER BY id DESC LIMIT 50`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: lot photos: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (photo.Photo, error) { return scanPhoto(r) })
}
