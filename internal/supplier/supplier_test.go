package supplier_test

import (
	"slices"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/supplier"
)

const today = "2026-05-10"

func good() supplier.Supplier {
	return supplier.Supplier{Org: "ENT-TENT", Status: supplier.Qualified,
		Contacts: []supplier.Contact{{Name: "王经理", Role: "销售经理", Phone: "13800000000", Email: "wang@example.com"},
			{Name: "值班室", Email: "duty@example.com"}},
		Qualifications: []supplier.Qualification{
			{Name: "营业执照", Number: "91350100M000100Y43", ValidUntil: "2030-12-31"},
			{Name: "ISO9001", Number: "00120Q12345", ValidUntil: "2026-05-20"}},
		Categories: []string{"101", "1030101"}}
}

func wantErr(t *testing.T, what string, err error, code, field string) {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Code != code || e.Field != field {
		t.Errorf("%s: %v (%+v), want %s at %q", what, err, e, code, field)
	}
}

func TestValidate(t *testing.T) {
	if err := good().Validate(); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		what        string
		edit        func(*supplier.Supplier)
		code, field string
	}{
		{"no org", func(s *supplier.Supplier) { s.Org = " " }, "field.required", "org"},
		{"bad status", func(s *supplier.Supplier) { s.Status = "fine" }, "supplier.status_invalid", "status"},
		{"suspended without reason", func(s *supplier.Supplier) { s.Status = supplier.Suspended }, "supplier.reason_required", "reason"},
		{"no contacts", func(s *supplier.Supplier) { s.Contacts = nil }, "field.required", "contacts"},
		{"contact without name", func(s *supplier.Supplier) { s.Contacts[1].Name = "" }, "field.required", "contacts[1].name"},
		{"no phone at all", func(s *supplier.Supplier) { s.Contacts[0].Phone = "" }, "supplier.phone_required", "contacts[0].phone"},
		{"bad phone", func(s *supplier.Supplier) { s.Contacts[1].Phone = "call me" }, "contact.phone_invalid", "contacts[1].phone"},
		{"bad email", func(s *supplier.Supplier) { s.Contacts[0].Email = "wang" }, "contact.email_invalid", "contacts[0].email"},
		{"no qualifications", func(s *supplier.Supplier) { s.Qualifications = nil }, "field.required", "qualifications"},
		{"qualification without number", func(s *supplier.Supplier) { s.Qualifications[0].Number = "" }, "field.required", "qualifications[0].number"},
		{"bad date", func(s *supplier.Supplier) { s.Qualifications[1].ValidUntil = "2026/05/20" }, "date.malformed", "qualifications[1].valid_until"},
		{"repeated qualification", func(s *supplier.Supplier) { s.Qualifications[1] = s.Qualifications[0] }, "supplier.repeated", "qualifications[1]"},
		{"no categories", func(s *supplier.Supplier) { s.Categories = nil }, "field.required", "categories"},
		{"category of 2 digits", func(s *supplier.Supplier) { s.Categories[1] = "10" }, "supplier.category_invalid", "categories[1]"},
		{"category of class 9", func(s *supplier.Supplier) { s.Categories[0] = "901" }, "catalog.class_unknown", "categories[0]"},
		{"repeated category", func(s *supplier.Supplier) { s.Categories = []string{"101", "101"} }, "supplier.repeated", "categories[1]"},
	}
	for _, c := range cases {
		s := good()
		c.edit(&s)
		wantErr(t, c.what, s.Validate(), c.code, c.field)
	}
	s := good()
	s.Status, s.Reason = supplier.Suspended, "质量投诉待查"
	if err := s.Validate(); err != nil {
		t.Errorf("suspended with a reason: %v", err)
	}
}

func TestAssess(t *testing.T) {
	s := good()
	st := s.Assess(today, 30)
	if st.AllExpired || st.Expired != 0 || !st.Usable || st.NextExpiry != "2026-05-20" ||
		len(st.Expiring) != 1 || st.Expiring[0].Name != "ISO9001" {
		t.Fatalf("standing %+v", st)
	}
	if st := s.Assess(today, 5); len(st.Expiring) != 0 {
		t.Fatalf("within 5 days: %+v", st.Expiring)
	}
	// On its last day a qualification is still valid.
	if st := s.Assess("2026-05-20", 0); st.Expired != 0 || len(st.Expiring) != 1 {
		t.Fatalf("on the last valid day: %+v", st)
	}
	// Every qualification expired: reported, and not usable although the
	// status says qualified.
	st = s.Assess("2031-01-01", 30)
	if !st.AllExpired || st.Expired != 2 || st.Usable || st.NextExpiry != "" || s.Status != supplier.Qualified {
		t.Fatalf("all expired: %+v", st)
	}
	s.Status, s.Reason = supplier.Suspended, "待查"
	if s.Assess(today, 30).Usable {
		t.Fatal("a suspended supplier is usable")
	}
}

