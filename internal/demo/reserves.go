package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/stockpile-dev/stockpile/internal/reserve"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// createReserves registers the demo's agreement and capacity reserves,
// valid from 1 January of today's year.
func createReserves(ctx context.Context, s *store.Store, rows []reserveRow, today time.Time, sum *Summary) error {
	from := time.Date(today.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	for _, r := range rows {
		until := from.AddDate(r.validYears, 0, -1)
		q := stock.Quantity(r.quantity * 1000)
		var err error
		if r.kind == "agreement" {
			_, err = s.CreateAgreement(ctx, reserve.Agreement{Code: r.code, OrgCode: r.org, Party: r.party, Item: r.item, Quantity: q,
				DeliveryHours: r.hours, ValidFrom: from.Format(stock.DateLayout), ValidUntil: until.Format(stock.DateLayout),
				Point: r.point, Note: r.note})
			sum.Agreements++
		} else {
			_, err = s.CreateCapacity(ctx, reserve.Capacity{Code: r.code, OrgCode: r.org, Party: r.party, Item: r.item, PerDay: q,
				LeadHours: r.hours, ValidFrom: from.Format(stock.DateLayout), ValidUntil: until.Format(stock.DateLayout),
				Point: r.point, Note: r.note})
			sum.Capacities++
		}
		if err != nil {
			return fmt.Errorf("demo data: %s line %d: %w", reservesFile, r.line, err)
		}
	}
	return nil
}
