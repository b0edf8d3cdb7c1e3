package store_test

import (
	"context"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/care"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
)

// today is the day of fixedClock.
const today = "2026-06-01"

// careSchedules are two schedules: tents (帐篷, 10101) inspected every
// 180 days and food and water (103) every 30.
func careSchedules(t *testing.T, s *store.Store) {
	t.Helper()
	for _, c := range []care.Schedule{
		{Code: "TENT-INSPECT", Kind: care.KindInspect, Category: "10101", IntervalDays: 180, NameZH: "帐篷检测", CreatedBy: "user:7"},
		{Code: "FOOD-INSPECT", Kind: care.KindInspect, Category: "103", IntervalDays: 30, NameZH: "食品饮用水检查", CreatedBy: "user:7"},
	} {
		if _, err := s.CreateCareSchedule(context.Background(), c); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCareSchedules(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		careSchedules(t, s)
		got, err := s.CareSchedule(ctx, "TENT-INSPECT")
		if err != nil || got.Version != 1 || got.CreatedAt != fixedClock().Unix() || got.CreatedBy != "user:7" || got.ID == 0 {
			t.Fatalf("stored %+v, %v", got, err)
		}
		again := got
		again.CreatedBy = "user:8"
		_, err = s.CreateCareSchedule(ctx, again)
		wantStoreErr(t, "a second TENT-INSPECT", err, "care_schedule.exists", "code")
		_, err = s.CreateCareSchedule(ctx, care.Schedule{Code: "X", Kind: care.KindMaintain, Category: "20898", IntervalDays: 9,
			NameZH: "无此类目", CreatedBy: "user:7"})
		wantStoreErr(t, "an unknown category", err, "care.category_unknown", "category")
		_, err = s.CreateCareSchedule(ctx, care.Schedule{Code: "X", Kind: care.KindMaintain, Category: "1019999", IntervalDays: 9,
			NameZH: "无此物资", CreatedBy: "user:7"})
		wantStoreErr(t, "an unknown item", err, "care.category_unknown", "category")
		if _, err = s.CreateCareSchedule(ctx, care.Schedule{Code: "GEN-MAINTAIN", Kind: care.KindMaintain, Category: "2080101",
			IntervalDays: 90, NameZH: "柴油发电机组保养", CreatedBy: "user:7"}); err != nil {
			t.Fatalf("a schedule for one item: %v", err)
		}

		edit := got
		edit.IntervalDays = 120
		before, after, err := s.UpdateCareSchedule(ctx, edit)
		if err != nil || before.IntervalDays != 180 || after.IntervalDays != 120 || after.Version != 2 {
			t.Fatalf("update: %+v → %+v, %v", before, after, err)
		}
		_, _, err = s.UpdateCareSchedule(ctx, edit) // still at version 1
		wantStoreErr(t, "a stale edit", err, "edit.stale", "version")
		_, _, err = s.UpdateCareSchedule(ctx, care.Schedule{Code: "NOPE", Version: 1})
		wantStoreErr(t, "an unknown schedule", err, "care_schedule.not_found", "")

		_, after, err = s.SetCareScheduleRetired(ctx, "TENT-INSPECT", true)
		if err != nil || after.RetiredAt == 0 || after.Version != 3 {
			t.Fatalf("retire: %+v, %v", after, err)
		}
		_, _, err = s.SetCareScheduleRetired(ctx, "TENT-INSPECT", true)
		wantStoreErr(t, "retire twice", err, "edit.already_retired", "")
		inUse, err := s.CareSchedules(ctx, store.InUse)
		if err != nil || len(inUse) != 2 || inUse[0].Code != "FOOD-INSPECT" || inUse[1].Code != "GEN-MAINTAIN" {
			t.Fatalf("in use: %+v, %v", inUse, err)
		}
		all, err := s.CareSchedules(ctx, store.AnyRetirement)
		if err != nil || len(all) != 3 {
			t.Fatalf("all: %+v, %v", all, err)
		}
	}, store.WithClock(fixedClock))
}

// wantStoreErr checks that err is an apperr error of code at field.
func wantStoreErr(t *testing.T, what string, err error, code, field string) {
	t.Helper()
	e, ok := apperr.As(err)
	switch {
	case !ok:
		t.Errorf("%s: %v, want %s", what, err, code)
	case e.Code != code || e.Field != field:
		t.Errorf("%s: %s at %q (%s), want %s at %q", what, e.Code, e.Field, e.EN, code, field)
	}
}

