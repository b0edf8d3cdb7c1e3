package api

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/approval"
	"github.com/stockpile-dev/stockpile/internal/inbox"
	"github.com/stockpile-dev/stockpile/internal/ops"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/stocktake"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// The warehouse keeper's routes (warehouse.go, labels.go): stock-takes,
// scraps with a second person's approval, quality changes, storage
// locations, labels and the inbox. Each test runs on both engines with the
// scope fixture: "keeper" keeps D-TEST-B, "keeper-m" D-TEST-M, "manager"
// is the city's reserve manager.

// scrapAt writes off n units of lot, of item, at depot.
func scrapAt(depot, item, lot string, n int) string {
	return fmt.Sprintf(`{"reason":"霉变破损","lines":[{"kind":"scrap","depot":%q,"item":%q,"lot":%q,"quantity":%d}]}`,
		depot, item, lot, n)
}

// scrapTentsB writes off n tents of lot TENT-B (receiveTentsB).
func scrapTentsB(n int) string { return scrapAt("D-TEST-B", "1010101", "TENT-B", n) }

// qualityOf sets the quality of lot (an item 1010101) at depot.
func qualityOf(depot, lot, quality string) string {
	return fmt.Sprintf(`{"reason":"抽检","lines":[{"kind":"quality","depot":%q,"item":"1010101","lot":%q,"quality":%q}]}`,
		depot, lot, quality)
}

// countLine is the body of POST /api/counts/{id}/lines.
func countLine(lot string, counted string) string {
	return fmt.Sprintf(`{"lot":%q,"counted":%s}`, lot, counted)
}

// misreadOf is code, a generated lot code, with its check character
// changed: the shape of a code, but not one the ledger made.
func misreadOf(t *testing.T, code string) string {
	t.Helper()
	if !stock.CheckLotCode(code) {
		t.Fatalf("%s is not a generated lot code", code)
	}
	bad := code[:8] + "0"
	if code[8] == '0' {
		bad = code[:8] + "1"
	}
	if !stock.Misread(bad) {
		t.Fatalf("%s is not a misread code", bad)
	}
	return bad
}

// post sends a posting as the principal named as and returns its result.
func (a *testAPI) post(t *testing.T, as, body string) store.PostingResult {
	t.Helper()
	rec := a.do("POST", "/api/movements", body, a.credentials(t, scenario{as: as}), false)
	if rec.Code != 201 {
		t.Fatalf("post %s: status %d: %s", body, rec.Code, rec.Body)
	}
	var res store.PostingResult
	decodeBody(t, rec, &res)
	return res
}

// balanceRow returns the balance of lot at depot as GET /api/balances
// reports it to the tester, and false when the depot holds none.
func balanceRow(t *testing.T, a *testAPI, depot, lot string) (store.BalanceRow, bool) {
	t.Helper()
	rec := a.do("GET", "/api/balances?depot="+depot, "", nil, false)
	if rec.Code != 200 {
		t.Fatalf("balances: status %d: %s", rec.Code, rec.Body)
	}
	var rep store.BalanceReport
	decodeBody(t, rec, &rep)
	for _, r := range rep.Rows {
		if r.Lot == lot {
			return r, true
		}
	}
	return store.BalanceRow{}, false
}

// holds checks that depot holds want of lot.
func holds(a *testAPI, depot, lot string, want stock.Quantity) func(*testing.T, *httptest.ResponseRecorder) {
	return func(t *testing.T, _ *httptest.ResponseRecorder) {
		t.Helper()
		row, _ := balanceRow(t, a, depot, lot)
		if row.Quantity != want {
			t.Errorf("%s holds %s of %s, want %s", depot, row.Quantity, lot, want)
		}
	}
}

// isPDF checks a PDF answer.
func isPDF(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); ct != "application/pdf" {
		t.Errorf("Content-Type %q, want application/pdf", ct)
	}
	if !strings.HasPrefix(rec.Body.String(), "%PDF") {
		t.Errorf("body does not start with %%PDF: %.20q", rec.Body.String())
	}
	if cl := rec.Header().Get("Content-Length"); cl != strconv.Itoa(rec.Body.Len()) {
		t.Errorf("Content-Length %q, body %d bytes", cl, rec.Body.Len())
	}
}

// hasLocation checks the Location header.
func hasLocation(want string) func(*testing.T, *httptest.ResponseRecorder) {
	return func(t *testing.T, rec *httptest.ResponseRecorder) {
		t.Helper()
		if loc := rec.Header().Get("Location"); loc != want {
			t.Errorf("Location %q, want %q", loc, want)
		}
	}
}

// inboxHas checks that the inbox answered holds count things of kind, or
// no line of kind when count is 0.
func inboxHas(kind inbox.Kind, count int) func(*testing.T, *httptest.ResponseRecorder) {
	return func(t *testing.T, rec *httptest.ResponseRecorder) {
		t.Helper()
		var b inbox.Inbox
		decodeBody(t, rec, &b)
		got, total := 0, 0
		for _, it := range b.Items {
			total += it.Count
			if it.Kind == kind {
				got = it.Count
			}
		}
		if got != count {
			t.Errorf("inbox has %d of %s, want %d: %s", got, kind, count, rec.Body)
		}
		if total != b.Total {
			t.Errorf("inbox total %d, the lines add up to %d", b.Total, total)
		}
	}
}

