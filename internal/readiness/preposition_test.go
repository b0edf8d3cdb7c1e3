package readiness_test

import (
	"context"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/readiness"
	"github.com/stockpile-dev/stockpile/internal/reserve"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/transfer"
	"github.com/stockpile-dev/stockpile/internal/warning"
)

// forwardCity is stocked for pre-positioning into C:
//
//	tents   D-C 50, S-C 10 (both in C); C-CITY 100 (52 min from C);
//	        D-A 60 (51 min); D-B 200 (T-B1, expires 2030) + 100 (T-B2) (81 min)
//	quilts  C-CITY 100; D-B 400 (Q-B1); agreement XY-1 400 free (12 h)
func forwardCity() *fakeData {
	f := newCity()
	f.stocks = []dispatch.DepotStock{
		held(depotC, tent, lot("T-D1", "", 50)),
		held(streetC, tent, lot("T-S1", "", 10)),
		held(depotCity, tent, lot("T-C1", "", 100)),
		held(depotA, tent, lot("T-A1", "", 60)),
		held(depotB, tent, lot("T-B1", "2030-01-01", 200), lot("T-B2", "", 100)),
		held(depotCity, quilt, lot("Q-C1", "", 100)),
		held(depotB, quilt, lot("Q-B1", "", 400)),
	}
	f.agreements = []reserve.Agreement{{Code: "XY-1", OrgCode: "ORG-D", Item: quilt, Quantity: stock.Units(500),
		Reserved: stock.Units(100), DeliveryHours: 12, Point: pointB}}
	return f
}

// forwardConfig: a tent and half a quilt per person; a level Ⅲ warning is
// planned at Ⅱ's threshold, 1000 people: 1000 tents and 500 quilts in C.
func forwardConfig() readiness.Config {
	return testConfig(norm("*", tent, readiness.PerRelocated, 1), norm("*", quilt, readiness.PerRelocated, 0.5))
}

var warnC = warning.Warning{Identifier: "W-1", Hazard: "flood", Level: 3, Areas: []string{distC}, Source: warning.SourceJSON}

func recommend(t *testing.T, d *fakeData, w warning.Warning, opt readiness.PrepositionOptions) readiness.Recommendation {
	t.Helper()
	rec, err := newAssessor(t, d, forwardConfig()).Recommend(context.Background(), w, opt)
	if err != nil {
		t.Fatalf("Recommend: %v (field %s)", err, fieldOf(err))
	}
	return rec
}

func keep(x float64) *float64 { return &x }

type moveKey struct{ from, item string }

// checkMoves checks what holds for every recommendation: moves go from
// depots outside the warned districts to the staging depot in one, list
// lots adding up to their quantity, and leave each depot at least the keep
// share of its free stock of the item.
func checkMoves(t *testing.T, d *fakeData, rec readiness.Recommendation, staging map[string]string) map[moveKey]stock.Quantity {
	t.Helper()
	free := map[moveKey]stock.Quantity{}
	district := map[string]string{}
	for _, s := range d.stocks {
		district[s.Depot.Code] = s.Depot.District
		for _, l := range s.Lots {
			free[moveKey{s.Depot.Code, s.Item}] += l.Available
		}
	}
	moved := map[moveKey]stock.Quantity{}
	for _, m := range rec.Moves {
		if slices.Contains(rec.Warning.Areas, district[m.From]) {
			t.Errorf("move %+v draws on a depot inside a warned district", m)
		}
		if staging[m.Area] != m.To {
			t.Errorf("move %+v: want it staged at %s in %s", m, staging[m.Area], m.Area)
		}
		var sum stock.Quantity
		for _, l := range m.Lots {
			sum += l.Quantity
		}
		if sum != m.Quantity || m.Quantity <= 0 {
			t.Errorf("move %+v: lots add up to %s", m, sum)
		}
		moved[moveKey{m.From, m.Item}] += m.Quantity
	}
	for k, q := range moved {
		if limit := (1 - rec.KeepShare) * free[k].Float(); q.Float() > limit+1e-9 {
			t.Errorf("%s gives %s of %s: more than %v, (1 − %v) of its %s free", k.from, q, k.item, limit, rec.KeepShare, free[k])
		}
	}
	if rec.After.InTime < rec.Before.InTime-1e-12 {
		t.Errorf("in time fell from %v to %v", rec.Before.InTime, rec.After.InTime)
	}
	checkSummary(t, rec.Before)
	checkSummary(t, rec.After)
	return moved
}