// TestCareDue: stock never cared for is due today; a record puts the next
// round an interval after it; the window, the view, the depot and a
// retired schedule narrow the list.
func TestCareDue(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := storetest.Build(t, s)
		careSchedules(t, s)
		receive(t, s, w.DepotA, storetest.Tent, "T-A", "", 10)
		receive(t, s, w.DepotB, storetest.Tent, "T-B", "", 10)
		receive(t, s, w.DepotB, storetest.Water, "W-B", "2027-01-01", 10)
		receive(t, s, w.DepotB, storetest.FoldingBed, "B-B", "", 10) // no schedule covers beds

		record := func(sched, depot, item, day string) {
			t.Helper()
			if _, err := s.CreateCareRecord(ctx, care.Record{Schedule: sched, Depot: depot, Item: item, DoneOn: day,
				Outcome: care.OutcomeOK, DoneBy: "user:9"}); err != nil {
				t.Fatal(err)
			}
		}
		record("TENT-INSPECT", w.DepotB, storetest.Tent, "2026-01-10")
		record("TENT-INSPECT", w.DepotB, storetest.Tent, "2026-03-01")  // the last: due 2026-08-28
		record("FOOD-INSPECT", w.DepotB, storetest.Water, "2026-04-15") // due 2026-05-15: overdue

		due := func(view *access.View, depot string, within int) []string {
			t.Helper()
			rows, err := s.CareDue(ctx, view, depot, today, within)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, r := range rows {
				out = append(out, r.Depot+" "+r.Item+" "+r.Schedule+" "+r.LastDone+" "+r.DueOn+" "+string(r.Status))
			}
			return out
		}
		want := []string{
			"D-TEST-B 1030101 FOOD-INSPECT 2026-04-15 2026-05-15 overdue",
			"C-TEST-A 1010101 TENT-INSPECT  2026-06-01 due",
		}
		wantList(t, "within 30 days", due(nil, "", 30), want)
		wantList(t, "within 90 days", due(nil, "", 90),
			append(want, "D-TEST-B 1010101 TENT-INSPECT 2026-03-01 2026-08-28 due"))
		wantList(t, "the keeper of B", due(&access.View{Depots: []string{w.DepotB}}, "", 30), want[:1])
		wantList(t, "depot A", due(nil, w.DepotA, 30), want[1:])
		wantList(t, "another district's view", due(&access.View{AreaPath: "110000/110109/"}, "", 30), nil)

		rows, err := s.CareDue(ctx, nil, "", today, 30)
		if err != nil || rows[0].DaysLeft != -17 || rows[0].Quantity != stock.Units(10) || rows[0].ItemNameZH != "瓶装饮用水" ||
			rows[0].Kind != care.KindInspect || rows[0].Interval != 30 {
			t.Errorf("first row %+v, %v", rows[0], err)
		}

		if _, _, err := s.SetCareScheduleRetired(ctx, "FOOD-INSPECT", true); err != nil {
			t.Fatal(err)
		}
		wantList(t, "with food retired", due(nil, "", 30), want[1:])
		_, err = s.CreateCareRecord(ctx, care.Record{Schedule: "FOOD-INSPECT", Depot: w.DepotB, Item: storetest.Water,
			DoneOn: today, Outcome: care.OutcomeOK, DoneBy: "user:9"})
		wantStoreErr(t, "a record under a retired schedule", err, "care.schedule_retired", "schedule")
	}, store.WithClock(fixedClock))
}

func wantList(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: got %q, want %q", what, got, want)
		return
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("%s: row %d %q, want %q", what, i, got[i], want[i])
		}
	}
}

