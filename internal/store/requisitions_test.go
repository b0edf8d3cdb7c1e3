package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/contact"
	"github.com/stockpile-dev/stockpile/internal/money"
	"github.com/stockpile-dev/stockpile/internal/requisition"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
)

// boats is a requisition of a company's two assault boats and an
// excavator for incident FS-FLOOD in area.
func boats(area string) requisition.Requisition {
	return requisition.Requisition{Incident: "FS-FLOOD", Area: area, Reason: "转移被困群众", Place: "良乡镇安置点",
		CreatedBy: "user:5",
		Owner: requisition.Owner{Kind: contact.IDUnit, Name: "房山某建筑公司", IDNumber: "91350100M000100Y43",
			Phone: "010-69312345"},
		Lines: []requisition.Line{
			{Description: "冲锋舟 5.2 米", Item: "2040101", Quantity: stock.Units(2), Unit: "艘", Value: money.Yuan(60_000)},
			{Description: "挖掘机 PC200", Quantity: stock.Units(1), Unit: "台", Value: money.Fen(40_000_050)}}}
}

// TestRequisitionLife records requisitions, refuses what names nothing,
// records a retry once, takes each step of a requisition's life and
// refuses the illegal ones, and sums compensation per incident.
func TestRequisitionLife(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w, _, _ := dispatchWorld(t, s, 10)

		r, replayed, err := s.CreateRequisition(ctx, boats(w.District), "req-1")
		if err != nil || replayed {
			t.Fatal(err, replayed)
		}
		if r.ID == 0 || r.Status != requisition.Requisitioned || r.Value != money.Fen(46_000_050) || r.Version != 1 ||
			len(r.Lines) != 2 || r.Lines[0].Item != "2040101" || r.Lines[1].Item != "" || r.Lines[1].Value != money.Fen(40_000_050) ||
			r.Owner.IDNumber != "91350100M000100Y43" || r.RequisitionedAt != r.CreatedAt || r.Area != w.District {
			t.Fatalf("created %+v", r)
		}
		again, replayed, err := s.CreateRequisition(ctx, boats(w.District), "req-1")
		if err != nil || !replayed || again.ID != r.ID {
			t.Fatalf("a retry: %+v %v %v", again.ID, replayed, err)
		}
		other := boats(w.District)
		other.Place = "长阳镇"
		_, _, err = s.CreateRequisition(ctx, other, "req-1")
		wantStoreErr(t, "another requisition under the key", err, "idempotency.key_reused", "idempotency_key")

		for _, c := range []struct {
			what        string
			edit        func(*requisition.Requisition)
			code, field string
		}{
			{"no such incident", func(x *requisition.Requisition) { x.Incident = "NONE" }, "incident.not_found", "incident"},
			{"no such area", func(x *requisition.Requisition) { x.Area = "999999" }, "area.not_found", "area"},
			{"no such item", func(x *requisition.Requisition) { x.Lines[1].Item = "2040199" }, "item.not_found", "lines[1].item"},
			{"a bad owner phone", func(x *requisition.Requisition) { x.Owner.Phone = "x" }, "contact.phone_invalid", "owner.phone"},
		} {
			x := boats(w.District)
			c.edit(&x)
			_, _, err := s.CreateRequisition(ctx, x, "")
			wantStoreErr(t, c.what, err, c.code, c.field)
		}

		step := func(id int64, a requisition.Act) (requisition.Requisition, error) {
			_, after, err := s.ActOnRequisition(ctx, id, a, "user:6")
			return after, err
		}
		amount := money.Yuan(12_000)
		_, err = step(r.ID, requisition.Act{Step: requisition.StepPay, Voucher: "V-1"})
		wantStoreErr(t, "paying before the return", err, "requisition.status", "")
		_, err = step(r.ID, requisition.Act{Step: requisition.StepReturn, Lines: []requisition.ReturnLine{
			{N: 1, Condition: requisition.Damaged, Note: "船底划破"}}})
		wantStoreErr(t, "a return that leaves a line out", err, "requisition.condition_missing", "lines")
		if x, _ := s.Requisition(ctx, r.ID); x.Status != requisition.Requisitioned || x.Version != 1 {
			t.Fatalf("a refused step changed the requisition: %+v", x)
		}
		ret, err := step(r.ID, requisition.Act{Step: requisition.StepReturn, Note: "已清点", Lines: []requisition.ReturnLine{
			{N: 1, Condition: requisition.Damaged, Note: "船底划破"}, {N: 2, Condition: requisition.Intact}}})
		if err != nil || ret.Status != requisition.Returned || ret.Version != 2 || ret.Lines[0].Condition != requisition.Damaged ||
			ret.Lines[0].ConditionNote != "船底划破" || ret.Lines[1].Condition != requisition.Intact || ret.ReturnedAt == 0 ||
			ret.UpdatedBy != "user:6" {
			t.Fatalf("return: %+v %v", ret, err)
		}
		_, err = step(r.ID, requisition.Act{Step: requisition.StepCancel, Reason: "误录"})
		wantStoreErr(t, "cancelling after the return", err, "requisition.status", "")
		as, err := step(r.ID, requisition.Act{Step: requisition.StepAssess, Amount: &amount, Basis: "评估报告 FS-017"})
		if err != nil || as.Status != requisition.Assessed || as.Compensation == nil || *as.Compensation != amount ||
			as.AssessedBy != "user:6" {
			t.Fatalf("assess: %+v %v", as, err)
		}

		// A second requisition, paid; a third, cancelled; a fourth, open.
		second := boats(w.District)
		second.Lines = second.Lines[:1]
		r2, _, err := s.CreateRequisition(ctx, second, "")
		if err != nil {
			t.Fatal(err)
		}
		paid := money.Fen(300_050)
		for _, a := range []requisition.Act{
			{Step: requisition.StepReturn, Lines: []requisition.ReturnLine{{N: 1, Condition: requisition.Intact}}},
			{Step: requisition.StepAssess, Amount: &paid, Basis: "按日租金标准"},
			{Step: requisition.StepPay, Voucher: "记-2026-0612"},
		} {
			if _, err := step(r2.ID, a); err != nil {
				t.Fatal(a.Step, err)
			}
		}
		r3, _, _ := s.CreateRequisition(ctx, boats(w.District), "")
		if _, err := step(r3.ID, requisition.Act{Step: requisition.StepCancel, Reason: "误录"}); err != nil {
			t.Fatal(err)
		}
		r4, _, _ := s.CreateRequisition(ctx, boats(w.City), "")

		// Two people return the open one at once: one return is recorded.
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _, errs[i] = s.ActOnRequisition(ctx, r4.ID, requisition.Act{Step: requisition.StepReturn,
					Lines: []requisition.ReturnLine{{N: 1, Condition: requisition.Intact}, {N: 2, Condition: requisition.Intact}}},
					fmt.Sprintf("user:%d", 10+i))
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch code := errCode(err); {
			case err == nil:
				ok++
			case code != "requisition.changed" && code != "requisition.status":
				t.Errorf("the other return: %v", err)
			}
		}
		if x, _ := s.Requisition(ctx, r4.ID); ok != 1 || x.Version != 2 {
			t.Fatalf("%d returns recorded, version %d: %v", ok, x.Version, errs)
		}

		ids := func(f store.RequisitionFilter) []int64 {
			t.Helper()
			xs, err := s.Requisitions(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, x := range xs {
				if len(x.Lines) == 0 {
					t.Errorf("requisition %d listed without lines", x.ID)
				}
				out = append(out, x.ID)
			}
			return out
		}
		if got := ids(store.RequisitionFilter{Incident: "FS-FLOOD"}); len(got) != 4 || got[0] != r4.ID {
			t.Errorf("by incident: %v", got)
		}
		if got := ids(store.RequisitionFilter{Status: requisition.Compensated}); len(got) != 1 || got[0] != r2.ID {
			t.Errorf("compensated: %v", got)
		}
		if got := ids(store.RequisitionFilter{Area: w.District, Status: requisition.Returned}); len(got) != 0 {
			t.Errorf("returned in the district (the returned one is the city's): %v", got)
		}
		if got := ids(store.RequisitionFilter{Incident: "NONE"}); len(got) != 0 {
			t.Errorf("another incident: %v", got)
		}
		if _, err := s.Requisitions(ctx, store.RequisitionFilter{Status: "lent"}); errCode(err) != "requisition.status_invalid" {
			t.Errorf("a bad status: %v", err)
		}

		totals, err := s.RequisitionTotals(ctx, "FS-FLOOD")
		if err != nil || len(totals) != 1 {
			t.Fatal(totals, err)
		}
		tt := totals[0]
		if tt.Assessed != amount+paid || tt.Paid != paid || tt.Unpaid != amount ||
			tt.Value != money.Fen(46_000_050*2+6_000_000) || tt.Count[requisition.Cancelled] != 1 ||
			tt.Count[requisition.Returned] != 1 || tt.Count[requisition.Compensated] != 1 {
			t.Errorf("totals %+v", tt)
		}
		if all, _ := s.RequisitionTotals(ctx, ""); len(all) != 1 {
			t.Errorf("totals of every incident: %+v", all)
		}
		_, _, err = s.ActOnRequisition(ctx, 999, requisition.Act{Step: requisition.StepCancel, Reason: "x"}, "user:6")
		wantStoreErr(t, "no such requisition", err, "requisition.not_found", "")
	})
}
