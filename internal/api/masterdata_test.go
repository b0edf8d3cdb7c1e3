package api

import (
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/audit"
)

// withVersion is a JSON object body with "version":v added, for an edit
// (PUT) based on version v.
func withVersion(body string, v int) string {
	return strings.Replace(body, "{", `{"version":`+strconv.Itoa(v)+`,`, 1)
}

// tentItem is the catalogue's 单帐篷 as an edit body, renamed.
const tentItem = `{"code":"1010101","name_zh":"单帐篷（12平方米）","name_en":"Single tent","unit_zh":"顶","unit_en":"tent",
	"counted":true,"spec":"12平方米","shelf_life_days":3650,"purpose":"life","volume_m3":0.1,"mass_t":0.025}`

// retiredAt checks that the answer is retired (retired is true) or in use.
func retiredAt(retired bool) func(*testing.T, *httptest.ResponseRecorder) {
	return func(t *testing.T, rec *httptest.ResponseRecorder) {
		t.Helper()
		var v struct {
			RetiredAt int64 `json:"retired_at"`
		}
		decodeBody(t, rec, &v)
		if (v.RetiredAt != 0) != retired {
			t.Errorf("retired_at %d, want retired %v", v.RetiredAt, retired)
		}
	}
}

// audited checks that the audit trail's newest record of the object of
// kind and id is action, with the state before and after holding the
// given substrings.
func audited(a *testAPI, kind, id, action string, before, after string) func(*testing.T, *httptest.ResponseRecorder) {
	return func(t *testing.T, _ *httptest.ResponseRecorder) {
		t.Helper()
		rec := a.do("GET", "/api/audit?kind="+kind+"&id="+id+"&action="+action+"&limit=1", "", nil, false)
		var got struct {
			Records []audit.Record `json:"records"`
		}
		decodeBody(t, rec, &got)
		if len(got.Records) != 1 {
			t.Fatalf("no %s record of %s %s: %s", action, kind, id, rec.Body)
		}
		r := got.Records[0]
		if len(r.Before) == 0 || len(r.After) == 0 {
			t.Fatalf("%s record lacks before or after: %+v", action, r)
		}
		if !strings.Contains(string(r.Before), before) || !strings.Contains(string(r.After), after) {
			t.Errorf("%s record: before %s (want %s), after %s (want %s)", action, r.Before, before, r.After, after)
		}
	}
}