func TestCareRecords(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := storetest.Build(t, s)
		careSchedules(t, s)
		ok := care.Record{Schedule: "TENT-INSPECT", Depot: w.DepotB, Item: storetest.Tent, DoneOn: "2026-05-20",
			Outcome: care.OutcomeIssues, Findings: "两顶篷布霉变", DoneBy: "user:9"}
		r, err := s.CreateCareRecord(ctx, ok)
		if err != nil || r.ID == 0 || r.DoneAt != fixedClock().Unix() {
			t.Fatalf("record %+v, %v", r, err)
		}
		for _, tc := range []struct {
			name        string
			edit        func(*care.Record)
			code, field string
		}{
			{"unknown schedule", func(r *care.Record) { r.Schedule = "NOPE" }, "care_schedule.not_found", "schedule"},
			{"unknown depot", func(r *care.Record) { r.Depot = "NOPE" }, "depot.not_found", "depot"},
			{"unknown item", func(r *care.Record) { r.Item = "1010109" }, "item.not_found", "item"},
			{"an item the schedule does not cover", func(r *care.Record) { r.Item = storetest.Water }, "care.not_applicable", "item"},
			{"tomorrow", func(r *care.Record) { r.DoneOn = "2026-06-02" }, "care.done_on_future", "done_on"},
			{"nobody", func(r *care.Record) { r.DoneBy = "" }, "field.required", "done_by"},
		} {
			r := ok
			tc.edit(&r)
			_, err := s.CreateCareRecord(ctx, r)
			wantStoreErr(t, tc.name, err, tc.code, tc.field)
		}
		second := ok
		second.Depot, second.DoneOn, second.Outcome, second.Findings = w.DepotA, "2026-05-25", care.OutcomeOK, ""
		if _, err := s.CreateCareRecord(ctx, second); err != nil {
			t.Fatal(err)
		}
		all, err := s.CareRecords(ctx, store.CareRecordFilter{})
		if err != nil || len(all) != 2 || all[0].Depot != w.DepotA || all[1].Findings != "两顶篷布霉变" {
			t.Fatalf("records %+v, %v", all, err)
		}
		byB, err := s.CareRecords(ctx, store.CareRecordFilter{View: &access.View{Depots: []string{w.DepotB}}, Item: storetest.Tent})
		if err != nil || len(byB) != 1 || byB[0].Depot != w.DepotB {
			t.Fatalf("records of B %+v, %v", byB, err)
		}
	}, store.WithClock(fixedClock))
}

