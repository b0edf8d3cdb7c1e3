package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/org"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
	"github.com/stockpile-dev/stockpile/internal/supplier"
)

// supplierEntry is a directory entry of org supplying cats, with a
// business licence valid until until.
func supplierEntry(orgCode, until string, cats ...string) supplier.Supplier {
	return supplier.Supplier{Org: orgCode, CreatedBy: "user:7",
		Contacts:       []supplier.Contact{{Name: "王经理", Role: "销售经理", Phone: "13800000000"}},
		Qualifications: []supplier.Qualification{{Name: "营业执照", Number: "LIC-" + orgCode, ValidUntil: until}},
		Categories:     cats}
}

// supplierOrgs adds the organisations of the directory tests: three
// enterprises and a department.
func supplierOrgs(t *testing.T, s *store.Store, w storetest.World) {
	t.Helper()
	for _, o := range []org.Org{
		{Code: "ENT-TENT", NameZH: "帐篷厂", Kind: org.KindEnterprise, AreaCode: w.City},
		{Code: "ENT-WATER", NameZH: "饮用水公司", Kind: org.KindEnterprise, AreaCode: w.District},
		{Code: "ENT-OLD", NameZH: "老供应商", Kind: org.KindEnterprise, AreaCode: w.District},
		{Code: "ENT-NEW", NameZH: "新供应商", Kind: org.KindEnterprise, AreaCode: w.District},
		{Code: "DEPT-COM", NameZH: "商务局", Kind: org.KindDepartment, AreaCode: w.City},
	} {
		if _, err := s.CreateOrg(context.Background(), o); err != nil {
			t.Fatal(err)
		}
	}
}