// TestRecommend: before the moves, C gets on time (within the hour) its
// own 50 + 10 tents, C-CITY's 100 and D-A's 60, and C-CITY's 100 quilts;
// D-B (81 min) is late. D-B may give up to (1 − keep) of its 300 tents and
// 400 quilts, moved to D-C (C's depot with the most stock), 81 minutes
// away, well within the 6 hours before the onset.
func TestRecommend(t *testing.T) {
	u := stock.Units
	for _, tc := range []struct {
		keep                    float64
		tents, quilts           int64
		tentLots                []transfer.LotQuantity
		afterTents, afterQuilts int64
	}{
		{0.5, 150, 200, []transfer.LotQuantity{{Lot: "T-B1", Quantity: u(150)}}, 370, 300},
		{0.8, 60, 80, []transfer.LotQuantity{{Lot: "T-B1", Quantity: u(60)}}, 280, 180},
		{0.25, 225, 300, []transfer.LotQuantity{{Lot: "T-B1", Quantity: u(200)}, {Lot: "T-B2", Quantity: u(25)}}, 445, 400},
		{0, 300, 400, []transfer.LotQuantity{{Lot: "T-B1", Quantity: u(200)}, {Lot: "T-B2", Quantity: u(100)}}, 520, 500},
	} {
		t.Run("keep "+strconv.FormatFloat(tc.keep, 'g', -1, 64), func(t *testing.T) {
			d := forwardCity()
			rec := recommend(t, d, warnC, readiness.PrepositionOptions{KeepShare: keep(tc.keep), LeadHours: 6})
			moved := checkMoves(t, d, rec, map[string]string{distC: "D-C"})
			if rec.Status != readiness.RecommendationProposed || rec.CreatedAt != now.Unix() || rec.KeepShare != tc.keep ||
				rec.DeadlineHours != 1 || rec.Scenario.Code != "warning-W-1" || !reflect.DeepEqual(rec.Warning, warnC) || rec.Stats.Plans != 3 {
				t.Errorf("recommendation header %+v", rec)
			}
			if want := map[moveKey]stock.Quantity{{"D-B", tent}: u(tc.tents), {"D-B", quilt}: u(tc.quilts)}; !reflect.DeepEqual(moved, want) {
				t.Errorf("moved %v, want %v", moved, want)
			}
			for _, m := range rec.Moves {
				if m.Area != distC || m.TravelMin != 81 {
					t.Errorf("move %+v: want to C, 81 min", m)
				}
				if m.Item == tent && !reflect.DeepEqual(m.Lots, tc.tentLots) {
					t.Errorf("tent lots %+v, want %+v (FEFO)", m.Lots, tc.tentLots)
				}
			}
			wantItems := []readiness.MoveCoverage{
				{Area: distC, Item: tent, Required: u(999), Before: u(220), After: u(tc.afterTents), Moved: u(tc.tents)},
				{Area: distC, Item: quilt, Required: u(500), Before: u(100), After: u(tc.afterQuilts), Moved: u(tc.quilts)},
			}
			for i := range rec.Items {
				rec.Items[i].AreaZH, rec.Items[i].NameZH = "", ""
			}
			if !reflect.DeepEqual(rec.Items, wantItems) {
				t.Errorf("items %+v\nwant  %+v", rec.Items, wantItems)
			}
			before := (220.0/999 + 100.0/500) / 2
			after := (float64(tc.afterTents)/999 + float64(tc.afterQuilts)/500) / 2
			if !near(rec.Before.InTime, before) || !near(rec.After.InTime, after) {
				t.Errorf("in time %v → %v, want %v → %v", rec.Before.InTime, rec.After.InTime, before, after)
			}
		})
	}
}

