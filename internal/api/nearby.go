package api

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/httpx"
)

// defaultNearbyHours is the window of a nearby search that names none: the
// first-batch deadline of the reserve plan.
const defaultNearbyHours = 4

// nearbyItem is the item a nearby search is about, with its units so the
// quantities can be read.
type nearbyItem struct {
	Code   string `json:"code"`
	NameZH string `json:"name_zh"`
	NameEN string `json:"name_en"`
	UnitZH string `json:"unit_zh"`
	UnitEN string `json:"unit_en"`
}

// nearbyResponse answers GET /api/stock/nearby.
type nearbyResponse struct {
	Item nearbyItem `json:"item"`
	dispatch.NearbyResult
}

// nearbyStock answers "where is item X within N hours of this point":
// depots with usable stock of ?item= and agreement reserves of it, routed
// to (?lon=, ?lat=) with the planner's router, those arriving within
// ?hours= (default 4, at most 72) soonest first, and their total.
func (h *handler) nearbyStock(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	code := strings.TrimSpace(q.Get("item"))
	if code == "" {
		h.error(w, r, apperr.Required("item", "物资编码", "item"))
		return
	}
	at, hours, err := nearbyParams(q)
	if err != nil {
		h.error(w, r, err)
		return
	}
	item, res, err := h.ops.Nearby(r.Context(), actor(r), code, at, hours)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, nearbyResponse{
		Item:         nearbyItem{Code: item.Code, NameZH: item.NameZH, NameEN: item.NameEN, UnitZH: item.UnitZH, UnitEN: item.UnitEN},
		NearbyResult: res,
	})
}

// nearbyParams reads and checks the point and the window of a nearby
// search; lon and lat are required.
func nearbyParams(q url.Values) (geo.Point, float64, error) {
	var at geo.Point
	for _, p := range []struct {
		name, zh, en string
		dst          *float64
	}{{"lon", "经度", "longitude", &at.Lon}, {"lat", "纬度", "latitude", &at.Lat}} {
		v, err := httpx.Float(q, p.name)
		if err != nil {
			return at, 0, err
		}
		if v == nil {
			return at, 0, apperr.Required(p.name, p.zh, p.en)
		}
		*p.dst = *v
	}
	hours := float64(defaultNearbyHours)
	v, err := httpx.Float(q, "hours")
	if err != nil {
		return at, 0, err
	}
	if v != nil {
		hours = *v
	}
	return at, hours, dispatch.CheckNearby(at, hours)
}
