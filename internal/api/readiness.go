package api

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/readiness"
	"github.com/stockpile-dev/stockpile/internal/report"
)

// xlsxType is the media type of an .xlsx workbook.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// assessor returns an assessor over the store with the home city's
// settings and the server's planner.
func (h *handler) assessor(ctx context.Context) (*readiness.Assessor, error) {
	cfg, err := h.store.HomeReadinessConfig(ctx)
	if err != nil {
		return nil, err
	}
	return &readiness.Assessor{Data: h.store.Readiness(), Config: cfg, Now: h.store.Now, Planner: h.planner}, nil
}

// getReadinessConfig returns the home city's readiness settings: norms,
// tier shares, response levels and horizons ("default": true when they are
// the shipped ones).
func (h *handler) getReadinessConfig(w http.ResponseWriter, r *http.Request) {
	cfg, err := h.store.HomeReadinessConfig(r.Context())
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, cfg)
}

// readinessConfigRequest replaces a city's settings.
type readinessConfigRequest struct {
	Config readiness.Config `json:"config"`
	Actor  string           `json:"actor,omitempty"`
}

// putReadinessConfig replaces the home city's readiness settings whole; an
// invalid one is refused, naming the field, and nothing is stored.
func (h *handler) putReadinessConfig(w http.ResponseWriter, r *http.Request) {
	var req readinessConfigRequest
	if err := h.decode(w, r, &req); err != nil {
		h.error(w, r, err)
		return
	}
	city, _, err := h.store.Readiness().City(r.Context())
	if err != nil {
		h.error(w, r, err)
		return
	}
	if req.Config.City == "" {
		req.Config.City = city.Code
	}
	cfg, err := h.store.SaveReadinessConfig(r.Context(), req.Config, actorOr(req.Actor))
	if err != nil {
		h.error(w, r, apperr.Within("config.", err))
		return
	}
	h.json(w, r, http.StatusOK, cfg)
}

// getReadiness assesses the standing scenarios and every district; the
// second standing scenario hits ?pair= (two district codes, default
// Fangshan and Mentougou) with ?hazard= (default flood).
func (h *handler) getReadiness(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	pair := readiness.DefaultPair
	if p := q.Get("pair"); p != "" {
		parts := strings.Split(p, ",")
		if len(parts) != 2 {
			h.error(w, r, badParam("pair", p, "两个区编码,以逗号分隔", "two district codes separated by a comma"))
			return
		}
		pair = [2]string{strings.TrimSpace(parts[0]), strings.TrimSpace(parts[1])}
	}
	hazard, err := oneOfParam(q, "hazard", readiness.Hazards...)
	if err != nil {
		h.error(w, r, err)
		return
	}
	if hazard == "" {
		hazard = "flood"
	}
	as, err := h.assessor(r.Context())
	if err != nil {
		h.error(w, r, err)
		return
	}
	ov, err := as.Overview(r.Context(), pair, hazard, nil)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.respond(w, r, ov, "readiness", func() (*excelize.File, error) { return report.Overview(ov) })
}

// respond writes v as JSON, or as an .xlsx workbook when ?format=xlsx.
func (h *handler) respond(w http.ResponseWriter, r *http.Request, v any, name string, book func() (*excelize.File, error)) {
	format, err := oneOfParam(r.URL.Query(), "format", "json", "xlsx")
	if err != nil {
		h.error(w, r, err)
		return
	}
	if format != "xlsx" {
		h.json(w, r, http.StatusOK, v)
		return
	}
	f, err := book()
	if err != nil {
		h.error(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := report.Write(&buf, f); err != nil {
		h.error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", xlsxType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name + ".xlsx"}))
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
}

// listScenarios lists the stored scenarios.
func (h *handler) listScenarios(w http.ResponseWriter, r *http.Request) {
	scs, err := h.store.Scenarios(r.Context())
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, list("scenarios", scs))
}

// getScenario returns one stored scenario.
func (h *handler) getScenario(w http.ResponseWriter, r *http.Request) {
	sc, err := h.store.Scenario(r.Context(), r.PathValue("code"))
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, sc)
}

// saveScenario stores a scenario, replacing the one with its code.
func (h *handler) saveScenario(w http.ResponseWriter, r *http.Request) {
	var sc readiness.Scenario
	if err := h.decode(w, r, &sc); err != nil {
		h.error(w, r, err)
		return
	}
	sc, err := h.store.SaveScenario(r.Context(), sc)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, sc)
}

// assessmentRequest names the scenario to assess: inline, or stored.
type assessmentRequest struct {
	Scenario *readiness.Scenario `json:"scenario,omitempty"`
	Code     string              `json:"code,omitempty"`
}

// createAssessment assesses a scenario; ?format=xlsx returns the workbook.
func (h *handler) createAssessment(w http.ResponseWriter, r *http.Request) {
	var req assessmentRequest
	if err := h.decode(w, r, &req); err != nil {
		h.error(w, r, err)
		return
	}
	sc, err := h.scenarioOf(r.Context(), req)
	if err != nil {
		h.error(w, r, err)
		return
	}
	as, err := h.assessor(r.Context())
	if err != nil {
		h.error(w, r, err)
		return
	}
	res, err := as.Assess(r.Context(), sc)
	if err != nil {
		h.error(w, r, apperr.Within("scenario.", err))
		return
	}
	h.respond(w, r, res, "assessment-"+sc.Code, func() (*excelize.File, error) { return report.Assessment(res) })
}