// TestEditCatalogue edits, retires and restores items and categories.
func TestEditCatalogue(t *testing.T) {
	t.Parallel()
	eachScopeAPI(t, func(t *testing.T, a *testAPI) {
		runScenarios(t, a, []scenario{
			{name: "an edit without a version", method: "PUT", path: "/api/items/1010101", body: tentItem, status: 400,
				code: "field.required", field: "version"},
			{name: "edit an item", method: "PUT", path: "/api/items/1010101", body: withVersion(tentItem, 1), status: 200,
				want: []string{`"name_zh":"单帐篷（12平方米）"`, `"mass_t":0.025`, `"version":2`, `"retired_at":0`}},
			{name: "the edit is stored", method: "GET", path: "/api/items/1010101", status: 200,
				want: []string{`"mass_t":0.025`, `"version":2`}},
			{name: "an edit based on a stale version", method: "PUT", path: "/api/items/1010101",
				body: withVersion(strings.Replace(tentItem, "12平方米）", "旧）", 1), 1), status: 409, code: "edit.stale",
				field: "version"},
			{name: "the code does not change", method: "PUT", path: "/api/items/1010101",
				body: withVersion(strings.Replace(tentItem, `"code":"1010101"`, `"code":"1010199"`, 1), 2), status: 400,
				code: "edit.fixed", field: "code"},
			{name: "a bad mass", method: "PUT", path: "/api/items/1010101",
				body: withVersion(strings.Replace(tentItem, `"mass_t":0.025`, `"mass_t":-1`, 1), 2), status: 400,
				code: "catalog.mass_out_of_range", field: "mass_t"},
			{name: "an unknown item", method: "PUT", path: "/api/items/1019999",
				body: withVersion(strings.Replace(tentItem, `"code":"1010101",`, ``, 1), 1), status: 404, code: "item.not_found"},
			{name: "a district manager may not edit the city's catalogue", as: "manager-fs", method: "PUT",
				path: "/api/items/1010101", body: withVersion(tentItem, 2), status: 403, code: "auth.out_of_scope"},
			{name: "a keeper may not", as: "keeper", method: "PUT", path: "/api/items/1010101",
				body: withVersion(tentItem, 2), status: 403, code: "auth.forbidden"},
			{name: "create an item with its mass", method: "POST", path: "/api/items", status: 201,
				body: `{"code":"1010104","name_zh":"加厚帐篷","unit_zh":"顶","counted":true,"purpose":"life","mass_t":0.04}`,
				want: []string{`"mass_t":0.04`, `"version":1`}},
			{name: "the item audited with before and after", method: "GET", path: "/api/items/1010101", status: 200,
				check: audited(a, "item", "1010101", "item.update", `"name_zh":"单帐篷"`, `"name_zh":"单帐篷（12平方米）"`)},

			// Retiring an item held in stock: kept, but no new lots.
			{name: "tents in stock", method: "POST", path: "/api/movements", body: receiveTentsB, status: 201},
			{name: "retire the tent", method: "POST", path: "/api/items/1010101/retire", status: 200,
				want: []string{`"version":3`}, check: retiredAt(true)},
			{name: "retired again", method: "POST", path: "/api/items/1010101/retire", status: 409,
				code: "edit.already_retired"},
			{name: "the list leaves it out", method: "GET", path: "/api/items?prefix=10101", status: 200,
				notWant: []string{`"code":"1010101"`}},
			{name: "unless asked", method: "GET", path: "/api/items?prefix=10101&retired=true", status: 200,
				want: []string{`"code":"1010101"`, `"code":"1010102"`}},
			{name: "retired only", method: "GET", path: "/api/items?retired=only", status: 200,
				want: []string{`"code":"1010101"`, `"count":1`}},
			{name: "a bad retired", method: "GET", path: "/api/items?retired=yes", status: 400, code: "param.invalid",
				field: "retired"},
			{name: "a new lot of a retired item", method: "POST", path: "/api/movements", body: receiveAt(a.w.DepotB, "TENT-NEW", 5),
				status: 409, code: "item.retired", field: "lines[0].item"},
			{name: "its stock may still be issued", method: "POST", path: "/api/movements", body: issueAt(a.w.DepotB, 5),
				status: 201},
			{name: "no new agreement reserve of it", method: "POST", path: "/api/orgs", body: tentMaker, status: 201},
			{name: "agreement of a retired item", method: "POST", path: "/api/agreements", body: agreementTent, status: 409,
				code: "item.retired", field: "item"},
			{name: "retirement audited", method: "GET", path: "/api/items/1010101?retired=true", status: 200,
				check: audited(a, "item", "1010101", "item.retire", `"retired_at":0`, `"version":3`)},
			{name: "restore it", method: "POST", path: "/api/items/1010101/restore", status: 200,
				want: []string{`"version":4`}, check: retiredAt(false)},
			{name: "restore what is in use", method: "POST", path: "/api/items/1010101/restore", status: 409,
				code: "edit.not_retired"},
			{name: "new lots again", method: "POST", path: "/api/movements", body: receiveAt(a.w.DepotB, "TENT-NEW", 5),
				status: 201},
			{name: "a district manager may not retire", as: "manager-fs", method: "POST",
				path: "/api/items/1010101/retire", status: 403, code: "auth.out_of_scope"},

			// Categories (GB/T 38565 levels).
			{name: "a 中类", method: "POST", path: "/api/categories", status: 201,
				body: `{"code":"305","name_zh":"其他工程类","name_en":"Other engineering","local":true}`,
				want: []string{`"code":"305"`, `"version":1`, `"retired_at":0`},
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					if loc := rec.Header().Get("Location"); loc != "/api/categories/305" {
						t.Errorf("Location %q", loc)
					}
				}},
			{name: "a 小类 under it", method: "POST", path: "/api/categories", status: 201,
				body: `{"code":"30501","name_zh":"其他","local":true}`},
			{name: "again", method: "POST", path: "/api/categories", status: 409, code: "category.exists", field: "code",
				body: `{"code":"30501","name_zh":"其他","local":true}`},
			{name: "four digits", method: "POST", path: "/api/categories", status: 400, code: "catalog.code_malformed",
				field: "code", body: `{"code":"3059","name_zh":"其他"}`},
			{name: "class 4", method: "POST", path: "/api/categories", status: 400, code: "catalog.class_unknown",
				field: "code", body: `{"code":"4","name_zh":"其他"}`},
			{name: "a level 00", method: "POST", path: "/api/categories", status: 400, code: "catalog.code_malformed",
				field: "code", body: `{"code":"100","name_zh":"其他"}`},
			{name: "no parent", method: "POST", path: "/api/categories", status: 400, code: "catalog.parent_unknown",
				field: "code", body: `{"code":"30601","name_zh":"其他"}`},
			{name: "no name", method: "POST", path: "/api/categories", status: 400, code: "field.required",
				field: "name_zh", body: `{"code":"30502"}`},
			{name: "a district manager adds none", as: "manager-fs", method: "POST", path: "/api/categories", status: 403,
				code: "auth.out_of_scope", body: `{"code":"30502","name_zh":"其他"}`},
			{name: "an item in the new 小类", method: "POST", path: "/api/items", status: 201,
				body: `{"code":"3050101","name_zh":"某物","unit_zh":"件","purpose":"rescue"}`},
			{name: "rename the 中类", method: "PUT", path: "/api/categories/305", status: 200,
				body: `{"name_zh":"其他工程保障类","local":true,"version":1}`, want: []string{`"name_zh":"其他工程保障类"`, `"version":2`}},
			{name: "rename on a stale version", method: "PUT", path: "/api/categories/305", status: 409, code: "edit.stale",
				field: "version", body: `{"name_zh":"又一个名字","local":true,"version":1}`},
			{name: "retire a 中类 in use below", method: "POST", path: "/api/categories/305/retire", status: 409,
				code: "category.has_active_children"},
			{name: "retire the item", method: "POST", path: "/api/items/3050101/retire", status: 200},
			{name: "retire the 小类", method: "POST", path: "/api/categories/30501/retire", status: 200, check: retiredAt(true)},
			{name: "no item under a retired 小类", method: "POST", path: "/api/items", status: 409, code: "category.retired",
				field: "code", body: `{"code":"3050102","name_zh":"某物","unit_zh":"件","purpose":"rescue"}`},
			{name: "restoring the item needs its 小类", method: "POST", path: "/api/items/3050101/restore", status: 409,
				code: "category.retired", field: "code"},
			{name: "retire the 中类", method: "POST", path: "/api/categories/305/retire", status: 200},
			{name: "the list leaves them out", method: "GET", path: "/api/categories", status: 200,
				notWant: []string{`"code":"305"`, `"code":"30501"`}},
			{name: "retired categories", method: "GET", path: "/api/categories?retired=only", status: 200,
				want: []string{`"code":"305"`, `"code":"30501"`, `"count":2`}},
			{name: "restoring the 小类 needs its 中类", method: "POST", path: "/api/categories/30501/restore", status: 409,
				code: "category.retired", field: "code"},
			{name: "restore the 中类", method: "POST", path: "/api/categories/305/restore", status: 200, check: retiredAt(false)},
			{name: "category audited", method: "GET", path: "/api/categories", status: 200,
				check: audited(a, "category", "305", "category.update", `"name_zh":"其他工程类"`, `"name_zh":"其他工程保障类"`)},
		})
	})
}

