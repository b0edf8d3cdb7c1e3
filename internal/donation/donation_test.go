package donation

import (
	"testing"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

func sample() Donation {
	return Donation{ID: 7, Donor: "某某公司", DonorKind: DonorEnterprise, Depot: "D1", IdempotencyKey: "k",
		Lines: []Line{
			{Item: "1010101", Quantity: stock.Units(100), Check: Accepted},
			{Item: "1030101", Quantity: stock.Units(50), Check: Pending, Reason: "外包装破损，待抽检"},
			{Item: "1020101", Quantity: stock.Units(10), Check: Rejected, Reason: "已过期"},
		}}
}

func code(err error) string {
	if e, ok := apperr.As(err); ok {
		return e.Code + "@" + e.Field
	}
	return ""
}

func TestValidate(t *testing.T) {
	if err := sample().Validate(); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		change func(*Donation)
		want   string
	}{
		"no donor":          {func(d *Donation) { d.Donor = " " }, "field.required@donor"},
		"odd donor kind":    {func(d *Donation) { d.DonorKind = "ghost" }, "donation.donor_kind@donor_kind"},
		"no key":            {func(d *Donation) { d.IdempotencyKey = "" }, "donation.key@idempotency_key"},
		"zero quantity":     {func(d *Donation) { d.Lines[0].Quantity = 0 }, "donation.quantity@lines[0].quantity"},
		"pending no reason": {func(d *Donation) { d.Lines[1].Reason = "" }, "donation.reason_required@lines[1].reason"},
		"odd check":         {func(d *Donation) { d.Lines[0].Check = "maybe" }, "donation.check@lines[0].check"},
		"all rejected": {func(d *Donation) {
			d.Lines = []Line{{Item: "1", Quantity: 1, Check: Rejected, Reason: "坏了"}}
		}, "donation.all_rejected@lines"},
	} {
		d := sample()
		d.Lines = append([]Line(nil), d.Lines...)
		c.change(&d)
		if got := code(d.Validate()); got != c.want {
			t.Errorf("%s: %s, want %s", name, got, c.want)
		}
	}
}

func TestPostingReceivesWhatWasNotRejected(t *testing.T) {
	p := sample().Posting("user:1")
	if len(p.Lines) != 2 || p.IdempotencyKey != "donation-k" {
		t.Fatalf("posting %+v", p)
	}
	if p.Lines[0].NewLot.Quality != stock.QualityGood || p.Lines[1].NewLot.Quality != stock.QualityPending ||
		p.Lines[0].NewLot.Batch != "捐赠-7" {
		t.Errorf("lots %+v %+v", p.Lines[0].NewLot, p.Lines[1].NewLot)
	}
}

func TestMatchesHonourTheRestriction(t *testing.T) {
	depot := geo.Point{Lon: 116.2, Lat: 39.9}
	needs := []Need{
		{Incident: "F", IncidentType: "flood", Site: "far", District: "110115", InCity: true, Point: geo.Point{Lon: 116.2, Lat: 39.5},
			Item: "1010101", Open: stock.Units(80)},
		{Incident: "F", IncidentType: "flood", Site: "near", District: "110114", InCity: true, Point: geo.Point{Lon: 116.2, Lat: 39.95},
			Item: "1010101", Open: stock.Units(30)},
		{Incident: "Q", IncidentType: "earthquake", Site: "quake", District: "110115", InCity: true, Point: depot,
			Item: "1010101", Open: stock.Units(5)},
	}
	d := sample()
	got := d.Matches(depot, needs, []string{"110114", "110115"})
	if len(got) != 3 || got[0].Site != "quake" || got[1].Site != "near" || got[1].Quantity != stock.Units(30) ||
		got[2].Site != "far" || got[2].Quantity != stock.Units(65) {
		t.Errorf("unrestricted matches %+v", got)
	}
	d.Restriction = stock.Restriction{Area: "110115", IncidentType: "flood"}
	got = d.Matches(depot, needs, []string{"110114", "110115"})
	if len(got) != 1 || got[0].Site != "far" || got[0].Quantity != stock.Units(80) {
		t.Errorf("matches for Daxing floods only %+v", got)
	}
}
