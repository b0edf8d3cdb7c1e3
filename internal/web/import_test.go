package web_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// TestImportScreen: the import screen is offered to those who may import
// and lists only the kinds their roles write; a file checked and committed
// as the page's script does it (raw upload, preview, commit) lands once.
func TestImportScreen(t *testing.T) {
	t.Parallel()
	eachDemoSite(t, func(t *testing.T, site *testSite) {
		commander := site.as(t, "commander-city")
		if got := site.fetch(t, commander, "GET", "/import", nil); got.status != http.StatusForbidden {
			t.Errorf("commander: GET /import = %d, want 403", got.status)
		}
		if home := site.fetch(t, commander, "GET", "/", nil); strings.Contains(home.body, `href="/import"`) {
			t.Error("commander: the navigation offers the import screen")
		}

		manager := site.as(t, "manager-mentougou")
		home := site.fetch(t, manager, "GET", "/", nil)
		if !strings.Contains(home.body, `href="/import"`) {
			t.Error("manager: the navigation does not offer the import screen")
		}
		page := site.fetch(t, manager, "GET", "/import?kind=depots", nil)
		if page.status != http.StatusOK {
			t.Fatalf("manager: GET /import = %d %.300s", page.status, page.body)
		}
		if m := untranslated.FindString(page.body); m != "" {
			t.Errorf("untranslated key %s", m)
		}
		for _, want := range []string{`value="depots" selected`, `value="stock"`, `/api/imports/kinds/depots/template?format=xlsx`,
			"储备库编码", "坐标系", "仓库编码"} {
			if !strings.Contains(page.body, want) {
				t.Errorf("manager's import page lacks %q", want)
			}
		}
		if strings.Contains(page.body, `value="users"`) {
			t.Error("a reserve manager is offered the users import, which needs the user-management right")
		}

		csv := "单位编码,单位名称,单位类型,所属区域\nMTG-WATER,门头沟区水务局,政府部门,110109\n"
		req := site.request(t, "POST", "/api/imports?kind=orgs&filename=orgs.csv", strings.NewReader(csv))
		req.Header.Set("Content-Type", "text/csv")
		req.Header.Set("Accept", "application/json")
		res, err := manager.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var im struct {
			ID           int64  `json:"id"`
			Status       string `json:"status"`
			New          int64  `json:"new"`
			ProblemCount int64  `json:"problem_count"`
			Problems     []struct {
				Row    int    `json:"row"`
				Column string `json:"column"`
				ZH     string `json:"message_zh"`
			} `json:"problems"`
		}
		err = json.NewDecoder(res.Body).Decode(&im)
		res.Body.Close()
		if err != nil || res.StatusCode != http.StatusCreated {
			t.Fatalf("upload: %d %v", res.StatusCode, err)
		}
		if im.Status != "previewed" || im.New != 1 || im.ProblemCount != 0 {
			t.Fatalf("preview = %+v, want one new organisation and no problems", im)
		}
		var done struct {
			Status string `json:"status"`
			New    int64  `json:"new"`
		}
		site.apiAs(t, manager, "POST", "/api/imports/"+strconv.FormatInt(im.ID, 10)+"/commit", "", &done)
		if done.Status != "committed" || done.New != 1 {
			t.Fatalf("commit = %+v", done)
		}
		var org struct {
			NameZH string `json:"name_zh"`
		}
		site.apiAs(t, manager, "GET", "/api/orgs/MTG-WATER", "", &org)
		if org.NameZH != "门头沟区水务局" {
			t.Errorf("imported organisation = %+v", org)
		}
	})
}