// TestEditPlaces edits, retires and restores areas, organisations and
// depots, and checks the rules of retirement and scope.
func TestEditPlaces(t *testing.T) {
	t.Parallel()
	eachScopeAPI(t, func(t *testing.T, a *testAPI) {
		fangshan := `{"name_zh":"房山区","name_en":"Fangshan District","population":1312800,
			"point":{"lon":116.1329,"lat":39.7342},"terrain":"mountain"}`
		mtgDepot := `{"name_zh":"门头沟区储备库","tier":"district","kind":"comprehensive","org_code":"MTG-EMB",
			"area_code":"110109","point":{"lon":116.10,"lat":39.94},"capacity_m3":600}`
		emptyDepot := `{"code":"S-FS-9","name_zh":"空储备点","tier":"street","kind":"comprehensive","org_code":"BJ-EMB",
			"area_code":"110111","point":{"lon":116.14,"lat":39.70},"capacity_m3":50}`
		runScenarios(t, a, []scenario{
			{name: "edit a district", method: "PUT", path: "/api/areas/110111", body: withVersion(fangshan, 1), status: 200,
				want: []string{`"name_en":"Fangshan District"`, `"terrain":"mountain"`, `"parent_code":"110000"`,
					`"level":"district"`, `"version":2`}},
			{name: "the area edit audited", method: "GET", path: "/api/areas/110111", status: 200,
				check: audited(a, "area", "110111", "area.update", `"terrain":"mixed"`, `"terrain":"mountain"`)},
			{name: "the parent is fixed", method: "PUT", path: "/api/areas/110111", status: 400, code: "edit.fixed",
				field: "parent_code", body: withVersion(strings.Replace(fangshan, "{", `{"parent_code":"110109",`, 1), 2)},
			{name: "the level is fixed", method: "PUT", path: "/api/areas/110111", status: 400, code: "edit.fixed",
				field: "level", body: withVersion(strings.Replace(fangshan, "{", `{"level":"street",`, 1), 2)},
			{name: "a stale area edit", method: "PUT", path: "/api/areas/110111", body: withVersion(fangshan, 1),
				status: 409, code: "edit.stale", field: "version"},
			{name: "a bad outline", method: "PUT", path: "/api/areas/110111", status: 400, code: "area.boundary_invalid",
				field: "boundary", body: withVersion(strings.Replace(fangshan, "{", `{"boundary":{"type":"Point","coordinates":[116,39]},`, 1), 2)},
			{name: "a district manager edits another district", as: "manager-fs", method: "PUT", path: "/api/areas/110109",
				body: withVersion(`{"name_zh":"门头沟区","point":{"lon":116.1,"lat":39.9}}`, 1), status: 403,
				code: "auth.out_of_scope"},
			{name: "a district manager edits their own", as: "manager-fs", method: "PUT", path: "/api/areas/110111",
				body: withVersion(fangshan, 2), status: 200, want: []string{`"version":3`}},
			{name: "an outline", method: "PUT", path: "/api/areas/110111", status: 200,
				body: withVersion(strings.Replace(fangshan, "{", `{"boundary":{"type":"Polygon","coordinates":[[[116,39.6],[116.3,39.6],[116.3,39.9],[116,39.6]]]},`, 1), 3),
				want: []string{`"boundary":{"type":"Polygon"`, `"version":4`}},
			{name: "an edit without an outline keeps it", method: "PUT", path: "/api/areas/110111", status: 200,
				body: withVersion(fangshan, 4), want: []string{`"boundary":{"type":"Polygon"`, `"version":5`}},
			{name: "null removes it", method: "PUT", path: "/api/areas/110111", status: 200,
				body: withVersion(strings.Replace(fangshan, "{", `{"boundary":null,`, 1), 5), notWant: []string{`"boundary"`}},
			{name: "organisations, retired only", method: "GET", path: "/api/orgs?retired=only", status: 200,
				want: []string{`"count":0`}},
			{name: "an area with depots is not retired", method: "POST", path: "/api/areas/110111/retire", status: 409,
				code: "area.has_active_children"},
			{name: "a street", method: "POST", path: "/api/areas", status: 201,
				body: `{"code":"110109001","parent_code":"110109","level":"street","name_zh":"大峪街道"}`},
			{name: "a district manager retires no street of another district", as: "manager-fs", method: "POST",
				path: "/api/areas/110109001/retire", status: 403, code: "auth.out_of_scope"},
			{name: "retire the street", method: "POST", path: "/api/areas/110109001/retire", status: 200, check: retiredAt(true)},
			{name: "no community under a retired street", method: "POST", path: "/api/areas", status: 409,
				code: "area.retired", field: "parent_code",
				body: `{"code":"110109001001","parent_code":"110109001","level":"community","name_zh":"某社区"}`},
			{name: "no depot in a retired street", method: "POST", path: "/api/depots", status: 409, code: "area.retired",
				field: "area_code", body: strings.Replace(emptyDepot, `"area_code":"110111"`, `"area_code":"110109001"`, 1)},
			{name: "no organisation in it", method: "POST", path: "/api/orgs", status: 409, code: "area.retired",
				field: "area_code", body: `{"code":"DY-EMB","name_zh":"大峪街道办","kind":"bureau","area_code":"110109001"}`},
			{name: "no user in it", method: "POST", path: "/api/users", status: 409, code: "area.retired",
				field: "area_code", body: `{"username":"dy-viewer","roles":["viewer"],"area_code":"110109001","org_code":"BJ-EMB"}`},
			{name: "areas in use", method: "GET", path: "/api/areas?under=110109", status: 200,
				notWant: []string{"110109001"}},
			{name: "areas, retired too", method: "GET", path: "/api/areas?under=110109&retired=true", status: 200,
				want: []string{`"code":"110109001"`}},
			{name: "restore the street", method: "POST", path: "/api/areas/110109001/restore", status: 200,
				check: retiredAt(false)},

			// Organisations.
			{name: "rename an organisation", method: "PUT", path: "/api/orgs/MTG-EMB", status: 200,
				body: withVersion(`{"name_zh":"门头沟区应急管理局（改）","kind":"bureau","area_code":"110109"}`, 1),
				want: []string{`"name_zh":"门头沟区应急管理局（改）"`, `"version":2`}},
			{name: "an organisation holding a depot is not retired", method: "POST", path: "/api/orgs/MTG-EMB/retire",
				status: 409, code: "org.has_active_children"},
			{name: "a tent maker", method: "POST", path: "/api/orgs", body: tentMaker, status: 201},
			{name: "a district manager moves no organisation out of their district", as: "manager-fs", method: "PUT",
				path: "/api/orgs/FS-TENT-CO", status: 403, code: "auth.out_of_scope",
				body: withVersion(`{"name_zh":"房山帐篷厂","kind":"enterprise","area_code":"110109"}`, 1)},
			{name: "retire the tent maker", method: "POST", path: "/api/orgs/FS-TENT-CO/retire", status: 200},
			{name: "no reserve of a retired organisation", method: "POST", path: "/api/agreements", body: agreementTent,
				status: 409, code: "org.retired", field: "org_code"},
			{name: "no depot of it", method: "POST", path: "/api/depots", status: 409, code: "org.retired", field: "org_code",
				body: strings.Replace(emptyDepot, `"org_code":"BJ-EMB"`, `"org_code":"FS-TENT-CO"`, 1)},
			{name: "no new lot owned by it", method: "POST", path: "/api/movements", status: 409, code: "org.retired",
				field: "lines[0].new_lot.owner_code",
				body:  strings.Replace(receiveAt(depotM, "TENT-O", 5), `"batch"`, `"owner_code":"FS-TENT-CO","batch"`, 1)},
			{name: "restore the tent maker", method: "POST", path: "/api/orgs/FS-TENT-CO/restore", status: 200},

			// Depots.
			{name: "stock in Mentougou", method: "POST", path: "/api/movements", body: receiveAt(depotM, "TENT-M", 40),
				status: 201},
			{name: "a depot holding stock is not retired", method: "POST", path: "/api/depots/" + depotM + "/retire",
				status: 409, code: "depot.not_empty"},
			{name: "a district manager edits no depot of another district", as: "manager-fs", method: "PUT",
				path: "/api/depots/" + depotM, body: withVersion(mtgDepot, 1), status: 403, code: "auth.out_of_scope"},
			{name: "the tier is fixed", method: "PUT", path: "/api/depots/" + depotM, status: 400, code: "edit.fixed",
				field: "tier", body: withVersion(strings.Replace(mtgDepot, `"tier":"district"`, `"tier":"city"`, 1), 1)},
			{name: "edit a depot", method: "PUT", path: "/api/depots/" + depotM, body: withVersion(mtgDepot, 1), status: 200,
				want: []string{`"name_zh":"门头沟区储备库"`, `"capacity_m3":600`, `"version":2`, `"used_m3":`}},
			{name: "move it to the street", method: "PUT", path: "/api/depots/" + depotM, status: 200,
				body: withVersion(strings.Replace(mtgDepot, `"area_code":"110109"`, `"area_code":"110109001"`, 1), 2),
				want: []string{`"area_code":"110109001"`, `"district":"110109"`}},
			{name: "the stock totals moved with it", method: "GET", path: "/api/ledger/verify", status: 200,
				want: []string{`"ok":true`}},
			{name: "the move audited", method: "GET", path: "/api/depots/" + depotM, status: 200,
				check: audited(a, "depot", depotM, "depot.update", `"area_code":"110109"`, `"area_code":"110109001"`)},
			{name: "an empty depot", method: "POST", path: "/api/depots", body: emptyDepot, status: 201},
			{name: "retire it", method: "POST", path: "/api/depots/S-FS-9/retire", status: 200, check: retiredAt(true)},
			{name: "depots in use", method: "GET", path: "/api/depots", status: 200, notWant: []string{"S-FS-9"}},
			{name: "depots, retired too", method: "GET", path: "/api/depots?retired=true", status: 200,
				want: []string{`"code":"S-FS-9"`}},
			{name: "no transfer to a retired depot", method: "POST", path: "/api/transfers", status: 409,
				code: "depot.retired", field: "lines[0].to",
				body: transferWith(`{"from":"D-TEST-M","to":"S-FS-9","item":"1010101","quantity":5,"lots":[{"lot":"TENT-M","quantity":5}]}`)},
			{name: "no receipt into a retired depot", method: "POST", path: "/api/movements", status: 409,
				code: "depot.retired", field: "lines[0].depot", body: receiveAt("S-FS-9", "TENT-R", 5)},
			{name: "restore it", method: "POST", path: "/api/depots/S-FS-9/restore", status: 200, check: retiredAt(false)},
			{name: "a transfer to it now", method: "POST", path: "/api/transfers", status: 201,
				body: transferWith(`{"from":"D-TEST-M","to":"S-FS-9","item":"1010101","quantity":5,"lots":[{"lot":"TENT-M","quantity":5}]}`)},
		})
	})
}

