package care_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/care"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

const today = "2026-06-01"

func wantCode(t *testing.T, what string, err error, code, field string) {
	t.Helper()
	e, ok := apperr.As(err)
	switch {
	case code == "" && err != nil:
		t.Errorf("%s: %v, want no error", what, err)
	case code == "":
	case !ok:
		t.Errorf("%s: %v, want %s", what, err, code)
	case e.Code != code || e.Field != field:
		t.Errorf("%s: %s at %q (%s), want %s at %q", what, e.Code, e.Field, e.EN, code, field)
	case !strings.ContainsFunc(e.ZH, func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) || e.EN == "":
		t.Errorf("%s: want a Chinese and an English message, got %q / %q", what, e.ZH, e.EN)
	}
}

func tents() care.Schedule {
	return care.Schedule{Code: "TENT-INSPECT", Kind: care.KindInspect, Category: "10101", IntervalDays: 180,
		NameZH: "帐篷定期检测", Guide: "篷布有无霉变、破损"}
}

func TestScheduleValidate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		edit        func(*care.Schedule)
		code, field string
	}{
		{"ok", func(*care.Schedule) {}, "", ""},
		{"an item code", func(s *care.Schedule) { s.Category = "1010101" }, "", ""},
		{"a class", func(s *care.Schedule) { s.Category = "2" }, "", ""},
		{"no code", func(s *care.Schedule) { s.Code = " " }, "field.required", "code"},
		{"a code with a slash", func(s *care.Schedule) { s.Code = "A/B" }, "care.code_invalid", "code"},
		{"a long code", func(s *care.Schedule) { s.Code = strings.Repeat("A", 41) }, "care.code_invalid", "code"},
		{"kind", func(s *care.Schedule) { s.Kind = "clean" }, "care.kind_invalid", "kind"},
		{"no category", func(s *care.Schedule) { s.Category = "" }, "field.required", "category"},
		{"two digits", func(s *care.Schedule) { s.Category = "10" }, "care.category_invalid", "category"},
		{"class 4", func(s *care.Schedule) { s.Category = "401" }, "catalog.class_unknown", "category"},
		{"letters", func(s *care.Schedule) { s.Category = "1a1" }, "catalog.code_malformed", "category"},
		{"no interval", func(s *care.Schedule) { s.IntervalDays = 0 }, "care.interval_invalid", "interval_days"},
		{"eleven years", func(s *care.Schedule) { s.IntervalDays = 4000 }, "care.interval_invalid", "interval_days"},
		{"no name", func(s *care.Schedule) { s.NameZH = "" }, "field.required", "name_zh"},
		{"a long guide", func(s *care.Schedule) { s.Guide = strings.Repeat("检", 2001) }, "care.text_too_long", "guide"},
	} {
		s := tents()
		tc.edit(&s)
		wantCode(t, tc.name, s.Validate(), tc.code, tc.field)
	}
}

func TestScheduleApplies(t *testing.T) {
	t.Parallel()
	s := tents()
	for item, want := range map[string]bool{"1010101": true, "1010103": true, "1010201": false, "2080101": false, "": false} {
		if got := s.Applies(item); got != want {
			t.Errorf("Applies(%q) = %v, want %v", item, got, want)
		}
	}
	s.Category = "1"
	if !s.Applies("1030101") || s.Applies("2030101") {
		t.Error("a class covers its items only")
	}

	r := care.Record{Schedule: s.Code, Depot: "D", Item: "2080101", DoneOn: today, Outcome: care.OutcomeOK}
	wantCode(t, "an item not covered", s.Check(r), "care.not_applicable", "item")
	r.Item = "1030101"
	wantCode(t, "covered", s.Check(r), "", "")
	s.RetiredAt = 1
	wantCode(t, "retired", s.Check(r), "care.schedule_retired", "schedule")
}

func TestScheduleRevise(t *testing.T) {
	t.Parallel()
	s := tents()
	s.Version, s.CreatedBy = 3, "user:7"
	edit := tents()
	edit.IntervalDays, edit.Version = 90, 3
	got, err := s.Revise(edit)
	if err != nil || got.IntervalDays != 90 || got.CreatedBy != "user:7" || got.Version != 3 {
		t.Fatalf("Revise: %+v, %v", got, err)
	}
	edit.Code = "OTHER"
	_, err = s.Revise(edit)
	wantCode(t, "another code", err, "edit.fixed", "code")
	edit.Code, edit.IntervalDays = "", 0
	_, err = s.Revise(edit)
	wantCode(t, "a bad interval", err, "care.interval_invalid", "interval_days")
}

