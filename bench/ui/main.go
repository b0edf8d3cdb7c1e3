// Command ui measures the web interface in headless Chromium against the
// targets of the UI issue: the dashboard usable within 1 s on the Beijing
// demo, and the map smooth with 5,000 depots (clustering).
//
//	go run ./bench/ui                  # 7 cold and 9 warm dashboard loads, then the map with 5,000 depots
//	go run ./bench/ui -depots 20000    # a bigger map
//
// "Usable" is the moment the page has called Stockpile.ready: for the
// dashboard, the server-rendered figures are on screen and the readiness
// chart and the shortage alerts (one readiness solve on the server) are
// drawn. Times are from the start of navigation, as the browser measures
// them (performance.mark). Cold loads start from an empty browser cache,
// warm ones find the scripts cached; each figure is a median of several.
//
// For the map, the demo is extended with synthetic depots around Beijing,
// each holding one lot, and the bench reports the time until the map is
// drawn, then animates zooms and pans for a few seconds and reports the
// frame times the browser achieved while doing so.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/depot"
	"github.com/stockpile-dev/stockpile/internal/e2e"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
)

func main() {
	cold := flag.Int("cold", 7, "dashboard loads with an empty browser cache, the first a first visit (at least 2)")
	warm := flag.Int("warm", 9, "dashboard loads with the cache filled")
	depots := flag.Int("depots", 5000, "depots on the map, demo included")
	flag.Parse()
	if *cold < 2 || *warm < 1 {
		log.Fatal("-cold must be at least 2 and -warm at least 1")
	}
	if err := run(context.Background(), *cold, *warm, *depots); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, cold, warm, depots int) error {
	dir, err := os.MkdirTemp("", "stockpile-bench-ui-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	s, err := e2e.OpenDemo(ctx, filepath.Join(dir, "demo.db"))
	if err != nil {
		return err
	}
	defer s.Close()
	site, err := e2e.StartSite(s, io.Discard)
	if err != nil {
		return err
	}
	defer site.Close()
	b, err := e2e.NewBrowser(ctx, 1366, 768)
	if err != nil {
		return err
	}
	defer b.Close()

	// Sign in as the city's duty commander, who sees every screen the
	// figures below load. The sign-in lands on the dashboard once, so the
	// "first visit" below finds the renderer warm from it.
	if err := chromedp.Do(b.Ctx, e2e.SignIn(site, "commander-city")); err != nil {
		return err
	}
	fmt.Printf("Stockpile UI benchmark: headless Chromium 1366×768, signed in as commander-city, %s\n\n",
		time.Now().Format(time.DateTime))
	// The browser's very first page also pays for starting its renderer; a
	// user's browser is already running. So a blank page is opened first.
	// A cold load empties the browser's HTTP cache before it. The first one
	// is a first visit: V8 compiles every script afresh. Later cold loads
	// download everything again, but the renderer still holds what V8
	// compiled, as a browser does between pages of one site.
	if err := chromedp.Do(b.Ctx, chromedp.Navigate("about:blank")); err != nil {
		return err
	}
	var coldReady, coldFCP []float64
	for range cold {
		if _, err := chromedp.Call(b.Ctx, network.ClearBrowserCache, cdp.Empty{}); err != nil {
			return err
		}
		r, f, err := loadTimes(b, site.URL+"/", "dashboard", 1)
		if err != nil {
			return err
		}
		coldReady, coldFCP = append(coldReady, r...), append(coldFCP, f...)
	}
	warmReady, warmFCP, err := loadTimes(b, site.URL+"/", "dashboard", warm)
	if err != nil {
		return err
	}
	fmt.Printf("dashboard on the Beijing demo, usable (ms): first visit %.0f; empty cache median %.0f (%d loads); cache filled median %.0f (%d loads); target ≤ 1000\n",
		coldReady[0], median(coldReady[1:]), cold-1, median(warmReady), warm)
	fmt.Printf("  figures and alerts on screen (first contentful paint, ms): first visit %.0f; empty cache %.0f; cache filled %.0f\n",
		coldFCP[0], median(coldFCP[1:]), median(warmFCP))

	n, err := addDepots(ctx, s, depots)
	if err != nil {
		return err
	}
	mapLoads, _, err := loadTimes(b, site.URL+"/map", "map", 3)
	if err != nil {
		return err
	}
	drawn, err := chromedp.Run(b.Ctx, chromedp.Evaluate[int](`window.stockpileMap ? window.stockpileMap.depots : 0`))
	if err != nil {
		return err
	}
	fmt.Printf("map with %d depots (%d drawn), ready (ms): first %.0f, median %.0f\n", n, drawn, mapLoads[0], median(mapLoads[1:]))
	frames, err := animate(b)
	if err != nil {
		return err
	}
	slices.Sort(frames)
	long := 0
	for _, f := range frames {
		if f > 50 {
			long++
		}
	}
	fmt.Printf("map zoom and pan for 6 s: %d frames, median %.1f ms (%.0f fps), p95 %.1f ms, longest %.1f ms, %d frames over 50 ms\n",
		len(frames), median(frames), 1000/median(frames), frames[len(frames)*95/100], frames[len(frames)-1], long)
	return nil
}

// loadTimes opens url n times and returns, per load, the milliseconds from
// navigation start to Stockpile.ready(what) and to the first contentful
// paint (the server-rendered page on screen).
func loadTimes(b *e2e.Browser, url, what string, n int) (ready, fcp []float64, err error) {
	for range n {
		if err := chromedp.Do(b.Ctx, chromedp.Navigate(url), e2e.WaitReady(what)); err != nil {
			return nil, nil, err
		}
		t, err := chromedp.Run(b.Ctx, chromedp.Evaluate[[2]float64](fmt.Sprintf(`[
			performance.getEntriesByName('stockpile:ready:%s')[0].startTime,
			performance.getEntriesByName('first-contentful-paint')[0].startTime]`, what)))
		if err != nil {
			return nil, nil, err
		}
		ready, fcp = append(ready, t[0]), append(fcp, t[1])
	}
	return ready, fcp, nil
}

// animate zooms in and out and pans the map for six seconds and returns
// the intervals between the frames the browser drew, in milliseconds.
func animate(b *e2e.Browser) ([]float64, error) {
	return chromedp.Run(b.Ctx, chromedp.Evaluate[[]float64](`new Promise((done) => {
		const m = window.stockpileMap.map;
		const frames = [];
		let last = performance.now();
		const start = last;
		const moves = [[39.9, 116.4, 11], [40.2, 116.2, 9], [39.7, 116.6, 12], [40.4, 116.8, 10], [39.95, 116.35, 13], [40.1, 116.5, 8.5]];
		let i = 0;
		const step = () => { const [lat, lon, z] = moves[i++ % moves.length]; m.flyTo([lat, lon], z, { duration: 0.8 }); };
		step();
		const timer = setInterval(step, 1000);
		const tick = (now) => {
			frames.push(now - last);
			last = now;
			if (now - start < 6000) requestAnimationFrame(tick); else { clearInterval(timer); done(frames.slice(1)); }
		};
		requestAnimationFrame(tick);
	})`, chromedp.EvalAwaitPromise))
}

// addDepots adds synthetic depots until there are total, each in a random
// district with one lot of a random stocked item, in one posting.
func addDepots(ctx context.Context, s *store.Store, total int) (int, error) {
	existing, err := s.Depots(ctx, store.DepotFilter{})
	if err != nil {
		return 0, err
	}
	areas, err := s.Areas(ctx, "")
	if err != nil {
		return 0, err
	}
	var districts []area.Area
	for _, a := range areas {
		if a.Level == area.LevelDistrict && a.Point.Valid() {
			districts = append(districts, a)
		}
	}
	items, err := s.Balances(ctx, store.BalanceQuery{GroupBy: "item"})
	if err != nil {
		return 0, err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	p := stock.Posting{Actor: "bench", Reason: "synthetic depots for the map benchmark"}
	for i := len(existing); i < total; i++ {
		d := districts[rng.IntN(len(districts))]
		code := fmt.Sprintf("BENCH-%05d", i)
		_, err := s.CreateDepot(ctx, depot.Depot{Code: code, NameZH: "测试储备点 " + code, Tier: area.LevelCommunity,
			Kind: depot.KindComprehensive, OrgCode: "BJ-EMB", AreaCode: d.Code, CapacityM3: 50 + rng.Float64()*500,
			Point: geo.Point{Lon: d.Point.Lon + rng.NormFloat64()*0.08, Lat: d.Point.Lat + rng.NormFloat64()*0.06}})
		if err != nil {
			return 0, err
		}
		it := items.Rows[rng.IntN(len(items.Rows))]
		p.Lines = append(p.Lines, stock.Line{Kind: stock.KindReceive, Depot: code, Item: it.Item,
			Quantity: stock.Units(int64(10 + rng.IntN(500))), NewLot: &stock.LotSpec{Batch: "BENCH-" + code}})
	}
	for len(p.Lines) > 0 {
		chunk := p
		chunk.Lines = p.Lines[:min(len(p.Lines), stock.MaxLines)]
		if _, err := s.Post(ctx, chunk); err != nil {
			return 0, err
		}
		p.Lines = p.Lines[len(chunk.Lines):]
	}
	return max(total, len(existing)), nil
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	ys := slices.Clone(xs)
	slices.Sort(ys)
	return ys[len(ys)/2]
}
