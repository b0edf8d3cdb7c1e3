package web

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/httpx"
	"github.com/stockpile-dev/stockpile/internal/readiness"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// readinessHazards are the hazards a user can plan for on the screen, in
// display order; "general" is only the first standing scenario's.
var readinessHazards = []string{"flood", "earthquake", "forest-fire", "hazmat", "cold-snow"}

// readinessView is what the 储备评估 page renders on the server: the
// choices of its forms (districts, hazards, levels, saved scenarios) and
// the settings the forms start from. The assessments themselves come from
// the JSON API in the browser, since they take a while to compute.
type readinessView struct {
	City      area.Area
	Districts []area.Area
	Pair      [2]string
	Hazard    string
	Hazards   []string
	Levels    []readiness.Level
	Scenarios []readiness.Scenario // saved, not standing
	Config    readiness.Config
	ExportURL string
	Client    readinessClient
}

// readinessClient is the JSON the page's script starts from. The API's
// assessments name items, districts and depots in Chinese only (they are
// the engine's rows, also exported as workbooks); the page carries every
// name the screen shows in both languages, so the script looks a code up
// here and never translates.
type readinessClient struct {
	City          readinessName            `json:"city"`
	Pair          [2]string                `json:"pair"`
	Hazard        string                   `json:"hazard"`
	Districts     []readinessName          `json:"districts"`
	Items         map[string]readinessItem `json:"items"`  // by code
	Depots        map[string]readinessName `json:"depots"` // by code, those the user may see
	DeadlineHours float64                  `json:"deadline_hours"`
	KeepShare     float64                  `json:"keep_share"`
	PlanningDays  int                      `json:"planning_days"`
	// CanCreate and CanApprove: the user's roles may recommend
	// pre-positioning, and approve or cancel it, so the script offers it.
	CanCreate  bool `json:"can_create"`
	CanApprove bool `json:"can_approve"`
}

// readinessName is something named in both languages: an area, a depot.
type readinessName struct {
	Code   string `json:"code"`
	NameZH string `json:"name_zh"`
	NameEN string `json:"name_en"`
}

// readinessItem is an item of the catalogue with its unit, in both languages.
type readinessItem struct {
	NameZH string `json:"name_zh"`
	NameEN string `json:"name_en"`
	UnitZH string `json:"unit_zh"`
	UnitEN string `json:"unit_en"`
}

// readinessPage is the 储备评估 screen. ?pair= (two district codes) and
// ?hazard= choose the second standing scenario, as in GET /api/readiness;
// bad values are refused here too, so a shared link never shows a page
// that cannot load.
func (h *handler) readinessPage(w http.ResponseWriter, r *http.Request) {
	v, err := h.readinessView(r.Context(), r.URL.Query())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, "readiness", h.newPage(r, "readiness", "nav.readiness", v))
}

// readinessSaved is the list of saved scenarios alone, which the page
// loads again after the user saves one.
func (h *handler) readinessSaved(w http.ResponseWriter, r *http.Request) {
	v, err := h.readinessView(r.Context(), nil)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.partial(w, r, "readiness", "readiness/saved", h.newPage(r, "readiness", "nav.readiness", v))
}

func (h *handler) readinessView(ctx context.Context, q url.Values) (readinessView, error) {
	who := access.FromContext(ctx)
	city, districts, err := h.store.Readiness().City(ctx)
	if err != nil {
		return readinessView{}, fmt.Errorf("web: readiness: city: %w", err)
	}
	v := readinessView{City: city, Districts: districts, Pair: readiness.DefaultPair, Hazard: "flood", Hazards: readinessHazards}
	if err := v.choose(q); err != nil {
		return v, err
	}
	if v.Config, err = h.store.HomeReadinessConfig(ctx); err != nil {
		return v, fmt.Errorf("web: readiness: settings: %w", err)
	}
	v.Levels = v.Config.Levels
	scs, err := h.store.Scenarios(ctx)
	if err != nil {
		return v, fmt.Errorf("web: readiness: scenarios: %w", err)
	}
	for _, sc := range scs {
		if !sc.Standing {
			v.Scenarios = append(v.Scenarios, sc)
		}
	}
	v.ExportURL = "/api/readiness?" + url.Values{"format": {"xlsx"}, "pair": {v.Pair[0] + "," + v.Pair[1]}, "hazard": {v.Hazard}}.Encode()
	items, err := h.store.Items(ctx, store.ItemFilter{})
	if err != nil {
		return v, fmt.Errorf("web: readiness: items: %w", err)
	}
	view := who.View(access.StockRead)
	depots, err := h.store.Depots(ctx, store.DepotFilter{View: &view})
	if err != nil {
		return v, fmt.Errorf("web: readiness: depots: %w", err)
	}
	v.Client = readinessClient{City: readinessName{city.Code, city.NameZH, city.NameEN}, Pair: v.Pair, Hazard: v.Hazard,
		Items: map[string]readinessItem{}, Depots: map[string]readinessName{},
		DeadlineHours: v.Config.DeadlineHours, KeepShare: v.Config.KeepShare,
		PlanningDays: v.Config.PlanningDays, CanCreate: who.Can(access.PrepositionCreate),
		CanApprove: who.Can(access.PrepositionApprove)}
	for _, it := range items {
		v.Client.Items[it.Code] = readinessItem{it.NameZH, it.NameEN, it.UnitZH, it.UnitEN}
	}
	for _, d := range districts {
		v.Client.Districts = append(v.Client.Districts, readinessName{d.Code, d.NameZH, d.NameEN})
	}
	for _, d := range depots {
		v.Client.Depots[d.Code] = readinessName{d.Code, d.NameZH, d.NameEN}
	}
	return v, nil
}

// choose reads ?pair= and ?hazard=, refusing what the API would refuse:
// the page's form sends one pair= per district, the API's form is "a,b".
func (v *readinessView) choose(q url.Values) error {
	pair, err := readiness.ParsePair(q["pair"])
	if err != nil {
		return err
	}
	if err := readiness.CheckPair(pair, v.Districts); err != nil {
		return err
	}
	v.Pair = pair
	hazard, err := httpx.OneOf(q, "hazard", v.Hazards...)
	v.Hazard = cmp.Or(hazard, v.Hazard)
	return err
}

// DistrictName is a district's name in the page's language, or its code.
func (v readinessView) DistrictName(p *page, code string) string {
	if code == v.City.Code {
		return p.Pick(v.City.NameZH, v.City.NameEN)
	}
	for _, d := range v.Districts {
		if d.Code == code {
			return p.Pick(d.NameZH, d.NameEN)
		}
	}
	return code
}

// RotationShare is the rotation rule's share of the shelf life as people
// read it: "1/3" for the default third, else a percentage ("25%").
func (v readinessView) RotationShare(p *page) string {
	share := v.Config.Rotation.Share
	for d := 2; d <= 10; d++ {
		n := math.Round(share * float64(d))
		if n >= 1 && math.Abs(share-n/float64(d)) < 1e-6 {
			return fmt.Sprintf("%d/%d", int(n), d)
		}
	}
	return p.Pct(share)
}

// Roman writes a response level as people read it: 2 → Ⅱ.
func (readinessView) Roman(level int) string {
	if level >= 1 && level <= 4 {
		return []string{"Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ"}[level-1]
	}
	return "–"
}
