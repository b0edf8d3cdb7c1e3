package ops

import (
	"context"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/input"
	"github.com/stockpile-dev/stockpile/internal/readiness"
)

// Overview assesses the two standing scenarios (the second hitting pair
// with hazard) and a level Ⅱ event in every district; progress, if not
// nil, hears of each plan solved.
func (s *Service) Overview(ctx context.Context, pair [2]string, hazard string, progress func(done, total int)) (readiness.Overview, error) {
	as, err := s.Assessor(ctx)
	if err != nil {
		return readiness.Overview{}, err
	}
	return as.Overview(ctx, pair, hazard, progress)
}

// Assess sets a scenario against what the city holds. The scenario is
// checked against the city's areas and items first; errors name its
// fields (events[0].areas[1]).
func (s *Service) Assess(ctx context.Context, sc readiness.Scenario) (readiness.Assessment, error) {
	known, err := s.store.Known(ctx)
	if err != nil {
		return readiness.Assessment{}, err
	}
	if err := sc.Validate(known); err != nil {
		return readiness.Assessment{}, err
	}
	as, err := s.Assessor(ctx)
	if err != nil {
		return readiness.Assessment{}, err
	}
	return as.Assess(ctx, sc)
}

// AssessStored assesses the stored scenario of code.
func (s *Service) AssessStored(ctx context.Context, code string) (readiness.Assessment, error) {
	sc, err := s.store.Scenario(ctx, code)
	if err != nil {
		return readiness.Assessment{}, err
	}
	return s.Assess(ctx, sc)
}

// SaveScenario stores a scenario, replacing the one with its code.
func (s *Service) SaveScenario(ctx context.Context, who access.Principal, sc readiness.Scenario) (readiness.Scenario, error) {
	if err := check(who); err != nil {
		return sc, err
	}
	return s.store.SaveScenario(ctx, sc)
}

// SaveReadinessConfig replaces the home city's readiness settings whole,
// as who; an invalid one is refused naming the field (config.norms[2]…)
// and nothing is stored. A config that names no city is the home city's.
func (s *Service) SaveReadinessConfig(ctx context.Context, who access.Principal, cfg readiness.Config) (readiness.Config, error) {
	if err := check(who); err != nil {
		return cfg, err
	}
	if cfg.City == "" {
		city, _, err := s.store.Readiness().City(ctx)
		if err != nil {
			return cfg, err
		}
		cfg.City = city.Code
	}
	saved, err := s.store.SaveReadinessConfig(ctx, cfg, who.ID)
	return saved, apperr.Within("config.", err)
}

// ImportNorms replaces the home city's norms with those of a CSV file,
// whole or not at all, as who: a file with bad rows is refused with a
// report of every one of them. The other settings are kept.
func (s *Service) ImportNorms(ctx context.Context, who access.Principal, csv string) (readiness.Config, error) {
	if err := check(who); err != nil {
		return readiness.Config{}, err
	}
	known, err := s.store.Known(ctx)
	if err != nil {
		return readiness.Config{}, err
	}
	norms, err := readiness.ImportNorms(csv, known)
	if err != nil {
		return readiness.Config{}, err
	}
	cfg, err := s.store.HomeReadinessConfig(ctx)
	if err != nil {
		return cfg, err
	}
	cfg.Norms = norms
	return s.store.SaveReadinessConfig(ctx, cfg, who.ID)
}

// Recommend reads a hazard warning (JSON, or a CAP 1.2 alert) and stores a
// pre-positioning recommendation for it, as proposed. Errors about the
// warning name warning.<field>.
func (s *Service) Recommend(ctx context.Context, who access.Principal, doc []byte, opt readiness.PrepositionOptions) (readiness.Recommendation, error) {
	if err := check(who); err != nil {
		return readiness.Recommendation{}, err
	}
	w, err := readiness.ReadWarning(ctx, s.store.Readiness(), doc)
	if err == nil {
		err = input.Strings(w)
	}
	if err != nil {
		return readiness.Recommendation{}, apperr.Within("warning.", err)
	}
	as, err := s.Assessor(ctx)
	if err != nil {
		return readiness.Recommendation{}, err
	}
	rec, err := as.Recommend(ctx, w, opt)
	if err != nil {
		return rec, err
	}
	return s.store.CreateRecommendation(ctx, rec)
}

// ApprovePreposition turns a proposed recommendation into a transfer
// order ordered by who, its lots reserved (readiness.Recommendation.Approve).
func (s *Service) ApprovePreposition(ctx context.Context, who access.Principal, id int64) (readiness.Recommendation, error) {
	if err := check(who); err != nil {
		return readiness.Recommendation{}, err
	}
	return s.store.ApproveRecommendation(ctx, id, who.ID)
}

// CancelPreposition drops a proposed recommendation.
func (s *Service) CancelPreposition(ctx context.Context, who access.Principal, id int64) (readiness.Recommendation, error) {
	if err := check(who); err != nil {
		return readiness.Recommendation{}, err
	}
	return s.store.CancelRecommendation(ctx, id)
}
