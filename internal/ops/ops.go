// Package ops holds Stockpile's use cases: one function per thing a person
// or a partner system does, called alike by the JSON API, the web screens
// and the command line. Each takes the acting principal, loads what it
// needs through the store, lets the domain packages decide (pure
// functions such as dispatch.Plan.Act, readiness.Recommendation.Approve,
// stock.Balance.Apply) and has the store apply the result in one
// transaction.
//
// Surfaces parse input and render output; they hold no rule. Who may act
// is checked here, once per use case, against the one table of
// access.Rules; every change that is not a ledger entry is recorded in the
// audit trail in the transaction that makes it.
package ops

import (
	"context"
	"fmt"
	"time"

	"github.com/stockpile-dev/stockpile/internal/account"
	"github.com/stockpile-dev/stockpile/internal/alloc"
	"github.com/stockpile-dev/stockpile/internal/approval"
	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/readiness"
	"github.com/stockpile-dev/stockpile/internal/routing"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// Options configures a [Service].
type Options struct {
	// Router gives the dispatch planner its travel times. Nil means the
	// great-circle estimate with the default profile.
	Router routing.Router
	// Costs are the planner's tier rules and weights; zero means
	// alloc.DefaultCosts().
	Costs alloc.Costs
	// RegionMarginKm is how far beyond the home city's districts a site may
	// lie; zero means 300 km.
	RegionMarginKm float64
	// PasswordParams are argon2id's costs for new password hashes; zero
	// means account.DefaultParams. Tests lower them.
	PasswordParams account.Params
	// IdleTimeout and AbsoluteTimeout end sessions; zero means
	// account.DefaultIdleTimeout and account.DefaultAbsoluteTimeout.
	IdleTimeout, AbsoluteTimeout time.Duration
	// Approval says which movements wait for a second person; nil means
	// approval.DefaultPolicy.
	Approval *approval.Policy
}

// Service runs the use cases over one store. It holds no state of its own
// beyond its configuration and is safe for concurrent use.
type Service struct {
	store    *store.Store
	router   routing.Router
	costs    alloc.Costs
	margin   float64
	params   account.Params
	idle     time.Duration
	absolute time.Duration
	approval approval.Policy
}

// New returns the use cases over s. The store must stay open while the
// service is in use.
func New(s *store.Store, opts Options) *Service {
	svc := &Service{store: s, router: opts.Router, costs: opts.Costs, margin: opts.RegionMarginKm,
		params: opts.PasswordParams, idle: opts.IdleTimeout, absolute: opts.AbsoluteTimeout}
	if svc.router == nil {
		svc.router = defaultRouter()
	}
	// The great-circle estimate slows down by terrain: the terrain of the
	// areas in this database (each city loads its own), not a table built
	// into the program.
	if g, ok := svc.router.(*routing.GreatCircle); ok {
		svc.router = g.WithTerrainSource(s)
	}
	if svc.params == (account.Params{}) {
		svc.params = account.DefaultParams
	}
	if svc.idle <= 0 {
		svc.idle = account.DefaultIdleTimeout
	}
	if svc.absolute <= 0 {
		svc.absolute = account.DefaultAbsoluteTimeout
	}
	svc.approval = approval.DefaultPolicy
	if opts.Approval != nil {
		svc.approval = *opts.Approval
	}
	return svc
}

// defaultRouter is the great-circle estimate with the default profile,
// which is valid by construction: an error is a bug in the profile.
func defaultRouter() routing.Router {
	g, err := routing.NewGreatCircle(routing.DefaultProfile(), nil)
	if err != nil {
		panic(fmt.Sprintf("ops: the default routing profile is invalid: %v", err))
	}
	return g
}

// Store is the store the use cases run on; surfaces read through it.
func (s *Service) Store() *store.Store { return s.store }

// Planner returns the dispatch planner over inv, with the service's
// router, costs and region, on the store's clock.
func (s *Service) Planner(inv dispatch.Inventory) *dispatch.Planner {
	return &dispatch.Planner{Inventory: inv, Router: s.router, Now: s.store.Now, Costs: s.costs,
		RegionMarginKm: s.margin}
}

// Assessor returns a readiness assessor with the home city's settings and
// the service's planner.
func (s *Service) Assessor(ctx context.Context) (*readiness.Assessor, error) {
	cfg, err := s.store.HomeReadinessConfig(ctx)
	if err != nil {
		return nil, err
	}
	return &readiness.Assessor{Data: s.store.Readiness(), Config: cfg, Now: s.store.Now, Planner: s.Planner}, nil
}