// TestRotations plans, carries out and cancels rotations: a donation
// issues from the lot, a transfer moves it; nothing is planned beyond
// the lot's free stock or from an expired lot; candidates are the lots
// expiring soon not yet planned.
func TestRotations(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := storetest.Build(t, s)
		water := receive(t, s, w.DepotB, storetest.Water, "W-SOON", "2026-07-15", 100).LotCode
		old := receive(t, s, w.DepotB, storetest.Water, "W-OLD", "2026-05-01", 10).LotCode
		receive(t, s, w.DepotB, storetest.Water, "W-LATE", "2027-07-15", 10) // beyond 90 days
		receive(t, s, w.DepotB, storetest.Tent, "T-NONE", "", 10)            // never expires

		candidates := func(view *access.View, depot string) []string {
			t.Helper()
			cs, err := s.RotationCandidates(ctx, view, depot, today)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, c := range cs {
				out = append(out, c.Depot+" "+c.Lot+" "+c.ExpiresOn+" "+c.Free.String())
			}
			return out
		}
		wantList(t, "candidates", candidates(nil, ""), []string{"D-TEST-B " + water + " 2026-07-15 100"})
		wantList(t, "candidates of the keeper of B", candidates(&access.View{Depots: []string{w.DepotB}}, ""),
			[]string{"D-TEST-B " + water + " 2026-07-15 100"})
		wantList(t, "candidates of A", candidates(nil, w.DepotA), nil)

		plan := care.Rotation{Depot: w.DepotB, Lot: water, Quantity: stock.Units(40), Method: care.MethodDonate,
			Recipient: "房山区红十字会", DueOn: "2026-06-20", CreatedBy: "user:7"}
		r, err := s.CreateRotation(ctx, plan)
		if err != nil {
			t.Fatal(err)
		}
		if r.ID == 0 || r.Status != care.RotationPlanned || r.Item != storetest.Water || r.ExpiresOn != "2026-07-15" ||
			r.CreatedAt != fixedClock().Unix() {
			t.Fatalf("created %+v", r)
		}
		if got, err := s.Rotation(ctx, r.ID); err != nil || got != r {
			t.Fatalf("stored\n%+v, %v\ncreated\n%+v", got, err, r)
		}
		wantList(t, "candidates once planned", candidates(nil, ""), nil)

		for _, tc := range []struct {
			name        string
			edit        func(*care.Rotation)
			code, field string
		}{
			{"more than is left", func(r *care.Rotation) { r.Quantity = stock.Units(61) }, "rotation.insufficient", "quantity"},
			{"an expired lot", func(r *care.Rotation) { r.Lot = old }, "rotation.lot_expired", "lot"},
			{"unknown lot", func(r *care.Rotation) { r.Lot = "NOPE" }, "lot.not_found", "lot"},
			{"unknown depot", func(r *care.Rotation) { r.Depot = "NOPE" }, "depot.not_found", "depot"},
			{"another item", func(r *care.Rotation) { r.Item = storetest.Tent }, "lot.item_mismatch", "lot"},
			{"half a bottle", func(r *care.Rotation) { r.Quantity = 500 }, "quantity.fractional", "quantity"},
			{"to an unknown depot", func(r *care.Rotation) { r.Method, r.ToDepot = care.MethodTransfer, "NOPE" }, "depot.not_found", "to_depot"},
			{"after the expiry", func(r *care.Rotation) { r.DueOn = "2026-08-01" }, "rotation.due_after_expiry", "due_on"},
			{"a lot not in the depot", func(r *care.Rotation) { r.Depot = w.DepotA }, "rotation.insufficient", "quantity"},
		} {
			p := plan
			tc.edit(&p)
			_, err := s.CreateRotation(ctx, p)
			wantStoreErr(t, tc.name, err, tc.code, tc.field)
		}

		done, err := s.ExecuteRotation(ctx, r.ID, "user:9")
		if err != nil {
			t.Fatal(err)
		}
		if done.Status != care.RotationDone || done.DoneBy != "user:9" || done.PostingID == 0 || done.DoneAt == 0 {
			t.Fatalf("executed %+v", done)
		}
		if got := balance(t, s, w.DepotB, storetest.Water); got != stock.Units(80) { // 100 + 10 + 10 - 40
			t.Errorf("water at B %s, want 80", got)
		}
		p, err := s.Posting(ctx, done.PostingID)
		if err != nil || len(p.Entries) != 1 || p.Entries[0].Kind != stock.EntryIssue || p.Actor != "user:9" ||
			p.Reason != "轮换 #1：捐赠给 房山区红十字会" || p.Entries[0].LotCode != water {
			t.Fatalf("posting %+v, %v", p, err)
		}
		if got, _ := s.Rotation(ctx, r.ID); got != done {
			t.Errorf("stored after execution %+v, want %+v", got, done)
		}
		_, err = s.ExecuteRotation(ctx, r.ID, "user:9")
		wantStoreErr(t, "execute twice", err, "rotation.status", "status")
		_, err = s.CancelRotation(ctx, r.ID, "user:9")
		wantStoreErr(t, "cancel a done plan", err, "rotation.status", "status")

		move := plan
		move.Method, move.ToDepot, move.Recipient, move.Quantity = care.MethodTransfer, w.DepotA, "", stock.Units(20)
		m, err := s.CreateRotation(ctx, move)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ExecuteRotation(ctx, m.ID, "user:9"); err != nil {
			t.Fatal(err)
		}
		if got := balance(t, s, w.DepotA, storetest.Water); got != stock.Units(20) {
			t.Errorf("water at A %s, want 20", got)
		}

		c, err := s.CreateRotation(ctx, plan)
		if err != nil {
			t.Fatal(err)
		}
		cancelled, err := s.CancelRotation(ctx, c.ID, "user:7")
		if err != nil || cancelled.Status != care.RotationCancelled || cancelled.DoneBy != "user:7" || cancelled.PostingID != 0 {
			t.Fatalf("cancelled %+v, %v", cancelled, err)
		}
		_, err = s.ExecuteRotation(ctx, c.ID, "user:9")
		wantStoreErr(t, "execute a cancelled plan", err, "rotation.status", "status")
		_, err = s.ExecuteRotation(ctx, 99, "user:9")
		wantStoreErr(t, "an unknown plan", err, "rotation.not_found", "")

		// Lists: by status, by depot (either end) and by view.
		list := func(f store.RotationFilter) []int64 {
			t.Helper()
			rs, err := s.Rotations(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, r := range rs {
				ids = append(ids, r.ID)
			}
			return ids
		}
		if got := list(store.RotationFilter{}); len(got) != 3 || got[0] != 3 {
			t.Errorf("all plans %v, want 3 newest first", got)
		}
		if got := list(store.RotationFilter{Status: care.RotationDone}); len(got) != 2 {
			t.Errorf("done plans %v", got)
		}
		if got := list(store.RotationFilter{Depot: w.DepotA}); len(got) != 1 || got[0] != m.ID {
			t.Errorf("plans touching A %v, want the transfer %d", got, m.ID)
		}
		if got := list(store.RotationFilter{View: &access.View{Depots: []string{w.DepotA}}}); len(got) != 1 {
			t.Errorf("plans the keeper of A sees %v, want the transfer", got)
		}
		if got := list(store.RotationFilter{View: &access.View{AreaPath: "110000/110109/"}}); len(got) != 0 {
			t.Errorf("another district sees %v", got)
		}
		transferVerify(t, s)
	}, store.WithClock(fixedClock))
}