func (h *handler) scenarioOf(ctx context.Context, req assessmentRequest) (readiness.Scenario, error) {
	switch {
	case req.Scenario != nil && req.Code != "":
		return readiness.Scenario{}, apperr.New(apperr.Invalid, "assessment.request", "请给出 scenario 或 code 之一",
			"give either scenario or code, not both").WithField("code")
	case req.Code != "":
		return h.store.Scenario(ctx, req.Code)
	case req.Scenario == nil:
		return readiness.Scenario{}, apperr.Required("scenario", "情景", "scenario")
	}
	known, err := h.store.Known(ctx)
	if err != nil {
		return readiness.Scenario{}, err
	}
	return *req.Scenario, apperr.Within("scenario.", req.Scenario.Validate(known))
}

// prepositionRequest asks for a pre-positioning recommendation.
type prepositionRequest struct {
	Warning json.RawMessage `json:"warning"`
	readiness.PrepositionOptions
}

// createPreposition recommends moving stock forward for a warning, given
// as {"warning": {…}, "keep_share": …} or as a CAP 1.2 alert body
// (Content-Type application/cap+xml or application/xml) with the options
// as query parameters; the recommendation is stored as proposed.
func (h *handler) createPreposition(w http.ResponseWriter, r *http.Request) {
	body, opt, err := h.prepositionInput(w, r)
	if err != nil {
		h.error(w, r, err)
		return
	}
	data := h.store.Readiness()
	warn, err := readiness.ReadWarning(r.Context(), data, body)
	if err != nil {
		h.error(w, r, apperr.Within("warning.", err))
		return
	}
	as, err := h.assessor(r.Context())
	if err != nil {
		h.error(w, r, err)
		return
	}
	rec, err := as.Recommend(r.Context(), warn, opt)
	if err == nil {
		rec, err = h.store.CreateRecommendation(r.Context(), rec)
	}
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.created(w, r, "/api/prepositions/"+strconv.FormatInt(rec.ID, 10), rec)
}

// prepositionInput reads the warning document and the options.
func (h *handler) prepositionInput(w http.ResponseWriter, r *http.Request) ([]byte, readiness.PrepositionOptions, error) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/xml" && mt != "text/xml" && mt != "application/cap+xml" {
		var req prepositionRequest
		if err := h.decode(w, r, &req); err != nil {
			return nil, req.PrepositionOptions, err
		}
		if len(req.Warning) == 0 {
			return nil, req.PrepositionOptions, apperr.Required("warning", "预警", "warning")
		}
		return req.Warning, req.PrepositionOptions, nil
	}
	var opt readiness.PrepositionOptions
	q := r.URL.Query()
	keep, errKeep := floatParam(q, "keep_share")
	deadline, errDeadline := floatParam(q, "deadline_hours")
	lead, errLead := floatParam(q, "lead_hours")
	if err := cmp.Or(errKeep, errDeadline, errLead); err != nil {
		return nil, opt, err
	}
	opt.KeepShare = keep
	if deadline != nil {
		opt.DeadlineHours = *deadline
	}
	if lead != nil {
		opt.LeadHours = *lead
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.maxBody))
	if err != nil {
		return nil, opt, tooLarge(h.maxBody)
	}
	return body, opt, nil
}

// listPrepositions lists recommendations, newest first, of an optional
// ?status=.
func (h *handler) listPrepositions(w http.ResponseWriter, r *http.Request) {
	status, err := oneOfParam(r.URL.Query(), "status", readiness.RecommendationProposed,
		readiness.RecommendationApproved, readiness.RecommendationCancelled)
	if err != nil {
		h.error(w, r, err)
		return
	}
	recs, err := h.store.Recommendations(r.Context(), status, 100)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, list("prepositions", recs))
}

// getPreposition returns one recommendation.
func (h *handler) getPreposition(w http.ResponseWriter, r *http.Request) {
	id, err := planID(r)
	if err == nil {
		var rec readiness.Recommendation
		if rec, err = h.store.Recommendation(r.Context(), id); err == nil {
			h.json(w, r, http.StatusOK, rec)
			return
		}
	}
	h.error(w, r, err)
}

// approvePreposition turns a recommendation into a transfer order, its
// lots reserved.
func (h *handler) approvePreposition(w http.ResponseWriter, r *http.Request) {
	id, actor, err := h.planActionRequest(w, r)
	if err != nil {
		h.error(w, r, err)
		return
	}
	rec, err := h.store.ApproveRecommendation(r.Context(), id, actor)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, rec)
}

// cancelPreposition drops a proposed recommendation.
func (h *handler) cancelPreposition(w http.ResponseWriter, r *http.Request) {
	id, _, err := h.planActionRequest(w, r)
	if err != nil {
		h.error(w, r, err)
		return
	}
	rec, err := h.store.CancelRecommendation(r.Context(), id)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, rec)
}

// getNorms downloads the home city's norms as CSV, to edit in Excel and
// import again.
func (h *handler) getNorms(w http.ResponseWriter, r *http.Request) {
	cfg, err := h.store.HomeReadinessConfig(r.Context())
	if err != nil {
		h.error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "norms.csv"}))
	w.Write(readiness.ExportNorms(cfg.Norms))
}

// putNorms replaces the home city's norms with a CSV file, whole or not at
// all: a file with bad rows is refused with a report of every one of them.
// The other settings are kept; ?actor= names who imports.
func (h *handler) putNorms(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.maxBody))
	if err != nil {
		h.error(w, r, tooLarge(h.maxBody))
		return
	}
	known, err := h.store.Known(r.Context())
	if err != nil {
		h.error(w, r, err)
		return
	}
	norms, err := readiness.ImportNorms(string(body), known)
	if err != nil {
		h.error(w, r, err)
		return
	}
	cfg, err := h.store.HomeReadinessConfig(r.Context())
	if err != nil {
		h.error(w, r, err)
		return
	}
	cfg.Norms = norms
	if cfg, err = h.store.SaveReadinessConfig(r.Context(), cfg, actorOr(r.URL.Query().Get("actor"))); err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, cfg)
}
