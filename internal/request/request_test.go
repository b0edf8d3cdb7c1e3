package request

import (
	"testing"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

func code(err error) string {
	if e, ok := apperr.As(err); ok {
		return e.Code
	}
	return ""
}

var (
	street   = Level{Code: "S", Level: area.LevelStreet, Parent: "D"}
	district = Level{Code: "D", Level: area.LevelDistrict, Parent: "C"}
	city     = Level{Code: "C", Level: area.LevelCity}
)

func pending() Request {
	return Request{ID: 4, Area: "Q", SiteName: "小学", Point: geo.Point{Lon: 116, Lat: 40}, WithinHours: 6,
		Lines: []Line{{Item: "1010101", Quantity: stock.Units(5)}}, IdempotencyKey: "k", Status: StatusPending,
		AtArea: "S", CreatedBy: "user:1"}
}

// TestChain walks a request up the chain and tries the steps that must be
// refused on the way.
func TestChain(t *testing.T) {
	r := pending()
	if err := r.Validate(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Decide(Approve, district, "user:2", 1, "", ""); code(err) != "request.not_here" {
		t.Errorf("the district deciding for the street: %v", err)
	}
	if _, err := r.Decide(Accept, street, "user:2", 1, "", "F1"); code(err) != "request.accept_level" {
		t.Errorf("a street accepting: %v", err)
	}
	if _, err := r.Decide(Reject, street, "user:2", 1, " ", ""); code(err) != "field.required" {
		t.Errorf("rejecting without a reason: %v", err)
	}
	if _, err := r.Decide(Withdraw, street, "user:2", 1, "", ""); code(err) != "request.not_yours" {
		t.Errorf("withdrawing another's request: %v", err)
	}
	r, err := r.Decide(Approve, street, "user:2", 1, "属实", "")
	if err != nil || r.AtArea != "D" || len(r.Steps) != 1 {
		t.Fatalf("the street approves: %+v %v", r, err)
	}
	r, err = r.Decide(Approve, district, "user:3", 2, "", "")
	if err != nil || r.AtArea != "C" {
		t.Fatalf("the district approves: %+v %v", r, err)
	}
	if _, err := r.Decide(Approve, city, "user:4", 3, "", ""); code(err) != "request.top" {
		t.Errorf("the city approving on: %v", err)
	}
	if _, err := r.Decide(Accept, city, "user:4", 3, "", ""); code(err) != "field.required" {
		t.Errorf("accepting without an incident: %v", err)
	}
	r, err = r.Decide(Accept, city, "user:4", 3, "", "F1")
	if err != nil || r.Status != StatusAccepted || r.Incident != "F1" || r.AtArea != "" || len(r.Steps) != 3 {
		t.Fatalf("the city accepts: %+v %v", r, err)
	}
	if _, err := r.Decide(Reject, city, "user:4", 4, "晚了", ""); code(err) != "request.status" {
		t.Errorf("deciding an accepted request: %v", err)
	}
	if w, err := pending().Decide(Withdraw, Level{}, "user:1", 1, "", ""); err != nil || w.Status != StatusWithdrawn {
		t.Errorf("the requester withdraws: %+v %v", w, err)
	}
}

func TestValidate(t *testing.T) {
	for name, c := range map[string]struct {
		change func(*Request)
		want   string
	}{
		"no area":       {func(r *Request) { r.Area = "" }, "field.required"},
		"no place":      {func(r *Request) { r.SiteName = "" }, "request.site_name"},
		"no point":      {func(r *Request) { r.Point = geo.Point{} }, "request.point"},
		"no time":       {func(r *Request) { r.WithinHours = 0 }, "request.within_hours"},
		"no items":      {func(r *Request) { r.Lines = nil }, "request.lines"},
		"item twice":    {func(r *Request) { r.Lines = append(r.Lines, r.Lines[0]) }, "request.item_repeated"},
		"zero quantity": {func(r *Request) { r.Lines = []Line{{Item: "1", Quantity: 0}} }, "request.quantity"},
		"no key":        {func(r *Request) { r.IdempotencyKey = "" }, "request.key"},
	} {
		r := pending()
		c.change(&r)
		if got := code(r.Validate()); got != c.want {
			t.Errorf("%s: %s, want %s", name, got, c.want)
		}
	}
}
