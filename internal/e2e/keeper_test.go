package e2e_test

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/stockpile-dev/stockpile/internal/e2e"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// TestKeeperDay is the city flood depot's keeper on a 390-px phone, on
// each engine: receive a lot, scan its label, issue from it, put it on
// hold and back, ask to scrap more than one person may, print its labels,
// count it with a recount, inspect, and carry out a rotation — with the
// reserve manager approving the scrap and the count and planning the
// rotation. The ledger is checked after each step that moves stock.
func TestKeeperDay(t *testing.T) {
	for engine, st := range sites(t) {
		t.Run(engine, func(t *testing.T) { keeperDay(t, st) })
	}
}

func keeperDay(t *testing.T, st *e2e.Site) {
	const depot = "C-DX-FLOOD"
	k := openOn(t, st, 390, 844, "keeper-city")
	batch := fmt.Sprintf("E2E-%d", time.Now().UnixNano()%1e9)
	expires := stock.AddDays(st.Store.Today(), 60) // a rotation candidate

	k.goTo("/work", "work")
	k.noSideways("home")
	k.shot("home")

	// Receive 20 tents at A-01-01.
	k.goTo("/work/receive?depot="+depot, "work")
	k.do("fill in the receipt",
		chromedp.SendKeys(chromedp.CSS(`#receive-form [name=item]`), "1010101"),
		chromedp.SendKeys(chromedp.CSS(`#receive-form [name=batch]`), batch),
		chromedp.SetValue(chromedp.CSS(`#receive-form [name=expires_on]`), expires),
		chromedp.SendKeys(chromedp.CSS(`#receive-form [name=quantity]`), "20"),
		chromedp.SendKeys(chromedp.CSS(`#receive-form [name=location]`), "A-01-01"),
		chromedp.SendKeys(chromedp.CSS(`#receive-form [name=reason]`), "采购到货"),
		chromedp.SetUploadFiles(chromedp.CSS("#receive-photos"), []string{photoFile(t)}),
		chromedp.Click(chromedp.CSS("#receive-submit")),
		chromedp.WaitVisible(chromedp.CSS("#receive-done")), chromedp.WaitVisible(chromedp.CSS("#receive-photos-done")))
	if got := k.text("#receive-photos-done"); !strings.Contains(got, "1") {
		t.Errorf("the receipt's photo: %q", got)
	}
	code := k.text("#receive-lot")
	k.noSideways("receive")
	k.shot("received")
	k.balance(depot, code, 20)

	// Its label prints as a PDF, A4 and thermal.
	for _, css := range []string{"#receive-label", "#receive-thermal"} {
		got, err := chromedp.Run(k.ctx, chromedp.Evaluate[string](fmt.Sprintf(`fetch(document.querySelector(%q).href).then(async (r) =>
			r.status + ' ' + r.headers.get('Content-Type') + ' ' + (await r.text()).slice(0, 5))`, css), chromedp.EvalAwaitPromise))
		if err != nil || got != "200 application/pdf %PDF-" {
			t.Errorf("label %s: %q %v", css, got, err)
		}
	}

	// A misread label is said by the field; the label's text opens the lot.
	misread := []byte(code)
	misread[3] = map[bool]byte{true: 'A', false: 'B'}[misread[3] == 'B']
	k.goTo("/work", "work")
	k.do("scan a misread label", chromedp.SendKeys(chromedp.CSS("#lot-scan-input"), string(misread)+"\r"),
		chromedp.WaitVisible(chromedp.CSS("#lot-scan-error")))
	if msg := k.text("#lot-scan-error"); !strings.Contains(msg, "校验位不符") {
		t.Errorf("misread label: %q", msg)
	}
	k.shot("misread")
	if sel := eval[bool](k, `document.activeElement.id === 'lot-scan-input' && document.activeElement.selectionEnd - document.activeElement.selectionStart === document.activeElement.value.length`); !sel {
		t.Error("after a misread the scan field does not have the focus with its text selected")
	}
	k.do("scan the label", chromedp.SendKeys(chromedp.CSS("#lot-scan-input"), stock.LabelText(code)+"\r", chromedp.NodeVisible),
		e2e.WaitPath("/work/lots/"+code, "work"))
	k.noSideways("lot")
	if got := k.text(`.depot-stock[data-depot="` + depot + `"] [data-field=location]`); got != "A-01-01" {
		t.Errorf("location %q", got)
	}
	k.do("the receipt's photo shows", eventually(`[...document.querySelectorAll('#lot-photos img')].some((i) => i.complete && i.naturalWidth === 8)`))
	k.shot("lot")

	// Issue 5.
	k.act(depot, "issue", map[string]string{"quantity": "5", "reason": "发放给社区"})
	k.balance(depot, code, 15)

	// On hold and back: quality entries, no units move.
	k.act(depot, "quality", map[string]string{"quality": "pending", "reason": "抽检"})
	k.do("the lot is pending", eventually(`document.querySelector('#lot-status').dataset.status === 'pending'`))
	k.shot("pending")
	k.act(depot, "quality", map[string]string{"quality": "good", "reason": "复检合格"})
	k.do("the lot is good", eventually(`document.querySelector('#lot-status').dataset.status === 'good'`))

	// Scrap 12: more than one person may, so it waits for the manager.
	k.act(depot, "scrap", map[string]string{"quantity": "12", "reason": "破损"})
	k.balance(depot, code, 15)

	// Count the lot: 10 is beyond the threshold, the recount finds 14.
	k.goTo("/work/counts", "work")
	k.do("open a stock-take of A-01", chromedp.Click(chromedp.CSS("#new-count summary")),
		chromedp.SetValue(chromedp.CSS(`#count-form [name=depot]`), depot),
		chromedp.SendKeys(chromedp.CSS(`#count-form [name=location]`), "A-01"),
		chromedp.Click(chromedp.CSS("#count-open")), e2e.WaitPath("/work/counts/", "work"))
	countURL := eval[string](k, `location.pathname`)
	k.count(code, "10", "recount")
	k.shot("recount")
	k.count(stock.LabelText(code), "14", "recounted")
	k.noSideways("count")
	k.countStep("submit")
	k.do("submitted", eventually(`document.querySelector('#count').dataset.status === 'submitted'`))
	k.shot("submitted")

	// The manager approves the count and the scrap.
	m := openOn(t, st, 390, 844, "manager-city")
	m.goTo(countURL, "work")
	m.countStep("approve")
	m.do("approved", eventually(`document.querySelector('#count').dataset.status === 'approved'`))
	m.shot("count-approved")
	m.balance(depot, code, 14)
	m.goTo("/work/approvals", "work")
	m.shot("approvals")
	box := fmt.Sprintf(`[data-approval][data-status=pending]:has(a[href="/work/lots/%s"])`, code)
	m.do("approve the scrap", chromedp.Click(chromedp.CSS(box+` [data-decide=approve]`)),
		eventually(`!document.querySelector('`+box+`')`))
	m.balance(depot, code, 2)

	// The manager plans a rotation of the last 2 (donate); the keeper
	// carries it out.
	m.goTo("/work/care", "work")
	cand := fmt.Sprintf(`.candidate[data-lot="%s"]`, code)
	m.do("plan a donation", chromedp.Click(chromedp.CSS(cand+` summary`)),
		chromedp.SetValue(chromedp.CSS(cand+` [name=method]`), "donate"),
		chromedp.SetValue(chromedp.CSS(cand+` [name=quantity]`), "2"),
		chromedp.SendKeys(chromedp.CSS(cand+` [name=recipient]`), "区红十字会"),
		chromedp.Click(chromedp.CSS(cand+` button[type=submit]`)),
		eventually(`!document.querySelector('`+cand+`')`))
	k.goTo("/work/care", "work")
	k.noSideways("care")
	k.shot("care")
	rot := fmt.Sprintf(`.rotation:has(a[href="/work/lots/%s"])`, code)
	k.do("carry out the rotation", chromedp.Click(chromedp.CSS(rot+` [data-rotate=execute]`)),
		eventually(`!document.querySelector('`+rot+`')`))
	k.balance(depot, code, 0)

	// Record an inspection due at the keeper's depot, if one is due.
	due := fmt.Sprintf(`.due[data-depot="%s"]`, depot)
	if count(k, due) > 0 {
		before := count(k, due)
		k.do("record an inspection", chromedp.Click(chromedp.CSS(due+` summary`)),
			chromedp.Click(chromedp.CSS(due+` button[type=submit]`)),
			eventually(fmt.Sprintf(`document.querySelectorAll('%s').length < %d`, due, before)))
	} else {
		t.Errorf("no care is due at %s: the demo's schedules should make some due", depot)
	}
	k.shot("inspected")
	if rep, err := st.Store.Verify(context.Background(), nil); err != nil || !rep.OK {
		t.Errorf("the ledger after the keeper's day: %+v %v", rep, err)
	}
}