// warehouseState is what the warehouse routes write beside what snapshot
// covers: stock-takes with their lines' progress and versions, requests
// for approval, and the storage location of every lot in every depot.
func warehouseState(t *testing.T, s *store.Store) string {
	t.Helper()
	ctx := context.Background()
	counts, err := s.Counts(ctx, store.CountFilter{})
	if err != nil {
		t.Fatalf("warehouse state: %v", err)
	}
	var b strings.Builder
	for _, c := range counts {
		fmt.Fprintf(&b, "count %d %s v%d %d/%d/%d/%d by %q; ", c.ID, c.Status, c.Version, c.Lines, c.Pending,
			c.Recount, c.Variance, c.DecidedBy)
	}
	reqs, err := s.Approvals(ctx, store.ApprovalFilter{})
	if err != nil {
		t.Fatalf("warehouse state: %v", err)
	}
	for _, r := range reqs {
		fmt.Fprintf(&b, "approval %d %s %d by %q; ", r.ID, r.Status, r.PostingID, r.DecidedBy)
	}
	lots, err := s.StockLots(ctx, store.LotQuery{Limit: 10000})
	if err != nil {
		t.Fatalf("warehouse state: %v", err)
	}
	for _, l := range lots.Rows {
		fmt.Fprintf(&b, "%s@%s:%s/%s; ", l.Lot, l.Depot, l.Location, l.Quality)
	}
	return b.String()
}

// runWarehouse is runScenarios, and checks besides that a refused request
// leaves the stock-takes, the requests for approval and the storage
// locations as they were (warehouseState), which snapshot does not cover.
func runWarehouse(t *testing.T, a *testAPI, scenarios []scenario) {
	t.Helper()
	var known string
	for _, sc := range scenarios {
		before := known
		known = ""
		t.Run(sc.name, func(t *testing.T) {
			var state string
			if sc.status >= 400 {
				state = warehouseState(t, a.s)
			}
			_, known = sc.exec(t, a, before)
			if sc.status >= 400 {
				if after := warehouseState(t, a.s); after != state {
					t.Errorf("a refused request changed the warehouse:\nbefore %s\nafter  %s", state, after)
				}
			}
		})
	}
}