func TestRecordValidate(t *testing.T) {
	t.Parallel()
	ok := care.Record{Schedule: "TENT-INSPECT", Depot: "D-TEST-B", Item: "1010101", DoneOn: "2026-05-20", Outcome: care.OutcomeOK}
	for _, tc := range []struct {
		name        string
		edit        func(*care.Record)
		code, field string
	}{
		{"ok", func(*care.Record) {}, "", ""},
		{"today", func(r *care.Record) { r.DoneOn = today }, "", ""},
		{"issues with findings", func(r *care.Record) { r.Outcome, r.Findings = care.OutcomeIssues, "两顶篷布霉变" }, "", ""},
		{"issues without", func(r *care.Record) { r.Outcome = care.OutcomeIssues }, "care.findings_required", "findings"},
		{"tomorrow", func(r *care.Record) { r.DoneOn = "2026-06-02" }, "care.done_on_future", "done_on"},
		{"malformed day", func(r *care.Record) { r.DoneOn = "2026-6-1" }, "date.malformed", "done_on"},
		{"no day", func(r *care.Record) { r.DoneOn = "" }, "field.required", "done_on"},
		{"no schedule", func(r *care.Record) { r.Schedule = "" }, "field.required", "schedule"},
		{"no depot", func(r *care.Record) { r.Depot = "" }, "field.required", "depot"},
		{"no item", func(r *care.Record) { r.Item = "" }, "field.required", "item"},
		{"no outcome", func(r *care.Record) { r.Outcome = "" }, "care.outcome_invalid", "outcome"},
	} {
		r := ok
		tc.edit(&r)
		wantCode(t, tc.name, r.Validate(today), tc.code, tc.field)
	}
}

func TestNextDue(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		interval int
		last     string
		within   int
		want     care.Due
	}{
		{180, "", 30, care.Due{DueOn: today, DaysLeft: 0, Status: care.StatusDue}},        // never: due now
		{180, "nonsense", 0, care.Due{DueOn: today, DaysLeft: 0, Status: care.StatusDue}}, // as never
		{180, "2026-03-01", 30, care.Due{LastDone: "2026-03-01", DueOn: "2026-08-28", DaysLeft: 88, Status: care.StatusLater}},
		{180, "2026-03-01", 88, care.Due{LastDone: "2026-03-01", DueOn: "2026-08-28", DaysLeft: 88, Status: care.StatusDue}},
		{90, "2026-03-03", 0, care.Due{LastDone: "2026-03-03", DueOn: "2026-06-01", DaysLeft: 0, Status: care.StatusDue}},
		{90, "2026-03-02", 0, care.Due{LastDone: "2026-03-02", DueOn: "2026-05-31", DaysLeft: -1, Status: care.StatusOverdue}},
		{30, "2025-12-31", 30, care.Due{LastDone: "2025-12-31", DueOn: "2026-01-30", DaysLeft: -122, Status: care.StatusOverdue}},
	} {
		if got := care.NextDue(tc.interval, tc.last, today, tc.within); got != tc.want {
			t.Errorf("NextDue(%d, %q, %s, %d) = %+v, want %+v", tc.interval, tc.last, today, tc.within, got, tc.want)
		}
	}
}

func rotation() care.Rotation {
	return care.Rotation{ID: 12, Depot: "D-TEST-B", Lot: "WATER-B", Item: "1030101", Quantity: stock.Units(40),
		Method: care.MethodDonate, Recipient: "房山区红十字会", DueOn: "2026-06-20", Status: care.RotationPlanned}
}

