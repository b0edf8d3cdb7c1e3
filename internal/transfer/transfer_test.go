package transfer

import (
	"reflect"
	"strings"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// order is a valid order #7: 30 tents from two lots of depot B to depot A,
// and 5 m² of geotextile from B to a street depot.
func order() Order {
	return Order{ID: 7, Status: StatusOrdered, Reason: "前置：房山区暴雨红色预警", CreatedBy: "李调度",
		Lines: []Line{
			{From: "D-B", To: "C-A", Item: "1010101", Quantity: stock.Units(30),
				Lots: []LotQuantity{{Lot: "T-1", Quantity: stock.Units(20)}, {Lot: "T-2", Quantity: stock.Units(10)}}},
			{From: "D-B", To: "S-C", Item: "3010201", Quantity: 5500,
				Lots: []LotQuantity{{Lot: "G-1", Quantity: 5500}}},
		}}
}

func TestValidate(t *testing.T) {
	if err := order().Validate(); err != nil {
		t.Fatalf("valid order: %v", err)
	}
	for _, c := range []struct {
		name, code, field string
		edit              func(o *Order)
	}{
		{"no one orders", "field.required", "created_by", func(o *Order) { o.CreatedBy = " " }},
		{"no lines", "transfer.empty", "lines", func(o *Order) { o.Lines = nil }},
		{"no source", "field.required", "lines[0].from", func(o *Order) { o.Lines[0].From = "" }},
		{"no destination", "field.required", "lines[1].to", func(o *Order) { o.Lines[1].To = "" }},
		{"same depot", "transfer.same_depot", "lines[0].to", func(o *Order) { o.Lines[0].To = "D-B" }},
		{"no item", "field.required", "lines[1].item", func(o *Order) { o.Lines[1].Item = "" }},
		{"zero quantity", "transfer.quantity", "lines[0].quantity", func(o *Order) { o.Lines[0].Quantity = 0 }},
		{"negative quantity", "transfer.quantity", "lines[1].quantity", func(o *Order) { o.Lines[1].Quantity = -5500 }},
		{"lot without a code", "transfer.lot", "lines[0].lots", func(o *Order) { o.Lines[0].Lots[1].Lot = "" }},
		{"lot of zero", "transfer.lot", "lines[0].lots", func(o *Order) { o.Lines[0].Lots[0].Quantity = 0 }},
		{"no lots", "transfer.lots_sum", "lines[1].lots", func(o *Order) { o.Lines[1].Lots = nil }},
		{"lots short of the line", "transfer.lots_sum", "lines[0].lots", func(o *Order) { o.Lines[0].Quantity = stock.Units(31) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := order()
			c.edit(&o)
			err := o.Validate()
			e, ok := apperr.As(err)
			if !ok || e.Code != c.code || e.Field != c.field || e.Kind != apperr.Invalid {
				t.Fatalf("got %#v (%v); want %s on %s", e, err, c.code, c.field)
			}
			if e.ZH == "" || e.EN == "" || e.ZH == e.EN {
				t.Errorf("want a message in each language; got %q and %q", e.ZH, e.EN)
			}
		})
	}
}

func TestReserve(t *testing.T) {
	p := order().Reserve()
	want := stock.Posting{IdempotencyKey: "transfer-7-ordered", Actor: "李调度",
		Reason: "下达调拨单 #7 前置：房山区暴雨红色预警", Lines: []stock.Line{
			{Kind: stock.KindReserve, Depot: "D-B", Item: "1010101", Lot: "T-1", Quantity: stock.Units(20)},
			{Kind: stock.KindReserve, Depot: "D-B", Item: "1010101", Lot: "T-2", Quantity: stock.Units(10)},
			{Kind: stock.KindReserve, Depot: "D-B", Item: "3010201", Lot: "G-1", Quantity: 5500},
		}}
	if !reflect.DeepEqual(p, want) {
		t.Fatalf("reserve posting\n%+v\nwant\n%+v", p, want)
	}
	if err := p.Validate(); err != nil {
		t.Errorf("the ledger would refuse it: %v", err)
	}
}

func TestExecute(t *testing.T) {
	p, err := order().Execute("张主任")
	if err != nil {
		t.Fatal(err)
	}
	rel := func(lot, item string, q stock.Quantity) stock.Line {
		return stock.Line{Kind: stock.KindRelease, Depot: "D-B", Item: item, Lot: lot, Quantity: q}
	}
	move := func(lot, item, to string, q stock.Quantity) stock.Line {
		return stock.Line{Kind: stock.KindTransfer, Depot: "D-B", ToDepot: to, Item: item, Lot: lot, Quantity: q}
	}
	want := stock.Posting{IdempotencyKey: "transfer-7-executed", Actor: "张主任",
		Reason: "执行调拨单 #7 前置：房山区暴雨红色预警", Lines: []stock.Line{
			rel("T-1", "1010101", stock.Units(20)), move("T-1", "1010101", "C-A", stock.Units(20)),
			rel("T-2", "1010101", stock.Units(10)), move("T-2", "1010101", "C-A", stock.Units(10)),
			rel("G-1", "3010201", 5500), move("G-1", "3010201", "S-C", 5500),
		}}
	if !reflect.DeepEqual(p, want) {
		t.Fatalf("execution posting\n%+v\nwant\n%+v", p, want)
	}
	if err := p.Validate(); err != nil {
		t.Errorf("the ledger would refuse it: %v", err)
	}
}

func TestCancel(t *testing.T) {
	p, err := order().Cancel("李调度")
	if err != nil {
		t.Fatal(err)
	}
	if p.IdempotencyKey != "transfer-7-cancelled" || p.Actor != "李调度" || p.Reason != "取消调拨单 #7 前置：房山区暴雨红色预警" ||
		len(p.Lines) != 3 {
		t.Fatalf("cancellation posting %+v", p)
	}
	for i, l := range p.Lines {
		if l.Kind != stock.KindRelease || l.ToDepot != "" || l.Depot != "D-B" {
			t.Errorf("line %d: %+v; want a release at the source", i, l)
		}
	}
	if err := p.Validate(); err != nil {
		t.Errorf("the ledger would refuse it: %v", err)
	}
}

// TestStepsNeedAnOrderedOrder: only an ordered transfer can be executed or
// cancelled; the error says which state it is in, in both languages.
func TestStepsNeedAnOrderedOrder(t *testing.T) {
	for _, st := range []Status{StatusExecuted, StatusCancelled} {
		o := order()
		o.Status = st
		for _, c := range []struct {
			name, zh string
			step     func(Order, string) (stock.Posting, error)
		}{{"execute", "不能执行", Order.Execute}, {"cancel", "不能取消", Order.Cancel}} {
			p, err := c.step(o, "张主任")
			e, ok := apperr.As(err)
			if !ok || e.Code != "transfer.status" || e.Kind != apperr.Conflict || e.Field != "status" {
				t.Fatalf("%s a %s order: %v", c.name, st, err)
			}
			if !strings.Contains(e.EN, "#7 is "+string(st)+": it cannot "+c.name) || !strings.Contains(e.ZH, string(st)+"，"+c.zh) {
				t.Errorf("%s a %s order: messages %q / %q", c.name, st, e.EN, e.ZH)
			}
			if len(p.Lines) != 0 {
				t.Errorf("%s a %s order returned a posting: %+v", c.name, st, p)
			}
		}
	}
}