// TestWarehouseStockTake walks a stock-take through the API: the keeper of
// D-TEST-B opens a count of it (not of another depot), scans the lots'
// labels, recounts the lot beyond the threshold and submits; the keeper
// may not approve it, the manager does, which posts one adjustment per lot
// with a variance in the manager's name. Refused steps change nothing.
func TestWarehouseStockTake(t *testing.T) {
	t.Parallel()
	eachScopeAPI(t, func(t *testing.T, a *testAPI) {
		keeper, manager := a.as(t, "keeper"), a.as(t, "manager")
		// 100 tents with a code the ledger makes, at A-01-01; 200 bottles of
		// water at B-02-01; 12.5 m² of geotextile; tents in Mentougou.
		tents := a.post(t, "", `{"reason":"入库","lines":[{"kind":"receive","depot":"D-TEST-B","item":"1010101",
			"quantity":100,"new_lot":{"batch":"2026-05"},"location":"A-01-01"}]}`).Entries[0].LotCode
		a.post(t, "", `{"reason":"入库","lines":[{"kind":"receive","depot":"D-TEST-B","item":"1030101","quantity":200,
			"new_lot":{"code":"WATER-B","batch":"W1","expires_on":"2027-06-01"},"location":"B-02-01"}]}`)
		a.post(t, "", receiveGeotextile)
		a.post(t, "", receiveAt(depotM, "TENT-M", 5))
		scanned := stock.LabelText(tents)
		open := `{"depot":"D-TEST-B","note":"月末盘点"}`
		var posting int64

		runWarehouse(t, a, []scenario{
			{name: "a keeper may not count another depot", as: "keeper", method: "POST", path: "/api/counts",
				body: `{"depot":"D-TEST-M"}`, status: 403, code: "auth.out_of_scope", check: outOfScope("D-TEST-M")},
			{name: "nor may a viewer count", as: "viewer", method: "POST", path: "/api/counts", body: open, status: 403,
				code: "auth.forbidden"},
			{name: "a sample too large", as: "keeper", method: "POST", path: "/api/counts", status: 400,
				body: `{"depot":"D-TEST-B","scope":{"sample":1001}}`, code: "count.sample_range", field: "scope.sample"},
			{name: "a threshold out of range", as: "keeper", method: "POST", path: "/api/counts", status: 400,
				body: `{"depot":"D-TEST-B","threshold":{"recount_pct":101,"recount_units":1}}`, code: "count.threshold_range",
				field: "threshold"},
			{name: "the keeper opens a count of their depot", as: "keeper", method: "POST", path: "/api/counts",
				body: open, status: 201,
				want: []string{`"id":1`, `"depot":"D-TEST-B"`, `"status":"open"`, `"created_by":"` + keeper.ID() + `"`,
					`"lot":"` + tents + `"`, `"lot":"WATER-B"`, `"lot":"GEO-B"`, `"location":"A-01-01"`, `"state":"pending"`,
					`"recount_pct":2`, `"recount_units":1`},
				notWant: []string{`"TENT-M"`, `"counted"`},
				check:   hasLocation("/api/counts/1")},
			{name: "Mentougou's keeper does not see it", as: "keeper-m", method: "GET", path: "/api/counts/1", status: 404,
				code: "count.not_found"},
			{name: "nor lists it", as: "keeper-m", method: "GET", path: "/api/counts", status: 200,
				want: []string{`"count":0`}},
			{name: "nor counts in it", as: "keeper-m", method: "POST", path: "/api/counts/1/lines",
				body: countLine("TENT-B", "1"), status: 403, code: "auth.out_of_scope"},
			{name: "an unknown count", as: "keeper", method: "POST", path: "/api/counts/99/lines",
				body: countLine(scanned, "100"), status: 404, code: "count.not_found"},
			{name: "a misread label", as: "keeper", method: "POST", path: "/api/counts/1/lines", status: 400,
				body: countLine(stock.LabelText(misreadOf(t, tents)), "100"), code: "lot.misread", field: "lot",
				want: []string{"Scan it again"}},
			{name: "an unknown lot", as: "keeper", method: "POST", path: "/api/counts/1/lines", status: 404,
				body: countLine("NO-SUCH-LOT", "1"), code: "lot.not_found", field: "lot"},
			{name: "a negative count", as: "keeper", method: "POST", path: "/api/counts/1/lines", status: 400,
				body: countLine(scanned, "-1"), code: "count.negative", field: "counted"},
			{name: "not 1.5 tents", as: "keeper", method: "POST", path: "/api/counts/1/lines", status: 400,
				body: countLine(scanned, "1.5"), code: "quantity.fractional", field: "counted"},
			{name: "the server sets who counted", as: "keeper", method: "POST", path: "/api/counts/1/lines", status: 400,
				body: `{"lot":"WATER-B","counted":200,"counted_by":"李"}`, code: "request.malformed_json", field: "counted_by"},

			{name: "90 of 100 tents, scanned: recount", as: "keeper", method: "POST", path: "/api/counts/1/lines",
				body: countLine(scanned, "90"), status: 200,
				want: []string{`"lot":"` + tents + `"`, `"state":"recount"`, `"book":100`, `"counted":90`,
					`"counted_by":"` + keeper.ID() + `"`}},
			{name: "198 of 200 bottles: within 2 %", as: "keeper", method: "POST", path: "/api/counts/1/lines",
				body: countLine("water-b", "198"), status: 200, want: []string{`"lot":"WATER-B"`, `"state":"counted"`}},
			{name: "not submitted with a recount due and a lot not counted", as: "keeper", method: "POST",
				path: "/api/counts/1/submit", status: 409, code: "count.incomplete",
				want: []string{"1 lots are not counted and 1 wait for a recount"}},
			{name: "geotextile as the book says", as: "keeper", method: "POST", path: "/api/counts/1/lines",
				body: countLine("GEO-B", `"12.5"`), status: 200, want: []string{`"state":"counted"`, `"counted":12.5`}},
			{name: "still not with a recount due", as: "keeper", method: "POST", path: "/api/counts/1/submit",
				status: 409, code: "count.incomplete", want: []string{"0 lots are not counted and 1 wait for a recount"}},
			{name: "the progress", as: "keeper", method: "GET", path: "/api/counts?status=open", status: 200,
				want: []string{`"count":1`, `"lines":3`, `"pending":0`, `"recount":1`, `"with_variance":2`}},
			{name: "the recount is final", method: "POST", path: "/api/counts/1/lines",
				body: countLine(strings.ToLower(scanned), "95"), status: 200,
				want: []string{`"state":"recounted"`, `"counted":95`, `"first_count":90`, `"first_by":"` + keeper.ID() + `"`,
					`"counted_by":"` + a.testerID() + `"`}},
			{name: "the keeper submits", as: "keeper", method: "POST", path: "/api/counts/1/submit", status: 200,
				want: []string{`"status":"submitted"`}, notWant: []string{`"posting_id"`}},
			{name: "no more counts once submitted", as: "keeper", method: "POST", path: "/api/counts/1/lines",
				body: countLine(scanned, "96"), status: 409, code: "count.not_open"},
			{name: "nor submitted twice", as: "keeper", method: "POST", path: "/api/counts/1/submit", status: 409,
				code: "count.illegal_step"},
			{name: "the keeper may not approve", as: "keeper", method: "POST", path: "/api/counts/1/approve", status: 403,
				code: "auth.forbidden"},
			{name: "nor send it back", as: "keeper", method: "POST", path: "/api/counts/1/reopen", status: 403,
				code: "auth.forbidden"},
			{name: "nor may Mentougou's", as: "keeper-m", method: "POST", path: "/api/counts/1/submit", status: 403,
				code: "auth.out_of_scope"},
			{name: "waiting in the manager's inbox", as: "manager", method: "GET", path: "/api/inbox", status: 200,
				check: inboxHas(inbox.CountsReview, 1)},
			{name: "not the keeper's", as: "keeper", method: "GET", path: "/api/inbox", status: 200,
				check: inboxHas(inbox.CountsReview, 0)},

			{name: "the manager approves", as: "manager", method: "POST", path: "/api/counts/1/approve", status: 200,
				want: []string{`"status":"approved"`, `"decided_by":"` + manager.ID() + `"`, `"posting_id":`},
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					var c stocktake.Count
					decodeBody(t, rec, &c)
					posting = c.PostingID
				}},
			{name: "one adjustment per lot with a variance, by the manager", method: "GET", path: "/api/movements?depot=D-TEST-B&after=4",
				status: 200, want: []string{`"count":2`},
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					var page struct {
						Entries []stock.Entry `json:"entries"`
					}
					decodeBody(t, rec, &page)
					want := map[string]stock.Quantity{tents: stock.Units(-5), "WATER-B": stock.Units(-2)}
					for _, e := range page.Entries {
						if e.Kind != stock.EntryAdjust || e.Delta != want[e.LotCode] || e.Actor != manager.ID() ||
							e.PostingID != posting || !strings.Contains(e.Reason, "盘点 #1") {
							t.Errorf("entry %+v, want an adjustment of %s by %s in posting %d", e, want[e.LotCode], manager.ID(), posting)
						}
						delete(want, e.LotCode)
					}
					if len(want) > 0 {
						t.Errorf("no adjustment of %v", want)
					}
				}},
			{name: "the posting", as: "keeper", method: "GET", path: "/api/postings/5", status: 200,
				want: []string{`"idempotency_key":"stocktake:1"`, `"actor":"` + manager.ID() + `"`, `"kind":"adjust"`,
					`"delta":-5`, `"delta":-2`}, notWant: []string{`"GEO-B"`}},
			{name: "the tents now", method: "GET", path: "/api/balances?depot=D-TEST-B&item=1010101", status: 200,
				want: []string{`"quantity":95`}},
			{name: "approving again", as: "manager", method: "POST", path: "/api/counts/1/approve", status: 409,
				code: "count.illegal_step", want: []string{"approved"}},
			{name: "nor cancelled once approved", as: "manager", method: "POST", path: "/api/counts/1/cancel", status: 409,
				code: "count.illegal_step"},
			{name: "approved, for the keeper", as: "keeper", method: "GET", path: "/api/counts?status=approved&depot=D-TEST-B",
				status: 200, want: []string{`"count":1`, `"posting_id":5`}},
			{name: "a bad status", method: "GET", path: "/api/counts?status=done", status: 400, code: "param.invalid",
				field: "status"},

			// A second count, of location B-02: sent back, then cancelled.
			{name: "a count of one location", as: "keeper", method: "POST", path: "/api/counts",
				body: `{"depot":"D-TEST-B","scope":{"location":"B-02"}}`, status: 201,
				want: []string{`"id":2`, `"lot":"WATER-B"`}, notWant: []string{`"GEO-B"`, `"lot":"` + tents + `"`}},
			{name: "the water as the book now says", as: "keeper", method: "POST", path: "/api/counts/2/lines",
				body: countLine("WATER-B", "198"), status: 200, want: []string{`"state":"counted"`, `"book":198`}},
			{name: "submitted", as: "keeper", method: "POST", path: "/api/counts/2/submit", status: 200,
				want: []string{`"status":"submitted"`}},
			{name: "sent back", as: "manager", method: "POST", path: "/api/counts/2/reopen", status: 200,
				want: []string{`"status":"open"`}},
			{name: "the keeper may not cancel", as: "keeper", method: "POST", path: "/api/counts/2/cancel", status: 403,
				code: "auth.forbidden"},
			{name: "cancelled", as: "manager", method: "POST", path: "/api/counts/2/cancel", status: 200,
				want: []string{`"status":"cancelled"`}, notWant: []string{`"posting_id"`}},
			{name: "nothing posted", method: "GET", path: "/api/movements?after=6", status: 200,
				want: []string{`"count":0`}},
			{name: "the ledger holds", method: "GET", path: "/api/ledger/verify", status: 200, want: []string{`"ok":true`}},
		})
	})
}

