package api

import (
	"bytes"
	"image/png"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/skip2/go-qrcode"

	"github.com/stockpile-dev/stockpile/internal/store"
)

func TestLots(t *testing.T) {
	t.Parallel()
	receiveWater := `{"reason":"入库","lines":[{"kind":"receive","depot":"D-TEST-B","item":"1030101",
		"quantity":500,"new_lot":{"code":"WATER-1","batch":"W1","expires_on":"2026-08-01"}}]}`
	receiveBeds := `{"reason":"入库","lines":[{"kind":"receive","depot":"C-TEST-A","item":"1010201",
		"quantity":40,"new_lot":{"batch":"BED-1","quality":"pending"}}]}`
	// Tents have a shelf life of 3650 days, so the expiry follows from the
	// production date.
	tentExpiry := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 3650).Format("2006-01-02")

	eachAPI(t, func(t *testing.T, a *testAPI) {
		var bedLot string
		runScenarios(t, a, []scenario{
			{name: "receive tents", method: "POST", path: "/api/movements", body: receiveTents, status: 201},
			{name: "receive water", method: "POST", path: "/api/movements", body: receiveWater, status: 201},
			{name: "receive beds with a generated code", method: "POST", path: "/api/movements", body: receiveBeds,
				status: 201, check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					var res store.PostingResult
					decodeBody(t, rec, &res)
					bedLot = res.Entries[0].LotCode
				}},

			{name: "get", method: "GET", path: "/api/lots/TENT-A", status: 200,
				want: []string{`"code":"TENT-A"`, `"item_code":"1010101"`, `"batch":"2026-03"`, `"produced_on":"2026-03-01"`,
					`"expires_on":"` + tentExpiry + `"`, `"quality":"good"`, `"owner_code":"BJ-EMB"`}},
			{name: "get unknown", method: "GET", path: "/api/lots/NOPE", status: 404, code: "lot.not_found"},
			{name: "list, soonest expiry first", method: "GET", path: "/api/lots", status: 200,
				want: []string{`"count":3`, `{"code":"WATER-1"`}},
			{name: "by item", method: "GET", path: "/api/lots?item=1030101", status: 200,
				want: []string{`"code":"WATER-1"`, `"count":1`}},
			{name: "by depot", method: "GET", path: "/api/lots?depot=C-TEST-A", status: 200,
				want: []string{`"code":"TENT-A"`, `"count":2`}, notWant: []string{`"WATER-1"`}},
			{name: "expiring before", method: "GET", path: "/api/lots?expiring_before=2027-01-01", status: 200,
				want: []string{`"code":"WATER-1"`, `"count":1`}},
			{name: "limit", method: "GET", path: "/api/lots?limit=1", status: 200,
				want: []string{`"code":"WATER-1"`, `"count":1`}},
			{name: "bad date", method: "GET", path: "/api/lots?expiring_before=2026-13-01", status: 400,
				code: "param.invalid", field: "expiring_before"},
			{name: "limit 0", method: "GET", path: "/api/lots?limit=0", status: 400, code: "param.invalid", field: "limit"},
			{name: "negative limit", method: "GET", path: "/api/lots?limit=-1", status: 400, code: "param.invalid",
				field: "limit"},
		})

		label := func(code string, size int) func(*testing.T, *httptest.ResponseRecorder) {
			return func(t *testing.T, rec *httptest.ResponseRecorder) {
				if ct := rec.Header().Get("Content-Type"); ct != "image/png" {
					t.Fatalf("Content-Type %q", ct)
				}
				img, err := png.Decode(bytes.NewReader(rec.Body.Bytes()))
				if err != nil {
					t.Fatalf("label does not decode as PNG: %v", err)
				}
				if b := img.Bounds(); b.Dx() != size || b.Dy() != size {
					t.Errorf("label is %dx%d, want %dx%d", b.Dx(), b.Dy(), size, size)
				}
				// The encoder is deterministic: the same text at the same
				// size gives the same image, so this checks what it encodes.
				want, err := qrcode.Encode("STOCKPILE:LOT:"+code, qrcode.Medium, size)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(rec.Body.Bytes(), want) {
					t.Errorf("label does not encode STOCKPILE:LOT:%s", code)
				}
			}
		}
		runScenarios(t, a, []scenario{
			{name: "label", method: "GET", path: "/api/lots/TENT-A/label.png", status: 200, check: label("TENT-A", 256)},
			{name: "small label", method: "GET", path: "/api/lots/TENT-A/label.png?size=64", status: 200,
				check: label("TENT-A", 64)},
			{name: "large label", method: "GET", path: "/api/lots/TENT-A/label.png?size=1024", status: 200,
				check: label("TENT-A", 1024)},
			{name: "label of a generated code", method: "GET", path: "/api/lots/" + url.PathEscape(bedLot) + "/label.png",
				status: 200, check: label(bedLot, 256)},
			{name: "label too small", method: "GET", path: "/api/lots/TENT-A/label.png?size=63", status: 400,
				code: "param.invalid", field: "size"},
			{name: "label too large", method: "GET", path: "/api/lots/TENT-A/label.png?size=1025", status: 400,
				code: "param.invalid", field: "size"},
			{name: "label size not a number", method: "GET", path: "/api/lots/TENT-A/label.png?size=big", status: 400,
				code: "param.invalid", field: "size"},
			{name: "label of an unknown lot", method: "GET", path: "/api/lots/NOPE/label.png", status: 404,
				code: "lot.not_found"},
		})
	})
}
