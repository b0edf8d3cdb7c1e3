package importer

import (
	"context"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/depot"
	"github.com/stockpile-dev/stockpile/internal/org"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/tabular"
)

// LotKey is the natural key of a lot at a depot: the depot, item, batch
// and owner codes. The stored lot it names is the one of that item, batch
// and owner that has a balance at the depot or was first received there.
type LotKey struct {
	Depot, Item, Batch, Owner string
}

func (k LotKey) String() string { return k.Depot + " / " + k.Item + " / " + k.Batch + " / " + k.Owner }

// LotState is a stored lot found by its key, with its balance at the
// key's depot. Ambiguous is set when more than one lot has the key there
// (an import cannot tell which to set).
type LotState struct {
	Lot       string
	OnHand    stock.Quantity
	Reserved  stock.Quantity
	Ambiguous bool
}

// Opening is one row of opening stock: the quantity a lot should hold at
// a depot. Lot is the stored lot it names ("" when new), Current what it
// holds there now.
type Opening struct {
	LotKey
	ProducedOn string
	ExpiresOn  string
	Quality    stock.Quality
	Quantity   stock.Quantity
	Lot        string
	Current    stock.Quantity
	Reserved   stock.Quantity
}

// Delta is what the import posts for the row: the quantity wanted less
// the quantity held.
func (o Opening) Delta() stock.Quantity { return o.Quantity - o.Current }

// Line is the ledger line that sets the lot's quantity: a receipt of a new
// lot, or an adjustment (盘点调整, signed) of a stored one. ok is false
// when there is nothing to post.
func (o Opening) Line() (stock.Line, bool) {
	d := o.Delta()
	switch {
	case d == 0:
		return stock.Line{}, false
	case o.Lot == "":
		return stock.Line{Kind: stock.KindReceive, Depot: o.Depot, Item: o.Item, Quantity: d,
			NewLot: &stock.LotSpec{Batch: o.Batch, ProducedOn: o.ProducedOn, ExpiresOn: o.ExpiresOn,
				Quality: o.Quality, OwnerCode: o.Owner}}, true
	}
	return stock.Line{Kind: stock.KindAdjust, Depot: o.Depot, Item: o.Item, Lot: o.Lot, Quantity: d}, true
}

// parseOpening reads an opening-stock row; its lot is looked up with the
// rest of its batch (resolveLots).
func parseOpening(ctx context.Context, ch *checker, c *cells) (Record, error) {
	var o Opening
	c.text("depot", &o.Depot)
	c.text("item", &o.Item)
	c.text("batch", &o.Batch)
	c.text("owner", &o.Owner)
	c.date("produced_on", &o.ProducedOn)
	c.date("expires_on", &o.ExpiresOn)
	quality := ""
	c.pick("quality", &quality)
	o.Quality = stock.Quality(quality)
	c.quantity("quantity", &o.Quantity)
	cellProblems := len(c.problems) > 0
	if o.Quantity < 0 {
		c.add("quantity", "", apperr.New(apperr.Invalid, "quantity.negative", "数量不能为负数", "the quantity must not be negative"))
	}
	if err := c.quantityRange(o.Quantity); err != nil {
		c.add("quantity", "", err)
	}
	if err := o.references(ctx, ch, c); err != nil || cellProblems {
		return Record{}, err
	}
	itv, found, err := ch.lookup(ctx, Items, o.Item)
	if err != nil || !found {
		return Record{}, err
	}
	it := itv.(catalog.Item)
	c.fail(stock.CheckUnit(o.Quantity, it.Counted, it.UnitZH, it.UnitEN), nil)
	spec, err := stock.LotSpec{Batch: o.Batch, ProducedOn: o.ProducedOn, ExpiresOn: o.ExpiresOn, Quality: o.Quality,
		OwnerCode: o.Owner}.Normalize(it)
	c.fail(err, map[string]string{"new_lot.batch": "batch", "new_lot.quality": "quality",
		"new_lot.produced_on": "produced_on", "new_lot.expires_on": "expires_on"})
	o.ExpiresOn, o.Quality = spec.ExpiresOn, spec.Quality
	return Record{Key: o.LotKey.String(), Value: o}, nil
}

// references checks the depot, owner and item a row names, recording
// a problem for each that does not exist; an empty owner is the depot's
// holder.
func (o *Opening) references(ctx context.Context, ch *checker, c *cells) error {
	if o.Depot != "" {
		d, ok, err := need[depot.Depot](ctx, ch, c, Depots, "depot", o.Depot, "储备库", "depot")
		if err != nil {
			return err
		}
		if ok && o.Owner == "" {
			o.Owner = d.OrgCode
		}
	}
	if o.Owner != "" {
		if _, _, err := need[org.Org](ctx, ch, c, Orgs, "owner", o.Owner, "物权单位", "owner"); err != nil {
			return err
		}
	}
	if o.Item == "" {
		return nil
	}
	_, _, err := need[catalog.Item](ctx, ch, c, Items, "item", o.Item, "物资", "item")
	return err
}

// quantityRange refuses a quantity beyond what the ledger holds.
func (c *cells) quantityRange(q stock.Quantity) error {
	if q == 0 {
		return nil
	}
	return q.CheckRange()
}

// flush looks up the lots of the waiting opening-stock rows together,
// classifies each row and hands it on.
func (ch *checker) flush(ctx context.Context) error {
	if len(ch.batch) == 0 {
		return nil
	}
	keys := make([]LotKey, len(ch.batch))
	for i, rec := range ch.batch {
		keys[i] = rec.Value.(Opening).LotKey
	}
	lots, err := ch.env.Lots(ctx, keys)
	if err != nil {
		return err
	}
	for _, rec := range ch.batch {
		o := rec.Value.(Opening)
		st, found := lots[o.LotKey]
		if st.Ambiguous {
			ch.problems(ch.lotProblem(rec, "import.lot_ambiguous", "储备库中有多个批次号、物权单位相同的批次，无法确定设置哪一个",
				"the depot has more than one lot of this batch and owner: cannot tell which to set"))
			continue
		}
		o.Lot, o.Current, o.Reserved = st.Lot, st.OnHand, st.Reserved
		if o.Quantity < o.Reserved {
			ch.problems(ch.lotProblem(rec, "import.below_reserved", "数量少于已预留给方案的 "+o.Reserved.String(),
				"the quantity is below the "+o.Reserved.String()+" reserved for plans"))
			continue
		}
		rec.Value = o
		switch {
		case found && o.Delta() == 0, !found && o.Quantity == 0:
			rec.Status = Unchanged
		case found:
			rec.Status, rec.Before = Changed, st
		default:
			rec.Status = New
		}
		if err := ch.finish(ctx, rec); err != nil {
			return err
		}
	}
	ch.batch = ch.batch[:0]
	return nil
}

func (ch *checker) lotProblem(rec Record, code, zh, en string) tabular.Problem {
	return tabular.Problem{Line: rec.Line, Column: "quantity", Value: rec.Key, Code: code, ZH: zh, EN: en}
}
