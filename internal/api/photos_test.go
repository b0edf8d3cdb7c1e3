package api

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http/httptest"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/photo"
)

// tinyPNG is a 2 × 2 PNG image, as a request body.
func tinyPNG(t *testing.T) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	img.Set(0, 0, color.RGBA{R: 200, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestPhotos: the keeper keeps photos with a receipt of their depot; the
// image comes back as kept; a file that is not an image, one beyond the
// limit, and a posting of another depot are refused and keep nothing.
func TestPhotos(t *testing.T) {
	t.Parallel()
	eachScopeAPI(t, func(t *testing.T, a *testAPI) {
		own := a.post(t, "keeper", receiveTentsB)
		other := a.post(t, "", receiveAt(depotM, "TENT-M", 5))
		pngType := map[string]string{"Content-Type": "image/png"}
		path := fmt.Sprintf("/api/postings/%d/photos", own.ID)
		img := tinyPNG(t)
		runWarehouse(t, a, []scenario{
			{name: "the keeper photographs the goods", as: "keeper", method: "POST", path: path, body: img, headers: pngType,
				status: 201, want: []string{`"content_type":"image/png"`, fmt.Sprintf(`"posting_id":%d`, own.ID)}},
			{name: "listed with the posting", as: "keeper", method: "GET", path: path, status: 200, want: []string{`"count":1`}},
			{name: "the image as kept", as: "viewer", method: "GET", path: "/api/photos/1", status: 200,
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					if rec.Body.String() != img || rec.Header().Get("Content-Type") != "image/png" {
						t.Errorf("photo came back as %s, %d bytes", rec.Header().Get("Content-Type"), rec.Body.Len())
					}
				}},
			{name: "text said to be a PNG", as: "keeper", method: "POST", path: path, body: "not an image", headers: pngType,
				status: 400, code: "photo.type"},
			{name: "a PDF", as: "keeper", method: "POST", path: path, body: "%PDF-1.4", headers: map[string]string{"Content-Type": "application/pdf"},
				status: 415, code: "request.unsupported_media_type", field: "Content-Type"},
			{name: "another depot's posting", as: "keeper", method: "POST", path: fmt.Sprintf("/api/postings/%d/photos", other.ID),
				body: img, headers: pngType, status: 404, code: "posting.not_found"},
			{name: "nor by a viewer", as: "viewer", method: "POST", path: path, body: img, headers: pngType,
				status: 403, code: "auth.forbidden"},
			{name: "a photo out of sight", as: "keeper", method: "GET", path: "/api/photos/99", status: 404, code: "photo.not_found"},
		})
		for i := 1; i < photo.MaxPerPosting; i++ {
			if rec := a.do("POST", path, img, a.credentials(t, scenario{as: "keeper", headers: pngType}), false); rec.Code != 201 {
				t.Fatalf("photo %d: %d %s", i+1, rec.Code, rec.Body)
			}
		}
		runWarehouse(t, a, []scenario{
			{name: "one too many", as: "keeper", method: "POST", path: path, body: img, headers: pngType, status: 409, code: "photo.too_many"},
		})
	})
}