// TestEditReserves edits, retires and restores contract reserves; a
// retired reserve is not planned with.
func TestEditReserves(t *testing.T) {
	t.Parallel()
	eachScopeAPI(t, func(t *testing.T, a *testAPI) {
		runScenarios(t, a, []scenario{
			{name: "a tent maker", method: "POST", path: "/api/orgs", body: tentMaker, status: 201},
			{name: "its agreement", method: "POST", path: "/api/agreements", body: agreementTent, status: 201},
			{name: "its capacity", method: "POST", path: "/api/capacities", body: capacityTent, status: 201},
			{name: "edit the agreement", method: "PUT", path: "/api/agreements/XY-TENT", status: 200,
				body: withVersion(strings.Replace(agreementTent, `"quantity":500`, `"quantity":600`, 1), 1),
				want: []string{`"quantity":600`, `"version":2`, `"org_name_zh":"房山帐篷厂"`}},
			{name: "a stale agreement edit", method: "PUT", path: "/api/agreements/XY-TENT", status: 409, code: "edit.stale",
				field: "version", body: withVersion(agreementTent, 1)},
			{name: "the item is fixed", method: "PUT", path: "/api/agreements/XY-TENT", status: 400, code: "edit.fixed",
				field: "item", body: withVersion(strings.Replace(agreementTent, `"item":"1010101"`, `"item":"1010201"`, 1), 2)},
			{name: "a partner edits no other organisation's reserve", as: "partner", method: "PUT",
				path: "/api/agreements/XY-TENT", body: withVersion(agreementTent, 2), status: 403, code: "auth.out_of_scope"},
			{name: "edit the capacity", method: "PUT", path: "/api/capacities/CN-TENT", status: 200,
				body: withVersion(strings.Replace(capacityTent, `"per_day":200`, `"per_day":250`, 1), 1),
				want: []string{`"per_day":250`, `"version":2`}},
			{name: "the agreement edit audited", method: "GET", path: "/api/agreements/XY-TENT", status: 200,
				check: audited(a, "agreement", "XY-TENT", "agreement.update", `"quantity":500`, `"quantity":600`)},
			{name: "retire the agreement", method: "POST", path: "/api/agreements/XY-TENT/retire", status: 200,
				check: retiredAt(true)},
			{name: "retire the capacity", method: "POST", path: "/api/capacities/CN-TENT/retire", status: 200,
				check: retiredAt(true)},
			{name: "agreements in use", method: "GET", path: "/api/agreements", status: 200, want: []string{`"count":0`}},
			{name: "agreements, retired too", method: "GET", path: "/api/agreements?retired=true", status: 200,
				want: []string{`"code":"XY-TENT"`}},
			{name: "a plan without retired reserves", method: "POST", path: "/api/plans",
				body: planFor(incident("NO-RES", tents(40))), status: 201, notWant: []string{"XY-TENT", "CN-TENT"}},
			{name: "restore the agreement", method: "POST", path: "/api/agreements/XY-TENT/restore", status: 200,
				check: retiredAt(false)},
			{name: "a plan with it", method: "POST", path: "/api/plans", body: planFor(incident("WITH-RES", tents(40))),
				status: 201, want: []string{"XY-TENT"}},
			{name: "approve it", method: "POST", path: "/api/plans/2/approve", status: 200},
			{name: "a promised agreement is not retired", method: "POST", path: "/api/agreements/XY-TENT/retire",
				status: 409, code: "reserve.promised"},
			{name: "nor cut below the promise", method: "PUT", path: "/api/agreements/XY-TENT", status: 409,
				code: "reserve.below_promised", field: "quantity",
				body: withVersion(strings.Replace(agreementTent, `"quantity":500`, `"quantity":1`, 1), 4)},
		})
	})
}