func TestRotationValidate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		edit        func(*care.Rotation)
		code, field string
	}{
		{"ok", func(*care.Rotation) {}, "", ""},
		{"a drill needs no recipient", func(r *care.Rotation) { r.Method, r.Recipient = care.MethodDrill, "" }, "", ""},
		{"a transfer", func(r *care.Rotation) { r.Method, r.ToDepot = care.MethodTransfer, "C-TEST-A" }, "", ""},
		{"no depot", func(r *care.Rotation) { r.Depot = "" }, "field.required", "depot"},
		{"no lot", func(r *care.Rotation) { r.Lot = "" }, "field.required", "lot"},
		{"method", func(r *care.Rotation) { r.Method = "burn" }, "rotation.method_invalid", "method"},
		{"no quantity", func(r *care.Rotation) { r.Quantity = 0 }, "quantity.not_positive", "quantity"},
		{"a sale without a buyer", func(r *care.Rotation) { r.Method, r.Recipient = care.MethodSell, " " }, "field.required", "recipient"},
		{"a donation without a recipient", func(r *care.Rotation) { r.Recipient = "" }, "field.required", "recipient"},
		{"a transfer without a destination", func(r *care.Rotation) { r.Method = care.MethodTransfer }, "field.required", "to_depot"},
		{"a transfer to itself", func(r *care.Rotation) { r.Method, r.ToDepot = care.MethodTransfer, r.Depot }, "rotation.to_depot", "to_depot"},
		{"a destination for a donation", func(r *care.Rotation) { r.ToDepot = "C-TEST-A" }, "rotation.to_depot", "to_depot"},
		{"no day", func(r *care.Rotation) { r.DueOn = "" }, "field.required", "due_on"},
		{"a malformed day", func(r *care.Rotation) { r.DueOn = "20260620" }, "date.malformed", "due_on"},
		{"a long note", func(r *care.Rotation) { r.Note = strings.Repeat("注", 2001) }, "care.text_too_long", "note"},
	} {
		r := rotation()
		tc.edit(&r)
		wantCode(t, tc.name, r.Validate(), tc.code, tc.field)
	}
}

func TestRotationCheckLot(t *testing.T) {
	t.Parallel()
	lot := stock.Lot{Code: "WATER-B", ItemCode: "1030101", ExpiresOn: "2026-07-15", Quality: stock.QualityGood}
	for _, tc := range []struct {
		name        string
		edit        func(*care.Rotation, *stock.Lot)
		code, field string
	}{
		{"ok", func(*care.Rotation, *stock.Lot) {}, "", ""},
		{"item left out", func(r *care.Rotation, _ *stock.Lot) { r.Item = "" }, "", ""},
		{"due on the expiry day", func(r *care.Rotation, _ *stock.Lot) { r.DueOn = "2026-07-15" }, "", ""},
		{"a lot that does not expire", func(r *care.Rotation, l *stock.Lot) { l.ExpiresOn, r.DueOn = "", "2027-01-01" }, "", ""},
		{"another item", func(r *care.Rotation, _ *stock.Lot) { r.Item = "1010101" }, "lot.item_mismatch", "lot"},
		{"expired", func(_ *care.Rotation, l *stock.Lot) { l.ExpiresOn = "2026-05-31" }, "rotation.lot_expired", "lot"},
		{"damaged", func(_ *care.Rotation, l *stock.Lot) { l.Quality = stock.QualityDamaged }, "rotation.lot_not_good", "lot"},
		{"due yesterday", func(r *care.Rotation, _ *stock.Lot) { r.DueOn = "2026-05-31" }, "rotation.due_on_past", "due_on"},
		{"due after expiry", func(r *care.Rotation, _ *stock.Lot) { r.DueOn = "2026-07-16" }, "rotation.due_after_expiry", "due_on"},
	} {
		r, l := rotation(), lot
		tc.edit(&r, &l)
		wantCode(t, tc.name, r.CheckLot(l, today), tc.code, tc.field)
	}
	err := rotation().CheckLot(stock.Lot{Code: "OLD", ItemCode: "1030101", ExpiresOn: "2026-01-01", Quality: stock.QualityGood}, today)
	if e, _ := apperr.As(err); e == nil || !strings.Contains(e.ZH, "报废") || !strings.Contains(e.EN, "scrap") {
		t.Errorf("an expired lot's refusal should suggest scrapping it: %v", err)
	}
}