func TestSupplies(t *testing.T) {
	s := good() // 101 (a 中类) and one item, 1030101
	for cat, want := range map[string]bool{"1": true, "101": true, "10101": true, "1010101": true, "103": true,
		"10301": true, "1030101": true, "1030102": false, "102": false, "2": false} {
		if got := s.Supplies(cat); got != want {
			t.Errorf("Supplies(%s) = %v", cat, got)
		}
	}
}

// TestStatusSteps takes every step from every status: exactly those of
// the table are legal, the others a conflict naming both.
func TestStatusSteps(t *testing.T) {
	legal := map[supplier.Status]map[supplier.Step]supplier.Status{
		supplier.Qualified: {supplier.StepSuspend: supplier.Suspended, supplier.StepRemove: supplier.Removed},
		supplier.Suspended: {supplier.StepReinstate: supplier.Qualified, supplier.StepRemove: supplier.Removed},
		supplier.Removed:   {supplier.StepReinstate: supplier.Qualified},
	}
	for _, from := range []supplier.Status{supplier.Qualified, supplier.Suspended, supplier.Removed} {
		for _, step := range []supplier.Step{supplier.StepSuspend, supplier.StepReinstate, supplier.StepRemove} {
			s := good()
			s.Status, s.Reason = from, "原因"
			got, err := s.SetStatus(step, "资质复核")
			want, ok := legal[from][step]
			switch {
			case ok && (err != nil || got.Status != want || got.Reason != "资质复核"):
				t.Errorf("%s —%s→: %v %+v, want %s", from, step, err, got.Status, want)
			case !ok && apperr.CodeOf(err) != "supplier.status":
				t.Errorf("%s —%s→: %v, want supplier.status", from, step, err)
			case !ok:
				if e, _ := apperr.As(err); e.Kind != apperr.Conflict || e.ZH == "" || e.EN == "" {
					t.Errorf("%s —%s→: %+v", from, step, e)
				}
			}
		}
	}
	s := good()
	if _, err := s.SetStatus(supplier.StepSuspend, " "); apperr.CodeOf(err) != "supplier.reason_required" {
		t.Errorf("suspending without a reason: %v", err)
	}
	if _, err := s.SetStatus("pause", "x"); apperr.CodeOf(err) != "supplier.step_invalid" {
		t.Errorf("an unknown step: %v", err)
	}
	s.Status, s.Reason = supplier.Suspended, "待查"
	if got, err := s.SetStatus(supplier.StepReinstate, ""); err != nil || got.Status != supplier.Qualified || got.Reason != "" {
		t.Errorf("reinstating without a reason: %+v %v", got, err)
	}
	e, _ := apperr.As(func() error { _, err := good().SetStatus(supplier.StepReinstate, ""); return err }())
	if e.ZH != "供应商「ENT-TENT」当前为「合格」，不能「恢复合格」" || e.EN != "supplier ENT-TENT is qualified: it cannot reinstate" {
		t.Errorf("messages %q / %q", e.ZH, e.EN)
	}
}

func TestRevise(t *testing.T) {
	stored := good()
	stored.Version, stored.CreatedBy = 3, "user:1"
	edit := good()
	edit.Status, edit.Version = "", 3
	edit.Categories = []string{"2"}
	edit.Note = "年度复核通过"
	got, err := stored.Revise(edit)
	if err != nil || !slices.Equal(got.Categories, []string{"2"}) || got.Note != "年度复核通过" || got.CreatedBy != "user:1" ||
		got.Status != supplier.Qualified {
		t.Fatalf("revise: %+v %v", got, err)
	}
	edit.Org = "OTHER"
	if _, err := stored.Revise(edit); apperr.CodeOf(err) != "edit.fixed" {
		t.Errorf("changing the organisation: %v", err)
	}
	edit.Org, edit.Status = "", supplier.Removed
	if _, err := stored.Revise(edit); apperr.CodeOf(err) != "supplier.status_by_step" {
		t.Errorf("changing the status by an edit: %v", err)
	}
	edit.Status, edit.Contacts = supplier.Qualified, nil
	if _, err := stored.Revise(edit); apperr.CodeOf(err) != "field.required" {
		t.Errorf("an edit that leaves no contacts: %v", err)
	}
}
