package web_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/demo"
	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// TestStockMovementReasons: the ledger stores the system's reasons in
// Chinese only; the movements screen shows them as stored in Chinese and
// translated in English, and a person's reason as typed in both.
func TestStockMovementReasons(t *testing.T) {
	t.Parallel()
	eachDemoSite(t, func(t *testing.T, site *testSite) {
		if strings.Contains(demo.Reason, "demo") || strings.Contains(demo.Reason, "/") {
			t.Errorf("the demo's reason %q is not Chinese only", demo.Reason)
		}
		incident, err := os.ReadFile("../../testdata/incident-fangshan-flood.json")
		if err != nil {
			t.Fatal(err)
		}
		var plan dispatch.Plan
		if st := site.send(t, "POST", "/api/plans", `{"incident": `+string(incident)+`}`, &plan); st != http.StatusCreated {
			t.Fatalf("create plan: %d", st)
		}
		if st := site.send(t, "POST", fmt.Sprintf("/api/plans/%d/approve", plan.ID), `{}`, nil); st != http.StatusOK {
			t.Fatalf("approve: %d", st)
		}
		const typed = "退货入库, 见单据 12 (returned)"
		_, err = site.s.Post(context.Background(), stock.Posting{Actor: "库管员甲", Reason: typed, Lines: []stock.Line{{
			Kind: stock.KindReceive, Depot: "C-FS-RELIEF", Item: "1010101", Quantity: stock.Units(3),
			NewLot: &stock.LotSpec{Batch: "RET-1", ExpiresOn: "2099-01-01", Quality: stock.QualityGood}}}})
		if err != nil {
			t.Fatal(err)
		}
		approved := fmt.Sprintf("批准调度方案 #%d", plan.ID)
		zh := site.page(t, "/stock/movements")
		contains(t, "newest movements in Chinese", zh, approved, typed)
		contains(t, "opening stock in Chinese", site.page(t, "/stock/movements?before=2"), demo.Reason)

		site.page(t, "/lang/en?back=/stock/movements")
		en := site.page(t, "/stock/movements")
		contains(t, "newest movements in English", en, fmt.Sprintf("plan approved #%d", plan.ID), typed)
		if strings.Contains(en, approved) {
			t.Errorf("English screen shows %q untranslated", approved)
		}
		old := site.page(t, "/stock/movements?before=2")
		contains(t, "opening stock in English", old, "demo opening stock")
		if strings.Contains(old, demo.Reason) {
			t.Errorf("English screen shows %q untranslated", demo.Reason)
		}
		site.page(t, "/lang/zh?back=/")
	})
}