// noSideways fails the test when the page is wider than the phone.
func (s *session) noSideways(what string) {
	s.t.Helper()
	if w := eval[int](s, `document.documentElement.scrollWidth`); w > 390 {
		s.t.Errorf("%s: the page is %d px wide on a 390 px phone", what, w)
	}
}

// act opens the lot page's action at depot, fills its form and sends it;
// the page reloads with the result.
func (s *session) act(depot, act string, fields map[string]string) {
	s.t.Helper()
	form := fmt.Sprintf(`form[data-act=%s][data-depot="%s"]`, act, depot)
	actions := []chromedp.Action[chromedp.Void]{chromedp.Click(chromedp.CSS("#act-" + act + "-" + depot))}
	for name, v := range fields {
		actions = append(actions, chromedp.SetValue(chromedp.CSS(form+` [name=`+name+`]`), v))
	}
	actions = append(actions, chromedp.Evaluate[chromedp.Void](`sessionStorage.removeItem('stockpile.toast'); window.acted = true`),
		chromedp.Click(chromedp.CSS(form+` button[type=submit]`)),
		eventually(`!window.acted`), e2e.WaitReady("work"))
	s.do(act, actions...)
	if msg := eval[string](s, `[...document.querySelectorAll('[data-error]:not([hidden])')].map((e) => e.textContent).join('; ')`); msg != "" {
		s.t.Errorf("%s: %s", act, msg)
	}
}

