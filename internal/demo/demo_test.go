package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/demo"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
)

// fixedClock pins "today" to 2026-06-01 (China time).
func fixedClock() time.Time { return time.Date(2026, 6, 1, 2, 0, 0, 0, time.UTC) }

const today = "2026-06-01"

// load loads the demo with opts, checking that Progress is called once
// per depot.
func load(t *testing.T, s *store.Store, opts demo.Options) demo.Summary {
	t.Helper()
	start := time.Now()
	calls, last := 0, 0
	opts.Progress = func(done, total int) {
		calls++
		if done != calls || total < done {
			t.Errorf("progress(%d, %d) on call %d", done, total, calls)
		}
		last = total
	}
	sum, err := demo.Load(context.Background(), s, opts)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if calls != sum.Depots || last != sum.Depots {
		t.Errorf("progress called %d times with total %d; want once per depot (%d)", calls, last, sum.Depots)
	}
	t.Logf("%s: loaded in %v: %+v", s.Engine(), time.Since(start).Round(time.Millisecond), sum)
	return sum
}

func TestLoad(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sum := load(t, s, demo.Options{})

		// Areas: the city, 16 districts and the BDA, with census populations.
		areas, err := s.Areas(ctx, "110000")
		if err != nil {
			t.Fatal(err)
		}
		if len(areas) != sum.Areas {
			t.Errorf("%d areas under 110000, summary says %d", len(areas), sum.Areas)
		}
		var districts int
		var population int64
		var bda bool
		for _, a := range areas {
			if a.Level != area.LevelDistrict {
				continue
			}
			districts++
			population += a.Population
			if a.ParentCode != "110000" {
				t.Errorf("district %s under %s, want 110000", a.Code, a.ParentCode)
			}
			bda = bda || a.Code == "BDA"
		}
		if districts != 17 || !bda {
			t.Errorf("%d district-level areas (BDA among them: %v); want 17 with BDA", districts, bda)
		}
		if population != 21_893_095 {
			t.Errorf("district populations sum to %d, want 21,893,095 (2020 census)", population)
		}

		// The five depots named in seed 000.
		for code, at := range map[string]string{"C-DX-RELIEF": "110115", "C-FS-RELIEF": "110111",
			"C-YQ-RELIEF": "110119", "C-DX-FLOOD": "110115", "C-CP-COMP": "110114"} {
			d, err := s.Depot(ctx, code)
			if err != nil {
				t.Errorf("seed depot %s: %v", code, err)
				continue
			}
			if d.Tier != area.LevelCity || d.AreaCode != at {
				t.Errorf("depot %s: tier %s in %s, want city in %s", code, d.Tier, d.AreaCode, at)
			}
		}

		// Every depot holds stock; the total is about the 2020 figure.
		depots, err := s.Depots(ctx, store.DepotFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(depots) < 40 || len(depots) != sum.Depots {
			t.Errorf("%d depots (summary %d), want at least 40", len(depots), sum.Depots)
		}
		rep, err := s.Balances(ctx, store.BalanceQuery{GroupBy: "depot"})
		if err != nil {
			t.Fatal(err)
		}
		held := map[string]bool{}
		for _, r := range rep.Rows {
			held[r.Depot] = r.Quantity > 0
		}
		for _, d := range depots {
			if !held[d.Code] {
				t.Errorf("depot %s holds nothing", d.Code)
			}
			if d.Utilisation > 1 {
				t.Errorf("depot %s is %.0f%% full", d.Code, 100*d.Utilisation)
			}
		}
		if total := rep.Totals.Quantity; total < stock.Units(1_800_000) || total > stock.Units(2_000_000) {
			t.Errorf("%s units in all, want 1.8–2.0 million", total)
		}
		if rep.Totals.Quantity != sum.Units {
			t.Errorf("balances total %s, summary says %s", rep.Totals.Quantity, sum.Units)
		}
		if sum.Entries < 1000 || sum.Entries > 10000 || sum.Lots != sum.Entries {
			t.Errorf("%d entries, %d lots: want a few thousand, one entry per lot", sum.Entries, sum.Lots)
		}

		// Some lots expire within 90 days, a few have expired.
		soon, err := s.Lots(ctx, store.LotFilter{ExpiringBefore: "2026-08-30", Limit: 10000})
		if err != nil {
			t.Fatal(err)
		}
		var expired, expiring int
		for _, l := range soon {
			if l.Expired(today) {
				expired++
			} else {
				expiring++
			}
		}
		if expiring < sum.Lots/100 || expiring > sum.Lots/10 || expired == 0 || expired > expiring {
			t.Errorf("of %d lots, %d expire within 90 days and %d have expired; want a few percent and a few",
				sum.Lots, expiring, expired)
		}

		v, err := s.Verify(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !v.OK || v.Entries != int64(sum.Entries) {
			t.Errorf("verify: %+v", v)
		}

		// Care: the schedules, and past rounds so that the due list shows
		// work done, due soon and overdue, at the demo keeper's flood depot
		// too.
		scheds, err := s.CareSchedules(ctx, store.InUse)
		if err != nil || len(scheds) != len(demo.CareSchedules) {
			t.Errorf("care schedules %d (%v), want %d", len(scheds), err, len(demo.CareSchedules))
		}
		due, err := s.CareDue(ctx, nil, "", today, 30)
		if err != nil {
			t.Fatal(err)
		}
		statuses := map[string]int{}
		for _, d := range due {
			if d.LastDone != "" {
				statuses[string(d.Status)]++
			}
		}
		if statuses["due"] == 0 || statuses["overdue"] == 0 {
			t.Errorf("of %d rounds due, those recorded before are %v: want some due and some overdue", len(due), statuses)
		}
		flood, err := s.CareRecords(ctx, store.CareRecordFilter{Depot: "C-DX-FLOOD"})
		if err != nil || len(flood) == 0 {
			t.Errorf("no care records at C-DX-FLOOD (%v)", err)
		}

		// Never twice.
		_, err = demo.Load(ctx, s, demo.Options{})
		if e, ok := apperr.As(err); !ok || e.Code != "demo.not_empty" || e.Kind != apperr.Conflict {
			t.Errorf("second load: got %v, want a demo.not_empty conflict", err)
		}
		if _, err := demo.Load(ctx, s, demo.Options{Today: "2026-6-1"}); !apperr.IsKind(err, apperr.Invalid) {
			t.Errorf("load with a malformed day: got %v, want invalid", err)
		}
	}, store.WithClock(fixedClock))
}

// TestLoadDeterministic loads the same seed on the same day twice: into a
// bare migrated database, where Load installs the catalogue, with the day
// given, and into one that has the catalogue already, with the day taken
// from the store's clock. The ledgers must end in the same hash.
func TestLoadDeterministic(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	bare, err := store.Open(ctx, storetest.DSN(t, "sqlite"), store.WithClock(fixedClock))
	if err != nil {
		t.Fatal(err)
	}
	defer bare.Close()
	if err := bare.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	head := func(s *store.Store, day string) string {
		sum := load(t, s, demo.Options{Seed: 7, Today: day})
		es, err := s.Movements(ctx, store.MovementFilter{AfterSeq: int64(sum.Entries) - 1, Limit: 1})
		if err != nil || len(es) != 1 {
			t.Fatalf("last entry: %v %v", es, err)
		}
		return es[0].Hash
	}
	a := head(bare, today)
	b := head(storetest.Open(t, "sqlite", store.WithClock(fixedClock)), "")
	if a != b {
		t.Errorf("seed 7 loaded twice ends in %s and %s", a, b)
	}
}
