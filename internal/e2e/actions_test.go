package e2e_test

import (
	"context"
	"fmt"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/stockpile-dev/stockpile/internal/e2e"
)

// follow opens the link of the element css, as a click would, and waits
// for the new page's ready signal. (A click that navigates would race the
// wait, which does not survive a navigation.)
func follow(site *e2e.Site, css, ready string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		href, err := chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q).getAttribute('href')`, css))(ctx, t)
		if err != nil {
			return err
		}
		if _, err := chromedp.Navigate(site.URL+href)(ctx, t); err != nil {
			return err
		}
		_, err = e2e.WaitReady(ready)(ctx, t)
		return err
	})
}

// clickMap clicks the map in the element css at a fraction (fx, fy) of
// its width and height.
func clickMap(css string, fx, fy float64) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		r, err := chromedp.Evaluate[[4]float64](fmt.Sprintf(`(() => { const e = document.querySelector(%q);
			e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; })()`, css))(ctx, t)
		if err != nil {
			return err
		}
		_, err = chromedp.MouseClickXY(r[0]+r[2]*fx, r[1]+r[3]*fy)(ctx, t)
		return err
	})
}

// count returns how many elements match css.
func count(s *session, css string) int {
	s.t.Helper()
	return eval[int](s, fmt.Sprintf(`document.querySelectorAll(%q).length`, css))
}

// eventually waits until the JavaScript expression is true, across page
// loads (an action that reloads the page would break a Poll).
func eventually(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		deadline := time.Now().Add(30 * time.Second)
		for {
			ok, err := chromedp.Evaluate[bool](`!!(`+expr+`)`)(ctx, t)
			if err == nil && ok {
				return nil
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("waited 30 s for %s (last error: %v)", expr, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
}