// TestWarehouseScrapApproval: a keeper scraps a few units at once; more
// wait for a second person, and cannot be posted past that; the keeper
// cannot approve their own request, a manager rejects only with a reason
// and approves, which posts the scrap in the keeper's name; a decided
// request cannot be withdrawn, a pending one only by its requester.
func TestWarehouseScrapApproval(t *testing.T) {
	t.Parallel()
	eachScopeAPI(t, func(t *testing.T, a *testAPI) {
		keeper, manager := a.as(t, "keeper"), a.as(t, "manager")
		a.post(t, "", receiveTentsB)
		var req int64
		runWarehouse(t, a, []scenario{
			{name: "the keeper scraps 5 tents at once", as: "keeper", method: "POST", path: "/api/scraps",
				body: scrapTentsB(5), status: 201,
				want: []string{`"posting":{`, `"kind":"scrap"`, `"delta":-5`, `"actor":"` + keeper.ID() + `"`},
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					var out ops.ScrapOutcome
					decodeBody(t, rec, &out)
					if out.Posting == nil || out.Approval != nil {
						t.Fatalf("outcome %s", rec.Body)
					}
					hasLocation("/api/postings/"+strconv.FormatInt(out.Posting.ID, 10))(t, rec)
					holds(a, "D-TEST-B", "TENT-B", stock.Units(95))(t, rec)
				}},
			{name: "40 tents wait for approval", as: "keeper", method: "POST", path: "/api/scraps",
				body: scrapTentsB(40), status: 202,
				want: []string{`"approval":{`, `"id":1`, `"kind":"scrap"`, `"status":"pending"`, `"depot":"D-TEST-B"`,
					`"requested_by":"` + keeper.ID() + `"`},
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					var out ops.ScrapOutcome
					decodeBody(t, rec, &out)
					if out.Posting != nil || out.Approval == nil {
						t.Fatalf("outcome %s", rec.Body)
					}
					req = out.Approval.ID
					hasLocation("/api/approvals/1")(t, rec)
					holds(a, "D-TEST-B", "TENT-B", stock.Units(95))(t, rec)
				}},
			{name: "not past approval as a movement", as: "keeper", method: "POST", path: "/api/movements",
				body: scrapTentsB(40), status: 409, code: "scrap.approval_required", want: []string{"POST /api/scraps"}},
			{name: "nor by the manager", as: "manager", method: "POST", path: "/api/movements",
				body: scrapTentsB(11), status: 409, code: "scrap.approval_required"},
			{name: "a request holds scraps only", as: "keeper", method: "POST", path: "/api/scraps", status: 400,
				body: `{"reason":"报废","lines":[{"kind":"issue","depot":"D-TEST-B","item":"1010101","quantity":40}]}`,
				code: "approval.scrap_only", field: "lines[0].kind"},
			{name: "nor at another depot", as: "keeper", method: "POST", path: "/api/scraps", status: 403,
				body: scrapAt(depotM, "1010101", "TENT-M", 40), code: "auth.out_of_scope"},
			{name: "a request needs a reason", as: "keeper", method: "POST", path: "/api/scraps", status: 400,
				body: strings.Replace(scrapTentsB(40), "霉变破损", "", 1), code: "field.required", field: "reason"},
			{name: "the keeper sees it", as: "keeper", method: "GET", path: "/api/approvals/1", status: 200,
				want: []string{`"status":"pending"`, `"quantity":40`}},
			{name: "Mentougou's keeper does not", as: "keeper-m", method: "GET", path: "/api/approvals/1", status: 404,
				code: "approval.not_found"},
			{name: "nor lists it", as: "keeper-m", method: "GET", path: "/api/approvals", status: 200,
				want: []string{`"count":0`}},
			{name: "an unknown request", as: "manager", method: "POST", path: "/api/approvals/99/approve", status: 404,
				code: "approval.not_found"},
			{name: "the keeper cannot approve", as: "keeper", method: "POST", path: "/api/approvals/1/approve", status: 403,
				code: "auth.forbidden"},
			{name: "nor reject", as: "keeper", method: "POST", path: "/api/approvals/1/reject",
				body: `{"note":"不报了"}`, status: 403, code: "auth.forbidden"},
			{name: "nor Mentougou's keeper withdraw", as: "keeper-m", method: "POST", path: "/api/approvals/1/withdraw",
				status: 403, code: "auth.out_of_scope"},
			{name: "a rejection needs a reason", as: "manager", method: "POST", path: "/api/approvals/1/reject",
				status: 400, code: "field.required", field: "note"},
			{name: "a blank reason is none", as: "manager", method: "POST", path: "/api/approvals/1/reject",
				body: `{"note":"  "}`, status: 400, code: "field.required", field: "note"},
			{name: "pending, for the manager", as: "manager", method: "GET", path: "/api/approvals?status=pending",
				status: 200, want: []string{`"count":1`, `"id":1`}},
			{name: "the manager approves", as: "manager", method: "POST", path: "/api/approvals/1/approve",
				body: `{"note":"核实无误"}`, status: 200,
				want:  []string{`"status":"approved"`, `"decided_by":"` + manager.ID() + `"`, `"note":"核实无误"`, `"posting_id":3`},
				check: holds(a, "D-TEST-B", "TENT-B", stock.Units(55))},
			{name: "the scrap is the keeper's, approved by the manager", method: "GET", path: "/api/postings/3", status: 200,
				want: []string{`"idempotency_key":"approval:1"`, `"actor":"` + keeper.ID() + `"`, `"kind":"scrap"`,
					`"delta":-40`, "approved by " + manager.ID()}},
			{name: "approved once", as: "manager", method: "POST", path: "/api/approvals/1/approve", status: 409,
				code: "approval.decided"},
			{name: "a decided request cannot be withdrawn", as: "keeper", method: "POST", path: "/api/approvals/1/withdraw",
				status: 409, code: "approval.decided"},

			{name: "another request", as: "keeper", method: "POST", path: "/api/scraps", body: scrapTentsB(20),
				status: 202, want: []string{`"id":2`}},
			{name: "withdrawn by someone else", as: "manager", method: "POST", path: "/api/approvals/2/withdraw",
				status: 403, code: "approval.not_requester"},
			{name: "withdrawn by its requester", as: "keeper", method: "POST", path: "/api/approvals/2/withdraw",
				status: 200, want: []string{`"status":"withdrawn"`, `"decided_by":"` + keeper.ID() + `"`},
				notWant: []string{`"posting_id"`}, check: holds(a, "D-TEST-B", "TENT-B", stock.Units(55))},
			{name: "not approved once withdrawn", as: "manager", method: "POST", path: "/api/approvals/2/approve",
				status: 409, code: "approval.decided"},

			// A manager's own request needs another manager.
			{name: "the tester asks", method: "POST", path: "/api/scraps", body: scrapTentsB(30), status: 202,
				want: []string{`"id":3`}},
			{name: "and may not approve it", method: "POST", path: "/api/approvals/3/approve", status: 403,
				code: "approval.self"},
			{name: "nor reject it", method: "POST", path: "/api/approvals/3/reject", body: `{"note":"算了"}`, status: 403,
				code: "approval.self"},
			{name: "the manager rejects it", as: "manager", method: "POST", path: "/api/approvals/3/reject",
				body: `{"note":"帐篷可修复"}`, status: 200, want: []string{`"status":"rejected"`, `"note":"帐篷可修复"`},
				check: holds(a, "D-TEST-B", "TENT-B", stock.Units(55))},
			{name: "the decided ones", method: "GET", path: "/api/approvals?depot=D-TEST-B", status: 200,
				want:  []string{`"count":3`},
				check: inOrder(`"status":"rejected"`, `"status":"withdrawn"`, `"status":"approved"`)},
			{name: "a bad status", method: "GET", path: "/api/approvals?status=open", status: 400, code: "param.invalid",
				field: "status"},
			{name: "the ledger holds", method: "GET", path: "/api/ledger/verify", status: 200, want: []string{`"ok":true`}},
		})
		if req != 1 {
			t.Errorf("request %d", req)
		}
		// The scenarios assume the default policy: more than 10 units wait.
		if p := a.svc.ApprovalPolicy(); p != approval.DefaultPolicy {
			t.Errorf("policy %+v", p)
		}
	})
}

