package ops

import (
	"context"
	"strconv"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/audit"
	"github.com/stockpile-dev/stockpile/internal/input"
	"github.com/stockpile-dev/stockpile/internal/readiness"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// Overview assesses the two standing scenarios (the second hitting pair
// with hazard) and a level Ⅱ event in every district; progress, if not
// nil, hears of each plan solved.
func (s *Service) Overview(ctx context.Context, who access.Actor, pair [2]string, hazard string, progress func(done, total int)) (readiness.Overview, error) {
	if err := who.Allow(access.ReadinessRead); err != nil {
		return readiness.Overview{}, err
	}
	as, err := s.Assessor(ctx)
	if err != nil {
		return readiness.Overview{}, err
	}
	return as.Overview(ctx, pair, hazard, progress)
}

// Assess sets a scenario against what the city holds. The scenario is
// checked against the city's areas and items first; errors name its
// fields (events[0].areas[1]).
func (s *Service) Assess(ctx context.Context, who access.Actor, sc readiness.Scenario) (readiness.Assessment, error) {
	if err := who.Allow(access.ReadinessRead); err != nil {
		return readiness.Assessment{}, err
	}
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
func (s *Service) AssessStored(ctx context.Context, who access.Actor, code string) (readiness.Assessment, error) {
	if err := who.Allow(access.ReadinessRead); err != nil {
		return readiness.Assessment{}, err
	}
	sc, err := s.store.Scenario(ctx, code)
	if err != nil {
		return readiness.Assessment{}, err
	}
	return s.Assess(ctx, who, sc)
}

// SaveScenario stores a scenario, replacing the one with its code.
func (s *Service) SaveScenario(ctx context.Context, who access.Actor, sc readiness.Scenario) (readiness.Scenario, error) {
	if err := who.Allow(access.ScenarioWrite); err != nil {
		return sc, err
	}
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		var before any
		if old, err := tx.Scenario(ctx, sc.Code); err == nil {
			before = old
		} else if !apperr.IsKind(err, apperr.NotFound) {
			return err
		}
		var err error
		if sc, err = tx.SaveScenario(ctx, sc); err != nil {
			return err
		}
		return record(ctx, tx, who, "scenario.save", audit.Object{Kind: "scenario", ID: sc.Code}, before, sc)
	})
	return sc, err
}

// SaveReadinessConfig replaces the home city's readiness settings whole,
// as who; an invalid one is refused naming the field (config.norms[2]…)
// and nothing is stored. A config that names no city is the home city's.
func (s *Service) SaveReadinessConfig(ctx context.Context, who access.Actor, cfg readiness.Config) (readiness.Config, error) {
	if err := s.allowCity(ctx, who, access.ReadinessConfigure); err != nil {
		return cfg, err
	}
	if cfg.City == "" {
		city, _, err := s.store.Readiness().City(ctx)
		if err != nil {
			return cfg, err
		}
		cfg.City = city.Code
	}
	saved, err := s.saveConfig(ctx, who, "readiness.configure", cfg.WithDefaults())
	return saved, apperr.Within("config.", err)
}

// saveConfig stores a city's readiness settings and records the change,
// with the settings before, in the audit trail.
func (s *Service) saveConfig(ctx context.Context, who access.Actor, action string, cfg readiness.Config) (readiness.Config, error) {
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		before, err := tx.HomeReadinessConfig(ctx)
		if err != nil {
			return err
		}
		if cfg, err = tx.SaveReadinessConfig(ctx, cfg, who.ID); err != nil {
			return err
		}
		return record(ctx, tx, who, action, audit.Object{Kind: "readiness_config", ID: cfg.City}, before, cfg)
	})
	return cfg, err
}

