package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/audit"
)

// formVersion reads the version an edit form is based on.
func formVersion(t *testing.T, body string) string {
	t.Helper()
	m := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no version in the form: %.300s", body)
	}
	return m[1]
}

// TestMasterDataScreen is a city manager's path through 基础数据: the
// tabs, an item edited through its form (a stale version and bad figures
// refused beside their fields, nothing changed), a depot holding stock
// not retired, an empty one retired and restored, and the audit trail of
// it; a viewer reads and changes nothing.
func TestMasterDataScreen(t *testing.T) {
	t.Parallel()
	eachDemoSite(t, func(t *testing.T, site *testSite) {
		body := site.page(t, "/masterdata")
		contains(t, "items tab", body, `data-nav="masterdata"`, "基础数据", `data-tab="items"`, `data-tab="depots"`,
			`data-tab="agreements"`, `data-code="1010101"`, "显示已停用", `data-act="retire"`)
		for _, tab := range []string{"categories", "areas", "orgs", "depots", "agreements", "capacities"} {
			contains(t, tab, site.page(t, "/masterdata/"+tab), `data-kind="`+tab+`"`, `data-state="active"`)
		}
		contains(t, "depots tab", site.page(t, "/masterdata/depots"), `data-code="C-FS-RELIEF"`)
		if status, _ := site.get(t, "/masterdata/colours"); status != http.StatusNotFound {
			t.Errorf("an unknown tab: %d", status)
		}

		form := site.page(t, "/masterdata/items?code=1010101")
		contains(t, "item form", form, `id="masterdata-form"`, `name="name_zh" value="单帐篷"`, `name="mass_t"`,
			`action="/masterdata/items/1010101"`, `id="masterdata-retire"`)
		version := formVersion(t, form)
		values := func(v, name, mass string) url.Values {
			return url.Values{"version": {v}, "name_zh": {name}, "name_en": {"Single tent"}, "unit_zh": {"顶"},
				"unit_en": {"tent"}, "counted": {"on"}, "spec": {""}, "shelf_life_days": {"3650"}, "purpose": {"life"},
				"volume_m3": {"0.1"}, "mass_t": {mass}}
		}
		got := site.fetch(t, site.client, "POST", "/masterdata/items/1010101", values(version, "单帐篷（12平方米）", "0.025"))
		if got.status != http.StatusSeeOther || got.location != "/masterdata/items?saved=1010101" {
			t.Fatalf("save: %d %s %.300s", got.status, got.location, got.body)
		}
		contains(t, "saved", site.page(t, got.location), `id="masterdata-saved"`, "单帐篷（12平方米）")
		it, err := site.s.Item(t.Context(), "1010101")
		if err != nil || it.MassT != 0.025 || it.NameZH != "单帐篷（12平方米）" || it.Version != 2 {
			t.Fatalf("the item after the edit: %+v, %v", it, err)
		}

		// Refusals: the form again, the error beside its field, nothing changed.
		got = site.fetch(t, site.client, "POST", "/masterdata/items/1010101", values(version, "旧名", "0.025"))
		if got.status != http.StatusConflict {
			t.Errorf("a stale version: %d", got.status)
		}
		contains(t, "stale", got.body, `id="masterdata-error"`, "已被他人修改", `value="旧名"`)
		got = site.fetch(t, site.client, "POST", "/masterdata/items/1010101", values("2", "单帐篷", "重"))
		if got.status != http.StatusBadRequest {
			t.Errorf("a mass that is no number: %d", got.status)
		}
		contains(t, "not a number", got.body, `id="mass_t-error"`, "不是数字", `aria-invalid="true"`)
		got = site.fetch(t, site.client, "POST", "/masterdata/items/1010101", values("2", "单帐篷", "-1"))
		contains(t, "a negative mass", got.body, `id="mass_t-error"`, "单位质量")
		got = site.fetch(t, site.client, "POST", "/masterdata/items/1010101", values("2", "", "1"))
		contains(t, "no name", got.body, `id="name_zh-error"`)
		if it2, _ := site.s.Item(t.Context(), "1010101"); it2.Version != 2 || it2.NameZH != it.NameZH {
			t.Errorf("a refused edit changed the item: %+v", it2)
		}

		// A depot holding stock is not retired: its form says why.
		got = site.fetch(t, site.client, "POST", "/masterdata/depots/C-FS-RELIEF/retire", url.Values{})
		if got.status != http.StatusConflict {
			t.Errorf("retiring a depot holding stock: %d", got.status)
		}
		contains(t, "not empty", got.body, `id="masterdata-error"`, "仍有库存", `data-code="C-FS-RELIEF"`)

		// An empty one is retired, listed only on request, and restored.
		var made struct {
			Code string `json:"code"`
		}
		site.post(t, "/api/depots", `{"code":"S-TEST-EMPTY","name_zh":"空储备点","tier":"street","kind":"comprehensive",
			"org_code":"BJ-EMB","area_code":"110111","point":{"lon":116.14,"lat":39.70},"capacity_m3":50}`, &made)
		got = site.fetch(t, site.client, "POST", "/masterdata/depots/S-TEST-EMPTY/retire", url.Values{})
		if got.status != http.StatusSeeOther {
			t.Fatalf("retire: %d %.300s", got.status, got.body)
		}
		contains(t, "retired row", dispatchRow(t, site.page(t, got.location), `data-code="S-TEST-EMPTY"`),
			`data-state="retired"`, "已停用", `data-act="restore"`)
		if strings.Contains(site.page(t, "/masterdata/depots"), "S-TEST-EMPTY") {
			t.Error("a retired depot is listed without the switch")
		}
		// Nor is it offered for new work: not in the lots' filter (it holds
		// nothing) nor the user form, but still in the ledger's filter.
		option := `<option value="S-TEST-EMPTY"`
		if strings.Contains(site.page(t, "/stock/lots"), option) {
			t.Error("the lots' filter offers a retired depot")
		}
		contains(t, "the ledger's filter", site.page(t, "/stock/movements"), option)
		if got := site.fetch(t, site.as(t, "admin-city"), "GET", "/admin/users", nil); strings.Contains(got.body, `value="S-TEST-EMPTY"`) ||
			!strings.Contains(got.body, `value="C-FS-RELIEF"`) {
			t.Errorf("the user form's depots with a retired one: %d", got.status)
		}
		got = site.fetch(t, site.client, "POST", "/masterdata/depots/S-TEST-EMPTY/restore", url.Values{})
		if got.status != http.StatusSeeOther {
			t.Fatalf("restore: %d %.300s", got.status, got.body)
		}
		contains(t, "restored row", dispatchRow(t, site.page(t, "/masterdata/depots"), `data-code="S-TEST-EMPTY"`),
			`data-state="active"`)

		// The depot's form moves it; the audit trail has before and after.
		form = site.page(t, "/masterdata/depots?code=S-TEST-EMPTY")
		got = site.fetch(t, site.client, "POST", "/masterdata/depots/S-TEST-EMPTY", url.Values{"version": {formVersion(t, form)},
			"name_zh": {"空储备点"}, "kind": {"special"}, "org_code": {"BJ-EMB"}, "area_code": {"110109"},
			"point.lon": {"116.1"}, "point.lat": {"39.9"}, "capacity_m3": {"60"}})
		if got.status != http.StatusSeeOther {
			t.Fatalf("move: %d %.500s", got.status, got.body)
		}
		recs, err := site.s.AuditRecords(t.Context(), audit.Query{Action: "depot.", Limit: 10})
		if err != nil || len(recs) < 3 {
			t.Fatalf("audit: %v %v", recs, err)
		}
		if r := recs[0]; r.Action != "depot.update" || !strings.Contains(string(r.Before), `"area_code":"110111"`) ||
			!strings.Contains(string(r.After), `"area_code":"110109"`) {
			t.Errorf("the move's record: %s %s → %s", r.Action, r.Before, r.After)
		}

		// A viewer opens nothing of it and may not post.
		viewer := site.as(t, "viewer-city")
		if got := site.fetch(t, viewer, "GET", "/masterdata/depots", nil); got.status != http.StatusForbidden {
			t.Errorf("a viewer's list: %d", got.status)
		}
		got = site.fetch(t, viewer, "POST", "/masterdata/items/1010101", values("2", "别名", "0"))
		if got.status != http.StatusForbidden {
			t.Errorf("a viewer's edit: %d", got.status)
		}
		// A partner department opens its reserves' tab only.
		partner := site.as(t, "partner-grain")
		got = site.fetch(t, partner, "GET", "/masterdata/agreements", nil)
		if got.status != http.StatusOK || strings.Contains(got.body, `data-tab="items"`) {
			t.Errorf("a partner's reserves tab: %d", got.status)
		}
		if got := site.fetch(t, partner, "GET", "/masterdata/items", nil); got.status != http.StatusForbidden {
			t.Errorf("a partner's items tab: %d", got.status)
		}
		// A district manager edits no item of the city's catalogue.
		got = site.fetch(t, site.as(t, "manager-mentougou"), "POST", "/masterdata/items/1010101", values("2", "别名", "0"))
		if got.status != http.StatusForbidden {
			t.Errorf("a district manager's edit of the catalogue: %d %.200s", got.status, got.body)
		}
		if it2, _ := site.s.Item(t.Context(), "1010101"); it2.Version != 2 {
			t.Errorf("a refused edit changed the item: %+v", it2)
		}

		// In English.
		site.fetch(t, site.client, "GET", "/lang/en?back=/", nil)
		contains(t, "in English", site.page(t, "/masterdata/areas"), "Master data", "Show retired", "Areas")
		contains(t, "form in English", site.page(t, "/masterdata/items?code=1010101"), "Unit mass (t)", "Retire")
		site.fetch(t, site.client, "GET", "/lang/zh?back=/", nil)
	})
}