// TestWarehouseQuality: a quality change is a movement of no units whose
// entry names the new state; a lot pending inspection is not issued; the
// balances show a lot's status, expired whatever its quality.
func TestWarehouseQuality(t *testing.T) {
	t.Parallel()
	eachScopeAPI(t, func(t *testing.T, a *testAPI) {
		keeper := a.as(t, "keeper")
		a.post(t, "", receiveTentsB)
		a.post(t, "", receiveWater("D-TEST-B", "WATER-OLD", "2026-05-01", 10))
		status := func(lot, want string) func(*testing.T, *httptest.ResponseRecorder) {
			return func(t *testing.T, _ *httptest.ResponseRecorder) {
				t.Helper()
				if row, _ := balanceRow(t, a, "D-TEST-B", lot); row.Status != want {
					t.Errorf("%s shows status %q, want %q (%+v)", lot, row.Status, want, row)
				}
			}
		}
		runWarehouse(t, a, []scenario{
			{name: "the keeper sets TENT-B pending inspection", as: "keeper", method: "POST", path: "/api/movements",
				body: qualityOf("D-TEST-B", "TENT-B", "pending"), status: 201,
				want:  []string{`"kind":"quality_pending"`, `"delta":0`, `"lot":"TENT-B"`, `"actor":"` + keeper.ID() + `"`},
				check: status("TENT-B", "pending")},
			{name: "a pending lot is not issued", as: "keeper", method: "POST", path: "/api/movements", status: 409,
				body: `{"reason":"发放","lines":[{"kind":"issue","depot":"D-TEST-B","item":"1010101","lot":"TENT-B","quantity":1}]}`,
				code: "lot.not_good", field: "lines[0].lot"},
			{name: "the balances show it pending, none usable", as: "keeper", method: "GET", path: "/api/balances?depot=D-TEST-B",
				status: 200, want: []string{`"lot":"TENT-B"`, `"quality":"pending","status":"pending"`},
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					var rep store.BalanceReport
					decodeBody(t, rec, &rep)
					for _, r := range rep.Rows {
						if r.Lot == "TENT-B" && (r.Quantity != stock.Units(100) || r.Usable != 0) {
							t.Errorf("TENT-B %+v", r)
						}
					}
				}},
			{name: "an expired lot shows expired", method: "GET", path: "/api/balances?depot=D-TEST-B", status: 200,
				want: []string{`"lot":"WATER-OLD"`, `"quality":"good","status":"expired"`}, check: status("WATER-OLD", "expired")},
			{name: "pending already", as: "keeper", method: "POST", path: "/api/movements", status: 409,
				body: qualityOf("D-TEST-B", "TENT-B", "pending"), code: "lot.quality_unchanged", field: "lines[0].quality"},
			{name: "no quantity", as: "keeper", method: "POST", path: "/api/movements", status: 400,
				body: strings.Replace(qualityOf("D-TEST-B", "TENT-B", "good"), `"quality":"good"`, `"quality":"good","quantity":1`, 1),
				code: "line.quality_quantity", field: "lines[0].quantity"},
			{name: "an unknown state", as: "keeper", method: "POST", path: "/api/movements", status: 400,
				body: qualityOf("D-TEST-B", "TENT-B", "mouldy"), code: "lot.quality_invalid", field: "lines[0].quality"},
			{name: "a quality on another kind of line", as: "keeper", method: "POST", path: "/api/movements", status: 400,
				body: `{"reason":"发放","lines":[{"kind":"issue","depot":"D-TEST-B","item":"1010101","quantity":1,"quality":"good"}]}`,
				code: "line.quality_kind", field: "lines[0].quality"},
			{name: "a location on an issue", as: "keeper", method: "POST", path: "/api/movements", status: 400,
				body: `{"reason":"发放","lines":[{"kind":"issue","depot":"D-TEST-B","item":"1010101","quantity":1,"location":"A-01"}]}`,
				code: "line.location_kind", field: "lines[0].location"},
			{name: "a depot without the lot", method: "POST", path: "/api/movements", status: 409,
				body: qualityOf("C-TEST-A", "TENT-B", "good"), code: "lot.not_at_depot", field: "lines[0].lot"},
			{name: "not at another's depot", as: "keeper-m", method: "POST", path: "/api/movements", status: 403,
				body: qualityOf("D-TEST-B", "TENT-B", "good"), code: "auth.out_of_scope"},
			{name: "nor by a viewer", as: "viewer", method: "POST", path: "/api/movements", status: 403,
				body: qualityOf("D-TEST-B", "TENT-B", "good"), code: "auth.forbidden"},
			{name: "nor as a scrap", as: "keeper", method: "POST", path: "/api/scraps", status: 400,
				body: qualityOf("D-TEST-B", "TENT-B", "good"), code: "approval.scrap_only", field: "lines[0].kind"},
			{name: "good again, and issued", as: "keeper", method: "POST", path: "/api/movements", status: 201,
				body: `{"reason":"检验合格后发放","lines":[
					{"kind":"quality","depot":"D-TEST-B","item":"1010101","lot":"TENT-B","quality":"good"},
					{"kind":"issue","depot":"D-TEST-B","item":"1010101","lot":"TENT-B","quantity":5}]}`,
				want:  []string{`"kind":"quality_good"`, `"kind":"issue"`, `"delta":-5`},
				check: status("TENT-B", "good")},
			{name: "the quality entries in the ledger", method: "GET", path: "/api/movements?lot=TENT-B", status: 200,
				want: []string{`"count":4`}, check: inOrder(`"kind":"receive"`, `"kind":"quality_pending"`, `"kind":"quality_good"`)},
			{name: "the ledger holds", method: "GET", path: "/api/ledger/verify", status: 200, want: []string{`"ok":true`}},
		})
	})
}