func TestRotationSteps(t *testing.T) {
	t.Parallel()
	r := rotation()
	p, done, err := r.Execute("user:9")
	if err != nil {
		t.Fatal(err)
	}
	want := stock.Posting{IdempotencyKey: "rotation-12-done", Actor: "user:9", Reason: "轮换 #12：捐赠给 房山区红十字会",
		Lines: []stock.Line{{Kind: stock.KindIssue, Depot: "D-TEST-B", Item: "1030101", Lot: "WATER-B", Quantity: stock.Units(40)}}}
	if fmt.Sprint(p) != fmt.Sprint(want) {
		t.Errorf("posting\n%+v\nwant\n%+v", p, want)
	}
	if err := p.Validate(); err != nil {
		t.Errorf("the posting is not valid: %v", err)
	}
	if done.Status != care.RotationDone || done.DoneBy != "user:9" || r.Status != care.RotationPlanned {
		t.Errorf("after: %+v (before %s)", done, r.Status)
	}
	_, _, err = done.Execute("user:9")
	wantCode(t, "execute twice", err, "rotation.status", "status")
	_, err = done.Cancel()
	wantCode(t, "cancel a done plan", err, "rotation.status", "status")

	r.Method, r.ToDepot, r.Recipient = care.MethodTransfer, "C-TEST-A", ""
	p, _, _ = r.Execute("user:9")
	if l := p.Lines[0]; l.Kind != stock.KindTransfer || l.ToDepot != "C-TEST-A" || p.Reason != "轮换 #12：调拨至 C-TEST-A" {
		t.Errorf("transfer posting %+v", p)
	}
	r.Method, r.ToDepot = care.MethodDrill, ""
	if p, _, _ = r.Execute("user:9"); p.Lines[0].Kind != stock.KindIssue || p.Reason != "轮换 #12：演练使用" {
		t.Errorf("drill posting %+v", p)
	}
	r.Method, r.Recipient = care.MethodSell, "京安商贸"
	if p, _, _ = r.Execute("user:9"); p.Reason != "轮换 #12：销售给 京安商贸" {
		t.Errorf("sale reason %q", p.Reason)
	}

	c, err := r.Cancel()
	if err != nil || c.Status != care.RotationCancelled {
		t.Fatalf("cancel: %+v %v", c, err)
	}
	_, _, err = c.Execute("user:9")
	wantCode(t, "execute a cancelled plan", err, "rotation.status", "status")
	if e, _ := apperr.As(err); e == nil || e.Kind != apperr.Conflict || !strings.Contains(e.ZH, "cancelled") {
		t.Errorf("want a conflict naming the status: %v", err)
	}
}

func TestFill(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		capacity, used float64
		share          float64
		level          care.Level
	}{
		{1000, 0, 0, care.LevelOK},
		{1000, 849.9, 0.8499, care.LevelOK},
		{1000, 850, 0.85, care.LevelNearFull},
		{200, 199, 0.995, care.LevelNearFull},
		{200, 200, 1, care.LevelFull},
		{200, 300, 1.5, care.LevelFull},
		{0, 300, 0, care.LevelUnknown},
		{0.5, 300, 0, care.LevelUnknown},
	} {
		share, level := care.Fill(tc.capacity, tc.used)
		if level != tc.level || share < tc.share-1e-9 || share > tc.share+1e-9 {
			t.Errorf("Fill(%v, %v) = %v, %s; want %v, %s", tc.capacity, tc.used, share, level, tc.share, tc.level)
		}
	}
	if care.LevelFull.Rank() >= care.LevelNearFull.Rank() || care.LevelNearFull.Rank() >= care.LevelOK.Rank() {
		t.Error("ranks should put the fullest first")
	}
}

// A schedule of tents every 180 days, last inspected on 1 March: on 1
// June the next round is 88 days away, due within a 90-day window.
func ExampleNextDue() {
	d := care.NextDue(180, "2026-03-01", "2026-06-01", 90)
	fmt.Println(d.DueOn, d.DaysLeft, d.Status)
	// Output: 2026-08-28 88 due
}

// A depot of 200 m³ holding 180 m³ of stock is near full.
func ExampleFill() {
	share, level := care.Fill(200, 180)
	fmt.Printf("%.0f%% %s\n", 100*share, level)
	// Output: 90% near_full
}