// TestRotationRefusedByTheLedger: a lot found damaged after the plan is
// refused when the plan is carried out, in the plan's terms, and the plan
// stays planned.
func TestRotationRefusedByTheLedger(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := storetest.Build(t, s)
		water := receive(t, s, w.DepotB, storetest.Water, "W-SOON", "2026-07-15", 100).LotCode
		r, err := s.CreateRotation(ctx, care.Rotation{Depot: w.DepotB, Lot: water, Quantity: stock.Units(40),
			Method: care.MethodDrill, DueOn: "2026-06-20", CreatedBy: "user:7"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Post(ctx, stock.Posting{Actor: "user:9", Reason: "检测发现渗漏", Lines: []stock.Line{{
			Kind: stock.KindQuality, Depot: w.DepotB, Item: storetest.Water, Lot: water, Quality: stock.QualityDamaged}}}); err != nil {
			t.Fatal(err)
		}
		_, err = s.ExecuteRotation(ctx, r.ID, "user:9")
		wantStoreErr(t, "a damaged lot", err, "lot.not_good", "lot")
		if e, ok := apperr.As(err); !ok || e.EN != "rotation plan #1: lot "+water+" has quality damaged and cannot be issued" ||
			e.ZH != "轮换计划 #1：批次 "+water+" 质量状态为 damaged，不能发放" {
			t.Errorf("message %v", err)
		}
		if got, _ := s.Rotation(ctx, r.ID); got.Status != care.RotationPlanned || got.PostingID != 0 {
			t.Errorf("after a refusal %+v", got)
		}
		if got := balance(t, s, w.DepotB, storetest.Water); got != stock.Units(100) {
			t.Errorf("water %s, want 100", got)
		}
	}, store.WithClock(fixedClock))
}

// TestDepotFill: the volume of a depot's stock against its capacity.
func TestDepotFill(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := storetest.Build(t, s)
		receive(t, s, w.DepotB, storetest.Tent, "T-B", "", 1500)    // 1500 × 0.12 m³ = 180 of 200 m³
		receive(t, s, w.DepotA, storetest.Water, "W-A", "", 10_000) // 10,000 × 0.02 m³ = 200 of 1000 m³
		fill, err := s.DepotFill(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(fill) != 2 {
			t.Fatalf("fill %+v", fill)
		}
		b, a := fill[0], fill[1]
		if b.Depot != w.DepotB || b.Level != care.LevelNearFull || b.CapacityM3 != 200 || b.UsedM3 < 179.999 || b.UsedM3 > 180.001 ||
			b.Share < 0.8999 || b.Share > 0.9001 {
			t.Errorf("B %+v, want 180 of 200 m³, near full, first", b)
		}
		if a.Depot != w.DepotA || a.Level != care.LevelOK || a.Share < 0.1999 || a.Share > 0.2001 {
			t.Errorf("A %+v, want 20 %%", a)
		}
		mine, err := s.DepotFill(ctx, &access.View{Depots: []string{w.DepotA}})
		if err != nil || len(mine) != 1 || mine[0].Depot != w.DepotA {
			t.Errorf("the keeper of A sees %+v, %v", mine, err)
		}
	}, store.WithClock(fixedClock))
}
