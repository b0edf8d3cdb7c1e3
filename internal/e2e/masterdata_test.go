package e2e_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestMasterDataEdit is the city's reserve manager correcting an item of
// the catalogue on the master-data screen: the form shows the item as
// stored, a bad value is refused beside its field with nothing saved, and
// the corrected value is saved and listed; the audit trail keeps both
// versions (the API tests check the record).
func TestMasterDataEdit(t *testing.T) {
	s := open(t, 1366, 900, "manager-city")
	s.do("open the catalogue", chromedp.Navigate(s.site.URL+"/masterdata/items"),
		chromedp.WaitVisible(chromedp.CSS("#masterdata-list tr[data-code]")))
	s.shot("masterdata-items")
	code := s.attr("#masterdata-list tr[data-code]", "data-code")
	s.do("edit "+code, chromedp.Navigate(s.site.URL+"/masterdata/items?code="+code),
		chromedp.WaitVisible(chromedp.CSS("#masterdata-form")))
	set := func(value string) {
		s.t.Helper()
		s.do("mass "+value, chromedp.SetValue(chromedp.CSS(`#masterdata-form [name="mass_t"]`), value),
			chromedp.Click(chromedp.CSS("#masterdata-save")))
	}
	set("-1")
	s.do("refused", chromedp.WaitVisible(chromedp.CSS(`#masterdata-form [aria-invalid="true"]`)))
	s.shot("masterdata-refused")
	set("0.025")
	s.do("saved", chromedp.WaitVisible(chromedp.CSS("#masterdata-saved")))
	s.shot("masterdata-saved")
	if txt := s.text("#masterdata-saved"); !strings.Contains(txt, code) {
		t.Errorf("saved message %q does not name %s", txt, code)
	}
	s.do("edit again", chromedp.Navigate(s.site.URL+"/masterdata/items?code="+code),
		chromedp.WaitVisible(chromedp.CSS("#masterdata-form")))
	if v := eval[string](s, `document.querySelector('#masterdata-form [name="mass_t"]').value`); v != "0.025" {
		t.Errorf("mass after saving = %q, want 0.025", v)
	}
}