// TestWarehouseRelocate: a keeper moves a lot to another storage location
// of their depot (named by its label's text or its code), which the
// balances show; a malformed location, another depot or a depot without
// the lot are refused.
func TestWarehouseRelocate(t *testing.T) {
	t.Parallel()
	eachScopeAPI(t, func(t *testing.T, a *testAPI) {
		a.post(t, "", receiveTentsB)
		a.post(t, "", receiveAt(depotM, "TENT-M", 5))
		at := func(depot, lot, want string) func(*testing.T, *httptest.ResponseRecorder) {
			return func(t *testing.T, _ *httptest.ResponseRecorder) {
				t.Helper()
				if row, _ := balanceRow(t, a, depot, lot); row.Location != want {
					t.Errorf("%s at %s lies at %q, want %q", lot, depot, row.Location, want)
				}
			}
		}
		relocate := func(depot, location string) string {
			return fmt.Sprintf(`{"depot":%q,"location":%q}`, depot, location)
		}
		runWarehouse(t, a, []scenario{
			{name: "the keeper shelves TENT-B at A-01-02", as: "keeper", method: "POST", path: "/api/lots/TENT-B/relocate",
				body: relocate("D-TEST-B", "A-01-02"), status: 200, want: []string{`"location":"A-01-02"`},
				check: at("D-TEST-B", "TENT-B", "A-01-02")},
			{name: "the balances show it", as: "keeper", method: "GET", path: "/api/balances?depot=D-TEST-B", status: 200,
				want: []string{`"lot":"TENT-B"`, `"location":"A-01-02"`}},
			{name: "named by its label", as: "keeper", method: "POST", path: "/api/lots/STOCKPILE:LOT:tent-b/relocate",
				body: relocate("D-TEST-B", "冷库2"), status: 200, check: at("D-TEST-B", "TENT-B", "冷库2")},
			{name: "a location with a space", as: "keeper", method: "POST", path: "/api/lots/TENT-B/relocate",
				body: relocate("D-TEST-B", "A 01"), status: 400, code: "location.malformed", field: "location"},
			{name: "a location too long", as: "keeper", method: "POST", path: "/api/lots/TENT-B/relocate",
				body: relocate("D-TEST-B", strings.Repeat("A", 33)), status: 400, code: "location.malformed", field: "location"},
			{name: "not in another depot", as: "keeper", method: "POST", path: "/api/lots/TENT-M/relocate",
				body: relocate(depotM, "A-01"), status: 403, code: "auth.out_of_scope", check: outOfScope(depotM)},
			{name: "nor by a viewer", as: "viewer", method: "POST", path: "/api/lots/TENT-B/relocate",
				body: relocate("D-TEST-B", "A-01"), status: 403, code: "auth.forbidden"},
			{name: "a depot without the lot", method: "POST", path: "/api/lots/TENT-B/relocate",
				body: relocate("C-TEST-A", "A-01"), status: 409, code: "lot.not_at_depot", field: "lot"},
			{name: "an unknown lot", method: "POST", path: "/api/lots/NO-SUCH-LOT/relocate",
				body: relocate("D-TEST-B", "A-01"), status: 409, code: "lot.not_at_depot", field: "lot"},
			{name: "no depot", method: "POST", path: "/api/lots/TENT-B/relocate", body: `{"location":"A-01"}`,
				status: 400, code: "field.required", field: "depot"},
			{name: "cleared", as: "keeper", method: "POST", path: "/api/lots/TENT-B/relocate",
				body: relocate("D-TEST-B", ""), status: 200, check: at("D-TEST-B", "TENT-B", "")},
			{name: "a receipt names its location", as: "keeper", method: "POST", path: "/api/movements", status: 201,
				body: `{"reason":"入库","lines":[{"kind":"receive","depot":"D-TEST-B","item":"1010101","lot":"TENT-B",
					"quantity":5,"location":"C-03"}]}`, check: at("D-TEST-B", "TENT-B", "C-03")},
			{name: "a malformed one refused", as: "keeper", method: "POST", path: "/api/movements", status: 400,
				body: `{"reason":"入库","lines":[{"kind":"receive","depot":"D-TEST-B","item":"1010101","lot":"TENT-B",
					"quantity":5,"location":"C 03"}]}`, code: "location.malformed", field: "lines[0].location"},
			{name: "audited", method: "GET", path: "/api/audit?action=lot.relocate", status: 200,
				want: []string{`"count":3`, `"A-01-02"`}},
		})
	})
}

