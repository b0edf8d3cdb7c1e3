package ops

import (
	"context"
	"strconv"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/audit"
	"github.com/stockpile-dev/stockpile/internal/photo"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// AddPhoto keeps a photo with a posting (the goods received, the damage
// scrapped), by someone who may post at one of the depots it moved.
func (s *Service) AddPhoto(ctx context.Context, who access.Actor, postingID int64, data []byte) (photo.Photo, error) {
	if !who.Can(access.StockPost) {
		return photo.Photo{}, who.Allow(access.StockPost)
	}
	depots, err := s.postingDepots(ctx, who, postingID)
	if err != nil {
		return photo.Photo{}, err
	}
	var allowed error = apperr.NotFoundf("posting", "单据", strconv.FormatInt(postingID, 10))
	for _, d := range depots {
		if allowed = s.allow(ctx, who, access.StockPost, "depot", d); allowed == nil {
			break
		}
	}
	if allowed != nil {
		return photo.Photo{}, allowed
	}
	p, err := photo.New(postingID, data, who.ID)
	if err != nil {
		return p, err
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if p, err = tx.AddPhoto(ctx, p); err != nil {
			return err
		}
		return record(ctx, tx, who, "photo.add", audit.Object{Kind: "photo", ID: strconv.FormatInt(p.ID, 10)}, nil,
			map[string]any{"posting": postingID, "sha256": p.SHA256, "size": p.Size})
	})
	return p, err
}

// postingDepots are the depots a posting moved stock at, when who may see
// one of them; otherwise the posting is not found.
func (s *Service) postingDepots(ctx context.Context, who access.Actor, postingID int64) ([]string, error) {
	res, err := s.store.Posting(ctx, postingID)
	if err != nil {
		return nil, err
	}
	var depots []string
	seen := map[string]bool{}
	visible := false
	for _, e := range res.Entries {
		if seen[e.DepotCode] {
			continue
		}
		seen[e.DepotCode] = true
		depots = append(depots, e.DepotCode)
		visible = visible || s.visibleDepot(ctx, who, e.DepotCode) == nil
	}
	if !visible {
		return nil, apperr.NotFoundf("posting", "单据", strconv.FormatInt(postingID, 10))
	}
	return depots, nil
}

// Photo returns a photo with its bytes, when who may see its posting.
func (s *Service) Photo(ctx context.Context, who access.Actor, id int64) (photo.Photo, error) {
	if err := who.Allow(access.StockRead); err != nil {
		return photo.Photo{}, err
	}
	p, err := s.store.Photo(ctx, id)
	if err != nil {
		return p, err
	}
	if _, err := s.postingDepots(ctx, who, p.PostingID); err != nil {
		return photo.Photo{}, apperr.NotFoundf("photo", "照片", strconv.FormatInt(id, 10))
	}
	return p, nil
}

// PostingPhotos lists a posting's photos, when who may see it.
func (s *Service) PostingPhotos(ctx context.Context, who access.Actor, postingID int64) ([]photo.Photo, error) {
	if err := who.Allow(access.StockRead); err != nil {
		return nil, err
	}
	if _, err := s.postingDepots(ctx, who, postingID); err != nil {
		return nil, err
	}
	return s.store.PostingPhotos(ctx, postingID)
}