// TestSupplierDirectory adds, edits, suspends and lists suppliers: one
// entry per enterprise, categories of the catalogue, optimistic edits,
// legal status steps only, and the listing's filters and standing.
func TestSupplierDirectory(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := storetest.Build(t, s)
		supplierOrgs(t, s, w)

		tent, err := s.CreateSupplier(ctx, supplierEntry("ENT-TENT", "2030-12-31", "101", "1010201"))
		if err != nil {
			t.Fatal(err)
		}
		if tent.Status != supplier.Qualified || tent.Version != 1 || tent.NameZH != "帐篷厂" || tent.CreatedBy != "user:7" ||
			tent.CreatedAt != fixedClock().Unix() || tent.Standing == nil || !tent.Standing.Usable ||
			!slices.Equal(tent.Categories, []string{"101", "1010201"}) || tent.Contacts[0].Phone != "13800000000" {
			t.Fatalf("created %+v", tent)
		}
		water := supplierEntry("ENT-WATER", "2026-06-20", "10301")
		water.Qualifications = append(water.Qualifications, supplier.Qualification{Name: "食品生产许可证",
			Number: "SC10611", ValidUntil: "2026-05-31"}) // expired yesterday
		if _, err := s.CreateSupplier(ctx, water); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateSupplier(ctx, supplierEntry("ENT-OLD", "2025-12-31", "2")); err != nil {
			t.Fatal(err)
		}

		refused := []struct {
			what        string
			x           supplier.Supplier
			code, field string
		}{
			{"a second entry", supplierEntry("ENT-TENT", "2030-12-31", "101"), "supplier.exists", "org"},
			{"a department", supplierEntry("DEPT-COM", "2030-12-31", "101"), "supplier.org_kind", "org"},
			{"no such organisation", supplierEntry("NOBODY", "2030-12-31", "101"), "organisation.not_found", "org"},
			{"an unknown category", supplierEntry("ENT-NEW", "2030-12-31", "1", "10198"), "supplier.category_unknown", "categories[1]"},
			{"no phone", func() supplier.Supplier {
				x := supplierEntry("ENT-OLD", "2030-12-31", "1")
				x.Contacts[0].Phone = ""
				return x
			}(), "supplier.phone_required", "contacts[0].phone"},
		}
		for _, c := range refused {
			_, err := s.CreateSupplier(ctx, c.x)
			wantStoreErr(t, c.what, err, c.code, c.field)
		}

		// An edit replaces contacts, qualifications and categories, on the
		// version it was based on.
		edit := supplierEntry("ENT-TENT", "2031-06-30", "1")
		edit.Version, edit.Note = 1, "年度复核"
		before, after, err := s.UpdateSupplier(ctx, edit, "user:8")
		if err != nil {
			t.Fatal(err)
		}
		if before.Version != 1 || after.Version != 2 || after.Note != "年度复核" || after.UpdatedBy != "user:8" ||
			!slices.Equal(after.Categories, []string{"1"}) || after.Qualifications[0].ValidUntil != "2031-06-30" {
			t.Fatalf("edit: before %+v after %+v", before, after)
		}
		_, _, err = s.UpdateSupplier(ctx, edit, "user:8")
		wantStoreErr(t, "a stale edit", err, "edit.stale", "version")
		edit.Version, edit.Categories = 2, []string{"10198"}
		_, _, err = s.UpdateSupplier(ctx, edit, "user:8")
		wantStoreErr(t, "an edit to an unknown category", err, "supplier.category_unknown", "categories[0]")
		if x, _ := s.Supplier(ctx, "ENT-TENT"); x.Version != 2 || !slices.Equal(x.Categories, []string{"1"}) {
			t.Fatalf("a refused edit changed the entry: %+v", x)
		}

		// Status steps.
		_, susp, err := s.SetSupplierStatus(ctx, "ENT-WATER", supplier.StepSuspend, "水质抽检不合格", 0, "user:8")
		if err != nil || susp.Status != supplier.Suspended || susp.Reason != "水质抽检不合格" || susp.Version != 2 {
			t.Fatalf("suspend: %+v %v", susp, err)
		}
		_, _, err = s.SetSupplierStatus(ctx, "ENT-WATER", supplier.StepSuspend, "再次暂停", 0, "user:8")
		wantStoreErr(t, "suspending a suspended supplier", err, "supplier.status", "")
		_, _, err = s.SetSupplierStatus(ctx, "ENT-WATER", supplier.StepRemove, "长期不合格", 1, "user:8")
		wantStoreErr(t, "a step on a stale version", err, "edit.stale", "version")
		_, _, err = s.SetSupplierStatus(ctx, "NOBODY", supplier.StepRemove, "x", 0, "user:8")
		wantStoreErr(t, "a step of no entry", err, "supplier.not_found", "")

		list := func(f store.SupplierFilter) []string {
			t.Helper()
			xs, err := s.Suppliers(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var codes []string
			for _, x := range xs {
				codes = append(codes, x.Org)
			}
			return codes
		}
		for _, c := range []struct {
			what string
			f    store.SupplierFilter
			want []string
		}{
			{"all", store.SupplierFilter{}, []string{"ENT-OLD", "ENT-TENT", "ENT-WATER"}},
			{"tents (10101): ENT-TENT supplies all of 1", store.SupplierFilter{Category: "10101"}, []string{"ENT-TENT"}},
			{"class 1: part of it is enough", store.SupplierFilter{Category: "1"}, []string{"ENT-TENT", "ENT-WATER"}},
			{"bottled water", store.SupplierFilter{Category: "1030101"}, []string{"ENT-TENT", "ENT-WATER"}},
			{"class 2", store.SupplierFilter{Category: "2"}, []string{"ENT-OLD"}},
			{"suspended", store.SupplierFilter{Status: supplier.Suspended}, []string{"ENT-WATER"}},
			{"expiring within 30 days", store.SupplierFilter{Expiring: true, WithinDays: 30}, []string{"ENT-WATER"}},
			{"expiring within 10 days", store.SupplierFilter{Expiring: true, WithinDays: 10}, nil},
			{"every qualification expired", store.SupplierFilter{Expired: true}, []string{"ENT-OLD"}},
			{"qualified and expired", store.SupplierFilter{Expired: true, Status: supplier.Qualified}, []string{"ENT-OLD"}},
		} {
			if got := list(c.f); !slices.Equal(got, c.want) {
				t.Errorf("%s: %v, want %v", c.what, got, c.want)
			}
		}
		all, _ := s.Suppliers(ctx, store.SupplierFilter{})
		old, wat := all[0], all[2]
		if old.Status != supplier.Qualified || !old.Standing.AllExpired || old.Standing.Usable || old.Standing.Today != today {
			t.Errorf("a qualified supplier whose licence lapsed: %+v %+v", old.Status, old.Standing)
		}
		if wat.Standing.AllExpired || wat.Standing.Expired != 1 || len(wat.Standing.Expiring) != 1 ||
			wat.Standing.NextExpiry != "2026-06-20" || wat.Standing.Usable {
			t.Errorf("the suspended water supplier: %+v", wat.Standing)
		}
		for _, f := range []store.SupplierFilter{{Category: "10"}, {Status: "ok"}, {WithinDays: -1}} {
			if _, err := s.Suppliers(ctx, f); err == nil {
				t.Errorf("filter %+v accepted", f)
			}
		}
	}, store.WithClock(fixedClock))
}