// TestWarehouseLabels: the PDF labels of a lot, of lots named and of a
// depot's lots; a lot beyond the caller's view is not found, a misread
// code is told apart.
func TestWarehouseLabels(t *testing.T) {
	t.Parallel()
	eachScopeAPI(t, func(t *testing.T, a *testAPI) {
		a.post(t, "", receiveTentsB)
		a.post(t, "", receiveAt(depotM, "TENT-M", 5))
		gen := a.post(t, "", `{"reason":"入库","lines":[{"kind":"receive","depot":"D-TEST-B","item":"1010101",
			"quantity":10,"new_lot":{"batch":"2026-05"},"location":"A-01-01"}]}`).Entries[0].LotCode
		pdf := func(t *testing.T, rec *httptest.ResponseRecorder) { isPDF(t, rec) }
		runWarehouse(t, a, []scenario{
			{name: "a lot's label", as: "keeper", method: "GET", path: "/api/lots/TENT-B/label.pdf", status: 200, check: pdf},
			{name: "on a thermal printer", as: "keeper", method: "GET", path: "/api/lots/" + gen + "/label.pdf?format=thermal",
				status: 200, check: pdf},
			{name: "on an A4 sheet at its depot", as: "keeper", method: "GET",
				path: "/api/lots/" + gen + "/label.pdf?format=a4&depot=D-TEST-B", status: 200, check: pdf},
			{name: "named by its label's text", as: "keeper", method: "GET", path: "/api/lots/STOCKPILE:LOT:" + gen + "/label.pdf",
				status: 200, check: pdf},
			{name: "an unknown format", as: "keeper", method: "GET", path: "/api/lots/TENT-B/label.pdf?format=bad",
				status: 400, code: "param.invalid", field: "format"},
			{name: "a lot beyond the keeper's view", as: "keeper", method: "GET", path: "/api/lots/TENT-M/label.pdf",
				status: 404, code: "lot.not_found"},
			{name: "an unknown lot", method: "GET", path: "/api/lots/NO-SUCH-LOT/label.pdf", status: 404,
				code: "lot.not_found"},
			{name: "a misread code", method: "GET", path: "/api/lots/" + misreadOf(t, gen) + "/label.pdf", status: 400,
				code: "lot.misread", field: "lots"},
			{name: "neither lots nor a depot", as: "keeper", method: "GET", path: "/api/labels.pdf", status: 400,
				code: "field.required", field: "lots"},
			{name: "the lots named", as: "keeper", method: "GET", path: "/api/labels.pdf?lots=TENT-B," + gen, status: 200,
				check: pdf},
			{name: "one of them beyond the view", as: "keeper", method: "GET", path: "/api/labels.pdf?lots=TENT-B,TENT-M",
				status: 404, code: "lot.not_found", want: []string{"TENT-M"}},
			{name: "a depot's lots", as: "keeper", method: "GET", path: "/api/labels.pdf?depot=D-TEST-B&format=thermal",
				status: 200, check: pdf},
			{name: "not another's depot", as: "keeper", method: "GET", path: "/api/labels.pdf?depot=D-TEST-M", status: 404,
				code: "depot.not_found", field: "depot"},
			{name: "nor a depot that holds nothing", method: "GET", path: "/api/labels.pdf?depot=C-TEST-A", status: 404,
				code: "lot.not_found", field: "depot"},
			{name: "nor one that does not exist", method: "GET", path: "/api/labels.pdf?depot=NOPE", status: 404,
				code: "depot.not_found", field: "depot"},
		})
	})
}

