package ops

import (
	"context"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/statement"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// Statement makes the receipts–issues–balance statement (收发存) of the
// period and filters f gives, of the depots who may see (stock.read; a
// depot beyond that is not found), with the period as made: the dates
// asked, or by default this month up to today, days after today counting
// as today (statement.NewPeriod).
func (s *Service) Statement(ctx context.Context, who access.Actor, f store.StatementFilter) (statement.Statement, error) {
	if err := who.Allow(access.StockRead); err != nil {
		return statement.Statement{}, err
	}
	p, err := statement.NewPeriod(f.From, f.To, s.store.Today())
	if err != nil {
		return statement.Statement{}, err
	}
	f.From, f.To = p.From, p.To
	rows, err := s.store.Statement(ctx, who.View(access.StockRead), f)
	return statement.Statement{Period: p, Rows: rows}, err
}

// StockAsOf returns what the depots who may see (stock.read) held at the
// end of the day f gives (库存快照), per item or per lot, and that day:
// the date asked, or today for none or a day after today.
func (s *Service) StockAsOf(ctx context.Context, who access.Actor, f store.AsOfFilter) (string, []store.AsOfRow, error) {
	if err := who.Allow(access.StockRead); err != nil {
		return "", nil, err
	}
	day, err := statement.Day(f.Date, s.store.Today())
	if err != nil {
		return "", nil, err
	}
	f.Date = day
	rows, err := s.store.StockAsOf(ctx, who.View(access.StockRead), f)
	return day, rows, err
}
