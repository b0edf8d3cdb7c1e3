// Package photo is a picture kept with a posting (入库、报废拍照): the goods
// as they arrived, the damage that was written off. Only JPEG, PNG and
// WebP images, told by their bytes rather than by what the client says,
// and at most MaxBytes each.
package photo

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"

	"github.com/stockpile-dev/stockpile/internal/apperr"
)

// MaxBytes bounds one photo: a phone's picture, not an archive.
const MaxBytes = 8 << 20

// MaxPerPosting bounds the photos of one posting.
const MaxPerPosting = 10

// Photo is one stored picture.
type Photo struct {
	ID          int64  `json:"id"`
	PostingID   int64  `json:"posting_id"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	CreatedBy   string `json:"created_by"`
	CreatedAt   int64  `json:"created_at"` // unix microseconds
	Data        []byte `json:"-"`
}

// allowed are the image types kept, by what their bytes say.
var allowed = map[string]bool{"image/jpeg": true, "image/png": true, "image/webp": true}

// New checks data and returns the photo it makes for a posting: its type
// sniffed from the bytes, its size and digest.
func New(postingID int64, data []byte, by string) (Photo, error) {
	switch {
	case len(data) == 0:
		return Photo{}, apperr.Required("body", "照片", "photo")
	case len(data) > MaxBytes:
		return Photo{}, apperr.New(apperr.Invalid, "photo.too_large", "照片不能超过 %d MiB", "a photo may be at most %d MiB",
			MaxBytes>>20)
	}
	ct := http.DetectContentType(data)
	if !allowed[ct] {
		return Photo{}, apperr.New(apperr.Invalid, "photo.type", "照片须为 JPEG、PNG 或 WebP 图片（实际为 %s）",
			"a photo must be a JPEG, PNG or WebP image (got %s)", ct)
	}
	sum := sha256.Sum256(data)
	return Photo{PostingID: postingID, ContentType: ct, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]),
		CreatedBy: by, Data: data}, nil
}

// CheckCount refuses a photo beyond MaxPerPosting.
func CheckCount(have int) error {
	if have >= MaxPerPosting {
		return apperr.New(apperr.Conflict, "photo.too_many", "一张单据最多 %d 张照片", "a posting may have at most %d photos",
			MaxPerPosting)
	}
	return nil
}
