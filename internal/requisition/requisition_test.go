package requisition_test

import (
	"strings"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/contact"
	"github.com/stockpile-dev/stockpile/internal/money"
	"github.com/stockpile-dev/stockpile/internal/requisition"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

const now = int64(1_780_000_000) // 2026-05-28

func fresh() requisition.Requisition {
	return requisition.Requisition{Incident: "FS-FLOOD", Area: "110111", Reason: "转移被困群众", Place: "良乡镇安置点",
		RequisitionedAt: now - 3600,
		Owner:           requisition.Owner{Kind: contact.IDUnit, Name: "房山某建筑公司", IDNumber: "91350100M000100Y43", Phone: "010-69312345"},
		Lines: []requisition.Line{
			{Description: "挖掘机 PC200", Quantity: stock.Units(1), Unit: "台", Value: money.Yuan(400_000)},
			{Description: "冲锋舟", Item: "2040101", Quantity: stock.Units(2), Unit: "艘", Value: money.Fen(3_000_050)}}}
}

func valid(t *testing.T) requisition.Requisition {
	t.Helper()
	r, err := fresh().Validate(now)
	if err != nil {
		t.Fatal(err)
	}
	r.ID, r.Version = 7, 1
	return r
}

func wantErr(t *testing.T, what string, err error, code, field string) {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Code != code || e.Field != field {
		t.Errorf("%s: %v (%+v), want %s at %q", what, err, e, code, field)
	}
}

func TestValidate(t *testing.T) {
	r := valid(t)
	if r.Status != requisition.Requisitioned || r.Value != money.Fen(43_000_050) || r.Lines[1].N != 2 {
		t.Fatalf("validated %+v", r)
	}
	in := fresh()
	in.RequisitionedAt, in.Status, in.Voucher = 0, requisition.Compensated, "假凭证"
	in.Lines[0].Condition = requisition.Lost
	out, err := in.Validate(now)
	if err != nil || out.RequisitionedAt != now || out.Status != requisition.Requisitioned || out.Voucher != "" ||
		out.Lines[0].Condition != "" {
		t.Fatalf("a new requisition keeps what only steps set: %+v %v", out, err)
	}
	cases := []struct {
		what        string
		edit        func(*requisition.Requisition)
		code, field string
	}{
		{"no incident", func(r *requisition.Requisition) { r.Incident = "" }, "field.required", "incident"},
		{"no area", func(r *requisition.Requisition) { r.Area = "" }, "field.required", "area"},
		{"no reason", func(r *requisition.Requisition) { r.Reason = " " }, "field.required", "reason"},
		{"no place", func(r *requisition.Requisition) { r.Place = "" }, "field.required", "place"},
		{"owner kind", func(r *requisition.Requisition) { r.Owner.Kind = "company" }, "requisition.owner_kind", "owner.kind"},
		{"owner name", func(r *requisition.Requisition) { r.Owner.Name = "" }, "field.required", "owner.name"},
		{"owner phone", func(r *requisition.Requisition) { r.Owner.Phone = "" }, "field.required", "owner.phone"},
		{"bad phone", func(r *requisition.Requisition) { r.Owner.Phone = "12" }, "contact.phone_invalid", "owner.phone"},
		{"bad credit code", func(r *requisition.Requisition) { r.Owner.IDNumber = "91350100M000100Y44" }, "contact.id_invalid", "owner.id_number"},
		{"person with a credit code", func(r *requisition.Requisition) { r.Owner.Kind = contact.IDPerson }, "contact.id_invalid", "owner.id_number"},
		{"in the future", func(r *requisition.Requisition) { r.RequisitionedAt = now + 1 }, "requisition.time", "requisitioned_at"},
		{"before 2000", func(r *requisition.Requisition) { r.RequisitionedAt = 1 }, "requisition.time", "requisitioned_at"},
		{"no lines", func(r *requisition.Requisition) { r.Lines = nil }, "field.required", "lines"},
		{"too many lines", func(r *requisition.Requisition) { r.Lines = make([]requisition.Line, 201) }, "requisition.too_many_lines", "lines"},
		{"no description", func(r *requisition.Requisition) { r.Lines[1].Description = "" }, "field.required", "lines[1].description"},
		{"no unit", func(r *requisition.Requisition) { r.Lines[0].Unit = "" }, "field.required", "lines[0].unit"},
		{"bad item", func(r *requisition.Requisition) { r.Lines[1].Item = "205" }, "catalog.code_malformed", "lines[1].item"},
		{"zero quantity", func(r *requisition.Requisition) { r.Lines[0].Quantity = 0 }, "quantity.not_positive", "lines[0].quantity"},
		{"negative value", func(r *requisition.Requisition) { r.Lines[0].Value = -1 }, "requisition.value_negative", "lines[0].value_yuan"},
		{"huge value", func(r *requisition.Requisition) { r.Lines[0].Value = money.MaxFen + 1 }, "money.too_large", "lines[0].value_yuan"},
		{"huge sum", func(r *requisition.Requisition) { r.Lines[0].Value, r.Lines[1].Value = money.MaxFen, 1 }, "money.too_large", "lines[1].value_yuan"},
		{"long reason", func(r *requisition.Requisition) { r.Reason = strings.Repeat("字", 2001) }, "contact.text_invalid", "reason"},
	}
	for _, c := range cases {
		r := fresh()
		c.edit(&r)
		_, err := r.Validate(now)
		wantErr(t, c.what, err, c.code, c.field)
	}
	r2 := fresh()
	r2.Owner = requisition.Owner{Kind: contact.IDPerson, Name: "张三", IDNumber: "11010519491231002X", Phone: "13800000000"}
	if _, err := r2.Validate(now); err != nil {
		t.Errorf("a person with an identity number: %v", err)
	}
}

// act is a well-formed act of each step.
func act(step requisition.Step) requisition.Act {
	amount := money.Yuan(12_000)
	switch step {
	case requisition.StepReturn:
		return requisition.Act{Step: step, At: now - 60, Note: "已清点", Lines: []requisition.ReturnLine{
			{N: 1, Condition: requisition.Intact}, {N: 2, Condition: requisition.Damaged, Note: "一艘船底划破"}}}
	case requisition.StepAssess:
		return requisition.Act{Step: step, Amount: &amount, Basis: "评估报告 FS-2026-017"}
	case requisition.StepPay:
		return requisition.Act{Step: step, Voucher: "记-2026-0612"}
	case requisition.StepCancel:
		return requisition.Act{Step: step, Reason: "误录"}
	}
	return requisition.Act{Step: step}
}

// TestEveryStepFromEveryStatus takes each step from each status: the four
// legal ones lead where the table says, every other is a conflict naming
// the status and the step, and changes nothing.
func TestEveryStepFromEveryStatus(t *testing.T) {
	legal := map[requisition.Status]map[requisition.Step]requisition.Status{
		requisition.Requisitioned: {requisition.StepReturn: requisition.Returned, requisition.StepCancel: requisition.Cancelled},
		requisition.Returned:      {requisition.StepAssess: requisition.Assessed},
		requisition.Assessed:      {requisition.StepPay: requisition.Compensated},
	}
	n := 0
	for _, from := range requisition.Statuses {
		for _, step := range requisition.Steps {
			r := valid(t)
			r.Status = from
			got, err := r.Act(act(step), "user:9", now)
			want, ok := legal[from][step]
			if to, ok2 := requisition.Next(from, step); ok2 != ok || to != want {
				t.Errorf("Next(%s, %s) = %s %v", from, step, to, ok2)
			}
			switch {
			case ok:
				n++
				if err != nil || got.Status != want || got.UpdatedBy != "user:9" || got.UpdatedAt != now {
					t.Errorf("%s —%s→: %v %+v, want %s", from, step, err, got.Status, want)
				}
			default:
				e, isApp := apperr.As(err)
				if !isApp || e.Code != "requisition.status" || e.Kind != apperr.Conflict {
					t.Errorf("%s —%s→: %v, want requisition.status", from, step, err)
					continue
				}
				fromZH, _ := from.Names()
				stepZH, _ := step.Names()
				if !strings.Contains(e.ZH, fromZH) || !strings.Contains(e.ZH, stepZH) || !strings.Contains(e.EN, string(from)[:4]) {
					t.Errorf("%s —%s→: messages %q / %q", from, step, e.ZH, e.EN)
				}
				if got.Status != from {
					t.Errorf("%s —%s→ changed the status to %s", from, step, got.Status)
				}
			}
		}
	}
	if n != 4 {
		t.Fatalf("%d legal steps, want 4", n)
	}
	r := valid(t)
	e, _ := apperr.As(func() error { _, err := r.Act(act(requisition.StepPay), "u", now); return err }())
	if e.ZH != "征用记录 #7 当前为「已征用」，不能「支付补偿」" || e.EN != "requisition #7 is requisitioned: it cannot be paid" {
		t.Errorf("messages %q / %q", e.ZH, e.EN)
	}
	if _, err := r.Act(requisition.Act{Step: "lend"}, "u", now); apperr.CodeOf(err) != "requisition.step_invalid" {
		t.Errorf("an unknown step: %v", err)
	}
}

// TestWholeLife follows a requisition from requisition to payment, and
// checks what each step records.
func TestWholeLife(t *testing.T) {
	r := valid(t)
	r1, err := r.Act(act(requisition.StepReturn), "user:2", now)
	if err != nil || r1.ReturnedAt != now-60 || r1.ReturnNote != "已清点" || r1.Lines[1].Condition != requisition.Damaged ||
		r1.Lines[1].ConditionNote != "一艘船底划破" || r.Lines[1].Condition != "" {
		t.Fatalf("return: %+v %v (before: %+v)", r1, err, r.Lines)
	}
	r2, err := r1.Act(act(requisition.StepAssess), "user:3", now)
	if err != nil || *r2.Compensation != money.Yuan(12_000) || r2.Basis != "评估报告 FS-2026-017" || r2.AssessedBy != "user:3" {
		t.Fatalf("assess: %+v %v", r2, err)
	}
	r3, err := r2.Act(act(requisition.StepPay), "user:4", now)
	if err != nil || r3.Status != requisition.Compensated || r3.PaidAt != now || r3.Voucher != "记-2026-0612" || r3.PaidBy != "user:4" {
		t.Fatalf("pay: %+v %v", r3, err)
	}
	c, err := r.Act(act(requisition.StepCancel), "user:2", now)
	if err != nil || c.Status != requisition.Cancelled || c.CancelReason != "误录" {
		t.Fatalf("cancel: %+v %v", c, err)
	}
}

func TestStepInputs(t *testing.T) {
	r := valid(t)
	ret := func(edit func(*requisition.Act)) error {
		a := act(requisition.StepReturn)
		edit(&a)
		_, err := r.Act(a, "u", now)
		return err
	}
	wantErr(t, "a line left out", ret(func(a *requisition.Act) { a.Lines = a.Lines[:1] }), "requisition.condition_missing", "lines")
	wantErr(t, "no such line", ret(func(a *requisition.Act) { a.Lines[1].N = 3 }), "requisition.line", "lines[1].n")
	wantErr(t, "a line twice", ret(func(a *requisition.Act) { a.Lines[1].N = 1 }), "requisition.line_repeated", "lines[1].n")
	wantErr(t, "bad condition", ret(func(a *requisition.Act) { a.Lines[0].Condition = "ok" }), "requisition.condition_invalid", "lines[0].condition")
	wantErr(t, "damage unexplained", ret(func(a *requisition.Act) { a.Lines[1].Note = "" }), "requisition.condition_note", "lines[1].note")
	wantErr(t, "lost unexplained", ret(func(a *requisition.Act) { a.Lines[0].Condition = requisition.Lost }), "requisition.condition_note", "lines[0].note")
	wantErr(t, "returned before taken", ret(func(a *requisition.Act) { a.At = r.RequisitionedAt - 1 }), "requisition.time", "at")
	wantErr(t, "returned in the future", ret(func(a *requisition.Act) { a.At = now + 1 }), "requisition.time", "at")

	r.Status = requisition.Returned
	zero, minus := money.Fen(0), money.Fen(-1)
	for _, c := range []struct {
		what        string
		a           requisition.Act
		code, field string
	}{
		{"no amount", requisition.Act{Step: requisition.StepAssess, Basis: "x"}, "field.required", "amount_yuan"},
		{"negative amount", requisition.Act{Step: requisition.StepAssess, Amount: &minus, Basis: "x"}, "requisition.value_negative", "amount_yuan"},
		{"no basis", requisition.Act{Step: requisition.StepAssess, Amount: &zero}, "field.required", "basis"},
	} {
		_, err := r.Act(c.a, "u", now)
		wantErr(t, c.what, err, c.code, c.field)
	}
	if got, err := r.Act(requisition.Act{Step: requisition.StepAssess, Amount: &zero, Basis: "无偿使用，所有人放弃补偿"}, "u", now); err != nil || *got.Compensation != 0 {
		t.Errorf("nothing to compensate: %+v %v", got.Compensation, err)
	}
	r.Status = requisition.Assessed
	if _, err := r.Act(requisition.Act{Step: requisition.StepPay}, "u", now); apperr.CodeOf(err) != "field.required" {
		t.Errorf("paying without a voucher: %v", err)
	}
	if _, err := r.Act(requisition.Act{Step: requisition.StepPay, Voucher: "V1", At: now + 10}, "u", now); apperr.CodeOf(err) != "requisition.time" {
		t.Errorf("paid in the future: %v", err)
	}
	r.Status = requisition.Requisitioned
	if _, err := r.Act(requisition.Act{Step: requisition.StepCancel}, "u", now); apperr.CodeOf(err) != "field.required" {
		t.Errorf("cancelling without a reason: %v", err)
	}
}
