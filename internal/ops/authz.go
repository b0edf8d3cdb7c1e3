package ops

import (
	"context"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/audit"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// allow checks that who may take act on the things of kind with codes
// (depots, organisations, areas, reserves), as access.Rules says. Every
// use case calls it, or allowCity, before it changes anything. A code that
// names nothing is left to the use case's own validation to refuse.
func (s *Service) allow(ctx context.Context, who access.Actor, act access.Action, kind string, codes ...string) error {
	if !who.Can(act) {
		return who.Allow(act) // refused for the role, before anything is looked up
	}
	places, err := s.store.Places(ctx, kind, codes...)
	if err != nil {
		return err
	}
	return who.Allow(act, places...)
}

// May reports whether who may take act at the places of kind named by
// codes — what allow checks before a use case acts — so that a screen shows
// only the buttons that will work. It fails only when the places cannot be
// read.
func (s *Service) May(ctx context.Context, who access.Actor, act access.Action, kind string, codes ...string) (bool, error) {
	if !who.Can(act) {
		return false, nil
	}
	places, err := s.store.Places(ctx, kind, codes...)
	if err != nil {
		return false, err
	}
	return who.Allow(act, places...) == nil, nil
}

// allowCity checks that who may take act at the city level (the catalogue,
// the readiness settings): the root area must be in their scope.
func (s *Service) allowCity(ctx context.Context, who access.Actor, act access.Action) error {
	if !who.Can(act) {
		return who.Allow(act)
	}
	root, err := s.store.RootPlace(ctx)
	if err != nil {
		return err
	}
	return who.Allow(act, root)
}

// record appends to the audit trail, in the transaction of tx, that who
// took action on obj, whose state went from before to after.
func record(ctx context.Context, tx *store.Store, who access.Actor, action string, obj audit.Object, before, after any) error {
	r, err := audit.New(who, action, obj, before, after)
	if err != nil {
		return err
	}
	_, err = tx.Audit(ctx, r)
	return err
}
