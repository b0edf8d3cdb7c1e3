package httpx

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/apperr"
)

// TestWriteErrorRetryAfter checks that an error suggesting a wait (such as
// ledger.busy) carries it as the Retry-After header, and others carry none.
func TestWriteErrorRetryAfter(t *testing.T) {
	busy := &apperr.Error{Kind: apperr.Unavailable, Code: "ledger.busy", ZH: "台账忙", EN: "busy", RetryAfter: 5}
	w := httptest.NewRecorder()
	WriteError(w, http.StatusServiceUnavailable, busy)
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") != "5" {
		t.Fatalf("status %d, Retry-After %q; want 503 and 5", w.Code, w.Header().Get("Retry-After"))
	}
	w = httptest.NewRecorder()
	WriteError(w, http.StatusConflict, &apperr.Error{Kind: apperr.Conflict, Code: "stock.insufficient"})
	if got := w.Header().Get("Retry-After"); got != "" {
		t.Fatalf("Retry-After %q on a conflict", got)
	}
}
