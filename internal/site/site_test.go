package site

import (
	"testing"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

func code(err error) string {
	if e, ok := apperr.As(err); ok {
		return e.Code + "@" + e.Field
	}
	return ""
}

func TestUse(t *testing.T) {
	u := Use{Kind: Return, Location: LocationCode("F1", "S1"), ToDepot: "D1", IdempotencyKey: "k",
		Lines: []Line{{Item: "1010101", Quantity: stock.Units(3)}}}
	if err := u.Validate(); err != nil {
		t.Fatal(err)
	}
	p := u.Posting("user:1")
	if p.Lines[0].Kind != stock.KindTransfer || p.Lines[0].Depot != "SITE:F1:S1" || p.Lines[0].ToDepot != "D1" ||
		p.Lines[0].Lot != "" || p.IdempotencyKey != "site-use-SITE:F1:S1-k" {
		t.Errorf("return posting %+v", p)
	}
	for name, c := range map[string]struct {
		change func(*Use)
		want   string
	}{
		"odd kind":              {func(u *Use) { u.Kind = "burn" }, "site_use.kind@kind"},
		"no key":                {func(u *Use) { u.IdempotencyKey = "" }, "site_use.key@idempotency_key"},
		"return to nowhere":     {func(u *Use) { u.ToDepot = "" }, "field.required@to_depot"},
		"hand out to nobody":    {func(u *Use) { u.Kind, u.ToDepot = Distribute, "" }, "field.required@recipient"},
		"a depot for a handout": {func(u *Use) { u.Kind, u.Recipient = Distribute, "村民" }, "site_use.to_depot@to_depot"},
		"zero":                  {func(u *Use) { u.Lines = []Line{{Item: "1", Quantity: 0}} }, "site_use.quantity@lines[0].quantity"},
	} {
		v := u
		c.change(&v)
		if got := code(v.Validate()); got != c.want {
			t.Errorf("%s: %s, want %s", name, got, c.want)
		}
	}
	c := Use{Kind: Consume, Location: "SITE:F1:S1", IdempotencyKey: "k", Lines: []Line{{Item: "1", Lot: "L", Quantity: 1}}}
	if p := c.Posting("u"); p.Lines[0].Kind != stock.KindIssue || p.Reason != "现场消耗核销" {
		t.Errorf("consume posting %+v", p)
	}
}