// TestWarehouseInbox: a scrap waiting for approval is in the inbox of the
// managers who may approve it, not of the keeper who asked nor of a
// manager for their own request; a submitted count waits for the
// managers; a count's recount for the keepers.
func TestWarehouseInbox(t *testing.T) {
	t.Parallel()
	eachScopeAPI(t, func(t *testing.T, a *testAPI) {
		a.post(t, "", receiveTentsB)
		inboxOf := func(as string, kind inbox.Kind, n int) scenario {
			who := as
			if who == "" {
				who = "tester"
			}
			return scenario{name: fmt.Sprintf("%s: %d %s", who, n, kind), as: as, method: "GET", path: "/api/inbox",
				status: 200, check: inboxHas(kind, n)}
		}
		runWarehouse(t, a, []scenario{
			inboxOf("manager", inbox.Approvals, 0),
			{name: "the keeper asks to scrap 40", as: "keeper", method: "POST", path: "/api/scraps", body: scrapTentsB(40),
				status: 202},
			inboxOf("manager", inbox.Approvals, 1),
			inboxOf("manager-fs", inbox.Approvals, 1),
			inboxOf("keeper", inbox.Approvals, 0),
			inboxOf("keeper-m", inbox.Approvals, 0),
			inboxOf("viewer", inbox.Approvals, 0),
			{name: "the tester asks too", method: "POST", path: "/api/scraps", body: scrapTentsB(30), status: 202},
			inboxOf("", inbox.Approvals, 1),
			inboxOf("manager", inbox.Approvals, 2),
			{name: "approved", as: "manager", method: "POST", path: "/api/approvals/1/approve", status: 200},
			inboxOf("manager", inbox.Approvals, 1),

			{name: "the keeper opens a count", as: "keeper", method: "POST", path: "/api/counts", body: `{"depot":"D-TEST-B"}`,
				status: 201},
			inboxOf("manager", inbox.CountsReview, 0),
			{name: "50 of 60 tents", as: "keeper", method: "POST", path: "/api/counts/1/lines", body: countLine("TENT-B", "50"),
				status: 200, want: []string{`"state":"recount"`}},
			inboxOf("keeper", inbox.Recounts, 1),
			inboxOf("keeper-m", inbox.Recounts, 0),
			{name: "recounted", as: "keeper", method: "POST", path: "/api/counts/1/lines", body: countLine("TENT-B", "60"),
				status: 200, want: []string{`"state":"recounted"`}},
			inboxOf("keeper", inbox.Recounts, 0),
			{name: "submitted", as: "keeper", method: "POST", path: "/api/counts/1/submit", status: 200},
			inboxOf("manager", inbox.CountsReview, 1),
			inboxOf("manager-fs", inbox.CountsReview, 1),
			inboxOf("keeper", inbox.CountsReview, 0),
			{name: "approved", as: "manager", method: "POST", path: "/api/counts/1/approve", status: 200},
			inboxOf("manager", inbox.CountsReview, 0),
		})
	})
}