// ImportNorms replaces the home city's norms with those of a CSV file,
// whole or not at all, as who: a file with bad rows is refused with a
// report of every one of them. The other settings are kept.
func (s *Service) ImportNorms(ctx context.Context, who access.Actor, csv string) (readiness.Config, error) {
	if err := s.allowCity(ctx, who, access.ReadinessConfigure); err != nil {
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
	return s.saveConfig(ctx, who, "readiness.norms_import", cfg)
}

// ImportPrices replaces the home city's unit prices with those of a CSV
// file, whole or not at all, as who: a file with bad rows is refused with
// a report of every one of them (prices.import). The other settings are
// kept.
func (s *Service) ImportPrices(ctx context.Context, who access.Actor, csv string) (readiness.Config, error) {
	if err := s.allowCity(ctx, who, access.ReadinessConfigure); err != nil {
		return readiness.Config{}, err
	}
	known, err := s.store.Known(ctx)
	if err != nil {
		return readiness.Config{}, err
	}
	prices, err := readiness.ImportPrices(csv, known)
	if err != nil {
		return readiness.Config{}, err
	}
	cfg, err := s.store.HomeReadinessConfig(ctx)
	if err != nil {
		return cfg, err
	}
	cfg.Prices = prices
	if cfg.Prices == nil {
		cfg.Prices = []readiness.Price{} // a file of no prices clears them
	}
	return s.saveConfig(ctx, who, "readiness.prices_import", cfg)
}

// Recommend reads a hazard warning (JSON, or a CAP 1.2 alert) and stores a
// pre-positioning recommendation for it, as proposed. Errors about the
// warning name warning.<field>.
func (s *Service) Recommend(ctx context.Context, who access.Actor, doc []byte, opt readiness.PrepositionOptions) (readiness.Recommendation, error) {
	if err := who.Allow(access.PrepositionCreate); err != nil {
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
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if rec, err = tx.CreateRecommendation(ctx, rec); err != nil {
			return err
		}
		return record(ctx, tx, who, "preposition.create", prepositionObject(rec.ID), nil,
			map[string]any{"status": rec.Status, "warning": rec.Warning, "moves": len(rec.Moves)})
	})
	return rec, err
}

func prepositionObject(id int64) audit.Object {
	return audit.Object{Kind: "preposition", ID: strconv.FormatInt(id, 10)}
}

// ApprovePreposition turns a proposed recommendation into a transfer
// order ordered by who, its lots reserved (readiness.Recommendation.Approve).
// Every depot it moves stock from must be in who's scope.
func (s *Service) ApprovePreposition(ctx context.Context, who access.Actor, id int64) (readiness.Recommendation, error) {
	return s.stepPreposition(ctx, who, id, "preposition.approve", (*store.Store).ApproveRecommendation)
}

// CancelPreposition drops a proposed recommendation.
func (s *Service) CancelPreposition(ctx context.Context, who access.Actor, id int64) (readiness.Recommendation, error) {
	return s.stepPreposition(ctx, who, id, "preposition.cancel",
		func(tx *store.Store, ctx context.Context, id int64, _ string) (readiness.Recommendation, error) {
			return tx.CancelRecommendation(ctx, id)
		})
}

func (s *Service) stepPreposition(ctx context.Context, who access.Actor, id int64, action string,
	step func(*store.Store, context.Context, int64, string) (readiness.Recommendation, error)) (readiness.Recommendation, error) {
	if !who.Can(access.PrepositionApprove) {
		return readiness.Recommendation{}, who.Allow(access.PrepositionApprove)
	}
	before, err := s.store.Recommendation(ctx, id)
	if err != nil {
		return before, err
	}
	var sources []string
	for _, m := range before.Moves {
		sources = append(sources, m.From)
	}
	if err := s.allow(ctx, who, access.PrepositionApprove, "depot", sources...); err != nil {
		return before, err
	}
	var after readiness.Recommendation
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if after, err = step(tx, ctx, id, who.ID); err != nil {
			return err
		}
		return record(ctx, tx, who, action, prepositionObject(id), statusOf(before.Status),
			map[string]any{"status": after.Status, "transfer_id": after.TransferID})
	})
	return after, err
}