// count records a count on the open stock-take page and waits for the
// lot's line to reach state.
func (s *session) count(lot, qty, state string) {
	s.t.Helper()
	code := stock.ScannedLotCode(lot)
	s.do("count "+qty, chromedp.SendKeys(chromedp.CSS("#count-lot"), lot+"\r"), chromedp.SendKeys(chromedp.CSS("#count-qty"), qty),
		chromedp.Click(chromedp.CSS("#count-record")),
		eventually(fmt.Sprintf(`(document.querySelector('#count-lines li[data-lot="%s"]') || {dataset: {}}).dataset.state === %q`, code, state)))
}

// countStep presses a stock-take's step button, saying yes to its question.
func (s *session) countStep(name string) {
	s.t.Helper()
	s.do(name, chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`),
		chromedp.Click(chromedp.CSS(`#count button[data-step=`+name+`]`)))
}

// balance checks what the depot holds of the lot, in the store.
func (s *session) balance(depot, lot string, want int64) {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		page, err := s.site.Store.StockLots(context.Background(), store.LotQuery{Depot: depot, Lot: lot})
		if err != nil {
			s.t.Fatal(err)
		}
		var got stock.Quantity
		for _, r := range page.Rows {
			got += r.Quantity
		}
		if got == stock.Units(want) {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("lot %s at %s holds %s, want %d", lot, depot, got, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// photoFile writes an 8 × 8 PNG, a phone's picture of the goods as far as
// the page can tell, and returns its path.
func photoFile(t *testing.T) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for x := range 8 {
		img.Set(x, x, color.RGBA{G: 160, A: 255})
	}
	path := filepath.Join(t.TempDir(), "goods.png")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	return path
}