// inTimeC is C's in-time share before any move: 220 of 999 tents (a level
// Ⅲ event is planned one person below Ⅱ's threshold of 1,000) and 100 of
// 500 quilts.
const inTimeC = (220.0/999 + 100.0/500) / 2

// TestRecommendNoMoves: nothing moves when every depot keeps all, when the
// time before the onset is shorter than the 81 minutes from D-B, or when
// the plan already brings D-B's stock in time.
func TestRecommendNoMoves(t *testing.T) {
	for _, tc := range []struct {
		name   string
		w      warning.Warning
		opt    readiness.PrepositionOptions
		inTime float64
	}{
		{"keep share 1", warnC, readiness.PrepositionOptions{KeepShare: keep(1), LeadHours: 6}, inTimeC},
		{"one hour lead", warnC, readiness.PrepositionOptions{LeadHours: 1}, inTimeC},
		// No lead given and no onset: only the one-hour deadline.
		{"warning in force", warnC, readiness.PrepositionOptions{}, inTimeC},
		// A two-hour deadline brings D-B's 300 tents and 400 quilts in time.
		{"two-hour deadline", warnC, readiness.PrepositionOptions{DeadlineHours: 2, LeadHours: 6}, (520.0/999 + 1) / 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := forwardCity()
			rec := recommend(t, d, tc.w, tc.opt)
			checkMoves(t, d, rec, map[string]string{distC: "D-C"})
			if len(rec.Moves) != 0 || rec.Moves == nil {
				t.Errorf("moves %#v, want none", rec.Moves)
			}
			if !near(rec.Before.InTime, tc.inTime) || !near(rec.After.InTime, tc.inTime) {
				t.Errorf("in time %v → %v, want %v unchanged", rec.Before.InTime, rec.After.InTime, tc.inTime)
			}
		})
	}
}

// TestRecommendOnset: without a lead time, the time until the warning's
// onset is the time there is: three hours let D-B's stock (81 min) move.
func TestRecommendOnset(t *testing.T) {
	w := warnC
	w.Onset = now.Unix() + 3*3600
	d := forwardCity()
	rec := recommend(t, d, w, readiness.PrepositionOptions{})
	moved := checkMoves(t, d, rec, map[string]string{distC: "D-C"})
	if moved[moveKey{"D-B", tent}] != stock.Units(150) || moved[moveKey{"D-B", quilt}] != stock.Units(200) {
		t.Errorf("moved %v, want 150 tents and 200 quilts from D-B", moved)
	}
}

func TestRecommendNoDepotInDistrict(t *testing.T) {
	d := forwardCity()
	d.stocks = slices.DeleteFunc(d.stocks, func(s dispatch.DepotStock) bool { return s.Depot.District == distA })
	w := warnC
	w.Areas = []string{distA}
	rec := recommend(t, d, w, readiness.PrepositionOptions{LeadHours: 6})
	if len(rec.Moves) != 0 {
		t.Errorf("moves %+v into a district without a depot", rec.Moves)
	}
	if !slices.ContainsFunc(rec.Notes, func(n readiness.Note) bool { return strings.Contains(n.EN, distA+" has no depot") }) {
		t.Errorf("notes %+v, want one saying A has no depot", rec.Notes)
	}
}

func TestRecommendRejectsOptions(t *testing.T) {
	a := newAssessor(t, forwardCity(), forwardConfig())
	for _, tc := range []struct {
		opt   readiness.PrepositionOptions
		field string
	}{
		{readiness.PrepositionOptions{LeadHours: -1}, "lead_hours"},
		{readiness.PrepositionOptions{LeadHours: 72.5}, "lead_hours"},
		{readiness.PrepositionOptions{KeepShare: keep(1.5)}, "keep_share"},
		{readiness.PrepositionOptions{KeepShare: keep(math.NaN())}, "keep_share"},
		{readiness.PrepositionOptions{DeadlineHours: 100}, "deadline_hours"},
	} {
		_, err := a.Recommend(context.Background(), warnC, tc.opt)
		if fieldOf(err) != tc.field {
			t.Errorf("options %+v: error %v on %q, want %s", tc.opt, err, fieldOf(err), tc.field)
		}
	}
}
